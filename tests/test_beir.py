"""The BEIR harness (evals/beir.py, `cchc eval --beir`) on a small BEIR set
built from the real articles of NĐ 61/2018/NĐ-CP, with the fake embedder."""

from __future__ import annotations

import json
import re

import pytest

from corpus.metadata import short_title
from evals import beir as B
from tests.conftest import ND61, make_service

LAW = "Nghị định về cơ chế một cửa"


def _articles() -> list[tuple[str, str, str]]:
    """``(number, heading line, body)`` of each Điều of the bundled NĐ 61/2018 text."""
    text = ND61.read_text(encoding="utf-8")
    parts = re.split(r"^(Điều (\d+)\.[^\n]*)\n", text, flags=re.M)
    out = []
    for i in range(1, len(parts) - 2, 3):
        body = "\n".join(ln for ln in parts[i + 2].splitlines() if not ln.startswith("[pháp điển")).strip()
        out.append((parts[i + 1], parts[i], body))
    return out


QUERIES = {  # staff-style paraphrases, each of one article (corpus id = article number)
    "q-scope": ("Nghị định này có điều chỉnh thủ tục theo cơ chế một cửa quốc gia của Luật hải quan không?", "1"),
    "q-define": ("Cổng Dịch vụ công quốc gia là gì?", "3"),
    "q-forbid": ("Cán bộ một cửa bị cấm những hành vi nào khi giải quyết thủ tục hành chính?", "5"),
    "q-tasks": ("Nhiệm vụ, quyền hạn của Bộ phận Một cửa gồm những gì?", "8"),
}


@pytest.fixture(scope="module")
def beir_dir(tmp_path_factory):
    d = tmp_path_factory.mktemp("beir-nd61")
    (d / "qrels").mkdir()
    with open(d / "corpus.jsonl", "w", encoding="utf-8") as f:
        for n, head, body in _articles()[:14]:
            f.write(json.dumps({"_id": f"{LAW}#{n}", "title": f"{LAW}{B.TITLE_SEP}{head}", "text": body},
                               ensure_ascii=False) + "\n")
        # a document of its own (no " — " in its title)
        f.write(json.dumps({"_id": "note", "title": "Ghi chú", "text": "Tài liệu này chỉ dùng để kiểm thử."},
                           ensure_ascii=False) + "\n")
    with open(d / "queries.jsonl", "w", encoding="utf-8") as f:
        for qid, (text, _) in QUERIES.items():
            f.write(json.dumps({"_id": qid, "text": text}, ensure_ascii=False) + "\n")
        f.write(json.dumps({"_id": "q-unjudged", "text": "câu hỏi không có nhãn"}, ensure_ascii=False) + "\n")
    (d / "qrels" / "test.tsv").write_text(
        "query-id\tcorpus-id\tscore\n" + "".join(f"{q}\t{LAW}#{a}\t1\n" for q, (_, a) in QUERIES.items()),
        encoding="utf-8")
    return d


def test_load_beir_reads_the_layout(beir_dir):
    b = B.load_beir(beir_dir)
    assert len(b.corpus) == 15
    assert set(b.queries) == set(QUERIES)  # the query without qrels is dropped
    assert b.qrels["q-define"] == {f"{LAW}#3": 1}
    assert b.manifest is None and b.missing == []


