"""An uploaded plan is first-class knowledge: written as DOCX from the real text
of a bundled plan (another unit, and a căn cứ the corpus does not hold), it
joins the citation graph and the ``--missing`` list through the CLI and the
API, its number-only citation is "chưa kiểm chứng", the 2027 draft for its
unit is built from its items and căn cứ alike by the CLI, by the path of
``POST /v1/draft`` and Telegram ``/soan`` and by the chat, and deleting it
removes it from all of them. A validity table a user ingests reaches the
validity answers and the drafts' căn cứ the same way.

:func:`uploaded_plan_docx` (a fixture) is meant for reuse: the drafting tests
can ingest the same plan and draft for :data:`UNIT`.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from assistant.cli import app
from assistant.settings import get_settings
from corpus.loaders import load_text
from corpus.pipeline import bundled_dir
from tests.conftest import BEN_THANH, HUONG_SEN, ND61, make_service

#: the unit of the uploaded plan (no bundled document names it)
UNIT = "Trường Mầm non Sen Hồng"
#: its own số hiệu and the văn bản it cites that the corpus does not hold
NUMBER = "15/KH-MNSH"
CITED = "97/KH-UBND"
CITED_LINE = (f"Căn cứ Kế hoạch số {CITED} ngày 15 tháng 01 năm 2025 của Ủy ban nhân dân phường Hạnh Thông về "
              f"thực hiện công tác cải cách hành chính năm 2025;")
DOC_ID = "ke-hoach-cai-cach-tthc-sen-hong"


def uploaded_plan_text() -> str:
    """The Hương Sen plan's real text (as the loader reads it) for :data:`UNIT`,
    with its own số hiệu replaced and :data:`CITED_LINE` added to its căn cứ."""
    text = load_text(HUONG_SEN)[0]
    for a, b in (("TRƯỜNG MẦM NON HƯƠNG SEN", "TRƯỜNG MẦM NON SEN HỒNG"), ("Hương Sen", "Sen Hồng"),
                 ("26/KH-MNHgS", NUMBER), ("MNHgS", "MNSH")):
        text = text.replace(a, b)
    head, sep, rest = text.partition("Căn cứ ")
    assert sep, "the bundled plan has a căn cứ"
    return f"{head}{CITED_LINE}\n\n{sep}{rest}"


def write_docx(path: Path, text: str) -> Path:
    """``text`` as a DOCX file, one paragraph per blank-line-separated block."""
    import docx

    d = docx.Document()
    for para in text.split("\n\n"):
        d.add_paragraph(para.strip())
    d.save(str(path))
    return path


@pytest.fixture()
def uploaded_plan_docx(tmp_path) -> Path:
    """The uploaded plan as ``<tmp>/<DOC_ID>.docx``."""
    return write_docx(tmp_path / f"{DOC_ID}.docx", uploaded_plan_text())


def test_the_plan_is_real_text_for_another_unit(uploaded_plan_docx):
    from corpus.pipeline import parse_file

    doc = parse_file(uploaded_plan_docx)
    assert doc.meta.unit == UNIT and doc.meta.number == NUMBER
    assert CITED in doc.text and "Hương Sen" not in doc.text
    assert len(doc.chunks) >= 5


def _rows(runner, *args) -> dict[str, dict]:
    r = runner.invoke(app, ["citations", "--json", *args])
    assert r.exit_code == 0, r.output
    return {row["id"]: row for row in json.loads(r.stdout)}


def test_uploaded_plan_through_the_cli(cli_env, uploaded_plan_docx):
    cli = cli_env
    r = cli.invoke(app, ["ingest", str(HUONG_SEN), str(ND61), "--json"])
    assert r.exit_code == 0 and not json.loads(r.stdout)["failed"], r.output
    before = _rows(cli)
    assert CITED not in before

    r = cli.invoke(app, ["ingest", str(uploaded_plan_docx), "--json"])
    assert r.exit_code == 0 and json.loads(r.stdout)["added"] == [DOC_ID], r.output
    rows = _rows(cli)
    assert DOC_ID in {c["doc_id"] for c in rows[CITED]["cited_by"]}
    # what the uploaded plan shares with the bundled one is cited by both
    assert {DOC_ID, HUONG_SEN.stem} <= {c["doc_id"] for c in rows["1076/QĐ-UBND"]["cited_by"]}
    missing = _rows(cli, "--missing")
    assert CITED in missing and rows[CITED]["in_corpus"] is False
    # cited only by the upload and found nowhere else: unverified, in JSON and in the table view
    assert rows[CITED]["verified"] is False and rows["1076/QĐ-UBND"]["verified"] is True
    r = cli.invoke(app, ["citations", "--missing"])
    line = next(ln for ln in r.stdout.splitlines() if ln.startswith(CITED))
    assert "chưa kiểm chứng" in line and DOC_ID in line

    r = cli.invoke(app, ["delete", DOC_ID, "--json"])
    assert r.exit_code == 0 and json.loads(r.stdout) == {"deleted": DOC_ID}
    rows = _rows(cli)
    assert CITED not in rows and CITED not in _rows(cli, "--missing")
    assert {c["doc_id"] for c in rows["1076/QĐ-UBND"]["cited_by"]} == {HUONG_SEN.stem}
    assert cli.invoke(app, ["delete", DOC_ID]).exit_code == 1


def _upload(client, path: Path) -> dict:
    """POST a file; follows an upload job when the API answers 202."""
    r = client.post("/v1/documents", files={"file": (path.name, path.read_bytes())})
    assert r.status_code in (200, 202), r.text
    out = r.json()
    if r.status_code == 202:  # uploads as background jobs
        for _ in range(600):
            job = client.get(f"/v1/jobs/{out['job_id']}").json()
            if job.get("status") in ("done", "failed"):
                return job.get("result") or job
            time.sleep(0.05)
    return out


def test_uploaded_plan_through_the_api(tmp_path, uploaded_plan_docx):
    from fastapi.testclient import TestClient

    from bot.api import create_app

    svc = make_service(tmp_path / "api")
    assert not svc.ingest([HUONG_SEN, ND61]).failed
    with TestClient(create_app(svc)) as client:
        out = _upload(client, uploaded_plan_docx)
        doc_id = out["added"][0]
        rows = {row["id"]: row for row in client.get("/v1/citations").json()}
        assert doc_id in {c["doc_id"] for c in rows[CITED]["cited_by"]}
        assert rows[CITED]["in_corpus"] is False and rows[CITED]["verified"] is False
        # the "căn cứ" answer labels it too
        ans = client.post("/v1/ask", json={"question": f"Kế hoạch của {UNIT} căn cứ những văn bản nào?"}).json()
        line = next(ln for ln in ans["answer"].splitlines() if CITED in ln)
        assert "chưa kiểm chứng" in line
        assert client.delete(f"/v1/documents/{doc_id}").status_code == 200
        rows = {row["id"]: row for row in client.get("/v1/citations").json()}
        assert CITED not in rows
        assert {c["doc_id"] for c in rows["1076/QĐ-UBND"]["cited_by"]} == {HUONG_SEN.stem}


def _cli_draft(runner) -> dict:
    r = runner.invoke(app, ["draft", "--unit", UNIT, "--json"])
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


def _own(draft: dict) -> list[str]:
    return [it["text"] for s in draft["sections"] for it in s["items"] if it["source"]["doc_id"] == DOC_ID]


def test_uploaded_plan_drafts_alike_in_every_channel_until_deleted(cli_env, monkeypatch, tmp_path,
                                                                   uploaded_plan_docx):
    """December 2026: the uploaded plan, another school's plan, NĐ 61/2018 and the bundled validity table."""
    from bot.drafting import draft_for_service

    monkeypatch.setenv("CCHC_AS_OF", "2026-12-01")
    get_settings.cache_clear()
    svc = make_service(tmp_path / "data", as_of="2026-12-01")  # the data dir the CLI reads
    rep = svc.ingest([BEN_THANH, ND61, bundled_dir() / "validity.tsv", uploaded_plan_docx])
    assert not rep.failed, rep.failed

    cli = _cli_draft(cli_env)
    assert cli["year"] == 2027 and cli["unit"] == UNIT
    own = _own(cli)
    assert len(own) >= 10
    bases = {b["number"]: b for b in cli["legal_bases"]}
    # the upload's own căn cứ, a 2025 plan of its ward, is to be re-issued for 2027
    assert bases[CITED]["status"] == "update" and "cần cập nhật văn bản năm 2027" in bases[CITED]["text"]
    # NĐ 61/2018, which the upload cites, is not presented as in force: its successor, known only
    # from the ingested validity table, is named for the clerk to confirm
    assert "61/2018/NĐ-CP" not in bases
    nd118 = bases["118/2025/NĐ-CP"]
    assert nd118["status"] == "confirm" and "61/2018/NĐ-CP" in nd118["note"] and "01/07/2025" in nd118["note"]

    # POST /v1/draft and Telegram /soan draft through bot.drafting.draft_for_service: the same draft
    api = draft_for_service(svc, UNIT).to_dict()
    assert _own(api) == own and api["legal_bases"] == cli["legal_bases"]
    # the chat ("soạn kế hoạch …") drafts from the same index
    chat = svc.ask(f"Soạn kế hoạch cải cách hành chính năm 2027 cho {UNIT}")
    assert chat.mode == "draft" and CITED in chat.answer and own[0][:80] in chat.answer

    assert svc.delete_document(DOC_ID)
    after = _cli_draft(cli_env)
    assert _own(after) == [] and CITED not in {b["number"] for b in after["legal_bases"]}
    after_api = draft_for_service(svc, UNIT).to_dict()
    assert _own(after_api) == [] and after_api["legal_bases"] == after["legal_bases"]


