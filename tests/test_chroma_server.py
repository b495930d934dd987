"""CCHC_CHROMA_URL path: the same code ingests into and queries a Chroma
server (`chroma run`) on a loopback port instead of the embedded store."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import HUONG_SEN, ND61, make_service


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture()
def chroma_server(tmp_path):
    exe = shutil.which("chroma") or str(Path(sys.executable).parent / "chroma")
    if not Path(exe).exists():
        pytest.skip("chroma CLI not installed")
    port = _free_port()
    proc = subprocess.Popen(
        [exe, "run", "--path", str(tmp_path / "server-data"), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(url + "/api/v2/heartbeat", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        else:
            raise RuntimeError("chroma server did not start")
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.mark.slow
def test_ingest_and_query_through_a_chroma_server(tmp_path, chroma_server):
    svc = make_service(tmp_path / "data", chroma_url=chroma_server)
    rep = svc.ingest([HUONG_SEN, ND61])
    assert sorted(rep.added) == ["2024-mn-huong-sen-go-vap-cai-cach-tthc", "nd-61-2018-nd-cp"]
    # Nothing was written to an embedded Chroma store under the data dir.
    assert not (tmp_path / "data" / "chroma").exists()
    n = svc.index.vectors.count()
    assert n == svc.index.count_chunks() > 0
    hits = svc.search("cơ chế một cửa liên thông trong giải quyết thủ tục hành chính", k=5, mode="dense")
    assert hits and all(h.meta.doc_id in {"2024-mn-huong-sen-go-vap-cai-cach-tthc", "nd-61-2018-nd-cp"} for h in hits)
    # A second client (e.g. another office machine) sees the same vectors.
    other = make_service(tmp_path / "data2", chroma_url=chroma_server)
    assert other.index.vectors.count() == n
