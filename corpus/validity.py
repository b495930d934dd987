"""Hiệu lực (validity) of văn bản, per document and per provision, evaluated at a date.

Plain code, no model. Two kinds of source, both read from *documents* (a
validity table is ingested like any other document; nothing here reads a
folder), and both named in every note the way a clerk checks them:

* **Legal texts** — :func:`find_validity_facts` mines the operative wording
  that Luật Ban hành văn bản quy phạm pháp luật 2015 (Điều 154, Điều 12)
  requires a new văn bản to state about the ones it ends or changes:

  - "Nghị định này thay thế Nghị định số 120/2020/NĐ-CP …" (NĐ 299/2026, Điều
    31 khoản 2) → ``replaced`` by this document, from its effective date;
  - "Nghị định số 61/2018/NĐ-CP …; Nghị định số 107/2021/NĐ-CP … hết hiệu lực
    kể từ ngày Nghị định này có hiệu lực thi hành" (NĐ 118/2025, Điều 40
    khoản 1; NĐ 161/2026, Điều 6 khoản 2) → ``expired``, ended by this
    document on its effective date ("kể từ ngày 01/01/2027" → that date);
  - "Sửa đổi khoản 3, Điều 5 Nghị định số 63/2010/NĐ-CP …", "Sửa đổi, bổ sung,
    bãi bỏ một số quy định tại của Nghị định số 45/2020/NĐ-CP …" with its
    points "a) Bỏ cụm từ … tại điểm b khoản 1 Điều 5 …", "e) Bãi bỏ quy định
    tại khoản 1 Điều 16" (NĐ 118/2025, Điều 40 khoản 5–8) → ``amended`` /
    ``repealed`` *provisions* (Điều/khoản/điểm) of the target;
  - the trích yếu of a cited amending document: "Nghị định số 111/2025/NĐ-CP
    ngày 22 tháng 5 năm 2025 của Chính phủ sửa đổi, bổ sung một số điều của
    Nghị định số 60/2021/NĐ-CP" (NĐ 161/2026, Điều 5 khoản 4) → 60/2021
    ``amended`` by 111/2025 (date not stated);
  - the codification notes of the Bộ pháp điển: "(Điều 6 Nghị định số
    120/2020/NĐ-CP, …, có nội dung được sửa đổi, có nội dung được bổ sung bởi
    Điều 3 Nghị định số 83/2024/NĐ-CP có hiệu lực thi hành kể từ ngày
    01/09/2024)" → Điều 6 ``amended`` by 83/2024 from that date.

  Statements of the first three kinds count only in the operative part (from
  the first Điều on, when the document has articles; never on a "Căn cứ …"
  line), and quoted new wording (“…”) is never read as a statement.

* **Validity tables** — TSV files with a header row (:func:`parse_validity_table`):
  columns ``document``, ``status`` (``replaced`` | ``expired`` |
  ``partly amended`` | ``amended`` | ``repealed`` | ``in force``), and
  optionally ``replaced_or_amended_by``, ``effective`` (ISO date), ``provision``
  ("Điều 12 khoản 1"), ``source`` (what a clerk checks, in Vietnamese) and
  ``mirror`` (where the project copied it from: repository URL, commit).

:class:`ValidityIndex` evaluates the facts of all indexed documents at an
as-of date (:meth:`ValidityIndex.status`), names successors and predecessors
(the whole replacement chain: :meth:`ValidityIndex.replacement_chain`),
and writes the Vietnamese notes (:meth:`ValidityIndex.note`). A change whose
date is unknown is taken to have happened once its acting document exists
(from 1 January of the year in its số hiệu, or its ngày ban hành).

Effective dates are read from the wording used by the Bộ pháp điển and by
văn bản quy phạm pháp luật ("có hiệu lực thi hành kể từ ngày 15/11/2020",
"có hiệu lực từ ngày 15 tháng 8 năm 2021", title suffix "(hiệu lực 15/8/2021)").
Dates in notes are written as Nghị định 30/2020/NĐ-CP, Phụ lục I, mục II.5
requires (day below 10 and month below 3 with a leading zero: 01/7/2025,
05/3/2020, 15/02/2026).
"""

from __future__ import annotations

import csv
import datetime as _dt
import io
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from corpus.citations import Mention, canonical_id, extract_citations, resolve_reference
from corpus.dates import DATE as _DATE
from corpus.dates import (EFFECTIVE_FROM, EFFECTIVE_PAREN, FROM_DATE, NUMERIC_DATE_ACCENTED, WORDED_DATE_ACCENTED,
                          date_from_groups, parse_vn_date)
from corpus.legal_refs import doc_type_of_number, find_numbers, fold
from corpus.models import DocumentError, DocumentMeta, ParsedDocument

__all__ = [
    "TABLE_KIND",
    "ValidityFact",
    "ValidityRecord",
    "Status",
    "ValidityIndex",
    "load_validity_table",
    "parse_validity_table",
    "table_facts",
    "find_validity_facts",
    "document_validity",
    "effective_from_text",
    "effective_statement",
    "parse_provisions",
    "doc_name",
    "vn_date",
]

#: ``DocumentMeta.kind`` of an ingested validity table.
TABLE_KIND = "validity"
_STATUS_KIND = {"replaced": "replaced", "expired": "expired", "partly amended": "amended", "amended": "amended",
                "repealed": "repealed", "in force": "in force"}
_ENDING = ("replaced", "expired")


# --------------------------------------------------------------------------- data


