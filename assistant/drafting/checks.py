"""Checks on a draft before it is shown: no invented số hiệu, no lost
figure, no stale year.

Rule of the house: a document number in a draft must exist in the corpus
(:func:`check_no_invented_numbers`); a rewritten section keeps every number
of the deterministic one (:func:`check_figures`). :func:`final_checks`
applies both rules and the stale-year check to a whole :class:`Draft`,
removing offending items rather than shipping an invented number.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from assistant.drafting.adapt import stale_year_refs
from assistant.drafting.models import Draft
from assistant.drafting.sections import reflow
from assistant.drafting.sources import repaired
from corpus.legal_refs import find_numbers, number_key
from corpus.models import ParsedDocument
from corpus.ocr import is_ocr_damaged


def document_numbers(text: str) -> dict[str, str]:
    """``{number_key: canonical số hiệu}`` of every số hiệu in ``text``
    (``corpus.legal_refs``: ``"187/QĐ- UBND"`` → key ``"187/QD-UBND"``,
    canonical ``"187/QĐ-UBND"``)."""
    return {number_key(m.canonical): m.canonical for m in find_numbers(text)}


def check_no_invented_numbers(draft_text: str, corpus_texts: Iterable[str]) -> list[str]:
    """Document numbers (số hiệu) in ``draft_text`` that occur in none of
    ``corpus_texts`` — the offenders; ``[]`` when the draft invents none.

    ``check_no_invented_numbers("Căn cứ Nghị định số 999/2025/NĐ-CP", texts)``
    → ``["999/2025/NĐ-CP"]``.
    """
    known: set[str] = set()
    for t in corpus_texts:
        known.update(document_numbers(t))
    return sorted(c for k, c in document_numbers(draft_text).items() if k not in known)


_ANY_NUMBER = re.compile(r"\d+(?:[.,/]\d+)*")


def check_figures(source_text: str, new_text: str) -> list[str]:
    """Numbers that differ between a section's deterministic text and a
    rewritten one: ``"-x"`` for a number lost, ``"+x"`` for a new one. ``[]``
    when every number of the source is still present and none is added."""
    a = set(_ANY_NUMBER.findall(source_text))
    b = set(_ANY_NUMBER.findall(new_text))
    return sorted([f"-{x}" for x in a - b] + [f"+{x}" for x in b - a])


def corpus_texts(parsed: Sequence[ParsedDocument]) -> list[str]:
    """Texts a draft's số hiệu may come from: every document (raw and, for OCR
    scans, repaired), validity tables included (replacement numbers)."""
    out = []
    for d in parsed:
        out.append(d.text)
        if d.meta.ocr_damaged or is_ocr_damaged(d.text):
            out.append(repaired(d.text))
        out.append("\n".join(reflow(d.text)))
    return out


def final_checks(draft: Draft, parsed: Sequence[ParsedDocument]) -> None:
    """Apply the checks to ``draft`` in place: drop items and căn cứ carrying
    a số hiệu the corpus does not hold, flag stale year references; each
    finding is added to ``draft.notes``."""
    texts = corpus_texts(parsed)
    bad = check_no_invented_numbers(draft.body_text(), texts)
    if bad:
        for s in draft.sections:
            s.items = [it for it in s.items if not check_no_invented_numbers(it.text, texts)]
        draft.legal_bases = [b for b in draft.legal_bases if not check_no_invented_numbers(b.text, texts)]
        draft.notes.append("đã loại nội dung có số hiệu không có trong kho văn bản: " + ", ".join(bad))
    stale = []
    for s in draft.sections:
        for it in s.items:
            st = stale_year_refs(it.text, draft.year)
            if st:
                stale += st
                it.flags.append("còn mốc năm cũ: " + "; ".join(st))
    if stale:
        draft.notes.append(f"{len(stale)} mốc năm cũ cần rà soát (đã đánh dấu ở từng nội dung)")
