"""Question analysis, typed spans and provision-level reading on real text of
the bundled corpus (no index, no model: the documents are parsed from files)."""

from __future__ import annotations

import pytest

from assistant.answering import Answerer
from assistant.extractive import LIST_ITEMS_SHOWN, ReadingParams, decide
from assistant.question import COUNT, DOCUMENT, LIST, MONEY, PERSON, RATIO, TIME, YESNO, analyze
from assistant.reading import DocumentUnits
from assistant.settings import Settings
from assistant.spans import find_spans, person_names
from corpus.pipeline import parse_file
from index.types import Hit
from tests.conftest import DECREES, PLANS
from tests.test_protocols import Corpus

ND118 = DECREES / "nd-118-2025-nd-cp.txt"
ND60 = DECREES / "nd-60-2021-nd-cp.txt"
ND161 = DECREES / "nd-161-2026-nd-cp.txt"
HOA_PHUONG = PLANS / "2023-mn-hoa-phuong-q8-cchc.txt"


@pytest.mark.parametrize("question, kind", [
    ("lương tối thiểu vùng bây giờ bao nhiêu tiền một tháng", MONEY),
    ("muc luong co so la bao nhieu vay", MONEY),
    ("trường đặt chỉ tiêu mấy % hồ sơ giải quyết đúng hạn?", RATIO),
    ("ti le giao vien dung chu ky so phai dat bao nhieu", RATIO),
    ("báo cáo quý gửi chậm nhất là ngày nào", TIME),
    ("thoi han tra loi ho so la bao lau", TIME),
    ("một đợt cử cán bộ ra một cửa tối đa mấy tháng", TIME),
    ("quy chế văn thư ban hành theo quyết định số mấy", DOCUMENT),
    ("thông tư nào quy định về chế độ báo cáo?", DOCUMENT),
    # "mấy quy định" is no "mấy quý"; the văn bản asked may be named long before "là số mấy"
    ("nghị định số mấy quy định về cơ chế một cửa", DOCUMENT),
    ("kế hoạch của ubnd quận về cải thiện chỉ số hài lòng năm 2024 mà trường bến thành căn cứ là số mấy", DOCUMENT),
    ("mấy quý thì phải báo cáo một lần", TIME),
    ("trung tâm được tối đa mấy phó giám đốc", COUNT),
    ("đơn vị tự bảo đảm 40% chi thường xuyên thuộc nhóm mấy", COUNT),
    ("ai ký kế hoạch này", PERSON),
    ("hiệu trưởng trường đó tên là gì", PERSON),
    ("Bộ phận tiếp nhận có những nhiệm vụ gì", LIST),
    ("hồ sơ đề nghị gồm những giấy tờ nào", LIST),
    ("giáo viên có được nghỉ bù không", YESNO),
])
def test_answer_type_from_accented_unaccented_and_chat_questions(question, kind):
    assert analyze(question).answer_type == kind


def test_the_nao_and_ky_luat_ask_no_van_ban():
    # "thế nào" asks how, "kỷ luật" is no luật: neither makes a question ask for a văn bản
    for q in ("nộp chậm báo cáo kiểm soát tthc thì bị kỷ luật thế nào", "nghị định 30 quy định thể thức thế nào",
              "nop cham bao cao thi bi ky luat the nao"):
        assert analyze(q).answer_type != DOCUMENT, q
    for q in ("luật nào quy định kỷ luật công chức", "văn bản nào quy định thể thức văn bản hành chính"):
        assert analyze(q).answer_type == DOCUMENT, q


def test_lượng_folded_to_luong_is_no_salary():
    # folding writes "số lượng" like "số lương": a count of people is no amount of money; "hệ số lương" still is
    for q in ("thành lập đơn vị sự nghiệp công lập phải bảo đảm số lượng người làm việc tối thiểu bao nhiêu?",
              "thanh lap don vi phai bao dam so luong nguoi lam viec toi thieu bao nhieu"):
        assert analyze(q).answer_type == COUNT, q
    assert analyze("chất lượng giải quyết hồ sơ được chấm bao nhiêu điểm").answer_type == COUNT
    assert analyze("mức lương cơ sở hiện nay là bao nhiêu").answer_type == MONEY
    assert analyze("hệ số lương giáo viên mầm non hạng III là bao nhiêu").answer_type == MONEY


