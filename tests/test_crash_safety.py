"""A crash-safe index: a real `cchc ingest` (python -m assistant.cli, fake
embedder, temp data dir) is killed with SIGKILL at each phase of a write
through the fault hook (``CCHC_FAULT_AT``), the index is opened again, and the
docstore, BM25 and Chroma must agree, `index check` must report clean, and
search must never return a chunk twice. Also: an interrupted ingest resumes
without re-embedding what was done, and Ctrl-C ends with one line."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.index_cli import check_index
from assistant.service import CCHCService, IngestInterrupted
from assistant.settings import Settings, get_settings
from index.embeddings import FakeEmbeddings
from tests.conftest import BEN_THANH, DECREES, HUONG_SEN, ND61, make_service

ROOT = Path(__file__).resolve().parents[1]
TT01 = DECREES / "tt-01-2018-tt-vpcp.txt"  # 59 chunks: 4 embedding batches of 16
OLD_LINE = "hỗ trợ tổ chức, cá nhân sử dụng dịch vụ công trực tuyến mức độ 3, mức độ 4;"
NEW_LINE = "hỗ trợ tổ chức, cá nhân sử dụng dịch vụ công trực tuyến toàn trình và dịch vụ công trực tuyến một phần;"
QUERIES = ["cơ chế một cửa liên thông trong giải quyết thủ tục hành chính", "dịch vụ công trực tuyến",
           "tiếp nhận hồ sơ và trả kết quả", "niêm yết công khai thủ tục hành chính"]


class CountingEmbeddings(FakeEmbeddings):
    """The fake embedder, counting the passages it embeds; ``stop_after``
    calls, it raises KeyboardInterrupt (a Ctrl-C in the middle of embedding)."""

    def __init__(self, stop_after: int | None = None):
        super().__init__()
        self.texts = self.calls = 0
        self.stop_after = stop_after

    def embed_documents(self, texts):
        if self.stop_after is not None and self.calls >= self.stop_after:
            raise KeyboardInterrupt
        self.calls += 1
        self.texts += len(texts)
        return super().embed_documents(texts)


def _service(data_dir: Path, emb=None, **kw) -> CCHCService:
    # these tests count passage embeddings; the reading units embedded after them are tested in test_service
    kw.setdefault("reading_prepare", False)
    return CCHCService(settings=Settings(data_dir=data_dir, embedding_backend="fake", **kw),
                       embeddings=emb or FakeEmbeddings())


def _env(data_dir: Path, fault: str | None = None, signal: str | None = None, url: str | None = None) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CCHC_")}
    env.update(CCHC_DATA_DIR=str(data_dir), CCHC_EMBEDDING_BACKEND="fake", PYTHONPATH=str(ROOT))
    if fault:
        env["CCHC_FAULT_AT"] = fault
    if signal:
        env["CCHC_FAULT_SIGNAL"] = signal
    if url:
        env["CCHC_CHROMA_URL"] = url
    return env


def _run(args: list[str], data_dir: Path, fault: str | None = None, signal: str | None = None,
         url: str | None = None) -> subprocess.CompletedProcess:
    """``python -m assistant.cli ARGS`` (or ``python -c CODE`` when args[0] == "-c")."""
    cmd = [sys.executable, *args] if args[0] == "-c" else [sys.executable, "-m", "assistant.cli", *args]
    # A shell without job control starts background jobs with SIGINT ignored, and Python then installs no
    # KeyboardInterrupt handler: restore the default so a Ctrl-C test means the same wherever pytest runs.
    return subprocess.run(cmd, cwd=ROOT, env=_env(data_dir, fault, signal, url), capture_output=True, text=True,
                          timeout=300, preexec_fn=_default_sigint)


def _default_sigint() -> None:
    import signal as _signal

    _signal.signal(_signal.SIGINT, _signal.SIG_DFL)


def _edited_nd61(folder: Path) -> Path:
    """NĐ 61/2018 as an office would update it: one point reworded (the
    NĐ 118/2025 terms for online public services) and a clause appended.
    Same file stem, so the same doc_id: a document *update*."""
    text = ND61.read_text(encoding="utf-8")
    assert OLD_LINE in text
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / ND61.name
    path.write_text(text.replace(OLD_LINE, NEW_LINE) + "\n3. Văn phòng Chính phủ cập nhật danh mục dịch vụ công "
                    "trực tuyến toàn trình trên Cổng Dịch vụ công quốc gia.\n", encoding="utf-8")
    return path


def assert_stores_agree(svc: CCHCService) -> dict:
    """Docstore, BM25 and Chroma hold exactly the same chunk ids; `index
    check` is clean; no search returns a chunk twice. Returns the check."""
    idx = svc.index
    out = check_index(svc)
    assert out["clean"], out["now"]
    by_doc = idx.store.vector_id_map()
    expected = {v for ids in by_doc.values() for v in ids}
    assert idx.vectors.owned_ids(idx.tx.store_id) == expected
    assert idx.vectors.count() == len(expected) == idx.count_chunks() == len(idx.bm25.chunks)
    for q in QUERIES:
        for mode in ("dense", "hybrid", "bm25"):
            ids = [h.chunk.chunk_id for h in idx.search(q, k=20, mode=mode)]
            assert len(ids) == len(set(ids)), (q, mode, ids)
    assert_knowledge_matches(svc)
    return out


def assert_knowledge_matches(svc: CCHCService) -> None:
    """The stored knowledge (citations, validity, glossary) is that of exactly
    the indexed documents, each at its indexed version."""
    from corpus.knowledge import extract_knowledge

    db = svc.index.store._db
    docs = {d.meta.doc_id: d for d in svc.parsed_documents()}
    assert {r[0] for r in db.execute("SELECT doc_id FROM knowledge")} == set(docs)
    for table in ("citations", "validity", "glossary"):
        assert {r[0] for r in db.execute(f"SELECT DISTINCT doc_id FROM {table}")} <= set(docs), table
    for doc_id, d in docs.items():
        k = extract_knowledge(d)
        stored = [r[0] for r in db.execute("SELECT raw FROM citations WHERE doc_id=? ORDER BY ord", (doc_id,))]
        assert stored == [m.raw for m in k.mentions], doc_id


@pytest.fixture(scope="module")
def base_dir(tmp_path_factory) -> Path:
    """A data dir with Hương Sen and NĐ 61/2018, written by a real `cchc ingest`."""
    d = tmp_path_factory.mktemp("crash") / "base"
    r = _run(["ingest", str(HUONG_SEN), str(ND61), "--json"], d)
    assert r.returncode == 0, r.stderr
    assert sorted(json.loads(r.stdout)["added"]) == ["2024-mn-huong-sen-go-vap-cai-cach-tthc", "nd-61-2018-nd-cp"]
    return d


DELETE_ND61 = "from assistant.service import CCHCService; CCHCService().delete_document('nd-61-2018-nd-cp')"

# name: (start from base?, command, fault point)
SCENARIOS = {
    "after-parse": (False, ["ingest", str(HUONG_SEN), str(ND61)], "parsed"),
    "mid-embedding": (True, ["ingest", str(TT01)], "embed_batch:2"),
    "after-chroma-write": (True, ["ingest", str(BEN_THANH)], "vectors_written"),
    "update-mid-embedding": (True, ["ingest", "EDITED"], "embed_batch:3"),
    "update-after-chroma-write": (True, ["ingest", "EDITED"], "vectors_written"),
    "update-after-docstore-commit": (True, ["ingest", "EDITED"], "docstore_committed"),
    "update-mid-delete": (True, ["ingest", "EDITED"], "delete_batch:1"),
    "delete-mid-delete": (True, ["-c", DELETE_ND61], "delete_batch:1"),
}


@pytest.fixture(scope="module")
def killed(base_dir, tmp_path_factory) -> dict[str, Path]:
    """Each scenario's data dir after its process was SIGKILLed at the fault point."""
    root = tmp_path_factory.mktemp("killed")
    edited = _edited_nd61(root / "edited")

    def one(name: str) -> tuple[str, Path]:
        from_base, args, fault = SCENARIOS[name]
        d = root / name
        if from_base:
            shutil.copytree(base_dir, d)
        r = _run([str(edited) if a == "EDITED" else a for a in args], d, fault=fault)
        assert r.returncode == -9, (name, r.returncode, r.stderr[-2000:])  # it died at the fault point
        return name, d

    with ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 2)) as pool:
        return dict(pool.map(one, SCENARIOS))


