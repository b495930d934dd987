"""Legal citation extraction (trích dẫn văn bản) and the citation graph.

Plain regular-expression code, no model. A *mention* is a reference in a text
to another văn bản: a số hiệu (``60/2021/NĐ-CP``, ``175/KH-UBND``,
``124-KH/TU``, ``98/2023/QH15``) with the loại văn bản written before it
(``Nghị định``, ``Kế hoạch số`` …) or inferred from the type code of the số
hiệu, followed where given by its ngày ban hành (``ngày 28 tháng 5 năm 2021``,
``ngày 23/6/2022``), cơ quan ban hành (``của Ủy ban nhân dân Quận 1``) and trích
yếu (``về thực hiện …``); or a Luật named by its title (``Luật Tiếp cận thông
tin năm 2016``), which has no số hiệu in the running text.

Number format: Nghị định 30/2020/NĐ-CP, Phụ lục I (số hiệu = số/năm/ký hiệu for
văn bản quy phạm pháp luật, số/ký hiệu for văn bản hành chính; Party documents
use số-ký hiệu/cơ quan, e.g. ``124-KH/TU``).

Patterns run on :func:`corpus.textnorm.fold` (lower case, no diacritics, same
length) so that OCR text (``Ké hoach sb 175/KH-UBND ngay 28 thang 5 ndm 2021``)
matches. The số hiệu grammar, its canonical form (OCR type codes such as
``ND-CP``, ``NP-CP``, ``QDP-UBND`` repaired) and the loại names are those of
:mod:`corpus.legal_refs`. For OCR-damaged documents
:func:`build_graph` also extracts from :func:`corpus.ocr.repair_text` output
and takes date/issuer/title from there (better Vietnamese), positions from the
original.

Canonical id (decision): the canonical số hiệu (``60/2021/NĐ-CP``,
``766/QĐ-TTg``, ``1905/KH-UBND``, ``05-CTr/QU``). Số hiệu without a year
restart every year and are reused by different bodies, so when the same
such number is cited with two or more different years of issue in one graph,
every dated mention of it gets the id ``"<number> (<year>)"`` (e.g.
``"04/KH-UBND (2024)"``); undated mentions keep the bare number unless their
cơ quan ban hành matches exactly one dated variant. Numbers that contain the
year (``60/2021/NĐ-CP``) are never suffixed. A Luật without số hiệu gets the
id ``"Luật <tên>"`` (``"Luật Tiếp cận thông tin"``).
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field

from corpus.dates import OCR_DATE, parse_vn_date
from corpus.legal_refs import (
    DOC_TYPE_RE,
    NUMBER_RE,
    TYPE_BY_CODE,
    canonical_number,
    doc_type_from_name,
    doc_type_of_number,
    find_references,
    fold,
    number_key,
    parse_number,
)
from corpus.models import DocumentMeta, ParsedDocument

__all__ = [
    "Mention",
    "CitedDocument",
    "CitationEdge",
    "CitationGraph",
    "extract_citations",
    "build_graph",
    "document_mentions",
    "graph_from_mentions",
    "resolve_reference",
    "canonical_id",
    "TYPE_BY_CODE",
]

_TYPE_BEFORE = re.compile(
    r"(?:^|[^a-z])(" + DOC_TYPE_RE + r")"
    r"\s*(?:so|s[o0-9bde8$]|\$[o0-9b])?\s*[:.]?\s*$"
)
_DATE_AFTER = re.compile(r"^\s*,?\s*(?:ban\s+hanh\s+)?" + OCR_DATE)
_ISSUER_START = re.compile(r"^\s*,?\s*c\w{0,3}a\s+(?=\S)")  # "của", OCR "ctia", "cta", "cua"
_ISSUER_STOP = re.compile(
    r"\s(?:ve|quy\s+dinh|phe\s+duyet|ban\s+hanh|huong\s+dan|ke\s+hoach|thuc\s+hien|nham|"
    r"co\s+hieu\s+luc|trien\s+khai|giai\s+doan)(?=\s|$)|[;,.:()\[\]“”\"]|"
    r"\s+va\s+(?=k\S{0,3}\s*hoach|ngh|quy\S{1,2}t|th\S{1,3}ng\s*tu|chi\s*thi|c\S{1,2}ng\s*v|chuong|luat|cac\s)"
)
# a blank line ends a field unless the next line continues it in lower case (PDF line breaks)
_PARA_BREAK = re.compile(r"(?<!-)(?<!- )\n[ \t]*\n(?=[ \t]*[^a-zà-ỹđ\s])")
_TITLE_START = re.compile(r"^\s*,?\s*(ve|quy\s+dinh|huong\s+dan|ban\s+hanh|phe\s+duyet)(?=\s)")
_TITLE_STOP = re.compile(r"[;.\[\]“”\"]|,\s*co\s+hieu\s+luc|\s\(|,\s*(?:nghi|quyet|ke|thong)\s")
_LUAT = re.compile(r"(?<![\w])Luật\s+(?=[A-ZĐÂĂÊÔƠƯÁÀẢÃẠ])")
# function words that end a Luật name (compared in lower case, with diacritics)
_LUAT_STOP = {
    "và", "do", "này", "gồm", "có", "thì", "tại", "theo", "của", "về", "quy", "năm", "số", "được",
    "khác", "để", "trên", "trong", "các", "những", "phải", "là", "hoặc", "với", "đã", "sẽ", "mà",
}
_WS = re.compile(r"\s+")


# --------------------------------------------------------------------------- data


@dataclass
class Mention:
    """One citation found in a text.

    ``start``/``end``: character offsets of the số hiệu (or Luật name) in the
    text given to :func:`extract_citations`; ``raw``: the text from the loại
    văn bản (if any) to the end of the parsed fields.
    """

    id: str
    type: str
    number: str | None
    date: str | None = None
    issuer: str | None = None
    title: str | None = None
    start: int = 0
    end: int = 0
    raw: str = ""
    section: str = ""

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class CitedDocument:
    """A văn bản cited somewhere in the corpus. When it is itself a corpus
    document, ``date``/``issuer``/``title`` are that document's own metadata;
    otherwise they come from one mention (the most frequent dated one), never
    mixed across mentions. ``verified``: False when the only document citing
    it is an uploaded one and nothing else in the corpus names it (see
    :func:`graph_from_mentions`)."""

    id: str
    type: str
    number: str | None
    date: str | None = None
    issuer: str | None = None
    title: str | None = None
    verified: bool = True


@dataclass
class CitationEdge:
    """``doc_id`` cites ``cited_id`` in ``section`` at ``doc.text[start:end]``."""

    cited_id: str
    doc_id: str
    section: str
    start: int
    end: int
    raw: str


# --------------------------------------------------------------------------- extraction


def _clean(s: str) -> str:
    return _WS.sub(" ", s).strip(" ,;:-")


def canonical_id(number: str) -> str:
    """Canonical số hiệu used as id: :func:`corpus.legal_refs.canonical_number`.

    ``"60/2021/ND-CP"`` → ``"60/2021/NĐ-CP"``, ``"2844/QDP-UBND"`` → ``"2844/QĐ-UBND"``,
    ``"187/QĐ- UBND"`` → ``"187/QĐ-UBND"``.
    """
    return canonical_number(number)


def _code_parts(number: str) -> list[str]:
    p = parse_number(number)
    return list(p.codes) if p else []


def _type_from_code(number: str) -> str | None:
    return doc_type_of_number(number)


def _type_before(ftext: str, start: int) -> str | None:
    window = ftext[max(0, start - 40) : start]
    m = _TYPE_BEFORE.search(window)
    if not m:
        return None
    return doc_type_from_name(m.group(1))


def _parse_tail(text: str, ftext: str, pos: int) -> tuple[str | None, str | None, str | None, int]:
    """Parse ngày ban hành, cơ quan ban hành, trích yếu after ``pos``; returns (date, issuer, title, end)."""
    date = issuer = title = None
    end = pos
    m = _DATE_AFTER.match(ftext[pos : pos + 60])
    if m:
        date = parse_vn_date(m.group(1), m.group(2), m.group(3))
        end = pos + m.end()
    m = _ISSUER_START.match(ftext[end : end + 12])
    if m:
        s = end + m.end()
        seg = ftext[s : s + 120]
        stop = _ISSUER_STOP.search(seg)
        e = s + (stop.start() if stop else len(seg))
        pb = _PARA_BREAK.search(text, s, e)
        if pb:
            e = pb.start()
        cand = _clean(text[s:e])
        words = cand.split()
        if words and len(words) <= 12 and (words[0][:1].isupper() or words[0][:1].isdigit()):
            issuer = cand
            end = e
    m = _TITLE_START.match(ftext[end : end + 20])
    if m:
        s = end + m.start(1)
        seg = ftext[s : s + 400]
        stop = _TITLE_STOP.search(seg)
        e = s + (stop.start() if stop else len(seg))
        pb = _PARA_BREAK.search(text, s, e)
        if pb:
            e = pb.start()
        t = _clean(text[s:e])
        if fold(t).startswith("ve "):
            t = t[3:].strip()
        if len(t) >= 8:
            title = t[:300]
            end = e
    return date, issuer, title, end


def _luat_mentions(text: str, ftext: str) -> list[Mention]:
    """Luật cited by name: ``Luật`` + a capitalised name, up to a function word or punctuation.

    ``"Luật Phòng, chống tham nhũng; Luật Khiếu nại"`` → two mentions; a comma
    continues the name only before a lower-case word (``Phòng, chống``,
    ``Quản lý, sử dụng tài sản công``).
    """
    out: list[Mention] = []
    for m in _LUAT.finditer(text):
        s = m.end()
        words: list[str] = []
        i = s
        for wm in re.finditer(r"\S+", text[s : s + 160]):
            w = wm.group(0)
            core = w.rstrip(",;.:)”\"")
            if not core or core.lower() in _LUAT_STOP or not re.match(r"^[^\W\d_]+$", core):
                break
            if core.lower() == "hiện" and text[s + wm.end() : s + wm.end() + 5].startswith(" hành"):
                break
            words.append(core)
            i = s + wm.start() + len(core)
            if core != w:  # punctuation ends the name, except a comma before a lower-case word
                nxt = re.match(r"\s*(\S+)", text[i + 1 : i + 40])
                if w.endswith(",") and w.count(",") == 1 and nxt and nxt.group(1)[:1].islower() \
                        and nxt.group(1).rstrip(",;.") not in _LUAT_STOP:
                    words[-1] = core + ","
                    continue
                break
            if len(words) >= 10:
                break
        if not words:
            continue
        name = re.sub(r"\s+", " ", " ".join(words)).strip(",")
        year = None
        end = i
        ym = re.match(r"\s+n\w{0,3}m\s+(\d{4})", ftext[i : i + 12])
        if ym:
            year = ym.group(1)
            end = i + ym.end()
        out.append(
            Mention(id=f"Luật {name}", type="Luật", number=None, date=None, issuer="Quốc hội",
                    title=f"{name} năm {year}" if year else name,
                    start=m.start(), end=end, raw=_clean(text[m.start() : end]))
        )
    return out


def extract_citations(text: str) -> list[Mention]:
    """All citations of other văn bản in ``text``, in text order.

    Returns a list of :class:`Mention`; ``Mention.id`` is the canonical số hiệu
    (see :func:`canonical_id`; year disambiguation happens in
    :func:`build_graph`). Works on clean text, on OCR text and on repaired OCR
    text. Returns ``[]`` for empty or non-str input; never raises on str input.
    """
    if not isinstance(text, str) or not text:
        return []
    try:
        return _extract(text)
    except Exception:  # pragma: no cover - defensive: extraction must not break ingest
        return []


def _extract(text: str) -> list[Mention]:
    ftext = fold(text)
    if len(ftext) != len(text):  # non-NFC input: work on NFC text
        import unicodedata

        text = unicodedata.normalize("NFC", text)
        ftext = fold(text)
    out: list[Mention] = []
    prev_type: str | None = None
    prev_end = -100
    for m in NUMBER_RE.finditer(text):
        raw_number = m.group(0)
        codes = m.group("codes")
        if not m.group("num").isdigit():
            continue  # "01a/BTP-KSTT" names a report form, "5b/KKH" is OCR of the document's own số
        # a code part must have 2+ letters somewhere (skip "3/A" style noise)
        if not re.search(r"[A-Za-zĐđ]{2}", codes):
            continue
        number = canonical_id(raw_number)
        t = _type_before(ftext, m.start())
        start_raw = m.start()
        if t:
            tm = _TYPE_BEFORE.search(ftext[max(0, m.start() - 40) : m.start()])
            if tm:
                start_raw = max(0, m.start() - 40) + tm.start(1)
        if t is None:
            # list continuation: "Nghị định số 54/2016/NĐ-CP, 141/2016/NĐ-CP"
            between = ftext[prev_end : m.start()]
            code_t = _type_from_code(number)
            if prev_type and re.fullmatch(r"[\s,]*(?:va|,)?\s*(?:so\s*)?", between or "x"):
                t = code_t or prev_type
            else:
                t = code_t
        if t is None:
            # an unknown code with no loại văn bản before it: an official letter
            # ("1228/UBND-NCPC") has the issuing body first
            first = _code_parts(number)[:1]
            t = "Công văn" if first and first[0] in ("UBND", "VP", "BNV", "SNV", "SGDĐT", "PGDĐT") else "Văn bản"
        if t == "Luật" and _type_from_code(number) not in (None, "Luật"):
            t = _type_from_code(number) or t
        date, issuer, title, end = _parse_tail(text, ftext, m.end())
        out.append(
            Mention(
                id=number, type=t, number=number, date=date, issuer=issuer, title=title,
                start=m.start(), end=m.end(), raw=_clean(text[start_raw:end]),
            )
        )
        prev_type, prev_end = t, m.end() if end == m.end() else end
    numbered_spans = [(mm.start, mm.end) for mm in out]
    for lm in _luat_mentions(text, ftext):
        if not any(s <= lm.start < e for s, e in numbered_spans):
            out.append(lm)
    out.sort(key=lambda x: x.start)
    return out


# --------------------------------------------------------------------------- graph


def _year(date: str | None) -> str | None:
    return date[:4] if date else None


def _norm_issuer(s: str | None) -> str:
    return fold(s or "").replace("uy ban nhan dan", "ubnd")


@dataclass
class CitationGraph:
    """Citations between corpus documents and the văn bản they cite.

    ``documents``: cited id → :class:`CitedDocument`; ``edges``: every
    :class:`CitationEdge` in document order; ``corpus_numbers``: canonical số
    hiệu of the corpus documents → their doc_id.
    """

    documents: dict[str, CitedDocument] = field(default_factory=dict)
    edges: list[CitationEdge] = field(default_factory=list)
    corpus_numbers: dict[str, str] = field(default_factory=dict)

    def unverified(self) -> list[CitedDocument]:
        """Cited văn bản labelled "chưa kiểm chứng" (see :class:`CitedDocument`)."""
        return [d for d in self.cited_documents() if not d.verified]

    def cited_documents(self) -> list[CitedDocument]:
        """All cited văn bản, most cited first (ties by id)."""
        counts = Counter(e.cited_id for e in self.edges)
        return sorted(self.documents.values(), key=lambda d: (-counts[d.id], d.id))

    def cited_by(self, cited_id: str) -> list[CitationEdge]:
        """Edges citing ``cited_id`` (exact id, or a number whose year-suffixed ids all match)."""
        rid = cited_id if cited_id in self.documents else (resolve_reference(cited_id, list(self.documents)) or cited_id)
        return [e for e in self.edges if e.cited_id == rid]

    def cites(self, doc_id: str) -> list[CitedDocument]:
        """Văn bản cited by corpus document ``doc_id``, in order of first mention."""
        seen: list[str] = []
        for e in self.edges:
            if e.doc_id == doc_id and e.cited_id not in seen:
                seen.append(e.cited_id)
        return [self.documents[i] for i in seen]

    def in_corpus(self, cited_id: str) -> bool:
        """True if the cited document's số hiệu is the số hiệu of a corpus document."""
        d = self.documents.get(cited_id)
        return bool(d and d.number and d.number in self.corpus_numbers)

    def to_json(self) -> list[dict]:
        """``[{"id","type","number","date","issuer","title","verified","cited_by":[{"doc_id","section"}],"in_corpus"}]``."""
        out = []
        for d in self.cited_documents():
            by: list[dict] = []
            for e in self.edges:
                if e.cited_id == d.id:
                    item = {"doc_id": e.doc_id, "section": e.section}
                    if item not in by:
                        by.append(item)
            row = asdict(d)
            row["cited_by"] = by
            row["in_corpus"] = self.in_corpus(d.id)
            out.append(row)
        return out

    def dumps(self) -> str:
        """:meth:`to_json` as a JSON string (UTF-8 characters kept)."""
        return json.dumps(self.to_json(), ensure_ascii=False, indent=2)


