"""Telegram bot end to end with the real python-telegram-bot library against a
local fake Bot API server (tests/fakes/fake_telegram.py; those tests start a
server and are marked slow), plus message splitting."""

from __future__ import annotations

import asyncio
import contextlib
import re

import pytest
from fastapi.testclient import TestClient

from assistant.memory import ConversationMemory
from bot.api import create_app
from bot.formatting import format_answer, format_passage
from bot.telegram_bot import build_application, parse_draft_args
from bot.telegram_split import TELEGRAM_LIMIT, split_message
from tests.conftest import BEN_THANH, ND61
from tests.fakes.fake_telegram import FakeTelegram
from tests.fakes.server import ServerThread

Q = "Bộ phận Một cửa có nhiệm vụ và quyền hạn gì?"
CHAT = 5551234


# ---- splitting -----------------------------------------------------------------
def _norm(s: str) -> str:
    return " ".join(s.split())


def test_split_a_whole_plan_at_paragraph_boundaries():
    text = BEN_THANH.read_text(encoding="utf-8").strip()
    parts = split_message(text)
    assert len(text) > 8000 and len(parts) >= len(text) // TELEGRAM_LIMIT
    assert all(0 < len(p) <= TELEGRAM_LIMIT for p in parts)
    assert _norm(" ".join(parts)) == _norm(text)  # nothing lost or reordered
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    # every paragraph that fits stays whole inside one message
    for para in paragraphs:
        assert any(para in part for part in parts), para[:60]


def test_split_a_long_real_answer_with_its_passages(small_service):
    ans = small_service.ask(Q, k=10).to_dict()
    text = format_answer(ans) + "\n\n" + "\n\n".join(format_passage(c) for c in ans["citations"])
    if len(text) <= TELEGRAM_LIMIT:  # make it long with the whole decree's first articles
        text += "\n\n" + ND61.read_text(encoding="utf-8")[:9000]
    parts = split_message(text)
    assert len(parts) >= 2 and all(len(p) <= TELEGRAM_LIMIT for p in parts)
    assert parts[0].startswith(ans["answer"].split("\n")[0][:50])
    assert _norm(" ".join(parts)) == _norm(text)


def test_split_edge_cases():
    assert split_message("") == [] and split_message("  \n ") == []
    assert split_message("ngắn") == ["ngắn"]
    word = "x" * 10000
    assert [len(p) for p in split_message(word)] == [4096, 4096, 1808]
    lines = "\n".join(f"Dòng số {i} của kế hoạch cải cách hành chính." for i in range(400))
    parts = split_message(lines, 1000)
    assert all(len(p) <= 1000 for p in parts) and all(p.startswith("Dòng số") for p in parts)
    with pytest.raises(ValueError):
        split_message("a", 0)


def test_parse_draft_args():
    assert parse_draft_args("Trường Mầm non Hương Sen 2025") == ("Trường Mầm non Hương Sen", 2025, None)
    assert parse_draft_args("Trường Tiểu học Hòa Bình năm 2026") == ("Trường Tiểu học Hòa Bình", 2026, None)
    # the year defaults to the one after the as-of date; the governing body follows ";"
    assert parse_draft_args("Trường Mầm non Hương Sen") == ("Trường Mầm non Hương Sen", None, None)
    assert parse_draft_args("Trường Mầm non Hương Sen 2027; UBND Phường Hạnh Thông") == (
        "Trường Mầm non Hương Sen", 2027, "UBND Phường Hạnh Thông")
    assert parse_draft_args("  ") is None and parse_draft_args("2027") is None


# ---- end to end with the fake Bot API ---------------------------------------------
@pytest.fixture()
def fake_tg():
    fake = FakeTelegram()
    with ServerThread(fake.app) as srv:
        fake.base_url = f"{srv.url}/bot"
        yield fake


def _settings(service, fake, tmp_path, **extra):
    return service.settings.model_copy(update={
        "telegram_token": fake.token, "telegram_base_url": fake.base_url, "data_dir": tmp_path, **extra})


@contextlib.asynccontextmanager
async def _polling(app):
    """Run ``app`` in polling mode against the fake Bot API for the block."""
    await app.initialize()
    await app.updater.start_polling(poll_interval=0.05, timeout=1)
    await app.start()
    try:
        yield app
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()


async def _wait(fake, method, count=1):
    return await asyncio.to_thread(fake.wait_for, method, count, 60)


