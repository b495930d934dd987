"""The source plans a draft is built from.

:func:`load_plans` reads the kế hoạch of the corpus (``ParsedDocument`` list:
the indexed documents, or the bundled corpus parsed with
``corpus.pipeline.parse_file`` — no index, no embeddings). OCR plans are
repaired with ``corpus.ocr.repair_text``; a repaired item is used only if
every word bigram of it occurs in the clean corpus (:func:`attested`),
because the repair leaves wrong-but-valid syllables ("Chí sĩ PAPI") that no
syllable check can see — a draft must never carry broken diacritics.

Also here: the school-name and district patterns used to find the unit and
district of a plan (:data:`UNIT_RE`, :data:`DISTRICT_RE`), and
:func:`draft_documents`, the one rule for which documents a channel drafts
from.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from assistant.drafting.models import Plan
from corpus.legal_refs import fold
from corpus.models import ParsedDocument
from corpus.ocr import is_ocr_damaged, repair_text
from corpus.pipeline import bundled_paths, parse_file

#: "Trường Mầm non Hương Sen", "TRƯỜNG TIỂU HỌC Hòa Bình", "trường THCS …" (the level, then 1–3 capitalised words).
UNIT_RE = re.compile(
    r"\b[Tt]r(?:ường|ƯỜNG)\s+(?:[Mm]ầm\s+non|MẦM\s+NON|[Tt]iểu\s+học|TIỂU\s+HỌC|THCS|[Tt]rung\s+học\s+cơ\s+sở)"
    r"(?:\s+[A-ZĐÀ-Ỹ][\wÀ-ỹ]*){1,3}"
)
#: "Quận 1", "quận Gò Vấp" (a number or 1–3 capitalised words).
DISTRICT_RE = re.compile(r"\b[Qq]uận\s+(?:\d{1,2}\b|(?:[A-ZĐÀ-Ỹ][\wÀ-ỹ]*\s?){1,3})")


def district_core(d: str) -> str:
    """The district's name without its level: ``"quận Gò Vấp"`` → ``"Gò Vấp"``, ``"Quận 1"`` → ``"1"``."""
    return re.sub(r"^(quận|huyện|thành phố|thị xã)\s+", "", d.strip(), flags=re.I)


def same_district(a: str | None, b: str | None) -> bool:
    """True when both name the same district (accent- and case-insensitive, level word ignored)."""
    return bool(a and b and fold(district_core(a)) == fold(district_core(b)))


def plan_kind(doc_id: str, title: str | None = None) -> str:
    """``"papi"``, ``"par-index"``, ``"tthc"`` or ``"cchc"`` from the file stem / trích yếu."""
    f = fold(f"{doc_id} {title or ''}")
    if "papi" in f:
        return "papi"
    if "par-index" in f or "par index" in f:
        return "par-index"
    if "tthc" in f or "thu tuc hanh chinh" in f:
        return "tthc"
    return "cchc"


def draft_documents(indexed: Sequence[ParsedDocument]) -> list[ParsedDocument] | None:
    """The documents a channel drafts from: the indexed ones (uploads
    included) when at least one of them is a kế hoạch, else None (the
    drafter then reads the bundled corpus)."""
    docs = list(indexed)
    return docs if any(d.meta.kind == "plan" for d in docs) else None


def parsed_corpus(docs: Iterable[ParsedDocument] | None) -> list[ParsedDocument]:
    """``docs`` as a list, or the bundled corpus parsed without an index."""
    if docs is not None:
        return list(docs)
    return [parse_file(p) for p in bundled_paths()]


def load_plans(docs: Iterable[ParsedDocument] | None = None) -> tuple[list[Plan], list[ParsedDocument]]:
    """Plans of the corpus (kind ``plan``) with repaired text for OCR scans,
    and all parsed documents. ``docs``: ``ParsedDocument`` list (default: the
    bundled corpus parsed with ``corpus.pipeline.parse_file``)."""
    parsed = parsed_corpus(docs)
    plans = []
    for d in parsed:
        m = d.meta
        if m.kind != "plan":
            continue
        ocr = bool(m.ocr_damaged or is_ocr_damaged(d.text))
        text = repair_text(d.text) if ocr else d.text
        unit = m.unit
        if not unit:
            um = UNIT_RE.search(text)
            unit = um.group(0) if um else None
        year = m.year
        if not year:
            ym = re.match(r"(\d{4})-", m.doc_id)
            year = int(ym.group(1)) if ym else None
        district = m.district
        if not district:
            dm = DISTRICT_RE.search(text[:800])
            district = dm.group(0).strip() if dm else None
        plans.append(Plan(m.doc_id, m.number, unit, district, year, plan_kind(m.doc_id, m.title), text, ocr))
    return plans, parsed


# ---------------------------------------------------------------- quality gate for OCR
_WORD = re.compile(r"[^\W\d_]+")
_BAD_CHARS = re.compile(r"[™&$¢§@?_|\\]|[A-Za-zÀ-ỹ][0-9][A-Za-zÀ-ỹ]")


def bigrams(text: str) -> list[tuple[str, str]]:
    """Lower-cased word bigrams of ``text`` (letters only)."""
    w = [x.lower() for x in _WORD.findall(text)]
    return list(zip(w, w[1:]))


def clean_vocabulary(plans: Sequence[Plan], parsed: Sequence[ParsedDocument]) -> set[tuple[str, str]]:
    """Word bigrams of every document that is not an OCR plan: what
    :func:`attested` accepts."""
    ocr_ids = {p.doc_id for p in plans if p.ocr}
    vocab: set[tuple[str, str]] = set()
    for d in parsed:
        if d.meta.doc_id not in ocr_ids:
            vocab.update(bigrams(d.text))
    return vocab


def attested(text: str, vocab: set[tuple[str, str]]) -> bool:
    """True when ``text`` has no OCR debris and each of its word bigrams occurs
    in the clean corpus (``vocab``)."""
    if _BAD_CHARS.search(text):
        return False
    bg = bigrams(text)
    return bool(bg) and all(b in vocab for b in bg)