def _docs(svc) -> set[str]:
    return {m.doc_id for m in svc.documents()}


def test_kill_after_parse_leaves_nothing(killed):
    svc = _service(killed["after-parse"])
    assert_stores_agree(svc)
    assert _docs(svc) == set()
    assert svc.ingest([HUONG_SEN, ND61]).added
    assert_stores_agree(svc)


def test_kill_mid_embedding_keeps_the_index_consistent_and_resumes_from_the_cache(killed):
    svc = _service(killed["mid-embedding"], emb=CountingEmbeddings())
    out = check_index(svc)
    # The stores agree; TT 01/2018 is an unfinished write, with 2 of its 4 batches in the embedding cache.
    assert out["now"]["consistent"] and not out["clean"]
    (p,) = out["now"]["pending"]
    assert (p["doc_id"], p["op"], p["phase"], p["chunks"], p["embedded"]) == ("tt-01-2018-tt-vpcp", "add", "intent", 59, 32)
    assert _docs(svc) == {"2024-mn-huong-sen-go-vap-cai-cach-tthc", "nd-61-2018-nd-cp"}
    rep = svc.ingest([TT01])
    assert rep.added == ["tt-01-2018-tt-vpcp"]
    assert svc.index.embeddings.inner.texts == rep.embedded == 59 - 32  # nothing embedded twice
    assert_stores_agree(svc)
    assert svc.search("Thông tư 01/2018/TT-VPCP công bố nhóm thủ tục hành chính liên thông", k=3)[0].meta.doc_id == (
        "tt-01-2018-tt-vpcp")


