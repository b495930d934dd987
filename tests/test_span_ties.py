"""How a typed span is tied to the question's focus (assistant.span_ties), and
the reader's use of it (assistant.extractive.decide), on real sentences of the
bundled corpus (no index, no model: the documents are parsed from files)."""

from __future__ import annotations

import pytest

from assistant.extractive import ReadingParams, decide
from assistant.question import COUNT, analyze
from assistant.reading import DocumentUnits, Scored
from assistant.span_ties import qualifier_match, span_tie, unit_tie
from assistant.spans import find_spans
from corpus.legal_refs import fold
from corpus.pipeline import parse_file
from tests.conftest import BEN_THANH, DECREES, bundled_dir

ND118 = DECREES / "nd-118-2025-nd-cp.txt"
CV5208 = bundled_dir() / "guidance" / "cv-5208-bgddt-gdpt-2026.txt"


@pytest.fixture(scope="module")
def units():
    cache: dict = {}

    def find(path, needle: str):
        if path not in cache:
            cache[path] = list(DocumentUnits(parse_file(path)).all_units())
        got = [u for u in cache[path] if needle in u.text]
        assert got, needle
        return got[0]
    return find


def _tie(unit, question: str) -> float:
    qa = analyze(question)
    spans = find_spans(unit.text, qa)
    assert spans, (question, unit.text)
    return unit_tie(unit, spans, qa)


def test_a_percentage_written_before_the_asked_noun_is_tied_and_one_of_another_target_is_not(units):
    q = "Bến Thành đặt mục tiêu bao nhiêu % cán bộ dùng thư điện tử công vụ"
    mail = units(BEN_THANH, "thư điện tử công vụ trong trao đổi")  # 9.4. 100% cán bộ, công chức sử dụng …
    reports = units(BEN_THANH, "100% hệ thống báo cáo")  # 9.3. 100% hệ thống báo cáo … kết nối liên thông
    assert _tie(mail, q) >= 0.8
    assert _tie(reports, q) < 0.5


def test_a_bound_and_mỗi_đợt_asked_are_read_next_to_the_span(units):
    u = units(ND118, "không ít hơn 12 tháng và không nhiều hơn 36 tháng mỗi đợt")
    qa = analyze("cử cán bộ ra bộ phận một cửa thì mỗi đợt tối thiểu bao lâu")
    f = fold(u.text)
    a = f.index("12 thang")
    assert qualifier_match(f, a, a + len("12 thang"), qa)
    assert span_tie(u.text, a, a + len("12 thang"), qa) == pytest.approx(1.0)
    # no qualifier in the question: none is matched, the tie is proximity alone
    assert not qualifier_match(f, a, a + len("12 thang"), analyze("cán bộ làm ở bộ phận một cửa bao lâu"))


def test_a_period_asked_is_answered_by_định_kỳ_not_by_a_term_of_office(units):
    qa = analyze("bao lâu thì người đứng đầu bộ phận một cửa làm việc với các cơ quan có thủ tục một lần")
    periodic = units(ND118, "Định kỳ 03 tháng hoặc đột xuất")
    term = units(ND118, "không ít hơn 12 tháng và không nhiều hơn 36 tháng mỗi đợt")
    fp, ft = fold(periodic.text), fold(term.text)
    assert qualifier_match(fp, fp.index("03 thang"), fp.index("03 thang") + 8, qa)
    assert not qualifier_match(ft, ft.index("12 thang"), ft.index("12 thang") + 8, qa)
    assert unit_tie(periodic, find_spans(periodic.text, qa), qa) > unit_tie(term, find_spans(term.text, qa), qa)