def test_ten_la_gi_asks_a_persons_name_only_of_a_person():
    # "tên là gì" names the noun before it: a công trình's name is no họ tên ("đăng ký" holds no "ký")
    for q in ("Trường Mầm non Bến Thành đăng ký công trình thi đua CCHC năm 2024 tên là gì?",
              "nam 2024 truong ben thanh dang ky cong trinh thi dua cchc ten la gi"):
        qa = analyze(q)
        assert qa.answer_type != PERSON and not qa.needs_name, q
    for q in ("hiệu trưởng trường đó tên là gì", "bộ trưởng bộ tư pháp ký thông tư 09/2026 tên gì",
              "hieu truong mn huong sen ten la gi", "người ký kế hoạch tên là gì"):
        qa = analyze(q)
        assert qa.answer_type == PERSON and qa.needs_name, q


def test_analysis_tells_names_from_titles_and_mấy_from_máy():
    assert analyze("hiệu trưởng trường đó tên là gì").needs_name
    assert analyze("kế hoạch do ai ký").needs_name
    assert not analyze("ai chịu trách nhiệm chỉ đạo").needs_name
    assert analyze("đơn vị tự bảo đảm 40% chi thường xuyên thuộc nhóm mấy").unit == "nhom"
    assert analyze("phải kết nối tới mấy phường").unit == "phuong"
    assert analyze("máy tính của trường dùng phần mềm gì").answer_type != COUNT
    qa = analyze("bn % hs dc giai quyet dung han ko")
    assert qa.answer_type == RATIO and "khong" in qa.normalized.split()


def test_spans_on_decree_sentences():
    text161 = ND161.read_text(encoding="utf-8")
    line = next(ln for ln in text161.splitlines() if "mức lương cơ sở là" in ln)
    assert [s.text for s in find_spans(line, analyze("lương cơ sở bây giờ bao nhiêu"))] == ["2.530.000 đồng"]
    text118 = ND118.read_text(encoding="utf-8")
    line = next(ln for ln in text118.splitlines() if "không ít hơn 12 tháng" in ln)
    spans = [s.text for s in find_spans(line, analyze("cử ra một cửa mỗi đợt tối thiểu bao lâu"))]
    assert "12 tháng" in spans and "36 tháng" in spans
    line = next(ln for ln in text118.splitlines() if "không quá 03 ngày làm việc" in ln)
    assert any("03 ngày làm việc" in s.text for s in find_spans(line, analyze("mấy ngày phải báo trả hồ sơ")))
    # a question's own figure is not an answer
    assert find_spans("Đơn vị tự bảo đảm 40% chi thường xuyên.", analyze("tự bảo đảm 40% thì sao, bao nhiêu %")) == []
    # a percentage is not a count of teachers
    assert find_spans("100% giáo viên sử dụng hộp thư điện tử.", analyze("có bao nhiêu giáo viên")) == []


def test_person_names_are_names_not_titles_or_places():
    assert [s.text for s in person_names("HIỆU TRƯỞNG Nguyễn Thị Lan Anh")] == ["Nguyễn Thị Lan Anh"]
    assert person_names("Hiệu trưởng là người trực tiếp chỉ đạo công tác cải cách hành chính.") == []
    assert person_names("Ủy ban nhân dân Thành phố Hồ Chí Minh") == []


def test_a_diem_carries_its_khoan_lead_in_and_its_provision_is_the_whole_list():
    du = DocumentUnits(parse_file(ND60))
    nodes = [n for n in du.nodes if n.kind == "diem" and n.parent is not None and "nhóm 3" in
             du.doc.text[n.parent.start:n.parent.end][:300]]
    assert nodes, "NĐ 60/2021 Điều 9 khoản 3 has điểm under the 'nhóm 3' lead-in"
    unit = du.units_of(nodes[0])[0]
    assert "nhóm 3" in unit.lead_in and unit.embed_text.startswith(unit.lead_in)
    prov = du.provision(nodes[0])
    assert prov is nodes[0].parent and len(prov.children) >= 2


