"""Draft next year's kế hoạch (CCHC, TTHC, PAR Index, PAPI) from all plans in the corpus.

Pipeline (deterministic; an LLM only smooths wording when configured):

1. Load plans (:func:`load_plans`): ``corpus.pipeline.parse_file`` over the
   bundled files (no index, no embeddings) or the ``docs`` passed in. OCR plans
   are repaired with ``corpus.ocr.repair_text``; a repaired item is used only
   if every word bigram of it occurs in the clean corpus (:func:`_attested`),
   because the repair leaves wrong-but-valid syllables ("Chí sĩ PAPI") that no
   syllable check can see — a draft must never carry broken diacritics.
2. Split each plan into items mapped onto the skeleton
   (:mod:`assistant.draft_sections`), order by preference (same kind, same
   district, newer year), remove near-duplicates across plans
   (:mod:`assistant.dedup`).
3. Adapt each item: source unit → target unit, source district → target
   district (outside citations), roll years (:mod:`assistant.year_roll`),
   mark figures "[cần xác nhận]", flag cited local văn bản of another district.
4. Căn cứ from the citation graph (:func:`build_legal_bases`).
5. Checks on the whole draft: :func:`check_no_invented_numbers` (every số
   hiệu must occur in the corpus) and stale year references.

Public: :func:`draft_plan`, :func:`parse_draft_request`,
:func:`check_no_invented_numbers`, :func:`check_figures`, shapes
:class:`Draft`, :class:`DraftSection`, :class:`DraftItem`, :class:`Source`,
:class:`LegalBasis`, :class:`DraftRequest`.
"""

from __future__ import annotations

import logging
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Iterable

from assistant.dedup import dedup, fold
from assistant.draft_sections import AREAS, SKELETON, PlanItem, preamble_bases, reflow, resolve_section, split_plan
from assistant.year_roll import CONFIRM, SO_HIEU_RE, citation_spans, roll_years, stale_year_refs

log = logging.getLogger(__name__)

DOCS_DIR = Path(__file__).resolve().parent.parent / "corpus" / "documents"
KINDS = ("cchc", "tthc", "par-index", "papi")

KIND_TITLES = {
    "cchc": "Thực hiện công tác cải cách hành chính năm {year}",
    "tthc": "Thực hiện công tác cải cách thủ tục hành chính năm {year}",
    "par-index": "Về cải thiện Chỉ số cải cách hành chính (PAR Index) và nâng cao sự hài lòng của người dân, tổ chức năm {year}",
    "papi": "Về việc cải thiện Chỉ số hiệu quả quản trị và hành chính công cấp tỉnh (PAPI) năm {year}",
}
KIND_SHORT = {
    "cchc": "cải cách hành chính",
    "tthc": "cải cách thủ tục hành chính",
    "par-index": "cải thiện Chỉ số cải cách hành chính (PAR Index)",
    "papi": "cải thiện Chỉ số PAPI",
}


# ---------------------------------------------------------------- shapes
@dataclass
class Source:
    """Where an item comes from: plan ``doc_id``, its số hiệu ``number``,
    issuing ``unit``, ``year`` and ``section`` path in that plan."""

    doc_id: str
    number: str | None
    unit: str | None
    year: int | None
    section: str

    def label(self) -> str:
        num = f"Kế hoạch số {self.number}" if self.number else "Kế hoạch"
        unit = (self.unit[:1].upper() + self.unit[1:]) if self.unit else self.doc_id
        return f"{self.doc_id}: {num} ({unit}, {self.year or '?'}), mục {self.section}"


@dataclass
class DraftItem:
    """One drafted item: adapted ``text``; its ``source`` and the near-duplicate
    ``also`` sources; ``confirm``: contains figures the clerk must confirm;
    ``flags``: notes for the clerk (e.g. a cited văn bản to update)."""

    text: str
    source: Source
    also: list[Source] = field(default_factory=list)
    confirm: bool = False
    flags: list[str] = field(default_factory=list)
    original: str = ""


