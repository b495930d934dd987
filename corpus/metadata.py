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

from corpus.legal_refs import (
    DOC_TYPE_RE,
    LEGAL_DOC_TYPES,
    NUMBER_RE,
    canonical_number,
    doc_type_from_name,
    fold,
    parse_number,
)
from corpus.dates import (
    DATE,
    EFFECTIVE_FROM,
    EFFECTIVE_PAREN,
    NUMERIC_DATE,
    OCR_DATE,
    WORDED_DATE,
    date_from_groups,
    parse_vn_date,
)
from corpus.models import DocumentMeta
from corpus.textnorm import is_ocr_damaged, is_upper_line

__all__ = [
    "extract_metadata",
    "short_title",
    "LEGAL_DOC_TYPES",
]

# ---------------------------------------------------------------- patterns (on folded text)
# the "Số:" label of the số hiệu line; OCR reads "Số" as "S6", "$6", "Sb" …
_NUMBER_LABEL = re.compile(r"(?:^|\s)(?:so|s[o0-9b]|\$[o0-9b])\s*[:;.]\s*")
_EFFECTIVE_PAREN = re.compile(EFFECTIVE_PAREN + NUMERIC_DATE + r"\s*\)")
_EFFECTIVE_TEXT = re.compile(EFFECTIVE_FROM + DATE)
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


def _find_district(text: str, ftext: str, ocr: bool = False) -> str | None:
    """The quận/huyện/thị xã the document names most (first on ties).  In clean
    text the word must be spelled with its diacritics (``quận``, not ``quan`` of
    ``cơ quan Nhà nước``); OCR text lost them, so there the folded form counts."""
    counts: Counter[str] = Counter()
    first: dict[str, int] = {}
    for m in _DISTRICT.finditer(ftext):
        if not ocr and fold(text[m.start(1) : m.end(1)], keep_case=True).lower() == text[m.start(1) : m.end(1)].lower():
            continue  # written without diacritics in an accented text: not the word quận/huyện
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
        return date_from_groups(m.groups())
    return None


def _capitalise_first(s: str) -> str:
    s = s.strip().rstrip(".;,")
    return s[:1].upper() + s[1:] if s else s


# ---------------------------------------------------------------- header block (NĐ 30/2020, Phụ lục I)

