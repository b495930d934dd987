"""Result shape of every retriever (BM25, dense, hybrid)."""

from __future__ import annotations

from dataclasses import dataclass, field

from corpus.models import Chunk, DocumentMeta


@dataclass
class Hit:
    """One retrieved chunk.

    ``score`` is the retriever's own score (cosine similarity for dense,
    BM25 for lexical, fused RRF/weighted score for hybrid). ``ranks`` holds the
    1-based rank the chunk had in each component retriever (``{"dense": 3,
    "bm25": 1}``); ``confidence`` is a 0..1 evidence strength used for
    abstention (see ``index.hybrid``).
    """

    chunk: Chunk
    meta: DocumentMeta
    score: float
    ranks: dict[str, int] = field(default_factory=dict)
    confidence: float = 0.0