class _ChunkRetriever:
    """Retriever returning the chunks whose section path contains ``section`` (best first)."""

    def __init__(self, docs: Corpus, doc_id: str, section: str):
        self.docs, self.doc_id, self.section = docs, doc_id, section

    def search(self, query, k=5):
        d = next(d for d in self.docs.docs if d.meta.doc_id == self.doc_id)
        return [Hit(chunk=c, meta=d.meta, score=1.0, confidence=1.0) for c in d.chunks if self.section in c.section][:k]

    def missing_entities(self, query):
        return []

    def term_idf(self, term):
        return 1.0


def test_list_question_returns_every_point_of_the_provision_with_its_lead_in():
    docs = Corpus([ND118])
    retriever = _ChunkRetriever(docs, "nd-118-2025-nd-cp", "Điều 8 > khoản 1")
    ans = Answerer(retriever, docs, docs, Settings(embedding_backend="fake")).ask("Bộ phận Một cửa có nhiệm vụ gì?")
    assert not ans.abstained
    lines = ans.answer.splitlines()
    assert "Điều 8, khoản 1" in lines[0] and "Nhiệm vụ, quyền hạn chung" in lines[0]
    text = parse_file(ND118).text
    start = text.index("1. Nhiệm vụ, quyền hạn chung")
    points = [ln for ln in text[start:text.index("\n2. ", start)].splitlines() if ln[:2] in {f"{c})" for c in "abcdđeghi"}]
    assert len(points) >= 8
    shown = [ln for ln in lines[1:] if ln.strip()[:2] in {f"{c})" for c in "abcdđeghi"}]
    assert len(shown) == min(len(points), LIST_ITEMS_SHOWN)  # every point (or the first ones and "…")
    assert all(ln.rstrip().endswith("[1]") for ln in lines)
    assert ans.citations[0].text.count("\n") >= len(points)  # the cited passage is the whole provision


def test_money_question_without_money_in_the_passages_gets_a_partial_answer():
    docs = Corpus([HOA_PHUONG])
    retriever = _ChunkRetriever(docs, "2023-mn-hoa-phuong-q8-cchc", "III")
    ans = Answerer(retriever, docs, docs, Settings(embedding_backend="fake", answer_threshold=0.0)).ask(
        "Trường Hoa Phượng được cấp bao nhiêu tiền cho công tác cải cách hành chính?")
    assert ans.abstained and ans.answer.startswith("Tài liệu không nêu số tiền")
    assert ans.citations and "[1]" in ans.answer  # the closest passage is still quoted, cited


def test_decide_answers_a_typed_question_only_from_a_unit_holding_the_type():
    du = DocumentUnits(parse_file(ND161))
    hits_units = [u for u in du.all_units() if "lương cơ sở" in u.text]
    qa = analyze("lương cơ sở bây giờ bao nhiêu")
    from assistant.reading import Scored

    scored = [Scored(u, 0, lex=1.0, dense=0.0, spans=find_spans(u.text, qa)) for u in hits_units]
    d = decide(qa, scored, 1, ReadingParams(answer_threshold=0.2, typed_threshold=0.2))
    assert d.kind == "answer" and all(s.spans for s in d.units)
    assert "2.530.000" in d.units[0].unit.text
    no_money = [s for s in scored if not s.spans]
    assert decide(qa, no_money, 1, ReadingParams(answer_threshold=0.2, typed_threshold=0.2)).kind == "partial"