def test_kill_after_chroma_write_is_rolled_forward_on_open(killed):
    # Before: the new document's vectors sat in Chroma with no docstore entry (59 orphans).
    emb = CountingEmbeddings()
    svc = _service(killed["after-chroma-write"], emb=emb)
    opened = svc.index.opened
    assert opened.interrupted == [{"doc_id": "2024-mn-ben-thanh-q1-cchc", "op": "add", "phase": "intent"}]
    assert opened.repaired == {"adds_resumed": 1}
    assert emb.texts == 0  # finished from the embedding cache
    assert_stores_agree(svc)
    assert "2024-mn-ben-thanh-q1-cchc" in _docs(svc)
    assert svc.search("thanh toán học phí qua phần mềm Yoyoschool", k=3)[0].meta.doc_id == "2024-mn-ben-thanh-q1-cchc"


def test_update_killed_mid_embedding_keeps_the_old_version_searchable(killed, tmp_path):
    svc = _service(killed["update-mid-embedding"], emb=CountingEmbeddings())
    assert check_index(svc)["now"]["consistent"]
    hits = svc.search("dịch vụ công trực tuyến mức độ 3, mức độ 4", k=5, mode="bm25")
    assert any(OLD_LINE in h.chunk.text for h in hits)
    changed = [c.index_text for c in svc.index.store.journal_payload("nd-61-2018-nd-cp")[0].chunks]
    not_cached = sum(v is None for v in svc.index.embeddings.lookup(changed))
    rep = svc.ingest([_edited_nd61(tmp_path)])
    assert rep.added == ["nd-61-2018-nd-cp"] and svc.index.embeddings.inner.texts == not_cached
    _assert_new_version(svc)


def _assert_new_version(svc):
    assert_stores_agree(svc)
    texts = [h.chunk.text for h in svc.search("dịch vụ công trực tuyến toàn trình và một phần", k=5, mode="dense")]
    assert any(NEW_LINE in t for t in texts)
    for mode in ("bm25", "dense", "hybrid"):
        assert not any(OLD_LINE in h.chunk.text for h in svc.search("dịch vụ công trực tuyến mức độ 3, mức độ 4",
                                                                    k=20, mode=mode))


@pytest.mark.parametrize("name", ["update-after-chroma-write", "update-after-docstore-commit", "update-mid-delete"])
def test_update_killed_after_the_vectors_are_written_is_finished_on_open(killed, tmp_path, name):
    # "update-after-docstore-commit" is the reported bug: 2 vectors per chunk, re-ingest "skipped", dense hits twice.
    svc = _service(killed[name])
    assert svc.index.opened.interrupted and svc.index.opened.repaired
    _assert_new_version(svc)
    rep = svc.ingest([_edited_nd61(tmp_path)])
    assert rep.skipped == ["nd-61-2018-nd-cp"] and not rep.added
    assert_stores_agree(svc)


