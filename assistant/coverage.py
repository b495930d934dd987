"""Focus coverage: does a candidate answer unit concern what the question is
about? One job: ``(question, unit, its passage) → covered or not``.

A question that names a unit (a school from the indexed documents' ``unit``),
a số hiệu ("NĐ 367/2025", "187/QĐ-UBND") or a year ("năm 2024") asks about
that entity. A sentence from a passage that does not concern it — a căn cứ
line of another school's plan, a decree Điều that never mentions the
amending decree named in the question, the 2026 salary rule for a question
about 2024 — is not an answer, however many other words it shares; the
assistant then abstains ("không có trong tài liệu" beats a confident wrong
quote, see the developers' guide).

Where an entity counts as covered (folded phrase match,
``index.lexical_tokens.folded_words``):

* a name or số hiệu: in the unit's text, its khoản lead-in, the passage's
  heading, or the văn bản's own số hiệu, unit and trích yếu; a số hiệu also
  when the văn bản replaced it (``corpus.validity.ValidityIndex.predecessors``:
  a question naming NĐ 61/2018 is answered from NĐ 118/2025);
* a year: as above or in the văn bản's year / ngày ban hành; for a legal
  văn bản also when it is in force on 31 December of that year
  (``ValidityIndex.status``), so "năm 2024 thì …" is answered from the rule
  in force then;
* a subject term (:func:`subject_terms`: a rare content word of the
  question — "giấy phép xây dựng", "khai giảng", "khen thưởng"): as a name
  is, or through a known shorthand or abbreviation of it
  (``index.question_forms.SHORTHAND``, ``corpus.glossary.ABBREVIATIONS`` and
  the abbreviations the indexed văn bản define), or when the unit's dense
  cosine to the question is high enough to stand in for a paraphrase
  ("xài mail" for "thư điện tử"). A deadline quoted from NĐ 118/2025 does not
  answer a question about building permits because both speak of "thời hạn
  giải quyết".

Plain code, no model; the entity grammar is ``corpus.legal_refs`` (số hiệu,
via ``index.lexical_tokens.compound_tokens``) and the indexed metadata
(unit names), never a list of bundled names.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass
from functools import lru_cache

from corpus.glossary import ABBREVIATIONS
from corpus.legal_refs import fold
from corpus.textnorm import accented_words
from index.lexical_tokens import compound_tokens, folded_words, has_term, named_places, place_in
from index.question_forms import IN_CONTEXT, SHORTHAND

#: leading words of a unit's name that give its type, not its name ("Trường Mầm non Hoa Phượng" → "hoa phuong")
_UNIT_TYPE_WORDS = frozenset("truong mam non tieu hoc trung co so pho thong thcs thpt uy ban nhan dan phuong xa "
                             "dac khu lien cap".split())
_DATE_LIKE = re.compile(r"^\d{1,2}/\d{1,2}(?:/\d{2,4})?$")
_YEAR_RE = re.compile(r"(?<![\d/.,-])((?:19|20)\d{2})(?![\d/.,])")
#: adverbs of time that say when a question asks, not what about ("hiện nay", "bây giờ": the as-of date,
#: ``assistant.inforce``), folded
_WHEN_WORDS = frozenset({"hien nay", "bay gio", "hien tai", "hien hanh", "luc nay", "hom nay", "nam nay"})
#: question words and particles (folded); a segmented "word" holding one ("hợp phần nào", "làm gì",
#: "định kỳ thì") is a segmenter slip, not a term
_QUESTION_SYLLABLES = frozenset("nao gi thi sao ai vay nhi nhe".split())
#: an open syllable ending in "y" after a consonant is also written with "i" ("tỷ lệ"/"tỉ lệ", "kỹ"/"kĩ",
#: "lý"/"lí"): both spellings are current Vietnamese orthography; terms are matched on the "i" form
_FINAL_Y = re.compile(r"(?<![a-z])((?:[bcdghklmnprstvx]|ch|gh|kh|ng|nh|ph|th|tr))y(?![a-z])")


def _iy(text: str) -> str:
    return _FINAL_Y.sub(r"\1i", text)


def unit_name(unit: str | None) -> str:
    """Folded name of an issuing unit without its type words
    (``"Trường Tiểu học Hoà Bình"`` → ``"hoa binh"``); ``""`` when nothing is left."""
    words = folded_words(unit or "").split()
    while words and words[0] in _UNIT_TYPE_WORDS:
        words.pop(0)
    return " ".join(words) if len(words) >= 1 and not words[0].isdigit() else ""


@dataclass(frozen=True)
class Focus:
    """Entities a question names (folded): ``numbers`` (số hiệu, possibly
    partial: ``"118/2025"``, ``"187/qd-ubnd"``), ``names`` (indexed unit
    names), ``years`` (``"2024"``) and ``terms`` (subject terms, space-joined
    syllables: ``"giay phep"``, :func:`subject_terms`)."""

    numbers: tuple[str, ...] = ()
    names: tuple[str, ...] = ()
    years: tuple[str, ...] = ()
    terms: tuple[str, ...] = ()
    #: ``(term, syllable)``: for a subject term the corpus never writes, its rarest syllable as the question
    #: writes it, with its diacritics (:func:`term_heads`); a unit writing that syllable covers the term
    heads: tuple[tuple[str, str], ...] = ()
    #: places the question asks about (``index.lexical_tokens.named_places``: ``"ho chi minh"``, ``"quan 1"``)
    places: tuple[str, ...] = ()
    #: the question asks what its số hiệu is about ("QĐ 187/QĐ-UBND … là quy định về việc gì"): an answering
    #: unit writes the number with its trích yếu (:func:`writes_subject`)
    about: bool = False
    #: those of ``numbers`` whose content the question asks ("NĐ 93/2026 cho điều động … bao lâu",
    #: ``assistant.question.content_asked``) and that no indexed văn bản bears: the corpus knows them only by
    #: citation, so only a unit that relays what they say covers them (:func:`relays_content`)
    content_of: tuple[str, ...] = ()
    #: the year of the plan the question asks about ("kế hoạch cải cách TTHC năm 2025 của trường …"): with an
    #: indexed unit named, a kế hoạch of another year does not answer it, whatever years its text mentions
    #: ("giai đoạn 2021-2025"); without one, the plan may be a cited one ("kế hoạch PAR index năm 2023 của
    #: thành phố"), which a school's plan of any year may name
    plan_year: str = ""
    #: the numbered Phụ lục the question asks about, folded ("phu luc iv" for "mẫu sổ … ở phụ lục IV nđ 30"): only a
    #: unit of that Phụ lục answers it, not the Điều that refers to it ("… theo mẫu tại Phụ lục IV")
    appendix: str = ""

    def __bool__(self) -> bool:
        return bool(self.numbers or self.names or self.years or self.terms or self.places or self.plan_year
                    or self.appendix)


@lru_cache(maxsize=1024)
def question_focus(texts: tuple[str, ...], names: frozenset[str]) -> Focus:
    """The :class:`Focus` of a question written as ``texts`` (the question and
    its diacritic-restored form), with ``names`` the folded unit names of the
    indexed documents (:func:`unit_name`)."""
    numbers: list[str] = []
    years: list[str] = []
    found: list[str] = []
    places: list[str] = []
    for text in texts:
        places += named_places(text or "")
        for _s, _e, tok in compound_tokens(text or ""):
            if "/" in tok and not _DATE_LIKE.match(tok):
                numbers.append(tok)
        hay = folded_words(text or "")
        found += [n for n in names if f" {n} " in hay]
        plain = fold(text or "")
        for _s, _e, tok in compound_tokens(text or ""):
            plain = plain.replace(fold(tok), " ")
        years += _YEAR_RE.findall(plain)
    # a place that is an indexed unit's name ("phường Bến Thành") is the unit's own rule
    places = [p for p in places if p not in found]
    about = bool(numbers) and any(_ASKS_SUBJECT.search(folded_words(t or "")) for t in texts)
    plan = next((m.group(1) for t in texts for m in [_PLAN_YEAR.search(folded_words(t or ""))] if m), "")
    appendix = next((f"phu luc {m.group(1)}" for t in texts for m in [_APPENDIX.search(folded_words(t or ""))] if m), "")
    return Focus(tuple(dict.fromkeys(numbers)), tuple(dict.fromkeys(found)), tuple(dict.fromkeys(years)),
                 places=tuple(dict.fromkeys(places)), about=about, plan_year=plan, appendix=appendix)


#: "phụ lục IV", "phụ lục 2" (folded words): a numbered Phụ lục of a văn bản (NĐ 30/2020/NĐ-CP Phụ lục I, Phần I,
#: mục III: "Phụ lục" and its number, in roman or arabic figures)
_APPENDIX = re.compile(r" phu luc (?:so )?([ivxl]+|\d{1,2}) ")


def in_appendix(unit, hit, appendix: str) -> bool:
    """Is ``unit`` (read from ``hit``) part of the Phụ lục ``appendix`` (folded, "phu luc iv")? It is when its
    văn bản is that Phụ lục (``DocumentMeta.appendix``), when a node above it is that Phụ lục (an attached
    document, ``corpus.structure``), or when its passage's section or heading opens with it."""
    if folded_words(hit.meta.appendix or "").strip() == appendix:
        return True
    node = getattr(unit, "node", None)
    while node is not None:
        if node.kind == "attachment" and folded_words(node.label).strip() == appendix:
            return True
        node = node.parent
    return any(f"{folded_words(x or '').strip()} ".startswith(f"{appendix} ") for x in (hit.chunk.section, hit.chunk.heading))


