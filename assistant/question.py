"""Question analysis, deterministic: the expected answer type and the focus
terms of a question, from accented or unaccented, short, chat-style text.

One job: ``question → QuestionAnalysis``. No model, no corpus access.

Answer types (:data:`TYPES`, Vietnamese names as staff would say them):

==============  ===========================  ==========================================
type            asked as (folded forms)       span the quoted answer must contain
==============  ===========================  ==========================================
``so_luong``    bao nhiêu / mấy + noun,       a number tied to the counted noun
                "nhóm mấy", "chỉ số số mấy"   ("10 phường", "nhóm 3", "01 lần")
``ty_le``       bao nhiêu % / phần trăm,      a percentage ("98%")
                "tỷ lệ … bao nhiêu"
``so_tien``     bao nhiêu tiền, mức lương /   an amount of money ("2.530.000 đồng")
                học phí / kinh phí … bao nhiêu
``thoi_gian``   ngày nào, khi nào, hạn chót,  a date or deadline ("trước ngày 21/3/2023"),
                bao lâu, mấy ngày             or a duration ("03 ngày làm việc")
``van_ban``     văn bản / nghị định / quyết   a số hiệu (``corpus.legal_refs``)
                định nào, số mấy
``co_quan``     cơ quan / đơn vị nào,         an organisation ("Ủy ban nhân dân cấp xã")
                gửi cho ai
``nguoi``       ai, người nào; ``ten``: tên   a title ("Hiệu trưởng"); with
                gì, họ tên, ai ký             ``needs_name`` a person's name
``danh_sach``   gồm những gì, những … nào,    the whole list of one provision
                có nhiệm vụ gì
``co_khong``    có … không, được … không      (no typed span; the sentence itself)
``dinh_nghia``  là gì, nghĩa là gì, viết tắt  a defining sentence ("X là …")
``khac``        anything else ("làm gì",      (no typed span)
                "xử lý sao")
==============  ===========================  ==========================================

The rules are read off the grammar of Vietnamese wh-questions (question word
after the noun it asks about: "ngày nào", "nhóm mấy"; "bao nhiêu"/"mấy"
before a counted noun); chat short forms (``ko``, ``k``, ``bn``, ``j``,
``ng``, ``dc``: the one table ``index.question_forms.SHORTHAND``, which
retrieval writes out too) are expanded first.

The questions about one văn bản's own particulars (ngày ban hành, cơ quan ban
hành, người ký: :data:`PARTICULARS`, :func:`asked_particular`) are read here
too; ``assistant.docfacts`` answers them.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from corpus.diacritics import is_unaccented
from corpus.legal_refs import fold
from index.question_forms import message_words, shorthand

COUNT, RATIO, MONEY, TIME, DOCUMENT, ORG, PERSON, LIST, YESNO, DEFINITION, COLOUR, CONTACT, OTHER = (
    "so_luong", "ty_le", "so_tien", "thoi_gian", "van_ban", "co_quan", "nguoi", "danh_sach", "co_khong",
    "dinh_nghia", "mau_sac", "lien_he", "khac")
TYPES = (COUNT, RATIO, MONEY, TIME, DOCUMENT, ORG, PERSON, LIST, YESNO, DEFINITION, COLOUR, CONTACT, OTHER)

#: what an answer of each type gives, for "Tài liệu không nêu …" (partial answers)
TYPE_LABELS = {
    COUNT: "con số", RATIO: "tỷ lệ", MONEY: "số tiền", TIME: "thời gian/thời hạn", DOCUMENT: "số hiệu văn bản",
    ORG: "cơ quan, đơn vị", PERSON: "người, chức danh", LIST: "danh sách", YESNO: "câu trả lời có/không",
    DEFINITION: "định nghĩa", COLOUR: "màu", CONTACT: "địa chỉ thư điện tử hoặc số điện thoại", OTHER: "nội dung",
}

#: types whose answer must contain a typed span (the others are judged on the sentence alone)
SPAN_TYPES = frozenset({COUNT, RATIO, MONEY, TIME, DOCUMENT, ORG, PERSON, DEFINITION, COLOUR, CONTACT})

_Q = r"(?:bao nhieu|may)"  # the quantity question words ("may" only where it is "mấy", see _words)
#: (folded "lượng" is "luong" too: "số lượng", "chất lượng", "định lượng", "khối lượng" are no lương; "hệ số lương" is)
_MONEY_NOUNS = (r"(?:tien|muc luong|(?<=he so )luong|(?<!so )(?<!chat )(?<!dinh )(?<!khoi )luong|luong co so|hoc phi|kinh phi|du toan|ngan sach|tien thuong|muc thu|"
                r"le phi|phi|(?<!danh )(?<!tham dinh )gia(?! tri)|thu nhap|muc chi|muc ho tro|tro cap|phu cap|muc phat|tien phat)")
#: counted nouns that a money noun earlier in the question does not turn into money ("đánh giá … bao nhiêu điểm")
_SCORE = re.compile(rf"\b{_Q} (?:diem|diem so|chi so|phieu|lan|nguoi|ho so)\b")
_MONEY_UNITS = r"(?:tien|dong|vnd|trieu|ty|nghin|ngan|usd)"
_TIME_UNITS = r"(?:ngay lam viec|ngay|thang|nam|gio|tuan|phut|quy|lau)"
_DOC_NOUNS = (r"(?:van ban|nghi dinh|thong tu|quyet dinh|qd|nd|tt|luat|nghi quyet|nq|cong van|cv|ke hoach|kh|"
              r"chi thi|de an|chuong trinh|huong dan)")
_LABEL_NOUNS = r"(?:chi so|nhom|muc do|hang|dieu|khoan|cap do|bac|thu)"
_ORG_NOUNS = r"(?:co quan|don vi|bo|so|phong|ban|to chuc|noi|cap|bo phan|to|trung tam|he thong|cong)"
_PERSON_NOUNS = (r"(?:hieu truong|pho hieu truong|bo truong|thu truong|chu tich|pho chu tich|giam doc|truong phong|"
                 r"nguoi|ong|ba|co|thay|can bo|to truong|thu tuong|ke toan|van thu|nguoi ky|nguoi dung dau)")

_RULES: list[tuple[str, re.Pattern[str]]] = [
    # "đóng dấu bằng mực màu gì", "phông chữ màu nào": a colour (NĐ 30/2020/NĐ-CP writes "màu đỏ", "màu đen")
    (COLOUR, re.compile(r"\bmau (?:sac )?(?:gi|nao|j)\b")),
    (RATIO, re.compile(rf"\b{_Q} ?(?:%|phan tram)|\b(?:ty le|phan tram)\b(?:\s+\w+){{0,16}}?\s+(?:la |dat |o muc )?{_Q}\s*(?:\?|$)"
                       rf"|\b(?:ty le|phan tram)\b(?:\s+\w+){{0,3}}\s+(?:la |dat )?(?:bao nhieu|may)\b")),
    (MONEY, re.compile(rf"\b{_Q} ?{_MONEY_UNITS}\b|\b{_MONEY_NOUNS}\b(?:(?:\s+[^\w\s])*\s+\w+){{0,8}}?(?:\s+[^\w\s])*\s+(?:la |toi da |toi thieu )?bao nhieu\b")),
    (TIME, re.compile(rf"\b(?:ngay|thang|nam|quy|thoi diem|thoi gian|luc|hom) (?:nao|may|bao nhieu)\b|\bkhi nao\b(?! thi)|\bbao gio\b"
                      rf"|\bhan (?:chot|cuoi)\b|\bcham nhat (?:la )?(?:ngay|khi|luc)\b|\bbao lau\b"
                      rf"|\b{_Q} (?:ngay|thang|nam|gio|tuan|phut|quy)\b(?! (?:luong|tuoi|truong|lop|dinh|che|trinh|mo|hoach|uoc))"
                      rf"|\bthoi han\b(?:\s+\w+){{0,6}}\s+(?:la )?(?:bao lau|{_Q})\b")),
    # ("kỷ luật thế nào" asks how, of no luật: "thế nào" is no "… nào" of a văn bản, "kỷ luật" no luật)
    (DOCUMENT, re.compile(rf"\b(?<!ky ){_DOC_NOUNS}\b(?:\s+\w+){{0,2}}?\s+(?:(?<!\bthe )nao|so may|so bao nhieu|so gi)\b"
                          rf"|\b(?:luat|quyet dinh|nghi dinh|thong tu|nghi quyet|ke hoach|cong van|chi thi|qd|nd|tt|kh|cv)"
                          rf"\b(?:\s+\w+){{0,20}}\s+(?:la |co )?so (?:may|bao nhieu|gi)\b"
                          rf"|\bso hieu\b|\bcan cu (?:vao )?(?:van ban|dau|gi)\b")),
    # "email công vụ của trường … là gì", "số điện thoại đường dây nóng là bao nhiêu": an address or a number to call
    (CONTACT, re.compile(r"\b(?:email|e mail|mail|hop thu|dia chi thu|so dien thoai|sdt|hotline|duong day nong)\b"
                         r"(?:\s+\w+){0,8}?\s+la\s+(?:gi|so nao|so may|bao nhieu)\b")),
    (COUNT, re.compile(rf"\b{_LABEL_NOUNS} (?:so )?(?:nao|may|bao nhieu)\b|\b{_Q}\s+\w+|\b\w+\s+(?:so )?(?:may|bao nhieu)\b|\bthu (?:may|bao nhieu)\b|\bhang (?:may|bao nhieu)\b")),
    (LIST, re.compile(r"\bgom (?:nhung |cac |co )?(?:gi|nao|nhung gi|cai gi|nhung \w+ nao)\b|\bbao gom (?:nhung )?(?:gi|nao)\b"
                      r"|\bnhung (?:(?:\w+|,) ){1,8}(?:nao|gi)\b|\bcac (?:\w+ ){1,4}nao\b|\b(?:nhiem vu|trach nhiem|quyen|quyen han|"
                      r"chuc nang|nghia vu) (?:gi|nao|nhu the nao|ra sao)\b|\bnhung gi\b|\bnhung viec\b|\bnhung noi dung\b")),
    (PERSON, re.compile(rf"\bai\b|\bnguoi nao\b|\bten (?:la )?gi\b|\bho ten\b|\bten (?:ai|nguoi)\b|\bla (?:ong|ba) nao\b")),
    (ORG, re.compile(rf"\b{_ORG_NOUNS} nao\b|\b(?:gui|nop|bao cao|trinh|chuyen) (?:cho|ve|len|toi|den) (?:dau|noi nao)\b")),
    (DEFINITION, re.compile(r"\b(?:la gi|nghia la gi|duoc hieu (?:la gi|nhu the nao|the nao|ra sao)|hieu (?:la gi|the nao)"
                            r"|viet tat|khai niem|dinh nghia|nghia la sao|la sao)\b")),
    (YESNO, re.compile(r"\b(?:co|phai|duoc|bi|can|con|nen|bat buoc)\b.*\b(?:khong|chua)\s*\W*$|\bhay khong\b|\bphai khong\b"
                       r"|\bco (?:duoc|phai|bat buoc|can)\b")),
]

#: titles one person holds ("trưởng ban chỉ đạo", "chủ tịch công đoàn", "phó hiệu trưởng phụ trách CCHC"), folded:
#: "ai là <title>" / "<title> … là ai" asks who holds it, a name; "ai là người trực tiếp chỉ đạo" asks a role
_HOLDER_TITLES = (r"(?:pho )?(?:hieu truong|truong ban|chu tich|giam doc|truong phong|to truong|bi thu|bo truong"
                  r"|truong bo phan|truong khoa)|pho ban|to pho|ke toan truong")
#: the colour word written with its tone ("màu", "mầu"); typed without tones, "mau" is a colour unless the
#: question speaks of a form ("mau so 04", "bieu mau", "… la mau gi")
_COLOUR_ASKED = re.compile(r"\bm[àầ]u\b")
_FORM_WORDS = re.compile(r"\b(?:mau so|bieu mau|mau don|mau phieu|theo mau|la mau)\b")


def _asks_colour(question: str, norm: str) -> bool:
    if is_unaccented(question):
        return not _FORM_WORDS.search(norm)
    return bool(_COLOUR_ASKED.search(question.lower()))


_NAME_Q = re.compile(rf"\bten (?:la )?gi\b|\bho ten\b|\bten (?:ai|nguoi|day du)\b|\b(?:do )?ai ky\b|\bky\b.*\bai\b"
                     rf"|\bla (?:ong|ba) nao\b|\bten\b.*\bla ai\b")
_HOLDER_Q = re.compile(rf"\bai (?:la|lam) (?:\w+ )?(?:{_HOLDER_TITLES})\b(?P<a>.*)$"
                       rf"|\b(?:{_HOLDER_TITLES})\b(?P<b>(?:\s+\S+){{0,10}})\s+la ai\b(?!\s+(?:dam|giu|lam|phu trach))")
#: a named school or office after the title: its holder is a person; a level ("cấp xã") is answered by a title
_OF_UNIT = re.compile(r"\b(?:truong|mam non|mn|tieu hoc|thcs|thpt|ubnd|uy ban|phong|so)\b")
_OF_LEVEL = re.compile(r"\bcap (?:xa|tinh|huyen|bo|trung uong)\b")


def _asks_holder(norm: str) -> bool:
    """"ai là trưởng ban chỉ đạo CCHC của trường MN Bến Thành", "chủ tịch công
    đoàn trường … là ai": the name of the one person who holds a title at a
    named school or office. "Giám đốc trung tâm … cấp xã là ai (đảm nhiệm)" asks
    which office holds it (NĐ 118/2025 Điều 7: "01 Phó Chủ tịch Ủy ban nhân dân
    cấp xã"), "ai là người trực tiếp chỉ đạo" a role."""
    m = _HOLDER_Q.search(norm)
    if m is None:
        return False
    after = m.group("a") if m.group("a") is not None else m.group("b")
    return bool(_OF_UNIT.search(after or "")) and not _OF_LEVEL.search(norm)
_PERSON_SUBJECT = re.compile(rf"\b{_PERSON_NOUNS}\b")
#: the words of the PERSON rule that ask for a person whatever noun "tên" names
_ASKS_PERSON = re.compile(r"\bai\b|\bnguoi nao\b|\bho ten\b|\bten (?:ai|nguoi)\b|\bla (?:ong|ba) nao\b|(?<!dang )\bky\b")
_ORG_OR_PERSON = re.compile(r"\b(?:cho|voi|len|ve|boi|do) ai\b|\bai (?:chiu trach nhiem|phu trach|duyet|quyet dinh|thuc hien|"
                            r"to chuc|chu tri|dam nhiem|lam|quan ly|kiem tra|giam sat|cap|tham muu)\b")

#: question words, chat fillers and type words that are not focus terms (folded, ``_`` joins a word); "phần trăm"
#: names the ``ty_le`` answer itself, which the documents write "%" ("bao nhiêu phần trăm" → "từ 98% trở lên")
TYPE_WORDS = frozenset(
    "bao_nhieu bao nhieu may nao gi ai khi_nao bao_gio bao_lau lau ten ho_ten la_gi nghia dinh_nghia khai_niem viet_tat "
    "khong chua hay phai_khong vay a a_a nhe oi ha the_nao nhu_the_nao ra_sao sao nhi u uh ak ah voi_lai "
    "gom bao_gom nhung cac dau o_dau noi_nao han_chot cham_nhat muc_nao so_may phan_tram".split()
)

_WORD = re.compile(r"[\w%]+|[^\w\s]", re.UNICODE)


@dataclass(frozen=True)
class QuestionAnalysis:
    """What a question asks for.

    * ``answer_type`` – one of :data:`TYPES`;
    * ``focus`` – folded focus terms (``_`` joins the syllables of one word),
      question words and fillers removed, in question order;
    * ``unit`` – for ``so_luong``: the counted noun, folded ("phuong",
      "nhiem vu", "nhom"); for ``thoi_gian``: ``"duration"`` when a length of
      time is asked ("bao lâu", "mấy ngày"), else ``"date"``; for
      ``so_tien``: the magnitude word the amount is asked in ("bao nhiêu tỷ"
      → ``"ty"``, "mấy triệu" → ``"trieu"``, ``"nghin"``), else None;
    * ``needs_name`` – ``nguoi`` questions that ask for a person's name
      ("tên gì", "do ai ký"), which a title alone does not answer;
    * ``wants_list`` – the answer is a list ("gồm những gì", "nhiệm vụ gì");
    * ``also`` – further acceptable span types ("gửi cho ai": ``co_quan`` as
      well as ``nguoi``; "lộ trình gồm các mốc nào": a list whose items hold
      ``thoi_gian`` spans);
    * ``numbers`` – figures written in the question (a span repeating one of
      them is not an answer);
    * ``doc_itself`` – a ``van_ban`` question asking which văn bản regulates
      something ("văn bản nào quy định …"): a passage of a legal document
      answers it with that document's own số hiệu;
    * ``doc_kind`` – for a ``van_ban`` question naming the kind of văn bản it
      asks for ("thông tư nào", "luật số mấy"): the kind's code in a số hiệu
      ("TT", "QH"; the abbreviations of NĐ 30/2020/NĐ-CP Phụ lục III), so a
      số hiệu of another kind does not answer it; ``None`` for "văn bản nào";
    * ``issued`` – a ``thoi_gian`` question asking when the văn bản itself was
      issued ("kế hoạch năm 2024 của trường … ban hành ngày nào"), naming no
      số hiệu or figure of another văn bản (a year is allowed).
    """

    question: str
    normalized: str
    answer_type: str
    focus: tuple[str, ...] = ()
    unit: str | None = None
    needs_name: bool = False
    wants_list: bool = False
    also: tuple[str, ...] = field(default=())
    numbers: tuple[str, ...] = ()
    doc_itself: bool = False
    doc_kind: str | None = None
    issued: bool = False

    @property
    def label(self) -> str:
        """Vietnamese name of what the answer gives ("số tiền", "tỷ lệ")."""
        return "họ tên người" if self.needs_name else TYPE_LABELS[self.answer_type]

    def accepts(self, span_type: str) -> bool:
        """True when a span of ``span_type`` answers this question."""
        return span_type == self.answer_type or span_type in self.also


def _words(question: str) -> str:
    """Folded, chat forms expanded (``index.question_forms.shorthand``), "mấy" told apart from "máy"/"mây" (folded
    "may" is kept only where the question wrote "mấy", or wrote no accents at
    all); one space between tokens."""
    text = unicodedata.normalize("NFC", question).lower()
    unaccented = is_unaccented(text)
    out: list[str] = []
    context = message_words(text)
    for w in _WORD.findall(text):
        f = fold(w)
        if f == "may" and not (w == "mấy" or unaccented):
            out.append("may_")  # máy (machine), mây … : not a question word
            continue
        expanded = shorthand(w, " ".join(out) + " ", context)
        out.append(fold(expanded) if expanded else f)
    return " ".join(out)


_NUM = re.compile(r"\d+(?:[.,/]\d+)*")


_AFTER_STOP = frozenset("theo trong cua o tai cho de thi vay a khong ko nhi la nua voi va hay toi".split())


def _unit_after(norm: str) -> str | None:
    """The counted noun: the words after "bao nhiêu/mấy" ("mấy phường" → "phuong"),
    or the label noun before "mấy/nào" ("nhóm mấy" → "nhom", "chỉ số số mấy" →
    "chi so", "thứ mấy" → "thu"); ``None`` when nothing is counted ("đạt bao
    nhiêu?"), so that any figure answers."""
    m = re.search(rf"\b({_LABEL_NOUNS}) (?:so )?(?:nao|may|bao nhieu)\b", norm)
    if m:
        return m.group(1)
    m = re.search(r"\b(?:bao nhieu|may) ((?:[^\W\d]+ ?){1,2})", norm)
    if m:
        words = m.group(1).split()
        if words and words[0] == "phan" and words[1:2] == ["tram"]:
            words = []
        cut = next((i for i, w in enumerate(words) if w in _AFTER_STOP), len(words))
        words = words[:cut]
        if words:
            return " ".join(words)
    return None  # "… đạt bao nhiêu?": any figure answers


_LIST_COUNT = re.compile(r"\b(?:gom|co|chia (?:thanh|lam)) (?:bao nhieu|may) (?:loai|thu(?! tuc)|nhom|buoc|hinh thuc|cach|truong hop|"
                         r"noi dung|muc|thanh phan|bo phan|hop phan)\b")


#: kind of văn bản → its code in a số hiệu (NĐ 30/2020/NĐ-CP, Phụ lục III: "NĐ", "TT", "QĐ", …; a luật's is "QH…")
KIND_CODES = {"nghi dinh": "NĐ", "nd": "NĐ", "thong tu": "TT", "tt": "TT", "quyet dinh": "QĐ", "qd": "QĐ",
               "nghi quyet": "NQ", "nq": "NQ", "ke hoach": "KH", "kh": "KH", "chi thi": "CT", "luat": "QH"}
_ASKED_KIND = re.compile(r"\b(nghi dinh|thong tu|quyet dinh|nghi quyet|ke hoach|chi thi|luat|nd|tt|qd|nq|kh)\b"
                         r"(?: (?:so|la))? (?:nao|may|so may|so bao nhieu|so gi)\b")

#: a list whose items are points in time ("các mốc", "những giai đoạn nào", "lộ trình … gồm")
_LIST_OF_TIMES = re.compile(r"\b(?:moc|cac moc|moc thoi gian|giai doan|thoi diem|thoi han|lo trinh)\b")


def focus_terms(text: str) -> tuple[str, ...]:
    """Focus terms of ``text``, its chat shorthand written out
    (``index.question_forms.expand_shorthand``: "trả lại hs cho bp một cửa" →
    ``ho_so``, ``bo_phan``): ``index.lexical_tokens.query_terms`` without the
    question words and fillers of :data:`TYPE_WORDS`."""
    from index.lexical_tokens import query_terms
    from index.question_forms import expand_shorthand

    try:
        terms = query_terms(expand_shorthand(text or ""))
    except Exception:  # the segmenter must never break analysis
        terms = [w for w in _words(text or "").split() if w.isalnum()]
    terms = [t for t in terms if t not in TYPE_WORDS and t != "may"]
    # a figure with its bound ("dưới 10%", "từ 30%"): the band a rule writes ("… dưới 10%" is nhóm 4, "từ 10% đến
    # dưới 30%" is not; NĐ 60/2021/NĐ-CP Điều 9), read as one term beside the figure itself
    terms += [f"{m.group(1)}_{m.group(2)}" for m in _FIGURE_BOUND.finditer(_words(text or ""))]
    return tuple(dict.fromkeys(terms))


_FIGURE_BOUND = re.compile(r"\b(duoi|tren|tu) (\d{1,3})(?= ?%| |$)")


def analyze(question: str, terms_text: str | None = None) -> QuestionAnalysis:
    """Read the expected answer type and focus terms of ``question``.

    ``analyze("Mức lương cơ sở hiện nay là bao nhiêu?").answer_type == "so_tien"``;
    ``analyze("truong ben thanh bao nhieu % tthc noi bo duoc cong khai")`` →
    ``ty_le``; ``analyze("Bộ phận Một cửa có nhiệm vụ gì?")`` → ``danh_sach``.
    ``terms_text``: the text to take focus terms from (the diacritic-restored
    question, when it was typed without accents); default ``question``.
    Never raises on a string (an empty question is ``khac``).
    """
    from index.question_forms import clock_times

    norm = _words(clock_times(question or ""))
    atype = OTHER
    for name, rx in _RULES:
        if rx.search(norm):
            if name == COLOUR and not _asks_colour(question or "", norm):
                continue  # folded "mau" is also mẫu: "mẫu số 04 là mẫu gì" asks a form
            atype = name
            break
    if atype == MONEY and _SCORE.search(norm) and not re.search(rf"\b{_Q} ?{_MONEY_UNITS}\b", norm):
        atype = COUNT  # "học phí được chấm bao nhiêu điểm": a score, not an amount
    needs_name = bool(_NAME_Q.search(norm)) or _asks_holder(norm)
    if atype == PERSON and not _ASKS_PERSON.search(norm) and not _PERSON_SUBJECT.search(norm):
        # "công trình thi đua … tên là gì": "tên" is the name of the thing before it, a person's only when a
        # person is asked ("hiệu trưởng … tên gì", "ai", "người ký")
        atype, needs_name = OTHER, False
    if needs_name and (atype in (OTHER, PERSON, ORG, DEFINITION) or re.search(r"\bai ky\b", norm)):
        if atype != PERSON and not (_PERSON_SUBJECT.search(norm) or re.search(r"\bky\b|\bai\b", norm)):
            needs_name = False
        else:
            atype = PERSON
    else:
        needs_name = False
    also: tuple[str, ...] = ()
    if atype == PERSON and not needs_name:
        also = (ORG,)  # "báo cho ai" → Ban giám hiệu; "ai duyệt" → Hội đồng quản lý
    elif atype == ORG:
        also = (PERSON,)
    elif atype == RATIO:
        also = ()
    unit = None
    if atype == COUNT and _LIST_COUNT.search(norm):
        atype, also = LIST, (COUNT,)  # "gồm mấy loại giấy tờ": the list answers it
    if atype == COUNT:
        unit = _unit_after(norm)
    elif atype == TIME:
        duration = re.search(rf"\bbao lau\b|\b{_Q} (?:ngay|thang|nam|gio|tuan|phut)\b"
                             rf"|\bthoi han\b(?:\s+\w+){{0,6}}\s+(?:la )?(?:bao lau|{_Q})\b", norm)
        unit = "duration" if duration else "date"
    elif atype == MONEY:
        m = re.search(rf"\b{_Q} ?(ty|trieu|nghin|ngan)\b", norm)
        unit = {"ngan": "nghin"}.get(m.group(1), m.group(1)) if m else None
    wants_list = atype == LIST or bool(re.search(r"\bgom\b|\bnhung \w+ nao\b|\bcac \w+ nao\b", norm))
    if atype == LIST and not also and _LIST_OF_TIMES.search(norm):
        also = (TIME,)  # "lộ trình gồm các mốc nào": the list whose items carry dates
    focus = focus_terms(terms_text if terms_text is not None else question)
    doc_itself = atype == DOCUMENT and bool(re.search(
        r"\b(?:van ban|nghi dinh|thong tu|luat|quyet dinh|nghi quyet|nd|tt)\b(?:\s+\w+){0,2}? nao\b", norm)) and not re.search(
        r"\bso (?:may|bao nhieu|gi)\b", norm)
    doc_kind = None
    if atype == DOCUMENT:
        m = _ASKED_KIND.search(norm)
        doc_kind = KIND_CODES[m.group(1)] if m else None
    numbers = tuple(dict.fromkeys(n.lstrip("0") or "0" for n in _NUM.findall(norm)))
    issued = atype == TIME and all(re.fullmatch(r"(?:19|20)\d\d", n) for n in numbers) and bool(re.search(r"\b(?:ban hanh|duoc ky|ky ban hanh|ky ngay|ngay ky)\b", norm))
    return QuestionAnalysis(question=question or "", normalized=norm, answer_type=atype, focus=focus, unit=unit,
                            needs_name=needs_name, wants_list=wants_list, also=also, numbers=numbers,
                            doc_itself=doc_itself, doc_kind=doc_kind, issued=issued)


# ---------------------------------------------------------------------------
# the particulars of one văn bản a question may ask (answered by assistant.docfacts)
# ---------------------------------------------------------------------------

#: the thể thức parts every văn bản carries that a question may ask about one văn bản (NĐ 30/2020/NĐ-CP, Điều 8
#: khoản 1: "b) Tên cơ quan, tổ chức ban hành văn bản", "d) Địa danh và thời gian ban hành văn bản", "g) Chức vụ,
#: họ tên và chữ ký của người có thẩm quyền"); as answer types: a ``thoi_gian``, a ``co_quan``, a ``nguoi`` by name
ISSUE_DATE, ISSUER, SIGNER = "ngay_ban_hanh", "co_quan_ban_hanh", "nguoi_ky"
#: … and what the văn bản is about: its trích yếu (Điều 8 khoản 1 điểm đ, "Tên loại và trích yếu nội dung văn bản")
SUBJECT = "trich_yeu"

#: Vietnamese name of each particular, for the answer and the "không nêu" line
PARTICULAR_LABELS = {ISSUE_DATE: "ngày ban hành", ISSUER: "cơ quan ban hành", SIGNER: "người ký", SUBJECT: "trích yếu"}

_WHEN = r"(?:ngay nao|ngay bao nhieu|ngay may|khi nao|luc nao|bao gio|hom nao|thoi gian nao|thang nao|nam nao)"
#: particular → how a question asks it, on folded text with chat short forms expanded (``QuestionAnalysis.normalized``);
#: the first that matches wins ("do ai ký ban hành" asks the người ký)
PARTICULARS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (SIGNER, re.compile(r"\b(?:ai|nguoi nao) (?:da |la nguoi )?ky\b|\bnguoi ky\b|\bky\b(?:\s+\S+){0,12}\s+(?:la ai|ten (?:la )?gi|ho ten)\b"
                        r"|\bchu ky cua ai\b")),
    (ISSUE_DATE, re.compile(rf"\b(?:ban hanh|ky|ky ban hanh|duoc ky|phat hanh|ra doi)\b(?:\s+(?:vao|tu|tai|o))?\s+{_WHEN}"
                            r"|\bngay (?:ban hanh|ky)\b(?!\s+(?:van ban|quyet dinh|ke hoach))")),
    (ISSUER, re.compile(r"\b(?:co quan|don vi|to chuc|cap|ai|noi) (?:nao )?(?:da )?ban hanh\b|\bco quan ban hanh\b"
                        r"|\b(?:cua|thuoc) (?:co quan|don vi|to chuc) nao\b|\bban hanh boi (?:ai|co quan nao|don vi nao)\b")),
    # the whole question asks what the văn bản is about ("nghị định đó quy định về việc gì", "CV 4054 nói về gì");
    # "quy định gì về thời hạn" asks its content on a topic, and goes to retrieval
    (SUBJECT, re.compile(r"\b(?:quy dinh|noi|de cap|ban hanh|huong dan) (?:ve )?(?:viec |van de |noi dung )?(?:gi|cai gi)"
                         r"(?: (?:vay|the|a|nhi|ha))? ?\??$|\bve viec gi\b|\btrich yeu\b")),
)

