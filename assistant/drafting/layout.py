"""Thể thức of the drafted DOCX, read from Phụ lục I of Nghị định 30/2020/NĐ-CP as indexed.

Phụ lục I ("Thể thức, kỹ thuật trình bày văn bản hành chính và bản sao văn
bản") states the page and the type of every element of a văn bản hành
chính in two places, both read here by plain code (no model):

* Phần I, Mục I "Quy định chung" — prose lines ``Khổ giấy: Khổ A4 (210 mm x
  297 mm)``, ``Định lề trang: Cách mép trên và mép dưới 20 - 25 mm, cách mép
  trái 30 - 35 mm, cách mép phải 15 - 20 mm``, ``Phông chữ: Phông chữ tiếng
  Việt Times New Roman, …``; Mục II gives the body (``cỡ chữ từ 13 đến 14; …
  lùi vào 1 cm hoặc 1,27 cm; khoảng cách giữa các đoạn văn tối thiểu là
  6pt``), the căn cứ (``kiểu chữ nghiêng``) and the horizontal rules
  (``phía dưới có đường kẻ ngang … độ dài bằng độ dài của dòng chữ`` /
  ``… từ 1/3 đến 1/2 độ dài của dòng chữ``);
* Mục V "Mẫu chữ và chi tiết trình bày thể thức văn bản hành chính" — a table
  the DOCX loader turns into rows such as ``Thành phần thể thức / và chi tiết
  trình bày: - Quốc hiệu; Loại chữ: In hoa; Cỡ chữ: 12 - 13; Kiểu chữ: Đứng,
  đậm; …; Ví dụ minh hoạ – Cỡ chữ: 12``.

:func:`layout_from_documents` finds the Phụ lục among the indexed documents by
its content (the Mục V heading and the "Định lề trang" line; no file name),
parses it with :func:`parse_layout`, and falls back to :data:`FALLBACK` (the
same values, written from the decree) with a note when it is not indexed or
cannot be read.

Choice inside a range (deterministic): the size of the decree's own example
(``Ví dụ minh hoạ – Cỡ chữ``) when it lies in the range; otherwise the body
size when it lies in the range; otherwise the lower bound. Margins take the
lower bound of each range; the first-line indent the larger of the two values
allowed (1,27 cm).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace

from corpus.models import ParsedDocument
from corpus.legal_refs import fold

#: Roles of the elements the drafter prints, in the order of Mục V.
ROLES = (
    "quoc_hieu", "tieu_ngu", "co_quan_chu_quan", "co_quan_ban_hanh", "so_ky_hieu", "dia_danh",
    "ten_loai", "trich_yeu", "noi_dung", "can_cu", "quyen_han", "chuc_vu", "ho_ten",
    "noi_nhan_label", "noi_nhan_list",
)


@dataclass(frozen=True)
class ElementStyle:
    """How one element is printed: ``size_range`` (pt, as the decree gives it),
    ``size`` (pt, the value chosen in the range), ``upper`` (chữ in hoa),
    ``bold`` (đậm), ``italic`` (nghiêng), ``rule_below``: ``None``, ``"full"``
    (a line as long as the text) or ``"part"`` (a short centred line,
    ``rule_ratio`` of the text's length)."""

    size_range: tuple[float, float]
    size: float
    upper: bool = False
    bold: bool = False
    italic: bool = False
    rule_below: str | None = None
    rule_ratio: tuple[float, float] = (1 / 3, 1 / 2)


@dataclass(frozen=True)
class Layout:
    """Page and type of a văn bản hành chính.

    ``page_mm``: (width, height); ``margins_mm``: ``{"top"|"bottom"|"left"|"right":
    (min, max)}``; ``font``: font family; ``elements``: role →
    :class:`ElementStyle` (see :data:`ROLES`); ``indent_cm``: first-line
    indent of the body; ``paragraph_after_pt``: spacing between body
    paragraphs; ``line_spacing``: (min, max) line spacing, 1.0 = single;
    ``source``: the doc_id the values were read from, or ``"fallback"``;
    ``note``: set when the fallback was used (for the clerk)."""

    page_mm: tuple[float, float]
    margins_mm: dict[str, tuple[float, float]]
    font: str
    elements: dict[str, ElementStyle]
    indent_cm: float = 1.27
    paragraph_after_pt: float = 6.0
    line_spacing: tuple[float, float] = (1.0, 1.5)
    source: str = "fallback"
    note: str | None = None

    def margin(self, side: str) -> float:
        """The margin used for ``side`` (mm): the lower bound of its range."""
        return self.margins_mm[side][0]

    def style(self, role: str) -> ElementStyle:
        return self.elements[role]


def _el(lo: float, hi: float, size: float, **kw) -> ElementStyle:
    return ElementStyle((lo, hi), size, **kw)


#: The values of Phụ lục I written out (used when the Phụ lục is not indexed).
FALLBACK = Layout(
    page_mm=(210.0, 297.0),
    margins_mm={"top": (20.0, 25.0), "bottom": (20.0, 25.0), "left": (30.0, 35.0), "right": (15.0, 20.0)},
    font="Times New Roman",
    elements={
        "quoc_hieu": _el(12, 13, 12, upper=True, bold=True),
        "tieu_ngu": _el(13, 14, 13, bold=True, rule_below="full", rule_ratio=(1.0, 1.0)),
        "co_quan_chu_quan": _el(12, 13, 12, upper=True),
        "co_quan_ban_hanh": _el(12, 13, 12, upper=True, bold=True, rule_below="part"),
        "so_ky_hieu": _el(13, 13, 13),
        "dia_danh": _el(13, 14, 13, italic=True),
        "ten_loai": _el(13, 14, 14, upper=True, bold=True),
        "trich_yeu": _el(13, 14, 14, bold=True, rule_below="part"),
        "noi_dung": _el(13, 14, 14),
        "can_cu": _el(13, 14, 14, italic=True),
        "quyen_han": _el(13, 14, 14, upper=True, bold=True),
        "chuc_vu": _el(13, 14, 14, upper=True, bold=True),
        "ho_ten": _el(13, 14, 14, bold=True),
        "noi_nhan_label": _el(12, 12, 12, bold=True, italic=True),
        "noi_nhan_list": _el(11, 11, 11),
    },
)

# ---------------------------------------------------------------- Mục V rows
_FIELD_SPLIT = re.compile(r";\s+(?=(?:STT|Thành phần thể thức|Loại chữ|Cỡ chữ|Kiểu chữ|Ví dụ minh ho[ạa])\b)")
_RANGE = re.compile(r"(\d{1,2}(?:[.,]\d)?)(?:\s*(?:-|–|đến)\s*(\d{1,2}(?:[.,]\d)?))?")

# (role, test on the folded element name without its leading "- "), first match wins.
_NAME_ROLES: list[tuple[str, re.Pattern[str]]] = [
    ("quoc_hieu", re.compile(r"^quoc hieu$")),
    ("tieu_ngu", re.compile(r"^tieu ngu$")),
    ("co_quan_chu_quan", re.compile(r"^ten co quan, to chuc chu quan")),
    ("co_quan_ban_hanh", re.compile(r"^ten co quan, to chuc ban hanh")),
    ("so_ky_hieu", re.compile(r"^so, ky hieu")),
    ("dia_danh", re.compile(r"^dia danh")),
    ("ten_loai", re.compile(r"^ten loai van ban$")),
    ("trich_yeu", re.compile(r"^trich yeu noi dung$")),
    ("noi_dung", re.compile(r"^noi dung van ban$")),
    ("quyen_han", re.compile(r"^quyen han cua nguoi ky")),
    ("chuc_vu", re.compile(r"^chuc vu cua nguoi ky")),
    ("ho_ten", re.compile(r"^ho ten cua nguoi ky")),
    ("noi_nhan_label", re.compile(r"^tu .?noi nhan.?$")),
    ("noi_nhan_list", re.compile(r"^ten co quan, to chuc, ca nhan nhan van ban$")),
]


def _num(s: str) -> float:
    return float(s.replace(",", "."))


def _fields(line: str) -> dict[str, str]:
    """``"K: V; K2: V2"`` → ``{folded K: V}``; the example columns keep their
    first value (``Ví dụ minh hoạ – Cỡ chữ``)."""
    out: dict[str, str] = {}
    for seg in _FIELD_SPLIT.split(line):
        k, sep, v = seg.partition(":")
        if not sep:
            out.setdefault(fold(k).strip(), "")
            continue
        out.setdefault(fold(k).strip(), v.strip())
    return out


def _size_range(v: str) -> tuple[float, float] | None:
    m = _RANGE.search(v or "")
    if not m:
        return None
    lo = _num(m.group(1))
    hi = _num(m.group(2)) if m.group(2) else lo
    return (min(lo, hi), max(lo, hi))


@dataclass
class _Row:
    role: str
    size_range: tuple[float, float]
    example: float | None
    upper: bool
    bold: bool
    italic: bool
    rule_below: str | None = None


def parse_table_rows(text: str) -> dict[str, _Row]:
    """Rows of Mục V "Mẫu chữ và chi tiết trình bày thể thức văn bản hành
    chính" of ``text`` by role (see :data:`ROLES`; the công văn trích yếu and
    the "Kính gửi" row are not roles here). A ``- Dòng kẻ bên dưới`` row marks
    the element above it. ``{}`` when the heading is absent."""
    lines = text.splitlines()
    f_lines = [fold(ln) for ln in lines]
    start = next((i for i, f in enumerate(f_lines) if "mau chu va chi tiet trinh bay the thuc van ban hanh chinh" in f), None)
    if start is None:
        return {}
    rows: dict[str, _Row] = {}
    group = ""
    last: str | None = None
    for ln, f in zip(lines[start + 1 :], f_lines[start + 1 :]):
        if re.match(r"^phan\s+[ivx]+\b", f.strip()):
            break  # Phần II (bản sao) has its own table
        if "thanh phan the thuc" not in f:
            continue
        fl = _fields(ln)
        name_key = next((k for k in fl if k.startswith("thanh phan the thuc")), None)
        name = fold(fl.get(name_key, "") if name_key else "").lstrip("- ").strip()
        if not name:
            continue
        if "dong ke ben duoi" in name:
            if last and last in rows:
                rows[last].rule_below = "part"  # length read from the prose (parse_rules)
            continue
        size = _size_range(fl.get("co chu", ""))
        if "stt" in fl:
            group = name  # a numbered row opens a group ("Quốc hiệu và Tiêu ngữ", "Đối với công văn")
        if size is None:
            last = None
            continue
        if "cong van" in group or "kinh gui" in name:
            last = None
            continue
        role = next((r for r, rx in _NAME_ROLES if rx.search(name)), None)
        if role is None or role in rows:
            last = role if role in rows else None
            continue
        ex = _size_range(fl.get("vi du minh hoa – co chu", "") or fl.get("vi du minh hoa - co chu", ""))
        style = fold(fl.get("kieu chu", ""))
        rows[role] = _Row(role, size, ex[0] if ex else None, upper="in hoa" in fold(fl.get("loai chu", "")),
                          bold="dam" in style, italic="nghieng" in style)
        last = role
    return rows


# ---------------------------------------------------------------- prose
_PAGE = re.compile(r"kho giay:.*?\((\d{3})\s*mm\s*x\s*(\d{3})\s*mm\)")
_MARGINS = re.compile(
    r"dinh le trang:\s*cach mep tren va mep duoi (\d+)\s*-\s*(\d+)\s*mm,\s*cach mep trai (\d+)\s*-\s*(\d+)\s*mm,"
    r"\s*cach mep phai (\d+)\s*-\s*(\d+)\s*mm")
_FONT = re.compile(r"Phông chữ:\s*Phông chữ tiếng Việt\s+([^,;.]+)")
_BODY = re.compile(r"noi dung van ban duoc trinh bay .*?co chu tu (\d+) den (\d+)")
_INDENT = re.compile(r"lui vao (\d+(?:,\d+)?) cm(?: hoac (\d+(?:,\d+)?) cm)?")
_PARA = re.compile(r"khoang cach giua cac doan van toi thieu la (\d+)\s*pt")
_LINES = re.compile(r"khoang cach giua cac dong toi thieu la dong don, toi da la (\d+(?:,\d+)?) lines")
_CAN_CU = re.compile(r"can cu ban hanh van ban duoc trinh bay bang chu in thuong, kieu chu (\w+), co chu tu (\d+) den (\d+)")
_RULE_FULL = "co do dai bang do dai cua dong chu"
_RULE_PART = re.compile(r"co do dai bang tu (\d)/(\d) den (\d)/(\d) do dai cua dong chu")
# Which element a prose paragraph about a horizontal rule is about (its first words).
_RULE_SUBJECT = [
    ("tieu_ngu", re.compile(r"^(?:[a-z]\)\s*)?tieu ngu\b")),
    ("co_quan_ban_hanh", re.compile(r"^(?:[a-z]\)\s*)?ten co quan, to chuc ban hanh van ban duoc trinh bay")),
    ("trich_yeu", re.compile(r"trich yeu noi dung van ban duoc dat ngay duoi")),
]


def parse_rules(text: str) -> dict[str, tuple[str, tuple[float, float]]]:
    """Horizontal rules stated in the prose: role → (``"full"`` | ``"part"``, ratio range)."""
    out: dict[str, tuple[str, tuple[float, float]]] = {}
    for para in text.splitlines():
        f = fold(para).strip()
        if "duong ke ngang" not in f:
            continue
        for role, rx in _RULE_SUBJECT:
            if role in out or not rx.search(f):
                continue
            seg = f[rx.search(f).end():]
            m = _RULE_PART.search(seg)
            if m and (not _RULE_FULL in seg or m.start() < seg.find(_RULE_FULL)):
                out[role] = ("part", (int(m.group(1)) / int(m.group(2)), int(m.group(3)) / int(m.group(4))))
            elif _RULE_FULL in seg:
                out[role] = ("full", (1.0, 1.0))
    return out


def _pick(rng: tuple[float, float], example: float | None, body: float | None) -> float:
    lo, hi = rng
    if example is not None and lo <= example <= hi:
        return example
    if body is not None and lo <= body <= hi:
        return body
    return lo


def parse_layout(text: str, source: str = "") -> Layout | None:
    """:class:`Layout` read from the text of Phụ lục I (see module doc), or
    None when the page, the margins, the font or one of the printed roles
    cannot be read (the caller then uses :data:`FALLBACK`). Never raises on
    str input."""
    if not isinstance(text, str) or not text:
        return None
    f = fold(text)
    page = _PAGE.search(f)
    mar = _MARGINS.search(f)
    font = _FONT.search(text)
    rows = parse_table_rows(text)
    body_m = _BODY.search(f)
    if not (page and mar and font and rows):
        return None
    body_row = rows.get("noi_dung")
    body_rng = body_row.size_range if body_row else ((float(body_m.group(1)), float(body_m.group(2))) if body_m else None)
    if body_rng is None:
        return None
    body_size = _pick(body_rng, body_row.example if body_row else None, None)
    rules = parse_rules(text)
    elements: dict[str, ElementStyle] = {}
    for role, r in rows.items():
        rule = rules.get(role)
        kind = rule[0] if rule else r.rule_below
        elements[role] = ElementStyle(r.size_range, _pick(r.size_range, r.example, body_size), upper=r.upper,
                                      bold=r.bold, italic=r.italic, rule_below=kind,
                                      rule_ratio=rule[1] if rule else (1 / 3, 1 / 2))
    cc = _CAN_CU.search(f)
    if cc:
        rng = (float(cc.group(2)), float(cc.group(3)))
        elements["can_cu"] = ElementStyle(rng, _pick(rng, None, body_size), italic=cc.group(1) == "nghieng")
    missing = [r for r in ROLES if r not in elements]
    if missing:
        return None
    ind = _INDENT.search(f)
    indent = max(_num(g) for g in ind.groups() if g) if ind else FALLBACK.indent_cm
    para = _PARA.search(f)
    lines = _LINES.search(f)
    g = [float(x) for x in mar.groups()]
    return Layout(
        page_mm=(float(page.group(1)), float(page.group(2))),
        margins_mm={"top": (g[0], g[1]), "bottom": (g[0], g[1]), "left": (g[2], g[3]), "right": (g[4], g[5])},
        font=font.group(1).strip(),
        elements=elements,
        indent_cm=indent,
        paragraph_after_pt=float(para.group(1)) if para else FALLBACK.paragraph_after_pt,
        line_spacing=(1.0, _num(lines.group(1))) if lines else FALLBACK.line_spacing,
        source=source,
    )


def _is_phu_luc(d: ParsedDocument) -> bool:
    f = fold(d.text[:60000])
    return "dinh le trang" in f and "mau chu va chi tiet trinh bay the thuc van ban hanh chinh" in f


def layout_from_documents(docs: Iterable[ParsedDocument]) -> Layout:
    """The :class:`Layout` read from the newest indexed document that holds the
    thể thức tables of Phụ lục I (by content), or :data:`FALLBACK` with
    ``note`` set when none is indexed or none can be parsed."""
    cands = sorted((d for d in docs if _is_phu_luc(d)), key=lambda d: d.meta.date or "", reverse=True)
    for d in cands:
        lay = parse_layout(d.text, d.meta.doc_id)
        if lay is not None:
            return lay
    why = "chưa có trong kho văn bản" if not cands else "không đọc được bảng thể thức"
    return replace(FALLBACK, note=f"Phụ lục I Nghị định 30/2020/NĐ-CP {why}: thể thức lấy theo giá trị mặc định "
                                  "của Nghị định (khổ A4, lề, phông Times New Roman, cỡ chữ)")
