"""The DOCX follows the thể thức of Phụ lục I, Nghị định 30/2020/NĐ-CP, as read from the indexed Phụ lục;
the values are read back from the file with python-docx."""

import dataclasses
import datetime as dt

import pytest
from docx import Document
from docx.shared import Mm

from assistant.drafting.drafter import draft_plan
from assistant.drafting.layout import FALLBACK, ROLES, layout_from_documents, parse_layout, parse_table_rows
from assistant.drafting.models import CONFIRM_GOVERNING
from assistant.drafting.render_docx import write_docx

AS_OF = dt.date(2026, 12, 1)


@pytest.fixture(scope="module")
def docs(full_service):
    return full_service.parsed_documents()


@pytest.fixture(scope="module")
def phu_luc(docs):
    return next(d for d in docs if d.meta.appendix == "Phụ lục I" and d.meta.number == "30/2020/NĐ-CP")


@pytest.fixture(scope="module")
def drafted(docs, tmp_path_factory):
    d = draft_plan("Trường Mầm non Hương Sen", docs=docs, as_of=AS_OF)
    p = tmp_path_factory.mktemp("d") / "plan.docx"
    write_docx(d, p)
    return Document(str(p)), d


def test_phu_luc_rows_are_parsed(phu_luc):
    rows = parse_table_rows(phu_luc.text)
    assert rows["quoc_hieu"].size_range == (12, 13) and rows["quoc_hieu"].upper and rows["quoc_hieu"].bold
    assert rows["tieu_ngu"].size_range == (13, 14) and not rows["tieu_ngu"].upper and rows["tieu_ngu"].rule_below
    assert rows["co_quan_chu_quan"].upper and not rows["co_quan_chu_quan"].bold
    assert rows["so_ky_hieu"].size_range == (13, 13)
    assert rows["dia_danh"].italic and rows["noi_nhan_label"].italic and rows["noi_nhan_label"].bold
    assert rows["trich_yeu"].size_range == (13, 14)  # the kế hoạch's trích yếu, not the công văn's (12 - 13)
    assert rows["noi_nhan_list"].size_range == (11, 11)


def test_layout_read_from_the_index_and_fallback(docs, phu_luc):
    lay = layout_from_documents(docs)
    assert lay.source == phu_luc.meta.doc_id and lay.note is None
    assert lay.page_mm == (210, 297) and lay.font == "Times New Roman"
    assert lay.margins_mm == {"top": (20, 25), "bottom": (20, 25), "left": (30, 35), "right": (15, 20)}
    assert set(ROLES) <= set(lay.elements)
    assert lay.style("tieu_ngu").rule_below == "full" and lay.style("trich_yeu").rule_ratio == (1 / 3, 1 / 2)
    assert lay.style("can_cu").italic and lay.indent_cm == 1.27 and lay.paragraph_after_pt == 6
    # the written-out values of the decree are the same as those read from it
    assert dataclasses.replace(lay, source="fallback") == FALLBACK
    # not indexed (or unreadable): the fallback, with a note for the clerk
    rest = [d for d in docs if d.meta.doc_id != phu_luc.meta.doc_id]
    fb = layout_from_documents(rest)
    assert fb.source == "fallback" and fb.note and "Phụ lục I" in fb.note
    assert parse_layout("Khổ giấy: Khổ A4 (210 mm x 297 mm).") is None and parse_layout("") is None


def test_page_and_margins(drafted):
    doc, d = drafted
    s = doc.sections[0]
    lay = d.layout
    assert abs(s.page_width - Mm(lay.page_mm[0])) < Mm(0.5) and abs(s.page_height - Mm(lay.page_mm[1])) < Mm(0.5)
    tol = Mm(0.5)  # DOCX stores margins in twips (1/1440 inch): 15 mm → 14.99 mm
    for side, attr in (("top", "top_margin"), ("bottom", "bottom_margin"), ("left", "left_margin"),
                       ("right", "right_margin")):
        lo, hi = lay.margins_mm[side]
        assert Mm(lo) - tol <= getattr(s, attr) <= Mm(hi) + tol, side


def _run(paragraphs, text):
    return next(r for p in paragraphs for r in p.runs if text in r.text)


def _check(run, style, upper=None):
    assert run.font.name == "Times New Roman"
    assert style.size_range[0] <= run.font.size.pt <= style.size_range[1] and run.font.size.pt == style.size
    assert bool(run.bold) == style.bold and bool(run.italic) == style.italic, run.text
    if upper or style.upper:
        assert run.text == run.text.upper()