#: "kế hoạch (cải cách TTHC / CCHC …) năm 2025": the plan of that year (folded words; short forms written out by
#: ``index.question_forms``, "kh" included); "năm học 2026-2027" names a school year, not a plan's year
_PLAN_YEAR = re.compile(r" (?:ke hoach|kh) (?:[a-z]+ ){0,5}?nam ((?:19|20)\d\d) (?!- ?\d)")


#: "… là (quy định) về việc gì", "nói về chuyện gì", "nội dung là gì" (folded words)
_ASKS_SUBJECT = re.compile(r" (?:(?:la|quy dinh|noi|de cap) )?ve (?:viec|chuyen|van de|noi dung|cai)? ?gi "
                           r"| noi dung (?:la )?gi | ve gi ")
#: what follows a cited số hiệu before its trích yếu: its date and issuer ("ngày 31/5/2022 (31/5/2022) của Thành ủy")
_DATE_AFTER = re.compile(r"^[\s,.-]*(?:ngay [^,;:()]*?\d{4}[\s,]*|\(\s*\d[^)]*\)[\s,]*)*")
_SUBJECT_START = re.compile(r"^(?:cua [^;.:]{0,90}? )?(?:ve|ban hanh|quy dinh|huong dan|phe duyet|trien khai|thuc hien"
                            r"|sua doi|kien toan|tang cuong|day manh|nang cao)\b")


