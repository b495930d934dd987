"""Vietnamese diacritic restoration (thêm dấu) for unaccented text and OCR text.

Model: a syllable-level bigram language model with Viterbi decoding.

* Candidates: every accented syllable seen in training whose folded form
  (diacritics removed, ``đ`` → ``d``, lower-cased) equals the input token.
* Score: log P(s_i | s_{i-1}) with interpolated absolute discounting
  (Ney, Essen & Kneser 1994, "On structuring probabilistic dependences in
  stochastic language modelling"), decoded by Viterbi over the candidate
  lattice of each run of words between punctuation.
* Training text (all offline): the *base* text shipped with underthesea —
  the VLSP 2013 sentences of its POS model
  (``pos_crf_vlsp2013_*/test_output.txt``, ~97K syllables) and the Viet74K
  word list (each entry counted once, gives within-word bigrams) — plus the
  clean (non-OCR) text of the documents a store has indexed. The counts are
  additive (:class:`SyllableCounts`), so a store's model is the base counts
  plus one count table per indexed document version
  (``index.knowledge.StoreDiacritics``); nothing here reads a corpus folder.

Which model the functions of this module (and :mod:`corpus.ocr`) use:
:func:`get_model` returns the model made current by :func:`use_model` (a
context manager, per thread/task: ingest and search use their store's model),
else the process default (:func:`set_default_model`), else the base model.

Measured (``python -m evals.ocr_restore``, model = base + the clean bundled
documents as a store holding them builds it, metadata lines excluded): word
accuracy on the 17 clean bundled documents (145,769 words) with diacritics
stripped, leave-one-document-out (the test document is never in the training
text): **0.978** (per document 0.897–0.996; the lowest is Phụ lục I of NĐ
30/2020, layout vocabulary). On the first 8 clean documents (71,164 words)
pyvi's ``ViUtils.add_accents`` (CRF, per line) reached 0.761 against 0.977 for
this model (``--pyvi``) — hence this model.

Tokens that already carry a diacritic are kept as they are and used as context.
Case is restored from the input token (``UBND`` stays upper, ``Ke`` → ``Kế``).
Never raises on str input; non-str input raises ``TypeError``.
"""

from __future__ import annotations

import itertools
import math
import re
import threading
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from corpus.legal_refs import fold
from corpus.models import ParsedDocument
from corpus.textnorm import is_ocr_damaged

__all__ = [
    "has_diacritics",
    "is_unaccented",
    "restore_diacritics",
    "restore_unaccented",
    "DiacriticModel",
    "SyllableCounts",
    "count_syllables",
    "base_counts",
    "clean_texts",
    "text_lines",
    "model_for_texts",
    "get_model",
    "use_model",
    "set_default_model",
    "training_sentences",
]

_WORD_RE = re.compile(r"[^\W\d_]+", re.UNICODE)
_TOKEN_RE = re.compile(r"[^\W\d_]+|\d+(?:[.,/]\d+)*|[^\w\s]|_|\s+", re.UNICODE)
_BOS = "<s>"
_NUM = "<num>"


def _strip(text: str) -> str:
    """``text`` without diacritics, case kept (``corpus.legal_refs.fold`` with ``keep_case``)."""
    return fold(text, keep_case=True)


def has_diacritics(word: str) -> bool:
    """True if ``word`` contains a Vietnamese letter with a diacritic (or đ)."""
    return _strip(word) != word


def is_unaccented(text: str, model: "DiacriticModel | None" = None) -> bool:
    """True if ``text`` (e.g. a user's query) is Vietnamese typed without diacritics.

    Rule: at least 2 alphabetic words and fewer than 5 % of its letters carry a
    diacritic (accented Vietnamese text in this corpus has 28–31 %; see ``corpus.ocr``).
    ``"nghi dinh 61 quy dinh gi"`` → True, ``"Nghị định 61"`` → False.
    """
    if not isinstance(text, str):
        return False
    words = _WORD_RE.findall(text)
    if len(words) < 2:
        # A single word: unaccented if it is a known Vietnamese folded syllable
        # that has accented readings, e.g. "nghi".
        if len(words) == 1 and not has_diacritics(words[0]):
            return words[0].lower() in (model or get_model()).candidates_map
        return False
    letters = sum(len(w) for w in words)
    accented = sum(1 for w in words for ch in w if _strip(ch) != ch)
    return accented / max(letters, 1) < 0.05


# --------------------------------------------------------------------------- training data


def _underthesea_dir() -> Path | None:
    """Directory of the installed underthesea package, located without importing it."""
    try:
        import importlib.util

        spec = importlib.util.find_spec("underthesea")
    except Exception:  # pragma: no cover - dependency missing
        return None
    if spec is None or not spec.origin:
        return None
    return Path(spec.origin).resolve().parent


