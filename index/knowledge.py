"""The legal knowledge of the indexed documents, persisted next to their chunks.

Tables in the docstore's SQLite database (every row belongs to one document
and is removed with it, ``ON DELETE CASCADE``):

* ``knowledge(doc_id, version, origin, effective)`` — one row per document
  whose knowledge is stored (``version``: :data:`corpus.knowledge.KNOWLEDGE_VERSION`);
* ``citations`` — its citations of other văn bản (``corpus.citations.Mention``);
* ``validity`` — the validity facts it states (``corpus.validity.ValidityFact``);
* ``glossary`` — the abbreviations it defines (``corpus.glossary.Definition``).

:func:`write_knowledge` runs inside the transaction of ``DocStore.put`` that
swaps a document's chunks, so a crash never leaves knowledge about a document
that is not indexed, or the reverse; deleting a document deletes its
knowledge in the same transaction. Extraction is the pure function
``corpus.knowledge.extract_knowledge``; :class:`KnowledgeStore` assembles the
corpus-wide views (citation graph, validity index, glossary) from the tables,
once per store generation, and fills in documents indexed before knowledge
was stored (or by an older extractor) on first use.

:class:`StoreDiacritics` gives the diacritic-restoration model of a store:
the base counts plus the syllable counts of every clean (non-OCR) indexed
document, rebuilt lazily when the store generation changes (measured on the
bundled corpus: see the README).
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
import time
from collections.abc import Iterable

from corpus.citations import CitationGraph, Mention, graph_from_mentions
from corpus.diacritics import DiacriticModel, base_counts, count_syllables, is_clean_text, text_lines, use_model
from corpus.glossary import Definition, GlossaryEntry, glossary_from_definitions
from corpus.knowledge import KNOWLEDGE_VERSION, DocumentKnowledge, extract_knowledge
from corpus.models import ParsedDocument
from corpus.textnorm import is_ocr_damaged
from corpus.validity import TABLE_KIND, ValidityFact, ValidityIndex

log = logging.getLogger(__name__)

SCHEMA = """
CREATE TABLE IF NOT EXISTS knowledge (
    doc_id TEXT PRIMARY KEY REFERENCES documents(doc_id) ON DELETE CASCADE,
    version TEXT NOT NULL,
    origin TEXT NOT NULL,
    effective TEXT
);
CREATE TABLE IF NOT EXISTS citations (
    doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
    ord INTEGER NOT NULL,
    cited_id TEXT NOT NULL,
    number TEXT, type TEXT, date TEXT, issuer TEXT, title TEXT,
    section TEXT, start_pos INTEGER, end_pos INTEGER, raw TEXT,
    PRIMARY KEY (doc_id, ord)
);
CREATE INDEX IF NOT EXISTS citations_cited ON citations(cited_id);
CREATE TABLE IF NOT EXISTS validity (
    doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
    ord INTEGER NOT NULL,
    target TEXT NOT NULL, kind TEXT NOT NULL, by_number TEXT, effective TEXT,
    provisions_json TEXT NOT NULL DEFAULT '[]', by_provision TEXT, source TEXT, origin TEXT,
    sentence TEXT, start_pos INTEGER, end_pos INTEGER, row_no INTEGER,
    PRIMARY KEY (doc_id, ord)
);
CREATE INDEX IF NOT EXISTS validity_target ON validity(target);
CREATE TABLE IF NOT EXISTS glossary (
    doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
    ord INTEGER NOT NULL,
    term TEXT NOT NULL, term_key TEXT NOT NULL, expansion TEXT NOT NULL, section TEXT, snippet TEXT,
    PRIMARY KEY (doc_id, ord)
);
"""


def write_knowledge(db: sqlite3.Connection, k: DocumentKnowledge) -> None:
    """Replace the stored knowledge of ``k.doc_id`` (caller holds the
    transaction that also writes the document's row)."""
    for table in ("knowledge", "citations", "validity", "glossary"):
        db.execute(f"DELETE FROM {table} WHERE doc_id=?", (k.doc_id,))
    db.execute("INSERT INTO knowledge(doc_id, version, origin, effective) VALUES (?,?,?,?)",
               (k.doc_id, k.version, k.origin, k.effective))
    db.executemany(
        "INSERT INTO citations(doc_id, ord, cited_id, number, type, date, issuer, title, section, start_pos, end_pos,"
        " raw) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
        [(k.doc_id, i, m.id, m.number, m.type, m.date, m.issuer, m.title, m.section, m.start, m.end, m.raw)
         for i, m in enumerate(k.mentions)])
    db.executemany(
        "INSERT INTO validity(doc_id, ord, target, kind, by_number, effective, provisions_json, by_provision, source,"
        " origin, sentence, start_pos, end_pos, row_no) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        [(k.doc_id, i, v.target, v.kind, v.by, v.effective, json.dumps(v.provisions, ensure_ascii=False),
          v.by_provision, v.source, v.origin, v.sentence, v.start, v.end, v.row) for i, v in enumerate(k.validity)])
    db.executemany(
        "INSERT INTO glossary(doc_id, ord, term, term_key, expansion, section, snippet) VALUES (?,?,?,?,?,?,?)",
        [(k.doc_id, i, d.term, d.key, d.expansion, d.section, d.snippet) for i, d in enumerate(k.definitions)])