def writes_subject(text: str, numbers) -> bool:
    """Does ``text`` write one of ``numbers`` (folded, possibly partial số hiệu:
    ``"187/qd-ubnd"``) with its trích yếu after it ("Kế hoạch số 124-KH/TU ngày
    31/5/2022 của Thành ủy về chủ trương khuyến khích …")? "Tuyên truyền …
    Quyết định số 187/QĐ-UBND." names the văn bản but not what it is about."""
    from corpus.legal_refs import find_numbers

    for n in find_numbers(text, ocr=True):
        own = folded_words(n.raw)
        if not any(has_term(own, x) for x in numbers):
            continue
        rest = fold(text[n.end:n.end + 300]).strip()
        rest = _DATE_AFTER.sub("", rest).strip(" ,")
        if _SUBJECT_START.search(rest):
            return True
    return False


def subject_terms(terms, idf, min_idf: float, focus: Focus = Focus(), passages=(),
                  aliases: tuple[tuple[str, str], ...] = (), unaccented: bool = False) -> tuple[str, ...]:
    """The subject terms of a question: its rare content words, the noun or
    verb phrase it is about ("giấy phép xây dựng", "khai giảng", "khen thưởng").

    ``terms``: the question's folded focus terms (``assistant.question.focus_terms``:
    ``_`` joins the syllables of one word, question words removed); ``idf(term)``:
    the corpus idf, the maximum for a term the corpus never uses
    (``Retriever.term_idf``); ``min_idf``: the rarity a term needs (BM25 idf,
    ``ln(1 + (N - df + 0.5) / (df + 0.5))`` over the indexed passages).
    Returns the kept terms as space-joined syllables (``"giay phep"``), in
    question order.

    Only words of several syllables (a từ ghép the segmenter recognised) are
    kept, when their idf reaches ``min_idf``, also when the corpus never uses
    them ("khai giảng"); a syllable alone is too ambiguous once folded ("cam":
    cấm, cam, cảm) and is often a split word ("hạn chót"). ``unaccented``: the
    question was typed without diacritics and its words come from the
    restored text (``corpus.diacritics.restore_unaccented``); a word the corpus
    never uses is then a restoration slip ("số nhác"), not kept; so is an unused
    "word" of three or more syllables, two words the segmenter glued ("quy
    định kỳ" in "quy định kỳ báo cáo"): a từ ghép the corpus never uses has
    two syllables ("khai giảng"). Số hiệu,
    digits, adverbs of time ("hiện nay"), segmenter slips holding a question
    word ("hợp phần nào") and the words of ``focus``'s unit names are left out
    (the names and years are :class:`FocusCheck`'s own rules).

    ``passages``: the texts read for the question (retrieved passages with
    their headings); a term one of them contains (or an alias of it,
    ``aliases``: :func:`alias_pairs`) is left out: retrieval found text about
    it, so a unit without the word may be the answer in the passage's
    context. What stays is a subject the corpus speaks of elsewhere or not at
    all ("giấy phép xây dựng" beside the deadlines of NĐ 118/2025 Điều 19)."""
    unseen = idf("")  # the idf of a term with document frequency 0
    out: list[str] = []
    for t in terms:
        if "/" in t or any(c.isdigit() for c in t):
            continue
        words = t.split("_")
        phrase = " ".join(words)
        if phrase in _WHEN_WORDS or (len(words) > 1 and any(w in _QUESTION_SYLLABLES for w in words)):
            continue
        if any(set(words) & set(n.split()) for n in focus.names):
            continue  # a unit's name, or a segmenter slip joining it to the next word ("ben thanh nhac")
        w = idf(t)
        if w >= unseen and (unaccented or len(words) > 2):
            continue  # a restoration slip, or two words glued by the segmenter ("quy định kỳ")
        if len(words) > 1 and w >= min_idf:
            out.append(phrase)
    if out and passages:
        read = [folded_words(p) for p in passages]
        out = [t for t in out if not any(_term_in(h, t, aliases) or _split_in(h, t) for h in read)]
    return tuple(dict.fromkeys(out))