#: a question on the presentation of a thể thức component ("tên cơ quan ban hành văn bản cỡ chữ bao nhiêu", "ngày
#: ban hành trình bày ở đâu"): the components are named in NĐ 30/2020/NĐ-CP Điều 8 khoản 1 and their font, size
#: and place in its Phụ lục I; such a question asks the form, not a văn bản's own particular
_PRESENTATION = re.compile(r"\b(?:co chu|kieu chu|phong chu|font|in hoa|in dam|in nghieng|chu dung|trinh bay|canh le"
                           r"|vi tri|o so \d)\b")


def asked_particular(normalized: str) -> str | None:
    """Which particular of a văn bản a question asks for (:data:`ISSUE_DATE`,
    :data:`ISSUER`, :data:`SIGNER`, :data:`SUBJECT`; the table :data:`PARTICULARS`), read from
    its folded text ``normalized`` (``QuestionAnalysis.normalized``); ``None``
    for any other question, among them "hiệu lực" questions and questions on
    how a thể thức component is presented (:data:`_PRESENTATION`). "do ai ký
    ban hành" asks the người ký, "ban hành ngày nào" the ngày ban hành, "cơ
    quan nào ban hành" the cơ quan. Never raises on a str."""
    if re.search(r"\bhieu luc\b|\bthi hanh\b", normalized) or _PRESENTATION.search(normalized):
        return None
    for particular, rx in PARTICULARS:
        if rx.search(normalized):
            return particular
    return None


