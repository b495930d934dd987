"""Fusion of ranked lists from several retrievers.

* Reciprocal Rank Fusion (Cormack, Clarke & Büttcher, SIGIR 2009):
  ``score(d) = Σ_r w_r / (k + rank_r(d))`` with ``k = 60`` by default.
* Weighted score fusion: min–max normalised scores, weighted sum.
"""

from __future__ import annotations


def rrf(rankings: dict[str, list[str]], k: int = 60, weights: dict[str, float] | None = None) -> list[tuple[str, float]]:
    """Fuse ranked id lists (best first) by RRF.

    ``rankings``: retriever name → ids best first. Returns ``(id, score)``
    sorted by descending score; ties keep first-seen order.
    """
    scores: dict[str, float] = {}
    for name, ids in rankings.items():
        w = (weights or {}).get(name, 1.0)
        for rank, doc_id in enumerate(ids, start=1):
            scores[doc_id] = scores.get(doc_id, 0.0) + w / (k + rank)
    return sorted(scores.items(), key=lambda kv: -kv[1])


def weighted(scored: dict[str, list[tuple[str, float]]], weights: dict[str, float] | None = None) -> list[tuple[str, float]]:
    """Fuse ``retriever → [(id, raw score)]`` by min–max normalised weighted sum."""
    out: dict[str, float] = {}
    for name, pairs in scored.items():
        if not pairs:
            continue
        vals = [s for _, s in pairs]
        lo, hi = min(vals), max(vals)
        w = (weights or {}).get(name, 1.0)
        for doc_id, s in pairs:
            norm = (s - lo) / (hi - lo) if hi > lo else 1.0
            out[doc_id] = out.get(doc_id, 0.0) + w * norm
    return sorted(out.items(), key=lambda kv: -kv[1])
