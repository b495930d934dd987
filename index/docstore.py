"""SQLite store of indexed documents and their chunks (the source of truth the
BM25 index is rebuilt from and that citations are read back from).

Tables: ``documents(doc_id, content_hash, meta_json, text, vector_ids_json)``
and ``chunks(chunk_id, doc_id, ord, chunk_json, tokens_json)``. Writes for one
document happen in one transaction, so a failed ingest leaves the previous
version intact.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from pathlib import Path

from corpus.models import Chunk, DocumentMeta, ParsedDocument

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
"""


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

    def put(self, doc: ParsedDocument, tokens: list[list[str]], vector_ids: list[str]) -> None:
        """Insert or replace a document and all its chunks atomically."""
        with self._lock, self._db:
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
            self._bump()

    def delete(self, doc_id: str) -> bool:
        with self._lock, self._db:
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

    def parsed_documents(self) -> list[ParsedDocument]:
        with self._lock:
            docs = self._db.execute("SELECT doc_id, meta_json, text FROM documents ORDER BY doc_id").fetchall()
            chunks = self._db.execute("SELECT doc_id, chunk_json FROM chunks ORDER BY doc_id, ord").fetchall()
        by_doc: dict[str, list[Chunk]] = {}
        for doc_id, cj in chunks:
            by_doc.setdefault(doc_id, []).append(Chunk(**json.loads(cj)))
        return [ParsedDocument(DocumentMeta(**json.loads(m)), t, by_doc.get(d, [])) for d, m, t in docs]

    def all_chunks(self) -> tuple[list[Chunk], list[list[str]]]:
        """All chunks in a stable order with their BM25 tokens."""
        with self._lock:
            rows = self._db.execute("SELECT chunk_json, tokens_json FROM chunks ORDER BY doc_id, ord").fetchall()
        return [Chunk(**json.loads(r[0])) for r in rows], [json.loads(r[1]) for r in rows]
