"""Scale run: the bundled corpus plus a library of real documents, ingested with the real embedder
through the product's own ``cchc ingest``, then search/ask latency on the resulting index.

Usage::

    python -m evals.scale --library ../shared/library/docs [--embedder onnx] [--queries 100]
                          [--data-dir DIR] [--report evals/REPORT-bench.md]

Two ingest runs in fresh child processes, one after the other, on one empty data folder:

1. the bundled corpus (its passages are in the shipped vector pack, so little or nothing is embedded);
2. every file of ``--library`` (nothing of it is in the pack: this is the real-embedder figure).

For each run: documents added / failed (with the one-line reasons), chunks, chunks embedded, wall
seconds, documents per minute, chunks per second, and the child's peak RSS (``ru_maxrss`` of the
finished child, MiB). Then, in this process, the index is opened as the CLI opens it and
``search`` / ``ask`` are timed on the staff questions (p50/p95, ms; the first call of each kind is a
warm-up and is not counted).

The library is read where it lies (never copied into the project). Exit status 0 when both runs end
and no file failed, 1 otherwise; the figures are printed either way.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

from evals.bench import cpu_info, query_latency
from evals.report_file import write_section

ROOT = Path(__file__).resolve().parent.parent


def _ingest(paths: list[Path], data_dir: Path, embedder: str) -> dict:
    """Run ``cchc ingest --json PATHS`` in a child process on ``data_dir``; returns its JSON report
    plus ``wall_s`` and ``peak_rss_mib`` (the child's own peak). Raises RuntimeError when the child
    prints no report."""
    env = {**os.environ, "CCHC_DATA_DIR": str(data_dir), "CCHC_EMBEDDING_BACKEND": embedder}
    # output to files, not pipes: the child is reaped with wait4 (for its own rusage) before anything
    # reads its output, and a pipe it filled (a long ingest's log) would block it forever
    with tempfile.TemporaryFile("w+", encoding="utf-8") as fo, tempfile.TemporaryFile("w+", encoding="utf-8") as fe:
        t0 = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "cchc", "ingest", "--json", *map(str, paths)],
                                cwd=ROOT, env=env, stdout=fo, stderr=fe, text=True)
        _, rusage = os.wait4(proc.pid, 0)[1:]
        proc.returncode = 0  # reaped above; keeps Popen from waiting on the pid again
        wall = time.perf_counter() - t0
        fo.seek(0)
        fe.seek(0)
        out, err = fo.read(), fe.read()
    lines = [ln for ln in out.strip().splitlines() if ln.startswith("{")]
    if not lines:
        raise RuntimeError(f"cchc ingest printed no report: {(err.strip().splitlines() or ['no output'])[-1]}")
    rep = json.loads(lines[-1])
    rep["wall_s"] = wall
    rep["peak_rss_mib"] = rusage.ru_maxrss / 1024  # KiB on Linux
    return rep


def _files(folder: Path) -> list[Path]:
    from corpus.pipeline import SUPPORTED_SUFFIXES

    return sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES)


def _latency(data_dir: Path, embedder: str, n: int) -> dict:
    """search/ask p50/p95 (ms) over ``n`` staff questions on the index in ``data_dir``."""
    from assistant.service import CCHCService
    from assistant.settings import Settings
    from evals.dataset import load_dataset

    settings = Settings(data_dir=data_dir, embedding_backend=embedder)
    svc = CCHCService(settings=settings)
    qs = [it.question for it in load_dataset(Path(__file__).resolve().parent / "dev_staff.jsonl") if not it.history]
    qs = (qs * (n // max(len(qs), 1) + 1))[:n]
    svc.search(qs[0], k=5)
    svc.ask(qs[0], k=5)
    return {**query_latency(svc, qs), "store_chunks": svc.index.count_chunks(), "store_documents": len(svc.documents())}


def run(library: Path, embedder: str, n_queries: int, data_dir: Path | None = None) -> dict:
    """The whole scale run; returns a JSON-serialisable dict (see the module docstring)."""
    from corpus.pipeline import bundled_paths

    lib_files = _files(library)
    if not lib_files:
        raise SystemExit(f"Lỗi: không có văn bản nào trong {library} / error: no documents in {library}")
    own = data_dir is None
    data = Path(tempfile.mkdtemp(prefix="cchc-scale-")) if own else data_dir
    try:
        runs = {}
        bundled = bundled_paths()
        for name, paths, n_files in (("bundled", bundled, len(bundled)), ("library", [library], len(lib_files))):
            print(f"[scale] ingest {name}: {n_files} files …", file=sys.stderr, flush=True)
            rep = _ingest(paths, data, embedder)
            rep["files"] = n_files
            runs[name] = rep
        print("[scale] latency …", file=sys.stderr, flush=True)
        lat = _latency(data, embedder, n_queries)
        return {"embedder": embedder, "library": str(library), "runs": runs, **lat}
    finally:
        if own:
            shutil.rmtree(data, ignore_errors=True)


def render(res: dict, command: str) -> str:
    cpu = cpu_info()
    lines = [f"## `{command}`", "",
             f"_Generated by the command above; regenerate instead of editing. Date (UTC): "
             f"{datetime.now(timezone.utc).strftime('%Y-%m-%d %H:%M')}. CPU: {cpu.get('model', '?')}, "
             f"{cpu.get('cores', '?')} core(s). Embedder: {res['embedder']}. Each ingest is a fresh "
             f"`cchc ingest --json` process; RSS is that process's peak._", "",
             "| run | files | documents added | failed | chunks | chunks embedded | wall s | documents/min | "
             "chunks/s | peak RSS MiB |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for name, r in res["runs"].items():
        added, wall = len(r.get("added", [])), r["wall_s"]
        lines.append(f"| {name} | {r['files']} | {added} | {len(r.get('failed', []))} | {r.get('chunks_added', 0)} | "
                     f"{r.get('embedded', 0)} | {wall:.1f} | {added / wall * 60:.1f} | "
                     f"{r.get('chunks_added', 0) / wall:.1f} | {r['peak_rss_mib']:.0f} |")
    s, a = res["search"], res["ask"]
    lines += ["", f"After ingest: {res['store_documents']} documents, {res['store_chunks']} chunks in the index. "
              f"`search` p50 {s['p50_ms']:.1f} ms / p95 {s['p95_ms']:.1f} ms, `ask` p50 {a['p50_ms']:.1f} ms / "
              f"p95 {a['p95_ms']:.1f} ms ({s['n']} staff questions each, after one warm-up call)."]
    failed = [f for r in res["runs"].values() for f in r.get("failed", [])]
    if failed:
        lines += ["", "Files that failed (one line each):"]
        lines += [f"- {json.dumps(f, ensure_ascii=False)}" for f in failed]
    else:
        lines += ["", "No file failed."]
    lines += ["", "Interrupted ingests (Ctrl-C, kill at each phase) resume without re-embedding what was done: "
              "`tests/test_crash_safety.py`."]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Scale run: bundled corpus + a document library, real embedder")
    ap.add_argument("--library", type=Path, required=True, help="folder of documents (read in place)")
    ap.add_argument("--embedder", default=None, help="embedding backend (CCHC_EMBEDDING_BACKEND); default: the settings default")
    ap.add_argument("--queries", type=int, default=100, help="staff questions timed for search and for ask")
    ap.add_argument("--data-dir", type=Path, help="keep the index here (must be empty); default a temporary folder")
    ap.add_argument("--report", type=Path, help="write the result as a section of this Markdown file")
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args(argv)
    if not a.library.is_dir():
        ap.error(f"--library {a.library}: not a folder")
    if a.data_dir is not None and a.data_dir.exists() and any(a.data_dir.iterdir()):
        ap.error(f"--data-dir {a.data_dir}: not empty")
    if a.embedder is None:
        from assistant.settings import Settings

        a.embedder = Settings().embedding_backend
    res = run(a.library, a.embedder, a.queries, a.data_dir)
    cmd = "python -m evals.scale " + " ".join(argv if argv is not None else sys.argv[1:])
    print(json.dumps(res, ensure_ascii=False, indent=1) if a.json else render(res, cmd))
    if a.report:
        write_section(a.report, "scale " + a.embedder, render(res, cmd))
        print(f"[scale] report section written to {a.report}", file=sys.stderr)
    failed = sum(len(r.get("failed", [])) for r in res["runs"].values())
    return 0 if failed == 0 else 1


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