def test_a_date_far_from_what_the_question_names_is_not_tied(units):
    # "Công văn số 4112/BGDĐT-GDPT ngày 02/7/2026 về việc … từ năm học 2026-2027": the date is the công văn's
    # date: it is no span for another question (``assistant.spans.issue_date_of``), and even read as one it
    # is not tied to what the question names
    u = units(CV5208, "Công văn số 4112/BGDĐT-GDPT ngày 02/7/2026")
    qa = analyze("Năm học 2026-2027 khai giảng vào ngày nào?")
    assert not find_spans(u.text, qa)
    from assistant.spans import DATE_RE, Span

    folded = fold(u.text)
    dates = [Span(qa.answer_type, u.text[m.start():m.end()], m.start(), m.end()) for m in DATE_RE.finditer(folded)]
    assert dates[0].text == "ngày 02/7/2026" and unit_tie(u, dates[:1], qa) < 0.5


def test_a_span_not_written_in_the_unit_has_no_tie(units):
    u = units(ND118, "Định kỳ 03 tháng hoặc đột xuất")
    qa = analyze("văn bản nào quy định việc họp định kỳ của bộ phận một cửa")
    from assistant.spans import Span

    assert unit_tie(u, [Span(qa.answer_type, "118/2025/NĐ-CP", 0, 0)], qa) == 0.0
    assert unit_tie(u, [], qa) == 0.0


def _scored(unit, qa, lex: float) -> Scored:
    return Scored(unit, 0, lex=lex, dense=0.0, spans=find_spans(unit.text, qa))


def test_decide_answers_a_tied_span_below_the_typed_threshold_and_not_an_untied_one(units):
    params = ReadingParams(answer_threshold=0.3, typed_threshold=0.7, tied_threshold=0.5, tie_threshold=0.8)
    qa = analyze("cử cán bộ ra bộ phận một cửa thì mỗi đợt tối thiểu bao lâu, tối đa bao lâu")
    term = units(ND118, "không ít hơn 12 tháng và không nhiều hơn 36 tháng mỗi đợt")
    d = decide(qa, [_scored(term, qa, 0.5)], 1, params)  # score 0.58: under typed_threshold
    assert d.kind == "answer" and "36 tháng" in d.units[0].unit.text
    # the same score without the tie (tie_threshold out of reach) is the partial answer it was
    assert decide(qa, [_scored(term, qa, 0.5)], 1, ReadingParams(
        answer_threshold=0.3, typed_threshold=0.7, tied_threshold=0.5, tie_threshold=1.01)).kind == "partial"
    qa2 = analyze("Năm học 2026-2027 khai giảng vào ngày nào?")
    dated = units(CV5208, "Công văn số 4112/BGDĐT-GDPT ngày 02/7/2026")
    assert decide(qa2, [_scored(dated, qa2, 0.5)], 1, params).kind == "partial"


def test_a_year_is_not_a_count(units):
    qa = analyze("kết quả cải cách hành chính của trường đạt bao nhiêu")
    assert qa.answer_type == COUNT and qa.unit is None
    u = units(BEN_THANH, "năm 2023, trường Mầm non Bến Thành")
    assert "2023" not in [s.text for s in find_spans(u.text, qa)]
    assert [s.text for s in find_spans("Trường có 45 cán bộ, công chức năm 2024.", qa)] == ["45"]


def test_một_số_is_some_not_one(units):
    # NĐ 61/2018/NĐ-CP Điều 14 khoản 3: "… một số thủ tục hành chính thuộc thẩm quyền giải quyết …"
    u = units(DECREES / "nd-61-2018-nd-cp.txt", "một số thủ tục hành chính thuộc thẩm quyền giải quyết")
    qa = analyze("Cấp xã hiện có bao nhiêu thủ tục hành chính lĩnh vực giáo dục?")
    assert qa.answer_type == COUNT and qa.unit == "thu tuc"
    assert not [s for s in find_spans(u.text, qa) if fold(s.text).startswith("mot so")]
    # a written number that counts is still read ("01 (một) Mã số hồ sơ", NĐ 118/2025/NĐ-CP Điều 17 khoản 3)
    m = units(ND118, "01 (một) Mã số hồ sơ")
    assert [s.text for s in find_spans(m.text, analyze("mỗi hồ sơ được cấp mấy mã số"))] == ["01 (một) Mã số"]


