"""HTTP API and web chat page (FastAPI).

Routes (all JSON unless noted; OpenAPI docs at ``/docs``):

* ``GET  /``                  web chat page (``bot/static/index.html``)
* ``GET  /healthz``           ``{"status": "ok", "documents": N}``
* ``POST /v1/ask``            ``{question, k?, session_id?}`` → ``Answer.to_dict()``
* ``POST /v1/search``         ``{query, k?}`` → ``{"query", "hits": [citation…]}``
* ``POST /v1/draft``          ``{unit, year?, kind?, governing_body?, format}`` → Markdown / JSON / DOCX download
* ``GET  /v1/documents``      indexed văn bản (``DocumentMeta``)
* ``POST /v1/documents``      multipart ``file`` (.txt .docx .pdf ≤ ``max_upload_mb``) → ingest
* ``DELETE /v1/documents/{doc_id}``
* ``GET  /v1/citations``      citation graph JSON
* ``POST /telegram/webhook``  when ``telegram_token`` is set (see ``bot.telegram_bot``)
* ``POST /zalo/webhook``      when ``zalo_app_id`` and ``zalo_oa_secret`` are set (see ``bot.zalo``)

With ``settings.api_key`` set, every ``/v1/*`` route needs ``Authorization:
Bearer <key>`` (401 otherwise); ``/``, ``/static``, ``/healthz``, ``/docs``
and the webhooks (which carry their own secrets) stay open.

Blocking work (embedding, LLM calls, ingest) runs in Starlette's thread pool
so the event loop keeps serving; uploads and deletions are serialised by one
lock so a failed ingest cannot interleave with another write.
"""

from __future__ import annotations

import logging
import secrets
import shutil
import threading
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import Depends, FastAPI, File, HTTPException, Request, UploadFile
from fastapi.responses import FileResponse, JSONResponse, PlainTextResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool

from assistant.drafting.render_docx import docx_bytes
from assistant.drafting.render_markdown import draft_to_markdown
from assistant.memory import ConversationMemory, ask_in_conversation, chat_key
from assistant.service import CCHCService
from assistant.settings import Settings, get_settings
from assistant.types import Citation
from bot.drafting import draft_filename, draft_for_service
from bot.schemas import (
    AnswerOut,
    AskRequest,
    DeleteOut,
    DocumentOut,
    DraftRequest,
    ErrorOut,
    HealthOut,
    IngestOut,
    SearchOut,
    SearchRequest,
)
from bot.telegram_bot import build_application, webhook_router
from bot.uploads import UploadError, check_upload, uploads_dir
from bot.zalo import ZaloClient, zalo_router

log = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).parent / "static"
_bearer = HTTPBearer(auto_error=False, description="settings.api_key (CCHC_API_KEY), when set")


class _Holder:
    """Mutable slot for the service, so the app can build it at startup."""

    def __init__(self, service):
        self.service = service


def _build_service(settings: Settings) -> CCHCService:
    svc = CCHCService(settings=settings)
    svc.ensure_index()
    return svc


