"""Căn cứ of a draft, from the citation graph of the corpus.

Two sources (see :func:`build_legal_bases`): the preamble căn cứ of the
source plans ("Căn cứ …" / "Thực hiện …" lines before I.) that the citation
graph knows, adapted to the draft year, and the legal documents of the corpus
that the drafted items cite, each with its validity note
(``corpus.validity.validity_note``: replaced or amended).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.drafting.adapt import roll_years
from assistant.drafting.checks import document_numbers
from assistant.drafting.models import LegalBasis, Plan
from assistant.drafting.sections import preamble_bases
from assistant.drafting.sources import attested, district_core
from corpus.citations import build_graph
from corpus.legal_refs import find_numbers, number_key
from corpus.legal_refs import fold
from corpus.models import ParsedDocument
from corpus.validity import validity_note

# A căn cứ line: loại văn bản, [số] số hiệu, [ngày ban hành], [của cơ quan], [về trích yếu].
_TYPE_BEFORE = re.compile(
    r"(?P<type>Quyết định|Kế hoạch|Công văn|Nghị quyết|Chỉ thị|Chương trình hành động|Nghị định|Thông tư)\s+(?:số\s+)?$"
)
_AFTER_NUMBER = re.compile(
    r"(?P<date>\s+ngày\s+(?:\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+\d{4}|\d{1,2}/\d{1,2}/\d{4}))?"
    r"(?P<issuer>\s+của\s+.+?)?(?=\s+(?:về|v/v)\s|$)"
    r"(?P<rest>.*)$"
)


@dataclass
class _Head:
    """The parts of a cited văn bản in a căn cứ segment; ``num``: canonical số hiệu;
    ``tail``: the segment after the ngày ban hành (or the whole segment without one)."""

    type: str
    num: str
    date: str
    issuer: str
    rest: str
    tail: str


def _head(seg: str) -> _Head | None:
    """The first văn bản of ``seg`` named as loại + số hiệu (``corpus.legal_refs.find_numbers``)."""
    for n in find_numbers(seg):
        tm = _TYPE_BEFORE.search(seg, 0, n.start)
        am = _AFTER_NUMBER.match(seg, n.end) if tm else None
        if am is None:
            continue
        date = am.group("date") or ""
        return _Head(tm.group("type"), n.canonical, date, am.group("issuer") or "", (am.group("rest") or "").strip(),
                     seg[am.end("date"):] if date else seg)
    return None

_PERIOD_END = re.compile(r"(?:giai đoạn|nhiệm kỳ)\s+\d{4}\s*[-–—]\s*(\d{4})", re.I)


def _graph_ids(parsed: Sequence[ParsedDocument]) -> set[str]:
    """Canonical ids and số hiệu of every document the corpus cites."""
    out = set()
    for x in build_graph(list(parsed)).cited_documents():
        out.add(number_key(x.id))
        if x.number:
            out.add(number_key(x.number))
    return out


def build_legal_bases(plans: Sequence[Plan], parsed: Sequence[ParsedDocument], used_doc_ids: set[str],
                      item_texts: Sequence[str], year: int, district: str | None, unit: str,
                      vocab: set[tuple[str, str]]) -> list[LegalBasis]:
    """Căn cứ of the draft, from the citation graph.

    * the preamble căn cứ of the source plans of the target's district (or,
      when none is known, of every source plan) that are in the citation graph;
      a period ending before ``year`` or a văn bản for the source plan's own
      year becomes ``status="update"`` ("cần cập nhật văn bản năm {year}"),
      written without number; the previous văn bản is named as reference;
    * the legal documents of the corpus (decrees, circulars) cited by the drafted
      items, with their validity note (replaced / amended).

    ``vocab``: word bigrams of the clean corpus (an OCR trích yếu not attested
    in it is left out). Returns the bases ordered ``ok``, ``replaced``,
    ``update``."""
    graph = _graph_ids(parsed)
    bases: dict[str, LegalBasis] = {}
    core = fold(district_core(district)) if district else None
    for p in plans:
        same_district = bool(core and p.district and fold(district_core(p.district)) == core)
        if p.doc_id not in used_doc_ids and not same_district:
            continue
        for line in preamble_bases(p.text):
            for seg in re.split(r";\s*|\s+và\s+(?=(?:Quyết định|Kế hoạch|Công văn|Chương trình))", line):
                seg = re.sub(r"^(Căn cứ|Thực hiện|Tiếp tục thực hiện)\s+", "", seg).strip()
                seg = re.sub(r"^Nghị quyết Đại hội.*?(?=Chương trình)", "", seg)
                h = _head(seg)
                if h is None:
                    continue
                num = number_key(h.num)
                if num not in graph:
                    continue
                issuer = fold(h.issuer)
                is_unit_doc = "truong" in issuer
                if is_unit_doc and not (p.unit and fold(p.unit) == fold(unit)):
                    continue  # another school's own plan
                is_local = bool(re.search(r"\b(quan|huyen|phong giao duc)\b", issuer))
                if is_local and not same_district:
                    continue  # a văn bản of another district does not apply to the target
                rest = h.rest
                head = f"{h.type} số {h.num}{h.date}{h.issuer}"
                if p.ocr and not attested(rest, vocab):
                    rest = ""  # OCR trích yếu too damaged to quote
                pe = _PERIOD_END.search(seg)
                dy = re.search(r"(\d{4})$", h.date.strip())
                year_specific = bool(re.search(rf"năm\s+{p.year}\b", h.tail)) \
                    or is_unit_doc or bool(p.year and dy and not pe and int(dy.group(1)) >= p.year - 1)
                if pe and int(pe.group(1)) >= year and not is_unit_doc:
                    status, text = "ok", f"{head} {rest}".strip()
                elif year_specific or pe:
                    why = "giai đoạn đã kết thúc" if pe and not year_specific else f"văn bản năm {p.year}"
                    generic = f"{h.type}{h.issuer} {roll_years(rest, p.year, year).text if p.year else rest}".strip()
                    if is_unit_doc:
                        generic = f"{h.type} thực hiện công tác cải cách hành chính năm {year} của {unit}"
                    status = "update"
                    text = (f"{generic} [cần cập nhật văn bản năm {year}; {why}: "
                            f"{h.type} số {h.num}{h.date}]")
                else:
                    status, text = "ok", f"{head} {rest}".strip()
                b = bases.get(num)
                if b is None:
                    bases[num] = LegalBasis(text=text, number=h.num, status=status, cited_by=[p.doc_id])
                elif p.doc_id not in b.cited_by:
                    b.cited_by.append(p.doc_id)
    # legal documents of the corpus cited by the drafted items
    legal = {number_key(d.meta.number): d for d in parsed if d.meta.kind == "legal" and d.meta.number}
    cited_in_items: dict[str, None] = {}
    for t in item_texts:
        for n in document_numbers(t):
            cited_in_items.setdefault(n, None)
    for n in cited_in_items:
        d = legal.get(n)
        if d is None or n in bases:
            continue
        m = d.meta
        date = ""
        if m.date:
            y, mo, da = m.date.split("-")
            date = f" ngày {int(da):02d} tháng {int(mo):02d} năm {y}"
        title = (m.title or "").strip()
        text = f"{m.doc_type or 'Văn bản'} số {m.number}{date} của {m.issuer or ''} {title}".replace("  ", " ").strip()
        bases[n] = LegalBasis(text=text, number=m.number, status="ok", cited_by=[m.doc_id])
    for b in bases.values():
        if b.number:
            note = validity_note(b.number)
            if note:
                b.note = note
                b.status = "replaced" if b.status == "ok" else b.status
    order = {"ok": 0, "replaced": 1, "update": 2}
    return sorted(bases.values(), key=lambda b: order[b.status])


