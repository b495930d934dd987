"""The one object every channel (CLI, HTTP API, Telegram, Zalo) talks to:
ingest documents, search, ask, list and delete documents."""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from langchain_core.embeddings import Embeddings

from assistant.answering import Answerer
from assistant.settings import Settings, get_settings
from assistant.types import Answer
from corpus.citations import CitationGraph, build_graph
from corpus.models import DocumentError, DocumentMeta, ParsedDocument
from corpus.pipeline import SUPPORTED_SUFFIXES, bundled_paths, parse_file
from index.embeddings import make_embeddings
from index.hybrid import HybridIndex
from index.lexical_tokens import tokenize_many
from index.types import Hit

log = logging.getLogger(__name__)


@dataclass
class IngestReport:
    """Outcome of one ingest run: doc_ids added or updated, doc_ids skipped
    (unchanged content hash), ``(path, reason)`` for files that failed, and
    the number of chunks embedded."""

    added: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    chunks_added: int = 0

    def to_dict(self) -> dict:
        return {
            "added": self.added,
            "skipped": self.skipped,
            "failed": [{"path": p, "reason": r} for p, r in self.failed],
            "chunks_added": self.chunks_added,
        }


def expand_paths(paths: list[Path]) -> list[Path]:
    """Files under the given paths (directories are walked, sorted)."""
    out: list[Path] = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            out.extend(sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in SUPPORTED_SUFFIXES))
        else:
            out.append(p)
    return out


class CCHCService:
    """Ingest, search and ask over one data directory.

    ``embeddings`` overrides the embedder chosen in settings (tests pass a
    fake). Writes are serialised by a lock; reads may run concurrently.
    """

    def __init__(self, settings: Settings | None = None, embeddings: Embeddings | None = None):
        self.settings = settings or get_settings()
        self.settings.data_dir.mkdir(parents=True, exist_ok=True)
        self.embeddings = embeddings or make_embeddings(self.settings.embedding)
        s = self.settings
        self.index = HybridIndex(
            s.store_path, s.chroma_dir, self.embeddings, collection=s.collection, chroma_url=s.chroma_url,
            fusion=s.fusion, rrf_k=s.rrf_k, candidates=s.candidates, dense_weight=s.dense_weight,
        )
        self._write_lock = threading.Lock()
        self._answerer = Answerer(self.index, documents=self, graph=self, settings=self.settings)
        self._derived: dict[str, tuple[int, object]] = {}

    # ---- ingest --------------------------------------------------------------
    def is_empty(self) -> bool:
        return self.index.store.count_documents() == 0

    def ensure_index(self, progress: bool = False) -> bool:
        """Ingest the bundled corpus if nothing is indexed yet; True if it did."""
        if not self.is_empty():
            return False
        self.ingest(None, progress=progress)
        return True

    def ingest(self, paths: list[Path] | None = None, progress: bool = False) -> IngestReport:
        """Parse and index files (default: the bundled corpus).

        Unchanged documents (same content hash) are skipped without
        re-embedding. A file that cannot be read lands in ``failed`` with a
        one-line reason; the others are ingested, and what was indexed before
        stays intact and queryable.
        """
        files = expand_paths(paths) if paths else bundled_paths()
        report = IngestReport()
        parsed: list[ParsedDocument] = []
        for f in files:
            try:
                doc = parse_file(Path(f))
                if not doc.chunks:
                    raise DocumentError(str(f), "no text to index / không có nội dung văn bản")
            except DocumentError as e:
                report.failed.append((str(f), e.reason))
                continue
            except Exception as e:  # a parser bug must not abort the batch
                log.exception("parse failed: %s", f)
                report.failed.append((str(f), f"cannot parse: {type(e).__name__}: {e}"))
                continue
            if self.index.is_current(doc):
                report.skipped.append(doc.meta.doc_id)
            else:
                parsed.append(doc)
        total = sum(len(d.chunks) for d in parsed)
        t0 = time.perf_counter()
        flat = tokenize_many([c.index_text for d in parsed for c in d.chunks])
        self.index.stats.segment_s += time.perf_counter() - t0
        tokens: dict[str, list[list[str]]] = {}
        pos = 0
        for d in parsed:
            tokens[d.meta.doc_id] = flat[pos : pos + len(d.chunks)]
            pos += len(d.chunks)
        bar = None
        if progress and total:
            from tqdm import tqdm

            bar = tqdm(total=total, unit="chunk", desc="embedding", dynamic_ncols=True)
        with self._write_lock:
            for doc in parsed:
                try:
                    report.chunks_added += self.index.add(
                        doc, on_batch=bar.update if bar else None, batch_size=self.settings.embedding_batch_size,
                        tokens=tokens.get(doc.meta.doc_id),
                    )
                    report.added.append(doc.meta.doc_id)
                except Exception as e:
                    log.exception("index failed: %s", doc.meta.doc_id)
                    report.failed.append((doc.meta.path or doc.meta.doc_id, f"cannot index: {type(e).__name__}: {e}"))
        if bar:
            bar.close()
        return report

    def delete_document(self, doc_id: str) -> bool:
        """Remove one document from both indexes; False if unknown."""
        with self._write_lock:
            return self.index.delete(doc_id)

    # ---- read ----------------------------------------------------------------
    def documents(self) -> list[DocumentMeta]:
        return self.index.store.metas()

    def parsed_documents(self) -> list[ParsedDocument]:
        """All indexed documents with their chunks, read from the store (cached per store version)."""
        return self._cached("docs", self.index.store.parsed_documents)

    def _cached(self, name: str, build):
        gen = self.index.store.generation()
        hit = self._derived.get(name)
        if hit is None or hit[0] != gen:
            hit = (gen, build())
            self._derived[name] = hit
        return hit[1]

    def citation_graph(self) -> CitationGraph:
        """The legal citation graph of the indexed documents (cached per store version)."""
        return self._cached("graph", lambda: build_graph(self.parsed_documents()))

    def search(self, query: str, k: int = 5, mode: str = "hybrid") -> list[Hit]:
        """Hybrid search (see ``index.hybrid.HybridIndex.search``)."""
        return self.index.search(query, k=k, mode=mode)

    def ask(self, question: str, k: int = 5, history: list[tuple[str, str]] | None = None) -> Answer:
        """Answer ``question`` with ``[n]`` citations, or abstain.

        ``history``: earlier ``(question, answer)`` turns, oldest first; a
        follow-up that refers back is rewritten into a standalone question for
        retrieval.
        """
        return self._answerer.ask(question, k=k, history=history)
