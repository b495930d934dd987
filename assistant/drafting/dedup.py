"""Near-duplicate detection between plan items taken from different kế hoạch.

School plans copy the district's template, so the same nhiệm vụ appears in
several plans with small edits ("giải quyết TTHC" / "giải quyết thủ tục hồ sơ",
"người đứng đầu" / "cán bộ quản lý nhà trường"). Two items are near-duplicates
when, on folded text (diacritics removed, lower-cased, common abbreviations
expanded, numbering and the unit's name removed),

    sim(a, b) = max(Jaccard(word sets), Jaccard(character 4-gram sets)) ≥ 0.5

Threshold choice (pairs of items of the bundled plans, computed with
:func:`similarity`): true copies of the template score
0.55–0.95 (measured on the pairs named here) (e.g. Hoa Phượng 3.3 vs Bến Thành 3.3 "Thực hiện công khai, minh
bạch … bảo đảm 100% thủ tục … được công bố" → 0.85; Hoa Phượng 5.3 vs Bến
Thành 5.8 "phong trào thi đua thực hiện văn hóa công vụ" → 0.92), while
different nhiệm vụ of the same area score below 0.40 (e.g. Bến Thành 3.3
"công khai … TTHC" vs 3.4 "Nâng cao chất lượng giải quyết hồ sơ" → 0.19; Hoa Phượng 2.1 vs 2.3 → 0.17).
0.5 sits in the gap; see tests/test_dedup.py for the real pairs.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import TypeVar

from corpus.glossary import ABBREVIATIONS
from corpus.legal_refs import fold

T = TypeVar("T")

DEFAULT_THRESHOLD = 0.5

_NUMBERING = re.compile(r"^\s*(?:[IVX]+\.|\d+(?:\.\d+)*\.?|[-*+•])\s*")
_WORD = re.compile(r"[a-z0-9]+")
# Abbreviations used interchangeably with the full term in the plans (folded words).
_EXPANSIONS = {fold(k): " ".join(_WORD.findall(fold(v))) for k, v in ABBREVIATIONS.items()}


def normalize(text: str, drop: Sequence[str] = ()) -> str:
    """Folded comparison form: numbering removed, abbreviations expanded, the
    phrases in ``drop`` (e.g. unit names) removed, punctuation → spaces."""
    t = fold(_NUMBERING.sub("", text))
    for d in drop:
        if d:
            t = t.replace(fold(d), " ")
    words = [_EXPANSIONS.get(w, w) for w in _WORD.findall(t)]
    return " ".join(words)


def _grams(s: str, n: int = 4) -> set[str]:
    s = s.replace(" ", "_")
    return {s[i : i + n] for i in range(max(1, len(s) - n + 1))}


def _jaccard(a: set, b: set) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def similarity(a: str, b: str, drop: Sequence[str] = ()) -> float:
    """Similarity in [0, 1] of two plan items (see module doc for the formula)."""
    na, nb = normalize(a, drop), normalize(b, drop)
    return max(_jaccard(set(na.split()), set(nb.split())), _jaccard(_grams(na), _grams(nb)))


def dedup(
    items: Sequence[T],
    key: Callable[[T], str] = lambda x: x,  # type: ignore[assignment, return-value]
    threshold: float = DEFAULT_THRESHOLD,
    drop: Sequence[str] = (),
) -> list[tuple[T, list[T]]]:
    """Keep the first of each group of near-duplicates, in input order.

    ``items`` should be sorted by preference (the caller's best source first).
    Returns ``[(kept_item, [dropped duplicates of it…]), …]``. O(n²) in the
    number of items, fine for a plan section (tens of items).
    """
    kept: list[tuple[T, list[T], str, set[str], set[str]]] = []
    for it in items:
        n = normalize(key(it), drop)
        ws, gs = set(n.split()), _grams(n)
        for k in kept:
            if max(_jaccard(ws, k[3]), _jaccard(gs, k[4])) >= threshold:
                k[1].append(it)
                break
        else:
            kept.append((it, [], n, ws, gs))
    return [(k[0], k[1]) for k in kept]
