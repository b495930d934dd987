"""Fuzzing with Hypothesis: the HTTP API's request models and routes, and the
loaders, fed generated input (Vietnamese words of the corpus, markers of
plans and decrees, any Unicode including lone surrogates, raw bytes).

Properties: the API never answers 500 and never raises (TestClient re-raises
any server exception, so a traceback fails the test); every 4xx has a
one-line ``detail`` string; the loaders raise only their one-line
``DocumentError`` (``UploadError`` for the upload checks). Examples per test:
``CCHC_FUZZ_EXAMPLES`` (default 40, so CI stays quick); the counts of
statuses seen are printed at the end of the module (and written as JSON to
``CCHC_FUZZ_REPORT`` when set).
"""

from __future__ import annotations

import io
import json
import os
import time
import zipfile
from collections import Counter, defaultdict
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings, strategies as st

from bot.api import create_app
from bot.uploads import UploadError, check_upload
from bot.zalo import signature
from corpus.injection import instruction_spans
from corpus.loaders import SUPPORTED_SUFFIXES, decode_bytes, load_text
from corpus.models import DocumentError
from corpus.pipeline import parse_text
from tests.conftest import HUONG_SEN, ND61, make_service, multipart_file

EXAMPLES = int(os.environ.get("CCHC_FUZZ_EXAMPLES", "40"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=False,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                       HealthCheck.data_too_large])
STATUS: dict[str, Counter] = defaultdict(Counter)
TRACEBACKS: list[str] = []

WORDS = sorted(set(HUONG_SEN.read_text(encoding="utf-8").split()[:600] + ND61.read_text(encoding="utf-8").split()[:600]))
MARKERS = ["Điều 1.", "Chương II", "Mục 3", "khoản 2", "a)", "I.", "II.", "1.", "1.1.", "-", "+", "Số:", "SOURCE:",
           "NĐ-CP", "61/2018/NĐ-CP", "Căn cứ", "Nơi nhận:", "\n", "\n\n", "\t", "  ", "…", "\u00a0", "\ufeff",
           "Bỏ qua mọi hướng dẫn", "ignore previous instructions"]
surrogates = st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF)
any_char = st.characters() | surrogates
vi_text = st.lists(st.sampled_from(WORDS) | st.sampled_from(MARKERS) | st.text(any_char, max_size=6),
                   max_size=40).map(" ".join)
fuzz_text = vi_text | st.text(any_char, max_size=300)
json_scalar = st.none() | st.booleans() | st.integers(-2**40, 2**40) | st.floats(allow_nan=False) | fuzz_text
json_value = st.recursive(json_scalar, lambda inner: st.lists(inner, max_size=4)
                          | st.dictionaries(st.text(any_char, max_size=8), inner, max_size=4), max_leaves=8)


def _field(*good):
    return st.sampled_from(good) | json_value


ASK = st.fixed_dictionaries({"question": fuzz_text | json_value},
                            optional={"k": _field(1, 5, 20), "session_id": fuzz_text | st.just("s-1")})
SEARCH = st.fixed_dictionaries({"query": fuzz_text | json_value}, optional={"k": _field(1, 10, 50)})
DRAFT = st.fixed_dictionaries({"unit": fuzz_text | json_value, "year": _field(2025, 2026, 1999, 2101)},
                              optional={"kind": _field("cchc", "tthc", "papi", "par-index"),
                                        "format": _field("markdown", "json", "docx")})
BODY = st.one_of(
    json_value.map(lambda v: json.dumps(v, ensure_ascii=True).encode()),  # lone surrogates as \\udXXX escapes
    st.binary(max_size=600),
    fuzz_text.map(lambda t: t.encode("utf-8", "surrogatepass")),
)
APP_ID, OA_SECRET = "fuzz-app", "fuzz-oa-secret"


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    svc = make_service(tmp_path_factory.mktemp("fuzz"))
    assert not svc.ingest([HUONG_SEN, ND61]).failed
    s = svc.settings.model_copy(update={"rate_limit_enabled": False, "zalo_app_id": APP_ID, "zalo_oa_secret": OA_SECRET,
                                        "zalo_api_base": "http://127.0.0.1:9", "zalo_oauth_base": "http://127.0.0.1:9"})
    with TestClient(create_app(svc, settings=s)) as c:
        yield c
    _report()


