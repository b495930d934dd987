"""Metadata of a văn bản read from its own text (no model).

One job: normalised document text → :class:`corpus.models.DocumentMeta`.

Where the fields sit on a Vietnamese administrative document is fixed by
Nghị định 30/2020/NĐ-CP (công tác văn thư), Phụ lục I: the issuing body in the
top-left header (``UBND QUẬN GÒ VẤP`` / ``TRƯỜNG MẦM NON HƯƠNG SEN``), the số
hiệu line (``Số: 26/KH-MNHgS``), the place-and-date line (``Gò Vấp, ngày 26
tháng 02 năm 2024``), the loại văn bản (``KẾ HOẠCH``) and the trích yếu on the
line(s) below it.  Legal texts from the Bộ pháp điển in this corpus instead
carry a title line ``NGHỊ ĐỊNH số 60/2021/NĐ-CP ngày 21/6/2021 của Chính phủ
… (hiệu lực 15/8/2021)`` after a ``SOURCE:`` line.

All patterns run on :func:`corpus.legal_refs.fold` of the text (lowercase, no
diacritics; same length as the text), so they also match OCR output that lost
its diacritics (``"S6: 32/KH-HB"``, ``"ngay 27 thdang 5 nam 2024"``); values
are then cut out of the original text at the same offsets.  The số hiệu
grammar, its canonical form and the loại văn bản names are those of
:mod:`corpus.legal_refs`.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date as _date

from corpus.legal_refs import LEGAL_DOC_TYPES, NUMBER_RE, canonical_number, doc_type_from_name, fold
from corpus.models import DocumentMeta

__all__ = [
    "extract_metadata",
    "parse_vn_date",
    "short_title",
    "LEGAL_DOC_TYPES",
]

# ---------------------------------------------------------------- patterns (on folded text)
_LEGAL_TITLE = re.compile(
    r"^(nghi dinh|thong tu(?: lien tich)?|quyet dinh|nghi quyet|luat|phap lenh|chi thi)\s+so\s+(\S+)"
    r"(?:\s+ngay\s+(\d{1,2})/(\d{1,2})/(\d{4}))?(?:\s+cua\s+)?"
)
# the "Số:" label of the số hiệu line; OCR reads "Số" as "S6", "$6", "Sb" …
_NUMBER_LABEL = re.compile(r"(?:^|\s)(?:so|s[o0-9b]|\$[o0-9b])\s*[:;.]\s*")
_DATELINE = re.compile(r",\s*ng\w{0,3}\s+(\d{1,2})\s+th\w{0,4}\s+(\d{1,2})\s+n\w{0,3}\s+(\d{4})")
_DATE_WORDS = re.compile(r"ng\w{0,3}\s+(\d{1,2})\s+th\w{0,4}\s+(\d{1,2})\s+n\w{0,3}\s+(\d{4})")
_DATE_SLASH = re.compile(r"(\d{1,2})\s*/\s*(\d{1,2})\s*/\s*(\d{4})")
_EFFECTIVE_PAREN = re.compile(r"\(\s*hieu luc\s+(?:tu\s+(?:ngay\s+)?)?(\d{1,2})\s*/\s*(\d{1,2})\s*/\s*(\d{4})\s*\)")
_EFFECTIVE_TEXT = re.compile(
    r"co hieu luc(?: thi hanh)?\s+(?:ke\s+)?tu\s+ngay\s+(?:(\d{1,2})\s*/\s*(\d{1,2})\s*/\s*(\d{4})|"
    r"(\d{1,2})\s+thang\s+(\d{1,2})\s+nam\s+(\d{4}))"
)
_ISSUER_LEGAL = re.compile(r"\bcua\s+(van phong chinh phu|chinh phu|thu tuong chinh phu|quoc hoi|bo [a-z ]+?)(?=\s|,|$)")
_SCHOOL = re.compile(
    r"\btr\w{0,2}\w?ng\s+(mam non|mau giao|tieu hoc|trung hoc co so|thcs|trung hoc pho thong|thpt|"
    r"nha tre|tieu hoc va trung hoc co so)\s+"
)
_SCHOOL_KIND = {
    "mam non": "Mầm non",
    "mau giao": "Mẫu giáo",
    "tieu hoc": "Tiểu học",
    "trung hoc co so": "Trung học cơ sở",
    "thcs": "THCS",
    "trung hoc pho thong": "Trung học phổ thông",
    "thpt": "THPT",
    "nha tre": "Nhà trẻ",
    "tieu hoc va trung hoc co so": "Tiểu học và Trung học cơ sở",
}
_DISTRICT = re.compile(r"\b(quan|huyen|thi xa)\s+(?=\S)")
_YEAR_IN = re.compile(r"\bn\w{0,2}m\s+(\d{4})\b")
_STOP_WORDS = {"cong", "doc", "so", "ngay", "ve", "va", "tren", "nam", "xay", "trong", "de"}


def parse_vn_date(day: str | int, month: str | int, year: str | int) -> str | None:
    """ISO date ``YYYY-MM-DD`` from day/month/year parts, or ``None`` if invalid."""
    try:
        return _date(int(year), int(month), int(day)).isoformat()
    except (TypeError, ValueError):
        return None


def _lines_with_offsets(text: str) -> list[tuple[int, str]]:
    out = []
    pos = 0
    for ln in text.split("\n"):
        out.append((pos, ln))
        pos += len(ln) + 1
    return out


def _title_case(words: str) -> str:
    """``"HƯƠNG SEN"`` → ``"Hương Sen"``; mixed case kept."""
    if words.isupper():
        return " ".join(w[:1] + w[1:].lower() for w in words.split())
    return words


def _capitalised_run(text: str, start: int, max_words: int = 4) -> str:
    """Capitalised words (or numbers) of ``text`` starting at ``start``."""
    words = []
    window = text[start : start + 80].split("\n", 1)[0]
    for m in re.finditer(r"\S+", window):
        w = m.group(0)
        core = w.strip(",.;:()’'\"“”")
        if not core:
            break
        if fold(core) in _STOP_WORDS and words:
            break
        if not (core[0].isupper() or core[0].isdigit()):
            break
        words.append(core)
        if w != core or len(words) >= max_words:  # punctuation ends the name
            break
    return " ".join(words)


def _find_unit(text: str, ftext: str) -> str | None:
    counts: Counter[str] = Counter()
    first: dict[str, int] = {}
    for m in _SCHOOL.finditer(ftext):
        name = _capitalised_run(text, m.end(), 3)
        if not name:
            continue
        name = _title_case(name)
        unit = f"Trường {_SCHOOL_KIND[m.group(1)]} {name}"
        counts[unit] += 1
        first.setdefault(unit, m.start())
    if not counts:
        return None
    return max(counts, key=lambda u: (counts[u], -first[u]))


def _find_district(text: str, ftext: str) -> str | None:
    counts: Counter[str] = Counter()
    first: dict[str, int] = {}
    for m in _DISTRICT.finditer(ftext):
        name = _capitalised_run(text, m.end(), 3)
        if not name:
            continue
        # header lines run into "CỘNG HOÀ XÃ HỘI …"
        name = re.split(r"\s+(?=C\S*NG\s+H)", name)[0]
        name = _title_case(name)
        if not name or fold(name) in ("nhan", "uy"):
            continue
        word = {"quan": "Quận", "huyen": "Huyện", "thi xa": "Thị xã"}[m.group(1)]
        d = f"{word} {name}"
        counts[d] += 1
        first.setdefault(d, m.start())
    if not counts:
        return None
    return max(counts, key=lambda d: (counts[d], -first[d]))


def _first_effective(ftext: str) -> str | None:
    m = _EFFECTIVE_PAREN.search(ftext)
    if m:
        return parse_vn_date(*m.groups())
    m = _EFFECTIVE_TEXT.search(ftext)
    if m:
        g = m.groups()
        return parse_vn_date(*(g[:3] if g[0] else g[3:]))
    return None


def _capitalise_first(s: str) -> str:
    s = s.strip().rstrip(".;,")
    return s[:1].upper() + s[1:] if s else s


def extract_metadata(text: str, doc_id: str, path: str = "", ocr: bool | None = None) -> DocumentMeta:
    """Read the metadata of one văn bản from its normalised text.

    ``text`` is the output of :func:`corpus.loaders.normalize_document_text`
    (for OCR-damaged scans the pipeline passes the repaired header).
    Returns a :class:`DocumentMeta` with ``kind`` ``"legal"`` for Nghị định,
    Thông tư, … and ``"plan"`` otherwise; fields that cannot be read are
    ``None`` (e.g. ``number`` of a plan without a ``Số:`` line).  Never raises
    on odd text.  ``content_hash`` and ``ocr_damaged`` are left for the
    pipeline to set.  ``ocr``: the text is (repaired) OCR output, so OCR
    look-alikes in the số hiệu are repaired (:func:`corpus.legal_refs.canonical_number`
    with ``ocr=True``); ``None`` decides with :func:`corpus.ocr.is_ocr_damaged`
    on the first 4,000 characters (where the header is).
    """
    if ocr is None:
        from corpus.ocr import is_ocr_damaged

        ocr = is_ocr_damaged(text[:4000])
    meta = DocumentMeta(doc_id=doc_id, path=path)
    ftext = fold(text)
    lines = _lines_with_offsets(text)
    flines = _lines_with_offsets(ftext)

    # ------------------------------------------------ pháp điển header (SOURCE / title line)
    for (off, line), (_, fline) in zip(lines[:40], flines[:40]):
        if fline.startswith("source:") and meta.source is None:
            meta.source = line.split(":", 1)[1].strip()
            continue
        m = _LEGAL_TITLE.match(fline)
        if m and meta.number is None:
            meta.doc_type = doc_type_from_name(m.group(1)) or m.group(1).title()
            meta.number = canonical_number(line[m.start(2) : m.end(2)], ocr=ocr)
            if m.group(3):
                meta.date = parse_vn_date(m.group(3), m.group(4), m.group(5))
            rest_f = fline[m.end() :]
            rest = line[m.end() :]
            im = _ISSUER_LEGAL.search(fline, m.start(2))
            if im:
                meta.issuer = _capitalise_first(line[im.start(1) : im.end(1)])
                rest = line[im.end(1) :]
                rest_f = fline[im.end(1) :]
            rest = re.sub(r"\(\s*hiệu lực[^)]*\)", "", rest, flags=re.IGNORECASE)
            if rest_f.strip():
                meta.title = _capitalise_first(rest) or None
            eff = _EFFECTIVE_PAREN.search(fline)
            if eff:
                meta.effective = parse_vn_date(*eff.groups())

    # ------------------------------------------------ administrative header
    header_end = len(text)
    type_idx = None
    if meta.doc_type is None:
        for i, (off, fline) in enumerate(flines[:60]):
            dtype = doc_type_from_name(fline) if len(fline.strip()) <= 30 else None
            if dtype:
                meta.doc_type = dtype
                type_idx = i
                header_end = off
                break
    head_f = ftext[: min(header_end, 2000)] if type_idx is not None else ftext[:800]

    if meta.number is None:
        for lm in _NUMBER_LABEL.finditer(head_f):
            m = NUMBER_RE.match(text, lm.end())
            if m:
                meta.number = canonical_number(m.group(0), ocr=ocr)
                break
    if meta.date is None:
        m = _DATELINE.search(head_f)
        if m:
            meta.date = parse_vn_date(*m.groups())

    # trích yếu: the paragraph(s) right under the loại văn bản line
    if type_idx is not None and meta.title is None:
        parts: list[str] = []
        for off, line in lines[type_idx + 1 : type_idx + 12]:
            s = line.strip()
            if not s:
                continue
            fs = fold(s)
            if parts and (not s[:1].islower() or len(" ".join(parts)) > 300):
                break
            if re.match(r"^(can cu|kinh gui)\b", fs) or re.search(r"\bso\s+\S+/", fs) or len(s) > 300:
                break
            parts.append(s)
            if s.endswith((";", ".")):
                break
        if parts:
            meta.title = _capitalise_first(" ".join(parts))

    # ------------------------------------------------ unit / district / issuer
    meta.unit = _find_unit(text, ftext)
    meta.district = _find_district(text, ftext)

    if meta.doc_type in LEGAL_DOC_TYPES:
        meta.kind = "legal"
        meta.unit = None
        meta.district = None
        if meta.effective is None:
            meta.effective = _first_effective(ftext)
        if meta.issuer is None:
            first = text.split("\n", 1)[0]
            if fold(first).startswith(("chinh phu", "van phong chinh phu", "bo ", "quoc hoi", "thu tuong")):
                meta.issuer = _title_case(first.split("  ")[0].strip()).capitalize()
    else:
        meta.kind = "plan"
        meta.issuer = meta.unit
        if meta.doc_type is None and (meta.unit or meta.number):
            meta.doc_type = "Kế hoạch" if meta.number and "/KH-" in meta.number else meta.doc_type

    # ------------------------------------------------ year
    if meta.date:
        meta.year = int(meta.date[:4])
    else:
        years: list[int] = []
        if meta.title:
            years = [int(y) for y in _YEAR_IN.findall(fold(meta.title))]
        if not years and meta.number:
            years = [int(y) for y in re.findall(r"/((?:19|20)\d\d)/", meta.number)]
        if not years:
            # "… xây dựng kế hoạch … năm 2023" in the opening of the body
            m = re.search(r"xay dung\s+(?:ke hoach|k\w{0,2}e hoach)[^\n]{0,200}?\bn\w{0,2}m\s+(\d{4})", ftext)
            if m:
                years = [int(m.group(1))]
        if years:
            meta.year = years[-1]
    return meta


def short_title(meta: DocumentMeta) -> str:
    """Short display title of a document for chunk index texts and citations.

    ``"Kế hoạch 26/KH-MNHgS Trường Mầm non Hương Sen 2024"`` for a plan,
    ``"Nghị định 60/2021/NĐ-CP"`` for a legal text; falls back to the doc_id.
    """
    if meta.kind == "legal":
        parts = [meta.doc_type or "Văn bản", meta.number or ""]
    else:
        parts = [meta.doc_type or "Kế hoạch", meta.number or "", meta.unit or "", str(meta.year) if meta.year else ""]
    s = " ".join(p for p in parts if p).strip()
    if s in ("Kế hoạch", "Văn bản", ""):
        return f"{s} {meta.doc_id}".strip()
    return s
