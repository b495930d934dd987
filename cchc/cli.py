"""``cchc``: the assistant's commands (``assistant.cli``: ingest, ask, search,
documents, citations, explain, draft) plus ``serve`` and ``telegram``
(``bot.serve_cli``) and ``eval`` (``evals.eval_cli``).

Console script ``cchc = "cchc.cli:main"``; also ``python -m cchc`` and
``python -m assistant.cli``.
"""

from __future__ import annotations

import sys

from assistant.cli import app
from bot import serve_cli
from evals import eval_cli

serve_cli.register(app)
eval_cli.register(app)


def main() -> None:
    """Run the ``cchc`` command line (``sys.argv``).

    Last line of defence for text no command checked: a ``UnicodeError``
    (e.g. an argument holding bytes that are not UTF-8 reaching a model or a
    file format that refuses them) ends with one line on stderr and exit
    status 2 instead of a traceback."""
    try:
        app()
    except UnicodeError as e:
        print(f"Lỗi: văn bản không hợp lệ (không phải UTF-8) / error: invalid text, not UTF-8: {e}", file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":  # pragma: no cover
    main()
