"""Is a văn bản cited as căn cứ in force at the as-of date, and what replaced it?

:func:`standing` answers for one số hiệu: ``in_force``, ``replaced`` (with
the successor), ``amended`` (in force, partly changed) or ``expired``,
evaluated at ``as_of``. Its validity facts come from one place, the
per-provision validity index of the indexed documents
(:class:`corpus.validity.ValidityIndex`: the statements of the legal texts —
"Nghị định này thay thế Nghị định số 120/2020/NĐ-CP", khoản 2 Điều 31 NĐ
299/2026/NĐ-CP; "Nghị định số 61/2018/NĐ-CP … hết hiệu lực kể từ ngày Nghị
định này có hiệu lực thi hành", Điều 40 NĐ 118/2025/NĐ-CP — and the rows of
every ingested validity table). A channel passes the store's index
(``CCHCService.validity()``, persisted with each document); without one it
is mined from the documents given. The as-of rule is the index's
(:meth:`corpus.validity.ValidityIndex.status`):

* a change whose ngày có hiệu lực is known applies from that day
  (NĐ 61/2018/NĐ-CP → NĐ 118/2025/NĐ-CP from 01/7/2025);
* when it is not known, the successor's own effective date or ngày ban hành
  (indexed) is used, and failing that the year in its số hiệu: a successor
  numbered ``…/2026/…`` cannot apply before 2026.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from corpus.citations import canonical_id
from corpus.models import ParsedDocument
from corpus.validity import ValidityIndex


@dataclass(frozen=True)
class Standing:
    """Validity of ``number`` at an as-of date. ``state``: ``"in_force"``,
    ``"replaced"``, ``"amended"`` or ``"expired"``; ``by``: the successor or
    amending văn bản (canonical số hiệu); ``since``: the date the change took
    effect, when known; ``article``: where a clerk checks the change
    (``"khoản 1 Điều 40 Nghị định 118/2025/NĐ-CP"``, or a validity table's
    source), when known; ``by_indexed``: the successor is an indexed document."""

    number: str
    state: str = "in_force"
    by: str | None = None
    since: dt.date | None = None
    article: str | None = None
    by_indexed: bool = False


_CACHE: dict[tuple, ValidityIndex] = {}


def validity_facts(docs: Sequence[ParsedDocument]) -> ValidityIndex:
    """The validity index mined from ``docs`` (validity tables among them
    included), kept for the last set of documents (by doc_id and content
    hash). Channels pass the store's index to :func:`standing` instead."""
    key = tuple((d.meta.doc_id, d.meta.content_hash) for d in docs)
    if key not in _CACHE:
        _CACHE.clear()
        _CACHE[key] = ValidityIndex.from_documents(docs)
    return _CACHE[key]


def _iso(s: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(s) if s else None
    except ValueError:
        return None


def standing(number: str, as_of: dt.date, docs: Sequence[ParsedDocument],
             validity: ValidityIndex | None = None) -> Standing:
    """Validity of the văn bản ``number`` (any spelling of a số hiệu) at
    ``as_of``, from ``validity`` (default: :func:`validity_facts` of
    ``docs``) and the as-of rule of the module doc. Unknown văn bản are
    ``in_force`` (nothing says otherwise). Never raises on a str number."""
    vx = validity if validity is not None else validity_facts(docs)
    num = canonical_id(number)
    st = vx.status(num, as_of)
    if st.ended is not None:
        same = vx.same_change(st)
        return Standing(num, "replaced" if st.successor else "expired", st.successor, _iso(st.ended_on),
                        vx.source_text(same or [st.ended], limit=1) or None,
                        by_indexed=bool(st.successor and vx.in_corpus(st.successor)))
    amended = [x for x in st.amendments if x.by]
    if amended:
        x = amended[0]
        return Standing(num, "amended", x.by, _iso(vx.change_date(x)), vx.source_text([x], limit=1) or None,
                        by_indexed=vx.in_corpus(x.by))
    return Standing(num)