@dataclass
class ValidityFact:
    """One change of hiệu lực, as a document states it.

    ``target``: canonical số hiệu of the văn bản changed; ``kind``:
    ``"replaced"``, ``"expired"`` (the whole văn bản ends), ``"amended"``
    (some provisions changed; it stays in force), ``"repealed"`` (provisions
    bãi bỏ) or ``"in force"`` (a table row confirming it). ``provisions``:
    the target's Điều/khoản/điểm concerned (``"Điều 12 > khoản 1"``), empty
    for the whole document. ``by``: số hiệu of the văn bản making the change
    (the successor for replaced/expired) or None; ``by_provision``: where in
    it (``"Điều 3"``). ``effective``: ISO date the change takes effect, None
    when not stated. ``source``: where a clerk checks it, in Vietnamese
    (``"khoản 1 Điều 40 Nghị định 118/2025/NĐ-CP"``, ``"Bộ pháp điển điện tử
    (phapdien.moj.gov.vn)"``). ``origin``: ``"text"`` (operative wording),
    ``"title"`` (a cited document's trích yếu), ``"codification"`` (a pháp
    điển note) or ``"table"``. ``doc_id``/``start``/``end``: the document
    and character span the fact was read from (a table: its row line, with
    ``row`` the 1-based data row); ``sentence``: that text.
    """

    target: str
    kind: str
    by: str | None = None
    effective: str | None = None
    provisions: list[str] = field(default_factory=list)
    by_provision: str = ""
    source: str = ""
    origin: str = "text"
    doc_id: str = ""
    sentence: str = ""
    start: int = 0
    end: int = 0
    row: int = 0

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class ValidityRecord:
    """One row of a validity table; ``document`` and ``replaced_or_amended_by`` are canonical số hiệu."""

    document: str
    status: str
    replaced_or_amended_by: str | None = None
    effective: str | None = None
    source: str = ""
    provision: str = ""
    mirror: str = ""


# --------------------------------------------------------------------------- names and dates


def doc_name(number: str) -> str:
    """``"61/2018/NĐ-CP"`` → ``"Nghị định 61/2018/NĐ-CP"`` (loại from the số hiệu's codes)."""
    t = doc_type_of_number(number)
    return f"{t} {number}" if t else f"Văn bản {number}"


def vn_date(iso: str | None) -> str | None:
    """ISO date → ``dd/m/yyyy`` as Nghị định 30/2020/NĐ-CP writes dates
    (day < 10 and month < 3 with a leading zero): ``"2025-07-01"`` →
    ``"01/7/2025"``, ``"2026-02-15"`` → ``"15/02/2026"``; None if not ISO."""
    if not iso or not re.match(r"\d{4}-\d{2}-\d{2}$", iso):
        return None
    y, m, d = (int(x) for x in iso.split("-"))
    return f"{d:02d}/{m:02d}/{y}" if m < 3 else f"{d:02d}/{m}/{y}"


_DATE_AS_WRITTEN = re.compile(rf"{WORDED_DATE_ACCENTED}|{NUMERIC_DATE_ACCENTED}", re.IGNORECASE)


def date_as_written(text: str, iso: str | None) -> str | None:
    """The first date of ``text`` that is the ISO date ``iso``, as ``text``
    writes it: ``"ngày 01 tháng 7 năm 2025"`` (worded, with its "ngày") or
    ``"01/7/2025"`` (numeric); None when ``text`` writes no such date or
    ``iso`` is not a date. Never raises on str input."""
    if not iso or not isinstance(text, str):
        return None
    for m in _DATE_AS_WRITTEN.finditer(text):
        if parse_vn_date(*(m.group(1, 2, 3) if m.group(1) else m.group(4, 5, 6))) == iso:
            return re.sub(r"\s+", " ", m.group(0))
    return None


def row_statement(fact: "ValidityFact") -> str:
    """A validity-table fact as one sentence ending in "." (its row sentence,
    :func:`_row_text`, with the ``Nguồn`` column in parentheses), so one
    citation mark after it covers the whole row: ``"Nghị định 61/2018/NĐ-CP
    đã được thay thế bởi Nghị định 118/2025/NĐ-CP từ 01/7/2025 (nguồn: Bộ
    pháp điển điện tử, phapdien.moj.gov.vn)."``."""
    head, _sep, src = fact.sentence.partition(". Nguồn: ")
    head = head.rstrip(".")
    return f"{head} (nguồn: {src.rstrip('.')})." if src else f"{head}."


def _iso(d: _dt.date | str) -> str:
    return d if isinstance(d, str) else d.isoformat()


# --------------------------------------------------------------------------- tables

_TABLE_REQUIRED = {"document", "status"}


def _table_rows(text: str, name: str) -> list[tuple[int, int, int, ValidityRecord]]:
    """``(row number, start, end, record)`` for each data row of a TSV validity table."""
    lines = text.splitlines(keepends=True)
    if not lines:
        raise DocumentError(name, "empty validity table")
    header = [h.strip().lstrip("\ufeff") for h in lines[0].rstrip("\r\n").split("\t")]
    missing = _TABLE_REQUIRED - set(header)
    if missing:
        raise DocumentError(name, f"not a validity table: missing column(s) {', '.join(sorted(missing))} "
                                  f"(header: {', '.join(header)[:120]})")
    out = []
    pos = len(lines[0])
    row = 0
    for line in lines[1:]:
        start, pos = pos, pos + len(line)
        if not line.strip():
            continue
        cells = next(csv.reader(io.StringIO(line.rstrip("\r\n")), delimiter="\t"))
        rec = dict(zip(header, (c.strip() for c in cells)))
        doc = rec.get("document") or ""
        if not doc:
            continue
        row += 1
        by = rec.get("replaced_or_amended_by") or ""
        status = (rec.get("status") or "").strip().lower()
        if status not in _STATUS_KIND:
            raise DocumentError(name, f"row {row}: unknown status {status!r}; use one of {', '.join(_STATUS_KIND)}")
        out.append((row, start, start + len(line.rstrip("\r\n")), ValidityRecord(
            document=canonical_id(doc), status=status, replaced_or_amended_by=canonical_id(by) if by else None,
            effective=(rec.get("effective") or None), source=rec.get("source") or "",
            provision=rec.get("provision") or "", mirror=rec.get("mirror") or "")))
    return out


def load_validity_table(path: str | Path) -> dict[str, ValidityRecord]:
    """Read a validity table file into ``{canonical số hiệu: record}`` (last row wins).

    Raises ``FileNotFoundError`` if the file is missing and ``ValueError``
    (:class:`corpus.models.DocumentError`) if a required column is absent or a
    status is unknown."""
    p = Path(path)
    text = p.read_text(encoding="utf-8")
    return {r.document: r for _n, _s, _e, r in _table_rows(text, str(p))}


