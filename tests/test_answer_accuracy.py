"""Answer accuracy on real text of the bundled corpus: the answer type read
from staff wording, the typed spans found in decree and plan sentences, the
list provision chosen, long sentences quoted whole, and a name question
answered by the signature line (no index, no model: documents parsed from files)."""

from __future__ import annotations

import re

from assistant.answering import Answerer
from assistant.extractive import ReadingParams, decide, whole_sentence
from assistant.question import COUNT, LIST, MONEY, PERSON, TIME, analyze
from assistant.reading import DocumentUnits, Scored
from assistant.settings import Settings
from assistant.spans import find_spans, person_names
from corpus.pipeline import parse_file
from tests.conftest import DECREES, HOA_BINH, HUONG_SEN, bundled_dir
from tests.test_protocols import Corpus
from tests.test_question_reading import _ChunkRetriever

ND30 = DECREES / "nd-30-2020-nd-cp.docx"
ND30_PL1 = DECREES / "nd-30-2020-nd-cp-phu-luc-i.docx"
ND60 = DECREES / "nd-60-2021-nd-cp.txt"
ND118 = DECREES / "nd-118-2025-nd-cp.txt"
TT01 = DECREES / "tt-01-2018-tt-vpcp.txt"
CV5243 = bundled_dir() / "guidance" / "cv-5243-bgddt-ngcbqlgd-2026.txt"


def _sentence(path, needle: str) -> str:
    text = parse_file(path).text
    i = text.index(needle)
    start = max(text.rfind("\n", 0, i), text.rfind(". ", 0, i) + 1) + 1
    end = min(j for j in (text.find("\n", i), len(text)) if j >= 0)
    return text[start:end].strip()


def test_a_score_is_a_count_not_money():
    qa = analyze("dân không phải liên hệ lần nào để hoàn thiện hồ sơ thì được đánh giá bao nhiêu điểm")
    assert qa.answer_type == COUNT and qa.unit == "diem"
    line = _sentence(TT01, "Điểm 2 khi không phải liên hệ")
    assert [s.text for s in find_spans(line, qa)] == ["Điểm 2"]
    # money questions stay money questions
    assert analyze("phí thẩm định là bao nhiêu").answer_type == MONEY
    assert analyze("mức thu học phí là bao nhiêu tiền một tháng").answer_type == MONEY


def test_a_list_named_with_commas_is_a_list_question():
    qa = analyze("Bộ phận một cửa phải bố trí những khu vực, thiết bị gì cho dân đến làm thủ tục?")
    assert qa.answer_type == LIST and qa.wants_list


def test_a_count_written_on_its_unit_and_a_fraction_are_spans():
    line = _sentence(ND30_PL1, "Độ phân giải tối thiểu")
    assert "200dpi" in line
    assert [s.text for s in find_spans(line, analyze("văn bản số hóa có độ phân giải tối thiểu bao nhiêu dpi"))] == ["200dpi"]
    assert "200dpi" in [s.text for s in find_spans(line, analyze("độ phân giải tối thiểu khi số hóa là bao nhiêu"))]
    line = _sentence(ND30, "trùm lên khoảng 1/3 chữ ký")
    assert [s.text for s in find_spans(line, analyze("đóng dấu lên chữ ký thì dấu trùm bao nhiêu phần chữ ký"))] == ["1/3"]


def test_a_time_told_by_an_event_answers_a_when_question():
    qa = analyze("văn bản khẩn thì phải phát hành khi nào")
    assert qa.answer_type == TIME
    line = _sentence(ND30, "Văn bản khẩn phải được phát hành và gửi ngay sau khi ký")
    assert any(s.text.startswith("ngay sau khi ký") for s in find_spans(line, qa))
    # no event, no time: a sentence without one gives no span
    assert find_spans("Văn bản đi phải được quản lý tập trung tại Văn thư cơ quan.", qa) == []


def test_a_heading_in_capitals_is_not_a_name_but_a_signature_line_is():
    du = DocumentUnits(parse_file(HOA_BINH))
    units = du.all_units()
    heading = next(u for u in units if re.match(r"IV\. PH", u.text))
    assert person_names(heading.text) == []
    assert [s.text for s in person_names(units[-1].text)] == [units[-1].text]  # "Trịnh Thị Kim Quy"


