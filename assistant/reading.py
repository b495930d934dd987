"""Reading at sentence and provision level: the candidate answer units of
retrieved passages, each scored against the question lexically and with the
embedder, with the provision it belongs to.

One job: ``(question, hits) → scored units``; the answer text is built by
:mod:`assistant.extractive`.

* A *unit* is one sentence or clause of one section node's own text
  (:class:`corpus.units.DocumentUnits`: the one splitter of passages, which
  the second stage of hybrid search, ``index.rerank``, reads too).
* Lexical score: the idf-weighted share of the question's focus terms in the
  unit together with its lead-in, the chunk's heading and its Điều's title
  (:func:`article_heading`; ``index.lexical_tokens.term_coverage``).
* Dense score: cosine between the E5 query vector and the unit's passage
  vector (lead-in + unit text). Unit vectors live in the embedding cache
  (``index.embed_cache.CachedEmbeddings``, keyed by embedding space and text):
  :meth:`Reader.prepare` embeds every unit of a document at ingest, and a
  unit missing from the cache is embedded on first use and cached.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import numpy as np

from assistant.question import QuestionAnalysis
from assistant.spans import Span, find_spans
from corpus.models import ParsedDocument
from corpus.structure import SectionNode
from corpus.units import DocumentUnits, Unit
from index.lexical_tokens import folded_words, term_coverage
from index.unit_cache import DocumentUnitsCache
from index.types import Hit

log = logging.getLogger(__name__)

#: bump when what a unit embeds (``Unit.embed_text``, the sentence split) changes: ingest then
#: prepares the units of every indexed document again (``assistant.service``)
UNITS_VERSION = "2"
#: provisions whose items form a list (a khoản with điểm, an Điều with khoản, a plan item with sub-items)
_LIST_KINDS = ("dieu", "khoan", "decimal", "roman", "group", "preamble")


@dataclass
class Scored:
    """A unit read against one question: ``hit_index`` (the retrieved passage
    it came from), ``lex`` (0..1), ``dense`` (cosine), ``spans`` (typed spans
    answering the question), ``score`` (the combined score)."""

    unit: Unit
    hit_index: int
    lex: float
    dense: float
    spans: list[Span] = field(default_factory=list)
    score: float = 0.0


def unit_spans(u: Unit, hit: Hit, qa: QuestionAnalysis) -> list[Span]:
    """Typed spans answering ``qa`` in a unit, else in its lead-in; for a
    "văn bản nào quy định …" question, a legal passage's own số hiệu."""
    spans = find_spans(u.text, qa) or (find_spans(u.lead_in, qa) if u.lead_in else [])
    if not spans and qa.doc_itself and hit.meta.kind == "legal" and hit.meta.number:
        spans = [Span(qa.answer_type, hit.meta.number, 0, 0)]  # the passage's own văn bản answers it
    return spans


def article_heading(node: SectionNode, chunk_heading: str) -> str:
    """The heading of the Điều holding ``node`` (``"Điều 16. Hướng dẫn chuẩn bị hồ sơ …"``) when
    ``chunk_heading`` does not already carry it, else ``""``: a khoản or điểm is read under its
    Điều's title whichever passage it was retrieved in (a passage that starts at the Điều is
    headed by its Chương, one that starts inside it by the Điều). Source of the rule: NĐ
    30/2020/NĐ-CP Phụ lục I, mục II, 6 "Nội dung văn bản", điểm d: every điều has a tiêu đề,
    "cụm từ chỉ nội dung chính của … điều", so it belongs to the reading of each khoản and
    điểm under it. The Điều's own heading unit gets ``""`` (its text is the heading)."""
    n = node.parent
    while n is not None and n.kind != "dieu":
        n = n.parent
    if n is None or not n.heading or n.heading in chunk_heading:
        return ""
    return n.heading


