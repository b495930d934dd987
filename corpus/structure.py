"""Section tree of a document along its own numbering (no model).

One job: normalised text → :class:`DocumentTree`.

* Legal texts (two or more ``Điều N.`` lines): ``Phần`` › ``Chương`` › ``Mục`` ›
  ``Điều`` › khoản (``1.``) › điểm (``a)``, ``đ)``) — the units of a văn bản
  quy phạm pháp luật as defined by Luật Ban hành văn bản QPPL 2015, Điều 61
  (bố cục văn bản: phần, chương, mục, tiểu mục, điều, khoản, điểm).
* Plans (kế hoạch): roman headings ``I.``/``II.`` (OCR variants ``IL.``,
  ``IIL.``, ``I11.`` read as roman), decimal items ``1.`` › ``1.1.`` ›
  ``1.1.1.``, and short bullet lines ending in ``:`` (``* Ban giám hiệu:``) as
  sub-headings grouping the paragraphs below them.  Other bullets are content.
* Attached documents (a Kế hoạch / Quy chế / Quy định … "ban hành kèm theo"
  a Quyết định or Thông tư, a Phụ lục "kèm theo" a Kế hoạch), laid out as NĐ
  30/2020/NĐ-CP Phụ lục I, Phần I, mục III, khoản 1 ("Phụ lục") gives it: the
  word "Phụ lục" and its number on a line of their own, the title in capitals
  (điểm b), then under it the line ``(Kèm theo văn bản số …/…-… ngày … tháng …
  năm …)`` (điểm c); a văn bản ban hành kèm theo is headed the same way by its
  tên loại (``KẾ HOẠCH``, ``QUY CHẾ``, ``QUY ĐỊNH`` …) and trích yếu.  From that
  title line on the text is a new top-level ``attachment`` node: every open
  node of the main document ends there, and the attachment's body is parsed in
  its own mode by the same rule (two or more ``Điều N.`` lines in it, the
  first before any ``I.``/``1.`` heading → legal, else plan), its units being
  the attachment's children.  See
  :func:`attachment_starts`.

Lines of provenance that are not part of the legal text — ``SOURCE:``,
``ALT_SOURCE``, ``NOTE:`` and ``[pháp điển: …]`` — are listed in
:attr:`DocumentTree.excluded` so the chunker leaves them out of passages; the
text itself is untouched (offsets stay valid).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterator

from corpus.textnorm import fold, is_upper_line

__all__ = ["SectionNode", "DocumentTree", "parse_structure", "roman_to_int", "ocr_roman", "attachment_starts"]


@dataclass
class SectionNode:
    """One unit of the document.

    * ``label`` – short label used in section paths: ``"III"``, ``"3"``,
      ``"3.5"``, ``"Ban giám hiệu"``, ``"Chương II"``, ``"Điều 9"``,
      ``"khoản 3"``, ``"điểm a"``, ``"Mở đầu"`` (text before the first unit),
      ``"Kế hoạch kèm theo"`` / ``"Phụ lục II"`` (an attached document);
      ``""`` for the root.
    * ``kind`` – ``root``, ``preamble``, ``roman``, ``decimal``, ``group``,
      ``phan``, ``chuong``, ``muc``, ``dieu``, ``khoan``, ``diem``,
      ``attachment``.
    * ``heading`` – the heading line as written (``"III. NHIỆM VỤ TRỌNG TÂM"``,
      ``"Điều 9. Phân loại mức tự chủ …"``); ``""`` for root/preamble; of an
      attachment, its title block as written, line breaks included, from the
      tên loại line to the ``(Kèm theo …)`` line.
    * ``start``/``end`` – character offsets in the document text; ``end`` is
      exclusive and trailing whitespace is trimmed.  Children lie inside.
    * ``heading_end`` – end offset of the heading line (of an attachment:
      of its ``(Kèm theo …)`` line).
    * ``mode`` – of an ``attachment`` only: ``"legal"`` or ``"plan"``, how its
      body was parsed; ``""`` for other nodes.
    """

    label: str
    kind: str
    heading: str
    start: int
    end: int
    heading_end: int
    level: int = 0
    children: list["SectionNode"] = field(default_factory=list)
    parent: "SectionNode | None" = field(default=None, repr=False, compare=False)
    mode: str = ""

    def path(self) -> list["SectionNode"]:
        """Nodes from the top-level unit down to this one (root excluded)."""
        out = []
        n: SectionNode | None = self
        while n is not None and n.kind != "root":
            out.append(n)
            n = n.parent
        return out[::-1]

    def path_label(self) -> str:
        """Section path, e.g. ``"III > 3 > 3.5"`` or ``"Điều 9 > khoản 3 > điểm a"``."""
        return " > ".join(n.label for n in self.path())

    def walk(self) -> Iterator["SectionNode"]:
        """This node and all descendants in document order."""
        yield self
        for c in self.children:
            yield from c.walk()


@dataclass
class DocumentTree:
    """Section tree plus the spans left out of passages.

    ``excluded`` holds ``(start, end, kind)`` with kind ``"source"``,
    ``"alt_source"``, ``"note"`` or ``"provenance"`` (``[pháp điển: …]``).
    ``mode`` is ``"legal"`` or ``"plan"``: that of the main document (the
    text before its first attachment); an attachment's own mode is
    :meth:`mode_of` its nodes.
    """

    root: SectionNode
    excluded: list[tuple[int, int, str]]
    mode: str

    def nodes(self) -> list[SectionNode]:
        """All nodes except the root, in document order."""
        return list(self.root.walk())[1:]

    def attachments(self) -> list[SectionNode]:
        """The ``attachment`` nodes (top level), in document order."""
        return [n for n in self.root.children if n.kind == "attachment"]

    def mode_of(self, node: SectionNode) -> str:
        """How the part of the document holding ``node`` was parsed: its
        attachment's mode, else :attr:`mode`."""
        for n in node.path():
            if n.kind == "attachment":
                return n.mode or self.mode
        return self.mode

    def find(self, path_label: str) -> SectionNode | None:
        """The node whose :meth:`SectionNode.path_label` equals ``path_label``."""
        for n in self.nodes():
            if n.path_label() == path_label:
                return n
        return None