#: the title line of the corpus's legal texts and of the guidance letters: "<LOẠI> số <số hiệu>
#: [ngày d/m/y | năm YYYY] [của <cơ quan>] <trích yếu> [(hiệu lực …)]"
_TITLE_LINE = re.compile(r"^(" + DOC_TYPE_RE + r")\s+so\s+(?=\d)")
_TITLE_DATE = re.compile(r"^\s*ngay\s+" + NUMERIC_DATE)
_TITLE_YEAR = re.compile(r"^\s*nam\s+(\d{4})")
# "của <cơ quan>" ends where the trích yếu starts (its usual first words) or at punctuation
_ISSUER_AFTER_CUA = re.compile(
    r"^\s*cua\s+(.+?)(?=\s+(?:ve|quy dinh|huong dan|ban hanh|phe duyet|sua doi|thuc hien|bai bo|cong bo|"
    r"giao nhiem vu|dinh chinh|trien khai|tang cuong|day manh|chi dao)\b|\s*[();,]|$)"
)
_QUOC_HIEU = re.compile(r"c\w{0,2}ong\s+hoa\s+xa\s+h\w{0,2}i\s+chu\s+ngh|dang\s+cong\s+san\s+viet\s+nam")
_TIEU_NGU = re.compile(r"d\w{0,2}c\s+l\w{0,2}p\s*[-–]\s*t")
# where the body starts (the header block is above)
_BODY_START = re.compile(r"^(?:can cu|kinh gui|thuc hien|dieu\s+\d|chuong\s+[ivx\d]|phan\s+[ivx\d]|[ivx]+\.\s|\d+\.\s)")
#: a place-and-date line "Hà Nội, ngày 05 tháng 3 năm 2020" / "…, ngày 19/11/2025" (folded)
_DATELINE_ANY = re.compile(r"(?:^|,|\s)\s*" + OCR_DATE)
# an authority line right under the trích yếu ("CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH", "BỘ TRƯỞNG BỘ …")
_AUTHORITY = re.compile(
    r"^(?:chu tich|bo truong|thu tuong|chinh phu|uy ban|hoi dong|giam doc|tong cuc truong|cuc truong|"
    r"chanh van phong|hieu truong|truong ban|ban chi dao|quoc hoi|thong doc|tong kiem toan|chanh an|vien truong)\b"
)
# a name line that needs the next line ("ỦY BAN NHÂN DÂN" / "TỈNH HÀ TĨNH", "BỘ NÔNG NGHIỆP VÀ" / "MÔI TRƯỜNG")
_NAME_OPEN_END = re.compile(r"(?:nhan dan|ubnd|hdnd|\bva|\bso|\bbo|&)\s*$")
_PLACE_WORD = re.compile(r"^(?:tinh|thanh pho|tp\.?|huyen|quan|thi xa|thi tran|xa|phuong|dac khu)\s")
_APPENDIX = re.compile(r"^phu luc(?:\s+(?:so\s+)?([ivxlc]+|\d+[a-z]?))?\s*$|^phu luc\s+([ivxlc]+|\d+[a-z]?)\b")
_ATTACHED_TO = re.compile(
    r"\(?\s*(?:ban hanh\s+)?kem theo\s+(" + DOC_TYPE_RE + r")\s+(?:so\s+)?(?=\d)"
)
_NQ_PASSED = re.compile(r"\bthong qua\s+(?:[^.;\n]{0,80}?\s)?ngay\s+" + WORDED_DATE)
_VV = re.compile(r"^(?:v\s*/\s*v|ve viec)\s*[:.]?\s*")
_ORG_HEADS = ("bo", "so", "cuc", "vu", "ban", "phong", "truong", "vien", "hoc vien", "tong cuc", "chi cuc",
              "van phong", "trung tam", "ngan hang", "thanh tra", "toa an", "dai hoc", "cong ty", "bao hiem")
_PLACE_HEADS = ("thanh pho", "thi xa", "thi tran", "dac khu", "tinh", "huyen", "quan", "xa", "phuong")
#: folded words written in capitals that are Vietnamese words, not abbreviations
_NOT_ABBREV = re.compile(r"^(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnpqrstvx])?[aeiouy]+(?:ng|nh|ch|[cmnptk])?$")


def _org_case(name: str) -> str:
    """Spelling of a cơ quan name written in capitals, after NĐ 30/2020, Phụ lục II
    (viết hoa tên cơ quan): first word and each proper-name part capitalised, a place
    name after its tỉnh/thành phố/xã/phường… capitalised, abbreviations kept.

    ``"ỦY BAN NHÂN DÂN TỈNH HÀ TĨNH"`` → ``"Ủy ban nhân dân tỉnh Hà Tĩnh"``;
    ``"BỘ TÀI CHÍNH"`` → ``"Bộ Tài chính"``; ``"VĂN PHÒNG CHÍNH PHỦ"`` → ``"Văn phòng Chính phủ"``;
    ``"SỞ KHOA HỌC VÀ CÔNG NGHỆ"`` → ``"Sở Khoa học và Công nghệ"``; ``"UBND QUẬN GÒ VẤP"`` →
    ``"UBND quận Gò Vấp"``. A name not written in capitals is returned as written.
    """
    name = " ".join(name.split()).strip(" -–_.,;:’'\"|")
    if not is_upper_line(name, min_letters=2):
        return name
    words = name.split()
    fw = [fold(w) for w in words]
    out: list[str] = []
    i, place, cap_next = 0, False, True
    while i < len(words):
        w, f = words[i], fw[i]
        if w.isalpha() and len(w) > 1 and not _NOT_ABBREV.match(f):
            out.append(w)  # UBND, HĐND, GDĐT
            i, cap_next = i + 1, False
            continue
        head = next((h for h in _PLACE_HEADS if " ".join(fw[i : i + len(h.split())]) == h), None)
        if head and out and i + len(head.split()) < len(words):
            n = len(head.split())
            out.extend(x.lower() for x in words[i : i + n])
            i, place = i + n, True
            continue
        out.append(w[:1] + w[1:].lower() if (place or cap_next) else w.lower())
        n0 = i - 1 if i and " ".join(fw[i - 1 : i + 1]) in _ORG_HEADS else i
        org = " ".join(fw[n0 : i + 1]) in _ORG_HEADS and (n0 == 0 or not _NOT_ABBREV.match(fw[n0 - 1]))
        cap_next = org or f == "va"
        i += 1
    s = " ".join(out)
    s = re.sub(r"\bchính phủ\b", "Chính phủ", s, flags=re.IGNORECASE)
    s = re.sub(r"\bquốc hội\b", "Quốc hội", s, flags=re.IGNORECASE)
    return s[:1].upper() + s[1:]