def term_heads(terms, text: str, count) -> tuple[tuple[str, str], ...]:
    """For each of ``terms`` (space-joined folded syllables: subject terms the
    corpus never writes as one word, "can le", "lam du"), its rarest syllable
    as ``text`` (the question, accented or diacritic-restored) writes it:
    ``("can le", "lề")`` from "căn lề trái lề phải bao nhiêu mm". ``count(s)``:
    how often the accented syllable ``s`` occurs in Vietnamese text (the
    diacritic model's unigram counts: corpus + VLSP 2013 + Viet74K). A staff
    word the corpus never uses is often its own word for a thing the corpus
    names with the same rare syllable ("căn lề" for "Định lề trang", "canh đều
    cả hai lề", NĐ 30/2020/NĐ-CP Phụ lục I); a syllable written without
    diacritics, or shared by many words, is no head. Returns ``(term, syllable)``
    pairs, in ``terms`` order; a term not written in ``text`` has none."""
    from corpus.diacritics import has_diacritics

    sylls = accented_words(text)
    folded = [fold(x) for x in sylls]
    out: list[tuple[str, str]] = []
    for t in terms:
        words = t.split()
        for i in range(len(folded) - len(words) + 1):
            if folded[i:i + len(words)] == words:
                written = [x for x in sylls[i:i + len(words)] if has_diacritics(x)]
                if written:
                    out.append((t, min(written, key=count)))
                break
    return tuple(out)


