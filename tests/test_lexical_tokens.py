from index.lexical_tokens import fold, lexical_tokens


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
