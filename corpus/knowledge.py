"""What one document contributes to the legal knowledge of a corpus.

:func:`extract_knowledge` is a pure function of a :class:`ParsedDocument`
(plain code, no model; OCR-damaged documents use the diacritic model in
use, :func:`corpus.diacritics.get_model`): the citations it makes
(:func:`corpus.citations.document_mentions`), the validity facts it states
(:func:`corpus.validity.document_validity`), the abbreviations it defines
(:func:`corpus.glossary.document_definitions`) and whether it was curated with
the project (``origin``). The index stores one :class:`DocumentKnowledge` per
document version, written in the same transaction as its chunks
(``index.knowledge``); the citation graph, the validity index and the glossary
of a corpus are assembled from them (``corpus.citations.graph_from_mentions``,
``corpus.validity.ValidityIndex``, ``corpus.glossary.glossary_from_definitions``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from corpus.citations import Mention, document_mentions
from corpus.glossary import Definition, document_definitions
from corpus.models import ParsedDocument
from corpus.pipeline import bundled_dir
from corpus.validity import TABLE_KIND, ValidityFact, document_validity

__all__ = ["KNOWLEDGE_VERSION", "DocumentKnowledge", "extract_knowledge", "document_origin"]

#: Bump when extraction changes what it yields: stores re-derive the knowledge
#: of every document whose stored version differs (``index.knowledge``).
KNOWLEDGE_VERSION = "2"


@dataclass
class DocumentKnowledge:
    """The knowledge of one document version.

    ``origin``: ``"bundled"`` (a file of the project's curated corpus) or
    ``"uploaded"`` (anything else: a school's plan, a file sent to the API).
    ``effective``: the document's ngày có hiệu lực (ISO), None if not stated.
    """

    doc_id: str
    version: str = KNOWLEDGE_VERSION
    origin: str = "uploaded"
    effective: str | None = None
    mentions: list[Mention] = field(default_factory=list)
    validity: list[ValidityFact] = field(default_factory=list)
    definitions: list[Definition] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"doc_id": self.doc_id, "version": self.version, "origin": self.origin, "effective": self.effective,
                "mentions": [m.to_dict() for m in self.mentions],
                "validity": [v.to_dict() for v in self.validity],
                "definitions": [vars(d).copy() for d in self.definitions]}

    @classmethod
    def from_dict(cls, d: dict) -> "DocumentKnowledge":
        return cls(doc_id=d["doc_id"], version=d.get("version", ""), origin=d.get("origin", "uploaded"),
                   effective=d.get("effective"), mentions=[Mention(**m) for m in d.get("mentions", [])],
                   validity=[ValidityFact(**v) for v in d.get("validity", [])],
                   definitions=[Definition(**x) for x in d.get("definitions", [])])


def document_origin(path: str) -> str:
    """``"bundled"`` when ``path`` lies in the project's corpus folder, else ``"uploaded"``."""
    if not path:
        return "uploaded"
    try:
        p = Path(path).resolve()
        return "bundled" if p.is_relative_to(bundled_dir().resolve()) else "uploaded"
    except (OSError, ValueError):
        return "uploaded"


def extract_knowledge(doc: ParsedDocument) -> DocumentKnowledge:
    """Everything ``doc`` contributes (see module docstring). Never raises on
    a well-formed ``ParsedDocument``: a failing extractor contributes nothing."""
    effective, facts = document_validity(doc)
    if doc.meta.kind == TABLE_KIND:  # a validity table states validity; it cites and defines nothing
        return DocumentKnowledge(doc_id=doc.meta.doc_id, origin=document_origin(doc.meta.path), validity=facts)
    try:
        mentions = document_mentions(doc)
    except Exception:  # pragma: no cover - defensive: extraction must not break ingest
        mentions = []
    try:
        definitions = document_definitions(doc)
    except Exception:  # pragma: no cover
        definitions = []
    return DocumentKnowledge(doc_id=doc.meta.doc_id, origin=document_origin(doc.meta.path), effective=effective,
                             mentions=mentions, validity=facts, definitions=definitions)
