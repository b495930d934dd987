"""An uploaded plan is first-class knowledge: written as DOCX from the real text
of a bundled plan (another unit, and a căn cứ the corpus does not hold), it
joins the citation graph and the ``--missing`` list through the CLI and the
API, its number-only citation is "chưa kiểm chứng", and deleting it removes
it from both.

:func:`uploaded_plan_docx` (a fixture) is meant for reuse: the drafting tests
can ingest the same plan and draft for :data:`UNIT`.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from assistant.cli import app
from corpus.loaders import load_text
from tests.conftest import HUONG_SEN, ND61, make_service

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
