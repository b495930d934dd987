"""Metadata accuracy on real documents against a manifest (gold số hiệu and published title).

Run::

    python -m evals.metadata --manifest ../shared/library/manifest.tsv [--docs DIR]
        [--sample evals/metadata_sample.tsv] [--errors N] [--make-sample 30]

``--docs`` defaults to the manifest's folder (its ``file`` column is relative to
it).  Every document is read by the project's own loader and metadata path
(:func:`corpus.pipeline.read_document_metadata`), exactly as ingest does.  The
library is development data: it is read from where it lies and never copied.

Fields scored on every manifest row:

* **số hiệu**: :func:`corpus.legal_refs.number_key` of the system's số hiệu equals
  that of the manifest's ``so_hieu`` (canonical form, case, leading zeros of the
  số and a missing Đ bar do not count). A gold number that the manifest cut
  short (``3783/QĐ-``) counts as matched when the system's number starts with it.
* **loại văn bản**: the gold loại is the name the manifest's ``title`` starts with
  (``Quyết định 2817/QĐ-UBND năm 2025 …`` → Quyết định; a leading ``TOÀN VĂN:`` is
  skipped), or, when the title names none, the loại of the gold số hiệu's code.
* **trích yếu**: the manifest title is the portal's phrasing: its lead (loại, số
  hiệu, ``năm YYYY``) is cut, ``về việc``/``về``/``V/v`` dropped on both sides,
  both folded (:func:`corpus.legal_refs.fold`) into words; the trích yếu counts
  as matched when at least 60 % of the gold's first 15 content words (words of
  3+ letters or digits) occur among the system's words. Portal titles are
  often shortened or reworded, so this is a floor, not an exact-match score.

Cơ quan ban hành and ngày ban hành are not in the manifest: they are checked on
a fixed-seed sample of 30 documents read by hand (``evals/metadata_sample.tsv``:
file, hand-read issuer, hand-read date, the system's output when checked, and
whether it was right). This script re-reads those 30 files and scores the
*current* output against the hand-read values: issuer matched when the folded,
space-squashed names are equal after ``UBND``/``HĐND`` are spelled out; date
matched when equal (an empty hand date means the text gives none, and the
system must then give none).
"""

from __future__ import annotations

import argparse
import csv
import random
import re
import sys
from pathlib import Path

from corpus.legal_refs import doc_type_from_name, doc_type_of_number, fold, number_key
from corpus.models import DocumentError

DEFAULT_SAMPLE = Path(__file__).resolve().parent / "metadata_sample.tsv"
SAMPLE_SEED = 2025
SAMPLE_SIZE = 30
SAMPLE_COLUMNS = ["file", "issuer_hand", "date_hand", "issuer_system", "date_system", "issuer_ok", "date_ok"]


def read_manifest(path: Path) -> list[dict[str, str]]:
    """Rows of a manifest TSV (columns ``file``, ``so_hieu``, ``title`` …)."""
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def gold_doc_type(title: str, so_hieu: str) -> str | None:
    """Loại văn bản named at the start of a manifest title, else from the số hiệu code."""
    t = re.sub(r"^\s*toàn văn\s*:\s*", "", title.strip(), flags=re.IGNORECASE)
    m = re.match(r"^(.+?)\s+(?:số\s+)?\d", t)
    if m:
        words = m.group(1).split()
        for n in range(min(4, len(words)), 0, -1):
            dt = doc_type_from_name(" ".join(words[:n]))
            if dt:
                return dt
    return doc_type_of_number(so_hieu) or ("Công văn" if so_hieu else None)


def number_matches(system: str | None, gold: str) -> bool:
    if not system or not gold:
        return False
    if gold.rstrip().endswith("-"):
        return number_key(system).startswith(number_key(gold))
    return number_key(system) == number_key(gold)


_LEAD = re.compile(r"^.*?\d{1,5}[/-][^\s]+(?:\s+năm\s+\d{4})?\s*", re.IGNORECASE)


def _content_words(s: str) -> list[str]:
    f = fold(s, squash_spaces=True)
    f = re.sub(r"^(?:ve viec|v/v|ve)\s+", "", f)
    return [w for w in re.findall(r"[a-z0-9]+", f) if len(w) >= 3 or w.isdigit()]


def title_matches(system: str | None, gold_title: str) -> bool:
    """Rule in the module docstring (≥ 60 % of the gold's first 15 content words)."""
    if not system:
        return False
    g = re.sub(r"^\s*toàn văn\s*:\s*", "", gold_title, flags=re.IGNORECASE)
    g = _LEAD.sub("", g, count=1)
    gw = _content_words(g)[:15]
    if not gw:
        return False
    sw = set(_content_words(system))
    return sum(w in sw for w in gw) / len(gw) >= 0.6


