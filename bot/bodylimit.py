"""Request bodies capped while they stream: a pure ASGI middleware.

Every ``POST``/``PUT``/``PATCH`` body has a cap: ``upload_bytes`` on the
upload route (``settings.max_upload_mb`` plus room for the multipart
envelope), ``default_bytes`` (``settings.max_body_kb``) everywhere else. A
``Content-Length`` above the cap is answered 413 before anything is read; a
body without one (``Transfer-Encoding: chunked``) or one that lies is counted
as it arrives and refused with 413 the moment the count passes the cap, so at
most the cap plus one chunk is ever read. The refusal is raised inside the
app's ``receive`` as an ``HTTPException(413)``, which FastAPI and Starlette
turn into the JSON error response wherever the body is being read.
"""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

UPLOAD_ENVELOPE = 64 * 1024  # multipart boundaries and part headers around the file


def too_large_message(limit_bytes: int) -> str:
    """Bilingual 413 detail naming the limit in MB (or KB under 1 MB)."""
    if limit_bytes >= 1024 * 1024:
        mb = limit_bytes // (1024 * 1024)
        return f"Tệp vượt quá giới hạn {mb} MB / file larger than the {mb} MB limit"
    kb = max(1, limit_bytes // 1024)
    return f"Dữ liệu gửi lên vượt quá giới hạn {kb} KB / request body larger than the {kb} KB limit"


class BodyTooLarge(HTTPException):
    """Raised by the capped ``receive`` when a body passes its cap."""

    def __init__(self, limit_bytes: int):
        super().__init__(413, too_large_message(limit_bytes))


class BodySizeLimit:
    """Pure ASGI middleware (see module doc). ``upload_paths``: paths whose
    cap is ``upload_bytes`` (+ :data:`UPLOAD_ENVELOPE`); the message names
    ``upload_bytes`` itself."""

    def __init__(self, app: ASGIApp, default_bytes: int, upload_bytes: int, upload_paths: tuple[str, ...] = ()):
        self.app = app
        self.default_bytes = default_bytes
        self.upload_bytes = upload_bytes
        self.upload_paths = set(upload_paths)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") not in ("POST", "PUT", "PATCH"):
            await self.app(scope, receive, send)
            return
        upload = scope.get("path") in self.upload_paths
        shown = self.upload_bytes if upload else self.default_bytes
        cap = self.upload_bytes + UPLOAD_ENVELOPE if upload else self.default_bytes
        length = None
        for name, value in scope.get("headers") or []:
            if name.lower() == b"content-length":
                try:
                    length = int(value)
                except ValueError:
                    await JSONResponse({"detail": "Content-Length không hợp lệ / invalid Content-Length"},
                                       status_code=400)(scope, receive, send)
                    return
        if length is not None and length > cap:
            await JSONResponse({"detail": too_large_message(shown)}, status_code=413)(scope, receive, send)
            return

        seen = 0
        started = False

        async def capped_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > cap:
                    raise BodyTooLarge(shown)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, capped_receive, tracking_send)
        except BodyTooLarge as e:  # raised where no handler turned it into a response
            if started:
                raise
            await JSONResponse({"detail": e.detail}, status_code=413)(scope, receive, send)