@dataclass
class DraftSection:
    key: str
    title: str
    items: list[DraftItem] = field(default_factory=list)


@dataclass
class LegalBasis:
    """One căn cứ line. ``status``: ``"ok"`` (still applies), ``"update"``
    (year-specific, the clerk must cite the văn bản of the draft year),
    ``"replaced"`` (validity note names the replacement)."""

    text: str
    number: str | None
    status: str = "ok"
    note: str | None = None
    cited_by: list[str] = field(default_factory=list)


@dataclass
class DraftRequest:
    unit: str
    year: int
    kind: str = "cchc"
    section: str = "all"
    district: str | None = None


@dataclass
class Draft:
    """A drafted kế hoạch. ``sections`` follow :data:`SKELETON`;
    ``legal_bases`` the Căn cứ lines; ``notes`` warnings for the clerk;
    ``mode`` ``"deterministic"`` or ``"llm"``."""

    unit: str
    year: int
    kind: str
    district: str | None
    title: str
    parent_agency: str
    place: str
    sections: list[DraftSection]
    legal_bases: list[LegalBasis]
    notes: list[str] = field(default_factory=list)
    mode: str = "deterministic"
    signer_title: str = "HIỆU TRƯỞNG"
    number_line: str = ""
    recipients: list[str] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)

    # -- text forms
    def body_text(self) -> str:
        """All draft text (căn cứ, items, closing) as plain text, for checks."""
        parts = [self.title] + [b.text for b in self.legal_bases]
        for s in self.sections:
            parts.append(s.title)
            parts += [it.text for it in s.items]
        parts.append(self.closing())
        return "\n".join(parts)

    def intro(self) -> str:
        return f"{self.unit} xây dựng Kế hoạch {KIND_SHORT[self.kind]} năm {self.year}, cụ thể như sau:"

    def closing(self) -> str:
        return (f"Trên đây là Kế hoạch {KIND_SHORT[self.kind]} năm {self.year} của {self.unit}, "
                "đề nghị cán bộ, giáo viên, nhân viên nghiêm túc thực hiện. Trong quá trình thực hiện, "
                "nếu có khó khăn, vướng mắc, báo cáo Ban Giám hiệu để xem xét, điều chỉnh kịp thời./.")

    def to_markdown(self) -> str:
        from assistant.markdown_writer import draft_to_markdown

        return draft_to_markdown(self)

    def to_docx(self, path: str | Path) -> Path:
        from assistant.docx_writer import write_docx

        return write_docx(self, path)

    def to_dict(self) -> dict[str, Any]:
        return {
            "unit": self.unit, "year": self.year, "kind": self.kind, "district": self.district,
            "title": self.title, "mode": self.mode, "notes": list(self.notes),
            "legal_bases": [asdict(b) for b in self.legal_bases],
            "sections": [
                {"key": s.key, "title": s.title,
                 "items": [{"text": it.text, "source": asdict(it.source), "also": [asdict(a) for a in it.also],
                            "confirm": it.confirm, "flags": list(it.flags)} for it in s.items]}
                for s in self.sections
            ],
        }


# ---------------------------------------------------------------- loading
@dataclass
class _Plan:
    doc_id: str
    number: str | None
    unit: str | None
    district: str | None
    year: int | None
    kind: str
    text: str  # repaired if OCR
    ocr: bool


def plan_kind(doc_id: str, title: str | None = None) -> str:
    """``"papi"``, ``"par-index"``, ``"tthc"`` or ``"cchc"`` from the file stem / trích yếu."""
    f = fold(f"{doc_id} {title or ''}")
    if "papi" in f:
        return "papi"
    if "par-index" in f or "par index" in f:
        return "par-index"
    if "tthc" in f or "thu tuc hanh chinh" in f:
        return "tthc"
    return "cchc"


def _load_parsed(docs: Iterable[Any] | None):
    if docs is not None:
        return list(docs)
    try:
        from corpus.pipeline import bundled_paths, parse_file
    except ImportError:  # pipeline not available: read the bundled files as they are
        return _raw_docs()
    return [parse_file(p) for p in bundled_paths()]


