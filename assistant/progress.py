"""Ingest progress on stderr: an overall bar (chunks of the whole run, with the
tqdm ETA) above a bar for the file being embedded."""

from __future__ import annotations

import sys


def progress_enabled(progress: bool | None) -> bool:
    """``progress`` True/False forces the bars on/off; None shows them only
    when stderr is a terminal (so logs, pipes and ``--json`` stay clean)."""
    if progress is not None:
        return progress
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):  # closed or replaced stream
        return False


class IngestProgress:
    """Two tqdm bars, or nothing when disabled.

    ``total_chunks``: chunks to embed in the whole run; ``total_files``: files
    (documents) in it. Call ``file(name, n_chunks)`` when a document starts,
    ``update(n)`` after each embedded batch, ``close()`` at the end (also on
    error, so a message printed after it starts on a clean line).
    """

    def __init__(self, total_chunks: int, total_files: int, enabled: bool):
        self._overall = self._file = None
        self._files, self._done_files = total_files, 0
        if not enabled or total_chunks <= 0:
            return
        from tqdm import tqdm

        self._tqdm = tqdm
        self._overall = tqdm(total=total_chunks, unit="đoạn", desc=self._desc(), position=0, file=sys.stderr,
                             dynamic_ncols=True)

    def _desc(self) -> str:
        return f"tổng ({self._done_files}/{self._files} văn bản)"

    def file(self, name: str, n_chunks: int) -> None:
        if self._overall is None:
            return
        self._overall.set_description(self._desc())
        self._done_files += 1
        if self._file is None:
            self._file = self._tqdm(total=max(1, n_chunks), unit="đoạn", desc=name[-40:], position=1, leave=False,
                                    file=sys.stderr, dynamic_ncols=True)
        else:
            self._file.reset(total=max(1, n_chunks))
            self._file.set_description(name[-40:])

    def update(self, n: int) -> None:
        if self._overall is None:
            return
        if self._file is not None:
            self._file.update(n)
        self._overall.update(n)

    def close(self) -> None:
        if self._overall is None:
            return
        self._overall.set_description(self._desc(), refresh=False)
        if self._file is not None:
            self._file.close()
        self._overall.close()
        self._overall = self._file = None
