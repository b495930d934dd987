"""Answers to "when / by whom was văn bản X issued, who signed it" on real
library documents, against hand-read gold.

Run (after ingesting some library documents into the data dir)::

    CCHC_DATA_DIR=… python -m evals.docfacts --manifest ../shared/library/manifest.tsv
        [--sample evals/metadata_sample.tsv] [--show]

For every row of the hand-read sample (:mod:`evals.metadata`: file, hand-read
cơ quan ban hành and ngày ban hành) whose document is indexed (doc_id = the
file's stem), the questions a clerk types are asked through the whole
assistant (``CCHCService.ask``), naming the văn bản by its số hiệu from the
manifest in two forms: full and accented ("Quyết định 2820/QĐ-UBND ban hành
ngày nào?") and short, unaccented ("qd 2820 ban hanh ngay nao"):

* **ngày ban hành**: right when the answer writes the hand-read date (d/m/yyyy,
  with or without leading zeros) and its first citation is the document
  itself or a passage writing the date; an empty hand date needs an abstention;
* **cơ quan ban hành**: right when the answer contains the hand-read issuer
  (folded, ``UBND``/``HĐND`` spelled out, :func:`evals.metadata._norm_issuer`)
  and cites the document;
* **người ký**: there is no hand gold; counted as answered when it names the
  signer ("… do X ký") citing the document; a text without the signer's name
  must be abstained on by hand (read the ``--show`` listing to judge).
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from corpus.legal_refs import _ABBREV_TYPES, doc_type_of_number, fold
from evals.metadata import DEFAULT_SAMPLE, _norm_issuer, read_manifest

#: loại văn bản → the abbreviation staff type (the inverse of ``corpus.legal_refs``' table)
_ABBREV = {v: k for k, v in _ABBREV_TYPES.items()}


def short_ref(so_hieu: str, doc_type: str) -> str:
    """``"2820/QĐ-UBND"``, Quyết định → ``"qd 2820"``; ``"34/2025/TT-BKHCN"`` → ``"tt 34/2025"``."""
    m = re.match(r"0*(\d+)(?:/(\d{4})/)?", so_hieu)
    num = m.group(1) + (f"/{m.group(2)}" if m.group(2) else "") if m else so_hieu
    return f"{_ABBREV.get(doc_type, fold(doc_type))} {num}"


def date_forms(iso: str) -> list[str]:
    y, mo, d = (int(x) for x in iso.split("-"))
    return [f"{d}/{mo}/{y}", f"{d:02d}/{mo}/{y}", f"{d}/{mo:02d}/{y}", f"{d:02d}/{mo:02d}/{y}"]


def questions(so_hieu: str, doc_type: str) -> dict[str, list[str]]:
    short = short_ref(so_hieu, doc_type)
    full = f"{doc_type} {so_hieu}"
    return {
        "date": [f"{full} ban hành ngày nào?", f"{short} ban hanh ngay nao"],
        "issuer": [f"{full} do cơ quan nào ban hành?", f"{short} do co quan nao ban hanh"],
        "signer": [f"Ai ký {full}?", f"{short} do ai ky"],
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sample", type=Path, default=DEFAULT_SAMPLE)
    ap.add_argument("--manifest", type=Path, required=True, help="the library's manifest.tsv (gold số hiệu)")
    ap.add_argument("--show", action="store_true", help="print every question and answer")
    args = ap.parse_args(argv)

    from assistant.service import CCHCService
    svc = CCHCService()
    indexed = {d.meta.doc_id: d for d in svc.parsed_documents()}
    gold_no = {Path(r["file"]).stem: r["so_hieu"] for r in read_manifest(args.manifest)}
    import csv

    with open(args.sample, encoding="utf-8", newline="") as f:
        sample = [r for r in csv.DictReader(f, delimiter="\t") if Path(r["file"]).stem in indexed]
    right = {"date": 0, "issuer": 0, "signer": 0}
    total = {"date": 0, "issuer": 0, "signer": 0}
    for row in sample:
        doc_id = Path(row["file"]).stem
        so_hieu = gold_no.get(doc_id, "")
        doc_type = indexed[doc_id].meta.doc_type or doc_type_of_number(so_hieu) or "Công văn"
        for fact, qs in questions(so_hieu, doc_type).items():
            for q in qs:
                a = svc.ask(q)
                cited = [c.doc_id for c in a.citations]
                if fact == "date":
                    if not row["date_hand"]:
                        ok = a.abstained
                    else:
                        ok = (not a.abstained and any(f in a.answer for f in date_forms(row["date_hand"]))
                              and bool(cited))
                elif fact == "issuer":
                    ok = (not a.abstained and _norm_issuer(row["issuer_hand"]) in _norm_issuer(a.answer)
                          and cited[:1] == [doc_id])
                else:
                    ok = not a.abstained and bool(re.search(r" do \w.+ ký\b", a.answer)) and cited[:1] == [doc_id]
                total[fact] += 1
                right[fact] += ok
                if args.show or not ok:
                    print(f"{'ok ' if ok else 'BAD'} {doc_id} {fact}: {q}\n    → {a.answer[:240]!r} {cited[:2]}")
    print(f"documents: {len(sample)} indexed of {len(sample)} sampled rows")
    for fact in total:
        n = total[fact]
        print(f"{fact}: {right[fact]}/{n}" + (f" ({right[fact] / n:.0%})" if n else ""))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
