"""Zalo Official Account (OA) channel: webhook in, customer-service messages out.

Inbound (``POST /zalo/webhook``, ``zalo_router``):

* ``X-ZEvent-Signature`` must equal ``"mac=" + sha256(app_id + raw_body +
  timestamp + oa_secret_key)`` (hex), ``timestamp`` being the body's
  ``"timestamp"`` field — the rule in Zalo's OA webhook documentation
  ("Xác thực webhook"). Missing header: 401; mismatch: 403.
* Freshness: the body's ``timestamp`` (milliseconds since the epoch, as Zalo
  sends it; seconds accepted) must be within ``settings.zalo_max_age_s``
  (default 300 s) of the server's clock, else 403: a correctly signed event
  replayed later is refused.
* The request is answered 200 at once; the question is answered in a
  background task. Re-delivered events are dropped (200 ``{"duplicate":
  true}``): the same ``message.msg_id``, or, for an event without one, the
  same signed body (SHA-256). The ids seen are kept in SQLite
  (``ConversationMemory.first_time_seen``), so a restart does not forget them;
  they are pruned once twice the freshness window old.
* Per user, questions beyond ``settings.rate_limit_chat`` are dropped
  (200 ``{"rate_limited": true}``; the user is told once per window).
* ``event_name == "user_send_text"``: the text is a question (with the user's
  history for follow-ups); "nguồn 2" shows the passage of source [2] of the
  last answer.

Outbound (``ZaloClient``): ``POST {zalo_api_base}/v3.0/oa/message/cs`` with
header ``access_token`` and body ``{"recipient": {"user_id"}, "message":
{"text"}}``; plain text, at most 2000 characters per message (longer replies
are split at paragraph boundaries). When the API answers an expired/invalid
token error (-216, -124) the client refreshes the token once at
``{zalo_oauth_base}/v4/oa/access_token`` (form ``grant_type=refresh_token``,
``app_id``, ``refresh_token``; header ``secret_key``) and retries. Zalo's
refresh tokens are single-use, so the new pair is saved to
``data_dir/zalo_tokens.json`` and preferred over the environment next start.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import secrets
import threading
import time
from pathlib import Path
from typing import Any, Callable

import httpx
from fastapi import APIRouter, BackgroundTasks, HTTPException, Request
from starlette.concurrency import run_in_threadpool

from assistant.memory import ConversationMemory, ask_in_conversation, chat_key
from assistant.service import CCHCService
from assistant.settings import Settings
from corpus.textnorm import unicode_problem
from bot.formatting import format_answer, format_passage, plain
from bot.ratelimit import KeyedLimiter
from bot.telegram_split import split_message

log = logging.getLogger(__name__)

ZALO_TEXT_LIMIT = 2000
EXPIRED_TOKEN_ERRORS = {-216, -124}
_SOURCE_RE = re.compile(r"^\s*ngu[oồ]n\s*\[?(\d{1,2})\]?\s*$", re.IGNORECASE)


class ZaloError(RuntimeError):
    """The OA API refused a call: ``code`` is Zalo's ``error`` number."""

    def __init__(self, code: int, message: str):
        self.code = code
        super().__init__(f"Zalo API error {code}: {message}")


def signature(app_id: str, raw_body: bytes | str, timestamp: str | int, oa_secret: str) -> str:
    """``"mac=" + sha256(app_id + raw_body + timestamp + oa_secret).hexdigest()``
    (the body as its bytes; a ``str`` is encoded as UTF-8)."""
    body = raw_body if isinstance(raw_body, bytes) else raw_body.encode("utf-8", "surrogatepass")
    text = lambda v: str(v).encode("utf-8", "surrogatepass")  # noqa: E731
    return "mac=" + hashlib.sha256(text(app_id) + body + text(timestamp) + text(oa_secret)).hexdigest()


def event_age_s(timestamp: object, now: float | None = None) -> float | None:
    """Seconds between an event's ``timestamp`` (milliseconds since the
    epoch, or seconds when below 10^11) and ``now``; None when it is not a
    number. Negative for a timestamp in the future."""
    try:
        ts = float(str(timestamp).strip())
    except (TypeError, ValueError):
        return None
    if ts != ts or ts in (float("inf"), float("-inf")):
        return None
    if ts > 1e11:
        ts /= 1000.0
    return (time.time() if now is None else now) - ts


