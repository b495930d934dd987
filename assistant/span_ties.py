"""How a typed span of a reading unit is tied to the question's focus.

One job: ``(unit text, span, question analysis) → tie`` (0..1). Plain code,
no model. A unit holding *some* number is not an answer to "bao nhiêu % cán
bộ dùng thư điện tử công vụ": the number has to be the one the sentence says
about what the question asks. The tie reads that off the sentence:

* **proximity** – of the focus terms (:attr:`QuestionAnalysis.focus`, without
  the words that only name the type asked: "ngày", "tháng", "tỷ lệ", the
  counted noun the span already holds) that the unit writes, how close each is
  to the span: full weight within :data:`NEAR` words, decaying as ``NEAR / d``
  beyond; a term written only in another clause (past a ";", which parts the
  clauses of one khoản or điểm: "… không nhiều hơn 36 tháng mỗi đợt; trừ
  trường hợp quy định tại khoản 8 Điều 12 …", NĐ 118/2025/NĐ-CP Điều 11
  khoản 4) or only in the unit's lead-in counts as written but far
  (:data:`OTHER_CLAUSE`);
  the tie is the mean over the written terms, so it measures where the span
  sits among what the unit matches, not how much it matches (the lexical score
  does that);
* **qualifier** – the question's qualifier of the quantity, matched next to
  the span (within :data:`QUALIFIER_WORDS` words): a period asked ("bao lâu …
  một lần", "định kỳ", "hằng tháng") is answered by a periodic span
  ("Định kỳ 03 tháng", NĐ 118/2025/NĐ-CP Điều 9 khoản 2; "chậm nhất vào ngày
  20 hằng tháng", TT 09/2026/TT-BTP Điều 11; "03 tháng một lần"); a bound
  asked ("tối thiểu", "tối đa", "ít nhất", "không quá") by a bounded span
  ("không ít hơn 12 tháng và không nhiều hơn 36 tháng mỗi đợt", NĐ
  118/2025/NĐ-CP Điều 11 khoản 4; "không quá 03 Phó Giám đốc", Điều 10);
  a "mỗi <noun>" of the question ("mỗi đợt", "mỗi hồ sơ") by the same words.
  A matched qualifier raises the tie by :data:`QUALIFIER_BONUS` (at most 1).

A span that is not written in the unit (a passage's own số hiệu answering
"văn bản nào quy định …") has tie 0: it is judged as before, by its score.
"""

from __future__ import annotations

import re

from assistant.question import COLOUR, COUNT, MONEY, RATIO, TIME, QuestionAnalysis
from corpus.legal_refs import fold

NEAR = 8  # words: a focus term this close to the span is fully tied
OTHER_CLAUSE = 0.25  # weight of a focus term written only in another clause or the lead-in
QUALIFIER_WORDS = 3  # words either side of the span read for the qualifier
QUALIFIER_BONUS = 0.5

#: focus terms that only name the type asked (folded, ``_`` joins syllables); a span always "holds" them
_TYPE_TERMS = {
    TIME: frozenset("ngay thang nam gio tuan phut quy lan thoi_gian thoi_diem thoi_han ngay_thang".split()),
    RATIO: frozenset("ty_le phan_tram %".split()),
    MONEY: frozenset("tien muc so_tien dong trieu ty".split()),
    COUNT: frozenset("so so_luong lan".split()),
    COLOUR: frozenset("mau mau_sac".split()),
}

_WORD = re.compile(r"[\w%]+")
#: a period asked (question side) / written (unit side, before or after the span)
_PERIOD_Q = re.compile(r"\b(?:1|mot) lan\b|\bdinh ky\b|\b(?:hang|moi) (?:ngay|tuan|thang|quy|nam)\b")
_PERIOD_BEFORE = re.compile(r"\b(?:dinh ky|hang|moi|cu)\s*$")
_PERIOD_AFTER = re.compile(r"^\s*(?:(?:1|01|mot) lan|/\s*lan|mot lan)\b")
#: a bound asked / written: "tối thiểu", "tối đa", "ít nhất", "nhiều nhất", "không quá", "không ít hơn" …
_BOUND_Q = re.compile(r"\b(?:toi thieu|toi da|it nhat|nhieu nhat|khong qua|khong duoi|khong it hon|khong nhieu hon|"
                      r"cham nhat|som nhat|tren|duoi)\b")
_BOUND_BEFORE = re.compile(r"\b(?:toi thieu|toi da|it nhat|nhieu nhat|khong qua|khong duoi|khong vuot qua|"
                           r"khong it hon|khong nhieu hon|cham nhat|som nhat|tu|den|tren|duoi)\s*$")
_BOUND_AFTER = re.compile(r"^\s*(?:tro len|tro xuong|tro lai)\b")
_EACH_Q = re.compile(r"\bmoi ([^\W\d]+(?: [^\W\d]+)?)")


def _words(folded: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group(0)) for m in _WORD.finditer(folded)]


def _occurrences(term: str, words: list[tuple[int, int, str]]) -> list[int]:
    """Word indexes where the syllables of ``term`` start, written consecutively."""
    parts = _WORD.findall(term.replace("_", " "))
    if not parts:
        return []
    n = len(parts)
    return [i for i in range(len(words) - n + 1) if all(words[i + j][2] == parts[j] for j in range(n))]


def _content_terms(qa: QuestionAnalysis) -> list[str]:
    drop = set(_TYPE_TERMS.get(qa.answer_type, ()))
    if qa.answer_type == COUNT and qa.unit:
        drop |= {qa.unit.replace(" ", "_"), *qa.unit.split()}
    qnums = {n.lstrip("0") or "0" for n in qa.numbers}
    return [t for t in qa.focus if t not in drop and (t.lstrip("0") or "0") not in qnums]


