"""Zalo OA webhook end to end against a local fake Zalo API
(tests/fakes/fake_zalo.py; those tests start a server and are marked slow):
signature check, background reply, duplicate drop, message splitting and
access-token refresh."""

from __future__ import annotations

import hashlib
import json
import time

import pytest
from fastapi.testclient import TestClient

from bot.api import create_app
from bot.zalo import ZALO_TEXT_LIMIT, ZaloClient, signature
from tests.conftest import BEN_THANH
from tests.fakes.fake_zalo import FakeZalo
from tests.fakes.server import ServerThread

APP_ID = "1234567890"
OA_SECRET = "oa-secret-key"  # verifies webhooks (X-ZEvent-Signature)
APP_SECRET = "app-secret-key"  # refreshes the access token: a different value, so a mix-up fails
Q = "Bộ phận Một cửa có nhiệm vụ và quyền hạn gì?"


@pytest.fixture()
def fake_zalo():
    fake = FakeZalo(app_secret=APP_SECRET)
    with ServerThread(fake.app) as srv:
        fake.url = srv.url
        yield fake


def _settings(service, fake, tmp_path):
    return service.settings.model_copy(update={
        "data_dir": tmp_path, "zalo_app_id": APP_ID, "zalo_oa_secret": OA_SECRET, "zalo_app_secret": APP_SECRET,
        "zalo_access_token": "AT-1", "zalo_refresh_token": "RT-1",
        "zalo_api_base": fake.url, "zalo_oauth_base": fake.url})


def _event(text: str, msg_id: str | None, user: str = "u-42", age_s: float = 0.0) -> bytes:
    message = {"text": text, **({"msg_id": msg_id} if msg_id else {})}
    body = {"app_id": APP_ID, "user_id_by_app": "app-" + user, "event_name": "user_send_text",
            "timestamp": str(int((time.time() - age_s) * 1000)), "sender": {"id": user}, "recipient": {"id": "oa-1"},
            "message": message}
    return json.dumps(body, ensure_ascii=False).encode("utf-8")


def _signed(raw: bytes) -> dict[str, str]:
    ts = json.loads(raw)["timestamp"]
    return {"X-ZEvent-Signature": signature(APP_ID, raw, ts, OA_SECRET), "Content-Type": "application/json"}


def test_signature_rule():
    raw = b'{"timestamp":"1700000000000","event_name":"user_send_text"}'
    expected = "mac=" + hashlib.sha256((APP_ID + raw.decode() + "1700000000000" + OA_SECRET).encode()).hexdigest()
    assert signature(APP_ID, raw, "1700000000000", OA_SECRET) == expected
    assert signature(APP_ID, raw, 1700000000000, OA_SECRET) == expected


@pytest.mark.slow
def test_webhook_answers_questions_and_rejects_bad_signatures(small_service, fake_zalo, tmp_path):
    with TestClient(create_app(small_service, settings=_settings(small_service, fake_zalo, tmp_path))) as c:
        raw = _event(Q, "msg-1")
        assert c.post("/zalo/webhook", content=raw).status_code == 401
        bad = {"X-ZEvent-Signature": "mac=" + "0" * 64}
        assert c.post("/zalo/webhook", content=raw, headers=bad).status_code == 403
        tampered = raw.replace("Một cửa".encode(), "Hai cửa".encode())
        assert c.post("/zalo/webhook", content=tampered, headers=_signed(raw)).status_code == 403
        assert fake_zalo.messages == []

        t0 = time.perf_counter()
        r = c.post("/zalo/webhook", content=raw, headers=_signed(raw))
        assert r.status_code == 200 and r.json() == {"ok": True}
        msgs = fake_zalo.wait_messages(1)
        expected = small_service.ask(Q, k=small_service.settings.top_k)
        text = "\n".join(m["message"]["text"] for m in msgs)
        assert all(m["recipient"] == {"user_id": "u-42"} and m["token"] == "AT-1" for m in msgs)
        assert all(len(m["message"]["text"]) <= ZALO_TEXT_LIMIT for m in msgs)
        assert "[1]" in text and "Nguồn:" in text and "**" not in text
        assert expected.citations[0].section in text

        # the same event delivered again is dropped
        n = len(fake_zalo.messages)
        r = c.post("/zalo/webhook", content=raw, headers=_signed(raw))
        assert r.status_code == 200 and r.json().get("duplicate") is True
        time.sleep(0.3)
        assert len(fake_zalo.messages) == n

        # "nguồn 1" shows the passage of source [1] of the last answer
        raw2 = _event("nguồn 1", "msg-2")
        assert c.post("/zalo/webhook", content=raw2, headers=_signed(raw2)).status_code == 200
        passage = "\n".join(m["message"]["text"] for m in fake_zalo.wait_messages(n + 1)[n:])
        assert passage.startswith("Nguồn [1]") and " ".join(expected.citations[0].text.split())[:100] in " ".join(passage.split())

        # other events are acknowledged and ignored
        raw3 = json.dumps({"app_id": APP_ID, "event_name": "follow", "timestamp": str(int(time.time() * 1000)),
                           "follower": {"id": "u-9"}}).encode()
        assert c.post("/zalo/webhook", content=raw3, headers=_signed(raw3)).status_code == 200
    assert time.perf_counter() - t0 < 120


