"""Split a parsed document into retrievable passages along its section tree.

One job: (text, meta, tree) → ``list[Chunk]``.

Rules:

* A passage is always an exact slice ``text[start:end]`` of the normalised
  document text; provenance lines listed in ``tree.excluded`` (``SOURCE:``,
  ``NOTE:``, ``[pháp điển: …]``) are never inside a passage.
* Units are packed in document order.  Consecutive units merge while the
  passage stays within ``max_chars`` and they belong to the same *boundary
  unit* (an ``Điều`` in legal texts, a top-level ``I.``/``II.`` section in
  plans; inside an attached document, the same in the attachment's own mode,
  see :func:`_boundary`); a passage shorter than ``min_chars`` (e.g. a bare heading such as
  ``"3. Cải cách thủ tục hành chính"``) always takes the next unit along, so
  headings travel with their children.
* A passage longer than ``max_chars`` is cut at paragraph, then line, then
  sentence, then word boundaries, the next piece repeating the last short
  sentence (≤ 160 chars) as overlap.
* ``section`` is the path of the deepest unit containing the whole passage,
  with a sibling range when it spans several children: ``"III > 3 > 3.5"``,
  ``"Điều 9 > khoản 1-3"``.  ``heading`` joins the headings on that path that
  are not already at the start of the passage.  ``index_text`` = document
  short title + section + heading + passage (see :func:`build_index_text`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

from corpus.metadata import short_title
from corpus.models import Chunk, DocumentMeta
from corpus.structure import DocumentTree, SectionNode

__all__ = ["chunk_document", "build_index_text", "short_heading"]

OVERLAP_CHARS = 160


@dataclass
class _Seg:
    start: int
    end: int
    node: SectionNode
    heading_only: bool


def short_heading(node: SectionNode, limit: int = 100) -> str:
    """The heading line of ``node`` cut to ``limit`` characters at a word boundary
    (an attachment's title block read as one line)."""
    h = " ".join(node.heading.split()) if node.kind == "attachment" else node.heading.strip()
    if len(h) <= limit:
        return h
    cut = h[:limit].rsplit(" ", 1)[0].rstrip(",;:")
    return cut + " …"


def _boundary(node: SectionNode, mode: str) -> SectionNode:
    """The unit a passage may not cross: the Điều (legal) or top-level section (plan).

    Inside an attached document (an ``attachment`` node: a Kế hoạch, Quy chế,
    Phụ lục … "ban hành kèm theo" the main văn bản, laid out as NĐ 30/2020/NĐ-CP
    Phụ lục I, Phần I, mục III, khoản 1 gives it) the same rule is read in the
    attachment's own mode below it: its Điều, or its ``I.``/``II.`` sections;
    the attachment's own title block is a unit of its own. A passage thus never
    runs from the main document into an attachment, nor from one attachment
    into the next, and its section path starts with the attachment's label:
    ``"Kế hoạch kèm theo > II > 2.1"``, ``"Phụ lục II > Điều 3 > khoản 1"``.
    """
    path = node.path()
    if path and path[0].kind == "attachment":
        att = path[0]
        mode = att.mode or mode
        path = path[1:]
        if not path:
            return att
    if not path:
        return node
    if mode == "legal":
        for n in path:
            if n.kind == "dieu":
                return n
        return path[-1] if path[-1].kind in ("phan", "chuong", "muc", "preamble") else path[0]
    return path[0]


def _segments(text: str, tree: DocumentTree) -> list[_Seg]:
    excluded = sorted(tree.excluded)
    segs: list[_Seg] = []
    for node in tree.nodes():
        own_end = node.children[0].start if node.children else node.end
        spans = [(node.start, own_end)]
        for xs, xe, _ in excluded:
            nxt = []
            for s, e in spans:
                if xe <= s or xs >= e:
                    nxt.append((s, e))
                else:
                    if xs > s:
                        nxt.append((s, xs))
                    if xe < e:
                        nxt.append((xe, e))
            spans = nxt
        for s, e in spans:
            while s < e and text[s].isspace():
                s += 1
            while e > s and text[e - 1].isspace():
                e -= 1
            if e > s:
                heading_only = s == node.start and e <= node.heading_end and node.kind != "preamble"
                segs.append(_Seg(s, e, node, heading_only))
    # text before the first node (should not happen) or between nodes is covered by nodes
    return segs


def _contiguous(text: str, a_end: int, b_start: int, excluded: list[tuple[int, int, str]]) -> bool:
    if b_start < a_end:
        return False
    if text[a_end:b_start].strip():
        return False
    return not any(a_end <= xs < b_start for xs, _, _ in excluded)


_SENT_END = re.compile(r"(?<=[.;:!?…])[\"”’)]*\s+")


def _split_span(text: str, start: int, end: int, max_chars: int, min_chars: int) -> list[tuple[int, int]]:
    """Cut ``text[start:end]`` into pieces of at most ``max_chars`` (best effort)."""
    pieces: list[tuple[int, int]] = []
    pos = start
    while end - pos > max_chars:
        limit = min(pos + max_chars, end - min_chars) if end - pos > max_chars + min_chars else pos + max_chars
        lo = pos + max(min_chars, max_chars // 3)
        window = text[pos:limit]
        cut = -1
        for pat in ("\n\n", "\n"):
            i = window.rfind(pat)
            if i >= 0 and pos + i >= lo:
                cut = pos + i
                break
        sentence_cut = False
        if cut < 0:
            for m in _SENT_END.finditer(text, lo, limit):
                cut = m.start()
            sentence_cut = cut >= 0
        if cut < 0:
            i = window.rfind(" ")
            cut = pos + i if i > 0 and pos + i > pos + min_chars // 2 else limit
        piece_end = cut
        while piece_end > pos and text[piece_end - 1].isspace():
            piece_end -= 1
        pieces.append((pos, piece_end))
        nxt = cut
        while nxt < end and text[nxt].isspace():
            nxt += 1
        if sentence_cut or cut == limit:
            # overlap: repeat the last sentence of the piece when it is short
            prev_starts = [m.end() for m in _SENT_END.finditer(text, pos, piece_end)]
            if prev_starts and piece_end - prev_starts[-1] <= OVERLAP_CHARS and prev_starts[-1] > pos:
                nxt = prev_starts[-1]
        if nxt <= pos:
            nxt = max(piece_end, pos + 1)
        pos = nxt
    if end > pos:
        pieces.append((pos, end))
    return pieces


def _range_label(first: SectionNode, last: SectionNode) -> str:
    if first is last:
        return first.label
    if first.kind in ("khoan", "diem") and first.kind == last.kind:
        return f"{first.label}-{last.label.split()[-1]}"
    if first.kind == last.kind and first.kind in ("decimal", "roman", "dieu"):
        return f"{first.label}-{last.label.split()[-1]}"
    return f"{first.label}; {last.label}"


def _ancestor_at(node: SectionNode, parent: SectionNode) -> SectionNode:
    n = node
    while n.parent is not None and n.parent is not parent:
        n = n.parent
    return n


def _lca(nodes: list[SectionNode]) -> SectionNode:
    paths = []
    for n in nodes:
        p: list[SectionNode] = []
        cur: SectionNode | None = n
        while cur is not None:
            p.append(cur)
            cur = cur.parent
        paths.append(p[::-1])
    common = paths[0]
    for p in paths[1:]:
        i = 0
        while i < len(common) and i < len(p) and common[i] is p[i]:
            i += 1
        common = common[:i]
    return common[-1]


def _section_and_heading(text: str, nodes: list[SectionNode], start: int) -> tuple[str, str]:
    uniq: list[SectionNode] = []
    for n in nodes:
        if not any(n is u for u in uniq):
            uniq.append(n)
    lca = _lca(uniq)
    if any(n is lca for n in uniq) or lca.kind == "root":
        if lca.kind == "root":
            kids = [_ancestor_at(n, lca) for n in uniq]
            section = _range_label(kids[0], kids[-1])
            heading_nodes: list[SectionNode] = []
        else:
            section = lca.path_label()
            heading_nodes = lca.path()
    else:
        kids = [_ancestor_at(n, lca) for n in uniq]
        section = lca.path_label() + " > " + _range_label(kids[0], kids[-1])
        heading_nodes = lca.path()
    # the heading of a unit whose heading line opens the passage is not repeated
    heads = [short_heading(n) for n in heading_nodes if n.heading and not (start <= n.start)]
    return section, " > ".join(heads)


def build_index_text(title: str, section: str, heading: str, passage: str) -> str:
    """Text embedded and BM25-indexed for one passage.

    ``"<short title> | <section>\\n<heading>\\n<passage>"`` (empty parts left out),
    e.g. ``"Nghị định 60/2021/NĐ-CP | Điều 9 > khoản 3\\nĐiều 9. Phân loại …\\n3. …"``.
    """
    first = f"{title} | {section}" if section else title
    return "\n".join(p for p in (first, heading, passage) if p)


def chunk_document(
    text: str,
    meta: DocumentMeta,
    tree: DocumentTree,
    max_chars: int = 1000,
    min_chars: int = 200,
    repair: Callable[[str], str] | None = None,
) -> list[Chunk]:
    """Cut ``text`` into :class:`Chunk` passages along ``tree``.

    ``text`` is the normalised document text the tree was parsed from;
    ``max_chars``/``min_chars`` bound passage length in characters (a single
    sentence longer than ``max_chars`` is cut at a word boundary).  For
    OCR-damaged documents pass ``repair`` (e.g. :func:`corpus.ocr.repair_text`):
    it is applied to the passage and heading that go into ``index_text`` only;
    ``Chunk.text`` stays the original slice.  ``chunk_id`` is
    ``f"{meta.doc_id}#{i:04d}"``.  Returns ``[]`` for text without content.
    """
    if max_chars < 100:
        raise ValueError("max_chars must be at least 100")
    min_chars = max(0, min(min_chars, max_chars // 2))
    segs = _segments(text, tree)
    excluded = tree.excluded

    # ---- pack units into groups
    groups: list[list[_Seg]] = []
    cur: list[_Seg] = []
    for seg in segs:
        if cur:
            g_start = cur[0].start
            same_unit = _boundary(seg.node, tree.mode) is _boundary(cur[0].node, tree.mode)
            contiguous = _contiguous(text, cur[-1].end, seg.start, excluded)
            fits = seg.end - g_start <= max_chars
            small = cur[-1].end - g_start < min_chars or all(s.heading_only for s in cur)
            carries_heading = all(s.heading_only for s in cur) and any(
                seg.node is s.node or _is_ancestor(s.node, seg.node) for s in cur
            )
            if contiguous and ((same_unit and (fits or small)) or carries_heading):
                cur.append(seg)
                continue
            # a unit's own intro line travels with its children into the next passage
            moved: list[_Seg] = []
            while (
                len(cur) > 1
                and contiguous
                and same_unit
                and (cur[-1].node is seg.node.parent or _is_ancestor(cur[-1].node, seg.node))
                and cur[-1].end - cur[-1].start < max_chars // 3
            ):
                moved.insert(0, cur.pop())
            groups.append(cur)
            cur = moved + [seg]
            continue
        cur = [seg]
    if cur:
        groups.append(cur)

    # a bare heading cut off from its body (e.g. "Điều 9. …" followed by a
    # [pháp điển] line) is carried by the following passages' heading field
    kept: list[list[_Seg]] = []
    for i, g in enumerate(groups):
        if all(s.heading_only for s in g) and i + 1 < len(groups):
            nxt = groups[i + 1][0].node
            if any(nxt is s.node or _is_ancestor(s.node, nxt) for s in g):
                continue
        kept.append(g)

    # ---- cut long groups; pieces remember their units
    pieces: list[tuple[int, int, list[SectionNode], SectionNode]] = []
    for g in kept:
        g_start, g_end = g[0].start, g[-1].end
        bound = _boundary(g[0].node, tree.mode)
        for p_start, p_end in _split_span(text, g_start, g_end, max_chars, min_chars):
            nodes = [s.node for s in g if s.start < p_end and s.end > p_start]
            if nodes and text[p_start:p_end].strip():
                pieces.append((p_start, p_end, nodes, bound))

    # ---- a short piece joins the previous one of the same unit (≤ max_chars + min_chars)
    merged: list[tuple[int, int, list[SectionNode], SectionNode]] = []
    for pc in pieces:
        if merged:
            ps, pe, pn, pb = merged[-1]
            s0, e0, n0, b0 = pc
            short = (e0 - s0 < min_chars) or (pe - ps < min_chars)
            if (
                short
                and b0 is pb
                and (s0 <= pe or _contiguous(text, pe, s0, excluded))
                and e0 - ps <= max_chars + min_chars
            ):
                merged[-1] = (ps, max(pe, e0), pn + [n for n in n0 if not any(n is m for m in pn)], pb)
                continue
        merged.append(pc)

    title = short_title(meta)
    chunks: list[Chunk] = []
    for p_start, p_end, nodes, _b in merged:
        section, heading = _section_and_heading(text, nodes, p_start)
        passage = text[p_start:p_end]
        if repair is not None:
            idx = build_index_text(title, section, repair(heading) if heading else "", repair(passage))
        else:
            idx = build_index_text(title, section, heading, passage)
        chunks.append(
            Chunk(
                chunk_id=f"{meta.doc_id}#{len(chunks):04d}",
                doc_id=meta.doc_id,
                text=passage,
                index_text=idx,
                section=section,
                heading=heading,
                start=p_start,
                end=p_end,
            )
        )
    return chunks


def _is_ancestor(a: SectionNode, b: SectionNode) -> bool:
    n = b.parent
    while n is not None:
        if n is a:
            return True
        n = n.parent
    return False
