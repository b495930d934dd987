"""OCR-damaged Vietnamese text: detection and repair.

Two bundled plans (``2023-mn-tuoi-hong-q1-par-index``, ``2024-th-hoa-binh-q1-papi``)
are OCR output in which the Vietnamese diacritics are destroyed: most tone and
vowel marks are lost, the rest are replaced by look-alike glyphs
(``của`` → ``ctia``, ``năm`` → ``nim``/``ndm``, ``số`` → ``s6``/``sb``/``$6``,
``Độc lập`` → ``Poc 1ap``, ``NĐ-CP`` → ``ND-CP``/``NP-CP``, ``QĐ`` → ``QP``/``QDP``).

Detection — :func:`accent_ratio` (= :func:`corpus.textnorm.vietnamese_accent_ratio`;
:func:`is_ocr_damaged` and the threshold are defined in :mod:`corpus.textnorm`) is the share of letters carrying a Vietnamese
diacritic (or đ). Measured on the whole bundled files (``python -m
evals.ocr_restore`` prints the table)::

    plans/2023-mn-hoa-phuong-q8-cchc               0.290   clean
    plans/2024-mn-ben-thanh-q1-cchc                0.281   clean
    plans/2024-mn-huong-sen-go-vap-cai-cach-tthc   0.281   clean
    decrees/nd-106-2020-nd-cp                      0.307   clean
    decrees/nd-120-2020-nd-cp                      0.307   clean
    decrees/nd-60-2021-nd-cp                       0.297   clean
    decrees/nd-61-2018-nd-cp                       0.290   clean
    decrees/tt-01-2018-tt-vpcp                     0.288   clean
    plans/2023-mn-tuoi-hong-q1-par-index           0.053   OCR
    plans/2024-th-hoa-binh-q1-papi                 0.061   OCR

Clean Vietnamese text sits at 0.28–0.31, the OCR plans at 0.05–0.06 (their
few marks are look-alike glyphs such as ``é`` for ``ê``/``ơ``) and text typed
without diacritics at 0.00. :data:`OCR_ACCENT_THRESHOLD` = 0.17 is half-way
between the OCR maximum (0.061) and the clean minimum (0.281).

Repair — :func:`repair_text` is a noisy-channel decoder:

1. Legal số hiệu: the codes of số hiệu are repaired by the grammar of
   :mod:`corpus.legal_refs`: a code that is not a known code but becomes a
   known Đ-code (``NĐ``, ``QĐ``, ``HĐND``, ``BGDĐT`` …) with the bar restored or
   under the Đ-confusion ``{D, P, DP} → Đ`` is replaced (``ND-CP``/``NP-CP`` →
   ``NĐ-CP``, ``QP``/``QDP-UBND`` → ``QĐ-UBND``).
2. Words: each OCR token is mapped through a character confusion model
   (digits and symbols in alphabetic context: ``1→l``, ``0/6/8/9/§→o``,
   ``3/4→a``, ``5/$→s``, ``¥→y``, ``¢→e``; onset ``P`` before a vowel → ``Đ``,
   since Vietnamese has no native ``p`` onset). Candidate syllables are the
   known folded Vietnamese syllables (from :mod:`corpus.diacritics` training
   text) with the same onset and final consonant whose vowel nucleus is within a
   small weighted edit distance (vowel↔vowel and look-alike substitutions are
   cheap). The accented readings of these candidates are decoded with the
   syllable bigram language model of :mod:`corpus.diacritics` (Viterbi), the
   channel cost weighting each edit. This restores diacritics at the same time.

Upper-case tokens inside mixed-case lines (``PAPI``, ``CCHC``, ``UBND``) are
abbreviations and are only restored when they are a known syllable verbatim.
Every function here accepts any str and never raises on it.
"""

from __future__ import annotations

import bisect
import math
import re
import unicodedata
from functools import lru_cache

from corpus.diacritics import _NUM, DiacriticModel, backtrack, get_model
from corpus.legal_refs import fold, repair_number_codes
from corpus.textnorm import OCR_ACCENT_THRESHOLD, is_ocr_damaged, vietnamese_accent_ratio

