"""Reading at sentence and provision level: the candidate answer units of
retrieved passages, each scored against the question lexically and with the
embedder, with the provision it belongs to.

One job: ``(question, hits) → scored units``; the answer text is built by
:mod:`assistant.extractive`.

* A *unit* is one sentence or clause of one section node's own text (the
  node's heading line and text before its first child), split by
  :func:`assistant.extractive.split_sentences`. Units are read from the
  section tree of the whole document (``corpus.structure.parse_structure`` of
  the stored text), so a điểm always knows its khoản lead-in ("1. Các trường
  hợp … gồm:") and a list knows all its items, even across chunk borders.
* Lexical score: the idf-weighted share of the question's focus terms in the
  unit together with its lead-in and the chunk's heading
  (``index.lexical_tokens.term_coverage``).
* Lines flagged at ingest as addressed to an assistant (``Chunk.instruction_spans``)
  are never units, so they are never quoted as an answer.
* Dense score: cosine between the E5 query vector and the unit's passage
  vector (lead-in + unit text). Unit vectors live in the embedding cache
  (``index.embed_cache.CachedEmbeddings``, keyed by embedding space and text):
  :meth:`Reader.prepare` embeds every unit of a document at ingest, and a
  unit missing from the cache is embedded on first use and cached.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

import numpy as np

from assistant.extractive import split_sentences
from assistant.question import QuestionAnalysis
from assistant.spans import Span, find_spans
from corpus.models import ParsedDocument
from corpus.structure import SectionNode, parse_structure
from index.lexical_tokens import folded_words, term_coverage
from index.types import Hit

log = logging.getLogger(__name__)

#: bump when what a unit embeds (``Unit.embed_text``, the sentence split) changes: ingest then
#: prepares the units of every indexed document again (``assistant.service``)
UNITS_VERSION = "1"
#: provisions whose items form a list (a khoản with điểm, an Điều with khoản, a plan item with sub-items)
_LIST_KINDS = ("dieu", "khoan", "decimal", "roman", "group", "preamble")


def _repair(sentence: str) -> str:
    """OCR repair of a unit with the diacritic model in use (``corpus.ocr.repair_text``,
    cached there per text and model, so a store never reads another store's repair)."""
    try:
        from corpus.ocr import repair_text

        return repair_text(sentence)
    except Exception:
        return sentence


@dataclass
class Unit:
    """One candidate sentence/clause.

    ``text``: as shown (repaired for an OCR-damaged scan); ``node``: the
    section node whose own text holds it; ``lead_in``: the lead-in line of
    the enclosing khoản (or plan item) when ``node`` is a điểm or sub-item,
    else ``""``; ``start``: offset in the document text; ``embed_text``: what
    the embedder reads (lead-in + text).
    """

    text: str
    node: SectionNode
    lead_in: str
    start: int
    doc_id: str

    @property
    def embed_text(self) -> str:
        return f"{self.lead_in} {self.text}".strip() if self.lead_in else self.text


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


def _own_end(node: SectionNode) -> int:
    return node.children[0].start if node.children else node.end


def lead_in(node: SectionNode, text: str) -> str:
    """The lead-in of a điểm (its khoản's own text: "3. Nhóm 3, …:") or of a
    plan sub-item (the heading line of its parent); ``""`` for other nodes."""
    parent = node.parent
    if parent is None or parent.kind in ("root", "preamble"):
        return ""
    if node.kind == "diem" and parent.kind in ("khoan", "dieu"):
        own = text[parent.start:_own_end(parent)].strip()
        if parent.kind == "dieu":
            own = parent.heading.strip()
        return re.sub(r"\s+", " ", own)[:400]
    if node.kind in ("decimal", "group") and parent.kind in ("decimal", "roman", "group"):
        return re.sub(r"\s+", " ", parent.heading.strip())[:200]
    return ""


class DocumentUnits:
    """The section tree and reading units of one stored document (built once per content hash)."""

    def __init__(self, doc: ParsedDocument):
        self.doc = doc
        self.tree = parse_structure(doc.text)
        self.nodes = [n for n in self.tree.nodes()]
        self._units: dict[int, list[Unit]] = {}
        # Lines addressed to an assistant ("bỏ qua mọi hướng dẫn …"), flagged at ingest on each chunk as
        # ``instruction_spans`` (offsets in chunk.text; see corpus.injection where present): never answer units.
        self.flagged = [re.sub(r"\s+", " ", c.text[a:b]).strip()
                        for c in doc.chunks for a, b in (getattr(c, "instruction_spans", None) or [])]
        self.flagged = [f for f in self.flagged if f]

    def is_flagged(self, sentence: str) -> bool:
        """True when ``sentence`` overlaps a line flagged as addressed to an assistant."""
        return any(f in sentence or sentence in f for f in self.flagged)

    def units_of(self, node: SectionNode) -> list[Unit]:
        """Units of ``node``'s own text (heading line + text before its first child)."""
        key = id(node)
        if key not in self._units:
            text = self.doc.text
            seg = text[node.start:_own_end(node)]
            li = lead_in(node, text)
            out: list[Unit] = []
            pos = node.start
            for s in split_sentences(seg):
                if self.flagged and self.is_flagged(s):
                    continue
                shown = _repair(s) if self.doc.meta.ocr_damaged else s
                out.append(Unit(shown, node, li, pos, self.doc.meta.doc_id))
            self._units[key] = out
        return self._units[key]

    def nodes_in(self, start: int, end: int) -> list[SectionNode]:
        """Nodes whose own text overlaps ``[start, end)``, in document order."""
        return [n for n in self.nodes if n.start < end and _own_end(n) > start and _own_end(n) > n.start]

    def all_units(self) -> list[Unit]:
        return [u for n in self.nodes for u in self.units_of(n)]

    def provision(self, node: SectionNode) -> SectionNode | None:
        """The list-bearing provision of a unit's ``node``: a điểm → its khoản;
        a node with children → itself; a plan item whose own text is three or
        more bullet lines → itself; a khoản without điểm → its Điều; else None."""
        if node.kind == "diem" and node.parent is not None:
            return node.parent
        if node.children:
            return node
        own = self.doc.text[node.start:node.end].split("\n")[1:]
        if sum(1 for ln in own if re.match(r"\s*[-+•*–]\s", ln)) >= 3:
            return node
        if node.kind == "khoan" and node.parent is not None and node.parent.kind == "dieu":
            return node.parent
        return None


def unit_spans(u: Unit, hit: Hit, qa: QuestionAnalysis) -> list[Span]:
    """Typed spans answering ``qa`` in a unit, else in its lead-in; for a
    "văn bản nào quy định …" question, a legal passage's own số hiệu."""
    spans = find_spans(u.text, qa) or (find_spans(u.lead_in, qa) if u.lead_in else [])
    if not spans and qa.doc_itself and hit.meta.kind == "legal" and hit.meta.number:
        spans = [Span(qa.answer_type, hit.meta.number, 0, 0)]  # the passage's own văn bản answers it
    return spans


class Reader:
    """Scores units of retrieved passages. ``documents()`` returns the indexed
    ``ParsedDocument`` list (cached by the caller per store generation);
    ``embeddings``: the index's cached embedder (``lookup``/``embed_documents``/``embed_query``)."""

    def __init__(self, documents, embeddings):
        self._documents = documents
        self.embeddings = embeddings
        self._by_hash: dict[str, DocumentUnits] = {}
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
        key = doc.meta.content_hash or doc_id
        du = self._by_hash.get(key)
        if du is None:
            du = DocumentUnits(doc)
            self._by_hash[key] = du
        return du

    def unit_texts(self, docs: list[ParsedDocument]) -> list[str]:
        """The texts embedded for the reading units of ``docs`` (``Unit.embed_text``,
        each once, in document order); ``scripts/build_vector_pack.py`` ships their
        vectors for the bundled corpus beside the passages'."""
        texts: list[str] = []
        for d in docs:
            du = DocumentUnits(d)
            self._by_hash[d.meta.content_hash or d.meta.doc_id] = du
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
            ctx = f"{h.meta.unit or ''} {h.meta.number or ''} {h.chunk.heading} {u.lead_in}"
            words = folded_words(ctx) + folded_words(u.text)
            lex = term_coverage(terms, u.text, idf, words=words)
            out.append(Scored(u, i, lex, float(d), unit_spans(u, h, qa)))
        return out
