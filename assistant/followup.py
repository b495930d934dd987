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
* has a pronoun as subject or object: "nó", "họ".

Entities carried over: trường / đơn vị (school names), số hiệu văn bản (with
their loại văn bản: "Nghị định 61/2018/NĐ-CP"), năm, quận. They come from the
previous question (itself rewritten first, so chains of follow-ups work) and,
for a document reference, from the previous answer when the question had
none. No model, no randomness: the same input always gives the same output.

"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from corpus.legal_refs import DOC_TYPE_RE, find_numbers, fold

# ---------------------------------------------------------------------------
# entity extraction
# ---------------------------------------------------------------------------

# a loại văn bản written just before a số hiệu ("Nghị định 61/2018/NĐ-CP", "kế hoạch số 26/KH-MNHgS"), folded text
_TYPE_BEFORE = re.compile(rf"(?<![a-z])(?:{DOC_TYPE_RE})\s+(?:so\s+)?$")
_YEAR_RE = re.compile(r"(?:\bnăm\s+(?:học\s+)?)?(?<![\d/])(?P<year>20\d{2})(?![\d/])", re.IGNORECASE)
_WORD_RE = re.compile(r"[^\s,.;:?!()\"“”'‘’\[\]]+")
_SCHOOL_LEVELS = (("mầm", "non"), ("tiểu", "học"), ("trung", "học", "cơ", "sở"), ("trung", "học", "phổ", "thông"))
_SCHOOL_ABBR = {"MN", "TH", "THCS", "THPT"}


@dataclass
class Span:
    """One entity found in a text: kind (``school`` | ``doc`` | ``year`` |
    ``district``), the matched text and its character offsets."""

    kind: str
    text: str
    start: int
    end: int


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
        spans.append(Span("doc", text[start:n.end], start, n.end))
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
# referring expressions
# ---------------------------------------------------------------------------

_CON_RE = re.compile(
    r"^\s*(?:(?:thế|vậy|the|vay)\s+)?(?:còn|con)\s+(?P<x>.+?)"
    r"(?:\s*,?\s*(?:thì|thi)\s+(?:sao|thế nào|như thế nào|ra sao)|\s+(?:thì\s+)?(?:sao|ra sao|thế nào|như thế nào))?"
    r"\s*[?.!]*\s*$",
    re.IGNORECASE,
)
_DEMONSTRATIVES = r"đó|này|ấy|nói trên|kể trên|trên|kia"
_DOC_NOUNS = r"văn bản|nghị định|thông tư|quyết định|kế hoạch|nghị quyết|công văn|chỉ thị|tài liệu"
_UNIT_NOUNS = r"trường|đơn vị|cơ quan|nhà trường"
_DOC_DEMO_RE = re.compile(rf"\b(?:{_DOC_NOUNS})\s+(?:{_DEMONSTRATIVES})\b", re.IGNORECASE)
_UNIT_DEMO_RE = re.compile(rf"\b(?:{_UNIT_NOUNS})\s+(?:{_DEMONSTRATIVES})\b", re.IGNORECASE)
_YEAR_DEMO_RE = re.compile(r"\bnăm\s+(?:đó|ấy|này|kia)\b", re.IGNORECASE)
# a generic noun + demonstrative ("các nhiệm vụ đó", "nội dung trên"); bare
# "trên" is a preposition ("trên địa bàn") so it only counts after these nouns.
_GENERIC_DEMO_RE = re.compile(
    r"\b(?!(?:trong|do|sau|từ|theo|như|vì)\s)(?:\w+)\s+(?:đó|ấy|nói trên|kể trên)\b|\b(?:nội dung|nhiệm vụ|mục tiêu|giải pháp|quy định|điều|khoản|mục)\s+(?:trên|này)\b",
    re.IGNORECASE,
)
_PRONOUN_RE = re.compile(r"(?<!\w)(?:nó|họ)(?!\w)", re.IGNORECASE)


def _doc_phrase(span: Span) -> str:
    return span.text


def _antecedent(prev_q: str, prev_a: str) -> Entities:
    ents = extract_entities(prev_q)
    if "doc" not in ents.kinds() and prev_a:
        doc = extract_entities(prev_a).first("doc")
        if doc is not None:
            ents.spans.append(Span("doc", doc.text, -1, -1))
    return ents


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


def _rewrite_con(x: str, prev_q: str, ants: Entities) -> str:
    """ "còn X thì sao": put X in the previous question in place of the
    entity of the same kind, or add it."""
    x = _strip_q(x)
    kind = _kind_of(x)
    prev = _strip_q(prev_q)
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
    return f"{x} {carried}?".strip() if carried else f"{x} ({prev})?"


def _is_followup(question: str) -> bool:
    return bool(
        _CON_RE.match(question)
        or _DOC_DEMO_RE.search(question)
        or _UNIT_DEMO_RE.search(question)
        or _YEAR_DEMO_RE.search(question)
        or _GENERIC_DEMO_RE.search(question)
        or _PRONOUN_RE.search(question)
    )


def _rewrite_one(question: str, prev_q: str, prev_a: str) -> str:
    ants = _antecedent(prev_q, prev_a)
    if not ants.spans and not _CON_RE.match(question):
        return question
    m = _CON_RE.match(question)
    if m:
        return _rewrite_con(m.group("x"), prev_q, ants)
    out = question
    own = extract_entities(question).kinds()
    doc = ants.first("doc")
    school = ants.first("school")
    year = ants.first("year")
    used: set[str] = set()
    if doc is not None and "doc" not in own and _DOC_DEMO_RE.search(out):
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
    if out == question or not used:
        # generic demonstrative ("các nhiệm vụ đó"): add the previous entities
        if _GENERIC_DEMO_RE.search(out) or out == question:
            carried = _carry(ants, exclude=own | used)
            if carried and carried.lower() not in out.lower():
                out = f"{_strip_q(out)} ({carried})?"
    return out


def rewrite_followup(question: str, history: list[tuple[str, str]]) -> str:
    """Standalone form of ``question`` for retrieval.

    ``history``: earlier ``(question, answer)`` turns, oldest first. Returns
    ``question`` unchanged when it does not refer back (no "còn … thì sao",
    no demonstrative such as "đó"/"này"/"trên" after a noun, no pronoun
    subject) or when no earlier turn offers an antecedent. Earlier follow-ups
    are resolved first, so "còn trường Hương Sen thì sao?" → "thế còn năm
    2023?" carries both the school and the topic. Never raises on odd input.
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
            standalone.append(_rewrite_one(q, standalone[i - 1], history[i - 1][1] or ""))
    prev_q = standalone[-1]
    prev_a = history[-1][1] or ""
    out = _rewrite_one(question, prev_q, prev_a)
    return original if out == question else out
