"""Split a long reply into messages a chat platform accepts.

Telegram's ``sendMessage`` rejects text longer than 4096 characters (Bot API,
"sendMessage: text 1-4096 characters after entities parsing"); Zalo OA's
customer-service message API takes at most 2000 characters. The split prefers
paragraph boundaries (blank lines), then line breaks, then sentence ends, then
spaces, and only cuts inside a word when a single word is longer than the limit.
"""

from __future__ import annotations

import re

TELEGRAM_LIMIT = 4096

_SENTENCE_END = re.compile(r"(?<=[.!?;:…])\s+")


def _pieces(text: str, limit: int) -> list[str]:
    """Break one block that is too long at the finest boundary that works."""
    for sep_re in (re.compile(r"\n"), _SENTENCE_END, re.compile(r"[ \t]+")):
        parts = [p for p in sep_re.split(text) if p.strip()]
        if len(parts) > 1:
            out: list[str] = []
            for p in parts:
                out.extend(_pieces(p, limit) if len(p) > limit else [p])
            return out
    # a single "word" longer than the limit: hard cut
    return [text[i : i + limit] for i in range(0, len(text), limit)]


def split_message(text: str, limit: int = TELEGRAM_LIMIT) -> list[str]:
    """Split ``text`` into chunks of at most ``limit`` characters.

    Paragraphs (separated by blank lines) are packed greedily into chunks,
    joined with a blank line; a paragraph longer than ``limit`` is broken at
    line breaks, then sentence ends, then spaces. No text other than the
    whitespace at the cut points is lost or reordered. Returns ``[]`` for an
    empty or whitespace-only text. Raises ``ValueError`` if ``limit < 1``.
    """
    if limit < 1:
        raise ValueError("limit must be >= 1")
    text = (text or "").strip()
    if not text:
        return []
    if len(text) <= limit:
        return [text]
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    units: list[tuple[str, str]] = []  # (piece, separator to put before it when packed)
    for p in paragraphs:
        if len(p) <= limit:
            units.append((p, "\n\n"))
        else:
            sub = _pieces(p, limit)
            units.append((sub[0], "\n\n"))
            # pieces of one paragraph are re-joined with a single line break / space
            for s in sub[1:]:
                units.append((s, "\n"))
    chunks: list[str] = []
    cur = ""
    for piece, sep in units:
        if not cur:
            cur = piece
        elif len(cur) + len(sep) + len(piece) <= limit:
            cur = cur + sep + piece
        else:
            chunks.append(cur)
            cur = piece
    if cur:
        chunks.append(cur)
    return chunks
