"""An uploaded plan feeds the draft through every channel, and is gone from it once deleted.

The plan is a DOCX written here from real plan text (the 2023 CCHC plan of
Trường Mầm non Hoa Phượng, bundled as a .txt) under a new school name and a
header block as a table, as offices write them; it is ingested next to
another bundled plan and a decree, but not next to its .txt original, so its
items are its own. ``cchc draft`` (CLI) and ``POST /v1/draft`` (API) read the
same index."""

from __future__ import annotations

import json
import re

import pytest
from docx import Document
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from assistant.cli import app
from assistant.settings import get_settings
from bot.api import create_app
from corpus.pipeline import bundled_dir
from tests.conftest import BEN_THANH, ND61, make_service

SOURCE_PLAN = bundled_dir() / "plans" / "2023-mn-hoa-phuong-q8-cchc.txt"
UNIT = "Trường Mầm non Sơn Ca"


def write_plan_docx(path, unit: str = UNIT) -> None:
    """A kế hoạch DOCX: header table (cơ quan chủ quản, đơn vị, số | Quốc hiệu, Tiêu ngữ, địa danh và ngày),
    then the body of the real plan with the school's name replaced."""
    lines = [ln.strip() for ln in SOURCE_PLAN.read_text(encoding="utf-8").splitlines() if ln.strip()]
    doc = Document()
    t = doc.add_table(rows=3, cols=2)
    for (a, b), row in zip([("ỦY BAN NHÂN DÂN QUẬN 8", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
                            (unit.upper(), "Độc lập - Tự do - Hạnh phúc"),
                            ("Số: 12/KH-MNSC", "Quận 8, ngày 20 tháng 3 năm 2023")], t.rows):
        row.cells[0].text, row.cells[1].text = a, b
    for ln in lines:
        doc.add_paragraph(ln.replace("Trường Mầm non Hoa Phượng", unit).replace("Hoa Phượng", unit[15:]))
    doc.save(str(path))


@pytest.fixture()
def env(tmp_path, monkeypatch):
    """A data dir with two bundled documents and the uploaded DOCX plan; the CLI reads it too."""
    data = tmp_path / "data"
    monkeypatch.setenv("CCHC_DATA_DIR", str(data))
    monkeypatch.setenv("CCHC_EMBEDDING_BACKEND", "fake")
    monkeypatch.setenv("CCHC_AS_OF", "2026-12-01")
    get_settings.cache_clear()
    plan = tmp_path / "ke-hoach-cchc-2023-mn-son-ca.docx"
    write_plan_docx(plan)
    svc = make_service(data, as_of="2026-12-01")
    rep = svc.ingest([BEN_THANH, ND61, plan])
    assert not rep.failed, rep.failed
    yield svc, plan.stem
    get_settings.cache_clear()


def _cli_draft(out_path=None) -> dict:
    args = ["draft", "--unit", UNIT, "--json"] + (["--out", str(out_path)] if out_path else [])
    r = CliRunner().invoke(app, args)
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


def _items(js: dict) -> list[dict]:
    return [it for s in js["sections"] for it in s["items"]]


def _from(js: dict, doc_id: str) -> list[dict]:
    return [it for it in _items(js) if it["source"]["doc_id"] == doc_id or any(a["doc_id"] == doc_id for a in it["also"])]


def test_uploaded_plan_feeds_cli_and_api_drafts_until_deleted(env, tmp_path):
    svc, doc_id = env
    meta = next(m for m in svc.documents() if m.doc_id == doc_id)
    assert meta.unit == UNIT and meta.kind == "plan"

    # CLI: the 2027 plan of the new school (year from CCHC_AS_OF + 1) is built from its own plan first
    js = _cli_draft(tmp_path / "y.md")
    assert js["year"] == 2027 and js["unit"] == UNIT
    own = [it for it in _items(js) if it["source"]["doc_id"] == doc_id]
    assert len(own) >= 20 and all(it["source"]["section"] for it in own)
    assert any(it["text"].startswith("Thường xuyên rà soát, kiện toàn Tổ chỉ đạo Cải cách hành chính") for it in own)
    md = (tmp_path / "y.md").read_text(encoding="utf-8")
    assert f"{doc_id}: Kế hoạch số 12/KH-MNSC ({UNIT}, 2023)" in md
    # its Quận 8 is a former district: marked in the items, not in the header
    assert any("Quận 8 [cần xác nhận: đơn vị hành chính sau sắp xếp]" in it["text"] for it in own)
    assert js["parent_agency"] == "[cần xác nhận: cơ quan chủ quản sau sắp xếp]"
    other = BEN_THANH.read_text(encoding="utf-8")
    unique = [it["text"] for it in own if not it["also"] and it["text"][:50] not in other]  # only in this plan
    assert len(unique) >= 10

    # API: the same index, the same sources
    with TestClient(create_app(svc)) as client:
        r = client.post("/v1/draft", json={"unit": UNIT, "format": "json",
                                           "governing_body": "UBND PHƯỜNG CHÁNH HƯNG"})
        assert r.status_code == 200, r.text
        api = r.json()
        assert api["year"] == 2027 and api["parent_agency"] == "UBND PHƯỜNG CHÁNH HƯNG"
        assert {it["text"] for it in _from(api, doc_id)} == {it["text"] for it in _from(js, doc_id)}

        # delete it: none of its items remain, in either channel
        assert client.delete(f"/v1/documents/{doc_id}").status_code == 200
        after_api = client.post("/v1/draft", json={"unit": UNIT, "format": "markdown"})
        assert after_api.status_code == 200
    after = _cli_draft()
    assert _from(after, doc_id) == [] and doc_id not in after_api.text
    texts = {it["text"] for it in _items(after)}
    for t in unique:
        head = re.escape(t[:50])
        assert not any(re.match(head, x) for x in texts), t
        assert t[:50] not in after_api.text