class Reader:
    """Scores units of retrieved passages. ``documents()`` returns the indexed
    ``ParsedDocument`` list (cached by the caller per store generation);
    ``embeddings``: the index's cached embedder (``lookup``/``embed_documents``/``embed_query``);
    ``units``: the documents' units (``index.unit_cache.DocumentUnitsCache``), shared with the
    second stage of hybrid search (``index.rerank.UnitVectors.units``); a new one by default.
    Units are read under the store's diacritic model (the caller's ``use_model``)."""

    def __init__(self, documents, embeddings, units: DocumentUnitsCache | None = None):
        self._documents = documents
        self.embeddings = embeddings
        self.units = units if units is not None else DocumentUnitsCache()
        self._docs_ref: object = None
        self._docs: dict[str, ParsedDocument] = {}

    # ---- documents -----------------------------------------------------------
    def provision_of(self, unit: Unit) -> SectionNode | None:
        """:meth:`DocumentUnits.provision` of ``unit``'s node."""
        du = self.doc_units(unit.doc_id)
        return du.provision(unit.node) if du is not None else None

    def doc_text(self, doc_id: str) -> str:
        """The stored text of ``doc_id`` (``""`` if unknown)."""
        du = self.doc_units(doc_id)
        return du.doc.text if du is not None else ""

    def doc_units(self, doc_id: str) -> DocumentUnits | None:
        docs = self._documents()
        if docs is not self._docs_ref:
            self._docs = {d.meta.doc_id: d for d in docs}
            self._docs_ref = docs
        doc = self._docs.get(doc_id)
        if doc is None:
            return None
        return self.units.get(doc)

    def unit_texts(self, docs: list[ParsedDocument]) -> list[str]:
        """The texts embedded for the reading units of ``docs`` (``Unit.embed_text``,
        each once, in document order); ``scripts/build_vector_pack.py`` ships their
        vectors for the bundled corpus beside the passages'."""
        texts: list[str] = []
        for d in docs:
            du = self.units.get(d)
            texts.extend(u.embed_text for u in du.all_units())
        return list(dict.fromkeys(texts))

    def prepare(self, docs: list[ParsedDocument]) -> int:
        """Embed (into the embedding cache) every unit of ``docs`` not cached yet
        (nor in a vector pack); returns how many were embedded. Called at ingest."""
        texts = self.unit_texts(docs)
        if not texts or not hasattr(self.embeddings, "lookup"):
            return 0
        cached = self.embeddings.lookup(texts)
        # sorted by length: a batch then pads to similar lengths (the engine's cost follows its longest text)
        todo = sorted((t for t, v in zip(texts, cached) if v is None), key=len)
        for i in range(0, len(todo), 64):
            self.embeddings.embed_documents(todo[i:i + 64])
        return len(todo)

    # ---- reading -------------------------------------------------------------
    def candidates(self, hits: list[Hit]) -> list[tuple[int, Unit]]:
        """``(hit index, unit)`` for every unit of every hit, each unit once (first hit wins)."""
        out: list[tuple[int, Unit]] = []
        seen: set[tuple[str, int, str]] = set()
        for i, h in enumerate(hits):
            du = self.doc_units(h.chunk.doc_id)
            if du is None:
                continue
            for node in du.nodes_in(h.chunk.start, h.chunk.end):
                for u in du.units_of(node):
                    key = (u.doc_id, node.start, u.text)
                    if key not in seen:
                        seen.add(key)
                        out.append((i, u))
        return out

    def vectors(self, texts: list[str]) -> np.ndarray:
        """Unit vectors (rows, L2-normalised) from the cache; misses are embedded and cached."""
        if not texts:
            return np.zeros((0, 1), dtype=np.float32)
        got = self.embeddings.lookup(texts) if hasattr(self.embeddings, "lookup") else [None] * len(texts)
        miss = [i for i, v in enumerate(got) if v is None]
        if miss:
            new = self.embeddings.embed_documents([texts[i] for i in miss])
            for i, v in zip(miss, new):
                got[i] = v
        return np.asarray(got, dtype=np.float32)

    def read(self, qa: QuestionAnalysis, terms: list[str], qvec: list[float] | None, hits: list[Hit], idf) -> list[Scored]:
        """Score every candidate unit of ``hits``: lexical coverage of
        ``terms`` (with lead-in and heading), cosine to ``qvec`` (0 when no
        vector), and the typed spans ``qa`` asks for. Unsorted; ``score`` is
        left for the caller's weights."""
        cands = self.candidates(hits)
        if not cands:
            return []
        dense = np.zeros(len(cands), dtype=np.float32)
        if qvec is not None:
            try:
                mat = self.vectors([u.embed_text for _, u in cands])
                dense = mat @ np.asarray(qvec, dtype=np.float32)
            except Exception:
                log.exception("unit vectors unavailable; lexical reading only")
        out: list[Scored] = []
        for (i, u), d in zip(cands, dense):
            h = hits[i]
            title = article_heading(u.node, h.chunk.heading)
            ctx = f"{h.meta.unit or ''} {h.meta.number or ''} {h.chunk.heading} {title} {u.lead_in}"
            words = folded_words(ctx) + folded_words(u.text)
            lex = term_coverage(terms, u.text, idf, words=words)
            out.append(Scored(u, i, lex, float(d), unit_spans(u, h, qa)))
        return out
