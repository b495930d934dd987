"""Readings that depend on the diacritic model are cached per model, never per text alone: a
store (or a test) reading with its model never gets what another model read in the same process
(the state behind bundled texts missing the vector pack after other tests had run)."""

from corpus.diacritics import DiacriticModel, restore_unaccented, use_model

# two stores whose clean texts spell the same unaccented words differently
_A = DiacriticModel(["Kế hoạch cải cách hành chính năm nay của trường"] * 3)
_B = DiacriticModel(["Kẻ hoạch cải cách hành chính năm nay của trường"] * 3)
_Q = "ke hoach cai cach hanh chinh"


def test_query_restoration_follows_the_model_in_use():
    from assistant.answering import restored
    from index.hybrid import query_view

    for model, want in ((_A, "kế hoạch"), (_B, "kẻ hoạch"), (_A, "kế hoạch")):
        with use_model(model):
            assert restore_unaccented(_Q).startswith(want)
            assert restored(_Q).startswith(want)
            assert query_view(_Q).restored.startswith(want)
    assert restore_unaccented(_Q, _B).startswith("kẻ hoạch")


def test_ocr_unit_repair_follows_the_model_in_use():
    from corpus.units import _repair

    line = "Thuc hien ke hoach cai cach hanh chinh cua truong"
    with use_model(_A):
        assert "kế hoạch" in _repair(line)
    with use_model(_B):
        assert "kẻ hoạch" in _repair(line)