_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}


def roman_to_int(s: str) -> int | None:
    """Value of a roman numeral (``"XIV"`` → 14) or ``None`` if not well formed."""
    s = s.upper()
    if not s or any(c not in _ROMAN for c in s):
        return None
    total = 0
    for i, c in enumerate(s):
        v = _ROMAN[c]
        if i + 1 < len(s) and _ROMAN[s[i + 1]] > v:
            total -= v
        else:
            total += v
    if _int_to_roman(total) != s:
        return None
    return total


def _int_to_roman(n: int) -> str:
    vals = [(100, "C"), (90, "XC"), (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]
    out = ""
    for v, r in vals:
        while n >= v:
            out += r
            n -= v
    return out


def ocr_roman(token: str) -> str | None:
    """Canonical roman numeral from a possibly OCR-damaged token.

    ``"II"`` → ``"II"``; ``"IL"``/``"Il"``/``"I1"`` → ``"II"``; ``"IIL"``/``"I11"`` →
    ``"III"``; ``"IV"`` → ``"IV"``.  Returns ``None`` when no numeral 1–39 results.
    """
    t = token.strip()
    if not t:
        return None
    direct = roman_to_int(t)
    if direct is not None and direct < 40 and t.isupper():
        return t
    # OCR reads the strokes of I as l, L, 1 or |
    fixed = t[0].upper() + "".join("I" if c in "lL1|" else c.upper() for c in t[1:])
    if fixed[0] in "lL1|":
        fixed = "I" + fixed[1:]
    v = roman_to_int(fixed)
    if v is not None and v < 40:
        return fixed
    return None


# -------------------------------------------------------------- line patterns (folded)
_EXCL = [
    (re.compile(r"^source:"), "source"),
    (re.compile(r"^alt_source\b"), "alt_source"),
    (re.compile(r"^note:"), "note"),
    (re.compile(r"^\[phap dien\b"), "provenance"),
]
_DIEU = re.compile(r"^dieu\s+(\d+[a-z]?)\s*\.")
_CHUONG = re.compile(r"^chuong\s+([ivxlc]+|\d+)\b")
_MUC = re.compile(r"^muc\s+(\d+|[ivxlc]+)\b\s*[.:]?")
_PHAN = re.compile(r"^phan\s+(?:thu\s+)?([ivxlc]+|\d+|nhat|hai|ba|tu|nam)\b")
_KHOAN = re.compile(r"^(\d{1,2})\s*\.\s")
_DIEM = re.compile(r"^([a-z])\)\s")
_ROMAN_LINE = re.compile(r"^([ivxl1|]{1,5})\s?\.\s*(\S.*)$")
_DEC1 = re.compile(r"^(\d{1,2})\.(?!\d)\s*(?=\S)")
_DECN = re.compile(r"^(\d{1,2}(?:\.\d{1,2}){1,3})\.?(?=\s|[^\W\d_])")
_GROUP = re.compile(r"^[*•+\-–]\s*(\S.{0,78}?)\s*:$")

_LEGAL_LEVEL = {"phan": 1, "chuong": 2, "muc": 3, "dieu": 4, "khoan": 5, "diem": 6}


def _line_iter(text: str) -> Iterator[tuple[int, int, str]]:
    pos = 0
    for ln in text.split("\n"):
        end = pos + len(ln)
        if ln.strip():
            lead = len(ln) - len(ln.lstrip())
            yield pos + lead, end, ln.strip()
        pos = end + 1


def _classify_legal(fline: str, line: str, in_dieu: bool) -> tuple[str, str] | None:
    m = _DIEU.match(fline)
    if m:
        return "dieu", f"Điều {line.split()[1].rstrip('.')}"
    m = _CHUONG.match(fline)
    if m:
        return "chuong", f"Chương {line.split()[1].rstrip('.:')}"
    m = _MUC.match(fline)
    if m and (len(line) < 150):
        return "muc", f"Mục {line.split()[1].rstrip('.:')}"
    m = _PHAN.match(fline)
    if m and len(line) < 150 and is_upper_line(line, threshold=0.5):
        return "phan", f"Phần {line.split()[-1] if len(line.split()) == 2 else line.split()[1]}"
    if in_dieu:
        m = _KHOAN.match(fline)
        if m:
            return "khoan", f"khoản {m.group(1)}"
        m = _DIEM.match(fline)
        if m:
            return "diem", f"điểm {line[0]}"
    return None


def _classify_plan(fline: str, line: str) -> tuple[str, str, int] | None:
    m = _ROMAN_LINE.match(fline)
    if m:
        tok = line[: m.end(1)]
        rom = ocr_roman(tok)
        rest = line[m.start(2) :]
        if rom and is_upper_line(rest, min_letters=3, threshold=0.6):
            return "roman", rom, 1
    m = _DECN.match(fline)
    if m:
        label = m.group(1)
        return "decimal", label, 1 + label.count(".") + 1
    m = _DEC1.match(fline)
    if m:
        return "decimal", m.group(1), 2
    m = _GROUP.match(line)
    if m and len(line) <= 80:
        return "group", m.group(1).strip(), 9
    return None


# -------------------------------------------------------------- attached documents (folded)
#: the line under an attached document's title: "(Kèm theo Quyết định số …)", "(Ban hành kèm theo Thông
#: tư số: …)", "Ban hành kem theo Quyết định …" (NĐ 30/2020/NĐ-CP Phụ lục I, Phần I, mục III, khoản 1,
#: điểm c). The văn bản named is one that issues attachments; a form's "(Kèm theo Tờ trình / Hợp đồng /
#: Công văn số ….)" inside an attachment is the form's own text, not a new attachment.
_ATT_REF = re.compile(
    r"^[-–(\[*\s]*(?:duoc\s+)?(?:ban\s+hanh\s+)?kem\s+(?:theo\s+)?"
    r"(?:quyet\s+dinh|thong\s+tu|nghi\s+dinh|nghi\s+quyet|ke\s+hoach|thong\s+bao|chi\s+thi|quy\s+che"
    r"|quy\s+dinh|lenh|luat|phap\s+lenh|van\s+ban)\b"
)
#: tên loại of an attached document, first words of its title line (folded) → the word shown in labels
_ATT_NOUNS = [
    ("phu luc", "Phụ lục"), ("ke hoach", "Kế hoạch"), ("quy che", "Quy chế"), ("quy dinh", "Quy định"),
    ("dieu le", "Điều lệ"), ("danh muc", "Danh mục"), ("quy trinh", "Quy trình"),
    ("chuong trinh", "Chương trình"), ("de an", "Đề án"), ("huong dan", "Hướng dẫn"), ("noi quy", "Nội quy"),
    ("danh sach", "Danh sách"), ("phuong an", "Phương án"), ("bo tieu chi", "Bộ tiêu chí"),
    ("tieu chi", "Tiêu chí"), ("quy uoc", "Quy ước"), ("bang", "Bảng"), ("bieu mau", "Biểu mẫu"),
]
_ATT_NOUN = re.compile(r"^[-–*\s]*(" + "|".join(re.escape(k) for k, _ in _ATT_NOUNS) + r")\b")
_PHU_LUC_NO = re.compile(r"^[-–*\s]*phu\s+luc\s*(?:so\s*)?([ivxlc]+|\d{1,2})?\b")
#: lines of the main document's signature block and closing that never begin an attachment's title
_SIGN = re.compile(
    r"^(?:kt|tm|tl|q|tuq)\s*\.|^(?:pho\s+)?(?:chu\s+tich|bo\s+truong|thu\s+truong|giam\s+doc|thu\s+tuong|cuc\s+truong"
    r"|chu\s+nhiem|hieu\s+truong|vien\s+truong|chanh\s+van\s+phong|truong\s+ban|tong\s+giam\s+doc)\b"
    r"|^(?:quyet\s+dinh|nghi\s+quyet|quyet\s+nghi)\s*:|^noi\s+nhan\b"
)
#: how many lines above its "(Kèm theo …)" line an attachment's title may begin
_ATT_TITLE_LINES = 5


def _title_like(fline: str, line: str) -> bool:
    """A line that can belong to an attachment's title block (capitals, or a short "Phụ lục I" in
    lower case as NĐ 30/2020/NĐ-CP Phụ lục I writes it)."""
    if len(line) > 250 or _SIGN.search(fline) or _DIEU.match(fline) or any(rx.match(fline) for rx, _ in _EXCL):
        return False
    return is_upper_line(line, min_letters=3, threshold=0.7) or (len(line) <= 60 and bool(_ATT_NOUN.match(fline)))


def attachment_starts(text: str) -> list[tuple[int, int, int]]:
    """Attached documents found in ``text``: ``(title_start, ref_start, ref_end)`` offsets, in order —
    where the title block begins, and the ``(Kèm theo …)`` line under it.

    Rule (NĐ 30/2020/NĐ-CP Phụ lục I, Phần I, mục III, khoản 1, điểm b–c): a line matching
    :data:`_ATT_REF` (≤ 400 chars) whose preceding lines (up to :data:`_ATT_TITLE_LINES`) hold the
    title: the nearest line opening with a tên loại (:data:`_ATT_NOUNS`: ``KẾ HOẠCH``, ``PHỤ LỤC II``,
    ``Phụ lục`` …) with only title lines (capitals, :func:`_title_like`) or short lines between, else
    the run of capitals lines right above it.  Only after the main document has begun: an ``Điều N.``
    line or a roman heading comes before the first title (a text that *is* the attached Kế hoạch,
    headed "KẾ HOẠCH … (Kèm theo Quyết định số …)", has no attachment).
    """
    lines = list(_line_iter(text))
    return [(lines[t][0], lines[r][0], lines[r][1]) for t, r in _attachment_lines(lines, [fold(x) for _, _, x in lines])]


def _attachment_lines(lines: list[tuple[int, int, str]], flines: list[str]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    begun = False
    last = -1
    for k, (fline, (_, _, line)) in enumerate(zip(flines, lines)):
        if not begun:
            if _DIEU.match(fline) or (_classify_plan(fline, line) or ("",))[0] == "roman":
                begun = True
            continue
        if len(line) > 400 or not _ATT_REF.match(fline):
            continue
        lo = max(last + 1, k - _ATT_TITLE_LINES)
        title = None
        for j in range(k - 1, lo - 1, -1):
            fj, lj = flines[j], lines[j][2]
            if _ATT_NOUN.match(fj) and _title_like(fj, lj):
                title = j
                break
            if _SIGN.search(fj) or _DIEU.match(fj) or len(lj) > 250:
                break
        if title is not None:  # "PHỤ LỤC I" above "BẢNG PHÂN CÔNG …": the title opens at the topmost tên loại
            j = title - 1
            while j >= lo and _title_like(flines[j], lines[j][2]):
                if _ATT_NOUN.match(flines[j]):
                    title = j
                j -= 1
        if title is None:  # no tên loại: the run of capitals right above ("THỦ TỤC HÀNH CHÍNH NỘI BỘ …")
            j = k - 1
            while j >= lo and _title_like(flines[j], lines[j][2]) and is_upper_line(lines[j][2], 3, 0.7):
                j -= 1
            title = j + 1 if j + 1 < k else None
        if title is None:
            continue
        out.append((title, k))
        last = k
    return out


def _attachment_label(fline: str, line: str) -> str:
    """``"Phụ lục II"``, ``"Phụ lục"``, ``"Kế hoạch kèm theo"``, ``"Quy chế kèm theo"`` …; ``"Văn bản
    kèm theo"`` for a title without a known tên loại."""
    m = _PHU_LUC_NO.match(fline)
    if m:
        no = m.group(1)
        if no and not no.isdigit():
            no = ocr_roman(line[m.start(1):m.end(1)].upper())
        return f"Phụ lục {no}" if no else "Phụ lục"
    m = _ATT_NOUN.match(fline)
    if m:
        word = dict(_ATT_NOUNS)[" ".join(m.group(1).split())]
        return f"{word} kèm theo"
    return "Văn bản kèm theo"


def _is_legal(flines: list[str]) -> bool:
    return sum(1 for f in flines if _DIEU.match(f)) >= 2


def _is_legal_attachment(lines: list[tuple[int, int, str]], flines: list[str]) -> bool:
    """An attachment's body is legal by the same rule (two or more ``Điều N.`` lines), provided its
    first Điều comes before its first plan heading (``I.``, ``1.``): a Quy chế opens with its Chương
    and Điều, while a Phụ lục listing thủ tục hành chính ("1. Công nhận kết quả …", "a) Trình tự thực
    hiện") may carry the template of a Quyết định ("Điều 1. …", "Điều 2. …") deep inside, and is
    read along its own numbering."""
    if not _is_legal(flines):
        return False
    for (_, _, line), f in zip(lines, flines):
        if _DIEU.match(f):
            return True
        c = _classify_plan(f, line)
        if c is not None and c[0] in ("roman", "decimal"):
            return False
    return True


def parse_structure(text: str, attachments: bool = True) -> DocumentTree:
    """Parse ``text`` (normalised document text) into a :class:`DocumentTree`.

    Never raises; a text with no recognised units gives a root whose single
    child is a ``preamble`` node spanning the whole text.  Attached documents
    (:func:`attachment_starts`) become top-level ``attachment`` nodes, each
    parsed in its own mode; the main document's mode is decided on the text
    before the first of them.  ``attachments=False`` reads the whole text as
    one document (the parse before attachments were recognised; for
    comparison, ``evals.structure_attachments``).
    """
    lines = list(_line_iter(text))
    flines = [fold(ln) for _, _, ln in lines]
    atts = _attachment_lines(lines, flines) if attachments else []
    main_end = atts[0][0] if atts else len(lines)
    legal = _is_legal(flines[:main_end])
    mode = "legal" if legal else "plan"

    root = SectionNode(label="", kind="root", heading="", start=0, end=len(text), heading_end=0, level=0)
    excluded: list[tuple[int, int, str]] = []
    seg_stop = lines[main_end][0] if atts else len(text)
    _parse_segment(text, lines[:main_end], flines[:main_end], root, legal, seg_stop, excluded)
    for i, (t, r) in enumerate(atts):
        nxt = atts[i + 1][0] if i + 1 < len(atts) else len(lines)
        stop = lines[nxt][0] if nxt < len(lines) else len(text)
        body, fbody = lines[r + 1 : nxt], flines[r + 1 : nxt]
        seg_legal = _is_legal_attachment(body, fbody)
        att = SectionNode(
            label=_attachment_label(flines[t], lines[t][2]),
            kind="attachment",
            heading=text[lines[t][0] : lines[r][1]],
            start=lines[t][0],
            end=stop,
            heading_end=lines[r][1],
            level=1,
            parent=root,
            mode="legal" if seg_legal else "plan",
        )
        root.children.append(att)
        _parse_segment(text, body, fbody, att, seg_legal, stop, excluded)
        att.end = _trim_end(text, att.start, stop)
    _fix_preamble_headings(root)
    return DocumentTree(root=root, excluded=excluded, mode=mode)


def _parse_segment(
    text: str,
    lines: list[tuple[int, int, str]],
    flines: list[str],
    base: SectionNode,
    legal: bool,
    stop: int,
    excluded: list[tuple[int, int, str]],
) -> None:
    """Units of ``lines`` (one part of the document: the main text, or one attachment's body after its
    title block) as descendants of ``base`` (the root, or the attachment node); every node opened here
    ends by ``stop``. Text before the first unit is a ``preamble`` under the root, the attachment's own
    text under an attachment."""
    stack: list[SectionNode] = [base]
    top = base.kind == "root"

    def close_until(level: int, at: int) -> None:
        while stack[-1].level >= level and stack[-1] is not base:
            n = stack.pop()
            n.end = _trim_end(text, n.start, at)

    def open_node(kind: str, label: str, heading: str, start: int, end: int, level: int) -> None:
        if stack[-1].kind == "preamble":
            close_until(1, start)
        close_until(level, start)
        parent = stack[-1]
        node = SectionNode(
            label=label, kind=kind, heading=heading, start=start, end=end, heading_end=end, level=level, parent=parent
        )
        parent.children.append(node)
        stack.append(node)

    for (start, end, line), fline in zip(lines, flines):
        kind_ex = next((k for rx, k in _EXCL if rx.match(fline)), None)
        if kind_ex:
            excluded.append((start, end, kind_ex))
            continue
        cls: tuple[str, str, int] | None = None
        if legal:
            in_dieu = any(n.kind == "dieu" for n in stack)
            c = _classify_legal(fline, line, in_dieu)
            if c:
                cls = (c[0], c[1], _LEGAL_LEVEL[c[0]])
        else:
            cls = _classify_plan(fline, line)
        if cls is None:
            if len(stack) == 1 and top:
                open_node("preamble", "Mở đầu", "", start, start, 1)
            continue
        kind, label, level = cls
        if kind == "diem" and not any(n.kind in ("khoan", "dieu") for n in stack):
            continue
        if kind == "group" and len(stack) == 1:
            if top:
                open_node("preamble", "Mở đầu", "", start, start, 1)
            continue
        open_node(kind, label, line, start, end, level)
    close_until(1, stop)


def _fix_preamble_headings(root: SectionNode) -> None:
    for n in root.children:
        if n.kind == "preamble":
            n.heading_end = n.start


def _trim_end(text: str, start: int, at: int) -> int:
    e = at
    while e > start and text[e - 1].isspace():
        e -= 1
    return e
