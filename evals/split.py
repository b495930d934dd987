"""Fixed-seed split of the eval questions into a calibration half and a test half.

Thresholds and weights are tuned on the calibration half only; reports show
both halves with the test half as the headline (``cchc eval --split``).

Rule (deterministic, no hand-made lists):

1. Every item belongs to a *group*: its base item and every derived copy of it
   (``evals.dataset.base_id``: ``hp-01``, ``hp-01-unacc``, ``v-10-alt`` …).
   A group is assigned as a whole, so a question and its accent-stripped or
   re-asked copy never sit in different halves.
2. Groups are stratified by (the set file of the base item, the base item's
   ``kind``), e.g. (``dev_staff.jsonl``, ``list``).
3. Within a stratum, groups are ordered by a seeded hash of the base id,
   ``sha256(f"{SEED}:{base_id}")``; the first half of that order is
   *calibration*, the second half *test*. A stratum of odd size gives its
   middle group to test, calibration, test, … in turn (strata taken in sorted
   order), so the two halves differ by at most one question per stratum and
   the totals stay balanced.

Because halves are contiguous runs of one hash order, adding a question to a
stratum moves at most one existing group across the boundary (it never
reshuffles a half). Items of a set not listed in ``evals.dataset.EVAL_SETS``
(a custom file) fall back to the bare hash: calibration when the hash, read as
a fraction of 2**64, is below 0.5.

The seed is :data:`SEED`. Do not change it once figures have been reported
on the test half: a new seed puts previously tuned-on questions in the test
half.

Command line (counts per set, kind and half)::

    python -m evals.split
"""

from __future__ import annotations

import hashlib
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path

from evals.dataset import EVAL_SETS, EvalItem, base_id, load_dataset

SEED = "cchc-eval-split-2026"
HALVES = ("calibration", "test")
SPLITS = HALVES + ("all",)


def hash_fraction(key: str, seed: str = SEED) -> float:
    """``sha256(f"{seed}:{key}")`` read as a fraction in [0, 1) (first 8 bytes, big-endian)."""
    digest = hashlib.sha256(f"{seed}:{key}".encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def assign(sourced: Iterable[tuple[str, EvalItem]], seed: str = SEED) -> dict[str, str]:
    """``{item id: "calibration" | "test"}`` for ``(set name, item)`` pairs, by the rule in the module docstring.

    A derived copy whose base is not among the pairs forms a group of its own
    (stratified by its own set and kind). The result does not depend on the
    order of the pairs. Raises ``ValueError`` if an id occurs twice.
    """
    pairs = list(sourced)
    ids = [it.id for _, it in pairs]
    if len(ids) != len(set(ids)):
        dup = sorted(i for i, n in Counter(ids).items() if n > 1)
        raise ValueError(f"duplicate ids across sets: {dup[:5]}")
    by_id = {it.id: (src, it) for src, it in pairs}
    groups: dict[str, list[str]] = defaultdict(list)
    for it_id in ids:
        b = base_id(it_id)
        groups[b if b in by_id else it_id].append(it_id)
    strata: dict[tuple[str, str], list[str]] = defaultdict(list)
    for head in groups:
        src, it = by_id[head]
        strata[(src, it.kind)].append(head)
    out: dict[str, str] = {}
    odd_to_test = True
    for key in sorted(strata):
        heads = sorted(strata[key], key=lambda h: (hash_fraction(h, seed), h))
        n_cal = len(heads) // 2
        if len(heads) % 2:
            n_cal += 0 if odd_to_test else 1
            odd_to_test = not odd_to_test
        for rank, head in enumerate(heads):
            half = "calibration" if rank < n_cal else "test"
            for it_id in groups[head]:
                out[it_id] = half
    return out


def sourced_items(paths: Sequence[str | Path]) -> list[tuple[str, EvalItem]]:
    """``(file name, item)`` for every item of the JSONL files ``paths``."""
    return [(Path(p).name, it) for p in paths for it in load_dataset(p)]


@lru_cache(maxsize=1)
def _shipped_assignment() -> dict[str, str]:
    return assign(sourced_items([p for p in EVAL_SETS if p.is_file()]))


def split_of(item_id: str) -> str:
    """``"calibration"`` or ``"test"`` for an eval item id.

    Ids of the shipped sets (``evals.dataset.EVAL_SETS``) get their stratified
    half; a derived copy of a shipped item gets its base's half; any other id
    gets the bare seeded hash of its base id (< 0.5 → calibration).
    """
    table = _shipped_assignment()
    if item_id in table:
        return table[item_id]
    b = base_id(item_id)
    if b in table:
        return table[b]
    return "calibration" if hash_fraction(b) < 0.5 else "test"


def select(items: Iterable[EvalItem], split: str) -> list[EvalItem]:
    """The items of one half (``"calibration"`` / ``"test"``) or all of them (``"all"``).

    Raises ``ValueError`` for another value.
    """
    if split not in SPLITS:
        raise ValueError(f"split must be one of {SPLITS}, got {split!r}")
    items = list(items)
    return items if split == "all" else [it for it in items if split_of(it.id) == split]


def split_counts(sourced: Iterable[tuple[str, EvalItem]]) -> dict[tuple[str, str], dict[str, int]]:
    """``{(set name, kind): {"calibration": n, "test": n}}`` under :func:`split_of`."""
    out: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: {h: 0 for h in HALVES})
    for src, it in sourced:
        out[(src, it.kind)][split_of(it.id)] += 1
    return dict(out)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    paths = argv or [str(p) for p in EVAL_SETS]
    sourced = sourced_items(paths)
    counts = split_counts(sourced)
    print(f"seed {SEED!r}; rule: evals/split.py docstring")
    print(f"{'set':24} {'kind':14} {'calibration':>11} {'test':>5}")
    totals: dict[str, Counter] = defaultdict(Counter)
    for (src, kind), c in sorted(counts.items()):
        print(f"{src:24} {kind:14} {c['calibration']:>11} {c['test']:>5}")
        totals[src].update(c)
    for src, c in totals.items():
        print(f"{src:24} {'(all)':14} {c['calibration']:>11} {c['test']:>5}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
