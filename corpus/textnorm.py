"""Unicode and whitespace normalisation for Vietnamese text.

One job: turn text into a canonical form (NFC, clean whitespace) and give an
accent-insensitive *folded* form for matching.  No model, no I/O.

* :func:`nfc` – Unicode NFC (Vietnamese combining marks → precomposed letters,
  e.g. ``"a\\u0301"`` → ``"á"``).
* :func:`fold` – re-exported from :mod:`corpus.legal_refs` (the project's one
  folding function): lowercase, diacritics removed, ``đ`` → ``d``; for NFC
  input the result has **the same length** as the input, so a match position
  in the folded text is a valid position in the original.
* :func:`unicode_problem` – why a string cannot be written as UTF-8 (a lone
  surrogate, or an undecodable byte kept by Python's ``surrogateescape``, as
  in command-line arguments), or None.
* :func:`vietnamese_accent_ratio` – share of letters carrying a Vietnamese
  diacritic; real Vietnamese prose is ~0.25–0.45, OCR output that lost its
  diacritics is far lower.
"""

from __future__ import annotations

import re
import unicodedata

from corpus.legal_refs import fold, fold_char  # re-export: the one fold()

__all__ = [
    "nfc",
    "unicode_problem",
    "strip_control",
    "fold",
    "fold_char",
    "vietnamese_accent_ratio",
    "OCR_ACCENT_THRESHOLD",
    "is_ocr_damaged",
    "normalize_whitespace",
    "collapse_spaces",
    "is_upper_line",
]

# Characters that are whitespace-like but not ASCII spaces, and invisible ones.
_SPACE_LIKE = dict.fromkeys(
    map(ord, "\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000\t\f\v"),
    " ",
)
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_TRANSLATE = {**_SPACE_LIKE, **_INVISIBLE}

_MULTI_SPACE = re.compile(r" {2,}")


def unicode_problem(text: str) -> str | None:
    """None when ``text`` can be encoded as UTF-8; otherwise a short English
    description of the first offending character and its 0-based position:
    ``"byte 0xff at position 3"`` for an undecodable byte that Python keeps as
    a surrogate escape (U+DC80–U+DCFF: command-line arguments and file names
    that were not UTF-8, PEP 383), ``"lone surrogate U+D800 at position 3"``
    for any other unpaired surrogate (e.g. a JSON ``"\\ud800"`` escape)."""
    try:
        text.encode("utf-8")
        return None
    except UnicodeEncodeError as e:
        o = ord(text[e.start])
        if 0xDC80 <= o <= 0xDCFF:
            return f"byte 0x{o - 0xDC00:02x} at position {e.start}"
        return f"lone surrogate U+{o:04X} at position {e.start}"


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def strip_control(text: str) -> str:
    """``text`` without C0 control characters other than tab, newline and carriage return, and without
    DEL. XML 1.0 (so a DOCX) cannot hold them, and no Vietnamese text needs them: ``"\\x1bTrường"`` →
    ``"Trường"``."""
    return _CONTROL.sub("", text)


def nfc(text: str) -> str:
    """Return ``text`` in Unicode NFC (composed) form.

    Vietnamese text from Word/PDF often uses decomposed marks (``e`` + U+0302 +
    U+0301); NFC turns them into the single code points (``ế``) that the rest of
    the pipeline and the indexes expect.
    """
    return unicodedata.normalize("NFC", text)


_VI_SPECIAL = set("ăâđêôơưĂÂĐÊÔƠƯ")


def _has_vi_mark(ch: str) -> bool:
    if ch in _VI_SPECIAL:
        return True
    if ord(ch) < 128 or not ch.isalpha():
        return False
    d = unicodedata.normalize("NFD", ch)
    return any(unicodedata.combining(c) for c in d)


def vietnamese_accent_ratio(text: str) -> float:
    """Share (0.0–1.0) of letters in ``text`` that carry a Vietnamese diacritic.

    Counts letters with a tone mark or a vowel/consonant modifier
    (``ă â đ ê ô ơ ư``).  Returns 0.0 for text without letters or non-str input.  Typical
    Vietnamese prose scores about 0.3–0.45; OCR output with destroyed
    diacritics (``"Thyc hién Ké hoach"``) scores well under 0.15.
    """
    if not isinstance(text, str) or not text:
        return 0.0
    letters = 0
    marked = 0
    for ch in nfc(text):
        if ch.isalpha():
            letters += 1
            if _has_vi_mark(ch):
                marked += 1
    return marked / letters if letters else 0.0