def test_a_line_flagged_as_addressed_to_an_assistant_is_never_an_answer_unit():
    import dataclasses

    doc = parse_file(ND161)
    target = next(c for c in doc.chunks if "2.530.000 đồng" in c.text)
    line_start = target.text.index("mức lương cơ sở là 2.530.000")
    line_end = target.text.index("\n", line_start) if "\n" in target.text[line_start:] else len(target.text)
    flagged = [dataclasses.replace(c, **({"instruction_spans": [[line_start, line_end]]}
                                         if c is target and hasattr(c, "instruction_spans") else {}))
               for c in doc.chunks]
    if not hasattr(target, "instruction_spans"):  # before the ingest-time flag lands, set it by hand
        for c in flagged:
            if c.chunk_id == target.chunk_id:
                object.__setattr__(c, "instruction_spans", [[line_start, line_end]])
    du = DocumentUnits(dataclasses.replace(doc, chunks=flagged))
    texts = [u.text for u in du.all_units()]
    assert not any("mức lương cơ sở là 2.530.000" in t for t in texts)
    assert any("2.530.000" not in t and "lương cơ sở" in t for t in texts)


def test_written_numbers_count_only_with_their_diacritics():
    qa = analyze("mỗi hồ sơ được cấp mấy mã số")
    assert [s.text for s in find_spans("Mỗi hồ sơ được cấp 01 (một) Mã số hồ sơ.", qa)] == ["01 (một) Mã số"]
    assert [s.text for s in find_spans("Cán bộ yêu cầu bổ sung hồ sơ một lần.", analyze("yêu cầu bổ sung mấy lần"))] == ["một lần"]
    # "tâm" is not "tám": no count of centres in a sentence that only names them
    assert find_spans("Trung tâm Phục vụ hành chính công cấp xã", analyze("có bao nhiêu trung tâm")) == []


def test_the_issue_date_of_a_cited_van_ban_answers_only_a_question_about_that_van_ban():
    from assistant.spans import issue_date_of
    from tests.conftest import bundled_dir

    cv = DocumentUnits(parse_file(bundled_dir() / "guidance" / "cv-5208-bgddt-gdpt-2026.txt"))
    unit = next(u for u in cv.all_units() if u.text.startswith("Công văn số 4112/BGDĐT-GDPT ngày 02/7/2026"))
    # "ngày 02/7/2026" is when Công văn 4112 was issued, not when the school year ends
    spans = find_spans(unit.text, analyze("nam hoc 2026-2027 ket thuc ngay nao"))
    assert not any("02/7/2026" in s.text for s in spans)
    span = next(s for s in find_spans(unit.text, analyze("cong van 4112 ban hanh ngay nao")) if "02/7/2026" in s.text)
    assert issue_date_of(unit.text, span).raw == "4112/BGDĐT-GDPT"
    # a question naming the văn bản by its number asks its date
    assert any("02/7/2026" in s.text for s in find_spans(unit.text, analyze("cv 4112 ngày mấy")))
    # a deadline is no issue date: Hoa Phượng's "gửi trước ngày 05/3, 05/6, …"
    q = analyze("báo cáo cchc quý 1 gửi trước ngày nào")
    hp = DocumentUnits(parse_file(PLANS / "2023-mn-hoa-phuong-q8-cchc.txt"))
    unit = next(u for u in hp.all_units() if "gửi trước ngày 05/3" in u.text)
    assert any("05/3" in s.text for s in find_spans(unit.text, q))


def test_a_so_hieu_of_the_kind_asked_is_news_though_the_question_writes_its_figure():
    # Bến Thành's plan, mục III.7.6: the question's "06" names the đề án; the quyết định's số hiệu is the answer
    line = " ".join((PLANS / "2024-mn-ben-thanh-q1-cchc.txt").read_text(encoding="utf-8").split())
    start = line.index("7.6. Tiếp tục triển khai")
    sentence = line[start:line.index("Kế hoạch số 922/KH-UBND", start) + 40]
    qa = analyze("đề án 06 về dữ liệu dân cư, định danh điện tử là quyết định số mấy của thủ tướng")
    assert qa.answer_type == DOCUMENT and qa.doc_kind == "QĐ"
    assert "06/QĐ-TTg" in [s.text for s in find_spans(sentence, qa)]
    # a số hiệu the question names with its kind is not news: "NĐ 60/2021 … và thông tư nào" is not 60/2021/NĐ-CP
    qa = analyze("nđ 60/2021 về tự chủ tài chính được thay bằng nghị định nào")
    assert qa.doc_kind == "NĐ"
    assert find_spans("Nghị định số 60/2021/NĐ-CP ngày 21 tháng 6 năm 2021 của Chính phủ", qa) == []


