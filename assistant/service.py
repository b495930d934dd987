"""The one object every channel (CLI, HTTP API, Telegram, Zalo) talks to:
ingest documents, search, ask, list and delete documents."""

from __future__ import annotations

import json
import logging
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from langchain_core.embeddings import Embeddings

from assistant.answering import Answerer
from assistant.reading import UNITS_VERSION
from assistant.settings import Settings, get_settings
from assistant.types import Answer
from corpus.citations import CitationGraph
from corpus.diacritics import use_model
from corpus.glossary import GlossaryEntry
from corpus.loaders import load_text
from corpus.models import DocumentError, DocumentMeta, ParsedDocument
from corpus.pipeline import INGEST_SUFFIXES, TABLE_SUFFIXES, bundled_ingest_paths, bundled_vector_pack, parse_file
from corpus.textnorm import is_ocr_damaged
from corpus.validity import TABLE_KIND, ValidityIndex
from index.embeddings import make_embeddings
from index.faults import fault_point
from index.hybrid import HybridIndex
from index.lexical_tokens import tokenize_many
from index.types import Hit

log = logging.getLogger(__name__)
#: info key of the store: doc_id → the mark its reading units were prepared under (``_reading_mark``)
_READING_MARKS = "reading_prepared"


@dataclass
class IngestReport:
    """Outcome of one ingest run: doc_ids added or updated, doc_ids skipped
    (unchanged content hash), ``(path, reason)`` for files that failed, the
    number of chunks indexed, doc_ids of earlier interrupted ingests finished
    in this run (``resumed``), how many chunks the embedding model actually
    embedded (``embedded``; the rest came from the embedding cache), and the
    seconds the index writer lock was held (``writer_s``: journal, vector and
    SQLite writes; embedding runs outside it, see ``index.transactions``)."""

    added: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    chunks_added: int = 0
    resumed: list[str] = field(default_factory=list)
    embedded: int = 0
    sentences_embedded: int = 0
    sentences_s: float = 0.0
    writer_s: float = 0.0

    def to_dict(self) -> dict:
        return {
            "added": self.added,
            "skipped": self.skipped,
            "failed": [{"path": p, "reason": r} for p, r in self.failed],
            "chunks_added": self.chunks_added,
            "resumed": self.resumed,
            "embedded": self.embedded,
            "sentences_embedded": self.sentences_embedded,
            "sentences_s": round(self.sentences_s, 3),
            "writer_s": round(self.writer_s, 3),
        }


class IngestInterrupted(KeyboardInterrupt):
    """Ctrl-C during ``ingest``. ``report``: what was finished before it.
    Every store is left consistent; the next ingest resumes the interrupted
    document from the embedding cache."""

    def __init__(self, report: IngestReport):
        super().__init__("ingest interrupted")
        self.report = report


def expand_paths(paths: list[Path]) -> list[Path]:
    """Files under the given paths (directories are walked, sorted)."""
    out: list[Path] = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            out.extend(sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in INGEST_SUFFIXES))
        else:
            out.append(p)
    return out


