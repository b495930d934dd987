"""evals/dev_staff3.jsonl: the third staff-worded question set (written blind, from the
corpus text alone) validates, its gold strings occur in the real corpus text, it covers
every bundled document, and it splits into two balanced halves.

The corpus text is read with the project's own loaders (``evals.dataset.corpus_texts``:
the DOCX decrees through ``corpus.loaders``, the OCR plans followed by their
repaired form), so a gold string that is not in the indexed text fails here.

Whether the set is listed in ``evals.dataset.EVAL_SETS`` is not checked here.
"""

from __future__ import annotations

import json
import re
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
STAFF3 = EVALS / "dev_staff3.jsonl"


@pytest.fixture(scope="module")
def texts() -> dict[str, str]:
    return corpus_texts()


@pytest.fixture(scope="module")
def staff3():
    return load_dataset(STAFF3)


def test_staff3_loads_with_expected_ids(staff3):
    answerable = [it for it in staff3 if not it.abstain]
    unanswerable = [it for it in staff3 if it.abstain]
    assert len(answerable) >= 80 and len(unanswerable) >= 40
    assert all(re.fullmatch(r"s3-\d{3}", it.id) for it in answerable)
    assert all(re.fullmatch(r"su3-\d{3}", it.id) and it.kind == "unanswerable" for it in unanswerable)
    assert all(not it.gold and not it.gold_doc and not it.answer_any for it in unanswerable)
    assert all(it.kind != "unanswerable" and it.gold and it.gold_doc and it.answer_any for it in answerable)


def test_staff3_gold_strings_occur_in_the_corpus(staff3, texts):
    assert verify_gold(staff3, texts, validity_table_text()) == []


def test_the_gold_check_is_not_vacuous(staff3, texts):
    """A gold string or an answer that the corpus does not hold is reported for that item."""
    item = next(it for it in staff3 if it.gold_doc == ["nd-118-2025-nd-cp"] and it.kind == "paraphrase")
    bad_gold = replace(item, gold=item.gold + ["không quá năm lần trong một ngày"])
    bad_answer = replace(item, answer_any=[["999 ngày làm việc"]])
    problems = verify_gold([bad_gold, bad_answer], texts)
    assert any(p.startswith(f"{item.id}: gold string") for p in problems)
    assert any(p.startswith(f"{item.id}: no alternative of answer group") for p in problems)


def test_staff3_covers_every_bundled_document(staff3, texts):
    covered = {d for it in staff3 for d in it.gold_doc}
    assert covered == set(texts)
    # both NĐ 30/2020 files (the DOCX decree and its Phụ lục I) and the replaced decrees
    assert {"nd-30-2020-nd-cp", "nd-30-2020-nd-cp-phu-luc-i", "nd-61-2018-nd-cp", "nd-120-2020-nd-cp"} <= covered


def test_staff3_kinds_and_wording(staff3):
    counts = kind_counts(staff3)
    assert set(counts) >= {"paraphrase", "list", "document", "glossary", "validity", "cross", "unanswerable"}
    assert counts["paraphrase"] >= 40
    assert all(len(it.gold_doc) >= 2 for it in staff3 if it.kind == "cross")
    assert all(1 <= len(it.gold) <= 2 for it in staff3 if not it.abstain and it.kind != "cross")
    answerable = [it for it in staff3 if not it.abstain]
    assert sum(it.question == strip_diacritics(it.question) for it in answerable) >= 20  # typed without accents


def test_staff3_questions_are_new(staff3):
    """No question repeats one of another shipped set (compared accent- and case-insensitively)."""
    def norm(q: str) -> str:
        return " ".join(strip_diacritics(q).lower().split())

    others = {norm(it.question) for p in EVAL_SETS if p != STAFF3 and p.is_file() for it in load_dataset(p)}
    assert not [it.id for it in staff3 if norm(it.question) in others]
    assert len({norm(it.question) for it in staff3}) == len(staff3)
    ids = {it.id for p in EVAL_SETS if p != STAFF3 and p.is_file() for it in load_dataset(p)}
    assert not ids & {it.id for it in staff3}


def test_staff3_splits_into_two_halves(staff3):
    halves = assign(sourced_items([STAFF3]))
    assert set(halves) == {it.id for it in staff3}
    n_cal = sum(halves[it.id] == "calibration" for it in staff3)
    assert abs(n_cal - (len(staff3) - n_cal)) <= len(kind_counts(staff3))  # at most one per stratum apart
    answerable = [it for it in staff3 if not it.abstain]
    unans = [it for it in staff3 if it.abstain]
    assert abs(2 * sum(halves[it.id] == "calibration" for it in unans) - len(unans)) <= 1
    n_cal_ans = sum(halves[it.id] == "calibration" for it in answerable)
    assert 0.4 * len(answerable) <= n_cal_ans <= 0.6 * len(answerable)


def test_staff3_file_is_one_object_per_line():
    lines = [ln for ln in STAFF3.read_text(encoding="utf-8").splitlines() if ln.strip()]
    assert all(isinstance(json.loads(ln), dict) for ln in lines)
    assert len(lines) == len(load_dataset(STAFF3))