__all__ = [
    "OCR_ACCENT_THRESHOLD",
    "accent_ratio",
    "is_ocr_damaged",
    "repair_legal_numbers",
    "repair_text",
]

# Detection lives in corpus.textnorm (the diacritic model's training-text filter needs it
# too, and corpus.diacritics cannot import this module); re-exported here.
accent_ratio = vietnamese_accent_ratio


# --------------------------------------------------------------------------- số hiệu codes


def repair_legal_numbers(text: str) -> str:
    """Repair the type codes of số hiệu: ``60/2021/ND-CP`` → ``60/2021/NĐ-CP``,
    ``2844/QDP-UBND`` → ``2844/QĐ-UBND``, ``42/2022/NP-CP`` → ``42/2022/NĐ-CP``.

    The rules are the số hiệu grammar's (:func:`corpus.legal_refs.repair_number_codes`):
    a code is changed only when it is not a known code and becomes a known Đ-code
    with the bar restored or under the Đ-confusion ``{DP, P} → Đ``. Known codes are
    kept. Never raises on str.
    """
    return repair_number_codes(text)


# --------------------------------------------------------------------------- word channel model

_ONSETS = sorted(
    ["ngh", "ng", "nh", "ch", "gh", "gi", "kh", "ph", "qu", "th", "tr",
     "b", "c", "d", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x"],
    key=len, reverse=True,
)
_CODAS = ["ng", "nh", "ch", "c", "m", "n", "p", "t"]
_VOWELS = set("aeiouy")
# OCR glyph → true (folded) letter, inside alphabetic tokens
_CHAR_MAP = {
    "1": "l", "0": "o", "6": "o", "8": "o", "9": "o", "§": "o",
    "3": "a", "4": "a", "5": "s", "$": "s", "¥": "y", "¢": "e", "&": "e",
}
# look-alikes of vowels with marks in the OCR plans (ô/ơ/ă read as d/b/t, ư as t …)
_VOWEL_LOOKALIKE = set("dbtl")
_GLYPHS = "$§¢¥&"
_GLYPH_TOKEN_RE = re.compile(r"(?:[^\W_]|[$§¢¥&])+", re.UNICODE)

_ROMAN_RE = re.compile(r"^(?:I{1,3}|IV|VI{0,3}|IX|XI{0,3}|XIV|XV|I[1Il][1Il]|IL)$")
_CHANNEL_WEIGHT = 4.0  # log-prob penalty per unit of edit cost (tuned on evals OCR_GOLD: 3→0.942, 4→0.947)
_MAX_COST = 1.6
_MAX_CANDIDATES = 20  # accented candidates per token kept for Viterbi


def _split_syllable(s: str) -> tuple[str, str, str]:
    """Split a folded syllable into (onset, vowel nucleus, final consonant)."""
    if s in _ONSETS or s in ("ngh",):
        return s, "", ""
    onset = ""
    for o in _ONSETS:
        if s.startswith(o) and len(s) > len(o):
            onset = o
            break
    rest = s[len(onset):]
    coda = ""
    for c in _CODAS:
        if rest.endswith(c) and len(rest) > len(c):
            coda = c
            break
    return onset, rest[: len(rest) - len(coda)], coda


# multi-glyph OCR confusions inside a word: (OCR form, true form, cost)
_MULTI = [("ii", "u", 0.3), ("ti", "u", 0.5), ("mg", "ng", 0.3), ("rn", "m", 0.3)]


def _variants(base: str) -> list[tuple[str, float]]:
    """Readings of a folded OCR token under onset/coda/multi-glyph confusions."""
    out = {base: 0.0}
    # onset P + vowel is Đ (no native p- onset in Vietnamese)
    if base.startswith("p") and len(base) > 1 and base[1] in _VOWELS:
        out["d" + base[1:]] = 0.2
    for form, pen in list(out.items()):
        for ocr, true, c in _MULTI:
            i = form.find(ocr, 1)
            if i > 0:
                v = form[:i] + true + form[i + len(ocr):]
                out[v] = min(out.get(v, 9.0), pen + c)
        # final c followed by a stray e (nuéce → nuoc)
        if len(form) > 3 and form.endswith("ce"):
            v = form[:-1]
            out[v] = min(out.get(v, 9.0), pen + 0.3)
        # final consonant c read as e (thue → thuc, viée → viec)
        if len(form) > 2 and form.endswith("e") and form[-2] in _VOWELS:
            v = form[:-1] + "c"
            out[v] = min(out.get(v, 9.0), pen + 0.4)
        # a non-initial q is an o with a mark (HQC → hoc)
        if "q" in form[1:] and not form[1:].startswith("u"):
            v = form[0] + form[1:].replace("q", "o")
            out[v] = min(out.get(v, 9.0), pen + 0.3)
    return sorted(out.items(), key=lambda kv: kv[1])


def _sub_cost(a: str, b: str) -> float:
    """Cost of reading true letter ``b`` as OCR letter ``a``."""
    if a == b:
        return 0.0
    if a in _VOWELS and b in _VOWELS:
        return 0.6
    if a in "db" and b in "oae":
        return 0.3
    if a in _VOWEL_LOOKALIKE and b in _VOWELS:
        return 0.7
    return 1.5


def _vowel_cost(ocr: str, true: str) -> float:
    """Weighted Levenshtein between OCR vowel nucleus and a true one (short strings)."""
    n, m = len(ocr), len(true)
    prev = [0.0] * (m + 1)
    for j in range(1, m + 1):
        prev[j] = prev[j - 1] + (0.7 if true[j - 1] in _VOWELS else 1.0)
    for i in range(1, n + 1):
        cur = [prev[0] + 0.8] + [0.0] * m
        for j in range(1, m + 1):
            cur[j] = min(
                prev[j] + 0.8,  # extra OCR glyph
                cur[j - 1] + (0.7 if true[j - 1] in _VOWELS else 1.0),  # letter lost by OCR
                prev[j - 1] + _sub_cost(ocr[i - 1], true[j - 1]),
            )
        prev = cur
    return prev[m]


class _Channel:
    def __init__(self, model: DiacriticModel):
        self.model = model
        index: dict[tuple[str, str], list[tuple[str, str]]] = {}
        for folded in model.candidates_map:
            if not folded.isalpha() or not folded.isascii():
                continue
            on, vo, co = _split_syllable(folded)
            index.setdefault((on, co), []).append((vo, folded))
        self.index = index

    @lru_cache(maxsize=20000)
    def candidates(self, token: str, edits: bool) -> tuple[tuple[str, float], ...]:
        """Accented candidates with channel log-cost for one OCR token (lower-cased)."""
        base = "".join(_CHAR_MAP.get(ch, ch) for ch in fold(token))
        if not base.isalpha() or not base.isascii():
            return ()
        variants = _variants(base)
        scored: dict[str, float] = {}
        for form, pen in variants:
            if form in self.model.candidates_map:
                scored[form] = min(scored.get(form, 9.0), pen)
            if not edits:
                continue
            on, vo, co = _split_syllable(form)
            for von, folded in self.index.get((on, co), ()):
                if abs(len(von) - len(vo)) > 2:
                    continue
                c = _vowel_cost(vo, von) + pen
                if c <= _MAX_COST and c < scored.get(folded, 9.0):
                    scored[folded] = c
        out: list[tuple[str, float]] = []
        for folded, cost in sorted(scored.items(), key=lambda kv: kv[1])[:12]:
            for acc in self.model.candidates(folded)[:6]:
                out.append((acc, -_CHANNEL_WEIGHT * cost))
        # prune by channel + unigram score
        out.sort(key=lambda x: x[1] + math.log(self.model.p_uni(x[0])), reverse=True)
        return tuple(out[:_MAX_CANDIDATES])

    def decode(self, words: list[str], cands: list[tuple[tuple[str, float], ...]], ends: bool = False) -> list[str]:
        """Viterbi over one run. A token without candidates (abbreviation, unknown
        word) is kept; the LM treats it as unknown context on both sides.
        ``ends``: the run is closed by punctuation (``,`` ``;`` ``.`` …), so the
        end-of-run probability (:meth:`log_p_end`) of the last word is scored."""
        lm = self.model
        prev_states: list[str] = ["<s>"]
        prev_scores = [0.0]
        prev_unknown = False
        back: list[list[int]] = []
        lat: list[list[str]] = []
        for w, cs in zip(words, cands):
            if not cs:
                j = max(range(len(prev_scores)), key=prev_scores.__getitem__)
                back.append([j])
                lat.append([w])
                prev_states, prev_scores, prev_unknown = [w], [prev_scores[j]], True
                continue
            states = [c for c, _ in cs]
            chan = [s for _, s in cs]
            scores, bps = [], []
            for c, ch in zip(states, chan):
                if prev_unknown:
                    best_s, best_j = prev_scores[0] + math.log(lm.p_uni(c)), 0
                else:
                    best_s, best_j = -math.inf, 0
                    for j, ps in enumerate(prev_states):
                        s = prev_scores[j] + lm.logp(ps, c)
                        if s > best_s:
                            best_s, best_j = s, j
                scores.append(best_s + ch)
                bps.append(best_j)
            back.append(bps)
            lat.append(states)
            prev_states, prev_scores, prev_unknown = states, scores, False
        if ends and not prev_unknown:
            # the run ends here (punctuation or line end): log P(end of run | last word)
            prev_scores = [sc + self.log_p_end(st) for st, sc in zip(prev_states, prev_scores)]
        return backtrack(lat, back, prev_scores)

    def log_p_end(self, w: str) -> float:
        """log P(a run of words ends after ``w``), from the bigram counts of the model:
        occurrences of ``w`` not followed by a word in its run, add-½ smoothed.

        This is the sentence-end event of n-gram language models: it tells
        ``MỤC ĐÍCH,`` (a run often ends on *đích*) from ``danh mục dịch vụ``
        (*dịch* is nearly always followed by *vụ*), which the bigram alone
        (mục→đích 26, mục→dịch 27 in the training text) cannot."""
        lm = self.model
        uni = lm.unigrams.get(w, 0)
        ends = max(uni - lm.ctx_count.get(w, 0), 0)
        return math.log((ends + 0.5) / (uni + 1.0))


@lru_cache(maxsize=2)
def _channel_for(model: DiacriticModel) -> _Channel:
    return _Channel(model)


def _channel() -> _Channel:
    """The channel over the diacritic model in use (:func:`corpus.diacritics.get_model`)."""
    return _channel_for(get_model())


def _case_like(src: str, word: str) -> str:
    if src.isupper() and sum(c.isalpha() for c in src) > 1:
        return word.upper()
    if src[:1].isupper() or (src[:1] in "$P" and len(src) > 1):
        return word[:1].upper() + word[1:]
    return word


def _caps_lines(text: str) -> list[tuple[int, bool]]:
    """(line start offset, line is mostly upper case) for each line."""
    out = []
    pos = 0
    for ln in text.splitlines(keepends=True):
        letters = [c for c in ln if c.isalpha()]
        out.append((pos, bool(letters) and sum(c.isupper() for c in letters) / len(letters) > 0.8))
        pos += len(ln)
    return out


def _repair_block(line: str, ch: _Channel) -> str:
    """Repair a paragraph; word runs continue across single line breaks."""
    caps = _caps_lines(line)
    starts = [p for p, _ in caps]
    def caps_at(off: int) -> bool:
        i = bisect.bisect_right(starts, off) - 1
        return caps[i][1] if i >= 0 else False

    spans: list[tuple[int, int, str]] = []  # (start, end, token) of word tokens
    for m in _GLYPH_TOKEN_RE.finditer(line):
        tok = m.group(0)
        if tok.isdigit() or _ROMAN_RE.match(tok):
            spans.append((m.start(), m.end(), _NUM))
            continue
        if not any(c.isalpha() for c in tok):
            # a lone digit glyph run like "$" — treat as a word only if it is a symbol glyph
            if not any(c in _GLYPHS for c in tok):
                spans.append((m.start(), m.end(), _NUM))
                continue
        # a digit-led token attached to ':' or '/' is part of a số hiệu ("Số: 5b /KH")
        if tok[0].isdigit():
            before = line[max(0, m.start() - 1) : m.start()]
            after = line[m.end() : m.end() + 3].lstrip(" ")
            if before in (":", "/") or after.startswith("/"):
                spans.append((m.start(), m.end(), _NUM))
                continue
        spans.append((m.start(), m.end(), tok))
    if not spans:
        return line
    # split into runs at punctuation (anything other than spaces between tokens)
    out_parts: list[str] = []
    pos = 0
    run: list[tuple[int, int, str]] = []

    def flush() -> None:
        if not run:
            return
        words, cands, keep = [], [], []
        for _s, _e, tok in run:
            if tok == _NUM:
                words.append(_NUM)
                cands.append(((_NUM, 0.0),))
                keep.append(True)
                continue
            abbrev = tok.isupper() and len(tok) > 1 and not caps_at(_s)
            has_digit = any(c.isdigit() for c in tok)
            if has_digit and sum(c.isdigit() for c in tok) > sum(c.isalpha() or c in _GLYPHS for c in tok):
                words.append(_NUM)
                cands.append(((_NUM, 0.0),))
                keep.append(True)
                continue
            c = ch.candidates(tok.lower(), not abbrev)
            if tok[:1].isupper() and tok[1:].islower() and c:
                # Title-case words are mostly names (schools, places), where the language model knows
                # least: trust the OCR channel twice as much ("Tudi Hồng" → "Tuổi", not "Tủi").
                c = tuple((w, 2.0 * cost) for w, cost in c)
            words.append(fold(tok.lower()))
            cands.append(c)
            keep.append(not c)
        after = line[run[-1][1] : run[-1][1] + 3].lstrip(" ")[:1]
        dec = ch.decode(words, cands, ends=bool(after) and after in ",.;:!?)”\"")
        for (s, e, tok), w, k in zip(run, dec, keep):
            nonlocal pos
            out_parts.append(line[pos:s])
            out_parts.append(line[s:e] if k or w == _NUM else _case_like(tok, w))
            pos = e
        run.clear()

    for i, sp in enumerate(spans):
        if run:
            gap = line[run[-1][1] : sp[0]]
            if gap.strip() or gap.count("\n") > 1 or caps_at(sp[0]) != caps_at(run[-1][0]):
                flush()
        run.append(sp)
    flush()
    out_parts.append(line[pos:])
    return "".join(out_parts)


def repair_text(text: str) -> str:
    """Repair OCR-damaged Vietnamese text and restore its diacritics.

    ``"Thyc hién Ké hoach sé 1905/KH-UBND ngay 10 thang 5 nim 2023 ctia Uy ban"``
    → ``"Thực hiện Kế hoạch số 1905/KH-UBND ngày 10 tháng 5 năm 2023 của Ủy ban"``.
    Line breaks, punctuation, numbers and số hiệu are kept in place; type codes
    of số hiệu are fixed by :func:`repair_legal_numbers`. Returns non-str input
    unchanged as ``""``; never raises. About 1–2 s for 25 KB of text; repeated
    texts come from a cache (answers repair the sentences of the same
    retrieved passages again and again: about 0.2 s per question before).
    """
    if not isinstance(text, str) or not text:
        return "" if not isinstance(text, str) else text
    return _repair_text(text, get_model().version)


@lru_cache(maxsize=8192)
def _repair_text(text: str, model_version: int) -> str:
    """Cached per text and diacritic model (``model_version``: the repair reads
    the model in use, which differs per store, :func:`corpus.diacritics.get_model`)."""
    try:
        text = unicodedata.normalize("NFC", text)
        text = repair_legal_numbers(text)
        ch = _channel()
        return _repair_block(text, ch)
    except Exception:  # pragma: no cover - defensive: repair must never break ingest
        return text
