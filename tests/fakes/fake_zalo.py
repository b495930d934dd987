"""A fake Zalo OA API: the customer-service message endpoint
(``POST /v3.0/oa/message/cs``) and the OAuth token refresh
(``POST /v4/oa/access_token``), with an expirable access token."""

from __future__ import annotations

import itertools
import threading
import time
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route


class FakeZalo:
    """``valid_tokens``: access tokens the message API accepts; a refresh with
    ``refresh_token`` adds a new one and issues a new single-use refresh token."""

    def __init__(self, access_token: str = "AT-1", refresh_token: str = "RT-1", app_secret: str = "app-secret"):
        self.valid_tokens = {access_token}
        self.refresh_tokens = {refresh_token}
        self.app_secret = app_secret
        self.messages: list[dict[str, Any]] = []
        self.refreshes: list[dict[str, Any]] = []
        self.rejected: list[str] = []
        self._n = itertools.count(2)
        self._lock = threading.Lock()
        self.app = Starlette(routes=[
            Route("/v3.0/oa/message/cs", self._message, methods=["POST"]),
            Route("/v4/oa/access_token", self._token, methods=["POST"]),
        ])

    def expire(self, token: str) -> None:
        self.valid_tokens.discard(token)

    def wait_messages(self, count: int, timeout: float = 30.0) -> list[dict[str, Any]]:
        deadline = time.time() + timeout
        while time.time() < deadline:
            if len(self.messages) >= count:
                return self.messages
            time.sleep(0.05)
        raise TimeoutError(f"{len(self.messages)} messages, wanted {count}")

    async def _message(self, request: Request):
        token = request.headers.get("access_token", "")
        body = await request.json()
        if token not in self.valid_tokens:
            self.rejected.append(token)
            return JSONResponse({"error": -216, "message": "Access token is invalid"})
        text = body["message"]["text"]
        if len(text) > 2000:
            return JSONResponse({"error": -201, "message": "text too long"})
        with self._lock:
            self.messages.append({"token": token, **body})
        return JSONResponse({"error": 0, "message": "Success",
                             "data": {"message_id": f"m{len(self.messages)}", "user_id": body["recipient"]["user_id"]}})

    async def _token(self, request: Request):
        form = await request.form()
        self.refreshes.append({"headers": dict(request.headers), **dict(form)})
        if request.headers.get("secret_key") != self.app_secret:
            return JSONResponse({"error": -14014, "error_name": "Invalid secret key"})
        if form.get("grant_type") != "refresh_token" or form.get("refresh_token") not in self.refresh_tokens:
            return JSONResponse({"error": -14020, "error_name": "Invalid refresh token"})
        with self._lock:
            self.refresh_tokens.discard(form["refresh_token"])  # single use, as on Zalo
            n = next(self._n)
            at, rt = f"AT-{n}", f"RT-{n}"
            self.valid_tokens.add(at)
            self.refresh_tokens.add(rt)
        return JSONResponse({"access_token": at, "refresh_token": rt, "expires_in": "90000"})
