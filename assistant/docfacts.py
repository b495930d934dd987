"""Questions about the particulars of one văn bản named by số hiệu: its ngày
ban hành, its cơ quan ban hành, its người ký ("qd 2820 cua ubnd tphcm ban
hanh ngay nao", "NĐ 118/2025 do cơ quan nào ban hành", "ai ký CV 5208"),
answered from that văn bản's own metadata and header (``corpus.metadata``),
cited to the passage that states them.

One job: ``question → Answer | None`` for these questions; ``None`` for any
other question (it then goes to retrieval). Hiệu lực questions are not
answered here: ``assistant.inforce`` answers them from the validity knowledge.

The particulars are the thể thức parts every văn bản carries (NĐ 30/2020/NĐ-CP,
Điều 8 khoản 1: "b) Tên cơ quan, tổ chức ban hành văn bản", "d) Địa danh và
thời gian ban hành văn bản", "g) Chức vụ, họ tên và chữ ký của người có thẩm
quyền"). Where to read them:

* a corpus văn bản: ``DocumentMeta.date`` / ``issuer`` (read from its header by
  ``corpus.metadata``), cited to the first passage that writes that date (the
  header's place-and-date line) or names that issuer; a văn bản whose text
  lacks its header (a source that kept only the articles) but which another
  corpus văn bản cites with its date ("Căn cứ Nghị định số 118/2025/NĐ-CP ngày
  09 tháng 6 năm 2025 …") is answered from that căn cứ, cited to it;
* a văn bản that is no corpus document but is cited in one: the date and issuer
  of that citation (``corpus.citations.CitedDocument``), cited to it;
* the người ký: the signature block (:func:`signature`), a corpus văn bản only.

A particular that none of these gives is not invented: the answer says the
documents do not state it (``abstained=True``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.question import ISSUE_DATE, ISSUER, PARTICULAR_LABELS, SIGNER, SUBJECT, asked_particular
from assistant.types import Answer, Citation
from corpus.citations import CitationGraph, resolve_reference
from corpus.dates import NUMERIC_DATE, OCR_DATE, date_from_groups
from corpus.legal_refs import find_references, fold, number_key
from corpus.models import Chunk, ParsedDocument
from corpus.validity import doc_name, vn_date
from index.types import Hit

#: the particulars and the question table are question analysis (``assistant.question.PARTICULARS``); the names
#: are kept here for the callers of this module
DATE, LABELS = ISSUE_DATE, PARTICULAR_LABELS


@dataclass(frozen=True)
class Signature:
    """The signature block of a văn bản: ``title`` the quyền hạn and chức vụ
    lines ("KT. CHỦ TỊCH PHÓ CHỦ TỊCH"; may be empty), ``name`` the signer's
    họ tên, ``start`` its offset in the document text."""

    title: str
    name: str
    start: int


#: a line of the signature block above the name: quyền hạn ("TM.", "KT.", "TL.", "TUQ.", "Q.") or a
#: chức vụ in capitals (NĐ 30/2020/NĐ-CP, Phụ lục I, Phần I mục II.8-9)
_AUTHORITY = re.compile(r"^(?:TM|KT|TL|TUQ|Q)\.\s|^[A-ZĐÀ-Ỹ][A-ZĐÀ-Ỹ ,.\-]{2,80}$")


#: a chức vụ (or quyền hạn) among the lines above a signer's name: heads of cơ quan, tổ chức
_CHUC_VU = re.compile(r"^(?:tm|kt|tl|tuq|q)\.\s|\b(?:truong|chu tich|chu nhiem|giam doc|bi thu|thu tuong|tong kiem toan"
                      r"|chanh an|vien truong|thong doc|tong cuc truong|cuc truong|thu ky)\b")

#: a footnote marker the crawl glues after the signer's name ("Vũ Chiến Thắng [i] Tổng số …")
_FOOTNOTE = re.compile(r"\s*\[\w{1,4}\].*$", re.DOTALL)


def _name_shaped(text: str) -> bool:
    """2–5 syllables, each capitalised then lower case ("Hoàng Nam", "Phạm Minh Chính")."""
    words = text.split()
    return 2 <= len(words) <= 5 and all(w[0].isupper() and (w[1:].islower() or len(w) == 1) for w in words)


def signature(doc: ParsedDocument) -> Signature | None:
    """The first signature block of ``doc``'s text: a paragraph that is only
    a person's name right after one or more quyền hạn / chức vụ lines
    (:data:`_AUTHORITY`; the name then only needs the shape of one,
    :func:`_name_shaped`, as a given name may be a common word: "Hoàng Nam"),
    or right after the "Nơi nhận" list (then a name of
    ``assistant.spans.person_names``). A footnote marker glued after the name
    is cut. ``None`` when the text has none (a source that dropped it)."""
    from assistant.spans import person_names

    text = doc.text or ""
    paras = [(m.start(), m.group(0).strip()) for m in re.finditer(r"[^\n]+", text) if m.group(0).strip()]
    after_noi_nhan = False
    for i, (pos, para) in enumerate(paras):
        if fold(para).startswith("noi nhan"):
            after_noi_nhan = True
            continue
        own = _FOOTNOTE.sub("", para).strip(" .:;,-*")
        titles: list[str] = []
        j = i - 1
        while j >= 0 and len(titles) < 3 and _AUTHORITY.match(paras[j][1]) and not _name_shaped(paras[j][1]):
            titles.insert(0, paras[j][1])
            j -= 1
        names = person_names(own)
        if titles and _name_shaped(own) and any(_CHUC_VU.search(fold(t)) for t in titles):
            return Signature(" ".join(titles), own, pos + para.find(own))
        if names and names[0].text.strip() == own and after_noi_nhan and i > 0 and paras[i - 1][1].lstrip().startswith("-"):
            return Signature("", own, pos + para.find(own))
    return None


def _chunk_at(doc: ParsedDocument, pos: int) -> Chunk | None:
    return next((c for c in doc.chunks if c.start <= pos < c.end), None)


_DATES = re.compile(rf"{OCR_DATE}|(?<![\d/]){NUMERIC_DATE}(?![\d/])")


def _writes_date(text: str, iso: str) -> int | None:
    """Offset in ``text`` of the first written form of the ISO date ``iso``
    ("ngày 19 tháng 11 năm 2025", "ngày 19/11/2025", "19/11/2025"), else ``None``."""
    for m in _DATES.finditer(fold(text)):
        if date_from_groups(m.groups()) == iso:
            return m.start()
    return None


def _cite(cites: list[Citation], doc: ParsedDocument, chunk: Chunk) -> int:
    for c in cites:
        if c.doc_id == doc.meta.doc_id and c.section == chunk.section and c.text == chunk.text:
            return c.n
    # the passage as stored, as the other structured-data answers (assistant.intents) and the extractive reader cite it
    cites.append(Citation.from_hit(len(cites) + 1, Hit(chunk=chunk, meta=doc.meta, score=1.0, confidence=1.0)))
    return len(cites)


def _writing(doc: ParsedDocument, phrase: str, first: bool = False) -> tuple[ParsedDocument, Chunk] | None:
    """The first passage of ``doc`` writing ``phrase`` (folded, spaces squashed); else, with ``first``,
    its first passage (the header, which a particular read from the metadata comes from); else ``None``."""
    want = fold(phrase, squash_spaces=True)
    found = next(((doc, c) for c in doc.chunks if want in fold(c.text, squash_spaces=True)), None)
    return found or ((doc, doc.chunks[0]) if first and doc.chunks else None)


def _via(doc: ParsedDocument | None, where: tuple[ParsedDocument, Chunk], cites: list[Citation]) -> str:
    """The end of a particular's sentence: "(theo … viện dẫn văn bản này)" when the passage ``where`` is
    another văn bản's, then its ``[n]`` (added to ``cites``)."""
    d, chunk = where
    via = "" if doc is not None and d is doc else f" (theo {_source(d)} viện dẫn văn bản này)"
    return f"{via} [{_cite(cites, d, chunk)}]"


