"""Rate limits, with well-kept libraries: slowapi (HTTP routes) and limits
(chats, failed API keys), in memory, per process.

HTTP (``make_limiter``): each client is counted by its API key when it sends
one (``Authorization: Bearer``; the key's SHA-256 prefix, never the key) and
otherwise by its IP address. ``/v1/ask``, ``/v1/search`` and ``POST
/v1/documents`` have their own limits (``settings.rate_limit_ask``,
``rate_limit_search``, ``rate_limit_upload``); every other route shares
``rate_limit_default``. Past a limit: 429 with ``Retry-After`` (the window,
in seconds) and a bilingual ``detail``. Limits use the ``limits`` notation
("60/minute", "5/second;100/hour"); ``settings.rate_limit_enabled=False``
turns the HTTP limits off (load benchmarks from one address).

Chats (``KeyedLimiter``): incoming questions per Telegram chat and per Zalo
user (``settings.rate_limit_chat``), and refused API keys per IP
(``settings.rate_limit_auth_failures``, used by ``bot.auth``). Outgoing
Telegram messages are paced by python-telegram-bot's ``AIORateLimiter``
(``bot.telegram_bot``).

Counters live in the process (``memory://``): with several uvicorn workers
each has its own, and a restart clears them. Behind a reverse proxy run
uvicorn with ``--proxy-headers`` (and ``--forwarded-allow-ips``) so the
client address is the real one.
"""

from __future__ import annotations

import hashlib

from limits import parse_many
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter
from slowapi import Limiter
from slowapi.errors import RateLimitExceeded
from starlette.requests import Request
from starlette.responses import JSONResponse

from bot.auth import bearer_token, client_host


def client_key(request: Request) -> str:
    """``"key:<sha256 prefix>"`` for a request with a bearer token, else ``"ip:<address>"``."""
    token = bearer_token(request.scope.get("headers") or [])
    if token:
        return "key:" + hashlib.sha256(token).hexdigest()[:16]
    return "ip:" + client_host(request.scope)


def make_limiter(settings) -> Limiter:
    """The slowapi ``Limiter`` of one app (see module doc). Raises
    ``ValueError`` for a limit string the ``limits`` library cannot parse."""
    for s in (settings.rate_limit_ask, settings.rate_limit_search, settings.rate_limit_upload,
              settings.rate_limit_default):
        parse_many(s)  # fail at start-up, not on the first request
    return Limiter(key_func=client_key, default_limits=[settings.rate_limit_default], storage_uri="memory://",
                   enabled=settings.rate_limit_enabled, key_style="endpoint", headers_enabled=False)


async def rate_limited(request: Request, exc: RateLimitExceeded) -> JSONResponse:
    """429 handler: bilingual detail and ``Retry-After``."""
    try:
        retry = int(exc.limit.limit.get_expiry())
    except Exception:  # pragma: no cover - a limit without a window
        retry = 60
    return JSONResponse(
        {"detail": f"Quá nhiều yêu cầu ({exc.detail}), vui lòng thử lại sau {retry} giây / "
                   f"too many requests ({exc.detail}), retry in {retry} s"},
        status_code=429, headers={"Retry-After": str(retry)})


class KeyedLimiter:
    """A moving-window limit per key, e.g. ``KeyedLimiter("20/minute")``;
    ``allow(key)`` counts one hit and says whether it is within the limit."""

    def __init__(self, limit: str):
        self.items = parse_many(limit)
        self._limiter = MovingWindowRateLimiter(MemoryStorage())

    def allow(self, key: str) -> bool:
        ok = True
        for item in self.items:
            ok = self._limiter.hit(item, key) and ok
        return ok

    @property
    def window_s(self) -> int:
        """Seconds of the longest window (for "try again in …" messages)."""
        return max(int(i.get_expiry()) for i in self.items)
