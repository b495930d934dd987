"""evals.metrics on hand-computed cases, with strings from the bundled corpus."""

from __future__ import annotations

import math

import pytest

from evals.metrics import (
    abstention_scores,
    aggregate,
    answer_correct,
    citation_markers,
    citation_precision,
    citation_recall,
    contains,
    extract_numbers,
    fold,
    invented_numbers,
    mrr_at_k,
    ndcg_at_k,
    recall_at_k,
    relevance,
    retrieval_scores,
    split_sentences,
)

BT = "2024-mn-ben-thanh-q1-cchc"
HB = "2024-th-hoa-binh-q1-papi"
# Bến Thành plan, section II.3.5 as the PDF text has it (hard line breaks).
BT_35 = "3.5. Tỷ lệ PHHS tham gia sử dụng thanh toán học phí qua phần mềm Yoyoschool \n\ntại đơn vị đạt tỷ lệ 100%. "
# Hòa Bình PAPI plan (OCR), section IV.7.
HB_OCR = ("- Tham muu trién khai thuc hién hiéu quéa Quyét dinh sé 3813/QP-UBND\n"
          "ngay 26 thang 7 nam 2016 cua Uy ban nhén dan Thanh phé vé ban hanh Quy ché")
ND61_40 = "1. Nghị định này có hiệu lực thi hành từ ngày 21 tháng 6 năm 2018."


def test_fold_lowercases_strips_diacritics_d_and_whitespace():
    assert fold("  Nghị   định\n\n61/2018/NĐ-CP ") == "nghi dinh 61/2018/nd-cp"
    assert fold("ĐẢNG bộ Quận 1") == "dang bo quan 1"
    # decomposed (NFD) input folds the same as composed
    import unicodedata

    assert fold(unicodedata.normalize("NFD", "Hòa Bình")) == "hoa binh"
    with pytest.raises(TypeError):
        fold(None)  # type: ignore[arg-type]


def test_contains_across_line_breaks_and_ocr_letters():
    assert contains(BT_35, "phần mềm Yoyoschool tại đơn vị đạt tỷ lệ 100%")
    assert contains(HB_OCR, "ngày 26 tháng 7 năm 2016")  # OCR kept the letters
    assert not contains(HB_OCR, "3813/QĐ-UBND")  # OCR turned Đ into P
    assert not contains(BT_35, "")


def test_relevance_requires_gold_doc_and_gold_string():
    retrieved = [
        ("2023-mn-hoa-phuong-q8-cchc", "6. 100% đơn vị áp dụng thực hiện ứng dụng thanh toán điện tử"),
        (BT, "4.1. Mức độ hài lòng của PHHS ... Yoyoschool tại đơn đạt từ 99% trở lên."),
        (BT, "IV. KINH PHÍ THỰC HIỆN"),
        (BT, BT_35),
    ]
    assert relevance(retrieved, ["Yoyoschool"], [BT]) == [0, 1, 0, 1]
    # without gold_doc any document counts
    assert relevance(retrieved, ["100%"], []) == [1, 0, 0, 1]
    assert relevance(retrieved, [], [BT]) == [0, 0, 0, 0]


def test_recall_mrr_ndcg_hand_computed():
    rels = [0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 1]
    assert recall_at_k(rels, 1) == 0.0
    assert recall_at_k(rels, 5) == 1.0
    assert recall_at_k([0, 0, 0, 0, 0, 1], 5) == 0.0
    assert mrr_at_k(rels, 10) == 0.5
    assert mrr_at_k([0] * 10 + [1], 10) == 0.0
    # DCG = 1/log2(3) + 1/log2(8); two relevant in top 10 -> IDCG = 1 + 1/log2(3)
    dcg = 1 / math.log2(3) + 1 / 3
    idcg = 1 + 1 / math.log2(3)
    assert ndcg_at_k(rels, 10) == pytest.approx(dcg / idcg)
    assert ndcg_at_k([1, 1, 0], 10) == pytest.approx(1.0)
    assert ndcg_at_k([0, 0, 0], 10) == 0.0
    assert ndcg_at_k([], 10) == 0.0
    with pytest.raises(ValueError):
        recall_at_k(rels, 0)
    s = retrieval_scores([0, 0, 1])
    assert s == {"recall@1": 0.0, "recall@5": 1.0, "recall@10": 1.0, "mrr@10": pytest.approx(1 / 3),
                 "ndcg@10": pytest.approx(0.5)}


