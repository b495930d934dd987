"""Questions answered from structured data rather than passage retrieval:

* citation graph — "Kế hoạch của trường Hương Sen căn cứ những văn bản nào?",
  "Những kế hoạch nào viện dẫn Nghị định 60/2021?"
* glossary — "CCHC là gì?", "PAPI viết tắt của gì?"
* drafting — "soạn mục cải cách TTHC cho kế hoạch năm 2025 của trường …"
* particulars of a văn bản named by số hiệu — "qd 2820 ban hanh ngay nao",
  "ai ký CV 5208" (:mod:`assistant.docfacts`)

Each answer still cites the passages its facts come from (the chunk in which
a document is cited, or in which an abbreviation is defined). Detection is
plain pattern matching on accent-folded text, so unaccented questions work.

The router (:class:`IntentRouter`) depends on two small interfaces
(:mod:`assistant.protocols`): the indexed documents and the citation graph.
"""

from __future__ import annotations

import difflib
import re

from assistant.docfacts import answer_fact
from assistant.drafting.drafter import draft_plan
from assistant.drafting.models import DraftRequest
from assistant.drafting.render_markdown import draft_to_markdown
from assistant.drafting.sections import resolve_section
from assistant.drafting.sources import UNIT_RE, draft_documents
from assistant.protocols import DocumentSource, KnowledgeGraph
from assistant.settings import Settings
from assistant.types import Answer, Citation
from corpus.citations import CitationGraph, resolve_reference
from corpus.glossary import explain
from corpus.legal_refs import fold
from corpus.models import Chunk, ParsedDocument
from corpus.validity import ValidityIndex
from index.types import Hit

_CITE_VERB = r"(?:can cu|vien dan|trich dan|dan chieu|nhac (?:den|toi)|dua (?:tren|vao)|thuc hien theo)"
_CITES_RE = re.compile(rf"{_CITE_VERB}.{{0,30}}(?:nhung|cac)?\s*(?:van ban|nghi dinh|quyet dinh|ke hoach|tai lieu)\s*(?:nao|gi)")
_CITES_RE2 = re.compile(rf"(?:nhung|cac)\s+(?:van ban|can cu)\s+(?:nao|gi)?.{{0,30}}{_CITE_VERB}|co nhung can cu (?:phap ly )?nao|can cu phap ly")
_CITED_BY_RE = re.compile(rf"(?:ke hoach|van ban|tai lieu|truong|don vi)\s+nao.{{0,40}}{_CITE_VERB}")
#: the passive form, the văn bản named first: "NĐ 42/2022 … được nhắc trong kế hoạch của (những) trường nào",
#: "kế hoạch 124-KH/TU … có ở kế hoạch những trường nào"
_CITED_IN_RE = re.compile(r"\b(?:nhac(?: den| toi)?|vien dan|trich dan|dan chieu|can cu|xuat hien|co mat|co)"
                          r"\s+(?:trong|o|tai)\s+(?:(?:cac|nhung)\s+)?(?:(?:ke hoach|van ban|tai lieu)\s+)?(?:cua\s+)?"
                          r"(?:(?:cac|nhung)\s+)?(?:truong|don vi|ke hoach|van ban|tai lieu)\s+nao\b")
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

    def cite(self, doc: ParsedDocument, chunk: Chunk | None) -> int | None:
        if chunk is None:
            return None
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


_UNIT_LEVEL = re.compile(r"^truong\s+(?:mam non|tieu hoc|trung hoc co so|thcs|thpt)\s+")
#: Least similarity (``difflib`` ratio, folded text) at which a unit name in a
#: question matches a plan's unit: tolerates one OCR-damaged syllable of a
#: two-syllable name ("tui hong" ~ "tuoi hong" = 0.94) and rejects another
#: name ("hoa binh" ~ "hoa phuong" = 0.56).
UNIT_MATCH = 0.85


def _near(q: str, core: str) -> bool:
    """True when some run of words of the folded question ``q`` is within
    :data:`UNIT_MATCH` of the folded unit name ``core``."""
    n = len(core.split())
    words = q.split()
    return any(difflib.SequenceMatcher(None, core, " ".join(words[i:i + n])).ratio() >= UNIT_MATCH
               for i in range(len(words) - n + 1))


