"""HTTP API and web chat page (FastAPI).

Routes (all JSON unless noted; OpenAPI docs at ``/docs``):

* ``GET  /``                  web chat page (``bot/static/index.html``)
* ``GET  /healthz``           ``{"status": "ok"}`` (+ ``"documents": N`` for a caller with the API key)
* ``POST /v1/ask``            ``{question, k?, session_id?}`` → ``Answer.to_dict()``
* ``POST /v1/search``         ``{query, k?}`` → ``{"query", "hits": [citation…]}``
* ``POST /v1/draft``          ``{unit, year?, kind?, governing_body?, format}`` → Markdown / JSON / DOCX download
* ``GET/POST /v1/documents``, ``GET /v1/jobs/{id}``, ``DELETE /v1/documents/{doc_id}``
  (``bot.documents``: uploads are ingested by background jobs, ``bot.jobs``)
* ``GET  /v1/citations``      citation graph JSON
* ``POST /telegram/webhook``  when ``telegram_token`` is set (see ``bot.telegram_bot``)
* ``POST /zalo/webhook``      when ``zalo_app_id`` and ``zalo_oa_secret`` are set (see ``bot.zalo``)

Before any route runs (pure ASGI middleware, outermost first): the API key
(``bot.auth``: with ``settings.api_key`` set, ``/v1/*``, ``/docs``, ``/redoc``
and ``/openapi.json`` need ``Authorization: Bearer <key>``, checked before the
body is read), the body cap (``bot.bodylimit``: 413 at the cap while
streaming, chunked or not), then the rate limits (``bot.ratelimit``, slowapi).
Request validation errors are 422 with a one-line bilingual ``detail`` that
never echoes the input (a lone surrogate in a JSON string used to make
rendering the error itself fail with a 500).

Blocking work (embedding, LLM calls) runs in a thread pool of
``settings.api_threads`` threads so the event loop keeps serving; ingest runs
in the job worker and never blocks readers.
"""

from __future__ import annotations

import logging
import threading
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import anyio.to_thread
from fastapi import FastAPI, HTTPException, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, PlainTextResponse, Response
from fastapi.staticfiles import StaticFiles
from slowapi.errors import RateLimitExceeded
from slowapi.middleware import SlowAPIASGIMiddleware
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from assistant.drafting.render_docx import docx_bytes
from assistant.drafting.render_markdown import draft_to_markdown
from assistant.memory import ConversationMemory, ask_in_conversation, chat_key
from assistant.service import CCHCService
from assistant.settings import Settings, get_settings
from assistant.types import Citation
from bot.auth import ApiKeyMiddleware, key_matches
from bot.bodylimit import BodySizeLimit
from bot.documents import documents_router
from bot.drafting import draft_filename, draft_for_service
from bot.jobs import IngestJobs
from bot.ratelimit import KeyedLimiter, make_limiter, rate_limited
from bot.schemas import (
    AnswerOut,
    AskRequest,
    DraftRequest,
    ErrorOut,
    HealthOut,
    SearchOut,
    SearchRequest,
)
from bot.telegram_bot import build_application, webhook_router
from bot.uploads import UploadError
from bot.zalo import ZaloClient, zalo_router

log = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).parent / "static"