def test_thong_tu_nao_is_answered_by_a_thong_tu_from_the_named_schools_plan(full_service):
    # the decree the question names is retrieved first; none of its sentences cites a thông tư of the Bộ Tài chính,
    # so the answer comes from Tuổi Hồng's plan (mục II.12: "… và Thông tư số 56/2022/TT-BTC …")
    q = "Tuổi Hồng làm tự chủ tài chính theo NĐ 60/2021 với thông tư nào của bộ tài chính vậy?"
    reading = full_service.answerer.prepare(q)
    assert any(h.meta.doc_id == "nd-60-2021-nd-cp" for h in reading.hits)
    assert any(h.meta.doc_id == "2023-mn-tuoi-hong-q1-par-index" for h in reading.hits)
    a = full_service.ask(q)
    assert not a.abstained and "56/2022/TT-BTC" in a.answer and "Tuổi Hồng" in a.answer
    # a thông tư asked where the corpus cites none for it: no decree sentence is passed off as one
    a = full_service.ask("NĐ 106/2020 về vị trí việc làm được hướng dẫn bởi thông tư nào của Bộ Tài chính?")
    assert a.abstained and a.answer.startswith("Tài liệu không nêu số hiệu văn bản")


@pytest.mark.parametrize("question, name", [
    ("ai là trưởng ban chỉ đạo CCHC của trường MN Hoa Phượng", True),
    ("chủ tịch công đoàn trường mầm non Tuổi Hồng năm 2023 là ai", True),
    # a title at a level of government is held by an office, a role question is answered by a title
    ("Giám đốc trung tâm phục vụ hành chính công cấp tỉnh là ai vậy", False),
    ("ở trường Bến Thành ai là người trực tiếp chỉ đạo CCHC", False),
    ("phó hiệu trưởng trường Hòa Bình là ai đảm nhiệm", False),
])
def test_who_holds_a_title_at_a_named_school_asks_a_name(question, name):
    qa = analyze(question)
    assert qa.answer_type == PERSON and qa.needs_name is name


def test_an_aside_in_brackets_does_not_hide_the_money_noun():
    qa = analyze("mức lương cơ sở (áp dụng từ tháng 7/2026) hiện giờ là bao nhiêu một tháng")
    assert qa.answer_type == MONEY
    assert analyze("số lượng người làm việc (tối thiểu) là bao nhiêu").answer_type == COUNT


def test_a_fraction_of_the_counted_noun_is_a_count_and_an_event_is_no_day():
    # NĐ 30/2020/NĐ-CP Điều 33 khoản 1 điểm b
    sentence = "b) Khi đóng dấu lên chữ ký, dấu đóng phải trùm lên khoảng 1/3 chữ ký về phía bên trái."
    qa = analyze("dấu đóng trùm lên khoảng bao nhiêu chữ ký vậy")
    assert qa.answer_type == COUNT and [s.text for s in find_spans(sentence, qa)] == ["1/3 chữ ký"]
    assert find_spans("Hồ sơ gửi trước ngày 1/3 chữ ký đầy đủ.", qa) == []
    # TT 09/2026/TT-BTP Điều 11 khoản 6: "sau khi được Bộ Tư pháp tiếp nhận" answers "khi nào", not "ngày nào"
    line = ("6. Kết quả thực hiện chế độ báo cáo về kiểm soát thủ tục hành chính của các bộ, cơ quan, địa phương "
            "trên Hệ thống sau khi được Bộ Tư pháp tiếp nhận, tổng hợp được đồng bộ theo thời gian thực")
    assert find_spans(line, analyze("hệ thống báo cáo kiểm soát tthc được đồng bộ từ ngày nào")) == []
    assert find_spans(line, analyze("kết quả báo cáo được đồng bộ khi nào")) != []