def qualifier_match(folded: str, start: int, end: int, qa: QuestionAnalysis) -> bool:
    """Does the span ``folded[start:end]`` carry the qualifier the question
    puts on its quantity (a period, a bound, "mỗi <noun>"; see the module
    docstring)? ``folded``: the folded unit text. False when none is asked."""
    q = qa.normalized
    words = _words(folded)
    before_words = [w for w in words if w[1] <= start][-QUALIFIER_WORDS:]
    after_words = [w for w in words if w[0] >= end][:QUALIFIER_WORDS]
    before = " ".join(w[2] for w in before_words)
    after = " ".join(w[2] for w in after_words)
    inside = folded[start:end]
    if _PERIOD_Q.search(q) and (_PERIOD_BEFORE.search(before) or _PERIOD_AFTER.search(after)
                                or re.match(r"(?:dinh ky|hang|moi)\b", inside)):
        return True
    if _BOUND_Q.search(q) and (_BOUND_BEFORE.search(before) or _BOUND_AFTER.search(after)
                               or re.match(r"(?:toi thieu|toi da|it nhat|cham nhat|khong qua)\b", inside)):
        return True
    for m in _EACH_Q.finditer(q):
        phrase = f"moi {m.group(1)}"
        if phrase in f"{before} {after}":
            return True
    return False


def span_tie(text: str, start: int, end: int, qa: QuestionAnalysis, lead_in: str = "") -> float:
    """Tie (0..1) of the span at ``text[start:end]`` to the focus of ``qa``
    (see the module docstring); ``lead_in``: the unit's lead-in (its khoản or
    plan item), read as another clause. 0.0 when the unit writes none of the
    focus terms and no qualifier matches.

    ``span_tie("9.4. 100% cán bộ, công chức sử dụng hệ thống thư điện tử công
    vụ …", 5, 9, analyze("bao nhiêu % cán bộ dùng thư điện tử công vụ"))`` → 1.0.
    """
    folded = fold(text)
    if len(folded) != len(text) or not (0 <= start < end <= len(text)):
        return 0.0
    words = _words(folded)
    lead = _words(fold(lead_in)) if lead_in else []
    first = next((i for i, w in enumerate(words) if w[1] > start), len(words))
    last = max((i for i, w in enumerate(words) if w[0] < end), default=first)
    # the span's clause: between the ";" marks around it
    lo = folded.rfind(";", 0, start) + 1
    hi = folded.find(";", end)
    hi = len(folded) if hi < 0 else hi
    weights: list[float] = []
    for t in _content_terms(qa):
        best = 0.0
        for i in _occurrences(t, words):
            if not lo <= words[i][0] < hi:
                best = max(best, OTHER_CLAUSE)
                continue
            d = first - i - len(_WORD.findall(t.replace("_", " "))) if i < first else max(0, i - last - 1)
            d = max(0, d)
            best = max(best, 1.0 if d < NEAR else NEAR / (d + 1))
        if best == 0.0 and _occurrences(t, lead):
            best = OTHER_CLAUSE
        if best > 0.0:
            weights.append(best)
    tie = sum(weights) / len(weights) if weights else 0.0
    if qualifier_match(folded, start, end, qa):
        tie = min(1.0, tie + QUALIFIER_BONUS)
    return tie


def unit_tie(unit, spans: list, qa: QuestionAnalysis) -> float:
    """Best :func:`span_tie` of ``spans`` in ``unit`` (``text``, ``lead_in``;
    a span found in the lead-in is read there). 0.0 for no spans."""
    best = 0.0
    for sp in spans:
        text, lead = unit.text, unit.lead_in
        if text[sp.start:sp.end] != sp.text:
            if lead and lead[sp.start:sp.end] == sp.text:
                text, lead = lead, ""
            else:
                continue
        best = max(best, span_tie(text, sp.start, sp.end, qa, lead))
    return best


def names_measure(unit, spans: list, qa: QuestionAnalysis) -> bool:
    """Does ``unit`` name, in the clause of one of its ``spans`` (between the
    ";" marks around it) and outside the span itself, the measure the question
    asks for — a type word of the answer type (:data:`_TYPE_TERMS`: "tỷ lệ",
    "số lượng", "thời hạn", "số tiền" …) that the question writes among its
    focus terms? "Tỷ lệ PHHS … đạt tỷ lệ 100%" names the ratio asked by "tỷ lệ
    phụ huynh … là bao nhiêu"; "Mức độ hài lòng của PHHS … đạt từ 99%" gives a
    percentage of another measure. False when the question writes no such word
    or the unit holds no span in its own text."""
    asked = [t for t in qa.focus if t in _TYPE_TERMS.get(qa.answer_type, ()) and "_" in t]
    if not asked:
        return False
    text = unit.text
    folded = fold(text)
    if len(folded) != len(text):
        return False
    words = _words(folded)
    for sp in spans:
        if text[sp.start:sp.end] != sp.text:
            continue
        lo = folded.rfind(";", 0, sp.start) + 1
        hi = folded.find(";", sp.end)
        hi = len(folded) if hi < 0 else hi
        for t in asked:
            for i in _occurrences(t, words):
                n = len(_WORD.findall(t.replace("_", " ")))
                a, b = words[i][0], words[i + n - 1][1]
                if lo <= a and b <= hi and not (sp.start <= a < sp.end):
                    return True
    return False
