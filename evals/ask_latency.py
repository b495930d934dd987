"""Time ``ask`` on the bundled corpus: p50 / p95 / mean over eval questions.

    python -m evals.ask_latency                        # test half of the shipped sets, 2 cores
    python -m evals.ask_latency --n 60 --cores 2 --dataset evals/dev_staff.jsonl

The process is pinned to ``--cores`` CPUs (``os.sched_setaffinity``) and the
embedder to as many threads; one warm-up question is asked first (model
load, caches). Every question's time is the whole ``CCHCService.ask`` call
(routing, retrieval, reading, answer). Prints the load average before and
after, since other work on the machine slows every figure.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Time ask on the bundled corpus.")
    ap.add_argument("--dataset", action="append", help="JSONL eval set (repeatable; default: the shipped sets)")
    ap.add_argument("--split", default="test", help="calibration | test | all (default test)")
    ap.add_argument("--n", type=int, default=80, help="questions timed (default 80)")
    ap.add_argument("--cores", type=int, default=2, help="CPUs the process may use (default 2)")
    args = ap.parse_args(argv)
    if args.cores and hasattr(os, "sched_setaffinity"):
        cpus = sorted(os.sched_getaffinity(0))[: args.cores]
        os.sched_setaffinity(0, cpus)
        os.environ.setdefault("CCHC_EMBEDDING_THREADS", str(len(cpus)))
    from assistant.service import CCHCService
    from evals.dataset import EVAL_SETS
    from evals.harness import load_items
    from evals.split import select

    items = select(load_items(args.dataset or [str(p) for p in EVAL_SETS]), args.split)
    items = [it for it in items if not it.history][: args.n]
    svc = CCHCService()
    svc.ensure_index()
    load0 = os.getloadavg()
    svc.ask("Bộ phận Một cửa có nhiệm vụ gì?")
    ms = []
    for it in items:
        t0 = time.perf_counter()
        svc.ask(it.question)
        ms.append((time.perf_counter() - t0) * 1000)
    load1 = os.getloadavg()
    q = statistics.quantiles(ms, n=20, method="inclusive") if len(ms) > 1 else ms * 19
    print(f"ask over {len(ms)} questions ({args.split} half), {len(os.sched_getaffinity(0))} cores, "
          f"embedder {getattr(svc.embeddings, 'name', '?')}, {svc.index.count_chunks()} chunks")
    print(f"p50 {statistics.median(ms):.0f} ms   p95 {q[18]:.0f} ms   mean {statistics.fmean(ms):.0f} ms   "
          f"max {max(ms):.0f} ms")
    print(f"load average before {load0[0]:.2f}, after {load1[0]:.2f} (other work on the machine slows every figure)")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