def _raw_docs() -> list[Any]:
    from corpus.models import DocumentMeta, ParsedDocument

    out = []
    for f in sorted((DOCS_DIR / "plans").glob("*.txt")) + sorted((DOCS_DIR / "decrees").glob("*.txt")):
        text = f.read_text(encoding="utf-8")
        meta = DocumentMeta(doc_id=f.stem, path=str(f), kind="plan" if f.parent.name == "plans" else "legal")
        if meta.kind == "legal":
            head = text.splitlines()[1] if len(text.splitlines()) > 1 else ""
            hm = re.match(r"(\S+(?: \S+)?) số (\S+) ngày (\d{1,2})/(\d{1,2})/(\d{4}) của (.+?) ((?:về|quy định|hướng dẫn).*)$", head)
            if hm:
                meta.doc_type, meta.number = hm.group(1).capitalize(), hm.group(2)
                meta.date = f"{hm.group(5)}-{int(hm.group(4)):02d}-{int(hm.group(3)):02d}"
                meta.issuer, meta.title = hm.group(6), re.sub(r"\s*\(hiệu lực.*$", "", hm.group(7))
        else:
            meta.year = int(f.stem[:4])
            dm = _DISTRICT_RE.search(text[:600])
            meta.district = dm.group(0).strip() if dm else None
        out.append(ParsedDocument(meta=meta, text=text))
    return out


_UNIT_RE = re.compile(
    r"\b[Tt]r(?:ường|ƯỜNG)\s+(?:[Mm]ầm\s+non|MẦM\s+NON|[Tt]iểu\s+học|TIỂU\s+HỌC|THCS|[Tt]rung\s+học\s+cơ\s+sở)"
    r"(?:\s+[A-ZĐÀ-Ỹ][\wÀ-ỹ]*){1,3}"
)
_DISTRICT_RE = re.compile(r"\b[Qq]uận\s+(?:\d{1,2}\b|(?:[A-ZĐÀ-Ỹ][\wÀ-ỹ]*\s?){1,3})")


def load_plans(docs: Iterable[Any] | None = None) -> tuple[list[_Plan], list[Any]]:
    """Plans of the corpus (kind ``plan``) with repaired text for OCR scans,
    and all parsed documents. ``docs``: ``ParsedDocument`` list (default: the
    bundled corpus parsed with ``corpus.pipeline.parse_file``)."""
    from corpus.ocr import is_ocr_damaged, repair_text

    parsed = _load_parsed(docs)
    plans = []
    for d in parsed:
        m = d.meta
        if m.kind != "plan":
            continue
        ocr = bool(m.ocr_damaged or is_ocr_damaged(d.text))
        text = repair_text(d.text) if ocr else d.text
        unit = m.unit
        if not unit:
            um = _UNIT_RE.search(text)
            unit = um.group(0) if um else None
        year = m.year
        if not year:
            ym = re.match(r"(\d{4})-", m.doc_id)
            year = int(ym.group(1)) if ym else None
        district = m.district
        if not district:
            dm = _DISTRICT_RE.search(text[:800])
            district = dm.group(0).strip() if dm else None
        plans.append(_Plan(m.doc_id, m.number, unit, district, year, plan_kind(m.doc_id, m.title), text, ocr))
    return plans, parsed


# ---------------------------------------------------------------- quality gate for OCR
_WORD = re.compile(r"[^\W\d_]+")
_BAD_CHARS = re.compile(r"[™&$¢§@?_|\\]|[A-Za-zÀ-ỹ][0-9][A-Za-zÀ-ỹ]")


def _bigrams(text: str) -> list[tuple[str, str]]:
    w = [x.lower() for x in _WORD.findall(text)]
    return list(zip(w, w[1:]))


def _attested(text: str, vocab: set[tuple[str, str]]) -> bool:
    """True when ``text`` has no OCR debris and each of its word bigrams occurs
    in the clean corpus (``vocab``)."""
    if _BAD_CHARS.search(text):
        return False
    bg = _bigrams(text)
    return bool(bg) and all(b in vocab for b in bg)