def _split_in(hay: str, term: str) -> bool:
    """A two-syllable ``term`` written with one word between its syllables
    ("tong quy" in "tổng hai quỹ", NĐ 60/2021/NĐ-CP Điều 18: the segmenter
    glued "Tổng" to "Quỹ" in "Tổng Quỹ khen thưởng và Quỹ phúc lợi")."""
    words = term.split()
    return len(words) == 2 and re.search(rf" {re.escape(words[0])} \S+ {re.escape(words[1])} ", hay) is not None


def alias_pairs(glossary: dict | None = None) -> tuple[tuple[str, str], ...]:
    """``(short, long)`` folded word pairs a subject term may be written as:
    staff shorthand (``index.question_forms.SHORTHAND``: "bp" → "bo phan"),
    the curated abbreviations (``corpus.glossary.ABBREVIATIONS``: "tthc" →
    "thu tuc hanh chinh") and ``glossary``, the abbreviations the indexed văn
    bản define (``KnowledgeGraph.glossary()``: term → ``GlossaryEntry``)."""
    pairs = [(k, v) for k, v in SHORTHAND.items()] + [(k, v[0]) for k, v in IN_CONTEXT.items()]
    pairs += list(ABBREVIATIONS.items())
    pairs += [(e.term, e.expansion) for e in (glossary or {}).values()]
    out = []
    for short, long in pairs:
        a, b = folded_words(short).strip(), folded_words(long).strip()
        if a and b and a != b:
            out.append((a, b))
    return tuple(dict.fromkeys(out))


def _term_in(hay: str, term: str, aliases: tuple[tuple[str, str], ...]) -> bool:
    if f" {term} " in hay or f" {_iy(term)} " in _iy(hay):
        return True
    for short, long in aliases:
        # the term written out ("cchc" → "cai cach hanh chinh"), or an abbreviation that contains it
        # ("thu tuc" in "thu tuc hanh chinh" → "tthc")
        if (term == short and f" {long} " in hay) or (f" {term} " in f" {long} " and f" {short} " in hay):
            return True
    return False


#: a văn bản's words relayed after its số hiệu: "… Nghị định số 93/2026/NĐ-CP quy định: “Trường hợp …”",
#: "… 93/2026/NĐ-CP: “…”", "… 93/2026/NĐ-CP nêu rõ …" (on ``corpus.legal_refs.fold`` text, the số hiệu cut out)
_RELAY_AFTER = re.compile(r"^[^.;:\n]{0,40}?(?:\b(?:quy dinh|neu ro|neu|xac dinh|yeu cau|huong dan)\b\s*:|:\s*[\"“'‘]|\s*[\"“])")
#: "Theo Nghị định số 93/2026/NĐ-CP, …" / "Tại khoản 1 Điều 25 Nghị định 93/2026, …" opening the sentence
_RELAY_BEFORE = re.compile(r"(?:^|[.;:\n]\s*|\]\s*)(?:theo|tai)\s+(?:quy dinh (?:tai|cua)\s+)?[^.;,\n]{0,60}$")


