"""Adapt an item of a source plan to the draft's unit, district and year.

:func:`adapt_text` substitutes the unit name and the district (outside
citations) and rolls the year references (:func:`roll_years`).

Year rolling (năm 2024 → năm 2025) without touching citations:

A kế hoạch for year *S* copied into a draft for year *T* must say *T* where it
speaks of its own plan year, and *T − 1* where it speaks of the year before
("kết quả năm 2023" in a 2024 plan → "kết quả năm 2024" in a 2025 draft).
What must never change (Nghị định 30/2020/NĐ-CP, Phụ lục I: số, ký hiệu and
ngày tháng năm ban hành identify a văn bản):

* số hiệu (``04/KH-UBND``, ``98/2023/QH15``, ``124-KH/TU``), ``ISO 9001:2015``;
* the ngày ban hành following a số hiệu (``Kế hoạch số 04/KH-UBND ngày 04
  tháng 01 năm 2024``, ``Quyết định số 2732/QĐ-UBND ngày 26/5/2021``) and the
  rest of that citation's clause (its trích yếu: "… trên địa bàn Quận 1 năm
  2024" names the 2024 văn bản and stays);
* periods and horizons: ``giai đoạn 2021 - 2025``, ``2020-2025``, ``đến năm 2030``;
* names of laws with their year: ``Luật Tiếp cận thông tin năm 2016``.

Dates outside citations (deadlines such as "trước ngày 21/3/2023") are rolled
and marked ``[cần xác nhận]``; "chủ đề năm …" (a theme chosen each year) is
rolled and marked ``[cần cập nhật chủ đề năm T]``.

Former districts (:func:`mark_former_districts`): from 01/7/2025 local
government has two levels, tỉnh and xã (chính quyền địa phương hai cấp,
Luật Tổ chức chính quyền địa phương năm 2025, cited as căn cứ of Nghị định
118/2025/NĐ-CP); quận, huyện and thị xã — and their UBND and Phòng Giáo dục
và Đào tạo — no longer exist. After that date a mention of one outside a
citation ("Chỉ số CCHC của Quận 1", "do Ủy ban nhân dân quận ban hành") is
kept and marked :data:`ADMIN_CONFIRM`; inside a citation (the issuer of an
old văn bản) it stays as written and the item is flagged.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from assistant.drafting.models import CONFIRM, Plan
from assistant.drafting.sources import UNIT_RE, district_core, same_district
from corpus.dates import NUMERIC_DATE_ACCENTED, WORDED_DATE_ACCENTED
from corpus.legal_refs import find_numbers
_DATE_RE = re.compile(rf"{WORDED_DATE_ACCENTED}|(?:ngày\s+)?{NUMERIC_DATE_ACCENTED}", re.IGNORECASE)
_PERIOD_RE = re.compile(
    r"\b\d{4}\s*[-–—]\s*\d{4}\b"
    r"|(?:đến|tới)\s+năm\s+\d{4}"
    r"|\bISO\s*\d+:\d{4}"
    r"|\b(?:Luật|Bộ luật|Hiến pháp)\b[^,;.\n]{0,80}?\bnăm\s+\d{4}",
    re.IGNORECASE,
)
_YEAR_RE = re.compile(r"\b(năm)(\s+)(\d{4})\b", re.IGNORECASE)
_THEME_RE = re.compile(r"chủ đề\s+năm\s+\d{4}", re.IGNORECASE)
# Clause boundary ending a citation's trích yếu.
_CLAUSE_END = re.compile(r"[;.:\n”]|\s[–-]\s(?=[A-ZĐ])|\s(?:gắn với|nhằm|để)\s")


@dataclass
class RollResult:
    """``text``: the rolled text; ``changed``: number of year references rolled;
    ``kept``: the protected year mentions left as they were (e.g. ``"năm 2024"``
    in a citation's trích yếu), for the caller to flag; ``marks``: notes added."""

    text: str
    changed: int = 0
    kept: list[str] = field(default_factory=list)
    marks: list[str] = field(default_factory=list)


def citation_spans(text: str) -> list[tuple[int, int]]:
    """Character spans ``(start, end)`` of citations: each số hiệu
    (``corpus.legal_refs.find_numbers``), followed by its ngày ban hành and
    the rest of its clause (up to ``;``/``.``/``:``).

    ``"Căn cứ Kế hoạch số 04/KH-UBND ngày 04 tháng 01 năm 2024 của UBND Quận 1
    về … năm 2024; …"`` → one span from ``04/KH-UBND`` to just before ``;``.
    """
    spans = []
    for m in find_numbers(text):
        end_m = _CLAUSE_END.search(text, m.end)
        end = end_m.start() if end_m else len(text)
        # "ngày 26/5/2021" contains no clause end; a date "…/2021." ends at the dot.
        spans.append((m.start, end))
    return _merge(spans)


def protected_spans(text: str) -> list[tuple[int, int]]:
    """Spans that year rolling must not touch: citations (see
    :func:`citation_spans`), periods, horizons, ISO standards and law names."""
    spans = citation_spans(text)
    spans += [(m.start(), m.end()) for m in _PERIOD_RE.finditer(text)]
    return _merge(spans)


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def _inside(pos: int, spans: list[tuple[int, int]]) -> bool:
    return any(s <= pos < e for s, e in spans)


def roll_years(text: str, source_year: int, target_year: int) -> RollResult:
    """Shift the plan-year references of ``text`` by ``target_year - source_year``.

    Rolled: ``năm Y`` for Y in {source_year − 1, source_year} and the year of
    a date outside a citation (that date is then marked ``[cần xác nhận]``).
    Untouched: everything in :func:`protected_spans`. Returns a
    :class:`RollResult`; never raises on str input.

    >>> roll_years("Kế hoạch CCHC năm 2024; Kế hoạch số 04/KH-UBND ngày 04 tháng 01 năm 2024", 2024, 2025).text
    'Kế hoạch CCHC năm 2025; Kế hoạch số 04/KH-UBND ngày 04 tháng 01 năm 2024'
    """
    delta = target_year - source_year
    if delta == 0 or not text:
        return RollResult(text)
    prot = protected_spans(text)
    rolling = {source_year - 1, source_year}
    edits: list[tuple[int, int, str]] = []  # (start, end, replacement)
    res = RollResult(text)

    # Dates outside citations: roll their year, mark for confirmation.
    date_spans = []
    for m in _DATE_RE.finditer(text):
        date_spans.append((m.start(), m.end()))
        if _inside(m.start(), prot):
            continue
        g = 3 if m.group(3) else 6
        y = int(m.group(g))
        if y in rolling:
            edits.append((m.start(g), m.end(g), str(y + delta)))
            edits.append((m.end(), m.end(), " " + CONFIRM))
            res.marks.append(f"ngày tháng đã chuyển năm, {CONFIRM}: {m.group(0)}")
    for m in _YEAR_RE.finditer(text):
        if _inside(m.start(), date_spans):
            continue
        y = int(m.group(3))
        if _inside(m.start(), prot):
            if y in rolling:
                res.kept.append(m.group(0))
            continue
        if y in rolling:
            edits.append((m.start(3), m.end(3), str(y + delta)))
    for m in _THEME_RE.finditer(text):
        if not _inside(m.start(), prot):
            mark = f"[cần cập nhật chủ đề năm {target_year}]"
            edits.append((m.end(), m.end(), " " + mark))
            res.marks.append(mark)

    out = text
    for s, e, rep in sorted(edits, key=lambda t: (t[0], t[1]), reverse=True):
        out = out[:s] + rep + out[e:]
    res.text = out
    res.changed = sum(1 for s, e, _ in edits if e > s)
    return res


def stale_year_refs(text: str, target_year: int) -> list[str]:
    """Year mentions ``năm Y`` (Y < ``target_year``) outside protected spans:
    what a draft for ``target_year`` should no longer say. ``[]`` when clean.

    Plan-year references such as ``"Kế hoạch CCHC năm 2024"`` in a 2025 draft
    are returned; ``"ngày 04 tháng 01 năm 2024"`` after a số hiệu, ``"giai đoạn
    2021 - 2025"`` and ``"năm 2024"`` (the year before) are not: the latter is
    legitimate ("kết quả năm 2024"), so only Y < target_year − 1 and
    Y == target_year − 1 in a "Kế hoạch … năm Y" phrase are reported.
    """
    prot = protected_spans(text)
    out = []
    for m in _YEAR_RE.finditer(text):
        y = int(m.group(3))
        if y >= target_year or _inside(m.start(), prot):
            continue
        before = text[max(0, m.start() - 60) : m.start()].lower()
        if y < target_year - 1 or "kế hoạch" in before or "chỉ tiêu" in before:
            out.append(text[max(0, m.start() - 40) : m.end()])
    return out


# ---------------------------------------------------------------- former districts
#: First day without cấp huyện (see module doc).
TWO_LEVEL_FROM = dt.date(2025, 7, 1)
#: Mark after a mention of a former district.
ADMIN_CONFIRM = "[cần xác nhận: đơn vị hành chính sau sắp xếp]"

_DISTRICT_WORD = re.compile(
    r"(?:(?:UBND|ỦY BAN NHÂN DÂN|[ỦUủu][ỷyỶY] ban nhân dân|PHÒNG GIÁO DỤC VÀ ĐÀO TẠO|Phòng Giáo dục và Đào tạo"
    r"|Phòng GD&ĐT|Phòng GDĐT)\s+)?(?<![\wÀ-ỹ])(?:[Qq]uận|QUẬN|[Hh]uyện|HUYỆN|[Tt]hị xã|THỊ XÃ)(?![\wÀ-ỹ])"
)
_NAME_TOKEN = re.compile(r"\s+(\d{1,2}(?![\d/])|[^\W\d_][\wÀ-ỹ]*)")


def former_district_spans(text: str) -> list[tuple[int, int]]:
    """Spans of mentions of a quận/huyện/thị xã (with its UBND or Phòng GD&ĐT
    and its name: a number or up to two capitalised words): ``"UBND Quận 1"``,
    ``"quận Gò Vấp"``, ``"Ủy ban nhân dân quận"``."""
    out = []
    for m in _DISTRICT_WORD.finditer(text):
        end = m.end()
        for i in range(2):
            t = _NAME_TOKEN.match(text, end)
            if not t or not (t.group(1).isdigit() and i == 0 or t.group(1)[0].isupper()):
                break
            end = t.end()
            if t.group(1).isdigit():
                break
        if out and re.fullmatch(r"\s*(?:,|và|hoặc|/)\s*", text[out[-1][1] : m.start()]):
            out[-1] = (out[-1][0], end)  # "các quận, huyện": one mention
        else:
            out.append((m.start(), end))
    return out


def mark_former_districts(text: str) -> tuple[str, int, int]:
    """Mark each former-district mention outside citations with
    :data:`ADMIN_CONFIRM` (once; an existing mark right after it is kept).
    Returns ``(text, marked, in_citations)``: how many mentions were marked
    and how many sit inside a citation (left as written)."""
    cites = citation_spans(text)
    marked = cited = 0
    out, last = [], 0
    for s, e in former_district_spans(text):
        if _inside(s, cites):
            cited += 1
            continue
        if text[e : e + 40].lstrip().startswith("[cần xác nhận"):
            continue
        out.append(text[last:e] + " " + ADMIN_CONFIRM)
        last = e
        marked += 1
    out.append(text[last:])
    return "".join(out), marked, cited


# ---------------------------------------------------------------- unit and district
def _title_case_like(src: str, target: str) -> str:
    return target[:1].lower() + target[1:] if src[:1].islower() else target[:1].upper() + target[1:]


def _replace_outside(text: str, pattern: re.Pattern[str], repl, spans: list[tuple[int, int]]) -> str:
    out, last = [], 0
    for m in pattern.finditer(text):
        if any(s <= m.start() < e for s, e in spans):
            continue
        out.append(text[last : m.start()])
        out.append(repl(m))
        last = m.end()
    out.append(text[last:])
    return "".join(out)


def adapt_text(text: str, plan: Plan, unit: str, year: int, district: str | None,
               as_of: dt.date | None = None) -> tuple[str, list[str]]:
    """Adapt one item of ``plan`` to the target: unit name, district (outside
    citations), years (:func:`roll_years`) and, when ``as_of`` is on or after
    :data:`TWO_LEVEL_FROM`, former districts marked
    (:func:`mark_former_districts`). Returns ``(text, flags)``, the flags
    being notes for the clerk (a cited văn bản of another district or of the
    source year, a former district)."""
    flags: list[str] = []
    names = {plan.unit} if plan.unit else set()
    names |= {m.group(0) for m in UNIT_RE.finditer(text)}
    for n in sorted(filter(None, names), key=len, reverse=True):
        pat = re.compile(re.escape(n), re.IGNORECASE)
        text = _replace_outside(text, pat, lambda m: _title_case_like(m.group(0), unit), citation_spans(text))
    if district and plan.district and not same_district(plan.district, district):
        core = district_core(plan.district)
        pat = re.compile(r"\b([Qq]uận|[Hh]uyện|QUẬN)\s+" + re.escape(core) + r"(?![\wÀ-ỹ])")
        spans = citation_spans(text)
        cited_other = any(pat.search(text[s:e]) for s, e in spans)
        text = _replace_outside(text, pat, lambda m: _title_case_like(m.group(0), district), spans)
        if cited_other:
            flags.append(f"văn bản của {plan.district} được trích dẫn: cần đối chiếu văn bản tương ứng của {district}")
    if plan.year and plan.year != year:
        r = roll_years(text, plan.year, year)
        text = r.text
        if r.kept:
            flags.append(f"văn bản năm {plan.year} được trích dẫn: cần cập nhật văn bản năm {year}")
    if as_of is not None and as_of >= TWO_LEVEL_FROM:
        text, marked, cited = mark_former_districts(text)
        if marked:
            flags.append("nhắc đến quận/huyện: từ 01/7/2025 chính quyền địa phương hai cấp, cần ghi đơn vị hành chính hiện nay")
        if cited:
            flags.append("trích dẫn văn bản của quận/huyện trước sắp xếp: cần đối chiếu văn bản hiện hành")
    return text, flags