def _label(doc: ParsedDocument) -> str:
    m = doc.meta
    return f"{m.doc_type} {m.number}" if m.doc_type and m.number else doc_name(m.number or m.doc_id)


def _source(doc: ParsedDocument) -> str:
    """The citing văn bản named without its số hiệu ("Kế hoạch của Trường Mầm
    non Tuổi Hồng"): the [n] beside it points to the passage, and a figure in
    the answer must be one that passage writes."""
    m = doc.meta
    owner = m.unit or m.issuer
    return f"{m.doc_type or 'văn bản'}{f' của {owner}' if owner else ''}"


def named_document(query: str, docs: list[ParsedDocument], graph: CitationGraph | None) -> tuple[ParsedDocument | None, str | None]:
    """``(corpus document, cited id)`` of the one văn bản ``query`` names by
    số hiệu ("qd 2820", "nđ 118/2025", "CV 5208/BGDĐT-GDPT"): the corpus
    document whose số hiệu it resolves to (``corpus.citations.resolve_reference``
    over the corpus numbers), with its id in ``graph`` when cited there; else
    ``(None, id)`` for a văn bản only cited in the corpus; ``(None, None)`` when
    the question names no văn bản, several, or one that neither knows."""
    refs = find_references(query)
    if len({(r.doc_type, r.number.lstrip("0"), r.year) for r in refs}) != 1:
        return None, None
    numbers = {d.meta.number: d for d in docs if d.meta.number and d.meta.kind != "validity"}
    number = resolve_reference(query, list(numbers)) or _by_own_kind(refs[0], numbers)
    cited_ids = list(graph.documents) if graph is not None else []
    if number is not None:
        key = number_key(number)
        cid = next((c for c in cited_ids if graph.documents[c].number and number_key(graph.documents[c].number) == key), None)
        return numbers[number], cid
    return None, resolve_reference(query, cited_ids) if cited_ids else None