def test_delete_killed_mid_way_is_finished_on_open(killed):
    svc = _service(killed["delete-mid-delete"])
    assert svc.index.opened.repaired == {"deletes_finished": 1}
    assert _docs(svc) == {"2024-mn-huong-sen-go-vap-cai-cach-tthc"}
    assert_stores_agree(svc)
    assert all(h.meta.doc_id != "nd-61-2018-nd-cp" for h in svc.search("Bộ phận Một cửa", k=10, mode="dense"))


def test_cli_index_check_reports_the_damage_it_repaired(base_dir, tmp_path):
    d = tmp_path / "d"
    shutil.copytree(base_dir, d)
    edited = _edited_nd61(tmp_path / "edited")
    assert _run(["ingest", str(edited)], d, fault="docstore_committed").returncode == -9
    r = _run(["index", "check", "--json"], d)
    assert r.returncode == 0, r.stdout + r.stderr
    out = json.loads(r.stdout)
    assert out["opened"]["interrupted"] == [{"doc_id": "nd-61-2018-nd-cp", "op": "add", "phase": "stored"}]
    assert out["opened"]["repaired"] == {"adds_finished": 1}
    now = out["now"]
    assert out["clean"] and now["vectors"] == now["expected_vectors"] == now["chunks"] == now["bm25_chunks"]
    assert now["orphan_count"] == now["missing_count"] == 0
    r = _run(["index", "check"], d)
    assert r.returncode == 0 and r.stdout.splitlines()[-1].startswith("OK")


def test_ctrl_c_during_ingest_prints_one_line_and_resumes(base_dir, tmp_path):
    d = tmp_path / "d"
    shutil.copytree(base_dir, d)
    r = _run(["ingest", str(TT01), "--json"], d, fault="embed_batch:2", signal="INT")
    assert r.returncode == 130
    assert r.stdout == "" and "Traceback" not in r.stderr
    (line,) = [l for l in r.stderr.splitlines() if l.strip()]
    assert line.startswith("Đã dừng nạp (Ctrl-C)") and "cchc ingest" in line
    r = _run(["ingest", str(TT01), "--json"], d)
    rep = json.loads(r.stdout)
    assert rep["added"] == ["tt-01-2018-tt-vpcp"] and rep["embedded"] == 59 - 32
    assert_stores_agree(_service(d))


# ---- in-process: Ctrl-C, reconcile, concurrency, progress ------------------------------------

def test_keyboard_interrupt_mid_embedding_resumes_without_reembedding(tmp_path):
    stop = CountingEmbeddings(stop_after=3)
    svc = _service(tmp_path / "d", emb=stop)
    with pytest.raises(IngestInterrupted) as e:
        svc.ingest([HUONG_SEN, ND61])
    assert e.value.report.added == ["2024-mn-huong-sen-go-vap-cai-cach-tthc"]
    assert stop.texts == 6 + 2 * 16  # Hương Sen, then two batches of NĐ 61
    assert check_index(svc)["now"]["consistent"]
    count = CountingEmbeddings()
    again = _service(tmp_path / "d", emb=count)
    rep = again.ingest([HUONG_SEN, ND61])
    assert rep.added == ["nd-61-2018-nd-cp"] and rep.skipped == ["2024-mn-huong-sen-go-vap-cai-cach-tthc"]
    assert count.texts == 103 - 32
    assert_stores_agree(again)


def test_reconcile_removes_orphans_and_readds_missing_vectors_from_the_cache(tmp_path):
    emb = CountingEmbeddings()
    svc = _service(tmp_path / "d", emb=emb)
    svc.ingest([HUONG_SEN])
    idx = svc.index
    ids = idx.store.vector_ids("2024-mn-huong-sen-go-vap-cai-cach-tthc")
    chunk = idx.store.chunks_of(["2024-mn-huong-sen-go-vap-cai-cach-tthc"])["2024-mn-huong-sen-go-vap-cai-cach-tthc"][0]
    # Damage as a kill under the old code left it: a stale vector of an old version, and two vectors lost.
    stale = "0123456789ab:" + chunk.chunk_id
    idx.vectors.upsert_vectors([stale], idx.embeddings.embed_documents([chunk.index_text]), [chunk.index_text],
                               [idx.tx._vector_meta(chunk)])
    idx.vectors.delete(ids[:2])
    hits = [h.chunk.chunk_id for h in idx.search(chunk.index_text, k=10, mode="dense")]
    assert len(hits) == len(set(hits))  # the stale vector is never served
    found = idx.check()
    assert (found.orphan_vectors, found.missing_count, found.consistent) == ([stale], 2, False)
    before = emb.texts
    rep = idx.reconcile(allow_embed=False)
    assert rep.repaired == {"orphans_removed": 1, "missing_readded": 2} and emb.texts == before
    assert_stores_agree(svc)