class KnowledgeStore:
    """Corpus-wide knowledge views over one docstore (``index.docstore.DocStore``).

    ``lock``: the writers' lock (``index.transactions.WriteLock``), taken
    without waiting to fill in missing knowledge; ``diacritics``: the store's
    :class:`StoreDiacritics` (OCR-damaged documents are read with it).
    """

    def __init__(self, store, lock=None, diacritics: "StoreDiacritics | None" = None):
        self.store = store
        self.lock = lock
        self.diacritics = diacritics
        self._views: dict[str, tuple[int, object]] = {}
        self._guard = threading.Lock()

    # ---- filling in ---------------------------------------------------------
    def missing(self) -> list[str]:
        """doc_ids whose knowledge is absent or from another extractor version."""
        with self.store._lock:
            rows = self.store._db.execute(
                "SELECT d.doc_id FROM documents d LEFT JOIN knowledge k ON k.doc_id = d.doc_id"
                " WHERE k.doc_id IS NULL OR k.version != ? ORDER BY d.doc_id", (KNOWLEDGE_VERSION,)).fetchall()
        return [r[0] for r in rows]

    def ensure(self) -> int:
        """Derive and store the knowledge of the documents :meth:`missing`
        lists (each in its own transaction, only while no other writer runs);
        returns how many were written. Readers meanwhile see the rest."""
        todo = self.missing()
        if not todo:
            return 0
        locked = self.lock.acquire(blocking=False) if self.lock is not None else True
        if not locked:
            return 0
        n = 0
        try:
            docs = {d.meta.doc_id: d for d in self.store.parsed_documents() if d.meta.doc_id in set(todo)}
            ctx = use_model(self.diacritics.model) if self.diacritics is not None else None
            if ctx is not None:
                ctx.__enter__()
            try:
                for doc_id in todo:
                    d = docs.get(doc_id)
                    if d is None:
                        continue
                    try:
                        if self.store.put_knowledge(extract_knowledge(d), d.meta.content_hash):
                            n += 1
                    except Exception:  # one bad document must not stop the others
                        log.exception("knowledge: could not derive the knowledge of %s", doc_id)
            finally:
                if ctx is not None:
                    ctx.__exit__(None, None, None)
        finally:
            if self.lock is not None:
                self.lock.release()
        if n:
            log.info("knowledge: derived for %d document(s) indexed before it was stored", n)
        return n

    # ---- views --------------------------------------------------------------
    def _view(self, name: str, build):
        gen = self.store.generation()
        hit = self._views.get(name)
        if hit is not None and hit[0] == gen:
            return hit[1]
        with self._guard:
            if self.missing():
                self.ensure()
                gen = self.store.generation()
            hit = self._views.get(name)
            if hit is None or hit[0] != gen:
                hit = (gen, build())
                self._views[name] = hit
        return hit[1]

    def _rows(self, sql: str) -> list[tuple]:
        with self.store._lock:
            return self.store._db.execute(sql).fetchall()

    def origins(self) -> dict[str, str]:
        """doc_id → ``"bundled"`` | ``"uploaded"``."""
        return dict(self._rows("SELECT doc_id, origin FROM knowledge"))

    def citation_graph(self) -> CitationGraph:
        """The citation graph of every indexed document (``corpus.citations.graph_from_mentions``)."""
        return self._view("graph", self._build_graph)

    def _build_graph(self) -> CitationGraph:
        mentions: dict[str, list[Mention]] = {}
        for (doc_id, cid, number, typ, date, issuer, title, section, s, e, raw) in self._rows(
                "SELECT doc_id, cited_id, number, type, date, issuer, title, section, start_pos, end_pos, raw"
                " FROM citations ORDER BY doc_id, ord"):
            mentions.setdefault(doc_id, []).append(Mention(id=cid, type=typ, number=number, date=date, issuer=issuer,
                                                           title=title, start=s, end=e, raw=raw, section=section))
        uploaded = {d for d, o in self.origins().items() if o != "bundled"}
        return graph_from_mentions(self.store.metas(), mentions, uploaded=uploaded)

    def validity(self) -> ValidityIndex:
        """The validity index of every indexed document (``corpus.validity.ValidityIndex``)."""
        return self._view("validity", self._build_validity)

    def facts(self) -> list[ValidityFact]:
        """Every stored validity fact, by document then text order."""
        return [ValidityFact(target=t, kind=k, by=b, effective=e, provisions=json.loads(p or "[]"), by_provision=bp,
                             source=src or "", origin=o or "text", doc_id=d, sentence=sen or "", start=s or 0,
                             end=en or 0, row=r or 0)
                for d, t, k, b, e, p, bp, src, o, sen, s, en, r in self._rows(
                    "SELECT doc_id, target, kind, by_number, effective, provisions_json, by_provision, source, origin,"
                    " sentence, start_pos, end_pos, row_no FROM validity ORDER BY doc_id, ord")]

    def _build_validity(self) -> ValidityIndex:
        effective = dict(self._rows("SELECT doc_id, effective FROM knowledge"))
        return ValidityIndex(self.facts(), self.store.metas(), effective)

    def glossary(self) -> dict[str, GlossaryEntry]:
        """Abbreviations defined in the indexed documents (``corpus.glossary.glossary_from_definitions``)."""
        return self._view("glossary", self._build_glossary)

    def _build_glossary(self) -> dict[str, GlossaryEntry]:
        defs = [Definition(t, x, d, sec or "", sn or "") for d, t, x, sec, sn in self._rows(
            "SELECT doc_id, term, expansion, section, snippet FROM glossary ORDER BY doc_id, ord")]
        return glossary_from_definitions(defs)


