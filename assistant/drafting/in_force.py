"""Is a văn bản cited as căn cứ in force at the as-of date, and what replaced it?

:func:`standing` answers for one số hiệu: ``in_force``, ``replaced`` (with
the successor), ``amended`` (in force, partly changed) or ``expired``,
evaluated at ``as_of``. Its validity facts come from one place,
:func:`validity_facts` — the swap point to the index-derived, per-provision
validity API (one line to change there); everything else here is the as-of
rule:

* a change whose ngày có hiệu lực is known applies from that day
  (NĐ 61/2018/NĐ-CP → NĐ 118/2025/NĐ-CP from 01/7/2025);
* when it is not known, the successor's own effective date or ngày ban hành
  (indexed) is used, and failing that the year in its số hiệu: a successor
  numbered ``…/2026/…`` cannot apply before 2026.

Facts, in order: the curated table (``corpus.validity.load_validity_table``)
and the statements of the indexed legal texts themselves ("Nghị định này
thay thế Nghị định số 120/2020/NĐ-CP" — Điều 31 khoản 2 NĐ 299/2026/NĐ-CP;
"Nghị định số 61/2018/NĐ-CP … hết hiệu lực kể từ ngày Nghị định này có hiệu
lực thi hành" — Điều 40 NĐ 118/2025/NĐ-CP), read with
``corpus.validity.find_validity_statements``; a statement also names the
Điều a clerk can check.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from corpus.citations import canonical_id
from corpus.models import ParsedDocument
from corpus.legal_refs import fold
from corpus.validity import find_validity_statements, load_validity_table


@dataclass(frozen=True)
class Fact:
    """One validity fact: ``number`` was ``status`` (``"replaced"``,
    ``"amended"``, ``"expired"``) by ``by`` from ``effective`` (ISO or None);
    ``article``: where the change is stated (``"Điều 40 Nghị định
    118/2025/NĐ-CP"``) or None."""

    number: str
    status: str
    by: str | None = None
    effective: str | None = None
    article: str | None = None


@dataclass(frozen=True)
class Standing:
    """Validity of ``number`` at an as-of date. ``state``: ``"in_force"``,
    ``"replaced"``, ``"amended"`` or ``"expired"``; ``by``: the successor or
    amending văn bản (canonical số hiệu); ``since``: the date the change took
    effect, when known; ``article``: the provision stating it, when known;
    ``by_indexed``: the successor is an indexed document."""

    number: str
    state: str = "in_force"
    by: str | None = None
    since: dt.date | None = None
    article: str | None = None
    by_indexed: bool = False


_SELF_REPLACES = re.compile(r"\b(?:nghi dinh|thong tu|quyet dinh|nghi quyet|luat)\s+nay\s+thay\s+the\b")


def _type_name(number: str) -> str:
    from corpus.legal_refs import doc_type_of_number

    return doc_type_of_number(number) or "Văn bản"


def _statement_facts(docs: Sequence[ParsedDocument]) -> dict[str, Fact]:
    """Replacements stated inside an Điều of the indexed legal texts, by the
    số hiệu they replace (title lines and amendments are not used: too loose)."""
    out: dict[str, Fact] = {}
    for d in docs:
        m = d.meta
        if m.kind != "legal" or not m.number or m.appendix:
            continue
        own = canonical_id(m.number)
        for st in find_validity_statements(d.text, m.doc_id, m.number):
            if not st.article:
                continue
            if st.kind == "expired" and st.by == own:
                status = "replaced"
            elif st.kind == "replaced" and _SELF_REPLACES.search(fold(st.sentence)):
                status = "replaced"
            else:
                continue
            for t in st.targets:
                out.setdefault(t, Fact(t, status, own, m.effective, f"{st.article} {_type_name(own)} {own}"))
    return out


_CACHE: dict[tuple, dict[str, Fact]] = {}


def _statement_facts_cached(docs: Sequence[ParsedDocument]) -> dict[str, Fact]:
    """:func:`_statement_facts`, kept for the last set of documents (by doc_id and content hash)."""
    key = tuple((d.meta.doc_id, d.meta.content_hash) for d in docs)
    if key not in _CACHE:
        _CACHE.clear()
        _CACHE[key] = _statement_facts(docs)
    return _CACHE[key]


def validity_facts(number: str, docs: Sequence[ParsedDocument]) -> Fact | None:
    """The validity fact known for ``number`` (canonical số hiệu), or None.

    The one call into the validity data: table row first, then the
    statements of the indexed legal texts (which also give the Điều)."""
    stated = _statement_facts_cached(docs).get(number)
    row = load_validity_table().get(number)
    if row is None:
        return stated
    status = {"partly amended": "amended", "amended": "amended", "replaced": "replaced",
              "expired": "expired"}.get(row.status.lower())
    if status is None:
        return None
    article = stated.article if stated and stated.by == row.replaced_or_amended_by else None
    return Fact(number, status, row.replaced_or_amended_by, row.effective or (stated.effective if stated else None), article)


def _iso(s: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(s) if s else None
    except ValueError:
        return None


def _number_year(number: str) -> int | None:
    m = re.search(r"/(\d{4})/", number)
    return int(m.group(1)) if m else None


def standing(number: str, as_of: dt.date, docs: Sequence[ParsedDocument]) -> Standing:
    """Validity of the văn bản ``number`` (any spelling of a số hiệu) at
    ``as_of``, from :func:`validity_facts` and the as-of rule of the module
    doc. Unknown văn bản are ``in_force`` (nothing says otherwise). Never
    raises on a str number."""
    num = canonical_id(number)
    fact = validity_facts(num, docs)
    if fact is None:
        return Standing(num)
    by_doc = next((d for d in docs if fact.by and d.meta.number and canonical_id(d.meta.number) == fact.by), None)
    since = _iso(fact.effective)
    if since is None and by_doc is not None:
        since = _iso(by_doc.meta.effective) or _iso(by_doc.meta.date)
    if since is not None:
        applies = as_of >= since
    else:
        y = _number_year(fact.by) if fact.by else None
        applies = y is None or as_of.year >= y
    if not applies:
        return Standing(num)
    return Standing(num, fact.status, fact.by, since, fact.article, by_indexed=by_doc is not None)