def relays_content(text: str, number: str) -> bool:
    """Does ``text`` (a reading unit: its lead-in and text) relay what the văn
    bản ``number`` (folded số hiệu, possibly partial) says, rather than only
    cite it? It does when the number is followed by its words in quotation or
    after "quy định:" / "nêu rõ:" (:data:`_RELAY_AFTER`), or opens a sentence
    "Theo …, " / "Tại …, " (:data:`_RELAY_BEFORE`) whose rest is then the văn
    bản's rule. A căn cứ or "Thực hiện Công văn số … về …" line, or "… theo
    quy định tại khoản 12 Điều 5 Thông tư số 08/2023/TT-BGDĐT." at the end of
    a sentence, names the văn bản without saying what it says: the form of a
    first citation (NĐ 30/2020/NĐ-CP Phụ lục I: tên loại, số, ký hiệu, ngày
    ban hành, cơ quan ban hành, trích yếu). Never raises on a str."""
    hay = fold(text or "")
    n = fold(number or "")
    if not n:
        return False
    at = hay.find(n)
    while at >= 0:
        end = at + len(n)
        while end < len(hay) and (hay[end].isalnum() or hay[end] in "/-"):
            end += 1  # the rest of the số hiệu ("93/2026" written "93/2026/nd-cp")
        if _RELAY_AFTER.match(hay[end:]) or _RELAY_BEFORE.search(hay[:at]):
            return True
        at = hay.find(n, at + 1)
    return False


def heads_item(text: str, label: str) -> bool:
    """Does ``text`` (a unit, its lead-in or its node's heading) open with the
    item ``label`` (folded, ``assistant.question.item_labels``), past its numbering ("5.
    Chỉ số nội dung 5 “Thủ tục hành chính công”: …")? A label written inside a
    sentence ("… đối với đơn vị nhóm 1 và nhóm 2, …") names the item, it does
    not head it."""
    words = folded_words(text or "").split()
    while words and (words[0].isdigit() or len(words[0]) == 1 or re.fullmatch(r"[ivxlc]+", words[0])):
        words.pop(0)  # the item's numbering: "5.", "IV.", "a)", "-"
    return f"{' '.join(words)} ".startswith(f"{label} ")


