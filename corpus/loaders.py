"""Load a document file into normalised plain text.

One job: bytes on disk → one normalised Unicode string (NFC, clean
whitespace, hard-wrapped lines joined back into paragraphs, paragraphs
separated by one blank line).  Supported: ``.txt`` (encoding detected with
charset-normalizer; UTF-8 first, UTF-16 and cp1258 tolerated), ``.md``
(crawled Markdown: table pipes, emphasis markers and crawl line breaks
removed, :func:`markdown_to_text`), ``.html``/``.htm`` (saved web pages: main
text by trafilatura, :func:`html_to_text`), ``.docx`` (python-docx:
paragraphs and tables in document order; layout tables cell by cell, data
tables one line per row) and ``.pdf`` (pypdf text layer; a scan without one is
OCR-ed with Tesseract, :func:`_ocr_pdf`).  Every failure is a :class:`corpus.models.DocumentError` with a
one-line reason.

The paragraph re-joining (:func:`unwrap_lines`) is plain code tuned on the
bundled corpus: PDF-exported plans where every physical line is followed by a
blank line and sentences break mid-line (``2024-mn-ben-thanh-q1-cchc.txt``),
OCR scans with hard-wrapped paragraphs, Word exports with one paragraph per
line, and legal texts from the Bộ pháp điển.  Structural lines (headings,
``I.``/``1.``/``1.1.`` items, bullets, ``Điều N.``, khoản ``1.``, điểm ``a)``,
``Số:`` and date lines) are never glued to the previous paragraph.
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
from pathlib import Path
from typing import BinaryIO

from corpus.dates import OCR_WORDED_DATE
from corpus.models import DocumentError
from corpus.legal_refs import DOC_TYPE_RE, NUMBER_RE, fold
from corpus.textnorm import collapse_spaces, is_upper_line, nfc, normalize_whitespace, strip_control

__all__ = [
    "SUPPORTED_SUFFIXES",
    "DEFAULT_MAX_BYTES",
    "load_text",
    "decode_bytes",
    "check_zip_bomb",
    "markdown_to_text",
    "html_to_text",
    "tesseract_available",
    "normalize_document_text",
    "unwrap_lines",
    "starts_with_marker",
]

SUPPORTED_SUFFIXES: tuple[str, ...] = (".txt", ".md", ".docx", ".pdf", ".html", ".htm")
DEFAULT_MAX_BYTES = 50 * 2**20
#: Largest total uncompressed size accepted inside a .docx (zip) archive.
MAX_DOCX_UNCOMPRESSED = 200 * 2**20
#: Largest compression ratio accepted for one member of a .docx archive.
MAX_DOCX_RATIO = 200

# --------------------------------------------------------------------------
# line classification
# --------------------------------------------------------------------------

# All regexes below run on the *folded* line (lowercase, no diacritics), so
# they also match OCR output that lost its accents.
_ROMAN_MARK = re.compile(r"^[ivxl1]{1,5}\s?\.\s*\S")
_DECIMAL_MARK = re.compile(r"^\d{1,2}(?:\.\d{1,2}){0,3}[.)](?=\s|[^\W\d_])")
_POINT_MARK = re.compile(r"^[a-z]\)\s*\S")
_BULLET_MARK = re.compile(r"^(?:[-+•*▪●○◦∙·]|–(?=\s))\s*\S")
_LEGAL_MARK = re.compile(r"^(?:dieu\s+\d+[a-z]?\s*\.|chuong\s+[ivxlc\d]+\b|muc\s+(?:\d+|[ivxlc]+)\b|phan\s+(?:thu\s+)?[ivxlc\d]+\b)")
# lines that never continue into the next one (folded)
_STANDALONE = re.compile(r"^(?:source:|alt_source|note:|\[phap dien|(?:so|s[o0-9]|\$[o0-9])\s*[:;])")
# lines that always open a new paragraph (original case)
_OPENERS = re.compile(r"^(?:Căn cứ|Nơi nhận|Kính gửi|Trên đây|SOURCE:|ALT_SOURCE|NOTE:|\[pháp điển)")
_DATELINE = re.compile(r",\s*" + OCR_WORDED_DATE + r"\s*$")
_PAGE_NUMBER = re.compile(r"^(?:-\s*)?\d{1,3}(?:\s*-)?$|^trang\s+\d{1,3}(?:\s*/\s*\d{1,3})?$")
_ARTEFACTS = re.compile(r"\[(?:bookmark|anchor|footnote ref|comment ref)[^\]]{0,200}\]", re.IGNORECASE)
_TERMINAL = set(".;:!?…")
_CLOSERS = "\"'”’)]»›"


def starts_with_marker(line: str) -> bool:
    """True if ``line`` opens a structural unit and must start a new paragraph.

    Markers: roman ``I.``/``IV.`` (OCR variants ``IL.``/``I11.``), decimal
    ``1.``/``1.1.``/``2.Chi`` , điểm ``a)``/``đ)``, bullets ``-``/``+``/``•``/``*``,
    ``Điều N.``, ``Chương``, ``Mục``, ``Phần``.
    """
    f = fold(line.strip())
    return bool(
        _ROMAN_MARK.match(f)
        or _DECIMAL_MARK.match(f)
        or _POINT_MARK.match(f)
        or _BULLET_MARK.match(f)
        or _LEGAL_MARK.match(f)
    )


def _is_standalone(line: str) -> bool:
    f = fold(line.strip())
    return bool(_STANDALONE.match(f) or _DATELINE.search(f))


def _ends_terminal(line: str) -> bool:
    s = line.rstrip().rstrip(_CLOSERS).rstrip()
    return bool(s) and s[-1] in _TERMINAL


def _starts_lower(line: str) -> bool:
    for ch in line:
        if ch.isalpha():
            return ch.islower()
        if ch.isdigit():
            return True  # "2020-2025 và …", "224/KH-UBND ngày …": continuation
        if ch in "([\"“'‘":
            continue
        return False
    return False


def _should_join(prev: str, nxt: str, typical_len: float, nxt_indented: bool = False) -> bool:
    """Decide whether physical line ``nxt`` continues the paragraph ending in ``prev``.

    Soft-break rule (inside a block, no blank line between the two lines).
    """
    if not prev or not nxt:
        return False
    if _is_standalone(prev) or _is_standalone(nxt) or _OPENERS.match(nxt):
        return False
    if starts_with_marker(nxt):
        return False
    if is_upper_line(prev) or is_upper_line(nxt):
        return False
    if _starts_lower_letter(nxt):
        return True  # a paragraph never starts with a lowercase letter
    if nxt_indented:
        return False  # first-line indent opens a paragraph
    if _ends_terminal(prev):
        return False
    limit = 0.8 if starts_with_marker(prev) else 0.6
    if len(prev) < limit * typical_len and not _starts_lower(nxt):
        return False  # a heading or the ragged last line of a paragraph
    return True


def _join_across_blank(prev: str, nxt: str) -> bool:
    """Hard-break exception: a page/scan break in the middle of a sentence."""
    return (
        bool(prev and nxt)
        and _starts_lower_letter(nxt)
        and not _ends_terminal(prev)
        and not starts_with_marker(nxt)
        and not _is_standalone(prev)
        and not _is_standalone(nxt)
        and not _OPENERS.match(nxt)
        and not starts_with_marker(prev)
        and not is_upper_line(prev)
    )


def _starts_lower_letter(line: str) -> bool:
    for ch in line:
        if ch.isalpha():
            return ch.islower()
        if ch in "([\"“'‘":
            continue
        return False
    return False


def _glue(prev: str, nxt: str) -> str:
    # "Chỉ thị số 08/CT-" + "UBND ngày …" → "08/CT-UBND"; "kinh tế -" + "xã hội" keeps the space.
    if len(prev) >= 2 and prev.endswith("-") and prev[-2].isalnum():
        return prev + nxt
    return prev + " " + nxt


_INDENT = re.compile(r"^(?:\t| {3,})")


def unwrap_lines(text: str) -> list[str]:
    """Join hard-wrapped physical lines of ``text`` back into paragraphs.

    ``text`` is NFC text with ``\n`` line ends; leading indentation (a tab or
    3+ spaces) is read as a first-line indent.  Returns the list of
    paragraphs (stripped, spaces collapsed, no empty strings).

    Blank lines are paragraph breaks, except in *double-spaced* text (most
    lines followed by exactly one blank line and frequent mid-sentence breaks,
    as in PDF exports): there one blank line is a soft break and two or more
    are a hard break.  Soft breaks are joined by :func:`_should_join`; a hard
    break is crossed only when the next line starts with a lowercase letter
    and the previous one does not end a sentence (page break mid-sentence).
    """
    raw_lines = text.split("\n")
    items: list[tuple[str, int, bool]] = []  # (line, blank lines before, indented)
    gap = 0
    for raw in raw_lines:
        ln = collapse_spaces(raw)
        if ln:
            items.append((ln, gap, bool(_INDENT.match(raw))))
            gap = 0
        else:
            gap += 1
    if not items:
        return []
    lengths = sorted(len(ln) for ln, _, _ in items)
    typical = lengths[int(0.8 * (len(lengths) - 1))] if len(lengths) > 4 else max(lengths)
    typical = max(typical, 40)

    single_gaps = sum(1 for _, g, _ in items[1:] if g == 1)
    evidence = sum(
        1
        for (p, _, _), (n, g, _) in zip(items, items[1:])
        if g == 1 and not _ends_terminal(p) and _starts_lower(n) and not starts_with_marker(n)
    )
    double_spaced = (
        len(items) > 4 and single_gaps / (len(items) - 1) > 0.5 and evidence / max(single_gaps, 1) > 0.1
    )
    hard_gap = 2 if double_spaced else 1

    paras: list[str] = []
    cur = ""
    last_line = ""
    for ln, g, indented in items:
        if cur and (
            (g < hard_gap and _should_join(last_line, ln, typical, indented))
            or (g >= hard_gap and g <= 3 and _join_across_blank(last_line, ln))
        ):
            cur = _glue(cur, ln)
        else:
            if cur:
                paras.append(cur)
            cur = ln
        last_line = ln
    if cur:
        paras.append(cur)
    return paras


def _drop_artefacts(text: str) -> str:
    """Remove converter artefacts, control characters and page-number-only lines.

    A dropped page number takes the blank lines after it along, so a sentence
    running across the page break stays joinable.
    """
    text = _ARTEFACTS.sub("", text)
    text = strip_control(text)
    out: list[str] = []
    skipping = False
    for ln in text.split("\n"):
        s = ln.strip()
        if s and _PAGE_NUMBER.match(fold(s)):
            skipping = True
            continue
        if skipping and not s:
            continue
        skipping = False
        out.append(ln)
    return "\n".join(out)


def normalize_document_text(text: str) -> str:
    """Canonical text of a document: the form stored, chunked and hashed.

    Steps: NFC → line ends and Unicode spaces normalised → drop artefacts
    (``[bookmark: _GoBack]``, control characters, page-number-only lines) →
    re-join hard-wrapped lines (:func:`unwrap_lines`) → paragraphs joined by
    ``"\\n\\n"``.  Idempotent on its own output (tested).  Returns ``""``
    for text without content.
    """
    text = normalize_whitespace(nfc(text), keep_indent=True)
    text = _drop_artefacts(text)
    return "\n\n".join(unwrap_lines(text)).strip()


# --------------------------------------------------------------------------
# decoding
# --------------------------------------------------------------------------

_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)


def _text_quality(text: str) -> float:
    """Share of characters that are letters, digits, whitespace or common punctuation."""
    if not text:
        return 0.0
    ok = 0
    for ch in text:
        if ch.isalnum() or ch.isspace() or unicodedata.combining(ch) or ch in ".,;:!?()[]{}\"'“”‘’-–—/%&*+=<>#@_…•·$€|\\^~`":
            ok += 1
    return ok / len(text)


def _utf16_without_bom(data: bytes) -> str | None:
    even = data[0::2]
    odd = data[1::2]
    if not data or len(data) % 2:
        return None
    if odd.count(0) > 0.3 * len(odd) and even.count(0) < 0.05 * len(even):
        enc = "utf-16-le"
    elif even.count(0) > 0.3 * len(even) and odd.count(0) < 0.05 * len(odd):
        enc = "utf-16-be"
    else:
        return None
    try:
        return data.decode(enc)
    except UnicodeDecodeError:
        return None


def decode_bytes(data: bytes, name: str = "<bytes>") -> str:
    """Decode the bytes of a plain-text file.

    Order: BOM (UTF-8/16/32) → strict UTF-8 → UTF-16 without BOM (NUL-byte
    pattern) → charset-normalizer's best guess, compared with cp1258 (the
    Windows Vietnamese code page) by Vietnamese-letter coverage.

    Raises :class:`DocumentError` for binary content (NUL bytes that are not
    UTF-16, or mostly non-text characters) and for bytes no encoding decodes.
    """
    from corpus.textnorm import vietnamese_accent_ratio

    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(enc)
            except UnicodeDecodeError as e:
                raise DocumentError(name, f"undecodable text: invalid {enc} ({e.reason})") from None
            return _check_text(text, name)
    try:
        return _check_text(data.decode("utf-8"), name)
    except UnicodeDecodeError:
        pass
    if b"\x00" in data:
        text = _utf16_without_bom(data)
        if text is None:
            raise DocumentError(name, "binary content (NUL bytes), not a text file")
        return _check_text(text, name)

    candidates: list[str] = []
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(data).best()
        if best is not None:
            candidates.append(str(best))
    except Exception:  # pragma: no cover - library failure → fall back
        pass
    try:
        candidates.append(data.decode("cp1258"))
    except UnicodeDecodeError:
        pass
    candidates = [c for c in candidates if _text_quality(c) >= 0.9]
    if not candidates:
        raise DocumentError(name, "undecodable text: no known encoding gives readable text")
    best_text = max(candidates, key=lambda c: vietnamese_accent_ratio(nfc(c)))
    return _check_text(best_text, name)


def _check_text(text: str, name: str) -> str:
    if "\x00" in text:
        raise DocumentError(name, "binary content (NUL characters), not a text file")
    sample = text[:20000]
    if sample.strip() and _text_quality(sample) < 0.85:
        raise DocumentError(name, "binary content: mostly non-text characters")
    if sample.count("\ufffd") > max(3, len(sample) // 200):
        raise DocumentError(name, "undecodable text: too many invalid characters")
    return text


# --------------------------------------------------------------------------
# formats
# --------------------------------------------------------------------------


def check_zip_bomb(path: Path | BinaryIO, name: str | None = None) -> None:
    """Refuse a zip container (.docx) that is corrupt or would expand abnormally.

    ``path``: a file path or a seekable binary file object (``io.BytesIO(upload_bytes)``);
    ``name``: the file name used in the error (default ``str(path)``).

    Checked on the zip directory only, before anything is decompressed: total
    uncompressed size ≤ :data:`MAX_DOCX_UNCOMPRESSED` and, for members over
    1 MiB, compression ratio ≤ :data:`MAX_DOCX_RATIO`; ``word/document.xml``
    must be present.  Raises :class:`DocumentError` (one-line reason); returns
    ``None`` when the archive is acceptable.
    """
    name = name or str(path)
    if not zipfile.is_zipfile(path):
        raise DocumentError(name, "corrupt docx: not a zip archive")
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            names = {i.filename for i in infos}
            total = sum(i.file_size for i in infos)
            if total > MAX_DOCX_UNCOMPRESSED:
                raise DocumentError(
                    name,
                    f"zip bomb suspected: docx expands to {total / 2**20:.0f} MiB "
                    f"(limit {MAX_DOCX_UNCOMPRESSED // 2**20} MiB)",
                )
            for i in infos:
                if i.file_size > 2**20 and i.file_size > MAX_DOCX_RATIO * max(i.compress_size, 1):
                    raise DocumentError(
                        name, f"zip bomb suspected: {i.filename} compressed {i.file_size // max(i.compress_size, 1)}:1"
                    )
            if "word/document.xml" not in names:
                raise DocumentError(name, "corrupt docx: word/document.xml missing")
    except zipfile.BadZipFile as e:
        raise DocumentError(name, f"corrupt docx: {e}") from None


def _cell_text(cell) -> str:
    """Text of a table cell: its paragraphs (nested tables included) joined by ``" / "``."""
    parts = [" ".join(p.text.split()) for p in cell.paragraphs]
    for t in cell.tables:
        for row in t.rows:
            parts.extend(_cell_text(c) for c in row.cells)
    return " / ".join(x for x in parts if x)


def _row_cells(row) -> list:
    """Cells of a row with horizontally merged cells (which python-docx repeats) once."""
    out = []
    for cell in row.cells:
        if not out or cell._tc is not out[-1]._tc:
            out.append(cell)
    return out


_LAYOUT_CELL = re.compile(r"cong hoa xa hoi chu nghia|dang cong san viet nam|(?:^|\s)so\s*:|noi nhan|^(?:tm|kt|tl|tuq)\.")


def _is_layout_table(table) -> bool:
    """A table used for page layout: the header block ("CHÍNH PHỦ / Số: …" beside the
    Quốc hiệu) or the "Nơi nhận / chữ ký" block — at most three rows of at most
    three cells, one of which holds the Quốc hiệu, a ``Số:`` line, ``Nơi nhận`` or a
    signature line (``TM.``, ``KT.``)."""
    if len(table.rows) > 3 or any(len(_row_cells(r)) > 3 for r in table.rows):
        return False
    return any(_LAYOUT_CELL.search(fold(p.text.strip())) for r in table.rows for c in _row_cells(r) for p in c.paragraphs)


def _docx_table_lines(table) -> list[str]:
    """Readable lines of one DOCX table.

    Layout tables: each cell's paragraphs become lines of their own, cell after
    cell (the header block reads like a typed header: ``CHÍNH PHỦ`` / ``Số:
    30/2020/NĐ-CP`` / ``CỘNG HÒA …`` / ``Hà Nội, ngày 05 tháng 3 năm 2020``).
    Data tables: the first row(s) whose cells are all non-numeric are the
    column headers; every other row becomes one line ``header: value; header:
    value`` (empty cells skipped, repeated values of merged cells once), so a
    row is searchable as text (``Cỡ chữ: 12 - 13``).
    """
    lines: list[str] = []
    if _is_layout_table(table):
        for row in table.rows:
            for cell in _row_cells(row):
                for para in cell.paragraphs:
                    t = " ".join(para.text.split())
                    if t:
                        lines.append(t)
                lines.append("")
        return lines
    rows = [[_cell_text(c) for c in r.cells] for r in table.rows]  # grid-aligned: merged cells repeat
    headers: list[str] = []
    body_start = 0
    for i, cells in enumerate(rows[:3]):
        if cells and all(c and not re.match(r"^[\dIVX]+[a-z]?\.?$", c) for c in cells[:2]) and len(rows) >= 2 \
                and (i == 0 or cells[0] == rows[0][0]):
            # header rows: merged header cells repeat the first row's label in the first column
            if not headers:
                headers = list(cells)
            else:
                headers = [h if h == c or not c else f"{h} – {c}" for h, c in zip(headers, cells)] + headers[len(cells):]
            body_start = i + 1
        else:
            break
    for cells in rows[body_start:]:
        parts: list[str] = []
        seen: set[str] = set()
        for j, c in enumerate(cells):
            if not c or c in seen or set(c) <= set("_-–. "):
                continue
            seen.add(c)
            h = headers[j] if j < len(headers) else ""
            parts.append(f"{h}: {c}" if h and h != c else c)
        if parts:
            lines.append("; ".join(parts))
            lines.append("")
    return lines


def _read_docx(path: Path) -> str:
    name = str(path)
    check_zip_bomb(path, name)
    try:
        import docx
        from docx.table import Table
        from docx.text.paragraph import Paragraph

        document = docx.Document(str(path))
        parts: list[str] = []
        for block in document.iter_inner_content():
            if isinstance(block, Paragraph):
                parts.append(block.text)
            elif isinstance(block, Table):
                parts.append("")
                parts.extend(_docx_table_lines(block))
                parts.append("")
    except DocumentError:
        raise
    except Exception as e:
        raise DocumentError(name, f"corrupt docx: {type(e).__name__}: {str(e)[:120]}") from None
    return "\n".join(parts)


#: pages of a PDF without a text layer that are OCR-ed at most (≈ 3–6 s a page on 2 cores)
MAX_OCR_PAGES = 60
#: rendering resolution for OCR (Tesseract is trained on ~300 dpi scans)
OCR_DPI = 300


def tesseract_available() -> str | None:
    """Why Tesseract OCR with Vietnamese cannot run here, or ``None`` if it can.

    Needs the ``tesseract`` program (Debian ``tesseract-ocr``) with the ``vie``
    language data (``tesseract-ocr-vie``) and the Python packages pytesseract
    and pypdfium2.
    """
    try:
        import pypdfium2  # noqa: F401
        import pytesseract
    except ImportError as e:
        return f"Python package missing: {e.name}"
    try:
        langs = pytesseract.get_languages(config="")
    except Exception:
        return "tesseract not installed (Debian: apt-get install tesseract-ocr tesseract-ocr-vie)"
    if "vie" not in langs:
        return "tesseract has no Vietnamese data (Debian: apt-get install tesseract-ocr-vie)"
    return None


def _ocr_pdf(path: Path, name: str) -> str:
    """Text of a scanned PDF: each page rendered at :data:`OCR_DPI` with pypdfium2 and
    read by Tesseract (``-l vie``, automatic page segmentation ``--psm 3``).  The
    result still has OCR errors; the pipeline detects them by the accent ratio and
    repairs them (:mod:`corpus.ocr`).  Raises :class:`DocumentError` when OCR is
    unavailable (reason from :func:`tesseract_available`), the PDF has more than
    :data:`MAX_OCR_PAGES` pages, or OCR finds no text."""
    why = tesseract_available()
    if why:
        raise DocumentError(name, f"pdf has no text layer and OCR is unavailable: {why}")
    import pypdfium2 as pdfium
    import pytesseract

    try:
        pdf = pdfium.PdfDocument(str(path))
    except Exception as e:
        raise DocumentError(name, f"corrupt pdf: {type(e).__name__}: {str(e)[:120]}") from None
    n = len(pdf)
    if n > MAX_OCR_PAGES:
        raise DocumentError(name, f"scanned pdf too long for OCR: {n} pages > {MAX_OCR_PAGES}")
    pages: list[str] = []
    try:
        for i in range(n):
            image = pdf[i].render(scale=OCR_DPI / 72).to_pil()
            pages.append(pytesseract.image_to_string(image, lang="vie", config="--psm 3"))
    except Exception as e:
        raise DocumentError(name, f"OCR failed: {type(e).__name__}: {str(e)[:120]}") from None
    finally:
        pdf.close()
    text = "\n\n".join(pages)
    if not text.strip():
        raise DocumentError(name, "scanned pdf: OCR found no text")
    return text


def _read_pdf(path: Path) -> str:
    name = str(path)
    try:
        from pypdf import PdfReader

        reader = PdfReader(str(path))
        if reader.is_encrypted:
            try:
                ok = reader.decrypt("")
            except Exception:
                ok = 0
            if not ok:
                raise DocumentError(name, "encrypted pdf: cannot read without a password")
        pages = [page.extract_text() or "" for page in reader.pages]
    except DocumentError:
        raise
    except Exception as e:
        raise DocumentError(name, f"corrupt pdf: {type(e).__name__}: {str(e)[:120]}") from None
    text = "\n".join(pages)
    if sum(ch.isalpha() for ch in text) < 20 * max(len(pages), 1) // 4:
        # no text layer (a scan): OCR it
        return _ocr_pdf(path, name)
    return text


# ------------------------------------------------------------------ Markdown

_MD_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_MD_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~])")
_HTML_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
_HTML_TAG = re.compile(r"</?[a-zA-Z][^>]{0,200}>")
_MD_RULE = re.compile(r"^\s*(?:[-_=*~.]\s*){3,}$")
_MD_TABLE_SEP = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*$")
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}(?:\s+|$)")
_MD_EMPH = re.compile(r"\*\*|__|\*|(?<![\w])_(?=\S)|(?<=\S)_(?![\w])")
_QUOC_HIEU = re.compile(r"cong hoa xa hoi chu nghia viet nam|dang cong san viet nam")

# ---- a legal portal's page around the văn bản (crawled .md), on folded lines
#: where the văn bản's own text ends: the "Nơi nhận" list or the signature block (NĐ 30/2020/NĐ-CP,
#: Phụ lục I, Phần I mục II.8-9: "TM.", "KT.", "TL.", "TUQ." before the chức vụ of the signer)
_END_OF_BODY = re.compile(r"^(?:noi\s+nhan\b|(?:tm|kt|tl|tuq)\.\s)")
#: a portal's own line, never one of a văn bản: its sections ("Văn bản liên quan", "Nội dung sửa
#: đổi, hướng dẫn"), its attached-file box, its note on a missing English version and its list of
#: related văn bản ("Văn bản liên quan Ban hành: …"; the crawl may glue these to the line before)
_PORTAL_LINE = re.compile(
    r"^(?:van\s+ban\s+lien\s+quan|noi\s+dung\s+sua\s+doi,\s+huong\s+dan|file\s+duoc\s+dinh\s+kem\s+theo\s+van\s+ban)\s*:?$"
    r"|van\s+ban\s+nay\s+chua\s+cap\s+nhat\s+noi\s+dung\s+tieng\s+anh|van\s+ban\s+lien\s+quan\s+ban\s+hanh\s*:")
#: the words of a portal's tab menu ("Tóm tắt · Nội dung · VB gốc · Tiếng Anh · Hiệu lực · VB liên
#: quan · Lược đồ · Tải về · Lưu trữ · Ghi chú · …); one of them alone may be a table header ("Ghi chú")
_MENU_WORD = re.compile(
    r"^(?:tom tat|noi dung|(?:vb|van ban) goc|tieng anh|hieu luc|(?:vb|van ban) lien quan|luoc do|noi dung mix"
    r"|tai ve|luu tru|theo doi (?:vb|van ban|hieu luc)|ghi chu|hoi dap|dang nhap|dang ky|in|chia se)\s*:?$")
_MENU_RUN = 3
#: the portal's page title restating the văn bản: loại + số hiệu without "số" ("Quyết định
#: 84/2025/QĐ-UBND bãi bỏ …"), which a văn bản never writes (it writes "Quyết định số …")
_PORTAL_TITLE = re.compile(r"(?:^|(?<=\s))(?:" + DOC_TYPE_RE + r")\s+(?=\d)")


def _emphasis_open(line: str, state: tuple[bool, bool]) -> tuple[bool, bool]:
    """(bold open, italic open) after ``line`` given the state before it."""
    bold, italic = state
    for m in re.finditer(r"\*\*|\*", line):
        if m.group(0) == "**":
            bold = not bold
        else:
            italic = not italic
    return bold, italic


def _md_cells(lines: list[str]) -> list[list[str]]:
    """Split crawled Markdown into blocks (lists of lines): a line that is only ``|``
    separates table cells, a blank line separates paragraphs; a GFM row
    ``| a | b |`` gives one block per cell; a trailing ``|`` ends a cell."""
    blocks: list[list[str]] = []
    cur: list[str] = []

    def end() -> None:
        nonlocal cur
        if cur:
            blocks.append(cur)
        cur = []

    for raw in lines:
        line = raw.rstrip()
        st = line.strip()
        if not st or set(st) <= {"|"}:
            end()
            continue
        if _MD_TABLE_SEP.match(st) and "|" in st:
            end()
            continue
        if st.startswith("|") and st.count("|") >= 2:
            end()
            for cell in st.strip("|").split("|"):
                if cell.strip():
                    blocks.append([cell.strip()])
            continue
        trailing = st.endswith("|")
        cur.append(st.rstrip("|").rstrip() if trailing else st)
        if trailing:
            end()
    end()
    return blocks


def _join_md_block(block: list[str]) -> list[str]:
    """Join the soft-wrapped lines of one Markdown block (crawl line breaks).

    Markdown joins the lines of a paragraph; the breaks kept are those before a
    structural marker (``- ``, ``1.``, ``a)``, ``Điều``), before ``Căn cứ``/``Nơi
    nhận``, between a line in capitals and one in running text that starts with a
    capital, and at an emphasis boundary outside an open emphasis span (a line
    ending in ``**``/``*`` or the next opening one: ``**ỦY BAN NHÂN DÂN**`` /
    ``TỈNH HÀ TĨNH`` stay two lines, ``**CỘNG HÒA XÃ`` / ``HỘI CHỦ NGHĨA VIỆT
    NAM**`` become one).  Horizontal rules are dropped.
    """
    out: list[str] = []
    state = (False, False)
    for line in block:
        if _MD_RULE.match(line):
            if out:
                out.append("\x00")  # a rule ends the line before it
            state = (False, False)
            continue
        line = _MD_HEADING.sub("", line)
        line = re.sub(r"^\*\s+(?=\S)", "- ", line)  # "* item" bullet
        plain = _MD_EMPH.sub("", line).strip()
        if not plain:
            state = _emphasis_open(line, state)
            continue
        inside = state[0] or state[1]
        if out and out[-1] != "\x00":
            prev = out[-1]
            boundary = not inside and (prev.rstrip().endswith("*") or line.lstrip().startswith("*"))
            # a title in capitals followed by running text ("… TẠI NINH BÌNH" / "Ngày 18 tháng 11 …")
            case_change = is_upper_line(_MD_EMPH.sub("", prev)) and not is_upper_line(plain) and not plain[:1].islower()
            if not boundary and not case_change and not starts_with_marker(plain) and not _OPENERS.match(plain):
                out[-1] = _glue(prev, line)
                state = _emphasis_open(line, state)
                continue
        if out and out[-1] == "\x00":
            out.pop()
        out.append(line)
        state = _emphasis_open(line, state)
    out = [_unglue_emphasis(ln) for ln in out if ln != "\x00"]
    return [t for t in (_MD_EMPH.sub("", ln).strip() for ln in out) if t]


def _unglue_emphasis(line: str) -> str:
    """A bold run closed right before the next word (``**NGHỊ QUYẾT**Về việc``) was two
    lines: the marker becomes a line break when a capitals word meets a capitalised word."""

    def fix(m: re.Match[str]) -> str:
        s, e = m.start(), m.end()
        left, right = line[s - 1 : s], line[e : e + 2]
        if left.isupper() and len(right) == 2 and right[0].isupper() and right[1].islower():
            return "\n"
        return m.group(0)

    return re.sub(r"\*{2,}", fix, line)


def markdown_to_text(md: str) -> str:
    """Plain text of a crawled Markdown document (``.md``).

    Steps: images dropped, links → their text, HTML ``<br>`` → line break and
    other tags dropped, backslash escapes resolved; table pipes removed (each
    cell a paragraph of its own, see :func:`_md_cells`); soft-wrapped lines
    joined (:func:`_join_md_block`); bold/italic markers and headings' ``#``
    removed.  When a Quốc hiệu (``CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM``, or
    ``ĐẢNG CỘNG SẢN VIỆT NAM``) appears, the blocks before the header row it
    stands in (a portal's copyright notice and info table) are not part of the
    văn bản and are dropped; the Quốc hiệu must open a short block (a header
    cell, ≤ 160 characters), not stand in running text ("Hiến pháp nước Cộng hòa xã hội
    chủ nghĩa Việt Nam").  Paragraphs are separated by blank lines.
    """
    md = md.replace("\r\n", "\n").replace("\r", "\n")
    md = _MD_IMAGE.sub("", md)
    md = _MD_LINK.sub(r"\1", md)
    md = _HTML_BREAK.sub("\n", md)
    md = _HTML_TAG.sub("", md)
    md = _MD_ESCAPE.sub(r"\1", md)
    blocks = _md_cells(md.split("\n"))
    joined = [_join_md_block(b) for b in blocks]
    joined = [b for b in joined if b]
    for i, b in enumerate(joined[:400]):
        cell = " ".join(b)
        if len(cell) <= 160 and _QUOC_HIEU.match(fold(cell, squash_spaces=True)):
            # the cơ quan cell stands before the Quốc hiệu in the same header row
            start = i - 1 if i > 0 and len(" ".join(joined[i - 1])) <= 200 else i
            joined = joined[start:]
            break
    joined = _cut_portal_tail(joined)
    return "\n\n\n".join("\n".join(b) for b in joined)


def _portal_title_at(line: str, fline: str, end: int | None = None) -> int | None:
    """Offset of the first portal page title (:data:`_PORTAL_TITLE` + a số hiệu) in
    ``line`` before ``end``, or None; ``fline`` is ``fold(line)`` (same length)."""
    for m in _PORTAL_TITLE.finditer(fline, 0, len(fline) if end is None else end):
        if NUMBER_RE.match(line, m.end()):
            return m.start()
    return None


def _cut_portal_tail(blocks: list[list[str]]) -> list[list[str]]:
    """Drop a legal portal's page after the văn bản (crawled Markdown blocks of lines).

    After the end of the body (the last "Nơi nhận" or signature block,
    :data:`_END_OF_BODY`; the top when there is none), the portal's page starts
    at the first of: a portal line (:data:`_PORTAL_LINE`), or a run of
    :data:`_MENU_RUN` lines of its tab menu (:data:`_MENU_WORD`). The portal's
    restated page title right before it ("Quyết định 84/2025/QĐ-UBND bãi bỏ …",
    :data:`_PORTAL_TITLE`: up to 3 lines before, or inside the line when the
    crawl glued it to a footnote) goes with it. Everything from there on is
    dropped; what comes between the signature and it (a Phụ lục, its tables,
    footnotes) stays. Structure only: no file or site name is looked at.
    """
    lines = [(bi, li, nfc(ln)) for bi, b in enumerate(blocks) for li, ln in enumerate(b)]
    folded = [fold(ln) for _, _, ln in lines]
    start = max((k for k, f in enumerate(folded) if _END_OF_BODY.match(f)), default=0)
    cut = at = None
    for k in range(start + 1, len(lines)):
        m = _PORTAL_LINE.search(folded[k])
        if m:
            cut, at = k, m.start()
            break
        if k + _MENU_RUN <= len(lines) and all(_MENU_WORD.match(" ".join(f.split())) for f in folded[k : k + _MENU_RUN]):
            cut, at = k, 0
            break
    if cut is None:
        return blocks
    if at:  # the portal's note glued to the line: cut at the page title before it, else at the note
        t = _portal_title_at(lines[cut][2], folded[cut], at)
        at = at if t is None else t
    for _ in range(3):
        if at or not (cut - 1 > start and _portal_title_at(lines[cut - 1][2], folded[cut - 1]) == 0):
            break
        cut -= 1
    bi, li, ln = lines[cut]
    head = ln[:at].rstrip() if at else ""
    kept = blocks[:bi] + [blocks[bi][:li] + ([head] if head else [])]
    return [b for b in kept if b]


# ------------------------------------------------------------------ HTML


def html_to_text(html: str, name: str = "<html>") -> str:
    """Main text of a saved web page (``.html``/``.htm``, e.g. a legal portal's page of a văn bản).

    Main-content extraction with trafilatura (navigation, menus, footers and
    comments dropped; tables kept), in its Markdown output, then
    :func:`markdown_to_text`.  Raises :class:`DocumentError` when the main
    text found has fewer than 40 letters.
    """
    import trafilatura

    try:
        md = trafilatura.extract(
            html, output_format="markdown", include_tables=True, include_formatting=True,
            include_comments=False, include_links=False, include_images=False, favor_recall=True,
        )
    except Exception as e:
        raise DocumentError(name, f"unreadable html: {type(e).__name__}: {str(e)[:120]}") from None
    text = markdown_to_text(md or "")
    if sum(ch.isalpha() for ch in text) < 40:
        raise DocumentError(name, "html page without main text (navigation only, or empty)")
    return text


def load_text(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[str, str]:
    """Load one document file as normalised text.

    Returns ``(text, fmt)``: ``text`` is the output of
    :func:`normalize_document_text` (NFC, paragraphs joined by ``"\\n\\n"``);
    ``fmt`` is ``"txt"``, ``"md"``, ``"docx"`` or ``"pdf"``.

    Raises :class:`DocumentError` (one-line reason) for: missing file,
    unsupported extension, empty file, file larger than ``max_bytes``,
    binary or undecodable text, corrupt docx/pdf, a zip bomb disguised as
    .docx (checked on the zip directory before python-docx opens it), or a
    file with no text.
    """
    path = Path(path)
    name = str(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise DocumentError(
            name, f"unsupported file type {suffix or '(none)'!r}; supported: {', '.join(SUPPORTED_SUFFIXES)}"
        )
    if not path.is_file():
        raise DocumentError(name, "file not found")
    size = path.stat().st_size
    if size == 0:
        raise DocumentError(name, "empty file")
    if size > max_bytes:
        raise DocumentError(name, f"file too large: {size / 2**20:.1f} MiB > {max_bytes / 2**20:.1f} MiB")

    fmt = suffix.lstrip(".")
    if suffix == ".txt":
        raw = decode_bytes(path.read_bytes(), name)
    elif suffix == ".md":
        raw = markdown_to_text(decode_bytes(path.read_bytes(), name))
    elif suffix in (".html", ".htm"):
        fmt = "html"
        raw = html_to_text(decode_bytes(path.read_bytes(), name), name)
    elif suffix == ".docx":
        raw = _read_docx(path)
    else:
        raw = _read_pdf(path)
    text = normalize_document_text(raw)
    if not text:
        raise DocumentError(name, "empty file: no text content")
    return text, fmt