def _norm_issuer(s: str | None) -> str:
    f = fold(s or "", squash_spaces=True).strip(" .,;")
    f = re.sub(r"\bubnd\b", "uy ban nhan dan", f)
    f = re.sub(r"\bhdnd\b", "hoi dong nhan dan", f)
    f = re.sub(r"\btp\.?\s", "thanh pho ", f)
    return f


def issuer_matches(system: str | None, hand: str) -> bool:
    return bool(system) and _norm_issuer(system) == _norm_issuer(hand)


def read_meta(path: Path):
    from corpus.loaders import load_text
    from corpus.pipeline import read_document_metadata

    text, _fmt = load_text(path)
    return read_document_metadata(text, path.stem, str(path))


def _pct(n: int, d: int) -> str:
    return f"{n}/{d} = {100 * n / d:.1f} %" if d else "n/a"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--manifest", type=Path, required=True)
    ap.add_argument("--docs", type=Path, default=None, help="folder the manifest's file column is relative to")
    ap.add_argument("--sample", type=Path, default=DEFAULT_SAMPLE)
    ap.add_argument("--errors", type=int, default=0, help="print up to N mismatches per field")
    ap.add_argument("--make-sample", action="store_true",
                    help="print the fixed-seed sample (file, system issuer, system date) to fill in by hand")
    args = ap.parse_args(argv)

    rows = read_manifest(args.manifest)
    base = args.docs.parent if args.docs is not None and args.docs.name == "docs" else (args.docs or args.manifest.parent)

    def path_of(file: str) -> Path:
        p = base / file
        if not p.exists() and args.docs is not None:
            p = args.docs / Path(file).name
        return p

    if args.make_sample:
        files = sorted(r["file"] for r in rows)
        for f in random.Random(SAMPLE_SEED).sample(files, SAMPLE_SIZE):
            m = read_meta(path_of(f))
            print("\t".join([f, "", "", m.issuer or "", m.date or ""]))
        return 0

    n = len(rows)
    ok = {"số hiệu": 0, "loại văn bản": 0, "trích yếu": 0}
    errs: dict[str, list[str]] = {k: [] for k in ok}
    failed: list[str] = []
    for r in rows:
        try:
            m = read_meta(path_of(r["file"]))
        except DocumentError as e:
            failed.append(f"{r['file']}: {e.reason}")
            continue
        gold_type = gold_doc_type(r["title"], r["so_hieu"])
        checks = {
            "số hiệu": (number_matches(m.number, r["so_hieu"]), f"{m.number!r} vs {r['so_hieu']!r}"),
            "loại văn bản": (m.doc_type == gold_type, f"{m.doc_type!r} vs {gold_type!r}"),
            "trích yếu": (title_matches(m.title, r["title"]), f"{(m.title or '')[:90]!r} vs {r['title'][:90]!r}"),
        }
        for k, (good, detail) in checks.items():
            if good:
                ok[k] += 1
            else:
                errs[k].append(f"{r['file']}: {detail}")

    print(f"== metadata vs manifest ({args.manifest}; {n} documents, {len(failed)} unreadable)")
    for k, v in ok.items():
        print(f"  {k:<14} {_pct(v, n)}")
    for f in failed:
        print(f"  unreadable: {f}")
    if args.errors:
        for k, lst in errs.items():
            for e in lst[: args.errors]:
                print(f"  [{k}] {e}")

    if args.sample.exists():
        with open(args.sample, encoding="utf-8", newline="") as f:
            sample = [s for s in csv.DictReader(f, delimiter="\t")]
        iok = dok = 0
        for s in sample:
            try:
                m = read_meta(path_of(s["file"]))
            except DocumentError:
                continue
            i_good = issuer_matches(m.issuer, s["issuer_hand"])
            d_good = (m.date or "") == (s["date_hand"] or "")
            iok += i_good
            dok += d_good
            if args.errors and not (i_good and d_good):
                print(f"  [sample] {s['file']}: issuer {m.issuer!r} vs {s['issuer_hand']!r}; "
                      f"date {m.date!r} vs {s['date_hand']!r}")
        rec_i = sum(s["issuer_ok"] == "yes" for s in sample)
        rec_d = sum(s["date_ok"] == "yes" for s in sample)
        print(f"== hand-checked sample ({args.sample.name}; {len(sample)} documents, seed {SAMPLE_SEED})")
        print(f"  cơ quan ban hành {_pct(iok, len(sample))}   (as recorded when checked: {_pct(rec_i, len(sample))})")
        print(f"  ngày ban hành    {_pct(dok, len(sample))}   (as recorded when checked: {_pct(rec_d, len(sample))})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