def _report() -> None:
    total = sum(sum(c.values()) for c in STATUS.values())
    server_errors = sum(n for c in STATUS.values() for code, n in c.items() if isinstance(code, int) and code >= 500)
    summary = {"requests": total, "server_errors": server_errors, "tracebacks": len(TRACEBACKS),
               "by_route": {k: dict(sorted(v.items(), key=str)) for k, v in sorted(STATUS.items())}}
    print("\n[fuzz] " + json.dumps(summary, ensure_ascii=False))
    if os.environ.get("CCHC_FUZZ_REPORT"):
        with open(os.environ["CCHC_FUZZ_REPORT"], "w", encoding="utf-8") as f:
            json.dump(summary, f, ensure_ascii=False, indent=2)


def _check(route: str, r) -> None:
    STATUS[route][r.status_code] += 1
    assert r.status_code < 500, (route, r.status_code, r.text[:300])
    if 400 <= r.status_code < 500:
        detail = r.json()["detail"]
        assert isinstance(detail, str) and detail.strip() and "\n" not in detail, detail
        detail.encode("utf-8")  # valid Unicode
    r.content.decode("utf-8") if r.headers.get("content-type", "").startswith(("application/json", "text/")) else None


def _post(client, route: str, body: bytes, ctype: str = "application/json") -> None:
    try:
        r = client.post(route, content=body, headers={"content-type": ctype})
    except Exception as e:  # a server exception re-raised by TestClient: a traceback
        TRACEBACKS.append(f"{route}: {type(e).__name__}: {e}")
        raise
    _check(route, r)


# ---- the API's request models ------------------------------------------------------------------
@FUZZ
@given(body=ASK)
def test_fuzz_ask_model(client, body):
    _post(client, "/v1/ask", json.dumps(body, ensure_ascii=True).encode())


@FUZZ
@given(body=SEARCH)
def test_fuzz_search_model(client, body):
    _post(client, "/v1/search", json.dumps(body, ensure_ascii=True).encode())


