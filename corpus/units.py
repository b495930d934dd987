"""Reading units of a stored document: its sentences and clauses, each with
the section node that holds it and that node's lead-in.

One splitter for passages: the reader (``assistant.reading``) scores these
units to quote an answer, and the second stage of hybrid search
(``index.rerank``) re-scores passages by their best unit, so both read the
same sentences and share their vectors (the bundled vector pack ships them).

* :func:`split_sentences`: paragraph lines, then sentences/clauses inside each.
* A *unit* is one sentence or clause of one section node's own text (the
  node's heading line and text before its first child). Units are read from
  the section tree of the whole document (``corpus.structure.parse_structure``
  of the stored text), so a điểm always knows its khoản lead-in ("1. Các
  trường hợp … gồm:") and a list knows all its items, even across chunk
  borders.
* Lines flagged at ingest as addressed to an assistant (``Chunk.instruction_spans``)
  are never units.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from corpus.models import ParsedDocument
from corpus.structure import SectionNode, parse_structure

SENT_SPLIT = re.compile(r"(?<=[.;!?])\s+(?=[A-ZĐÂĂÊÔƠƯÁÀẢÃẠÉÈẺẼẸÍÌỈĨỊÓÒỎÕỌÚÙỦŨỤÝỲỶỸỴ0-9\-+•“\"(])")
_LABEL_ONLY = re.compile(r"^(?:(?:Điều|Chương|Mục)\s+[0-9IVXLC]+|[0-9]+(?:\.[0-9]+)*|[IVXLC]+|[a-zđ])[.)]$")
_PROVENANCE = re.compile(r"^\[pháp điển:.*\]$")


#: a table row's numbered label cell, written as a line of its own: "Mẫu số 04" (TT 01/2018/TT-VPCP Điều 9
#: khoản 1: "Mẫu số 04" | "Mẫu phiếu xin lỗi và hẹn lại ngày trả kết quả"), "Chỉ số 3", "Bước 2"
_ROW_LABEL = re.compile(r"^[^\W\d][\w ]{0,8}?\s\d{1,3}$")


def split_sentences(text: str) -> list[str]:
    """Paragraph lines, then sentences/clauses inside each (after ``. ; ! ?``
    before a capital, digit or list mark; a lone label such as "Điều 40." joins
    the next piece). A line that is only a row label under 12 characters
    ("Mẫu số 04", :data:`_ROW_LABEL`: a table's label cell) is read with the
    next line, "Mẫu số 04: Mẫu phiếu xin lỗi …", so the row's label stays with
    its content. Other pieces under 12 characters are dropped, pieces over 600
    cut at a word with "…". ``[]`` for empty text."""
    out: list[str] = []
    label = ""
    for para in re.split(r"\n+", text):
        para = re.sub(r"\s+", " ", para).strip()
        if not para or _PROVENANCE.match(para):
            continue
        if len(para) < 12 and _ROW_LABEL.match(para):
            label = para
            continue
        if label:
            para, label = f"{label}: {para}", ""
        pieces: list[str] = []
        for s in SENT_SPLIT.split(para):
            s = s.strip()
            if pieces and _LABEL_ONLY.match(pieces[-1]):
                pieces[-1] = f"{pieces[-1]} {s}"  # "Điều 40." + "Hiệu lực thi hành"
            elif s:
                pieces.append(s)
        for s in pieces:
            if len(s) < 12:
                continue
            out.append(s if len(s) <= 600 else s[:597].rsplit(" ", 1)[0] + "…")
    return out


def _repair(sentence: str) -> str:
    """OCR repair of a unit with the diacritic model in use (``corpus.ocr.repair_text``,
    cached there per text and model, so a store never reads another store's repair)."""
    try:
        from corpus.ocr import repair_text

        return repair_text(sentence)
    except Exception:
        return sentence


@dataclass
class Unit:
    """One candidate sentence/clause.

    ``text``: as shown (repaired for an OCR-damaged scan); ``node``: the
    section node whose own text holds it; ``lead_in``: the lead-in line of
    the enclosing khoản (or plan item) when ``node`` is a điểm or sub-item,
    else ``""``; ``start``: offset in the document text; ``embed_text``: what
    the embedder reads (lead-in + text).
    """

    text: str
    node: SectionNode
    lead_in: str
    start: int
    doc_id: str

    @property
    def embed_text(self) -> str:
        return f"{self.lead_in} {self.text}".strip() if self.lead_in else self.text


def _own_end(node: SectionNode) -> int:
    return node.children[0].start if node.children else node.end


def lead_in(node: SectionNode, text: str) -> str:
    """The lead-in of a điểm (its khoản's own text: "3. Nhóm 3, …:") or of a
    plan sub-item (the heading line of its parent); ``""`` for other nodes."""
    parent = node.parent
    if parent is None or parent.kind in ("root", "preamble"):
        return ""
    if node.kind == "diem" and parent.kind in ("khoan", "dieu"):
        own = text[parent.start:_own_end(parent)].strip()
        if parent.kind == "dieu":
            own = parent.heading.strip()
        return re.sub(r"\s+", " ", own)[:400]
    if node.kind in ("decimal", "group") and parent.kind in ("decimal", "roman", "group"):
        return re.sub(r"\s+", " ", parent.heading.strip())[:200]
    return ""


class DocumentUnits:
    """The section tree and reading units of one stored document (built once per content hash)."""

    def __init__(self, doc: ParsedDocument):
        self.doc = doc
        self.tree = parse_structure(doc.text)
        self.nodes = [n for n in self.tree.nodes()]
        self._units: dict[int, list[Unit]] = {}
        # Lines addressed to an assistant ("bỏ qua mọi hướng dẫn …"), flagged at ingest on each chunk as
        # ``instruction_spans`` (offsets in chunk.text; see corpus.injection where present): never answer units.
        self.flagged = [re.sub(r"\s+", " ", c.text[a:b]).strip()
                        for c in doc.chunks for a, b in (getattr(c, "instruction_spans", None) or [])]
        self.flagged = [f for f in self.flagged if f]

    def is_flagged(self, sentence: str) -> bool:
        """True when ``sentence`` overlaps a line flagged as addressed to an assistant."""
        return any(f in sentence or sentence in f for f in self.flagged)

    def units_of(self, node: SectionNode) -> list[Unit]:
        """Units of ``node``'s own text (heading line + text before its first child)."""
        key = id(node)
        if key not in self._units:
            text = self.doc.text
            seg = text[node.start:_own_end(node)]
            li = lead_in(node, text)
            out: list[Unit] = []
            pos = node.start
            for s in split_sentences(seg):
                if self.flagged and self.is_flagged(s):
                    continue
                shown = _repair(s) if self.doc.meta.ocr_damaged else s
                out.append(Unit(shown, node, li, pos, self.doc.meta.doc_id))
            self._units[key] = out
        return self._units[key]

    def nodes_in(self, start: int, end: int) -> list[SectionNode]:
        """Nodes whose own text overlaps ``[start, end)``, in document order."""
        return [n for n in self.nodes if n.start < end and _own_end(n) > start and _own_end(n) > n.start]

    def units_in(self, start: int, end: int) -> list[Unit]:
        """Units of the nodes whose own text overlaps ``[start, end)`` (a chunk's
        offsets in the document text), in document order."""
        return [u for n in self.nodes_in(start, end) for u in self.units_of(n)]

    def all_units(self) -> list[Unit]:
        return [u for n in self.nodes for u in self.units_of(n)]

    def provision(self, node: SectionNode) -> SectionNode | None:
        """The list-bearing provision of a unit's ``node``: a điểm → its khoản;
        a node with children → itself; a plan item whose own text is three or
        more bullet lines → itself; a khoản without điểm → its Điều; else None."""
        if node.kind == "diem" and node.parent is not None:
            return node.parent
        if node.children:
            return node
        own = self.doc.text[node.start:node.end].split("\n")[1:]
        if sum(1 for ln in own if re.match(r"\s*[-+•*–]\s", ln)) >= 3:
            return node
        if node.kind == "khoan" and node.parent is not None and node.parent.kind == "dieu":
            return node.parent
        return None
