"""Which passages define which terms (passage side of definitional questions).

A passage *defines* a term where it says what the term is:

* a definition sentence or item: ``"<Term> là …"`` (the term may be quoted), ``"<Term> được hiểu là
  …"``, ``"<Term> có nghĩa là …"`` at the start of a line, of a sentence or
  of a numbered khoản/điểm — the form of the "Giải thích từ ngữ" articles
  ("Trong Nghị định này, các từ ngữ dưới đây được hiểu như sau: 1. Bộ phận
  Một cửa là …"; NĐ 30/2020/NĐ-CP, Điều 3) and of plans' own explanations;
* an alias given in parentheses: ``"(sau đây gọi là <Term>)"``,
  ``"(gọi tắt là <Term>)"``;
* an abbreviation introduced after its expansion: ``"thủ tục hành chính
  (TTHC)"``.

Terms are returned folded (:func:`corpus.textnorm.fold`), words separated by
one space. :func:`term_match` compares a question's term with a defined term.
"""

from __future__ import annotations

import re

from corpus.textnorm import fold

_WORD = re.compile(r"[0-9a-z]+")
_PIECES = re.compile(r"\n+|(?<=[.;:!?])\s+")
_ITEM = re.compile(r"^\s*(?:\d{1,3}(?:\.\d{1,3})*[.)]|[a-zđ]\)|[-+•*–])?\s*")
_IS = re.compile(r"\s+(?:là|được hiểu là|có nghĩa là|được gọi là)\s+", re.IGNORECASE)
_PAREN = re.compile(r"\([^()]*\)")
_ALIAS = re.compile(r"\((?:sau đây )?(?:được )?gọi (?:tắt |chung )?là\s+([^()]{2,80})\)", re.IGNORECASE)
_ABBR = re.compile(r"\(\s*([A-ZĐ][A-Za-zĐđ]*(?:[ -][A-Z][A-Za-z]*)?)\s*\)")
# A sentence opened by these words states something about a case, not what a term is.
_NOT_TERM = frozenset("day do nay neu khi truong viec ket noi muc tieu ly do nguyen nhan ai ho chung".split())
MAX_TERM_WORDS = 16  # syllables


def defined_terms(text: str) -> set[str]:
    """Folded terms that ``text`` defines (see module docstring).

    ``"2. Bản sao lục là bản sao đầy đủ …"`` → ``{"ban sao luc"}``;
    ``"… thủ tục hành chính (TTHC) …"`` → ``{"tthc"}``. Never raises."""
    out: set[str] = set()
    for piece in _PIECES.split(text or ""):
        body = _ITEM.sub("", piece, count=1)
        m = _IS.search(body)
        if m and m.start() > 0:
            head = _PAREN.sub(" ", body[: m.start()]).strip(" “”\"'‘’")
            if "," not in head and ";" not in head and head[:1].isupper():
                words = _WORD.findall(fold(head))
                if 1 <= len(words) <= MAX_TERM_WORDS and words[0] not in _NOT_TERM:
                    out.add(" ".join(words))
    for m in _ALIAS.finditer(text or ""):
        words = _WORD.findall(fold(m.group(1)))
        if 1 <= len(words) <= MAX_TERM_WORDS:
            out.add(" ".join(words))
    for m in _ABBR.finditer(text or ""):
        words = _WORD.findall(fold(m.group(1)))
        if words and len("".join(words)) >= 2 and not "".join(words).isdigit():
            out.add(" ".join(words))
    return out


def term_match(question_term: str, defined: str) -> int:
    """How well a defined term answers a question's term (both folded):
    2 = the same words; 1 = one is the other's first words ("cơ chế một cửa
    liên thông" / "cơ chế một cửa liên thông trong giải quyết thủ tục hành
    chính"; "tài khoản người sử dụng" / "tài khoản người sử dụng trên hệ
    thống …"), the shorter having at least two words; 0 = no match."""
    if not question_term or not defined:
        return 0
    if question_term == defined:
        return 2
    q, d = question_term.split(), defined.split()
    short, long_ = (q, d) if len(q) <= len(d) else (d, q)
    return 1 if len(short) >= 2 and long_[: len(short)] == short else 0