def _vlsp_path() -> Path | None:
    root = _underthesea_dir()
    if root is None:
        return None
    base = root / "pipeline" / "pos_tag" / "models"
    found = sorted(base.glob("pos_crf_vlsp2013_*/test_output.txt"))
    return found[-1] if found else None


def _dict_path() -> Path | None:
    root = _underthesea_dir()
    if root is None:
        return None
    p = root / "corpus" / "data" / "Viet74K.txt"
    return p if p.exists() else None


def _vlsp_sentences() -> Iterable[str]:
    p = _vlsp_path()
    if p is None:
        return []
    sents: list[str] = []
    cur: list[str] = []
    for line in p.read_text(encoding="utf-8", errors="replace").splitlines():
        if not line.strip():
            if cur:
                sents.append(" ".join(cur))
                cur = []
            continue
        cur.append(line.split("\t", 1)[0])
    if cur:
        sents.append(" ".join(cur))
    return sents


def _base_sentences() -> list[str]:
    sents: list[str] = list(_vlsp_sentences())
    p = _dict_path()
    if p is not None:
        sents.extend(p.read_text(encoding="utf-8", errors="replace").splitlines())
    return sents


#: Lines that are metadata rather than running text: provenance tags of the
#: corpus files ("SOURCE: …", "NOTE: …") and bracketed codification notes
#: ("[pháp điển: Điều 5.2.NĐ.14.1; ghi chú nguồn: (…)]", one per article). They
#: repeat the same words dozens of times per document and would skew the bigram
#: counts, so they are not training text.
_META_LINE = re.compile(r"^\s*(?:[A-Z][A-Z_]+:\s|\[[^\]:]{1,30}:[^\]]*\]\s*$)")


def text_lines(text: str) -> list[str]:
    """The lines of a document that are training text (not :data:`_META_LINE`)."""
    return [ln for ln in text.splitlines() if not _META_LINE.match(ln)]


def is_clean_text(doc: ParsedDocument) -> bool:
    """True when ``doc``'s text may be training text: its diacritics were not
    destroyed by OCR (neither flagged at ingest nor detected now by
    :func:`corpus.textnorm.is_ocr_damaged`, accent ratio under 0.17) and it has
    passages (a data table such as a validity table has none)."""
    return bool(doc.chunks) and not doc.meta.ocr_damaged and not is_ocr_damaged(doc.text)


def clean_texts(docs: Iterable[ParsedDocument]) -> dict[str, str]:
    """``{doc_id: NFC text}`` of the documents that may be training text (:func:`is_clean_text`)."""
    return {d.meta.doc_id: unicodedata.normalize("NFC", d.text) for d in docs if is_clean_text(d)}


def training_sentences(texts: Mapping[str, str] | None = None, exclude_docs: Iterable[str] = ()) -> list[str]:
    """All training text as a list of strings (sentences / lines / dictionary entries):
    the base text, then the lines of ``texts`` (``{doc_id: text}``, e.g.
    :func:`clean_texts` of a corpus) except the doc_ids in ``exclude_docs``
    (held-out evaluation)."""
    excl = set(exclude_docs)
    sents = _base_sentences()
    for doc_id, text in (texts or {}).items():
        if doc_id not in excl:
            sents.extend(text_lines(text))
    return sents


# --------------------------------------------------------------------------- model


def _runs(text: str) -> list[list[str]]:
    """Split text into runs of lower-cased words/number tokens between punctuation."""
    runs: list[list[str]] = []
    cur: list[str] = []
    for m in _TOKEN_RE.finditer(text):
        t = m.group(0)
        if t[0].isalpha():
            cur.append(t.lower())
        elif t[0].isdigit():
            cur.append(_NUM)
        elif t.isspace():
            continue
        else:
            if cur:
                runs.append(cur)
            cur = []
    if cur:
        runs.append(cur)
    return runs


def backtrack(lat: list[list[str]], back: list[list[int]], last_scores: list[float]) -> list[str]:
    """Viterbi backtrace: the best state sequence through lattice ``lat``
    given back-pointers ``back`` and the scores of the last column."""
    k = max(range(len(last_scores)), key=last_scores.__getitem__)
    out = [""] * len(lat)
    for i in range(len(lat) - 1, -1, -1):
        out[i] = lat[i][k]
        k = back[i][k]
    return out