def parse_validity_table(text: str, doc_id: str, path: str = "") -> ParsedDocument:
    """A validity table as an indexable document: ``meta.kind`` =
    :data:`TABLE_KIND`, no passages (it feeds the validity knowledge, not
    retrieval). Raises :class:`corpus.models.DocumentError` when ``text`` is
    not a validity table (see :func:`_table_rows`)."""
    rows = _table_rows(text, path or doc_id)
    if not rows:
        raise DocumentError(path or doc_id, "validity table without rows")
    name = Path(path).name if path else doc_id
    meta = DocumentMeta(doc_id=doc_id, path=path, kind=TABLE_KIND, doc_type="Bảng hiệu lực",
                        title=f"Bảng hiệu lực văn bản ({name}, {len(rows)} dòng)")
    return ParsedDocument(meta=meta, text=text, chunks=[])


def _row_text(r: ValidityRecord) -> str:
    """A table row as a Vietnamese sentence (what an answer quotes)."""
    name = doc_name(r.document)
    prov = f"{r.provision} " if r.provision else ""
    by = doc_name(r.replaced_or_amended_by) if r.replaced_or_amended_by else None
    when = f" từ {vn_date(r.effective)}" if vn_date(r.effective) else ""
    kind = _STATUS_KIND[r.status]
    if kind == "replaced":
        what = f"đã được thay thế bởi {by}{when}" if by else f"đã được thay thế{when}"
    elif kind == "expired":
        what = f"đã hết hiệu lực{when}" + (f" ({by})" if by else "")
    elif kind == "amended":
        what = f"đã được sửa đổi, bổ sung một phần bởi {by}{when}" if by else f"đã được sửa đổi, bổ sung một phần{when}"
    elif kind == "repealed":
        what = f"đã bị bãi bỏ{when}" + (f" bởi {by}" if by else "")
    else:
        what = "đang có hiệu lực"
    src = f" Nguồn: {r.source}." if r.source else ""
    return f"{prov}{name} {what}.{src}"


def table_facts(doc: ParsedDocument) -> list[ValidityFact]:
    """The facts of a validity-table document (one per row)."""
    out = []
    for row, s, e, r in _table_rows(doc.text, doc.meta.path or doc.meta.doc_id):
        out.append(ValidityFact(
            target=r.document, kind=_STATUS_KIND[r.status], by=r.replaced_or_amended_by, effective=r.effective,
            provisions=parse_provisions(r.provision) if r.provision else [], source=r.source, origin="table",
            doc_id=doc.meta.doc_id, sentence=_row_text(r), start=s, end=e, row=row))
    return out


# --------------------------------------------------------------------------- effective dates

_EFFECTIVE = [
    re.compile(EFFECTIVE_FROM + _DATE),
    re.compile(EFFECTIVE_PAREN + _DATE + r"\s*[);]"),
]
_date_from = date_from_groups


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
            d = _date_from(m.groups())
            if d and (best is None or m.start() < best[0]):
                best = (m.start(), d)
            if d:
                break
    return best[1] if best else None


_OWN_EFFECTIVE = re.compile(r"(?:nghi\s+dinh|thong\s+tu|quyet\s+dinh|nghi\s+quyet|luat)\s+nay\s+" + EFFECTIVE_FROM + _DATE)
_SELF_DATED = re.compile(EFFECTIVE_FROM + r"ky\b")


def effective_statement(text: str) -> tuple[str | None, int, int, bool] | None:
    """Where ``text`` states its entry into force: ``(ISO date or None, start,
    end, self_dated)`` of the earliest statement — a dated one
    (:func:`effective_from_text`) or "có hiệu lực thi hành kể từ ngày ký"
    (``self_dated``, the date is then the ngày ban hành) — or None."""
    if not isinstance(text, str) or not text:
        return None
    f = fold(text)
    own = _OWN_EFFECTIVE.search(f)  # the document's own article ("Nghị định này có hiệu lực …") first
    if own:
        return _date_from(own.groups()), own.start(), own.end(), False
    found = []
    for rx in _EFFECTIVE:
        m = rx.search(f)
        if m:
            found.append((m.start(), m.end(), _date_from(m.groups()), False))
    m = _SELF_DATED.search(f)
    if m:
        found.append((m.start(), m.end(), None, True))
    if not found:
        return None
    s, e, d, self_dated = min(found)
    return d, s, e, self_dated


# --------------------------------------------------------------------------- provisions

_PROV_TOKEN = re.compile(r"\b(?:(diem)\s+([a-z])\b|(khoan)\s+(\d+)\b|(dieu)\s+(\d+)\b)")


def parse_provisions(text: str) -> list[str]:
    """Provision references in ``text``, as sections (``"Điều 12 > khoản 2 > điểm a"``).

    Vietnamese drafting names the article last and lets it govern the list
    before it: ``"khoản 1, điểm a khoản 2 Điều 12"`` → ``["Điều 12 > khoản 1",
    "Điều 12 > khoản 2 > điểm a"]``; ``"khoản 1, khoản 4 Điều 8, khoản 1
    Điều 11"`` → Điều 8 khoản 1 and 4, Điều 11 khoản 1. Items left without an
    article are dropped. Never raises on str input."""
    if not isinstance(text, str):
        return []
    f = fold(text)
    pending: list[dict] = []
    cur: dict = {}
    out: list[str] = []
    for m in _PROV_TOKEN.finditer(f):
        if m.group(1):
            if cur.get("diem") or cur.get("khoan"):
                pending.append(cur)
                cur = {}
            cur["diem"] = text[m.start(2)]  # the letter as written (đ kept)
        elif m.group(3):
            if cur.get("khoan"):
                pending.append(cur)
                cur = {}
            cur["khoan"] = m.group(4)
        else:
            art = m.group(6)
            for it in pending + [cur]:
                parts = [f"Điều {art}"]
                if it.get("khoan"):
                    parts.append(f"khoản {it['khoan']}")
                if it.get("diem"):
                    parts.append(f"điểm {it['diem']}")
                s = " > ".join(parts)
                if s not in out:
                    out.append(s)
            pending, cur = [], {}
    return out