@pytest.mark.slow
async def test_polling_question_answer_and_source_button(small_service, fake_tg, tmp_path):
    settings = _settings(small_service, fake_tg, tmp_path)
    memory = ConversationMemory.from_settings(settings)
    async with _polling(build_application(small_service, settings, memory)):
        assert fake_tg.calls_to("getMe") and fake_tg.calls_to("deleteWebhook")
        fake_tg.push_update(fake_tg.text_update(CHAT, Q))
        sent = (await _wait(fake_tg, "sendMessage"))[-1]
        assert sent["chat_id"] == CHAT
        expected = small_service.ask(Q, k=settings.top_k)
        assert expected.citations and sent["text"].startswith(expected.answer.split("\n")[0][:60])
        assert "[1]" in sent["text"] and "Nguồn:\n[1] " in sent["text"]
        keyboard = sent["reply_markup"]["inline_keyboard"]
        buttons = [b for row in keyboard for b in row]
        assert [b["text"] for b in buttons] == [f"Nguồn [{c.n}]" for c in expected.citations]
        data = buttons[0]["callback_data"]
        assert re.fullmatch(r"src:[A-Za-z0-9_-]+:1", data) and len(data.encode()) <= 64
        assert memory.history(f"tg:{CHAT}")[-1][0] == Q

        # press "Nguồn [1]"
        upd = fake_tg.callback_update(CHAT, data)
        fake_tg.push_update(upd)
        answered = (await _wait(fake_tg, "answerCallbackQuery"))[-1]
        assert answered["callback_query_id"] == upd["callback_query"]["id"]
        passage = (await _wait(fake_tg, "sendMessage", 2))[-1]["text"]
        c1 = expected.citations[0]
        assert passage.startswith("Nguồn [1]") and f"Mục: {c1.section}" in passage
        assert _norm(c1.text)[:200] in _norm(passage)
        if c1.number:
            assert c1.number in passage

        # a stale button is still answered (with an alert), never left spinning
        fake_tg.push_update(fake_tg.callback_update(CHAT, "src:unknown:1"))
        stale = (await _wait(fake_tg, "answerCallbackQuery", 2))[-1]
        assert stale["show_alert"] is True and "hỏi lại" in stale["text"]

        # /start and /help
        fake_tg.push_update(fake_tg.text_update(CHAT, "/start"))
        start = (await _wait(fake_tg, "sendMessage", 3))[-1]["text"]
        assert start.startswith("Xin chào!") and "/giaithich" in start and "/soan" in start

        # follow-up uses the chat's history
        fake_tg.push_update(fake_tg.text_update(CHAT, "văn bản đó có hiệu lực từ khi nào?"))
        follow = (await _wait(fake_tg, "sendMessage", 4))[-1]["text"]
        assert "61/2018/NĐ-CP" in follow


@pytest.mark.slow
async def test_draft_command(small_service, fake_tg, tmp_path):
    async with _polling(build_application(small_service, _settings(small_service, fake_tg, tmp_path))):
        fake_tg.push_update(fake_tg.text_update(CHAT, "/soan"))
        usage = (await _wait(fake_tg, "sendMessage"))[-1]["text"]
        assert usage.startswith("Cú pháp: /soan")
        fake_tg.push_update(fake_tg.text_update(CHAT, "/soan Trường Mầm non Hương Sen 2025"))
        doc = (await _wait(fake_tg, "sendDocument"))[-1]
        assert doc["document"]["filename"] == "ke-hoach-cchc-2025-truong-mam-non-huong-sen.docx"
        assert doc["document"]["content"][:2] == b"PK"
        assert "2025" in doc["caption"] and "Trường Mầm non Hương Sen" in doc["caption"]


@pytest.mark.slow
async def test_allow_list_blocks_other_chats(small_service, fake_tg, tmp_path):
    async with _polling(build_application(small_service, _settings(small_service, fake_tg, tmp_path, telegram_allowed_chats="111, 222"))):
        fake_tg.push_update(fake_tg.text_update(CHAT, Q))
        sent = (await _wait(fake_tg, "sendMessage"))[-1]
        assert "không được mở" in sent["text"] or "chưa được mở" in sent["text"]
        assert "reply_markup" not in sent
        fake_tg.push_update(fake_tg.text_update(222, Q))
        ok = (await _wait(fake_tg, "sendMessage", 2))[-1]
        assert ok["chat_id"] == 222 and "[1]" in ok["text"]


