"""The scale run drives the product's own ingest on the bundled corpus plus a library folder and
reports per-run figures and latency; a file that cannot be read is reported, not fatal."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from corpus.pipeline import bundled_paths
from evals import scale

LIBRARY = Path(__file__).resolve().parents[2] / "shared" / "library" / "docs"


@pytest.mark.slow
def test_scale_run_reports_both_ingests_and_latency(tmp_path):
    if not LIBRARY.is_dir():
        pytest.skip("../shared/library is not here")
    lib = tmp_path / "lib"
    lib.mkdir()
    real = sorted(LIBRARY.iterdir())[0]
    shutil.copy(real, lib / real.name)
    (lib / "hong.docx").write_bytes(b"PK\x03\x04 not a zip at all")
    res = scale.run(lib, "fake", n_queries=3, data_dir=tmp_path / "data")

    bundled, library = res["runs"]["bundled"], res["runs"]["library"]
    n_bundled = len(bundled_paths())
    assert len(bundled["added"]) == n_bundled and bundled["failed"] == []
    assert len(library["added"]) == 1 and library["chunks_added"] > 0
    assert len(library["failed"]) == 1 and "hong.docx" in str(library["failed"][0])
    assert res["store_documents"] == n_bundled + 1
    assert res["store_chunks"] == bundled["chunks_added"] + library["chunks_added"]
    assert res["search"]["n"] == 3 and res["search"]["p50_ms"] > 0
    assert bundled["peak_rss_mib"] > 50

    text = scale.render(res, "python -m evals.scale --library X")
    assert "| library | 2 | 1 | 1 |" in text
    assert "hong.docx" in text
