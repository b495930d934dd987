"""``cchc``: the assistant's commands (``assistant.cli``: ingest, ask, search,
documents, citations, explain, draft) plus ``serve`` and ``telegram``
(``bot.serve_cli``) and ``eval`` (``evals.eval_cli``).

Console script ``cchc = "cchc.cli:main"``; also ``python -m cchc`` and
``python -m assistant.cli``.
"""

from __future__ import annotations

from assistant.cli import app
from bot import serve_cli
from evals import eval_cli

serve_cli.register(app)
eval_cli.register(app)


def main() -> None:
    """Run the ``cchc`` command line (``sys.argv``)."""
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