def _section_at(doc: ParsedDocument, pos: int) -> str:
    best = ""
    for c in doc.chunks:
        if c.start <= pos < c.end:
            return c.section
    return best


def _doc_mentions(doc: ParsedDocument) -> list[Mention]:
    ments = extract_citations(doc.text)
    if not doc.meta.ocr_damaged:
        return ments
    try:
        from corpus.ocr import repair_text

        repaired = repair_text(doc.text)
    except Exception:  # pragma: no cover
        return ments
    rep = extract_citations(repaired)
    # fields from the repaired text, positions from the original (numbers are not changed by repair)
    by_id: dict[str, list[Mention]] = defaultdict(list)
    for r in rep:
        by_id[r.id].append(r)
    used: Counter[str] = Counter()
    for m in ments:
        cands = by_id.get(m.id)
        if cands and used[m.id] < len(cands):
            r = cands[used[m.id]]
            used[m.id] += 1
            if r.type not in ("Văn bản",):
                m.type = r.type
            m.date = r.date or m.date
            m.issuer = r.issuer or m.issuer
            m.title = r.title or m.title
    orig_ids = Counter(m.id for m in ments)
    for rid, cands in by_id.items():
        extra = cands[orig_ids.get(rid, 0) :] if rid in orig_ids else cands
        for r in extra:
            if r.number:
                i = doc.text.find(r.number.split("/")[0] + "/")
            else:
                key = fold(r.title or r.id)[:12]
                i = fold(doc.text).find(key)
            r.start = max(i, 0)
            r.end = r.start + (len(r.number) if r.number else len(r.id))
            ments.append(r)
    ments.sort(key=lambda x: x.start)
    return ments


