"""Retrieval baselines on the same eval set, side by side with the full system.

Systems (all scored with the same relevance rule, see ``evals.metrics``):

* ``naive LangChain + Chroma`` – the tutorial pipeline: the raw bundled files
  (no normalisation, no structure, no OCR repair, no diacritic restoration)
  split by ``langchain_text_splitters.RecursiveCharacterTextSplitter(
  chunk_size=1000, chunk_overlap=200)``, embedded with the service's own
  embedder (``service.embeddings``) into a ``langchain_chroma.Chroma``
  collection in a temporary directory (cosine), dense top-k;
* ``BM25 only`` – ``service.index.search(q, k, mode="bm25")``;
* ``dense only`` – ``service.index.search(q, k, mode="dense")``;
* ``hybrid (full system)`` – ``service.search(q, k)`` (BM25 + dense, fused).

The last three share the service's structure-aware chunks, so the difference
between the first and the last is the whole pipeline; the middle two isolate
the retrievers.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from evals.dataset import CORPUS_DIR, EvalItem
from evals.harness import RETRIEVAL_COLS, _fmt, evaluate_retrieval, hit_pairs, latency_summary, load_items
from evals.metrics import aggregate

SYSTEMS = ("naive LangChain + Chroma", "BM25 only", "dense only", "hybrid (full system)")


def raw_bundled_files(root: Path = CORPUS_DIR) -> list[Path]:
    """The bundled plans and decrees as shipped (``*.txt`` under corpus/documents)."""
    return sorted(p for p in Path(root).rglob("*.txt") if p.is_file())


class NaiveChroma:
    """Tutorial-style RAG index: recursive character chunks of raw files in Chroma.

    ``texts``: ``(doc_id, raw text)`` pairs to index instead of ``files``
    (a benchmark corpus). ``search(q, k)`` returns ``[(doc_id, chunk text)]``. Call ``close()`` (or
    use as a context manager) to remove the temporary directory.
    """

    def __init__(self, embeddings, files: Sequence[Path] | None = None, chunk_size: int = 1000,
                 chunk_overlap: int = 200, texts: Sequence[tuple[str, str]] | None = None):
        import chromadb
        from chromadb.config import Settings as ChromaSettings
        from langchain_chroma import Chroma
        from langchain_text_splitters import RecursiveCharacterTextSplitter

        self.tmp = tempfile.mkdtemp(prefix="cchc-naive-chroma-")
        if texts is None:
            files = list(files) if files is not None else raw_bundled_files()
            texts = [(Path(f).stem, Path(f).read_text(encoding="utf-8", errors="replace")) for f in files]
        splitter = RecursiveCharacterTextSplitter(chunk_size=chunk_size, chunk_overlap=chunk_overlap)
        sources = texts
        texts, metas = [], []
        t0 = time.perf_counter()
        for doc_id, raw in sources:
            for chunk in splitter.split_text(raw):
                texts.append(chunk)
                metas.append({"doc_id": doc_id})
        client = chromadb.PersistentClient(path=self.tmp, settings=ChromaSettings(anonymized_telemetry=False))
        self.store = Chroma(collection_name="naive", embedding_function=embeddings, client=client,
                            collection_metadata={"hnsw:space": "cosine"})
        for i in range(0, len(texts), 64):
            self.store.add_texts(texts[i:i + 64], metadatas=metas[i:i + 64], ids=[str(j) for j in range(i, i + len(texts[i:i + 64]))])
        self.n_chunks = len(texts)
        self.build_s = time.perf_counter() - t0

    def search(self, query: str, k: int = 10) -> list[tuple[str, str]]:
        docs = self.store.similarity_search(query, k=k)
        return [(d.metadata.get("doc_id", ""), d.page_content) for d in docs]

    def close(self) -> None:
        shutil.rmtree(self.tmp, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def run_baselines(dataset_path, service, k: int = 10, systems: Sequence[str] = SYSTEMS) -> dict:
    """Retrieval metrics of each system in ``systems`` on the dataset.

    Returns ``{"k", "n", "systems": {name: {"overall", "by_kind", "latency",
    "per_question"}}, "naive_chunks", "naive_build_s"}``. Raises
    ``ValueError`` for an unknown system name.
    """
    unknown = [s for s in systems if s not in SYSTEMS]
    if unknown:
        raise ValueError(f"unknown baseline(s) {unknown}; choose from {SYSTEMS}")
    items: list[EvalItem] = load_items(dataset_path)
    out: dict = {"k": k, "n": sum(1 for it in items if not it.abstain), "systems": {}}
    for name in systems:
        if name == "naive LangChain + Chroma":
            with NaiveChroma(service.embeddings) as naive:
                rows, lat = evaluate_retrieval(items, naive.search, k=k, service=service)
                out["naive_chunks"], out["naive_build_s"] = naive.n_chunks, naive.build_s
        else:
            mode = {"BM25 only": "bm25", "dense only": "dense", "hybrid (full system)": "hybrid"}[name]
            rows, lat = evaluate_retrieval(
                items, lambda q, kk, m=mode: hit_pairs(service.index.search(q, k=kk, mode=m)), k=k, service=service)
        agg = aggregate(rows)
        out["systems"][name] = {**agg, "latency": latency_summary(lat), "per_question": rows}
    return out


def baselines_markdown(res: dict, by_kind: bool = True) -> str:
    """One side-by-side table (overall), plus Recall@5 per kind for every system."""
    cols = RETRIEVAL_COLS
    lines = [f"Top {res['k']}, {res['n']} answerable questions."
             + (f" Naive index: {res['naive_chunks']} chunks of ≤1000 characters." if "naive_chunks" in res else ""),
             "", "| system | " + " | ".join(h for _, h in cols) + " | p50 ms |", "|---|" + "---:|" * (len(cols) + 1)]
    for name, s in res["systems"].items():
        o = s["overall"]
        lines.append(f"| {name} | " + " | ".join(_fmt(o.get(key)) for key, _ in cols)
                     + f" | {_fmt(s['latency']['p50_ms'])} |")
    if by_kind:
        kinds = sorted({k for s in res["systems"].values() for k in s["by_kind"]})
        lines += ["", "Recall@5 per kind:", "", "| system | " + " | ".join(kinds) + " |",
                  "|---|" + "---:|" * len(kinds)]
        for name, s in res["systems"].items():
            lines.append(f"| {name} | " + " | ".join(_fmt(s["by_kind"].get(k, {}).get("recall@5")) for k in kinds) + " |")
    return "\n".join(lines)
