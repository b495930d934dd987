"""Eval question sets (JSONL): loading, validation, gold verification and the
unaccented copy.

One JSON object per line::

    {"id": "bt-01", "question": "...", "kind": "plain",
     "gold": ["Yoyoschool"], "gold_doc": ["2024-mn-ben-thanh-q1-cchc"],
     "answer_any": [["100%"]], "abstain": false,
     "history": [["earlier question", "earlier answer"], ...]}   # optional

* ``kind`` – one of :data:`KINDS`.
* ``gold`` – short strings that literally occur in the answering document
  (diacritic-insensitive, see :func:`evals.metrics.fold`); a retrieved chunk
  of a ``gold_doc`` document containing any of them is *relevant*.
* ``gold_doc`` – doc_ids (file stems) that answer the question.
* ``answer_any`` – list of groups; an answer is correct when every group has
  at least one alternative in it.
* ``abstain`` – True when the corpus cannot answer (then gold, gold_doc and
  answer_any are empty).

Command line::

    python -m evals.dataset verify evals/dev.jsonl          # gold strings vs corpus text
    python -m evals.dataset unaccented evals/dev.jsonl evals/dev_unaccented.jsonl
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Iterable

from corpus.legal_refs import fold as legal_fold
from evals.metrics import contains, fold, relevance

KINDS = ("plain", "ocr", "decree", "cross", "followup", "glossary", "unanswerable", "unaccented")

CORPUS_DIR = Path(__file__).resolve().parent.parent / "corpus" / "documents"


@dataclass
class EvalItem:
    """One eval question (see module docstring for the field meanings)."""

    id: str
    question: str
    kind: str
    gold: list[str] = field(default_factory=list)
    gold_doc: list[str] = field(default_factory=list)
    answer_any: list[list[str]] = field(default_factory=list)
    abstain: bool = False
    history: list[tuple[str, str]] | None = None

    def to_dict(self) -> dict:
        d = asdict(self)
        if self.history is None:
            d.pop("history")
        else:
            d["history"] = [list(t) for t in self.history]
        return d


def _item_from_dict(d: dict, where: str) -> EvalItem:
    if not isinstance(d, dict):
        raise ValueError(f"{where}: expected a JSON object")
    for key in ("id", "question", "kind"):
        if not isinstance(d.get(key), str) or not d[key].strip():
            raise ValueError(f"{where}: field {key!r} must be a non-empty string")
    if d["kind"] not in KINDS:
        raise ValueError(f"{where}: kind {d['kind']!r} not in {KINDS}")
    gold = d.get("gold", [])
    gold_doc = d.get("gold_doc", [])
    answer_any = d.get("answer_any", [])
    if not (isinstance(gold, list) and all(isinstance(g, str) and g.strip() for g in gold)):
        raise ValueError(f"{where}: 'gold' must be a list of non-empty strings")
    if not (isinstance(gold_doc, list) and all(isinstance(g, str) for g in gold_doc)):
        raise ValueError(f"{where}: 'gold_doc' must be a list of strings")
    if not (isinstance(answer_any, list) and all(isinstance(g, list) and g and all(isinstance(a, str) for a in g)
                                                 for g in answer_any)):
        raise ValueError(f"{where}: 'answer_any' must be a list of non-empty lists of strings")
    abstain = d.get("abstain", False)
    if not isinstance(abstain, bool):
        raise ValueError(f"{where}: 'abstain' must be a boolean")
    if not abstain and (not gold or not gold_doc):
        raise ValueError(f"{where}: an answerable question needs 'gold' and 'gold_doc'")
    history = d.get("history")
    if history is not None:
        if not (isinstance(history, list) and all(isinstance(t, list) and len(t) == 2 for t in history)):
            raise ValueError(f"{where}: 'history' must be a list of [question, answer] pairs")
        history = [(str(q), str(a)) for q, a in history]
    return EvalItem(id=d["id"], question=d["question"], kind=d["kind"], gold=list(gold), gold_doc=list(gold_doc),
                    answer_any=[list(g) for g in answer_any], abstain=abstain, history=history)


def load_dataset(path: str | Path) -> list[EvalItem]:
    """Read a JSONL eval set. Blank lines are skipped.

    Raises ``ValueError`` naming the line for malformed JSON, a missing or
    wrong-typed field, an unknown ``kind`` or a duplicate ``id``;
    ``FileNotFoundError`` if the file is missing.
    """
    items: list[EvalItem] = []
    seen: set[str] = set()
    text = Path(path).read_text(encoding="utf-8")
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        where = f"{path}:{n}"
        try:
            d = json.loads(line)
        except json.JSONDecodeError as e:
            raise ValueError(f"{where}: invalid JSON: {e.msg}") from None
        item = _item_from_dict(d, where)
        if item.id in seen:
            raise ValueError(f"{where}: duplicate id {item.id!r}")
        seen.add(item.id)
        items.append(item)
    return items


def save_dataset(items: Iterable[EvalItem], path: str | Path) -> None:
    """Write items as JSONL (UTF-8, one object per line, non-ASCII kept)."""
    with open(path, "w", encoding="utf-8") as f:
        for it in items:
            f.write(json.dumps(it.to_dict(), ensure_ascii=False) + "\n")


def strip_diacritics(text: str) -> str:
    """Remove Vietnamese diacritics, keeping case: ``"Bến Thành Đ"`` → ``"Ben Thanh D"``
    (``corpus.legal_refs.fold`` with ``keep_case=True``)."""
    return legal_fold(text, keep_case=True)


def make_unaccented(items: Iterable[EvalItem]) -> list[EvalItem]:
    """Unaccented copies of every answerable, non-follow-up question.

    The question loses its diacritics (as users typing without a Vietnamese
    keyboard write it), ``id`` gets the suffix ``-unacc`` and ``kind`` becomes
    ``"unaccented"``; gold, gold_doc and answer_any are kept (matching is
    diacritic-insensitive anyway). Items already of kind ``unaccented`` are skipped.
    """
    out = []
    for it in items:
        if it.abstain or it.kind in ("followup", "unaccented") or it.history:
            continue
        out.append(replace(it, id=f"{it.id}-unacc", question=strip_diacritics(it.question), kind="unaccented",
                           gold=list(it.gold), gold_doc=list(it.gold_doc),
                           answer_any=[list(g) for g in it.answer_any]))
    return out


def corpus_texts(root: str | Path = CORPUS_DIR, repair_ocr: bool = True) -> dict[str, str]:
    """``{doc_id: text}`` of every ``*.txt`` under ``root`` (doc_id = file stem).

    With ``repair_ocr`` (default), an OCR-damaged text (``corpus.ocr.is_ocr_damaged``)
    is followed by its repaired form (``corpus.ocr.repair_text``), so a gold
    string may be written either as the OCR text has it or as repaired — the
    index holds both (``Chunk.text`` and ``Chunk.index_text``).
    """
    out = {p.stem: p.read_text(encoding="utf-8", errors="replace") for p in sorted(Path(root).rglob("*.txt"))}
    if repair_ocr:
        from corpus.ocr import is_ocr_damaged, repair_text  # slow to import; only for repair_ocr

        for k, v in out.items():
            if is_ocr_damaged(v):
                out[k] = v + "\n\n" + repair_text(v)
    return out


def verify_gold(items: Iterable[EvalItem], texts: dict[str, str]) -> list[str]:
    """Check each item's references against the corpus text; returns problems (empty = all good).

    Rules: every ``gold_doc`` must exist in ``texts``; every ``gold`` string
    must occur (diacritic-, case- and whitespace-insensitively) in at least one
    of the item's ``gold_doc`` texts; every ``gold_doc`` must contain at least
    one gold string; abstain items must carry no gold/gold_doc/answer_any.
    """
    problems: list[str] = []
    folded = {k: fold(v) for k, v in texts.items()}
    for it in items:
        if it.abstain:
            if it.gold or it.gold_doc or it.answer_any:
                problems.append(f"{it.id}: abstain item carries gold/gold_doc/answer_any")
            continue
        missing = [d for d in it.gold_doc if d not in folded]
        if missing:
            problems.append(f"{it.id}: unknown gold_doc {missing}")
            continue
        for g in it.gold:
            if not any(contains(folded[d], g, folded=True) for d in it.gold_doc):
                problems.append(f"{it.id}: gold string {g!r} not found in {it.gold_doc}")
        for d in it.gold_doc:
            if not any(contains(folded[d], g, folded=True) for g in it.gold):
                problems.append(f"{it.id}: gold_doc {d} contains none of the gold strings")
        if not it.answer_any:
            problems.append(f"{it.id}: answerable item without answer_any")
    return problems


def unreachable_gold(items: Iterable[EvalItem], chunks_by_doc: dict[str, list[tuple[str, str]]]) -> list[str]:
    """Items whose gold cannot be retrieved from the *indexed chunks* (as opposed
    to the raw file): for each answerable item, every ``gold_doc`` must have a
    chunk whose text contains a gold string.

    ``chunks_by_doc``: ``{doc_id: [(doc_id, chunk text), ...]}`` (e.g. from
    ``CCHCService.parsed_documents()``, text + index_text). Returns problem
    lines (empty = every answer is reachable).
    """
    problems = []
    for it in items:
        if it.abstain:
            continue
        for d in it.gold_doc:
            pairs = chunks_by_doc.get(d)
            if pairs is None:
                problems.append(f"{it.id}: {d} is not indexed")
            elif not any(relevance(pairs, it.gold, [d])):
                problems.append(f"{it.id}: no chunk of {d} contains a gold string")
    return problems


def kind_counts(items: Iterable[EvalItem]) -> dict[str, int]:
    """Number of questions per kind, in :data:`KINDS` order."""
    c = Counter(it.kind for it in items)
    return {k: c[k] for k in KINDS if c[k]}


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if len(argv) >= 2 and argv[0] == "verify":
        rc = 0
        for p in argv[1:]:
            items = load_dataset(p)
            problems = verify_gold(items, corpus_texts())
            print(f"{p}: {len(items)} questions {kind_counts(items)}; {len(problems)} problem(s)")
            for pr in problems:
                print("  " + pr)
            rc |= bool(problems)
        return rc
    if len(argv) == 3 and argv[0] == "unaccented":
        items = make_unaccented(load_dataset(argv[1]))
        save_dataset(items, argv[2])
        print(f"wrote {len(items)} questions to {argv[2]}")
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
