"""Attached documents in a library of văn bản: how ``corpus.structure`` splits them off.

    python -m evals.structure_attachments /work/shared/library
    python -m evals.structure_attachments /work/shared/library --list 30 --long 8000

``LIBRARY`` is a folder with a ``manifest.tsv`` (first column: the file's path
inside the folder) or, without one, any folder of ``.md``/``.txt``/``.docx``
files (read recursively). Nothing is copied into the project. Every file is
loaded as ingest loads it (``corpus.loaders.load_text``) and parsed twice:
``parse_structure(text)`` and ``parse_structure(text, attachments=False)``,
the parse before attached documents (a Kế hoạch, Quy chế, Phụ lục … "ban hành
kèm theo" the main văn bản, NĐ 30/2020/NĐ-CP Phụ lục I, Phần I, mục III,
khoản 1) were recognised.

Prints: documents read, in legal mode (main document), with an attachment
detected and attachments by tên loại; the length of the last Điều of the main
document before and after (max, median, over legal documents with an
attachment), and whether any khoản number repeats inside it; then the
documents whose longest Điều (legal parts) or longest own text of any node
(a node's text before its first child, what one passage group is cut from)
is still over ``--long`` characters.
"""

from __future__ import annotations

import argparse
import csv
import statistics
import sys
from collections import Counter
from pathlib import Path


def _files(library: Path) -> list[Path]:
    manifest = library / "manifest.tsv"
    if manifest.is_file():
        with manifest.open(encoding="utf-8", newline="") as fh:
            rows = list(csv.reader(fh, delimiter="\t"))
        return [library / r[0] for r in rows[1:] if r and (library / r[0]).is_file()]
    return sorted(p for p in library.rglob("*") if p.suffix.lower() in (".md", ".txt", ".docx") and p.is_file())


def _main_dieu(tree):
    """Điều nodes of the main document (not inside an attachment), in order."""
    return [n for n in tree.nodes() if n.kind == "dieu" and not any(p.kind == "attachment" for p in n.path())]


def _repeats_khoan(node) -> bool:
    labels = [c.label for c in node.children if c.kind == "khoan"]
    return len(labels) != len(set(labels))


def _own_len(n) -> int:
    return (n.children[0].start if n.children else n.end) - n.start


def _median(xs: list[int]) -> int:
    return int(statistics.median(xs)) if xs else 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Attached documents found by corpus.structure in a library.")
    ap.add_argument("library", type=Path, help="library folder (manifest.tsv + docs/, or a folder of files)")
    ap.add_argument("--long", type=int, default=8000, help="node length (chars) reported as still long (default 8000)")
    ap.add_argument("--list", type=int, default=40, help="at most this many documents listed per list (default 40)")
    args = ap.parse_args(argv)

    from corpus.loaders import load_text
    from corpus.structure import parse_structure

    files = _files(args.library)
    if not files:
        print(f"no documents under {args.library}", file=sys.stderr)
        return 1
    read = legal = with_att = 0
    kinds: Counter[str] = Counter()
    before: list[int] = []
    after: list[int] = []
    rep_before = rep_after = 0
    still_long: list[tuple[str, str, int]] = []
    own_long: list[tuple[str, str, int]] = []
    detected: list[tuple[str, str, int, int]] = []
    for path in files:
        try:
            text, _ = load_text(path)
        except Exception as exc:  # an unreadable file is reported, not fatal
            print(f"skip {path.name}: {exc}", file=sys.stderr)
            continue
        read += 1
        tree = parse_structure(text)
        old = parse_structure(text, attachments=False)
        atts = tree.attachments()
        legal += tree.mode == "legal"
        if atts:
            with_att += 1
            kinds.update(" ".join(a.label.split()[:2]) for a in atts)
        if atts and tree.mode == "legal":
            new_d, old_d = _main_dieu(tree), _main_dieu(old)
            if new_d and old_d:
                a, b = new_d[-1], old_d[len(new_d) - 1] if len(old_d) >= len(new_d) else old_d[-1]
                after.append(a.end - a.start)
                before.append(b.end - b.start)
                rep_after += _repeats_khoan(a)
                rep_before += _repeats_khoan(b)
                detected.append((path.stem, a.label, b.end - b.start, a.end - a.start))
        dieu = [n for n in tree.nodes() if n.kind == "dieu"]
        if dieu:
            d = max(dieu, key=lambda n: n.end - n.start)
            if d.end - d.start > args.long:
                still_long.append((path.stem, d.path_label(), d.end - d.start))
        nodes = tree.nodes()
        if nodes:
            n = max(nodes, key=_own_len)
            if _own_len(n) > args.long:
                own_long.append((path.stem, n.path_label() or n.kind, _own_len(n)))

    print(f"library: {args.library}  documents read: {read}")
    print(f"legal mode (main document, >= 2 'Điều N.' lines): {legal}")
    print(f"with an attachment detected: {with_att}  attachments: {sum(kinds.values())}")
    for k, v in kinds.most_common():
        print(f"  {k:<24} {v}")
    print(f"legal documents with an attachment, last Điều of the main document ({len(after)} documents):")
    if after:
        print(f"  before: max {max(before)}  median {_median(before)} chars; repeated khoản numbers in {rep_before}")
        print(f"  after:  max {max(after)}  median {_median(after)} chars; repeated khoản numbers in {rep_after}")
        for stem, label, b, a in sorted(detected, key=lambda x: -x[2])[: args.list]:
            print(f"    {stem}  {label}: {b} -> {a}")
    print(f"documents whose longest Điều is still > {args.long} chars: {len(still_long)}")
    for stem, label, n in sorted(still_long, key=lambda x: -x[2])[: args.list]:
        print(f"    {stem}  {label}  {n}")
    print(f"documents whose longest own text of a node is > {args.long} chars: {len(own_long)}")
    for stem, label, n in sorted(own_long, key=lambda x: -x[2])[: args.list]:
        print(f"    {stem}  {label}  {n}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