def _issuer_lines(lines: list[str]) -> list[str]:
    """Header name lines (cut before the Quốc hiệu / Tiêu ngữ of a merged two-column line)
    merged where a line needs the next one; returns [cơ quan chủ quản…, cơ quan ban hành]."""
    names: list[str] = []
    for ln in lines:
        f = fold(ln)
        cut = len(ln)
        for rx in (_QUOC_HIEU, _TIEU_NGU):
            m = rx.search(f)
            if m:
                cut = min(cut, m.start())
        part = ln[:cut].strip(" -–_.,;:’'\"|")
        if not part or not is_upper_line(part, min_letters=2) or _NUMBER_LABEL.match(" " + fold(part)):
            continue
        if set(part) <= set("-–_=. "):
            continue
        if names and (_NAME_OPEN_END.search(fold(names[-1])) or len(part.split()) == 1 or
                      (_PLACE_WORD.match(fold(part) + " ") and not any(
                          re.search(rf"\b{h}\b", fold(names[-1])) for h in _PLACE_HEADS))):
            names[-1] = f"{names[-1]} {part}"
        else:
            names.append(part)
    return names[-2:]


def _read_title_line(meta: DocumentMeta, line: str, fline: str, ocr: bool) -> bool:
    """The corpus's title line ``NGHỊ ĐỊNH số 60/2021/NĐ-CP ngày 21/6/2021 của Chính phủ …``."""
    m = _TITLE_LINE.match(fline)
    if not m:
        return False
    nm = NUMBER_RE.match(line, m.end())
    if not nm:
        return False
    meta.doc_type = doc_type_from_name(m.group(1)) or m.group(1).title()
    meta.number = canonical_number(nm.group(0), ocr=ocr)
    pos = nm.end()
    dm = _TITLE_DATE.match(fline[pos:])
    if dm:
        meta.date = parse_vn_date(*dm.groups())
        pos += dm.end()
    else:
        ym = _TITLE_YEAR.match(fline[pos:])
        if ym:
            meta.year = int(ym.group(1))
            pos += ym.end()
    im = _ISSUER_AFTER_CUA.match(fline[pos:])
    if im:
        meta.issuer = _capitalise_first(line[pos + im.start(1) : pos + im.end(1)])
        pos += im.end(1)
    rest = re.sub(r"\(\s*hiệu lực[^)]*\)", "", line[pos:], flags=re.IGNORECASE)
    if rest.strip(" ,;.-"):
        meta.title = _capitalise_first(rest.strip(" ,;-")) or None
    eff = _EFFECTIVE_PAREN.search(fline)
    if eff:
        meta.effective = parse_vn_date(*eff.groups())
    return True


