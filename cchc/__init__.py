"""The ``cchc`` program: the one place that assembles every layer's commands.

Layers, lowest first: ``corpus`` ← ``index`` ← ``assistant`` ← ``bot`` ←
``evals`` ← ``cchc``. Each layer's command module exposes
``register(app)``; :mod:`cchc.cli` imports them plainly.
"""
