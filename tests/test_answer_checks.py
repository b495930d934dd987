"""Extractive sentence handling and the post-generation check of LLM replies,
on real passages of the corpus (NĐ 61/2018/NĐ-CP Điều 40; Bến Thành plan)."""

from __future__ import annotations

from assistant.extractive import annotate_dates, split_sentences
from assistant.llm_answer import build_messages, verify_answer
from corpus.models import Chunk, DocumentMeta
from index.types import Hit

DIEU_40 = (
    "Điều 40. Hiệu lực thi hành\n"
    "1. Nghị định này có hiệu lực thi hành từ ngày 21 tháng 6 năm 2018.\n"
    "2. Quyết định số 09/2015/QĐ-TTg ngày 25 tháng 3 năm 2015 của Thủ tướng Chính phủ ban hành Quy chế thực hiện "
    "cơ chế một cửa, một cửa liên thông trong giải quyết thủ tục hành chính tại cơ quan hành chính nhà nước ở địa "
    "phương hết hiệu lực kể từ ngày Nghị định này có hiệu lực thi hành."
)
YOYO = "3.5. Tỷ lệ PHHS tham gia sử dụng thanh toán học phí qua phần mềm Yoyoschool tại đơn vị đạt tỷ lệ 100%."


def _hit(doc_id, number, text, section):
    legal = number is not None and "NĐ" in number
    meta = DocumentMeta(doc_id=doc_id, kind="legal" if legal else "plan", number=number,
                        doc_type="Nghị định" if legal else "Kế hoạch")
    chunk = Chunk(chunk_id=f"{doc_id}#0000", doc_id=doc_id, text=text, index_text=text, section=section)
    return Hit(chunk=chunk, meta=meta, score=1.0)


HITS = [
    _hit("nd-61-2018-nd-cp", "61/2018/NĐ-CP", DIEU_40, "Điều 40"),
    _hit("2024-mn-ben-thanh-q1-cchc", None, YOYO, "II > 3 > 3.5"),
]


def test_split_sentences_keeps_khoan_lines_apart():
    sents = split_sentences(DIEU_40)
    assert sents[0] == "Điều 40. Hiệu lực thi hành"
    assert sents[1] == "1. Nghị định này có hiệu lực thi hành từ ngày 21 tháng 6 năm 2018."
    assert sents[2].startswith("2. Quyết định số 09/2015/QĐ-TTg")


def test_annotate_dates_adds_numeric_form():
    assert annotate_dates("có hiệu lực thi hành từ ngày 21 tháng 6 năm 2018.") == (
        "có hiệu lực thi hành từ ngày 21 tháng 6 năm 2018 (21/6/2018)."
    )


def test_verify_accepts_a_grounded_reply():
    assert verify_answer("Nghị định 61/2018/NĐ-CP có hiệu lực thi hành từ ngày 21/6/2018 [1].", HITS) == []


def test_verify_rejects_citation_outside_the_retrieved_set():
    problems = verify_answer("Tỷ lệ đạt 100% [3].", HITS)
    assert any("ngoài danh sách" in p for p in problems)


def test_verify_rejects_uncited_reply():
    assert verify_answer("Tỷ lệ đạt 100%.", HITS)


def test_verify_rejects_document_number_absent_from_the_cited_passage():
    # 09/2015/QĐ-TTg exists, but in passage [1], not in the cited passage [2].
    problems = verify_answer("Theo Quyết định 09/2015/QĐ-TTg, tỷ lệ đạt 100% [2].", HITS)
    assert any("09/2015/QĐ-TTg" in p for p in problems)
    # An invented number is rejected too.
    assert verify_answer("Theo Nghị định 999/2025/NĐ-CP, tỷ lệ đạt 100% [2].", HITS)