def test_header_fonts_sizes_and_styles(drafted):
    doc, d = drafted
    lay = d.layout
    header = doc.tables[0]
    (left, right), (left2, right2) = header.rows[0].cells, header.rows[1].cells
    assert CONFIRM_GOVERNING in left.text and "QUẬN" not in left.text
    mark = _run(left.paragraphs, CONFIRM_GOVERNING)
    assert mark.font.size.pt == lay.style("co_quan_chu_quan").size and mark.font.highlight_color is not None
    _check(_run(left.paragraphs, "TRƯỜNG MẦM NON HƯƠNG SEN"), lay.style("co_quan_ban_hanh"))
    _check(_run(right.paragraphs, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"), lay.style("quoc_hieu"))
    tn = _run(right.paragraphs, "Độc lập - Tự do - Hạnh phúc")
    _check(tn, lay.style("tieu_ngu"))
    assert tn.underline  # the line below, as long as the text
    _check(_run(left2.paragraphs, "Số:"), lay.style("so_ky_hieu"))
    date = _run(right2.paragraphs, "năm 2027")
    _check(date, lay.style("dia_danh"))
    # the ban hành name and the trích yếu have a short rule below (a bottom border)
    borders = [p for p in left.paragraphs if p._p.pPr is not None and p._p.pPr.find(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}pBdr") is not None]
    assert len(borders) == 1 and borders[0].paragraph_format.left_indent > 0


def test_title_bases_body_and_signature(drafted):
    doc, d = drafted
    lay = d.layout
    ps = doc.paragraphs
    _check(_run(ps, "KẾ HOẠCH"), lay.style("ten_loai"))
    _check(_run(ps, "Thực hiện công tác cải cách hành chính năm 2027"), lay.style("trich_yeu"))
    can_cu = [p for p in ps if p.text.startswith("Căn cứ ")]
    assert len(can_cu) == len(d.legal_bases)
    assert all(p.text.endswith(";") for p in can_cu[:-1]) and can_cu[-1].text.endswith(".")
    for p in can_cu:
        for r in p.runs:
            if r.text.strip() and not r.text.startswith("[cần"):
                _check(r, lay.style("can_cu"))
    intro = next(p for p in ps if p.text.startswith("Trường Mầm non Hương Sen xây dựng Kế hoạch"))
    _check(intro.runs[0], lay.style("noi_dung"))
    assert abs(intro.paragraph_format.first_line_indent.cm - lay.indent_cm) < 0.01
    assert intro.paragraph_format.space_after.pt == lay.paragraph_after_pt
    body = [r for p in ps for r in p.runs if r.text.strip()]
    assert all(r.font.name == "Times New Roman" for r in body)
    sign = doc.tables[-1]
    left, right = sign.rows[0].cells
    _check(left.paragraphs[0].runs[0], lay.style("noi_nhan_label"))
    assert left.paragraphs[0].runs[0].text == "Nơi nhận:"
    _check(_run(left.paragraphs[1:], "Lưu: VT"), lay.style("noi_nhan_list"))
    _check(_run(right.paragraphs, "HIỆU TRƯỞNG"), lay.style("chuc_vu"))


def test_each_item_and_swapped_basis_has_a_comment(drafted):
    doc, d = drafted
    n_items = sum(len(s.items) for s in d.sections)
    comments = [c.text for c in doc.comments]
    sources = [c for c in comments if c.startswith("Nguồn: ")]
    assert len(sources) == n_items > 40
    assert any("Công văn số 4054/BGDĐT-GDPT" in c for c in sources)
    assert any("thay thế Nghị định số 61/2018/NĐ-CP" in c for c in comments)


def test_a_unit_name_with_a_control_character_still_renders(docs, tmp_path):
    # found by the API fuzz test: {"unit": "\x1b", "format": "docx"} made python-docx raise (XML 1.0 has no
    # C0 controls), which the API turned into a server error
    d = draft_plan("\x1bTrường Mầm non Hương Sen\x07", docs=docs, as_of=AS_OF)
    p = tmp_path / "plan.docx"
    write_docx(d, p)
    text = "\n".join(par.text for par in Document(str(p)).paragraphs) + "\n".join(
        c.text for t in Document(str(p)).tables for row in t.rows for c in row.cells)
    assert "TRƯỜNG MẦM NON HƯƠNG SEN" in text and "\x1b" not in text and "\x07" not in text