def document_mentions(doc: ParsedDocument) -> list[Mention]:
    """Citations of other văn bản in one corpus document, in text order, each
    with the ``section`` of the chunk it is in ("" when the document has no
    chunks). Self-references (the document's own số hiệu, e.g. the provenance
    notes of the pháp điển texts) are dropped. OCR-damaged documents take
    date/issuer/title from their repaired text (:func:`corpus.ocr.repair_text`,
    with the diacritic model in use). Ids are not yet year-disambiguated (that
    needs the whole corpus: :func:`graph_from_mentions`)."""
    own = canonical_id(doc.meta.number) if doc.meta.number else None
    out = []
    for m in _doc_mentions(doc):
        if own and m.number == own:
            continue
        m.section = _section_at(doc, m.start)
        out.append(m)
    return out


def _merge(ms: list[Mention], cid: str) -> CitedDocument:
    types = [m.type for m in ms if m.type != "Văn bản"] or [m.type for m in ms]
    # date and issuer from one mention (never mixed across mentions): the most frequent
    # (date, issuer) pair among the dated mentions, preferring pairs that name the issuer
    pairs = Counter((m.date, m.issuer) for m in ms if m.date)
    date, issuer = (max(pairs, key=lambda p: (pairs[p], p[1] is not None)) if pairs else
                    (None, Counter(m.issuer for m in ms if m.issuer).most_common(1)[0][0]
                     if any(m.issuer for m in ms) else None))
    # the most frequent trích yếu (a longer one is often a run-on into the next clause), then the shortest
    titles = Counter(m.title for m in ms if m.title)
    title = min(titles, key=lambda t: (-titles[t], len(t))) if titles else None
    return CitedDocument(
        id=cid,
        type=Counter(types).most_common(1)[0][0],
        number=ms[0].number,
        date=date,
        issuer=issuer,
        title=title,
    )


