"""Checks on an uploaded file before it reaches the ingest pipeline, and where
it is stored.

Rules (each failure raises ``UploadError`` with an HTTP status and a message in
Vietnamese and English):

* a filename with directories or ``..`` is refused (400); otherwise it is
  reduced to a safe base name (no directories, no ``..``, no
  control or shell characters; Unicode NFC kept so Vietnamese names survive);
* the extension is one of ``.txt .docx .pdf`` (415 otherwise);
* the size is 1 byte … ``max_upload_mb`` MiB (400 empty, 413 too large);
* the content matches the extension: ``.pdf`` starts with ``%PDF-``; ``.docx``
  passes the loader's own archive check (``corpus.loaders.check_zip_bomb``:
  a ZIP holding ``word/document.xml``, with the loader's zip-bomb limits), so
  an upload is refused by the same rule the ingest would apply; ``.txt``
  holds no NUL bytes and little other control data.
"""

from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from corpus.loaders import check_zip_bomb
from corpus.models import DocumentError

ALLOWED_SUFFIXES = (".txt", ".docx", ".pdf")
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
            f"Định dạng '{suffix or '(không có)'}' không được hỗ trợ; chỉ nhận .txt, .docx, .pdf",
            f"file type '{suffix or '(none)'}' not supported; allowed: .txt, .docx, .pdf",
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


def _check_txt(data: bytes) -> None:
    head = data[:65536]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 with BOM: judge the decoded text
        head = head[: len(head) // 2 * 2].decode("utf-16", errors="replace").encode("utf-8")
    if b"\x00" in head:
        raise UploadError(422, "Tệp .txt chứa dữ liệu nhị phân", "the .txt file contains binary data")
    ctrl = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13))
    if head and ctrl / len(head) > 0.05:
        raise UploadError(422, "Tệp .txt chứa dữ liệu nhị phân", "the .txt file contains binary data")


def check_content(suffix: str, data: bytes) -> None:
    """Content sniffing per extension (see module docstring); raises ``UploadError(422)``."""
    if suffix == ".pdf" and not data.lstrip()[:5] == b"%PDF-":
        raise UploadError(422, "Tệp .pdf không hợp lệ", "invalid .pdf: missing %PDF header")
    if suffix == ".docx":
        _check_docx(data)
    if suffix == ".txt":
        _check_txt(data)


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