def find_plan(question: str, docs: list[ParsedDocument]) -> ParsedDocument | None:
    """The corpus document the question names by số hiệu, else by unit
    (trường …; the name without its level, as written — the last such
    document — or, failing that, nearly as written: an OCR-damaged unit
    name in the metadata still matches)."""
    q = fold(question)
    exact = near = None
    for d in docs:
        m = d.meta
        if m.number and fold(m.number) in q:
            return d
        core = _UNIT_LEVEL.sub("", fold(m.unit)) if m.unit else ""
        if len(core) < 3:
            continue
        if core in q:
            exact = d
        elif near is None and _near(q, core):
            near = d
    return exact or near


def answer_cites(graph: CitationGraph, docs: list[ParsedDocument], question: str, doc: ParsedDocument) -> Answer:
    """Which documents does ``doc`` cite? Each cited document with the passage citing it."""
    cites = _Cites()
    by_id = {d.meta.doc_id: d for d in docs}
    lines = []
    cited = graph.cites(doc.meta.doc_id)
    for cd in cited:
        edge = next(e for e in graph.edges if e.doc_id == doc.meta.doc_id and e.cited_id == cd.id)
        chunk = _chunk_at(by_id[doc.meta.doc_id], edge.start)
        n = cites.cite(by_id[doc.meta.doc_id], chunk)
        where = " (có trong kho tài liệu)" if graph.in_corpus(cd.id) else ""
        if not cd.verified:
            where += " (chưa kiểm chứng: chỉ văn bản tải lên này viện dẫn)"
        lines.append(f"- {_cited_label(cd)}{where} [{n}]")
    if not lines:
        return Answer(question=question, answer=f"{_doc_label(doc)} không viện dẫn văn bản nào mà hệ thống nhận ra.",
                      abstained=True, mode="graph")
    head = f"{_doc_label(doc)} viện dẫn {len(lines)} văn bản:"
    return Answer(question=question, answer=head + "\n" + "\n".join(lines), citations=cites.items, mode="graph")


def answer_cited_by(graph: CitationGraph, docs: list[ParsedDocument], question: str, cited_id: str) -> Answer:
    """Which corpus documents cite ``cited_id``? Each with the citing passage."""
    by_id = {d.meta.doc_id: d for d in docs}
    cites = _Cites()
    cd = graph.documents.get(cited_id)
    lines = []
    by_doc: dict[str, list] = {}
    for e in graph.cited_by(cited_id):
        if e.doc_id in by_id:
            by_doc.setdefault(e.doc_id, []).append(e)
    # plans first: that is what staff ask about; then other legal documents
    for doc_id in sorted(by_doc, key=lambda d: (by_id[d].meta.kind != "plan", d)):
        edges = by_doc[doc_id]
        sections = list(dict.fromkeys(e.section for e in edges if e.section))
        ns = [cites.cite(by_id[doc_id], _chunk_at(by_id[doc_id], e.start)) for e in edges[:3]]
        marks = "".join(dict.fromkeys(f"[{n}]" for n in ns if n is not None))
        where = f", mục {', '.join(sections[:4])}{' …' if len(sections) > 4 else ''}" if sections else ""
        lines.append(f"- {_doc_label(by_id[doc_id])}{where} {marks}")
    name = _cited_label(cd) if cd else cited_id
    if cd is not None and not cd.verified:
        name += " (chưa kiểm chứng)"
    if not lines:
        return Answer(question=question, answer=f"Không tìm thấy văn bản nào trong kho tài liệu viện dẫn {name}.",
                      abstained=True, mode="graph")
    return Answer(question=question, answer=f"{name} được viện dẫn trong:\n" + "\n".join(lines),
                  citations=cites.items, mode="graph")


