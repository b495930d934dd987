"""Pydantic request/response models of the HTTP API (``bot.api``). Field
names follow ``assistant.types.Answer.to_dict()`` and the CLI's ``--json``
output so every channel speaks one shape; the citation and document models
are derived from the dataclasses (``assistant.types.Citation``,
``corpus.models.DocumentMeta``), not declared a second time."""

from __future__ import annotations

import dataclasses
import typing
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model

from assistant.types import Citation
from corpus.models import DocumentMeta


def model_of(cls: type, name: str, doc: str, exclude: tuple[str, ...] = (), **config: Any) -> type[BaseModel]:
    """A pydantic model named ``name`` with the fields, types and defaults of
    the dataclass ``cls`` except ``exclude``; ``config``: ``ConfigDict``
    options (e.g. ``extra="allow"``)."""
    hints = typing.get_type_hints(cls)
    fields: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        if f.name in exclude:
            continue
        if f.default is not dataclasses.MISSING:
            default = f.default
        elif f.default_factory is not dataclasses.MISSING:
            default = Field(default_factory=f.default_factory)
        else:
            default = ...
        fields[f.name] = (hints[f.name], default)
    return create_model(name, __doc__=doc, __config__=ConfigDict(**config), **fields)


class AskRequest(BaseModel):
    """``POST /v1/ask``. ``session_id`` (web chat) keys conversation memory so
    follow-up questions ("còn trường Hương Sen thì sao?") are understood."""

    question: str = Field(..., min_length=1, max_length=2000, examples=["Nghị định 61/2018/NĐ-CP có hiệu lực từ khi nào?"])
    k: int = Field(5, ge=1, le=20, description="passages to retrieve")
    session_id: str | None = Field(None, max_length=100, pattern=r"^[A-Za-z0-9_.:-]+$")


class SearchRequest(BaseModel):
    """``POST /v1/search``."""

    query: str = Field(..., min_length=1, max_length=2000)
    k: int = Field(5, ge=1, le=50)


CitationOut = model_of(Citation, "CitationOut", "One numbered source ``[n]`` (``assistant.types.Citation``).")


class AnswerOut(BaseModel):
    """``POST /v1/ask`` response: ``Answer.to_dict()``."""

    question: str
    answer: str
    abstained: bool
    mode: str
    notes: list[str] = []
    citations: list[CitationOut] = []


class SearchOut(BaseModel):
    """``POST /v1/search`` response: ranked passages as citations."""

    query: str
    hits: list[CitationOut]


class DraftRequest(BaseModel):
    """``POST /v1/draft``: draft a plan for ``unit`` and ``year`` (default: the year after the as-of date).

    ``kind`` names the plan type ("cchc", "tthc", "par-index", "papi"); ``governing_body`` the unit's cơ quan chủ quản
    for the header ("UBND PHƯỜNG …"; without it the header asks for confirmation); ``format`` picks the response:
    ``markdown`` (text), ``json`` or ``docx`` (download)."""

    unit: str = Field(..., min_length=1, max_length=200, examples=["Trường Mầm non Hương Sen"])
    year: int | None = Field(None, ge=2000, le=2100, examples=[2027])
    governing_body: str | None = Field(None, max_length=200, examples=["UBND PHƯỜNG HẠNH THÔNG"])
    kind: str | None = Field("cchc", max_length=50)
    format: Literal["markdown", "json", "docx"] = "markdown"


DocumentOut = model_of(DocumentMeta, "DocumentOut", "One indexed văn bản (``corpus.models.DocumentMeta``), "
                       "without its server path.", exclude=("path",), extra="ignore")


class IngestOut(BaseModel):
    """The result of an upload's ingest job (``JobOut.result``); ``writer_s``:
    seconds the index writer lock was held."""

    filename: str
    added: list[str]
    skipped: list[str]
    chunks_added: int
    documents: int
    writer_s: float = 0.0


class JobOut(BaseModel):
    """``POST /v1/documents`` (202) and ``GET /v1/jobs/{job_id}``: one ingest job (``bot.jobs``)."""

    job_id: str
    status: Literal["queued", "running", "done", "failed"]
    filename: str
    progress: float = Field(0.0, ge=0, le=1, description="chunks embedded / chunks to index")
    chunks_done: int = 0
    chunks_total: int = 0
    created: str | None = None
    started: str | None = None
    finished: str | None = None
    result: IngestOut | None = None
    error: str | None = None


class DeleteOut(BaseModel):
    deleted: str


class ErrorOut(BaseModel):
    """Every 4xx/5xx body: ``{"detail": "thông báo tiếng Việt / English message"}``."""

    detail: str


class HealthOut(BaseModel):
    """``GET /healthz``: ``status`` "ok" or "starting"; ``documents`` only for
    a caller with the API key (or when none is set)."""

    status: str
    documents: int | None = None
