"""Query-side reading (index/question_forms.py) and passage-side definitions
(index/definitions.py) on real questions and real corpus text."""

from __future__ import annotations

import re

from index.definitions import defined_terms, term_match
from index.question_forms import definition_term, expand_shorthand, is_document_question, strip_question_form
from tests.conftest import ND61, DECREES


def test_strip_question_form_keeps_the_subject():
    # an ALQAC-style true/false question
    q = ("Theo quy định, hợp đồng lữ hành phải được lập thành văn bản, đúng hay sai?")
    assert strip_question_form(q) == "hợp đồng lữ hành phải được lập thành văn bản"
    # "a" as a điểm letter survives; only the courtesy "ạ" goes
    assert strip_question_form("Điểm a khoản 2 Điều 5 quy định gì ạ?") == "Điểm a khoản 2 Điều 5 quy định gì"
    # nothing but form words: the text comes back unchanged
    assert strip_question_form("đúng hay sai?") == "đúng hay sai?"
    assert strip_question_form("") == ""


def test_expand_shorthand_writes_out_staff_abbreviations():
    assert expand_shorthand("bp 1 cửa ko nhận hồ sơ") == "bộ phận một cửa không nhận hồ sơ"
    # whole words only: "bpm" or "ng." inside another word are not touched
    assert expand_shorthand("Bpm") == "Bpm"


def test_definition_term_of_staff_questions():
    assert definition_term("Văn thư cơ quan là gì?") == "van thu co quan"
    assert definition_term("CCHC là viết tắt của gì?") == "cchc"
    assert definition_term("Theo Nghị định 61/2018/NĐ-CP, Bộ phận Một cửa là gì?") == "bo phan mot cua"
    assert definition_term("thế nào là văn bản điện tử") == "van ban dien tu"
    assert definition_term("bp một cửa là gì vậy ạ") == "bo phan mot cua"
    # not definitional
    assert definition_term("Bộ phận Một cửa làm việc mấy ngày một tuần?") is None
    assert definition_term("") is None


def test_is_document_question():
    assert is_document_question("Văn bản nào quy định cơ chế một cửa?")
    assert is_document_question("Chỉ số SIPAS được phê duyệt theo quyết định nào?")
    assert is_document_question("thủ tục này do qđ nào ban hành")
    assert is_document_question("Luật số mấy quy định về cư trú")
    assert not is_document_question("Bộ phận Một cửa có nhiệm vụ gì?")
    assert not is_document_question("Kế hoạch năm 2024 có mấy mục tiêu?")


def _article(path, number: int) -> str:
    text = path.read_text(encoding="utf-8")
    m = re.search(rf"^Điều {number}\..*?(?=^Điều {number + 1}\.)", text, re.S | re.M)
    assert m, f"Điều {number} not found in {path.name}"
    return m.group(0)


def test_defined_terms_of_a_giai_thich_tu_ngu_article():
    terms = defined_terms(_article(ND61, 3))  # NĐ 61/2018/NĐ-CP, Điều 3. Giải thích từ ngữ
    assert "co che mot cua trong giai quyet thu tuc hanh chinh" in terms
    assert "co che mot cua lien thong trong giai quyet thu tuc hanh chinh" in terms
    assert "bo phan mot cua" in terms
    assert "cong dich vu cong quoc gia" in terms
    # a sentence about a case is not a definition
    assert not any(t.startswith(("neu ", "khi ")) for t in terms)


def test_defined_terms_aliases_and_abbreviations():
    nd60 = (DECREES / "nd-60-2021-nd-cp.txt").read_text(encoding="utf-8")
    terms = defined_terms(nd60)
    assert "don vi nhom 1" in terms  # "(sau đây gọi là đơn vị nhóm 1)"
    assert "don vi su nghiep cong" in terms
    assert "tthc" in defined_terms("Rà soát, đơn giản hóa thủ tục hành chính (TTHC) trong năm.")
    assert defined_terms("") == set()


