"""Fault points for crash tests.

``CCHC_FAULT_AT=<phase>`` or ``<phase>:<n>`` in the environment makes the
process ``SIGKILL`` itself the n-th time (default: the first) it reaches
``fault_point(phase)``: no ``finally`` blocks, no flushing, exactly like a
power cut or an OOM kill. Unset (always, outside tests), a fault point costs one
comparison with None. ``CCHC_FAULT_SIGNAL=INT`` sends ``SIGINT`` instead, which
Python turns into a ``KeyboardInterrupt`` there: a Ctrl-C at a chosen moment.

Phases (in the order an ingest reaches them; see ``index.transactions``):

* ``parsed``             – all files parsed, nothing written yet
* ``journaled``          – the intent row of a document write is committed
* ``embed_batch``        – after each embedding batch (``embed_batch:3`` = mid-embedding)
* ``vectors_written``    – the new vectors are in Chroma, the docstore not yet committed
* ``docstore_committed`` – the docstore holds the new version (or no longer the
  deleted one), the old vectors are still in Chroma
* ``delete_batch``       – after each batch of vector deletions (``delete_batch:1`` = mid-delete)
"""

from __future__ import annotations

import os
import signal

_SPEC = os.environ.get("CCHC_FAULT_AT") or None
_PHASE, _, _N = (_SPEC or "").partition(":")
_TARGET = int(_N) if _N.isdigit() else 1
_SIGNAL = signal.SIGINT if os.environ.get("CCHC_FAULT_SIGNAL", "").upper() in ("INT", "SIGINT") else signal.SIGKILL
_seen = 0


def fault_point(phase: str) -> None:
    """Kill this process here if ``CCHC_FAULT_AT`` names ``phase`` (see module doc)."""
    if _SPEC is None:
        return
    _maybe_kill(phase)


def _maybe_kill(phase: str) -> None:
    global _seen
    if phase != _PHASE:
        return
    _seen += 1
    if _seen == _TARGET:
        os.kill(os.getpid(), _SIGNAL)
