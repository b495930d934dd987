"""Passage-embedding cache: SQLite table keyed by (embedding space, SHA-256 of
the text). Re-ingesting an edited document only embeds the chunks whose text
changed; rebuilding an index after deleting a collection costs no embedding.
Every ``embed_documents`` call commits its new vectors before returning, so an
ingest killed mid-way resumes without re-embedding the batches it finished.
Query vectors are kept in memory for the last few queries only (one ``ask``
embeds its query once for retrieval and reuses it for sentence scoring).

Read-only *vector packs* (``index.vector_pack``: the shipped vectors of the
bundled corpus) are consulted for keys the table lacks; a vector found there
is copied into the table, so the pack is read at most once per passage."""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from pathlib import Path

import numpy as np
from langchain_core.embeddings import Embeddings

from index.embeddings import embedder_id
from index.vector_pack import VectorPack, load_packs


class CachedEmbeddings(Embeddings):
    """Wraps ``inner``; ``hits``/``misses`` count cached and computed passages.

    ``packs``: paths of vector packs; those of another embedding space are
    ignored, and they are opened lazily, on the first passage the table lacks."""

    def __init__(self, inner: Embeddings, path: Path, packs: tuple[Path, ...] | list[Path] = ()):
        self.inner = inner
        self.space = embedder_id(inner)
        self.name = getattr(inner, "name", type(inner).__name__)
        if hasattr(inner, "model_name"):
            self.model_name = inner.model_name
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path), check_same_thread=False)
        self._db.execute("CREATE TABLE IF NOT EXISTS emb (key TEXT PRIMARY KEY, vec BLOB NOT NULL)")
        self._lock = threading.Lock()
        self.hits = self.misses = 0
        self._queries: dict[str, list[float]] = {}
        self._pack_paths = [Path(p) for p in packs if Path(p).is_file()]
        self._packs: list[VectorPack] | None = None

    def _key(self, text: str) -> str:
        return hashlib.sha256(f"{self.space}\x00{text}".encode()).hexdigest()

    def _found(self, keys: list[str]) -> dict[str, bytes]:
        found: dict[str, bytes] = {}
        with self._lock:
            for i in range(0, len(keys), 500):
                part = keys[i : i + 500]
                q = f"SELECT key, vec FROM emb WHERE key IN ({','.join('?' * len(part))})"
                found.update(dict(self._db.execute(q, part).fetchall()))
        lacking = [k for k in keys if k not in found]
        if lacking and self._pack_paths:
            from_packs = self._from_packs(lacking)
            if from_packs:
                with self._lock, self._db:
                    self._db.executemany("INSERT OR IGNORE INTO emb(key, vec) VALUES (?, ?)", from_packs.items())
                found.update(from_packs)
        return found

    def _from_packs(self, keys: list[str]) -> dict[str, bytes]:
        if self._packs is None:
            self._packs = load_packs(self._pack_paths, self.space)
        out: dict[str, bytes] = {}
        for k in keys:
            for pack in self._packs:
                v = pack.get(k)
                if v is not None:
                    out[k] = v.tobytes()
                    break
        return out

    def lookup(self, texts: list[str]) -> list[list[float] | None]:
        """Cached passage vectors for ``texts`` (None where not cached); never embeds."""
        keys = [self._key(t) for t in texts]
        found = self._found(keys)
        return [np.frombuffer(found[k], dtype=np.float32).tolist() if k in found else None for k in keys]

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        keys = [self._key(t) for t in texts]
        found = self._found(keys)
        todo = [i for i, k in enumerate(keys) if k not in found]
        new = self.inner.embed_documents([texts[i] for i in todo]) if todo else []
        if new:
            with self._lock, self._db:
                self._db.executemany(
                    "INSERT OR REPLACE INTO emb(key, vec) VALUES (?, ?)",
                    [(keys[i], np.asarray(v, dtype=np.float32).tobytes()) for i, v in zip(todo, new)],
                )
        self.hits += len(texts) - len(todo)
        self.misses += len(todo)
        out: list[list[float]] = []
        fresh = iter(new)
        for k in keys:
            out.append(np.frombuffer(found[k], dtype=np.float32).tolist() if k in found else list(next(fresh)))
        return out

    def embed_query(self, text: str) -> list[float]:
        vec = self._queries.get(text)
        if vec is None:
            vec = self.inner.embed_query(text)
            with self._lock:
                if len(self._queries) >= 64:
                    self._queries.pop(next(iter(self._queries)))
                self._queries[text] = vec
        return vec
