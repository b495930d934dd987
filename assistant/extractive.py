"""Grounded extractive answers: the best matching sentences/clauses of the
retrieved passages, each marked ``[n]``, with no generated text beyond a
short lead-in naming the document and section."""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.types import Citation
from corpus.injection import overlaps_instruction
from index.lexical_tokens import folded_words, query_terms, term_coverage
from index.types import Hit

_SENT_SPLIT = re.compile(r"(?<=[.;!?])\s+(?=[A-ZĐÂĂÊÔƠƯÁÀẢÃẠÉÈẺẼẸÍÌỈĨỊÓÒỎÕỌÚÙỦŨỤÝỲỶỸỴ0-9\-+•“\"(])")
_DATE_WORDS = re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})", re.IGNORECASE)
_LABEL_ONLY = re.compile(r"^(?:(?:Điều|Chương|Mục)\s+[0-9IVXLC]+|[0-9]+(?:\.[0-9]+)*|[IVXLC]+|[a-zđ])[.)]$")
_PROVENANCE = re.compile(r"^\[pháp điển:.*\]$")



@dataclass
class Sentence:
    text: str
    hit_index: int
    score: float
    coverage: float = 0.0


def split_sentences(text: str) -> list[str]:
    """Paragraph lines, then sentences/clauses inside each; 20..600 chars each."""
    out: list[str] = []
    for para in re.split(r"\n+", text):
        para = re.sub(r"\s+", " ", para).strip()
        if not para or _PROVENANCE.match(para):
            continue
        pieces: list[str] = []
        for s in _SENT_SPLIT.split(para):
            s = s.strip()
            if pieces and _LABEL_ONLY.match(pieces[-1]):
                pieces[-1] = f"{pieces[-1]} {s}"  # "Điều 40." + "Hiệu lực thi hành"
            elif s:
                pieces.append(s)
        for s in pieces:
            if len(s) < 12:
                continue
            out.append(s if len(s) <= 600 else s[:597].rsplit(" ", 1)[0] + "…")
    return out


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