def provision_label(section: str) -> str:
    """``"Điều 12 > khoản 2 > điểm a"`` → ``"điểm a khoản 2 Điều 12"`` (how a text cites it)."""
    parts = [p.strip() for p in section.split(">") if p.strip()]
    return " ".join(reversed(parts))


def _article_of(section: str) -> str | None:
    m = re.search(r"Điều\s+(\d+)", section or "")
    return m.group(1) if m else None


def _clause_of(section: str) -> str | None:
    m = re.search(r"khoản\s+(\d+)(?!\s*-)", section or "")
    return m.group(1) if m else None


# --------------------------------------------------------------------------- mining texts

_ARTICLE = re.compile(r"^Điều\s+(\d+)\s*\.", re.MULTILINE)
_CLAUSE = re.compile(r"^(\d+)\.\s", re.MULTILINE)
_ITEM = re.compile(r"^\s*(?:[a-zđ]\)|[“\"])")
_QUOTED = re.compile(r"“[^”]*”|\"[^\"\n]*\"", re.DOTALL)
_SENT_END = re.compile(r"(?<=[.;])\s+(?=[A-ZĐ0-9])")
_PROVENANCE = re.compile(r"(?:SOURCE|ALT_SOURCE|NOTE)\b")
_SELF_TYPES = r"(?:nghi\s+dinh|thong\s+tu|quyet\s+dinh|nghi\s+quyet|luat|phap\s+lenh|chi\s+thi|ke\s+hoach|van\s+ban)"
_SELF_EFFECTIVE = re.compile(_SELF_TYPES + r"\s+nay\s+co\s+hieu\s+luc")
_SELF_REPLACES = re.compile(_SELF_TYPES + r"\s+nay\s+thay\s+the\b")
_PASSIVE_REPLACED = re.compile(r"\b(?:duoc|bi)\s+thay\s+the\s+boi\b")
_EXPIRES = re.compile(r"\bhet\s+hieu\s+luc\b")
_EXPIRY_DATE = re.compile(r"het\s+hieu\s+luc(?:\s+thi\s+hanh)?\s+" + FROM_DATE + _DATE)
_AMEND_LEAD = re.compile(r"^\s*(?:\d+\.\s*)?(?P<verb>(?:sua\s+doi|bo\s+sung|bai\s+bo|thay\s+the)(?:\s*,\s*(?:sua\s+doi|bo\s+sung|bai\s+bo))*)\b")
_ITEM_VERB = re.compile(r"^\s*[a-z]\)\s*(?P<verb>sua\s+doi|bo\s+sung|bai\s+bo|bo\s+cum\s+tu|thay\s+the|bo)\b")
_TITLE_AMENDS = re.compile(
    r"(?:\s*,?\s*ngay\s+[\d/ a-z]{6,24}?)?(?:\s*,?\s*cua\s+[^;.()]{2,60}?)?\s*,?\s*"
    r"(?P<verb>sua\s+doi\s*,\s*bo\s+sung|sua\s+doi|bo\s+sung|bai\s+bo)\s+"
    r"(?:(?:mot\s+so|cac)\s+(?:dieu|quy\s+dinh)(?:\s*,\s*khoan)?\s+(?:cua|tai)\s+(?:cua\s+)?)?"
    r"(?:(?:nghi\s+dinh|thong\s+tu|quyet\s+dinh|nghi\s+quyet|luat)\s+)?(?:so\s+)?"
)
_CODIFICATION = re.compile(
    r"\(\s*(?P<art>dieu\s+\d+)\s+(?:nghi\s+dinh|thong\s+tu|quyet\s+dinh|luat)\s+so\s+(?P<x>\S+)[^()]*?"
    r"(?P<what>(?:co\s+noi\s+dung\s+)?(?:duoc|bi)\s+(?:sua\s+doi|bo\s+sung|bai\s+bo|thay\s+the|het\s+hieu\s+luc)"
    r"(?:\s*,\s*(?:co\s+noi\s+dung\s+)?(?:duoc|bi)\s+(?:sua\s+doi|bo\s+sung|bai\s+bo))*)\s+boi\s+"
    r"(?P<byart>dieu\s+\d+\s+)?(?:nghi\s+dinh|thong\s+tu|quyet\s+dinh|luat)\s+so\s+(?P<y>\S+?)"
    r"(?:\s+[^()]*?" + EFFECTIVE_FROM + _DATE + r")?\s*\)"
)


def _clauses(text: str) -> list[tuple[int, int]]:
    """Spans of clauses: a paragraph, with the item lines (``a)``, quoted new
    wording) that follow it."""
    spans: list[tuple[int, int]] = []
    paras = [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text)]
    i = 0
    while i < len(paras):
        s, e = paras[i]
        j = i + 1
        while j < len(paras) and _ITEM.match(text[paras[j][0]: paras[j][1]]):
            e = paras[j][1]
            j += 1
        spans.append((s, e))
        i = j
    return spans


def _mask_quotes(f: str) -> str:
    """Quoted new wording blanked out (same length)."""
    return _QUOTED.sub(lambda m: " " * len(m.group(0)), f)


def _where(text: str, pos: int, arts: list[tuple[int, str]]) -> tuple[str, str]:
    """(Điều, khoản) of position ``pos`` ("Điều 40", "1"), "" when unknown."""
    art, art_start = "", 0
    for p, name in arts:
        if p <= pos:
            art, art_start = name, p
    clause = ""
    if art:
        for m in _CLAUSE.finditer(text, art_start):
            if m.start() > pos:
                break
            clause = m.group(1)
    return art, clause


def _source(art: str, clause: str, own_name: str) -> str:
    bits = [f"khoản {clause}" if clause and art else "", art, own_name]
    return " ".join(b for b in bits if b)


