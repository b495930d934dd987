"""What the form of a question tells retrieval (query side; pure functions).

* :func:`strip_question_form` — the words that say *how* a question is asked
  ("đúng hay sai", "nào sau đây", "là gì", "theo quy định", "ạ"), not what
  it is about;
* :func:`expand_shorthand` — staff shorthand written out ("bp một cửa" →
  "bộ phận một cửa", "ko" → "không");
* :func:`definition_term` — the term X of a definitional question ("X là
  gì", "X nghĩa là gì", "X là viết tắt của gì", "thế nào là X");
* :func:`is_document_question` — questions whose answer is a document
  ("văn bản nào quy định X", "theo quyết định nào", "luật số mấy");
* :func:`expand_abbreviations` — initialisms of the field written out
  ("giải quyết tthc" → "giải quyết thủ tục hành chính": a decree never
  writes "TTHC");
* :func:`asks_citing` — questions about the documents that cite a named one
  ("kế hoạch của trường nào nhắc đến Nghị định 106/2020/NĐ-CP");
* :func:`quoted_phrases` — the words a question quotes ("phương châm “dân
  biết, dân bàn, dân làm…”"), which a passage that holds them verbatim answers.

All matching is accent-insensitive on whole words (:func:`corpus.textnorm.fold`
folds character by character, so spans found in the folded text are cut from
the original).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping

from corpus.glossary import ABBREVIATIONS
from corpus.textnorm import fold

_WORD = re.compile(r"[0-9a-z]+")

#: How a question is asked, not what it is about (folded): yes/no and multiple-choice frames of
#: exam-style and staff questions, "what is" frames, "according to the regulations" (every
#: passage of a legal text is a regulation), and courtesy words.
QUESTION_FORMS = (
    "la dung hay sai", "dung hay sai", "dung hay khong", "co dung khong", "dung khong", "phai khong",
    "hay khong", "co phai la", "co phai", "chon cau tra loi dung nhat", "chon cau tra loi dung",
    "chon dap an dung", "dieu nao sau day", "dieu nao duoi day", "nao sau day", "nao duoi day",
    "sau day", "duoi day", "nhan dinh nao", "dau khong phai la", "dau khong phai", "dau la",
    "nghia la gi", "co nghia la gi", "la gi", "la nhu the nao", "nhu the nao", "the nao", "ra sao",
    "theo quy dinh cua phap luat hien hanh", "theo quy dinh cua phap luat", "theo quy dinh hien hanh",
    "theo quy dinh", "theo phap luat", "cho em hoi", "cho minh hoi", "cho hoi", "xin hoi", "moi nguoi oi",
    "moi nguoi", "vay", "nhi", "nhe",
)


def _phrase_re(phrases) -> re.Pattern:
    alts = "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in sorted(phrases, key=len, reverse=True))
    return re.compile(rf"(?<![0-9a-z])(?:{alts})(?![0-9a-z])")


_FORM_RE = _phrase_re(QUESTION_FORMS)
# "ạ" (not "a", a điểm's letter) and a closing "mn" (mọi người) are courtesy words too.
_PARTICLE_RE = re.compile(r"(?<!\w)ạ(?!\w)|(?<!\w)(?i:mn)\s*[?!.]*\s*$")


def _cut(text: str, pattern: re.Pattern, repl) -> str:
    """``text`` with every match of ``pattern`` in ``fold(text)`` replaced by ``repl(match, original)``."""
    text = unicodedata.normalize("NFC", text or "")
    folded = fold(text)
    if len(folded) != len(text):  # never happens for NFC text; be safe
        return text
    out, pos = [], 0
    for m in pattern.finditer(folded):
        out.append(text[pos:m.start()])
        out.append(repl(m, text[m.start():m.end()]))
        pos = m.end()
    out.append(text[pos:])
    return "".join(out)


def strip_question_form(text: str) -> str:
    """``text`` without its question-form words (:data:`QUESTION_FORMS`) and
    courtesy particles, with the punctuation they leave trimmed: "Theo quy
    định, hợp đồng lữ hành phải lập thành văn bản, đúng hay sai?" → "hợp đồng
    lữ hành phải lập thành văn bản". Returns ``text`` unchanged when no word
    would remain."""
    s = _cut(text, _FORM_RE, lambda m, orig: " ")
    s = _PARTICLE_RE.sub(" ", s)
    s = re.sub(r"\s+([,.;:?!])", r"\1", re.sub(r"\s+", " ", s))
    s = re.sub(r"([,;:])(?:\s*[,;:.?!])+", r"\1", s).strip(" ,.;:?!-–")
    return s if _WORD.search(fold(s)) else (text or "")


#: Shorthand of staff chat messages (the form as typed, lower case → the words written out): the one
#: table of them, read by retrieval (:func:`expand_shorthand`) and by question analysis
#: (``assistant.question``, through :func:`shorthand`). A form is matched only as typed (an accented
#: word is never shorthand: "hồng" of Tuổi Hồng is no "hong" = "không"), on whole words; forms that
#: are words of the corpus's own vocabulary stay out, so expanding never changes a real term.
SHORTHAND = {
    # negation and question words
    "ko": "không", "k": "không", "k0": "không", "hok": "không", "hong": "không", "kg": "không", "khg": "không",
    "hem": "không", "bn": "bao nhiêu", "bnhieu": "bao nhiêu", "bnh": "bao nhiêu", "j": "gì", "ji": "gì",
    "ntn": "như thế nào", "dc": "được", "đc": "được", "ng": "người",
    # nouns of the field
    "bp": "bộ phận", "tp": "thành phố", "cv": "công văn", "mtdt": "môi trường điện tử", "dvc": "dịch vụ công",
    "cb": "cán bộ", "gv": "giáo viên", "hs": "học sinh", "1 cua": "một cửa", "mn": "mầm non", "th": "tiểu học",
    "ti": "tỷ", "tỉ": "tỷ",
}
#: Shorthand that means one thing in a message about thủ tục hành chính and another elsewhere: the form
#: → (written out, folded words of the message that select it). Staff write "hs" for hồ sơ in "nộp hs",
#: "trả lại hs cho bp một cửa", "giải quyết hs đúng hạn", and for học sinh in "đánh giá hs thcs"; a
#: message naming none of the words keeps the :data:`SHORTHAND` meaning.
IN_CONTEXT = {
    "hs": ("hồ sơ", re.compile(
        r"(?<![0-9a-z])(?:tthc|thu tuc|nop|tiep nhan|tra|tra lai|tham dinh|tham tra|mot cua|1 cua|bp|bo phan"
        r"|giai quyet|bo sung|hoan thien|dvc|dich vu cong|truc tuyen|so hoa|hen|hcc|hanh chinh cong|phieu)"
        r"(?![0-9a-z])")),
}
#: a single letter after "điểm" is the điểm's label (NĐ 30/2020/NĐ-CP, Phụ lục I: điểm a, b, c …), not shorthand
_LABEL_BEFORE = re.compile(r"(?<![0-9a-z])diem\s+$")
_FOLDED = {}
for _k, _v in SHORTHAND.items():
    _FOLDED.setdefault(fold(_k), _v)
_SHORT_RE = _phrase_re(_FOLDED)


def _marked(word: str) -> bool:
    """True when ``word`` carries a Vietnamese tone or vowel mark (đ aside)."""
    return fold(word.replace("đ", "d").replace("Đ", "D")) != word.replace("đ", "d").replace("Đ", "D")


def message_words(text: str) -> str:
    """The folded words of a whole message, one space between them: the
    ``context`` that picks the meaning of a form of :data:`IN_CONTEXT`."""
    return " ".join(re.findall(r"[0-9a-z]+", fold(unicodedata.normalize("NFC", text or "")).lower()))


def shorthand(word: str, previous: str = "", context: str = "") -> str | None:
    """The words :data:`SHORTHAND` writes out for one typed ``word`` or
    phrase, or None when it is no shorthand. Case is ignored and a phrase
    matches accent-insensitively ("1 cửa"); a single word with a tone or
    vowel mark matches only as the table writes it ("tỉ" → "tỷ", but "hồng"
    of Tuổi Hồng is no "hong" = "không"). ``previous``: the folded text before
    it (a single letter after "điểm" is a label: "điểm k" stays);
    ``context``: the whole message (:func:`message_words`), which picks the
    meaning of a form of :data:`IN_CONTEXT` ("nộp hs" → "hồ sơ")."""
    w = " ".join(unicodedata.normalize("NFC", word or "").lower().split())
    if len(w) == 1 and _LABEL_BEFORE.search(previous or ""):
        return None
    if w in IN_CONTEXT and IN_CONTEXT[w][1].search(context or ""):
        return IN_CONTEXT[w][0]
    if w in SHORTHAND:
        return SHORTHAND[w]
    if " " not in w and _marked(w):
        return None
    return _FOLDED.get(fold(w))


#: a clock time as staff type it: "3h chiều", "15h30", "8 giờ sáng", "3g chieu" (folded)
_CLOCK_RE = re.compile(r"(?<![\w/.,:-])(\d{1,2})\s*(h|g|gio)(?:\s*(\d{2})(?:\s*(?:p|phut))?)?"
                       r"(?:\s+(sang|trua|chieu|toi|dem))?(?![\w/])")


def clock_times(text: str) -> str:
    """``text`` with clock times written as the văn bản write them, on the
    24-hour clock (NĐ 118/2025/NĐ-CP Điều 18: "tiếp nhận sau 15 giờ"):
    "sau 3h chiều" → "sau 15 giờ", "15h30" → "15 giờ 30 phút", "trong 24h" →
    "trong 24 giờ". A bare "8 giờ" is left as written; "chiều" and "tối"
    add 12 to an hour before noon."""
    text = unicodedata.normalize("NFC", text or "")
    folded = fold(text).replace("đ", "d")
    if len(folded) != len(text):
        return text
    out, pos = [], 0
    for m in _CLOCK_RE.finditer(folded.lower()):
        hour, mark, minutes, period = int(m.group(1)), m.group(2), m.group(3), m.group(4)
        spaced = m.group(0)[len(m.group(1))].isspace()
        if (mark == "gio" or spaced) and not (minutes or period) or hour > 24 or (minutes and int(minutes) > 59):
            continue
        if period in ("chieu", "toi") and hour < 12 or period == "dem" and 6 <= hour < 12:
            hour += 12
        out += [text[pos:m.start()], f"{hour} giờ" + (f" {minutes} phút" if minutes else "")]
        pos = m.end()
    return "".join(out) + text[pos:]


def expand_shorthand(text: str) -> str:
    """``text`` with :data:`SHORTHAND` forms written out (:func:`shorthand`) and
    clock times as the văn bản write them (:func:`clock_times`): "bp 1 cửa là
    gì" → "bộ phận một cửa là gì", "nộp sau 3h chiều" → "nộp sau 15 giờ"."""
    text = clock_times(text)
    folded, context = fold(text), message_words(text)
    return _cut(text, _SHORT_RE, lambda m, orig: shorthand(orig, folded[:m.start()], context) or orig)


