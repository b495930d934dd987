"""Plain-text rendering of answers and cited passages for chat channels
(Telegram, Zalo). No Markdown or HTML: both platforms show it as typed, and
Zalo's customer-service messages do not render Markdown at all."""

from __future__ import annotations

import re
from typing import Any

OCR_WARNING = "bản quét, có thể sai dấu"


def source_label(c: dict[str, Any]) -> str:
    """One-line label of a citation dict: ``"[1] 61/2018/NĐ-CP — Điều 9 > khoản 3, ngày 2018-04-23"``
    plus the OCR warning for damaged scans."""
    head = c.get("number") or c.get("title") or c.get("doc_id") or ""
    parts = [f"[{c.get('n')}] {head}".rstrip()]
    if c.get("section"):
        parts.append(f" — {c['section']}")
    if c.get("date"):
        parts.append(f", ngày {c['date']}")
    if c.get("ocr_damaged"):
        parts.append(f" ({OCR_WARNING})")
    return "".join(parts)


def plain(text: str) -> str:
    """Strip Markdown emphasis/heading/code markers, keep the words and the ``[n]`` markers."""
    text = re.sub(r"(\*\*|__|`{1,3})", "", text or "")
    text = re.sub(r"^#{1,6}\s*", "", text, flags=re.M)
    return text


def format_answer(answer: dict[str, Any], with_sources: bool = True) -> str:
    """Answer text, its notes, then a "Nguồn:" list of the citations (labels only;
    the passages are shown on demand)."""
    out = [plain(answer.get("answer", "")).strip()]
    notes = [n for n in answer.get("notes") or [] if n]
    if notes:
        out.append("\n".join(f"({plain(n)})" for n in notes))
    cits = answer.get("citations") or []
    if with_sources and cits:
        out.append("Nguồn:\n" + "\n".join(source_label(c) for c in cits))
    return "\n\n".join(x for x in out if x)


def format_passage(c: dict[str, Any]) -> str:
    """The quoted passage of a citation with its document, section, date,
    OCR warning and validity note, for a "Nguồn [n]" button or reply."""
    lines = [f"Nguồn [{c.get('n')}]"]
    doc = " — ".join(x for x in [c.get("number"), c.get("title")] if x) or c.get("doc_id", "")
    lines.append(f"Văn bản: {doc}")
    if c.get("issuer"):
        lines.append(f"Cơ quan ban hành: {c['issuer']}")
    if c.get("section"):
        lines.append(f"Mục: {c['section']}")
    if c.get("date"):
        lines.append(f"Ngày: {c['date']}")
    if c.get("ocr_damaged"):
        lines.append(f"Lưu ý: {OCR_WARNING}")
    if c.get("validity_note"):
        lines.append(f"Hiệu lực: {c['validity_note']}")
    lines.append("")
    lines.append("“" + (c.get("text") or "").strip() + "”")
    return "\n".join(lines)
