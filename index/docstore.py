"""SQLite store of indexed documents and their chunks (the source of truth the
BM25 index is rebuilt from and that citations are read back from).

Tables: ``documents(doc_id, content_hash, meta_json, text, vector_ids_json)``,
``chunks(chunk_id, doc_id, ord, chunk_json, tokens_json)``, the document's
legal knowledge (``knowledge``, ``citations``, ``validity``, ``glossary``:
see ``index.knowledge``) and ``journal``: one row per document write in
progress across the stores (see ``index.transactions``). Writes for one
document (its row, chunks and knowledge) happen in one transaction that also
advances the document's journal row, so a failed ingest leaves the previous
version intact and a killed one leaves a row saying how far it got.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from corpus.knowledge import DocumentKnowledge, extract_knowledge
from corpus.models import Chunk, DocumentMeta, ParsedDocument
from index.knowledge import SCHEMA as KNOWLEDGE_SCHEMA
from index.knowledge import write_knowledge

_SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    doc_id TEXT PRIMARY KEY,
    content_hash TEXT NOT NULL,
    meta_json TEXT NOT NULL,
    text TEXT NOT NULL,
    vector_ids_json TEXT NOT NULL DEFAULT '[]'
);
CREATE TABLE IF NOT EXISTS chunks (
    chunk_id TEXT PRIMARY KEY,
    doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
    ord INTEGER NOT NULL,
    chunk_json TEXT NOT NULL,
    tokens_json TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS chunks_doc ON chunks(doc_id, ord);
CREATE TABLE IF NOT EXISTS info (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS journal (
    doc_id TEXT PRIMARY KEY,
    op TEXT NOT NULL,
    phase TEXT NOT NULL,
    content_hash TEXT NOT NULL DEFAULT '',
    new_ids_json TEXT NOT NULL DEFAULT '[]',
    old_ids_json TEXT NOT NULL DEFAULT '[]',
    payload_json TEXT,
    started REAL NOT NULL
);
"""


@dataclass
class JournalEntry:
    """A document write that has not finished in every store.

    ``op``: ``"add"`` or ``"delete"``; ``phase``: ``"intent"`` (the docstore
    still holds the previous version) or ``"stored"`` (the docstore commit is
    done; only vector pruning is left). ``new_ids``/``old_ids``: vector ids
    of the version being written / being replaced. ``started``: Unix time.
    """

    doc_id: str
    op: str
    phase: str
    content_hash: str = ""
    new_ids: list[str] = field(default_factory=list)
    old_ids: list[str] = field(default_factory=list)
    started: float = 0.0


