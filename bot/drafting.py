"""Channel-side adapter to the plan drafter (``assistant.draft``, written
separately) and the glossary (``corpus.glossary``): calls them if present and
turns their result into Markdown, JSON or DOCX bytes for the HTTP API and the
Telegram bot. Raises ``FeatureMissing`` when the module is not installed."""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import io
import re
import tempfile
from pathlib import Path
from typing import Any


class FeatureMissing(RuntimeError):
    """The optional module behind a feature is absent (HTTP 501)."""


def _optional(module: str):
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as e:
        if e.name == module:
            raise FeatureMissing(module) from e
        raise


def _call(fn, **available):
    """Call ``fn`` with the subset of ``available`` its signature accepts."""
    params = inspect.signature(fn).parameters
    if any(p.kind is p.VAR_KEYWORD for p in params.values()):
        return fn(**available)
    return fn(**{k: v for k, v in available.items() if k in params})


def draft_plan(service, unit: str, year: int, kind: str | None = None) -> Any:
    """``assistant.draft.draft_plan`` for ``unit``/``year``/``kind`` over the
    service's indexed documents (the drafter's default corpus when none is a
    plan). Raises ``FeatureMissing`` without the module and passes on the
    drafter's ``ValueError`` (unknown kind, empty unit …)."""
    mod = _optional("assistant.draft")
    fn = getattr(mod, "draft_plan", None)
    if fn is None:
        raise FeatureMissing("assistant.draft.draft_plan")
    available = dict(service=service, svc=service, unit=unit, year=year, plan_kind=kind,
                     settings=getattr(service, "settings", None))
    if kind:
        available["kind"] = kind
    if "docs" in inspect.signature(fn).parameters and hasattr(service, "parsed_documents"):
        docs = service.parsed_documents()  # draft from what is indexed (uploads included)
        if any(getattr(d.meta, "kind", "plan") == "plan" for d in docs):
            available["docs"] = docs
    return _call(fn, **available)


def draft_markdown(draft: Any) -> str:
    """Markdown text of a draft (``to_markdown()``, ``markdown`` attribute or ``str``)."""
    for attr in ("to_markdown", "markdown", "as_markdown"):
        v = getattr(draft, attr, None)
        if callable(v):
            return v()
        if isinstance(v, str):
            return v
    if isinstance(draft, dict) and isinstance(draft.get("markdown"), str):
        return draft["markdown"]
    return str(draft)


def draft_dict(draft: Any) -> dict:
    """JSON-ready dict of a draft (``to_dict()``, dataclass fields, or ``{"markdown"}``)."""
    if hasattr(draft, "to_dict"):
        return draft.to_dict()
    if dataclasses.is_dataclass(draft):
        return dataclasses.asdict(draft)
    if isinstance(draft, dict):
        return draft
    return {"markdown": draft_markdown(draft)}


def _markdown_docx(md: str) -> bytes:
    """Minimal Markdown → DOCX with python-docx (headings ``#``, bullets ``-``, paragraphs)."""
    import docx

    d = docx.Document()
    for line in md.splitlines():
        s = line.rstrip()
        if not s.strip():
            continue
        m = re.match(r"^(#{1,6})\s+(.*)$", s)
        if m:
            d.add_heading(m.group(2).strip(), level=min(len(m.group(1)), 4))
        elif re.match(r"^\s*[-*+]\s+", s):
            d.add_paragraph(re.sub(r"^\s*[-*+]\s+", "", s), style="List Bullet")
        else:
            d.add_paragraph(s.replace("**", ""))
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def draft_docx(draft: Any) -> bytes:
    """DOCX bytes of a draft: the drafter's own writer when it has one
    (``assistant.draft.to_docx``/``draft_to_docx``/``write_docx`` or a
    ``to_docx`` method), else a plain conversion of its Markdown."""
    mod = _optional("assistant.draft")
    for holder, names in ((draft, ("to_docx", "docx_bytes")), (mod, ("to_docx", "draft_to_docx", "write_docx", "render_docx"))):
        for name in names:
            fn = getattr(holder, name, None)
            if not callable(fn):
                continue
            with tempfile.TemporaryDirectory() as td:
                path = Path(td) / "draft.docx"
                args = () if holder is draft else (draft,)
                try:
                    out = fn(*args, path)
                except TypeError:
                    out = fn(*args)
                if isinstance(out, (bytes, bytearray)):
                    return bytes(out)
                if isinstance(out, (str, Path)) and Path(out).is_file():
                    return Path(out).read_bytes()
                if path.is_file():
                    return path.read_bytes()
                if hasattr(out, "save"):
                    buf = io.BytesIO()
                    out.save(buf)
                    return buf.getvalue()
    return _markdown_docx(draft_markdown(draft))


def explain_term(term: str, service=None) -> str | None:
    """``corpus.glossary.explain(term)`` as text, or None when unknown; raises ``FeatureMissing``."""
    mod = _optional("corpus.glossary")
    fn = getattr(mod, "explain", None)
    if fn is None:
        raise FeatureMissing("corpus.glossary.explain")
    out = _call(fn, term=term, query=term, service=service)
    if out is None:
        return None
    if isinstance(out, str):
        return out
    for attr in ("to_text", "text", "answer", "explanation", "definition"):
        v = getattr(out, attr, None)
        if callable(v):
            v = v()
        if isinstance(v, str):
            return v
    if isinstance(out, dict):
        for key in ("text", "answer", "explanation", "definition"):
            if isinstance(out.get(key), str):
                return out[key]
    return str(out)


def draft_filename(unit: str, year: int) -> str:
    """ASCII-safe download name, e.g. ``ke-hoach-cchc-2025-truong-mam-non-huong-sen.docx``."""
    import unicodedata

    s = unicodedata.normalize("NFD", unit.replace("đ", "d").replace("Đ", "D"))
    s = "".join(ch for ch in s if not unicodedata.combining(ch))
    s = re.sub(r"[^A-Za-z0-9]+", "-", s).strip("-").lower()[:60] or "don-vi"
    return f"ke-hoach-cchc-{year}-{s}.docx"