def find_validity_facts(doc: ParsedDocument) -> list[ValidityFact]:
    """Validity facts stated in a document's text (see the module docstring),
    in text order. A validity-table document gives its rows
    (:func:`table_facts`). Pure function of ``doc``; never raises on a
    well-formed ``ParsedDocument``."""
    if doc.meta.kind == TABLE_KIND:
        try:
            return table_facts(doc)
        except DocumentError:
            return []
    text = doc.text or ""
    if not text:
        return []
    try:
        return _mine(doc, text)
    except Exception:  # pragma: no cover - defensive: mining must not break ingest
        return []


def _mine(doc: ParsedDocument, text: str) -> list[ValidityFact]:
    f = fold(text)
    if len(f) != len(text):  # pragma: no cover - text is NFC after loading
        return []
    own = canonical_id(doc.meta.number) if doc.meta.number else None
    if own and doc.meta.doc_type and not doc_type_of_number(own):
        own_name = f"{doc.meta.doc_type} {own}"  # công văn: the loại is not in the số hiệu
    else:
        own_name = doc_name(own) if own else (doc.meta.title or doc.meta.doc_id)
    own_eff = doc.meta.effective or effective_from_text(text)
    arts = [(m.start(), f"Điều {m.group(1)}") for m in _ARTICLE.finditer(text)]
    operative_from = arts[0][0] if arts else 0
    out: list[ValidityFact] = []
    for s, e in _clauses(text):
        seg = text[s:e]
        if _PROVENANCE.match(seg):
            continue
        fseg = _mask_quotes(f[s:e])
        ments = [m for m in extract_citations(seg) if m.number and m.number != own]
        if not ments:
            continue
        art, clause = _where(text, s, arts)
        where = _source(art, clause, own_name)
        operative = s >= operative_from and not fseg.lstrip().startswith("can cu")
        sentence = re.sub(r"\s+", " ", seg).strip()
        facts: list[ValidityFact] = []
        if operative and own:
            facts += _replaced_or_expired(fseg, ments, own, own_eff, where)
            facts += _amendments(seg, fseg, ments, own, own_eff, where)
        facts += _title_amendments(fseg, ments, where)
        facts += _codification(seg, fseg)
        for x in facts:
            x.doc_id, x.start, x.end = doc.meta.doc_id, s, e
            x.sentence = x.sentence or sentence
        out += facts
    return _dedupe(out)


def _targets(ments: list[Mention], lo: int, hi: int) -> list[str]:
    out: list[str] = []
    for m in ments:
        if lo <= m.start < hi and m.number and m.number not in out:
            out.append(m.number)
    return out


def _sentence_bounds(fseg: str, pos: int) -> tuple[int, int]:
    starts = [0] + [m.end() for m in _SENT_END.finditer(fseg)]
    lo = max(s for s in starts if s <= pos)
    nxt = [s for s in starts if s > pos]
    return lo, (nxt[0] if nxt else len(fseg))


def _replaced_or_expired(fseg: str, ments: list[Mention], own: str, own_eff: str | None,
                         where: str) -> list[ValidityFact]:
    out: list[ValidityFact] = []
    for m in _SELF_REPLACES.finditer(fseg):
        lo, hi = _sentence_bounds(fseg, m.start())
        for t in _targets(ments, m.end(), hi):
            out.append(ValidityFact(target=t, kind="replaced", by=own, effective=own_eff, source=where))
    for m in _PASSIVE_REPLACED.finditer(fseg):
        lo, hi = _sentence_bounds(fseg, m.start())
        after = [x for x in ments if m.end() <= x.start < hi]
        if not after:
            continue
        for t in _targets(ments, lo, m.start()):
            out.append(ValidityFact(target=t, kind="replaced", by=after[0].number, effective=None, source=where))
    for m in _EXPIRES.finditer(fseg):
        lo, hi = _sentence_bounds(fseg, m.start())
        tail = fseg[m.start(): hi]
        dm = _EXPIRY_DATE.match(tail)
        if dm:
            eff = _date_from(dm.groups())
        elif _SELF_EFFECTIVE.search(tail):
            eff = own_eff
        else:
            eff = None
        # "X … hết hiệu lực" names its targets before the phrase; "Các văn bản sau hết hiệu lực …:
        # a) X; b) Y" after it
        for t in _targets(ments, lo, m.start()) or _targets(ments, m.end(), hi):
            if not any(x.target == t and x.kind == "replaced" for x in out):
                out.append(ValidityFact(target=t, kind="expired", by=own, effective=eff, source=where))
    return out


def _amendments(seg: str, fseg: str, ments: list[Mention], own: str, own_eff: str | None,
                where: str) -> list[ValidityFact]:
    """``"N. Sửa đổi[, bổ sung][, bãi bỏ] … <văn bản>"`` at the start of a
    clause, with its points ``a) … b) …``: the target's provisions."""
    lead = _AMEND_LEAD.match(fseg)
    if not lead:
        return []
    first_line_end = fseg.find("\n") if "\n" in fseg else len(fseg)
    head_ments = [m for m in ments if m.start < first_line_end]
    if not head_ments or head_ments[0].start - lead.end() > 120:
        return []
    target = head_ments[0]
    verb = lead.group("verb")
    repeal_only = "bai bo" in verb and "sua doi" not in verb and "bo sung" not in verb
    provisions = parse_provisions(seg[lead.end(): target.start])
    repealed: list[str] = []
    for line in re.finditer(r"[^\n]+", seg[first_line_end:]):
        fl = fold(line.group(0))
        im = _ITEM_VERB.match(fl)
        if not im:
            continue
        provs = parse_provisions(_mask_quotes(fl)[im.end():])
        if im.group("verb") == "bai bo":
            repealed += [p for p in provs if p not in repealed]
        else:
            provisions += [p for p in provs if p not in provisions]
    out = []
    if provisions or not repealed:
        out.append(ValidityFact(target=target.number, kind="repealed" if repeal_only else "amended", by=own,
                                effective=own_eff, provisions=provisions, source=where))
    if repealed:
        out.append(ValidityFact(target=target.number, kind="repealed", by=own, effective=own_eff,
                                provisions=repealed, source=where))
    return out