class DocStore:
    """Thread-safe SQLite store (one connection guarded by a lock)."""

    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._lock = threading.RLock()
        self._db = sqlite3.connect(str(path), check_same_thread=False)
        self._db.execute("PRAGMA foreign_keys = ON")
        self._db.execute("PRAGMA journal_mode = WAL")
        self._db.executescript(_SCHEMA)
        self._db.executescript(KNOWLEDGE_SCHEMA)

    # ---- info ------------------------------------------------------------
    def get_info(self, key: str) -> str | None:
        with self._lock:
            row = self._db.execute("SELECT value FROM info WHERE key=?", (key,)).fetchone()
        return row[0] if row else None

    def set_info(self, key: str, value: str) -> None:
        with self._lock, self._db:
            self._db.execute("INSERT OR REPLACE INTO info(key, value) VALUES (?, ?)", (key, value))

    def generation(self) -> int:
        """Counter bumped by every write; caches compare it to know they are stale."""
        return int(self.get_info("generation") or 0)

    # ---- documents -------------------------------------------------------
    def content_hash(self, doc_id: str) -> str | None:
        with self._lock:
            row = self._db.execute("SELECT content_hash FROM documents WHERE doc_id=?", (doc_id,)).fetchone()
        return row[0] if row else None

    def vector_ids(self, doc_id: str) -> list[str]:
        with self._lock:
            row = self._db.execute("SELECT vector_ids_json FROM documents WHERE doc_id=?", (doc_id,)).fetchone()
        return json.loads(row[0]) if row else []

    def store_id(self) -> str:
        """Random id of this store, created on first use; tags the vectors it
        writes, so a Chroma server shared by several stores is reconciled
        per store."""
        with self._lock, self._db:
            row = self._db.execute("SELECT value FROM info WHERE key='store_id'").fetchone()
            if row:
                return row[0]
            sid = uuid.uuid4().hex
            self._db.execute("INSERT INTO info(key, value) VALUES ('store_id', ?)", (sid,))
            return sid

    def put(self, doc: ParsedDocument, tokens: list[list[str]], vector_ids: list[str],
            knowledge: DocumentKnowledge | None = None) -> None:
        """Insert or replace a document, all its chunks and its knowledge
        (``knowledge``, else ``corpus.knowledge.extract_knowledge(doc)``)
        atomically; in the same transaction the document's journal row (if
        any) moves to ``"stored"`` and drops its payload."""
        if knowledge is None or knowledge.doc_id != doc.meta.doc_id:
            knowledge = extract_knowledge(doc)
        with self._lock, self._db:
            self._db.execute("UPDATE journal SET phase='stored', payload_json=NULL WHERE doc_id=?", (doc.meta.doc_id,))
            self._db.execute("DELETE FROM documents WHERE doc_id=?", (doc.meta.doc_id,))
            self._db.execute(
                "INSERT INTO documents(doc_id, content_hash, meta_json, text, vector_ids_json) VALUES (?,?,?,?,?)",
                (doc.meta.doc_id, doc.meta.content_hash, json.dumps(doc.meta.to_dict(), ensure_ascii=False),
                 doc.text, json.dumps(vector_ids)),
            )
            self._db.executemany(
                "INSERT INTO chunks(chunk_id, doc_id, ord, chunk_json, tokens_json) VALUES (?,?,?,?,?)",
                [
                    (c.chunk_id, c.doc_id, i, json.dumps(c.to_dict(), ensure_ascii=False), json.dumps(t, ensure_ascii=False))
                    for i, (c, t) in enumerate(zip(doc.chunks, tokens))
                ],
            )
            write_knowledge(self._db, knowledge)
            self._bump()

    def put_knowledge(self, knowledge: DocumentKnowledge, content_hash: str) -> bool:
        """Store the knowledge of an indexed document whose version is
        ``content_hash`` (for documents indexed before knowledge was stored);
        False, writing nothing, if that version is no longer the indexed one."""
        with self._lock, self._db:
            row = self._db.execute("SELECT content_hash FROM documents WHERE doc_id=?",
                                   (knowledge.doc_id,)).fetchone()
            if not row or row[0] != content_hash:
                return False
            write_knowledge(self._db, knowledge)
            self._bump()
            return True

    def delete(self, doc_id: str) -> bool:
        """Remove a document and its chunks (and mark its journal row
        ``"stored"``) in one transaction; False if it was not there."""
        with self._lock, self._db:
            self._db.execute("UPDATE journal SET phase='stored', payload_json=NULL WHERE doc_id=?", (doc_id,))
            cur = self._db.execute("DELETE FROM documents WHERE doc_id=?", (doc_id,))
            self._bump()
            return cur.rowcount > 0

    def _bump(self) -> None:
        g = int((self._db.execute("SELECT value FROM info WHERE key='generation'").fetchone() or ["0"])[0])
        self._db.execute("INSERT OR REPLACE INTO info(key, value) VALUES ('generation', ?)", (str(g + 1),))

    def count_documents(self) -> int:
        with self._lock:
            return self._db.execute("SELECT COUNT(*) FROM documents").fetchone()[0]

    def count_chunks(self) -> int:
        with self._lock:
            return self._db.execute("SELECT COUNT(*) FROM chunks").fetchone()[0]

    def metas(self) -> list[DocumentMeta]:
        with self._lock:
            rows = self._db.execute("SELECT meta_json FROM documents ORDER BY doc_id").fetchall()
        return [DocumentMeta(**json.loads(r[0])) for r in rows]

    def meta(self, doc_id: str) -> DocumentMeta | None:
        with self._lock:
            row = self._db.execute("SELECT meta_json FROM documents WHERE doc_id=?", (doc_id,)).fetchone()
        return DocumentMeta(**json.loads(row[0])) if row else None

    def parsed_documents(self, doc_ids: list[str] | None = None) -> list[ParsedDocument]:
        """The stored documents with their chunks, by doc_id; only those of ``doc_ids`` when given."""
        if doc_ids is not None:
            with self._lock:
                docs = []
                for i in range(0, len(doc_ids), 500):
                    part = doc_ids[i : i + 500]
                    docs += self._db.execute(f"SELECT doc_id, meta_json, text FROM documents WHERE doc_id IN "
                                             f"({','.join('?' * len(part))})", part).fetchall()
            docs.sort()
            by_doc = self.chunks_of([d for d, _m, _t in docs])
            return [ParsedDocument(DocumentMeta(**json.loads(m)), t, by_doc.get(d, [])) for d, m, t in docs]
        with self._lock:
            docs = self._db.execute("SELECT doc_id, meta_json, text FROM documents ORDER BY doc_id").fetchall()
            chunks = self._db.execute("SELECT doc_id, chunk_json FROM chunks ORDER BY doc_id, ord").fetchall()
        by_doc: dict[str, list[Chunk]] = {}
        for doc_id, cj in chunks:
            by_doc.setdefault(doc_id, []).append(Chunk(**json.loads(cj)))
        return [ParsedDocument(DocumentMeta(**json.loads(m)), t, by_doc.get(d, [])) for d, m, t in docs]

    def texts(self) -> list[tuple[DocumentMeta, str, bool]]:
        """``(meta, text, has_chunks)`` of every document, by doc_id (no chunks loaded)."""
        with self._lock:
            rows = self._db.execute(
                "SELECT d.meta_json, d.text, EXISTS(SELECT 1 FROM chunks c WHERE c.doc_id = d.doc_id)"
                " FROM documents d ORDER BY d.doc_id").fetchall()
        return [(DocumentMeta(**json.loads(m)), t, bool(h)) for m, t, h in rows]

    def all_chunks(self) -> tuple[list[Chunk], list[list[str]]]:
        """All chunks in a stable order with their BM25 tokens."""
        with self._lock:
            rows = self._db.execute("SELECT chunk_json, tokens_json FROM chunks ORDER BY doc_id, ord").fetchall()
        return [Chunk(**json.loads(r[0])) for r in rows], [json.loads(r[1]) for r in rows]

    def vector_id_map(self) -> dict[str, list[str]]:
        """doc_id → the vector ids the document's current version owns."""
        with self._lock:
            rows = self._db.execute("SELECT doc_id, vector_ids_json FROM documents").fetchall()
        return {d: json.loads(v) for d, v in rows}

    def chunk_ids_by_doc(self) -> dict[str, list[str]]:
        """doc_id → its chunk ids in document order."""
        with self._lock:
            rows = self._db.execute("SELECT doc_id, chunk_id FROM chunks ORDER BY doc_id, ord").fetchall()
        out: dict[str, list[str]] = {}
        for d, c in rows:
            out.setdefault(d, []).append(c)
        return out

    def chunks_of(self, doc_ids: list[str]) -> dict[str, list[Chunk]]:
        """doc_id → its chunks in order, for the given documents."""
        out: dict[str, list[Chunk]] = {}
        with self._lock:
            for i in range(0, len(doc_ids), 500):
                part = doc_ids[i : i + 500]
                q = f"SELECT doc_id, chunk_json FROM chunks WHERE doc_id IN ({','.join('?' * len(part))}) ORDER BY doc_id, ord"
                for d, cj in self._db.execute(q, part).fetchall():
                    out.setdefault(d, []).append(Chunk(**json.loads(cj)))
        return out

    # ---- journal (see index.transactions) --------------------------------------
    def journal_begin(self, doc_id: str, op: str, content_hash: str, new_ids: list[str], old_ids: list[str],
                      payload: dict | None = None) -> None:
        """Record the intent to write (``op="add"``) or delete a document,
        replacing any earlier row for it. ``payload``: the parsed document
        and its BM25 tokens (``{"meta", "text", "chunks", "tokens"}``), so an
        interrupted add can be finished without the source file."""
        with self._lock, self._db:
            self._db.execute(
                "INSERT OR REPLACE INTO journal(doc_id, op, phase, content_hash, new_ids_json, old_ids_json, payload_json,"
                " started) VALUES (?,?,?,?,?,?,?,?)",
                (doc_id, op, "intent", content_hash, json.dumps(new_ids), json.dumps(old_ids),
                 json.dumps(payload, ensure_ascii=False) if payload is not None else None, time.time()),
            )

    def journal_end(self, doc_id: str) -> None:
        """The write of ``doc_id`` is complete in every store."""
        with self._lock, self._db:
            self._db.execute("DELETE FROM journal WHERE doc_id=?", (doc_id,))

    def journal(self) -> list[JournalEntry]:
        """Unfinished writes, oldest first (payloads not loaded)."""
        with self._lock:
            rows = self._db.execute(
                "SELECT doc_id, op, phase, content_hash, new_ids_json, old_ids_json, started FROM journal ORDER BY started"
            ).fetchall()
        return [JournalEntry(d, o, p, h, json.loads(n), json.loads(old), t) for d, o, p, h, n, old, t in rows]

    def journal_entry(self, doc_id: str) -> JournalEntry | None:
        return next((e for e in self.journal() if e.doc_id == doc_id), None)

    def has_pending(self, doc_id: str) -> bool:
        with self._lock:
            return self._db.execute("SELECT 1 FROM journal WHERE doc_id=?", (doc_id,)).fetchone() is not None

    def journal_payload(self, doc_id: str) -> tuple[ParsedDocument, list[list[str]]] | None:
        """The parsed document and tokens recorded by ``journal_begin``, or
        None (a delete, or the docstore commit already happened)."""
        loaded = self.journal_payload_full(doc_id)
        return (loaded[0], loaded[1]) if loaded else None

    def journal_payload_full(self, doc_id: str) -> tuple[ParsedDocument, list[list[str]], DocumentKnowledge | None] | None:
        """:meth:`journal_payload` plus the document's knowledge when the payload holds it."""
        with self._lock:
            row = self._db.execute("SELECT payload_json FROM journal WHERE doc_id=?", (doc_id,)).fetchone()
        if not row or row[0] is None:
            return None
        p = json.loads(row[0])
        doc = ParsedDocument(DocumentMeta(**p["meta"]), p["text"], [Chunk(**c) for c in p["chunks"]])
        k = DocumentKnowledge.from_dict(p["knowledge"]) if p.get("knowledge") else None
        return doc, p["tokens"], k