def _own_title(meta: DocumentMeta) -> str | None:
    """A corpus document's trích yếu as a citation writes it: without "Về",
    first letter in lower case ("Quy định cơ chế …" → "quy định cơ chế …")."""
    t = re.sub(r"^(?:về|Về|VỀ)\s+", "", (meta.title or "").strip())
    if not t:
        return None
    first = t.split()[0]
    return t if first.isupper() and len(first) > 1 else t[0].lower() + t[1:]


def _corpus_numbers(metas: list[DocumentMeta]) -> dict[str, DocumentMeta]:
    """Canonical số hiệu → the corpus document that *is* that văn bản. When
    several documents carry one số hiệu (an appendix issued as its own file,
    a re-upload, a misread header), the one whose loại văn bản agrees with
    the số hiệu's codes wins, then a document over an appendix, then the
    first doc_id."""
    cands: dict[str, list[DocumentMeta]] = defaultdict(list)
    for m in metas:
        if m.number:
            cands[canonical_id(m.number)].append(m)
    out = {}
    for n, ms in cands.items():
        t = doc_type_of_number(n)
        out[n] = min(ms, key=lambda m: (not (t and m.doc_type == t), bool(m.appendix), m.doc_id))
    return out


def graph_from_mentions(metas: list[DocumentMeta], mentions: dict[str, list[Mention]],
                        uploaded: set[str] | frozenset[str] = frozenset()) -> CitationGraph:
    """The citation graph of a corpus from each document's
    :func:`document_mentions` (``mentions``: doc_id → list) and the
    documents' metadata (``metas``).

    Ids are disambiguated by year as described in the module docstring. A
    cited văn bản that is a corpus document takes its own metadata for date,
    issuer and trích yếu. ``uploaded``: doc_ids of documents not curated with
    the project (uploads); a số hiệu cited by exactly one document, which is
    uploaded, that is no corpus document and that no other document mentions
    is marked ``verified=False`` ("chưa kiểm chứng")."""
    graph = CitationGraph()
    by_number = _corpus_numbers(metas)
    graph.corpus_numbers = {n: m.doc_id for n, m in by_number.items()}
    order = {m.doc_id: i for i, m in enumerate(metas)}
    found: list[tuple[str, Mention]] = []
    for doc_id in sorted(mentions, key=lambda d: order.get(d, len(order))):
        for m in mentions[doc_id]:
            found.append((doc_id, Mention(**{**m.to_dict()})))
    # year disambiguation for numbers without a year
    years: dict[str, set[str]] = defaultdict(set)
    for _d, m in found:
        if m.number and not re.search(r"/\d{4}/", m.number) and m.date:
            years[m.number].add(_year(m.date))  # type: ignore[arg-type]
    for _d, m in found:
        if m.number and len(years.get(m.number, ())) > 1:
            if m.date:
                m.id = f"{m.number} ({_year(m.date)})"
            elif m.issuer:
                variants = {
                    _year(o.date)
                    for _o, o in found
                    if o.number == m.number and o.date and _norm_issuer(o.issuer) == _norm_issuer(m.issuer)
                }
                if len(variants) == 1:
                    m.id = f"{m.number} ({variants.pop()})"
    grouped: dict[str, list[Mention]] = defaultdict(list)
    citing: dict[str, set[str]] = defaultdict(set)
    for doc_id, m in found:
        grouped[m.id].append(m)
        citing[m.id].add(doc_id)
        graph.edges.append(
            CitationEdge(cited_id=m.id, doc_id=doc_id, section=m.section, start=m.start, end=m.end, raw=m.raw)
        )
    for cid, ms in grouped.items():
        d = _merge(ms, cid)
        own = by_number.get(d.number) if d.number else None
        if own is not None:
            d.date = own.date or d.date
            d.issuer = own.issuer or d.issuer
            d.title = _own_title(own) or d.title
            if own.doc_type and own.kind == "legal" and not own.appendix:
                d.type = own.doc_type
        by = citing[cid]
        if own is None and len(by) == 1 and by <= set(uploaded):
            d.verified = False
        graph.documents[cid] = d
    return graph