#: a school's own validity table (the columns of corpus/documents/validity.tsv)
OWN_TABLE = ("document\tstatus\treplaced_or_amended_by\teffective\tsource\n"
             "61/2018/NĐ-CP\treplaced\t118/2025/NĐ-CP\t2025-07-01\tkhoản 1 Điều 40 Nghị định 118/2025/NĐ-CP\n")


def _ask(runner, question: str) -> dict:
    r = runner.invoke(app, ["ask", question, "--json"])
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


def test_an_ingested_validity_table_reaches_the_answers_until_deleted(cli_env, monkeypatch, tmp_path):
    table = tmp_path / "hieu-luc-cua-truong.tsv"
    table.write_text(OWN_TABLE, encoding="utf-8")
    monkeypatch.setenv("CCHC_AS_OF", "2026-12-01")
    get_settings.cache_clear()
    r = cli_env.invoke(app, ["ingest", str(ND61), "--json"])
    assert r.exit_code == 0 and not json.loads(r.stdout)["failed"], r.output
    q = "Nghị định 61/2018/NĐ-CP còn hiệu lực không?"
    assert "118/2025" not in _ask(cli_env, q)["answer"]  # nothing indexed says otherwise yet

    r = cli_env.invoke(app, ["ingest", str(table), "--json"])
    assert r.exit_code == 0 and json.loads(r.stdout)["added"] == [table.stem], r.output
    ans = _ask(cli_env, q)
    assert "Theo bảng hiệu lực: Nghị định 61/2018/NĐ-CP đã được thay thế bởi Nghị định 118/2025/NĐ-CP từ 01/7/2025" \
        in ans["answer"]
    assert "khoản 1 Điều 40 Nghị định 118/2025/NĐ-CP" in ans["answer"]
    assert "Kho tài liệu chưa có Nghị định 118/2025/NĐ-CP" in ans["answer"]  # the successor is not indexed
    assert any(c["doc_id"] == table.stem for c in ans["citations"])  # the row is cited
    # a passage quoted from NĐ 61/2018 carries the note
    ans = _ask(cli_env, "Bộ phận Một cửa có nhiệm vụ gì?")
    assert any(c["doc_id"] == "nd-61-2018-nd-cp" and "118/2025/NĐ-CP" in (c["validity_note"] or "")
               for c in ans["citations"])

    # as of mid-2024 the same table says NĐ 61/2018 is in force
    monkeypatch.setenv("CCHC_AS_OF", "2024-06-01")
    get_settings.cache_clear()
    ans = _ask(cli_env, q)
    assert "đang có hiệu lực tại ngày 01/6/2024" in ans["answer"] and "hết hiệu lực" not in ans["answer"]

    r = cli_env.invoke(app, ["delete", table.stem, "--json"])
    assert r.exit_code == 0, r.output
    monkeypatch.setenv("CCHC_AS_OF", "2026-12-01")
    get_settings.cache_clear()
    assert "118/2025" not in _ask(cli_env, q)["answer"]