def test_load_beir_errors_name_the_file(tmp_path, beir_dir):
    with pytest.raises(ValueError, match="qrels/test.tsv"):
        B.load_beir(tmp_path)
    bad = tmp_path / "bad"
    (bad / "qrels").mkdir(parents=True)
    (bad / "corpus.jsonl").write_text('{"_id": "a", "text": "x"}\nnot json\n', encoding="utf-8")
    (bad / "queries.jsonl").write_text('{"_id": "q", "text": "x"}\n', encoding="utf-8")
    (bad / "qrels" / "test.tsv").write_text("query-id\tcorpus-id\tscore\nq\ta\t1\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"corpus.jsonl:2: not JSON"):
        B.load_beir(bad)
    (bad / "corpus.jsonl").write_text('{"_id": "a", "text": "x"}\n', encoding="utf-8")
    (bad / "qrels" / "test.tsv").write_text("query-id\tcorpus-id\tscore\nzz\ta\t1\n", encoding="utf-8")
    with pytest.raises(ValueError, match="unknown query 'zz'"):
        B.load_beir(bad)


def test_halves_are_fixed_by_seed_and_balanced(beir_dir):
    b = B.load_beir(beir_dir)
    h = B.halves(b)
    assert sorted(h.values()) == ["calibration"] * 2 + ["test"] * 2
    b.queries = dict(reversed(list(b.queries.items())))  # file order does not matter
    assert B.halves(b) == h
    # a query that names its half keeps it
    b.query_meta["q-scope"] = {"split": "test"}
    assert B.halves(b)["q-scope"] == "test"


def test_assemble_makes_one_law_whose_chunks_map_to_their_article(beir_dir):
    b = B.load_beir(beir_dir)
    docs = B.assemble(b.corpus)
    assert len(docs) == 2
    law = docs[0].parsed
    assert law.meta.kind == "legal" and law.meta.title == LAW
    assert short_title(law.meta) == LAW  # a văn bản known by name only is cited by its name
    assert len(docs[0].spans) == 14
    unit_of = B.chunk_units(docs)
    assert set(unit_of) == {c.chunk_id for d in docs for c in d.parsed.chunks}
    # the law's name line (before Điều 1) belongs to the first unit
    assert law.chunks[0].section == "Mở đầu" and unit_of[law.chunks[0].chunk_id] == f"{LAW}#1"
    for c in law.chunks[1:]:  # a chunk never crosses an Điều, and maps to the Điều it is in
        n = unit_of[c.chunk_id].split("#")[1]
        assert c.section.startswith(f"Điều {n}"), (c.section, n)
    assert unit_of[docs[1].parsed.chunks[0].chunk_id] == "note"
    assert B.ranked_ids(["x", law.chunks[0].chunk_id, law.chunks[0].chunk_id], unit_of) == [f"{LAW}#1"]


def test_scores_use_ir_measures():
    qrels = {"a": {"d1": 1}, "b": {"d2": 1}}
    run = {"a": {"d0": 2.0, "d1": 1.0}, "b": {"d9": 1.0}}
    s = B.scores(run, qrels, ["a", "b"])
    assert s["R@1"] == 0.0 and s["R@5"] == 0.5 and s["MRR@10"] == pytest.approx(0.25)
    assert B.per_query(run, qrels, ["a"])["a"]["MRR@10"] == pytest.approx(0.5)


def test_evaluate_ingests_once_and_scores_each_mode(tmp_path, beir_dir):
    svc = make_service(tmp_path / "d")
    b = B.load_beir(beir_dir)
    res = B.evaluate(svc, b, modes=("bm25", "dense", "hybrid"))
    assert res["documents"] == 2 and res["n"] == 4
    for m in ("bm25", "dense", "hybrid"):
        e = res["modes"][m]
        assert e["all"]["n"] == 4 and e["test"]["n"] == 2 and e["calibration"]["n"] == 2
        assert 0.0 <= e["all"]["MRR@10"] <= 1.0
    # the articles are found: the questions reuse their words
    assert res["modes"]["hybrid"]["all"]["R@5"] == 1.0
    assert res["modes"]["bm25"]["all"]["R@5"] == 1.0
    # the definition question ranks the Giải thích từ ngữ article first in hybrid
    assert res["modes"]["hybrid"]["top"]["q-define"][0] == f"{LAW}#3"
    md = B.to_markdown(res)
    assert "_test half (headline)_" in md and "| hybrid | 2 |" in md
    # second run over the same data dir reuses the index
    again = B.evaluate(make_service(tmp_path / "d"), b, modes=("bm25",), split="test")
    assert again["n"] == 2 and again["modes"]["bm25"]["test"]["R@5"] == res["modes"]["bm25"]["test"]["R@5"]
    with pytest.raises(ValueError, match="unknown mode"):
        B.evaluate(svc, b, modes=("bm42",))


def test_evaluate_refuses_a_data_dir_of_another_corpus(small_service, beir_dir):
    with pytest.raises(ValueError, match="another corpus"):
        B.evaluate(small_service, B.load_beir(beir_dir), modes=("bm25",))


def test_cli_eval_beir(cli_env, tmp_path, beir_dir):
    from cchc.cli import app

    report = tmp_path / "r.md"
    report.write_text("<!-- eval dev.jsonl all:begin -->\n# Evaluation report\n<!-- eval dev.jsonl all:end -->\n",
                      encoding="utf-8")
    r = cli_env.invoke(app, ["eval", "--beir", str(beir_dir), "--modes", "bm25,hybrid,naive",
                             "--data-dir", str(tmp_path / "b"), "--report", str(report)])
    assert r.exit_code == 0, r.output
    assert all(f"| {m} | 2 |" in r.stdout for m in ("bm25", "hybrid", "naive"))
    text = report.read_text(encoding="utf-8")
    assert "# Evaluation report" in text  # the other command's section is kept
    section = text.split(f"<!-- beir {beir_dir.name}:begin -->\n", 1)[1]
    assert section.startswith("# Retrieval report (BEIR harness)") and "| hybrid |" in section
    r = cli_env.invoke(app, ["eval", "--beir", str(tmp_path / "nowhere"), "--data-dir", str(tmp_path / "c")])
    assert r.exit_code == 2 and "BEIR layout" in r.output and "Traceback" not in r.output
    r = cli_env.invoke(app, ["eval", "--beir", str(beir_dir), "--modes", "bm42", "--data-dir", str(tmp_path / "b")])
    assert r.exit_code == 2 and "unknown mode" in r.output


def test_dev_questions_exported_as_beir_score_in_the_same_harness(full_service, tmp_path):
    out = tmp_path / "dev-beir"
    got = B.export_dev(full_service, "evals/dev_staff.jsonl", out, split="test")
    assert got["queries"] > 20 and got["corpus"] == full_service.index.count_chunks()
    b = B.load_beir(out)
    assert b.manifest and b.manifest["chunks"] == got["corpus"]
    assert set(B.halves(b).values()) == {"test"}  # each query keeps the half evals/split.py gave it
    res = B.evaluate(full_service, b, modes=("bm25", "hybrid"), split="test")
    assert res["n"] == got["queries"] and res["halves"] == {"test": got["queries"]}
    assert res["modes"]["hybrid"]["test"]["R@10"] > 0.7
    assert res["modes"]["hybrid"]["by_kind"]["test"]  # per-kind rows from the queries' metadata
    # an export no longer matches an index of other documents
    b.manifest = {**b.manifest, "digest": "0" * 64}
    with pytest.raises(ValueError, match="export it again"):
        B.evaluate(full_service, b, modes=("bm25",))


def test_trials_run_each_setting_on_the_calibration_half_only(cli_env, tmp_path, beir_dir):
    from evals import trials

    bset = B.load_beir(beir_dir)
    n_cal = sum(1 for h in B.halves(bset).values() if h == "calibration")
    rows = trials.run(beir_dir, tmp_path / "t", trials=[("defaults", {}), ("RRF", {"fusion": "rrf"})])
    assert [r["label"] for r in rows] == ["defaults", "RRF"]
    assert all(r["n"] == n_cal == r["scores"]["n"] for r in rows)
    assert all(0.0 <= r["scores"]["R@5"] <= 1.0 for r in rows)
    text = trials.render(rows, "python -m evals.trials --beir X", beir_dir)
    assert "| RRF | fusion=rrf |" in text and "| defaults | – |" in text
