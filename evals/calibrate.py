"""Calibrate the extractive reader's weights and thresholds on the
calibration half only, and print the search and the chosen values.

    python -m evals.calibrate                      # shipped sets, calibration half, settings' data dir
    python -m evals.calibrate --json out.json      # also write every step and the per-half figures

Each calibration question is prepared exactly as ``CCHCService.ask``
prepares it (``CCHCService.prepare(question, k=settings.top_k, history)``:
the same arguments, the store's diacritic model; routing, follow-up rewriting
with the corpus look-ups, retrieval, the law in force, question analysis,
scored units with their lexical and dense scores); the answer decision
(``CCHCService.finish``) is then replayed under each parameter setting, so
the search costs no retrieval or embedding, and ``finish(prepare(q), params)``
is what ``ask(q)`` answers with those params in the settings. Only
``candidates`` (``reading_candidates``) changes what is retrieved: the
questions are prepared once per number of passages it implies
(``max(top_k, candidates)``, :class:`Prepared`).

Search: coordinate ascent over the grids of :data:`GRID`, starting from the
current settings, for :data:`ROUNDS` rounds or until no parameter moves.
The objective is the mean of the answer accuracy on answerable questions and
the abstention recall, minus ``PENALTY`` × the false-abstention rate above
0.05, plus 0.1 × citation precision. Tie rule (objectives within
:data:`TIE`): for the thresholds of :data:`REFUSING` (retrieval gate, answer,
typed and tied thresholds, span tie), the centre of the widest run of grid
values reaching the best objective is chosen (the lower middle for an even
run), even over the current value: the value with the most room on both
sides, so neither a gate higher than the calibration half needs nor the edge
where off-topic questions start to pass (the lowest value, 0, answered
"thời tiết Hà Nội hôm nay" from NĐ 30/2020) is picked; any other parameter moves only on a strict
improvement, to the earlier (simpler) grid value among equals. The test half
is never read here: its figures come from ``python -m evals.answers_report``
(or ``cchc eval --split test``) with the chosen values in
``assistant/settings.py``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import asdict, replace
from pathlib import Path

from evals.dataset import EVAL_SETS
from evals.harness import evaluate_answers, load_items
from evals.metrics import aggregate
from evals.split import select

#: parameter → grid searched (``assistant.extractive.ReadingParams`` fields)
GRID: dict[str, list[float]] = {
    "chunk_threshold": [0.0, 0.1, 0.2, 0.25, 0.3, 0.34, 0.4],
    "w_dense": [0.0, 0.5, 1.0, 1.5, 2.0, 3.0, 4.0],
    "w_rank": [0.0, 0.04, 0.08, 0.15, 0.25],
    "w_span": [0.0, 0.05, 0.1, 0.2, 0.3],
    "answer_threshold": [round(0.05 * i, 2) for i in range(0, 17)],
    "typed_threshold": [round(0.05 * i, 2) for i in range(0, 17)] + [1.0, 1.5],
    "tied_threshold": [round(0.05 * i, 2) for i in range(0, 17)],
    "tie_threshold": [0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 1.0, 1.01],
    "keep_ratio": [0.5, 0.6, 0.7, 0.8, 0.9, 1.01],
    "candidates": [5, 3, 4, 6, 8, 10],
}
ROUNDS = 3
PENALTY = 2.0
#: objectives closer than this are equal (the calibration is flat between them)
TIE = 1e-9
#: thresholds whose lower value refuses less (gate, reading thresholds, span tie); on a flat objective the
#: centre of the widest run of values reaching the best objective is chosen, even over the current one
REFUSING = ("chunk_threshold", "answer_threshold", "typed_threshold", "tied_threshold", "tie_threshold")

#: ReadingParams field → Settings field (what to write into assistant/settings.py)
SETTING_NAMES = {"chunk_threshold": "abstain_threshold", "w_dense": "reading_w_dense", "w_rank": "reading_w_rank",
                 "w_span": "reading_w_span", "answer_threshold": "answer_threshold",
                 "typed_threshold": "typed_threshold", "tied_threshold": "tied_threshold",
                 "tie_threshold": "span_tie_threshold", "keep_ratio": "reading_keep_ratio",
                 "candidates": "reading_candidates"}


def objective(summary: dict) -> float:
    """The figure the search maximises (see module docstring) from an ``aggregate(...)["overall"]``."""
    acc = summary.get("answer_accuracy") or 0.0
    rec = summary.get("abstain_recall") or 0.0
    fa = summary.get("false_abstention_rate") or 0.0
    cp = summary.get("citation_precision") or 0.0
    return 0.5 * (acc + rec) - PENALTY * max(0.0, fa - 0.05) + 0.1 * cp


class Prepared:
    """The calibration questions prepared as ``CCHCService.ask`` prepares
    them (``CCHCService.prepare(question, k, history)``: the same arguments,
    the store's diacritic model), once per number of passages read:
    ``readings(candidates)`` is ``{item id: Answer | Reading}`` for the
    ``reading_candidates`` setting ``candidates`` (``max(k, candidates)``
    passages retrieved, as ``ask`` would with that setting), prepared on first
    use and kept. ``service``: a ``CCHCService``; ``k``: ``ask``'s ``k``
    (``settings.top_k``)."""

    def __init__(self, service, items, k: int, cache: dict | None = None, log=print):
        self.service, self.items, self.k, self.log = service, items, k, log
        #: passages retrieved (``max(k, candidates)``) → {item id: Answer | Reading}
        self.by_n: dict[int, dict] = dict(cache or {})

    def readings(self, candidates: int) -> dict:
        n = max(self.k, candidates)
        if n not in self.by_n:
            t0 = time.perf_counter()
            self.by_n[n] = prepare_all(self.service, self.items, self.k, candidates)
            self.log(f"prepared {len(self.items)} questions with {n} passages in {time.perf_counter() - t0:.1f} s")
        return self.by_n[n]


def prepare_all(service, items, k: int, candidates: int | None = None) -> dict:
    """``{item id: Answer | Reading}``: ``service.prepare`` of each item with
    the arguments ``CCHCService.ask`` gets (``k``, the item's history);
    ``candidates`` None = the settings' ``reading_candidates``."""
    out = {}
    for it in items:
        hist = [tuple(t) for t in it.history] if it.history else None
        out[it.id] = service.prepare(it.question, k=k, history=hist, candidates=candidates)
    return out


def evaluate(service, items, prepared: Prepared, params) -> dict:
    """``aggregate`` of the answer rows of ``items`` under ``params``
    (``service.finish`` of the readings prepared for ``params.candidates``)."""
    readings = prepared.readings(params.candidates)

    def ask(it):
        return service.finish(readings[it.id], params)

    rows, _ = evaluate_answers(items, ask)
    return aggregate(rows)["overall"]


def _pick(name: str, scores: list[tuple[float, float, dict]], grid: list[float], current: float,
          current_obj: float) -> tuple[float, dict] | None:
    """The value of ``name`` to move to from ``current`` (objective
    ``current_obj``) given ``scores`` ``[(objective, value, summary)]`` over
    ``grid``, or None to stay (see the module docstring's tie rule)."""
    top_obj = max(o for o, _, _ in scores)
    if name in REFUSING and top_obj >= current_obj - TIE:
        # flat: the centre of the widest run of grid values reaching the best objective
        ordered = sorted(scores, key=lambda t: t[1])
        runs: list[list[tuple[float, float, dict]]] = [[]]
        for t in ordered:
            if t[0] >= top_obj - TIE:
                runs[-1].append(t)
            elif runs[-1]:
                runs.append([])
        run = max(runs, key=len)
        obj, v, summ = run[(len(run) - 1) // 2]
        return None if v == current else (v, summ)
    if top_obj > current_obj + TIE:
        obj, v, summ = next(t for t in scores if t[0] >= top_obj - TIE)  # the earlier grid value
        return v, summ
    return None


def search(service, items, prepared: Prepared, start, log=print) -> tuple[object, list[dict]]:
    """Coordinate ascent from ``start`` (``ReadingParams``); returns the best params and the steps tried."""
    best = start
    best_sum = evaluate(service, items, prepared, best)
    best_obj = objective(best_sum)
    steps = [{"round": 0, "params": asdict(best), "objective": best_obj, "summary": best_sum}]
    log(f"start: objective {best_obj:.4f}  {_fmt(best_sum)}")
    for rnd in range(1, ROUNDS + 1):
        changed = False
        for name, grid in GRID.items():
            scores = []
            for v in grid:
                cand = replace(best, **{name: v})
                summ = evaluate(service, items, prepared, cand)
                obj = objective(summ)
                scores.append((obj, v, summ))
                steps.append({"round": rnd, "param": name, "value": v, "objective": obj, "summary": summ})
            line = "  ".join(f"{v:g}:{o:.3f}" for o, v, _ in scores)
            log(f"round {rnd} {name:16} {line}")
            move = _pick(name, scores, grid, getattr(best, name), best_obj)
            if move is not None:
                best, best_sum = replace(best, **{name: move[0]}), move[1]
                best_obj = objective(best_sum)
                changed = True
                log(f"  -> {name} = {move[0]:g}: objective {best_obj:.4f}  {_fmt(best_sum)}")
        if not changed:
            break
    return best, steps


def _fmt(s: dict) -> str:
    def f(k):
        v = s.get(k)
        return "–" if v is None else f"{v:.3f}"

    return (f"acc {f('answer_accuracy')}  abstP {f('abstain_precision')}  abstR {f('abstain_recall')}  "
            f"falseAbst {f('false_abstention_rate')}  citP {f('citation_precision')}  citR {f('citation_recall')}  "
            f"inv# {s.get('invented_numbers_total', 0)}  n {s.get('n')}")


def dump(service, items, prepared: Prepared, params, path: Path) -> None:
    """Write the calibration questions answered wrongly under ``params``, with type and answer."""
    from evals.metrics import answer_correct

    readings = prepared.readings(params.candidates)
    lines = []
    for it in items:
        p = readings[it.id]
        ans = service.finish(p, params)
        ok = (ans.abstained == it.abstain) and (it.abstain or answer_correct(ans.answer, it.answer_any))
        if ok:
            continue
        qa = getattr(p, "qa", None)
        lines.append(f"=== {it.id} [{it.kind}] {it.question}\n  want {it.answer_any} abstain={it.abstain} "
                     f"got abstained={ans.abstained} type={getattr(qa, 'answer_type', '-')} unit={getattr(qa, 'unit', '-')}"
                     f" gold_doc={it.gold_doc}\n  " + ans.answer.replace("\n", "\n  ")[:1500])
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(lines)} wrong calibration questions written to {path}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--dataset", action="append", help="JSONL eval set (repeatable; default: the shipped sets)")
    ap.add_argument("--json", type=Path, help="write the steps and the chosen values here")
    ap.add_argument("--cache", type=Path, help="pickle of prepared questions: read if present (analysis and spans "
                    "recomputed), else written; a development aid for iterating on the decision")
    ap.add_argument("--dump", type=Path, help="write the calibration questions the chosen values still get wrong")
    args = ap.parse_args(argv)
    from assistant.service import CCHCService

    paths = args.dataset or [str(p) for p in EVAL_SETS]
    items = select(load_items(paths), "calibration")
    t0 = time.perf_counter()
    svc = CCHCService()
    svc.ensure_index()
    answerer = svc.answerer
    start = answerer.params()
    print(f"calibration half: {len(items)} questions of {', '.join(Path(p).name for p in paths)}; "
          f"embedder {getattr(svc.embeddings, 'name', '?')}; dense centre {start.dense_center}")
    cache = None
    if args.cache and args.cache.is_file():
        import pickle

        from assistant.answering import Reading
        from corpus.diacritics import use_model

        with use_model(svc.index.diacritics.model):
            cache = {n: {k: answerer.reanalyze(v) if isinstance(v, Reading) else v for k, v in by_id.items()}
                     for n, by_id in pickle.loads(args.cache.read_bytes()).items()}
        print(f"prepared questions read from {args.cache}")
    prepared = Prepared(svc, items, svc.settings.top_k, cache)
    best, steps = search(svc, items, prepared, start)
    final = evaluate(svc, items, prepared, best)
    print(f"prepare and search: {time.perf_counter() - t0:.1f} s")
    if args.cache and cache is None:
        import pickle

        args.cache.write_bytes(pickle.dumps(prepared.by_n))
    print("\nchosen (put into assistant/settings.py):")
    for field, setting in SETTING_NAMES.items():
        print(f"  {setting} = {getattr(best, field):g}")
    print(f"calibration figures: {_fmt(final)}")
    if args.dump:
        dump(svc, items, prepared, best, args.dump)
    if args.json:
        args.json.write_text(json.dumps({"chosen": {SETTING_NAMES[f]: getattr(best, f) for f in SETTING_NAMES},
                                         "calibration": final, "steps": steps}, ensure_ascii=False, indent=1),
                             encoding="utf-8")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
