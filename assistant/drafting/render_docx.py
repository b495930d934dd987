"""Write a :class:`assistant.drafting.models.Draft` as DOCX in the thể thức of Nghị định 30/2020/NĐ-CP.

Rules applied (Nghị định 30/2020/NĐ-CP, Phụ lục I "Thể thức, kỹ thuật trình
bày văn bản hành chính"):

* A4 (210 × 297 mm); lề trên 20 mm, lề dưới 20 mm, lề trái 30 mm, lề phải
  15 mm (khoản 4 Điều… Phụ lục I: trên/dưới 20–25, trái 30–35, phải 15–20 mm).
* Phông Times New Roman, Unicode TCVN 6909:2001, màu đen.
* Header in a borderless two-column table: left — tên cơ quan chủ quản (upper
  case, 12–13) over tên cơ quan ban hành (upper case, bold, with a short line
  below) and "Số: …/KH-…" (13); right — Quốc hiệu "CỘNG HÒA XÃ HỘI CHỦ NGHĨA
  VIỆT NAM" (upper case, bold, 12–13) over Tiêu ngữ "Độc lập - Tự do - Hạnh
  phúc" (bold, 13–14, underlined) and địa danh, ngày tháng năm (italic, 13–14).
* Tên loại "KẾ HOẠCH" (bold, upper case, 13–14, centred), trích yếu below it
  (bold, 13–14, centred).
* Nội dung: 13–14, justified, first-line indent 1–1.27 cm, spacing ≥ 6 pt.
* Nơi nhận ("Nơi nhận:" bold italic 12; list 11) left, beside the chữ ký block
  (quyền hạn, chức vụ người ký upper case bold 13–14; họ tên left blank).

Each drafted item carries a Word comment naming its source (doc_id, số hiệu,
mục); the comments are not printed.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

from assistant.drafting.models import CONFIRM, Draft

FONT = "Times New Roman"
BODY_PT = 14
ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII"]
AUTHOR = "Trợ lý CCHC"


def _font(run, size: float, bold: bool = False, italic: bool = False, underline: bool = False) -> None:
    run.font.name = FONT
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.italic = italic
    run.font.underline = underline
    rpr = run._element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.append(rfonts)
    for a in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        rfonts.set(qn(a), FONT)


def _para(container, text: str = "", size: float = BODY_PT, bold=False, italic=False, underline=False,
          align=WD_ALIGN_PARAGRAPH.CENTER, before: float = 0, after: float = 0, indent: float | None = None):
    p = container.add_paragraph()
    p.alignment = align
    pf = p.paragraph_format
    pf.space_before, pf.space_after = Pt(before), Pt(after)
    pf.line_spacing = 1.0 if align == WD_ALIGN_PARAGRAPH.CENTER else 1.15
    if indent is not None:
        pf.first_line_indent = Cm(indent)
    if text:
        _font(p.add_run(text), size, bold, italic, underline)
    return p


def _short_line(paragraph) -> None:
    """A short horizontal line under a header line (bottom border of the paragraph
    would span the cell, so use a centred underlined run of spaces)."""
    _font(paragraph.add_run("\n" + "\u2003" * 5), 8, underline=False)
    r = paragraph.runs[-1]
    r.font.underline = True


def _no_borders(table) -> None:
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    tbl_pr.append(borders)


def _widths(table, *widths) -> None:
    """Set column widths in the grid and on every cell (Word and LibreOffice read different ones)."""
    for col, w in zip(table.columns, widths):
        col.width = w
        for c in col.cells:
            c.width = w


def _cell_par(cell, first: bool):
    return cell.paragraphs[0] if first and not cell.paragraphs[0].text else cell.add_paragraph()


def _text_with_marks(p, text: str, size: float = BODY_PT):
    """Add ``text`` to paragraph ``p``, highlighting "[cần …]" marks in yellow; returns the runs."""
    runs = []
    for part in re.split(r"(\[cần [^\]]*\])", text):
        if not part:
            continue
        r = p.add_run(part)
        _font(r, size, italic=part.startswith("[cần"))
        if part.startswith("[cần"):
            r.font.highlight_color = WD_COLOR_INDEX.YELLOW
        runs.append(r)
    return runs


def write_docx(draft: Draft, path: str | Path) -> Path:
    """Write ``draft`` to ``path`` (``.docx``); returns the path. Raises
    ``OSError`` if the file cannot be written."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    build_document(draft).save(str(path))
    return path


def docx_bytes(draft: Draft) -> bytes:
    """The DOCX file of ``draft`` as bytes (for an HTTP download or a chat attachment)."""
    buf = io.BytesIO()
    build_document(draft).save(buf)
    return buf.getvalue()


