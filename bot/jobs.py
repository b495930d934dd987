"""Uploads ingested as background jobs: an in-process worker thread and the
job status in SQLite (``data_dir/jobs.sqlite3``).

``IngestJobs.submit(filename, data)`` stores the checked upload under
``data_dir/jobs/<job id>/`` and queues it; the worker ingests one file at a
time through the same path as ``cchc ingest`` (``CCHCService.ingest`` on the
file placed in ``data_dir/uploads/``), updating ``progress`` (chunks embedded
/ chunks to index) as it goes. A failed ingest restores the previous file of
that name and leaves the index as it was; the job ends ``failed`` with a
one-line reason. Job shape (``GET /v1/jobs/{id}``): ``{"job_id", "status":
"queued"|"running"|"done"|"failed", "filename", "progress": 0..1,
"chunks_done", "chunks_total", "created", "started", "finished" (ISO UTC or
null), "result": {"filename", "added", "skipped", "chunks_added",
"documents", "writer_s"} | null, "error": str | null}``.

Restart: jobs found ``queued`` or ``running`` when the worker starts are run
again from their stored file (the index is journaled, so a job killed
mid-ingest left it consistent and the rerun resumes from the embedding
cache); a job whose stored file is gone ends ``failed`` ("interrupted by a
restart; upload the file again"). Finished jobs keep their row (the newest
:data:`KEEP_JOBS`); their stored files are deleted.
"""

from __future__ import annotations

import json
import logging
import queue
import shutil
import threading
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable

from assistant.memory import sqlite_connection
from bot.uploads import UploadError, uploads_dir

log = logging.getLogger(__name__)

KEEP_JOBS = 1000
_SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    job_id TEXT PRIMARY KEY,
    status TEXT NOT NULL,
    filename TEXT NOT NULL,
    staged TEXT NOT NULL,
    chunks_done INTEGER NOT NULL DEFAULT 0,
    chunks_total INTEGER NOT NULL DEFAULT 0,
    created REAL NOT NULL,
    started REAL,
    finished REAL,
    result_json TEXT,
    error TEXT
);
CREATE INDEX IF NOT EXISTS jobs_created ON jobs(created);
"""
_FIELDS = ("job_id", "status", "filename", "staged", "chunks_done", "chunks_total", "created", "started", "finished",
           "result_json", "error")


def _iso(t: float | None) -> str | None:
    return datetime.fromtimestamp(t, timezone.utc).isoformat(timespec="seconds") if t else None


class JobStore:
    """Job rows in SQLite; one connection per call (thread-safe)."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._conn() as c:
            c.execute("PRAGMA journal_mode = WAL")
            c.executescript(_SCHEMA)

    def _conn(self):
        return sqlite_connection(self.path)

    def create(self, filename: str, staged: Path, job_id: str | None = None) -> str:
        job_id = job_id or uuid.uuid4().hex
        with self._conn() as c:
            c.execute("INSERT INTO jobs(job_id, status, filename, staged, created) VALUES (?,?,?,?,?)",
                      (job_id, "queued", filename, str(staged), time.time()))
            c.execute("DELETE FROM jobs WHERE status IN ('done', 'failed') AND job_id NOT IN "
                      "(SELECT job_id FROM jobs ORDER BY created DESC LIMIT ?)", (KEEP_JOBS,))
        return job_id

    def update(self, job_id: str, **fields: Any) -> None:
        if "result" in fields:
            fields["result_json"] = json.dumps(fields.pop("result"), ensure_ascii=False)
        cols = ", ".join(f"{k}=?" for k in fields)
        with self._conn() as c:
            c.execute(f"UPDATE jobs SET {cols} WHERE job_id=?", (*fields.values(), job_id))

    def row(self, job_id: str) -> dict[str, Any] | None:
        with self._conn() as c:
            r = c.execute(f"SELECT {', '.join(_FIELDS)} FROM jobs WHERE job_id=?", (job_id,)).fetchone()
        return dict(zip(_FIELDS, r)) if r else None

    def get(self, job_id: str) -> dict[str, Any] | None:
        """The public shape of a job (module doc), or None."""
        r = self.row(job_id)
        if r is None:
            return None
        total, done = r["chunks_total"], r["chunks_done"]
        progress = 1.0 if r["status"] == "done" else (min(done / total, 1.0) if total else 0.0)
        return {
            "job_id": r["job_id"], "status": r["status"], "filename": r["filename"], "progress": round(progress, 4),
            "chunks_done": done, "chunks_total": total, "created": _iso(r["created"]), "started": _iso(r["started"]),
            "finished": _iso(r["finished"]), "result": json.loads(r["result_json"]) if r["result_json"] else None,
            "error": r["error"],
        }

    def unfinished(self) -> list[dict[str, Any]]:
        """Rows ``queued`` or ``running``, oldest first."""
        with self._conn() as c:
            rows = c.execute(f"SELECT {', '.join(_FIELDS)} FROM jobs WHERE status IN ('queued', 'running') "
                             "ORDER BY created").fetchall()
        return [dict(zip(_FIELDS, r)) for r in rows]