def _read_appendix(meta: DocumentMeta, lines: list[str], flines: list[str], ocr: bool) -> int | None:
    """A Phụ lục issued as its own file: ``Phụ lục I`` first, then its title and
    ``(Kèm theo Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ)``.
    Returns the index of the line after the parent reference, or ``None``."""
    if not flines or not _APPENDIX.match(flines[0]):
        return None
    label = lines[0].strip()
    title: list[str] = []
    for i in range(1, min(len(lines), 8)):
        m = _ATTACHED_TO.search(flines[i])
        if m:
            nm = NUMBER_RE.match(lines[i], m.end())
            if not nm:
                return None
            meta.appendix = " ".join(label.split()[:3])
            parent_type = doc_type_from_name(m.group(1))
            meta.doc_type = "Phụ lục"
            meta.parent_type = parent_type
            meta.number = canonical_number(nm.group(0), ocr=ocr)
            tail = flines[i][nm.end() :]
            dm = _DATELINE_ANY.match(tail)
            if dm:
                meta.date = parse_vn_date(*dm.groups())
                tail_off = nm.end() + dm.end()
            else:
                tail_off = nm.end()
            im = _ISSUER_AFTER_CUA.match(flines[i][tail_off:])
            if im:
                meta.issuer = _capitalise_first(lines[i][tail_off + im.start(1) : tail_off + im.end(1)])
            if title:
                t = " ".join(title)
                meta.title = f"{meta.appendix}: {_capitalise_first(t if not is_upper_line(t) else t[:1] + t[1:].lower())}"
            return i + 1
        if lines[i].strip():
            title.append(lines[i].strip())
    return None


def _own_date(ftext: str, number: str | None, doc_type: str | None) -> str | None:
    """Ngày ban hành from the text's reference to itself: an annex headed
    ``(Ban hành kèm theo Thông tư số 09/2026/TT-BTP ngày 15 tháng 6 năm 2026 …)``, or
    ``Nghị quyết này … thông qua ngày …`` of a Nghị quyết."""
    if number:
        key = fold(number)
        for m in re.finditer(re.escape(key) + r"\s*,?\s*" + OCR_DATE, ftext):
            before = ftext[max(0, m.start() - 60) : m.start()]
            if "kem theo" in before:
                return parse_vn_date(*m.groups())
    if doc_type == "Nghị quyết":
        m = _NQ_PASSED.search(ftext)
        if m:
            return parse_vn_date(*m.groups())
    return None


def _trich_yeu(lines: list[str], flines: list[str], start: int) -> str | None:
    """Trích yếu: the paragraph(s) right under the loại văn bản line."""
    parts: list[str] = []
    upper_run = False
    for i in range(start, min(len(lines), start + 6)):
        s, fs = lines[i].strip(), flines[i].strip()
        if not s:
            continue
        if parts and re.match(r"^thuc hien\b", fs):
            break
        if re.match(r"^(can cu|kinh gui|xet de nghi|theo de nghi)\b", fs) \
                or (_BODY_START.match(fs) and not fs.startswith("thuc hien")) \
                or _NUMBER_LABEL.match(" " + fs) or (len(s) > 400 and not is_upper_line(s[:60])):
            break
        if parts and (_AUTHORITY.match(fs) or not (s[:1].islower() or (upper_run and is_upper_line(s)))):
            break
        if not parts and _AUTHORITY.match(fs) and is_upper_line(s):
            break
        parts.append(s)
        upper_run = is_upper_line(s)
        if s.endswith((";", ".")) or len(" ".join(parts)) > 300:
            break
    if not parts:
        return None
    t = _cut_at_case_change(" ".join(parts))
    return _capitalise_first(t[:600])


def _cut_at_case_change(t: str) -> str:
    """A trích yếu in capitals ends where running text starts (two words in lower
    case in a row): ``"KẾT LUẬN … TẠI NINH BÌNH Ngày 18 tháng 11 …"`` → ``"KẾT LUẬN … TẠI NINH BÌNH"``."""
    words = t.split(" ")
    if len(words) < 4 or not is_upper_line(" ".join(words[:3]), min_letters=4):
        return t
    for j in range(3, len(words) - 1):
        if any(c.islower() for c in words[j]) and any(c.islower() for c in words[j + 1]):
            return " ".join(words[:j])
    return t


