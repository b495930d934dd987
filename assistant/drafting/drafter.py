"""Draft next year's kế hoạch (CCHC, TTHC, PAR Index, PAPI) from the indexed documents.

Pipeline (deterministic; an LLM only smooths wording when configured):

1. Sources (:mod:`assistant.drafting.sources`): the indexed documents the
   channel passes (bundled and uploaded alike); OCR plans repaired and gated
   by :func:`attested`.
2. Split each plan into items mapped onto the skeleton
   (:mod:`assistant.drafting.sections`), order by preference (same kind,
   same unit, same district, newer year); add the tasks of the guidance
   documents that apply to the unit and year (:mod:`assistant.drafting.guidance`);
   remove near-duplicates (:mod:`assistant.drafting.dedup`).
3. Adapt each plan item (:mod:`assistant.drafting.adapt`): source unit →
   target unit, source district → target district (outside citations), roll
   years, mark figures "[cần xác nhận]", flag cited local văn bản of another
   district; after 01/7/2025 mark former quận/huyện.
4. Căn cứ in force at the as-of date (:mod:`assistant.drafting.legal_bases`).
5. Header: the governing body given by the user, else
   :data:`~assistant.drafting.models.CONFIRM_GOVERNING` once districts are gone;
   thể thức read from Phụ lục I of NĐ 30/2020 (:mod:`assistant.drafting.layout`).
6. Optional LLM smoothing (:mod:`assistant.drafting.smoothing`), then the
   checks on the whole draft (:mod:`assistant.drafting.checks`): every số
   hiệu must occur in the corpus; stale year references are flagged.

Rendering: :mod:`assistant.drafting.render_markdown`,
:mod:`assistant.drafting.render_docx`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from assistant.drafting.adapt import TWO_LEVEL_FROM, adapt_text
from assistant.drafting.checks import final_checks
from assistant.drafting.dedup import dedup
from assistant.drafting.legal_bases import build_legal_bases
from assistant.drafting.guidance import applies, guidance_items
from assistant.drafting.layout import layout_from_documents
from assistant.drafting.models import (CONFIRM, CONFIRM_GOVERNING, KIND_TITLES, KINDS, Draft, DraftItem, DraftSection,
                                       Plan, Source)
from assistant.drafting.sections import SKELETON, PlanItem, resolve_section, split_plan
from assistant.drafting.smoothing import smooth_with_llm
from assistant.drafting.sources import (attested, clean_vocabulary, district_core, is_guidance, load_plans,
                                        same_district)
from assistant.settings import Settings
from corpus.legal_refs import fold
from corpus.models import ParsedDocument
from corpus.validity import ValidityIndex

_FIGURE = re.compile(r"\d+(?:[.,]\d+)?\s*%")


def _same_unit(p: Plan, unit: str) -> bool:
    """The plan is the unit's own: same name, or the name's proper part in the
    file stem (``"Trường Tiểu học Hòa Bình"`` ↔ ``2024-th-hoa-binh-q1-papi``)."""
    if p.unit and fold(p.unit) == fold(unit):
        return True
    name = re.sub(r"^truong\s+(mam non|tieu hoc|thcs|trung hoc co so)\s+", "", fold(unit))
    return bool(name) and "-" + name.replace(" ", "-") + "-" in f"-{p.doc_id}-"


def _pref_key(p: Plan, kind: str, district: str | None, unit: str):
    return (
        0 if p.kind == kind else 1,
        0 if _same_unit(p, unit) else 1,
        0 if same_district(p.district, district) else 1,
        1 if p.ocr else 0,
        -(p.year or 0),
        p.doc_id,
    )


#: Mark for the địa danh when it cannot be derived (no governing body after the 2025 reorganisation).
CONFIRM_PLACE = "[cần ghi địa danh]"


def default_year(settings: Settings | None = None, as_of: dt.date | None = None) -> int:
    """The plan year a draft takes when none is given: the year after the
    as-of date (``as_of``, else ``settings.as_of_date()``, else today)."""
    return _as_of(settings, as_of).year + 1


def _as_of(settings: Settings | None, as_of: dt.date | None) -> dt.date:
    if as_of is not None:
        return as_of
    return settings.as_of_date() if settings is not None else dt.date.today()


def place_of(governing_body: str | None, district: str | None, abolished: bool) -> str:
    """Địa danh of the header (Nghị định 30/2020/NĐ-CP, Phụ lục I, Phần I mục
    II.4.a: the official name of the administrative unit where the issuer
    sits; a unit named by a number is written in full, "Phường 5"): the xã/
    phường/đặc khu of ``governing_body`` ("UBND PHƯỜNG HẠNH THÔNG" → "Hạnh
    Thông"); before 01/7/2025 the district; else :data:`CONFIRM_PLACE`."""
    if governing_body:
        m = re.search(r"(?i)\b(xã|phường|đặc khu|thị trấn)\s+(.+)$", governing_body.strip())
        if m:
            name = " ".join(w[:1].upper() + w[1:].lower() for w in m.group(2).split())
            return f"{m.group(1)[:1].upper()}{m.group(1)[1:].lower()} {name}" if name[:1].isdigit() else name
    if district and not abolished:
        core = district_core(district)
        return f"Quận {core}" if core.isdigit() else core
    return CONFIRM_PLACE


def _guidance_source(d: ParsedDocument, it: PlanItem) -> Source:
    m = d.meta
    return Source(m.doc_id, m.number, m.issuer, m.year, it.path, doc_type=m.doc_type or "Công văn")


def draft_plan(unit: str, year: int | None = None, district: str | None = None, kind: str = "cchc",
               section: str = "all", *, docs: Iterable[ParsedDocument], settings: Settings | None = None,
               governing_body: str | None = None, as_of: dt.date | None = None,
               validity: ValidityIndex | None = None) -> Draft:
    """Draft the kế hoạch of ``unit`` for ``year`` from ``docs``.

    ``docs``: the indexed ``ParsedDocument`` list (every channel passes the
    service's documents; :func:`assistant.drafting.sources.draft_documents`);
    ``year``: default :func:`default_year` (as-of date + 1); ``kind``:
    ``"cchc"`` | ``"tthc"`` | ``"par-index"`` | ``"papi"`` (plans of that
    kind come first, all plans contribute); ``section``: ``"all"`` or a
    section name/key (:func:`assistant.drafting.sections.resolve_section`);
    ``district`` defaults to the district of the unit's own plan in the
    corpus; ``governing_body``: the unit's cơ quan chủ quản for the header
    ("UBND PHƯỜNG …"); ``as_of``: the date hiệu lực is evaluated at (default
    ``settings.as_of_date()``, else today); ``validity``: the store's
    validity index (``CCHCService.validity()``; default: mined from
    ``docs``), which decides the căn cứ in force; ``settings``: when
    ``settings.llm_base_url`` is set the wording is smoothed section by
    section by the LLM and kept only if the checks pass.
    Raises ``ValueError`` for an unknown kind/section, an empty unit, a year
    outside 2000–2100 or a corpus without any kế hoạch or applicable guidance.
    """
    if not unit or not unit.strip():
        raise ValueError("thiếu tên đơn vị (unit)")
    if kind not in KINDS:
        raise ValueError(f"kind phải là một trong {KINDS}")
    as_of = _as_of(settings, as_of)
    year = default_year(as_of=as_of) if year is None else int(year)
    if not 2000 <= year <= 2100:
        raise ValueError("năm không hợp lệ")
    sec = resolve_section(section)
    unit = unit.strip()
    governing_body = (governing_body or "").strip() or None
    abolished = as_of >= TWO_LEVEL_FROM
    plans, parsed = load_plans(docs)
    guidance = [d for d in parsed if is_guidance(d.meta) and applies(d, unit, year)]
    if not plans and not guidance:
        raise ValueError("kho văn bản không có kế hoạch hay văn bản hướng dẫn nào để làm mẫu")
    notes: list[str] = []
    if district is None:
        own = [p for p in plans if _same_unit(p, unit) and p.district]
        district = own[0].district if own else None
        if district is None and not abolished:
            notes.append("chưa rõ quận/huyện của đơn vị: dùng --district để thay địa danh trong các nội dung")
    if abolished and governing_body is None:
        notes.append("chưa rõ cơ quan chủ quản sau sắp xếp (chính quyền địa phương hai cấp từ 01/7/2025): "
                     "dùng --governing-body \"UBND PHƯỜNG …\"")
    plans.sort(key=lambda p: _pref_key(p, kind, district, unit))
    vocab = clean_vocabulary(plans, parsed)

    # gather items in preference order: plans first, then the guidance of the year
    gathered: dict[str, list[tuple[PlanItem, object]]] = {k: [] for k, _ in SKELETON}
    skipped_ocr = 0
    for p in plans:
        for it in split_plan(p.text, p.doc_id):
            if p.ocr and not attested(it.text, vocab):
                skipped_ocr += 1
                continue
            gathered.setdefault(it.key, []).append((it, p))
    for g in guidance:
        for it in guidance_items(g, unit, year):
            gathered.setdefault(it.key, []).append((it, g))
    if skipped_ocr:
        notes.append(f"bỏ {skipped_ocr} nội dung từ bản quét OCR vì dấu tiếng Việt khôi phục chưa đáng tin")
    drop = [p.unit for p in plans if p.unit] + [unit]
    sections: list[DraftSection] = []
    used: set[str] = set()
    used_guidance: list[str] = []
    for key, title in SKELETON:
        if sec != "all" and key != sec:
            continue
        groups = dedup(gathered.get(key, []), key=lambda x: x[0].text, drop=drop)
        ds = DraftSection(key=key, title=title)
        for (it, src_doc), dups in groups:
            if isinstance(src_doc, Plan):
                text, flags = adapt_text(it.text, src_doc, unit, year, district, as_of=as_of)
                src = Source(src_doc.doc_id, src_doc.number, src_doc.unit, src_doc.year, it.path)
                used.add(src_doc.doc_id)
            else:
                text = it.text
                flags = [f"nhiệm vụ theo hướng dẫn {src_doc.meta.doc_type or 'văn bản'} số {src_doc.meta.number}: "
                         "điều chỉnh cho phù hợp với đơn vị"]
                src = _guidance_source(src_doc, it)
                if src_doc.meta.doc_id not in used_guidance:
                    used_guidance.append(src_doc.meta.doc_id)
            confirm = key == "chi_tieu" or bool(_FIGURE.search(text))
            if confirm and CONFIRM not in text:
                text = text.rstrip() + " " + CONFIRM
            also = [Source(q.doc_id, q.number, q.unit, q.year, jt.path) if isinstance(q, Plan) else _guidance_source(q, jt)
                    for jt, q in dups if _doc_id(q) != src.doc_id]
            ds.items.append(DraftItem(text=text, source=src, also=also, confirm=confirm, flags=flags, original=it.text))
        sections.append(ds)

    item_texts = [it.text for s in sections for it in s.items]
    bases, base_notes = build_legal_bases(plans, parsed, used, item_texts, year, district, unit, vocab, as_of,
                                          governing_body=governing_body, guidance_ids=used_guidance,
                                          validity=validity)
    notes += base_notes
    if governing_body:
        parent = governing_body
    elif abolished:
        parent = CONFIRM_GOVERNING
    elif district:
        core = district_core(district)
        parent = f"UBND QUẬN {core}" if core.isdigit() else f"UBND {district.upper()}"
    else:
        parent = "UBND QUẬN/HUYỆN …"
    if governing_body:
        office = _normal_case(governing_body)
    elif abolished:
        office = "Cơ quan quản lý trực tiếp [cần xác nhận]"
    else:
        office = f"Phòng Giáo dục và Đào tạo {district}" if district else "Phòng Giáo dục và Đào tạo"
    layout = layout_from_documents(parsed)
    if layout.note:
        notes.append(layout.note)
    gsrc = [_guidance_source(d, PlanItem("", "", "", "")) for d in parsed if d.meta.doc_id in used_guidance]
    draft = Draft(
        unit=unit, year=year, kind=kind, district=district,
        title=KIND_TITLES[kind].format(year=year), parent_agency=parent,
        place=place_of(governing_body, district, abolished),
        sections=sections, legal_bases=bases, notes=notes,
        number_line="Số:      /KH-…",
        recipients=[office, "CB, GV, NV (để thực hiện)", "Lưu: VT"],
        sources=[Source(p.doc_id, p.number, p.unit, p.year, "") for p in plans if p.doc_id in used] + gsrc,
        governing_body=governing_body, as_of=as_of.isoformat(), layout=layout,
    )
    if settings is not None and settings.llm_base_url:
        smooth_with_llm(draft, settings)
    final_checks(draft, parsed)
    return draft


def _normal_case(name: str) -> str:
    """An upper-case name for the Nơi nhận list: ``"UBND PHƯỜNG HẠNH THÔNG"`` → ``"UBND Phường Hạnh Thông"``."""
    if not name.isupper():
        return name
    return " ".join(w if len(w) <= 4 and w.isalpha() and w in ("UBND", "HĐND") else w.capitalize() for w in name.split())


def _doc_id(src: object) -> str:
    return src.doc_id if isinstance(src, Plan) else src.meta.doc_id  # type: ignore[attr-defined]
