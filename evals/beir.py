"""Retrieval on a corpus in BEIR layout (Thakur et al. 2021, "BEIR: A
Heterogeneous Benchmark for Zero-shot Evaluation of Information Retrieval
Models"): ``corpus.jsonl`` (``_id``, ``title``, ``text``), ``queries.jsonl``
(``_id``, ``text``, optional ``metadata``) and ``qrels/<split>.tsv``
(``query-id``, ``corpus-id``, ``score``; a header line).

    cchc eval --beir ../shared/benchmarks/alqac2024 [--modes bm25,dense,hybrid,naive]
              [--data-dir D] [--split all|test|calibration] [--json] [--report FILE]

**How a BEIR document enters the index.** The corpus goes through the
project's normal pipeline (:func:`corpus.pipeline.parse_text` → metadata,
section tree, chunker; then the journaled index writes of
``CCHCService.ingest_documents``), as legal text:

* a title of the form ``"A — B"`` (an em dash between spaces, as in ALQAC's
  ``"Luật Phòng, chống ma túy — Điều 1. Phạm vi điều chỉnh"``) names the
  document ``A`` and, within it, the unit whose heading is ``B``. The units of
  one document are assembled in corpus order into that document's text —
  the name ``A`` on the first line, then each unit as its heading line ``B``
  followed by its ``text`` — so a law's articles become one law whose
  ``Điều`` the structure parser and the chunker see as in any bundled decree
  (passages never cross an Điều; the chunk's index text names the law, the
  Điều and its heading). ``A`` is passed as the văn bản's title
  (``parse_text(title=A)``); ``doc_id`` is ``A`` folded to a slug.
* any other document is a document of its own: its title on the first line,
  then its text.

**How chunk hits map back to corpus ids.** Each unit occupies a character
span of its document's normalised text (found by its heading line, in
order); a chunk belongs to the unit its span overlaps most. A ranked list of
chunks becomes a ranked list of corpus ids by keeping each id's best-ranked
chunk (the rank of a corpus id is the rank of its first chunk). Each mode
retrieves ``candidates`` chunks (30 by default, the depth the service fuses),
so hybrid runs exactly as ``cchc search`` does.

**The project's own questions** are exported to BEIR layout by
``cchc eval --export-beir DIR --dataset ... [--split test]``: corpus ids are
the bundled corpus's chunk ids (``<doc_id>#NNNN``) as the current pipeline
cuts them, qrels the chunks the gold rule of :mod:`evals.metrics` judges
relevant over the *whole* corpus (gold_doc + a gold string in the chunk's
text), queries carry ``metadata`` (``kind``, ``split``, ``set``). A file
``cchc-corpus.json`` in the export says its corpus is the bundled corpus at
one pipeline version; the harness then ingests the bundled files themselves
(the real system, not a re-chunking of the exported lines) and checks that
the chunk ids and texts are those exported.

**Metrics** (ir-measures over pytrec_eval, binary relevance at corpus-id
level): R@k is the hit rate ``Success@k`` (1 when a relevant corpus id is in
the top k — the project's Recall@k, see :mod:`evals.metrics`; on ALQAC, where
528 of 530 questions have one relevant article, it equals BEIR's recall),
``MRR@10`` = ``RR@10``, ``nDCG@10`` over the judged qrels.

**Halves.** Queries are split into a calibration (tuning) half and a test
half by the rule of :mod:`evals.split`: sorted by the seeded hash of the
query id, the first half is calibration. A query whose ``metadata`` names
its ``split`` (the dev export) keeps it. Tune on calibration only; the test
half is the headline.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from corpus.loaders import normalize_document_text
from corpus.models import ParsedDocument
from corpus.pipeline import PIPELINE_VERSION, parse_text
from corpus.textnorm import fold
from evals.split import SEED, hash_fraction

log = logging.getLogger(__name__)

MODES = ("bm25", "dense", "hybrid", "naive")
HALVES = ("calibration", "test")
MANIFEST = "cchc-corpus.json"
TITLE_SEP = " — "
# (name shown, ir-measures measure name)
METRICS = (("R@1", "Success@1"), ("R@5", "Success@5"), ("R@10", "Success@10"), ("MRR@10", "RR@10"),
           ("nDCG@10", "nDCG@10"))


@dataclass
class BeirSet:
    """A BEIR-layout set: ``corpus`` (dicts in file order), ``queries`` (id →
    text) of the queries that have qrels, ``qrels`` (query id → corpus id →
    grade), ``query_meta`` (query id → metadata dict), ``manifest`` (the
    export's ``cchc-corpus.json`` or None), ``missing`` (corpus ids named by
    qrels but absent from the corpus: kept in the qrels, so they count as
    misses for every system)."""

    path: Path
    corpus: list[dict]
    queries: dict[str, str]
    qrels: dict[str, dict[str, int]]
    query_meta: dict[str, dict] = field(default_factory=dict)
    manifest: dict | None = None
    missing: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.path.name


def _jsonl(path: Path) -> list[dict]:
    out = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                d = json.loads(line)
            except json.JSONDecodeError as e:
                raise ValueError(f"{path}:{n}: not JSON ({e.msg})") from None
            if not isinstance(d, dict) or not isinstance(d.get("_id"), str):
                raise ValueError(f"{path}:{n}: expected an object with a string _id")
            out.append(d)
    return out


def load_beir(path: str | Path, qrels_split: str = "test") -> BeirSet:
    """Read a BEIR directory. Queries without a positive qrel are dropped.

    Raises ``ValueError`` (one line, naming the file) when a file is
    missing or malformed, or a qrel names an unknown query. A qrel naming a
    corpus id absent from the corpus is kept (``BeirSet.missing``).
    """
    root = Path(path)
    files = {"corpus": root / "corpus.jsonl", "queries": root / "queries.jsonl",
             "qrels": root / "qrels" / f"{qrels_split}.tsv"}
    for name, f in files.items():
        if not f.is_file():
            raise ValueError(f"{root}: no {f.relative_to(root)} (BEIR layout: corpus.jsonl, queries.jsonl, qrels/{qrels_split}.tsv)")
    corpus = _jsonl(files["corpus"])
    ids = [d["_id"] for d in corpus]
    if len(set(ids)) != len(ids):
        dup = [i for i, c in Counter(ids).items() if c > 1][:3]
        raise ValueError(f"{files['corpus']}: duplicate _id {dup}")
    qlist = _jsonl(files["queries"])
    qtext = {q["_id"]: str(q.get("text") or "") for q in qlist}
    qmeta = {q["_id"]: q.get("metadata") or {} for q in qlist}
    known = set(ids)
    qrels: dict[str, dict[str, int]] = {}
    unknown: list[str] = []
    for n, line in enumerate(files["qrels"].read_text(encoding="utf-8").splitlines(), 1):
        parts = line.rstrip("\n").split("\t")
        if n == 1 and parts[0].strip().lower() in ("query-id", "query_id", "qid"):
            continue
        if not line.strip():
            continue
        if len(parts) < 3:
            raise ValueError(f"{files['qrels']}:{n}: expected query-id, corpus-id, score")
        qid, cid, score = parts[0], parts[1], parts[2]
        try:
            grade = int(float(score))
        except ValueError:
            raise ValueError(f"{files['qrels']}:{n}: score {score!r} is not a number") from None
        if qid not in qtext:
            raise ValueError(f"{files['qrels']}:{n}: unknown query {qid!r}")
        if cid not in known:
            unknown.append(cid)  # kept, as BEIR does: a relevant document no system can retrieve
        if grade > 0:
            qrels.setdefault(qid, {})[cid] = grade
    manifest = None
    if (root / MANIFEST).is_file():
        manifest = json.loads((root / MANIFEST).read_text(encoding="utf-8"))
    queries = {q: t for q, t in qtext.items() if q in qrels}
    if unknown:
        log.warning("%s: %d qrels name corpus ids not in corpus.jsonl (kept: they count as misses)", root, len(unknown))
    return BeirSet(root, corpus, queries, qrels, {q: qmeta.get(q, {}) for q in queries}, manifest, unknown)


def halves(bset: BeirSet, seed: str = SEED) -> dict[str, str]:
    """``{query id: "calibration" | "test"}``: a query's own ``metadata.split``
    when it has one, else the seeded hash order of :mod:`evals.split` (first
    half calibration)."""
    out = {q: m["split"] for q, m in bset.query_meta.items() if m.get("split") in HALVES}
    rest = sorted((q for q in bset.queries if q not in out), key=lambda q: (hash_fraction(q, seed), q))
    n_cal = len(rest) // 2
    for i, q in enumerate(rest):
        out[q] = "calibration" if i < n_cal else "test"
    return out


# ---------------------------------------------------------------- corpus → ParsedDocument


@dataclass
class BeirDocument:
    """One document assembled from BEIR lines: ``parsed`` and the ``spans``
    ``(corpus id, start, end)`` of its units in ``parsed.text``."""

    parsed: ParsedDocument
    spans: list[tuple[str, int, int]]


def _slug(name: str) -> str:
    s = re.sub(r"[^0-9a-z]+", "-", fold(name)).strip("-")
    return s[:80] or "doc"


def _groups(corpus: Sequence[dict]) -> list[tuple[str, list[tuple[str, str, str]]]]:
    """``[(document name, [(corpus id, unit heading, unit text)])]`` in corpus order (rule in the module docstring)."""
    order: list[str] = []
    groups: dict[str, list[tuple[str, str, str]]] = {}
    for d in corpus:
        title = " ".join(str(d.get("title") or "").split())
        text = str(d.get("text") or "")
        if TITLE_SEP in title:
            name, head = title.split(TITLE_SEP, 1)
        else:
            name, head = f"\x00{d['_id']}", title  # a document of its own
        if name not in groups:
            order.append(name)
            groups[name] = []
        groups[name].append((d["_id"], head, text))
    return [(n, groups[n]) for n in order]


def assemble(corpus: Sequence[dict], max_chars: int = 1000, min_chars: int = 200) -> list[BeirDocument]:
    """The corpus as parsed documents with unit spans (see module docstring).

    Raises ``ValueError`` if a unit cannot be found again in its normalised
    document text (it never should: units are located, in order, by the
    start of their heading line, or of their text when they have none).
    """
    out: list[BeirDocument] = []
    used: Counter = Counter()
    for name, units in _groups(corpus):
        own = name.startswith("\x00")
        title = None if own else name
        pieces = [] if own else [name]
        for _cid, head, text in units:
            pieces.append(f"{head}\n{text}" if head else text)
        raw = "\n\n".join(p for p in pieces if p.strip())
        slug = _slug(units[0][0] if own else name)
        used[slug] += 1
        doc_id = slug if used[slug] == 1 else f"{slug}-{used[slug]}"
        doc = parse_text(raw, doc_id=doc_id, title=title, max_chars=max_chars, min_chars=min_chars)
        starts: list[tuple[str, int]] = []
        pos = 0
        for cid, head, text in units:
            piece = normalize_document_text(head or text)
            first = piece.split("\n", 1)[0][:60] if piece else ""
            at = doc.text.find(first, pos) if first else -1
            if at < 0:
                raise ValueError(f"BEIR document {cid!r}: its text is not found in the assembled {doc_id!r}")
            starts.append((cid, at))
            pos = at + len(first)
        spans = []
        for i, (cid, at) in enumerate(starts):
            end = starts[i + 1][1] if i + 1 < len(starts) else len(doc.text)
            spans.append((cid, 0 if i == 0 else at, end))
        out.append(BeirDocument(doc, spans))
    return out


def chunk_units(docs: Sequence[BeirDocument]) -> dict[str, str]:
    """``{chunk id: corpus id}``: each chunk maps to the unit its span overlaps most."""
    out: dict[str, str] = {}
    for d in docs:
        for c in d.parsed.chunks:
            best, ov = None, -1
            for cid, s, e in d.spans:
                o = min(e, c.end) - max(s, c.start)
                if o > ov:
                    best, ov = cid, o
            out[c.chunk_id] = best
    return out


# ---------------------------------------------------------------- the project's dev sets as BEIR


def _chunk_digest(chunks) -> str:
    h = hashlib.sha256()
    for c in chunks:
        h.update(f"{c.chunk_id}\x00{c.text}\x01".encode("utf-8"))
    return h.hexdigest()


def export_dev(service, dataset: str | Path | Sequence[str | Path], out_dir: str | Path, split: str = "all") -> dict:
    """Write ``dataset``'s answerable questions of ``split`` as a BEIR directory
    over the service's indexed corpus (module docstring). Returns counts
    ``{"queries", "corpus", "qrels", "unjudged"}``; ``unjudged`` lists query
    ids whose gold strings no chunk contains (left out)."""
    from evals.harness import load_items, retrieval_query
    from evals.metrics import relevance
    from evals.split import select, split_of

    paths = [dataset] if isinstance(dataset, (str, Path)) else list(dataset)
    items = [it for it in select(load_items(paths), split) if not it.abstain]
    src = {}
    for p in paths:
        from evals.dataset import load_dataset

        for it in load_dataset(p):
            src[it.id] = Path(p).name
    docs = service.parsed_documents()
    chunks = [c for d in docs for c in d.chunks]
    metas = {d.meta.doc_id: d.meta for d in docs}
    pairs = [(c.doc_id, c.text if c.index_text == c.text else f"{c.text}\n{c.index_text}") for c in chunks]
    out = Path(out_dir)
    (out / "qrels").mkdir(parents=True, exist_ok=True)
    from corpus.metadata import short_title

    with open(out / "corpus.jsonl", "w", encoding="utf-8") as f:
        for c in chunks:
            m = metas[c.doc_id]
            f.write(json.dumps({"_id": c.chunk_id, "title": f"{short_title(m)}{TITLE_SEP}{c.section}",
                                "text": c.text, "metadata": {"doc_id": c.doc_id, "section": c.section,
                                                             "number": m.number}}, ensure_ascii=False) + "\n")
    n_q = n_rel = 0
    unjudged = []
    with open(out / "queries.jsonl", "w", encoding="utf-8") as fq, \
            open(out / "qrels" / "test.tsv", "w", encoding="utf-8") as fr:
        fr.write("query-id\tcorpus-id\tscore\n")
        for it in items:
            rels = relevance(pairs, it.gold, it.gold_doc)
            rel_ids = [c.chunk_id for c, r in zip(chunks, rels) if r]
            if not rel_ids:
                unjudged.append(it.id)
                continue
            fq.write(json.dumps({"_id": it.id, "text": retrieval_query(it, service),
                                 "metadata": {"kind": it.kind, "split": split_of(it.id), "set": src.get(it.id)}},
                                ensure_ascii=False) + "\n")
            for cid in rel_ids:
                fr.write(f"{it.id}\t{cid}\t1\n")
            n_q += 1
            n_rel += len(rel_ids)
    manifest = {"corpus": "indexed", "pipeline": PIPELINE_VERSION, "documents": sorted(metas),
                "chunks": len(chunks), "digest": _chunk_digest(chunks),
                "note": "corpus ids are chunk ids of these documents; cchc eval --beir ingests the documents "
                        "themselves and checks the digest"}
    (out / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    return {"queries": n_q, "corpus": len(chunks), "qrels": n_rel, "unjudged": unjudged}


# ---------------------------------------------------------------- ingest + runs


def prepare(service, bset: BeirSet, progress: bool | None = None) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """Make ``service``'s index hold ``bset``'s corpus; returns ``({chunk id:
    corpus id}, [(corpus id, text)])`` (the second for the naive baseline).

    An export of the project's own corpus (``cchc-corpus.json``) is checked
    against the service's index, which must hold exactly its documents
    (ingest the bundled corpus first). Any other corpus is parsed and
    ingested; documents already indexed with the same content are skipped, so
    a data dir that holds the corpus is reused. Raises ``ValueError`` when the
    index holds documents of another corpus, or an export no longer matches.
    """
    if bset.manifest:
        docs = service.parsed_documents()
        chunks = [c for d in docs for c in d.chunks]
        if sorted(d.meta.doc_id for d in docs) != bset.manifest.get("documents") or \
                _chunk_digest(chunks) != bset.manifest.get("digest"):
            raise ValueError(f"{bset.path}: exported from another index or pipeline (pipeline "
                             f"{bset.manifest.get('pipeline')} vs {PIPELINE_VERSION}); export it again")
        texts = [(c.chunk_id, f"{c.section}\n{c.text}") for c in chunks]
        return {c.chunk_id: c.chunk_id for c in chunks}, texts
    t0 = time.perf_counter()
    docs = assemble(bset.corpus)
    log.info("BEIR %s: %d documents, %d chunks parsed in %.1f s", bset.name, len(docs),
             sum(len(d.parsed.chunks) for d in docs), time.perf_counter() - t0)
    mine = {d.parsed.meta.doc_id for d in docs}
    other = sorted(m.doc_id for m in service.documents() if m.doc_id not in mine)
    if other:
        raise ValueError(f"the data dir holds documents of another corpus ({', '.join(other[:3])} …); "
                         "give --data-dir an empty or BEIR-only folder")
    rep = service.ingest_documents([d.parsed for d in docs], progress=progress)
    if rep.failed:
        raise ValueError(f"BEIR {bset.name}: {len(rep.failed)} documents failed: {rep.failed[:2]}")
    texts = [(d["_id"], f"{d.get('title') or ''}\n{d.get('text') or ''}".strip()) for d in bset.corpus]
    return chunk_units(docs), texts


def ranked_ids(chunk_ids: Sequence[str], unit_of: dict[str, str]) -> list[str]:
    """Corpus ids in the order of their first chunk (see module docstring)."""
    out: list[str] = []
    seen: set[str] = set()
    for c in chunk_ids:
        u = unit_of.get(c)
        if u is not None and u not in seen:
            seen.add(u)
            out.append(u)
    return out


def run_mode(search: Callable[[str], list[str]], queries: dict[str, str]) -> tuple[dict, dict[str, float]]:
    """``(run, latency_ms)``: ``run`` = ``{query id: {corpus id: score}}`` (score
    = depth − rank, so ranks are kept), ``latency_ms`` per query."""
    run: dict[str, dict[str, float]] = {}
    lat: dict[str, float] = {}
    for qid, text in queries.items():
        t0 = time.perf_counter()
        ids = search(text)
        lat[qid] = (time.perf_counter() - t0) * 1000
        run[qid] = {cid: float(len(ids) - r) for r, cid in enumerate(ids)}
    return run, lat


def scores(run: dict, qrels: dict, qids: Sequence[str]) -> dict[str, float]:
    """Mean metrics (:data:`METRICS`) over ``qids`` (a query with no result scores 0)."""
    import ir_measures

    measures = [ir_measures.parse_measure(m) for _, m in METRICS]
    q = {i: qrels[i] for i in qids}
    r = {i: (run.get(i) or {"\x00none": 0.0}) for i in qids}
    if not q:
        return {name: None for name, _ in METRICS}
    got = ir_measures.calc_aggregate(measures, q, r)
    return {name: float(got[ir_measures.parse_measure(m)]) for name, m in METRICS}


def per_query(run: dict, qrels: dict, qids: Sequence[str]) -> dict[str, dict[str, float]]:
    """``{query id: {metric: value}}`` over ``qids``."""
    import ir_measures

    by_name = {m: name for name, m in METRICS}
    out: dict[str, dict[str, float]] = {q: {} for q in qids}
    r = {i: (run.get(i) or {"\x00none": 0.0}) for i in qids}
    for m in ir_measures.iter_calc([ir_measures.parse_measure(x) for _, x in METRICS], {i: qrels[i] for i in qids}, r):
        out[m.query_id][by_name[str(m.measure)]] = float(m.value)
    return out


def _pct(vals: list[float], q: float) -> float | None:
    if not vals:
        return None
    s = sorted(vals)
    return s[min(len(s) - 1, int(round(q / 100 * (len(s) - 1))))]


def evaluate(service, bset: BeirSet, modes: Sequence[str] = MODES, split: str = "all",
             progress: bool | None = None) -> dict:
    """Ingest (or reuse) ``bset`` in ``service``'s data dir and score each mode.

    ``split``: ``"all"`` (scores of each half and of all), ``"test"`` or
    ``"calibration"`` (only that half's queries are run). Raises
    ``ValueError`` for an unknown mode or split. Returns ``{"name", "path",
    "n", "halves": {half: n}, "modes": {mode: {"test": {...}, "calibration":
    {...}, "all": {...}, "by_kind": {half: {kind: {...}}}, "latency":
    {"p50_ms", "p95_ms"}, "per_query": {...}}}, "chunks", "documents"}``.
    """
    bad = [m for m in modes if m not in MODES]
    if bad:
        raise ValueError(f"unknown mode(s) {bad}; choose from {', '.join(MODES)}")
    if split not in HALVES + ("all",):
        raise ValueError(f"split must be calibration, test or all, got {split!r}")
    unit_of, texts = prepare(service, bset, progress=progress)
    half = halves(bset)
    qids = [q for q in bset.queries if split == "all" or half[q] == split]
    queries = {q: bset.queries[q] for q in qids}
    depth = max(service.settings.candidates, 10)
    res: dict[str, Any] = {"name": bset.name, "path": str(bset.path), "n": len(qids),
                           "halves": dict(Counter(half[q] for q in qids)), "modes": {},
                           "chunks": service.index.count_chunks(), "documents": service.index.store.count_documents()}
    for mode in modes:
        if mode == "naive":
            from evals.baselines import NaiveChroma

            with NaiveChroma(service.index.embeddings, texts=texts) as naive:
                run, lat = run_mode(lambda q: ranked_ids([d for d, _ in naive.search(q, k=depth)],
                                                         {c: c for c, _ in texts}), queries)
        else:
            run, lat = run_mode(lambda q, m=mode: ranked_ids(
                [h.chunk.chunk_id for h in service.index.search(q, k=depth, mode=m)], unit_of), queries)
        entry: dict[str, Any] = {"by_kind": {}, "per_query": per_query(run, bset.qrels, qids),
                                 "latency": {"p50_ms": _pct(list(lat.values()), 50),
                                             "p95_ms": _pct(list(lat.values()), 95)},
                                 "top": {q: list(run[q])[:5] for q in qids}}
        for h in HALVES + ("all",):
            sel = [q for q in qids if h == "all" or half[q] == h]
            entry[h] = {"n": len(sel), **scores(run, bset.qrels, sel)} if sel else None
            kinds = Counter(bset.query_meta.get(q, {}).get("kind") for q in sel)
            if len(kinds) > 1 or (kinds and None not in kinds):
                entry["by_kind"][h] = {k: {"n": n, **scores(run, bset.qrels,
                                                             [q for q in sel if bset.query_meta[q].get("kind") == k])}
                                       for k, n in sorted(kinds.items(), key=lambda kv: str(kv[0]))}
        res["modes"][mode] = entry
    return res


def _f(v) -> str:
    return "–" if v is None else f"{v:.3f}" if isinstance(v, float) else str(v)


def to_markdown(res: dict, by_kind: bool = True) -> str:
    """Per-mode tables of an :func:`evaluate` result: test half (headline),
    calibration half, all queries; then R@5 per query kind when queries have kinds."""
    head = "| mode | n | " + " | ".join(n for n, _ in METRICS) + " | p50 ms |"
    sep = "|---|---:|" + "---:|" * (len(METRICS) + 1)
    out = [f"**{res['name']}** (`{res['path']}`): {res['n']} queries "
           f"({', '.join(f'{h} {n}' for h, n in sorted(res['halves'].items()))}); "
           f"{res['documents']} documents, {res['chunks']} chunks indexed."]
    for h, label in (("test", "test half (headline)"), ("calibration", "calibration half"), ("all", "all queries")):
        rows = [(m, e[h]) for m, e in res["modes"].items() if e.get(h)]
        if not rows or (h == "all" and len(res["halves"]) < 2):
            continue
        out += ["", f"_{label}_", "", head, sep]
        for m, s in rows:
            out.append(f"| {m} | {s['n']} | " + " | ".join(_f(s[n]) for n, _ in METRICS)
                       + f" | {_f(res['modes'][m]['latency']['p50_ms'])} |")
    if by_kind:
        for h in ("test", "calibration"):
            kinds = sorted({k for e in res["modes"].values() for k in (e["by_kind"].get(h) or {})}, key=str)
            if not kinds:
                continue
            out += ["", f"_R@5 per kind, {h} half_", "", "| mode | " + " | ".join(f"{k} (n)" for k in kinds) + " |",
                    "|---|" + "---:|" * len(kinds)]
            for m, e in res["modes"].items():
                bk = e["by_kind"].get(h) or {}
                out.append(f"| {m} | " + " | ".join(
                    f"{_f(bk[k]['R@5'])} ({bk[k]['n']})" if k in bk else "–" for k in kinds) + " |")
    return "\n".join(out)


def render_report(results: Sequence[dict], command: str, settings: Sequence[dict], elapsed_s: float,
                  machine: dict, commit: str | None) -> str:
    """The Markdown report of one ``cchc eval --beir`` run (regenerated, never edited by hand)."""
    from datetime import datetime, timezone

    lines = ["# Retrieval report (BEIR harness)", "",
             "_Generated by `cchc eval --beir`; regenerate instead of editing. Harness, corpus mapping and "
             "metric definitions: `evals/beir.py`._", "",
             f"- Date (UTC): {datetime.now(timezone.utc).strftime('%Y-%m-%d %H:%M')}",
             f"- Machine: {machine['nproc']} CPU(s) available, {machine['cpu_model']}, {machine['ram_gib']} GiB RAM",
             f"- Code: git commit {commit or 'unknown'} (uncommitted changes not tracked here)",
             f"- Command: `{command}`",
             f"- Wall time: {elapsed_s:.1f} s", ""]
    for res, s in zip(results, settings):
        lines += [f"## {res['name']}", "", "- Settings: " + ", ".join(f"{k}={v}" for k, v in s.items()), "",
                  to_markdown(res), ""]
    return "\n".join(lines)
