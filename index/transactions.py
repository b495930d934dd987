"""Journaled, idempotent document writes across the stores of the hybrid
index, and their reconciliation.

The stores: the SQLite docstore (documents and chunks; the BM25 index is
rebuilt from it, so BM25 always holds exactly the docstore's chunks) and the
Chroma collection (one vector per chunk, id ``<content_hash[:12]>:<chunk_id>``,
so two versions of a document never share a vector id). The embedding cache is
not part of the index; it makes re-adding a vector cost no embedding.

Adding (or updating) a document, in order; each step is safe to repeat:

1. **intent** – a journal row (doc_id, new content hash, new and old vector
   ids, and the parsed document with its BM25 tokens and its legal knowledge,
   ``corpus.knowledge.extract_knowledge``, as payload) is committed;
2. **embed** – the chunks are embedded in batches, each batch committed to the
   embedding cache;
3. **vectors** – the new vectors are upserted into Chroma (the previous
   version's vectors stay, so it remains fully searchable);
4. **commit** – one SQLite transaction replaces the document, its chunks and
   its knowledge rows (``index.knowledge``) and moves the journal row to
   ``stored``;
5. **prune** – the previous version's vectors the new one does not reuse are
   deleted from Chroma;
6. **done** – the journal row is removed.

A document is *current* (``is_current``) only after step 6: its content hash
is in the docstore and no journal row is left, i.e. every store holds exactly
its chunk ids. Deleting: intent → commit (docstore rows removed, knowledge
rows with them) → prune (vectors deleted) → done.

Recovery (``settle``) of a row left by a crash: a ``stored`` row is finished
(prune, done); a pending delete is finished; an add still at ``intent`` is
rolled forward from its payload when every chunk's vector is in Chroma or in
the embedding cache (or embedding is allowed, as on ``cchc ingest``), and
otherwise left pending: the previous version stays current and searchable,
and the next ingest resumes it, embedding only what the cache lacks.

Reconciliation (``reconcile``) then compares id sets: vectors this store owns
that no document or pending add expects (orphans) are deleted, and expected
vectors missing from Chroma are re-added from the cache (re-embedded only
when the cache lacks them and embedding is allowed). It reads one list of ids
from each store, so it is cheap enough to run every time the index is opened.

Writers hold an exclusive ``flock`` on ``<store>.lock`` (released by the
kernel when a process dies), so a reader process opening the index while
another process ingests never "repairs" a write in progress. An add holds it
for step 1 and for steps 3–6, not while embedding (step 2, the slow part: a
few chunks per second with a real model), so one large document never holds
the writer for longer than its vector and SQLite writes; readers never take
it. If another writer settled or replaced the journal row meanwhile, step 3
writes it again. ``WriteLock.held_s`` adds up the seconds it was held.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from corpus.knowledge import DocumentKnowledge, extract_knowledge
from corpus.models import ParsedDocument
from index.docstore import DocStore, JournalEntry
from index.embed_cache import CachedEmbeddings
from index.faults import fault_point
from index.vectorstore import VectorIndex

try:  # POSIX; elsewhere only threads in one process are serialised
    import fcntl
except ImportError:  # pragma: no cover
    fcntl = None

log = logging.getLogger(__name__)

WRITE_BATCH = 1024  # vectors per Chroma upsert (per-16 upserts made vector writes the slowest stage at 100k chunks)
_LIST_LIMIT = 100  # ids listed per category in a report (counts are always complete)


class WriteLock:
    """Re-entrant lock held by the one writer of a data dir: a thread lock
    plus an exclusive ``flock`` on ``path`` (another process holding it makes
    ``acquire(blocking=False)`` return False)."""

    def __init__(self, path: Path):
        self.path = path
        self._thread = threading.RLock()
        self._depth = 0
        self._fd: int | None = None
        self._since = 0.0
        self.held_s = 0.0  # seconds held in total (outermost acquire → release)
        self.max_held_s = 0.0  # longest single hold

    def acquire(self, blocking: bool = True) -> bool:
        if not self._thread.acquire(blocking=blocking):
            return False
        if self._depth == 0 and fcntl is not None:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
            except BlockingIOError:
                os.close(fd)
                self._thread.release()
                return False
            self._fd = fd
        if self._depth == 0:
            self._since = time.perf_counter()
        self._depth += 1
        return True

    def release(self) -> None:
        self._depth -= 1
        if self._depth == 0:
            held = time.perf_counter() - self._since
            self.held_s += held
            self.max_held_s = max(self.max_held_s, held)
            if self._fd is not None:
                fcntl.flock(self._fd, fcntl.LOCK_UN)
                os.close(self._fd)
                self._fd = None
        self._thread.release()

    def __enter__(self) -> "WriteLock":
        self.acquire()
        return self

    def __exit__(self, *exc) -> None:
        self.release()


@dataclass
class CheckReport:
    """What ``reconcile`` found (before repairing) and did.

    Counts: ``documents``, ``chunks`` (docstore), ``bm25_chunks`` (None when
    not checked), ``vectors`` (vectors this store owns in Chroma),
    ``expected_vectors`` (vector ids the docstore's documents own). Lists (at
    most 100 ids each; ``*_count`` fields are complete): ``orphan_vectors``,
    ``missing_vectors``, ``bm25_missing`` / ``bm25_extra`` (chunk ids),
    ``bad_documents`` (doc_ids whose stored vector ids do not match their
    chunks). ``pending``: unfinished journal entries, as dicts ``{"doc_id",
    "op", "phase", "chunks", "embedded", "started"}`` (``embedded``: chunks
    whose vector is cached, None when not computed) left after repairing;
    ``interrupted``: the journal entries found on entry, ``{"doc_id", "op",
    "phase"}``. ``repaired``: action →
    count (``orphans_removed``, ``missing_readded``, ``reembedded``,
    ``adds_finished``, ``adds_resumed``, ``adds_abandoned``,
    ``deletes_finished``). ``writer_active``: another writer held the lock,
    so nothing was repaired and the figures may show its write in progress.
    ``seconds``: wall time of the check.
    """

    documents: int = 0
    chunks: int = 0
    vectors: int = 0
    expected_vectors: int = 0
    bm25_chunks: int | None = None
    orphan_vectors: list[str] = field(default_factory=list)
    orphan_count: int = 0
    missing_vectors: list[str] = field(default_factory=list)
    missing_count: int = 0
    bm25_missing: list[str] = field(default_factory=list)
    bm25_extra: list[str] = field(default_factory=list)
    bad_documents: list[str] = field(default_factory=list)
    knowledge_missing: list[str] = field(default_factory=list)
    pending: list[dict] = field(default_factory=list)
    interrupted: list[dict] = field(default_factory=list)
    repaired: dict[str, int] = field(default_factory=dict)
    resumed: list[str] = field(default_factory=list)
    writer_active: bool = False
    seconds: float = 0.0

    @property
    def consistent(self) -> bool:
        """Every store holds exactly the chunk ids of the docstore's documents."""
        return not (self.orphan_count or self.missing_count or self.bm25_missing or self.bm25_extra or self.bad_documents)

    @property
    def clean(self) -> bool:
        """Consistent and no write left unfinished."""
        return self.consistent and not self.pending

    def to_dict(self) -> dict:
        d = {k: v for k, v in self.__dict__.items()}
        d["consistent"], d["clean"] = self.consistent, self.clean
        d["seconds"] = round(self.seconds, 4)
        return d