def test_prompt_numbers_passages_and_demands_citations():
    msgs = build_messages("Tỷ lệ thanh toán học phí qua Yoyoschool là bao nhiêu?", HITS)
    assert msgs[0][0] == "system" and "[1]" in msgs[0][1]
    assert "[1] Nghị định 61/2018/NĐ-CP — Điều 40" in msgs[-1][1]
    assert "[2] " in msgs[-1][1] and "Yoyoschool" in msgs[-1][1]


def test_precise_location_moves_item_labels_out_of_the_quote():
    from assistant.extractive import precise_location

    legal, plan = HITS
    assert precise_location(legal, "1. Nghị định này có hiệu lực thi hành từ ngày 21 tháng 6 năm 2018.") == (
        "Điều 40, khoản 1", "Nghị định này có hiệu lực thi hành từ ngày 21 tháng 6 năm 2018.")
    where, quote = precise_location(plan, YOYO)
    assert where == "mục II > 3 > 3.5" and quote.startswith("Tỷ lệ PHHS")


def test_verify_rejects_figures_absent_from_the_cited_passage_and_empty_replies():
    # "1200 học sinh" is in no passage (an LLM reply seen in the LLM-mode eval).
    assert any("1200" in p for p in verify_answer("Trường có 1200 học sinh [2].", HITS))
    assert verify_answer("[2]", HITS)
    assert verify_answer("Tỷ lệ thanh toán học phí qua Yoyoschool đạt 100% [2].", HITS) == []
    assert verify_answer("Nghị định này có hiệu lực từ ngày 21/6/2018 [1].", HITS) == []
    assert any("99" in p for p in verify_answer("Tỷ lệ đạt 99% [2].", HITS))


def test_an_explicit_not_in_the_documents_reply_is_an_abstention():
    from assistant.llm_answer import SYSTEM_PROMPT, is_not_found

    assert "Không có trong tài liệu" in SYSTEM_PROMPT
    assert is_not_found("Không có trong tài liệu.")
    assert is_not_found("Không tìm thấy trong tài liệu [1].")
    assert is_not_found("không có thông tin trong các đoạn trích về số tiền này.")
    # a reply that answers is not an abstention, even if it says a detail is missing
    assert not is_not_found("Tỷ lệ thanh toán học phí qua Yoyoschool đạt 100% [2]; không có trong tài liệu số tiền.")
    assert not is_not_found("Mức lương cơ sở là 2.530.000 đồng/tháng [1].")


def test_trim_passage_keeps_the_best_unit_its_lead_in_and_the_flagged_spans():
    from assistant.llm_answer import trim_passage

    khoan = "2. Quyết định số 09/2015/QĐ-TTg ngày 25 tháng 3 năm 2015"
    hit = _hit("nd-61-2018-nd-cp", "61/2018/NĐ-CP", DIEU_40, "Điều 40")
    hit.chunk.instruction_spans = [[DIEU_40.index("1."), DIEU_40.index("1.") + 10]]
    cut = trim_passage(hit, "hết hiệu lực kể từ ngày Nghị định này", khoan, 120)
    assert "hết hiệu lực kể từ ngày" in cut.chunk.text and cut.chunk.text.endswith(" …") is False
    assert cut.chunk.text.startswith(khoan + "\n… ") and len(cut.chunk.text) < 120 + len(khoan) + 10
    assert cut.chunk.instruction_spans == []  # the flagged line "1. …" fell outside the window
    whole = trim_passage(hit, "Nghị định này có hiệu lực thi hành", "", 400)
    assert whole is hit
    first = trim_passage(hit, "Hiệu lực thi hành", "", 150)
    assert first.chunk.text.startswith("Điều 40.") and first.chunk.text.endswith(" …")
    a, b = first.chunk.instruction_spans[0]
    assert first.chunk.text[a:b] == DIEU_40[hit.chunk.instruction_spans[0][0]:hit.chunk.instruction_spans[0][1]]
    assert hit.chunk.text == DIEU_40  # the retrieved hit itself is not changed
