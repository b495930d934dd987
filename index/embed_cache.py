"""Passage-embedding cache: SQLite table keyed by (embedding space, SHA-256 of
the text). Re-ingesting an edited document only embeds the chunks whose text
changed; rebuilding an index after deleting a collection costs no embedding.
Every ``embed_documents`` call commits its new vectors before returning, so an
ingest killed mid-way resumes without re-embedding the batches it finished.

Queries: an in-memory LRU of query vectors (``query_cache`` entries, 0 = off)
in front of a :class:`QueryBatcher`, which runs one model call at a time and
embeds the queries that arrived during a call together in the next one, so
concurrent requests never start competing model calls (each would try to use
every core) and the model sees batches under load.

Read-only *vector packs* (``index.vector_pack``: the shipped vectors of the
bundled corpus) are consulted for keys the table lacks; a vector found there
is copied into the table, so the pack is read at most once per passage."""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Callable

import numpy as np
from langchain_core.embeddings import Embeddings

from index.embeddings import embedder_id
from index.vector_pack import VectorPack, load_packs


class _Pending:
    __slots__ = ("text", "vector", "error", "done")

    def __init__(self, text: str):
        self.text, self.vector, self.error, self.done = text, None, None, False


class QueryBatcher:
    """One model call at a time for query embeddings, batching the waiting ones.

    ``embed_many(texts) -> vectors`` is the model call; ``max_batch`` bounds
    one call. A caller that finds no call running runs one (with every query
    queued by then) and keeps running calls until its own query is done;
    callers arriving meanwhile wait and are served by the next call. No thread
    of its own. ``calls`` / ``queries`` count model calls and queries, so
    ``queries / calls`` is the mean batch size. When a batched call raises,
    each of its queries is embedded alone, and an exception is raised in the
    caller whose query caused it.
    """

    def __init__(self, embed_many: Callable[[list[str]], list[list[float]]], max_batch: int = 32):
        self._embed_many = embed_many
        self.max_batch = max(1, max_batch)
        self._cond = threading.Condition()
        self._queue: list[_Pending] = []
        self._busy = False
        self.calls = self.queries = 0

    def embed(self, text: str) -> list[float]:
        """The query vector of ``text`` (blocking)."""
        me = _Pending(text)
        leader = False
        with self._cond:
            self._queue.append(me)
            while self._busy and not me.done:
                self._cond.wait()
            if not me.done:
                self._busy = leader = True
        if leader:
            self._lead(me)
        if me.error is not None:
            raise me.error
        return me.vector

    def _run(self, batch: list[_Pending]) -> list[tuple[list[float] | None, BaseException | None]]:
        """``(vector, error)`` per query: one call for the batch; if it fails,
        one call per query, so one bad query does not fail the others."""
        try:
            self.calls += 1
            return [(v, None) for v in self._embed_many([p.text for p in batch])]
        except Exception as e:
            if len(batch) == 1:
                return [(None, e)]
        out: list[tuple[list[float] | None, BaseException | None]] = []
        for p in batch:
            try:
                self.calls += 1
                out.append((self._embed_many([p.text])[0], None))
            except Exception as e:
                out.append((None, e))
        return out

    def _lead(self, me: _Pending) -> None:
        """Run model calls over the queue until ``me`` is done; then let the
        next waiter lead."""
        try:
            while not me.done:
                with self._cond:
                    batch = self._queue[: self.max_batch]
                    del self._queue[: self.max_batch]
                if not batch:  # cannot happen: ``me`` is queued until a call takes it
                    me.error, me.done = RuntimeError("query batcher lost a query"), True
                    break
                try:
                    results = self._run(batch)
                except BaseException as e:  # Ctrl-C in the model call: every caller of the batch sees it
                    results = [(None, e)] * len(batch)
                with self._cond:
                    self.queries += len(batch)
                    for p, (v, err) in zip(batch, results):
                        p.vector, p.error, p.done = v, err, True
                    self._cond.notify_all()
        finally:
            with self._cond:
                self._busy = False
                self._cond.notify_all()


def _embed_queries(inner: Embeddings) -> Callable[[list[str]], list[list[float]]]:
    many = getattr(inner, "embed_queries", None)
    if callable(many):
        return many
    return lambda texts: [inner.embed_query(t) for t in texts]


class CachedEmbeddings(Embeddings):
    """Wraps ``inner``; ``hits``/``misses`` count cached and computed passages;
    ``query_hits`` the queries answered from the query LRU (``query_cache``
    entries; 0 = off).

    ``packs``: paths of vector packs; those of another embedding space are
    ignored, and they are opened lazily, on the first passage the table lacks."""

    def __init__(self, inner: Embeddings, path: Path, query_cache: int = 2048,
                 packs: tuple[Path, ...] | list[Path] = ()):
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
        self.query_cache = max(0, int(query_cache))
        self._queries: OrderedDict[str, list[float]] = OrderedDict()
        self._qlock = threading.Lock()
        self.query_hits = 0
        self.batcher = QueryBatcher(_embed_queries(inner))
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
        """The query vector of ``text``: from the LRU, else through the batcher."""
        if self.query_cache:
            with self._qlock:
                vec = self._queries.get(text)
                if vec is not None:
                    self._queries.move_to_end(text)
                    self.query_hits += 1
                    return list(vec)
        vec = self.batcher.embed(text)
        if self.query_cache:
            with self._qlock:
                self._queries[text] = list(vec)
                while len(self._queries) > self.query_cache:
                    self._queries.popitem(last=False)
        return list(vec)
