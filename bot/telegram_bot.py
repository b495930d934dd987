"""Telegram bot (python-telegram-bot 22).

* plain text → a cited answer (follow-ups use the chat's history), with one
  inline button "Nguồn [n]" per citation; a button shows the quoted passage.
  Callback data is ``src:<set id>:<n>`` — the citations are stored in
  ``assistant.memory`` under an 8-character id because Telegram limits
  callback data to 64 bytes.
* ``/start``, ``/help``; ``/giaithich THUẬT NGỮ`` (glossary of the indexed
  documents, with source buttons); ``/soan ĐƠN VỊ [NĂM] [; CƠ QUAN CHỦ QUẢN]`` (plan draft as
  .docx); ``/moi`` forgets the history.
* Replies longer than 4096 characters are split at paragraph boundaries
  (``bot.telegram_split``).
* ``settings.telegram_allowed_chats`` (comma-separated chat ids) limits who
  may use the bot.
* Rate limits: incoming updates per chat (``settings.rate_limit_chat``; past
  it the chat is told once per window and the update is dropped), and every
  outgoing Bot API call paced by python-telegram-bot's ``AIORateLimiter``
  (``settings.telegram_out_per_second`` over all chats,
  ``telegram_out_per_group_minute`` per group; Telegram's ``RetryAfter`` is
  waited out and retried).

Two ways to run: polling (``cchc telegram``, ``run_polling``) or webhook
(``POST /telegram/webhook`` in the FastAPI app, ``webhook_router``), which
checks the ``X-Telegram-Bot-Api-Secret-Token`` header Telegram sends when the
webhook was set with ``secret_token`` (Bot API ``setWebhook``).
"""

from __future__ import annotations

import asyncio
import logging
import re
import secrets
import time
from typing import Callable

from fastapi import APIRouter, HTTPException, Request
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Update
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    TypeHandler,
    filters,
)

from assistant.drafting.render_docx import docx_bytes
from assistant.memory import ConversationMemory, ask_in_conversation, chat_key
from assistant.service import CCHCService
from assistant.settings import Settings
from bot.drafting import draft_filename, draft_for_service
from bot.formatting import format_answer, format_passage
from bot.ratelimit import KeyedLimiter
from corpus.textnorm import unicode_problem
from bot.telegram_split import TELEGRAM_LIMIT, split_message

log = logging.getLogger(__name__)

HELP_TEXT = (
    "Trợ lý CCHC trả lời câu hỏi về kế hoạch cải cách hành chính và các văn bản pháp luật liên quan, "
    "kèm nguồn trích dẫn [n] để anh/chị kiểm tra.\n\n"
    "• Gõ câu hỏi, ví dụ: Nghị định 61/2018/NĐ-CP quy định gì về bộ phận một cửa?\n"
    "• Hỏi tiếp: còn trường Hương Sen thì sao? / văn bản đó có hiệu lực từ khi nào?\n"
    "• Bấm «Nguồn [n]» để xem đoạn văn bản được trích.\n"
    "• /giaithich THUẬT NGỮ — giải thích thuật ngữ (ví dụ: /giaithich PAR Index)\n"
    "• /soan ĐƠN VỊ [NĂM] [; CƠ QUAN CHỦ QUẢN] — soạn dự thảo kế hoạch (.docx), ví dụ: "
    "/soan Trường Mầm non Hương Sen 2027; UBND Phường Hạnh Thông\n"
    "• /moi — bắt đầu cuộc trò chuyện mới"
)
CALLBACK_RE = re.compile(r"^src:([A-Za-z0-9_-]{1,16}):(\d{1,3})$")


def allowed_chats(settings: Settings) -> set[int]:
    """Chat ids from ``settings.telegram_allowed_chats`` (empty = everyone)."""
    raw = settings.telegram_allowed_chats or ""
    return {int(x) for x in re.split(r"[,\s]+", raw) if x.strip().lstrip("-").isdigit()}


def source_keyboard(set_id: str, citations: list[dict]) -> InlineKeyboardMarkup | None:
    """Buttons "Nguồn [n]" with callback data ``src:<set_id>:<n>`` (≤ 64 bytes), 4 per row."""
    buttons = [InlineKeyboardButton(f"Nguồn [{c['n']}]", callback_data=f"src:{set_id}:{c['n']}") for c in citations]
    if not buttons:
        return None
    return InlineKeyboardMarkup([buttons[i : i + 4] for i in range(0, len(buttons), 4)])


def parse_draft_args(text: str) -> tuple[str, int | None, str | None] | None:
    """``"Trường Mầm non Hương Sen 2027; UBND Phường Hạnh Thông"`` → ``("Trường
    Mầm non Hương Sen", 2027, "UBND Phường Hạnh Thông")``; the year (None: the
    year after the as-of date) and the governing body after ``;`` or ``|``
    are optional. None without a unit."""
    parts = re.split(r"[;|]", text or "", maxsplit=1)
    head = parts[0]
    gov = parts[1].strip() if len(parts) > 1 and parts[1].strip() else None
    m = re.search(r"(?<!\d)(20\d{2})(?!\d)", head)
    unit = (head[: m.start()] + head[m.end() :]).strip() if m else head.strip()
    unit = re.sub(r"(?:[\s,;–-]+năm)?[\s,;–-]*$", "", unit).strip()
    return (unit, int(m.group(1)) if m else None, gov) if unit else None


