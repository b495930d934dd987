"""Focus coverage: does a candidate answer unit concern what the question is
about? One job: ``(question, unit, its passage) → covered or not``.

A question that names a unit (a school from the indexed documents' ``unit``),
a số hiệu ("NĐ 367/2025", "187/QĐ-UBND") or a year ("năm 2024") asks about
that entity. A sentence from a passage that does not concern it — a căn cứ
line of another school's plan, a decree Điều that never mentions the
amending decree named in the question, the 2026 salary rule for a question
about 2024 — is not an answer, however many other words it shares; the
assistant then abstains ("không có trong tài liệu" beats a confident wrong
quote, see the developers' guide).

Where an entity counts as covered (folded phrase match,
``index.lexical_tokens.folded_words``):

* a name or số hiệu: in the unit's text, its khoản lead-in, the passage's
  heading, or the văn bản's own số hiệu, unit and trích yếu; a số hiệu also
  when the văn bản replaced it (``corpus.validity.ValidityIndex.predecessors``:
  a question naming NĐ 61/2018 is answered from NĐ 118/2025);
* a year: as above or in the văn bản's year / ngày ban hành; for a legal
  văn bản also when it is in force on 31 December of that year
  (``ValidityIndex.status``), so "năm 2024 thì …" is answered from the rule
  in force then.

Plain code, no model; the entity grammar is ``corpus.legal_refs`` (số hiệu,
via ``index.lexical_tokens.compound_tokens``) and the indexed metadata
(unit names), never a list of bundled names.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass
from functools import lru_cache

from corpus.legal_refs import fold
from index.lexical_tokens import compound_tokens, folded_words

#: leading words of a unit's name that give its type, not its name ("Trường Mầm non Hoa Phượng" → "hoa phuong")
_UNIT_TYPE_WORDS = frozenset("truong mam non tieu hoc trung co so pho thong thcs thpt uy ban nhan dan phuong xa "
                             "dac khu lien cap".split())
_DATE_LIKE = re.compile(r"^\d{1,2}/\d{1,2}(?:/\d{2,4})?$")
_YEAR_RE = re.compile(r"(?<![\d/.,-])((?:19|20)\d{2})(?![\d/.,])")


def unit_name(unit: str | None) -> str:
    """Folded name of an issuing unit without its type words
    (``"Trường Tiểu học Hoà Bình"`` → ``"hoa binh"``); ``""`` when nothing is left."""
    words = folded_words(unit or "").split()
    while words and words[0] in _UNIT_TYPE_WORDS:
        words.pop(0)
    return " ".join(words) if len(words) >= 1 and not words[0].isdigit() else ""


@dataclass(frozen=True)
class Focus:
    """Entities a question names (folded): ``numbers`` (số hiệu, possibly
    partial: ``"118/2025"``, ``"187/qd-ubnd"``), ``names`` (indexed unit
    names) and ``years`` (``"2024"``)."""

    numbers: tuple[str, ...] = ()
    names: tuple[str, ...] = ()
    years: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.numbers or self.names or self.years)


@lru_cache(maxsize=1024)
def question_focus(texts: tuple[str, ...], names: frozenset[str]) -> Focus:
    """The :class:`Focus` of a question written as ``texts`` (the question and
    its diacritic-restored form), with ``names`` the folded unit names of the
    indexed documents (:func:`unit_name`)."""
    numbers: list[str] = []
    years: list[str] = []
    found: list[str] = []
    for text in texts:
        for _s, _e, tok in compound_tokens(text or ""):
            if "/" in tok and not _DATE_LIKE.match(tok):
                numbers.append(tok)
        hay = folded_words(text or "")
        found += [n for n in names if f" {n} " in hay]
        plain = fold(text or "")
        for _s, _e, tok in compound_tokens(text or ""):
            plain = plain.replace(fold(tok), " ")
        years += _YEAR_RE.findall(plain)
    return Focus(tuple(dict.fromkeys(numbers)), tuple(dict.fromkeys(found)), tuple(dict.fromkeys(years)))


def _has(hay: str, entity: str) -> bool:
    # a partial số hiệu ("61/2018") matches the full one ("61/2018/nd-cp")
    return f" {entity} " in hay or ("/" in entity and re.search(rf" {re.escape(entity)}[/-]", hay) is not None)


class FocusCheck:
    """Judges units against a question's :class:`Focus`. ``validity()``
    returns the ``corpus.validity.ValidityIndex`` (or None): it tells which
    số hiệu a văn bản replaced and whether it was in force in a year."""

    def __init__(self, validity):
        self._validity = validity

    def _replaced(self, number: str | None) -> str:
        vx = self._validity() if number else None
        if vx is None:
            return ""
        try:
            return " ".join(x.target for x in vx.predecessors(number))
        except Exception:
            return ""

    def _in_force_in(self, number: str | None, year: str) -> bool:
        vx = self._validity() if number else None
        if vx is None:
            return False
        try:
            return vx.status(number, _dt.date(int(year), 12, 31)).in_force
        except Exception:
            return False

    def covered(self, focus: Focus, unit, hit) -> bool:
        """True when the unit (``assistant.reading.Unit``: ``text``, ``lead_in``)
        read from ``hit`` concerns every number and year of ``focus`` and, when
        it names units, at least one of them (a question comparing two schools
        is answered from both) unless the văn bản is one the question names by
        số hiệu ("Kế hoạch của trường X nhắc NĐ 61/2018; nghị định đó quy định
        gì?" is answered from NĐ 61/2018)."""
        if not focus:
            return True
        m = hit.meta
        hay = folded_words(f"{unit.lead_in} {unit.text} {hit.chunk.heading} {m.number or ''} {m.unit or ''} "
                           f"{m.title or ''}")
        own = folded_words(m.number or "")
        named_doc = bool(m.number) and any(_has(own, n) for n in focus.numbers)
        if focus.names and not named_doc and not any(_has(hay, n) for n in focus.names):
            return False  # (a văn bản the question names by số hiệu is about itself, not about the school)
        if focus.numbers:
            extra = folded_words(self._replaced(m.number)) if m.kind == "legal" else ""
            if not all(_has(hay, n) or (extra and _has(extra, n)) for n in focus.numbers):
                return False
        for y in focus.years:
            if _has(hay, y) or y == str(m.year or "") or (m.date or "").startswith(y):
                continue
            if m.kind == "legal" and self._in_force_in(m.number, y):
                continue
            return False
        return True
