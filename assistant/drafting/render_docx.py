"""Write a :class:`assistant.drafting.models.Draft` as DOCX in the thể thức of Nghị định 30/2020/NĐ-CP.

Every size, case and style comes from the draft's
:class:`~assistant.drafting.layout.Layout`, read from Phụ lục I of the decree
as indexed (:mod:`assistant.drafting.layout`; the decree's values when it is
not indexed):

* page A4, margins (lower bound of each range), font;
* header in a borderless 2 × 2 table (Phụ lục I, Mục IV, ô số 1–4): row 1 —
  tên cơ quan chủ quản over tên cơ quan ban hành with a short rule below |
  Quốc hiệu over Tiêu ngữ with a rule as long as the text (an underline);
  row 2 — "Số: …/KH-…" | địa danh, ngày tháng năm, so both sit on one line;
* tên loại "KẾ HOẠCH" and trích yếu (ô số 5a) with a short rule below;
* căn cứ (italic, ";" after each, "." after the last), nội dung (justified,
  first-line indent, spacing after), headings of mục in upper case;
* Nơi nhận (ô số 9b) left, beside quyền hạn, chức vụ người ký (ô số 7a).

Each drafted item carries a Word comment naming its source (document, số
hiệu, mục), each căn cứ its history note; comments are not printed. Marks
"[cần …]" are highlighted.
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

from assistant.drafting.layout import FALLBACK, ElementStyle, Layout
from assistant.drafting.models import CONFIRM, Draft
from corpus.textnorm import strip_control

ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII"]
AUTHOR = "Trợ lý CCHC"
_MARK = re.compile(r"(\[cần [^\]]*\])")
#: Column widths of the header table (cm). The text width of A4 with 30/15 mm margins is 16.5 cm; the
#: centred table is 0.7 cm wider, as in the decree's own layout, so that the Quốc hiệu (12 pt, bold)
#: and a usual school name (12 pt, bold) each fit on one line.
LEFT_COL_CM, RIGHT_COL_CM = 7.6, 9.6
_CELL_MARGIN_TWIPS = 40  # ≈ 0.07 cm left/right padding in the header cells


def _set_font(run, font: str, size: float, bold: bool = False, italic: bool = False, underline: bool = False) -> None:
    run.font.name = font
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.italic = italic
    run.font.underline = underline
    _set_rfonts(run._element.get_or_add_rPr(), font)


def _set_rfonts(rpr, font: str) -> None:
    """Name ``font`` for every script slot of a run-properties element (Word falls back to its theme
    font for Vietnamese otherwise)."""
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.append(rfonts)
    for a in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        rfonts.set(qn(a), font)


class _Writer:
    """Paragraph and run helpers bound to one layout."""

    def __init__(self, layout: Layout):
        self.lay = layout

    def run(self, p, text: str, role: str, bold: bool | None = None, italic: bool | None = None,
            underline: bool = False, upper: bool | None = None):
        """Add ``text`` in the style of ``role``; "[cần …]" marks keep their case and are highlighted."""
        st: ElementStyle = self.lay.style(role)
        up = st.upper if upper is None else upper
        runs = []
        for part in _MARK.split(strip_control(text)):
            if not part:
                continue
            mark = part.startswith("[cần")
            r = p.add_run(part if mark or not up else part.upper())
            _set_font(r, self.lay.font, st.size, st.bold if bold is None else bold,
                      True if mark else (st.italic if italic is None else italic), underline and not mark)
            if mark:
                r.font.highlight_color = WD_COLOR_INDEX.YELLOW
            runs.append(r)
        return runs

    def para(self, container, align=WD_ALIGN_PARAGRAPH.CENTER, before: float = 0, after: float = 0,
             indent: bool = False, first: bool = False):
        p = container.paragraphs[0] if first and not container.paragraphs[0].text else container.add_paragraph()
        p.alignment = align
        pf = p.paragraph_format
        pf.space_before, pf.space_after = Pt(before), Pt(after)
        pf.line_spacing = self.lay.line_spacing[0]
        if indent:
            pf.first_line_indent = Cm(self.lay.indent_cm)
        return p

    def body(self, container, text: str = "", role: str = "noi_dung", before: float = 0, **kw):
        p = self.para(container, WD_ALIGN_PARAGRAPH.JUSTIFY, before=before, after=self.lay.paragraph_after_pt,
                      indent=True)
        runs = self.run(p, text, role, **kw) if text else []
        return p, runs

    def rule(self, container, text: str, role: str, width_cm: float) -> None:
        """A short centred line under a header line: the bottom border of an
        empty paragraph indented to a share of the text's width (Phụ lục I:
        "từ 1/3 đến 1/2 độ dài của dòng chữ"; the mean of the range is used)."""
        st = self.lay.style(role)
        ratio = sum(st.rule_ratio) / 2
        em = 0.62 if text.isupper() or st.upper else 0.47  # mean advance of Times New Roman, in em per character
        text_cm = min(width_cm, len(text) * st.size * em / 72 * 2.54)
        side = max(0.0, (width_cm - ratio * text_cm) / 2)
        p = self.para(container)
        p.paragraph_format.left_indent = p.paragraph_format.right_indent = Cm(side)
        p.paragraph_format.line_spacing = Pt(2)
        ppr = p._p.get_or_add_pPr()
        bdr = OxmlElement("w:pBdr")
        bottom = OxmlElement("w:bottom")
        for k, v in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
            bottom.set(qn(k), v)
        bdr.append(bottom)
        ppr.append(bdr)


def _no_borders(table) -> None:
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    tbl_pr.append(borders)


def _tight_cells(table) -> None:
    """Small left/right cell padding (the default 0.19 cm wraps the Quốc hiệu)."""
    mar = OxmlElement("w:tblCellMar")
    for edge in ("left", "right"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:w"), str(_CELL_MARGIN_TWIPS))
        el.set(qn("w:type"), "dxa")
        mar.append(el)
    table._tbl.tblPr.append(mar)


def _widths(table, *widths) -> None:
    """Set column widths in the grid and on every cell (Word and LibreOffice read different ones)."""
    for col, w in zip(table.columns, widths):
        col.width = w
        for c in col.cells:
            c.width = w


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
    """The ``docx.Document`` of ``draft`` (layout rules in the module doc)."""
    lay: Layout = draft.layout or FALLBACK
    w = _Writer(lay)
    doc = Document()
    sec = doc.sections[0]
    sec.orientation = WD_ORIENT.PORTRAIT
    sec.page_width, sec.page_height = Mm(lay.page_mm[0]), Mm(lay.page_mm[1])
    sec.top_margin, sec.bottom_margin = Mm(lay.margin("top")), Mm(lay.margin("bottom"))
    sec.left_margin, sec.right_margin = Mm(lay.margin("left")), Mm(lay.margin("right"))
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = lay.font, Pt(lay.style("noi_dung").size)
    _set_rfonts(normal.element.get_or_add_rPr(), lay.font)

    # --- header (Phụ lục I, Mục IV: ô số 1, 2, 3, 4)
    t = doc.add_table(rows=2, cols=2)
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    t.autofit = False
    _no_borders(t)
    _tight_cells(t)
    _widths(t, Cm(LEFT_COL_CM), Cm(RIGHT_COL_CM))
    (left, right), (left2, right2) = t.rows[0].cells, t.rows[1].cells
    w.run(w.para(left, first=True), draft.parent_agency, "co_quan_chu_quan")
    w.run(w.para(left), draft.unit, "co_quan_ban_hanh")
    if lay.style("co_quan_ban_hanh").rule_below:
        w.rule(left, draft.unit, "co_quan_ban_hanh", LEFT_COL_CM)
    w.run(w.para(right, first=True), "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "quoc_hieu")
    w.run(w.para(right), "Độc lập - Tự do - Hạnh phúc", "tieu_ngu",
          underline=lay.style("tieu_ngu").rule_below == "full")
    w.run(w.para(left2, first=True, before=6), draft.number_line, "so_ky_hieu")
    w.run(w.para(right2, first=True, before=6), f"{draft.place}, ngày   tháng   năm {draft.year}", "dia_danh")

    # --- tên loại, trích yếu (ô số 5a)
    w.run(w.para(doc, before=18), "KẾ HOẠCH", "ten_loai")
    w.run(w.para(doc), draft.title, "trich_yeu")
    if lay.style("trich_yeu").rule_below:
        w.rule(doc, draft.title, "trich_yeu", 16.5)
    w.para(doc, after=6)

    # --- căn cứ, nội dung (ô số 6)
    for i, b in enumerate(draft.legal_bases):
        end = "." if i == len(draft.legal_bases) - 1 else ";"
        _, runs = w.body(doc, f"Căn cứ {b.text}{end}", "can_cu")
        note = "; ".join(x for x in (b.note, ("trích dẫn trong: " + ", ".join(b.cited_by)) if b.cited_by else None) if x)
        if note and runs:
            doc.add_comment(runs, text=strip_control(note), author=AUTHOR, initials="CCHC")
    w.body(doc, draft.intro())
    roman, in_areas, area_n = 0, False, 0
    for s in draft.sections:
        if s.key.startswith("nv"):
            if not in_areas:
                w.body(doc, f"{ROMAN[roman]}. NHIỆM VỤ TRỌNG TÂM", bold=True, before=6)
                roman, in_areas = roman + 1, True
            area_n = int(s.key[2:])
            w.body(doc, f"{area_n}. {s.title}", bold=True)
        else:
            in_areas = False
            w.body(doc, f"{ROMAN[roman]}. {s.title.upper()}", bold=True, before=6)
            roman += 1
        for i, it in enumerate(s.items, 1):
            label = f"{area_n}.{i}. " if s.key.startswith("nv") else f"{i}. "
            p, _ = w.body(doc, label)
            runs = w.run(p, it.text, "noi_dung")
            note = "Nguồn: " + it.source.label()
            if it.also:
                note += "; tương tự: " + "; ".join(a.label() for a in it.also)
            if it.flags:
                note += ". Lưu ý: " + "; ".join(it.flags)
            if it.confirm:
                note += f". Số liệu giữ theo nguồn {CONFIRM}"
            doc.add_comment(runs, text=strip_control(note), author=AUTHOR, initials="CCHC")
        if not s.items:
            w.body(doc, "[cần bổ sung: không có nội dung mẫu trong kho văn bản]")
    w.body(doc, draft.closing(), before=6)

    # --- Nơi nhận (ô số 9b) + quyền hạn, chức vụ người ký (ô số 7a, 7b)
    t = doc.add_table(rows=1, cols=2)
    t.autofit = False
    _no_borders(t)
    _widths(t, Cm(8), Cm(8.5))
    left, right = t.rows[0].cells
    w.run(w.para(left, align=WD_ALIGN_PARAGRAPH.LEFT, first=True), "Nơi nhận:", "noi_nhan_label")
    for i, r in enumerate(draft.recipients):
        w.run(w.para(left, align=WD_ALIGN_PARAGRAPH.LEFT), f"- {r}" + ("." if i == len(draft.recipients) - 1 else ";"),
              "noi_nhan_list")
    w.run(w.para(right, first=True), draft.signer_title, "chuc_vu")
    for _ in range(4):
        w.para(right)
    w.run(w.para(right), "[Họ và tên người ký]", "ho_ten")
    return doc
