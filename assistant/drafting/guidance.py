"""Guidance documents (công văn hướng dẫn, chỉ thị …) as sources of a draft's nhiệm vụ.

A school's kế hoạch for year *T* takes up the tasks its ministry set for the
school year that runs in *T* (e.g. CV 5208/BGDĐT-GDPT, nhiệm vụ giáo dục phổ
thông năm học 2026 – 2027, for a 2027 plan). :func:`guidance_items` reads
one indexed guidance document into :class:`~assistant.drafting.sections.PlanItem`
items, each with its place in the document (``"B > IV > 3"``) and its CCHC
area (:func:`assistant.drafting.sections.cchc_area`). Rules, all general:

* **Which documents** (:func:`applies`): the guidance's year or school year
  covers *T* (a document of năm học Y – Y+1 serves plans for Y and Y+1, a
  document of year Y the plans for Y and Y+1); guidance of the education
  sector (issued by a Bộ/Sở Giáo dục và Đào tạo or about schools, nhà giáo)
  serves schools only, and only the levels it names in its trích yếu ("giáo
  dục phổ thông" = tiểu học, THCS, THPT; "mầm non, phổ thông, thường xuyên").
* **Which items**: items of the task sections, not of "Mục đích, yêu cầu",
  "Nguyên tắc", "Mục tiêu, lộ trình" or "Tổ chức thực hiện" (the latter
  assign tasks to the Ủy ban nhân dân and Sở; a sub-section for the schools
  is kept); not an item whose subject is another authority ("Sở GDĐT …",
  "UBND …"); not an item under a heading (or opening) for another cấp học;
  not an item whose every deadline is before 1 January of *T*; only items
  that name a CCHC area (eight areas of Nghị quyết 76/NQ-CP, Chương trình
  tổng thể CCHC 2021 – 2030).
* Inlined footnotes (``[ Thông tư số … ]``, ``[12]``) are removed from the
  item text: the item is cited by its place in the guidance.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.drafting.sections import PlanItem, cchc_area, reflow
from corpus.dates import NUMERIC_DATE_ACCENTED, WORDED_DATE_ACCENTED
from corpus.models import ParsedDocument
from corpus.legal_refs import fold

#: Levels (cấp học) a unit or a document can name, with their folded patterns.
LEVELS: dict[str, str] = {
    "mn": r"mam non",
    "th": r"tieu hoc",
    "thcs": r"trung hoc co so|\bthcs\b",
    "thpt": r"trung hoc pho thong|\bthpt\b",
    "gdtx": r"giao duc thuong xuyen|\bgdtx\b",
}
_PHO_THONG = {"th", "thcs", "thpt"}
_SCHOOL = re.compile(r"^(?:truong|co so giao duc|trung tam giao duc)\b")
_EDUCATION = re.compile(r"giao duc|nha giao|truong hoc|hoc sinh")

_FOOTNOTE = re.compile(r"\[\s[^\[\]]*\]|\[\d{1,3}\]")
_FOOTNOTE_DEF = re.compile(r"^\[\d{1,3}\]\s")
_PROVENANCE = re.compile(r"^(?:SOURCE|ALT_SOURCE|NOTE):")
_LETTER = re.compile(r"^(?P<num>[A-ZĐ])\.\s+(?P<title>\S.*)$")
_ROMAN = re.compile(r"^(?P<num>[IVX]{1,4})\.\s+(?P<title>\S.*)$")
_NUM = re.compile(r"^(?P<num>\d{1,2}(?:\.\d{1,2}){0,3})\.?\s+(?P<title>\S.*)$")
_POINT = re.compile(r"^(?P<num>[a-zđ])\)\s*(?P<title>\S.*)$")
_BULLET = re.compile(r"^[-+•–]\s*(?P<title>\S.*)$")
_SKIP_SECTION = re.compile(r"^(?:muc dich|yeu cau|nguyen tac|muc tieu|lo trinh|to chuc thuc hien)")
_FOR_SCHOOLS = re.compile(r"co so giao duc|nha truong|cac truong|truong hoc")
_OTHER_ACTOR = re.compile(
    r"^(?:so gd|so giao duc|bo gd|bo giao duc|bo truong|uy ban nhan dan|ubnd|phong gd|phong giao duc|de nghi|"
    r"tren day|tran trong|thu truong|chinh phu|thu tuong)")
_DATE = re.compile(f"(?:{NUMERIC_DATE_ACCENTED}|{WORDED_DATE_ACCENTED})")
_SCHOOL_YEAR = re.compile(r"nam hoc (\d{4})\s*[-–—]\s*(\d{4})")


def levels_named(text: str) -> set[str]:
    """Levels (keys of :data:`LEVELS`) named in ``text``; "phổ thông" alone
    stands for tiểu học, THCS and THPT."""
    f = fold(text)
    out = {k for k, p in LEVELS.items() if re.search(p, f)}
    if re.search(r"pho thong", re.sub(LEVELS["thpt"], " ", f)):
        out |= _PHO_THONG
    return out


def unit_level(unit: str) -> str | None:
    """The level of a school named ``unit`` (``"Trường Mầm non Hương Sen"`` →
    ``"mn"``), or None for a unit that is no school."""
    f = fold(unit).strip()
    if not _SCHOOL.search(f):
        return None
    named = levels_named(f)
    return next((k for k in LEVELS if k in named), None)


def is_education(doc: ParsedDocument) -> bool:
    """Guidance of the education sector: its issuer or trích yếu is about schools."""
    m = doc.meta
    return bool(_EDUCATION.search(fold(f"{m.issuer or ''} {m.title or ''}")))


def school_year(doc: ParsedDocument) -> tuple[int, int] | None:
    """``(2026, 2027)`` for a guidance "… năm học 2026 - 2027" (trích yếu first, then the opening)."""
    m = _SCHOOL_YEAR.search(fold(doc.meta.title or "")) or _SCHOOL_YEAR.search(fold(doc.text[:600]))
    return (int(m.group(1)), int(m.group(2))) if m else None


def applies(doc: ParsedDocument, unit: str, year: int) -> bool:
    """Does guidance ``doc`` serve the ``year`` plan of ``unit``? (see module doc)."""
    sy = school_year(doc)
    if sy is not None:
        if not sy[0] <= year <= sy[1]:
            return False
    elif doc.meta.year is None or not doc.meta.year <= year <= doc.meta.year + 1:
        return False
    if not is_education(doc):
        return True
    lvl = unit_level(unit)
    if lvl is None:
        return False
    scope = levels_named(doc.meta.title or "")
    return not scope or lvl in scope


@dataclass
class _Head:
    level: int
    num: str
    title: str


def _dates_before(text: str, year: int) -> bool:
    """True when ``text`` states dates and all of them fall before 1 January of ``year``."""
    years = [int(m.group(3) or m.group(6)) for m in _DATE.finditer(text)]
    return bool(years) and max(years) < year


def _is_heading(title: str) -> bool:
    t = title.strip()
    return t.endswith(":") or (len(t) < 220 and not t.endswith((".", ";", "…")))


def guidance_items(doc: ParsedDocument, unit: str, year: int) -> list[PlanItem]:
    """Items of guidance ``doc`` offered to the ``year`` plan of ``unit``
    (filters in the module doc). ``PlanItem.key`` is the CCHC area
    (``"nv1"`` … ``"nv8"``), ``path`` the place in the guidance (``"B > IV >
    3"``), ``heading`` the enclosing heading. ``[]`` when nothing applies."""
    lvl = unit_level(unit)
    text = "\n".join(ln for ln in doc.text.splitlines()
                     if not _PROVENANCE.match(ln) and not _FOOTNOTE_DEF.match(ln.strip()))
    text = _FOOTNOTE.sub("", text)
    paras = [p for p in reflow(text) if p.strip() and p.strip() != "]"]
    heads: list[_Head] = []
    items: list[PlanItem] = []
    started = False
    for p in paras:
        p = re.sub(r"\s+([.,;:])", r"\1", p).strip()
        lm, rm, nm, pm, bm = (_LETTER.match(p), _ROMAN.match(p), _NUM.match(p), _POINT.match(p), _BULLET.match(p))
        level: int | None = None
        num = title = ""
        if rm:
            level, num, title = 1, rm.group("num"), rm.group("title")
        elif lm:
            level, num, title = 0, lm.group("num"), lm.group("title")
        elif nm:
            level, num, title = 2 + nm.group("num").count("."), nm.group("num"), nm.group("title")
        elif pm:
            level, num, title = 6, pm.group("num"), pm.group("title")
        if level is not None and (level <= 1 or _is_heading(title)):
            started = True
            heads = [h for h in heads if h.level < level] + [_Head(level, num, title.rstrip(": ").strip())]
            continue
        if not started:
            continue  # the title line and anything before the first heading
        body = bm.group("title") if bm else (title if level is not None else p)
        if level is not None:
            heads = [h for h in heads if h.level < level]
        path = " > ".join(h.num for h in heads) + (f" > {num}" if level is not None else "")
        if _keep(body, heads, lvl, year):
            key = cchc_area(body, prior=next((cchc_area(h.title) for h in reversed(heads) if cchc_area(h.title)), None))
            if key:
                items.append(PlanItem(key=key, path=path.strip(" >"), heading=heads[-1].title if heads else "",
                                      text=body.strip(), doc_id=doc.meta.doc_id))
    return items


def _keep(body: str, heads: list[_Head], lvl: str | None, year: int) -> bool:
    f = fold(body)
    if len(body) < 40 or _OTHER_ACTOR.search(f):
        return False
    top = fold(heads[0].title) if heads else ""
    if _SKIP_SECTION.search(top) and not any(_FOR_SCHOOLS.search(fold(h.title)) for h in heads[1:]):
        return False
    for h in heads:
        if _SKIP_SECTION.search(fold(h.title)) and not _FOR_SCHOOLS.search(fold(h.title)) and h is not heads[0]:
            return False
    # another cấp học named by a heading ("Đối với cấp tiểu học") or by the item's opening ("Ở cấp THCS, …")
    scoped = [levels_named(h.title) for h in heads if re.search(r"\bcap\b", fold(h.title))]
    head_words = f[:60]
    if re.search(r"^(?:o|doi voi) cap\b", head_words):
        scoped.append(levels_named(head_words))
    if any(s and lvl not in s for s in scoped):
        return False
    return not _dates_before(body, year)
