"""A fake Telegram Bot API server (the subset the bot uses), for end-to-end
tests with the real python-telegram-bot library.

Implements ``getMe``, ``getUpdates`` (long polling on a queue tests push
to), ``sendMessage``, ``sendDocument``, ``answerCallbackQuery``,
``editMessageText``, ``deleteWebhook``, ``setWebhook``, ``getWebhookInfo``,
under ``/bot<token>/<method>``, accepting the JSON, form-encoded and
multipart bodies the library sends. Every call is recorded in ``calls``.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

BOT_USER = {"id": 777000111, "is_bot": True, "first_name": "Trợ lý CCHC", "username": "cchc_test_bot",
            "can_join_groups": True, "can_read_all_group_messages": False, "supports_inline_queries": False}


class FakeTelegram:
    """State of the fake server; ``app`` is the ASGI app to serve."""

    def __init__(self, token: str = "123456:TEST-TOKEN"):
        self.token = token
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.updates: list[dict[str, Any]] = []
        self._next_update_id = 1
        self._next_message_id = 100
        self._lock = threading.Lock()
        self.app = Starlette(routes=[Route("/bot{token}/{method}", self._handle, methods=["GET", "POST"])])

    # ---- test side ---------------------------------------------------------------
    def push_update(self, update: dict[str, Any]) -> int:
        """Queue an update (``update_id`` is assigned); returns its id."""
        with self._lock:
            update = dict(update, update_id=self._next_update_id)
            self._next_update_id += 1
            self.updates.append(update)
            return update["update_id"]

    def text_update(self, chat_id: int, text: str, user_id: int = 4242) -> dict[str, Any]:
        """A private-chat text message update (not queued)."""
        entities = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}] if text.startswith("/") else None
        msg = {"message_id": self._mid(), "date": int(time.time()), "text": text,
               "chat": {"id": chat_id, "type": "private", "first_name": "Cán bộ"},
               "from": {"id": user_id, "is_bot": False, "first_name": "Cán bộ"}}
        if entities:
            msg["entities"] = entities
        return {"message": msg}

    def callback_update(self, chat_id: int, data: str, user_id: int = 4242) -> dict[str, Any]:
        """A callback_query update as Telegram sends when an inline button is pressed."""
        return {"callback_query": {
            "id": f"cbq{self._mid()}", "chat_instance": "ci-1", "data": data,
            "from": {"id": user_id, "is_bot": False, "first_name": "Cán bộ"},
            "message": {"message_id": self._mid(), "date": int(time.time()), "text": "…",
                        "chat": {"id": chat_id, "type": "private", "first_name": "Cán bộ"},
                        "from": BOT_USER}}}

    def calls_to(self, method: str) -> list[dict[str, Any]]:
        return [p for m, p in self.calls if m == method]

    def wait_for(self, method: str, count: int = 1, timeout: float = 30.0) -> list[dict[str, Any]]:
        """Block until ``count`` calls of ``method`` were made; raises ``TimeoutError``."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            got = self.calls_to(method)
            if len(got) >= count:
                return got
            time.sleep(0.05)
        raise TimeoutError(f"{method}: {len(self.calls_to(method))} calls, wanted {count}; calls: {[m for m, _ in self.calls]}")

    # ---- server side -------------------------------------------------------------
    def _mid(self) -> int:
        with self._lock:
            self._next_message_id += 1
            return self._next_message_id

    @staticmethod
    async def _params(request: Request) -> dict[str, Any]:
        ctype = request.headers.get("content-type", "")
        if "application/json" in ctype:
            body = await request.body()
            return json.loads(body) if body else {}
        params: dict[str, Any] = dict(request.query_params)
        if request.method == "POST":
            form = await request.form()
            for k, v in form.multi_items():
                if hasattr(v, "read"):
                    params[k] = {"filename": v.filename, "content": await v.read()}
                    continue
                try:
                    params[k] = json.loads(v)
                except ValueError:
                    params[k] = v
        return params

    def _message(self, chat_id: Any, **extra) -> dict[str, Any]:
        return {"message_id": self._mid(), "date": int(time.time()),
                "chat": {"id": int(chat_id), "type": "private"}, "from": BOT_USER, **extra}

    async def _handle(self, request: Request):
        if request.path_params["token"] != self.token:
            return JSONResponse({"ok": False, "error_code": 401, "description": "Unauthorized"}, status_code=401)
        method = request.path_params["method"]
        params = await self._params(request)
        if method != "getUpdates":
            self.calls.append((method, params))
        if method == "getMe":
            return self._ok(BOT_USER)
        if method in ("deleteWebhook", "setWebhook", "answerCallbackQuery", "setMyCommands"):
            return self._ok(True)
        if method == "getWebhookInfo":
            return self._ok({"url": "", "has_custom_certificate": False, "pending_update_count": 0})
        if method == "getUpdates":
            offset = int(params.get("offset") or 0)
            timeout = min(float(params.get("timeout") or 0), 1.0)
            deadline = time.time() + timeout
            while True:
                with self._lock:
                    ready = [u for u in self.updates if u["update_id"] >= offset]
                if ready or time.time() >= deadline:
                    return self._ok(ready)
                await asyncio.sleep(0.05)
        if method == "sendMessage":
            extra = {"text": params.get("text", "")}
            if params.get("reply_markup"):
                extra["reply_markup"] = params["reply_markup"]
            return self._ok(self._message(params["chat_id"], **extra))
        if method == "editMessageText":
            return self._ok(self._message(params.get("chat_id", 0), text=params.get("text", "")))
        if method == "sendDocument":
            doc = params.get("document") or {}
            return self._ok(self._message(params["chat_id"], document={
                "file_id": "doc1", "file_unique_id": "u1", "file_name": doc.get("filename") if isinstance(doc, dict) else None,
                "file_size": len(doc.get("content", b"")) if isinstance(doc, dict) else 0}))
        return JSONResponse({"ok": False, "error_code": 404, "description": f"Not Found: {method}"}, status_code=404)

    @staticmethod
    def _ok(result: Any) -> JSONResponse:
        return JSONResponse({"ok": True, "result": result})
