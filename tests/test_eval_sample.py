"""The fixed-seed question sample of the LLM evals (evals/sample.py) on the
shipped staff-worded set, and the LLM outcome counts of a report."""

from __future__ import annotations

import pytest

from evals.dataset import EVAL_SETS
from evals.harness import load_items
from evals.sample import SAMPLE_SEED, draw
from evals.split import select, split_of

STAFF = next(p for p in EVAL_SETS if p.name == "dev_staff.jsonl")


def test_sample_of_the_test_half_is_fixed_and_keeps_the_unanswerable_share():
    test = select(load_items(STAFF), "test")
    got = draw(test, 30)
    assert len(got) == 30 and all(split_of(it.id) == "test" for it in got)
    share = sum(it.abstain for it in test) / len(test)
    assert sum(it.abstain for it in got) == round(30 * share)
    assert [it.id for it in draw(test, 30, SAMPLE_SEED)] == [it.id for it in got]
    assert {it.id for it in draw(test, 30, "another seed")} != {it.id for it in got}
    order = [it.id for it in test]
    assert [it.id for it in got] == sorted((it.id for it in got), key=order.index)  # input order kept


def test_sample_edges():
    test = select(load_items(STAFF), "test")
    assert draw(test, len(test) + 5) == test
    with pytest.raises(ValueError):
        draw(test, 0)


def test_llm_outcomes_count_how_each_answer_came_about():
    from assistant.llm_answer import FAILED_NOTE, REJECTED_NOTE
    from evals.eval_cli import llm_outcomes

    rows = [{"mode": "llm", "abstained": False}, {"mode": "llm", "abstained": True},
            {"mode": "extractive", "abstained": False, "notes": [REJECTED_NOTE + "con số không có …: 87"]},
            {"mode": "extractive", "abstained": False, "notes": [FAILED_NOTE + " (APITimeoutError)"]},
            {"mode": "extractive", "abstained": True, "notes": []}]
    assert llm_outcomes({"per_question": {"answer": rows}}) == {
        "llm answer": 1, "llm: không có trong tài liệu": 1, "reply rejected by the check": 1,
        "llm call failed": 1, "no llm call": 1}
    assert llm_outcomes({"per_question": {}}) is None
