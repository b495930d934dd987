"""Deterministic rewriting of follow-up questions into standalone questions
for retrieval.

A staff member asks "Kế hoạch CCHC năm 2024 của trường Mầm non Bến Thành có
những nhiệm vụ gì?" and then "còn trường Hương Sen thì sao?" or "thế còn năm
2023?" or "văn bản đó có hiệu lực từ khi nào?". Retrieval needs the missing
topic and entities back in the query; the answer step still sees the whole
conversation (``history`` is passed to ``CCHCService.ask``).

Only questions that refer back are rewritten. A question refers back when it

* has the "còn … thì sao" / "thế còn …" / "vậy còn …" shape (the new entity or
  topic replaces the one of the same kind in the previous question),
* uses a demonstrative after a noun: "văn bản đó", "nghị định này", "kế hoạch
  trên", "trường đó", "năm đó", "các nhiệm vụ nói trên" …,
* has a pronoun as subject or object: "nó", "họ",
* names "the new" văn bản: "nghị định mới", "quy định mới".

A generic noun with a demonstrative ("cán bộ đó", "thời hạn đó") takes, with
the corpus's knowledge, the previous question's noun phrase that starts with
the same noun, up to its predicate ("cán bộ bp một cửa").

Entities carried over: trường / đơn vị (school names), số hiệu văn bản (with
their loại văn bản: "Nghị định 61/2018/NĐ-CP"), năm, quận. They come from the
previous question (itself rewritten first, so chains of follow-ups work) and,
for a document reference, from the previous answer when the question had
none. No model, no randomness: the same input always gives the same output.

With the corpus's knowledge (:class:`CorpusKnowledge`, passed by the
answerer) four more references are resolved, all from data, never from a
list of names:

* a short mention ("nđ 118", "Nghị định 61/2018") becomes the full số hiệu
  the validity index knows ("Nghị định 118/2025/NĐ-CP");
* "nghị định mới", "văn bản mới", "quy định mới" after a question about a
  văn bản is the văn bản that replaced it (validity facts: "thay thế");
* "thông tư hướng dẫn nghị định X" is the indexed thông tư whose tên (trích
  yếu) or Phạm vi điều chỉnh says it guides X;
* "nghị định đó" after a turn whose question and answer name no văn bản is
  the văn bản of the passage the previous answer was read from (the
  previous question retrieved again; the passage holding the answer's
  numbers).

"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from typing import Protocol

from corpus.legal_refs import DOC_TYPE_RE, doc_type_from_name, doc_type_of_number, find_numbers, find_references, fold
from corpus.citations import canonical_id
from corpus.validity import doc_name

# ---------------------------------------------------------------------------
# entity extraction
# ---------------------------------------------------------------------------

# a loại văn bản written just before a số hiệu ("Nghị định 61/2018/NĐ-CP", "kế hoạch số 26/KH-MNHgS"), folded text
_TYPE_BEFORE = re.compile(rf"(?<![a-z])(?:{DOC_TYPE_RE})\s+(?:so\s+)?$")
_YEAR_RE = re.compile(r"(?:\bnăm\s+(?:học\s+)?)?(?<![\d/])(?P<year>20\d{2})(?![\d/])", re.IGNORECASE)
_WORD_RE = re.compile(r"[^\s,.;:?!()\"“”'‘’\[\]]+")
_SCHOOL_LEVELS = (("mầm", "non"), ("tiểu", "học"), ("trung", "học", "cơ", "sở"), ("trung", "học", "phổ", "thông"))
_SCHOOL_ABBR = {"MN", "TH", "THCS", "THPT"}
_BARE_YEAR = re.compile(r"(?:19|20)\d{2}")


@dataclass
class Span:
    """One entity found in a text: kind (``school`` | ``doc`` | ``year`` |
    ``district``), the matched text and its character offsets."""

    kind: str
    text: str
    start: int
    end: int
    #: loại văn bản of a ``doc`` span ("Nghị định"), when written or read from the codes
    doc_type: str | None = None


@dataclass
class Entities:
    """Entities of one question, by kind; each list in order of appearance."""

    spans: list[Span] = field(default_factory=list)

    def first(self, kind: str) -> Span | None:
        return next((s for s in self.spans if s.kind == kind), None)

    def kinds(self) -> set[str]:
        return {s.kind for s in self.spans}


def _capitalised(word: str) -> bool:
    return word[:1].isupper() and not word[:1].isdigit()


def _school_spans(text: str) -> list[Span]:
    words = [(m.start(), m.end(), m.group()) for m in _WORD_RE.finditer(text)]
    lw = [w[2].lower() for w in words]
    out: list[Span] = []
    i = 0
    while i < len(words):
        j = i
        if lw[j] == "trường":
            j += 1
        k = j
        for level in _SCHOOL_LEVELS:
            if tuple(lw[j : j + len(level)]) == level:
                k = j + len(level)
                break
        else:
            if j < len(words) and words[j][2] in _SCHOOL_ABBR:
                k = j + 1
        if k == i:  # neither "trường" nor a school level here
            i += 1
            continue
        n = k
        while n < len(words) and _capitalised(words[n][2]) and lw[n] not in {"năm", "quận"}:
            n += 1
        if n > k:
            out.append(Span("school", text[words[i][0] : words[n - 1][1]], words[i][0], words[n - 1][1]))
            i = n
        else:
            i += 1
    return out


def _district_spans(text: str) -> list[Span]:
    out = []
    for m in re.finditer(r"\b[Qq]uận\s+(\d{1,2}\b|(?:[A-ZĐ]\w*)(?:\s+[A-ZĐ]\w*)*)", text):
        out.append(Span("district", m.group(0), m.start(), m.end()))
    return out


def extract_entities(text: str) -> Entities:
    """Schools, số hiệu (with loại văn bản), years and districts in ``text``
    (NFC, as :func:`rewrite_followup` passes it), sorted by position;
    overlapping matches keep the earlier, longer one."""
    spans: list[Span] = []
    folded = fold(text)  # same length as NFC text: offsets carry over
    for n in find_numbers(text, any_case=True):
        t = _TYPE_BEFORE.search(folded, 0, n.start)
        start = t.start() if t else n.start
        spans.append(Span("doc", text[start:n.end], start, n.end, doc_type_of_number(n.canonical)))
    # a short mention: loại + số without the codes ("nđ 118", "Nghị định 61/2018"); a bare
    # four-digit "kế hoạch 2024" is a year, not a số
    for r in find_references(text):
        if r.so_hieu or r.doc_type is None or (r.year is None and _BARE_YEAR.fullmatch(r.number)):
            continue
        spans.append(Span("doc", text[r.start : r.end], r.start, r.end, r.doc_type))
    for m in _YEAR_RE.finditer(text):
        spans.append(Span("year", m.group(0), m.start(), m.end()))
    spans += _school_spans(text) + _district_spans(text)
    spans.sort(key=lambda s: (s.start, -(s.end - s.start)))
    kept: list[Span] = []
    for s in spans:
        if kept and s.start < kept[-1].end:
            continue
        kept.append(s)
    return Entities(kept)


def _kind_of(phrase: str) -> str | None:
    """The entity kind of a whole phrase ("trường Hương Sen" → school), or None."""
    ents = extract_entities(phrase)
    if len(ents.spans) == 1:
        s = ents.spans[0]
        rest = (phrase[: s.start] + phrase[s.end :]).strip(" ?.,")
        if not rest or rest.lower() in {"năm", "của", "ở", "tại"}:
            return s.kind
    return None


# ---------------------------------------------------------------------------
# what the corpus knows about the văn bản a conversation names
# ---------------------------------------------------------------------------


class FollowupKnowledge(Protocol):
    """Look-ups the rewriter makes beyond the conversation's text (all may
    return None: the reference is then left as written)."""

    def canonical(self, mention: str) -> str | None:
        """Full số hiệu of a short mention (``"nđ 118"`` → ``"118/2025/NĐ-CP"``)."""
        ...

    def successor(self, number: str) -> str | None:
        """Số hiệu of the văn bản that replaced ``number`` and is in force now."""
        ...

    def guide_of(self, number: str, doc_type: str | None) -> str | None:
        """Số hiệu of the indexed văn bản (of ``doc_type``) that guides ``number``."""
        ...

    def answer_source(self, question: str, answer: str, doc_type: str | None) -> str | None:
        """Số hiệu of the văn bản (of ``doc_type``) the ``answer`` to ``question`` was read from."""
        ...


# a văn bản issued to guide another says so in its tên or its Phạm vi điều chỉnh (folded text)
_GUIDES_RE = re.compile(r"\b(?:huong\s+dan|quy\s+dinh\s+chi\s+tiet)\b")
_ARTICLE_1_RE = re.compile(r"^\s*Điều\s+1\s*[.:](?P<body>.*?)(?=^\s*Điều\s+2\s*[.:]|\Z)", re.M | re.S)
_ANSWER_NUMBER_RE = re.compile(r"\d+(?:[.,/]\d+)*")
_CITE_MARK_RE = re.compile(r"\[\d+\]")


def _names(text: str, number: str) -> list[int]:
    """Offsets in ``text`` where the số hiệu ``number`` (canonical) is written in full."""
    key = canonical_id(number)
    return [n.start for n in find_numbers(text, any_case=True) if canonical_id(n.canonical) == key]


def guides(meta_title: str, text: str, number: str) -> bool:
    """Does a văn bản with tên ``meta_title`` and full ``text`` guide the văn
    bản ``number``? True when its tên, or a sentence of its Điều 1 (Phạm vi
    điều chỉnh), says "hướng dẫn" / "quy định chi tiết" before naming
    ``number`` in full.

    Source of the rule: Luật Ban hành văn bản quy phạm pháp luật 2015
    (80/2015/QH13), Điều 24 khoản 1 — a thông tư "quy định chi tiết điều,
    khoản, điểm được giao trong … nghị định"; the tên and the Phạm vi điều
    chỉnh of such a văn bản name what it details ("Hướng dẫn thi hành một số
    quy định của Nghị định số 61/2018/NĐ-CP …", Thông tư 01/2018/TT-VPCP)."""
    for part in [meta_title or ""] + _article_1_sentences(text or ""):
        f = fold(part)
        for pos in _names(part, number):
            if _GUIDES_RE.search(f, 0, pos):
                return True
    return False


def _article_1_sentences(text: str) -> list[str]:
    m = _ARTICLE_1_RE.search(text)
    return re.split(r"(?<=[.;])\s+", m.group("body")) if m else []


class CorpusKnowledge:
    """:class:`FollowupKnowledge` over the index: ``knowledge`` has
    ``validity()`` and ``parsed_documents()`` (``CCHCService``,
    ``assistant.protocols.KnowledgeGraph``), ``retriever`` has ``search(query,
    k)`` (``assistant.protocols.Retriever``), ``as_of()`` gives the date "now"
    means (``Settings.as_of_date``). Every look-up returns None rather than
    raise when the index cannot answer it."""

    def __init__(self, retriever, knowledge, as_of):
        self.retriever, self.knowledge, self.as_of = retriever, knowledge, as_of

    def _validity(self):
        try:
            return self.knowledge.validity()
        except Exception:
            return None

    def canonical(self, mention: str) -> str | None:
        """Canonical số hiệu of a mention among the số hiệu the validity index
        knows (``ValidityIndex.resolve``: number, loại and năm must agree;
        ambiguous → None)."""
        vx = self._validity()
        return vx.resolve(mention) if vx is not None else None

    def successor(self, number: str) -> str | None:
        """The văn bản in force at ``as_of()`` that replaced ``number``: the
        last of its replacement chain (validity facts "thay thế …" and the
        validity table, ``corpus.validity.ValidityIndex.replacement_chain``);
        None when ``number`` is in force or nothing replaced it."""
        vx = self._validity()
        if vx is None or not number:
            return None
        try:
            chain = vx.replacement_chain(number, self.as_of())
        except Exception:
            return None
        return chain[-1] if chain else None

    def guide_of(self, number: str, doc_type: str | None) -> str | None:
        """Số hiệu of the indexed văn bản of ``doc_type`` (any when None)
        that guides ``number`` (:func:`guides`); when several do, the one in
        force at ``as_of()``, then the latest; None when none does."""
        try:
            docs = self.knowledge.parsed_documents()
        except Exception:
            return None
        key = canonical_id(number)
        found = [d.meta for d in docs if d.meta.number and not d.meta.appendix and canonical_id(d.meta.number) != key
                 and (doc_type is None or d.meta.doc_type == doc_type) and guides(d.meta.title or "", d.text, number)]
        if not found:
            return None
        vx = self._validity()

        def rank(m):
            in_force = vx.status(m.number, self.as_of()).in_force if vx is not None else True
            return (not in_force, -(int(m.date[:4]) if m.date and m.date[:4].isdigit() else 0))

        return sorted(found, key=rank)[0].number

    def answer_source(self, question: str, answer: str, doc_type: str | None) -> str | None:
        """The số hiệu of the passage the ``answer`` to ``question`` came
        from: ``question`` is retrieved again (top 5) and the passage of a
        numbered văn bản (of ``doc_type`` when given) holding most of the
        answer's numbers of two digits or more — or, for an answer without
        them, at least 60 % of its words — wins; None when no passage holds them (an abstention,
        an answer from elsewhere)."""
        answer = _CITE_MARK_RE.sub(" ", answer or "")
        nums = {x for x in _ANSWER_NUMBER_RE.findall(answer) if sum(c.isdigit() for c in x) >= 2}
        words = {w for w in re.findall(r"\w{2,}", fold(answer)) if not w.isdigit()}
        if not question.strip() or not (nums or words):
            return None
        try:
            hits = self.retriever.search(question, k=5)
        except Exception:
            return None
        best, best_score = None, 0.0
        for h in hits:
            m = h.meta
            if not m.number or (doc_type is not None and m.doc_type != doc_type):
                continue
            text = h.chunk.text
            if nums:
                score = sum(1 for x in nums if re.search(rf"(?<![\d.,/]){re.escape(x)}(?![\d.,/]\d)", text))
            else:
                have = set(re.findall(r"\w{2,}", fold(text)))
                share = len(words & have) / len(words)
                score = share if share >= 0.6 else 0.0
            if score > best_score:
                best, best_score = m.number, score
        return best


# ---------------------------------------------------------------------------
# referring expressions
# ---------------------------------------------------------------------------

_CON_RE = re.compile(
    r"^\s*(?:(?:thế|vậy|the|vay)\s+)?(?:còn|con)\s+(?P<x>.+?)"
    r"(?P<tail>\s*,?\s*(?:thì|thi)\s+(?:sao|thế nào|như thế nào|ra sao)|\s+(?:thì\s+)?(?:sao|ra sao|thế nào|như thế nào))?"
    r"\s*[?.!]*\s*$",
    re.IGNORECASE,
)
_DEMONSTRATIVES = r"đó|này|ấy|nói trên|kể trên|trên|kia"
_DOC_NOUNS = r"văn bản|nghị định|thông tư|quyết định|kế hoạch|nghị quyết|công văn|chỉ thị|tài liệu"
_UNIT_NOUNS = r"trường|đơn vị|cơ quan|nhà trường"
_DOC_DEMO_RE = re.compile(rf"\b(?P<noun>{_DOC_NOUNS})\s+(?:{_DEMONSTRATIVES})\b", re.IGNORECASE)
_UNIT_DEMO_RE = re.compile(rf"\b(?:{_UNIT_NOUNS})\s+(?:{_DEMONSTRATIVES})\b", re.IGNORECASE)
_YEAR_DEMO_RE = re.compile(r"\bnăm\s+(?:đó|ấy|này|kia)\b", re.IGNORECASE)
# a generic noun + demonstrative ("các nhiệm vụ đó", "nội dung trên"); bare
# "trên" is a preposition ("trên địa bàn") so it only counts after these nouns.
_GENERIC_DEMO_RE = re.compile(
    r"\b(?!(?:trong|do|sau|từ|theo|như|vì)\s)(?:\w+)\s+(?:đó|ấy|nói trên|kể trên)\b|\b(?:nội dung|nhiệm vụ|mục tiêu|giải pháp|quy định|điều|khoản|mục)\s+(?:trên|này)\b",
    re.IGNORECASE,
)
_PRONOUN_RE = re.compile(r"(?<!\w)(?:nó|họ)(?!\w)", re.IGNORECASE)
# "nghị định mới", "văn bản mới thay thế": the văn bản that replaced the one talked about
_NEW_DOC_RE = re.compile(rf"\b(?P<noun>{_DOC_NOUNS}|quy định|luật)\s+mới(?:\s+(?:thay thế|ban hành))?(?!\w)",
                         re.IGNORECASE)
# "bây giờ", "hiện nay": the as-of date, which the answerer applies anyway
_NOW_RE = re.compile(r"(?<!\w)(?:bây giờ|hiện nay|hiện tại|hiện giờ|giờ)(?!\w)", re.IGNORECASE)
# "<loại> hướng dẫn (thi hành) (một số điều/quy định của) <văn bản>" — folded text, anchored before a mention
_GUIDE_BEFORE_RE = re.compile(
    rf"(?<![a-z])(?P<type>{DOC_TYPE_RE}|van\s+ban)\s+(?:huong\s+dan|quy\s+dinh\s+chi\s+tiet)(?:\s+thi\s+hanh)?"
    r"(?:\s+(?:mot\s+so\s+)?(?:dieu|quy\s+dinh|noi\s+dung))?(?:\s+cua)?\s+$")
# the words after a generic noun that end its noun phrase: verbs, modals, copulas, question words
# ("cán bộ bp một cửa | phải có …"), lower case with diacritics (folded, "cần" would be "cán")
_PHRASE_END = frozenset(
    "phải có được là bị cần nên thì mấy bao nào gì đã sẽ đang không chưa làm do ai khi sao theo nhận "
    "thuộc gồm ra".split())
_LEAD_PARTICLE_RE = re.compile(r"^\s*(?:thế|vậy)(?:\s+thì)?\s+(?!(?:nào|thì|còn)(?!\w))", re.IGNORECASE)


def _doc_phrase(span: Span) -> str:
    return span.text


def _noun_type(noun: str) -> str | None:
    """Loại văn bản of a referring noun ("nghị định" → "Nghị định"); None for "văn bản", "tài liệu"."""
    return None if fold(noun) in {"van ban", "tai lieu"} else doc_type_from_name(noun)


def _antecedent(prev_q: str, prev_a: str, kb: FollowupKnowledge | None = None, question: str = "") -> Entities:
    ents = extract_entities(prev_q)
    if "doc" not in ents.kinds() and prev_a:
        doc = extract_entities(prev_a).first("doc")
        if doc is not None:
            ents.spans.append(Span("doc", doc.text, -1, -1, doc.doc_type))
    if kb is None:
        return ents
    # a short mention ("nđ 118") becomes the full số hiệu
    for i, s in enumerate(ents.spans):
        if s.kind == "doc" and not find_numbers(s.text, any_case=True):
            n = kb.canonical(s.text)
            if n:
                ents.spans[i] = Span("doc", doc_name(n), s.start, s.end, s.doc_type)
    if "doc" not in ents.kinds() and prev_a:
        # "nghị định đó" after a turn that named no văn bản: the văn bản the answer was read from
        # (only after a noun of văn bản: "nó" is the previous question's subject, not its source)
        m = _DOC_DEMO_RE.search(question) or _NEW_DOC_RE.search(question)
        if m is not None:
            n = kb.answer_source(prev_q, prev_a, _noun_type(m.group("noun")))
            if n:
                ents.spans.append(Span("doc", doc_name(n), -1, -1, doc_type_of_number(n)))
    return ents


def _number_of(span: Span, kb: FollowupKnowledge) -> str | None:
    nums = find_numbers(span.text, any_case=True)
    return nums[0].canonical if nums else kb.canonical(span.text)


def _successor_of(ants: Entities, kb: FollowupKnowledge | None) -> tuple[Span, str] | None:
    """(the antecedent văn bản, the số hiệu that replaced it), when the validity data has one."""
    doc = ants.first("doc")
    if doc is None or kb is None:
        return None
    n = _number_of(doc, kb)
    succ = kb.successor(n) if n else None
    return (doc, succ) if succ else None


def _resolve_guides(text: str, kb: FollowupKnowledge | None) -> str:
    """``text`` with "thông tư hướng dẫn Nghị định X" replaced by the guiding
    văn bản's name (:meth:`FollowupKnowledge.guide_of`), when the corpus has it."""
    if kb is None:
        return text
    folded = fold(text)
    for r in reversed(find_references(text)):
        m = _GUIDE_BEFORE_RE.search(folded, 0, r.start)
        if m is None or m.end() != r.start:
            continue
        n = r.so_hieu or kb.canonical(text[r.start : r.end])
        g = kb.guide_of(n, _noun_type(text[m.start("type") : m.end("type")])) if n else None
        if g:
            text = text[: m.start()] + doc_name(g) + text[r.end :]
            folded = fold(text)
    return text


def _generic_phrase(question: str, prev_q: str) -> str | None:
    """``question`` with "<noun> đó" replaced by the noun phrase of the
    previous question that starts with the same noun and goes on to its
    predicate ("cán bộ đó" after "nđ 118 cán bộ bp một cửa phải có …" →
    "cán bộ bp một cửa"); None when the previous question has no longer
    phrase for the noun."""
    m = re.search(r"(?<!\w)(?:đó|ấy|nói trên|kể trên)(?!\w)", question, re.IGNORECASE)
    if m is None:
        return None
    before = list(_WORD_RE.finditer(question[: m.start()]))
    pw = list(_WORD_RE.finditer(prev_q))
    pf = [fold(w.group()) for w in pw]
    docs = [(s.start, s.end) for s in extract_entities(prev_q).spans if s.kind == "doc"]
    for n in (3, 2, 1):
        if len(before) < n:
            continue
        noun = [fold(w.group()) for w in before[-n:]]
        if n == 1 and len(noun[0]) < 3:
            continue
        for j in range(len(pf) - n + 1):
            if pf[j : j + n] != noun:
                continue
            k = j + n
            while (k < len(pf) and k - j < 12 and pw[k].group().lower() not in _PHRASE_END
                   and not any(s <= pw[k].start() < e for s, e in docs)):
                k += 1
            if k > j + n:
                # the noun as the question writes it, then the rest of the previous question's phrase
                return question[: before[-1].end()] + prev_q[pw[j + n - 1].end() : pw[k - 1].end()] + question[m.end() :]
    return None


def _strip_q(s: str) -> str:
    return s.strip().rstrip("?.! ").strip()


def _carry(ents: Entities, exclude: set[str] = frozenset()) -> str:
    """The previous question's entities as a phrase ("trường Mầm non Bến Thành năm 2024")."""
    order = {"doc": 0, "school": 1, "district": 2, "year": 3}
    parts = [s.text for s in sorted(ents.spans, key=lambda s: order[s.kind]) if s.kind not in exclude]
    seen: list[str] = []
    for p in parts:
        if p not in seen:
            seen.append(p)
    return " ".join(seen)


def _replace_span(text: str, span: Span, new: str) -> str:
    return text[: span.start] + new + text[span.end :]


def _rewrite_con(x: str, prev_q: str, ants: Entities, kb: FollowupKnowledge | None = None) -> str:
    """ "còn X thì sao": put X in the previous question in place of the
    entity of the same kind, or add it; "còn theo nghị định mới thì sao":
    the previous question about the văn bản that replaced its văn bản."""
    x = _strip_q(x)
    kind = _kind_of(x)
    prev = _strip_q(prev_q)
    new = _NEW_DOC_RE.search(x)
    succ = _successor_of(ants, kb) if new else None
    if succ is not None:
        old, number = succ
        rest = _strip_q(_NOW_RE.sub(" ", x[: new.start()] + x[new.end() :]))
        rest = re.sub(r"^(?:theo|thì)\s+|\s+(?:theo|thì)$", "", re.sub(r"\s+", " ", rest), flags=re.IGNORECASE).strip()
        name = doc_name(number)
        if not rest or fold(rest) in {"theo", "thi"}:
            return (_replace_span(prev, old, name) if old.start >= 0 else f"{prev} theo {name}") + "?"
        return f"{rest} theo {name}?"
    if kind is not None:
        old = next((s for s in ants.spans if s.kind == kind and s.start >= 0), None)
        if kind == "year":
            year = _YEAR_RE.search(x).group("year")
            if old is not None:
                return _replace_span(prev, old, old.text.replace(_YEAR_RE.search(old.text).group("year"), year)) + "?"
            return f"{prev} năm {year}?"
        if old is not None:
            return _replace_span(prev, old, x) + "?"
        return f"{prev} — {x}?"
    # X is a new topic ("còn mục tiêu thì sao?"): ask about it for the same entities
    carried = _carry(ants)
    if carried:
        return f"{x} {carried}?".strip()
    # … a whole question of its own ("còn nộp trực tiếp mà sau 3h chiều thì khi nào hs được chuyển …"):
    # the previous question would only bring its other case ("nộp online") into the search
    return f"{x}?" if _asks_itself(x) else f"{x} ({prev})?"


def _asks_itself(x: str) -> bool:
    """Is ``x`` a question of its own: it asks for a typed answer
    (``assistant.question.analyze``: a time, a figure, a list …) in at
    least five words?"""
    from assistant.question import OTHER, analyze

    return len(x.split()) >= 5 and analyze(x).answer_type != OTHER


def _refers(question: str) -> bool:
    """A referring expression other than the "còn … thì sao" shape."""
    return bool(
        _DOC_DEMO_RE.search(question)
        or _UNIT_DEMO_RE.search(question)
        or _YEAR_DEMO_RE.search(question)
        or _GENERIC_DEMO_RE.search(question)
        or _PRONOUN_RE.search(question)
        or _NEW_DOC_RE.search(question)
    )


def _is_followup(question: str) -> bool:
    return bool(_CON_RE.match(question) or _refers(question))


def _rewrite_one(question: str, prev_q: str, prev_a: str, kb: FollowupKnowledge | None = None) -> str:
    m = _CON_RE.match(question)
    if m and m.group("tail") is None and _refers(m.group("x")) and _kind_of(_strip_q(m.group("x"))) is None:
        # "Còn thông tư hướng dẫn nghị định đó thì có hiệu lực từ khi nào?": a whole question after
        # "còn", with its own referring expression — resolved as that question
        question, m = m.group("x"), None
    ants = _antecedent(prev_q, prev_a, kb, question)
    if not ants.spans and not m:
        return question
    if m:
        return _resolve_guides(_rewrite_con(m.group("x"), prev_q, ants, kb), kb)
    out = question
    own = extract_entities(question).kinds()
    doc = ants.first("doc")
    school = ants.first("school")
    year = ants.first("year")
    used: set[str] = set()
    new = _NEW_DOC_RE.search(out)
    succ = _successor_of(ants, kb) if new and "doc" not in own else None
    if succ is not None:
        out = out[: new.start()] + doc_name(succ[1]) + out[new.end() :]
        used.add("doc")
    elif doc is not None and "doc" not in own and _DOC_DEMO_RE.search(out):
        out = _DOC_DEMO_RE.sub(lambda _m: _doc_phrase(doc), out, count=1)
        used.add("doc")
    elif school is not None and _DOC_DEMO_RE.search(out) and "kế hoạch" in _DOC_DEMO_RE.search(out).group(0).lower():
        # "kế hoạch đó" after a question about a school's plan
        tail = f" năm {_YEAR_RE.search(year.text).group('year')}" if year is not None and "year" not in own else ""
        out = _DOC_DEMO_RE.sub(lambda _m: f"kế hoạch của {school.text}{tail}", out, count=1)
        used |= {"school", "year"}
    if school is not None and "school" not in own and _UNIT_DEMO_RE.search(out):
        out = _UNIT_DEMO_RE.sub(lambda _m: school.text, out, count=1)
        used.add("school")
    if year is not None and "year" not in own and _YEAR_DEMO_RE.search(out):
        y = _YEAR_RE.search(year.text).group("year")
        out = _YEAR_DEMO_RE.sub(f"năm {y}", out, count=1)
        used.add("year")
    if _PRONOUN_RE.search(out):
        main = doc or school
        if main is not None:
            out = _PRONOUN_RE.sub(lambda _m: main.text, out, count=1)
            used.add(main.kind)
    # generic demonstrative ("cán bộ đó", "thời hạn đó"): the previous question's noun phrase
    # when it is longer than the noun
    generic = _GENERIC_DEMO_RE.search(out)
    if generic and kb is not None:
        out = _generic_phrase(out, prev_q) or out
    if out == question or not used:
        # and the previous entities ("các nhiệm vụ đó" → "… (Trường Mầm non Bến Thành năm 2024)")
        if generic or out == question:
            carried = _carry(ants, exclude=own | used)
            if carried and carried.lower() not in out.lower():
                out = f"{_strip_q(out)} ({carried})?"
    out = _resolve_guides(out, kb)
    if out != question:
        out = _LEAD_PARTICLE_RE.sub("", out, count=1)
    return out


def rewrite_followup(question: str, history: list[tuple[str, str]],
                     knowledge: FollowupKnowledge | None = None) -> str:
    """Standalone form of ``question`` for retrieval.

    ``history``: earlier ``(question, answer)`` turns, oldest first. Returns
    ``question`` unchanged when it does not refer back (no "còn … thì sao",
    no demonstrative such as "đó"/"này"/"trên" after a noun, no pronoun
    subject, no "nghị định mới") or when no earlier turn offers an
    antecedent. Earlier follow-ups are resolved first, so "còn trường Hương
    Sen thì sao?" → "thế còn năm 2023?" carries both the school and the
    topic. ``knowledge`` (:class:`CorpusKnowledge`; None: the text alone)
    resolves short mentions, successors, guiding văn bản and the source of an
    answer that named no văn bản (see the module docstring). Never raises on
    odd input.
    """
    original = question or ""
    question = unicodedata.normalize("NFC", original)
    history = [(unicodedata.normalize("NFC", q or ""), unicodedata.normalize("NFC", a or "")) for q, a in history or []]
    if not history or not question.strip() or not _is_followup(question):
        return original
    # resolve the chain: each earlier question against the one before it
    standalone: list[str] = []
    for i, (q, _a) in enumerate(history):
        q = q or ""
        if i == 0 or not _is_followup(q):
            standalone.append(q)
        else:
            standalone.append(_rewrite_one(q, standalone[i - 1], history[i - 1][1] or "", knowledge))
    prev_q = standalone[-1]
    prev_a = history[-1][1] or ""
    out = _rewrite_one(question, prev_q, prev_a, knowledge)
    return original if out == question else out
