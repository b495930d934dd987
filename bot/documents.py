"""Routes for the indexed văn bản and their ingest jobs:

* ``GET  /v1/documents``           indexed văn bản (``DocumentOut``, no server paths)
* ``POST /v1/documents``           multipart ``file`` → 202 ``JobOut`` + ``Location: /v1/jobs/{id}``
* ``GET  /v1/jobs/{job_id}``       status, progress and result of an ingest job (``bot.jobs``)
* ``DELETE /v1/documents/{doc_id}``

An upload is checked before it is queued (``bot.uploads``: name, type, size,
content, with the loader's own decoding and archive checks), so a bad file is
refused at once (400/413/415/422); what only the ingest can find (no text
after parsing, an unreadable PDF) ends the job ``failed``. The body is
already capped while streaming (``bot.bodylimit``) and the key checked before
it (``bot.auth``); the upload route has its own rate limit.
"""

from __future__ import annotations

import threading

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import JSONResponse
from slowapi import Limiter
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from bot.jobs import IngestJobs
from bot.schemas import DeleteOut, DocumentOut, ErrorOut, JobOut
from bot.uploads import ALLOWED_SUFFIXES, UploadError, check_upload, uploads_dir

_UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "content": {"multipart/form-data": {"schema": {
            "type": "object", "required": ["file"],
            "properties": {"file": {"type": "string", "format": "binary",
                                    "description": " ".join(ALLOWED_SUFFIXES)}}}}},
    }
}


def document_out(meta) -> dict:
    """``DocumentMeta`` as the API shows it: every field but the server path."""
    d = meta.to_dict()
    d.pop("path", None)
    return d


def documents_router(get_service, settings, jobs: IngestJobs, files_lock: threading.Lock, limiter: Limiter,
                     protected: dict) -> APIRouter:
    """The routes of the module doc; ``protected``: route options (auth error
    responses) shared with the other ``/v1`` routes."""
    router = APIRouter()
    errors = protected.get("responses", {})
    max_bytes = settings.max_upload_mb * 1024 * 1024

    @router.get("/v1/documents", response_model=list[DocumentOut], **protected)
    async def list_documents():
        metas = await run_in_threadpool(lambda: get_service().documents())
        return [document_out(m) for m in metas]

    @router.post(
        "/v1/documents", status_code=202, response_model=JobOut, openapi_extra=_UPLOAD_BODY,
        **{**protected, "responses": {**errors, 400: {"model": ErrorOut}, 413: {"model": ErrorOut},
                                      415: {"model": ErrorOut}, 422: {"model": ErrorOut}, 429: {"model": ErrorOut}}},
    )
    @limiter.limit(settings.rate_limit_upload)
    async def upload_document(request: Request):
        """Nạp văn bản mới: the file is checked, then ingested by a background
        job; poll ``GET /v1/jobs/{job_id}`` (the ``Location`` header)."""
        form = await request.form(max_files=1, max_fields=10)
        try:
            upload = form.get("file")
            if not isinstance(upload, UploadFile):
                raise UploadError(400, "Thiếu tệp (trường 'file' của multipart/form-data)",
                                  "missing file (multipart/form-data field 'file')")
            data = await upload.read(max_bytes + 1)
            checked = await run_in_threadpool(check_upload, upload.filename, data, settings.max_upload_mb)
        finally:
            await form.close()
        job = await run_in_threadpool(jobs.submit, checked.filename, checked.data)
        return JSONResponse(job, status_code=202, headers={"Location": f"/v1/jobs/{job['job_id']}"})

    @router.get("/v1/jobs/{job_id}", response_model=JobOut, **{**protected, "responses": {**errors, 404: {"model": ErrorOut}}})
    async def get_job(job_id: str):
        """Trạng thái nạp tệp: status, progress (0..1) and, when done, the result."""
        job = await run_in_threadpool(jobs.store.get, job_id) if len(job_id) <= 64 else None
        if job is None:
            raise HTTPException(404, "Không có tác vụ này / no such job")
        return job

    def _delete(doc_id: str) -> bool:
        with files_lock:
            ok = get_service().delete_document(doc_id)
            if ok:
                for suffix in ALLOWED_SUFFIXES:
                    p = uploads_dir(settings.data_dir) / f"{doc_id}{suffix}"
                    if p.is_file():
                        p.unlink()
            return ok

    @router.delete("/v1/documents/{doc_id}", response_model=DeleteOut,
                   **{**protected, "responses": {**errors, 404: {"model": ErrorOut}}})
    async def delete_document(doc_id: str):
        if not await run_in_threadpool(_delete, doc_id):
            shown = repr(doc_id[:200])  # quoted, control characters and surrogates escaped
            raise HTTPException(404, f"Không có văn bản {shown} / no document {shown}")
        return {"deleted": doc_id}

    return router
