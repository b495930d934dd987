"""Typed spans in a sentence: money, percentages, dates and deadlines,
durations, counts of a noun, số hiệu, organisations, titles and person names.

One job: ``(sentence, question analysis) → the spans that answer it``. Plain
code, no model. The span types are those of :mod:`assistant.question`.

Recognisers (all on the folded text, so OCR text that lost its diacritics and
unaccented text are read too; :func:`corpus.legal_refs.fold` keeps offsets):

* money ``so_tien``: "2.530.000 đồng", "1,5 triệu đồng", "2,53 triệu", "500 nghìn";
* percentage ``ty_le``: "98%", "100 %", "10 phần trăm";
* date/deadline ``thoi_gian`` (date): "21/3/2023", "ngày 05/3", "ngày 21 tháng 6
  năm 2018", "tháng 8 năm 2026", "ngày 20 hằng tháng", "quý III", "kể từ ngày
  ký", "năm 2025" after a deadline word (trước, chậm nhất, đến, từ);
* duration ``thoi_gian`` (duration): "03 ngày làm việc", "12 tháng", "05 năm",
  "01 giờ", written numbers ("ba tháng", "một lần" for counts);
* count ``so_luong``: a number (digits or a written number) next to the counted
  noun of the question ("10 phường", "nhóm 3", "Chỉ số 9", "01 (một) Mã số",
  "không quá 03 Phó Giám đốc"); with no counted noun, any figure;
* số hiệu ``van_ban``: :func:`corpus.legal_refs.find_numbers`;
* organisation ``co_quan``: Ủy ban nhân dân, Bộ …, Sở …, Phòng …, Ban …, Hội
  đồng …, Bộ phận …, Trung tâm …, Văn phòng …, Chính phủ, Thủ tướng, Quốc hội,
  Kho bạc, cơ quan/đơn vị/tổ … (the unit words of NĐ 30/2020 Phụ lục I, tên
  cơ quan ban hành);
* title ``nguoi``: Hiệu trưởng, Chủ tịch, Giám đốc, Trưởng …, người đứng đầu, …;
  person name (``needs_name``): two to five capitalised syllables led by a
  Vietnamese family name (Nguyễn, Trần, Lê, …), or such a name in capitals.

A span whose figures all occur in the question is not an answer (the
question states it); a count must sit within three words of its noun.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.question import (COLOUR, CONTACT, COUNT, DEFINITION, DOCUMENT, MONEY, ORG, PERSON, RATIO, TIME,
                                QuestionAnalysis)
from corpus.dates import DATE_MENTION
from corpus.legal_refs import find_numbers, fold, parse_number

_NUMWORD = r"(?:ñ+)"  # a written number, marked by _mark_number_words
#: written numbers, matched with their diacritics (folded "nam", "tam", "hai", "ba" are also năm, tâm, hài, bà);
#: "năm" and "tư" are left out (year, thứ tư, đầu tư)
_NUMWORD_ACCENTED = re.compile(r"(?<!\w)(?:một|hai|ba|bốn|sáu|bảy|tám|chín|mười)(?!\w)")
_NUM = r"\d+(?:[.,]\d+)*"

MONEY_RE = re.compile(rf"\b{_NUM}\s*(?:dong|d\b|vnd|trieu(?: dong)?|ty(?: dong)?|nghin(?: dong)?|ngan(?: dong)?|usd)\b"
                      rf"|\b\d{{1,3}}(?:\.\d{{3}}){{2,}}\b")
PERCENT_RE = re.compile(rf"\b{_NUM}\s*(?:%|phan tram)")
DATE_RE = re.compile(DATE_MENTION)
DURATION_RE = re.compile(
    rf"\b(?:{_NUM}|{_NUMWORD})\s*(?:\({_NUMWORD}\)\s*)?(?:ngay lam viec|ngay|thang|nam|gio|tuan|phut|quy)\b(?! (?:\d|nam \d))")
#: the words that tell a time by an event: "trước khi trình ký", "kể từ khi thông báo"
_BY_EVENT = r"truoc khi|sau khi|ke tu khi|tu khi|cham nhat (?:sau|truoc) khi"
RELATIVE_RE = re.compile(
    r"\b(?:ngay|trong ngay|dau gio|cuoi gio|truoc|sau|cham nhat|ke tu|tu ngay|den ngay|hang (?:ngay|tuan|thang|quy|nam)"
    r"|dinh ky|thuong xuyen)\b(?:\s+\w+){0,3}?\s+(?:ngay lam viec|ngay|gio|thang|nam|tuan)(?:\s+(?:tiep theo|ke tiep|het han|lam viec))?\b"
    # a time told by an event: "ngay sau khi nhận", "ngay trong ngày", "trước khi trình ký", "kể từ khi thông báo"
    rf"|\b(?:ngay sau khi|ngay khi|ngay sau|ngay lap tuc|ngay trong|{_BY_EVENT})"
    r"(?:\s+[^\W\d]+){1,3}")
#: a time told only by an event ("sau khi thẩm định", "trước khi trình ký"): no answer to "bao lâu"
_EVENT_ONLY = re.compile(rf"(?:{_BY_EVENT})\b")
_ORG_RE = re.compile(
    r"\b(?:uy ban nhan dan|ubnd|chinh phu|thu tuong|quoc hoi|kho bac|bo (?:noi vu|tu phap|tai chinh|giao duc|[a-z]+ va [a-z]+)"
    r"|so (?:noi vu|tu phap|tai chinh|giao duc)|phong (?:noi vu|tu phap|tai chinh|giao duc|[a-z]+ [a-z]+)"
    r"|van phong|bo phan|trung tam|hoi dong|ban (?:giam hieu|chi dao|dai dien|thanh tra)|to (?:chuyen mon|van phong|cong doan)"
    r"|co quan|don vi|cong dich vu cong|he thong|cong an|to chuc|doan thanh nien|cong doan|nganh)\b")
_TITLE_RE = re.compile(
    r"\b(?:pho )?(?:hieu truong|chu tich|giam doc|bo truong|thu truong|truong phong|truong ban|truong bo phan|tong giam doc"
    r"|to truong|thu tuong|nguoi dung dau|can bo|cong chuc|vien chuc|giao vien|nhan vien|ke toan|van thu|thu quy"
    r"|ban giam hieu|nguoi dan|cap truong|cap pho|nguoi dai dien|nguoi ky)\b")
# Vietnamese family names (the most frequent ones cover nearly all the population).
_SURNAMES = frozenset(("nguyễn trần lê phạm hoàng huỳnh phan vũ võ đặng bùi đỗ hồ ngô dương lý đinh đoàn trương lâm mai "
                       "trịnh lương cao tạ quách châu thái hà kiều tô tống đào lại").split())
_FOLDED_SURNAMES = frozenset(fold(x) for x in _SURNAMES)
#: words after a family-name-like word that make it a place or a unit, not a person
_NOT_NAME = frozenset("nội phòng bản chí minh nam giang tĩnh long".split())
_UP = "A-ZĐÂĂÊÔƠƯÁÀẢÃẠẤẦẨẪẬẮẰẲẴẶÉÈẺẼẸẾỀỂỄỆÍÌỈĨỊÓÒỎÕỌỐỒỔỖỘỚỜỞỠỢÚÙỦŨỤỨỪỬỮỰÝỲỶỸỴ"
_NAME_RE = re.compile(rf"\b[{_UP}][\wÀ-ỹ]*(?:[ \t]+[{_UP}][\wÀ-ỹ]*){{1,7}}\b")
#: an e-mail address or a Vietnamese telephone number ("028 3829 1234", "0903.123.456", "+84 28 …")
CONTACT_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+|(?<![\d/])(?:\+84|0)\d{1,3}(?:[ .]?\d){6,9}(?![\d/])")
#: colour words, matched with their diacritics on the sentence (folded "do", "den", "vang" are also "do" = by,
#: "đến", "vắng"), with a shade after them ("đỏ tươi", "xanh lam")
COLOUR_RE = re.compile(r"(?<!\w)(?:đỏ|xanh|vàng|đen|trắng|tím|nâu|hồng|cam|xám|bạc)(?: (?:tươi|thẫm|đậm|nhạt|lam|"
                       r"lá cây|dương|sẫm))?(?!\w)", re.IGNORECASE)
_DEF_RE = re.compile(r"\b(?:la|duoc hieu la|bao gom|gom|nghia la|viet tat cua|la viec|la hinh thuc)\b|:")


@dataclass(frozen=True)
class Span:
    """A typed span: ``kind`` (a type of :mod:`assistant.question`), ``text``
    (as written in the sentence) and ``start``/``end`` offsets in it."""

    kind: str
    text: str
    start: int
    end: int


def _figures(s: str) -> set[str]:
    return {n.lstrip("0") or "0" for n in re.findall(r"\d+", s)}


def _new(span_text: str, qa: QuestionAnalysis) -> bool:
    """A span is new information unless every figure in it is written in the question."""
    figs = _figures(span_text)
    if not figs:
        return True
    return not figs <= _question_figures(qa)


def _question_figures(qa: QuestionAnalysis) -> set[str]:
    """The figures written in the question, leading zeros dropped ("09/2026" → {"9", "2026"})."""
    return {p.lstrip("0") or "0" for n in qa.numbers for p in re.findall(r"\d+", n)}


def _spans(rx: re.Pattern[str], kind: str, sentence: str, folded: str) -> list[Span]:
    return [Span(kind, sentence[m.start():m.end()], m.start(), m.end()) for m in rx.finditer(folded)]


#: "một số" ("một số thủ tục hành chính thuộc thẩm quyền …", NĐ 61/2018/NĐ-CP Điều 14 khoản 3) and "một vài" are
#: the indefinite quantifier "some", not the number one
_SOME = re.compile(r"ñ+\s+(?:so|vai)\b(?!\s*\d)")
#: "một" before a counted noun is the count one when a limit or a total is put on it ("chỉ một", "tối đa một",
#: "gồm một") or it is written again in figures ("một (01)"); otherwise it is the article "a" ("một đơn vị sự
#: nghiệp công lập có thể …"). "một lần" (once) is always a count.
_ONE_COUNTED = re.compile(r"\b(?:(?:chi|toi da|khong qua|khong vuot qua|it nhat|toi thieu|nhieu nhat)(?:\s+[^\W\d]+){0,2}"
                          r"|gom|bao gom|gom co)\s+$")
_ONE_AFTER = re.compile(r"ñ+\s*\(\s*0?1\s*\)|ñ+\s+\S+(?:\s+\S+)?\s+duy nhat\b")
#: the words before a year: "năm 2023", "năm học 2023-2024", "giai đoạn 2021-", "đến 2030"
_YEAR_BEFORE = re.compile(r"\b(?:nam|nam hoc|giai doan|den|tu|truoc|sau)\s+(?:\d{4}\s*-\s*)?$")


#: "<noun> có / gồm / và <figure>" (folded, the figure at the end): the figure belongs to another noun when one
#: follows it ("mỗi phân hiệu có 01 phó hiệu trưởng", "03 phân hiệu và 01 điểm trường"), not to the noun asked;
#: "nhóm 3", "Chỉ số 7:", "số phân hiệu là 05" keep theirs
_COUNTS_ANOTHER = re.compile(r"\s(?:co|gom|bao gom|gom co|va|voi|cung)\s+\S+$")
#: a word after the figure (past a number written out, "01 (một)"): what the figure counts
_NOUN_NEXT = re.compile(r"\s*(?:\(\s*[a-zñ ]+\s*\)\s*)?[^\W\d]{2,}")


def _counts(sentence: str, folded: str, unit: str | None) -> list[Span]:
    taken = [(m.start(), m.end()) for rx in (PERCENT_RE, MONEY_RE, DATE_RE) for m in rx.finditer(folded)]
    taken += [(n.start, n.end) for n in find_numbers(sentence)]

    def free(a: int, b: int) -> bool:
        return not any(a < e and s < b for s, e in taken)

    out: list[Span] = []
    if unit and unit.split()[0] == "phan":
        # "trùm bao nhiêu phần chữ ký" asks for a fraction: "khoảng 1/3 chữ ký" (a/b is not a date here)
        out += [Span(COUNT, sentence[m.start():m.end()], m.start(), m.end())
                for m in re.finditer(r"\b\d{1,2}/\d{1,2}\b(?!/)", folded) if int(m.group(0).split("/")[1]) <= 10]
    if not unit:
        # any figure, a unit written on it included ("200dpi"); not a year ("năm 2023", "giai đoạn 2021-2025",
        # the way NĐ 30/2020/NĐ-CP Phụ lục I writes a time), which tells when, not how many
        for m in re.finditer(rf"\b{_NUM}(?:[a-z]{{1,4}})?\b", folded):
            if _YEAR_BEFORE.search(folded, 0, m.start()) and re.fullmatch(r"(?:19|20)\d\d", m.group(0)):
                continue
            if free(m.start(), m.end()):
                out.append(Span(COUNT, sentence[m.start():m.end()], m.start(), m.end()))
        return out
    words = unit.split()
    if words[0] in ("thu", "hang"):
        u = r"(?:thu|hang)"
    else:  # the first word of the noun, then as many of the others as follow ("ma so", "pho giam doc")
        u = re.escape(words[0]) + "".join(rf"(?:\s+{re.escape(w)}" for w in words[1:]) + ")?" * (len(words) - 1)
    num = rf"(?:{_NUM}|{_NUMWORD})"
    gap = r"(?:\s*\(\s*[a-zñ ]+\s*\))?(?:\s+[^\W\d]+){0,2}?\s+"
    # "10 phường", "01 (một) Mã số", "200dpi" (a unit written without a space), "nhóm 3"
    noun_first = re.compile(rf"\b{u}(?:\s+[^\W\d]+){{0,2}}?\s+(?:so\s+)?{num}\b")
    number_first = re.compile(rf"\b{num}(?P<gap>{gap}|(?<=\d))(?P<noun>{u})\b")
    for rx in (number_first, noun_first):
        for m in rx.finditer(folded):
            if rx is number_first and len(words) > 1 and m.group("noun").split() != words \
                    and re.search(r"[^\W\d]", m.group("gap")):
                continue  # "01 bộ phận" for "bao nhiêu phân hiệu": the noun's first syllable ending another word
            if words[0] != "so" and _SOME.match(folded, m.start()) and sentence[m.start():].lower().startswith("một"):
                continue
            if words[0] != "lan" and sentence[m.start():].lower().startswith("một") \
                    and not _ONE_COUNTED.search(folded, 0, m.start()) \
                    and not _ONE_AFTER.match(folded, m.start()):
                continue  # "một đơn vị sự nghiệp công lập có thể …": the article "a", not the count one
            if rx is noun_first and _COUNTS_ANOTHER.search(folded, 0, m.end()) and _NOUN_NEXT.match(folded, m.end()):
                continue  # "mỗi phân hiệu có 01 phó hiệu trưởng": the figure counts what follows it
            if free(m.start(), m.end()) or "ñ" in m.group(0):
                out.append(Span(COUNT, sentence[m.start():m.end()], m.start(), m.end()))
    # a fraction of the counted noun: "trùm lên khoảng 1/3 chữ ký" (NĐ 30/2020/NĐ-CP Điều 33 khoản 1 điểm b) for
    # "dấu trùm khoảng bao nhiêu chữ ký"; followed by the noun, "1/3" is no date
    for m in re.finditer(rf"\b(\d{{1,2}})/(\d{{1,2}})(?!/)\s+{u}\b", folded):
        if 1 < int(m.group(2)) <= 10 and int(m.group(1)) < int(m.group(2)) \
                and not folded[:m.start()].rstrip().endswith("ngay"):
            out.append(Span(COUNT, sentence[m.start():m.end()], m.start(), m.end()))
    return out


def _mark_number_words(sentence: str, folded: str) -> str:
    """``folded`` with each written number of ``sentence`` ("một", "ba") replaced
    by as many ``ñ`` (same length, so offsets stay valid)."""
    low = sentence.lower()
    if len(low) != len(folded):
        return folded
    out = folded
    for m in _NUMWORD_ACCENTED.finditer(low):
        out = out[:m.start()] + "ñ" * (m.end() - m.start()) + out[m.end():]
    return out


#: đồng per magnitude word (folded)
_MAGNITUDE = {"nghin": 10**3, "trieu": 10**6, "ty": 10**9}


def money_value(text: str) -> float | None:
    """Amount in đồng of a money span (``MONEY_RE``): ``"2.530.000 đồng"`` →
    2530000.0, ``"1,5 triệu"`` → 1500000.0, ``"3 tỷ đồng"`` → 3e9 (Vietnamese
    writing: ``.`` groups thousands, ``,`` is the decimal mark); None for a
    foreign currency or a figure that does not parse."""
    f = fold(text)
    m = re.match(rf"\s*({_NUM})\s*(\w*)", f)
    if not m or m.group(2) == "usd":
        return None
    num = m.group(1)
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?", num) or "." not in num:
        num = num.replace(".", "").replace(",", ".")
    try:
        value = float(num)
    except ValueError:
        return None
    return value * _MAGNITUDE.get(m.group(2), 1)


def in_magnitude(text: str, magnitude: str | None) -> bool:
    """Does the money span ``text`` give an amount of the order the question
    asks (``magnitude``: ``"ty"``, ``"trieu"``, ``"nghin"``; None accepts
    all)? "bao nhiêu tỷ" is not answered by "2.530.000 đồng": the amount must
    lie between a tenth and a thousand times the magnitude (0,5 tỷ = 500 triệu
    still answers it). A span that does not parse is kept."""
    scale = _MAGNITUDE.get(magnitude or "")
    value = money_value(text)
    if scale is None or value is None:
        return True
    return scale / 10 <= value < scale * 1000


def find_spans(sentence: str, qa: QuestionAnalysis) -> list[Span]:
    """Spans of ``sentence`` of the types ``qa`` accepts (its ``answer_type``
    and ``also``) that bring something the question does not already say.

    ``find_spans("Mức lương cơ sở là 2.530.000 đồng/tháng.", analyze("lương cơ
    sở bao nhiêu"))`` → ``[Span("so_tien", "2.530.000 đồng", …)]``. Returns
    ``[]`` for a type without a recogniser (``danh_sach``, ``co_khong``, ``khac``).
    """
    folded = _mark_number_words(sentence, fold(sentence))
    out: list[Span] = []
    kinds = (qa.answer_type,) + tuple(qa.also)
    for kind in kinds:
        if kind == MONEY:
            out += [s for s in _spans(MONEY_RE, MONEY, sentence, folded)
                    if qa.answer_type != MONEY or in_magnitude(s.text, qa.unit)]
        elif kind == RATIO:
            out += _spans(PERCENT_RE, RATIO, sentence, folded)
        elif kind == TIME:
            # dates, deadlines, durations and relative times all answer "khi nào / bao lâu / hạn chót"
            # ("chậm nhất 01 ngày trước ngày hết hạn", "vào đầu giờ ngày làm việc tiếp theo")
            rxs = (DURATION_RE, DATE_RE, RELATIVE_RE) if qa.unit == "duration" else (DATE_RE, DURATION_RE, RELATIVE_RE)
            times: list[Span] = []
            for rx in rxs:
                times += _spans(rx, TIME, sentence, folded)
            if qa.unit == "duration":
                # "sau khi thẩm định …" tells when, not how long: a length asked ("trong bao lâu") is a figure
                # or "ngay" (at once)
                times = [t for t in times if not _EVENT_ONLY.match(fold(t.text))]
            if not asks_issue_date(qa):
                cited = [t for t in times if _others_issue_date(sentence, t, qa)]
                # and what lies inside such a date ("30 tháng" of "ngày 30 tháng 12 năm 2020")
                times = [t for t in times if not any(t.start < c.end and c.start < t.end for c in cited)]
            if _ASKS_DAY.search(qa.normalized) and not _ASKS_WHEN.search(qa.normalized):
                # "từ ngày nào" asks a day: "sau khi được Bộ Tư pháp tiếp nhận" tells an event, no day
                times = [t for t in times if re.search(r"\d|ngày", t.text.lower())]
            out += times
        elif kind == COUNT:
            out += _counts(sentence, folded, qa.unit if qa.answer_type == COUNT else None)
        elif kind == DOCUMENT:
            out += [Span(DOCUMENT, n.raw, n.start, n.end) for n in find_numbers(sentence, ocr=True)]
        elif kind == ORG:
            out += _spans(_ORG_RE, ORG, sentence, folded)
        elif kind == PERSON:
            if qa.needs_name:
                out += person_names(sentence)
            else:
                out += _spans(_TITLE_RE, PERSON, sentence, folded)
        elif kind == DEFINITION:
            out += _spans(_DEF_RE, DEFINITION, sentence, folded)
        elif kind == CONTACT:
            out += [Span(CONTACT, m.group(0), m.start(), m.end()) for m in CONTACT_RE.finditer(sentence)]
        elif kind == COLOUR:
            out += [Span(COLOUR, m.group(0), m.start(), m.end()) for m in COLOUR_RE.finditer(sentence)]
    return [s for s in out if _new(s.text, qa) or _named_partly(s, qa)]


#: a day asked ("ngày nào", "ngày mấy") / a time asked more loosely ("khi nào", "lúc nào", "bao giờ"), folded
_ASKS_DAY = re.compile(r"\bngay (?:nao|may|bao nhieu)\b")
_ASKS_WHEN = re.compile(r"\b(?:khi nao|luc nao|bao gio|thoi diem nao|han chot)\b")


def _named_partly(span: Span, qa: QuestionAnalysis) -> bool:
    """A số hiệu of the kind the question asks for ("… là quyết định số mấy",
    :attr:`QuestionAnalysis.doc_kind`) whose figures the question writes, but
    not as that văn bản: "đề án 06 … là quyết định số mấy" is answered by
    "Quyết định số 06/QĐ-TTg" (the figure named the đề án); "NĐ 60/2021 được
    thay bằng nghị định nào" is not answered by 60/2021/NĐ-CP (the question
    writes the kind before the figure)."""
    if span.kind != DOCUMENT or not qa.doc_kind:
        return False
    from assistant.question import KIND_CODES
    from corpus.legal_refs import canonical_number

    number = canonical_number(span.text, ocr=True)
    if not number or not of_kind(number, qa.doc_kind):
        return False
    figure = number.split("/")[0].lstrip("0") or "0"
    if not figure.isdigit():
        return False
    words = "|".join(w for w, code in KIND_CODES.items() if code == qa.doc_kind)
    return re.search(rf"\b(?:{words})(?: so)? 0*{figure}\b", qa.normalized) is None


#: a question about when a văn bản was signed or issued ("ban hành ngày nào", "ký ngày nào")
_ASKS_ISSUE = re.compile(r"\b(?:ban hanh|ky|duoc ky|ky ban hanh)\b")


def asks_issue_date(qa: QuestionAnalysis) -> bool:
    """True when ``qa`` asks when a văn bản was signed or issued (``qa.issued``, or "ban hành" / "ký"
    in the folded question)."""
    return bool(qa.issued or _ASKS_ISSUE.search(qa.normalized or ""))


def issue_date_of(sentence: str, span: Span):
    """The cited văn bản (a ``find_numbers`` match) whose ngày ban hành the date ``span`` is: "ngày …"
    written right after its số hiệu ("Công văn số 4112/BGDĐT-GDPT ngày 02/7/2026 về việc …", the
    citation form of NĐ 30/2020/NĐ-CP Phụ lục I: số hiệu, then ngày … tháng … năm …); ``None`` for
    any other date. Such a date tells when that văn bản was issued, not when anything it is cited
    for happens."""
    if not fold(span.text).startswith("ngay"):
        return None
    found = next((n for n in find_numbers(sentence[:span.start + 1], ocr=True)
                  if 0 <= span.start - n.end <= 3 and not sentence[n.end:span.start].strip(" ,")), None)
    if found is None:
        # a số hiệu the grammar cannot read (a scan's "số 05-Có/QU"), still written "số …/… ngày"
        m = _SO_BEFORE.search(sentence, 0, span.start)
        if m and ("/" in m.group(1) or "-" in m.group(1)):
            from corpus.legal_refs import NumberMatch

            found = NumberMatch(start=m.start(1), end=m.end(1), raw=m.group(1), canonical=m.group(1))
    return found


#: "số <token>" right before a date: the citation form "… số 05-CTr/QU ngày 30 tháng …" (NĐ 30/2020/NĐ-CP Phụ lục I)
_SO_BEFORE = re.compile(r"\b[sS][ốo]\s+(\S*\w)[\s,]*$")


def _others_issue_date(sentence: str, span: Span, qa: QuestionAnalysis) -> bool:
    """``span`` is the ngày ban hành of a văn bản the question does not name (by its number)."""
    n = issue_date_of(sentence, span)
    if n is None:
        return False
    first = re.match(r"\d+", n.raw)
    return not (first and (first.group(0).lstrip("0") or "0") in _question_figures(qa))


def of_kind(number: str, kind: str | None) -> bool:
    """True when số hiệu ``number`` is of the kind of văn bản ``kind`` (a code of
    :attr:`QuestionAnalysis.doc_kind`: "TT" for thông tư, "QH" for a luật,
    whose code is "QH15"), or when no kind is asked."""
    if not kind:
        return True
    parsed = parse_number(number, ocr=True)
    return parsed is not None and bool(parsed.codes) and parsed.codes[0].upper().startswith(kind)


def person_names(sentence: str) -> list[Span]:
    """Person names: 2–5 capitalised syllables (or a line in capitals that is
    only the name, as a signature line) whose first syllable is a Vietnamese
    family name ("Nguyễn Thị Kim Quy")."""
    out: list[Span] = []
    for m in _NAME_RE.finditer(sentence):
        words = m.group(0).split()
        if all(w.isupper() for w in words) and sentence.strip(" .:;,-\t") != m.group(0):
            continue  # a heading in capitals ("IV. PHAN CONG CAC BO PHAN …") is not a name; a signature line is only the name
        before = fold(sentence[max(0, m.start() - 12):m.start()])
        if re.search(r"(?:thanh pho|tp\.?|tinh|quan|phuong|xa|huyen)\s*$", before):
            continue
        for i, w in enumerate(words):
            lw = w.lower()
            known = lw in _SURNAMES or (sentence.isascii() and lw in _FOLDED_SURNAMES)
            if known and 2 <= len(words) - i <= 5 and words[i + 1].lower() not in _NOT_NAME:
                start = m.start() + m.group(0).index(w)
                out.append(Span(PERSON, sentence[start:m.end()], start, m.end()))
                break
    return out