@pytest.mark.slow
def test_webhook_route_checks_secret_and_feeds_updates(small_service, fake_tg, tmp_path):
    settings = _settings(small_service, fake_tg, tmp_path, telegram_webhook_secret="wh-secret-123")
    with TestClient(create_app(small_service, settings=settings)) as c:
        update = dict(fake_tg.text_update(CHAT, Q), update_id=99)
        assert c.post("/telegram/webhook", json=update).status_code == 401
        assert c.post("/telegram/webhook", json=update,
                      headers={"X-Telegram-Bot-Api-Secret-Token": "wrong"}).status_code == 403
        # a JSON body that is no Update (no update_id) is refused, never queued
        assert c.post("/telegram/webhook", json={"nonsense": 1},
                      headers={"X-Telegram-Bot-Api-Secret-Token": "wh-secret-123"}).status_code == 400
        assert c.post("/telegram/webhook", content=b"not json",
                      headers={"X-Telegram-Bot-Api-Secret-Token": "wh-secret-123"}).status_code == 400
        assert not fake_tg.calls_to("sendMessage")
        r = c.post("/telegram/webhook", json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "wh-secret-123"})
        assert r.status_code == 200
        sent = fake_tg.wait_for("sendMessage", 1, 60)[-1]
        assert sent["chat_id"] == CHAT and "[1]" in sent["text"] and sent["reply_markup"]["inline_keyboard"]


@pytest.mark.slow
def test_webhook_without_configured_secret_is_refused(small_service, fake_tg, tmp_path):
    settings = _settings(small_service, fake_tg, tmp_path, telegram_webhook_secret=None)
    with TestClient(create_app(small_service, settings=settings)) as c:
        r = c.post("/telegram/webhook", json={"update_id": 1},
                   headers={"X-Telegram-Bot-Api-Secret-Token": "anything"})
        assert r.status_code == 403


@pytest.mark.slow
async def test_giaithich_explains_a_term_with_sources(small_service, fake_tg, tmp_path):
    """/giaithich answers from the glossary of the indexed documents, with a
    source button on the passage that defines the term (it used to raise
    TypeError inside the handler and send nothing)."""
    async with _polling(build_application(small_service, _settings(small_service, fake_tg, tmp_path))):
        fake_tg.push_update(fake_tg.text_update(CHAT, "/giaithich TTHC"))
        sent = (await _wait(fake_tg, "sendMessage"))[-1]
        assert sent["chat_id"] == CHAT
        assert sent["text"].startswith("TTHC: thủ tục hành chính") and "[1]" in sent["text"]
        buttons = [b for row in sent["reply_markup"]["inline_keyboard"] for b in row]
        assert buttons and buttons[0]["text"] == "Nguồn [1]"
        fake_tg.push_update(fake_tg.callback_update(CHAT, buttons[0]["callback_data"]))
        passage = (await _wait(fake_tg, "sendMessage", 2))[-1]["text"]
        assert passage.startswith("Nguồn [1]") and "TTHC" in passage

        fake_tg.push_update(fake_tg.text_update(CHAT, "/giaithich XYZQ"))
        unknown = (await _wait(fake_tg, "sendMessage", 3))[-1]["text"]
        assert "Chưa có giải thích" in unknown and "XYZQ" in unknown

        fake_tg.push_update(fake_tg.text_update(CHAT, "/giaithich"))
        usage = (await _wait(fake_tg, "sendMessage", 4))[-1]["text"]
        assert usage.startswith("Cú pháp: /giaithich")


@pytest.mark.slow
async def test_questions_per_chat_are_rate_limited_and_replies_paced(small_service, fake_tg, tmp_path):
    """Past ``rate_limit_chat`` a chat is told once and its updates dropped;
    another chat is unaffected; outgoing calls go through AIORateLimiter."""
    from telegram.ext import AIORateLimiter

    settings = _settings(small_service, fake_tg, tmp_path, rate_limit_chat="2/minute")
    app = build_application(small_service, settings)
    assert isinstance(app.bot.rate_limiter, AIORateLimiter)
    async with _polling(app):
        for _ in range(4):
            fake_tg.push_update(fake_tg.text_update(CHAT, Q))
        sent = await _wait(fake_tg, "sendMessage", 3)
        fake_tg.push_update(fake_tg.text_update(777, Q))
        sent = await _wait(fake_tg, "sendMessage", 4)
        await asyncio.sleep(0.5)
        sent = fake_tg.calls_to("sendMessage")
    to_chat = [m["text"] for m in sent if m["chat_id"] == CHAT]
    assert sum("[1]" in t for t in to_chat) == 2
    assert sum("quá nhiều câu hỏi" in t for t in to_chat) == 1 and len(to_chat) == 3
    assert [m for m in sent if m["chat_id"] == 777 and "[1]" in m["text"]]
