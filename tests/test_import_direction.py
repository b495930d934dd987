"""Imports point down the layers only, and no module imports itself back.

Layers, lowest first: corpus ← index ← assistant ← bot ← evals ← cchc (the
program that assembles every layer's commands). Every ``import`` statement
of every module counts — at module level, inside functions (lazy imports)
and under ``if TYPE_CHECKING:`` — except the body of an ``if __name__ ==
"__main__":`` block, which runs only when the file is executed as a script
and is no dependency of the module.

The checks run on the project's own source, read with ``ast`` (nothing is
imported); a test on a small synthetic tree shows they catch a violation.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ["corpus", "index", "assistant", "bot", "evals", "cchc"]


def _is_main_guard(node: ast.AST) -> bool:
    return (isinstance(node, ast.If) and isinstance(node.test, ast.Compare)
            and isinstance(node.test.left, ast.Name) and node.test.left.id == "__name__"
            and any(isinstance(c, ast.Constant) and c.value == "__main__" for c in node.test.comparators))


def _imports(tree: ast.AST, module: str, is_package: bool, known: set[str]):
    """``(imported module, line)`` for every import in ``tree``, resolved to a
    module of ``known`` (``from bot import drafting`` → ``bot.drafting``;
    relative imports resolved against ``module``)."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if _is_main_guard(node):
            continue
        stack.extend(ast.iter_child_nodes(node))
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = module.split(".")
                keep = len(parts) - node.level + (1 if is_package else 0)
                base = ".".join(parts[:keep] + ([base] if base else []))
            names = [f"{base}.{a.name}" if f"{base}.{a.name}" in known else base for a in node.names]
        for n in names:
            target = n
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target:
                yield target, node.lineno


def import_graph(root: Path, packages: list[str]) -> dict[str, dict[str, int]]:
    """Module → {imported project module: line} over every ``.py`` file of
    ``packages`` under ``root``."""
    files = {}
    for pkg in packages:
        for p in sorted((root / pkg).rglob("*.py")):
            parts = list(p.relative_to(root).with_suffix("").parts)
            is_package = parts[-1] == "__init__"
            if is_package:
                parts = parts[:-1]
            files[".".join(parts)] = (p, is_package)
    known = set(files)
    graph: dict[str, dict[str, int]] = {}
    for mod, (path, is_package) in files.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        graph[mod] = {t: line for t, line in _imports(tree, mod, is_package, known) if t != mod}
    return graph


def upward_imports(graph: dict[str, dict[str, int]], layers: list[str]) -> list[str]:
    """``"a.b:12 -> c.d"`` for every import of a module of a higher layer."""
    rank = {name: i for i, name in enumerate(layers)}
    out = []
    for mod, targets in graph.items():
        for t, line in targets.items():
            if rank[t.split(".")[0]] > rank[mod.split(".")[0]]:
                out.append(f"{mod}:{line} -> {t}")
    return sorted(out)


def cycles(graph: dict[str, dict[str, int]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    out: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, {}):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                out.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return sorted(out)


def test_no_module_imports_from_a_layer_above_it():
    graph = import_graph(ROOT, LAYERS)
    assert len(graph) > 60 and "assistant.drafting.drafter" in graph  # the whole tree was read
    assert upward_imports(graph, LAYERS) == []


def test_no_import_cycle_including_lazy_imports():
    assert cycles(import_graph(ROOT, LAYERS)) == []


def test_the_checks_catch_violations(tmp_path):
    """A lazy upward import, a TYPE_CHECKING cycle and a relative import are
    all seen; a ``__main__`` block is not."""
    files = {
        "corpus/__init__.py": "",
        "corpus/a.py": "def f():\n    from index.b import g\n    return g\n",
        "index/__init__.py": "",
        "index/b.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from index import c\ndef g(): ...\n",
        "index/c.py": "from . import b\n",
        "index/d.py": "if __name__ == '__main__':\n    import corpus.a\n    from index import b\n",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    graph = import_graph(tmp_path, ["corpus", "index"])
    assert upward_imports(graph, ["corpus", "index"]) == ["corpus.a:2 -> index.b"]
    assert cycles(graph) == [["index.b", "index.c"]]
    assert graph["index.d"] == {}