class ZaloClient:
    """Sends OA customer-service text messages, refreshing the access token once on expiry.

    Thread-safe (the token refresh is serialised). ``transport`` lets tests
    pass an ``httpx`` transport; normally None.
    """

    def __init__(self, settings: Settings, transport: httpx.BaseTransport | None = None):
        self.settings = settings
        self.api_base = settings.zalo_api_base.rstrip("/")
        self.oauth_base = settings.zalo_oauth_base.rstrip("/")
        self.token_file = Path(settings.data_dir) / "zalo_tokens.json"
        self.access_token = settings.zalo_access_token
        self.refresh_token = settings.zalo_refresh_token
        if self.token_file.is_file():
            try:
                saved = json.loads(self.token_file.read_text(encoding="utf-8"))
                self.access_token = saved.get("access_token") or self.access_token
                self.refresh_token = saved.get("refresh_token") or self.refresh_token
            except (OSError, ValueError):
                log.warning("cannot read %s", self.token_file)
        self._lock = threading.Lock()
        self._http = httpx.Client(timeout=20.0, transport=transport)

    def _post_message(self, user_id: str, text: str, token: str | None) -> dict[str, Any]:
        r = self._http.post(
            f"{self.api_base}/v3.0/oa/message/cs",
            headers={"access_token": token or "", "Content-Type": "application/json"},
            json={"recipient": {"user_id": str(user_id)}, "message": {"text": text}},
        )
        try:
            return r.json()
        except ValueError:
            return {"error": -1, "message": f"HTTP {r.status_code}: {r.text[:200]}"}

    def refresh(self, used_token: str | None = None) -> bool:
        """Exchange the refresh token for a new pair; False if impossible.
        ``used_token``: the token that failed — if another thread already
        refreshed it, nothing is done."""
        with self._lock:
            if used_token is not None and self.access_token != used_token:
                return True
            if not (self.refresh_token and self.settings.zalo_app_id):
                return False
            secret = self.settings.zalo_app_secret or self.settings.zalo_oa_secret or ""
            r = self._http.post(
                f"{self.oauth_base}/v4/oa/access_token",
                headers={"secret_key": secret},
                data={"refresh_token": self.refresh_token, "app_id": self.settings.zalo_app_id,
                      "grant_type": "refresh_token"},
            )
            try:
                data = r.json()
            except ValueError:
                data = {}
            if not data.get("access_token"):
                log.error("Zalo token refresh failed: %s", data or r.text[:200])
                return False
            self.access_token = data["access_token"]
            self.refresh_token = data.get("refresh_token") or self.refresh_token
            try:
                self.token_file.parent.mkdir(parents=True, exist_ok=True)
                self.token_file.write_text(
                    json.dumps({"access_token": self.access_token, "refresh_token": self.refresh_token}),
                    encoding="utf-8",
                )
            except OSError:
                log.warning("cannot save %s", self.token_file)
            return True

    def send_text(self, user_id: str, text: str) -> list[dict[str, Any]]:
        """Send ``text`` (Markdown stripped, split into ≤ 2000-character messages).
        Returns the API replies; raises ``ZaloError`` when a message is refused."""
        replies = []
        for part in split_message(plain(text), ZALO_TEXT_LIMIT):
            token = self.access_token
            resp = self._post_message(user_id, part, token)
            if resp.get("error") in EXPIRED_TOKEN_ERRORS and self.refresh(used_token=token):
                resp = self._post_message(user_id, part, self.access_token)
            if resp.get("error", 0) != 0:
                raise ZaloError(int(resp.get("error", -1)), str(resp.get("message", "")))
            replies.append(resp)
        return replies


