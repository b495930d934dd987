"""API key check before any work: a pure ASGI middleware.

With ``settings.api_key`` set, every request to ``/v1/*``, ``/docs``,
``/redoc`` and ``/openapi.json`` must carry ``Authorization: Bearer <key>``.
The check reads the request line and headers only and runs before the app,
so a request without the key is answered 401 without one byte of its body
being read (a chunked 300 MiB upload is refused at once, not after being
spooled). Too many refused requests from one client address
(``settings.rate_limit_auth_failures``) are answered 429 instead. ``/``,
``/static``, ``/healthz`` (which then says only ``{"status": …}``) and the
webhooks (which carry their own secrets) stay open.
"""

from __future__ import annotations

import secrets
from typing import Callable

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

PROTECTED_PREFIXES = ("/v1/",)
PROTECTED_PATHS = frozenset({"/v1", "/docs", "/docs/oauth2-redirect", "/redoc", "/openapi.json"})

MISSING_KEY = "Thiếu hoặc sai khóa API (Authorization: Bearer …) / missing or wrong API key"
TOO_MANY_FAILURES = ("Quá nhiều yêu cầu sai khóa API, vui lòng thử lại sau / too many requests with a wrong API key, "
                     "try again later")


def is_protected(path: str) -> bool:
    """True for the paths that need the key when one is set."""
    return path in PROTECTED_PATHS or path.startswith(PROTECTED_PREFIXES)


def bearer_token(headers: list[tuple[bytes, bytes]]) -> bytes | None:
    """The token of an ``Authorization: Bearer <token>`` header (raw ASGI headers), or None."""
    for name, value in headers:
        if name.lower() == b"authorization":
            scheme, _, token = value.strip().partition(b" ")
            if scheme.lower() == b"bearer" and token.strip():
                return token.strip()
    return None


def key_matches(headers: list[tuple[bytes, bytes]], api_key: str | None) -> bool:
    """True when no key is configured or the request carries it (constant-time compare)."""
    if not api_key:
        return True
    token = bearer_token(headers)
    return token is not None and secrets.compare_digest(token, api_key.encode("utf-8"))


def client_host(scope: Scope) -> str:
    """The client address of an ASGI scope (``"unknown"`` when the server gives none)."""
    client = scope.get("client")
    return str(client[0]) if client else "unknown"


class ApiKeyMiddleware:
    """Pure ASGI middleware: 401 for a protected path without the right key,
    before the app runs; ``allow_failure(client_host) -> bool`` (a rate
    limiter, or None) turns repeated failures into 429."""

    def __init__(self, app: ASGIApp, api_key: str | None, allow_failure: Callable[[str], bool] | None = None):
        self.app = app
        self.api_key = api_key
        self.allow_failure = allow_failure

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self.api_key or not is_protected(scope.get("path", "")):
            await self.app(scope, receive, send)
            return
        if key_matches(scope.get("headers") or [], self.api_key):
            await self.app(scope, receive, send)
            return
        if self.allow_failure is not None and not self.allow_failure(client_host(scope)):
            response = JSONResponse({"detail": TOO_MANY_FAILURES}, status_code=429, headers={"Retry-After": "60"})
        else:
            response = JSONResponse({"detail": MISSING_KEY}, status_code=401, headers={"WWW-Authenticate": "Bearer"})
        await response(scope, receive, send)
