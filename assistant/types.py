"""Answer shapes returned by the assistant and serialised by every channel."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from index.types import Hit


@dataclass
class Citation:
    """A numbered source ``[n]`` of an answer: document + section + quoted text.

    JSON shape (CLI contract): ``{"n", "doc_id", "number", "title", "issuer",
    "date", "section", "text", "score"}`` plus ``ocr_damaged`` and
    ``validity_note`` (null unless the cited document was replaced/amended).
    """

    n: int
    doc_id: str
    number: str | None
    title: str | None
    issuer: str | None
    date: str | None
    section: str
    text: str
    score: float
    ocr_damaged: bool = False
    validity_note: str | None = None

    @classmethod
    def from_hit(cls, n: int, hit: Hit, text: str | None = None) -> "Citation":
        m = hit.meta
        return cls(
            n=n,
            doc_id=m.doc_id,
            number=m.number,
            title=m.title,
            issuer=m.issuer,
            date=m.date,
            section=hit.chunk.section,
            text=text if text is not None else hit.chunk.text,
            score=round(float(hit.score), 6),
            ocr_damaged=m.ocr_damaged,
        )

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Answer:
    """``answer`` is Vietnamese text whose claims carry ``[n]`` markers that
    index ``citations``; ``abstained`` is True when the corpus holds no answer.
    ``mode`` is ``"extractive"``, ``"llm"`` or ``"graph"``; ``notes`` carries
    warnings shown to the user (e.g. an LLM reply rejected by verification)."""

    question: str
    answer: str
    citations: list[Citation] = field(default_factory=list)
    abstained: bool = False
    mode: str = "extractive"
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "answer": self.answer,
            "abstained": self.abstained,
            "mode": self.mode,
            "notes": list(self.notes),
            "citations": [c.to_dict() for c in self.citations],
        }
