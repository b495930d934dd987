"""Checks on an uploaded file before it reaches the ingest pipeline, and where
it is stored.

Rules (each failure raises ``UploadError`` with an HTTP status and a message in
Vietnamese and English):

* a filename with directories or ``..`` is refused (400); otherwise it is
  reduced to a safe base name (no directories, no ``..``, no
  control or shell characters; Unicode NFC kept so Vietnamese names survive);
* the extension is one the loader reads (``corpus.loaders.SUPPORTED_SUFFIXES``:
  .txt .md .html .htm .docx .pdf; 415 otherwise);
* the size is 1 byte … ``max_upload_mb`` MiB (400 empty, 413 too large);
* the content passes the loader's own checks, so an upload is accepted or
  refused by the same rule ``cchc ingest`` applies (one loader path): text
  files (.txt .md .html .htm) decode with ``corpus.loaders.decode_bytes``
  (BOMs, UTF-8, UTF-16 without a BOM, cp1258; binary content and text
  that is only whitespace refused);
  ``.docx`` passes ``corpus.loaders.check_zip_bomb`` (a ZIP holding
  ``word/document.xml``, within the zip-bomb limits); ``.pdf`` starts with
  ``%PDF-``.
"""

from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from corpus.loaders import SUPPORTED_SUFFIXES, check_zip_bomb, decode_bytes
from corpus.models import DocumentError

ALLOWED_SUFFIXES = SUPPORTED_SUFFIXES
TEXT_SUFFIXES = (".txt", ".md", ".html", ".htm")
_ALLOWED_LIST = ", ".join(ALLOWED_SUFFIXES)
_UNSAFE = re.compile(r"[^\w.\- ]+", re.UNICODE)


class UploadError(ValueError):
    """An upload refused before ingest. ``status``: HTTP status (400, 413,
    415, 422); ``message``: "Vietnamese / English" one-liner."""

    def __init__(self, status: int, vi: str, en: str):
        self.status = status
        self.message = f"{vi} / {en}"
        super().__init__(self.message)


def safe_filename(name: str | None) -> str:
    """Base name of ``name`` with path parts, ``..``, control and unusual
    characters removed; spaces become ``-``. ``"../../etc/passwd.txt"`` →
    ``"passwd.txt"``, ``"C:\\\\x\\\\Kế hoạch 2024.docx"`` → ``"Kế-hoạch-2024.docx"``.
    Raises ``UploadError(400)`` if nothing usable is left."""
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\\", "/").split("/")[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = _UNSAFE.sub("_", name).strip(" .")
    name = re.sub(r"\s+", "-", name)
    name = re.sub(r"\.{2,}", ".", name)
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    stem = stem[:120].strip(" .-_")
    if not stem:
        raise UploadError(400, "Tên tệp không hợp lệ", "invalid file name")
    return f"{stem}.{suffix.lower()}" if suffix else stem


def check_extension(filename: str) -> str:
    """The lower-case suffix of ``filename`` if allowed, else ``UploadError(415)``."""
    suffix = Path(filename).suffix.lower()
    if suffix not in ALLOWED_SUFFIXES:
        raise UploadError(
            415,
            f"Định dạng '{suffix or '(không có)'}' không được hỗ trợ; chỉ nhận {_ALLOWED_LIST}",
            f"file type '{suffix or '(none)'}' not supported; allowed: {_ALLOWED_LIST}",
        )
    return suffix


def check_size(size: int, max_mb: int) -> None:
    """``UploadError`` 400 for an empty file, 413 above ``max_mb`` MiB."""
    if size <= 0:
        raise UploadError(400, "Tệp rỗng", "the file is empty")
    if size > max_mb * 1024 * 1024:
        raise UploadError(413, f"Tệp vượt quá giới hạn {max_mb} MB", f"file larger than the {max_mb} MB limit")


def _check_docx(data: bytes) -> None:
    try:
        check_zip_bomb(io.BytesIO(data), "upload.docx")
    except DocumentError as e:
        raise UploadError(
            422,
            "Tệp .docx bị từ chối: không phải tệp Word hợp lệ (hỏng, thiếu nội dung hoặc nghi ngờ zip bomb)",
            f"rejected .docx: {e.reason}",
        ) from None
    except (OSError, ValueError) as e:  # what zipfile raises on a truncated directory
        raise UploadError(422, "Tệp .docx bị hỏng", f"corrupt .docx: {e}") from None


def _check_text(suffix: str, data: bytes) -> None:
    try:
        text = decode_bytes(data, f"upload{suffix}")
    except DocumentError as e:
        vi = ("chứa dữ liệu nhị phân, không phải văn bản" if "binary" in e.reason
              else "không giải mã được (không phải UTF-8, UTF-16 hay cp1258)")
        raise UploadError(422, f"Tệp {suffix} {vi}", f"rejected {suffix}: {e.reason}") from None
    if not text.strip():
        raise UploadError(422, f"Không nạp được tệp {suffix}: không có nội dung văn bản",
                          f"could not ingest the {suffix} file: no text content")


def check_content(suffix: str, data: bytes) -> None:
    """Content checks per extension (see module docstring); raises ``UploadError(422)``."""
    if suffix == ".pdf" and not data.lstrip()[:5] == b"%PDF-":
        raise UploadError(422, "Tệp .pdf không hợp lệ", "invalid .pdf: missing %PDF header")
    if suffix == ".docx":
        _check_docx(data)
    if suffix in TEXT_SUFFIXES:
        _check_text(suffix, data)


@dataclass
class CheckedUpload:
    """An upload that passed every check: its safe name and bytes."""

    filename: str
    data: bytes


def check_path_traversal(filename: str | None) -> None:
    """``UploadError(400)`` when the client-sent name carries directories or
    ``..`` (browsers send bare names, so such a name is hostile or broken)."""
    raw = filename or ""
    parts = re.split(r"[/\\]", raw)
    if len(parts) > 1 or ".." in parts or raw.startswith("~") or any(ord(ch) < 32 for ch in raw):
        raise UploadError(
            400,
            f"Tên tệp không hợp lệ (có đường dẫn thư mục): {raw[:80]!r}",
            f"invalid file name (contains a path): {raw[:80]!r}",
        )


def check_upload(filename: str | None, data: bytes, max_mb: int) -> CheckedUpload:
    """Run every check; return the safe name and data or raise ``UploadError``."""
    check_path_traversal(filename)
    name = safe_filename(filename)
    suffix = check_extension(name)
    check_size(len(data), max_mb)
    check_content(suffix, data)
    return CheckedUpload(name, data)


def uploads_dir(data_dir: Path) -> Path:
    """``data_dir / "uploads"`` (created)."""
    d = Path(data_dir) / "uploads"
    d.mkdir(parents=True, exist_ok=True)
    return d
