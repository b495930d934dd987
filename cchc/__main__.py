"""``python -m cchc …`` — the ``cchc`` command line."""

from cchc.cli import main

main()
