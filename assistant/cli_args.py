"""Checks on command-line arguments shared by the ``cchc`` commands: each bad
argument ends the command with one line on stderr, ``Lỗi: … / error: …``,
and exit status 2, before any index is opened."""

from __future__ import annotations

import typer

from corpus.textnorm import unicode_problem

SEARCH_MODES = ("hybrid", "bm25", "dense")
MAX_K = {"ask": 20, "search": 50}  # the same bounds as the HTTP API (bot/schemas.py)


def fail(vi: str, en: str, code: int = 2):
    """Print ``Lỗi: <vi> / error: <en>`` on stderr and exit with ``code``."""
    typer.echo(f"Lỗi: {vi} / error: {en}", err=True)
    raise typer.Exit(code)


def check_text(value: str | None, what_vi: str, what_en: str) -> None:
    """Exit 2 (see :func:`fail`) when a text argument is not valid Unicode,
    e.g. bytes that are not UTF-8 typed or pasted into a terminal."""
    problem = unicode_problem(value) if value else None
    if problem:
        fail(f"{what_vi} không phải văn bản UTF-8 hợp lệ ({problem})", f"the {what_en} is not valid UTF-8 text ({problem})")


def check_k(k: int, command: str) -> None:
    """Exit 2 unless ``1 <= k <= MAX_K[command]``."""
    hi = MAX_K[command]
    if not 1 <= k <= hi:
        fail(f"-k phải từ 1 đến {hi} (nhận {k})", f"-k must be between 1 and {hi} (got {k})")


def decode_batch(data: bytes, name: str) -> list[str]:
    """Questions of a batch file: UTF-8 (a BOM allowed) or UTF-16 with a BOM,
    one per line, blank lines skipped. Exit 2 naming the line and byte
    otherwise."""
    try:
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            text = data.decode("utf-16")
        else:
            text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        fail(f"tệp {name} không phải UTF-8 hợp lệ (dòng {line}, byte 0x{data[e.start]:02x})",
             f"{name} is not valid UTF-8 (line {line}, byte 0x{data[e.start]:02x}); save it as UTF-8")
    return [l.strip() for l in text.splitlines() if l.strip()]
