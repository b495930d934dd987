"""Fake embedders with the timing of a real model, for tests of ingest jobs
and progress (``index.embeddings.FakeEmbeddings`` vectors)."""

from __future__ import annotations

import time

from index.embeddings import FakeEmbeddings


class SlowEmbeddings(FakeEmbeddings):
    """The fake embedder, ``delay`` seconds per embedding batch (like a real model)."""

    def __init__(self, delay: float):
        super().__init__()
        self.delay = delay

    def embed_documents(self, texts):
        time.sleep(self.delay)
        return super().embed_documents(texts)