@pytest.mark.slow
def test_expired_token_is_refreshed_once_and_saved(small_service, fake_zalo, tmp_path):
    settings = _settings(small_service, fake_zalo, tmp_path)
    fake_zalo.expire("AT-1")
    client = ZaloClient(settings)
    client.send_text("u-7", "Xin chào")
    assert fake_zalo.rejected == ["AT-1"]
    assert len(fake_zalo.refreshes) == 1
    ref = fake_zalo.refreshes[0]
    assert ref["grant_type"] == "refresh_token" and ref["refresh_token"] == "RT-1" and ref["app_id"] == APP_ID
    assert ref["headers"]["secret_key"] == APP_SECRET  # the app secret, not the OA secret
    assert fake_zalo.messages[-1]["token"] == "AT-2" and fake_zalo.messages[-1]["message"]["text"] == "Xin chào"
    saved = json.loads((tmp_path / "zalo_tokens.json").read_text())
    assert saved == {"access_token": "AT-2", "refresh_token": "RT-2"}
    # a restarted client uses the saved pair (Zalo refresh tokens are single-use)
    assert ZaloClient(settings).access_token == "AT-2"


@pytest.mark.slow
def test_refresh_failure_raises_clear_error(small_service, fake_zalo, tmp_path):
    settings = _settings(small_service, fake_zalo, tmp_path).model_copy(update={"zalo_refresh_token": "RT-bogus"})
    fake_zalo.expire("AT-1")
    from bot.zalo import ZaloError

    with pytest.raises(ZaloError) as e:
        ZaloClient(settings).send_text("u-7", "Xin chào")
    assert e.value.code == -216 and fake_zalo.messages == []


@pytest.mark.slow
def test_long_reply_is_split_to_2000_characters(small_service, fake_zalo, tmp_path):
    text = BEN_THANH.read_text(encoding="utf-8")[:9000]
    ZaloClient(_settings(small_service, fake_zalo, tmp_path)).send_text("u-8", "**Kế hoạch**\n\n" + text)
    parts = [m["message"]["text"] for m in fake_zalo.messages]
    assert len(parts) >= 5 and all(len(p) <= ZALO_TEXT_LIMIT for p in parts)
    assert parts[0].startswith("Kế hoạch\n\n")  # Markdown emphasis stripped
    assert " ".join(" ".join(parts).split()) == " ".join(("Kế hoạch " + text).split())


@pytest.mark.slow
def test_replays_are_refused_by_timestamp_and_by_signed_body(small_service, fake_zalo, tmp_path):
    """Issue 13, Why 6: a correctly signed event with an old timestamp and no
    msg_id was processed twice. Now an event outside the window (default
    5 min) is refused, an event without msg_id is deduplicated by its signed
    body, and the dedup state survives a restart (SQLite)."""
    settings = _settings(small_service, fake_zalo, tmp_path)
    old = _event(Q, None, age_s=3600)
    with TestClient(create_app(small_service, settings=settings)) as c:
        r = c.post("/zalo/webhook", content=old, headers=_signed(old))
        assert r.status_code == 403 and "300" in r.json()["detail"]
        future = _event(Q, None, age_s=-3600)
        assert c.post("/zalo/webhook", content=future, headers=_signed(future)).status_code == 403
        fresh = _event(Q, None, age_s=10)
        assert c.post("/zalo/webhook", content=fresh, headers=_signed(fresh)).json() == {"ok": True}
        fake_zalo.wait_messages(1)
        again = c.post("/zalo/webhook", content=fresh, headers=_signed(fresh))
        assert again.status_code == 200 and again.json().get("duplicate") is True
    n = len(fake_zalo.messages)
    # a restarted server still knows the event
    with TestClient(create_app(small_service, settings=settings)) as c:
        again = c.post("/zalo/webhook", content=fresh, headers=_signed(fresh))
        assert again.status_code == 200 and again.json().get("duplicate") is True
        # the window is a setting
        wide = settings.model_copy(update={"zalo_max_age_s": 7200})
    time.sleep(0.3)
    assert len(fake_zalo.messages) == n  # one reply in all
    with TestClient(create_app(small_service, settings=wide)) as c:
        assert c.post("/zalo/webhook", content=old, headers=_signed(old)).status_code == 200


@pytest.mark.slow
def test_questions_per_user_are_rate_limited(small_service, fake_zalo, tmp_path):
    # per user, not per address: the webhook is exempt from the HTTP limits (all events come from Zalo's servers)
    settings = _settings(small_service, fake_zalo, tmp_path).model_copy(
        update={"rate_limit_chat": "2/minute", "rate_limit_default": "2/minute"})
    with TestClient(create_app(small_service, settings=settings)) as c:
        outs = []
        for i in range(4):
            raw = _event(Q, f"rl-{i}", user="u-flood")
            outs.append(c.post("/zalo/webhook", content=raw, headers=_signed(raw)).json())
        assert [o.get("rate_limited", False) for o in outs] == [False, False, True, True]
        other = _event(Q, "rl-other", user="u-calm")
        assert c.post("/zalo/webhook", content=other, headers=_signed(other)).json() == {"ok": True}
        msgs = fake_zalo.wait_messages(4, timeout=120)
    notices = [m for m in msgs if "quá nhiều câu hỏi" in m["message"]["text"]]
    assert len(notices) == 1 and notices[0]["recipient"] == {"user_id": "u-flood"}
