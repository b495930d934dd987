"""Tokens for the lexical (BM25) side: Vietnamese word segmentation
(underthesea) + accent folding.

Each text yields (a) every folded syllable, (b) every multi-syllable word from
the segmenter joined with ``_`` (``cai_cach``), and (c) legal số hiệu kept whole
(``60/2021/nd-cp``). Emitting syllables as well as words keeps unaccented
queries, which the segmenter cannot group into words, matching accented text.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_NUMBER_RE = re.compile(r"\b\d{1,5}(?:[/-][0-9A-Za-zĐđ]+(?:[-/][0-9A-Za-zĐđ]+)*)+")
_WORD_RE = re.compile(r"[0-9a-z]+")


def fold(text: str) -> str:
    """Lower-case, drop Vietnamese diacritics (NFD + remove combining marks), đ→d."""
    text = text.lower().replace("đ", "d")
    return "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")


@lru_cache(maxsize=1)
def _segmenter():
    from underthesea import word_tokenize

    return word_tokenize


def lexical_tokens(text: str, segment: bool = True) -> list[str]:
    """Folded BM25 tokens of ``text`` (see module docstring). ``segment=False``
    skips the word segmenter (syllables and số hiệu only; ~100× faster)."""
    text = unicodedata.normalize("NFC", text)
    tokens: list[str] = [fold(m.group(0)) for m in _NUMBER_RE.finditer(text)]
    tokens.extend(_WORD_RE.findall(fold(text)))
    if segment:
        try:
            words = _segmenter()(text)
        except Exception:  # the CRF segmenter must never break ingest
            words = []
        for w in words:
            if " " in w:
                parts = _WORD_RE.findall(fold(w))
                if len(parts) > 1:
                    tokens.append("_".join(parts))
    return tokens


# Question words and function words that carry no topic (folded forms).
QUERY_STOPWORDS = frozenset(
    "la gi nao bao_nhieu bao nhieu cua va cac nhung duoc theo ve co khong cho trong tai voi den thi sao nhu the "
    "hay hoac nhu_the_nao the_nao o_dau khi_nao bao_gio ai gi a oi nhe vay do nay kia mot nhung ra vao len xuong "
    "can phai se da dang bi boi tu tren duoi de ma neu khi thi".split()
)


def query_terms(text: str) -> list[str]:
    """Topic terms of a question for evidence coverage: segmented words
    (multi-syllable words joined with ``_``), accent-folded, without question
    and function words; số hiệu kept whole."""
    text = unicodedata.normalize("NFC", text)
    terms = [fold(m.group(0)) for m in _NUMBER_RE.finditer(text)]
    rest = _NUMBER_RE.sub(" ", text)
    try:
        words = _segmenter()(rest)
    except Exception:
        words = rest.split()
    for w in words:
        parts = _WORD_RE.findall(fold(w))
        if not parts:
            continue
        term = "_".join(parts)
        if term not in QUERY_STOPWORDS:
            terms.append(term)
    return list(dict.fromkeys(terms))
