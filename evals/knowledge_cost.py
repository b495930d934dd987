"""What the legal knowledge layer costs, measured on a copy of a store.

Run: ``python -m evals.knowledge_cost --store DATA_DIR/store.sqlite3``

Prints, for the documents in that store (the file is copied to a temporary
folder; the original is never written):

1. extraction (``corpus.knowledge.extract_knowledge``) per document, total and
   slowest, with the store's diacritic model (OCR-damaged documents repair
   their text for citations);
2. filling in every document's knowledge from scratch (what a store indexed
   before knowledge was stored does once, ``index.knowledge.KnowledgeStore.ensure``);
3. the corpus-wide views built from the tables after a store change: citation
   graph, validity index, glossary;
4. the diacritic model of the store (``index.knowledge.StoreDiacritics``): a
   rebuild after a store change, and the model "with one more document" that
   an ingest of OCR-damaged files builds.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

from corpus.diacritics import base_counts, use_model
from corpus.knowledge import extract_knowledge
from index.docstore import DocStore
from index.knowledge import KnowledgeStore, StoreDiacritics


def _t(fn):
    t0 = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t0


def measure(store_path: Path) -> dict:
    """The figures of the module docstring, as a dict of seconds and counts."""
    with tempfile.TemporaryDirectory() as tmp:
        p = Path(tmp) / "store.sqlite3"
        shutil.copy(store_path, p)
        for ext in ("-wal", "-shm"):
            if Path(str(store_path) + ext).exists():
                shutil.copy(str(store_path) + ext, str(p) + ext)
        store = DocStore(p)
        dia = StoreDiacritics(store)
        ks = KnowledgeStore(store, None, dia)
        docs = store.parsed_documents()
        _, base_s = _t(base_counts)
        _, model_s = _t(dia.model)
        per = []
        with use_model(dia.model):
            for d in docs:
                _, s = _t(lambda: extract_knowledge(d))
                per.append((s, d.meta.doc_id))
        with store._lock, store._db:
            store._db.execute("DELETE FROM knowledge")
        _, fill_s = _t(ks.ensure)
        graph, graph_s = _t(ks.citation_graph)
        vx, validity_s = _t(ks.validity)
        gl, glossary_s = _t(ks.glossary)
        store.set_info("generation", str(store.generation() + 1))  # a store change
        _, rebuild_s = _t(dia.model)
        _, with_one_s = _t(lambda: dia.model_with(docs[:1]))
        return {
            "documents": len(docs), "chunks": sum(len(d.chunks) for d in docs),
            "clean_chars": sum(len(t) for m, t, h in store.texts() if h and not m.ocr_damaged),
            "extract_total_s": sum(s for s, _ in per), "extract_max_s": max(per)[0], "extract_max_doc": max(per)[1],
            "fill_all_s": fill_s, "graph_s": graph_s, "validity_s": validity_s, "glossary_s": glossary_s,
            "cited": len(graph.documents), "facts": len(vx.facts), "terms": len(gl),
            "base_counts_s": base_s, "model_first_s": model_s, "model_rebuild_s": rebuild_s,
            "model_with_one_more_s": with_one_s,
        }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--store", type=Path, required=True, help="a store.sqlite3 (copied, never written)")
    r = measure(ap.parse_args(argv).store)
    print(f"store: {r['documents']} documents, {r['chunks']} chunks, {r['clean_chars']:,} characters of clean text")
    print(f"extraction: {r['extract_total_s']:.2f} s for all documents; slowest {r['extract_max_doc']} "
          f"{r['extract_max_s']:.2f} s")
    print(f"filling in the knowledge of every document: {r['fill_all_s']:.2f} s")
    print(f"views after a store change: citation graph {r['graph_s']:.3f} s ({r['cited']} cited văn bản), "
          f"validity {r['validity_s']:.3f} s ({r['facts']} facts), glossary {r['glossary_s']:.3f} s "
          f"({r['terms']} terms)")
    print(f"diacritic model: base counts {r['base_counts_s']:.2f} s once per process; store model first "
          f"{r['model_first_s']:.2f} s, rebuild after a change {r['model_rebuild_s']:.2f} s, "
          f"with one more document {r['model_with_one_more_s']:.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
