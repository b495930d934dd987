"""Answers from the law in force at an as-of date.

Three small steps the answerer calls (``assistant.answering``), over the
validity knowledge of the index (``corpus.validity.ValidityIndex``, stored
with the documents: ``index.knowledge``):

* :meth:`InForce.answer_question` — a question about the hiệu lực of a named
  văn bản ("Nghị định 61/2018/NĐ-CP còn hiệu lực không?", "nd 118 có hiệu lực
  từ ngày nào", "NĐ 30/2020 thay thế nghị định nào?") is answered from the
  validity facts, citing the provision that states them (or the validity
  table row);
* :meth:`InForce.choose` — when the best passage comes from a văn bản that is
  no longer in force at the as-of date and its successor is indexed, the
  passages are retrieved again from the successor only, and one line of
  history names the old provision ("Trước 01/7/2025: Nghị định
  61/2018/NĐ-CP, Điều 8 [4]"); when the successor is not indexed, the answer
  says so in its text; as of a date before a văn bản took effect, the
  predecessor in force then is the answer and the later change is history;
* :meth:`InForce.finish` — writes those lines into the answer, the validity
  note of every cited văn bản at the as-of date (Vietnamese, naming its legal
  source), and labels số hiệu that only an uploaded document cites ("chưa
  kiểm chứng").

The as-of date is ``Settings.as_of_date()`` (``CCHC_AS_OF``, default today),
or, for a question that names an earlier year ("năm 2024"), the last day of
that year (:func:`question_as_of`): what applied "in 2024" is what applied
at its end, after every change made during the year.
"""

from __future__ import annotations

import datetime as _dt
import logging
import re
from dataclasses import dataclass, field, replace

from assistant.protocols import guarded_view
from assistant.types import Answer, Citation
from corpus.dates import YEAR_OF
from corpus.legal_refs import find_numbers, find_references, fold
from corpus.models import Chunk, DocumentMeta, ParsedDocument
from corpus.validity import (Status, ValidityFact, ValidityIndex, date_as_written, doc_name, effective_statement,
                             row_statement, vn_date)
from index.hybrid import referenced_docs
from index.types import Hit

log = logging.getLogger(__name__)

#: Least word overlap (Jaccard, folded) of two Điều headings read as the same provision in a
#: replaced văn bản and its successor, and the least lead over the successor's next-best Điều.
#: Set by reading the two bundled pairs (NĐ 61/2018 → 118/2025, NĐ 120/2020 → 299/2026, 68 Điều):
#: same-subject Điều score 0.79–1.0 with a lead ≥ 0.13; below these values the pairs are ambiguous
#: ("Đánh giá nội bộ …" 0.59 against 0.53) or different subjects (≤ 0.42).
MATCHING_HEADING = 0.5
MATCHING_LEAD = 0.1

_HEADING_RE = re.compile(r"^\s*(Điều\s+\d+[a-zđ]?)\s*[.:]\s*(\S.*)$", re.M)


def article_headings(text: str) -> dict[str, str]:
    """``{"Điều 8": "Nhiệm vụ, quyền hạn của Bộ phận Một cửa"}``: the heading
    line of every Điều of a legal text (the first when a number repeats, e.g.
    an Điều quoted in an amendment)."""
    out: dict[str, str] = {}
    for m in _HEADING_RE.finditer(text or ""):
        out.setdefault(re.sub(r"\s+", " ", m.group(1)), m.group(2).strip())
    return out


def _jaccard(a: str, b: str) -> float:
    x, y = set(re.findall(r"\w+", fold(a))), set(re.findall(r"\w+", fold(b)))
    return len(x & y) / max(len(x | y), 1)

_YEAR = re.compile(YEAR_OF)
_NOT_A_YEAR_REF = re.compile(r"(?:thang\s+\d{1,2}|nam\s+hoc|giai\s+doan|so)\s*$")

_ASKS_STATUS = re.compile(
    r"\b(?:con|het|dang|van\s+con)\s+(?:co\s+)?hieu\s+luc\b|\bcon\s+(?:duoc\s+)?(?:ap\s+dung|dung\s+duoc|dung|su\s+dung"
    r"|gia\s+tri|hieu\s+luc)\b|\b(?:bi|da\s+bi|da\s+duoc)\s+(?:thay\s+the|bai\s+bo|sua\s+doi|huy\s+bo)\b"
    r"|\bduoc\s+thay\s+the\b|\bco\s+bi\s+(?:sua\s+doi|thay\s+the|bai\s+bo)\b|\bnao\s+thay\s+the\b"
    r"|\bhieu\s+luc\s+(?:den|toi)\s+(?:khi|ngay)\s+nao\b")