class FocusCheck:
    """Judges units against a question's :class:`Focus`. ``validity()``
    returns the ``corpus.validity.ValidityIndex`` (or None): it tells which
    số hiệu a văn bản replaced and whether it was in force in a year;
    ``glossary()`` (optional) the abbreviations the indexed văn bản define
    (``KnowledgeGraph.glossary``), read as aliases of subject terms
    (:func:`alias_pairs`). ``paraphrase_cosine``: a unit whose dense cosine to
    the question reaches it covers the subject terms it does not contain
    (a paraphrase); ``None`` = never. ``doc_text(doc_id)`` (optional): the
    folded words (``index.lexical_tokens.folded_words``) of a whole văn bản
    with its metadata, where the places a question asks about are looked up;
    ``None`` = places are not checked. ``as_of()`` (optional): the day the
    answers speak for (``Settings.as_of_date``); a year after it is not covered by a văn bản merely
    being in force now (nothing in the corpus says what will be in force in
    2028: "dự kiến năm 2028 lương cơ sở bao nhiêu" is not answered by the
    2026 rule)."""

    def __init__(self, validity, glossary=None, paraphrase_cosine: float | None = None, doc_text=None,
                 as_of=None):
        self._as_of = as_of
        self._validity = validity
        self._glossary = glossary
        self._doc_text = doc_text
        self.paraphrase_cosine = paraphrase_cosine
        self._aliases: tuple[object, tuple[tuple[str, str], ...]] = (False, ())

    def validity(self):
        """The ``corpus.validity.ValidityIndex`` of the indexed văn bản, or None when unavailable."""
        try:
            return self._validity() if self._validity is not None else None
        except Exception:
            return None

    def aliases(self) -> tuple[tuple[str, str], ...]:
        """:func:`alias_pairs` of the current glossary (rebuilt when it changes)."""
        try:
            g = self._glossary() if self._glossary is not None else None
        except Exception:
            g = None
        if g is not self._aliases[0]:
            self._aliases = (g, alias_pairs(g))
        return self._aliases[1]

    def _replaced(self, number: str | None) -> str:
        vx = self._validity() if number else None
        if vx is None:
            return ""
        try:
            return " ".join(x.target for x in vx.predecessors(number))
        except Exception:
            return ""

    def _in_force_in(self, number: str | None, year: str) -> bool:
        vx = self._validity() if number else None
        if vx is None:
            return False
        try:
            return vx.status(number, _dt.date(int(year), 12, 31)).in_force
        except Exception:
            return False

    def covered(self, focus: Focus, unit, hit, dense: float | None = None) -> bool:
        """True when the unit (``assistant.reading.Unit``: ``text``, ``lead_in``)
        read from ``hit`` concerns every number and year of ``focus`` and, when
        it names units, at least one of them (a question comparing two schools
        is answered from both) unless the văn bản is one the question names by
        số hiệu ("Kế hoạch của trường X nhắc NĐ 61/2018; nghị định đó quy định
        gì?" is answered from NĐ 61/2018), and every subject term (or an alias
        of it, :meth:`aliases`) unless ``dense`` (the unit's cosine to the
        question) reaches ``paraphrase_cosine``, and every place it asks about
        (``Focus.places``) when its văn bản names that place anywhere (text,
        địa danh, quận): "TP.HCM phải giảm bao nhiêu trường" is not answered
        by the national rule of a Công văn of the Bộ that never names the
        city, nor "tỷ lệ của TP.HCM năm 2025" by a Thông tư's scoring scale. A
        legal văn bản (``kind == "legal"``) names the place in the unit, its
        khoản lead-in or heading: it applies nationwide."""
        if not focus:
            return True
        m = hit.meta
        if focus.places and self._doc_text is not None:
            try:
                whole = self._doc_text(m.doc_id)
            except Exception:
                whole = None
            if whole is not None and m.kind == "legal":
                # a decree or thông tư applies nationwide: it speaks of a place where its own provision names it
                # ("Đại học Quốc gia thành phố Hồ Chí Minh" in NĐ 106/2020 Điều 5 is not about the city's schools)
                whole = folded_words(f"{unit.lead_in} {unit.text} {hit.chunk.heading} {m.title or ''} {m.place or ''}")
            if whole is not None and not all(place_in(whole, p) for p in focus.places):
                return False
        hay = folded_words(f"{unit.lead_in} {unit.text} {hit.chunk.heading} {m.number or ''} {m.unit or ''} "
                           f"{m.title or ''}")
        if focus.terms and not (dense is not None and self.paraphrase_cosine is not None
                                and dense >= self.paraphrase_cosine):
            aliases = self.aliases()
            heads = dict(focus.heads)
            written = set(accented_words(f"{unit.lead_in or ''} {unit.text}")) if heads else set()
            if not all(_term_in(hay, t, aliases) or heads.get(t) in written for t in focus.terms):
                return False
        if focus.appendix and not in_appendix(unit, hit, focus.appendix):
            return False  # "… ở phụ lục IV nđ 30" is not answered by the Điều that sends the reader there
        if focus.plan_year and focus.names and m.kind == "plan" and m.year and str(m.year) != focus.plan_year:
            return False  # "kế hoạch … năm 2025 của trường X" is not the school's 2024 plan
        own = folded_words(m.number or "")
        named_doc = bool(m.number) and any(has_term(own, n) for n in focus.numbers)
        if focus.about and focus.numbers and not named_doc and not writes_subject(
                f"{unit.lead_in or ''} {unit.text}", focus.numbers):
            return False
        if focus.content_of and not named_doc and not all(
                relays_content(f"{unit.lead_in or ''}\n{unit.text}", n) for n in focus.content_of):
            return False  # a văn bản known only by citation: only a unit relaying its words says what it says
        if focus.names and not named_doc and not any(has_term(hay, n) for n in focus.names):
            return False  # (a văn bản the question names by số hiệu is about itself, not about the school)
        if focus.numbers:
            extra = folded_words(self._replaced(m.number)) if m.kind == "legal" else ""
            if not all(has_term(hay, n) or (extra and has_term(extra, n)) for n in focus.numbers):
                return False
        now = self._as_of() if self._as_of is not None else None
        for y in focus.years:
            if has_term(hay, y) or y == str(m.year or "") or (m.date or "").startswith(y):
                continue
            if m.kind == "legal" and (now is None or int(y) <= now.year) and self._in_force_in(m.number, y):
                continue
            return False
        return True