#: a loại văn bản name opening a capitals line that also carries the trích yếu
#: ("QUYẾT ĐỊNH CÔNG BỐ THỦ TỤC …", "- NGHỊ QUYẾT VỀ VIỆC …")
_TYPE_PREFIX = re.compile(r"^[-–•*\s]*(" + DOC_TYPE_RE + r")\s+(?=\S)")


def _split_type_line(line: str, fline: str) -> tuple[str, str] | None:
    """(loại văn bản, trích yếu) of a capitals line that starts with the loại name."""
    m = _TYPE_PREFIX.match(fline)
    if not m or fline.rstrip().endswith(":") or not is_upper_line(line) or len(line.split()) < 4:
        return None
    dtype = doc_type_from_name(m.group(1))
    if dtype is None or dtype in ("Luật", "Đề án", "Quy định", "Hướng dẫn"):
        return None
    return dtype, line[m.end() :].strip()


def extract_metadata(text: str, doc_id: str, path: str = "", ocr: bool | None = None) -> DocumentMeta:
    """Read the metadata of one văn bản from its normalised text.

    ``text`` is the output of :func:`corpus.loaders.normalize_document_text`
    (for OCR-damaged scans the pipeline passes the repaired header).
    Returns a :class:`DocumentMeta` with ``kind`` ``"legal"`` for Nghị định,
    Thông tư, … (and their Phụ lục) and ``"plan"`` otherwise; fields that
    cannot be read are ``None``: a date is only ever read from the text.
    Never raises on odd text.  ``content_hash`` and ``ocr_damaged`` are left
    for the pipeline to set.  ``ocr``: the text is (repaired) OCR output, so
    OCR look-alikes in the số hiệu are repaired
    (:func:`corpus.legal_refs.canonical_number` with ``ocr=True``); ``None``
    decides with :func:`corpus.textnorm.is_ocr_damaged` on the first 4,000
    characters (where the header is).

    Reading order (NĐ 30/2020/NĐ-CP, Phụ lục I, for where each field sits):

    1. the title line of legal texts in this corpus (after ``SOURCE:``), or a
       Phụ lục's ``(Kèm theo <loại> số … ngày … của …)`` line;
    2. the header block above the loại văn bản line: tên cơ quan (cơ quan
       chủ quản on the first line when there are two names), ``Số:`` line,
       place-and-date line (địa danh, ngày ban hành) — whether it comes as
       separate lines (DOCX table, crawled Markdown) or as the two columns of
       a PDF merged on one line;
    3. the trích yếu under the loại văn bản line, or the ``V/v`` line of a
       công văn;
    4. fallbacks: loại from the số hiệu's code, ngày ban hành from the text's
       own ``kèm theo … số <own number> ngày …`` or a Nghị quyết's ``thông qua ngày``.
    """
    if ocr is None:
        ocr = is_ocr_damaged(text[:4000])
    meta = DocumentMeta(doc_id=doc_id, path=path)
    ftext = fold(text)
    lines_o = _lines_with_offsets(text)
    lines = [ln for _, ln in lines_o]
    flines = [ln for _, ln in _lines_with_offsets(ftext)]
    nz = [i for i, ln in enumerate(lines) if ln.strip()]  # non-empty line indexes
    head_idx = nz[:60]

    # ------------------------------------------------ 1. corpus title line / Phụ lục
    title_idx = None
    after_source = False
    for k, i in enumerate(head_idx[:12]):
        fline = flines[i].strip()
        if fline.startswith("source:") and meta.source is None:
            meta.source = lines[i].split(":", 1)[1].strip()
            after_source = True
            continue
        if after_source and re.match(r"^(?:alt_source|note)\b", fline):
            continue  # further provenance lines of the corpus's legal texts
        # the title line is the document's first line or the one after its SOURCE line
        if (k == 0 or after_source) and meta.number is None and _read_title_line(meta, lines[i].strip(), fline, ocr):
            title_idx = i
            break
        after_source = False
    appendix_end = None
    if meta.number is None:
        appendix_end = _read_appendix(meta, [lines[i] for i in nz[:10]], [flines[i] for i in nz[:10]], ocr)

    # ------------------------------------------------ 2. header block
    type_pos = None  # position in nz of the loại văn bản line
    for k, i in enumerate(head_idx):
        fl = flines[i].strip().lstrip("-–•* ")
        if k + 1 < len(head_idx) and 0 < len(fl) <= 12 and len(flines[head_idx[k + 1]].strip()) <= 12:
            # a loại name broken over two lines by a crawl ("THÔNG" / "TƯ")
            two = f"{fl} {flines[head_idx[k + 1]].strip()}"
            if doc_type_from_name(two) and not doc_type_from_name(fl):
                meta.doc_type = meta.doc_type or doc_type_from_name(two)
                type_pos = k + 1
                break
        if _BODY_START.match(fl) and not fl.startswith("thuc hien"):
            break  # the loại line stands above the body (Căn cứ, Kính gửi, Điều 1, I./1.)
        if len(fl) <= 30 and doc_type_from_name(fl.rstrip(":")) and not fl.endswith(":"):
            type_pos = k
            break
        if k >= 2 and _split_type_line(lines[i].strip(), fl):
            type_pos = k
            break
    if type_pos is not None:
        header = head_idx[:type_pos]
    else:
        header = []
        for i in head_idx[:20]:
            if _BODY_START.match(flines[i].strip()) and header:
                break
            header.append(i)
    if title_idx is not None or appendix_end is not None:
        header = []
    split_title = None
    if type_pos is not None and meta.doc_type is None:
        ti = head_idx[type_pos]
        meta.doc_type = doc_type_from_name(flines[ti].strip().lstrip("-–•* "))
        if meta.doc_type is None:
            meta.doc_type, split_title = _split_type_line(lines[ti].strip(), flines[ti].strip())
    head_text = "\n".join(lines[i] for i in header)
    head_f = "\n".join(flines[i] for i in header)

    if meta.number is None and header:
        for lm in _NUMBER_LABEL.finditer(head_f):
            m = NUMBER_RE.match(head_text, lm.end())
            if m:
                meta.number = canonical_number(m.group(0), ocr=ocr)
                break
    if header:
        for i in header:
            dm = _DATELINE_ANY.search(flines[i])
            if not dm or "can cu" in flines[i]:
                continue
            d = parse_vn_date(*dm.groups())
            if not d:
                continue
            meta.date = meta.date or d
            # địa danh: the words before ", ngày" (after a số hiệu on the same merged line)
            before = lines[i][: dm.start()].rstrip(" ,")
            nm = list(NUMBER_RE.finditer(before))
            if nm:
                before = before[nm[-1].end() :]
            place = before.strip(" ,;:-–*_")
            if place and len(place) <= 60 and not _NUMBER_LABEL.match(" " + fold(place)):
                meta.place = place
            break
        stop = len(header)
        for k, i in enumerate(header):
            if _NUMBER_LABEL.match(" " + flines[i]) or _DATELINE_ANY.search(flines[i]):
                stop = k
                break
        names = _issuer_lines([lines[i] for i in header[:stop]][:6])
        if names:
            meta.issuer = _org_case(names[-1])
            if len(names) > 1:
                meta.governing_body = _org_case(names[0])

    # ------------------------------------------------ 3. trích yếu
    if meta.title is None and split_title:
        meta.title = _capitalise_first(_cut_at_case_change(split_title))
    if meta.title is None and type_pos is not None:
        meta.title = _trich_yeu(lines, flines, head_idx[type_pos] + 1)
    if meta.title is None and header:
        for i in header:
            vm = _VV.match(flines[i].strip())
            if vm and fold(lines[i].strip())[:3] in ("v/v", "v /", "ve "):
                t = lines[i].strip()[vm.end() :].strip()
                if t:
                    meta.title = _capitalise_first(t)
                    if meta.doc_type is None:
                        meta.doc_type = "Công văn"
                break

    if meta.issuer is None and type_pos is not None:
        # no tên cơ quan in the header: a body named on the authority line under the trích yếu
        # ("ỦY BAN THƯỜNG VỤ QUỐC HỘI" above the Căn cứ of its Nghị quyết)
        for i in head_idx[type_pos + 1 : type_pos + 6]:
            fl = flines[i].strip()
            if re.match(r"^(?:can cu|dieu\s+\d)", fl):
                break
            if is_upper_line(lines[i]) and re.match(r"^(?:uy ban|hoi dong|chinh phu|quoc hoi|ban chi dao|ban thuong vu)\b", fl):
                meta.issuer = _org_case(lines[i].strip())
                break

    # ------------------------------------------------ 4. fallbacks
    p = parse_number(meta.number) if meta.number else None
    if p is not None and p.doc_type == "Văn bản hợp nhất":
        meta.doc_type = p.doc_type  # a consolidated text keeps the loại line of the text it consolidates
    if meta.doc_type is None and p is not None:
        meta.doc_type = p.doc_type or ("Công văn" if not p.party and len(p.codes) >= 2 else None)
    if meta.date is None:
        meta.date = _own_date(ftext, meta.number, meta.doc_type)

    # ------------------------------------------------ unit / district / issuer
    meta.unit = _find_unit(text, ftext)
    meta.district = _find_district(text, ftext, ocr)

    legal = meta.doc_type in LEGAL_DOC_TYPES or (meta.doc_type == "Phụ lục" and meta.parent_type in LEGAL_DOC_TYPES)
    if legal:
        meta.kind = "legal"
        meta.unit = None
        meta.district = None
        if meta.effective is None:
            meta.effective = _first_effective(ftext)
        if meta.effective is None and meta.date and re.search(
                r"co hieu luc(?: thi hanh)?\s+(?:ke\s+)?tu\s+ngay\s+ky\b", ftext):
            meta.effective = meta.date  # "có hiệu lực thi hành kể từ ngày ký"
    else:
        meta.kind = "plan"
        if meta.unit and (meta.issuer is None or fold(meta.issuer).startswith("truong")):
            meta.issuer = meta.unit
        if meta.doc_type is None and (meta.unit or meta.number):
            meta.doc_type = "Kế hoạch" if meta.number and "/KH-" in meta.number else meta.doc_type

    # ------------------------------------------------ year
    if meta.date:
        meta.year = int(meta.date[:4])
    elif meta.year is None:
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
    ``"Nghị định 60/2021/NĐ-CP"`` for a legal text, ``"Phụ lục I Nghị định 30/2020/NĐ-CP"``
    for a Phụ lục issued as its own file, the title (≤ 100 characters) of a legal
    text without số hiệu (``"Luật Phòng, chống ma túy"``); falls back to the doc_id.
    """
    if meta.appendix:
        parts = [meta.appendix, meta.parent_type or "", meta.number or ""]
    elif meta.kind == "legal" and not meta.number and meta.title:
        # a văn bản known by name only ("Luật Phòng, chống ma túy"): its name is its title
        t = meta.title if not meta.doc_type or fold(meta.title).startswith(fold(meta.doc_type)) else (
            f"{meta.doc_type} {meta.title}")
        return t if len(t) <= 100 else t[:100].rsplit(" ", 1)[0] + " …"
    elif meta.kind == "legal":
        parts = [meta.doc_type or "Văn bản", meta.number or ""]
    else:
        parts = [meta.doc_type or "Kế hoạch", meta.number or "", meta.unit or "", str(meta.year) if meta.year else ""]
    s = " ".join(p for p in parts if p).strip()
    if s in ("Kế hoạch", "Văn bản", ""):
        return f"{s} {meta.doc_id}".strip()
    return s
