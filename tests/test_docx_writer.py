"""The DOCX follows Nghị định 30/2020/NĐ-CP Phụ lục I; read back with python-docx."""

import pytest
from docx import Document
from docx.shared import Mm

from assistant.drafting.drafter import draft_plan
from assistant.drafting.render_docx import write_docx


@pytest.fixture(scope="module")
def docx_path(tmp_path_factory):
    d = draft_plan("Trường Mầm non Hương Sen", 2025, section="all")
    p = tmp_path_factory.mktemp("d") / "plan.docx"
    write_docx(d, p)
    return p, d


def test_page_and_margins(docx_path):
    doc = Document(str(docx_path[0]))
    s = doc.sections[0]
    assert abs(s.page_width - Mm(210)) < Mm(1) and abs(s.page_height - Mm(297)) < Mm(1)
    tol = Mm(0.5)  # DOCX stores margins in twips (1/1440 inch): 15 mm → 14.99 mm
    assert Mm(20) - tol <= s.top_margin <= Mm(25) and Mm(20) - tol <= s.bottom_margin <= Mm(25)
    assert Mm(30) - tol <= s.left_margin <= Mm(35) and Mm(15) - tol <= s.right_margin <= Mm(20)


def test_header_title_and_fonts(docx_path):
    doc = Document(str(docx_path[0]))
    header = doc.tables[0]
    left, right = (c.text for c in header.rows[0].cells)
    assert "UBND QUẬN GÒ VẤP" in left and "TRƯỜNG MẦM NON HƯƠNG SEN" in left and "Số:" in left and "/KH-" in left
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in right and "Độc lập - Tự do - Hạnh phúc" in right
    assert "Gò Vấp, ngày" in right and "năm 2025" in right
    qh = next(r for p in header.rows[0].cells[1].paragraphs for r in p.runs if "CỘNG HÒA" in r.text)
    assert qh.bold and 12 <= qh.font.size.pt <= 13
    title = next(p for p in doc.paragraphs if p.text == "KẾ HOẠCH")
    assert title.runs[0].bold and 13 <= title.runs[0].font.size.pt <= 14
    body = [r for p in doc.paragraphs for r in p.runs if r.text.strip()]
    assert all(r.font.name == "Times New Roman" for r in body)
    assert all(13 <= r.font.size.pt <= 14 for r in body)


def test_noi_nhan_and_signature(docx_path):
    doc = Document(str(docx_path[0]))
    sign = doc.tables[-1]
    left, right = sign.rows[0].cells
    nn = left.paragraphs[0].runs[0]
    assert nn.text == "Nơi nhận:" and nn.bold and nn.italic and nn.font.size.pt == 12
    assert "Lưu: VT" in left.text and "HIỆU TRƯỞNG" in right.text


def test_each_item_has_a_source_comment(docx_path):
    path, d = docx_path
    doc = Document(str(path))
    n_items = sum(len(s.items) for s in d.sections)
    comments = list(doc.comments)
    assert len(comments) == n_items > 40
    assert all(c.text.startswith("Nguồn: ") and ("Kế hoạch" in c.text) for c in comments)
