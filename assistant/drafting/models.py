"""Shapes of a drafted kế hoạch: :class:`Draft` and its parts.

Plain data with their text forms (:meth:`Draft.body_text`, :meth:`Draft.intro`,
:meth:`Draft.closing`) and the JSON form (:meth:`Draft.to_dict`). Rendering to
Markdown or DOCX lives in :mod:`assistant.drafting.render_markdown` and
:mod:`assistant.drafting.render_docx`, which import this module; this module
imports neither.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

#: Plan kinds a draft can follow.
KINDS = ("cchc", "tthc", "par-index", "papi")

#: Trích yếu of the draft, per kind.
KIND_TITLES = {
    "cchc": "Thực hiện công tác cải cách hành chính năm {year}",
    "tthc": "Thực hiện công tác cải cách thủ tục hành chính năm {year}",
    "par-index": "Về cải thiện Chỉ số cải cách hành chính (PAR Index) và nâng cao sự hài lòng của người dân, tổ chức năm {year}",
    "papi": "Về việc cải thiện Chỉ số hiệu quả quản trị và hành chính công cấp tỉnh (PAPI) năm {year}",
}
KIND_SHORT = {
    "cchc": "cải cách hành chính",
    "tthc": "cải cách thủ tục hành chính",
    "par-index": "cải thiện Chỉ số cải cách hành chính (PAR Index)",
    "papi": "cải thiện Chỉ số PAPI",
}

#: Mark on a figure or date the clerk must confirm.
CONFIRM = "[cần xác nhận]"
#: Header line when the unit's governing body after the 2025 reorganisation is not given.
CONFIRM_GOVERNING = "[cần xác nhận: cơ quan chủ quản sau sắp xếp]"


@dataclass
class Source:
    """Where an item comes from: document ``doc_id``, its số hiệu ``number``,
    issuing ``unit`` (a plan's unit, a guidance's cơ quan ban hành), ``year``,
    ``section`` path in that document and its loại ``doc_type``."""

    doc_id: str
    number: str | None
    unit: str | None
    year: int | None
    section: str
    doc_type: str = "Kế hoạch"

    def label(self) -> str:
        """``"2024-mn-ben-thanh-q1-cchc: Kế hoạch (Trường Mầm non Bến Thành, 2024), mục III > 3"``,
        ``"cv-4054-…: Công văn số 4054/BGDĐT-GDPT (Bộ Giáo dục và Đào tạo, 2026), mục 4 > 4.4"``."""
        num = f"{self.doc_type} số {self.number}" if self.number else self.doc_type
        unit = (self.unit[:1].upper() + self.unit[1:]) if self.unit else self.doc_id
        where = f", mục {self.section}" if self.section else ""
        return f"{self.doc_id}: {num} ({unit}, {self.year or '?'}){where}"


@dataclass
class DraftItem:
    """One drafted item: adapted ``text``; its ``source`` and the near-duplicate
    ``also`` sources; ``confirm``: contains figures the clerk must confirm;
    ``flags``: notes for the clerk (e.g. a cited văn bản to update)."""

    text: str
    source: Source
    also: list[Source] = field(default_factory=list)
    confirm: bool = False
    flags: list[str] = field(default_factory=list)
    original: str = ""


@dataclass
class DraftSection:
    key: str
    title: str
    items: list[DraftItem] = field(default_factory=list)


@dataclass
class LegalBasis:
    """One căn cứ line, in force at the draft's as-of date. ``status``:
    ``"ok"`` (in force), ``"confirm"`` (its ``text`` carries a ``[cần xác
    nhận …]`` mark: amended, successor not indexed, former district …),
    ``"update"`` (year-specific, the clerk must cite the văn bản of the draft
    year). ``note``: history for the clerk ("thay thế Nghị định số
    61/2018/NĐ-CP từ ngày 01/07/2025, theo Điều 40 …"), not printed in the
    căn cứ itself; ``group``: 0 legal norm, 1 guidance, 2 local văn bản."""

    text: str
    number: str | None
    status: str = "ok"
    note: str | None = None
    cited_by: list[str] = field(default_factory=list)
    group: int = 2


@dataclass
class DraftRequest:
    """A request to draft: target ``unit``, plan ``year``, ``kind`` (one of
    :data:`KINDS`), ``section`` (``"all"`` or a section key) and ``district``."""

    unit: str
    year: int
    kind: str = "cchc"
    section: str = "all"
    district: str | None = None


@dataclass
class Plan:
    """A source kế hoạch of the corpus as the drafter reads it: ``text`` is the
    repaired text for an OCR scan (``ocr`` True)."""

    doc_id: str
    number: str | None
    unit: str | None
    district: str | None
    year: int | None
    kind: str
    text: str
    ocr: bool


@dataclass
class Draft:
    """A drafted kế hoạch. ``sections`` follow
    :data:`assistant.drafting.sections.SKELETON`; ``legal_bases`` the Căn cứ
    lines; ``notes`` warnings for the clerk; ``mode`` ``"deterministic"`` or
    ``"llm"``; ``parent_agency`` the header's cơ quan chủ quản (the user's
    ``governing_body``, or :data:`CONFIRM_GOVERNING`); ``as_of`` the ISO date
    hiệu lực was evaluated at; ``layout`` the thể thức read from Phụ lục I
    (:class:`assistant.drafting.layout.Layout`)."""

    unit: str
    year: int
    kind: str
    district: str | None
    title: str
    parent_agency: str
    place: str
    sections: list[DraftSection]
    legal_bases: list[LegalBasis]
    notes: list[str] = field(default_factory=list)
    mode: str = "deterministic"
    signer_title: str = "HIỆU TRƯỞNG"
    number_line: str = ""
    recipients: list[str] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)
    governing_body: str | None = None
    as_of: str = ""
    layout: Any = None  # assistant.drafting.layout.Layout (rendering only; not in to_dict)

    def body_text(self) -> str:
        """All draft text (căn cứ, items, closing) as plain text, for checks."""
        parts = [self.title] + [b.text for b in self.legal_bases]
        for s in self.sections:
            parts.append(s.title)
            parts += [it.text for it in s.items]
        parts.append(self.closing())
        return "\n".join(parts)

    def intro(self) -> str:
        return f"{self.unit} xây dựng Kế hoạch {KIND_SHORT[self.kind]} năm {self.year}, cụ thể như sau:"

    def closing(self) -> str:
        return (f"Trên đây là Kế hoạch {KIND_SHORT[self.kind]} năm {self.year} của {self.unit}, "
                "đề nghị cán bộ, giáo viên, nhân viên nghiêm túc thực hiện. Trong quá trình thực hiện, "
                "nếu có khó khăn, vướng mắc, báo cáo Ban Giám hiệu để xem xét, điều chỉnh kịp thời./.")

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (``cchc draft --json``, ``POST /v1/draft`` with ``format=json``)."""
        return {
            "unit": self.unit, "year": self.year, "kind": self.kind, "district": self.district,
            "governing_body": self.governing_body, "parent_agency": self.parent_agency, "place": self.place,
            "as_of": self.as_of, "title": self.title, "mode": self.mode, "notes": list(self.notes),
            "legal_bases": [asdict(b) for b in self.legal_bases],
            "sections": [
                {"key": s.key, "title": s.title,
                 "items": [{"text": it.text, "source": asdict(it.source), "also": [asdict(a) for a in it.also],
                            "confirm": it.confirm, "flags": list(it.flags)} for it in s.items]}
                for s in self.sections
            ],
        }