#: vietnamese_accent_ratio below this (on ≥ 200 letters) means diacritics were destroyed
#: by OCR: half-way between the OCR plans' maximum (0.061) and the clean documents'
#: minimum (0.281); the measured table is in :mod:`corpus.ocr` (``python -m evals.ocr_restore``).
OCR_ACCENT_THRESHOLD = 0.17
_MIN_LETTERS = 200
#: a folded word that can be one Vietnamese syllable: onset, 1-3 vowels, coda (the syllable
#: structure of chữ Quốc ngữ); English words of a translation ("shall", "fees", "of") cannot
_SYLLABLE = re.compile(r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|th|tr|qu|[bcdghklmnprstvx])?[aeiouy]{1,3}(?:ng|nh|ch|[cmnpt])?")
_WORD = re.compile(r"[^\W\d_]+")


def accented_words(text: str) -> list[str]:
    """The lower-case NFC words (runs of letters) of ``text``, diacritics kept:
    ``accented_words("Định lề trang 03")`` → ``["định", "lề", "trang"]``."""
    return _WORD.findall(nfc(text or "").lower())


def is_ocr_damaged(text: str) -> bool:
    """True if ``text`` looks like Vietnamese whose diacritics were destroyed by OCR.

    Rule: at least 200 letters and :func:`vietnamese_accent_ratio` of the words
    that can be Vietnamese syllables (:data:`_SYLLABLE`) < :data:`OCR_ACCENT_THRESHOLD`;
    the other words (an English translation on a portal page, "Circular No.
    110/2025/TT-BTC … shall …") say nothing about lost diacritics. Short texts
    (queries, titles) return False: use :func:`corpus.diacritics.is_unaccented`
    for those. Never raises.
    """
    if not isinstance(text, str):
        return False
    try:
        if sum(1 for ch in text if ch.isalpha()) < _MIN_LETTERS:
            return False
        words = [w for w in _WORD.findall(nfc(text)) if _SYLLABLE.fullmatch(fold(w))]
        return vietnamese_accent_ratio(" ".join(words)) < OCR_ACCENT_THRESHOLD
    except Exception:  # pragma: no cover - defensive
        return False


def collapse_spaces(line: str) -> str:
    """Collapse runs of spaces inside one line and strip both ends."""
    return _MULTI_SPACE.sub(" ", line).strip()


def normalize_whitespace(text: str, keep_indent: bool = False) -> str:
    """Normalise line endings and in-line whitespace, keep line structure.

    ``\\r\\n``/``\\r`` → ``\\n``; tabs, NBSP and other Unicode spaces → space;
    zero-width characters and soft hyphens removed; runs of spaces collapsed;
    each line stripped (with ``keep_indent=True`` the leading spaces of a line
    are kept, a tab counting as four, because a first-line indent marks a new
    paragraph).  Blank lines are kept: they carry paragraph information used
    by :func:`corpus.loaders.unwrap_lines`.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n")
    text = text.replace("\t", "    ").translate(_TRANSLATE)
    if not keep_indent:
        return "\n".join(collapse_spaces(line) for line in text.split("\n"))
    out = []
    for line in text.split("\n"):
        body = collapse_spaces(line)
        indent = len(line) - len(line.lstrip(" ")) if body else 0
        out.append(" " * indent + body)
    return "\n".join(out)


def is_upper_line(line: str, min_letters: int = 4, threshold: float = 0.85) -> bool:
    """True if ``line`` is written in capitals (a heading like ``"KẾ HOẠCH"``).

    At least ``min_letters`` letters and at least ``threshold`` of them upper case.
    """
    letters = [c for c in line if c.isalpha()]
    if len(letters) < min_letters:
        return False
    upper = sum(1 for c in letters if c.isupper())
    return upper / len(letters) >= threshold