def test_term_match_grades():
    assert term_match("bo phan mot cua", "bo phan mot cua") == 2
    assert term_match("co che mot cua lien thong", "co che mot cua lien thong trong giai quyet thu tuc hanh chinh") == 1
    assert term_match("mot", "mot cua") == 0  # one word is too short a prefix
    assert term_match("van thu", "bo phan mot cua") == 0
    assert term_match("", "x") == 0


def test_expand_abbreviations_writes_out_the_words_a_decree_uses():
    from index.question_forms import expand_abbreviations

    # NĐ 118/2025 Điều 33 never writes "TTHC": the question's initialism must become its words
    nd118 = (DECREES / "nd-118-2025-nd-cp.txt").read_text(encoding="utf-8")
    art33 = nd118[nd118.index("Điều 33."):nd118.index("Điều 34.")]
    assert "TTHC" not in art33 and "giải quyết thủ tục hành chính" in art33
    q = "dân đánh giá việc giải quyết tthc theo những tiêu chí nào vậy ạ"
    assert expand_abbreviations(q) == "dân đánh giá việc giải quyết thủ tục hành chính theo những tiêu chí nào vậy ạ"
    assert expand_abbreviations("Kế hoạch CCHC của UBND quận") == "Kế hoạch cải cách hành chính của Ủy ban nhân dân quận"
    # a hyphenated initialism, and a gloss in parentheses is not part of the words
    assert expand_abbreviations("họp CB-GV-CNV") == "họp cán bộ, giáo viên, công nhân viên"
    assert expand_abbreviations("khảo sát SIPAS") == "khảo sát Chỉ số hài lòng về sự phục vụ hành chính"
    # a word with a Vietnamese mark or an unknown token is left alone
    assert expand_abbreviations("Đảng ủy, PAPI, Tuổi Hồng") == "Đảng ủy, PAPI, Tuổi Hồng"


def test_abbreviation_table_keeps_the_corpus_abbreviations_their_words_spell(small_service):
    from index.question_forms import abbreviation_table, spelled_by

    glossary = small_service.index.knowledge.glossary()
    extra = {e.term: e.expansion for e in glossary.values() if e.from_corpus}
    # the Hương Sen plan defines "thủ tục hành chính (TTHC)"; the Hòa Bình plan "… (PAPI)", an English acronym
    assert spelled_by("TTHC", extra["TTHC"])
    assert "PAPI" in extra and not spelled_by("PAPI", extra["PAPI"])
    table = abbreviation_table(extra)
    assert table["TTHC"] == "thủ tục hành chính" and "PAPI" not in table
    assert small_service.index.abbreviations()["CCHC"] == "cải cách hành chính"


def test_quoted_phrases():
    from index.question_forms import quoted_phrases

    q = 'Phương châm "dân biết, dân bàn, dân làm..." trong kế hoạch PAPI của Trường Hòa Bình gồm những gì?'
    assert quoted_phrases(q) == ["dan biet dan ban dan lam"]
    assert quoted_phrases("chỉ tiêu “Cải cách tổ chức bộ máy” giao cho ai") == ["cai cach to chuc bo may"]
    # one quoted word is a name, not a passage's text
    assert quoted_phrases('nội dung "PAPI" là gì') == [] and quoted_phrases("") == []


def test_a_quoted_phrase_brings_the_passage_that_holds_it_first(small_service):
    from index.lexical_tokens import folded_words

    # the OCR-damaged Hòa Bình plan: "… theo phuong cham “dan biét, dan ban, dan lam, dan kiém tra …”"
    q = 'Phương châm "dân biết, dân bàn, dân làm..." trong kế hoạch PAPI của Trường Hòa Bình gồm những gì?'
    for query in (q, 'Phuong cham "dan biet, dan ban, dan lam..." trong ke hoach PAPI cua Truong Hoa Binh gom nhung gi?'):
        hits = small_service.search(query, k=5)
        top = hits[0].chunk
        assert " dan biet dan ban dan lam " in folded_words(f"{top.text}\n{top.index_text}")