#: "hồi / khi NĐ 120 còn hiệu lực thì …": a time clause, the question is on what the văn bản said then (folded)
_WHILE_IN_FORCE = re.compile(r"\b(?:hoi|khi|luc|trong\s+thoi\s+gian|thoi\s+ky|thoi)\s+(?:\S+\s+){0,6}?(?:con|dang|van\s+con)"
                             r"\s+(?:co\s+)?hieu\s+luc(?:\s+thi\s+|\s*,\s*)\w+")
_ASKS_EFFECTIVE = re.compile(
    r"\b(?:co\s+)?hieu\s+luc\s+(?:thi\s+hanh\s+)?(?:tu|ke\s+tu)\s+(?:ngay|khi|luc|bao\s+gio)\s*(?:nao)?\b"
    r"|\bbat\s+dau\s+(?:co\s+)?hieu\s+luc\b|\bkhi\s+nao\s+co\s+hieu\s+luc\b")
#: what a văn bản replaced or ended: "thay (thế) (cho) nghị định nào", "làm hết hiệu lực văn bản nào",
#: "bãi bỏ những thông tư nào" — the acting document's own verbs (its Điều on hiệu lực thi hành:
#: "… thay thế Nghị định số …", "… hết hiệu lực kể từ ngày …", "bãi bỏ …"); short forms nd/tt/qd too
_DOC_KIND = r"(?:nghi\s+dinh|thong\s+tu|quyet\s+dinh|van\s+ban|nd|tt|qd)"
_ASKS_PREDECESSORS = re.compile(
    r"\bthay\s+(?:the\s+)?(?:cho\s+)?(?:nhung\s+|cac\s+)?" + _DOC_KIND + r"\s+(?:nao|gi)\b"
    r"|\b(?:lam|khien)\s+(?:cho\s+)?het\s+hieu\s+luc\s+(?:cua\s+)?(?:nhung\s+|cac\s+)?" + _DOC_KIND
    + r"\s+(?:nao|gi)\b"
    r"|\bbai\s+bo\s+(?:nhung\s+|cac\s+)?" + _DOC_KIND + r"\s+(?:nao|gi)\b")


#: words by which a question asks for the rule before the current one (Vietnamese legal usage: "quy định
#: cũ", "nghị định cũ", "NĐ 61 cũ", "trước đây", "trước kia"): "cũ" counts only accented and after a word
#: naming a văn bản or rule within three words (folded "cu" is also cụ thể, cử, căn cứ; "mức cũ" is not a rule)
_OLD_RULE_ACCENTED = re.compile(r"\b(?:quy định|nghị định|thông tư|quyết định|văn bản|luật|nđ|tt|qđ)\b(?:\s+\S+){0,3}?"
                                r"\s+cũ(?!\w)", re.IGNORECASE)
_OLD_RULE = re.compile(r"\b(?:truoc day|truoc kia|hoi truoc|ngay truoc)\b")


def asks_old_rule(query: str, meta: DocumentMeta | None = None) -> bool:
    """Does ``query`` ask for the rule of ``meta``'s văn bản even when it is no
    longer in force? True when it names that văn bản ("Nghị định 61/2018",
    "nghi dinh 61", ``index.hybrid.referenced_docs``) or asks for the earlier
    rule in words ("theo quy định cũ", "trước đây"). (A question about an
    earlier date is answered at that date instead: :func:`question_as_of`.)"""
    if meta is not None and referenced_docs(query, [meta]):
        return True
    return bool(_OLD_RULE_ACCENTED.search(query or "") or _OLD_RULE.search(fold(query or "")))


@dataclass(frozen=True)
class Standing:
    """Hiệu lực of one retrieved passage's văn bản for one question, at the
    question's as-of date (:meth:`InForce.standing`).

    ``number``: canonical số hiệu of a legal text (None for a plan or a text
    without one); ``current``: in force at the as-of date, not a legal text,
    or asked about by the question (:func:`asks_old_rule`); ``stand_ins``:
    canonical số hiệu of the in-force văn bản that take its place when it is
    not current — its successors (Luật Ban hành văn bản QPPL 2015, Điều 154:
    a văn bản replaced or ended by another) when it has ended, its in-force
    predecessors when it is not yet in force; empty when current."""

    number: str | None = None
    current: bool = True
    stand_ins: frozenset[str] = frozenset()