def test_a_name_question_is_answered_by_the_signature_line_of_the_document_read():
    du = DocumentUnits(parse_file(HOA_BINH))
    units = du.all_units()
    qa = analyze("Hiệu trưởng trường Tiểu học Hòa Bình tên là gì?")
    assert qa.answer_type == PERSON and qa.needs_name
    # the plan's sentences read well lexically; the signature line, only a name, does not
    scored = [Scored(u, 0, lex=0.8 if "Hoà Bình" in u.text else 0.1, dense=0.0, spans=find_spans(u.text, qa))
              for u in units]
    d = decide(qa, scored, 1, ReadingParams(answer_threshold=0.3, typed_threshold=0.7))
    assert d.kind == "answer" and d.units[0].unit is units[-1]
    # with no name in the document read, the question is still refused
    no_name = [s for s in scored if s.unit is not units[-1]]
    assert decide(qa, no_name, 1, ReadingParams(answer_threshold=0.3, typed_threshold=0.7)).kind == "partial"


def test_the_list_quoted_is_the_provision_whose_units_read_best_together():
    du = DocumentUnits(parse_file(ND60))
    khoan = {}
    for n in du.nodes:
        if n.kind == "diem" and n.parent is not None:
            khoan.setdefault(id(n.parent), n.parent)
    # NĐ 60/2021 Điều 14: khoản 1 (trích lập các quỹ) and khoản 2 (sử dụng các quỹ)
    use = next(k for k in khoan.values() if "Quỹ phúc lợi: Để xây dựng" in du.doc.text[k.start:k.end])
    other = next(k for k in khoan.values() if k is not use and "Quỹ phúc lợi" in du.doc.text[k.start:k.end])
    stray = du.units_of(next(c for c in other.children if "phúc lợi" in du.doc.text[c.start:c.end]))[0]
    good = [du.units_of(c)[0] for c in use.children if "phúc lợi" in du.doc.text[c.start:c.end]
            or "khen thưởng" in du.doc.text[c.start:c.end]][:2]
    assert len(good) == 2
    # a question naming no item of either list ("Quỹ phúc lợi …" names điểm d of khoản 2, which is then quoted
    # alone: tests/test_list_reading.py)
    qa = analyze("Các quỹ của đơn vị sự nghiệp được chi vào những việc gì?")
    scored = [Scored(stray, 0, lex=1.0, dense=0.0), Scored(good[0], 0, lex=0.9, dense=0.0),
              Scored(good[1], 0, lex=0.85, dense=0.0)]
    d = decide(qa, scored, 1, ReadingParams(answer_threshold=0.2, w_rank=0.0), lambda u: du.provision(u.node))
    assert d.kind == "list" and d.provision is use
    # one unit alone: its own provision
    d = decide(qa, scored[:1], 1, ReadingParams(answer_threshold=0.2, w_rank=0.0), lambda u: du.provision(u.node))
    assert d.kind == "list" and d.provision is other


def test_a_long_sentence_is_quoted_whole_and_a_short_list_s_items_in_full():
    du = DocumentUnits(parse_file(ND118))
    unit = next(u for u in du.all_units() if "camera" in u.text and u.node.label == "điểm b")
    assert unit.text.endswith("…")  # a reading unit is cut at 600 characters
    whole = whole_sentence(unit.text, unit.node, du.doc.text)
    assert len(whole) > len(unit.text) and whole.startswith(unit.text[:-1].rstrip()) and "lấy số" in whole
    assert whole_sentence("Câu ngắn.", unit.node, du.doc.text) == "Câu ngắn."
    docs = Corpus([ND118])
    retriever = _ChunkRetriever(docs, "nd-118-2025-nd-cp", "Điều 13 > khoản 2")
    ans = Answerer(retriever, docs, docs, Settings(embedding_backend="fake", answer_threshold=0.0)).ask(
        "Bộ phận một cửa phải bố trí những khu vực, thiết bị gì cho dân đến làm thủ tục?")
    assert not ans.abstained and "Điều 13, khoản 2" in ans.answer.splitlines()[0]
    assert "camera" in ans.answer and "lấy số" in ans.answer


def _units(path):
    return DocumentUnits(parse_file(path))