#: verbs that ask what a văn bản itself says ("NĐ 93/2026 cho điều động …", "CV 442 … yêu cầu các trường …"),
#: folded, after its số hiệu and an optional qualifier ("của quận Gò Vấp", "về phòng chống tham nhũng")
_CONTENT_VERBS = (r"(?:quy dinh|yeu cau|cho phep|cho|huong dan|kien nghi|giao|de ra|dat ra|neu|bat buoc|bat|chi dao"
                  r"|sua doi|sua|bo sung|noi|ghi|viet)")
#: the qualifier between the số hiệu and the verb: up to ten words, none of which turns the question to what another
#: văn bản does with it ("… mà trường căn cứ", "… nhắc trong kế hoạch", "… được trường nào lấy làm căn cứ")
_CONTENT_AFTER = re.compile(rf"^(?:(?!(?:ma|nhac|duoc|trong|thi)\b)\S+ ){{0,10}}?{_CONTENT_VERBS}\b")
#: "theo NĐ 93/2026 (thì) …": the question asks what the văn bản says
_CONTENT_BEFORE = re.compile(r"(?:^|[,:;?.] )(?:theo|tai) (?:\S+ ){0,3}$")


def content_asked(question: str, numbers: tuple[str, ...]) -> tuple[str, ...]:
    """Those of ``numbers`` (folded số hiệu tokens the question writes,
    ``"93/2026"``, ``"08/2023/tt-bgddt"``) whose *content* the question asks:
    "NĐ 93/2026 cho điều động giáo viên tối đa bao lâu", "công văn 442/UBND-CCHC
    của quận yêu cầu nộp trước ngày nào", "theo TT 08/2023 thì …". Not a
    question on one of its particulars (ngày ban hành, cơ quan ban hành, người
    ký, trích yếu: :func:`asked_particular`), which its citation in another
    văn bản answers: NĐ 30/2020/NĐ-CP Phụ lục I requires that a văn bản cited
    for the first time be written with its tên loại, số, ký hiệu, ngày ban
    hành, cơ quan ban hành and trích yếu — and with nothing of what it says.
    Order kept; ``()`` when none. Never raises on a str."""
    norm = _words(question)
    if not numbers or asked_particular(norm) is not None:
        return ()
    out = []
    for n in numbers:
        token = " ".join(_WORD.findall(fold(n)))
        at = norm.find(token)
        while at >= 0:
            if at and norm[at - 1] != " ":
                at = norm.find(token, at + 1)
                continue
            # past the rest of the số hiệu the question wrote ("93/2026/nđ-cp"), the words after it
            before, after = norm[:at], re.sub(r"^(?:\s*[/-]\s*\w+)*\s*", "", norm[at + len(token):])
            if _CONTENT_AFTER.match(after + " ") or _CONTENT_BEFORE.search(before):
                out.append(n)
                break
            at = norm.find(token, at + 1)
    return tuple(out)