def _title_amendments(fseg: str, ments: list[Mention], where: str) -> list[ValidityFact]:
    """A cited document's trích yếu saying it amends another: ``X … sửa đổi,
    bổ sung một số điều của Y``."""
    out = []
    for a, b in zip(ments, ments[1:]):
        gap = fseg[a.end: b.start]
        if "\n" in gap or not _TITLE_AMENDS.fullmatch(gap):
            continue
        if a.number == b.number:
            continue
        out.append(ValidityFact(target=b.number, kind="amended", by=a.number, effective=None, origin="title",
                                source=f"trích yếu của {doc_name(a.number)}, nêu tại {where}"))
    return out


def _codification(seg: str, fseg: str) -> list[ValidityFact]:
    """Bộ pháp điển notes: ``(Điều N X …, có nội dung được sửa đổi … bởi Điều M Y có hiệu lực … DATE)``."""
    out = []
    for m in _CODIFICATION.finditer(fseg):
        x = canonical_id(seg[m.start("x"): m.end("x")].rstrip(",;."))
        y = canonical_id(seg[m.start("y"): m.end("y")].rstrip(",;."))
        what = m.group("what")
        kind = "repealed" if "bai bo" in what and "sua doi" not in what else (
            "expired" if "het hieu luc" in what else "amended")
        art = "Điều " + m.group("art").split()[-1]
        by_art = ("Điều " + m.group("byart").split()[1]) if m.group("byart") else ""
        g = m.groups()[-6:]
        eff = _date_from(g) if any(g) else None
        out.append(ValidityFact(target=x, kind=kind, by=y, effective=eff, provisions=[art], by_provision=by_art,
                                origin="codification",
                                source=f"ghi chú của Bộ pháp điển điện tử tại {art} {doc_name(x)}"))
    return out


def _dedupe(facts: list[ValidityFact]) -> list[ValidityFact]:
    seen = set()
    out = []
    for x in facts:
        key = (x.target, x.kind, x.by, tuple(x.provisions), x.origin)
        if key not in seen:
            seen.add(key)
            out.append(x)
    return out


def document_validity(doc: ParsedDocument) -> tuple[str | None, list[ValidityFact]]:
    """``(effective date of doc, its facts)``: what the store keeps per document."""
    eff = None if doc.meta.kind == TABLE_KIND else (doc.meta.effective or effective_from_text(doc.text))
    return eff, find_validity_facts(doc)


# --------------------------------------------------------------------------- evaluation


@dataclass
class Status:
    """Hiệu lực of one văn bản at ``as_of``.

    ``known``: a corpus document, or some fact (as target or acting document), concerns it. ``not_yet``: its
    effective date when that is after ``as_of``. ``ended``: the replaced/expired
    fact in effect at ``as_of`` (``ended_on`` its date, None if not stated);
    ``successor``: the văn bản that replaced it or whose entry into force
    ended it (``replaced``: a source says "thay thế"). ``amendments``: amended /
    repealed facts in effect at ``as_of``; ``later``: changes after ``as_of``.
    """

    number: str
    as_of: str
    known: bool = False
    effective: str | None = None
    not_yet: str | None = None
    ended: ValidityFact | None = None
    ended_on: str | None = None
    successor: str | None = None
    replaced: bool = False
    amendments: list[ValidityFact] = field(default_factory=list)
    later: list[ValidityFact] = field(default_factory=list)

    @property
    def in_force(self) -> bool:
        """In force at ``as_of`` (effective, not ended); True when nothing says otherwise."""
        return self.ended is None and self.not_yet is None


_ORIGIN_RANK = {"text": 0, "codification": 1, "title": 2, "table": 3}