def answer_glossary(docs: list[ParsedDocument], question: str, term: str,
                    glossary: dict | None = None) -> Answer | None:
    """Expansion of an abbreviation (``corpus.glossary.explain``) with the
    passages of ``docs`` that define or use it; ``glossary``: the store's
    definitions (default: read from ``docs``). None for an unknown term."""
    entry = explain(term, docs, glossary)
    if entry is None:
        return None
    by_id = {d.meta.doc_id: d for d in docs}
    cites = _Cites()
    marks = []
    for doc_id, section, snippet in entry.occurrences[:3]:
        d = by_id.get(doc_id)
        if not d:
            continue
        chunk = next((c for c in d.chunks if snippet and fold(snippet)[:40] in fold(c.text)), None)
        chunk = chunk or next((c for c in d.chunks if c.section == section), None) or (d.chunks[0] if d.chunks else None)
        if chunk:
            marks.append(f"[{cites.cite(d, chunk)}]")
    src = "" if entry.from_corpus else " (giải thích chung, không lấy từ kho tài liệu)"
    text = f"{entry.term}: {entry.expansion}{src} {''.join(marks)}".strip()
    if cites.items:
        used = sorted({c.doc_id for c in cites.items})
        text += f"\nThuật ngữ được dùng trong: {', '.join(used)}."
    return Answer(question=question, answer=text, citations=cites.items, mode="glossary")


# ---------------------------------------------------------------- drafting requests
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
    um = UNIT_RE.search(text)
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


def answer_draft(docs: list[ParsedDocument], question: str, settings: Settings | None = None,
                 validity: ValidityIndex | None = None) -> Answer | None:
    """A chat request to draft a plan (section), answered with the Markdown
    draft; drafted from ``docs`` when they hold a kế hoạch
    (:func:`assistant.drafting.sources.draft_documents`), with the store's
    ``validity`` index (default: mined from ``docs``). None when the
    question is no draft request."""
    req = parse_draft_request(question)
    if req is None:
        return None
    draft = draft_plan(req.unit, req.year, district=req.district, kind=req.kind, section=req.section,
                       docs=draft_documents(docs), settings=settings, validity=validity)
    return Answer(question=question, answer=draft_to_markdown(draft), mode="draft", notes=list(draft.notes))


class IntentRouter:
    """Answers questions that ask for structured data, over the indexed
    ``documents`` and their citation ``graph``; ``settings`` reach the
    drafter (LLM smoothing)."""

    def __init__(self, documents: DocumentSource, graph: KnowledgeGraph, settings: Settings | None = None):
        self.documents = documents
        self.graph = graph
        self.settings = settings

    def route(self, question: str, query: str) -> Answer | None:
        """Answer from structured data when ``query`` (the standalone form of
        ``question``) asks for it, else None."""
        q = fold(query).strip(" ?.!")
        if re.search(r"\b(?:soan|du thao|viet)\b.{0,40}\bke hoach\b", q):
            ans = answer_draft(self.documents.parsed_documents(), query, self.settings, self.graph.validity())
            if ans is not None:
                return ans
        fact = self._fact(question, query)
        if fact is not None:
            return fact
        if _CITED_BY_RE.search(q) or _CITED_IN_RE.search(q):
            graph = self.graph.citation_graph()
            cid = resolve_reference(query, list(graph.documents))
            if cid:
                return answer_cited_by(graph, self.documents.parsed_documents(), question, cid)
        if _CITES_RE.search(q) or _CITES_RE2.search(q):
            docs = self.documents.parsed_documents()
            doc = find_plan(query, docs)
            if doc is not None:
                return answer_cites(self.graph.citation_graph(), docs, question, doc)
        m = _GLOSS_RE.match(q)
        if m and len(m.group("term").split()) <= 4 and (
                re.search(r"la (?:chi so |thuat ngu |khai niem )?gi", q) or "viet tat" in q or "nghia" in q
                or q.startswith(("giai thich", "dinh nghia"))):
            term = m.group("term").strip()
            # keep the user's casing for the lookup
            raw = re.search(re.escape(term), fold(query))
            original = query[raw.start():raw.end()] if raw else term
            glossary = self.graph.glossary() if hasattr(self.graph, "glossary") else None
            return answer_glossary(self.documents.parsed_documents(), question, original, glossary)
        return None

    def _fact(self, question: str, query: str) -> Answer | None:
        """The ngày ban hành / cơ quan ban hành / người ký of a văn bản named
        by số hiệu (``assistant.docfacts.answer_fact``), else None."""
        from assistant.question import analyze, asked_particular

        normalized = analyze(query).normalized
        if asked_particular(normalized) is None:
            return None
        return answer_fact(question, query, normalized, self.documents.parsed_documents(), self.graph.citation_graph())
