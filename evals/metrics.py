"""Eval metrics: pure functions over strings and lists (no service, no I/O).

Matching rule used everywhere: :func:`fold` both sides (lower-case, strip
Vietnamese diacritics, ``đ`` → ``d``, collapse whitespace) and test substring
containment. So ``"Nghị định 61/2018/NĐ-CP"`` matches ``"nghi dinh
61/2018/nd-cp"`` and OCR text whose letters survived (``"ngay 3 thang 5"``).

Retrieval (binary relevance, ranks are 1-based):

* a retrieved chunk is **relevant** when it belongs to one of the question's
  ``gold_doc`` documents (any document if ``gold_doc`` is empty) and its text
  contains at least one ``gold`` string;
* **Recall@k** is the hit rate: 1 if any of the top ``k`` is relevant, else 0;
* **MRR@10**: 1 / rank of the first relevant chunk in the top 10 (0 if none);
* **nDCG@10**: DCG = Σ rel_i / log2(i + 1) over the top 10. The ideal DCG puts
  the relevant chunks *that were retrieved in the top 10* first (the corpus-
  wide number of relevant chunks is unknown: gold strings are judged on the
  retrieved text only). nDCG therefore measures ordering among what was
  found; a run that finds nothing scores 0 (not undefined). Recall@10 carries
  the "found at all" signal.

Answers:

* **answer accuracy**: every group of ``answer_any`` has an alternative in the
  answer text;
* **abstention precision / recall**: "positive" = abstained; precision =
  correct abstentions / all abstentions, recall = correct abstentions /
  questions that should be abstained on;
* **citation precision**: share of ``[n]`` markers whose cited passage
  *supports* the sentence that carries it: the passage contains a gold string,
  or the sentence has numbers and every one of them occurs in the passage
  (numbers compared with leading zeros dropped, so ``21/06/2018`` = ``21/6/2018``,
  and a date the passage writes out, "ngày 22 tháng 9 năm 2021", also read as
  ``22/9/2021``: the form the answers add beside it).
  A marker pointing at no citation is unsupported;
* **citation recall**: share of answer sentences (with at least one word of 2+
  letters) that carry at least one supporting marker;
* **invented numbers**: document numbers (``123/2020/NĐ-CP``, ``26/KH-MNHgS``,
  ``124-KH/TU``) and figures (``98%``) in the answer that occur in no cited
  passage. A document number also counts as found when a cited passage holds
  a document number with the same number and year (``3813/QĐ-UBND`` vs the
  OCR-damaged ``3813/QP-UBND``).

The ranking measures are computed by ir-measures (``Success@k``, ``RR@10``,
``nDCG@10`` over pytrec_eval), the judged relevant set of a question being
the relevant chunks it retrieved. These definitions follow the usual IR conventions (Järvelin & Kekäläinen
2002 for nDCG; Voorhees 1999 for MRR) and the citation precision/recall of
ALCE (Gao et al. 2023, "Enabling Large Language Models to Generate Text with
Citations"), with string/number support replacing the NLI judge.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

from corpus.dates import WORDED_DATE
from corpus.legal_refs import find_numbers
from corpus.legal_refs import fold as legal_fold

__all__ = [
    "fold",
    "contains",
    "relevance",
    "recall_at_k",
    "mrr_at_k",
    "ndcg_at_k",
    "answer_correct",
    "abstention_scores",
    "split_sentences",
    "citation_markers",
    "citation_precision",
    "citation_recall",
    "extract_numbers",
    "invented_numbers",
    "retrieval_scores",
    "aggregate",
]

def fold(text: str) -> str:
    """Matching form of ``text``: the project's one fold (``corpus.legal_refs.fold``)
    with whitespace runs squashed to one space and both ends stripped.

    ``fold("  Nghị   định ĐẢNG ")`` → ``"nghi dinh dang"``. Raises
    ``TypeError`` for non-str input.
    """
    return legal_fold(text, squash_spaces=True)


def contains(haystack: str, needle: str, folded: bool = False) -> bool:
    """True if ``needle`` occurs in ``haystack`` under :func:`fold`.

    ``folded=True`` means ``haystack`` is already folded (saves re-folding a
    long text for many needles). An empty needle never matches.
    """
    n = fold(needle)
    if not n:
        return False
    return n in (haystack if folded else fold(haystack))


def relevance(retrieved: Sequence[tuple[str, str]], gold: Sequence[str], gold_doc: Sequence[str] = ()) -> list[int]:
    """Binary relevance of each retrieved chunk, in rank order.

    ``retrieved``: ``(doc_id, text)`` pairs (text may be the shown text plus
    the indexed text joined). Returns a list of 0/1 of the same length.
    """
    docs = set(gold_doc)
    out = []
    for doc_id, text in retrieved:
        ok = (not docs or doc_id in docs) and bool(gold)
        if ok:
            ft = fold(text)
            ok = any(contains(ft, g, folded=True) for g in gold)
        out.append(1 if ok else 0)
    return out


def _ranked(rels: Sequence[int]) -> tuple[dict, dict]:
    """One ranked list as ir-measures input: qrels holding the relevant
    positions (the judged relevant set is what was retrieved, see module
    docstring) and a run scoring rank ``i`` above rank ``i + 1``."""
    qrels = {"q": {f"r{i}": 1 for i, r in enumerate(rels, 1) if r}}
    run = {"q": {f"r{i}": float(len(rels) - i + 1) for i in range(1, len(rels) + 1)}}
    return qrels, run


def _measure(rels: Sequence[int], measures: dict[str, object]) -> dict[str, float]:
    """``{name: value}`` of ir-measures ``measures`` for one ranked list; 0.0
    for every measure when nothing relevant was retrieved (pytrec_eval skips
    a query without relevant documents)."""
    import ir_measures

    qrels, run = _ranked(rels)
    if not qrels["q"]:
        return {name: 0.0 for name in measures}
    got = ir_measures.calc_aggregate(list(measures.values()), qrels, run)
    return {name: float(got.get(m, 0.0)) for name, m in measures.items()}


def _check_k(k: int) -> None:
    if k <= 0:
        raise ValueError("k must be positive")


def recall_at_k(rels: Sequence[int], k: int) -> float:
    """Hit rate: 1.0 if any of the first ``k`` relevances is 1, else 0.0
    (ir-measures ``Success@k``)."""
    from ir_measures import Success

    _check_k(k)
    return _measure(rels, {"s": Success @ k})["s"]


def mrr_at_k(rels: Sequence[int], k: int = 10) -> float:
    """Reciprocal rank of the first relevant item within the top ``k`` (0.0
    if none; ir-measures ``RR@k``)."""
    from ir_measures import RR

    _check_k(k)
    return _measure(rels, {"rr": RR @ k})["rr"]


def ndcg_at_k(rels: Sequence[int], k: int = 10) -> float:
    """Binary nDCG@k (ir-measures ``nDCG@k``); the ideal ranking is the
    retrieved relevant items first (see module docstring). 0.0 when nothing
    relevant is in the top ``k``."""
    from ir_measures import nDCG

    _check_k(k)
    if not any(rels[:k]):
        return 0.0
    return _measure(list(rels[:k]), {"n": nDCG @ k})["n"]


def answer_correct(answer: str, answer_any: Sequence[Sequence[str]]) -> bool | None:
    """True if every group of ``answer_any`` has an alternative in ``answer``.

    ``None`` when ``answer_any`` is empty (nothing to check, e.g. abstain items).
    """
    if not answer_any:
        return None
    fa = fold(answer or "")
    return all(any(contains(fa, alt, folded=True) for alt in group) for group in answer_any)


def abstention_scores(pairs: Iterable[tuple[bool, bool]]) -> dict[str, float | None]:
    """Precision and recall of abstention from ``(should_abstain, did_abstain)`` pairs.

    Returns ``{"abstain_precision", "abstain_recall", "abstain_f1",
    "false_abstention_rate"}``; the last is the share of answerable questions
    (should not abstain) on which the system abstained. A value is ``None``
    when its denominator is 0.
    """
    tp = fp = fn = tn = 0
    for should, did in pairs:
        if did and should:
            tp += 1
        elif did and not should:
            fp += 1
        elif should and not did:
            fn += 1
        else:
            tn += 1
    p = tp / (tp + fp) if tp + fp else None
    r = tp / (tp + fn) if tp + fn else None
    f1 = 2 * p * r / (p + r) if p is not None and r is not None and p + r > 0 else (0.0 if p == 0 or r == 0 else None)
    fa = fp / (fp + tn) if fp + tn else None
    return {"abstain_precision": p, "abstain_recall": r, "abstain_f1": f1, "false_abstention_rate": fa}


# ---------------------------------------------------------------- citations

_MARKER = re.compile(r"\[(\d+(?:\s*[,;–\-]\s*\d+)*)\]")
_SENT_END = re.compile(r"(?<=[.!?…])\s+|\n+")
_WORD2 = re.compile(r"[^\W\d_]{2,}")


def citation_markers(sentence: str) -> list[int]:
    """Citation numbers in ``sentence``: ``"a [1] b [2, 3] c [4-5]"`` → ``[1, 2, 3, 4, 5]``."""
    out: list[int] = []
    for m in _MARKER.finditer(sentence):
        for part in re.split(r"\s*[,;]\s*", m.group(1)):
            rng = re.split(r"\s*[–\-]\s*", part)
            if len(rng) == 2 and rng[0].isdigit() and rng[1].isdigit() and int(rng[0]) <= int(rng[1]) <= int(rng[0]) + 20:
                out.extend(range(int(rng[0]), int(rng[1]) + 1))
            elif part.strip().isdigit():
                out.append(int(part))
    return out


def split_sentences(text: str) -> list[str]:
    """Split an answer into sentences at ``. ! ? …`` + space and at line breaks.

    A fragment made only of citation markers (``"[2]"`` after a full stop) is
    attached to the sentence before it; a fragment without any word of two or
    more letters (``"3.5."``, ``"-"``) is attached to the sentence after it.
    """
    parts = [p.strip() for p in _SENT_END.split(text or "") if p and p.strip()]
    out: list[str] = []
    carry = ""
    for p in parts:
        if _MARKER.sub("", p).strip(" .;,") == "" and _MARKER.search(p) and out:
            out[-1] = f"{out[-1]} {p}"
            continue
        if not _WORD2.search(_MARKER.sub("", p)):
            carry = f"{carry} {p}".strip()
            continue
        out.append(f"{carry} {p}".strip() if carry else p)
        carry = ""
    if carry:
        if out:
            out[-1] = f"{out[-1]} {carry}"
        else:
            out.append(carry)
    return out


_NUMBER = re.compile(r"\d+(?:[.,/:]\d+)*")


def _norm_number(tok: str) -> str:
    return re.sub(r"(?<!\d)0+(?=\d)", "", tok)


def _numbers(text: str) -> set[str]:
    return {_norm_number(t) for t in _NUMBER.findall(text)}


#: a date written out ("ngày 22 tháng 9 năm 2021", folded; the date grammar of ``corpus.dates``), which an answer
#: may also give as "22/9/2021"
_WRITTEN_DATE = re.compile(rf"\bngay\s+{WORDED_DATE}\b")


def _supports(sentence: str, passage: str, gold: Sequence[str]) -> bool:
    fp = fold(passage)
    if any(contains(fp, g, folded=True) for g in gold):
        return True
    nums = _numbers(_MARKER.sub(" ", sentence))
    held = _numbers(passage) | {_norm_number("/".join(m.groups())) for m in _WRITTEN_DATE.finditer(fp)}
    return bool(nums) and nums <= held


def citation_precision(answer: str, passages: Mapping[int, str], gold: Sequence[str] = ()) -> float | None:
    """Share of ``[n]`` markers in ``answer`` whose passage ``passages[n]``
    supports the marker's sentence (see module docstring). ``None`` if the
    answer has no markers."""
    total = ok = 0
    for s in split_sentences(answer):
        for n in citation_markers(s):
            total += 1
            p = passages.get(n)
            if p is not None and _supports(s, p, gold):
                ok += 1
    return ok / total if total else None


def citation_recall(answer: str, passages: Mapping[int, str], gold: Sequence[str] = ()) -> float | None:
    """Share of answer sentences with at least one supporting citation.
    Sentences without a word of 2+ letters are not counted; ``None`` if none remain."""
    total = ok = 0
    for s in split_sentences(answer):
        if not _WORD2.search(_MARKER.sub("", s)):
            continue
        total += 1
        if any(n in passages and _supports(s, passages[n], gold) for n in citation_markers(s)):
            ok += 1
    return ok / total if total else None


# ---------------------------------------------------------------- numbers

_FIGURE = re.compile(r"(?<![\w.,])\d+(?:[.,]\d+)?\s*%")


def _tight(text: str) -> str:
    """Folded text with the spaces that break number tokens removed: before ``%``,
    around ``/`` and after a hyphen glued to a letter ("187/QĐ- UBND" → "187/qd-ubnd")."""
    t = fold(text)
    t = re.sub(r"\s+%", "%", t)
    t = re.sub(r"\s*/\s*", "/", t)
    return re.sub(r"(?<=[a-z])-\s+", "-", t)


def _skeleton(docnum: str) -> tuple[str, str | None]:
    m = re.match(r"(\d+)(?:/(\d{4}))?", docnum)
    num = m.group(1).lstrip("0") or "0"
    year = m.group(2)
    if year is None:
        y = re.search(r"\b(19|20)\d{2}\b", docnum)
        year = y.group(0) if y else None
    return num, year


def extract_numbers(text: str) -> dict[str, list[str]]:
    """Document numbers and percentage figures in ``text``, in order of appearance.

    ``{"documents": ["61/2018/NĐ-CP", ...], "figures": ["98%", ...]}`` (figures
    written without inner space).
    """
    docs = [m.raw for m in find_numbers(text or "", any_case=True)]  # the one số hiệu grammar
    figs = [re.sub(r"\s+", "", m.group(0)) for m in _FIGURE.finditer(text or "")]
    return {"documents": docs, "figures": figs}


def _occurs(token: str, tight_text: str) -> bool:
    t = _tight(token)
    tail = "" if t.endswith("%") else r"(?![0-9a-z])"
    return re.search(r"(?<![0-9])" + re.escape(t) + tail, tight_text) is not None


def invented_numbers(answer: str, passages: Iterable[str]) -> list[str]:
    """Document numbers and figures in ``answer`` found in none of ``passages``.

    Returns the offending tokens as written in the answer (deduplicated,
    in order). An empty list means every number is backed by a cited passage.
    """
    plist = list(passages)
    tights = [_tight(p) for p in plist]
    skeletons = set()
    for p in plist:
        for d in extract_numbers(p)["documents"]:
            skeletons.add(_skeleton(d))
    found = extract_numbers(answer)
    out: list[str] = []
    for d in found["documents"]:
        if any(_occurs(d, t) for t in tights):
            continue
        sk = _skeleton(d)
        if sk[1] is not None and sk in skeletons:
            continue
        if sk[1] is None and any(s[0] == sk[0] and s[1] is None for s in skeletons):
            continue
        if d not in out:
            out.append(d)
    for f in found["figures"]:
        if not any(_occurs(f, t) for t in tights) and f not in out:
            out.append(f)
    return out


# ---------------------------------------------------------------- aggregation


def retrieval_scores(rels: Sequence[int]) -> dict[str, float]:
    """``{"recall@1", "recall@5", "recall@10", "mrr@10", "ndcg@10"}`` for one
    ranked list, computed by ir-measures (pytrec_eval) in one call."""
    from ir_measures import RR, Success, nDCG

    out = _measure(rels, {"recall@1": Success @ 1, "recall@5": Success @ 5, "recall@10": Success @ 10,
                          "mrr@10": RR @ 10})
    out["ndcg@10"] = ndcg_at_k(rels, 10)
    return out


AVERAGED = ("recall@1", "recall@5", "recall@10", "mrr@10", "ndcg@10", "answer_accuracy",
            "citation_precision", "citation_recall", "invented_numbers_rate")


def _summarise(rows: list[dict]) -> dict:
    out: dict = {"n": len(rows)}
    for key in AVERAGED:
        vals = [float(r[key]) for r in rows if r.get(key) is not None]
        if vals:
            out[key] = sum(vals) / len(vals)
    pairs = [(bool(r["should_abstain"]), bool(r["abstained"])) for r in rows if "abstained" in r]
    if pairs:
        out.update(abstention_scores(pairs))
    inv = [r["invented_numbers"] for r in rows if isinstance(r.get("invented_numbers"), list)]
    if inv:
        out["invented_numbers_total"] = sum(len(x) for x in inv)
    return out


def aggregate(rows: Sequence[Mapping]) -> dict:
    """Means of the per-question metrics, overall and per ``kind``.

    Each row is a dict with ``kind`` and any of the metric keys in
    :data:`AVERAGED` (``None`` = not applicable, skipped), plus
    ``should_abstain``/``abstained`` for abstention and ``invented_numbers``
    (a list) for the total count. Returns ``{"overall": {...}, "by_kind":
    {kind: {...}}}`` where each summary has ``n`` (questions) and the means.
    """
    rows = [dict(r) for r in rows]
    by: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        by[r.get("kind", "?")].append(r)
    return {"overall": _summarise(rows), "by_kind": {k: _summarise(v) for k, v in by.items()}}