def build_document(draft: Draft):
    """The ``docx.Document`` of ``draft`` (see module docstring for the layout rules)."""
    doc = Document()
    sec = doc.sections[0]
    sec.orientation = WD_ORIENT.PORTRAIT
    sec.page_width, sec.page_height = Mm(210), Mm(297)
    sec.top_margin, sec.bottom_margin = Mm(20), Mm(20)
    sec.left_margin, sec.right_margin = Mm(30), Mm(15)
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(BODY_PT)
    normal.element.get_or_add_rPr()
    _font_style = normal.element.rPr.find(qn("w:rFonts"))
    if _font_style is None:
        _font_style = OxmlElement("w:rFonts")
        normal.element.rPr.append(_font_style)
    for a in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        _font_style.set(qn(a), FONT)

    # --- header (Phụ lục I: ô số 1, 2, 3, 4)
    t = doc.add_table(rows=1, cols=2)
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    t.autofit = False
    _no_borders(t)
    left, right = t.rows[0].cells
    _widths(t, Cm(7.0), Cm(9.5))
    p = _cell_par(left, True)
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(p.add_run(draft.parent_agency.upper()), 12)
    p = left.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(p.add_run(draft.unit.upper()), 12, bold=True)
    _short_line(p)
    p = left.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.space_before = Pt(6)
    _font(p.add_run(draft.number_line), 13)

    p = _cell_par(right, True)
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(p.add_run("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"), 12, bold=True)
    p = right.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(p.add_run("Độc lập - Tự do - Hạnh phúc"), 13, bold=True, underline=True)
    p = right.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.space_before = Pt(6)
    _font(p.add_run(f"{draft.place}, ngày      tháng      năm {draft.year}"), 13, italic=True)

    # --- tên loại, trích yếu
    _para(doc, "KẾ HOẠCH", 14, bold=True, before=18)
    tp = _para(doc, draft.title, 14, bold=True, after=0)
    _short_line(tp)
    _para(doc, "", after=6)

    J = WD_ALIGN_PARAGRAPH.JUSTIFY
    for b in draft.legal_bases:
        text = f"Căn cứ {b.text}" + (f" ({b.note})" if b.note else "") + ";"
        p = _para(doc, "", align=J, after=6, indent=1.27)
        _text_with_marks(p, text)
    _para(doc, draft.intro(), align=J, after=6, indent=1.27)

    roman = 0
    in_areas = False
    area_n = 0
    for s in draft.sections:
        if s.key.startswith("nv"):
            if not in_areas:
                _para(doc, f"{ROMAN[roman]}. NHIỆM VỤ TRỌNG TÂM", BODY_PT, bold=True, align=J, before=6, after=6, indent=1.27)
                roman += 1
                in_areas = True
            area_n = int(s.key[2:])
            _para(doc, f"{area_n}. {s.title}", BODY_PT, bold=True, align=J, after=6, indent=1.27)
        else:
            in_areas = False
            _para(doc, f"{ROMAN[roman]}. {s.title}", BODY_PT, bold=True, align=J, before=6, after=6, indent=1.27)
            roman += 1
        for i, it in enumerate(s.items, 1):
            label = f"{area_n}.{i}. " if s.key.startswith("nv") else f"{i}. "
            p = _para(doc, "", align=J, after=6, indent=1.27)
            _font(p.add_run(label), BODY_PT)
            runs = _text_with_marks(p, it.text)
            note = "Nguồn: " + it.source.label()
            if it.also:
                note += "; tương tự: " + "; ".join(a.label() for a in it.also)
            if it.flags:
                note += ". Lưu ý: " + "; ".join(it.flags)
            if it.confirm:
                note += f". Số liệu giữ theo nguồn {CONFIRM}"
            doc.add_comment(runs, text=note, author=AUTHOR, initials="CCHC")
        if not s.items:
            _para(doc, "[cần bổ sung: không có nội dung mẫu trong kho văn bản]", align=J, italic=True, indent=1.27, after=6)
    _para(doc, draft.closing(), align=J, before=6, after=12, indent=1.27)

    # --- Nơi nhận + chữ ký (Phụ lục I: ô số 7, 9)
    t = doc.add_table(rows=1, cols=2)
    t.autofit = False
    _no_borders(t)
    left, right = t.rows[0].cells
    _widths(t, Cm(8), Cm(8))
    p = _cell_par(left, True)
    p.alignment = WD_ALIGN_PARAGRAPH.LEFT
    _font(p.add_run("Nơi nhận:"), 12, bold=True, italic=True)
    for i, r in enumerate(draft.recipients):
        p = left.add_paragraph()
        _font(p.add_run(f"- {r}" + ("." if i == len(draft.recipients) - 1 else ";")), 11)
    p = _cell_par(right, True)
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(p.add_run(draft.signer_title), 14, bold=True)
    for _ in range(4):
        right.add_paragraph()
    p = right.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(p.add_run("[Họ và tên người ký]"), 14, italic=True)
    return doc