def test_answer_correct_all_groups_any_alternative():
    ans = "Tỷ lệ giải quyết hồ sơ TTHC đúng hạn đạt 100%, riêng lĩnh vực xử lý đơn đạt 98% [1]."
    assert answer_correct(ans, [["100%"], ["98%"]]) is True
    assert answer_correct(ans, [["100%"], ["95%"]]) is False
    assert answer_correct("Có hiệu lực từ ngày 21/06/2018 [1].", [["21/6/2018", "21/06/2018"]]) is True
    assert answer_correct("Quyết định số 3813/QD-UBND", [["3813/QĐ-UBND"]]) is True  # diacritic-insensitive
    assert answer_correct("anything", []) is None


def test_abstention_precision_recall():
    pairs = [(True, True), (True, False), (False, True), (False, False), (True, True)]
    s = abstention_scores(pairs)
    assert s["abstain_precision"] == pytest.approx(2 / 3)
    assert s["abstain_recall"] == pytest.approx(2 / 3)
    assert s["abstain_f1"] == pytest.approx(2 / 3)
    assert s["false_abstention_rate"] == pytest.approx(1 / 2)  # 1 of the 2 answerable questions refused
    none = abstention_scores([(False, False)])
    assert none["abstain_precision"] is None and none["abstain_recall"] is None
    assert none["false_abstention_rate"] == 0.0
    assert abstention_scores([(True, True)])["false_abstention_rate"] is None


def test_citation_markers_and_sentences():
    assert citation_markers("a [1] b [2, 3] c [4-5] d [x]") == [1, 2, 3, 4, 5]
    text = "Theo kế hoạch.\n3.5. Tỷ lệ đạt 100% [1]. [2]\nNghị định có hiệu lực từ 21/6/2018 [3]."
    sents = split_sentences(text)
    # "3.5." (no word) joins the next sentence; the lone "[2]" joins the previous one
    assert sents == ["Theo kế hoạch.", "3.5. Tỷ lệ đạt 100% [1]. [2]", "Nghị định có hiệu lực từ 21/6/2018 [3]."]


def test_citation_precision_and_recall():
    passages = {1: BT_35, 2: ND61_40}
    answer = (
        "Trường đặt chỉ tiêu 100% phụ huynh thanh toán qua Yoyoschool [1]. "
        "Nghị định có hiệu lực từ ngày 21/06/2018 [2]. "
        "Mức hài lòng phải đạt 99% [1]. "
        "Kế hoạch cũng nêu nhiều nhiệm vụ khác."
    )
    # marker 1 (sentence 1): gold "Yoyoschool" in passage -> supported
    # marker 2 (sentence 2): numbers {21/6/2018}, which the passage writes out as "ngày 21 tháng 6 năm 2018"
    #   -> supported by numbers
    # marker 1 (sentence 3): "99%" not in passage 1, gold present though -> supported via gold
    assert citation_precision(answer, passages, gold=["Yoyoschool"]) == pytest.approx(3 / 3)
    # without gold, support comes from numbers only: s1 {100} in BT_35 (3.5, 100) -> yes; s2 yes; s3 {99} no
    assert citation_precision(answer, passages, gold=[]) == pytest.approx(2 / 3)
    # 4 claim sentences; supported: s1, s2 and s3 (gold) -> 3/4
    assert citation_recall(answer, passages, gold=["Yoyoschool"]) == pytest.approx(0.75)
    # dangling marker [7] is unsupported
    assert citation_precision("Đạt 100% [7].", passages) == 0.0
    assert citation_precision("Không có trích dẫn.", passages) is None
    assert citation_recall("", passages) is None


def test_extract_numbers_document_numbers_and_figures():
    text = ("Căn cứ Nghị định số 61/2018/NĐ-CP, Kế hoạch 26/KH-MNHgS, Kế hoạch số 124-KH/TU ngày 31/5/2022 "
            "và Nghị quyết 98/2023/QH15; tỷ lệ đạt 98 % và 100%.")
    got = extract_numbers(text)
    assert got["documents"] == ["61/2018/NĐ-CP", "26/KH-MNHgS", "124-KH/TU", "98/2023/QH15"]
    assert got["figures"] == ["98%", "100%"]