# ---------------------------------------------------------------- definitional questions

_DEF_TAIL = re.compile(
    r"\s+(?:la gi|nghia la gi|co nghia (?:la )?gi|nghia la sao|hieu la gi|duoc hieu (?:la gi|nhu the nao|the nao)"
    r"|la the nao|la sao|la cai gi|la (?:thuat ngu|khai niem|chi so|tu) gi|la viet tat cua (?:tu |chu )?gi"
    r"|viet tat (?:cua|la) (?:tu |chu )?gi|la viet tat cua (?:tu |chu )?nao|dinh nghia the nao)(?![0-9a-z])")
_DEF_HEAD = re.compile(r"^(?:the nao (?:duoc goi )?la|the nao la|khai niem(?: ve)?|dinh nghia(?: ve)?|giai thich(?: tu)?)\s+")
_LEAD = re.compile(r"^(?:(?:cho (?:em|minh|toi) )?hoi|xin hoi|theo [^,]{2,60},)\s*")
_TRAIL = re.compile(r"\s+(?:theo|trong|tai|cua) (?:nghi dinh|nd|thong tu|tt|luat|quyet dinh|qd|ke hoach|van ban)\b.*$")


def definition_term(question: str) -> str | None:
    """The folded term X of a definitional question, or None.

    "Văn thư cơ quan là gì?" → ``"van thu co quan"``; "CCHC là viết tắt của
    gì?" → ``"cchc"``; "Theo Nghị định 61/2018/NĐ-CP, Bộ phận Một cửa là gì?"
    → ``"bo phan mot cua"``; "thế nào là văn bản điện tử" → ``"van ban dien
    tu"``. Shorthand is written out first (:func:`expand_shorthand`)."""
    f = re.sub(r"\s+", " ", fold(expand_shorthand(question or "")).replace("?", " ")).strip(" .!")
    f = _LEAD.sub("", f)
    m = _DEF_TAIL.search(f)
    if m:
        term = f[: m.start()]
    else:
        h = _DEF_HEAD.match(f)
        if not h:
            return None
        term = f[h.end():]
    term = _TRAIL.sub("", term)
    words = _WORD.findall(term)
    while words and words[-1] in ("vay", "a", "mn", "nhi", "the"):
        words.pop()
    while words and words[0] in ("vay", "thi", "con"):
        words.pop(0)
    if not words or len(words) > 14:
        return None
    return " ".join(words)


