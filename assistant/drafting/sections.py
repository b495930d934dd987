"""Map the sections of a kế hoạch onto the canonical CCHC plan skeleton.

The bundled school plans share one skeleton (the district's template):
Căn cứ …; I. Mục đích, yêu cầu / Mục tiêu; II. Chỉ tiêu; III. Nhiệm vụ trọng
tâm in the eight CCHC areas (the eight nhiệm vụ of Nghị quyết 76/NQ-CP
Chương trình tổng thể CCHC 2021–2030 as the districts phrase them); IV. Kinh
phí; V. Tổ chức thực hiện; Nơi nhận. Plans that deviate (the PAPI plan's
"Nhóm giải pháp…", the PAR-Index plan's twelve numbered "Nhiệm vụ và giải
pháp", the TTHC plan's "Nội dung thực hiện" by bộ phận) are mapped item by
item with a keyword classifier over the eight areas.

Public API: :data:`SKELETON`, :data:`AREAS`, :func:`resolve_section`,
:func:`classify_area`, :func:`split_plan` (text → :class:`PlanItem` list),
:func:`preamble_bases` (the "Căn cứ / Thực hiện" lines).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from corpus.legal_refs import find_numbers, fold

# (key, title) in document order. "nv1".."nv8" are the 8 areas of III.
AREAS: list[tuple[str, str]] = [
    ("nv1", "Công tác chỉ đạo, điều hành và truyền thông về cải cách hành chính"),
    ("nv2", "Cải cách thể chế"),
    ("nv3", "Cải cách thủ tục hành chính"),
    ("nv4", "Cải cách tổ chức bộ máy hành chính nhà nước"),
    ("nv5", "Cải cách chế độ công vụ"),
    ("nv6", "Cải cách tài chính công"),
    ("nv7", "Xây dựng và phát triển chính quyền điện tử, chính quyền số"),
    ("nv8", "Khảo sát, đánh giá sự hài lòng của người dân, tổ chức"),
]
SKELETON: list[tuple[str, str]] = [
    ("muc_dich", "MỤC ĐÍCH, YÊU CẦU"),
    ("chi_tieu", "CHỈ TIÊU"),
    *AREAS,
    ("kinh_phi", "KINH PHÍ THỰC HIỆN"),
    ("to_chuc", "TỔ CHỨC THỰC HIỆN"),
]
SECTION_KEYS = [k for k, _ in SKELETON]
TITLES = dict(SKELETON)

# Aliases accepted by --section and in chat requests (folded, lower-case).
_ALIASES: list[tuple[str, str]] = [
    (r"muc dich|yeu cau|muc tieu", "muc_dich"),
    (r"chi tieu", "chi_tieu"),
    (r"chi dao|dieu hanh|truyen thong|tuyen truyen", "nv1"),
    (r"the che", "nv2"),
    (r"thu tuc hanh chinh|tthc", "nv3"),
    (r"bo may", "nv4"),
    (r"cong vu", "nv5"),
    (r"tai chinh", "nv6"),
    (r"chinh quyen dien tu|chinh quyen so|chuyen doi so|dien tu", "nv7"),
    (r"hai long|khao sat", "nv8"),
    (r"kinh phi", "kinh_phi"),
    (r"to chuc thuc hien", "to_chuc"),
]


def resolve_section(name: str | None) -> str:
    """``"all"``/None → ``"all"``; a key (``"nv3"``, ``"chi_tieu"``), an area
    number (``"3"``) or a Vietnamese name (``"cải cách TTHC"``, ``"chỉ tiêu"``)
    → its key. Raises ``ValueError`` for an unknown name."""
    if name is None or name.strip().lower() in ("", "all", "tat ca", "tất cả"):
        return "all"
    n = name.strip()
    if n in SECTION_KEYS:
        return n
    if n.isdigit() and 1 <= int(n) <= 8:
        return f"nv{int(n)}"
    f = fold(n)
    for pat, key in _ALIASES:
        if re.search(pat, f):
            return key
    raise ValueError(f"không rõ mục kế hoạch: {name!r} (dùng all, {', '.join(SECTION_KEYS)})")


# Keyword weights per area for items that sit under no recognisable area heading.
_AREA_KEYWORDS: dict[str, list[str]] = {
    "nv1": ["chi dao", "dieu hanh", "tuyen truyen", "truyen thong", "kiem tra", "thi dua", "sang kien",
            "mo hinh", "bao cao", "chi so", "par index", "papi", "trach nhiem nguoi dung dau", "tap huan"],
    "nv2": ["van ban quy pham", "phap luat", "the che", "phap che"],
    "nv3": ["thu tuc hanh chinh", "thu tuc", "ho so", "phan anh", "kien nghi", "mot cua", "tre han",
            "tre hen", "dich vu cong", "khieu nai"],
    "nv4": ["to chuc bo may", "bo may", "bien che", "sap xep", "phan cap", "uy quyen", "tinh gian",
            "chuc nang, nhiem vu"],
    "nv5": ["cong vu", "vien chuc", "vi tri viec lam", "tuyen dung", "quy tac ung xu", "ky luat", "ky cuong",
            "van hoa cong vu", "dao tao", "boi duong", "tham nhung", "khen thuong", "can bo nang dong"],
    "nv6": ["tai chinh", "ngan sach", "tai san cong", "tu chu", "xa hoi hoa", "kinh phi", "hoc phi",
            "thanh toan"],
    "nv7": ["cong nghe thong tin", "chuyen doi so", "dien tu", "chu ky so", "so hoa", "truc tuyen",
            "phan mem", "thu dien tu", "chinh quyen so", "trang thong tin", "cong thong tin"],
    "nv8": ["hai long", "khao sat", "lang nghe", "doi thoai", "y kien dong gop"],
}
# Area headings: the first matching pattern wins.
_AREA_HEADINGS: list[tuple[str, str]] = [
    (r"chi dao|dieu hanh|tuyen truyen|truyen thong", "nv1"),
    (r"the che", "nv2"),
    (r"thu tuc hanh chinh|tthc", "nv3"),
    (r"bo may", "nv4"),
    (r"che do cong vu|kiem soat tham nhung", "nv5"),
    (r"tai chinh cong", "nv6"),
    (r"chinh quyen dien tu|chinh quyen so|quan tri dien tu", "nv7"),
    (r"hai long", "nv8"),
]


# Phrases that make a text a CCHC task of one area (folded). Stricter than
# _AREA_KEYWORDS: used for documents that are not CCHC plans (guidance for a
# school year), where most paragraphs are about teaching, not about reform.
_AREA_STRICT: dict[str, list[str]] = {
    "nv1": ["tuyen truyen", "truyen thong", "pho bien", "trach nhiem giai trinh", "trach nhiem nguoi dung dau",
            "kiem tra, giam sat", "cai cach hanh chinh"],
    "nv2": ["quy che", "van ban quy pham", "the che", "quy dinh noi bo"],
    "nv3": ["thu tuc hanh chinh", "dich vu cong", "phan anh, kien nghi", "mot cua"],
    "nv4": ["sap xep", "to chuc bo may", "dau moi", "phan cap", "phan quyen", "tinh gon", "sap nhap", "hop nhat",
            "mang luoi co so giao duc", "mang luoi truong"],
    "nv5": ["tuyen dung", "vi tri viec lam", "dieu dong", "thuyen chuyen", "biet phai", "bo nhiem", "chuc danh nghe nghiep",
            "thang hang", "chuan nghe nghiep", "bien che", "ky cuong", "ky luat", "quy tac ung xu", "hop dong lao dong",
            "boi duong"],
    "nv6": ["thu, chi", "khoan thu", "tai tro", "tai chinh", "ngan sach", "tai san cong", "tu chu", "kinh phi"],
    "nv7": ["chuyen doi so", "hoc ba so", "co so du lieu", "du lieu", "nen tang so", "cong nghe thong tin", "so hoa",
            "truc tuyen", "chu ky so", "ha tang so", "quan tri so"],
    "nv8": ["hai long", "khao sat", "lay y kien"],
}


def cchc_area(text: str, prior: str | None = None) -> str | None:
    """The CCHC area (``"nv1"`` … ``"nv8"``) a text of a non-plan document
    is a task of: the area with most distinct phrases of :data:`_AREA_STRICT`
    in it (``prior`` wins a tie), or None when it names none."""
    f = fold(text)
    scores = {k: sum(1 for w in ws if w in f) for k, ws in _AREA_STRICT.items()}
    best = max(scores.values())
    if best == 0:
        return None
    if prior and scores.get(prior, 0) == best:
        return prior
    return max(scores, key=lambda k: (scores[k], -int(k[2])))


def classify_heading(title: str) -> str | None:
    """Area key of a heading such as ``"3. Cải cách thủ tục hành chính (TTHC)"``
    or ``"Chỉ số nội dung 8 “Quản trị điện tử”"``; None when it names no area."""
    f = fold(title)
    for pat, key in _AREA_HEADINGS:
        if re.search(pat, f):
            return key
    return None


def classify_area(text: str, prior: str | None = None) -> str:
    """Area key ``"nv1"``…``"nv8"`` whose keywords occur most in ``text``;
    ``prior`` (the enclosing heading's area) wins ties and empty scores;
    ``"nv1"`` (chỉ đạo, điều hành) when nothing matches."""
    f = fold(text)
    scores = {k: sum(f.count(w) for w in ws) for k, ws in _AREA_KEYWORDS.items()}
    best = max(scores.values())
    if best == 0:
        return prior or "nv1"
    if prior and scores.get(prior, 0) == best:
        return prior
    return max(scores, key=lambda k: (scores[k], -int(k[2])))


@dataclass
class PlanItem:
    """One item (nhiệm vụ, chỉ tiêu, …) of a source plan.

    ``key``: canonical section key (see :data:`SKELETON`); ``path``: its place
    in the source, e.g. ``"III > 3 > 3.3"``; ``heading``: the enclosing
    heading text; ``text``: the item text (reflowed, numbering removed)."""

    key: str
    path: str
    heading: str
    text: str
    doc_id: str = ""
    extra: dict = field(default_factory=dict)


_ROMAN = re.compile(r"^(?P<num>[IVX]{1,4}|I1{1,2}|Il|IL)\.\s+(?P<title>\S.*)$")
_NUM = re.compile(r"^(?P<num>\d{1,2}(?:\.\d{1,2}){0,2})\.(?=\s|[A-ZĐ])\s*(?P<title>\S.*)$")
_BULLET = re.compile(r"^(?P<b>[-*+•–])\s*(?P<title>\S.*)$")
_START_BASE = re.compile(r"^(Căn cứ|Thực hiện|Tiếp tục thực hiện)\b")
_POINT = re.compile(r"^[a-zđ]\)\s")
_NOISE = re.compile(r"\[bookmark:[^\]]*\]")
_UPPER = re.compile(r"^[\"“(]?[A-ZĐÀ-Ỹ]")


def reflow(text: str) -> list[str]:
    """Join hard-wrapped lines (PDF text) into paragraphs.

    A new paragraph starts at a numbered/bulleted/roman line or a point ("a) …"), after an
    upper-case heading line, or at a line starting upper-case after a line
    that ends in ``. ; : ! ?`` or is short (< 70 % of the document's 90th
    percentile line length: the last line of a wrapped paragraph). A line
    ending in ``-`` directly after a letter is joined without space
    (``08/CT-`` + ``UBND``). Page-number lines (digits only) are dropped."""
    lines = [ln.strip().strip("\u00a0").strip() for ln in _NOISE.sub("", text).splitlines()]
    lines = [ln for ln in lines if ln and not ln.isdigit()]
    lens = sorted(len(ln) for ln in lines) or [0]
    short = 0.7 * lens[int(0.9 * (len(lens) - 1))]
    paras: list[str] = []
    prev_line = ""
    for line in lines:
        starts = bool(_ROMAN.match(line) or _NUM.match(line) or _BULLET.match(line) or _POINT.match(line)
                      or _START_BASE.match(line))
        prev = paras[-1] if paras else ""
        new_para = starts or not paras or (
            _UPPER.match(line) and (prev.rstrip()[-1:] in ".;:!?" or len(prev_line) < short or _is_upper(prev_line))
        )
        if not new_para:
            if re.search(r"[A-Za-zĐđ0-9]-$", prev):
                paras[-1] = prev + line
            else:
                paras[-1] = prev.rstrip() + " " + line
        else:
            paras.append(line)
        prev_line = line
    out = [re.sub(r"\s{2,}", " ", p).strip() for p in paras]
    # "187/QĐ- UBND" → "187/QĐ-UBND" (a space inside a số hiệu)
    return [re.sub(r"(\d/[A-ZĐ]{1,6})-\s+([A-ZĐ])", r"\1-\2", p) for p in out]


def _is_upper(line: str) -> bool:
    letters = [c for c in line if c.isalpha()]
    return len(letters) >= 4 and sum(c.isupper() for c in letters) >= 0.85 * len(letters)


def _top_key(title: str) -> str | None:
    f = fold(title)
    if re.search(r"to chuc thuc hien|^phan cong thuc hien", f):
        return "to_chuc"
    if "kinh phi" in f:
        return "kinh_phi"
    if "chi tieu" in f and "nhiem vu" not in f:
        return "chi_tieu"
    if re.search(r"muc dich|yeu cau|muc tieu", f):
        return "muc_dich"
    if re.search(r"nhiem vu|giai phap|noi dung|phan cong", f):
        return "nhiem_vu"
    return None


def _heading_like(title: str, nxt: str | None) -> bool:
    """A numbered line is a heading (not an item) when it is short and
    followed by deeper numbered entries, or ends with a colon, or is short,
    unpunctuated and followed by bullets/paragraphs."""
    t = title.strip()
    if t.endswith(":"):
        return True
    if nxt is None:
        return False
    nm = _NUM.match(nxt)
    if nm and "." in nm.group("num"):
        return len(t) < 110
    return len(t) < 110 and not t.endswith((".", ";"))


def preamble_bases(text: str) -> list[str]:
    """The "Căn cứ …" / "Thực hiện …" paragraphs before the first roman heading."""
    out = []
    for p in reflow(text):
        if _ROMAN.match(p):
            break
        if _START_BASE.match(p) and find_numbers(p):
            out.append(p.rstrip(" ;."))
    return out


def split_plan(text: str, doc_id: str = "") -> list[PlanItem]:
    """Split a plan's text into :class:`PlanItem` mapped to the skeleton.

    Items are the numbered (``1.1.``) or bulleted (``-``) entries and free
    paragraphs under a section; short numbered lines followed by deeper
    entries are headings (kept in ``heading``). In III, a heading naming an
    area fixes the area of its items; other items are classified with
    :func:`classify_area`. Skipped: preamble, "Trên đây là …", "(Nội dung chi
    tiết … phụ lục …)", Nơi nhận and what follows it."""
    paras = reflow(text)
    items: list[PlanItem] = []
    top: str | None = None
    roman = ""
    area_prior: str | None = None
    l2 = ""  # current level-2 number ("3")
    heading = l2_heading = ""
    cur: PlanItem | None = None
    cur_is_numbered = False
    for i, p in enumerate(paras):
        f = fold(p)
        if f.startswith("noi nhan"):
            break
        if f.startswith("tren day la") or (p.startswith("(") and "phu luc" in f) or f.endswith("nhu sau:"):
            cur = None
            continue
        m = _ROMAN.match(p)
        if m and (_top_key(m.group("title")) or p.upper() == p):
            top = _top_key(m.group("title")) or top
            roman = {"I1": "II", "I11": "III", "Il": "II", "IL": "II"}.get(m.group("num"), m.group("num"))
            area_prior, l2, heading, cur = None, "", m.group("title").strip(), None
            continue
        if top is None or _is_upper(p):
            continue
        nxt = paras[i + 1] if i + 1 < len(paras) else None
        nm = _NUM.match(p)
        bm = _BULLET.match(p)
        if nm:
            num, body = nm.group("num"), nm.group("title").strip()
            depth = num.count(".") + 1
            nxt_deeper = nxt is not None and bool(
                _BULLET.match(nxt) or (_NUM.match(nxt) and _NUM.match(nxt).group("num").count(".") + 1 > depth)
                or not (_NUM.match(nxt) or _ROMAN.match(nxt))
            )
            if depth == 1:
                l2, l2_heading = num, ""
            elif l2_heading:
                heading = l2_heading
            if depth == 1 and nxt is not None and _NUM.match(nxt) and "." in _NUM.match(nxt).group("num") and len(body) < 110:
                nxt_deeper = True
            if _heading_like(body, nxt if nxt_deeper else None):
                heading = body.rstrip(":").strip()
                if depth == 1:
                    l2_heading = heading
                if top == "nhiem_vu" and depth == 1:
                    area_prior = classify_heading(body)
                cur = None
                continue
            cur = _new_item(top, area_prior, f"{roman} > {l2}" + (f" > {num}" if depth > 1 else ""), heading, body, doc_id)
            items.append(cur)
            cur_is_numbered = True
            continue
        body = bm.group("title").strip() if bm else p
        if not bm and cur is not None and cur_is_numbered:
            cur.text += " " + body  # continuation paragraph of a numbered item
            continue
        if bm and body.endswith(":") and len(body) < 110:
            heading = body.rstrip(":")
            cur = None
            continue
        if p.startswith("*") or (len(p) < 60 and p.endswith(":")):
            heading = body.lstrip("* ").rstrip(": ")
            cur = None
            continue
        path = f"{roman}" + (f" > {l2}" if l2 else "") + (" > -" if bm else " > ¶")
        cur = _new_item(top, area_prior, path, heading, body, doc_id)
        cur_is_numbered = False
        items.append(cur)
    return items


def _new_item(top: str, prior: str | None, path: str, heading: str, text: str, doc_id: str) -> PlanItem:
    key = top
    if top == "nhiem_vu":
        key = prior if prior else classify_area(text)
    return PlanItem(key=key, path=path, heading=heading, text=text, doc_id=doc_id)
