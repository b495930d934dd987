"""Vietnamese dates: the one grammar of ngày tháng năm that the loaders, the
metadata and validity readers, the citation graph, the answerer and the
drafter use.

How văn bản write dates (Nghị định 30/2020/NĐ-CP, Phụ lục I, Phần I mục
II.4 "địa danh và thời gian ban hành văn bản": ``Hà Nội, ngày 05 tháng 3 năm
2020``; the day below 10 and the month below 3 get a leading 0), and the
forms the corpus also holds:

* worded: ``ngày 05 tháng 3 năm 2020``;
* numeric: ``05/3/2020``, ``05 / 3 / 2020``, and after "ngày" also
  ``05-3-2020`` and ``05.3.2020``;
* unaccented or OCR-damaged: ``ngay 05 thang 3 nam 2020``, ``ngảy 05 thảng
  3 năm 2020`` (folded ``ngay``/``nguy``…), see :data:`OCR_DATE`;
* an entry into force from a date: ``có hiệu lực (thi hành) (kể) từ ngày …``
  (:data:`EFFECTIVE_FROM`), ``(hiệu lực từ ngày …)`` (:data:`EFFECTIVE_PAREN`);
* a year named as such: ``năm 2024`` but not ``năm 2021-2025``
  (:data:`YEAR_OF`).

The patterns are **regex source strings** so that each reader composes them
with its own context (a line end, a "Số:" label, a title's "của …"). Unless
the name ends in ``_ACCENTED`` a pattern runs on folded text
(:func:`corpus.legal_refs.fold`: lower case, no diacritics, ``đ`` → ``d``).
Capturing groups are day, month, year in that order (:data:`DATE`: two such
triples, one of them set; :func:`date_from_groups` picks it).
"""
from __future__ import annotations

import datetime as _dt
from collections.abc import Sequence

__all__ = [
    "NUMERIC_DATE", "WORDED_DATE", "DATE", "OCR_DATE", "OCR_WORDED_DATE", "FROM_DATE", "EFFECTIVE_FROM",
    "EFFECTIVE_PAREN", "YEAR_OF", "DATE_MENTION", "NUMERIC_DATE_ACCENTED", "WORDED_DATE_ACCENTED",
    "to_date", "parse_vn_date", "date_from_groups",
]

# ------------------------------------------------------------------ folded text

#: ``21/6/2021``, ``21 / 6 / 2021`` → (day, month, year)
NUMERIC_DATE = r"(\d{1,2})\s*/\s*(\d{1,2})\s*/\s*(\d{4})"
#: ``21 thang 6 nam 2021`` (the part after "ngay") → (day, month, year)
WORDED_DATE = r"(\d{1,2})\s+thang\s+(\d{1,2})\s+nam\s+(\d{4})"
#: either form after "ngay": six groups, the numeric triple first (:func:`date_from_groups`)
DATE = rf"(?:{NUMERIC_DATE}|{WORDED_DATE})"
#: "ngày" + a date as OCR and crawled layouts give it: the words damaged
#: ("ngay", "ngáy" → "ngay", "thảng"), or ``/``, ``-``, ``.`` between the
#: numbers: ``ngay 05 thang 3 nam 2020``, ``ngay 19/11/2025``, ``ngay 19-11-2025`` → (day, month, year)
OCR_DATE = r"ng\w{0,3}\s+(\d{1,2})\s*(?:th\w{0,4}\s+|/|-|\.)\s*(\d{1,2})\s*(?:\s+n\w{0,3}\s+|/|-|\.)\s*(\d{4})"
#: the worded form only, words OCR-damaged: ``ngay 05 thang 3 nam 2020`` → (day, month, year)
OCR_WORDED_DATE = r"ng\w{0,3}\s+(\d{1,2})\s+th\w{0,4}\s+(\d{1,2})\s+n\w{0,3}\s+(\d{4})"
#: "từ ngày" / "kể từ ngày", before a :data:`DATE`
FROM_DATE = r"(?:ke\s+)?tu\s+ngay\s+"
#: "có hiệu lực (thi hành) (kể) từ ngày", before a :data:`DATE`
EFFECTIVE_FROM = r"co\s+hieu\s+luc(?:\s+thi\s+hanh)?\s+" + FROM_DATE
#: the corpus's title suffix "(hiệu lực 15/8/2021)", "(hiệu lực từ ngày …", before a date
EFFECTIVE_PAREN = r"\(\s*hieu\s+luc\s+(?:tu\s+(?:ngay\s+)?)?"
#: "năm 2024" naming a year (group 1), not the start of a period "năm 2021-2025"
YEAR_OF = r"(?<![\w/])nam\s+((?:19|20)\d{2})\b(?!\s*[-–]\s*(?:19|20)\d{2})"

