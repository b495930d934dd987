"""evals/dev_staff2.jsonl: the second staff-worded question set validates, its
gold strings occur in the real corpus text, and it covers every bundled document.

The corpus text is read with the project's own loaders (``evals.dataset.corpus_texts``:
the DOCX decrees through ``corpus.loaders``, the OCR plans followed by their
repaired form), so a gold string that is not in the indexed text fails here.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from evals.dataset import (
    EVAL_SETS,
    corpus_texts,
    kind_counts,
    load_dataset,
    strip_diacritics,
    validity_table_text,
    verify_gold,
)
from evals.split import assign, sourced_items

EVALS = Path(__file__).resolve().parent.parent / "evals"
STAFF2 = EVALS / "dev_staff2.jsonl"


@pytest.fixture(scope="module")
def texts() -> dict[str, str]:
    return corpus_texts()


@pytest.fixture(scope="module")
def staff2():
    return load_dataset(STAFF2)


def test_staff2_is_a_shipped_set(staff2):
    assert STAFF2 in EVAL_SETS
    answerable = [it for it in staff2 if not it.abstain]
    unanswerable = [it for it in staff2 if it.abstain]
    assert len(answerable) >= 50 and len(unanswerable) >= 30
    assert all(it.id.startswith("s2-") for it in answerable)
    assert all(it.id.startswith("su2-") and it.kind == "unanswerable" for it in unanswerable)


def test_staff2_gold_strings_occur_in_the_corpus(staff2, texts):
    assert verify_gold(staff2, texts, validity_table_text()) == []


def test_the_gold_check_is_not_vacuous(staff2, texts):
    """A gold string or an answer that the corpus does not hold is reported for that item."""
    item = next(it for it in staff2 if it.gold_doc == ["nd-118-2025-nd-cp"] and it.kind == "paraphrase")
    bad_gold = replace(item, gold=item.gold + ["không quá năm lần trong một ngày"])
    bad_answer = replace(item, answer_any=[["999 ngày làm việc"]])
    problems = verify_gold([bad_gold, bad_answer], texts)
    assert any(p.startswith(f"{item.id}: gold string") for p in problems)
    assert any(p.startswith(f"{item.id}: no alternative of answer group") for p in problems)


def test_staff2_covers_every_bundled_document(staff2, texts):
    assert {d for it in staff2 for d in it.gold_doc} == set(texts)


def test_staff2_kinds_and_wording(staff2):
    counts = kind_counts(staff2)
    assert set(counts) >= {"paraphrase", "list", "document", "leadin", "glossary", "followup", "cross",
                           "validity", "unanswerable"}
    assert all(it.history for it in staff2 if it.kind == "followup")
    assert all(len(it.gold_doc) >= 2 for it in staff2 if it.kind == "cross")
    answerable = [it for it in staff2 if not it.abstain]
    assert sum(it.question == strip_diacritics(it.question) for it in answerable) >= 20  # typed without accents
    # what applied before: questions answered by the replaced decrees
    assert {"nd-61-2018-nd-cp", "nd-120-2020-nd-cp"} <= {d for it in staff2 for d in it.gold_doc}


def test_staff2_questions_are_new(staff2):
    """No question of the new set repeats one of another shipped set (compared accent- and case-insensitively)."""
    def norm(q: str) -> str:
        return " ".join(strip_diacritics(q).lower().split())

    others = {norm(it.question) for p in EVAL_SETS if p != STAFF2 for it in load_dataset(p)}
    assert not [it.id for it in staff2 if norm(it.question) in others]
    assert len({norm(it.question) for it in staff2}) == len(staff2)


def test_staff2_splits_into_two_halves(staff2):
    halves = assign(sourced_items([STAFF2]))
    n_cal = sum(halves[it.id] == "calibration" for it in staff2)
    assert abs(n_cal - (len(staff2) - n_cal)) <= len(kind_counts(staff2))  # at most one per stratum apart
    unans = [it for it in staff2 if it.abstain]
    assert abs(2 * sum(halves[it.id] == "calibration" for it in unans) - len(unans)) <= 1


def test_staff2_file_is_one_object_per_line():
    lines = [ln for ln in STAFF2.read_text(encoding="utf-8").splitlines() if ln.strip()]
    assert all(isinstance(json.loads(ln), dict) for ln in lines)