_DOC_Q = re.compile(
    r"(?<![0-9a-z])(?:(?:van ban|nghi dinh|thong tu|quyet dinh|cong van|luat|nghi quyet|chi thi|ke hoach|qd|nd|tt)"
    r" (?:nao|gi|so may|so bao nhieu)|(?:la|do|theo|o|bang|boi) (?:van ban|nghi dinh|thong tu|quyet dinh|cong van|luat"
    r"|nghi quyet|qd|nd|tt) nao|quy dinh (?:o|tai|trong) (?:dau|van ban nao))(?![0-9a-z])")


def is_document_question(question: str) -> bool:
    """True when the answer to ``question`` is a document: "Văn bản nào quy
    định X", "theo nghị định nào", "là quyết định số mấy", "luật số mấy",
    "do qđ nào phê duyệt"."""
    f = " ".join(_WORD.findall(fold(expand_shorthand(question or "").replace("đ", "d"))))
    return bool(_DOC_Q.search(f))


# ---------------------------------------------------------------- abbreviations

_ABBR_TOKEN = re.compile(r"(?<![\w-])[A-Za-zĐđ]{2,}(?:-[A-Za-zĐđ]+)*(?![\w-])")


def abbreviation_key(term: str) -> str:
    """Look-up form of an abbreviation: folded, upper case, spaces and hyphens
    dropped ("CB-GV-CNV" → ``"CBGVCNV"``, "tthc" → ``"TTHC"``)."""
    return re.sub(r"[\s\-]+", "", fold(term or "")).upper()


