"""Pydantic request/response models of the HTTP API (``bot.api``). Field
names follow ``assistant.types.Answer.to_dict()`` and the CLI's ``--json``
output so every channel speaks one shape."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


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


class CitationOut(BaseModel):
    """One numbered source ``[n]`` (see ``assistant.types.Citation``)."""

    n: int
    doc_id: str
    number: str | None = None
    title: str | None = None
    issuer: str | None = None
    date: str | None = None
    section: str = ""
    text: str
    score: float = 0.0
    ocr_damaged: bool = False
    validity_note: str | None = None


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
    """``POST /v1/draft``: draft a plan for ``unit`` and ``year``.

    ``kind`` names the plan type ("cchc", "tthc", "par-index", "papi"); ``format`` picks the response: ``markdown`` (text),
    ``json`` or ``docx`` (download)."""

    unit: str = Field(..., min_length=1, max_length=200, examples=["Trường Mầm non Hương Sen"])
    year: int = Field(..., ge=2000, le=2100, examples=[2025])
    kind: str | None = Field("cchc", max_length=50)
    format: Literal["markdown", "json", "docx"] = "markdown"


class DocumentOut(BaseModel):
    """One indexed văn bản (``corpus.models.DocumentMeta``)."""

    model_config = ConfigDict(extra="allow")

    doc_id: str
    path: str = ""
    kind: str = "plan"
    doc_type: str | None = None
    number: str | None = None
    issuer: str | None = None
    date: str | None = None
    title: str | None = None
    unit: str | None = None
    district: str | None = None
    year: int | None = None
    source: str | None = None
    effective: str | None = None
    ocr_damaged: bool = False
    content_hash: str = ""


class IngestOut(BaseModel):
    """``POST /v1/documents`` response."""

    filename: str
    added: list[str]
    skipped: list[str]
    chunks_added: int
    documents: int


class DeleteOut(BaseModel):
    deleted: str


class ErrorOut(BaseModel):
    """Every 4xx/5xx body: ``{"detail": "thông báo tiếng Việt / English message"}``."""

    detail: str


class HealthOut(BaseModel):
    status: str
    documents: int