class CCHCService:
    """Ingest, search and ask over one data directory.

    ``embeddings`` overrides the embedder chosen in settings (tests pass a
    fake). ``vector_packs``: precomputed passage vectors consulted before
    embedding (default: the bundled corpus's pack, ``index.vector_pack``; only
    used by an embedder of the pack's space). Ingests run one at a time; every
    store write is serialised by the index writer lock (``index.transactions``);
    reads run concurrently and take neither.
    """

    def __init__(self, settings: Settings | None = None, embeddings: Embeddings | None = None,
                 vector_packs: tuple[Path, ...] | None = None):
        self.settings = settings or get_settings()
        self.settings.data_dir.mkdir(parents=True, exist_ok=True)
        self.embeddings = embeddings or make_embeddings(self.settings.embedding)
        s = self.settings
        self.index = HybridIndex(
            s.store_path, s.chroma_dir, self.embeddings, collection=s.collection, chroma_url=s.chroma_url,
            fusion=s.fusion, rrf_k=s.rrf_k, candidates=s.candidates, dense_weight=s.dense_weight,
            query_cache=s.query_cache_size,
            rerank_weight=s.rerank_weight, document_weight=s.document_weight, strip_forms=s.strip_question_forms,
            vector_packs=(bundled_vector_pack(),) if vector_packs is None else tuple(vector_packs),
        )
        self._write_lock = threading.Lock()
        self._answerer = Answerer(self.index, documents=self, graph=self, settings=self.settings,
                                  embeddings=self.index.embeddings)

    # ---- ingest --------------------------------------------------------------
    def is_empty(self) -> bool:
        return self.index.store.count_documents() == 0

    def ensure_index(self, progress: bool = False) -> bool:
        """Ingest the bundled corpus if nothing is indexed yet; True if it did."""
        if not self.is_empty():
            return False
        self.ingest(None, progress=progress)
        return True

    def ingest(self, paths: list[Path] | None = None, progress: bool | None = None,
               on_progress: Callable[[int, int], None] | None = None) -> IngestReport:
        """Parse and index files (default: the bundled corpus).

        Unchanged documents (same content hash) are skipped without
        re-embedding. A file that cannot be read lands in ``failed`` with a
        one-line reason; the others are ingested, and what was indexed before
        stays intact and queryable. Before indexing, the stores are reconciled
        and documents of an earlier interrupted ingest are finished from the
        embedding cache (``resumed``). ``progress``: bars on stderr (see
        ``assistant.progress``; None = only on a terminal). ``on_progress(done,
        total)``: called with chunk counts after each embedding batch (and
        once with ``total == 0`` when nothing needs indexing). Raises
        ``IngestInterrupted`` on Ctrl-C. Readers (search, ask) are never
        blocked by an ingest: embedding runs outside every lock.
        """
        files = expand_paths(paths) if paths else bundled_ingest_paths()
        report = IngestReport()
        parsed, batch_model = self._parse_batch(files, report)
        fault_point("parsed")
        return self.ingest_documents(parsed, progress=progress, on_progress=on_progress, report=report,
                                     diacritics=batch_model)

    def ingest_documents(self, docs: list[ParsedDocument], progress: bool | None = None,
                         on_progress: Callable[[int, int], None] | None = None,
                         report: IngestReport | None = None, diacritics=None) -> IngestReport:
        """Index already parsed documents (``ingest`` after parsing; also the
        way benchmark corpora come in, see ``evals.beir``): documents whose
        content hash is indexed are skipped, the others written as in
        ``ingest`` (same progress, interruption and report). ``diacritics``:
        the diacritic model their knowledge is extracted with (default the
        store's current one, ``index.knowledge.StoreDiacritics.model``).
        Returns (and fills) ``report``."""
        from assistant.progress import IngestProgress, progress_enabled

        report = report if report is not None else IngestReport()
        parsed: list[ParsedDocument] = []
        for doc in docs:
            if self.index.is_current(doc):
                report.skipped.append(doc.meta.doc_id)
            else:
                parsed.append(doc)
        batch_model = diacritics if diacritics is not None else self.index.diacritics.model()
        total = sum(len(d.chunks) for d in parsed)
        t0 = time.perf_counter()
        flat = tokenize_many([c.index_text for d in parsed for c in d.chunks])
        self.index.stats.segment_s += time.perf_counter() - t0
        tokens: dict[str, list[list[str]]] = {}
        pos = 0
        for d in parsed:
            tokens[d.meta.doc_id] = flat[pos : pos + len(d.chunks)]
            pos += len(d.chunks)
        redo = {d.meta.doc_id for d in parsed}
        batch = self.settings.embedding_batch_size
        misses0 = self.index.embeddings.misses
        held0 = self.index.tx.lock.held_s
        resume = [e for e in self.index.pending() if e.op == "add" and e.phase == "intent" and e.doc_id not in redo]
        grand = total + sum(len(e.new_ids) for e in resume)
        bar = IngestProgress(grand, len(parsed) + len(resume), progress_enabled(progress))
        done = 0

        def tick(n: int) -> None:
            nonlocal done
            bar.update(n)
            done += n
            if on_progress is not None:
                on_progress(min(done, grand), grand)

        if on_progress is not None:
            on_progress(0, grand)
        try:
            # one ingest at a time in this process; its knowledge is read with the batch's diacritic model
            with self._write_lock, use_model(batch_model):
                if resume:
                    bar.file("(tiếp tục lần nạp bị ngắt)", sum(len(e.new_ids) for e in resume))
                try:
                    report.resumed = self.index.reconcile(exclude=redo, on_batch=tick, batch_size=batch).resumed
                except Exception:
                    log.exception("reconcile before ingest failed")
                for doc in parsed:
                    bar.file(Path(doc.meta.path).name or doc.meta.doc_id, len(doc.chunks))
                    try:
                        report.chunks_added += self.index.add(
                            doc, on_batch=tick, batch_size=batch, tokens=tokens.get(doc.meta.doc_id))
                        report.added.append(doc.meta.doc_id)
                    except Exception as e:
                        log.exception("index failed: %s", doc.meta.doc_id)
                        report.failed.append((doc.meta.path or doc.meta.doc_id, f"cannot index: {type(e).__name__}: {e}"))
        except KeyboardInterrupt as e:
            report.embedded = self.index.embeddings.misses - misses0
            report.writer_s = self.index.tx.lock.held_s - held0
            raise IngestInterrupted(report) from e
        finally:
            bar.close()
        report.embedded = self.index.embeddings.misses - misses0
        report.writer_s = self.index.tx.lock.held_s - held0
        if self.settings.reading_prepare:
            self._prepare_reading(report)
        return report

    def _parse_batch(self, files: list[Path], report: IngestReport):
        """Parse ``files`` for :meth:`ingest`: ``(documents to index, diacritic
        model)``. Clean documents are parsed first; OCR-damaged ones are then
        repaired with the store's diacritic statistics as they will be after
        this ingest (``index.knowledge.StoreDiacritics.model_with``), which is
        also the model their knowledge is extracted with."""
        loaded: list[tuple[Path, str | None]] = []
        for f in files:
            f = Path(f)
            try:
                loaded.append((f, None if f.suffix.lower() in TABLE_SUFFIXES else load_text(f)[0]))
            except DocumentError as e:
                report.failed.append((str(f), e.reason))
            except Exception as e:  # a loader bug must not abort the batch
                log.exception("load failed: %s", f)
                report.failed.append((str(f), f"cannot read: {type(e).__name__}: {e}"))
        clean = [(f, t) for f, t in loaded if t is None or not is_ocr_damaged(t)]
        damaged = [(f, t) for f, t in loaded if t is not None and is_ocr_damaged(t)]
        docs: dict[Path, ParsedDocument] = {}

        def parse(items):
            for f, t in items:
                try:
                    doc = parse_file(f, text=t)
                    if not doc.chunks and doc.meta.kind != TABLE_KIND:
                        raise DocumentError(str(f), "no text to index / không có nội dung văn bản")
                except DocumentError as e:
                    report.failed.append((str(f), e.reason))
                    continue
                except Exception as e:  # a parser bug must not abort the batch
                    log.exception("parse failed: %s", f)
                    report.failed.append((str(f), f"cannot parse: {type(e).__name__}: {e}"))
                    continue
                docs[f] = doc

        parse(clean)
        model = self.index.diacritics.model
        if damaged:
            new_clean = [d for d in docs.values() if not self.index.is_current(d)]
            batch = self.index.diacritics.model_with(new_clean)
            model = batch  # type: ignore[assignment]
            with use_model(batch):
                parse(damaged)
        parsed: list[ParsedDocument] = []
        for f, _t in loaded:
            doc = docs.get(f)
            if doc is None:
                continue
            if self.index.is_current(doc):
                report.skipped.append(doc.meta.doc_id)
            else:
                parsed.append(doc)
        return parsed, model

    def _prepare_reading(self, report: IngestReport) -> None:
        """Embed the reading units (sentences/clauses) that the embedding cache
        lacks (``assistant.reading.Reader.prepare``), so ``ask`` never embeds a
        bundled sentence; a failure only costs speed later (units are then
        embedded on first use).

        Only the documents whose units may have changed since they were last
        prepared are read (:meth:`_reading_mark`): those just added, and the
        catch-up ones (indexed before this mark existed, by another embedder,
        or a unit version ago). The marks live in the store's info table."""
        t0 = time.perf_counter()
        try:
            store = self.index.store
            marks = self._reading_marks()
            gen = store.generation()
            metas = store.metas()
            todo = [m.doc_id for m in metas if marks.get(m.doc_id) != self._reading_mark(m, gen)]
            if todo:
                # the units are read as ``ask`` reads them: OCR text repaired with this store's model
                with use_model(self.index.diacritics.model):
                    report.sentences_embedded = self._answerer.reader.prepare(store.parsed_documents(todo))
            store.set_info(_READING_MARKS, json.dumps({m.doc_id: self._reading_mark(m, gen) for m in metas}))
        except Exception:
            log.exception("sentence vectors not prepared")
        report.sentences_s = time.perf_counter() - t0

    def _reading_marks(self) -> dict[str, str]:
        try:
            marks = json.loads(self.index.store.get_info(_READING_MARKS) or "{}")
        except ValueError:
            return {}
        return marks if isinstance(marks, dict) else {}

    def _reading_mark(self, meta: DocumentMeta, generation: int) -> str:
        """What a document's prepared units depend on: the unit version, the
        embedding space, the document's content hash and, for an OCR-damaged
        text (read through the store's diacritic model, which changes with
        every clean document added), the store generation."""
        mark = f"{UNITS_VERSION}|{self.index.embeddings.space}|{meta.content_hash}"
        return f"{mark}|{generation}" if meta.ocr_damaged else mark

    def delete_document(self, doc_id: str) -> bool:
        """Remove one document from both indexes; False if unknown. Waits
        only for the index writer lock (held for the short write phases of an
        ingest, not for its embedding)."""
        return self.index.delete(doc_id)

    # ---- read ----------------------------------------------------------------
    @property
    def answerer(self) -> Answerer:
        """The answerer behind :meth:`ask` (``evals.calibrate`` replays its decisions)."""
        return self._answerer

    def documents(self) -> list[DocumentMeta]:
        return self.index.store.metas()

    def parsed_documents(self) -> list[ParsedDocument]:
        """All indexed documents with their chunks, read from the store (cached per store version;
        the same list the index's second stage reads)."""
        return self.index.parsed_documents()

    def citation_graph(self) -> CitationGraph:
        """The legal citation graph of the indexed documents, assembled from
        the knowledge stored with them (``index.knowledge``; per store version)."""
        return self.index.knowledge.citation_graph()

    def validity(self) -> ValidityIndex:
        """Validity facts of the indexed documents (texts and validity tables),
        evaluated at any date (``corpus.validity.ValidityIndex``; per store version)."""
        return self.index.knowledge.validity()

    def glossary(self) -> dict[str, GlossaryEntry]:
        """Abbreviations defined in the indexed documents (per store version)."""
        return self.index.knowledge.glossary()

    def explain(self, term: str) -> Answer | None:
        """The glossary answer for ``term`` (``cchc explain``, Telegram ``/giaithich``,
        "X là gì?" in chat): the store's definitions with their passages; None if unknown."""
        from assistant.intents import answer_glossary

        return answer_glossary(self.parsed_documents(), f"{term} là gì?", term, self.glossary())

    def search(self, query: str, k: int = 5, mode: str = "hybrid") -> list[Hit]:
        """Hybrid search (see ``index.hybrid.HybridIndex.search``)."""
        return self.index.search(query, k=k, mode=mode)

    def ask(self, question: str, k: int = 5, history: list[tuple[str, str]] | None = None) -> Answer:
        """Answer ``question`` with ``[n]`` citations, or abstain.

        ``history``: earlier ``(question, answer)`` turns, oldest first; a
        follow-up that refers back is rewritten into a standalone question for
        retrieval.
        """
        with use_model(self.index.diacritics.model):
            return self._answerer.ask(question, k=k, history=history)

    def standalone_query(self, question: str, history: list[tuple[str, str]] | None = None) -> str:
        """The query :meth:`ask` retrieves with for ``question`` after
        ``history`` (``Answerer.standalone``, with this store's diacritic model):
        a follow-up made standalone, any other question unchanged."""
        with use_model(self.index.diacritics.model):
            return self._answerer.standalone(question, history)

    def prepare(self, question: str, k: int = 5, history: list[tuple[str, str]] | None = None,
                candidates: int | None = None):
        """The first half of :meth:`ask` (``Answerer.prepare``, with this
        store's diacritic model): an ``Answer`` already, or a ``Reading`` for
        :meth:`finish`. ``candidates``: as ``Answerer.prepare`` (None = the
        settings' ``reading_candidates``, exactly what :meth:`ask` does).
        ``finish(prepare(q, k, h), answerer.params())`` is ``ask(q, k, h)``."""
        with use_model(self.index.diacritics.model):
            return self._answerer.prepare(question, k=k, history=history, candidates=candidates)

    def finish(self, prepared, params=None) -> Answer:
        """The second half of :meth:`ask`: the answer of a :meth:`prepare`
        result under ``params`` (``assistant.extractive.ReadingParams``; None =
        ``answerer.params()``, the settings' values); an ``Answer`` from
        :meth:`prepare` is returned as it is."""
        if isinstance(prepared, Answer):
            return prepared
        with use_model(self.index.diacritics.model):
            return self._answerer.finish(prepared, self._answerer.params() if params is None else params)
