"""A fixed-seed sample of eval questions, for runs too slow to take a whole
half (the local-LLM answer path: about a minute per answer on 2 cores).

Rule (deterministic, no hand-made lists): the items (already restricted to
one half by ``evals.split.select``) are grouped into answerable and
unanswerable (``EvalItem.abstain``); each group gets ``n`` × its share of the
items, rounded by largest remainder so the places add up to ``n`` (the
unanswerable questions keep their natural proportion); within a group items
are ordered by ``evals.split.hash_fraction(id, seed)`` and the first ones
taken. The sample keeps the input order. The same seed and set always give
the same sample; a new seed gives a new one.

Command line (the ids of a sample)::

    python -m evals.sample evals/dev_staff.jsonl --split test -n 30
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from evals.dataset import EvalItem, load_dataset
from evals.split import SPLITS, hash_fraction, select

SAMPLE_SEED = "cchc-llm-sample-2026"


def draw(items: Sequence[EvalItem], n: int, seed: str = SAMPLE_SEED) -> list[EvalItem]:
    """``n`` items of ``items`` by the rule in the module docstring (all of
    them when ``n`` ≥ their number). Raises ``ValueError`` when ``n`` < 1."""
    if n < 1:
        raise ValueError(f"sample size must be at least 1, got {n}")
    items = list(items)
    if n >= len(items):
        return items
    groups = [[it for it in items if not it.abstain], [it for it in items if it.abstain]]
    quotas = [n * len(g) / len(items) for g in groups]
    places = [int(q) for q in quotas]
    for i in sorted(range(len(groups)), key=lambda i: places[i] - quotas[i])[:n - sum(places)]:
        places[i] += 1
    chosen = {it.id for g, k in zip(groups, places) for it in sorted(g, key=lambda it: (hash_fraction(it.id, seed), it.id))[:k]}
    return [it for it in items if it.id in chosen]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m evals.sample", description="Print the ids of a fixed-seed sample.")
    ap.add_argument("dataset", nargs="+")
    ap.add_argument("--split", default="test", choices=SPLITS)
    ap.add_argument("-n", type=int, default=30)
    ap.add_argument("--seed", default=SAMPLE_SEED)
    args = ap.parse_args(argv)
    got = draw(select([it for p in args.dataset for it in load_dataset(p)], args.split), args.n, args.seed)
    print(f"{len(got)} questions ({sum(it.abstain for it in got)} unanswerable), seed {args.seed!r}, "
          f"split {args.split}")
    for it in got:
        print(f"{it.id}\t{it.kind}\t{'unanswerable' if it.abstain else ''}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