class CCHCBot:
    """Handlers bound to one service, settings and memory."""

    def __init__(self, service: CCHCService, settings: Settings, memory: ConversationMemory):
        self.service = service
        self.settings = settings
        self.memory = memory
        self.allowed = allowed_chats(settings)
        self.limiter = KeyedLimiter(settings.rate_limit_chat)
        self._told: dict[int, float] = {}

    # ---- gate ------------------------------------------------------------------
    async def gate(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        chat = update.effective_chat
        if not self.allowed or (chat is not None and chat.id in self.allowed):
            if chat is not None and not self.limiter.allow(f"tg:{chat.id}"):
                await self._rate_limited(update, chat.id)
                raise ApplicationHandlerStop
            return
        if update.callback_query is not None:
            await update.callback_query.answer("Không được phép / not allowed", show_alert=True)
        elif update.effective_message is not None:
            await update.effective_message.reply_text(
                "Bot chưa được mở cho cuộc trò chuyện này. / This bot is not enabled for this chat."
            )
        raise ApplicationHandlerStop

    async def _rate_limited(self, update: Update, chat_id: int) -> None:
        """Tell the chat once per limit window that it sends too much."""
        if update.callback_query is not None:
            await update.callback_query.answer("Quá nhiều yêu cầu, vui lòng thử lại sau.", show_alert=False)
            return
        now = time.monotonic()
        if now - self._told.get(chat_id, -1e9) < self.limiter.window_s or update.effective_message is None:
            return
        self._told[chat_id] = now
        await update.effective_message.reply_text(
            f"Anh/chị gửi quá nhiều câu hỏi; vui lòng thử lại sau {self.limiter.window_s} giây.")

    # ---- commands --------------------------------------------------------------
    async def start(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.effective_message.reply_text("Xin chào! " + HELP_TEXT)

    async def help(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.effective_message.reply_text(HELP_TEXT)

    async def new_chat(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await asyncio.to_thread(self.memory.clear, chat_key("tg", update.effective_chat.id))
        await update.effective_message.reply_text("Đã bắt đầu cuộc trò chuyện mới.")

    async def explain(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        term = " ".join(context.args or []).strip()
        if not term:
            await update.effective_message.reply_text("Cú pháp: /giaithich THUẬT NGỮ (ví dụ: /giaithich một cửa liên thông)")
            return
        try:
            ans = await asyncio.to_thread(self.service.explain, term)
        except Exception:
            log.exception("glossary lookup failed")
            await update.effective_message.reply_text("Xin lỗi, hệ thống đang gặp lỗi khi tra thuật ngữ. Vui lòng thử lại sau.")
            return
        if ans is None:
            await self._send_text(update, f"Chưa có giải thích cho thuật ngữ «{term}» trong bảng thuật ngữ.")
            return
        await self._send_answer(update, ans.to_dict())

    async def draft(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        parsed = parse_draft_args(" ".join(context.args or []))
        if parsed is None:
            await update.effective_message.reply_text(
                "Cú pháp: /soan ĐƠN VỊ [NĂM] [; CƠ QUAN CHỦ QUẢN], ví dụ: /soan Trường Mầm non Hương Sen 2027; "
                "UBND Phường Hạnh Thông")
            return
        unit, year, governing_body = parsed
        try:
            result = await asyncio.to_thread(draft_for_service, self.service, unit, year, "cchc", governing_body)
            year = result.year
            data = await asyncio.to_thread(docx_bytes, result)
        except ValueError as e:
            await update.effective_message.reply_text(f"Không soạn được kế hoạch: {e}")
            return
        await update.effective_message.reply_document(
            InputFile(data, filename=draft_filename(unit, year)),
            caption=f"Dự thảo kế hoạch CCHC năm {year} — {unit}. Vui lòng rà soát trước khi dùng.",
        )

    # ---- questions and sources ------------------------------------------------
    async def question(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        msg = update.effective_message
        text = (msg.text or "").strip()
        if not text:
            return
        if unicode_problem(text):
            await msg.reply_text("Tin nhắn chứa ký tự không hợp lệ (không phải Unicode chuẩn); vui lòng gõ lại.")
            return
        key = chat_key("tg", update.effective_chat.id)
        try:
            ans = await asyncio.to_thread(ask_in_conversation, self.service, self.memory, key, text, self.settings.top_k)
        except Exception:
            log.exception("ask failed")
            await msg.reply_text("Xin lỗi, hệ thống đang gặp lỗi khi trả lời. Vui lòng thử lại sau.")
            return
        await self._send_answer(update, ans.to_dict())

    async def _send_answer(self, update: Update, answer: dict) -> None:
        cits = answer.get("citations") or []
        markup = None
        if cits:
            set_id = await asyncio.to_thread(self.memory.save_citations, cits)
            markup = source_keyboard(set_id, cits)
        await self._send_text(update, format_answer(answer), markup)

    async def _send_text(self, update: Update, text: str, markup=None) -> None:
        parts = split_message(text, TELEGRAM_LIMIT) or ["(trống)"]
        for i, part in enumerate(parts):
            last = i == len(parts) - 1
            await update.effective_chat.send_message(part, reply_markup=markup if last else None)

    async def source(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        m = CALLBACK_RE.match(query.data or "")
        cit = None
        if m:
            cit = await asyncio.to_thread(self.memory.get_citation, m.group(1), int(m.group(2)))
        if cit is None:
            await query.answer("Nguồn không còn lưu, vui lòng hỏi lại. / Source expired, please ask again.", show_alert=True)
            return
        await query.answer()
        for part in split_message(format_passage(cit), TELEGRAM_LIMIT):
            await update.effective_chat.send_message(part)

    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        log.error("telegram handler error", exc_info=context.error)


def build_application(service: CCHCService, settings: Settings, memory: ConversationMemory | None = None,
                      webhook: bool = False) -> Application:
    """An ``Application`` with every handler registered.

    ``settings.telegram_token`` is required (``ValueError`` otherwise);
    ``settings.telegram_base_url`` (e.g. ``http://127.0.0.1:8081/bot`` for a
    local Bot API server) replaces Telegram's. ``webhook=True`` builds it
    without an updater: updates are fed by ``webhook_router``.
    """
    if not settings.telegram_token:
        raise ValueError("CCHC_TELEGRAM_TOKEN is not set / chưa đặt CCHC_TELEGRAM_TOKEN")
    memory = memory or ConversationMemory.from_settings(settings)
    builder = ApplicationBuilder().token(settings.telegram_token).concurrent_updates(True).rate_limiter(
        AIORateLimiter(overall_max_rate=settings.telegram_out_per_second, overall_time_period=1,
                       group_max_rate=settings.telegram_out_per_group_minute, group_time_period=60, max_retries=2))
    if settings.telegram_base_url:
        base = settings.telegram_base_url.rstrip("/")
        builder = builder.base_url(base).base_file_url(base.replace("/bot", "/file/bot", 1) if base.endswith("/bot") else base)
    if webhook:
        builder = builder.updater(None)
    app = builder.build()
    bot = CCHCBot(service, settings, memory)
    app.bot_data["cchc"] = bot
    app.add_handler(TypeHandler(Update, bot.gate), group=-1)
    app.add_handler(CommandHandler("start", bot.start))
    app.add_handler(CommandHandler(["help", "trogiup"], bot.help))
    app.add_handler(CommandHandler("moi", bot.new_chat))
    app.add_handler(CommandHandler("giaithich", bot.explain))
    app.add_handler(CommandHandler("soan", bot.draft))
    app.add_handler(CallbackQueryHandler(bot.source, pattern=r"^src:"))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, bot.question))
    app.add_error_handler(bot.on_error)
    return app


def run_polling(service: CCHCService, settings: Settings) -> None:
    """Blocking polling loop (``cchc telegram``); Ctrl-C stops it."""
    app = build_application(service, settings)
    app.run_polling(allowed_updates=Update.ALL_TYPES)


def webhook_router(settings: Settings, get_application: Callable[[], Application | None]) -> APIRouter:
    """``POST /telegram/webhook``: 401 without the secret header, 403 on a wrong
    one (or when ``telegram_webhook_secret`` is unset), 400 on a body that is
    not an Update; otherwise the update is queued and 200 returned at once."""
    router = APIRouter()

    @router.post("/telegram/webhook", tags=["channels"])
    async def telegram_webhook(request: Request):
        expected = settings.telegram_webhook_secret
        got = request.headers.get("X-Telegram-Bot-Api-Secret-Token")
        if got is None:
            raise HTTPException(401, "Thiếu mã bí mật webhook / missing X-Telegram-Bot-Api-Secret-Token")
        if not expected or not secrets.compare_digest(got.encode(), expected.encode()):
            raise HTTPException(403, "Sai mã bí mật webhook / wrong webhook secret")
        application = get_application()
        if application is None:
            raise HTTPException(503, "Bot Telegram chưa khởi động / Telegram bot not started")
        try:
            data = await request.json()
            update = Update.de_json(data, application.bot)
        except Exception:
            raise HTTPException(400, "Dữ liệu không phải Telegram Update / body is not a Telegram Update") from None
        if update is None:
            raise HTTPException(400, "Dữ liệu không phải Telegram Update / body is not a Telegram Update")
        await application.update_queue.put(update)
        return {"ok": True}

    return router
