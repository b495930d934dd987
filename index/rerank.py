"""Second stage of hybrid search: re-scoring the fused candidates at sentence level.

A passage of a decree or a plan holds several provisions; the question
usually paraphrases one of them. The first stage (BM25 + dense over whole
passages, fused) finds the right passages; this stage orders them by their
*best sentence*: each candidate's score becomes

    score(c) = fused(c) + α · sent(c)

where ``fused`` is the first-stage score and ``sent`` the highest cosine
similarity between the query vector and the vectors of the candidate's
sentences (:func:`passage_sentences`, embedded as passages by the same
embedder), both min–max normalised over the candidates. α
(``CCHC_RERANK_WEIGHT``; 0, the default, turns the stage off) was chosen as
2.0 on the calibration half of ALQAC 2024 (``cchc eval --beir … --split
calibration`` with α = 0, 1, 2, 3); on the bundled dev set it brings no gain.

Sentence vectors are computed once, at ingest (:meth:`SentenceVectors.ensure`),
and kept in the data dir's embedding cache (``index.embed_cache``), keyed by
the sentence text; a sentence missing from the cache (an index built before
this stage existed) is embedded on first use.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Sequence

import numpy as np

from corpus.models import Chunk

_SPLIT = re.compile(r"(?<=[.;:!?…])\s+|\n+")
MIN_SENTENCE_CHARS = 20


def passage_text(chunk: Chunk) -> str:
    """The passage as indexed, without the title/section/heading lines that
    ``corpus.chunker.build_index_text`` puts before it (for OCR-damaged scans:
    the repaired passage)."""
    if chunk.index_text.endswith(chunk.text):
        return chunk.text
    lines = chunk.index_text.split("\n", 2 if chunk.heading else 1)
    return lines[-1]


def passage_sentences(text: str, min_chars: int = MIN_SENTENCE_CHARS) -> list[str]:
    """Sentences of a passage: cut at line breaks and after ``. ; : ! ? …``
    (legal khoản/điểm and plan items are lines or ``;``-separated); a piece
    shorter than ``min_chars`` joins the next (a lone "a)" or "1." never
    stands alone). ``[]`` for empty text."""
    out: list[str] = []
    carry = ""
    for s in _SPLIT.split(text or ""):
        s = s.strip()
        if not s:
            continue
        s = f"{carry} {s}".strip() if carry else s
        if len(s) < min_chars:
            carry = s
            continue
        out.append(s)
        carry = ""
    if carry:
        if out:
            out[-1] = f"{out[-1]} {carry}"
        else:
            out.append(carry)
    return out


def _minmax(values: Sequence[float]) -> list[float]:
    lo, hi = min(values), max(values)
    return [(v - lo) / (hi - lo) if hi > lo else 1.0 for v in values]


class SentenceVectors:
    """Sentence vectors of passages through a caching embedder
    (``index.embed_cache.CachedEmbeddings``), with an in-memory LRU of
    per-passage matrices (``max_chunks`` passages)."""

    def __init__(self, embeddings, max_chunks: int = 20000):
        self.embeddings = embeddings
        self.max_chunks = max_chunks
        self._mem: OrderedDict[tuple[str, int], np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def ensure(self, chunks: Sequence[Chunk], batch_size: int = 64, on_batch=None) -> int:
        """Embed (into the cache) the sentences of ``chunks`` not cached yet;
        returns how many were embedded. ``on_batch(n)`` after each batch."""
        sents = list(dict.fromkeys(s for c in chunks for s in passage_sentences(passage_text(c))))
        todo = [s for s, v in zip(sents, self.embeddings.lookup(sents)) if v is None]
        for i in range(0, len(todo), batch_size):
            self.embeddings.embed_documents(todo[i:i + batch_size])
            if on_batch:
                on_batch(len(todo[i:i + batch_size]))
        return len(todo)

    def matrix(self, chunk: Chunk) -> np.ndarray:
        """``[n_sentences, dim]`` float32 vectors of ``chunk``'s sentences
        (embedded now if the cache lacks them); shape ``[0, 0]`` if it has none."""
        key = (chunk.chunk_id, hash(chunk.index_text))
        with self._lock:
            m = self._mem.get(key)
            if m is not None:
                self._mem.move_to_end(key)
                return m
        sents = passage_sentences(passage_text(chunk))
        if not sents:
            m = np.zeros((0, 0), dtype=np.float32)
        else:
            got = self.embeddings.lookup(sents)
            lack = [i for i, v in enumerate(got) if v is None]
            if lack:
                for i, v in zip(lack, self.embeddings.embed_documents([sents[i] for i in lack])):
                    got[i] = v
            m = np.asarray(got, dtype=np.float32)
        with self._lock:
            self._mem[key] = m
            while len(self._mem) > self.max_chunks:
                self._mem.popitem(last=False)
        return m


def rescore(candidates: Sequence[tuple[str, float]], chunks: dict, query_vec, vectors: SentenceVectors,
            alpha: float) -> list[tuple[str, float, float]]:
    """Re-score ``candidates`` (``(chunk_id, first-stage score)``, best first)
    by the rule in the module docstring. Returns ``(chunk_id, new score, best
    sentence cosine)`` sorted by new score (ties keep the first-stage order).
    ``alpha <= 0`` or fewer than two candidates: order unchanged."""
    cands = [(c, s) for c, s in candidates if c in chunks]
    if not cands:
        return []
    q = np.asarray(query_vec, dtype=np.float32)
    best = []
    for cid, _ in cands:
        m = vectors.matrix(chunks[cid])
        best.append(float((m @ q).max()) if m.size else 0.0)
    if alpha <= 0 or len(cands) < 2:
        return [(c, s, b) for (c, s), b in zip(cands, best)]
    fn, sn = _minmax([s for _, s in cands]), _minmax(best)
    scored = [(c, f + alpha * x, b, i) for i, ((c, _), f, x, b) in enumerate(zip(cands, fn, sn, best))]
    scored.sort(key=lambda t: (-t[1], t[3]))
    return [(c, s, b) for c, s, b, _ in scored]
