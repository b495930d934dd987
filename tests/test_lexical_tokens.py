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
