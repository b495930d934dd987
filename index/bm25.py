"""BM25 lexical retriever (Robertson & Zaragoza 2009, Okapi BM25 with
k1 = 1.5, b = 0.75) over accent-folded, word-segmented tokens, using ``bm25s``.

The index is rebuilt in memory from the document store's stored tokens when
the store's generation changes (≈0.1 s per 10k chunks), so it never drifts
from what is indexed.
"""

from __future__ import annotations

import logging
import threading

import bm25s
import numpy as np

from index.docstore import DocStore
from index.lexical_tokens import lexical_tokens

# bm25s sets its own logger to DEBUG at import, so any handler on the root logger (added by a
# library or an application) prints "Building index from tokens" on every rebuild: keep it at WARNING.
logging.getLogger("bm25s").setLevel(logging.WARNING)


class BM25Index:
    """Lexical side of the hybrid index."""

    def __init__(self, store: DocStore, k1: float = 1.5, b: float = 0.75):
        self.store = store
        self.k1, self.b = k1, b
        self._lock = threading.Lock()
        self._gen = -1
        self._ids: list[str] = []
        self._model: bm25s.BM25 | None = None
        self.chunks: dict = {}
        self._df: dict[str, int] = {}

    def _ensure(self) -> None:
        gen = self.store.generation()
        if gen == self._gen:
            return
        with self._lock:
            if gen == self._gen:
                return
            chunks, tokens = self.store.all_chunks()
            self._ids = [c.chunk_id for c in chunks]
            self.chunks = {c.chunk_id: c for c in chunks}
            df: dict[str, int] = {}
            for toks in tokens:
                for t in set(toks):
                    df[t] = df.get(t, 0) + 1
            self._df = df
            if chunks:
                model = bm25s.BM25(k1=self.k1, b=self.b)
                model.index([t or ["∅"] for t in tokens], show_progress=False)
                self._model = model
            else:
                self._model = None
            self._gen = gen

    def ensure(self) -> None:
        """Rebuild from the store if it changed since the last build."""
        self._ensure()

    def idf(self, token: str, unseen_max: bool = False) -> float:
        """BM25 idf of a folded token: ln(1 + (N - df + 0.5) / (df + 0.5)).

        An unseen token gets 0, or with ``unseen_max`` the idf of df = 0."""
        df = self._df.get(token, 0)
        if not df and not unseen_max:
            return 0.0
        n = len(self._ids)
        return float(np.log(1 + (n - df + 0.5) / (df + 0.5)))

    def search(self, query: str, k: int = 30) -> list[tuple[str, float]]:
        """Top-``k`` ``(chunk_id, bm25 score)`` for ``query``, best first; only
        chunks with a positive score."""
        self._ensure()
        if self._model is None:
            return []
        q = [t for t in lexical_tokens(query) if t in self._model.vocab_dict]
        if not q:
            return []
        scores = self._model.get_scores(q)
        k = min(k, len(self._ids))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(self._ids[i], float(scores[i])) for i in top if scores[i] > 0]
