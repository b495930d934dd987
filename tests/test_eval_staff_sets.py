"""evals/dev_staff2.jsonl … dev_staff5.jsonl, the staff-worded question sets
written after the first (dev_staff3, dev_staff4 and dev_staff5 written blind,
from the corpus text alone): each is a shipped set, validates, has gold strings that occur in the
real corpus text, covers every bundled document, repeats no question of another
set, and splits into two balanced halves.

The corpus text is read with the project's own loaders (``evals.dataset.corpus_texts``:
the DOCX decrees through ``corpus.loaders``, the OCR plans followed by their
repaired form), so a gold string that is not in the indexed text fails here.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from pathlib import Path
import pytest

from evals.dataset import (
    EVAL_SETS,
    EVALS_DIR,
    corpus_texts,
    kind_counts,
    load_dataset,
    strip_diacritics,
    validity_table_text,
    verify_gold,
)
from evals.metrics import fold
from evals.split import assign, sourced_items


@dataclass(frozen=True)
class StaffSet:
    path: Path
    prefix: str  # answerable ids: "<prefix>-NNN"; unanswerable: "<prefix[0]>u<prefix[1:]>-NNN"
    min_answerable: int
    min_unanswerable: int
    min_paraphrase: int
    kinds: frozenset
    documents: frozenset  # gold documents the set must reach besides covering every bundled one


SETS = [
    StaffSet(EVALS_DIR / "dev_staff2.jsonl", "s2", 50, 30, 40,
             frozenset({"paraphrase", "list", "document", "leadin", "glossary", "followup", "cross", "validity",
                        "unanswerable"}),
             frozenset({"nd-61-2018-nd-cp", "nd-120-2020-nd-cp"})),
    StaffSet(EVALS_DIR / "dev_staff3.jsonl", "s3", 80, 40, 40,
             frozenset({"paraphrase", "list", "document", "glossary", "validity", "cross", "unanswerable"}),
             frozenset({"nd-30-2020-nd-cp", "nd-30-2020-nd-cp-phu-luc-i", "nd-61-2018-nd-cp", "nd-120-2020-nd-cp"})),
    StaffSet(EVALS_DIR / "dev_staff4.jsonl", "s4", 60, 30, 30,
             frozenset({"paraphrase", "list", "document", "glossary", "validity", "cross", "leadin", "unanswerable"}),
             frozenset({"nd-30-2020-nd-cp", "nd-30-2020-nd-cp-phu-luc-i", "nd-61-2018-nd-cp", "nd-120-2020-nd-cp"})),
    StaffSet(EVALS_DIR / "dev_staff5.jsonl", "s5", 60, 30, 40,
             frozenset({"paraphrase", "ocr", "list", "document", "glossary", "validity", "cross", "unanswerable"}),
             frozenset({"nd-30-2020-nd-cp", "nd-30-2020-nd-cp-phu-luc-i", "nd-61-2018-nd-cp", "nd-120-2020-nd-cp"})),
]


@pytest.fixture(scope="module")
def texts() -> dict[str, str]:
    return corpus_texts()


@pytest.fixture(scope="module", params=SETS, ids=lambda s: s.path.stem)
def staff(request):
    return request.param, load_dataset(request.param.path)


def test_is_a_shipped_set_with_expected_ids(staff):
    spec, items = staff
    assert spec.path in EVAL_SETS
    answerable = [it for it in items if not it.abstain]
    unanswerable = [it for it in items if it.abstain]
    assert len(answerable) >= spec.min_answerable and len(unanswerable) >= spec.min_unanswerable
    unans_prefix = f"{spec.prefix[0]}u{spec.prefix[1:]}"
    assert all(re.fullmatch(rf"{spec.prefix}-\d{{3}}", it.id) for it in answerable)
    assert all(re.fullmatch(rf"{unans_prefix}-\d{{2,3}}", it.id) and it.kind == "unanswerable" for it in unanswerable)
    assert all(not it.gold and not it.gold_doc and not it.answer_any for it in unanswerable)
    assert all(it.kind != "unanswerable" and it.gold and it.gold_doc and it.answer_any for it in answerable)


def test_gold_strings_occur_in_the_corpus(staff, texts):
    assert verify_gold(staff[1], texts, validity_table_text()) == []


def test_the_gold_check_is_not_vacuous(staff, texts):
    """A gold string or an answer that the corpus does not hold is reported for that item."""
    item = next(it for it in staff[1] if it.gold_doc == ["nd-118-2025-nd-cp"] and it.kind == "paraphrase")
    bad_gold = replace(item, gold=item.gold + ["không quá năm lần trong một ngày"])
    bad_answer = replace(item, answer_any=[["999 ngày làm việc"]])
    problems = verify_gold([bad_gold, bad_answer], texts)
    assert any(p.startswith(f"{item.id}: gold string") for p in problems)
    assert any(p.startswith(f"{item.id}: no alternative of answer group") for p in problems)


def test_covers_every_bundled_document(staff, texts):
    spec, items = staff
    covered = {d for it in items for d in it.gold_doc}
    assert covered == set(texts)
    assert spec.documents <= covered


def test_kinds_and_wording(staff):
    spec, items = staff
    counts = kind_counts(items)
    assert set(counts) >= spec.kinds
    assert counts["paraphrase"] >= spec.min_paraphrase
    assert all(it.history for it in items if it.kind == "followup")
    assert all(len(it.gold_doc) >= 2 for it in items if it.kind == "cross")
    assert all(1 <= len(it.gold) <= 2 for it in items if not it.abstain and it.kind != "cross")
    answerable = [it for it in items if not it.abstain]
    assert sum(it.question == strip_diacritics(it.question) for it in answerable) >= 20  # typed without accents


def test_questions_are_new(staff):
    """No question repeats one of another shipped set (compared accent- and case-insensitively), nor an id."""
    spec, items = staff
    others = [it for p in EVAL_SETS if p != spec.path and p.is_file() for it in load_dataset(p)]
    seen = {fold(it.question) for it in others}
    assert not [it.id for it in items if fold(it.question) in seen]
    assert len({fold(it.question) for it in items}) == len(items)
    assert not {it.id for it in others} & {it.id for it in items}


def test_splits_into_two_halves(staff):
    spec, items = staff
    halves = assign(sourced_items([spec.path]))
    assert set(halves) == {it.id for it in items}
    n_cal = sum(halves[it.id] == "calibration" for it in items)
    assert abs(n_cal - (len(items) - n_cal)) <= len(kind_counts(items))  # at most one per stratum apart
    unans = [it for it in items if it.abstain]
    assert abs(2 * sum(halves[it.id] == "calibration" for it in unans) - len(unans)) <= 1
    answerable = [it for it in items if not it.abstain]
    assert 0.4 * len(answerable) <= sum(halves[it.id] == "calibration" for it in answerable) <= 0.6 * len(answerable)


def test_file_is_one_object_per_line(staff):
    spec, items = staff
    lines = [ln for ln in spec.path.read_text(encoding="utf-8").splitlines() if ln.strip()]
    assert all(isinstance(json.loads(ln), dict) for ln in lines)
    assert len(lines) == len(items)