# ---------------------------------------------------------------- adaptation
def _title_case_like(src: str, target: str) -> str:
    return target[:1].lower() + target[1:] if src[:1].islower() else target[:1].upper() + target[1:]


def _district_core(d: str) -> str:
    return re.sub(r"^(quận|huyện|thành phố|thị xã)\s+", "", d.strip(), flags=re.I)


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


_FIGURE = re.compile(r"\d+(?:[.,]\d+)?\s*%")


def adapt_text(text: str, plan: _Plan, unit: str, year: int, district: str | None) -> tuple[str, list[str]]:
    """Adapt one item of ``plan`` to the target: unit name, district (outside
    citations), years (:func:`assistant.year_roll.roll_years`). Returns
    ``(text, flags)``."""
    flags: list[str] = []
    spans = citation_spans(text)
    names = {plan.unit} if plan.unit else set()
    names |= {m.group(0) for m in _UNIT_RE.finditer(text)}
    for n in sorted(filter(None, names), key=len, reverse=True):
        pat = re.compile(re.escape(n), re.IGNORECASE)
        text = _replace_outside(text, pat, lambda m: _title_case_like(m.group(0), unit), citation_spans(text))
    if district and plan.district and fold(_district_core(plan.district)) != fold(_district_core(district)):
        core = _district_core(plan.district)
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
    return text, flags


# ---------------------------------------------------------------- checks
_NUM_CHECK = re.compile(
    r"\b\d{1,5}[a-zA-Z]?(?:/\d{4})?/[A-ZĐ][A-Za-zĐđ0-9]*(?:\s?-\s?[A-ZĐa-zđ0-9]+)*"
    r"|\b\d{1,5}-[A-ZĐ][A-Za-zĐđ]*/[A-ZĐ][A-Za-zĐđ]*"
)


def canonical_number(s: str) -> str:
    """Comparison form of a số hiệu: spaces removed, upper-case, ``Đ`` kept
    (``"187/QĐ- UBND"`` → ``"187/QĐ-UBND"``)."""
    return re.sub(r"\s+", "", s).upper().rstrip("-.")


def document_numbers(text: str) -> set[str]:
    """Canonical số hiệu found in ``text`` (own regex; independent of the
    citation parser so the check below cannot inherit its misses)."""
    return {canonical_number(m.group(0)) for m in _NUM_CHECK.finditer(text)}


def check_no_invented_numbers(draft_text: str, corpus_texts: Iterable[str]) -> list[str]:
    """Document numbers (số hiệu) in ``draft_text`` that occur in none of
    ``corpus_texts`` — the offenders; ``[]`` when the draft invents none.

    Rule of the house: a document number in a draft must exist in the corpus.
    ``check_no_invented_numbers("Căn cứ Nghị định số 999/2025/NĐ-CP", texts)``
    → ``["999/2025/NĐ-CP"]``.
    """
    known: set[str] = set()
    for t in corpus_texts:
        known |= document_numbers(t)
    return sorted(n for n in document_numbers(draft_text) if n not in known)


_ANY_NUMBER = re.compile(r"\d+(?:[.,/]\d+)*")


def check_figures(source_text: str, new_text: str) -> list[str]:
    """Numbers that differ between a section's deterministic text and a
    rewritten one: ``"-x"`` for a number lost, ``"+x"`` for a new one. ``[]``
    when every number of the source is still present and none is added."""
    a = set(_ANY_NUMBER.findall(source_text))
    b = set(_ANY_NUMBER.findall(new_text))
    return sorted([f"-{x}" for x in a - b] + [f"+{x}" for x in b - a])


