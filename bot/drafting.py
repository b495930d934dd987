"""Plan drafts for the channels (HTTP API, Telegram): drafted with
``assistant.drafting`` over what the service has indexed, and named for
download."""

from __future__ import annotations

import re

from assistant.drafting.drafter import draft_plan
from assistant.drafting.models import Draft
from assistant.drafting.sources import draft_documents
from assistant.service import CCHCService
from corpus.legal_refs import fold


def draft_for_service(service: CCHCService, unit: str, year: int | None = None, kind: str | None = None,
                      governing_body: str | None = None) -> Draft:
    """``assistant.drafting.drafter.draft_plan`` for ``unit``/``year`` (None:
    the year after the service's as-of date)/``kind`` (default ``"cchc"``)/
    ``governing_body`` (the header's cơ quan chủ quản) over the service's
    indexed documents and their validity index, with the service's settings
    (as-of date, LLM smoothing). Raises the drafter's ``ValueError`` (unknown kind, empty unit …)."""
    return draft_plan(unit, year, kind=kind or "cchc", docs=draft_documents(service.parsed_documents()),
                      settings=service.settings, governing_body=governing_body, validity=service.validity())


def draft_filename(unit: str, year: int) -> str:
    """ASCII-safe download name, e.g. ``ke-hoach-cchc-2025-truong-mam-non-huong-sen.docx``."""
    s = re.sub(r"[^a-z0-9]+", "-", fold(unit)).strip("-")[:60] or "don-vi"
    return f"ke-hoach-cchc-{year}-{s}.docx"
