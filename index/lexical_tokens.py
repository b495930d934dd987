"""Tokens for the lexical (BM25) side: Vietnamese word segmentation
(underthesea) + accent folding.

Each text yields (a) every folded syllable, (b) every multi-syllable word from
the segmenter joined with ``_`` (``cai_cach``), and (c) compounds kept whole
(:func:`compound_tokens`): số hiệu in their folded canonical form
(``60/2021/nd-cp``; the grammar is ``corpus.legal_refs``) and digit compounds
(dates ``21/6/2018``, periods ``2021-2025``). Emitting syllables as well as
words keeps unaccented queries, which the segmenter cannot group into words,
matching accented text.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from corpus.legal_refs import find_numbers, fold

# Digit compounds that are no số hiệu: dates (21/6/2018), periods (2021-2025), a partial số hiệu (61/2018).
_DIGIT_COMPOUND = re.compile(r"(?<![\w/.-])\d{1,5}(?:[/-]\d{1,5})+(?![\w/-])")
_WORD_RE = re.compile(r"[0-9a-z]+")


@lru_cache(maxsize=16384)
def _compounds(text: str) -> tuple[tuple[int, int, str], ...]:
    spans = [(n.start, n.end, fold(n.canonical)) for n in find_numbers(text, any_case=True)]
    for m in _DIGIT_COMPOUND.finditer(text):
        if not any(s <= m.start() < e for s, e, _ in spans):
            spans.append((m.start(), m.end(), m.group(0)))
    return tuple(sorted(spans))


def compound_tokens(text: str) -> list[tuple[int, int, str]]:
    """``(start, end, token)`` of the parts of NFC ``text`` kept whole as one
    token, in order: every số hiệu (``corpus.legal_refs.find_numbers``, any
    case) as its folded canonical form (``"187/QĐ- UBND"`` → ``"187/qd-ubnd"``)
    and every digit compound (``21/6/2018``, ``2021-2025``, ``61/2018``) as
    written. Cached per text (chunk texts are read again on every query)."""
    return list(_compounds(text))


@lru_cache(maxsize=1)
def _segmenter():
    from underthesea import word_tokenize

    return word_tokenize


def tokenize_many(texts: list[str], workers: int = 0, min_parallel: int = 400) -> list[list[str]]:
    """:func:`lexical_tokens` of many texts; for ``len(texts) >= min_parallel``
    the word segmenter runs in a process pool of ``workers`` processes
    (0 = one per core), since it is the slowest stage of ingest after
    embedding (≈ 13 ms per 700-character chunk on one core)."""
    import os

    workers = workers or os.cpu_count() or 1
    if workers <= 1 or len(texts) < min_parallel:
        return [lexical_tokens(t) for t in texts]
    from concurrent.futures import ProcessPoolExecutor
    import multiprocessing as mp

    with ProcessPoolExecutor(max_workers=workers, mp_context=mp.get_context("spawn")) as pool:
        return list(pool.map(lexical_tokens, texts, chunksize=max(16, len(texts) // (workers * 8))))


def lexical_tokens(text: str, segment: bool = True) -> list[str]:
    """Folded BM25 tokens of ``text`` (see module docstring). ``segment=False``
    skips the word segmenter (syllables and số hiệu only; ~100× faster)."""
    text = unicodedata.normalize("NFC", text)
    tokens: list[str] = [t for _s, _e, t in compound_tokens(text)]
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


#: Bound qualifiers of a quantity: the legal texts write a bound in several ways ("không ít hơn 12 tháng và
#: không nhiều hơn 36 tháng mỗi đợt", NĐ 118/2025/NĐ-CP Điều 11 khoản 4; "không quá 03 Phó Giám đốc", Điều 10;
#: "thâm niên công tác tối thiểu 02 năm", Điều 11 khoản 1 điểm a) where a clerk asks "tối đa" / "tối thiểu".
#: Each direction is one term (canonical folded form → the forms written as a question phrase, accented);
#: :func:`query_terms` emits the canonical term for any of them and :func:`has_term` matches it by any of them.
BOUND_FORMS: dict[str, tuple[str, ...]] = {
    "toi_da": ("tối đa", "không quá", "không nhiều hơn", "nhiều nhất", "không vượt quá"),
    "toi_thieu": ("tối thiểu", "không ít hơn", "ít nhất", "không dưới"),
}
_BOUND_Q_RE = {t: re.compile(rf"(?<!\w)(?:{'|'.join(forms)})(?!\w)", re.I) for t, forms in BOUND_FORMS.items()}
#: the same forms in :func:`folded_words` text; "khong qua" / "khong duoi" only before a figure, since folded
#: they are also "không qua" (not through: "không qua dịch vụ bưu chính") and "không dưới" (not under it); a figure is a digit
#: or a number word ("không quá một lần", NĐ 118/2025/NĐ-CP Điều 19 khoản 6)
_FIGURE = r" (?:\d|(?:mot|hai|ba|bon|nam|sau|bay|tam|chin|muoi) )"
_BOUND_HAY_RE = {
    t: re.compile(" (?:" + "|".join(
        fold(f) + (_FIGURE if fold(f) in ("khong qua", "khong duoi") else " ") for f in forms) + ")")
    for t, forms in BOUND_FORMS.items()}


def query_terms(text: str) -> list[str]:
    """Topic terms of a question for evidence coverage: segmented words
    (multi-syllable words joined with ``_``), accent-folded, without question
    and function words; số hiệu kept whole; a bound qualifier ("tối đa",
    "không quá", "không nhiều hơn" …, :data:`BOUND_FORMS`) as its one
    canonical term (``toi_da`` / ``toi_thieu``)."""
    text = unicodedata.normalize("NFC", text)
    bounds = [t for t, rx in _BOUND_Q_RE.items() if rx.search(text)]
    for t in bounds:
        text = _BOUND_Q_RE[t].sub(" ", text)
    spans = compound_tokens(text)
    terms = [t for _s, _e, t in spans] + bounds
    rest, last = [], 0
    for s, e, _t in spans:
        rest.append(text[last:s])
        last = e
    rest = " ".join(rest + [text[last:]])
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


def split_glued(terms, idf, drop: frozenset = frozenset(), texts=()) -> tuple[str, ...]:
    """Focus ``terms`` with each word of three or more syllables that the
    corpus never uses as a token (``idf(term)`` at its maximum, ``idf("")``)
    and that none of ``texts`` (the passages read, as :func:`folded_words`
    strings; or a function returning them, called only when a term is such a
    word, so a question without one folds no passage) writes as a phrase
    ("bộ phận một cửa" is written, so kept) split into
    the words the corpus does use: the segmenter glues a word to its
    neighbour ("dấu HỎA TỐC khắc sẵn" → ``hoa_toc_khac``, "đơn vị sự nghiệp"
    → ``don_vi_su``), and a glued term is written nowhere, so no passage
    matches it. The split has the fewest pieces, each a word of two or more
    syllables the corpus uses or a single syllable, preferring words over
    syllables; function words (:data:`QUERY_STOPWORDS`) and the words of
    ``drop`` are dropped from it. A term
    with no such split, a số hiệu or a term the corpus uses is kept as it is.
    ``idf``: folded term (``_`` joining syllables) → BM25 idf, the
    maximum for a term the corpus never uses (``HybridIndex.term_idf``)."""
    unseen = idf("")
    out: list[str] = []
    read = None
    for t in terms:
        syl = t.split("_")
        if len(syl) < 3 or "/" in t or any(c.isdigit() for c in t) or idf(t) < unseen:
            out.append(t)
            continue
        if read is None:
            read = list(texts() if callable(texts) else texts)
        if any(f" {' '.join(syl)} " in h for h in read):
            out.append(t)
            continue
        n = len(syl)
        best: list[tuple[float, list[str]] | None] = [None] * (n + 1)
        best[0] = (0.0, [])
        for i in range(n):
            if best[i] is None:
                continue
            for j in range(i + 1, n + 1):
                piece = "_".join(syl[i:j])
                if j - i == 1:
                    cost = 1.5
                elif j - i < n and idf(piece) < unseen:
                    cost = 1.0
                else:
                    continue
                cand = (best[i][0] + cost, best[i][1] + [piece])
                if best[j] is None or cand[0] < best[j][0]:
                    best[j] = cand
        pieces = best[n][1] if best[n] is not None else [t]
        if all(len(p.split("_")) == 1 for p in pieces):
            out.append(t)  # no word of the corpus in it: nothing better than the segmenter's guess
            continue
        out += [p for p in pieces if p not in QUERY_STOPWORDS and p not in drop]
    return tuple(dict.fromkeys(out))


def folded_words(text: str) -> str:
    """``text`` folded and reduced to space-separated alphanumeric words and
    số hiệu, padded with spaces, for phrase look-ups by :func:`term_coverage`."""
    text = unicodedata.normalize("NFC", text)
    nums = " ".join(t for _s, _e, t in compound_tokens(text))
    return f" {' '.join(_WORD_RE.findall(fold(text)))} {nums} "


def term_coverage(terms: list[str], text: str, idf, words: str | None = None) -> float:
    """idf-weighted share (0..1) of query ``terms`` (from :func:`query_terms`)
    that occur in ``text`` as contiguous words (``tu_chu`` ⇒ "tu chu").

    ``idf(term)`` gives each term's weight (callers pass an idf that gives
    terms unseen in the corpus the maximum weight). ``words`` may pass a
    precomputed :func:`folded_words` of ``text``.
    """
    if not terms:
        return 0.0
    hay = words if words is not None else folded_words(text)
    total = got = 0.0
    for t in terms:
        w = idf(t)
        total += w
        if has_term(hay, t):
            got += w
    return got / total if total > 0 else 0.0


def has_term(hay: str, term: str) -> bool:
    """Does ``hay`` (a :func:`folded_words` string) hold ``term`` (folded; ``_``
    or spaces between the syllables of one word) as contiguous words? A partial
    số hiệu ("61/2018") also matches the full one ("61/2018/nd-cp"); a bound
    qualifier term (``toi_da``, ``toi_thieu``) matches any of its
    :data:`BOUND_FORMS` ("không nhiều hơn 36 tháng" holds ``toi_da``)."""
    if term in _BOUND_HAY_RE:  # a bound qualifier, written in any of its forms (BOUND_FORMS)
        return _BOUND_HAY_RE[term].search(hay) is not None
    if f" {term.replace('_', ' ')} " in hay:
        return True
    if "/" in term:
        return re.search(rf" {re.escape(term)}[/-]", hay) is not None
    return term.isdigit() and len(term) <= 3 and in_written_range(hay, int(term))


#: a band written in a rule: "từ 12 đến dưới 15 điểm", "từ 30% đến dưới 70%", "từ 15 điểm trở lên" (folded words)
_BAND_RE = re.compile(r" tu (\d{1,3}) (?:[a-z]+ )?(?:den (duoi |khong qua )?(\d{1,3})|tro len) ")


def in_written_range(hay: str, value: int) -> bool:
    """Does ``hay`` (a :func:`folded_words` string) write a band that holds
    ``value``: "từ 12 đến dưới 15 điểm" holds 13 (12 ≤ 13 < 15), "từ 9 đến
    12" holds 12, "từ 15 điểm trở lên" holds 15 and more. A question giving a
    figure ("được 13 điểm thì xếp loại gì") is answered by the band of the rule
    it falls in (TT 01/2018/TT-VPCP Điều 15: "từ 12 đến dưới 15 điểm xếp loại
    tốt"). Whole numbers of up to three digits (no year, no số hiệu)."""
    for m in _BAND_RE.finditer(hay):
        lo = int(m.group(1))
        if m.group(3) is None:
            if value >= lo:
                return True
        elif lo <= value and (value < int(m.group(3)) if m.group(2) == "duoi " else value <= int(m.group(3))):
            return True
    return False


# Leading words of a captured name that are part of the unit type, not the name.
_NAME_PREFIXES = ("mam non ", "tieu hoc ", "trung hoc co so ", "trung hoc pho thong ", "thcs ", "thpt ", "thanh pho ")
_PLACE_RE = re.compile(r"\b(?i:tỉnh|thành phố|quận|huyện|phường|xã|trường(?: mầm non| tiểu học| THCS| THPT)?)\s+((?:[A-ZĐÂĂÊÔƠƯÁÀẢÃẠÉÈẺẼẸÍÌỈĨỊÓÒỎÕỌÚÙỦŨỤÝỲỶỸỴ][\wÀ-ỹ]*\s?){1,3})")


_UP = "A-ZĐÂĂÊÔƠƯÁÀẢÃẠẤẦẨẪẬẮẰẲẴẶÉÈẺẼẸẾỀỂỄỆÍÌỈĨỊÓÒỎÕỌỐỒỔỖỘỚỜỞỠỢÚÙỦŨỤỨỪỬỮỰÝỲỶỸỴ"
# Leading capitalised words of unit/document titles, stripped before a name.
_TITLE_WORDS = frozenset(
    "truong mam non tieu hoc trung quan tinh thanh pho huyen phuong xa uy ban nhan dan nghi dinh quyet thong tu "
    "ke hoach cong van chi thi so bo phong giao duc dao tao luat".split()
)
_CAPS_SEQ_RE = re.compile(rf"\b[{_UP}][a-zà-ỹđ]+(?:\s+[{_UP}][a-zà-ỹđ]+)+")


def named_entities(text: str) -> list[str]:
    """Proper names and số hiệu a question depends on (folded phrases):
    document numbers (``118/2025/nd-cp``), and capitalised names after
    place/unit words ("tỉnh Nghệ An" → ``nghe an``, "Trường Mầm non Hoa Sen"
    → ``hoa sen``). Used to abstain when the corpus never mentions them."""
    text = unicodedata.normalize("NFC", text)
    out = [t for _s, _e, t in compound_tokens(text) if re.search(r"[a-z]", t)]
    for m in _PLACE_RE.finditer(text):
        name = " ".join(_WORD_RE.findall(fold(m.group(1)))) + " "
        stripped = True
        while stripped:
            stripped = False
            for p in _NAME_PREFIXES:
                if name.startswith(p):
                    name, stripped = name[len(p):], True
        name = " ".join(re.split(r" (?:quan|huyen|tinh|xa|nam) ", f" {name.strip()} ")[0].split())
        if name and not name[0].isdigit():
            out.append(name)
    # Other capitalised multi-word names inside the sentence ("Hà Nội", "Đà Nẵng").
    for m in _CAPS_SEQ_RE.finditer(text):
        if m.start() == 0 or text[: m.start()].rstrip().endswith((".", "?", "!", ":", "\n")):
            continue
        words = _WORD_RE.findall(fold(m.group(0)))
        while words and words[0] in _TITLE_WORDS:
            words.pop(0)
        words = " ".join(re.split(r" (?:quan|huyen|tinh|xa|nam) ", f" {' '.join(words)} ")[0].split()).split()
        if len(words) >= 2:
            out.append(" ".join(words))
    return list(dict.fromkeys(out))


#: Thành phố Hồ Chí Minh as staff write it ("TP.HCM", "tphcm", "tp hcm", "Sài Gòn"), on folded words
_HCM_RE = re.compile(r" (?:(?:tp|thanh pho) )?(?:hcm|ho chi minh) | tphcm | sai gon ")
#: a district or ward named by its number ("Quận 1", "Q.1", "q1", "phường 14"), on folded words
_NUMBERED_PLACE_RE = re.compile(r" (quan|phuong|q) ?(\d{1,2}) ")
#: the words before a place that make it part of an organisation's name ("UBND Quận 1", "Phòng Giáo dục và
#: Đào tạo Quận 8", "pgd q8", "Sở GDĐT TP.HCM", "Thành ủy"), folded words: the place then names who issued
#: or receives a văn bản, not what the question is about
_ORG_BEFORE_RE = re.compile(
    r" (?:ubnd|uy ban(?: nhan dan)?|hdnd|hoi dong nhan dan|pgd(?: ?dt)?|thanh uy|quan uy"
    r"|(?:phong|so) (?:giao duc(?: va dao tao)?|gd(?: ?dt)?|noi vu|tu phap|tai chinh|[a-z]+ [a-z]+))(?: cua)? $")


def named_places(text: str) -> tuple[str, ...]:
    """Places a question asks about (folded canonical forms): Thành phố Hồ
    Chí Minh in its short forms (``"ho chi minh"``), a quận or phường by
    number (``"quan 1"`` from "Q.1", "q1", "Quận 1"; ``"phuong 14"``) and a
    capitalised name after tỉnh/thành phố/quận/huyện/phường/xã ("quận Gò
    Vấp" → ``"go vap"``). A place that is part of an organisation's name
    ("UBND Quận 1", "Phòng GD&ĐT Quận 8", "pgd q8") is left out: it says who
    issued or receives a văn bản the question names, not what the question is
    about. Returns the places in question order, each once."""
    text = unicodedata.normalize("NFC", text or "")

    def words(t: str) -> str:
        return f" {' '.join(_WORD_RE.findall(fold(t)))} "

    def free(before: str) -> bool:  # the folded words before the place end no organisation's name
        return _ORG_BEFORE_RE.search(before) is None

    hay = words(text)
    found: list[tuple[int, str]] = []

    for m in _HCM_RE.finditer(hay):
        if free(hay[:m.start() + 1]):
            found.append((m.start(), "ho chi minh"))
    for m in _NUMBERED_PLACE_RE.finditer(hay):
        if free(hay[:m.start() + 1]):
            kind = "quan" if m.group(1) in ("quan", "q") else m.group(1)
            found.append((m.start(), f"{kind} {int(m.group(2))}"))
    for m in _PLACE_RE.finditer(text):
        if fold(m.group(0)).startswith("truong"):
            continue
        name = " ".join(_WORD_RE.findall(fold(m.group(1))))
        for p in _NAME_PREFIXES:
            if name.startswith(p):
                name = name[len(p):]
        name = " ".join(re.split(r" (?:quan|huyen|tinh|xa|nam) ", f" {name} ")[0].split())
        if not name or name[0].isdigit() or name in ("ho chi minh", "hcm"):
            continue
        before = words(text[:m.start()])
        if free(before.rstrip() + " "):
            found.append((len(before), name))
    found.sort()
    return tuple(dict.fromkeys(p for _i, p in found))


def place_in(hay: str, place: str) -> bool:
    """Does ``hay`` (a :func:`folded_words` string) name ``place`` (a
    :func:`named_places` form), in any of the forms staff and văn bản write it
    ("Quận 1", "Q.1", "Q1"; "Thành phố Hồ Chí Minh", "TP.HCM")."""
    if place == "ho chi minh":
        return _HCM_RE.search(hay) is not None
    m = re.fullmatch(r"(quan|phuong) (\d{1,2})", place)
    if m:
        n = int(m.group(2))
        forms = [f" {m.group(1)} 0?{n} "] + ([f" q ?0?{n} "] if m.group(1) == "quan" else [])
        return any(re.search(f, hay) for f in forms)
    return f" {place} " in hay