def create_app(service: CCHCService | None = None, settings: Settings | None = None, memory: ConversationMemory | None = None) -> FastAPI:
    """Build the FastAPI app.

    ``service``: a ``CCHCService`` (built from ``settings`` at startup, with the
    bundled corpus ingested if the store is empty, when None). ``settings``:
    defaults to the service's settings or ``get_settings()``. ``memory``:
    conversation memory (default: ``data_dir/conversations.sqlite3``).
    The Telegram webhook is mounted when ``settings.telegram_token`` is set,
    the Zalo webhook when ``settings.zalo_app_id`` and ``zalo_oa_secret`` are.
    """
    settings = settings or (service.settings if service is not None else get_settings())
    memory = memory or ConversationMemory.from_settings(settings)
    holder = _Holder(service)
    write_lock = threading.Lock()
    telegram_enabled = bool(settings.telegram_token)
    zalo_enabled = bool(settings.zalo_app_id and settings.zalo_oa_secret)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        if holder.service is None:
            holder.service = await run_in_threadpool(_build_service, settings)
        tg = None
        if telegram_enabled:
            tg = build_application(holder.service, settings, memory, webhook=True)
            await tg.initialize()
            await tg.start()
            app.state.telegram = tg
        try:
            yield
        finally:
            if tg is not None:
                await tg.stop()
                await tg.shutdown()

    app = FastAPI(
        title="Trợ lý CCHC API",
        description="Hỏi đáp có trích dẫn và soạn kế hoạch cải cách hành chính / cited Q&A and plan drafting "
        "over Vietnamese administrative-reform documents.",
        version="0.1.0",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.memory = memory
    app.state.holder = holder
    app.state.telegram = None

    def svc():
        if holder.service is None:  # used without lifespan (e.g. TestClient not entered)
            holder.service = _build_service(settings)
        return holder.service

    async def require_key(creds: HTTPAuthorizationCredentials | None = Depends(_bearer)) -> None:
        if not settings.api_key:
            return
        if creds is None or not secrets.compare_digest(creds.credentials.encode(), settings.api_key.encode()):
            raise HTTPException(
                401,
                "Thiếu hoặc sai khóa API (Authorization: Bearer …) / missing or wrong API key",
                headers={"WWW-Authenticate": "Bearer"},
            )

    errors: dict[int | str, dict[str, Any]] = {401: {"model": ErrorOut}}
    protected = dict(dependencies=[Depends(require_key)], responses=errors)

    @app.exception_handler(UploadError)
    async def _upload_error(_request: Request, exc: UploadError):
        return JSONResponse({"detail": exc.message}, status_code=exc.status)

    max_bytes = settings.max_upload_mb * 1024 * 1024

    @app.middleware("http")
    async def _reject_huge_uploads(request: Request, call_next):
        # refuse before the multipart body is read and spooled
        if request.method == "POST" and request.url.path == "/v1/documents":
            try:
                length = int(request.headers.get("content-length") or 0)
            except ValueError:
                length = 0
            if length > max_bytes + 64 * 1024:
                m = f"Tệp vượt quá giới hạn {settings.max_upload_mb} MB / file larger than the {settings.max_upload_mb} MB limit"
                return JSONResponse({"detail": m}, status_code=413)
        return await call_next(request)

    # ---- page and health ---------------------------------------------------
    @app.get("/", include_in_schema=False)
    async def index():
        return FileResponse(STATIC_DIR / "index.html", media_type="text/html; charset=utf-8")

    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    @app.get("/healthz", response_model=HealthOut)
    async def healthz():
        """Liveness. Answered on the event loop itself (one small SQLite count),
        not in the thread pool, so it stays fast while asks fill the pool."""
        service = holder.service
        if service is None:
            return {"status": "starting", "documents": 0}
        return {"status": "ok", "documents": int(service.index.store.count_documents())}

    # ---- question answering ----------------------------------------------
    @app.post("/v1/ask", response_model=AnswerOut, **protected)
    async def ask(req: AskRequest):
        """Hỏi đáp có trích dẫn. With ``session_id``, earlier turns of that
        session are passed as history (follow-up questions)."""
        key = chat_key("web", req.session_id) if req.session_id else None
        answer = await run_in_threadpool(ask_in_conversation, svc(), memory, key, req.question, req.k)
        return answer.to_dict()

    @app.post("/v1/search", response_model=SearchOut, **protected)
    async def search(req: SearchRequest):
        """Hybrid search (BM25 + dense, fused); hits in the citation shape."""
        hits = await run_in_threadpool(lambda: svc().search(req.query, k=req.k))
        return {"query": req.query, "hits": [Citation.from_hit(i, h).to_dict() for i, h in enumerate(hits, 1)]}

    # ---- drafting ------------------------------------------------------------
    @app.post(
        "/v1/draft",
        **{**protected, "responses": {**errors, 422: {"model": ErrorOut}, 200: {
            "content": {"text/markdown": {}, "application/json": {},
                        "application/vnd.openxmlformats-officedocument.wordprocessingml.document": {}}}}},
    )
    async def draft(req: DraftRequest):
        """Soạn dự thảo kế hoạch năm ``year`` cho ``unit`` (Markdown, JSON or DOCX)."""
        try:
            result = await run_in_threadpool(draft_for_service, svc(), req.unit, req.year, req.kind, req.governing_body)
        except ValueError as e:
            raise HTTPException(422, f"Yêu cầu soạn thảo không hợp lệ: {e} / invalid draft request: {e}") from None
        if req.format == "docx":
            data = await run_in_threadpool(docx_bytes, result)
            return Response(
                data,
                media_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                headers={"Content-Disposition": f'attachment; filename="{draft_filename(req.unit, result.year)}"'},
            )
        if req.format == "json":
            return JSONResponse(result.to_dict())
        return PlainTextResponse(draft_to_markdown(result), media_type="text/markdown; charset=utf-8")

    # ---- documents -------------------------------------------------------------
    @app.get("/v1/documents", response_model=list[DocumentOut], **protected)
    async def list_documents():
        metas = await run_in_threadpool(lambda: svc().documents())
        return [m.to_dict() for m in metas]

    def _ingest_upload(name: str, data: bytes) -> dict:
        with write_lock:
            service = svc()
            folder = uploads_dir(settings.data_dir)
            path = folder / name
            backup = None
            if path.exists():
                backup = path.with_name(path.name + ".bak")
                shutil.copy2(path, backup)
            path.write_bytes(data)
            try:
                rep = service.ingest([path])
            except Exception as e:  # the service promises not to raise; be safe anyway
                log.exception("ingest crashed for %s", name)
                rep = None
                reason = f"{type(e).__name__}: {e}"
            else:
                reason = "; ".join(r for _p, r in rep.failed)
            ok = rep is not None and (rep.added or rep.skipped) and not rep.failed
            if not ok:
                if backup is not None:
                    shutil.move(backup, path)
                else:
                    path.unlink(missing_ok=True)
                raise UploadError(
                    422,
                    f"Không nạp được tệp {name}: {reason or 'không đọc được nội dung'}; kho tài liệu giữ nguyên",
                    f"could not ingest {name}: {reason or 'no readable content'}; the index is unchanged",
                )
            if backup is not None:
                backup.unlink(missing_ok=True)
            return {
                "filename": name,
                "added": rep.added,
                "skipped": rep.skipped,
                "chunks_added": rep.chunks_added,
                "documents": len(service.documents()),
            }

    @app.post(
        "/v1/documents",
        response_model=IngestOut,
        **{**protected, "responses": {**errors, 400: {"model": ErrorOut}, 413: {"model": ErrorOut},
                                      415: {"model": ErrorOut}, 422: {"model": ErrorOut}}},
    )
    async def upload_document(file: UploadFile = File(..., description=".txt, .docx or .pdf")):
        """Nạp văn bản mới (upload and ingest one file)."""
        data = await file.read(max_bytes + 1)
        checked = check_upload(file.filename, data, settings.max_upload_mb)
        return await run_in_threadpool(_ingest_upload, checked.filename, checked.data)

    def _delete(doc_id: str) -> bool:
        with write_lock:
            ok = svc().delete_document(doc_id)
            if ok:
                for suffix in (".txt", ".docx", ".pdf"):
                    p = uploads_dir(settings.data_dir) / f"{doc_id}{suffix}"
                    if p.is_file():
                        p.unlink()
            return ok

    @app.delete("/v1/documents/{doc_id}", response_model=DeleteOut, **protected)
    async def delete_document(doc_id: str):
        if not await run_in_threadpool(_delete, doc_id):
            raise HTTPException(404, f"Không có văn bản '{doc_id}' / no document '{doc_id}'")
        return {"deleted": doc_id}

    # ---- citation graph ------------------------------------------------------
    @app.get("/v1/citations", **protected)
    async def citations():
        """Đồ thị trích dẫn giữa các văn bản (which document cites which)."""
        return JSONResponse(await run_in_threadpool(lambda: svc().citation_graph().to_json()))

    # ---- channels --------------------------------------------------------------
    if telegram_enabled:
        app.include_router(webhook_router(settings, lambda: app.state.telegram))
    if zalo_enabled:
        app.state.zalo = ZaloClient(settings)
        app.include_router(zalo_router(settings, svc, memory, app.state.zalo))

    return app
