"""Hiệu lực (validity) of văn bản: known replacements, effective dates, statements in the texts.

Two sources, always named in the notes given to users:

* ``corpus/documents/validity.tsv`` — curated table, columns ``document``,
  ``status`` (``replaced`` | ``partly amended`` | ``expired`` | ``in force``),
  ``replaced_or_amended_by``, ``effective`` (ISO date the change took effect,
  may be empty) and ``source`` (where the status was read);
* statements in the corpus texts themselves, e.g. Điều 40 khoản 2 of
  Nghị định 61/2018/NĐ-CP: "Quyết định số 09/2015/QĐ-CP … hết hiệu lực kể từ
  ngày Nghị định này có hiệu lực thi hành" (:func:`find_validity_statements`).

Effective dates are read from the wording used by the Bộ pháp điển and by
văn bản quy phạm pháp luật ("có hiệu lực thi hành kể từ ngày 15/11/2020",
"có hiệu lực từ ngày 15 tháng 8 năm 2021", title suffix "(hiệu lực 15/8/2021)").
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from corpus.citations import TYPE_BY_CODE, canonical_id, extract_citations, resolve_reference
from corpus.metadata import parse_vn_date
from corpus.textnorm import fold

__all__ = [
    "ValidityRecord",
    "ValidityStatement",
    "load_validity_table",
    "effective_from_text",
    "find_validity_statements",
    "validity_note",
    "DEFAULT_TABLE",
]

DEFAULT_TABLE = Path(__file__).resolve().parent / "documents" / "validity.tsv"
_DOCS = Path(__file__).resolve().parent / "documents"


@dataclass
class ValidityRecord:
    """One row of ``validity.tsv``; ``document`` and ``replaced_or_amended_by`` are canonical số hiệu."""

    document: str
    status: str
    replaced_or_amended_by: str | None = None
    effective: str | None = None
    source: str = ""


@dataclass
class ValidityStatement:
    """A sentence of ``doc_id`` saying that ``targets`` expired / were replaced / amended.

    ``kind``: ``"expired"`` (hết hiệu lực), ``"replaced"`` (thay thế) or
    ``"amended"`` (sửa đổi, bổ sung). ``targets``: canonical ids of the văn bản
    concerned; ``by``: the số hiệu of the stating document when the statement
    ties the change to it ("kể từ ngày Nghị định này có hiệu lực"), else None.
    ``article``: the Điều the statement is in (``"Điều 40"``) or "".
    """

    doc_id: str
    kind: str
    targets: list[str] = field(default_factory=list)
    by: str | None = None
    effective: str | None = None
    article: str = ""
    sentence: str = ""
    start: int = 0
    end: int = 0


def load_validity_table(path: str | Path | None = None) -> dict[str, ValidityRecord]:
    """Read the validity table (TSV with a header row) into ``{canonical số hiệu: record}``.

    ``path`` defaults to the bundled ``corpus/documents/validity.tsv``. Rows
    with an empty ``document`` are skipped. Raises ``FileNotFoundError`` if
    the file is missing and ``ValueError`` if a required column is absent.
    """
    p = Path(path) if path is not None else DEFAULT_TABLE
    with p.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh, delimiter="\t")
        cols = set(reader.fieldnames or [])
        missing = {"document", "status"} - cols
        if missing:
            raise ValueError(f"{p}: missing column(s) {sorted(missing)}")
        out: dict[str, ValidityRecord] = {}
        for row in reader:
            doc = (row.get("document") or "").strip()
            if not doc:
                continue
            by = (row.get("replaced_or_amended_by") or "").strip()
            eff = (row.get("effective") or "").strip()
            rec = ValidityRecord(
                document=canonical_id(doc),
                status=(row.get("status") or "").strip(),
                replaced_or_amended_by=canonical_id(by) if by else None,
                effective=eff or None,
                source=(row.get("source") or "").strip(),
            )
            out[rec.document] = rec
    return out


_DATE = r"(?:(\d{1,2})\s*/\s*(\d{1,2})\s*/\s*(\d{4})|(\d{1,2})\s+thang\s+(\d{1,2})\s+nam\s+(\d{4}))"
_EFFECTIVE = [
    re.compile(r"co\s+hieu\s+luc(?:\s+thi\s+hanh)?\s+(?:ke\s+)?tu\s+ngay\s+" + _DATE),
    re.compile(r"\(\s*hieu\s+luc\s+(?:tu\s+(?:ngay\s+)?)?" + _DATE + r"\s*\)"),
]


def _date_from(m: re.Match[str]) -> str | None:
    g = m.groups()
    if g[0]:
        return parse_vn_date(g[0], g[1], g[2])
    return parse_vn_date(g[3], g[4], g[5])


def effective_from_text(text: str) -> str | None:
    """Ngày có hiệu lực (ISO ``YYYY-MM-DD``) stated in ``text``, or None.

    ``"… có hiệu lực thi hành kể từ ngày 15/11/2020)"`` → ``"2020-11-15"``;
    ``"(hiệu lực 15/8/2021)"`` → ``"2021-08-15"``;
    ``"có hiệu lực từ ngày 15 tháng 8 năm 2021"`` → ``"2021-08-15"``.
    The earliest statement in the text wins. Never raises on str input.
    """
    if not isinstance(text, str) or not text:
        return None
    f = fold(text)
    best: tuple[int, str] | None = None
    for rx in _EFFECTIVE:
        for m in rx.finditer(f):
            d = _date_from(m)
            if d and (best is None or m.start() < best[0]):
                best = (m.start(), d)
            if d:
                break
    return best[1] if best else None


_KINDS = [
    ("expired", re.compile(r"het\s+hieu\s+luc")),
    ("replaced", re.compile(r"thay\s+the")),
    ("amended", re.compile(r"sua\s+doi,?\s+bo\s+sung")),
]
_SELF = re.compile(r"(?:nghi\s+dinh|thong\s+tu|quyet\s+dinh|nghi\s+quyet|luat)\s+nay\s+co\s+hieu\s+luc")
_ARTICLE = re.compile(r"^Điều\s+(\d+)\.", re.MULTILINE)


def _sentences(text: str) -> list[tuple[int, int]]:
    """Spans of clauses: a paragraph; a paragraph ending in ':' takes its following list items."""
    spans: list[tuple[int, int]] = []
    paras = [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text)]
    i = 0
    while i < len(paras):
        s, e = paras[i]
        if text[s:e].rstrip().endswith(":"):
            j = i + 1
            while j < len(paras) and re.match(r"\s*(?:[a-zđ]\)|-|\+|\d+\.\d*)", text[paras[j][0] : paras[j][1]]):
                e = paras[j][1]
                j += 1
            spans.append((s, e))
            i = j
            continue
        spans.append((s, e))
        i += 1
    return spans


def find_validity_statements(text: str, doc_id: str = "", own_number: str | None = None) -> list[ValidityStatement]:
    """Statements in ``text`` that cited văn bản expired, were replaced or amended.

    Only clauses that contain the key phrase (hết hiệu lực / thay thế / sửa đổi,
    bổ sung) *and* cite at least one other văn bản by số hiệu count; a clause
    ending in ``:`` includes its list items (``a) Nghị định số 16/2015/NĐ-CP …``).
    Generic wording ("sửa đổi, bổ sung hồ sơ") without a citation is ignored.
    ``own_number``: số hiệu of the document (to fill ``by`` when the clause
    says "kể từ ngày Nghị định này có hiệu lực"). Never raises on str input.
    """
    if not isinstance(text, str) or not text:
        return []
    f = fold(text)
    arts = [(m.start(), f"Điều {m.group(1)}") for m in _ARTICLE.finditer(text)]
    own = canonical_id(own_number) if own_number else None
    out: list[ValidityStatement] = []
    for s, e in _sentences(text):
        seg_f = f[s:e]
        if re.match(r"(?:SOURCE|ALT_SOURCE|NOTE)\b", text[s:e]):  # provenance lines of the pháp điển files
            continue
        hit = next(((k, km) for k, rx in _KINDS if (km := rx.search(seg_f))), None)
        if not hit:
            continue
        kind, km = hit
        seg = text[s:e]
        targets = []
        for m in extract_citations(seg):
            # "hết hiệu lực" may close a long list; "thay thế"/"sửa đổi, bổ sung" must govern the
            # citation: the mention starts within 80 characters after the phrase
            if kind != "expired" and not (0 <= m.start - km.end() <= 80):
                continue
            if m.number and m.number != own and m.id not in targets:
                targets.append(m.id)
        if not targets:
            continue
        by = own if (own and _SELF.search(seg_f)) else None
        art = ""
        for pos, name in arts:
            if pos <= s:
                art = name
        out.append(
            ValidityStatement(doc_id=doc_id, kind=kind, targets=targets, by=by,
                              effective=None, article=art, sentence=re.sub(r"\s+", " ", seg).strip(), start=s, end=e)
        )
    return out


# --------------------------------------------------------------------------- notes


def _type_name(number: str) -> str:
    for p in re.split(r"[-/]", number)[1:]:
        key = re.sub(r"\d+$", "", p)
        if key in TYPE_BY_CODE:
            return TYPE_BY_CODE[key]
    return "Văn bản"


def _dmy(iso: str | None) -> str | None:
    if not iso or not re.match(r"\d{4}-\d{2}-\d{2}$", iso):
        return None
    y, m, d = iso.split("-")
    return f"{d}/{m}/{y}"


@lru_cache(maxsize=1)
def _bundled() -> tuple[tuple[str, str, str, str | None], ...]:
    """(doc_id, canonical số hiệu, text, effective date) for bundled decrees."""
    from corpus.metadata import extract_metadata

    out = []
    for p in sorted((_DOCS / "decrees").glob("*.txt")):
        text = p.read_text(encoding="utf-8", errors="replace")
        meta = extract_metadata(text, p.stem, str(p))
        if meta.number:
            out.append((p.stem, canonical_id(meta.number), text, effective_from_text(text)))
    return tuple(out)


def _resolve(doc_id_or_number: str) -> str | None:
    q = doc_id_or_number.strip()
    for doc_id, number, _t, _e in _bundled():
        if q == doc_id:
            return number
    if re.search(r"\d+(?:/\d{4})?[/-][A-Za-zĐđ]", q):
        cid = canonical_id(re.sub(r"^.*?(?=\d)", "", q, count=1))
        return cid
    known = [n for _d, n, _t, _e in _bundled()] + list(load_validity_table().keys())
    for _d, _n, t, _e in _bundled():
        known.extend(m.id for m in extract_citations(t) if m.number)
    return resolve_reference(q, sorted(set(known)))


def validity_note(doc_id_or_number: str, table: dict[str, ValidityRecord] | None = None) -> str | None:
    """A Vietnamese sentence on the validity of a văn bản, with its source; None if nothing is known.

    ``doc_id_or_number``: a bundled doc_id (``"nd-61-2018-nd-cp"``), a số hiệu
    (``"61/2018/NĐ-CP"``, OCR spellings accepted) or a mention like
    ``"Nghị định 61"``. The validity table wins; otherwise statements in the
    bundled legal texts are used (``"… đã hết hiệu lực kể từ ngày Nghị định
    61/2018/NĐ-CP có hiệu lực (21/06/2018), theo Điều 40 Nghị định
    61/2018/NĐ-CP."``).
    """
    if not isinstance(doc_id_or_number, str) or not doc_id_or_number.strip():
        return None
    number = _resolve(doc_id_or_number)
    if not number:
        return None
    tbl = table if table is not None else load_validity_table()
    name = f"{_type_name(number)} {number}"
    rec = tbl.get(number)
    if rec:
        by = rec.replaced_or_amended_by
        by_name = f"{_type_name(by)} {by}" if by else None
        since = f" (từ {_dmy(rec.effective)})" if _dmy(rec.effective) else ""
        src = f" Nguồn: {rec.source}." if rec.source else ""
        st = rec.status.lower()
        if st == "replaced" and by_name:
            return f"{name} đã được thay thế bởi {by_name}{since}.{src}"
        if st in ("partly amended", "amended") and by_name:
            return f"{name} đã được sửa đổi, bổ sung một phần bởi {by_name}{since}.{src}"
        if st in ("expired", "replaced"):
            return f"{name} đã hết hiệu lực{since}.{src}"
        if st == "in force":
            return f"{name} đang có hiệu lực.{src}"
    for doc_id, own, text, eff in _bundled():
        for st in find_validity_statements(text, doc_id, own):
            if number not in st.targets:
                continue
            where = f"{st.article} {_type_name(own)} {own}".strip()
            if st.kind == "expired" and st.by:
                when = f" ({_dmy(eff)})" if _dmy(eff) else ""
                return (f"{name} đã hết hiệu lực kể từ ngày {_type_name(own)} {own} có hiệu lực{when}, "
                        f"theo {where}.")
            verb = {"expired": "đã hết hiệu lực", "replaced": "đã được thay thế",
                    "amended": "đã được sửa đổi, bổ sung"}[st.kind]
            return f"{name} {verb}, theo {where}."
    return None