def spelled_by(term: str, expansion: str) -> bool:
    """True when the initials of the words of ``expansion`` spell the
    initialism ``term`` (accent-insensitive): "TTHC" / "thủ tục hành chính",
    "CBCCVC" / "cán bộ, công chức, viên chức"; False for "PAR Index" /
    "Chỉ số cải cách hành chính" (an English acronym) or a mixed-case word."""
    letters = re.sub(r"[^A-Za-z]", "", fold(term or ""))
    if len(letters) < 2 or not re.fullmatch(r"[A-ZĐ]+(?:[ -][A-ZĐ]+)*", (term or "").strip()):
        return False
    initials = "".join(w[0] for w in _WORD.findall(fold(expansion or "")) if w[0].isalpha())
    return initials == letters.lower()


def abbreviation_table(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """:func:`abbreviation_key` → expansion: the curated initialisms of the
    CCHC vocabulary (``corpus.glossary.ABBREVIATIONS``, what a parenthesised
    gloss is cut off) plus ``extra`` (term → expansion, e.g. the abbreviations
    the indexed văn bản define), of which only those :func:`spelled_by` their
    expansion are kept. The curated entry wins over an ``extra`` one."""
    out: dict[str, str] = {}
    for term, exp in (extra or {}).items():
        if spelled_by(term, exp):
            out.setdefault(abbreviation_key(term), " ".join(exp.split()))
    for term, exp in ABBREVIATIONS.items():
        out[abbreviation_key(term)] = exp.split(" (")[0].strip()
    return out


_DEFAULT_ABBREVIATIONS = abbreviation_table()


def expand_abbreviations(text: str, table: Mapping[str, str] | None = None) -> str:
    """``text`` with each initialism of ``table`` (:func:`abbreviation_table`,
    default the curated one) replaced by its written-out words, in any case
    ("tthc", "TTHC"): "dân đánh giá việc giải quyết tthc" → "dân đánh giá việc
    giải quyết thủ tục hành chính". Whole tokens only; a token with a
    Vietnamese mark is never an initialism. Returns ``text`` when nothing matches."""
    table = _DEFAULT_ABBREVIATIONS if table is None else table
    if not text or not table:
        return text or ""

    def repl(m: re.Match) -> str:
        tok = m.group(0)
        if _marked(tok.lower()):
            return tok
        return table.get(abbreviation_key(tok), tok)

    return _ABBR_TOKEN.sub(repl, unicodedata.normalize("NFC", text))


# ---------------------------------------------------------------- quoted phrases

_QUOTED = re.compile(r"\"([^\"\n]{3,200})\"|“([^”\n]{3,200})”|«([^»\n]{3,200})»")


def quoted_phrases(question: str, min_words: int = 2) -> list[str]:
    """The folded words of each phrase ``question`` quotes (straight, curly or
    French quotes), each of at least ``min_words`` words, a trailing "..."/"…"
    (the quote cut short) dropped: 'Phương châm "dân biết, dân bàn, dân
    làm..." gồm những gì?' → ``["dan biet dan ban dan lam"]``."""
    out = []
    for m in _QUOTED.finditer(unicodedata.normalize("NFC", question or "")):
        words = _WORD.findall(fold(next(g for g in m.groups() if g is not None)))
        if len(words) >= min_words:
            out.append(" ".join(words))
    return list(dict.fromkeys(out))


# ---------------------------------------------------------------- who cites a document

_CITING = re.compile(r"(?<![0-9a-z])(?:nhac (?:den|toi)|de cap (?:den|toi)|vien dan|dan chieu|trich dan|can cu vao)"
                     r"(?![0-9a-z])")
_WHICH = re.compile(r"(?<![0-9a-z])(?:nao|nhung|cac|bao nhieu)(?![0-9a-z])")


def asks_citing(question: str) -> bool:
    """True when ``question`` asks which documents (or passages) cite,
    mention or rest on a document it names: a verb of citing ("nhắc đến",
    "đề cập đến", "viện dẫn", "dẫn chiếu", "trích dẫn", "căn cứ vào") before
    the reference, and a "which" word ("nào", "những", "các", "bao nhiêu")
    before the verb: "Kế hoạch của trường nào nhắc đến Nghị định 120/2020/NĐ-CP?".
    "Nghị định 61/2018 nhắc đến những gì" (what the named document says) is not."""
    f = " ".join(_WORD.findall(fold(expand_shorthand(question or "").replace("đ", "d"))))
    m = _CITING.search(f)
    return bool(m) and bool(_WHICH.search(f, 0, m.start()))