@dataclass
class SyllableCounts:
    """Unigram and bigram counts of lower-cased syllables (``<s>`` opens each
    run of words between punctuation; numbers are ``<num>``). Counts add up:
    the counts of two texts are the sum of their counts."""

    unigrams: Counter = field(default_factory=Counter)
    bigrams: Counter = field(default_factory=Counter)

    def add(self, other: "SyllableCounts") -> "SyllableCounts":
        """Add ``other``'s counts into these (in place); returns self."""
        self.unigrams.update(other.unigrams)
        self.bigrams.update(other.bigrams)
        return self

    def copy(self) -> "SyllableCounts":
        return SyllableCounts(Counter(self.unigrams), Counter(self.bigrams))


def count_syllables(sentences: Iterable[str]) -> SyllableCounts:
    """:class:`SyllableCounts` of ``sentences`` (each str is NFC-normalised and
    split into runs at punctuation)."""
    uni: Counter[str] = Counter()
    bi: Counter[tuple[str, str]] = Counter()
    for s in sentences:
        s = unicodedata.normalize("NFC", s)
        for run in _runs(s):
            prev = _BOS
            for w in run:
                uni[w] += 1
                bi[(prev, w)] += 1
                prev = w
    return SyllableCounts(uni, bi)


@lru_cache(maxsize=1)
def base_counts() -> SyllableCounts:
    """Counts of the base training text (VLSP 2013 sentences + Viet74K), built once (~1 s)."""
    return count_syllables(_base_sentences())


def model_for_texts(texts: Iterable[str]) -> "DiacriticModel":
    """A model trained on the base text plus ``texts`` (e.g. the values of :func:`clean_texts`)."""
    counts = base_counts().copy()
    counts.add(count_syllables(line for t in texts for line in text_lines(t)))
    return DiacriticModel.from_counts(counts)


_VERSIONS = itertools.count(1)


class DiacriticModel:
    """Syllable bigram LM over accented lower-case syllables + folded→candidates map.

    ``restore(text)`` returns ``text`` with diacritics added to unaccented words;
    punctuation, digits, spacing and letter case are preserved. ``version``
    is unique per model object in a process (caches of derived text key on it).
    """

    DISCOUNT = 0.75

    def __init__(self, sentences: Iterable[str] = (), counts: SyllableCounts | None = None):
        c = counts if counts is not None else count_syllables(sentences)
        uni, bi = c.unigrams, c.bigrams
        self.version = next(_VERSIONS)
        self.unigrams = uni
        self.total = sum(uni.values()) or 1
        self.bigrams = bi
        ctx_count: Counter[str] = Counter()
        ctx_types: Counter[str] = Counter()
        for (a, _b), c in bi.items():
            ctx_count[a] += c
            ctx_types[a] += 1
        self.ctx_count = ctx_count
        self.ctx_types = ctx_types
        cand: dict[str, Counter[str]] = defaultdict(Counter)
        for w, c in uni.items():
            if w != _NUM:
                cand[_strip(w)][w] += c
        # candidates ordered by frequency, at most 12 per folded syllable
        self.candidates_map: dict[str, list[str]] = {
            f: [w for w, _ in cnt.most_common(12)] for f, cnt in cand.items()
        }
        self._v = len(uni) + 1

    @classmethod
    def from_counts(cls, counts: SyllableCounts) -> "DiacriticModel":
        """A model over precomputed counts (not copied: do not change them afterwards)."""
        return cls(counts=counts)

    # -- probabilities
    def p_uni(self, w: str) -> float:
        return (self.unigrams.get(w, 0) + 0.1) / (self.total + 0.1 * self._v)

    def logp(self, prev: str, w: str) -> float:
        """log P(w | prev), interpolated absolute discounting."""
        cc = self.ctx_count.get(prev, 0)
        pu = self.p_uni(w)
        if cc == 0:
            return math.log(pu)
        c = self.bigrams.get((prev, w), 0)
        lam = self.DISCOUNT * self.ctx_types[prev] / cc
        return math.log(max(c - self.DISCOUNT, 0.0) / cc + lam * pu)

    def candidates(self, word_lower: str) -> list[str]:
        """Accented readings of a lower-case unaccented syllable (itself if unknown)."""
        return self.candidates_map.get(word_lower, [word_lower]) or [word_lower]

    def decode(self, words: list[str], fixed: list[bool]) -> list[str]:
        """Viterbi over one run; ``fixed[i]`` keeps ``words[i]`` as the only candidate."""
        lat = [[w] if fx or w == _NUM else self.candidates(w) for w, fx in zip(words, fixed)]
        # best[state] = (score, backpointer index)
        prev_states = [_BOS]
        prev_scores = [0.0]
        back: list[list[int]] = []
        for cands in lat:
            scores = []
            bps = []
            for c in cands:
                best_s, best_j = -math.inf, 0
                for j, ps in enumerate(prev_states):
                    s = prev_scores[j] + self.logp(ps, c)
                    if s > best_s:
                        best_s, best_j = s, j
                scores.append(best_s)
                bps.append(best_j)
            back.append(bps)
            prev_states, prev_scores = cands, scores
        return backtrack(lat, back, prev_scores)

    def restore(self, text: str) -> str:
        tokens = [m.group(0) for m in _TOKEN_RE.finditer(text)]
        out = list(tokens)
        run_idx: list[int] = []

        def flush() -> None:
            if not run_idx:
                return
            words, fixed = [], []
            for i in run_idx:
                t = tokens[i]
                if t[0].isdigit():
                    words.append(_NUM)
                    fixed.append(True)
                else:
                    low = t.lower()
                    words.append(low)
                    fixed.append(has_diacritics(t))
            dec = self.decode(words, fixed)
            for i, w in zip(run_idx, dec):
                t = tokens[i]
                if w == _NUM or has_diacritics(t):
                    continue
                out[i] = _apply_case(t, w)
            run_idx.clear()

        for i, t in enumerate(tokens):
            if t[0].isalpha() or t[0].isdigit():
                run_idx.append(i)
            elif t.isspace():
                continue
            else:
                flush()
        flush()
        return "".join(out)