def test_missing_vectors_without_cache_are_reembedded_only_on_repair(tmp_path):
    svc = _service(tmp_path / "d")
    svc.ingest([HUONG_SEN])
    idx = svc.index
    idx.vectors.delete(idx.store.vector_ids("2024-mn-huong-sen-go-vap-cai-cach-tthc")[:3])
    with idx.embeddings._lock, idx.embeddings._db:
        idx.embeddings._db.execute("DELETE FROM emb")
    assert idx.reconcile(allow_embed=False).repaired == {} and idx.check().missing_count == 3
    rep = idx.check(repair=True)
    assert rep.repaired == {"missing_readded": 3, "reembedded": 3}
    assert_stores_agree(svc)


def test_opening_the_index_while_another_writer_holds_it_repairs_nothing(tmp_path):
    writer = _service(tmp_path / "d")
    writer.ingest([HUONG_SEN])
    chunk = writer.index.store.chunks_of([HUONG_SEN.stem])[HUONG_SEN.stem][0]
    orphan = "0123456789ab:" + chunk.chunk_id
    writer.index.vectors.upsert_vectors([orphan], writer.index.embeddings.embed_documents([chunk.index_text]),
                                        [chunk.index_text], [writer.index.tx._vector_meta(chunk)])
    assert writer.index.tx.lock.acquire()
    try:
        reader = _service(tmp_path / "d")  # its own lock file handle: the flock is taken
        assert reader.index.opened.writer_active and not reader.index.opened.repaired
        assert orphan in reader.index.vectors.owned_ids(reader.index.tx.store_id)
    finally:
        writer.index.tx.lock.release()
    assert reader.index.reconcile().repaired == {"orphans_removed": 1}
    assert_stores_agree(reader)


def test_progress_bars_only_when_asked_and_json_stays_clean(tmp_path, monkeypatch):
    from assistant.cli import app

    monkeypatch.setenv("CCHC_DATA_DIR", str(tmp_path / "d"))
    monkeypatch.setenv("CCHC_EMBEDDING_BACKEND", "fake")
    get_settings.cache_clear()
    try:
        runner = CliRunner()
        r = runner.invoke(app, ["ingest", str(HUONG_SEN), "--json"])
        assert r.exit_code == 0 and json.loads(r.stdout)["added"] and "đoạn" not in r.stderr
        r = runner.invoke(app, ["ingest", str(ND61), "--progress"])
        assert r.exit_code == 0, r.output
        assert "tổng (1/1 văn bản)" in r.stderr and "103/103" in r.stderr and ND61.name in r.stderr
        assert "tổng" not in r.stdout
    finally:
        get_settings.cache_clear()


# ---- the same through a Chroma server (CCHC_CHROMA_URL) ------------------------------------

@pytest.mark.slow
def test_kill_during_update_through_a_chroma_server(tmp_path, chroma_server):
    other = _service(tmp_path / "other", chroma_url=chroma_server)  # another data dir sharing the collection
    other.ingest([HUONG_SEN])
    theirs = other.index.vectors.owned_ids(other.index.tx.store_id)
    d = tmp_path / "d"
    assert _run(["ingest", str(ND61)], d, url=chroma_server).returncode == 0
    edited = _edited_nd61(tmp_path / "edited")
    assert _run(["ingest", str(edited)], d, fault="docstore_committed", url=chroma_server).returncode == -9
    svc = _service(d, chroma_url=chroma_server)
    assert svc.index.opened.repaired == {"adds_finished": 1}
    idx = svc.index
    assert check_index(svc)["clean"]
    assert idx.vectors.owned_ids(idx.tx.store_id) == set(idx.store.vector_ids("nd-61-2018-nd-cp"))
    assert idx.vectors.count() == idx.count_chunks() + len(theirs)  # the other store's vectors untouched
    assert other.index.check().clean
    ids = [h.chunk.chunk_id for h in idx.search("dịch vụ công trực tuyến", k=20, mode="dense")]
    assert ids and len(ids) == len(set(ids))


from tests.test_chroma_server import chroma_server  # noqa: E402,F401  (fixture)