# ---------------------------------------------------------------- căn cứ
_HEAD_RE = re.compile(
    r"(?P<type>Quyết định|Kế hoạch|Công văn|Nghị quyết|Chỉ thị|Chương trình hành động|Nghị định|Thông tư)\s+(?:số\s+)?"
    r"(?P<num>" + SO_HIEU_RE.pattern + r")"
    r"(?P<date>\s+ngày\s+(?:\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+\d{4}|\d{1,2}/\d{1,2}/\d{4}))?"
    r"(?P<issuer>\s+của\s+.+?)?(?=\s+(?:về|v/v)\s|$)"
    r"(?P<rest>.*)$"
)
_PERIOD_END = re.compile(r"(?:giai đoạn|nhiệm kỳ)\s+\d{4}\s*[-–—]\s*(\d{4})", re.I)


def _validity(num: str) -> str | None:
    try:
        from corpus.validity import validity_note
    except ImportError:  # validity module not present
        return None
    return validity_note(num)


def _graph_ids(parsed: list[Any]) -> set[str] | None:
    try:
        from corpus.citations import build_graph
    except ImportError:
        return None
    g = build_graph(parsed)
    out = set()
    for x in g.cited_documents():
        out.add(canonical_number(x.id))
        if x.number:
            out.add(canonical_number(x.number))
    return out


def build_legal_bases(plans: list[_Plan], parsed: list[Any], used_doc_ids: set[str], item_texts: list[str],
                      year: int, district: str | None, unit: str, vocab: set) -> tuple[list[LegalBasis], list[str]]:
    """Căn cứ of the draft, from the citation graph.

    * the preamble căn cứ of the source plans of the target's district (or,
      when none is known, of every source plan) that are in the citation graph;
      a period ending before ``year`` or a văn bản for the source plan's own
      year becomes ``status="update"`` ("cần cập nhật văn bản năm {year}"),
      written without number; the previous văn bản is named as reference;
    * the legal documents of the corpus (decrees, circulars) cited by the drafted
      items, with their validity note (replaced / amended).
    Returns ``(bases, notes)``."""
    notes: list[str] = []
    graph = _graph_ids(parsed)
    if graph is None:
        notes.append("chưa có đồ thị trích dẫn (corpus.citations): căn cứ lấy trực tiếp từ văn bản nguồn")
    bases: dict[str, LegalBasis] = {}
    core = fold(_district_core(district)) if district else None
    for p in plans:
        if p.doc_id not in used_doc_ids and not (core and p.district and fold(_district_core(p.district)) == core):
            continue
        same_district = bool(core and p.district and fold(_district_core(p.district)) == core)
        for line in preamble_bases(p.text):
            for seg in re.split(r";\s*|\s+và\s+(?=(?:Quyết định|Kế hoạch|Công văn|Chương trình))", line):
                seg = re.sub(r"^(Căn cứ|Thực hiện|Tiếp tục thực hiện)\s+", "", seg).strip()
                seg = re.sub(r"^Nghị quyết Đại hội.*?(?=Chương trình)", "", seg)
                m = _HEAD_RE.search(seg)
                if not m:
                    continue
                num = canonical_number(m.group("num"))
                if graph is not None and num not in graph:
                    continue
                issuer = fold(m.group("issuer") or "")
                is_unit_doc = "truong" in issuer
                if is_unit_doc and not (p.unit and fold(p.unit) == fold(unit)):
                    continue  # another school's own plan
                is_local = bool(re.search(r"\b(quan|huyen|phong giao duc)\b", issuer))
                if is_local and not same_district:
                    continue  # a văn bản of another district does not apply to the target
                rest = (m.group("rest") or "").strip()
                head = f"{m.group('type')} số {m.group('num')}{m.group('date') or ''}{m.group('issuer') or ''}"
                if p.ocr and not _attested(rest, vocab):
                    rest = ""  # OCR trích yếu too damaged to quote
                pe = _PERIOD_END.search(seg)
                dy = re.search(r"(\d{4})$", (m.group("date") or "").strip())
                year_specific = bool(re.search(rf"năm\s+{p.year}\b", seg[m.end("date") if m.group("date") else 0:])) \
                    or is_unit_doc or bool(p.year and dy and not pe and int(dy.group(1)) >= p.year - 1)
                if pe and int(pe.group(1)) >= year and not is_unit_doc:
                    status, text = "ok", f"{head} {rest}".strip()
                elif year_specific or pe:
                    why = "giai đoạn đã kết thúc" if pe and not year_specific else f"văn bản năm {p.year}"
                    generic = f"{m.group('type')}{m.group('issuer') or ''} {roll_years(rest, p.year, year).text if p.year else rest}".strip()
                    if is_unit_doc:
                        generic = f"{m.group('type')} thực hiện công tác cải cách hành chính năm {year} của {unit}"
                    status = "update"
                    text = (f"{generic} [cần cập nhật văn bản năm {year}; {why}: "
                            f"{m.group('type')} số {m.group('num')}{m.group('date') or ''}]")
                else:
                    status, text = "ok", f"{head} {rest}".strip()
                b = bases.get(num)
                if b is None:
                    bases[num] = LegalBasis(text=text, number=m.group("num"), status=status, cited_by=[p.doc_id])
                elif p.doc_id not in b.cited_by:
                    b.cited_by.append(p.doc_id)
    # legal documents of the corpus cited by the drafted items
    legal = {canonical_number(d.meta.number): d for d in parsed if d.meta.kind == "legal" and d.meta.number}
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
            note = _validity(b.number)
            if note:
                b.note = note
                b.status = "replaced" if b.status == "ok" else b.status
    order = {"ok": 0, "replaced": 1, "update": 2}
    return sorted(bases.values(), key=lambda b: order[b.status]), notes


