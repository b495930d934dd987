"""Uploads as background jobs (bot.jobs, bot.documents): 202 + job id,
progress while a real decree is embedded, the result, failures that leave the
index as it was, and what a restart does to queued and running jobs."""

from __future__ import annotations

import threading
import time

import pytest
from fastapi.testclient import TestClient

from assistant.service import CCHCService
from assistant.settings import Settings
from bot.api import create_app
from bot.jobs import IngestJobs, JobStore
from tests.conftest import HUONG_SEN, ND61
from tests.fakes.embeddings import SlowEmbeddings


@pytest.fixture()
def slow_service(tmp_path):
    """Hương Sen indexed; embedding takes 0.1 s per batch of 16 (NĐ 61/2018: 7 batches)."""
    svc = CCHCService(settings=Settings(data_dir=tmp_path / "d", embedding_backend="fake"),
                      embeddings=SlowEmbeddings(0.1))
    assert not svc.ingest([HUONG_SEN]).failed
    return svc


def test_upload_returns_202_and_the_job_reports_progress_then_the_result(slow_service):
    with TestClient(create_app(slow_service)) as c:
        r = c.post("/v1/documents", files={"file": (ND61.name, ND61.read_bytes())})
        assert r.status_code == 202, r.text
        job = r.json()
        assert job["status"] in ("queued", "running") and job["filename"] == ND61.name and job["result"] is None
        url = r.headers["location"]
        seen = []
        while job["status"] in ("queued", "running"):
            job = c.get(url).json()
            seen.append((job["status"], job["chunks_done"], job["chunks_total"], job["progress"]))
            # readers are served while the job runs
            assert c.post("/v1/search", json={"query": "Trường Mầm non Hương Sen", "k": 1}).status_code == 200
            time.sleep(0.05)
        assert job["status"] == "done" and job["error"] is None and job["progress"] == 1.0
        running = [s for s in seen if s[0] == "running" and 0 < s[1] < s[2]]
        assert running, seen  # progress was visible part-way
        assert all(0 < p < 1 for _, d, t, p in running)
        res = job["result"]
        assert res["added"] == [ND61.stem] and res["chunks_added"] == 103 and res["documents"] == 2
        assert job["started"] and job["finished"] and job["created"] <= job["started"] <= job["finished"]
        hits = c.post("/v1/search", json={"query": "Bộ phận Một cửa có nhiệm vụ gì", "k": 3}).json()["hits"]
        assert hits[0]["doc_id"] == ND61.stem
        assert c.get("/v1/jobs/does-not-exist").status_code == 404


def test_a_failed_ingest_ends_the_job_failed_and_changes_nothing(slow_service, tmp_path):
    """A file that passes the upload checks but has nothing to index after
    parsing (only provenance lines) fails in the job, with the reason."""
    with TestClient(create_app(slow_service)) as c:
        before = c.get("/v1/documents").json()
        data = "SOURCE: https://example.gov.vn/van-ban/1\n\nNOTE: bản sao\n".encode()
        r = c.post("/v1/documents", files={"file": ("chi-nguon.txt", data)})
        assert r.status_code == 202
        job = c.app.state.jobs.wait(r.json()["job_id"])
        assert job["status"] == "failed" and job["result"] is None
        assert job["error"].startswith("Không nạp được tệp chi-nguon.txt") and " / could not ingest" in job["error"]
        assert str(tmp_path) not in job["error"]  # no server paths in messages
        assert c.get("/v1/documents").json() == before
        assert not (slow_service.settings.data_dir / "uploads" / "chi-nguon.txt").exists()
        assert not list((slow_service.settings.data_dir / "jobs").iterdir())  # staged files are removed


def test_restart_requeues_unfinished_jobs_from_their_stored_file(slow_service):
    """Jobs are rows in SQLite: a job left ``queued`` or ``running`` by a stop
    is run again at the next start when its stored file is there; without it
    the job ends ``failed`` with a message."""
    data_dir = slow_service.settings.data_dir
    store = JobStore(data_dir / "jobs.sqlite3")
    staged = data_dir / "jobs" / "j-running" / ND61.name
    staged.parent.mkdir(parents=True)
    staged.write_bytes(ND61.read_bytes())
    store.create(ND61.name, staged, "j-running")
    store.update("j-running", status="running", started=time.time(), chunks_done=32, chunks_total=103)
    store.create("gone.txt", data_dir / "jobs" / "j-gone" / "gone.txt", "j-gone")
    jobs = IngestJobs(lambda: slow_service, data_dir, threading.Lock())
    jobs.start()
    try:
        done = jobs.wait("j-running", timeout=120)
        assert done["status"] == "done" and done["result"]["added"] == [ND61.stem]
        gone = jobs.store.get("j-gone")
        assert gone["status"] == "failed" and "upload the file again" in gone["error"]
    finally:
        jobs.stop()
    assert ND61.stem in {m.doc_id for m in slow_service.documents()}


def test_jobs_run_one_at_a_time_in_order(slow_service, tmp_path):
    jobs = IngestJobs(lambda: slow_service, slow_service.settings.data_dir, threading.Lock())
    try:
        a = jobs.submit(ND61.name, ND61.read_bytes())
        b = jobs.submit("huong-sen-ban-sao.txt", HUONG_SEN.read_bytes())
        ja, jb = jobs.wait(a["job_id"]), jobs.wait(b["job_id"])
        assert ja["status"] == jb["status"] == "done"
        assert ja["finished"] <= jb["started"]
    finally:
        jobs.stop()
