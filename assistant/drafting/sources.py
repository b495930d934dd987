"""The documents a draft is built from: the indexed ones, bundled or uploaded.

Every channel (CLI, API, Telegram, chat) passes the service's indexed
documents (:func:`draft_documents`); nothing here reads the bundled folder.
Two kinds of source: kế hoạch (:func:`is_plan`), whose items are adapted,
and guidance documents (:func:`is_guidance`: công văn hướng dẫn, chỉ thị),
whose tasks are offered to the plans they apply to
(:mod:`assistant.drafting.guidance`).

:func:`load_plans` reads the kế hoạch among them. OCR plans are
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
from corpus.models import DocumentMeta, ParsedDocument
from corpus.ocr import is_ocr_damaged, repair_text

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


def repaired(text: str) -> str:
    """``corpus.ocr.repair_text`` of an OCR scan (the drafter and its checks
    both need it; a repair takes seconds, and ``repair_text`` keeps it per text
    and diacritic model)."""
    return repair_text(text)


def draft_documents(indexed: Iterable[ParsedDocument]) -> list[ParsedDocument]:
    """The documents a channel drafts from: all indexed documents (bundled and
    uploaded), the same rule for CLI, API, Telegram and chat."""
    return list(indexed)


#: Loại văn bản of guidance that sets tasks for a period (not kế hoạch, not legal norms).
GUIDANCE_TYPES = ("Công văn", "Hướng dẫn", "Chỉ thị")


def is_plan(meta: DocumentMeta) -> bool:
    """A kế hoạch (or a non-legal document of unknown loại, read as one)."""
    return meta.kind == "plan" and (meta.doc_type is None or fold(meta.doc_type).startswith("ke hoach"))


def is_guidance(meta: DocumentMeta) -> bool:
    """A guidance document: not a legal norm, loại in :data:`GUIDANCE_TYPES`."""
    return meta.kind != "legal" and meta.doc_type in GUIDANCE_TYPES


def load_plans(docs: Iterable[ParsedDocument]) -> tuple[list[Plan], list[ParsedDocument]]:
    """The kế hoạch among ``docs`` (:func:`is_plan`), with repaired text for
    OCR scans, and all of ``docs`` as a list. ``docs``: ``ParsedDocument``
    list, normally the indexed documents (:func:`draft_documents`)."""
    parsed = list(docs)
    plans = []
    for d in parsed:
        m = d.meta
        if not is_plan(m):
            continue
        ocr = bool(m.ocr_damaged or is_ocr_damaged(d.text))
        text = repaired(d.text) if ocr else d.text
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