class IngestJobs:
    """The worker: one thread ingesting queued uploads in order.

    ``get_service()`` returns the ``CCHCService``; ``files_lock`` is held
    while a job places its file in ``uploads/`` and ingests it (deletions of
    uploaded files take it too). ``after_ingest(service)`` runs after each
    successful job, once the job is marked done (e.g. warming the citation
    graph so the next question does not pay for it).
    """

    def __init__(self, get_service: Callable[[], Any], data_dir: Path, files_lock: threading.Lock,
                 after_ingest: Callable[[Any], None] | None = None):
        self.get_service = get_service
        self.data_dir = Path(data_dir)
        self.store = JobStore(self.data_dir / "jobs.sqlite3")
        self.files_lock = files_lock
        self.after_ingest = after_ingest
        self._queue: queue.Queue[str | None] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()

    # ---- lifecycle -------------------------------------------------------------
    def start(self) -> None:
        """Start the worker (idempotent) and requeue the jobs a restart interrupted."""
        with self._start_lock:
            if self._thread is not None and self._thread.is_alive():
                return
            for r in self.store.unfinished():
                if Path(r["staged"]).is_file():
                    self.store.update(r["job_id"], status="queued", chunks_done=0)
                    self._queue.put(r["job_id"])
                else:
                    self.store.update(r["job_id"], status="failed", finished=time.time(),
                                      error="Bị gián đoạn do máy chủ khởi động lại; vui lòng nạp lại tệp / "
                                            "interrupted by a restart; upload the file again")
            self._thread = threading.Thread(target=self._loop, name="cchc-ingest-jobs", daemon=True)
            self._thread.start()

    def stop(self, timeout: float = 30.0) -> None:
        """Finish the running job, then stop (queued jobs stay queued for the next start)."""
        if self._thread is None:
            return
        self._queue.put(None)
        self._thread.join(timeout)
        self._thread = None

    # ---- submitting ------------------------------------------------------------
    def submit(self, filename: str, data: bytes) -> dict[str, Any]:
        """Store a checked upload and queue its ingest; returns the job (module doc)."""
        job_id = uuid.uuid4().hex
        folder = self.data_dir / "jobs" / job_id
        folder.mkdir(parents=True, exist_ok=True)
        staged = folder / filename
        staged.write_bytes(data)
        self.store.create(filename, staged, job_id)
        self.start()
        self._queue.put(job_id)
        return self.store.get(job_id)

    def wait(self, job_id: str, timeout: float = 120.0) -> dict[str, Any] | None:
        """Block until the job is done or failed (tests, scripts); returns it."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            job = self.store.get(job_id)
            if job is None or job["status"] in ("done", "failed"):
                return job
            time.sleep(0.05)
        return self.store.get(job_id)

    # ---- the worker --------------------------------------------------------------
    def _loop(self) -> None:
        while True:
            job_id = self._queue.get()
            if job_id is None:
                return
            try:
                self._run(job_id)
            except Exception:  # the worker must survive anything one job does
                log.exception("ingest job %s crashed", job_id)
                self.store.update(job_id, status="failed", finished=time.time(),
                                  error="Lỗi hệ thống khi nạp tệp; kho tài liệu giữ nguyên / internal error; the index "
                                        "is unchanged")

    def _run(self, job_id: str) -> None:
        row = self.store.row(job_id)
        if row is None or row["status"] != "queued":
            return
        staged = Path(row["staged"])
        self.store.update(job_id, status="running", started=time.time())
        try:
            result = self._ingest(job_id, row["filename"], staged)
        except UploadError as e:
            self.store.update(job_id, status="failed", finished=time.time(), error=e.message)
            return
        finally:
            shutil.rmtree(staged.parent, ignore_errors=True)
        self.store.update(job_id, status="done", finished=time.time(), result=result,
                          chunks_done=max(result["chunks_added"], 0))
        if self.after_ingest is not None:
            try:
                self.after_ingest(self.get_service())
            except Exception:
                log.exception("after-ingest hook failed")

    def _ingest(self, job_id: str, name: str, staged: Path) -> dict[str, Any]:
        def progress(done: int, total: int) -> None:
            self.store.update(job_id, chunks_done=done, chunks_total=total)

        with self.files_lock:
            service = self.get_service()
            path = uploads_dir(self.data_dir) / name
            backup = None
            if path.exists():
                backup = path.with_name(path.name + ".bak")
                shutil.copy2(path, backup)
            shutil.copyfile(staged, path)
            try:
                rep = service.ingest([path], on_progress=progress)
            except Exception as e:  # the service promises not to raise; be safe anyway
                log.exception("ingest crashed for %s", name)
                rep, reason = None, f"{type(e).__name__}"
            else:
                reason = "; ".join(r for _p, r in rep.failed)
            ok = rep is not None and (rep.added or rep.skipped) and not rep.failed
            if not ok:
                if backup is not None:
                    shutil.move(backup, path)
                else:
                    path.unlink(missing_ok=True)
                reason = (reason or "").replace(str(path), name).replace(str(staged), name)
                raise UploadError(
                    422,
                    f"Không nạp được tệp {name}: {reason or 'không đọc được nội dung'}; kho tài liệu giữ nguyên",
                    f"could not ingest {name}: {reason or 'no readable content'}; the index is unchanged",
                )
            if backup is not None:
                backup.unlink(missing_ok=True)
            return {"filename": name, "added": rep.added, "skipped": rep.skipped, "chunks_added": rep.chunks_added,
                    "documents": len(service.documents()), "writer_s": round(rep.writer_s, 3)}
