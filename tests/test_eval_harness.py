"""evals.harness and evals.baselines on the fake-embedder service (conftest
``small_service``: Bến Thành, Hương Sen, Hòa Bình (OCR) and NĐ 61/2018)."""

from __future__ import annotations

import json

from evals.baselines import NaiveChroma, baselines_markdown, run_baselines
from evals.dataset import EvalItem, save_dataset
from evals.harness import retrieval_query, run_eval, to_markdown

BT = "2024-mn-ben-thanh-q1-cchc"
ITEMS = [
    EvalItem(id="bt-01", kind="plain", question="Trường Mầm non Bến Thành đặt chỉ tiêu tỷ lệ phụ huynh thanh toán "
             "học phí qua phần mềm Yoyoschool là bao nhiêu?", gold=["Yoyoschool"], gold_doc=[BT],
             answer_any=[["100%"]]),
    EvalItem(id="hb-01", kind="ocr", question="Quy chế tiếp nhận, xử lý và phản hồi thông tin qua Đường dây nóng "
             "được ban hành theo quyết định nào?", gold=["3813/QP-UBND", "3813/QĐ-UBND"],
             gold_doc=["2024-th-hoa-binh-q1-papi"], answer_any=[["3813/QĐ-UBND", "3813/QP-UBND"]]),
    EvalItem(id="f-02", kind="followup", question="Kế hoạch đó ban hành ngày nào?",
             gold=["ngày 26 tháng 02 năm 2024"], gold_doc=["2024-mn-huong-sen-go-vap-cai-cach-tthc"],
             answer_any=[["26 tháng 02 năm 2024", "26/02/2024", "26/2/2024"]],
             history=[("Kế hoạch cải cách TTHC năm 2024 của Trường Mầm non Hương Sen có số hiệu gì?",
                       "Số 26/KH-MNHgS [1].")]),
    EvalItem(id="u-01", kind="unanswerable", question="Ngân sách chi cho cải cách hành chính của tỉnh Nghệ An năm "
             "2024 là bao nhiêu?", abstain=True),
]


def test_followup_query_is_made_standalone(small_service):
    q = retrieval_query(ITEMS[2], small_service)
    # "Kế hoạch đó" is resolved from the earlier turn (school name or the plan's số hiệu)
    assert q != ITEMS[2].question and ("Hương Sen" in q or "26/KH-MNHgS" in q)
    # the query ask retrieves with; a question that is not a follow-up is sent as it is
    assert q == small_service.standalone_query(ITEMS[2].question, ITEMS[2].history)
    assert retrieval_query(ITEMS[0], small_service) == ITEMS[0].question


def test_run_eval_all_modes(small_service, tmp_path):
    path = tmp_path / "mini.jsonl"
    save_dataset(ITEMS, path)
    res = run_eval(path, mode="all", service=small_service, k=10)
    json.dumps(res, ensure_ascii=False)  # JSON-serialisable
    assert res["n"] == 4 and res["counts"]["ocr"] == 1
    rows = {r["id"]: r for r in res["per_question"]["retrieval"]}
    assert set(rows) == {"bt-01", "hb-01", "f-02"}  # abstain items have no relevant chunk
    assert rows["bt-01"]["recall@10"] == 1.0 and rows["hb-01"]["recall@10"] == 1.0
    assert res["retrieval"]["overall"]["n"] == 3
    ans = {r["id"]: r for r in res["per_question"]["answer"]}
    assert ans["bt-01"]["answer_accuracy"] is True
    assert ans["u-01"]["should_abstain"] is True and ans["u-01"]["answer_accuracy"] is None
    md = to_markdown(res)
    assert "| **all** | 3 |" in md and "### Answers" in md and "| ask |" in md


def test_run_eval_split_halves(small_service, tmp_path):
    """--split test evaluates only the test half; --split all reports both halves, test first."""
    from evals.split import split_of

    path = tmp_path / "mini.jsonl"
    save_dataset(ITEMS, path)
    halves = {it.id: split_of(it.id) for it in ITEMS}
    test_ids = {i for i, h in halves.items() if h == "test"}
    res = run_eval(path, mode="answer", service=small_service, split="test")
    assert res["split"] == "test" and "halves" not in res
    assert {r["id"] for r in res["per_question"]["answer"]} == test_ids
    both = run_eval(path, mode="all", service=small_service, split="all")
    assert {r["id"]: r["split"] for r in both["per_question"]["answer"]} == halves
    assert both["halves"]["test"]["n"] + both["halves"]["calibration"]["n"] == 4
    md = to_markdown(both)
    assert md.index("Test half — headline") < md.index("Calibration half") < md.index("## All questions")
    assert "False abst" in md
    try:
        run_eval(path, mode="answer", service=small_service, split="dev")
    except ValueError as e:
        assert "split must be one of" in str(e)
    else:  # pragma: no cover
        raise AssertionError("an unknown split must raise")


def test_baselines_side_by_side(small_service, tmp_path):
    path = tmp_path / "mini.jsonl"
    save_dataset(ITEMS[:2], path)
    res = run_baselines(path, small_service, k=5)
    assert list(res["systems"]) == ["naive LangChain + Chroma", "BM25 only", "dense only", "hybrid (full system)"]
    assert res["naive_chunks"] > 100  # the whole bundled corpus in ≤1000-character pieces
    assert res["systems"]["BM25 only"]["overall"]["recall@5"] == 1.0
    table = baselines_markdown(res)
    assert table.count("\n| ") >= 8 and "naive LangChain + Chroma" in table


def test_naive_chroma_returns_raw_chunks(small_service):
    with NaiveChroma(small_service.embeddings) as naive:
        hits = naive.search("Yoyoschool học phí", k=3)
    assert len(hits) == 3 and all(len(t) <= 1000 for _, t in hits)


def test_every_dev_answer_is_in_some_indexed_chunk(full_service):
    """The gold strings must survive parsing and chunking, not only occur in the raw file."""
    from pathlib import Path

    from evals.dataset import load_dataset, unreachable_gold

    from evals.dataset import EVAL_SETS

    dev = [it for p in EVAL_SETS for it in load_dataset(p)]  # dev, unaccented copies, staff and in-force sets
    chunks = {d.meta.doc_id: [(c.doc_id, f"{c.text}\n{c.index_text}") for c in d.chunks]
              for d in full_service.parsed_documents()}
    assert len(dev) > 450 and unreachable_gold(dev, chunks) == []
    broken = EvalItem(id="x", question="q", kind="decree", gold=["Điều 99 khoản 7 không tồn tại"],
                      gold_doc=["nd-106-2020-nd-cp", "no-such-doc"], answer_any=[["x"]])
    assert unreachable_gold([broken], chunks) == ["x: no chunk of nd-106-2020-nd-cp contains a gold string",
                                                  "x: no-such-doc is not indexed"]
