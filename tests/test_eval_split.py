"""evals.split: the fixed-seed calibration/test split of the shipped question sets."""

from __future__ import annotations

import random
from collections import defaultdict

import pytest

from evals.dataset import EVAL_SETS, EvalItem, base_id
from evals.split import HALVES, SEED, assign, hash_fraction, select, sourced_items, split_of


@pytest.fixture(scope="module")
def shipped():
    return sourced_items(EVAL_SETS)


def test_split_is_deterministic_and_order_free(shipped):
    a = assign(shipped)
    shuffled = list(shipped)
    random.Random(7).shuffle(shuffled)
    assert assign(shuffled) == a
    assert {it.id: split_of(it.id) for _, it in shipped} == a
    assert set(a.values()) == set(HALVES)
    # another seed gives another split: the seed matters
    assert assign(shipped, seed=SEED + "-other") != a
    assert hash_fraction("hp-01") == hash_fraction("hp-01") and 0 <= hash_fraction("hp-01") < 1


def test_split_is_stratified_by_set_and_kind(shipped):
    a = assign(shipped)
    kind = {it.id: it.kind for _, it in shipped}
    src = {it.id: s for s, it in shipped}
    strata = defaultdict(lambda: {h: 0 for h in HALVES})
    for _, it in shipped:
        if base_id(it.id) == it.id:  # one vote per group, in the stratum of its base item
            strata[(src[it.id], kind[it.id])][a[it.id]] += 1
    assert len(strata) >= 15
    for key, c in strata.items():
        assert abs(c["calibration"] - c["test"]) <= 1, key
    totals = {h: sum(1 for v in a.values() if v == h) for h in HALVES}
    assert abs(totals["calibration"] - totals["test"]) <= 0.05 * len(a)
    for name in ("dev_staff.jsonl", "dev.jsonl"):  # each set's unanswerable questions split evenly too
        c = strata[(name, "unanswerable")]
        assert abs(c["calibration"] - c["test"]) <= 1


def test_copies_fall_in_the_half_of_their_base(shipped):
    a = assign(shipped)
    copies = [it.id for _, it in shipped if base_id(it.id) != it.id]
    assert len(copies) >= 100  # the generated unaccented copies, typed -unacc variants and -alt re-asks
    assert all(a[i] == a[base_id(i)] for i in copies)
    assert split_of("hp-01-unacc") == split_of("hp-01")


def test_adding_a_question_moves_at_most_one_existing_group():
    def item(i):
        return ("set.jsonl", EvalItem(id=f"q-{i}", question="q", kind="paraphrase", gold=["x"], gold_doc=["d"],
                                      answer_any=[["x"]]))

    base = [item(i) for i in range(40)]
    before = assign(base)
    for extra in range(40, 60):
        after = assign(base + [item(extra)])
        moved = [i for i in before if after[i] != before[i]]
        assert len(moved) <= 1
        counts = {h: sum(1 for v in after.values() if v == h) for h in HALVES}
        assert abs(counts["calibration"] - counts["test"]) <= 1


def test_select_and_unknown_ids(shipped):
    items = [it for _, it in shipped]
    test = select(items, "test")
    cal = select(items, "calibration")
    assert len(test) + len(cal) == len(items) and not {i.id for i in test} & {i.id for i in cal}
    assert select(items, "all") == items
    with pytest.raises(ValueError, match="split must be one of"):
        select(items, "dev")
    # an id outside the shipped sets gets the bare seeded hash of its base id
    assert split_of("custom-1-unacc") == split_of("custom-1") == (
        "calibration" if hash_fraction("custom-1") < 0.5 else "test")
    with pytest.raises(ValueError, match="duplicate ids"):
        assign([shipped[0], shipped[0]])


def test_eval_cli_rejects_an_unknown_split():
    from typer.testing import CliRunner

    from cchc.cli import app

    r = CliRunner().invoke(app, ["eval", "--dataset", "evals/dev_staff.jsonl", "--split", "dev"])
    assert r.exit_code != 0 and "--split must be one of" in r.output