def test_invented_numbers():
    passages = [BT_35, HB_OCR]
    answer = "Theo Quyết định số 3813/QĐ-UBND [2], tỷ lệ đạt 100% [1] và 95% [1]; căn cứ Nghị định 61/2018/NĐ-CP."
    # 3813/QĐ-UBND matches the OCR 3813/QP-UBND by number skeleton; 100% is in BT_35;
    # 95% and 61/2018/NĐ-CP are in no cited passage.
    assert invented_numbers(answer, passages) == ["61/2018/NĐ-CP", "95%"]
    assert invented_numbers("Đạt 0% [1].", [BT_35]) == ["0%"]  # no match inside "100%"
    assert invented_numbers("Không có số.", passages) == []
    # the PDF text: "... tố cáo đạt 95% trở lên" and "Quyết định số 187/QĐ- UBND" (space after the hyphen)
    assert invented_numbers("Đạt 95% [1].", ["lĩnh vực giải quyết khiếu nại, tố cáo đạt 95% trở lên."]) == []
    assert invented_numbers("Theo Quyết định 187/QĐ-UBND [1].", ["triển khai thực hiện Quyết định số 187/QĐ- UBND."]) == []


def test_aggregate_overall_and_per_kind():
    rows = [
        {"kind": "plain", "recall@1": 1.0, "answer_accuracy": True, "should_abstain": False, "abstained": False,
         "invented_numbers": []},
        {"kind": "plain", "recall@1": 0.0, "answer_accuracy": False, "should_abstain": False, "abstained": True,
         "invented_numbers": ["95%"]},
        {"kind": "unanswerable", "recall@1": None, "answer_accuracy": None, "should_abstain": True,
         "abstained": True, "invented_numbers": []},
    ]
    agg = aggregate(rows)
    o = agg["overall"]
    assert o["n"] == 3
    assert o["recall@1"] == 0.5 and o["answer_accuracy"] == 0.5
    assert o["abstain_precision"] == 0.5 and o["abstain_recall"] == 1.0
    assert o["invented_numbers_total"] == 1
    assert agg["by_kind"]["plain"]["n"] == 2
    assert "recall@1" not in agg["by_kind"]["unanswerable"]


def test_retrieval_scores_agree_with_ir_measures_on_a_real_run(small_service):
    """evals.metrics on a small real run (real questions of evals/dev.jsonl over the bundled
    plans) equals ir-measures called directly on the chunk ids, and the hand definitions."""
    import math

    import ir_measures
    from ir_measures import RR, Success, nDCG

    from evals.dataset import EVALS_DIR
    from evals.harness import load_items
    from evals.metrics import relevance, retrieval_scores

    items = [it for it in load_items(EVALS_DIR / "dev.jsonl") if it.id in ("hb-07", "bt-08", "hs-01", "hs-02")]
    assert len(items) >= 3
    for it in items:
        hits = small_service.search(it.question, k=10)
        rels = relevance([(h.meta.doc_id, f"{h.chunk.text}\n{h.chunk.index_text}") for h in hits], it.gold, it.gold_doc)
        ours = retrieval_scores(rels)
        ids = [h.chunk.chunk_id for h in hits]
        qrels = {it.id: {c: 1 for c, r in zip(ids, rels) if r}}
        run = {it.id: {c: float(len(ids) - i) for i, c in enumerate(ids)}}
        if qrels[it.id]:
            direct = ir_measures.calc_aggregate([Success @ 5, RR @ 10, nDCG @ 10], qrels, run)
            assert ours["recall@5"] == pytest.approx(direct[Success @ 5])
            assert ours["mrr@10"] == pytest.approx(direct[RR @ 10])
            assert ours["ndcg@10"] == pytest.approx(direct[nDCG @ 10])
        first = next((i for i, r in enumerate(rels[:10], 1) if r), None)
        assert ours["mrr@10"] == pytest.approx(1 / first if first else 0.0)
        dcg = sum(r / math.log2(i + 1) for i, r in enumerate(rels[:10], 1))
        ideal = sum(1 / math.log2(i + 1) for i in range(1, sum(rels[:10]) + 1))
        assert ours["ndcg@10"] == pytest.approx(dcg / ideal if ideal else 0.0)


def test_a_date_the_passage_writes_out_supports_its_short_form():
    # the answers give "(22/9/2021)" beside "ngày 22 tháng 9 năm 2021" (Tuổi Hồng's plan cites Kết luận 14-KL/TW so)
    passage = "gắn với Kết luận số 14-KL/TW ngày 22 tháng 9 năm 2021 của Bộ Chính trị"
    assert citation_precision("Kết luận 14-KL/TW ban hành ngày 22/9/2021. [1]", {1: passage}) == 1.0
    assert citation_precision("Kết luận 14-KL/TW ban hành ngày 23/9/2021. [1]", {1: passage}) == 0.0
