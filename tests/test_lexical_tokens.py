from index.lexical_tokens import fold, folded_words, lexical_tokens, query_terms


def test_fold_strips_vietnamese_diacritics_and_d_stroke():
    assert fold("Nghị định số 60/2021/NĐ-CP") == "nghi dinh so 60/2021/nd-cp"


def test_tokens_keep_so_hieu_whole_and_add_segmented_words():
    toks = lexical_tokens("Căn cứ Nghị định số 60/2021/NĐ-CP về cơ chế tự chủ tài chính")
    assert "60/2021/nd-cp" in toks
    assert "tu_chu" in toks and "tai_chinh" in toks
    assert {"tu", "chu", "tai", "chinh"} <= set(toks)


def test_unaccented_query_shares_syllable_tokens_with_accented_text():
    acc = set(lexical_tokens("tỷ lệ giải quyết hồ sơ đúng hạn"))
    unacc = set(lexical_tokens("ty le giai quyet ho so dung han"))
    assert {"ty", "le", "giai", "quyet", "ho", "so", "dung", "han"} <= acc & unacc


def test_named_entities_from_real_question_shapes():
    from index.lexical_tokens import named_entities

    assert named_entities("Chỉ số PAPI năm 2023 của tỉnh Quảng Ninh đạt bao nhiêu điểm?") == ["quang ninh"]
    assert named_entities("Trường Mầm non Hoa Phượng Quận 8 đặt chỉ tiêu gì?") == ["hoa phuong"]
    assert named_entities("Nghị định 118/2025/NĐ-CP quy định gì?") == ["118/2025/nd-cp"]
    assert named_entities("Giá vé từ Hà Nội đi Đà Nẵng là bao nhiêu?") == ["ha noi", "da nang"]
    assert named_entities("Tỷ lệ giải quyết hồ sơ đúng hạn là bao nhiêu?") == []


def test_missing_entities_are_those_the_corpus_never_mentions(small_service):
    idx = small_service.index
    assert idx.missing_entities("Trường Mầm non Hoa Sen quận 3 đặt chỉ tiêu hài lòng là bao nhiêu?") == ["hoa sen"]
    assert idx.missing_entities("Trường Mầm non Hương Sen đặt chỉ tiêu hài lòng là bao nhiêu?") == []
    assert idx.missing_entities("Quyết định 3813/QĐ-UBND ban hành quy chế gì?") == []  # only in the OCR scan, repaired
    assert idx.missing_entities("Nghị định 30/2020/NĐ-CP quy định gì?") == ["30/2020/nd-cp"]


def test_so_hieu_tokens_are_the_canonical_form_of_the_one_grammar():
    """Số hiệu are read with corpus.legal_refs: an OCR-damaged code in a real
    scan ("2844/QDP-UBND", Hòa Bình plan) yields the same token as the clean
    spelling, and digit compounds (dates, periods) stay whole."""
    from pathlib import Path

    from index.lexical_tokens import compound_tokens

    plan = Path(__file__).resolve().parent.parent / "corpus/documents/plans/2024-th-hoa-binh-q1-papi.txt"
    line = next(ln for ln in plan.read_text(encoding="utf-8").splitlines() if "2844/QDP-UBND" in ln)
    assert "2844/qd-ubnd" in lexical_tokens(line, segment=False)
    assert "2844/qd-ubnd" in lexical_tokens("Quyết định số 2844/QĐ-UBND", segment=False)
    toks = [t for _s, _e, t in compound_tokens("giai đoạn 2021-2025, trước ngày 21/3/2023, Nghị định 61/2018")]
    assert toks == ["2021-2025", "21/3/2023", "61/2018"]