# ---------------------------------------------------------------- orchestration
_REQ_YEAR = re.compile(r"\b(20\d{2})\b")


def parse_draft_request(text: str) -> DraftRequest | None:
    """Recognise a chat request to draft a plan (section).

    ``"soạn mục cải cách TTHC cho kế hoạch năm 2025 của trường Mầm non Hương
    Sen"`` → ``DraftRequest(unit="Trường Mầm non Hương Sen", year=2025,
    kind="cchc", section="nv3")``. Needs a drafting verb (soạn, dự thảo, xây
    dựng, viết, lập) and "kế hoạch"/"mục"; returns None otherwise. Missing
    year → None (the caller asks back); missing unit → ``unit=""``.
    """
    f = fold(text)
    if not re.search(r"\b(soan|du thao|xay dung|viet|lap|draft)\b", f) or not re.search(r"ke hoach|\bmuc\b", f):
        return None
    ym = _REQ_YEAR.search(text)
    if not ym:
        return None
    um = _UNIT_RE.search(text[0].upper() + text[1:] if text else text)
    if not um:
        um = re.search(r"\b[Tt]rường\s+(?:[Mm]ầm\s+non|[Tt]iểu\s+học|THCS)(?:\s+[A-ZĐÀ-Ỹ][\wÀ-ỹ]*){1,3}", text)
    unit = um.group(0) if um else ""
    if unit:
        unit = "Trường" + unit[6:] if unit[:6].lower() == "trường" else unit
        unit = re.sub(r"\b(mầm non|tiểu học)\b", lambda m: m.group(1).capitalize(), unit, flags=re.I)
    kind = "cchc"
    if "papi" in f:
        kind = "papi"
    elif "par index" in f or "par-index" in f:
        kind = "par-index"
    elif re.search(r"ke hoach (cai cach )?(thu tuc hanh chinh|tthc)", f):
        kind = "tthc"
    section = "all"
    sm = re.search(r"\bmuc\s+(.+?)\s+(cho|cua|trong)\s+ke hoach", f)
    if sm:
        try:
            section = resolve_section(sm.group(1))
        except ValueError:
            section = "all"
    dm = re.search(r"\b(quận|huyện)\s+(\d{1,2}|[A-ZĐÀ-Ỹ][\wÀ-ỹ]*(?:\s+[A-ZĐÀ-Ỹ][\wÀ-ỹ]*){0,2})", text, re.I)
    return DraftRequest(unit=unit, year=int(ym.group(1)), kind=kind, section=section,
                        district=dm.group(0) if dm else None)