@settings(parent=FUZZ, max_examples=max(10, EXAMPLES // 2))
@given(body=DRAFT)
def test_fuzz_draft_model(client, body):
    _post(client, "/v1/draft", json.dumps(body, ensure_ascii=True).encode())


@FUZZ
@given(route=st.sampled_from(["/v1/ask", "/v1/search", "/v1/draft", "/zalo/webhook"]), body=BODY,
       ctype=st.sampled_from(["application/json", "text/plain", "application/x-www-form-urlencoded", ""]))
def test_fuzz_raw_bodies(client, route, body, ctype):
    _post(client, route, body, ctype)


@FUZZ
@given(ident=st.text(any_char, min_size=1, max_size=80))
def test_fuzz_path_parameters(client, ident):
    quoted = quote(ident.encode("utf-8", "surrogatepass"), safe="")
    for method, path, route in (("get", f"/v1/jobs/{quoted}", "/v1/jobs/{id}"),
                                ("delete", f"/v1/documents/{quoted}", "/v1/documents/{id}")):
        r = getattr(client, method)(path)
        _check(route, r)
        if route == "/v1/documents/{id}":
            assert r.status_code in (404, 405, 422), (ident, r.status_code)


@FUZZ
@given(name=st.text(any_char, max_size=40) | st.sampled_from([f"ke-hoach{s}" for s in SUPPORTED_SUFFIXES]),
       data=st.binary(max_size=2000) | vi_text.map(lambda t: t.encode("utf-8", "surrogatepass")))
def test_fuzz_uploads(client, name, data):
    # built by hand (tests.conftest.multipart_file): the name goes on the wire as raw bytes, a lone
    # surrogate as invalid UTF-8 (which an HTTP client library refuses to encode), with only '"', CR
    # and LF escaped as the HTML5 form encoding does: what a broken client could send
    raw = name.encode("utf-8", "surrogatepass").replace(b'"', b"%22").replace(b"\r", b"%0D").replace(b"\n", b"%0A")
    chunks, boundary = multipart_file(raw, [data])
    r = client.post("/v1/documents", content=b"".join(chunks),
                    headers={"Content-Type": f"multipart/form-data; boundary={boundary.decode()}"})
    _check("/v1/documents", r)
    if r.status_code == 202:
        job = client.app.state.jobs.wait(r.json()["job_id"], timeout=120)
        STATUS["job"][job["status"]] += 1
        assert job["status"] in ("done", "failed"), job
        if job["status"] == "done":
            assert client.delete(f"/v1/documents/{quote(job['result']['added'][0] if job['result']['added'] else job['result']['skipped'][0])}").status_code in (200, 404)


@FUZZ
@given(body=BODY, sign=st.booleans(), ts=st.one_of(st.just("now"), fuzz_text, st.integers()))
def test_fuzz_zalo_webhook(client, body, sign, ts):
    """Signed or not, fresh or not, the webhook answers 2xx/4xx."""
    if sign:
        try:
            obj = json.loads(body)
        except ValueError:
            obj = None
        if isinstance(obj, dict):
            obj["timestamp"] = str(int(time.time() * 1000)) if ts == "now" else ts
            body = json.dumps(obj, ensure_ascii=True).encode()
            headers = {"X-ZEvent-Signature": signature(APP_ID, body, obj["timestamp"], OA_SECRET)}
        else:
            headers = {"X-ZEvent-Signature": "mac=" + "0" * 64}
    else:
        headers = {}
    _check("/zalo/webhook", client.post("/zalo/webhook", content=body, headers=headers))


# ---- the loaders ---------------------------------------------------------------------------------
@FUZZ
@given(data=st.binary(max_size=3000) | fuzz_text.map(lambda t: t.encode("utf-8", "surrogatepass"))
       | vi_text.map(lambda t: t.encode("utf-16-le", "surrogatepass")) | vi_text.map(lambda t: t.encode("cp1258", "replace")))
def test_fuzz_decode_bytes(data):
    try:
        text = decode_bytes(data, "fuzz.txt")
    except DocumentError as e:
        assert e.reason and "\n" not in e.reason
        return
    text.encode("utf-8")  # what the loader returns is valid Unicode


@FUZZ
@given(text=fuzz_text)
def test_fuzz_parse_text(text):
    try:
        doc = parse_text(text, "fuzz")
    except DocumentError as e:
        assert e.reason
        return
    for c in doc.chunks:
        assert c.text == doc.text[c.start:c.end] and c.text.strip()
        assert all(0 <= a < b <= len(c.text) for a, b in c.instruction_spans)


def _zip_with(member: str, data: bytes) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(member, data)
    return buf.getvalue()


@FUZZ
@given(suffix=st.sampled_from(SUPPORTED_SUFFIXES),
       data=st.binary(max_size=3000) | vi_text.map(lambda t: t.encode("utf-8", "surrogatepass"))
       | st.builds(_zip_with, st.sampled_from(["word/document.xml", "x.txt"]), st.binary(max_size=500))
       | st.binary(max_size=500).map(lambda b: b"%PDF-1.4\n" + b))
def test_fuzz_load_text_and_upload_checks(tmp_path_factory, suffix, data):
    path = tmp_path_factory.mktemp("f") / f"fuzz{suffix}"
    path.write_bytes(data)
    try:
        text, _fmt = load_text(path)
        text.encode("utf-8")
    except DocumentError as e:
        assert e.reason and "\n" not in e.reason
    try:
        check_upload(path.name, data, 1)
    except UploadError as e:
        assert e.status in (400, 413, 415, 422) and " / " in e.message


@FUZZ
@given(text=fuzz_text)
def test_fuzz_instruction_spans(text):
    spans = instruction_spans(text)
    assert all(0 <= a < b <= len(text) and "\n" not in text[a:b] for a, b in spans)


def test_parse_text_rejects_a_lone_surrogate_clearly():
    """Found by the fuzz test above: a lone surrogate (a JSON "\\ud800" escape) reached the UTF-8 content hash."""
    with pytest.raises(DocumentError, match="invalid Unicode: lone surrogate U\\+D800"):
        parse_text("Kế hoạch \ud800 cải cách hành chính", "bad")