class ZaloBot:
    """Answers one user's text event: question → cited answer; "nguồn n" → passage."""

    def __init__(self, get_service: Callable[[], CCHCService], settings: Settings, memory: ConversationMemory,
                 client: ZaloClient):
        self.get_service = get_service
        self.settings = settings
        self.memory = memory
        self.client = client
        self._last_sources: dict[str, str] = {}
        self.limiter = KeyedLimiter(settings.rate_limit_chat)
        self._told: dict[str, float] = {}

    def allow(self, user_id: str) -> bool:
        """Count one question of ``user_id``; False past ``settings.rate_limit_chat``
        (the user is then told once per window, in a background reply)."""
        return self.limiter.allow(f"zalo:{user_id}")

    def tell_rate_limited(self, user_id: str) -> None:
        """Blocking. One notice per user per limit window; errors are logged."""
        now = time.time()
        if now - self._told.get(user_id, 0.0) < self.limiter.window_s:
            return
        self._told[user_id] = now
        try:
            self.client.send_text(user_id, f"Anh/chị gửi quá nhiều câu hỏi; vui lòng thử lại sau "
                                           f"{self.limiter.window_s} giây.")
        except Exception:
            log.exception("Zalo rate-limit notice failed for user %s", user_id)

    def handle_text(self, user_id: str, text: str) -> None:
        """Blocking; run in a worker thread. Errors are logged, never raised."""
        try:
            text = (text or "").strip()
            if not text:
                return
            m = _SOURCE_RE.match(text)
            if m and user_id in self._last_sources:
                cit = self.memory.get_citation(self._last_sources[user_id], int(m.group(1)))
                reply = format_passage(cit) if cit else f"Không có nguồn [{m.group(1)}] trong câu trả lời trước."
                self.client.send_text(user_id, reply)
                return
            ans = ask_in_conversation(self.get_service(), self.memory, chat_key("zalo", user_id), text,
                                      self.settings.top_k)
            d = ans.to_dict()
            reply = format_answer(d)
            if d["citations"]:
                self._last_sources[user_id] = self.memory.save_citations(d["citations"])
                reply += "\n\nGõ «nguồn 1», «nguồn 2»… để xem đoạn văn bản được trích."
            self.client.send_text(user_id, reply)
        except Exception:
            log.exception("Zalo reply failed for user %s", user_id)


def zalo_router(settings: Settings, get_service: Callable[[], CCHCService], memory: ConversationMemory,
                client: ZaloClient) -> APIRouter:
    """``POST /zalo/webhook`` (see module docstring)."""
    router = APIRouter()
    bot = ZaloBot(get_service, settings, memory, client)
    router.zalo_bot = bot  # type: ignore[attr-defined]

    @router.post("/zalo/webhook", tags=["channels"])
    async def zalo_webhook(request: Request, background: BackgroundTasks):
        raw = await request.body()
        got = request.headers.get("X-ZEvent-Signature")
        if not got:
            raise HTTPException(401, "Thiếu chữ ký X-ZEvent-Signature / missing X-ZEvent-Signature")
        try:
            body = json.loads(raw)
            timestamp = body["timestamp"]
        except (ValueError, KeyError, TypeError):
            raise HTTPException(403, "Chữ ký không hợp lệ / invalid signature") from None
        expected = signature(settings.zalo_app_id or "", raw, timestamp, settings.zalo_oa_secret or "")
        if not secrets.compare_digest(got.strip().encode("utf-8", "backslashreplace"), expected.encode()):
            raise HTTPException(403, "Chữ ký không hợp lệ / invalid signature")
        age = event_age_s(timestamp)
        window = settings.zalo_max_age_s
        if age is None or abs(age) > window:
            raise HTTPException(403, f"Sự kiện quá cũ hoặc sai thời gian (timestamp ngoài {window} giây) / "
                                     f"stale event: timestamp outside the {window} s window")
        message = body.get("message") if isinstance(body.get("message"), dict) else {}
        msg_id = message.get("msg_id")
        seen_key = f"zalo:{msg_id}" if msg_id else "zalo-body:" + hashlib.sha256(raw).hexdigest()
        if not await run_in_threadpool(memory.first_time_seen, seen_key, 2.0 * window):
            return {"ok": True, "duplicate": True}
        if body.get("event_name") == "user_send_text":
            sender = body.get("sender") if isinstance(body.get("sender"), dict) else {}
            user_id = sender.get("id") or body.get("user_id_by_app")
            text = message.get("text")
            if user_id and isinstance(text, str):
                if unicode_problem(text):
                    return {"ok": True, "ignored": "invalid text"}
                if not bot.allow(str(user_id)):
                    background.add_task(bot.tell_rate_limited, str(user_id))
                    return {"ok": True, "rate_limited": True}
                background.add_task(bot.handle_text, str(user_id), text)
        return {"ok": True}

    return router
