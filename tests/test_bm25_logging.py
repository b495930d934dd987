"""The BM25 rebuild stays quiet: bm25s sets its own logger to DEBUG at import, so a handler on
the root logger used to print "Building index from tokens" on the first query after an ingest."""

from __future__ import annotations

import io
import logging

from tests.conftest import BEN_THANH, make_service


def test_bm25_rebuild_prints_nothing_through_a_root_handler(tmp_path):
    svc = make_service(tmp_path)
    assert not svc.ingest([BEN_THANH]).failed
    buf = io.StringIO()
    handler = logging.StreamHandler(buf)  # level NOTSET, like the one some libraries install
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        hits = svc.search("Yoyoschool học phí", k=3, mode="bm25")
    finally:
        root.removeHandler(handler)
    assert hits and "Yoyoschool" in hits[0].chunk.text
    assert "Building index" not in buf.getvalue()
    assert logging.getLogger("bm25s").getEffectiveLevel() >= logging.WARNING
