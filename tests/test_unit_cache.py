"""One DocumentUnits cache (index/unit_cache.py) shared by the reader and the
search's second stage, and one shorthand table read by retrieval and by
question analysis; on bundled documents and staff questions."""

from __future__ import annotations

import pytest

from assistant.question import analyze
from corpus.diacritics import use_model
from corpus.legal_refs import fold
from corpus.pipeline import parse_file
from corpus.units import DocumentUnits
from index.question_forms import SHORTHAND, expand_shorthand, shorthand
from index.unit_cache import DocumentUnitsCache
from tests.conftest import HOA_BINH, ND61


class _Version:
    """A stand-in diacritic model: the cache key reads only its ``version``."""

    def __init__(self, version: int):
        self.version = version


@pytest.fixture(scope="module")
def docs():
    return parse_file(ND61), parse_file(HOA_BINH)


def test_reader_and_second_stage_share_one_cache(small_service):
    reader = small_service.answerer.reader
    vectors = small_service.index.unit_vectors
    assert reader.units is vectors.units
    small_service.ask("Bộ phận Một cửa có nhiệm vụ gì?")
    doc = small_service.index.parsed_document("nd-61-2018-nd-cp")
    with use_model(small_service.index.diacritics.model):
        du = reader.doc_units("nd-61-2018-nd-cp")
        assert vectors.units.get(doc) is du  # built once, read by both
        chunk = doc.chunks[3]
        # the second stage embeds the reader's units of the passage
        assert vectors.texts(chunk, doc) == list(dict.fromkeys(u.embed_text for u in du.units_in(chunk.start, chunk.end)))


def test_units_are_those_of_the_splitter(docs):
    nd61, _ = docs
    cache = DocumentUnitsCache()
    assert [u.text for u in cache.get(nd61).all_units()] == [u.text for u in DocumentUnits(nd61).all_units()]


def test_ocr_scan_keyed_by_diacritic_model_version(docs):
    nd61, hoa_binh = docs
    assert hoa_binh.meta.ocr_damaged and not nd61.meta.ocr_damaged
    cache = DocumentUnitsCache()
    with use_model(lambda: _Version(101)):
        scan_a, clean_a = cache.get(hoa_binh), cache.get(nd61)
        assert cache.get(hoa_binh) is scan_a
    with use_model(lambda: _Version(102)):
        # another store's model repairs the scan differently: its units are not shared
        assert cache.get(hoa_binh) is not scan_a
        # a text that is no scan is not repaired: one entry whatever the model
        assert cache.get(nd61) is clean_a
    assert len(cache) == 3


def test_least_recently_used_goes_first(docs):
    nd61, hoa_binh = docs
    cache = DocumentUnitsCache(max_docs=1)
    with use_model(lambda: _Version(7)):
        first = cache.get(nd61)
        cache.get(hoa_binh)
        assert len(cache) == 1 and cache.get(nd61) is not first


@pytest.mark.parametrize("key", sorted(k for k in SHORTHAND if " " not in k))
def test_both_users_see_the_same_expansion(key):
    written = SHORTHAND[key]
    # retrieval (index.hybrid.query_view) and question analysis (assistant.question) read one table
    assert expand_shorthand(f"hỏi {key} nhé") == f"hỏi {written} nhé"
    assert analyze(f"hỏi {key} nhé").normalized == f"hoi {fold(written)} nhe"


@pytest.mark.parametrize("text", [
    "Trường Mầm non Tuổi Hồng",  # "hồng" is a name, not "hong" = "không"
    "điểm k khoản 1 Điều 8",  # a điểm's label
    "Bpm",  # whole words only
])
def test_not_shorthand_for_either_user(text):
    assert expand_shorthand(text) == text
    assert analyze(text).normalized == " ".join(fold(text).lower().split())


def test_staff_questions_written_out():
    assert expand_shorthand("bp 1 cửa ko nhận hồ sơ") == "bộ phận một cửa không nhận hồ sơ"
    q = "kế hoạch papi 2024 của th hòa bình do ai ký?"
    assert expand_shorthand(q) == "kế hoạch papi 2024 của tiểu học hòa bình do ai ký?"
    assert "cua tieu hoc hoa binh do ai ky" in analyze(q).normalized
    assert analyze("hs sơ trễ hẹn có phải xin lỗi ko").answer_type == "co_khong"
    assert shorthand("Ko") == "không" and shorthand("hồng") is None and shorthand("k", "diem ") is None