def test_a_colour_asked_needs_a_colour_word_and_mau_so_is_a_form():
    from assistant.question import COLOUR

    qa = analyze("đóng dấu cơ quan thì dùng mực màu gì")
    assert qa.answer_type == COLOUR
    # NĐ 30/2020/NĐ-CP Điều 33 khoản 1 điểm a
    spans = find_spans("a) Dấu đóng phải rõ ràng, ngay ngắn, đúng chiều và dùng đúng mực dấu màu đỏ theo quy định.", qa)
    assert [s.text for s in spans] == ["đỏ"]
    assert find_spans("e) Mặc đồng phục hoặc trang phục ngành theo quy định, đeo Thẻ công chức", qa) == []
    assert analyze("nhan vien bp mot cua mac dong phuc mau gi").answer_type == COLOUR
    assert analyze("Theo Thông tư 01/2018/TT-VPCP, mẫu số 04 là mẫu gì?").answer_type != COLOUR
    assert analyze("theo tt 01/2018 mau so 04 la mau gi").answer_type != COLOUR


def test_a_colour_the_van_ban_never_gives_is_not_answered(full_service):
    a = full_service.ask("cán bộ ở bộ phận một cửa phải mặc đồng phục màu nào")
    assert a.abstained
    a = full_service.ask("đóng dấu lên văn bản dùng mực màu gì theo nghị định 30")
    assert not a.abstained and "màu đỏ" in a.answer


def test_an_email_or_phone_asked_needs_one_written():
    from assistant.question import CONTACT

    qa = analyze("email công vụ của trường mn Bến Thành là gì vậy")
    assert qa.answer_type == CONTACT
    spans = find_spans("Liên hệ: mnbenthanh.q1@hcm.edu.vn, điện thoại 028 3829 1234; Quyết định số 1234/QĐ-UBND", qa)
    assert [s.text for s in spans] == ["mnbenthanh.q1@hcm.edu.vn", "028 3829 1234"]
    # Bến Thành's plan asks staff to use the e-mail system; it gives no address
    line = " ".join((PLANS / "2024-mn-ben-thanh-q1-cchc.txt").read_text(encoding="utf-8").split())
    assert "thư điện tử" in line and find_spans(line, qa) == []
    # the e-mail system asked by its văn bản or its share of users stays a DOCUMENT / RATIO question
    assert analyze("hệ thống thư điện tử công vụ được sử dụng theo quyết định nào").answer_type == DOCUMENT
    assert analyze("Bến Thành bắt bao nhiêu % cán bộ xài mail công vụ?").answer_type == RATIO


def test_a_figure_with_its_bound_picks_the_band_of_the_rule(full_service):
    qa = analyze("đơn vị tự bảo đảm dưới 10% chi thường xuyên là nhóm mấy")
    assert "duoi_10" in qa.focus and "10" in qa.focus
    # NĐ 60/2021/NĐ-CP Điều 9 khoản 4: "… dưới 10%" is nhóm 4; khoản 3 ("từ 10% đến dưới 100%") is nhóm 3
    a = full_service.ask("theo nđ 60 đơn vị sự nghiệp tự bảo đảm chi thường xuyên dưới 10% thì xếp nhóm mấy")
    assert not a.abstained and a.answer.split("\n")[0].count("nhóm 4") >= 1


def test_a_figure_after_the_counted_noun_and_co_counts_the_noun_that_follows_it():
    # CV 4054/BGDĐT-GDPT: "bố trí mỗi phân hiệu có 01 phó hiệu trưởng phụ trách" gives the phó hiệu trưởng per
    # phân hiệu, not a number of phân hiệu
    text = (PLANS.parent / "guidance" / "cv-4054-bgddt-gdpt-2026.txt").read_text(encoding="utf-8")
    line = next(ln for ln in text.splitlines() if "mỗi phân hiệu có 01 phó hiệu trưởng" in ln)
    qa = analyze("truong quy mo lon duoc co bao nhieu phan hieu")
    assert qa.answer_type == COUNT and qa.unit == "phan hieu"
    assert not find_spans(line, qa)
    assert [s.text for s in find_spans("Trường có 03 phân hiệu và 01 điểm trường.", qa)] == ["03 phân hiệu"]
    assert [s.text for s in find_spans("Tổng số phân hiệu là 05.", qa)] == ["phân hiệu là 05"]
