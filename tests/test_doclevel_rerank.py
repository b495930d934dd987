"""Document-level index (index/doclevel.py), sentence-level re-scoring
(index/rerank.py) and their place in hybrid search, on the bundled texts."""

from __future__ import annotations

from index.doclevel import DocumentLevelIndex
from corpus.units import DocumentUnits
from index.rerank import UnitVectors, rescore


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


def test_rerank_reads_the_reading_units_of_the_passage(small_service):
    idx = small_service.index
    c = next(c for c in idx.bm25.chunks.values()
             if c.doc_id == "nd-61-2018-nd-cp" and c.section.startswith("Điều 3"))
    doc = idx.parsed_document(c.doc_id)
    texts = idx.unit_vectors.texts(c)
    # the reader's units of the same span, with the same embedded text (so one vector serves both)
    assert texts == list(dict.fromkeys(u.embed_text for u in DocumentUnits(doc).units_in(c.start, c.end)))
    assert texts[0] == "Điều 3. Giải thích từ ngữ"
    assert any(t.startswith("1. Cơ chế một cửa trong giải quyết thủ tục hành chính là") for t in texts)
    # a điểm is read with its khoản lead-in, as the reader reads it
    diem = next((c, u) for c in idx.bm25.chunks.values() if c.doc_id == "nd-61-2018-nd-cp"
                for u in DocumentUnits(doc).units_in(c.start, c.end) if u.node.kind == "diem")
    assert diem[1].lead_in and diem[1].embed_text == f"{diem[1].lead_in} {diem[1].text}"
    assert diem[1].embed_text in idx.unit_vectors.texts(diem[0])
    assert idx.parsed_document("no-such-document") is None


def test_rescore_brings_up_the_passage_whose_unit_matches(small_service):
    idx = small_service.index
    chunks = idx.bm25.chunks
    nd61 = [c for c in chunks.values() if c.doc_id == "nd-61-2018-nd-cp"][:6]
    target = nd61[4]
    vectors = idx.unit_vectors  # the index's: the fake embedder behind its embedding cache
    assert isinstance(vectors, UnitVectors)
    unit = vectors.texts(target)[-1]
    q = idx.embeddings.embed_query(unit)
    cands = [(c.chunk_id, 1.0 - i * 0.1) for i, c in enumerate(nd61)]  # target 5th in the first stage
    out = rescore(cands, chunks, q, vectors, alpha=1.5)
    assert out[0][0] == target.chunk_id and out[0][2] > 0.99
    assert vectors.matrix(target).shape == (len(vectors.texts(target)), len(q))
    assert [c for c, _, _ in rescore(cands, chunks, q, vectors, alpha=0.0)] == [c for c, _ in cands]
    assert rescore([], chunks, q, vectors, alpha=1.5) == []