#: label words that say a quantity or a time, not an item ("trong 5", "toi da 3", "ngay 5")
_NOT_LABEL = frozenset("trong toi da thieu nhat qua duoi tren tu den ngay thang nam gio phut tuan quy lan bao "
                       "nhieu may khoang gan hon co la va".split())


def item_labels(question: str) -> list[str]:
    """Labels of numbered items a question names, folded: "chỉ số nội dung 5
    thủ tục hành chính công …" → ``["chi so noi dung 5"]``; "đơn vị nhóm 3
    được trích lập quỹ bao nhiêu" → ``["don vi nhom 3"]``. The label is the
    number with the words before it, back to (not past) a word that makes it a
    quantity or a time (:data:`_NOT_LABEL`: "trong 5 ngày", "tối đa 3 lần");
    two words at least; not when the question numbers its noun more than once
    ("đơn vị nhóm 1, nhóm 2": a class of items). ``[]`` when none. Never
    raises on a str."""
    from index.lexical_tokens import folded_words

    words = folded_words(question or "").split()
    out = []
    for i, w in enumerate(words):
        if not (w.isdigit() and 0 < int(w) < 100) or i < 2:
            continue
        if i + 1 < len(words) and words[i + 1] in ("nam", "thang", "ngay", "gio", "phut", "%", "lan", "nguoi"):
            continue  # "5 năm", "3 tháng": a quantity
        k = i
        while k > 0 and i - k < 4 and words[k - 1] not in _NOT_LABEL and not words[k - 1].isdigit():
            k -= 1
        if i - k >= 2:
            out.append(" ".join(words[k:i + 1]))
    # several numbers of one noun ("đơn vị nhóm 1, nhóm 2") name a class of items, not the item to read
    nouns = [w for i, w in enumerate(words[:-1]) if words[i + 1].isdigit()]
    return list(dict.fromkeys(lb for lb in out if nouns.count(lb.split()[-2]) == 1))


def split_glued(terms: tuple[str, ...], idf, texts=()) -> tuple[str, ...]:
    """``index.lexical_tokens.split_glued`` of the focus ``terms`` against the
    passages ``texts`` (``folded_words`` strings, or a function returning them), question words
    (:data:`TYPE_WORDS`) dropped from the pieces."""
    from index.lexical_tokens import split_glued as _split

    return _split(terms, idf, drop=TYPE_WORDS | {"may"}, texts=texts)