#: any time expression an answer may state (on folded, single-spaced text; no
#: groups): a full or partial date ("ngay 21/6/2018", "15/8", "ngay 23 thang
#: 4 nam 2018", "thang 8 nam 2026", "thang 8/2026"), a recurring day ("ngay 20
#: hang thang"), a quarter ("quy III"), "ngay ky" / "ke tu ngay ban hanh", and
#: a year after a time word ("truoc nam 2025", "den het 12/2025")
DATE_MENTION = (
    r"\b(?:ngay )?\d{1,2}/\d{1,2}/\d{4}\b|\bngay \d{1,2}/\d{1,2}\b|\b\d{1,2}/\d{1,2}\b(?!/)(?=[^%]|$)"
    r"|\bngay \d{1,2} thang \d{1,2}(?: nam \d{4})?|\bthang \d{1,2}(?:/| nam )\d{4}\b"
    r"|\bngay \d{1,2} (?:hang|hàng|moi) (?:thang|quy|nam)\b"
    r"|\bquy (?:i{1,3}|iv|\d)\b|\bke tu ngay (?:ky|ban hanh)\b|\bngay (?:ky|ban hanh)\b"
    r"|\b(?:truoc|cham nhat|den|tu|trong|nam hoc|den het) (?:ngay |nam |thang )?(?:\d{1,2}/)?(?:19|20)\d{2}\b"
)

# ------------------------------------------------------------------ text with diacritics

#: ``21/6/2021`` between word boundaries → (day, month, year)
NUMERIC_DATE_ACCENTED = r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b"
#: ``ngày 21 tháng 6 năm 2021`` → (day, month, year); compile with ``re.IGNORECASE`` for "Ngày"
WORDED_DATE_ACCENTED = r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})"


# ------------------------------------------------------------------ parsing

def to_date(day: str | int, month: str | int, year: str | int) -> _dt.date | None:
    """The :class:`datetime.date` of day/month/year parts (strings of digits
    or ints), or ``None`` when they are not a calendar date (``31/2/2025``,
    a missing part). Never raises."""
    try:
        return _dt.date(int(year), int(month), int(day))
    except (TypeError, ValueError):
        return None


def parse_vn_date(day: str | int, month: str | int, year: str | int) -> str | None:
    """ISO date ``YYYY-MM-DD`` from day/month/year parts, or ``None`` if invalid
    (:func:`to_date`): ``parse_vn_date("05", "3", "2020")`` → ``"2020-03-05"``."""
    d = to_date(day, month, year)
    return d.isoformat() if d else None


def date_from_groups(groups: Sequence[str | None]) -> str | None:
    """ISO date of a match's groups made of (day, month, year) triples, the
    first complete triple winning: the six groups of :data:`DATE`, or the
    three of any other pattern here. ``None`` when no triple is set or the
    date is invalid."""
    for i in range(0, len(groups) - 2, 3):
        if groups[i]:
            return parse_vn_date(groups[i], groups[i + 1], groups[i + 2])
    return None
