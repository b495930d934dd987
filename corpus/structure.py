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

__all__ = ["SectionNode", "DocumentTree", "parse_structure", "roman_to_int", "ocr_roman"]


@dataclass
class SectionNode:
    """One unit of the document.

    * ``label`` – short label used in section paths: ``"III"``, ``"3"``,
      ``"3.5"``, ``"Ban giám hiệu"``, ``"Chương II"``, ``"Điều 9"``,
      ``"khoản 3"``, ``"điểm a"``, ``"Mở đầu"`` (text before the first unit);
      ``""`` for the root.
    * ``kind`` – ``root``, ``preamble``, ``roman``, ``decimal``, ``group``,
      ``phan``, ``chuong``, ``muc``, ``dieu``, ``khoan``, ``diem``.
    * ``heading`` – the heading line as written (``"III. NHIỆM VỤ TRỌNG TÂM"``,
      ``"Điều 9. Phân loại mức tự chủ …"``); ``""`` for root/preamble.
    * ``start``/``end`` – character offsets in the document text; ``end`` is
      exclusive and trailing whitespace is trimmed.  Children lie inside.
    * ``heading_end`` – end offset of the heading line.
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
    ``mode`` is ``"legal"`` or ``"plan"``.
    """

    root: SectionNode
    excluded: list[tuple[int, int, str]]
    mode: str

    def nodes(self) -> list[SectionNode]:
        """All nodes except the root, in document order."""
        return list(self.root.walk())[1:]

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


def parse_structure(text: str) -> DocumentTree:
    """Parse ``text`` (normalised document text) into a :class:`DocumentTree`.

    Never raises; a text with no recognised units gives a root whose single
    child is a ``preamble`` node spanning the whole text.
    """
    lines = list(_line_iter(text))
    flines = [fold(ln) for _, _, ln in lines]
    legal = sum(1 for f in flines if _DIEU.match(f)) >= 2
    mode = "legal" if legal else "plan"

    root = SectionNode(label="", kind="root", heading="", start=0, end=len(text), heading_end=0, level=0)
    stack: list[SectionNode] = [root]
    excluded: list[tuple[int, int, str]] = []

    def close_until(level: int, at: int) -> None:
        while stack[-1].level >= level and stack[-1] is not root:
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
            if len(stack) == 1:
                open_node("preamble", "Mở đầu", "", start, start, 1)
            continue
        kind, label, level = cls
        if kind == "diem" and not any(n.kind in ("khoan", "dieu") for n in stack):
            continue
        if kind == "group" and len(stack) == 1:
            open_node("preamble", "Mở đầu", "", start, start, 1)
            continue
        open_node(kind, label, line, start, end, level)
    close_until(1, len(text))
    _fix_preamble_headings(root)
    return DocumentTree(root=root, excluded=excluded, mode=mode)


def _fix_preamble_headings(root: SectionNode) -> None:
    for n in root.children:
        if n.kind == "preamble":
            n.heading_end = n.start


def _trim_end(text: str, start: int, at: int) -> int:
    e = at
    while e > start and text[e - 1].isspace():
        e -= 1
    return e