def _pref_key(p: _Plan, kind: str, district: str | None, unit: str):
    core = fold(_district_core(district)) if district else None
    return (
        0 if p.kind == kind else 1,
        0 if _same_unit(p, unit) else 1,
        0 if core and p.district and fold(_district_core(p.district)) == core else 1,
        1 if p.ocr else 0,
        -(p.year or 0),
        p.doc_id,
    )


def _same_unit(p: _Plan, unit: str) -> bool:
    """The plan is the unit's own: same name, or the name's proper part in the
    file stem (``"Trường Tiểu học Hòa Bình"`` ↔ ``2024-th-hoa-binh-q1-papi``)."""
    if p.unit and fold(p.unit) == fold(unit):
        return True
    name = re.sub(r"^truong\s+(mam non|tieu hoc|thcs|trung hoc co so)\s+", "", fold(unit))
    return bool(name) and "-" + name.replace(" ", "-") + "-" in f"-{p.doc_id}-"


def _place(district: str | None) -> str:
    if not district:
        return "…"
    core = _district_core(district)
    return f"Quận {core}" if core.isdigit() else core


def draft_plan(unit: str, year: int, district: str | None = None, kind: str = "cchc", section: str = "all",
               docs: Iterable[Any] | None = None, settings: Any = None) -> Draft:
    """Draft the kế hoạch of ``unit`` for ``year``.

    ``kind``: ``"cchc"`` | ``"tthc"`` | ``"par-index"`` | ``"papi"`` (plans
    of that kind come first, all plans contribute); ``section``: ``"all"`` or
    a section name/key (:func:`assistant.draft_sections.resolve_section`);
    ``district`` defaults to the district of the unit's own plan in the corpus;
    ``docs``: ``ParsedDocument`` list (default: bundled corpus, parsed without
    an index); ``settings``: when ``settings.llm_base_url`` is set the wording is
    smoothed section by section by the LLM and kept only if the checks pass.
    Raises ``ValueError`` for an unknown kind/section or an empty unit.
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
    clean_texts = [d.text for d in parsed if not any(p.doc_id == d.meta.doc_id and p.ocr for p in plans)]
    vocab: set[tuple[str, str]] = set()
    for t in clean_texts:
        vocab.update(_bigrams(t))

    # gather items in preference order
    gathered: dict[str, list[tuple[PlanItem, _Plan]]] = {k: [] for k, _ in SKELETON}
    skipped_ocr = 0
    for p in plans:
        for it in split_plan(p.text, p.doc_id):
            if p.ocr and not _attested(it.text, vocab):
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
    bases, bnotes = build_legal_bases(plans, parsed, used, item_texts, year, district, unit, vocab)
    notes += bnotes
    parent = f"UBND {district.upper()}" if district else "UBND QUẬN/HUYỆN …"
    if district and _district_core(district).isdigit():
        parent = f"UBND QUẬN {_district_core(district)}"
    draft = Draft(
        unit=unit, year=year, kind=kind, district=district,
        title=KIND_TITLES[kind].format(year=year), parent_agency=parent, place=_place(district),
        sections=sections, legal_bases=bases, notes=notes,
        number_line="Số:      /KH-…",
        recipients=[f"Phòng Giáo dục và Đào tạo {district}" if district else "Phòng Giáo dục và Đào tạo", "CB, GV, NV (để thực hiện)", "Lưu: VT"],
        sources=[Source(p.doc_id, p.number, p.unit, p.year, "") for p in plans if p.doc_id in used],
    )
    if settings is not None and getattr(settings, "llm_base_url", None):
        _smooth_with_llm(draft, settings)
    _final_checks(draft, parsed)
    return draft


def corpus_texts(parsed: list[Any]) -> list[str]:
    """Texts a draft's số hiệu may come from: every document (raw and, for OCR
    scans, repaired), plus ``validity.tsv`` (replacement numbers)."""
    from corpus.ocr import is_ocr_damaged, repair_text

    out = []
    for d in parsed:
        out.append(d.text)
        if d.meta.ocr_damaged or is_ocr_damaged(d.text):
            out.append(repair_text(d.text))
        out.append("\n".join(reflow(d.text)))
    v = DOCS_DIR / "validity.tsv"
    if v.exists():
        out.append(v.read_text(encoding="utf-8"))
    return out


def _final_checks(draft: Draft, parsed: list[Any]) -> None:
    texts = corpus_texts(parsed)
    bad = check_no_invented_numbers(draft.body_text(), texts)
    if bad:
        # remove offending items rather than ship an invented number
        for s in draft.sections:
            s.items = [it for it in s.items if not check_no_invented_numbers(it.text, texts)]
        draft.legal_bases = [b for b in draft.legal_bases if not check_no_invented_numbers(b.text, texts)]
        draft.notes.append("đã loại nội dung có số hiệu không có trong kho văn bản: " + ", ".join(bad))
    stale = []
    for s in draft.sections:
        for it in s.items:
            st = stale_year_refs(it.text, draft.year)
            if st:
                stale += st
                it.flags.append("còn mốc năm cũ: " + "; ".join(st))
    if stale:
        draft.notes.append(f"{len(stale)} mốc năm cũ cần rà soát (đã đánh dấu ở từng nội dung)")


def _smooth_with_llm(draft: Draft, settings: Any) -> None:
    """Ask the LLM to smooth each section's wording; keep its version only if
    it returns one line per item, invents no số hiệu and keeps every number."""
    try:
        from langchain_openai import ChatOpenAI

        llm = ChatOpenAI(base_url=settings.llm_base_url, model=settings.llm_model, api_key=settings.llm_api_key,
                         temperature=0.0, timeout=settings.llm_timeout_s, max_tokens=max(settings.llm_max_tokens, 1024),
                         max_retries=1)
    except Exception as e:  # noqa: BLE001 - any client error keeps the deterministic text
        draft.notes.append(f"không gọi được LLM ({type(e).__name__}): giữ văn bản soạn tự động")
        return
    changed = 0
    for s in draft.sections:
        if not s.items:
            continue
        src = "\n".join(f"{i + 1}. {it.text}" for i, it in enumerate(s.items))
        prompt = ("Biên tập lại câu chữ các nội dung sau của một kế hoạch hành chính cho mạch lạc, đúng văn phong hành chính. "
                  "Giữ nguyên mọi con số, số hiệu văn bản, ngày tháng và ghi chú trong ngoặc vuông; không thêm nội dung mới. "
                  "Trả về đúng số dòng, mỗi dòng bắt đầu bằng số thứ tự.\n\n" + src)
        try:
            out = str(llm.invoke(prompt).content)
        except Exception as e:  # noqa: BLE001
            draft.notes.append(f"LLM lỗi ở mục {s.title} ({type(e).__name__}): giữ văn bản soạn tự động")
            continue
        lines = [re.sub(r"^\s*\d+[.)]\s*", "", ln).strip() for ln in out.splitlines() if re.match(r"^\s*\d+[.)]", ln)]
        new = "\n".join(lines)
        ok = (len(lines) == len(s.items) and not check_no_invented_numbers(new, [src])
              and not check_figures(src, "\n".join(f"{i + 1}. {t}" for i, t in enumerate(lines))))
        if ok:
            for it, t in zip(s.items, lines):
                it.text = t
            changed += 1
        else:
            draft.notes.append(f"bản biên tập của LLM ở mục “{s.title}” không qua kiểm tra (số liệu/số hiệu): giữ văn bản soạn tự động")
    if changed:
        draft.mode = "llm"


# re-exported names for callers
__all__ = [
    "AREAS", "Draft", "DraftItem", "DraftRequest", "DraftSection", "LegalBasis", "Source",
    "adapt_text", "build_legal_bases", "check_figures", "check_no_invented_numbers", "corpus_texts",
    "document_numbers", "draft_plan", "load_plans", "parse_draft_request", "plan_kind",
]
