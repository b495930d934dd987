"""Questions answered from structured data rather than passage retrieval:

* citation graph — "Kế hoạch của trường Hương Sen căn cứ những văn bản nào?",
  "Những kế hoạch nào viện dẫn Nghị định 60/2021?"
* glossary — "CCHC là gì?", "PAPI viết tắt của gì?"
* drafting — "soạn mục cải cách TTHC cho kế hoạch năm 2025 của trường …"

Each answer still cites the passages its facts come from (the chunk in which
a document is cited, or in which an abbreviation is defined). Detection is
plain pattern matching on accent-folded text, so unaccented questions work.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from assistant.types import Answer, Citation
from corpus.models import Chunk, ParsedDocument
from corpus.textnorm import fold
from index.types import Hit

if TYPE_CHECKING:  # pragma: no cover
    from assistant.service import CCHCService

_CITE_VERB = r"(?:can cu|vien dan|trich dan|dan chieu|nhac (?:den|toi)|dua (?:tren|vao)|thuc hien theo)"
_CITES_RE = re.compile(rf"{_CITE_VERB}.{{0,30}}(?:nhung|cac)?\s*(?:van ban|nghi dinh|quyet dinh|ke hoach|tai lieu)\s*(?:nao|gi)")
_CITES_RE2 = re.compile(rf"(?:nhung|cac)\s+(?:van ban|can cu)\s+(?:nao|gi)?.{{0,30}}{_CITE_VERB}|co nhung can cu (?:phap ly )?nao|can cu phap ly")
_CITED_BY_RE = re.compile(rf"(?:ke hoach|van ban|tai lieu|truong|don vi)\s+nao.{{0,40}}{_CITE_VERB}")
_GLOSS_RE = re.compile(
    r"^(?:(?:giai thich|dinh nghia|cho (?:toi|em) biet)\s+(?:(?:tu|thuat ngu|cum tu|khai niem)\s+)?)?"
    r"[\"“']?(?P<term>[a-z0-9 \-]{2,40}?)[\"”']?\s*"
    r"(?:la gi|la chi so gi|la (?:thuat ngu|khai niem) gi|la viet tat cua (?:tu )?gi|viet tat (?:cua|la) (?:tu )?gi|nghia la gi|co nghia (?:la )?gi|la cai gi|$)"
)


def _chunk_at(doc: ParsedDocument, pos: int) -> Chunk | None:
    for c in doc.chunks:
        if c.start <= pos < c.end:
            return c
    return doc.chunks[0] if doc.chunks else None


class _Cites:
    """Numbered citations built while composing one answer."""

    def __init__(self):
        self.items: list[Citation] = []
        self._by_chunk: dict[str, int] = {}

    def cite(self, doc: ParsedDocument, chunk: Chunk) -> int:
        if chunk.chunk_id not in self._by_chunk:
            n = len(self.items) + 1
            self._by_chunk[chunk.chunk_id] = n
            self.items.append(Citation.from_hit(n, Hit(chunk=chunk, meta=doc.meta, score=1.0, confidence=1.0)))
        return self._by_chunk[chunk.chunk_id]


def _doc_label(doc: ParsedDocument) -> str:
    m = doc.meta
    parts = [m.doc_type or "Kế hoạch"]
    if m.number:
        parts.append(m.number)
    if m.kind == "plan" and m.unit:
        parts.append(f"của {m.unit}")
    if m.kind == "plan" and m.year:
        parts.append(f"năm {m.year}")
    return " ".join(parts)


def _cited_label(d) -> str:
    bits = [d.type or "Văn bản", d.number] if d.number else [d.id]
    if d.date:
        y, mo, da = (d.date.split("-") + ["", ""])[:3]
        bits.append(f"ngày {int(da)}/{int(mo)}/{y}" if da and mo else f"năm {y}")
    if d.issuer:
        bits.append(f"của {d.issuer}")
    label = " ".join(bits)
    if d.title:
        label += f" {d.title}" if d.title.lower().startswith("về") else f" về {d.title}"
    return label


def find_plan(question: str, docs: list[ParsedDocument]) -> ParsedDocument | None:
    """The corpus document the question names by unit (trường …) or số hiệu."""
    q = fold(question)
    best = None
    for d in docs:
        m = d.meta
        if m.number and fold(m.number) in q:
            return d
        names = []
        if m.unit:
            core = re.sub(r"^truong\s+(?:mam non|tieu hoc|trung hoc co so|thcs|thpt)\s+", "", fold(m.unit))
            names.append(core)
        slug = d.meta.doc_id.replace("-", " ")
        for name in names:
            if len(name) >= 3 and name in q:
                best = d
        # the file name carries the unit slug too (robust to a mis-repaired OCR unit name)
        for words in re.findall(r"(?:mn|th|thcs)\s+((?:[a-z]+ ){1,3}?)(?:q\d|go vap|cchc|papi|par)", slug):
            if words.strip() and words.strip() in q:
                best = best or d
    return best


def answer_cites(service: "CCHCService", question: str, doc: ParsedDocument) -> Answer:
    """Which documents does ``doc`` cite? Each cited document with the passage citing it."""
    graph = service.citation_graph()
    cites = _Cites()
    docs = {d.meta.doc_id: d for d in service.parsed_documents()}
    lines = []
    cited = graph.cites(doc.meta.doc_id)
    for cd in cited:
        edge = next(e for e in graph.edges if e.doc_id == doc.meta.doc_id and e.cited_id == cd.id)
        chunk = _chunk_at(docs[doc.meta.doc_id], edge.start)
        n = cites.cite(docs[doc.meta.doc_id], chunk)
        where = " (có trong kho tài liệu)" if graph.in_corpus(cd.id) else ""
        lines.append(f"- {_cited_label(cd)}{where} [{n}]")
    if not lines:
        return Answer(question=question, answer=f"{_doc_label(doc)} không viện dẫn văn bản nào mà hệ thống nhận ra.",
                      abstained=True, mode="graph")
    head = f"{_doc_label(doc)} viện dẫn {len(lines)} văn bản:"
    return Answer(question=question, answer=head + "\n" + "\n".join(lines), citations=cites.items, mode="graph")


def answer_cited_by(service: "CCHCService", question: str, cited_id: str) -> Answer:
    """Which corpus documents cite ``cited_id``? Each with the citing passage."""
    graph = service.citation_graph()
    docs = {d.meta.doc_id: d for d in service.parsed_documents()}
    cites = _Cites()
    cd = graph.documents.get(cited_id)
    lines = []
    by_doc: dict[str, list] = {}
    for e in graph.cited_by(cited_id):
        if e.doc_id in docs:
            by_doc.setdefault(e.doc_id, []).append(e)
    # plans first: that is what staff ask about; then other legal documents
    for doc_id in sorted(by_doc, key=lambda d: (docs[d].meta.kind != "plan", d)):
        edges = by_doc[doc_id]
        sections = list(dict.fromkeys(e.section for e in edges if e.section))
        marks = "".join(dict.fromkeys(f"[{cites.cite(docs[doc_id], _chunk_at(docs[doc_id], e.start))}]" for e in edges[:3]))
        where = f", mục {', '.join(sections[:4])}{' …' if len(sections) > 4 else ''}" if sections else ""
        lines.append(f"- {_doc_label(docs[doc_id])}{where} {marks}")
    name = _cited_label(cd) if cd else cited_id
    if not lines:
        return Answer(question=question, answer=f"Không tìm thấy văn bản nào trong kho tài liệu viện dẫn {name}.",
                      abstained=True, mode="graph")
    return Answer(question=question, answer=f"{name} được viện dẫn trong:\n" + "\n".join(lines),
                  citations=cites.items, mode="graph")


def answer_glossary(service: "CCHCService", question: str, term: str) -> Answer | None:
    """Expansion of an abbreviation with the passages that define/use it."""
    try:
        from corpus.glossary import explain
    except ImportError:
        return None
    docs = service.parsed_documents()
    entry = explain(term, docs)
    if entry is None:
        return None
    by_id = {d.meta.doc_id: d for d in docs}
    cites = _Cites()
    marks = []
    for occ in list(getattr(entry, "occurrences", []) or [])[:3]:
        doc_id, section = occ[0], occ[1]
        snippet = occ[2] if len(occ) > 2 else ""
        d = by_id.get(doc_id)
        if not d:
            continue
        chunk = next((c for c in d.chunks if snippet and fold(snippet)[:40] in fold(c.text)), None)
        chunk = chunk or next((c for c in d.chunks if c.section == section), None) or (d.chunks[0] if d.chunks else None)
        if chunk:
            marks.append(f"[{cites.cite(d, chunk)}]")
    src = "" if getattr(entry, "from_corpus", True) else " (giải thích chung, không lấy từ kho tài liệu)"
    text = f"{entry.term}: {entry.expansion}{src} {''.join(marks)}".strip()
    if cites.items:
        used = sorted({c.doc_id for c in cites.items})
        text += f"\nThuật ngữ được dùng trong: {', '.join(used)}."
    return Answer(question=question, answer=text, citations=cites.items, mode="glossary")


def answer_draft(service: "CCHCService", question: str) -> Answer | None:
    """A chat request to draft a plan (section), answered with the Markdown draft."""
    try:
        from assistant.draft import draft_plan, parse_draft_request
    except ImportError:
        return None
    req = parse_draft_request(question)
    if req is None:
        return None
    draft = draft_plan(req.unit, req.year, district=getattr(req, "district", None), kind=getattr(req, "kind", "cchc"),
                       section=getattr(req, "section", "all"), settings=service.settings)
    return Answer(question=question, answer=draft.to_markdown(), mode="draft", notes=list(draft.notes))


def route_intent(service: "CCHCService", question: str, query: str) -> Answer | None:
    """Answer from structured data when the question asks for it, else None."""
    q = fold(query).strip(" ?.!")
    if re.search(r"\b(?:soan|du thao|viet)\b.{0,40}\bke hoach\b", q):
        ans = answer_draft(service, query)
        if ans is not None:
            return ans
    if _CITED_BY_RE.search(q):
        from corpus.citations import resolve_reference

        graph = service.citation_graph()
        known = list(graph.documents)
        cid = resolve_reference(query, known)
        if cid:
            return answer_cited_by(service, question, cid)
    if _CITES_RE.search(q) or _CITES_RE2.search(q):
        doc = find_plan(query, service.parsed_documents())
        if doc is not None:
            return answer_cites(service, question, doc)
    m = _GLOSS_RE.match(q)
    if m and len(m.group("term").split()) <= 4 and (
            re.search(r"la (?:chi so |thuat ngu |khai niem )?gi", q) or "viet tat" in q or "nghia" in q
            or q.startswith(("giai thich", "dinh nghia"))):
        term = m.group("term").strip()
        # keep the user's casing for the lookup
        raw = re.search(re.escape(term), fold(query))
        original = query[raw.start():raw.end()] if raw else term
        return answer_glossary(service, question, original)
    return None
