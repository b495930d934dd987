"""Glossary for new clerks: abbreviations defined in the corpus.

An abbreviation is *defined* where the text writes a phrase followed by the
abbreviation in parentheses — "cải cách hành chính (CCHC)", "thủ tục hành
chính (TTHC)", "Chỉ số cải cách hành chính (PAR Index)". The expansion is
the shortest run of words before the parenthesis whose initials spell the
abbreviation (accent-insensitive; "cải cách hành chính" → c c h c); when no
run spells it (PAR Index, PAPI are English acronyms), the phrase back to the
nearest clause boundary (at most 10 words) is taken. Terms the corpus uses but
never expands come from the curated table :data:`ABBREVIATIONS` and are marked
``from_corpus=False``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from corpus.models import ParsedDocument
from corpus.textnorm import fold

_DEF_RE = re.compile(r"([^()\n]{3,160}?)\s*\(\s*([A-ZĐ][A-Za-zĐđ]*(?:[ -][A-Z][A-Za-z]*)?)\s*\)")
_BOUNDARY = re.compile(r"[,;:.“”\"]|\b(?:của|về|theo|với|cho|trong|tại|đối với|là)\b", re.IGNORECASE)
_INDEX_HEAD = re.compile(r"chi so", re.IGNORECASE)

#: Abbreviations of the CCHC vocabulary of the plans, with their expansion: the
#: glossary's answer for a term the corpus uses without expanding it, and the
#: words the drafter's near-duplicate check (``assistant.drafting.dedup``)
#: reads in place of the abbreviation ("giải quyết TTHC" = "giải quyết thủ tục
#: hành chính").
ABBREVIATIONS: dict[str, str] = {
    "CCHC": "cải cách hành chính",
    "TTHC": "thủ tục hành chính",
    "CBQL": "cán bộ quản lý",
    "CNTT": "công nghệ thông tin",
    "PHHS": "phụ huynh học sinh",
    "SIPAS": "Chỉ số hài lòng về sự phục vụ hành chính (Satisfaction Index of Public Administrative Services)",
    "CBCCVC": "cán bộ, công chức, viên chức",
    "UBND": "Ủy ban nhân dân",
    "PAKN": "phản ánh, kiến nghị",
    "CB-GV-CNV": "cán bộ, giáo viên, công nhân viên",
}


@dataclass
class GlossaryEntry:
    """``occurrences``: ``(doc_id, section, snippet)`` where the term is
    defined (first) or used; ``from_corpus``: False for curated expansions."""

    term: str
    expansion: str
    occurrences: list[tuple[str, str, str]] = field(default_factory=list)
    from_corpus: bool = True


def _key(term: str) -> str:
    return re.sub(r"[\s\-]+", "", fold(term)).upper()


def _letters(abbr: str) -> str:
    return re.sub(r"[^a-z]", "", fold(abbr))


def expansion_for(before: str, abbr: str) -> str | None:
    """The expansion of ``abbr`` from the text just ``before`` its parenthesis
    (see module docstring), or None."""
    words = before.split()
    target = _letters(abbr)
    for n in range(1, min(len(words), 12) + 1):
        cand = words[-n:]
        initials = "".join(fold(w)[0] for w in cand if w and fold(w)[0].isalpha())
        if initials == target:
            return " ".join(cand).strip(" ,;:")
    if " " not in abbr.strip() and len(target) <= 5 and not abbr.isupper():
        return None
    # Named indices ("Chỉ số … (PAR Index)", "Chỉ số hiệu quả quản trị và hành chính công cấp tỉnh (PAPI)")
    # start at their last "Chỉ số".
    heads = [m.start() for m in _INDEX_HEAD.finditer(fold(before))]
    if heads and len(before[heads[-1]:].split()) <= 14:
        return before[heads[-1]:].strip(" ,;:")
    tail = _BOUNDARY.split(before)[-1].split()
    if not tail or len(tail) > 10:
        tail = words[-6:]
    phrase = " ".join(tail).strip(" ,;:")
    return phrase if len(phrase) >= 4 else None


@dataclass
class Definition:
    """One place where a document defines an abbreviation: ``term`` as
    written, its ``expansion``, and where (``doc_id``, ``section``, ``snippet``)."""

    term: str
    expansion: str
    doc_id: str
    section: str
    snippet: str

    @property
    def key(self) -> str:
        """Comparison key of the term (accent-, case- and space-insensitive)."""
        return _key(self.term)


def document_definitions(doc: ParsedDocument) -> list[Definition]:
    """The abbreviations ``doc`` defines, in text order (a pure function of
    the document: what the store keeps per document). Chunk texts are read
    with the OCR-repaired index text for damaged scans."""
    out: list[Definition] = []
    for c in doc.chunks:
        text = c.index_text if doc.meta.ocr_damaged else c.text
        for m in _DEF_RE.finditer(text):
            abbr = m.group(2).strip()
            if len(_letters(abbr)) < 2 or abbr.isdigit():
                continue
            exp = expansion_for(m.group(1), abbr)
            if not exp:
                continue
            snippet = " ".join(text[max(0, m.start(2) - 120): m.end() + 40].split())
            out.append(Definition(abbr, exp, doc.meta.doc_id, c.section, snippet))
    return out


def glossary_from_definitions(defs: Iterable[Definition]) -> dict[str, GlossaryEntry]:
    """Term (as written at its first definition) → entry; ``defs`` in corpus
    order (the first definition of a term gives its expansion, later ones are
    occurrences, at most 8)."""
    out: dict[str, GlossaryEntry] = {}
    keys: dict[str, str] = {}
    for df in defs:
        k = df.key
        if k not in keys:
            keys[k] = df.term
            out[df.term] = GlossaryEntry(df.term, df.expansion, [(df.doc_id, df.section, df.snippet)])
        else:
            entry = out[keys[k]]
            if len(entry.occurrences) < 8:
                entry.occurrences.append((df.doc_id, df.section, df.snippet))
    return out


def build_glossary(docs: list[ParsedDocument]) -> dict[str, GlossaryEntry]:
    """Term (as written at its first definition) → entry, over all documents
    (:func:`glossary_from_definitions` of :func:`document_definitions`)."""
    return glossary_from_definitions(df for d in docs for df in document_definitions(d))


def explain(term: str, docs: list[ParsedDocument], glossary: dict[str, GlossaryEntry] | None = None) -> GlossaryEntry | None:
    """Look ``term`` up (case-, accent- and space-insensitive): corpus
    definitions first (``glossary``, e.g. the store's, else built from
    ``docs``), then the curated list; uses in ``docs`` are added as
    occurrences of a curated term. None if the term is unknown."""
    k = _key(term)
    if not k:
        return None
    gloss = glossary if glossary is not None else build_glossary(docs)
    entry = next((e for t, e in gloss.items() if _key(t) == k), None)
    if entry is None:
        cur = next(((t, v) for t, v in ABBREVIATIONS.items() if _key(t) == k), None)
        if cur is None:
            return None
        entry = GlossaryEntry(cur[0], cur[1], [], from_corpus=False)
        pat = re.compile(rf"(?<![\w]){re.escape(fold(term))}(?![\w])")
        for d in docs:
            for c in d.chunks:
                if pat.search(fold(c.index_text)):
                    entry.occurrences.append((d.meta.doc_id, c.section, " ".join(c.text.split())[:160]))
                    break
            if len(entry.occurrences) >= 3:
                break
    return entry
