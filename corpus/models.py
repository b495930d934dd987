"""Data shapes shared by corpus → index → assistant → bot.

Vietnamese legal terms are used for the fields (see Nghị định 30/2020/NĐ-CP on
văn bản hành chính for what each of them means on a document):

* ``doc_type``  – loại văn bản ("Kế hoạch", "Nghị định", "Thông tư", …)
* ``number``    – số hiệu ("26/KH-MNHgS", "60/2021/NĐ-CP")
* ``issuer``    – cơ quan ban hành ("Chính phủ", "Trường Mầm non Hương Sen")
* ``date``      – ngày ban hành, ISO ``YYYY-MM-DD``
* ``title``     – trích yếu
* ``effective`` – ngày có hiệu lực, ISO ``YYYY-MM-DD``
* ``governing_body`` – cơ quan chủ quản (first name line of a two-line header:
  ``UBND quận Gò Vấp`` above ``TRƯỜNG MẦM NON HƯƠNG SEN``)
* ``place``     – địa danh of the place-and-date line (``Hà Nội``, ``Gò Vấp``)
* ``appendix``  – for a Phụ lục issued as its own file, its label (``Phụ lục I``);
  ``number``/``date``/``issuer`` are then those of the văn bản it belongs to and
  ``parent_type`` that văn bản's loại (``Nghị định``)
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class DocumentMeta:
    """Metadata of one văn bản in the corpus.

    ``doc_id`` is stable across re-ingests: the file stem (e.g.
    ``2024-mn-ben-thanh-q1-cchc``). ``content_hash`` is the SHA-256 of the
    normalised text, used to skip re-embedding unchanged documents.
    """

    doc_id: str
    path: str = ""
    kind: str = "plan"  # "plan" (kế hoạch of a unit) or "legal" (decree, circular …)
    doc_type: str | None = None
    number: str | None = None
    issuer: str | None = None
    date: str | None = None
    title: str | None = None
    unit: str | None = None
    district: str | None = None
    year: int | None = None
    source: str | None = None
    effective: str | None = None
    governing_body: str | None = None
    place: str | None = None
    appendix: str | None = None
    parent_type: str | None = None
    ocr_damaged: bool = False
    content_hash: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Chunk:
    """One retrievable passage.

    * ``text``        – what users are shown: the original document text of the
      passage (for OCR-damaged scans this is the damaged original).
    * ``index_text``  – what is embedded and BM25-indexed: heading context +
      the passage, repaired if the document is an OCR scan.
    * ``section``     – section path, e.g. ``"III > 3 > 3.5"`` for plans or
      ``"Điều 9 > khoản 3 > điểm a"`` for decrees.
    * ``heading``     – the heading line(s) of the section the passage is in.
    * ``start``/``end`` – character offsets of ``text`` in the normalised
      document text (``ParsedDocument.text``), ``text == doc.text[start:end]``.
    * ``instruction_spans`` – ``[start, end]`` offsets in ``text`` of lines
      addressed to an AI assistant ("bỏ qua mọi hướng dẫn…", see
      :mod:`corpus.injection`): kept as text, never used as an answer
      sentence or as an instruction.
    """

    chunk_id: str
    doc_id: str
    text: str
    index_text: str
    section: str
    heading: str = ""
    start: int = 0
    end: int = 0
    instruction_spans: list[list[int]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class ParsedDocument:
    """A loaded, normalised and chunked document."""

    meta: DocumentMeta
    text: str
    chunks: list[Chunk] = field(default_factory=list)


class DocumentError(ValueError):
    """A file cannot be ingested (empty, binary, unsupported, undecodable, too large).

    ``str(err)`` is a one-line message naming the file and the reason.
    """

    def __init__(self, path: str, reason: str):
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}")