def test_has_term_contiguous_words_and_partial_so_hieu():
    """One match serves term_coverage, the reader's covered terms and the focus check."""
    from index.lexical_tokens import folded_words, has_term

    hay = folded_words("Bãi bỏ Nghị định số 61/2018/NĐ-CP về thực hiện cơ chế một cửa, một cửa liên thông")
    assert has_term(hay, "mot_cua") and has_term(hay, "mot cua lien thong")
    assert has_term(hay, "61/2018") and has_term(hay, "61/2018/nd-cp")
    assert not has_term(hay, "61/201") and not has_term(hay, "cua_lien_ket")


def test_bound_qualifiers_are_one_term_in_each_direction():
    """"tối đa" / "không quá" / "không nhiều hơn" (an upper bound) and "tối thiểu" / "không ít hơn" / "ít nhất"
    (a lower bound) are one term each, matched on the decrees' own wording (NĐ 118/2025/NĐ-CP Điều 10,
    Điều 11 khoản 1 điểm a and khoản 4, Điều 19 khoản 6)."""
    from corpus.pipeline import bundled_dir
    from index.lexical_tokens import folded_words, has_term, query_terms, term_coverage

    nd118 = (bundled_dir() / "decrees" / "nd-118-2025-nd-cp.txt").read_text(encoding="utf-8").splitlines()
    term = next(x for x in nd118 if "không ít hơn 12 tháng và không nhiều hơn 36 tháng mỗi đợt" in x)
    deputies = next(x for x in nd118 if "không quá 03 Phó Giám đốc" in x)
    seniority = next(x for x in nd118 if "thâm niên công tác tối thiểu 02 năm" in x)
    once = next(x for x in nd118 if "không quá một lần" in x)
    # the question's form, accented or as restored, is the canonical term of its direction
    assert "toi_da" in query_terms("thời hạn cử cán bộ tối đa bao lâu")
    assert query_terms("không nhiều hơn 36 tháng")[0] == "toi_da" and "hon" not in query_terms("không nhiều hơn 36 tháng")
    assert "toi_thieu" in query_terms("thâm niên ít nhất mấy năm") and "toi_thieu" in query_terms("không ít hơn 12 tháng")
    for text in (term, deputies, once):
        assert has_term(folded_words(text), "toi_da")
    assert has_term(folded_words(term), "toi_thieu") and has_term(folded_words(seniority), "toi_thieu")
    assert not has_term(folded_words(deputies), "toi_thieu") and not has_term(folded_words(seniority), "toi_da")
    # "không qua" (not through) folds like "không quá": a bound only before a figure
    assert "toi_da" not in query_terms("nộp hồ sơ không qua dịch vụ bưu chính")
    assert not has_term(folded_words("tổ chức, cá nhân nộp hồ sơ không qua dịch vụ bưu chính công ích"), "toi_da")
    # the clerk's "tối đa" now covers the khoản that says "không nhiều hơn"
    terms = query_terms("thời hạn tối đa mỗi đợt cử cán bộ đến bộ phận một cửa")
    assert "toi_da" in terms and term_coverage(terms, term, lambda t: 1.0) == 1.0


def test_a_word_the_segmenter_glued_is_split_into_the_corpus_words(full_service):
    from index.lexical_tokens import split_glued

    idf = full_service.index.term_idf
    full_service.index.search("bộ phận một cửa", k=1)  # BM25 statistics loaded
    # "dấu HỎA TỐC khắc sẵn kích thước bao nhiêu": capitals glued to the next word, and "sẵn" to "kích thước"
    terms = tuple(query_terms("dấu HỎA TỐC khắc sẵn kích thước bao nhiêu"))
    assert "hoa_toc_khac" in terms and idf("hoa_toc_khac") == idf("")
    assert split_glued(terms, idf) == ("dau", "hoa_toc", "khac", "san", "kich_thuoc")
    # a số hiệu, a two-syllable word and a word a passage read writes are kept as they are: "bộ phận một cửa"
    # is no BM25 token, but NĐ 118/2025 writes it
    assert idf("bo_phan_mot_cua") == idf("")
    nd118 = next(d for d in full_service.parsed_documents() if d.meta.doc_id == "nd-118-2025-nd-cp")
    texts = [folded_words(c.index_text) for c in nd118.chunks[:20]]
    assert split_glued(("bo_phan_mot_cua", "118/2025/nd-cp", "khai_giang"), idf, texts=texts) == (
        "bo_phan_mot_cua", "118/2025/nd-cp", "khai_giang")
    # "đơn vị sự" glued from "đơn vị sự nghiệp" is written inside that phrase (kept); unread, it is split
    assert split_glued(("don_vi_su",), idf, texts=texts) == ("don_vi_su",)
    assert split_glued(("don_vi_su",), idf) == ("don_vi", "su")
    # a glued word holding a function word loses it ("về dữ liệu" → ve_du_lieu → du_lieu)
    assert split_glued(("ve_du_lieu",), idf) == ("du_lieu",)