def _apply_case(src: str, word: str) -> str:
    """Copy the case pattern of ``src`` onto ``word`` (same length after folding)."""
    if len(src) != len(word):
        return src
    if src.isupper() and len(src) > 1:
        return word.upper()
    return "".join(w.upper() if s.isupper() else w for s, w in zip(src, word))


_lock = threading.Lock()
ModelSource = DiacriticModel | Callable[[], DiacriticModel]
_active: ContextVar[ModelSource | None] = ContextVar("cchc_diacritic_model", default=None)
_default: list[ModelSource | None] = [None]


@lru_cache(maxsize=1)
def _base_model() -> DiacriticModel:
    return DiacriticModel.from_counts(base_counts())


def _resolve(src: ModelSource) -> DiacriticModel:
    return src if isinstance(src, DiacriticModel) else src()


def get_model() -> DiacriticModel:
    """The model in use here: the one made current by :func:`use_model`, else
    the process default (:func:`set_default_model`), else the base model
    (underthesea text only; built once, ~1 s)."""
    src = _active.get() or _default[0]
    if src is not None:
        return _resolve(src)
    with _lock:
        return _base_model()


@contextmanager
def use_model(model: ModelSource) -> Iterator[None]:
    """Make ``model`` (a :class:`DiacriticModel`, or a callable returning one,
    called lazily each time a model is needed) current for the enclosed code,
    in this thread/task only."""
    token = _active.set(model)
    try:
        yield
    finally:
        _active.reset(token)


def set_default_model(model: ModelSource | None) -> None:
    """Set (or with None clear) the process-wide model used outside :func:`use_model`."""
    _default[0] = model


@lru_cache(maxsize=4)
def _restorer(model: DiacriticModel) -> Callable[[str], str]:
    """Query restoration with ``model``, cached per query. The cache belongs to
    the model (the last few models used in the process), so a reading made with
    one store's model is never served to another store or test."""

    @lru_cache(maxsize=256)
    def restore(query: str) -> str:
        return restore_diacritics(query, model=model) if is_unaccented(query, model) else query

    return restore


def restore_unaccented(query: str, model: DiacriticModel | None = None) -> str:
    """``query`` with diacritics restored when it was typed without them
    (:func:`is_unaccented`), else unchanged; with ``model``, by default the one
    in use (:func:`get_model`: a store's inside :func:`use_model`). Cached per
    model and query (one ``ask`` reads the same query several times). Raises
    ``TypeError`` if ``query`` is not a str."""
    if not isinstance(query, str):
        raise TypeError(f"restore_unaccented expects str, got {type(query).__name__}")
    return _restorer(model or get_model())(query)


def restore_diacritics(text: str, model: DiacriticModel | None = None) -> str:
    """Add Vietnamese diacritics to the unaccented words of ``text``.

    ``"ke hoach so 175 ngay 28 thang 5 nam 2021"`` →
    ``"kế hoạch số 175 ngày 28 tháng 5 năm 2021"``. Words that already carry a
    diacritic are kept; unknown words (abbreviations, names not seen in
    training) are kept unchanged. Output has the same length as the input for
    NFC input. Raises ``TypeError`` if ``text`` is not a str; never raises on
    any str.
    """
    if not isinstance(text, str):
        raise TypeError(f"restore_diacritics expects str, got {type(text).__name__}")
    if not text:
        return text
    text = unicodedata.normalize("NFC", text)
    m = model or get_model()
    try:
        return m.restore(text)
    except Exception:  # pragma: no cover - defensive: never fail on user text
        return text