def test_a_what_is_question_is_answered_by_the_defining_sentence_alone():
    du = _units(ND30)
    units = du.all_units()
    defining = next(u for u in units if u.text.startswith("17.") and "Văn thư cơ quan" in u.text)
    using = [u for u in units if "công tác văn thư" in u.text and u is not defining][:2]
    qa = analyze("Văn thư cơ quan là gì?")
    # sentences that use the term read better lexically than the definition; the definition is still the answer
    scored = [Scored(using[0], 0, lex=1.0, dense=0.0), Scored(using[1], 0, lex=0.95, dense=0.0),
              Scored(defining, 0, lex=0.9, dense=0.0)]
    d = decide(qa, scored, 1, ReadingParams(answer_threshold=0.3))
    assert d.kind == "answer" and [s.unit for s in d.units] == [defining]
    # a term the question does not ask about is no definition of it
    assert decide(analyze("Văn bản điện tử là gì?"), scored, 1, ReadingParams(answer_threshold=0.3)).units[0].unit is using[0]


def test_a_plan_s_closing_formula_is_not_quoted_beside_its_content():
    du = _units(HUONG_SEN)
    units = du.all_units()
    closing = next(u for u in units if u.text.startswith("Trên đây là Kế hoạch"))
    content = next(u for u in units if "căn cứ để đánh giá kết quả thực hiện nhiệm vụ" in u.text)
    qa = analyze("Kết quả thực hiện kh cải cách tthc của Hương Sen được dùng vào việc gì?")
    scored = [Scored(closing, 0, lex=0.9, dense=0.0), Scored(content, 0, lex=0.85, dense=0.0)]
    d = decide(qa, scored, 1, ReadingParams(answer_threshold=0.3, keep_ratio=0.8))
    assert [s.unit for s in d.units] == [content]


def test_a_sentence_announcing_a_list_is_answered_with_the_list():
    du = _units(TT01)
    lead = next(u for u in du.all_units() if "có cấu trúc như sau:" in u.text)
    qa = analyze("Mã số hồ sơ thủ tục hành chính có cấu trúc như thế nào?")
    assert not qa.wants_list
    d = decide(qa, [Scored(lead, 0, lex=1.0, dense=0.0)], 1, ReadingParams(answer_threshold=0.3),
               lambda u: du.provision(u.node))
    assert d.kind == "list" and d.provision is lead.node
    assert "YYMMDD" in du.doc.text[lead.node.start:lead.node.end]


def test_a_question_naming_the_kind_of_văn_bản_quotes_a_số_hiệu_of_that_kind():
    du = _units(CV5243)
    units = du.all_units()
    nd = next(u for u in units if "Nghị định số 259/2026/NĐ-CP" in u.text)
    law = next(u for u in units if "Luật Nhà giáo số 73/2025/QH15" in u.text)
    qa = analyze("Luật Nhà giáo là luật số mấy?")
    assert qa.doc_kind == "QH" and analyze("thông tư nào của Bộ Tài chính được nhắc").doc_kind == "TT"
    assert analyze("văn bản nào quy định khung năng lực số").doc_kind is None
    scored = [Scored(u, 0, lex=lex, dense=0.0, spans=find_spans(u.text, qa)) for u, lex in ((nd, 1.0), (law, 0.9))]
    assert all(s.spans for s in scored)
    d = decide(qa, scored, 1, ReadingParams(typed_threshold=0.7, keep_ratio=0.5))
    assert d.kind == "answer" and [s.unit for s in d.units] == [law]


def test_when_a_plan_was_issued_is_read_from_its_header_not_from_the_dates_it_cites():
    du = _units(HOA_BINH)
    units = du.all_units()
    header = next(u for u in units if u.node.kind == "preamble" and "ngày 27 tháng 5 năm 2024" in u.text)
    cited = next(u for u in units if u.text.startswith("Căn cứ Quyết định số 2844"))
    qa = analyze("Trường Tiểu học Hòa Bình ban hành kế hoạch PAPI năm 2024 ngày nào?")
    assert qa.answer_type == TIME and qa.issued
    assert not analyze("Quyết định số 2844 của UBND TP.HCM ban hành ngày nào?").issued  # another văn bản's date
    scored = [Scored(u, 0, lex=lex, dense=0.0, spans=find_spans(u.text, qa)) for u, lex in ((cited, 0.9), (header, 0.5))]
    assert all(s.spans for s in scored)
    d = decide(qa, scored, 1, ReadingParams(answer_threshold=0.3, typed_threshold=0.7))
    assert d.kind == "answer" and [s.unit for s in d.units] == [header]