README_QUESTION = ("Trường Mầm non Bến Thành đặt chỉ tiêu tỷ lệ phụ huynh thanh toán học phí qua phần mềm "
                   "Yoyoschool là bao nhiêu?")


def test_the_unit_whose_span_gives_the_measure_asked_leads_the_answer(units):
    """The README question: "3.5. Tỷ lệ PHHS … đạt tỷ lệ 100%" answers it, "4.1. Mức độ hài lòng của PHHS …
    đạt từ 99%" gives a percentage of another measure; the reader scores the latter higher (it is one word
    closer to the focus terms), but the one naming the ratio asked leads the quoted units."""
    from assistant.span_ties import names_measure

    qa = analyze(README_QUESTION)
    ratio = units(BEN_THANH, "Tỷ lệ PHHS tham gia sử dụng thanh toán học phí qua phần mềm Yoyoschool")
    satisfaction = units(BEN_THANH, "Mức độ hài lòng của PHHS tham gia sử dụng thanh toán học phí")
    assert "100%" in ratio.text and "99%" in satisfaction.text
    a, b = _scored(ratio, qa, 0.8), _scored(satisfaction, qa, 0.9)
    b.hit_index = 1
    assert names_measure(ratio, a.spans, qa) and not names_measure(satisfaction, b.spans, qa)
    params = ReadingParams(answer_threshold=0.3, typed_threshold=0.7, tied_threshold=0.5, tie_threshold=0.8,
                           keep_ratio=0.8, max_units=4)
    d = decide(qa, [b, a], 2, params)
    assert d.kind == "answer" and [s.unit.text for s in d.units][0] == ratio.text
    assert len(d.units) == 2  # the other percentage is still quoted, second



def test_mot_before_a_noun_is_the_article_unless_a_limit_is_put_on_it():
    nd299 = (DECREES / "nd-299-2026-nd-cp.txt").read_text(encoding="utf-8")
    # NĐ 299/2026/NĐ-CP Điều 4 khoản 1: "… một đơn vị sự nghiệp công lập có thể cung cấp nhiều dịch vụ …"
    line = next(ln for ln in nd299.splitlines() if "một đơn vị sự nghiệp công lập có thể" in ln)
    qa = analyze("cả nước hiện có bao nhiêu đơn vị sự nghiệp công lập")
    assert qa.answer_type == COUNT and not find_spans(line, qa)
    # a limit makes it the count one; "một lần" (once) is always a count (NĐ 118/2025/NĐ-CP)
    assert [s.text for s in find_spans("mỗi xã chỉ thành lập một trường mầm non", analyze("mỗi xã có mấy trường mầm non"))]
    nd118 = (DECREES / "nd-118-2025-nd-cp.txt").read_text(encoding="utf-8")
    once = next(ln for ln in nd118.splitlines() if "bổ sung một lần đầy đủ" in ln)
    assert any("một lần" in s.text for s in find_spans(once, analyze("cán bộ được yêu cầu dân bổ sung mấy lần")))


def test_a_citations_date_is_no_span_even_when_the_scan_garbled_its_so_hieu():
    # Hòa Bình's PAPI plan (an OCR scan), as the project repairs it: "Chương trình hành động số 05-Cơ/QU ngày 30
    # tháng 10 năm 2020" — the grammar cannot read "05-Cơ/QU", but "số …/… ngày …" is still the citation form
    # (NĐ 30/2020/NĐ-CP Phụ lục I), so the date tells when that programme was issued, not when a meeting is held
    from evals.dataset import corpus_texts

    text = corpus_texts()["2024-th-hoa-binh-q1-papi"]
    line = next(ln for ln in text.splitlines() if "số 05-" in ln and "ngày 30 tháng 10" in ln)
    qa = analyze("th hoa binh hop tong ket papi vao ngay nao")
    assert not find_spans(line, qa)
    # the same date written as an event's date is a span
    event = line.replace("số 05-", "tổ chức hội nghị 05-").replace("/QU ngày", " vào ngày")
    assert [s.text for s in find_spans(event, qa)][:1] == ["ngày 30 tháng 10 năm 2020"]