def _payload(doc: ParsedDocument, tokens: list[list[str]], knowledge: DocumentKnowledge) -> dict:
    return {"meta": doc.meta.to_dict(), "text": doc.text, "chunks": [c.to_dict() for c in doc.chunks], "tokens": tokens,
            "knowledge": knowledge.to_dict()}


class Transactions:
    """Journaled writes and reconciliation over one docstore and one Chroma
    collection (see module doc). ``stats``: an ``IngestStats``-like object
    whose ``embed_s`` and ``extra["vector_write_s"]`` are accumulated."""

    def __init__(self, store: DocStore, vectors: VectorIndex, embeddings: CachedEmbeddings, lock_path: Path,
                 stats=None):
        self.store, self.vectors, self.embeddings, self.stats = store, vectors, embeddings, stats
        self.lock = WriteLock(lock_path)
        self.store_id = store.store_id()

    # ---- one document ---------------------------------------------------------
    def is_current(self, doc: ParsedDocument) -> bool:
        """The same content is indexed and its write finished in every store."""
        return self.store.content_hash(doc.meta.doc_id) == doc.meta.content_hash and not self.store.has_pending(
            doc.meta.doc_id)

    def add(self, doc: ParsedDocument, tokens: list[list[str]], on_batch: Callable[[int], None] | None = None,
            batch_size: int = 16) -> int:
        """Write ``doc`` (replacing its previous version) through the phases
        of the module doc; returns the number of chunks.

        An ``Exception`` before the docstore commit rolls the new vectors back
        and is re-raised (the previous version stays intact). A
        ``KeyboardInterrupt`` leaves the journal row, so the next ingest
        resumes from the embedding cache. The writer lock is not held while
        embedding (module doc).
        """
        doc_id = doc.meta.doc_id
        ids = [f"{doc.meta.content_hash[:12]}:{c.chunk_id}" for c in doc.chunks]
        knowledge = extract_knowledge(doc)  # outside the lock, with the caller's diacritic model
        payload = _payload(doc, tokens, knowledge)
        with self.lock:
            self._begin(doc, ids, payload)
        try:
            self._embed([c.index_text for c in doc.chunks], on_batch, batch_size)
        except Exception:
            with self.lock:
                self._abandon(self.store.journal_entry(doc_id))
            raise
        with self.lock:
            entry = self.store.journal_entry(doc_id)
            if entry is None or entry.op != "add" or entry.phase != "intent" or entry.content_hash != doc.meta.content_hash:
                entry = self._begin(doc, ids, payload)  # another writer settled or replaced the row meanwhile
            try:
                self._write(doc, tokens, ids, None, batch_size, embed=False, knowledge=knowledge)  # vectors: the cache
            except Exception:
                self._abandon(self.store.journal_entry(doc_id))
                raise
            self._finish(doc_id, entry.old_ids, ids)
        return len(ids)

    def _begin(self, doc: ParsedDocument, ids: list[str], payload: dict) -> JournalEntry:
        """Step 1 (caller holds the lock): settle an unfinished write of
        another version, then commit the intent row. Returns it."""
        doc_id = doc.meta.doc_id
        prev = self.store.journal_entry(doc_id)
        if prev and not (prev.op == "add" and prev.phase == "intent" and prev.content_hash == doc.meta.content_hash):
            self.settle(prev, allow_embed=False, abandon=True)  # an unfinished write of another version
        old_ids = self.store.vector_ids(doc_id)
        self.store.journal_begin(doc_id, "add", doc.meta.content_hash, ids, old_ids, payload)
        fault_point("journaled")
        return JournalEntry(doc_id, "add", "intent", doc.meta.content_hash, ids, old_ids)

    def delete(self, doc_id: str) -> bool:
        """Remove a document from every store; False if it was not indexed."""
        with self.lock:
            prev = self.store.journal_entry(doc_id)
            if prev:
                self.settle(prev, allow_embed=False, abandon=True)
            ids = self.store.vector_ids(doc_id)
            if self.store.content_hash(doc_id) is None:
                return False
            self.store.journal_begin(doc_id, "delete", "", [], ids)
            fault_point("journaled")
            self.store.delete(doc_id)
            fault_point("docstore_committed")
            self._finish(doc_id, ids, [])
        return True

    def _embed(self, texts: list[str], on_batch, batch_size: int) -> None:
        """Step 2: embed ``texts`` into the cache in batches (no lock needed)."""
        for i in range(0, len(texts), batch_size):
            t0 = time.perf_counter()
            self.embeddings.embed_documents(texts[i : i + batch_size])
            if self.stats is not None:
                self.stats.embed_s += time.perf_counter() - t0
            if on_batch:
                on_batch(len(texts[i : i + batch_size]))
            fault_point("embed_batch")

    def _write(self, doc: ParsedDocument, tokens, ids, on_batch, batch_size, embed: bool = True,
               knowledge: DocumentKnowledge | None = None) -> None:
        """Steps 2–4: embed (into the cache), upsert vectors, commit the
        docstore (the document, its chunks and its ``knowledge`` in one
        transaction). ``embed=False``: step 2 was done (the upsert reads the
        cache, embedding only what it lacks)."""
        texts = [c.index_text for c in doc.chunks]
        if embed:
            self._embed(texts, on_batch, batch_size)
        t0 = time.perf_counter()
        metas = [self._vector_meta(c) for c in doc.chunks]
        for i in range(0, len(ids), WRITE_BATCH):
            # re-reads the vectors just cached: no second embedding
            self.vectors.add(ids[i : i + WRITE_BATCH], texts[i : i + WRITE_BATCH], metas[i : i + WRITE_BATCH])
        if self.stats is not None:
            self.stats.extra["vector_write_s"] = self.stats.extra.get("vector_write_s", 0.0) + time.perf_counter() - t0
        fault_point("vectors_written")
        self.store.put(doc, tokens, ids, knowledge)
        fault_point("docstore_committed")

    def _vector_meta(self, c) -> dict:
        return {"doc_id": c.doc_id, "chunk_id": c.chunk_id, "section": c.section, "store": self.store_id}

    def _finish(self, doc_id: str, old_ids: list[str], new_ids: list[str]) -> None:
        """Steps 5–6. A failure here leaves the row ``stored`` for the next reconcile."""
        keep = set(new_ids)
        try:
            self.vectors.delete([i for i in old_ids if i not in keep], on_batch=lambda: fault_point("delete_batch"))
        except Exception:
            log.warning("could not delete the old vectors of %s; the next start finishes it", doc_id, exc_info=True)
            return
        self.store.journal_end(doc_id)

    def _abandon(self, entry: JournalEntry | None) -> None:
        """Roll an unfinished add back: its vectors that the docstore's current
        version does not own are deleted, and its row removed."""
        if entry is None:
            return
        keep = set(self.store.vector_ids(entry.doc_id))
        self.vectors.delete([i for i in entry.new_ids if i not in keep])
        self.store.journal_end(entry.doc_id)

    def settle(self, entry: JournalEntry, allow_embed: bool, abandon: bool = False,
               on_batch: Callable[[int], None] | None = None, batch_size: int = 16) -> str:
        """Bring one journal entry to an end (module doc, *Recovery*). Returns
        ``"deletes_finished"``, ``"adds_finished"``, ``"adds_resumed"``,
        ``"adds_abandoned"`` or ``"pending"`` (an add whose embeddings are not
        all cached, with ``allow_embed`` False). Caller holds the lock."""
        if entry.op == "delete":
            if entry.phase == "intent":
                self.store.delete(entry.doc_id)
            self._finish(entry.doc_id, entry.old_ids, [])
            return "deletes_finished"
        if entry.phase == "stored":
            self._finish(entry.doc_id, entry.old_ids, entry.new_ids)
            return "adds_finished"
        loaded = None if abandon else self.store.journal_payload_full(entry.doc_id)
        if loaded is None:
            self._abandon(entry)
            return "adds_abandoned"
        doc, tokens, knowledge = loaded
        if not allow_embed:
            present = self.vectors.existing(entry.new_ids)
            texts = [c.index_text for i, c in zip(entry.new_ids, doc.chunks) if i not in present]
            if any(v is None for v in self.embeddings.lookup(texts)):
                return "pending"
        self._write(doc, tokens, entry.new_ids, on_batch, batch_size, knowledge=knowledge)
        self._finish(entry.doc_id, entry.old_ids, entry.new_ids)
        return "adds_resumed"

    # ---- all stores -----------------------------------------------------------
    def reconcile(self, repair: bool = True, allow_embed: bool = False, exclude: set[str] = frozenset(),
                  detail: bool = False, blocking: bool = False, on_batch: Callable[[int], None] | None = None,
                  batch_size: int = 16) -> CheckReport:
        """Compare the stores' id sets and, with ``repair``, settle journal
        entries and fix what differs (module doc, *Reconciliation*).

        ``allow_embed``: pending adds are resumed and vectors missing from the
        cache re-embedded (``cchc ingest``, ``cchc index check --repair``);
        without it (opening the index) only cache-complete work is done.
        ``exclude``: doc_ids whose pending add the caller is about to redo.
        ``detail``: also count cached embeddings of pending adds.
        ``blocking``: wait for another writer instead of reporting
        ``writer_active``. Returns what was found before repairing, plus
        ``repaired``; call again with ``repair=False`` for the state after.
        """
        t0 = time.perf_counter()
        rep = CheckReport()
        locked = self.lock.acquire(blocking=blocking)
        rep.writer_active = not locked
        try:
            found = self.store.journal()
            rep.interrupted = [{"doc_id": e.doc_id, "op": e.op, "phase": e.phase} for e in found]
            if repair and locked:
                for entry in found:
                    if entry.op == "add" and entry.phase == "intent" and entry.doc_id in exclude:
                        continue
                    try:
                        outcome = self.settle(entry, allow_embed, on_batch=on_batch, batch_size=batch_size)
                    except Exception:  # one bad row must not stop the others
                        log.warning("could not settle the interrupted write of %s", entry.doc_id, exc_info=True)
                        continue
                    if outcome != "pending":
                        rep.repaired[outcome] = rep.repaired.get(outcome, 0) + 1
                    if outcome == "adds_resumed":
                        rep.resumed.append(entry.doc_id)
            self._compare(rep, repair=repair and locked, allow_embed=allow_embed, detail=detail)
        finally:
            if locked:
                self.lock.release()
        rep.seconds = time.perf_counter() - t0
        return rep

    def _compare(self, rep: CheckReport, repair: bool, allow_embed: bool, detail: bool) -> None:
        by_doc = self.store.vector_id_map()
        expected = {i for ids in by_doc.values() for i in ids}
        journal = self.store.journal()
        in_flight = {i for e in journal if e.op == "add" and e.phase == "intent" for i in e.new_ids}
        owned = self.vectors.owned_ids(self.store_id)
        present = self.vectors.existing(sorted(expected)) if self.vectors.remote else owned & expected
        orphans = sorted(owned - expected - in_flight)
        missing = sorted(expected - present)
        chunk_ids = self.store.chunk_ids_by_doc()
        rep.documents, rep.chunks = len(by_doc), sum(len(c) for c in chunk_ids.values())
        rep.vectors, rep.expected_vectors = len(owned), len(expected)
        rep.orphan_vectors, rep.orphan_count = orphans[:_LIST_LIMIT], len(orphans)
        rep.missing_vectors, rep.missing_count = missing[:_LIST_LIMIT], len(missing)
        rep.bad_documents = sorted(d for d, ids in by_doc.items()
                                   if [i.split(":", 1)[-1] for i in ids] != chunk_ids.get(d, []))
        for e in journal:
            embedded = None
            if detail and e.op == "add" and e.phase == "intent":
                loaded = self.store.journal_payload(e.doc_id)
                if loaded:
                    embedded = sum(v is not None for v in self.embeddings.lookup([c.index_text for c in loaded[0].chunks]))
            rep.pending.append({"doc_id": e.doc_id, "op": e.op, "phase": e.phase, "chunks": len(e.new_ids or e.old_ids),
                                "embedded": embedded, "started": time.strftime("%Y-%m-%d %H:%M:%S",
                                                                               time.localtime(e.started))})
        if not repair:
            return
        if orphans:
            self.vectors.delete(orphans)
            rep.repaired["orphans_removed"] = len(orphans)
        if missing:
            readded, reembedded = self._readd(missing, by_doc, allow_embed)
            if readded:
                rep.repaired["missing_readded"] = readded
            if reembedded:
                rep.repaired["reembedded"] = reembedded

    def _readd(self, missing: list[str], by_doc: dict[str, list[str]], allow_embed: bool) -> tuple[int, int]:
        """Re-add vectors the docstore expects (``by_doc``: doc_id → vector
        ids) from the embedding cache, or by embedding if allowed. Returns
        (re-added, of which re-embedded)."""
        want = set(missing)
        docs = [d for d, ids in by_doc.items() if not want.isdisjoint(ids)]
        todo = []
        for d, chunks in self.store.chunks_of(docs).items():
            by_cid = {c.chunk_id: c for c in chunks}
            todo += [(v, by_cid[v.split(":", 1)[-1]]) for v in by_doc[d] if v in want and v.split(":", 1)[-1] in by_cid]
        vecs = self.embeddings.lookup([c.index_text for _, c in todo])
        lack = [i for i, v in enumerate(vecs) if v is None]
        if allow_embed and lack:
            for i, v in zip(lack, self.embeddings.embed_documents([todo[i][1].index_text for i in lack])):
                vecs[i] = v
        rows = [(vid, c, v) for (vid, c), v in zip(todo, vecs) if v is not None]
        for i in range(0, len(rows), WRITE_BATCH):
            part = rows[i : i + WRITE_BATCH]
            self.vectors.upsert_vectors(
                [r[0] for r in part], [r[2] for r in part], [r[1].index_text for r in part],
                [self._vector_meta(c) for _, c, _ in part],
            )
        return len(rows), len(lack) if allow_embed else 0
