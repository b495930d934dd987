"""Shared fixtures: a service over a temp data dir with the fake embedder
(fast, no model file), built once per session on part of the bundled corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.service import CCHCService
from assistant.settings import Settings
from corpus.pipeline import bundled_dir
from index.embeddings import FakeEmbeddings

PLANS = bundled_dir() / "plans"
DECREES = bundled_dir() / "decrees"
BEN_THANH = PLANS / "2024-mn-ben-thanh-q1-cchc.txt"
HUONG_SEN = PLANS / "2024-mn-huong-sen-go-vap-cai-cach-tthc.txt"
HOA_BINH = PLANS / "2024-th-hoa-binh-q1-papi.txt"
ND61 = DECREES / "nd-61-2018-nd-cp.txt"


def make_service(data_dir: Path, **overrides) -> CCHCService:
    """A service with the fake embedder over ``data_dir``."""
    s = Settings(data_dir=data_dir, embedding_backend="fake", **overrides)
    return CCHCService(settings=s, embeddings=FakeEmbeddings())


@pytest.fixture(scope="session")
def small_service(tmp_path_factory) -> CCHCService:
    """Fake-embedder service with Bến Thành, Hương Sen, Hòa Bình (OCR) and NĐ 61/2018 ingested."""
    svc = make_service(tmp_path_factory.mktemp("cchc-small"))
    rep = svc.ingest([BEN_THANH, HUONG_SEN, HOA_BINH, ND61])
    assert not rep.failed, rep.failed
    return svc


@pytest.fixture(scope="session")
def full_service(tmp_path_factory) -> CCHCService:
    """Fake-embedder service over the whole bundled corpus."""
    svc = make_service(tmp_path_factory.mktemp("cchc-full"))
    rep = svc.ingest(None)
    assert not rep.failed, rep.failed
    return svc


@pytest.fixture(scope="module")
def api_service(tmp_path_factory) -> CCHCService:
    """One per test module (uploads and deletions change it): Hương Sen plan + NĐ 61/2018."""
    svc = make_service(tmp_path_factory.mktemp("api"))
    rep = svc.ingest([HUONG_SEN, ND61])
    assert not rep.failed, rep.failed
    return svc


@pytest.fixture(scope="module")
def api_client(api_service):
    """In-process client of the app over ``api_service``; many uploads from one
    client, so the upload rate limit is raised."""
    from fastapi.testclient import TestClient

    from bot.api import create_app

    settings = api_service.settings.model_copy(update={"rate_limit_upload": "1000/minute"})
    with TestClient(create_app(api_service, settings=settings)) as c:
        yield c
