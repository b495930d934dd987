"""Document-level index (index/doclevel.py), sentence-level re-scoring
(index/rerank.py) and their place in hybrid search, on the bundled texts."""

from __future__ import annotations

from index.doclevel import DocumentLevelIndex
from index.rerank import SentenceVectors, passage_sentences, passage_text, rescore


def test_document_index_finds_the_citing_sentence_and_the_trich_yeu(small_service):
    idx = small_service.index
    doc = idx.document_index()
    chunks = idx.bm25.chunks
    assert doc.size > 0
    # a plan's căn cứ sentence names the decision by số hiệu and subject
    got = doc.search("Quyết định số 1076/QĐ-UBND", k=3)
    assert got and chunks[got[0][0]].doc_id == "2024-mn-huong-sen-go-vap-cai-cach-tthc"
    # the decree's own entry (loại, số hiệu, trích yếu) points at one of its passages
    got = doc.search("nghị định thực hiện cơ chế một cửa, một cửa liên thông", k=5)
    assert any(chunks[c].doc_id == "nd-61-2018-nd-cp" for c, _ in got)
    assert doc.search("zzzz qqqq", k=3) == []
    assert DocumentLevelIndex([], []).search("một cửa") == []


def test_document_question_names_the_document(small_service):
    hits = small_service.index.search("Văn bản nào quy định cơ chế một cửa, một cửa liên thông?", k=5)
    assert hits[0].meta.doc_id == "nd-61-2018-nd-cp"
    assert "document" in {name for h in hits for name in h.ranks}


def test_definition_question_ranks_the_definition_first(small_service):
    hits = small_service.index.search("Bộ phận Một cửa là gì?", k=5)
    top = hits[0]
    assert top.meta.doc_id == "nd-61-2018-nd-cp" and top.chunk.section.startswith("Điều 3")
    assert "Bộ phận Một cửa là" in top.chunk.text


def test_passage_sentences_cut_khoan_and_keep_short_pieces_joined(small_service):
    c = next(c for c in small_service.index.bm25.chunks.values()
             if c.doc_id == "nd-61-2018-nd-cp" and c.section.startswith("Điều 3"))
    sents = passage_sentences(passage_text(c))
    assert len(sents) >= 2
    assert all(len(s) >= 20 for s in sents)
    assert all(s in c.text for s in sents)  # sentences of the passage as shown, not of its header lines
    assert passage_sentences("1. a) Có.\nb) Không được làm điều đó trong mọi trường hợp.") == [
        "1. a) Có. b) Không được làm điều đó trong mọi trường hợp."]
    assert passage_sentences("") == []


def test_rescore_brings_up_the_passage_whose_sentence_matches(small_service):
    idx = small_service.index
    chunks = idx.bm25.chunks
    nd61 = [c for c in chunks.values() if c.doc_id == "nd-61-2018-nd-cp"][:6]
    target = nd61[4]
    sentence = passage_sentences(passage_text(target))[0]
    vectors = idx.sentences  # the index's: the fake embedder behind its embedding cache
    assert isinstance(vectors, SentenceVectors)
    q = idx.embeddings.embed_query(sentence)
    cands = [(c.chunk_id, 1.0 - i * 0.1) for i, c in enumerate(nd61)]  # target 5th in the first stage
    out = rescore(cands, chunks, q, vectors, alpha=2.0)
    assert out[0][0] == target.chunk_id and out[0][2] > 0.99
    assert [c for c, _, _ in rescore(cands, chunks, q, vectors, alpha=0.0)] == [c for c, _ in cands]
    assert rescore([], chunks, q, vectors, alpha=2.0) == []