def test_a_figure_of_the_question_is_found_in_the_band_of_a_rule_that_holds_it():
    from index.lexical_tokens import has_term, in_written_range
    from tests.conftest import DECREES

    # TT 01/2018/TT-VPCP Điều 15 khoản 3 điểm b: the bands of the xếp loại
    line = next(ln for ln in (DECREES / "tt-01-2018-tt-vpcp.txt").read_text(encoding="utf-8").splitlines()
                if "xếp loại tốt" in ln)
    hay = folded_words(line)
    assert has_term(hay, "13") and has_term(hay, "12") and has_term(hay, "20")  # tốt; tốt; xuất sắc
    assert not in_written_range(folded_words("từ 12 đến dưới 15 điểm xếp loại tốt"), 15)  # "dưới" excludes
    assert in_written_range(folded_words("từ 9 đến 12 điểm"), 12)
    # NĐ 60/2021/NĐ-CP: "Đơn vị tự bảo đảm từ 30% đến dưới 70% chi thường xuyên" holds 50 (%)
    nd60 = next(ln for ln in (DECREES / "nd-60-2021-nd-cp.txt").read_text(encoding="utf-8").splitlines()
                if "từ 30% đến dưới 70%" in ln)
    assert has_term(folded_words(nd60), "50") and not has_term(folded_words(nd60), "80")
    # a year or a số hiệu is never read as a figure in a band
    assert not has_term(folded_words("từ 2021 đến 2025"), "2024")


def test_named_places_reads_staff_forms_and_skips_organisation_names():
    from index.lexical_tokens import named_places, place_in

    assert named_places("theo cv 4054 thì tp hcm phải sáp nhập mấy trường") == ("ho chi minh",)
    assert named_places("TP.HCM và tphcm") == ("ho chi minh",)
    assert named_places("phần mềm bên Q1 kết nối tới mấy phường") == ("quan 1",)
    assert named_places("Năm 2022 quận 8 giải quyết đúng hạn bao nhiêu %") == ("quan 8",)
    assert named_places("Quận Gò Vấp năm 2024 xếp hạng thứ mấy") == ("go vap",)
    # the place names who issued or receives a văn bản the question names: not what it asks about
    assert named_places("Quyết định số 2844 của UBND TP.HCM ban hành ngày nào") == ()
    assert named_places("gửi kế hoạch về Phòng Giáo dục và Đào tạo Quận 8 trước ngày nào") == ()
    assert named_places("nộp về pgd q8 trước ngày mấy") == ()
    assert named_places("Công văn số 12/UBND của UBND quận Gò Vấp hướng dẫn gì") == ()
    assert named_places("Bộ phận Một cửa cấp xã, phường có nhiệm vụ gì") == ()
    # the forms văn bản write them in
    assert place_in(folded_words("ỦY BAN NHÂN DÂN QUẬN 1"), "quan 1")
    assert place_in(folded_words("UBND Q.1"), "quan 1") and not place_in(folded_words("Quận 10"), "quan 1")
    assert place_in(folded_words("Thành phố Hồ Chí Minh, ngày 5 tháng 1"), "ho chi minh")
    assert not place_in(folded_words("Ủy ban nhân dân Thành phố"), "ho chi minh")