def test_search_reads_an_initialism_as_its_words(small_service):
    from index.hybrid import query_view

    view = query_view("dân đánh giá việc giải quyết tthc theo những nội dung nào")
    # both spellings are searched: "TTHC" of the plans and the words of the decree
    assert "tthc" in view.lexical and "thủ tục hành chính" in view.lexical and "tthc" not in view.dense
    # NĐ 61/2018 Điều 31 khoản 1: "được đánh giá thông qua ý kiến đánh giá của các tổ chức, cá nhân theo các nội dung sau đây"
    hits = small_service.search("dân đánh giá việc giải quyết tthc theo những nội dung nào", k=5, mode="bm25")
    assert any(h.meta.doc_id == "nd-61-2018-nd-cp" and "Điều 31" in h.chunk.index_text for h in hits)
    # a definitional question keeps the initialism as typed ("CCHC là viết tắt của gì" asks about "cchc")
    assert query_view("CCHC là viết tắt của gì?").plain == "CCHC là viết tắt của gì?"


def test_asks_citing():
    from index.question_forms import asks_citing

    assert asks_citing("Những kế hoạch của trường nào có nhắc đến Nghị định 106/2020/NĐ-CP về vị trí việc làm?")
    assert asks_citing("Kế hoạch của trường nào trong kho tài liệu nhắc đến Nghị định 120/2020/NĐ-CP?")
    assert asks_citing("van ban nao vien dan nd 61/2018")
    # what the named document itself says
    assert not asks_citing("Nghị định 61/2018 nhắc đến những gì")
    assert not asks_citing("Nghị định 61/2018/NĐ-CP quy định Bộ phận Một cửa làm gì?")


def test_which_plans_cite_a_decree_brings_the_citing_passages_first(small_service):
    from corpus.legal_refs import find_references

    # the Bến Thành plan cites NĐ 61/2018 by số hiệu; the decree itself is indexed too
    hits = small_service.search("Kế hoạch của trường nào nhắc đến Nghị định 61/2018/NĐ-CP?", k=5)
    assert hits[0].meta.doc_id != "nd-61-2018-nd-cp"
    assert any(r.so_hieu and r.so_hieu.startswith("61/2018") for r in find_references(hits[0].chunk.text))
    # asked what the decree says, its own passages stay first
    own = small_service.search("Nghị định 61/2018/NĐ-CP quy định Bộ phận Một cửa làm gì?", k=5)
    assert all(h.meta.doc_id == "nd-61-2018-nd-cp" for h in own)


def test_clock_times_are_written_as_the_van_ban_write_them():
    from index.question_forms import clock_times

    # NĐ 118/2025/NĐ-CP Điều 18 khoản 2: "… đối với trường hợp tiếp nhận sau 15 giờ hàng ngày"
    assert "sau 15 giờ hàng ngày" in (DECREES / "nd-118-2025-nd-cp.txt").read_text(encoding="utf-8")
    assert clock_times("con nop truc tiep ma sau 3h chieu thi khi nao") == "con nop truc tiep ma sau 15 giờ thi khi nao"
    assert clock_times("nộp lúc 15h30") == "nộp lúc 15 giờ 30 phút"
    assert clock_times("trả kết quả trong 24h") == "trả kết quả trong 24 giờ"
    assert clock_times("họp lúc 8 giờ sáng") == "họp lúc 8 giờ"
    assert clock_times("10h tối") == "22 giờ"
    # not a clock time: a số hiệu part, a điểm's label after a number, a bare "8 giờ"
    for text in ("Quyết định 2h/2020", "khoản 3 h", "sau 8 giờ", "25h"):
        assert clock_times(text) == text
    assert expand_shorthand("nộp hs sau 3h chiều") == "nộp hồ sơ sau 15 giờ"
