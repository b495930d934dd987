"""Legal references: the số hiệu grammar, its canonical form, typed mentions and ``fold()``.

One job: everything the project knows about *how a Vietnamese văn bản is
named* — plain code, no model, no I/O.  Other modules import from here rather
than writing their own number regexes or accent folding.

Public API
----------

=============================  ==================================================================
:func:`fold`                   the one accent-folding function (exact behaviour below)
:func:`fold_char`              :func:`fold` of one character (always one character)
:data:`NUMBER_RE`              compiled regex of a số hiệu in running text (case-sensitive codes)
:data:`NUMBER_RE_ANY_CASE`     the same grammar, codes in any case (queries, folded text)
:func:`find_numbers`           ``text`` → list of :class:`NumberMatch` (span, raw, canonical)
:func:`repair_number_codes`    ``text`` with the codes of every số hiệu repaired in place
:func:`parse_number`           a số hiệu string → :class:`SoHieu` (number, year, codes) or ``None``
:func:`canonical_number`       the one canonical (display and comparison) form of a số hiệu
:func:`number_key`             comparison key: folded canonical form, leading zeros dropped
:func:`doc_type_of_number`     loại văn bản implied by a số hiệu's codes (``QĐ`` → Quyết định)
:data:`DOC_TYPE_PATTERNS`      (loại văn bản, folded OCR-tolerant regex) pairs, longest first
:func:`doc_type_from_name`     a written (possibly folded or OCR-damaged) loại name → canonical
:func:`find_references`        typed mentions ("Nghị định 61", "nghi dinh 60/2021", "NĐ 61/2018")
:data:`TYPE_BY_CODE`           loại code in a số hiệu → loại văn bản
:data:`LEGAL_DOC_TYPES`        loại văn bản that are legal (normative) documents
=============================  ==================================================================

Số hiệu grammar
---------------

Source: Nghị định 30/2020/NĐ-CP (công tác văn thư), Phụ lục I, mục II.3 and
Phụ lục III (abbreviations of loại văn bản); Luật Ban hành văn bản quy phạm
pháp luật 2015, Điều 8 (number/year/code of normative documents); Quy định
66-QĐ/TW 2017 for Party documents.  Three shapes:

* văn bản quy phạm pháp luật: ``số/năm/loại-cơ quan`` — ``60/2021/NĐ-CP``,
  ``20/2025/NQ-HĐND``, or ``số/năm/cơ quan`` — ``98/2023/QH15``;
* văn bản hành chính: ``số/loại-cơ quan[-đơn vị]`` — ``26/KH-MNHgS``,
  ``2817/QĐ-UBND``; công văn carry no loại code: ``số/cơ quan-đơn vị`` —
  ``1228/UBND-NCPC``, ``5208/BGDĐT-GDPT``, ``11554/VPCP-V.I``;
* Party documents: ``số-loại/cơ quan`` — ``124-KH/TU``, ``05-CTr/QU``, ``31-NQ/TW``.

``số`` is 1–5 digits (leading zeros kept as written: ``0129/KH-UBND``); a code
part starts with an upper-case letter (in :data:`NUMBER_RE`) and continues with
letters and digits (``QH15``, ``UBTVQH15``), mixed case allowed (``MNHgS``,
``TTg``, ``CTr``, ``GDTrH``), one inner dot allowed (``V.I``).  Spaces that
PDF/OCR put around a separator are tolerated (``32 / KH-HB``, ``187/QĐ- UBND``).

OCR look-alikes (repaired by :func:`canonical_number`)
------------------------------------------------------

* ``Đ`` lost or misread in a code: ``ND``→``NĐ``, ``QD``→``QĐ``, ``HDND``→``HĐND``,
  ``BGDDT``→``BGDĐT`` (codes in :data:`_D_CODES` written without the bar), and
  the OCR Đ-confusion ``{DP, P} → Đ`` on a code that is not itself a known code
  (``NP-CP``→``NĐ-CP``, ``QP``/``QDP-UBND``→``QĐ-UBND``);
* ``$`` for ``S`` in a code;
* with ``ocr=True`` only (text known to be OCR output): letters read for digits
  in the numeric part (``b o O l I S`` → ``6 0 0 1 1 5``: ``5b``→``56``) and a
  doubled first letter of an unknown loại code (``KKH``→``KH``).

``fold()``
----------

``fold(text)`` returns ``text`` NFC-normalised, then character by character:
diacritics removed (``ế``→``e``), ``đ``/``Đ``→``d``, lower-cased; every other
character (digits, punctuation, spaces, line breaks) unchanged.  For NFC input
the output has **exactly the same length**, so a match offset in the folded
text is an offset in the original.  Options: ``keep_case=True`` keeps letter
case (``Đ``→``D``, ``Ế``→``E``); ``squash_spaces=True`` turns every run of
whitespace (including line breaks) into one space and strips both ends (the
length guarantee is then lost).  A character whose folded form would not be
one character is kept (lower-cased when that is one character).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

__all__ = [
    "fold",
    "fold_char",
    "NUMBER_RE",
    "NUMBER_RE_ANY_CASE",
    "NumberMatch",
    "SoHieu",
    "find_numbers",
    "repair_number_codes",
    "parse_number",
    "canonical_number",
    "number_key",
    "doc_type_of_number",
    "DOC_TYPE_PATTERNS",
    "DOC_TYPE_RE",
    "doc_type_from_name",
    "Reference",
    "find_references",
    "TYPE_BY_CODE",
    "LEGAL_DOC_TYPES",
]

# --------------------------------------------------------------------------- fold


@lru_cache(maxsize=4096)
def fold_char(ch: str, keep_case: bool = False) -> str:
    """Fold one character: diacritics stripped, ``đ/Đ`` → ``d`` (``D`` with
    ``keep_case``), lower-cased unless ``keep_case``.

    Always returns exactly one character (the input, lower-cased where that is
    one character, when folding would change the length).
    """
    if ch == "đ":
        return "d"
    if ch == "Đ":
        return "D" if keep_case else "d"
    if ord(ch) < 128:
        return ch if keep_case else ch.lower()
    base = "".join(c for c in unicodedata.normalize("NFD", ch) if not unicodedata.combining(c))
    out = base if keep_case else base.lower()
    if len(out) == 1:
        return out
    low = ch if keep_case else ch.lower()
    return low if len(low) == 1 else ch


class _FoldTable(dict):
    """``str.translate`` table filled on first use of each character (code point → folded char)."""

    def __init__(self, keep_case: bool):
        super().__init__()
        self.keep_case = keep_case

    def __missing__(self, cp: int) -> str:
        out = fold_char(chr(cp), self.keep_case)
        self[cp] = out
        return out


_TABLES = {False: _FoldTable(False), True: _FoldTable(True)}
_WS_RUN = re.compile(r"\s+")


def fold(text: str, *, keep_case: bool = False, squash_spaces: bool = False) -> str:
    """Accent-insensitive form of ``text`` for matching (see the module docstring).

    ``fold("Nghị định số 60/2021/NĐ-CP")`` → ``"nghi dinh so 60/2021/nd-cp"``;
    ``fold("Độc lập", keep_case=True)`` → ``"Doc lap"``;
    ``fold("  Nghị   định\\nĐẢNG ", squash_spaces=True)`` → ``"nghi dinh dang"``.
    Raises ``TypeError`` if ``text`` is not a str.
    """
    if not isinstance(text, str):
        raise TypeError(f"fold expects str, got {type(text).__name__}")
    text = unicodedata.normalize("NFC", text)
    if text.isascii():
        out = text if keep_case else text.lower()
    else:
        out = text.translate(_TABLES[keep_case])
    if squash_spaces:
        out = _WS_RUN.sub(" ", out).strip()
    return out


# --------------------------------------------------------------------------- codes

#: loại code in a số hiệu → loại văn bản (NĐ 30/2020 Phụ lục III; QH = Quốc hội, whose
#: numbered documents without a loại code are Luật/Nghị quyết: "Luật" is the default reading).
TYPE_BY_CODE: dict[str, str] = {
    "NĐ": "Nghị định",
    "QĐ": "Quyết định",
    "TT": "Thông tư",
    "TTLT": "Thông tư liên tịch",
    "KH": "Kế hoạch",
    "NQ": "Nghị quyết",
    "CT": "Chỉ thị",
    "KL": "Kết luận",
    "CTr": "Chương trình",
    "CTR": "Chương trình",
    "ĐA": "Đề án",
    "HD": "Hướng dẫn",
    "CV": "Công văn",
    "TB": "Thông báo",
    "BC": "Báo cáo",
    "CĐ": "Công điện",
    "TTr": "Tờ trình",
    "QC": "Quy chế",
    "QyĐ": "Quy định",
    "VBHN": "Văn bản hợp nhất",
    "PA": "Phương án",
    "BB": "Biên bản",
    "QH": "Luật",
}

#: loại văn bản that are legal (normative or directive) documents
LEGAL_DOC_TYPES = frozenset(
    {"Luật", "Pháp lệnh", "Nghị định", "Thông tư", "Thông tư liên tịch", "Nghị quyết", "Quyết định", "Chỉ thị",
     "Văn bản hợp nhất"}
)

#: codes written with Đ; the folded upper-case spelling (no bar) maps back to them.
#: Codes whose unbarred spelling is itself a real code are left out (ĐA/DA Dự án, HĐ/HD Hướng dẫn).
_D_CODES = ("NĐ", "QĐ", "CĐ", "QyĐ", "HĐND", "BGDĐT", "SGDĐT", "PGDĐT", "GDĐT", "BCĐ", "ĐHQG", "TWĐTN")
#: codes that the Đ-confusion must never touch (their P/D would map them onto a Đ code)
_PROTECTED = frozenset({"CP", "DA", "HD", "DP", "PA", "TP", "BP", "UP"})
#: mixed-case codes restored when a code arrives all upper or all lower case
_MIXED_CASE = {"TTG": "TTg", "CTR": "CTr", "TTR": "TTr", "QYĐ": "QyĐ"}


@lru_cache(maxsize=1)
def _d_by_key() -> dict[str, str]:
    return {fold(c, keep_case=True).upper(): c for c in _D_CODES}


def _d_confusion(code: str) -> str:
    """OCR Đ-confusion on an upper-case code: ``DP`` → ``D``, ``P`` → ``D``."""
    return code.replace("DP", "D").replace("P", "D")


_OCR_DIGITS = str.maketrans({"b": "6", "o": "0", "O": "0", "l": "1", "I": "1", "S": "5"})


def _fix_code(part: str, first_code: bool, ocr: bool) -> str:
    p = part.replace("$", "S")
    if p.islower() or (p.isupper() and not any(ch.islower() for ch in p)):
        p = p.upper()
        p = _MIXED_CASE.get(p, p)
    key = fold(p, keep_case=True).upper()
    if "Đ" not in p and key in _d_by_key() and p.upper() == p:
        return _d_by_key()[key]
    if p.isupper() and p not in _PROTECTED and p not in TYPE_BY_CODE:
        conf = _d_confusion(key)
        if conf != key and conf in _d_by_key():
            return _d_by_key()[conf]
    if ocr and first_code and p.isupper() and len(p) >= 3 and p[0] == p[1] and p not in TYPE_BY_CODE \
            and p[1:] in TYPE_BY_CODE:
        return p[1:]
    return p


# --------------------------------------------------------------------------- grammar

_CODE_UP = r"[A-ZĐ$][A-Za-zĐđ0-9]{0,11}(?:\.[A-Z0-9]{1,4})?"
_CODE_ANY = r"[A-Za-zĐđ$][A-Za-zĐđ0-9]{0,11}(?:\.[A-Za-z0-9]{1,4})?"


def _number_pattern(code: str, upper_lookahead: str) -> str:
    return (
        r"(?<![\w/.-])"
        r"(?P<num>\d{1,5}[a-z]?)"
        r"(?:[ ]?/[ ]?(?P<year>(?:19|20)\d\d))?"
        r"[ ]?(?P<sep>[/-])\s{0,4}"
        rf"(?P<codes>{code}(?:[ ]?[-/](?:\s{{0,4}}(?={upper_lookahead}))?{code}){{0,3}})"
        r"(?![\w])"
    )


#: a số hiệu in running text; code parts start upper-case (``60/2021/NĐ-CP``, ``124-KH/TU``)
NUMBER_RE = re.compile(_number_pattern(_CODE_UP, "[A-ZĐ]"))
#: the same grammar with codes in any case (queries typed in lower case, folded text)
NUMBER_RE_ANY_CASE = re.compile(_number_pattern(_CODE_ANY, "[A-Za-zĐđ]"))


@dataclass(frozen=True)
class SoHieu:
    """A parsed số hiệu.

    ``number``: the số as written, OCR-repaired (``"60"``, ``"0129"``);
    ``year``: the năm ban hành inside the số hiệu or ``None``;
    ``codes``: the code parts in order (``("NĐ", "CP")``, ``("KH", "TU")``);
    ``party``: True for the Party shape ``số-loại/cơ quan``.
    """

    number: str
    year: int | None
    codes: tuple[str, ...]
    party: bool = False
    #: the separators between the codes as written ("-" or "/"); default all "-"
    seps: tuple[str, ...] = ()

    @property
    def canonical(self) -> str:
        """``"60/2021/NĐ-CP"``, ``"26/KH-MNHgS"``, ``"124-KH/TU"``, ``"01-ĐC/BTP/KSTT"``."""
        seps = self.seps or ("/" if self.party else "-",) + ("-",) * max(len(self.codes) - 2, 0)
        tail = self.codes[0] + "".join(sep + c for sep, c in zip(seps, self.codes[1:]))
        if self.party:
            return f"{self.number}-{tail}"
        head = f"{self.number}/{self.year}/" if self.year else f"{self.number}/"
        return head + tail

    @property
    def type_code(self) -> str | None:
        """The loại code (``"NĐ"``, ``"KH"``): the first code part when it is one of
        :data:`TYPE_BY_CODE` (digits of a term dropped: ``QH15`` → ``QH``); ``None``
        for a công văn, whose first code is the cơ quan (``1228/UBND-NCPC``, ``17986/BTC-CT``)."""
        key = re.sub(r"\d+$", "", self.codes[0])
        return key if key in TYPE_BY_CODE else None

    @property
    def issuer_code(self) -> str | None:
        """The cơ quan code(s) after the loại code: ``"CP"``, ``"UBND"``, ``"BGDĐT-GDPT"``."""
        tc = self.type_code
        if tc is None or self.codes[0] != tc:  # công văn; "QH15": the cơ quan code implies the loại
            return "-".join(self.codes)
        return "-".join(self.codes[1:]) or None

    @property
    def doc_type(self) -> str | None:
        """Loại văn bản implied by the codes (:data:`TYPE_BY_CODE`), or ``None``."""
        tc = self.type_code
        return TYPE_BY_CODE.get(tc) if tc else None


def _split_codes(codes: str) -> list[str]:
    return [c for c in re.split(r"\s*[-/]\s*", codes.strip()) if c]


def parse_number(s: str, *, ocr: bool = False) -> SoHieu | None:
    """Parse one số hiệu (the whole string, spaces tolerated) into a :class:`SoHieu`.

    ``"60/2021/ND-CP"`` → ``SoHieu("60", 2021, ("NĐ", "CP"))``;
    ``"124-KH/TU"`` → ``SoHieu("124", None, ("KH", "TU"), party=True)``;
    ``"5b /KKH-MNTH"`` with ``ocr=True`` → ``SoHieu("56", None, ("KH", "MNTH"))``.
    A trailing ``-`` or punctuation (``"3783/QĐ-"``) is dropped.  Returns
    ``None`` when ``s`` is not a số hiệu (no digits first, no letter code).
    """
    if not isinstance(s, str):
        return None
    t = re.sub(r"\s+", " ", unicodedata.normalize("NFC", s)).strip().strip(".,;:()").rstrip("-/ ")
    m = re.fullmatch(
        r"(?P<num>[0-9A-Za-z]{1,6}?)\s?(?:/\s?(?P<year>(?:19|20)\d\d))?\s?(?P<sep>[/-])\s?(?P<codes>.+)", t
    )
    if not m or not re.search(r"\d", m.group("num")):
        return None
    num = m.group("num")
    if ocr:
        num = num.translate(_OCR_DIGITS)
    if not re.fullmatch(r"\d{1,5}[a-z]?", num):
        return None
    codes = _split_codes(m.group("codes"))
    if not codes or not all(re.fullmatch(r"[A-Za-zĐđ$][A-Za-zĐđ0-9]*(?:\.[A-Za-z0-9]+)?", c) for c in codes):
        return None
    party = m.group("sep") == "-" and m.group("year") is None
    if party and len(codes) < 2:
        return None
    fixed = tuple(_fix_code(c, i == 0, ocr) for i, c in enumerate(codes))
    year = int(m.group("year")) if m.group("year") else None
    seps = tuple(re.findall(r"\s*([-/])\s*", m.group("codes").strip()))[: len(fixed) - 1]
    return SoHieu(number=num, year=year, codes=fixed, party=party, seps=seps if len(seps) == len(fixed) - 1 else ())


def canonical_number(s: str, *, ocr: bool = False) -> str:
    """The one canonical form of a số hiệu: separators without spaces, OCR look-alikes repaired.

    ``"60/2021/ND-CP"`` → ``"60/2021/NĐ-CP"``; ``"32 / KH-HB"`` → ``"32/KH-HB"``;
    ``"187/QĐ- UBND"`` → ``"187/QĐ-UBND"``; ``"2844/QDP-UBND"`` → ``"2844/QĐ-UBND"``;
    ``"3456/BGDDT-GDPT"`` → ``"3456/BGDĐT-GDPT"``; ``"60/2021/nd-cp"`` → ``"60/2021/NĐ-CP"``;
    ``"5b /KKH-MNTH"`` with ``ocr=True`` → ``"56/KH-MNTH"``.  Mixed-case codes
    (``MNHgS``, ``TTg``) keep their case.  A string that does not parse is
    returned with whitespace removed and trailing ``-.,;:`` stripped.
    """
    p = parse_number(s, ocr=ocr)
    if p is None:
        return re.sub(r"\s+", "", s if isinstance(s, str) else "").strip(".,;:").rstrip("-")
    return p.canonical


def number_key(s: str) -> str:
    """Comparison key of a số hiệu: :func:`canonical_number`, folded, upper-cased,
    leading zeros of the số dropped.

    ``number_key("0129/KH-UBND") == number_key("129/kh-ubnd") == "129/KH-UBND"``;
    ``number_key("26/KH-MNHgS")`` → ``"26/KH-MNHGS"``; ``"60/2021/NĐ-CP"`` → ``"60/2021/ND-CP"``.
    """
    c = canonical_number(s)
    c = re.sub(r"^0+(?=\d)", "", c)
    return fold(c).upper()


def doc_type_of_number(s: str) -> str | None:
    """Loại văn bản implied by a số hiệu: ``"2817/QĐ-UBND"`` → ``"Quyết định"``;
    ``"1228/UBND-NCPC"`` → ``None`` (a công văn names no loại)."""
    p = parse_number(s)
    return p.doc_type if p else None


@dataclass(frozen=True)
class NumberMatch:
    """A số hiệu found in a text: ``text[start:end] == raw``; ``canonical`` per :func:`canonical_number`."""

    start: int
    end: int
    raw: str
    canonical: str


def find_numbers(text: str, *, any_case: bool = False, ocr: bool = False) -> list[NumberMatch]:
    """All số hiệu in ``text``, in order.

    A match must have a code part with at least two letters (``3/A`` is not a
    số hiệu).  ``any_case=True`` accepts lower-case codes (user queries, folded
    text).  ``ocr`` is passed to :func:`canonical_number`.  Returns ``[]`` for
    non-str input.
    """
    if not isinstance(text, str):
        return []
    rx = NUMBER_RE_ANY_CASE if any_case else NUMBER_RE
    out: list[NumberMatch] = []
    for m in rx.finditer(text):
        if not re.search(r"[A-Za-zĐđ]{2}", m.group("codes")):
            continue
        if m.group("sep") == "-" and not m.group("year") and "/" not in m.group("codes"):
            # "2020-2025", "KH-UBND" alone: the Party shape needs số-loại/cơ quan
            continue
        raw = m.group(0)
        out.append(NumberMatch(m.start(), m.end(), raw, canonical_number(raw, ocr=ocr)))
    return out


_CODE_PART = re.compile(r"[A-Za-zĐđ$][A-Za-zĐđ0-9]*(?:\.[A-Za-z0-9]+)?")


def repair_number_codes(text: str) -> str:
    """``text`` with the code parts of every số hiệu (:data:`NUMBER_RE`) repaired in place.

    ``"Nghi dinh s6 60/2021/ND-CP ngay"`` → ``"Nghi dinh s6 60/2021/NĐ-CP ngay"``;
    ``"2844/QDP-UBND"`` → ``"2844/QĐ-UBND"`` (the Đ rules of :func:`canonical_number`,
    without the ``ocr=True`` ones).  Everything else, spaces and line breaks inside
    a số hiệu included, is kept.  Returns non-str input unchanged.
    """
    if not isinstance(text, str) or not text:
        return text

    def fix(m: re.Match[str]) -> str:
        codes = m.group("codes")
        s, e = m.span("codes")
        new = _CODE_PART.sub(lambda c: _fix_code(c.group(0), False, False), codes)
        whole = m.group(0)
        off = s - m.start()
        return whole[:off] + new + whole[e - m.start() :]

    return NUMBER_RE.sub(fix, text)


# --------------------------------------------------------------------------- loại văn bản names

#: (loại văn bản, regex on folded text) — loose enough for OCR ("k&e hoach", "cong vin");
#: longer names first so "Thông tư liên tịch" wins over "Thông tư".
DOC_TYPE_PATTERNS: list[tuple[str, str]] = [
    ("Chương trình hành động", r"chuong\s*trinh\s+hanh\s+d\w{1,3}ng"),
    ("Chương trình", r"chuong\s*trinh"),
    ("Thông tư liên tịch", r"th\w{1,3}ng\s*tu\s+lien\s+tich"),
    ("Thông tư", r"th\w{1,3}ng\s*tu"),
    ("Nghị quyết", r"ngh\w{0,2}\s*quy\w{1,2}t"),
    ("Nghị định", r"ngh\w{0,2}\s*d\w{0,2}nh"),
    ("Quyết định", r"quy\w{1,2}t\s*d\w{0,2}nh"),
    ("Văn bản hợp nhất", r"van\s*ban\s+hop\s+nhat"),
    ("Chỉ thị", r"chi\s*thi"),
    ("Kế hoạch", r"k\S{0,3}\s*hoach"),
    ("Công văn", r"c\w{1,2}ng\s*v\w{1,2}n"),
    ("Công điện", r"cong\s*dien"),
    ("Kết luận", r"k\w{1,2}t\s*lu\w{0,2}n"),
    ("Đề án", r"d\w{1,2}\s*an"),
    ("Hướng dẫn", r"h\w{1,3}ng\s*d\w{1,2}n"),
    ("Thông báo", r"thong\s*bao"),
    ("Báo cáo", r"bao\s*cao"),
    ("Tờ trình", r"to\s*trinh"),
    ("Quy chế", r"quy\s*che"),
    ("Quy định", r"quy\s*dinh"),
    ("Pháp lệnh", r"phap\s*lenh"),
    ("Luật", r"luat"),
]
#: any loại name, as one alternation group (folded text)
DOC_TYPE_RE = "|".join(f"(?:{p})" for _, p in DOC_TYPE_PATTERNS)
_TYPE_COMPILED = [(name, re.compile(p + r"$")) for name, p in DOC_TYPE_PATTERNS]


def doc_type_from_name(name: str) -> str | None:
    """Canonical loại văn bản for a written name: ``"NGHỊ ĐỊNH"``, ``"nghi dinh"``,
    OCR ``"KIE HOACH"`` → ``"Nghị định"`` / ``"Kế hoạch"``; ``None`` if none matches
    the whole (folded, space-squashed) name."""
    if not isinstance(name, str):
        return None
    f = fold(name, squash_spaces=True)
    for canon, rx in _TYPE_COMPILED:
        if rx.match(f):
            return canon
    return None


# --------------------------------------------------------------------------- typed mentions

#: abbreviations users write for a loại văn bản (folded) → loại
_ABBREV_TYPES = {
    "nd": "Nghị định", "qd": "Quyết định", "tt": "Thông tư", "nq": "Nghị quyết", "kh": "Kế hoạch",
    "ct": "Chỉ thị", "cv": "Công văn", "kl": "Kết luận", "ctr": "Chương trình", "tb": "Thông báo",
    "cd": "Công điện", "hd": "Hướng dẫn", "bc": "Báo cáo",
}
_REF_HEAD = re.compile(
    r"(?<![a-z0-9])(?P<type>" + DOC_TYPE_RE + "|" + "|".join(sorted(_ABBREV_TYPES, key=len, reverse=True)) + r")"
    r"\s*(?:so\s*)?[:.]?\s*"
    r"(?P<num>\d{1,5})(?![\d.,]\d)(?:\s*/\s*(?P<year>\d{4}|\d{2})(?![\d]))?"
)


@dataclass(frozen=True)
class Reference:
    """A typed mention of a văn bản in a text.

    ``doc_type``: loại văn bản (``"Nghị định"``) or ``None`` when only a full
    số hiệu was written; ``number``: the số (``"61"``); ``year``: 4-digit năm
    or ``None``; ``so_hieu``: canonical số hiệu when written in full, else
    ``None``; ``start``/``end``: span in the text.
    """

    doc_type: str | None
    number: str
    year: int | None
    so_hieu: str | None
    start: int
    end: int


def find_references(text: str) -> list[Reference]:
    """Typed mentions of văn bản in ``text`` (a user's question or running text), in order.

    ``"Nghị định 61"`` → ``Reference("Nghị định", "61", None, None)``;
    ``"nghi dinh 60/2021"`` → ``Reference("Nghị định", "60", 2021, None)``;
    ``"NĐ 61/18"`` → year 2018; ``"Thông tư số 01/2018/TT-VPCP"`` →
    ``Reference("Thông tư", "01", 2018, "01/2018/TT-VPCP")``; a bare
    ``"124-KH/TU"`` → ``Reference("Kế hoạch", "124", None, "124-KH/TU")``.
    The loại is read from the word before the số, else from the codes.
    Never raises; ``[]`` for non-str input.
    """
    if not isinstance(text, str) or not text:
        return []
    text = unicodedata.normalize("NFC", text)
    ftext = fold(text)
    out: list[Reference] = []
    full = find_numbers(text, any_case=True)
    covered: list[tuple[int, int]] = []
    for m in _REF_HEAD.finditer(ftext):
        word = m.group("type")
        dtype = _ABBREV_TYPES.get(word) or doc_type_from_name(word)
        num_start = m.start("num")
        nm = next((n for n in full if n.start == num_start), None)
        if nm is not None:
            p = parse_number(nm.raw)
            year = p.year if p else None
            if dtype is None and p:
                dtype = p.doc_type
            out.append(Reference(dtype, m.group("num"), year, nm.canonical, m.start("type"), nm.end))
            covered.append((nm.start, nm.end))
            continue
        y = m.group("year")
        year = None
        if y:
            year = int(y) if len(y) == 4 else 2000 + int(y)
        out.append(Reference(dtype, m.group("num"), year, None, m.start("type"), m.end()))
        covered.append((num_start, m.end()))
    for n in full:
        if any(s <= n.start < e for s, e in covered):
            continue
        p = parse_number(n.raw)
        if p is None:
            continue
        out.append(Reference(p.doc_type, p.number, p.year, n.canonical, n.start, n.end))
    out.sort(key=lambda r: r.start)
    return out