class StoreDiacritics:
    """The diacritic-restoration model of one store: base counts + the
    syllable counts of the clean text of every indexed document
    (``corpus.diacritics.is_clean_text``), rebuilt when the store generation
    changes, at most once per generation. ``last_build_s``: seconds the last
    rebuild took (reading texts, counting, building)."""

    def __init__(self, store):
        self.store = store
        self._lock = threading.Lock()
        self._gen = -1
        self._model: DiacriticModel | None = None
        self.last_build_s = 0.0

    def model(self) -> DiacriticModel:
        """The model for the store as it is now."""
        gen = self.store.generation()
        if self._model is not None and self._gen == gen:
            return self._model
        with self._lock:
            if self._model is None or self._gen != gen:
                self._model = self._build(())
                self._gen = gen
        return self._model

    def model_with(self, docs: Iterable[ParsedDocument]) -> DiacriticModel:
        """The model the store will have once ``docs`` are indexed (each
        replaces the indexed version of its doc_id): used to read the
        OCR-damaged documents of an ingest with the clean ones of the same batch."""
        docs = list(docs)
        return self._build(docs) if docs else self.model()

    def _build(self, extra: list[ParsedDocument]) -> DiacriticModel:
        t0 = time.perf_counter()
        replaced = {d.meta.doc_id for d in extra}
        texts = [t for m, t, has_chunks in self.store.texts()
                 if m.doc_id not in replaced and has_chunks and m.kind != TABLE_KIND and not m.ocr_damaged
                 and not is_ocr_damaged(t)]
        texts += [d.text for d in extra if is_clean_text(d)]
        counts = base_counts().copy()
        counts.add(count_syllables(line for t in texts for line in text_lines(t)))
        model = DiacriticModel.from_counts(counts)
        self.last_build_s = time.perf_counter() - t0
        return model
