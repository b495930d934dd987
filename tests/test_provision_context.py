"""A khoản that states its case in one sentence and its figure in the next (NĐ 118/2025/NĐ-CP
Điều 19 khoản 5), a time told only by an event for a "bao lâu" question, and staff's "hs" read
as hồ sơ in a message about thủ tục hành chính."""

from __future__ import annotations

from assistant.extractive import ReadingParams, decide, in_provision_context
from assistant.question import analyze
from assistant.reading import Scored
from assistant.spans import find_spans
from corpus.pipeline import parse_file
from corpus.units import DocumentUnits
from index.question_forms import expand_shorthand
from tests.conftest import DECREES

ND118 = DECREES / "nd-118-2025-nd-cp.txt"
Q = "thẩm định thấy hs chưa đủ điều kiện thì trong bao lâu phải trả lại hs cho bp một cửa (nđ 118)"


def _khoan(du: DocumentUnits, label: str, dieu: str) -> list:
    node = next(n for n in du.nodes if n.label == label and n.parent is not None and n.parent.label == dieu)
    return du.units_of(node)


def test_the_figure_after_the_case_sentence_of_a_khoan_answers():
    du = DocumentUnits(parse_file(ND118))
    qa = analyze(Q)
    case, figure = None, None
    for u in _khoan(du, "khoản 5", "Điều 19"):
        if u.text.startswith("5. Đối với hồ sơ qua thẩm tra, thẩm định chưa đủ điều kiện"):
            case = u
        if u.text.startswith("Thời gian thông báo trả lại hồ sơ không quá 03 ngày làm việc"):
            figure = u
    assert case is not None and figure is not None
    assert not find_spans(case.text, qa)
    assert [s.text for s in find_spans(figure.text, qa)][0] == "03 ngày làm việc"
    # another khoản's "chậm nhất trong vòng 03 ngày làm việc" (Điều 23, sai sót) reads a little better alone
    other = next(u for u in _khoan(du, "khoản 1", "Điều 23") if "chậm nhất trong vòng 03 ngày làm việc" in u.text)
    scored = [Scored(case, 0, 0.72, 0.0), Scored(other, 1, 0.50, 0.0), Scored(figure, 0, 0.46, 0.0)]
    for s in scored:
        s.spans = find_spans(s.unit.text, qa)
    params = ReadingParams(w_rank=0.0)
    decision = decide(qa, [Scored(s.unit, s.hit_index, s.lex, s.dense, s.spans) for s in scored], 2, params)
    assert decision.kind == "answer" and decision.units[0].unit is figure
    # the case sentence lifts only the sentences of its own khoản
    for s in scored:
        s.score = s.lex
    ranked = sorted(scored, key=lambda s: -s.score)
    typed = in_provision_context([s for s in ranked if s.spans], ranked)
    assert [s.unit for s in typed] == [figure, other]
    assert abs(typed[0].score - (0.46 + 0.72) / 2) < 1e-9 and typed[1].score == 0.50


def test_a_plan_preamble_lends_no_score_to_its_other_sentences():
    # a plan's opening sentences are separate statements, not a case and its rule
    from tests.conftest import BEN_THANH

    du = DocumentUnits(parse_file(BEN_THANH))
    qa = analyze("kế hoạch cchc của trường mầm non bến thành ban hành khi nào")
    cites = next(u for u in du.all_units() if u.text.startswith("Căn cứ Kế hoạch số 04/KH-UBND"))
    plain = next(u for u in du.all_units() if u.node is cites.node and not find_spans(u.text, qa))
    assert cites.node.kind not in ("khoan", "diem") and find_spans(cites.text, qa)
    a, b = Scored(plain, 0, 0.9, 0.0), Scored(cites, 0, 0.3, 0.0, find_spans(cites.text, qa))
    a.score, b.score = 0.9, 0.3
    assert in_provision_context([b], [a, b])[0].score == 0.3


def test_a_time_told_by_an_event_does_not_answer_how_long():
    du = DocumentUnits(parse_file(ND118))
    sent = next(u.text for u in _khoan(du, "khoản 3", "Điều 19") if u.text.startswith("Trường hợp sau khi thẩm định"))
    assert not find_spans(sent, analyze(Q))  # "sau khi thẩm định không …" is when, not how long
    # … but it still answers "khi nào"
    assert find_spans(sent, analyze("khi nào cơ quan trả lại hồ sơ cho bộ phận một cửa"))


def test_hs_is_ho_so_in_a_message_about_thu_tuc_and_hoc_sinh_elsewhere():
    assert expand_shorthand(Q).startswith("thẩm định thấy hồ sơ chưa đủ điều kiện")
    assert "trả lại hồ sơ cho bộ phận một cửa" in expand_shorthand(Q)
    assert analyze("dan nop hs giay roi muon dung").normalized == "dan nop ho so giay roi muon dung"
    assert expand_shorthand("danh gia hs thcs, thpt theo tt so may") == "danh gia học sinh thcs, thpt theo tt so may"
    assert analyze("cv 5208 hướng dẫn hs học luật giao thông").normalized.startswith("cong van 5208 huong dan hoc sinh")


def test_focus_terms_are_read_with_shorthand_written_out():
    # the reader weighs focus terms by idf: an unexpanded "hs" or "bp" is a word the corpus never writes
    # (maximum weight, matched nowhere), so "trả lại hs cho bp một cửa" matched no sentence well
    focus = analyze(Q).focus
    assert "ho_so" in focus and "bo_phan" in focus and "hs" not in focus and "bp" not in focus
    assert "hoc_sinh" in analyze("danh gia hs thcs, thpt theo tt so may").focus
