"""Follow-ups resolved with the corpus's knowledge (assistant.followup.CorpusKnowledge)
over the bundled corpus: short mentions, "nghị định mới" (the successor in the
validity data), "thông tư hướng dẫn nghị định X" (the văn bản whose tên says it
guides X), "nghị định đó" after an answer that named no văn bản, and a generic
noun's phrase from the previous question."""

from __future__ import annotations

import datetime as _dt

import pytest

from assistant.followup import CorpusKnowledge, guides, rewrite_followup
from tests.conftest import DECREES

NOW = _dt.date(2026, 12, 1)
ND118_Q = "nđ 118 cán bộ bp một cửa phải có thâm niên mấy năm"
ND61_TERM_Q = "Thời hạn cử cán bộ đến Bộ phận Một cửa mỗi đợt theo Nghị định 61/2018 là bao lâu?"
SALARY = ("Mức lương cơ sở hiện nay bao nhiêu?", "2.530.000 đồng/tháng từ ngày 01/7/2026 [1].")


@pytest.fixture(scope="module")
def kb(full_service) -> CorpusKnowledge:
    return CorpusKnowledge(full_service.answerer.retriever, full_service, lambda: NOW)


def test_corpus_holds_the_facts_used_below():
    tt01 = (DECREES / "tt-01-2018-tt-vpcp.txt").read_text(encoding="utf-8")
    assert "hướng dẫn thi hành một số quy định của Nghị định số 61/2018/NĐ-CP" in tt01.splitlines()[1]
    nd161 = (DECREES / "nd-161-2026-nd-cp.txt").read_text(encoding="utf-8")
    assert "2.530.000 đồng/tháng" in nd161 and "Nghị định số 73/2024/NĐ-CP" in nd161
    nd118 = (DECREES / "nd-118-2025-nd-cp.txt").read_text(encoding="utf-8")
    assert "không ít hơn 12 tháng và không nhiều hơn 36 tháng" in nd118


def test_guides_reads_the_ten_and_phạm_vi_điều_chỉnh(full_service):
    docs = {d.meta.doc_id: d for d in full_service.parsed_documents()}
    tt01, nd118 = docs["tt-01-2018-tt-vpcp"], docs["nd-118-2025-nd-cp"]
    assert guides(tt01.meta.title, tt01.text, "61/2018/NĐ-CP")
    assert guides("", tt01.text, "61/2018/NĐ-CP")  # Điều 1 alone: "Thông tư này hướng dẫn … Nghị định số 61/2018"
    # NĐ 118/2025 replaces NĐ 61/2018 and names it, but does not guide it
    assert not guides(nd118.meta.title, nd118.text, "61/2018/NĐ-CP")
    assert not guides(tt01.meta.title, tt01.text, "118/2025/NĐ-CP")


def test_lookups_over_the_bundled_corpus(kb):
    assert kb.canonical("nđ 118") == "118/2025/NĐ-CP"
    assert kb.successor("61/2018/NĐ-CP") == "118/2025/NĐ-CP"
    assert kb.successor("118/2025/NĐ-CP") is None  # in force: nothing replaced it
    early = CorpusKnowledge(kb.retriever, kb.knowledge, lambda: _dt.date(2025, 1, 1))
    assert early.successor("61/2018/NĐ-CP") is None  # not yet replaced then
    assert kb.guide_of("61/2018/NĐ-CP", "Thông tư") == "01/2018/TT-VPCP"
    assert kb.guide_of("61/2018/NĐ-CP", "Quyết định") is None
    assert kb.guide_of("118/2025/NĐ-CP", "Thông tư") is None
    assert kb.answer_source(*SALARY, "Nghị định") == "161/2026/NĐ-CP"
    # an abstention holds nothing a passage has
    assert kb.answer_source(SALARY[0], "Không tìm thấy trong tài liệu thông tin đủ tin cậy [1].", None) is None


