"""Căn cứ of a draft: documents in force at the as-of date, from the indexed documents.

Sources (see :func:`build_legal_bases`): the preamble căn cứ of the source
plans ("Căn cứ …" / "Thực hiện …" lines before I.) that the citation graph
knows, adapted to the draft year; the legal documents of the corpus that the
drafted items cite; the guidance documents the items were taken from.

Then every căn cứ is checked at the as-of date
(:func:`assistant.drafting.in_force.standing`), so that no replaced văn bản
is presented as in force:

* replaced, successor indexed → the successor's own căn cứ line (số hiệu,
  ngày ban hành, cơ quan ban hành, trích yếu), the history in ``note``
  (NĐ 61/2018/NĐ-CP → NĐ 118/2025/NĐ-CP; NĐ 120/2020/NĐ-CP → NĐ 299/2026/NĐ-CP);
* replaced, successor only known from the validity data → the successor's
  số hiệu marked ``[cần xác nhận …]`` (NĐ 106/2020/NĐ-CP → NĐ 232/2026/NĐ-CP);
* amended → kept, marked ``[cần xác nhận: đã được sửa đổi, bổ sung bởi …]``
  (NĐ 60/2021/NĐ-CP by NĐ 111/2025/NĐ-CP);
* expired without successor → left out, with a note;
* a căn cứ whose trích yếu names a replaced văn bản ("Hướng dẫn thi hành …
  Nghị định số 61/2018/NĐ-CP") → marked ``[cần xác nhận …]``;
* after 01/7/2025, a văn bản of a former quận/huyện: the year-specific ones
  are to be re-issued by the unit's governing body (``governing_body`` or
  ``[cần xác nhận: cơ quan chủ quản sau sắp xếp]``), the others are marked.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.drafting.adapt import TWO_LEVEL_FROM, mark_former_districts, roll_years
from assistant.drafting.checks import document_numbers
from assistant.drafting.in_force import standing
from assistant.drafting.models import CONFIRM_GOVERNING, LegalBasis, Plan
from assistant.drafting.sections import preamble_bases
from assistant.drafting.sources import attested, district_core
from corpus.citations import CitationGraph, build_graph, canonical_id
from corpus.dates import NUMERIC_DATE_ACCENTED, WORDED_DATE_ACCENTED
from corpus.legal_refs import doc_type_of_number, find_numbers, fold, number_key
from corpus.models import DocumentMeta, ParsedDocument
from corpus.validity import ValidityIndex

# A căn cứ line: loại văn bản, [số] số hiệu, [ngày ban hành], [của cơ quan], [về trích yếu].
_TYPE_BEFORE = re.compile(
    r"(?P<type>Quyết định|Kế hoạch|Công văn|Nghị quyết|Chỉ thị|Chương trình hành động|Nghị định|Thông tư)\s+(?:số\s+)?$"
)
_AFTER_NUMBER = re.compile(
    rf"(?P<date>\s+(?:{WORDED_DATE_ACCENTED}|ngày\s+{NUMERIC_DATE_ACCENTED}))?"
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


def _graph_ids(graph: CitationGraph) -> set[str]:
    """Canonical ids and số hiệu of every document the corpus cites."""
    out = set()
    for x in graph.cited_documents():
        out.add(number_key(x.id))
        if x.number:
            out.add(number_key(x.number))
    return out


def _dmy(d: dt.date) -> str:
    return f"{d.day:02d}/{d.month:02d}/{d.year}"


def _name(number: str) -> str:
    """``"Nghị định số 61/2018/NĐ-CP"`` (loại from the số hiệu's code)."""
    return f"{doc_type_of_number(number) or 'Văn bản'} số {number}"


def basis_line(meta: DocumentMeta, graph: CitationGraph | None = None) -> str:
    """The căn cứ line of an indexed văn bản (Nghị định 30/2020/NĐ-CP, Phụ lục I,
    Phần I mục II.6.a: tên loại, số, ký hiệu, ngày ban hành, cơ quan ban
    hành, trích yếu): ``"Nghị định số 118/2025/NĐ-CP ngày 09 tháng 6 năm
    2025 của Chính phủ về thực hiện thủ tục hành chính …"``. The ngày ban hành
    comes from the document, else from its citations in the corpus, else
    ``"năm YYYY"``."""
    date = meta.date
    if not date and graph is not None and meta.number:
        cd = graph.documents.get(canonical_id(meta.number))
        date = cd.date if cd else None
    when = ""
    if date and re.match(r"\d{4}-\d{2}-\d{2}$", date):
        y, mo, da = date.split("-")
        when = f" ngày {int(da):02d} tháng {int(mo)} năm {y}"
    elif meta.year:
        when = f" năm {meta.year}"
    title = (meta.title or "").strip()
    title = title[:1].lower() + title[1:] if title[:2] != title[:2].upper() else title
    issuer = f" của {meta.issuer}" if meta.issuer else ""
    return re.sub(r"\s+", " ", f"{meta.doc_type or doc_type_of_number(meta.number or '') or 'Văn bản'} số {meta.number}"
                  f"{when}{issuer} {title}").strip()


def build_legal_bases(plans: Sequence[Plan], parsed: Sequence[ParsedDocument], used_doc_ids: set[str],
                      item_texts: Sequence[str], year: int, district: str | None, unit: str,
                      vocab: set[tuple[str, str]], as_of: dt.date, governing_body: str | None = None,
                      guidance_ids: Sequence[str] = (), validity: ValidityIndex | None = None,
                      ) -> tuple[list[LegalBasis], list[str]]:
    """Căn cứ of the draft and notes for the clerk.

    * the preamble căn cứ of the source plans of the target's district (or,
      when none is known, of every source plan) that are in the citation graph;
      a period ending before ``year`` or a văn bản for the source plan's own
      year becomes ``status="update"`` ("cần cập nhật văn bản năm {year}"),
      written without number; the previous văn bản is named as reference;
    * the legal documents of the corpus (decrees, circulars) cited by the drafted
      items, and the guidance documents ``guidance_ids`` the items come from;
    * then the in-force check at ``as_of`` of the module doc.

    ``vocab``: word bigrams of the clean corpus (an OCR trích yếu not attested
    in it is left out). ``validity``: the store's validity index
    (``CCHCService.validity()``), else mined from ``parsed``
    (:func:`assistant.drafting.in_force.standing`). Returns ``(bases, notes)``: legal norms first, then
    guidance, then local văn bản; within each ``ok``, ``confirm``, ``update``."""
    graph_obj = build_graph(list(parsed))
    graph = _graph_ids(graph_obj)
    abolished = as_of >= TWO_LEVEL_FROM
    governing = governing_body or CONFIRM_GOVERNING
    bases: dict[str, LegalBasis] = {}
    notes: list[str] = []
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
                local_gone = abolished and is_local
                if pe and int(pe.group(1)) >= year and not is_unit_doc:
                    status, text = "ok", f"{head} {rest}".strip()
                elif year_specific or pe:
                    why = "giai đoạn đã kết thúc" if pe and not year_specific else f"văn bản năm {p.year}"
                    rolled = roll_years(rest, p.year, year).text if p.year else rest
                    issuer_txt = f" của {governing}" if local_gone else h.issuer
                    generic = f"{h.type}{issuer_txt} {rolled}".strip()
                    if local_gone:
                        generic = mark_former_districts(generic)[0]
                    if is_unit_doc:
                        generic = f"{h.type} thực hiện công tác cải cách hành chính năm {year} của {unit}"
                    status = "update"
                    text = f"{generic} [cần cập nhật văn bản năm {year}; {why}: {head}]"
                else:
                    status, text = "ok", f"{head} {rest}".strip()
                if status == "ok" and local_gone:
                    status = "confirm"
                    text += " [cần xác nhận: văn bản của cấp quận/huyện trước sắp xếp, còn áp dụng không]"
                b = bases.get(num)
                if b is None:
                    bases[num] = LegalBasis(text=text, number=h.num, status=status, cited_by=[p.doc_id])
                elif p.doc_id not in b.cited_by:
                    b.cited_by.append(p.doc_id)
    # legal documents of the corpus cited by the drafted items, then the guidance used
    by_number = {number_key(d.meta.number): d for d in parsed if d.meta.number and not d.meta.appendix}
    legal = {n: d for n, d in by_number.items() if d.meta.kind == "legal"}
    cited_in_items: dict[str, None] = {}
    for t in item_texts:
        for n in document_numbers(t):
            cited_in_items.setdefault(n, None)
    for n in cited_in_items:
        d = legal.get(n)
        if d is not None and n not in bases:
            bases[n] = LegalBasis(text=basis_line(d.meta, graph_obj), number=d.meta.number, status="ok",
                                  cited_by=[d.meta.doc_id], group=0)
    for doc_id in guidance_ids:
        d = next((x for x in parsed if x.meta.doc_id == doc_id), None)
        if d is not None and d.meta.number and number_key(d.meta.number) not in bases:
            bases[number_key(d.meta.number)] = LegalBasis(text=basis_line(d.meta, graph_obj), number=d.meta.number,
                                                                status="ok", cited_by=[doc_id], group=1)
    out = _in_force(bases, parsed, by_number, graph_obj, as_of, notes, validity)
    order = {"ok": 0, "confirm": 1, "update": 2}
    return sorted(out, key=lambda b: (b.group, order[b.status])), notes


def _in_force(bases: dict[str, LegalBasis], parsed: Sequence[ParsedDocument], by_number: dict[str, ParsedDocument],
              graph: CitationGraph, as_of: dt.date, notes: list[str],
              validity: ValidityIndex | None = None) -> list[LegalBasis]:
    """Swap, mark or drop the căn cứ that are not in force at ``as_of`` (module doc)."""
    out: dict[str, LegalBasis] = {}
    for num, b in bases.items():
        if b.status == "update" or not b.number:
            out.setdefault(num, b)
            continue
        st = standing(b.number, as_of, parsed, validity)
        if st.state == "replaced" and st.by:
            since = f" từ ngày {_dmy(st.since)}" if st.since else ""
            where = f", theo {st.article}" if st.article else ", theo dữ liệu hiệu lực"
            history = f"thay thế {_name(st.number)}{since}{where}"
            succ = number_key(st.by)
            if succ in out or succ in bases:
                s = out.get(succ) or bases[succ]
                s.note = "; ".join(x for x in (s.note, history) if x)
                s.cited_by += [c for c in b.cited_by if c not in s.cited_by]
                out.setdefault(succ, s)
                continue
            d = by_number.get(succ)
            if d is not None:
                nb = LegalBasis(text=basis_line(d.meta, graph), number=d.meta.number, status="ok", note=history,
                                cited_by=list(b.cited_by), group=b.group)
            else:
                nb = LegalBasis(text=f"{_name(st.by)} [cần xác nhận: văn bản thay thế {_name(st.number)}, chưa có trong "
                                     "kho văn bản; ghi đủ ngày ban hành và trích yếu]",
                                number=st.by, status="confirm", note=history, cited_by=list(b.cited_by), group=b.group)
            out[succ] = nb
            continue
        if st.state == "replaced" or st.state == "expired":
            notes.append(f"đã bỏ căn cứ {_name(st.number)}: hết hiệu lực")
            continue
        if st.state == "amended" and st.by:
            since = f" từ ngày {_dmy(st.since)}" if st.since else ""
            b.text += f" [cần xác nhận: đã được sửa đổi, bổ sung bởi {_name(st.by)}{since}]"
            b.status = "confirm"
        out.setdefault(num, b)
    # a căn cứ whose trích yếu names a replaced văn bản (e.g. the circular guiding a replaced decree)
    for b in out.values():
        if b.status == "update":
            continue
        own = number_key(b.number or "")
        cited = document_numbers(re.sub(r"\[[^\]]*\]", "", b.text))  # number_key → canonical
        for n in sorted(set(cited) - {own}):
            st = standing(cited[n], as_of, parsed, validity)
            if st.state == "replaced" and st.by:
                b.text += f" [cần xác nhận: viện dẫn {_name(st.number)}, đã được thay thế bởi {_name(st.by)}]"
                b.status = "confirm"
    return list(out.values())