def _safe(text: str) -> str:
    """``text`` with anything UTF-8 cannot hold written as ``\\udXXX`` escapes."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def validation_detail(exc: RequestValidationError) -> dict[str, Any]:
    """422 body for a request that failed validation: ``{"detail": "Yêu cầu
    không hợp lệ / invalid request: question: …; k: …", "errors": [{"loc",
    "msg", "type"}]}``; inputs are never echoed, every string is valid UTF-8."""
    errors, parts = [], []
    for e in exc.errors():
        loc = [_safe(str(x)) for x in e.get("loc", ())]
        msg = "not valid Unicode text (lone surrogate)" if e.get("type") == "string_unicode" else _safe(str(e.get("msg", "")))
        errors.append({"loc": loc, "msg": msg, "type": _safe(str(e.get("type", "")))})
        if e.get("type") == "json_invalid":
            parts.append(f"body: JSON decode error at position {loc[-1] if len(loc) > 1 else '?'}")
        else:
            parts.append(f"{'.'.join(x for x in loc if x != 'body') or 'body'}: {msg}")
    return {"detail": "Yêu cầu không hợp lệ / invalid request: " + "; ".join(parts)[:1000], "errors": errors[:20]}


class _Holder:
    """Mutable slot for the service, so the app can build it at startup."""

    def __init__(self, service):
        self.service = service


def _build_service(settings: Settings) -> CCHCService:
    svc = CCHCService(settings=settings)
    svc.ensure_index()
    return svc


WARM_QUERY = "thu tuc hanh chinh mot cua"  # unaccented: exercises diacritic restoration as well


def warm(service: CCHCService) -> None:
    """Build what the first question after a start or an ingest would
    otherwise pay for: the citation graph of the indexed documents, and one
    unaccented search (query embedder, BM25 tokenizer and the diacritic
    model are loaded on first use; about 3 s on 2 shared cores, measured
    with the onnx embedder, against under 0.1 s for the next question)."""
    try:
        service.citation_graph()
        service.search(WARM_QUERY, k=1)
    except Exception:
        log.exception("warming the index failed")


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
    files_lock = threading.Lock()
    telegram_enabled = bool(settings.telegram_token)
    zalo_enabled = bool(settings.zalo_app_id and settings.zalo_oa_secret)
    limiter = make_limiter(settings)

    def svc():
        if holder.service is None:  # used without lifespan (e.g. TestClient not entered)
            holder.service = _build_service(settings)
        return holder.service

    jobs = IngestJobs(svc, settings.data_dir, files_lock, after_ingest=warm)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        anyio.to_thread.current_default_thread_limiter().total_tokens = max(1, settings.api_threads)
        if holder.service is None:
            holder.service = await run_in_threadpool(_build_service, settings)
        threading.Thread(target=warm, args=(holder.service,), name="cchc-warm", daemon=True).start()
        jobs.start()
        tg = None
        if telegram_enabled:
            tg = build_application(holder.service, settings, memory, webhook=True)
            await tg.initialize()
            await tg.start()
            app.state.telegram = tg
        try:
            yield
        finally:
            await run_in_threadpool(jobs.stop)
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
    app.state.jobs = jobs
    app.state.limiter = limiter

    # outermost last: API key → body cap → rate limits → routes
    app.add_middleware(SlowAPIASGIMiddleware)
    app.add_middleware(BodySizeLimit, default_bytes=settings.max_body_kb * 1024,
                       upload_bytes=settings.max_upload_mb * 1024 * 1024, upload_paths=("/v1/documents",))
    auth_failures = KeyedLimiter(settings.rate_limit_auth_failures) if settings.rate_limit_enabled else None
    app.add_middleware(ApiKeyMiddleware, api_key=settings.api_key,
                       allow_failure=auth_failures.allow if auth_failures else None)

    errors: dict[int | str, dict[str, Any]] = {401: {"model": ErrorOut}, 429: {"model": ErrorOut}}
    protected: dict[str, Any] = dict(responses=errors)

    app.add_exception_handler(RateLimitExceeded, rate_limited)

    @app.exception_handler(UploadError)
    async def _upload_error(_request: Request, exc: UploadError):
        return JSONResponse({"detail": exc.message}, status_code=exc.status)

    @app.exception_handler(RequestValidationError)
    async def _invalid_request(_request: Request, exc: RequestValidationError):
        return JSONResponse(validation_detail(exc), status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException):
        if exc.status_code == 400 and exc.detail == "There was an error parsing the body":  # FastAPI's own words
            exc = StarletteHTTPException(400, "Không đọc được nội dung yêu cầu (JSON hỏng hoặc không phải UTF-8) / "
                                              "the request body could not be parsed (invalid JSON, or not UTF-8)")
        return await http_exception_handler(request, exc)

    @app.exception_handler(Exception)
    async def _internal(_request: Request, exc: Exception):  # a bug: logged, never a traceback to the client
        log.error("unhandled error", exc_info=exc)
        return JSONResponse({"detail": "Lỗi hệ thống / internal error"}, status_code=500)

    # ---- page and health ---------------------------------------------------
    @app.get("/", include_in_schema=False)
    async def index():
        return FileResponse(STATIC_DIR / "index.html", media_type="text/html; charset=utf-8")

    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    @app.get("/healthz", response_model=HealthOut, response_model_exclude_none=True)
    async def healthz(request: Request):
        """Liveness: ``{"status": "ok"}`` (``"starting"`` before the index is
        open); the document count only with the API key (or when none is set).
        Answered on the event loop itself (one small SQLite count), not in the
        thread pool, so it stays fast while asks fill the pool."""
        service = holder.service
        if service is None:
            return {"status": "starting"}
        if not key_matches(request.scope.get("headers") or [], settings.api_key):
            return {"status": "ok"}
        return {"status": "ok", "documents": int(service.index.store.count_documents())}

    # ---- question answering ----------------------------------------------
    @app.post("/v1/ask", response_model=AnswerOut, **protected)
    @limiter.limit(settings.rate_limit_ask)
    async def ask(request: Request, req: AskRequest):
        """Hỏi đáp có trích dẫn. With ``session_id``, earlier turns of that
        session are passed as history (follow-up questions)."""
        key = chat_key("web", req.session_id) if req.session_id else None
        answer = await run_in_threadpool(ask_in_conversation, svc(), memory, key, req.question, req.k)
        return answer.to_dict()

    @app.post("/v1/search", response_model=SearchOut, **protected)
    @limiter.limit(settings.rate_limit_search)
    async def search(request: Request, req: SearchRequest):
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

    # ---- documents and ingest jobs (bot.documents) ------------------------------
    app.include_router(documents_router(svc, settings, jobs, files_lock, limiter, protected))

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
    for route in app.routes:  # webhooks come from the chat platforms' few addresses: limited per chat instead
        if getattr(route, "path", "") in ("/telegram/webhook", "/zalo/webhook"):
            limiter.exempt(route.endpoint)

    return app
