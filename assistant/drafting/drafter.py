"""Draft next year's kế hoạch (CCHC, TTHC, PAR Index, PAPI) from all plans in the corpus.

Pipeline (deterministic; an LLM only smooths wording when configured):

1. Load plans (:mod:`assistant.drafting.sources`): the documents passed in or
   the bundled corpus; OCR plans repaired and gated by :func:`attested`.
2. Split each plan into items mapped onto the skeleton
   (:mod:`assistant.drafting.sections`), order by preference (same kind,
   same unit, same district, newer year), remove near-duplicates across
   plans (:mod:`assistant.drafting.dedup`).
3. Adapt each item (:mod:`assistant.drafting.adapt`): source unit → target
   unit, source district → target district (outside citations), roll years,
   mark figures "[cần xác nhận]", flag cited local văn bản of another district.
4. Căn cứ from the citation graph (:mod:`assistant.drafting.legal_bases`).
5. Optional LLM smoothing (:mod:`assistant.drafting.smoothing`), then the
   checks on the whole draft (:mod:`assistant.drafting.checks`): every số
   hiệu must occur in the corpus; stale year references are flagged.

Rendering: :mod:`assistant.drafting.render_markdown`,
:mod:`assistant.drafting.render_docx`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from assistant.drafting.adapt import adapt_text
from assistant.drafting.checks import final_checks
from assistant.drafting.dedup import dedup
from assistant.drafting.legal_bases import build_legal_bases
from assistant.drafting.models import (CONFIRM, KIND_TITLES, KINDS, Draft, DraftItem, DraftSection, Plan,
                                       Source)
from assistant.drafting.sections import SKELETON, PlanItem, resolve_section, split_plan
from assistant.drafting.smoothing import smooth_with_llm
from assistant.drafting.sources import attested, clean_vocabulary, district_core, load_plans, same_district
from assistant.settings import Settings
from corpus.legal_refs import fold
from corpus.models import ParsedDocument

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


def _place(district: str | None) -> str:
    if not district:
        return "…"
    core = district_core(district)
    return f"Quận {core}" if core.isdigit() else core


def draft_plan(unit: str, year: int, district: str | None = None, kind: str = "cchc", section: str = "all",
               docs: Iterable[ParsedDocument] | None = None, settings: Settings | None = None) -> Draft:
    """Draft the kế hoạch of ``unit`` for ``year``.

    ``kind``: ``"cchc"`` | ``"tthc"`` | ``"par-index"`` | ``"papi"`` (plans
    of that kind come first, all plans contribute); ``section``: ``"all"`` or
    a section name/key (:func:`assistant.drafting.sections.resolve_section`);
    ``district`` defaults to the district of the unit's own plan in the corpus;
    ``docs``: ``ParsedDocument`` list (default: bundled corpus, parsed without
    an index); ``settings``: when ``settings.llm_base_url`` is set the wording is
    smoothed section by section by the LLM and kept only if the checks pass.
    Raises ``ValueError`` for an unknown kind/section, an empty unit, a year
    outside 2000–2100 or a corpus without any kế hoạch.
    """
    if not unit or not unit.strip():
        raise ValueError("thiếu tên đơn vị (unit)")
    if kind not in KINDS:
        raise ValueError(f"kind phải là một trong {KINDS}")
    if not 2000 <= int(year) <= 2100:
        raise ValueError("năm không hợp lệ")
    sec = resolve_section(section)
    unit = unit.strip()
    plans, parsed = load_plans(docs)
    if not plans:
        raise ValueError("kho văn bản không có kế hoạch nào để làm mẫu")
    notes: list[str] = []
    if district is None:
        own = [p for p in plans if _same_unit(p, unit) and p.district]
        district = own[0].district if own else None
        if district is None:
            notes.append("chưa rõ quận/huyện của đơn vị: dùng --district để thay địa danh trong các nội dung")
    plans.sort(key=lambda p: _pref_key(p, kind, district, unit))
    vocab = clean_vocabulary(plans, parsed)

    # gather items in preference order
    gathered: dict[str, list[tuple[PlanItem, Plan]]] = {k: [] for k, _ in SKELETON}
    skipped_ocr = 0
    for p in plans:
        for it in split_plan(p.text, p.doc_id):
            if p.ocr and not attested(it.text, vocab):
                skipped_ocr += 1
                continue
            gathered.setdefault(it.key, []).append((it, p))
    if skipped_ocr:
        notes.append(f"bỏ {skipped_ocr} nội dung từ bản quét OCR vì dấu tiếng Việt khôi phục chưa đáng tin")
    drop = [p.unit for p in plans if p.unit] + [unit]
    sections: list[DraftSection] = []
    used: set[str] = set()
    for key, title in SKELETON:
        if sec != "all" and key != sec:
            continue
        groups = dedup(gathered.get(key, []), key=lambda x: x[0].text, drop=drop)
        ds = DraftSection(key=key, title=title)
        for (it, p), dups in groups:
            text, flags = adapt_text(it.text, p, unit, year, district)
            confirm = key == "chi_tieu" or bool(_FIGURE.search(text))
            if confirm and CONFIRM not in text:
                text = text.rstrip() + " " + CONFIRM
            src = Source(p.doc_id, p.number, p.unit, p.year, it.path)
            also = [Source(q.doc_id, q.number, q.unit, q.year, jt.path) for jt, q in dups if q.doc_id != p.doc_id]
            ds.items.append(DraftItem(text=text, source=src, also=also, confirm=confirm, flags=flags, original=it.text))
            used.add(p.doc_id)
        sections.append(ds)

    item_texts = [it.text for s in sections for it in s.items]
    bases = build_legal_bases(plans, parsed, used, item_texts, year, district, unit, vocab)
    parent = f"UBND {district.upper()}" if district else "UBND QUẬN/HUYỆN …"
    if district and district_core(district).isdigit():
        parent = f"UBND QUẬN {district_core(district)}"
    draft = Draft(
        unit=unit, year=year, kind=kind, district=district,
        title=KIND_TITLES[kind].format(year=year), parent_agency=parent, place=_place(district),
        sections=sections, legal_bases=bases, notes=notes,
        number_line="Số:      /KH-…",
        recipients=[f"Phòng Giáo dục và Đào tạo {district}" if district else "Phòng Giáo dục và Đào tạo", "CB, GV, NV (để thực hiện)", "Lưu: VT"],
        sources=[Source(p.doc_id, p.number, p.unit, p.year, "") for p in plans if p.doc_id in used],
    )
    if settings is not None and settings.llm_base_url:
        smooth_with_llm(draft, settings)
    final_checks(draft, parsed)
    return draft