@pytest.mark.parametrize(
    "followup, history, expected",
    [
        # the generic noun's phrase from the previous question, and the short mention in full
        ("thế cán bộ đó nhận lương ở đâu", [(ND118_Q, "Tối thiểu 02 năm trong ngành [1].")],
         "cán bộ bp một cửa nhận lương ở đâu (Nghị định 118/2025/NĐ-CP)?"),
        # "nghị định mới": the văn bản that replaced the one asked about
        ("còn bây giờ theo nghị định mới thì sao", [(ND61_TERM_Q, "Không ít hơn 06 tháng [1].")],
         "Thời hạn cử cán bộ đến Bộ phận Một cửa mỗi đợt theo Nghị định 118/2025/NĐ-CP là bao lâu?"),
        ("theo nghị định mới thì thời hạn đó là bao lâu", [(ND61_TERM_Q, "Không ít hơn 06 tháng [1].")],
         "theo Nghị định 118/2025/NĐ-CP thì thời hạn cử cán bộ đến Bộ phận Một cửa mỗi đợt là bao lâu"),
        # "còn <a whole question with its own reference>": the guiding thông tư of the nghị định
        ("Còn thông tư hướng dẫn nghị định đó thì có hiệu lực từ khi nào?",
         [("Nghị định 61/2018/NĐ-CP có hiệu lực từ ngày nào?", "Từ ngày 21 tháng 6 năm 2018 [1].")],
         "Thông tư 01/2018/TT-VPCP thì có hiệu lực từ khi nào"),
        # "nghị định đó" when neither the question nor the answer named one: the answer's source
        ("nghị định đó thay cho nghị định nào vậy", [SALARY], "Nghị định 161/2026/NĐ-CP thay cho nghị định nào vậy"),
    ],
)
def test_followups_resolved_from_the_corpus(kb, followup, history, expected):
    assert rewrite_followup(followup, history, kb) == expected


def test_knowledge_leaves_the_text_rules_alone(kb):
    ben_thanh_q = "Kế hoạch CCHC năm 2024 của Trường Mầm non Bến Thành có những nhiệm vụ gì?"
    # "nhiệm vụ" has no longer phrase in the previous question: the entities are added as before
    assert rewrite_followup("Các nhiệm vụ đó do ai phụ trách?", [(ben_thanh_q, "…")], kb) == \
        "Các nhiệm vụ đó do ai phụ trách (Trường Mầm non Bến Thành năm 2024)?"
    assert rewrite_followup("còn trường Hương Sen thì sao?", [(ben_thanh_q, "…")], kb) == \
        "Kế hoạch CCHC năm 2024 của trường Hương Sen có những nhiệm vụ gì?"
    for standalone in ("Nghị định 61/2018/NĐ-CP có hiệu lực từ khi nào?",
                       "Thông tư hướng dẫn Nghị định 61/2018/NĐ-CP có hiệu lực từ khi nào?"):
        assert rewrite_followup(standalone, [SALARY], kb) == standalone
    # without a successor "nghị định mới" stays as written (NĐ 118/2025 is in force)
    assert "nghị định mới" in rewrite_followup("còn theo nghị định mới thì sao",
                                               [("nđ 118 quy định thời hạn cử cán bộ bao lâu?", "…")], kb)


def test_answers_to_followups_come_from_the_resolved_văn_bản(full_service):
    a = full_service.ask("nghị định đó thay cho nghị định nào vậy", history=[SALARY])
    assert not a.abstained and "73/2024/NĐ-CP" in a.answer
    assert a.citations and a.citations[0].doc_id == "nd-161-2026-nd-cp"
    a = full_service.ask("Còn thông tư hướng dẫn nghị định đó thì có hiệu lực từ khi nào?",
                         history=[("Nghị định 61/2018/NĐ-CP có hiệu lực từ ngày nào?", "Từ ngày 21 tháng 6 năm 2018 [1].")])
    assert "06/01/2019" in a.answer and a.citations[0].doc_id == "tt-01-2018-tt-vpcp"


def test_a_whole_question_after_con_is_not_mixed_with_the_previous_one():
    history = [("nộp hs online thì bao lâu bp một cửa phải báo tiếp nhận hay yêu cầu bổ sung",
                "Không muộn hơn 08 (tám) giờ làm việc kể từ khi hệ thống tiếp nhận hồ sơ [1].")]
    q = "con nop truc tiep ma sau 3h chieu thi khi nao hs duoc chuyen cho co quan giai quyet"
    out = rewrite_followup(q, history)
    assert "online" not in out and "nop truc tiep ma sau 3h chieu" in out
    # "còn X thì sao" with a topic alone still takes the previous question
    assert "online" in rewrite_followup("còn mục tiêu thì sao?", history)