def question_as_of(question: str, default: _dt.date) -> tuple[_dt.date, str | None]:
    """The date a question is answered at, and a Vietnamese note saying why
    when it is not ``default``.

    A question naming an earlier year ("năm 2024", "Năm 2024 thì …") is
    answered as of 31 December of that year; "năm học 2024–2025", a period
    ("giai đoạn 2021–2025"), a full date ("ngày 23 tháng 4 năm 2018") and a
    year at or after ``default``'s leave ``default``."""
    f = fold(question or "")
    for m in _YEAR.finditer(f):
        if _NOT_A_YEAR_REF.search(f[: m.start()].rstrip()) or re.match(r"nam\s+hoc", f[m.start():]):
            continue
        y = int(m.group(1))
        if y < default.year:
            d = _dt.date(y, 12, 31)
            return d, f"Câu hỏi nói về năm {y}: hiệu lực văn bản được xét tại ngày {vn_date(d.isoformat())}."
        break
    return default, None


@dataclass
class Context:
    """What :meth:`InForce.choose` decided for one question, for :meth:`InForce.finish`.

    ``notice``: sentences put before the answer (the successor is not indexed,
    the văn bản was not yet in force); ``history``: lines put after it;
    ``citations``: the sources those lines cite, numbered after the answer's
    own (``[+1]``, ``[+2]`` … placeholders in the lines)."""

    as_of: _dt.date
    reason: str | None = None
    notice: list[str] = field(default_factory=list)
    history: list[str] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)