def _by_own_kind(ref, numbers: dict[str, ParsedDocument]) -> str | None:
    """The one corpus số hiệu whose số is ``ref``'s and whose document is of
    the loại ``ref`` names by its own metadata, the year agreeing when given. A
    công văn's số hiệu carries no loại code, only the abbreviations of its
    cơ quan (NĐ 30/2020/NĐ-CP, Phụ lục I, Phần I mục II.3: "5470/CT-CS" of the
    Cục Thuế), so ``resolve_reference`` cannot tell it from a Chỉ thị."""
    num = ref.number.lstrip("0") or "0"
    hits = [n for n, d in numbers.items()
            if (re.match(r"0*(\d+)", n) or [None, None])[1] == num
            and (ref.year is None or f"/{ref.year}/" in n)
            and (ref.doc_type is None or ref.doc_type == d.meta.doc_type)]
    return hits[0] if len(hits) == 1 else None


def _citing(graph: CitationGraph, cid: str, by_id: dict[str, ParsedDocument], iso: str | None,
            skip: str = "", phrase: str | None = None) -> tuple[ParsedDocument, Chunk] | None:
    """The first passage of a corpus document (not ``skip``) citing ``cid``
    whose citation writes the date ``iso`` or, with ``phrase``, that phrase
    (the cited văn bản's trích yếu, folded, spaces squashed) right after the
    số hiệu; any passage citing it when both are None."""
    want = fold(phrase, squash_spaces=True) if phrase else None
    for e in graph.edges:
        d = by_id.get(e.doc_id)
        if e.cited_id != cid or d is None or e.doc_id == skip:
            continue
        if iso is not None and _writes_date(d.text[e.start:e.end + 60], iso) is None:
            continue
        if want is not None and want not in fold(d.text[e.start:e.end + 80 + len(phrase)], squash_spaces=True):
            continue
        chunk = _chunk_at(d, e.start)
        if chunk is not None:
            return d, chunk
    return None


def answer_fact(question: str, query: str, normalized: str, docs: list[ParsedDocument],
                graph: CitationGraph | None) -> Answer | None:
    """Answer a question asking the ngày ban hành, cơ quan ban hành or người
    ký (``assistant.question.asked_particular`` of ``normalized``) of the
    văn bản ``query`` names by số hiệu (:func:`named_document`), from
    ``docs`` and the citation ``graph``;
    every stated particular carries the ``[n]`` of a passage writing it.
    ``None`` when the question is no such question or names no known văn bản;
    an abstaining answer ("Tài liệu không nêu …") when the documents do not
    state the particular. Never raises on a question string."""
    fact = asked_particular(normalized)
    if fact is None:
        return None
    doc, cid = named_document(query, docs, graph)
    cited = graph.documents.get(cid) if graph is not None and cid else None
    if doc is None and cited is None:
        return None
    if doc is None and fact == SIGNER:
        return None  # the signer of a văn bản outside the corpus: no text to read it from
    by_id = {d.meta.doc_id: d for d in docs}
    cites: list[Citation] = []
    name = _label(doc) if doc is not None else doc_name(cited.number or cid)
    text = None
    if fact == SIGNER:
        sig = signature(doc)
        chunk = _chunk_at(doc, sig.start) if sig else None
        if sig and chunk:
            who = f"{sig.name} ({sig.title})" if sig.title else sig.name
            text = f"{name} do {who} ký [{_cite(cites, doc, chunk)}]."
    elif fact == DATE:
        iso = doc.meta.date if doc is not None else None
        where = None
        if iso:
            where = next(((doc, c) for c in doc.chunks if _writes_date(c.text, iso) is not None), None)
        if where is None and cited is not None and cited.date:
            iso = cited.date
            where = _citing(graph, cid, by_id, iso, skip=doc.meta.doc_id if doc is not None else "")
            if where is None and doc is not None:
                where = next(((doc, c) for c in doc.chunks if _writes_date(c.text, iso) is not None), None)
        if iso and where is not None:
            text = f"{name} được ban hành ngày {vn_date(iso)}{_via(doc, where, cites)}."
    elif fact == SUBJECT:
        title = doc.meta.title if doc is not None else None
        where = _writing(doc, title, first=True) if title else None
        if where is None and cited is not None and cited.title:
            title = cited.title
            where = _citing(graph, cid, by_id, None, skip=doc.meta.doc_id if doc is not None else "", phrase=title)
        if title and where is not None:
            text = f"{name}: “{title.rstrip('. ')}”{_via(doc, where, cites)}."
    else:
        issuer = doc.meta.issuer if doc is not None else None
        where = None
        if issuer:
            where = _writing(doc, issuer, first=True)
        if where is None and cited is not None and cited.issuer:
            issuer = cited.issuer
            where = _citing(graph, cid, by_id, None, skip=doc.meta.doc_id if doc is not None else "")
        if issuer and where is not None:
            text = f"{name} do {issuer} ban hành{_via(doc, where, cites)}."
    if text is None and fact == SUBJECT:
        return None  # a cited văn bản known by its số hiệu alone: the citing sentence may say what it is about
    if text is None:
        return Answer(question=question, abstained=True, mode="metadata",
                      answer=f"Tài liệu không nêu {LABELS[fact]} của {name}.")
    return Answer(question=question, answer=text, citations=cites, mode="metadata")
