"""Generated reports that hold several commands' output: each command owns one section of the file,
between ``<!-- key:begin -->`` and ``<!-- key:end -->``, and rewrites only that section."""
from __future__ import annotations

from pathlib import Path


def write_section(path: Path, key: str, body: str) -> None:
    """Replace the section ``key`` of ``path`` with ``body`` (appended when absent; the rest of the file
    is kept). Creates the file and its folder when missing."""
    begin, end = f"<!-- {key}:begin -->", f"<!-- {key}:end -->"
    path = Path(path)
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    block = f"{begin}\n{body.rstrip()}\n{end}"
    if begin in text and end in text:
        pre, rest = text.split(begin, 1)
        post = rest.split(end, 1)[1]
        text = pre + block + post
    else:
        text = text.rstrip() + ("\n\n" if text.strip() else "") + block + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