class ValidityIndex:
    """The validity facts of a corpus, evaluated at any date.

    ``facts``: every :class:`ValidityFact` of the indexed documents;
    ``documents``: the indexed documents' metadata (numbers, effective dates);
    ``effective``: doc_id → effective date read from the text (overrides
    metadata when given)."""

    def __init__(self, facts: Iterable[ValidityFact], documents: Iterable[DocumentMeta],
                 effective: dict[str, str | None] | None = None):
        self.facts = list(facts)
        self.by_target: dict[str, list[ValidityFact]] = {}
        for x in self.facts:
            self.by_target.setdefault(x.target, []).append(x)
        self.documents: dict[str, list[DocumentMeta]] = {}
        self._effective: dict[str, str] = {}
        eff = effective or {}
        for m in documents:
            if not m.number or m.kind == TABLE_KIND:
                continue
            n = canonical_id(m.number)
            self.documents.setdefault(n, []).append(m)
            e = eff.get(m.doc_id) or m.effective
            if e and not m.appendix:
                self._effective.setdefault(n, e)

    @classmethod
    def from_documents(cls, docs: Iterable[ParsedDocument]) -> "ValidityIndex":
        """Mine ``docs`` (:func:`document_validity`) and index the facts; the
        same index the store keeps, for code that holds parsed documents."""
        docs = list(docs)
        facts, effective = [], {}
        for d in docs:
            e, fs = document_validity(d)
            effective[d.meta.doc_id] = e
            facts += fs
        return cls(facts, [d.meta for d in docs], effective)

    # ---- lookups --------------------------------------------------------------
    def in_corpus(self, number: str) -> bool:
        """A document with this số hiệu is indexed."""
        return canonical_id(number) in self.documents

    def doc_ids(self, number: str) -> list[str]:
        """doc_ids of the indexed documents with this số hiệu (the văn bản itself first, then appendices)."""
        ms = self.documents.get(canonical_id(number), [])
        return [m.doc_id for m in sorted(ms, key=lambda m: (bool(m.appendix), m.doc_id))]

    def effective_of(self, number: str) -> str | None:
        """Effective date of an indexed văn bản (from its text or metadata), else None."""
        return self._effective.get(canonical_id(number))

    def known_numbers(self) -> list[str]:
        """Every số hiệu the facts or the documents name."""
        out = set(self.documents) | set(self.by_target)
        out |= {x.by for x in self.facts if x.by}
        return sorted(out)

    def resolve(self, mention: str) -> str | None:
        """Canonical số hiệu for a user's mention (``"NĐ 61/2018"``, ``"nghi dinh 73/2024"``)."""
        return resolve_reference(mention, self.known_numbers())

    def predecessors(self, number: str) -> list[ValidityFact]:
        """Replaced/expired facts whose acting document is ``number`` (what it replaced), in text order."""
        n = canonical_id(number)
        out, seen = [], set()
        for x in sorted((x for x in self.facts if x.by == n and x.kind in _ENDING),
                        key=lambda x: _ORIGIN_RANK.get(x.origin, 9)):
            if x.target not in seen:
                seen.add(x.target)
                out.append(x)
        return out

    def _when(self, x: ValidityFact) -> tuple[str | None, str]:
        """(date the fact takes effect, earliest possible date when unknown)."""
        if x.effective:
            return x.effective, x.effective
        if x.by:
            e = self.effective_of(x.by)
            if e:
                return e, e
            ms = self.documents.get(x.by) or []
            if ms and ms[0].date:
                return None, ms[0].date
            y = re.search(r"/(\d{4})/", x.by)
            if y:
                return None, f"{y.group(1)}-01-01"
        return None, "0000-01-01"

    def number_of(self, text: str) -> str:
        """Canonical số hiệu of ``text``: a số hiệu as written (``"61/2018/ND-CP"``)
        or a mention (``"Nghị định 61/2018/NĐ-CP"``, ``"NĐ 61/2018"``) resolved
        among the known numbers; ``text`` canonicalised when nothing resolves."""
        t = text.strip()
        nums = find_numbers(t, any_case=True)
        if len(nums) == 1 and nums[0].start == 0 and nums[0].end == len(t):
            return nums[0].canonical
        return self.resolve(t) or canonical_id(t)

    def status(self, number: str, as_of: _dt.date | str) -> Status:
        """:class:`Status` of ``number`` (a số hiệu or a mention, see
        :meth:`number_of`) at ``as_of`` (date or ISO string)."""
        n = self.number_of(number)
        at = _iso(as_of)
        st = Status(number=n, as_of=at, effective=self.effective_of(n))
        facts = sorted(self.by_target.get(n, []), key=lambda x: (_ORIGIN_RANK.get(x.origin, 9), x.row))
        st.known = bool(facts) or n in self.documents or any(x.by == n for x in self.facts)
        if st.effective and st.effective > at:
            st.not_yet = st.effective
        endings = []
        for x in facts:
            when, earliest = self._when(x)
            if x.kind == "in force":
                continue
            if earliest > at:
                st.later.append(x)
            elif x.kind in _ENDING and not x.provisions:
                endings.append((when or earliest, x))
            else:
                st.amendments.append(x)
        if endings:
            endings.sort(key=lambda p: (p[0], _ORIGIN_RANK.get(p[1].origin, 9)))
            first = endings[0][1]
            st.ended, st.ended_on = first, self._when(first)[0]
            succ = [x.by for _d, x in endings if x.by and x.kind == "replaced" and x.by != n]
            succ += [x.by for _d, x in endings if x.by and x.by != n]
            st.successor = succ[0] if succ else None
            st.replaced = any(x.kind == "replaced" and x.by == st.successor for _d, x in endings)
        return st

    def replacement_chain(self, number: str, as_of: _dt.date | str, limit: int | None = None) -> list[str]:
        """The văn bản that took the place of ``number`` at ``as_of``, one
        after the other: ``[successor, its successor, …]`` as canonical số
        hiệu, empty when ``number`` has not ended at ``as_of`` (or ended and no
        source names a successor). The last item is the văn bản in force now
        as far as the corpus knows; ``chain[-1]`` is what a question about
        ``number`` should be read against.

        ``number``: a số hiệu or a mention (:meth:`number_of`); ``as_of``: a
        date or ISO string; ``limit``: at most this many items (None: all).

        Each step is :meth:`status` of the current văn bản at the same
        ``as_of`` and follows its :attr:`Status.successor`:

        * only an *ending* fact is followed — ``replaced`` ("Nghị định này
          thay thế …", NĐ 299/2026 Điều 31 khoản 2) or ``expired`` by the
          entry into force of another ("… hết hiệu lực kể từ ngày Nghị định
          này có hiệu lực", NĐ 118/2025 Điều 40 khoản 1), as Luật Ban hành văn
          bản QPPL 2015, Điều 154 has a văn bản end; a ``replaced`` fact's
          acting document is preferred over an ``expired`` one's
          (:meth:`status`). ``amended`` / ``repealed`` facts (some provisions
          changed, "partly amended" in a table: NĐ 45/2020 by NĐ 118/2025) and
          facts limited to provisions leave the văn bản in force: no step;
        * dates: a step is taken only when the ending has taken effect at
          ``as_of`` (its stated date, else its acting văn bản's entry into
          force, else 1 January of the year in that số hiệu; :meth:`status`).
          A replacement that takes effect later is no step (it is in
          :attr:`Status.later`): NĐ 61/2018/NĐ-CP → ``["118/2025/NĐ-CP"]``
          from 2025-07-01, ``[]`` on 2025-06-30;
        * cycles (a table contradicting the texts, "A replaced by B" and "B
          replaced by A"): the walk stops before a số hiệu already met,
          ``number`` itself included, so the chain never names ``number`` and
          names each văn bản once.

        The last item is not checked for entry into force (a successor
        whose own date is after ``as_of`` while the ending fact's is not:
        :attr:`Status.not_yet` of ``status(chain[-1], as_of)``)."""
        st = self.status(number, as_of)
        seen = {st.number}
        chain: list[str] = []
        while st.ended is not None and st.successor and st.successor not in seen:
            if limit is not None and len(chain) >= limit:
                break
            chain.append(st.successor)
            seen.add(st.successor)
            st = self.status(st.successor, as_of)
        return chain

    # ---- notes ----------------------------------------------------------------
    def source_text(self, facts: list[ValidityFact], limit: int = 2) -> str:
        """Where a clerk checks ``facts``: their distinct ``source`` strings,
        operative text before codification, titles and tables, at most
        ``limit``, joined by ``"; "`` (``""`` when none names one)."""
        srcs: list[str] = []
        for x in sorted(facts, key=lambda x: _ORIGIN_RANK.get(x.origin, 9)):
            if x.source and x.source not in srcs:
                srcs.append(x.source)
        return "; ".join(srcs[:limit])

    def change_date(self, x: ValidityFact) -> str | None:
        """ISO date ``x`` takes effect (stated, or its acting văn bản's entry into force), None when unknown."""
        return self._when(x)[0]

    def same_change(self, st: Status) -> list[ValidityFact]:
        """Every ending fact that agrees with ``st.ended`` (same successor), text before table."""
        return [x for x in self.by_target.get(st.number, []) if x.kind in _ENDING and not x.provisions
                and (x.by == st.successor or x is st.ended)]

    def ending_sentence(self, st: Status) -> str | None:
        """``"Nghị định 61/2018/NĐ-CP đã hết hiệu lực từ 01/7/2025, được thay thế
        bởi Nghị định 118/2025/NĐ-CP (theo khoản 1 Điều 40 Nghị định
        118/2025/NĐ-CP)."``, or None when it has not ended at ``st.as_of``."""
        if st.ended is None:
            return None
        name = doc_name(st.number)
        when = f" từ {vn_date(st.ended_on)}" if vn_date(st.ended_on) else ""
        src = self.source_text(self.same_change(st))
        theo = f" (theo {src})" if src else ""
        if st.successor and st.replaced:
            if when:
                return f"{name} đã hết hiệu lực{when}, được thay thế bởi {doc_name(st.successor)}{theo}."
            return f"{name} đã được thay thế bởi {doc_name(st.successor)}{theo}."
        if st.successor and when:
            return f"{name} đã hết hiệu lực{when}, ngày {doc_name(st.successor)} có hiệu lực{theo}."
        return f"{name} đã hết hiệu lực{when}{theo}."

    def amendment_sentence(self, number: str, facts: list[ValidityFact], section: str | None = None) -> str | None:
        """One sentence on the amendments ``facts`` of ``number``; with
        ``section`` only those touching that Điều (and khoản)."""
        rel = [x for x in facts if x.kind in ("amended", "repealed") and _touches(x, section)]
        if not rel:
            return None
        parts = []
        by_key: dict[tuple, list[ValidityFact]] = {}
        for x in rel:
            by_key.setdefault((x.by, x.kind), []).append(x)
        for (by, kind), xs in by_key.items():
            provs: list[str] = []
            for x in xs:
                for p in x.provisions:
                    if _touches_one(p, section) and provision_label(p) not in provs:
                        provs.append(provision_label(p))
            what = ", ".join(provs[:4]) + (" …" if len(provs) > 4 else "") if provs else "một số quy định"
            verb = "đã bị bãi bỏ" if kind == "repealed" else "đã được sửa đổi, bổ sung"
            eff = next((self._when(x)[0] for x in xs if self._when(x)[0]), None)
            when = f" từ {vn_date(eff)}" if vn_date(eff) else ""
            byn = f" bởi {doc_name(by)}" if by else ""
            src = self.source_text(xs)
            parts.append(f"{what} {verb}{byn}{when}" + (f" (theo {src})" if src else ""))
        return f"{doc_name(number)}: " + "; ".join(parts) + "."

    def later_sentence(self, st: Status) -> str | None:
        """Changes after ``st.as_of`` (the history still to come at that date), or None."""
        ends = [x for x in st.later if x.kind in _ENDING and not x.provisions]
        if not ends:
            return None
        x = sorted(ends, key=lambda x: (self._when(x)[1], _ORIGIN_RANK.get(x.origin, 9)))[0]
        when = vn_date(self._when(x)[0])
        succ = next((y.by for y in ends if y.by and y.kind == "replaced" and y.by != st.number), None)
        succ = succ or next((y.by for y in ends if y.by and y.by != st.number), None)
        src = self.source_text([y for y in ends if y.by == succ] or [x])
        head = f"Từ {when}" if when else f"Sau ngày {vn_date(st.as_of)}"
        what = f"được thay thế bởi {doc_name(succ)}" if succ else "hết hiệu lực"
        return f"{head}, {doc_name(st.number)} {what}" + (f" (theo {src})" if src else "") + "."

    def note(self, number: str, as_of: _dt.date | str, section: str | None = None) -> str | None:
        """Vietnamese note on ``number``'s hiệu lực at ``as_of``, naming its
        legal source; None when it is in force and unchanged (and nothing
        happens later). ``section``: the provision an answer quotes (its
        amendments are named)."""
        if not isinstance(number, str) or not number.strip():
            return None
        st = self.status(number, as_of)
        if not st.known:
            return None
        bits = []
        if st.not_yet:
            bits.append(f"{doc_name(st.number)} có hiệu lực từ {vn_date(st.not_yet)}; "
                        f"tại ngày {vn_date(st.as_of)} văn bản chưa có hiệu lực.")
        end = self.ending_sentence(st)
        if end:
            bits.append(end)
        am = self.amendment_sentence(st.number, st.amendments, section if end is None else None)
        if am and end is None:
            bits.append(am)
        later = self.later_sentence(st)
        if later and end is None:
            bits.append(later)
        return " ".join(bits) or None


def _touches_one(provision: str, section: str | None) -> bool:
    if not section:
        return True
    a, b = _article_of(provision), _article_of(section)
    if not b or a != b:
        return False
    ka, kb = _clause_of(provision), _clause_of(section)
    return not (ka and kb and ka != kb)


def _touches(x: ValidityFact, section: str | None) -> bool:
    return not section or not x.provisions or any(_touches_one(p, section) for p in x.provisions)