class InForce:
    """Validity-aware answering over ``knowledge`` (``validity()``,
    ``citation_graph()`` and ``parsed_documents()``, e.g. ``CCHCService``),
    a ``retriever`` (``search(query, k, doc_ids=…)``) and ``settings``
    (``as_of_date()``, ``abstain_threshold``)."""

    def __init__(self, retriever, knowledge, settings):
        self.retriever = retriever
        self.knowledge = knowledge
        self.settings = settings
        #: ``() -> ValidityIndex | None``: the knowledge's validity index, None (logged) when it cannot be read
        self._validity = guarded_view(knowledge, "validity", log)

    # ---- helpers ----------------------------------------------------------------
    def as_of(self, question: str) -> tuple[_dt.date, str | None]:
        """:func:`question_as_of` with the settings' date as default."""
        return question_as_of(question, self.settings.as_of_date())

    def _docs(self) -> dict[str, ParsedDocument]:
        return {d.meta.doc_id: d for d in self.knowledge.parsed_documents()}

    def fact_source(self, fact: ValidityFact, docs: dict[str, ParsedDocument] | None = None) -> Hit | None:
        """The passage a validity fact was read from, as a hit: the chunk of its
        document containing it, or (a validity table) the table row."""
        docs = docs if docs is not None else self._docs()
        d = docs.get(fact.doc_id)
        if d is None:
            return None
        for c in d.chunks:
            if c.start <= fact.start < c.end:
                return Hit(chunk=c, meta=d.meta, score=1.0, confidence=1.0)
        if not d.chunks:  # a validity table: the row, as a sentence
            chunk = Chunk(chunk_id=f"{d.meta.doc_id}#row{fact.row}", doc_id=d.meta.doc_id, text=fact.sentence,
                          index_text=fact.sentence, section=f"dòng {fact.row}", start=fact.start, end=fact.end)
            return Hit(chunk=chunk, meta=d.meta, score=1.0, confidence=1.0)
        return None

    def _cite(self, cites: list[Citation], hit: Hit | None) -> str:
        """Add ``hit`` to ``cites`` (once per chunk) and return its mark ``[n]``, or ""."""
        if hit is None:
            return ""
        for c in cites:
            if c.doc_id == hit.meta.doc_id and c.section == hit.chunk.section and c.text == hit.chunk.text:
                return f"[{c.n}]"
        c = Citation.from_hit(len(cites) + 1, hit)
        cites.append(c)
        return f"[{c.n}]"

    def _mark_facts(self, cites: list[Citation], facts: list[ValidityFact], docs) -> str:
        marks = []
        for x in facts[:2]:
            m = self._cite(cites, self.fact_source(x, docs))
            if m and m not in marks:
                marks.append(m)
        return "".join(marks)

    def _cited(self, sentence: str | None, cites: list[Citation], facts: list[ValidityFact], docs) -> str:
        """``sentence`` with the marks of the passages stating ``facts`` before its final period."""
        if not sentence:
            return ""
        marks = self._mark_facts(cites, facts, docs)
        if not marks:
            return sentence
        return (sentence[:-1] + f" {marks}.") if sentence.endswith(".") else f"{sentence} {marks}"

    def _ending_text(self, vx: ValidityIndex, st: Status, cites: list[Citation], docs) -> str | None:
        """How ``st``'s văn bản ended, one sentence per source (``vx.same_change(st)``: operative text
        first, then a validity-table row), each citing only the passage it was read from, with the
        date written as that passage writes it ("từ ngày 01 tháng 7 năm 2025" for khoản 1 Điều 40
        Nghị định 118/2025/NĐ-CP). A table row whose ``source`` is a provision already quoted is left
        out (it copies that provision). When the passage does not write the date (the change takes
        effect with its văn bản, "kể từ ngày Nghị định này có hiệu lực thi hành"), the sentence says
        so and a second one quotes that văn bản's entry into force with its own citation. Falls back
        to ``vx.ending_sentence(st)`` uncited when no source passage is found; None when not ended."""
        if st.ended is None:
            return None
        facts = sorted(vx.same_change(st), key=lambda x: x.origin == "table")
        out: list[str] = []
        stated: set[str] = set()
        for x in facts:
            if len(out) >= 2:
                break
            hit = self.fact_source(x, docs)
            if hit is None or (x.origin == "table" and x.source in stated):
                continue
            if x.origin == "table":
                out.append(f"Theo bảng hiệu lực: {row_statement(x)[:-1]} {self._cite(cites, hit)}.")
                continue
            out.extend(self._fact_sentences(vx, x, hit, cites, docs))
            if x.source:
                stated.add(x.source)
        return " ".join(out) if out else vx.ending_sentence(st)

    def _fact_sentences(self, vx: ValidityIndex, x: ValidityFact, hit: Hit, cites: list[Citation], docs) -> list[str]:
        """The ending fact ``x`` (read from the passage of ``hit``) as sentences citing their own passage."""
        mark = self._cite(cites, hit)
        iso = vx.change_date(x)
        written = date_as_written(hit.chunk.text, iso)
        extra = []
        if written:
            when = f" từ {written}"
        elif iso and not x.effective and x.by:  # the change takes effect with its văn bản
            when = f" kể từ ngày {doc_name(x.by)} có hiệu lực thi hành"
            extra.append(self._entry_sentence(vx, x.by, iso, cites, docs))
        else:
            when = f" từ {vn_date(iso)}" if vn_date(iso) else ""
        succ = doc_name(x.by) if x.by else None
        if succ and x.kind == "replaced":
            what = f"đã hết hiệu lực{when}, được thay thế bởi {succ}" if when else f"đã được thay thế bởi {succ}"
        else:
            what = f"đã hết hiệu lực{when}"
        theo = f"Theo {x.source}, " if x.source else ""
        return [f"{theo}{doc_name(x.target)} {what} {mark}".rstrip() + "."] + extra

    def _entry_sentence(self, vx: ValidityIndex, number: str, iso: str, cites: list[Citation], docs) -> str:
        """``"Nghị định 118/2025/NĐ-CP có hiệu lực thi hành từ ngày 01 tháng 7 năm 2025 [n]."``, citing
        the passage of ``number`` stating its entry into force (uncited when none is found)."""
        ids = vx.doc_ids(number)
        d = docs.get(ids[0]) if ids else None
        found = effective_statement(d.text) if d is not None else None
        chunk = next((c for c in d.chunks if c.start <= found[1] < c.end), None) if found else None
        written = (date_as_written(chunk.text, iso) if chunk else None) or vn_date(iso)
        mark = self._cite(cites, Hit(chunk=chunk, meta=d.meta, score=1.0, confidence=1.0)) if chunk else ""
        return f"{doc_name(number)} có hiệu lực thi hành từ {written}" + (f" {mark}" if mark else "") + "."

    # ---- questions about hiệu lực ------------------------------------------------
    def answer_question(self, question: str, query: str) -> Answer | None:
        """Answer a question about the hiệu lực of one named văn bản (status,
        effective date, what it replaced) from the validity knowledge, or None
        when the question is not one."""
        f = fold(query)
        kind = ("effective" if _ASKS_EFFECTIVE.search(f) else "predecessors" if _ASKS_PREDECESSORS.search(f)
                else "status" if _ASKS_STATUS.search(f) else None)
        if kind == "status" and _WHILE_IN_FORCE.search(f) and not _ASKS_STATUS.search(_WHILE_IN_FORCE.sub(" ", f)):
            return None  # "hồi NĐ 120 còn hiệu lực thì … có được … không": a question on its content then
        if kind is None:
            return None
        if not (find_references(query) or find_numbers(query, any_case=True)):
            return None  # the question names no văn bản
        vx = self._validity()
        if vx is None:
            return None
        number = vx.resolve(query)
        if not number:
            return None
        as_of, reason = self.as_of(query)
        st = vx.status(number, as_of)
        docs = self._docs()
        cites: list[Citation] = []
        name = doc_name(number)
        if not st.known:
            return None
        if kind == "effective":
            text = self._effective_text(vx, st, docs, cites)
        elif kind == "predecessors":
            text = self._predecessors_text(vx, number, docs, cites)
        else:
            text = self._status_text(vx, st, docs, cites)
        if text is None:
            return Answer(question=question, abstained=True, mode="validity", answer=(
                f"Không tìm thấy trong tài liệu thông tin về hiệu lực của {name}"
                + ("" if vx.in_corpus(number) else f" (kho tài liệu không có {name})") + "."))
        ans = Answer(question=question, answer=text, citations=cites, mode="validity")
        if reason:
            ans.notes.append(reason)
        return ans

    def _effective_mark(self, vx: ValidityIndex, number: str, docs, cites) -> tuple[str, str]:
        """(mark of the passage stating the document's entry into force, " kể từ ngày ký" or "")."""
        ids = vx.doc_ids(number)
        d = docs.get(ids[0]) if ids else None
        found = effective_statement(d.text) if d is not None else None
        if not found:
            return "", ""
        _iso, s, _e, self_dated = found
        chunk = next((c for c in d.chunks if c.start <= s < c.end), None)
        mark = self._cite(cites, Hit(chunk=chunk, meta=d.meta, score=1.0, confidence=1.0)) if chunk else ""
        return mark, " kể từ ngày ký" if self_dated else ""

    def _effective_text(self, vx: ValidityIndex, st: Status, docs, cites) -> str | None:
        name = doc_name(st.number)
        eff = st.effective
        if not eff:
            return None
        mark, how = self._effective_mark(vx, st.number, docs, cites)
        when = f"kể từ ngày ký ({vn_date(eff)})" if how else f"từ ngày {vn_date(eff)}"
        text = f"{name} có hiệu lực thi hành {when}" + (f" {mark}" if mark else "") + "."
        end = self._ending_text(vx, st, cites, docs)
        if end:
            text += " " + end
        return text

    def _predecessors_text(self, vx: ValidityIndex, number: str, docs, cites) -> str | None:
        preds = vx.predecessors(number)
        if not preds:
            return None
        names = ", ".join(doc_name(x.target) for x in preds)
        srcs = vx.source_text(preds)
        marks = "".join(dict.fromkeys(self._cite(cites, self.fact_source(x, docs)) for x in preds))
        verb = "thay thế" if any(x.kind == "replaced" for x in preds) else "làm hết hiệu lực (thay thế)"
        return f"{doc_name(number)} {verb}: {names}" + (f" (theo {srcs})" if srcs else "") + f" {marks}".rstrip() + "."

    def _status_text(self, vx: ValidityIndex, st: Status, docs, cites) -> str | None:
        name = doc_name(st.number)
        parts = []
        if st.ended is not None:
            parts.append(f"Không còn hiệu lực (tại ngày {vn_date(st.as_of)}).")
            parts.append(self._ending_text(vx, st, cites, docs))
            if st.successor:
                parts.append(f"Văn bản đang áp dụng: {doc_name(st.successor)} (có trong kho tài liệu)."
                             if vx.in_corpus(st.successor) else f"Kho tài liệu chưa có {doc_name(st.successor)}.")
            return " ".join(p.strip() for p in parts)
        if st.not_yet:
            parts.append(f"{name} có hiệu lực từ {vn_date(st.not_yet)}; tại ngày {vn_date(st.as_of)} văn bản chưa "
                         f"có hiệu lực.")
        am = vx.amendment_sentence(st.number, st.amendments)
        if am:
            since = f" (có hiệu lực từ {vn_date(st.effective)})" if st.effective and not st.not_yet else ""
            if not st.not_yet:
                parts.append(f"{name} còn hiệu lực tại ngày {vn_date(st.as_of)}{since}, nhưng đã được sửa đổi, bổ sung.")
            parts.append(self._cited(am, cites, st.amendments, docs))
            absent = sorted({x.by for x in st.amendments if x.by and not vx.in_corpus(x.by)})
            if absent:
                parts.append("Kho tài liệu chưa có " + ", ".join(doc_name(b) for b in absent) + ".")
        later = vx.later_sentence(st)
        if later:
            if not parts:  # in force at the as-of date, replaced or ended afterwards
                mark, _how = self._effective_mark(vx, st.number, docs, cites)
                since = f" (có hiệu lực từ {vn_date(st.effective)}{' ' + mark if mark else ''})" if st.effective else ""
                parts.append(f"{name} đang có hiệu lực tại ngày {vn_date(st.as_of)}{since}.")
            ends = [x for x in st.later if x.kind in ("replaced", "expired")]
            parts.append(self._cited(later, cites, ends, docs))
        if not parts:
            if not vx.in_corpus(st.number):
                return None
            mark, _how = self._effective_mark(vx, st.number, docs, cites)
            since = f" (có hiệu lực từ {vn_date(st.effective)}{' ' + mark if mark else ''})" if st.effective else ""
            parts.append(f"Kho tài liệu không ghi nhận văn bản nào thay thế, bãi bỏ hay sửa đổi {name}{since}; "
                         f"theo các văn bản trong kho, văn bản này đang có hiệu lực tại ngày {vn_date(st.as_of)}.")
        return " ".join(p.strip() for p in parts)

    # ---- passages from the law in force -------------------------------------------
    #: successors followed from a replaced văn bản (a replacement itself replaced later …)
    CHAIN = 4

    def standing(self, query: str, hits: list[Hit]) -> list[Standing]:
        """One :class:`Standing` per hit of ``hits`` for ``query`` at its as-of
        date (:meth:`as_of`), for the reader to quote the law in force first
        (``assistant.extractive.decide``). All current when the validity
        knowledge is unavailable; never raises."""
        try:
            vx = self._validity()
            if vx is None:
                return [Standing() for _ in hits]
            as_of = self.as_of(query)[0]
            old_rule = asks_old_rule(query)
            memo: dict[str, Standing] = {}
            out = []
            for h in hits:
                m = h.meta
                if m.kind != "legal" or not m.number:
                    out.append(Standing())
                    continue
                if m.number not in memo:
                    memo[m.number] = self._standing(vx, m, as_of, old_rule or asks_old_rule(query, m))
                out.append(memo[m.number])
            return out
        except Exception:
            log.exception("in-force standing failed")
            return [Standing() for _ in hits]

    def _standing(self, vx: ValidityIndex, meta: DocumentMeta, as_of, asked: bool) -> Standing:
        st = vx.status(meta.number, as_of)
        if st.in_force or asked:
            return Standing(st.number, True)
        if st.ended is not None:
            ins = vx.replacement_chain(st.number, as_of, limit=self.CHAIN)
        else:  # not yet in force: the predecessors in force at the as-of date
            ins = [x.target for x in vx.predecessors(st.number) if vx.status(x.target, as_of).in_force]
        return Standing(st.number, False, frozenset(ins))

    def choose(self, query: str, hits: list[Hit], k: int) -> tuple[list[Hit], Context]:
        """The hits to answer from at the as-of date, and the :class:`Context`
        for :meth:`finish` (see module docstring). Hits of văn bản in force
        come first; never raises."""
        as_of, reason = self.as_of(query)
        ctx = Context(as_of=as_of, reason=reason)
        try:
            return self._choose(query, hits, k, ctx), ctx
        except Exception:
            log.exception("in-force selection failed")
            return hits, ctx

    def _in_force(self, vx: ValidityIndex, meta: DocumentMeta, as_of) -> bool:
        return not (meta.kind == "legal" and meta.number) or vx.status(meta.number, as_of).in_force

    def _choose(self, query: str, hits: list[Hit], k: int, ctx: Context) -> list[Hit]:
        vx = self._validity()
        if vx is None or not hits:
            return hits
        top = hits[0]
        if top.meta.kind != "legal" or not top.meta.number:
            return self._in_force_first(vx, hits, ctx.as_of)
        st = vx.status(top.meta.number, ctx.as_of)
        named = asks_old_rule(query, top.meta)  # "Nghị định 61/2018", "nghi dinh 61", "quy định cũ": asked about it
        docs = self._docs()
        where = top.chunk.section.split(" > ")
        article = next((p for p in where if p.startswith("Điều")), top.chunk.section)
        if st.ended is not None and named:
            ctx.history.append(self._ending_text(vx, st, ctx.citations, docs))
            return hits
        if st.ended is not None and st.successor:
            succ_ids = [d for d in vx.doc_ids(st.successor)]
            if succ_ids:
                new = self._matching_provision_first(query, k, article, docs.get(top.meta.doc_id),
                                                     [docs[i] for i in succ_ids if i in docs])
                if new and max(h.confidence for h in new) >= self.settings.abstain_threshold:
                    old = self._cite(ctx.citations, top)
                    when = f"Trước {vn_date(st.ended_on)}" if st.ended_on else f"Trước khi {doc_name(st.successor)} " \
                                                                              f"có hiệu lực"
                    ctx.history.append(f"{when}: {doc_name(st.number)}, {article} {old}".rstrip())
                    return new + [h for h in hits if h.meta.doc_id not in set(succ_ids)
                                  and self._in_force(vx, h.meta, ctx.as_of)][: max(0, k - len(new))]
            sentence = self._ending_text(vx, st, ctx.citations, docs)
            if not succ_ids:
                ctx.notice.append(f"{sentence} Kho tài liệu chưa có {doc_name(st.successor)}; nội dung dưới "
                                  f"đây trích từ văn bản cũ, cần đối chiếu với văn bản mới.")
            else:
                ctx.notice.append(f"{sentence} Không tìm thấy quy định tương ứng trong "
                                  f"{doc_name(st.successor)}; nội dung dưới đây trích từ văn bản cũ.")
            return hits
        if st.ended is not None:
            ctx.notice.append(self._ending_text(vx, st, ctx.citations, docs))
            return hits
        if st.not_yet and not named:
            preds = [x for x in vx.predecessors(top.meta.number)
                     if vx.in_corpus(x.target) and vx.status(x.target, ctx.as_of).in_force]
            pred_ids = [d for x in preds for d in vx.doc_ids(x.target)]
            if pred_ids:
                new = self.retriever.search(query, k=k, doc_ids=pred_ids)
                if new and max(h.confidence for h in new) >= self.settings.abstain_threshold:
                    x = preds[0]
                    src = f" (theo {x.source})" if x.source else ""
                    ctx.history.append(self._cited(f"Từ {vn_date(st.not_yet)}: {doc_name(top.meta.number)} thay thế "
                                                   f"{doc_name(x.target)}{src}.", ctx.citations, [x], docs))
                    return new
        if st.not_yet:
            ctx.notice.append(f"{doc_name(top.meta.number)} có hiệu lực từ {vn_date(st.not_yet)}; tại ngày "
                              f"{vn_date(ctx.as_of.isoformat())} văn bản chưa có hiệu lực.")
            return hits
        later = vx.later_sentence(st)
        if later:  # in force at the as-of date, replaced afterwards: the later change is history
            ends = [x for x in st.later if x.kind in ("replaced", "expired")]
            ctx.history.append(self._cited(later, ctx.citations, ends, docs))
        return self._in_force_first(vx, hits, ctx.as_of)

    def _matching_provision_first(self, query: str, k: int, article: str, old: ParsedDocument | None,
                                  successors: list[ParsedDocument]) -> list[Hit]:
        """The successor's passages for ``query``, those of the Điều matching the
        old hit's ``article`` first, in the order of the text (its lead-in
        before its points). Matching: the successor's Điều whose heading
        shares the most words with the old one's (folded, Jaccard ≥
        :data:`MATCHING_HEADING`, ahead of the next by :data:`MATCHING_LEAD`), e.g. "Điều 8. Nhiệm vụ, quyền hạn của Bộ
        phận Một cửa" in NĐ 61/2018/NĐ-CP and in NĐ 118/2025/NĐ-CP. No match:
        the successor's passages as retrieved."""
        ids = [d.meta.doc_id for d in successors]
        head = article_headings(old.text).get(article) if old is not None else None
        match = None
        if head:
            scored = sorted(((_jaccard(head, h), d.meta.doc_id, a) for d in successors
                             for a, h in article_headings(d.text).items()), reverse=True)
            if scored and scored[0][0] >= MATCHING_HEADING and (
                    len(scored) == 1 or scored[0][0] - scored[1][0] >= MATCHING_LEAD):
                match = scored[0][1:]
        if match is None:
            return self.retriever.search(query, k=k, doc_ids=ids)
        pool = self.retriever.search(query, k=max(k, 30), doc_ids=ids)
        doc_id, art = match
        mine = sorted((h for h in pool if h.meta.doc_id == doc_id and art in h.chunk.section.split(" > ")),
                      key=lambda h: h.chunk.start)
        if not mine:
            return pool[:k]
        rest = [h for h in pool if h not in mine]
        return (mine + rest)[:max(k, len(mine))]

    def _in_force_first(self, vx: ValidityIndex, hits: list[Hit], as_of) -> list[Hit]:
        keep = [h for h in hits if self._in_force(vx, h.meta, as_of)]
        return keep + [h for h in hits if h not in keep] if keep else hits

    # ---- the answer ------------------------------------------------------------
    def finish(self, answer: Answer, ctx: Context | None = None) -> None:
        """Write ``ctx``'s lines into ``answer`` (renumbering their citations
        after the answer's own), set every citation's validity note at the
        as-of date and add them as notes, and label unverified số hiệu.
        Never raises."""
        try:
            self._finish(answer, ctx or Context(as_of=self.as_of(answer.question)[0]))
        except Exception:
            log.exception("in-force annotation failed")

    def _finish(self, answer: Answer, ctx: Context) -> None:
        vx = self._validity()
        if not answer.abstained and (ctx.notice or ctx.history):
            offset = len(answer.citations)
            renum = {c.n: c.n + offset for c in ctx.citations}

            def shift(line: str) -> str:
                return re.sub(r"\[(\d+)\]", lambda m: f"[{renum.get(int(m.group(1)), int(m.group(1)))}]", line)

            # copies: ``ctx`` is the prepared reading's (``Reading.in_force``), read again by every replay
            answer.citations.extend(replace(c, n=renum[c.n]) for c in ctx.citations)
            if ctx.notice:
                answer.answer = "\n".join(shift(x) for x in ctx.notice) + "\n" + answer.answer
            if ctx.history:
                answer.answer = answer.answer + "\n" + "\n".join(shift(x) for x in ctx.history)
        if ctx.reason and not answer.abstained and ctx.reason not in answer.notes:
            answer.notes.append(ctx.reason)
        if vx is not None:
            for c in answer.citations:
                if c.number:
                    c.validity_note = vx.note(c.number, ctx.as_of, section=c.section)
            for c in answer.citations:
                if c.validity_note and f"Lưu ý: {c.validity_note}" not in answer.notes:
                    answer.notes.append(f"Lưu ý: {c.validity_note}")
        self._label_unverified(answer)

    def _label_unverified(self, answer: Answer) -> None:
        """Mark each số hiệu of the answer that only one uploaded document
        cites (``corpus.citations.CitedDocument.verified`` False) "(chưa kiểm chứng)"."""
        try:
            graph = self.knowledge.citation_graph()
        except Exception:
            return
        bad = {d.number: d for d in graph.unverified() if d.number}
        if not bad:
            return
        text = answer.answer
        done = set()
        for m in reversed(find_numbers(text)):
            n = m.canonical
            if n in bad and n not in done:
                done.add(n)
                text = text[: m.end] + " (chưa kiểm chứng)" + text[m.end:]
        if done:
            answer.answer = text
            for n in sorted(done):
                by = sorted({e.doc_id for e in graph.cited_by(bad[n].id)})
                answer.notes.append(f"Lưu ý: số hiệu {n} chỉ có trong văn bản tải lên ({', '.join(by)}), không có "
                                    f"trong văn bản nào khác của kho: chưa kiểm chứng.")