def build_graph(docs: list[ParsedDocument], uploaded: set[str] | frozenset[str] = frozenset()) -> CitationGraph:
    """Citation graph of ``docs`` (every văn bản cited by a corpus document):
    :func:`graph_from_mentions` over :func:`document_mentions` of each.
    ``CitationEdge.section`` is the section of the chunk that contains the
    mention ("" when ``doc.chunks`` is empty)."""
    return graph_from_mentions([d.meta for d in docs], {d.meta.doc_id: document_mentions(d) for d in docs},
                               uploaded=uploaded)


# --------------------------------------------------------------------------- resolver

def _type_of_id(cid: str) -> str | None:
    if cid.startswith("Luật "):
        return "Luật"
    return _type_from_code(cid)


def resolve_reference(query_text: str, known_ids: list[str] | None = None) -> str | None:
    """Map a user's mention of a văn bản to one canonical id among ``known_ids``.

    ``"NĐ 60/2021"``, ``"nghi dinh 60"``, ``"Nghị định 60/2021/NĐ-CP"`` →
    ``"60/2021/NĐ-CP"``; ``"Nghị định 61"`` → ``"61/2018/NĐ-CP"``;
    ``"kế hoạch 175"`` → ``"175/KH-UBND"``. ``known_ids``: the ids to choose
    from (e.g. the cited ids of a :class:`CitationGraph`, or the numbers a
    validity index knows); None or empty → ``None``.
    Matching: the leading number must be equal; the loại văn bản (word or
    abbreviation) and the year, when given, must agree; among several matches
    the one whose type agrees wins, then the one with the year; still ambiguous
    → ``None``. Returns ``None`` when nothing matches; never raises on str.
    """
    if not isinstance(query_text, str) or not query_text.strip():
        return None
    known = list(known_ids or [])
    if not known:
        return None
    q = fold(query_text)
    refs = find_references(query_text)
    # a full số hiệu in the query
    for r in refs:
        if r.so_hieu:
            key = number_key(r.so_hieu)
            for k in known:
                if number_key(k.split(" (")[0]) == key:
                    return k
    # a Luật by name
    lm = re.search(r"\bluat\s+(.+)", q)
    if lm:
        name = lm.group(1).strip(" ?.!")
        hits = [k for k in known if k.startswith("Luật ") and fold(k[5:]).startswith(name[:20])]
        if len(hits) == 1:
            return hits[0]
    if refs:
        ref = refs[0]
        num, qtype = ref.number.lstrip("0") or "0", ref.doc_type
        year = str(ref.year) if ref.year else None
    else:  # a bare number ("60/2021 quy định gì")
        nm = re.search(r"(?<![\d/])(\d{1,5})(?:\s*/\s*(\d{4}|\d{2})(?!\d))?", q)
        if not nm:
            return None
        num, qtype = nm.group(1).lstrip("0") or "0", None
        year = nm.group(2)
        if year and len(year) == 2:
            year = "20" + year
    cands = []
    for k in known:
        head = re.match(r"(\d{1,5})", k)
        if not head or (head.group(1).lstrip("0") or "0") != num:
            continue
        ktype = _type_of_id(k)
        if qtype and ktype and ktype != qtype:
            continue
        if year and year not in k:
            continue
        cands.append(k)
    if len(cands) == 1:
        return cands[0]
    if not cands:
        return None
    if qtype:
        typed = [k for k in cands if _type_of_id(k) == qtype]
        if len(typed) == 1:
            return typed[0]
    return None
