"""corpus.loaders / corpus.textnorm on the bundled files and on real docx/pdf files built here."""

from __future__ import annotations

import io
import random
import unicodedata
import zipfile
from pathlib import Path

import pytest

from corpus.loaders import SUPPORTED_SUFFIXES, decode_bytes, load_text, normalize_document_text
from corpus.models import DocumentError
from corpus.pipeline import bundled_dir, bundled_paths
from corpus.textnorm import fold, nfc, vietnamese_accent_ratio

PLANS = bundled_dir() / "plans"
DECREES = bundled_dir() / "decrees"
BEN_THANH = PLANS / "2024-mn-ben-thanh-q1-cchc.txt"
HOA_PHUONG = PLANS / "2023-mn-hoa-phuong-q8-cchc.txt"
HUONG_SEN = PLANS / "2024-mn-huong-sen-go-vap-cai-cach-tthc.txt"
TUOI_HONG = PLANS / "2023-mn-tuoi-hong-q1-par-index.txt"
ND60 = DECREES / "nd-60-2021-nd-cp.txt"


# ------------------------------------------------------------------ textnorm


def test_fold_and_nfc():
    decomposed = unicodedata.normalize("NFD", "Nghị định số 60/2021/NĐ-CP")
    assert nfc(decomposed) == "Nghị định số 60/2021/NĐ-CP"
    assert fold(decomposed) == "nghi dinh so 60/2021/nd-cp"
    s = "Trường Mầm non Hương Sen, Đảng bộ"
    assert len(fold(s)) == len(s)
    assert fold(s) == "truong mam non huong sen, dang bo"


def test_accent_ratio_separates_ocr_from_clean():
    clean = HUONG_SEN.read_text(encoding="utf-8")
    ocr = TUOI_HONG.read_text(encoding="utf-8")
    assert vietnamese_accent_ratio(clean) > 0.25
    assert vietnamese_accent_ratio(ocr) < 0.15
    assert vietnamese_accent_ratio("") == 0.0


# ------------------------------------------------------------------ bundled text files


def test_ben_thanh_hard_wrapped_lines_joined():
    text, fmt = load_text(BEN_THANH)
    assert fmt == "txt"
    paras = text.split("\n\n")
    # in the file: "... ngày 28 tháng 5 năm 2021 của Ủy ban \n\nnhân dân Quận 1 về thực hiện ..."
    joined = [p for p in paras if "Thực hiện Kế hoạch số 175/KH-UBND" in p]
    assert len(joined) == 1
    assert "năm 2021 của Ủy ban nhân dân Quận 1 về thực hiện chương trình cải cách hành chính" in joined[0]
    assert joined[0].endswith("giai đoạn 2020 - 2025;")
    # number broken after the hyphen: "Chỉ thị số 08/CT-" / "UBND ngày 12 tháng 5 năm 2022"
    assert "Chỉ thị số 08/CT-UBND ngày 12 tháng 5 năm 2022" in text
    # headings and numbered items stay separate paragraphs
    assert "I. MỤC TIÊU" in paras
    assert "1. Công tác chỉ đạo, điều hành và truyền thông về CCHC" in paras
    assert any(p.startswith("3.5. Tỷ lệ PHHS tham gia sử dụng thanh toán học phí qua phần mềm Yoyoschool") for p in paras)
    # page numbers ("3", "10") are gone and the sentence across the page break is whole
    assert not any(p.strip().isdigit() for p in paras)
    assert "các tiêu chí, tiêu chí thành phần của Chỉ số CCHC theo lĩnh vực được giao, phân công cụ thể các phòng, ban" in text


def test_huong_sen_heading_not_glued_to_indented_paragraph():
    text, _ = load_text(HUONG_SEN)
    paras = text.split("\n\n")
    assert "1. Triển khai thực hiện nhiệm vụ về cải cách thủ tục hành chính" in paras
    assert "Ban hành Kế hoạch thực hiện công tác cải cách thủ tục hành chính năm 2024." in paras
    assert "Số: 26/KH-MNHgS Gò Vấp, ngày 26 tháng 02 năm 2024" in paras
    assert "KẾ HOẠCH" in paras


def test_hoa_phuong_bookmark_artefact_removed():
    raw = HOA_PHUONG.read_text(encoding="utf-8")
    assert "[bookmark: _GoBack]" in raw
    text, _ = load_text(HOA_PHUONG)
    assert "[bookmark" not in text
    paras = text.split("\n\n")
    assert any(p.startswith("4.2. Tăng cường công tác khảo sát, đánh giá công tác được ủy quyền") for p in paras)
    # one paragraph per line in this file: nothing is glued
    assert "7. Xây dựng môi trường làm việc điện tử" in paras


def test_ocr_scan_paragraphs_rejoined():
    text, _ = load_text(TUOI_HONG)
    paras = text.split("\n\n")
    first = next(p for p in paras if p.startswith("1. Nghiém tic"))
    assert "theo Ké hoach s 406/KH-UBND ngay 29 thang 12 nim 2022" in first
    assert "IL. NHIEM VU VA GIAI PHAP" in paras


def test_decree_lines_not_glued():
    text, _ = load_text(ND60)
    paras = text.split("\n\n")
    assert "Điều 9. Phân loại mức tự chủ tài chính của đơn vị sự nghiệp công" in paras
    assert any(p.startswith("[pháp điển: Điều 5.2.NĐ.14.9;") for p in paras)
    assert paras[0].startswith("SOURCE: https://github.com/diepxuan/")


@pytest.mark.parametrize("path", bundled_paths(), ids=lambda p: p.stem)
def test_normalisation_idempotent_and_nfc(path):
    text, _ = load_text(path)
    assert normalize_document_text(text) == text
    assert unicodedata.normalize("NFC", text) == text
    assert "\n\n\n" not in text


def test_bundled_paths_lists_plans_and_decrees():
    names = [p.name for p in bundled_paths()]
    assert len(names) == 19  # 5 plans, 11 decrees (2 DOCX), 3 guidance letters
    assert "validity.tsv" not in names
    assert names[0] == "2023-mn-hoa-phuong-q8-cchc.txt"
    assert "nd-61-2018-nd-cp.txt" in names


# ------------------------------------------------------------------ encodings


def _cp1258(s: str) -> bytes:
    """Encode Vietnamese the Windows-1258 way: base letter + combining tone mark."""
    tones = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
    out = b""
    for ch in s:
        try:
            out += ch.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        d = unicodedata.normalize("NFD", ch)
        tone = "".join(c for c in d if c in tones)
        base = unicodedata.normalize("NFC", "".join(c for c in d if c not in tones))
        out += (base + tone).encode("cp1258")
    return out


SAMPLE = (
    "Trường Mầm non Hương Sen xây dựng Kế hoạch cải cách thủ tục hành chính năm 2024, "
    "cụ thể như sau: tăng cường trách nhiệm người đứng đầu."
)


def test_decode_cp1258_and_utf16(tmp_path):
    assert nfc(decode_bytes(_cp1258(SAMPLE))) == SAMPLE
    p = tmp_path / "u16.txt"
    p.write_bytes(SAMPLE.encode("utf-16"))
    assert load_text(p)[0] == SAMPLE
    p2 = tmp_path / "u16le.txt"
    p2.write_bytes(SAMPLE.encode("utf-16-le"))
    assert load_text(p2)[0] == SAMPLE
    p3 = tmp_path / "decomposed.md"
    p3.write_text(unicodedata.normalize("NFD", SAMPLE), encoding="utf-8")
    text, fmt = load_text(p3)
    assert fmt == "md" and text == SAMPLE


# ------------------------------------------------------------------ docx


def _make_docx(path: Path) -> None:
    import docx

    d = docx.Document()
    d.add_paragraph("KẾ HOẠCH")
    d.add_paragraph("Thực hiện công tác cải cách hành chính năm 2024")
    d.add_paragraph("I. MỤC TIÊU")
    d.add_paragraph("[bookmark: _GoBack]1. Nâng cao Chỉ số cải cách hành chính (PAR Index) của đơn vị.")
    d.add_paragraph("2")  # stray page number
    table = d.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "Chỉ tiêu"
    table.cell(0, 1).text = "Tỷ lệ"
    table.cell(1, 0).text = "Hồ sơ đúng hạn"
    table.cell(1, 1).text = "100%"
    d.add_paragraph("II. TỔ CHỨC THỰC HIỆN")
    d.save(str(path))


def test_docx_paragraphs_and_tables_in_order(tmp_path):
    p = tmp_path / "ke-hoach.docx"
    _make_docx(p)
    text, fmt = load_text(p)
    assert fmt == "docx"
    paras = text.split("\n\n")
    assert paras[:3] == ["KẾ HOẠCH", "Thực hiện công tác cải cách hành chính năm 2024", "I. MỤC TIÊU"]
    assert "1. Nâng cao Chỉ số cải cách hành chính (PAR Index) của đơn vị." in paras
    assert "[bookmark" not in text
    assert "2" not in paras
    # a data table: one line per row, each value labelled with its column header
    i_table = paras.index("Chỉ tiêu: Hồ sơ đúng hạn; Tỷ lệ: 100%")
    assert paras.index("II. TỔ CHỨC THỰC HIỆN") > i_table


def test_docx_corrupt_and_zip_bomb(tmp_path):
    not_zip = tmp_path / "fake.docx"
    not_zip.write_bytes(b"PK\x03\x04 this is not really a zip archive" * 10)
    with pytest.raises(DocumentError, match="corrupt docx"):
        load_text(not_zip)

    no_doc = tmp_path / "nodoc.docx"
    with zipfile.ZipFile(no_doc, "w") as zf:
        zf.writestr("hello.txt", "xin chào")
    with pytest.raises(DocumentError, match="document.xml missing"):
        load_text(no_doc)

    bomb = tmp_path / "bomb.docx"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", b"\0" * (40 * 2**20))
    assert bomb.stat().st_size < 2**20
    with pytest.raises(DocumentError, match="zip bomb"):
        load_text(bomb)


# ------------------------------------------------------------------ pdf


def _minimal_pdf(lines: list[str]) -> bytes:
    """A valid one-page PDF with Helvetica text lines (WinAnsi, ASCII text)."""
    content = "BT /F1 12 Tf 72 720 Td 14 TL\n"
    for ln in lines:
        esc = ln.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        content += f"({esc}) Tj T*\n"
    content += "ET\n"
    objs = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        "/Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(content.encode('latin-1'))} >>\nstream\n{content}endstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for i, o in enumerate(objs, 1):
        offsets.append(out.tell())
        out.write(f"{i} 0 obj\n{o}\nendobj\n".encode("latin-1"))
    xref = out.tell()
    out.write(f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode())
    for off in offsets:
        out.write(f"{off:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objs) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def test_pdf_text_layer_and_rewrap(tmp_path):
    p = tmp_path / "plan.pdf"
    p.write_bytes(
        _minimal_pdf(
            [
                "KE HOACH",
                "I. MUC TIEU",
                "1. Tap trung xay dung, trien khai hieu qua Ke hoach cai cach hanh chinh nam 2024 gan voi",
                "cac noi dung cua Chuong trinh tong the giai doan 2021 - 2030.",
                "2. Nang cao Chi so PAR Index.",
            ]
        )
    )
    text, fmt = load_text(p)
    assert fmt == "pdf"
    paras = text.split("\n\n")
    assert paras[0] == "KE HOACH"
    assert "I. MUC TIEU" in paras
    assert (
        "1. Tap trung xay dung, trien khai hieu qua Ke hoach cai cach hanh chinh nam 2024 gan voi "
        "cac noi dung cua Chuong trinh tong the giai doan 2021 - 2030."
    ) in paras
    assert paras[-1] == "2. Nang cao Chi so PAR Index."


def test_pdf_corrupt(tmp_path):
    p = tmp_path / "broken.pdf"
    p.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> garbage without xref")
    with pytest.raises(DocumentError, match="pdf"):
        load_text(p)


# ------------------------------------------------------------------ bad input


def test_error_cases(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    with pytest.raises(DocumentError, match="empty file"):
        load_text(empty)

    blank = tmp_path / "blank.txt"
    blank.write_text(" \n\n\t \n", encoding="utf-8")
    with pytest.raises(DocumentError, match="empty"):
        load_text(blank)

    binary = tmp_path / "image.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    with pytest.raises(DocumentError, match="binary"):
        load_text(binary)

    rnd = random.Random(7)
    noise = tmp_path / "noise.txt"
    noise.write_bytes(bytes(rnd.randrange(1, 256) for _ in range(5000)))
    with pytest.raises(DocumentError, match="undecodable|binary"):
        load_text(noise)

    exe = tmp_path / "setup.exe"
    exe.write_bytes(b"MZ\x90\x00")
    with pytest.raises(DocumentError, match="unsupported file type"):
        load_text(exe)
    with pytest.raises(DocumentError, match="unsupported"):
        load_text(tmp_path / "old.doc")

    big = tmp_path / "big.txt"
    big.write_text("Kế hoạch cải cách hành chính. " * 5000, encoding="utf-8")
    with pytest.raises(DocumentError, match="too large"):
        load_text(big, max_bytes=10_000)

    with pytest.raises(DocumentError, match="not found"):
        load_text(tmp_path / "missing.txt")


def test_error_message_is_one_line_with_path(tmp_path):
    p = tmp_path / "empty.md"
    p.write_bytes(b"")
    with pytest.raises(DocumentError) as ei:
        load_text(p)
    msg = str(ei.value)
    assert "\n" not in msg and str(p) in msg
    assert ei.value.reason == "empty file"
    assert ".txt" in SUPPORTED_SUFFIXES and ".docx" in SUPPORTED_SUFFIXES


# ------------------------------------------------------------------ crawled Markdown, HTML, scanned PDF

# The opening of a real crawled 2025 document (library file cf07a5ebd65d1318.md, Công văn
# 5470/CT-CS of Cục Thuế), copied verbatim: portal info table, header cells between "|"
# lines, bold/italic markers, header lines broken by the crawl.
CRAWLED_MD = """|
|
Bản dịch này thuộc quyền sở hữu của **
THƯ VIỆN PHÁP LUẬT**. Mọi hành vi sao chép, đăng tải lại mà không có sự đồng ý của **
THƯ VIỆN PHÁP LUẬT** là vi phạm pháp luật về Sở hữu trí tuệ.
|
|
Đang tải văn bản...
#
**Số hiệu:**
|
5470/CT-CS
|
|
**Tình trạng:**
|
Đã biết
|
|
BỘ TÀI CHÍNH
**CỤC THUẾ**
-------
|
**CỘNG HÒA XÃ HỘI
CHỦ NGHĨA VIỆT NAM**
Độc lập - Tự do - Hạnh phúc
---------------
|
|
Số: 5470/CT-CS
*V/v chính sách thuế GTGT*
|
*Hà Nội, ngày 24
tháng 11 năm 2025*
|
**Kính gửi: **Công ty TNHH CORNERSTONE VINA.
(Lô D1, D2, KCN Đình Trám, Phường Nếnh, tỉnh Bắc Ninh)
"""


def test_markdown_crawled_header(tmp_path):
    from corpus.metadata import extract_metadata

    p = tmp_path / "cong-van.md"
    p.write_text(CRAWLED_MD, encoding="utf-8")
    text, fmt = load_text(p)
    assert fmt == "md"
    paras = text.split("\n\n")
    # the portal's notice and info table are not part of the văn bản
    assert paras[0] == "BỘ TÀI CHÍNH" and "THƯ VIỆN PHÁP LUẬT" not in text and "Tình trạng" not in text
    # crawl line breaks joined, table pipes and emphasis markers gone
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in paras
    assert "Hà Nội, ngày 24 tháng 11 năm 2025" in paras
    assert "V/v chính sách thuế GTGT" in paras
    assert "|" not in text and "*" not in text
    m = extract_metadata(text, "x")
    assert (m.number, m.doc_type, m.issuer, m.governing_body) == ("5470/CT-CS", "Công văn", "Cục Thuế", "Bộ Tài chính")
    assert (m.date, m.place, m.title) == ("2025-11-24", "Hà Nội", "Chính sách thuế GTGT")


def test_markdown_plan_with_table_and_emphasis(tmp_path):
    body = HUONG_SEN.read_text(encoding="utf-8").split("\n")
    i = next(k for k, ln in enumerate(body) if ln.startswith("Thực hiện công tác cải cách thủ tục"))
    md = "\n".join(["# **KẾ HOẠCH**", "", "*" + body[i].strip() + "*", "",
                    "| Chỉ tiêu | Tỷ lệ |", "|---|---|", "| Hồ sơ đúng hạn | **100%** |", "", *body[i + 1 : i + 12]])
    p = tmp_path / "plan.md"
    p.write_text(md, encoding="utf-8")
    text, _ = load_text(p)
    paras = text.split("\n\n")
    assert paras[0] == "KẾ HOẠCH" and paras[1] == body[i].strip()
    assert "Hồ sơ đúng hạn" in paras and "100%" in paras and "---" not in text


def test_html_portal_page_main_text(tmp_path):
    pytest.importorskip("trafilatura")
    nd61 = ND61_TEXT()
    paras = [p for p in nd61.split("\n") if p.strip()][3:40]
    html = (
        "<html><head><meta charset='utf-8'><title>Nghị định 61/2018/NĐ-CP</title></head><body>"
        "<nav><a href='/'>Trang chủ</a> | <a href='/vb'>Văn bản pháp luật</a> | <a href='/lh'>Liên hệ</a></nav>"
        "<div class='menu'><ul><li>Đăng nhập</li><li>Đăng ký thành viên</li></ul></div>"
        "<article><h1>NGHỊ ĐỊNH</h1>" + "".join(f"<p>{x}</p>" for x in paras) + "</article>"
        "<footer><p>Bản quyền © Cổng thông tin văn bản. Mọi hành vi sao chép đều vi phạm.</p></footer>"
        "</body></html>"
    )
    p = tmp_path / "nd-61.html"
    p.write_text(html, encoding="utf-8")
    text, fmt = load_text(p)
    assert fmt == "html"
    assert "Đăng ký thành viên" not in text and "Bản quyền" not in text
    for x in (paras[5], paras[20], paras[-1]):
        assert x.strip() in text
    bad = tmp_path / "empty.htm"
    bad.write_text("<html><body><nav>Trang chủ</nav></body></html>", encoding="utf-8")
    with pytest.raises(DocumentError, match="html"):
        load_text(bad)


def ND61_TEXT() -> str:
    return (DECREES / "nd-61-2018-nd-cp.txt").read_text(encoding="utf-8")


def _render_scan(src: Path, out: Path, n_lines: int = 22) -> None:
    """Render the first lines of a bundled plan onto an A4 page at 300 dpi and save it
    as an image-only PDF (no text layer), as a scanner would."""
    import textwrap

    from PIL import Image, ImageDraw, ImageFont

    font_path = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    if not font_path.exists():
        pytest.skip("no DejaVuSans font (Debian fonts-dejavu-core) to render Vietnamese text")
    font = ImageFont.truetype(str(font_path), 30)
    img = Image.new("L", (2480, 3508), 255)
    draw = ImageDraw.Draw(img)
    y = 150
    for line in [ln for ln in src.read_text(encoding="utf-8").splitlines() if ln.strip()][:n_lines]:
        for part in textwrap.wrap(line, 120):
            draw.text((150, y), part, font=font, fill=0)
            y += 45
        y += 15
    img.save(out, "PDF", resolution=300)


def test_scanned_pdf_is_read_by_ocr(tmp_path):
    from corpus.loaders import tesseract_available
    from corpus.pipeline import parse_file

    why = tesseract_available()
    if why:
        pytest.skip(f"OCR not available here: {why}")
    pytest.importorskip("PIL")
    scan = tmp_path / "scan.pdf"
    _render_scan(HUONG_SEN, scan)
    from pypdf import PdfReader

    assert not "".join(pg.extract_text() or "" for pg in PdfReader(str(scan)).pages).strip()  # no text layer
    text, fmt = load_text(scan)
    assert fmt == "pdf"
    f = fold(text)
    for phrase in ("ke hoach", "thuc hien cong tac cai cach thu tuc hanh chinh nam 2024", "truong mam non huong sen",
                   "182/kh-ubnd"):
        assert phrase in f, phrase
    d = parse_file(scan)
    assert (d.meta.number, d.meta.date, d.meta.issuer) == ("26/KH-MNHgS", "2024-02-26", "Trường Mầm non Hương Sen")


def test_scanned_pdf_without_ocr_gets_one_line_reason(tmp_path, monkeypatch):
    import corpus.loaders as loaders

    pytest.importorskip("PIL")
    scan = tmp_path / "scan.pdf"
    _render_scan(HUONG_SEN, scan, n_lines=3)
    monkeypatch.setattr(loaders, "tesseract_available", lambda: "tesseract not installed")
    with pytest.raises(DocumentError) as e:
        load_text(scan)
    assert "no text layer" in str(e.value) and "tesseract not installed" in str(e.value)
    assert "\n" not in str(e.value)


# The end of a real crawled 2025 document (library file 020bddd030400bd2.md, Quyết định
# 84/2025/QĐ-UBND of UBND tỉnh Hà Tĩnh), copied verbatim in four pieces: its header, Điều 1 to
# the signature, then the portal's page: its restated title, the note on the English version, the
# "Văn bản liên quan" list, the comparison help, the attached-file box, and its data-protection
# notice (which states "hiệu lực từ ngày 01/07/2023" of another decree).
CRAWLED_MD_END = """|
**ỦY BAN NHÂN
DÂN **
TỈNH HÀ TĨNH
--------
|
**CỘNG HÒA XÃ
HỘI CHỦ NGHĨA VIỆT NAM**
Độc lập - Tự do - Hạnh phúc
---------------
|
|
Số:
84/2025/QĐ-UBND
|
*Hà Tĩnh, ngày
02 tháng 12 năm 2025*
|
**QUYẾT ĐỊNH**
BÃI BỎ TOÀN BỘ
QUYẾT ĐỊNH SỐ 10/2016/QĐ-UBND NGÀY 21/3/2016 CỦA ỦY BAN NHÂN DÂN TỈNH BAN HÀNH
QUY ĐỊNH CHỨC NĂNG, NHIỆM VỤ, QUYỀN HẠN VÀ CƠ CẤU TỔ CHỨC CỦA SỞ NGOẠI VỤ VÀ
QUYẾT ĐỊNH SỐ 14/2022/QĐ-UBND NGÀY 15/6/2022 CỦA ỦY BAN NHÂN DÂN TỈNH VỀ SỬA
ĐỔI, BỔ SUNG QUYẾT ĐỊNH SỐ 10/2016/QĐ-UBND NGÀY 21/3/2016 CỦA ỦY BAN NHÂN DÂN
TỈNH
*Căn cứ Luật Tổ chức chính quyền địa phương
Bãi bỏ toàn bộ Quyết định số 10/2016/QĐ-UBND
ngày 21/3/2016 của Ủy ban nhân dân tỉnh ban hành Quy định chức năng, nhiệm vụ,
quyền hạn và cơ cấu tổ chức của Sở Ngoại vụ và Quyết định số 14/2022/QĐ-UBND
ngày 15/6/2022 của Ủy ban nhân dân tỉnh về sửa đổi, bổ sung Quyết định số
10/2016/QĐ-UBND ngày 21/3/2016 của Ủy ban nhân dân tỉnh.
**Điều 2. Điều khoản thi hành**
1. Quyết định này có hiệu lực kể từ ngày ban
hành.
2. Chánh Văn phòng Ủy ban nhân dân tỉnh; Giám
đốc Sở Ngoại vụ; Giám đốc các sở, Thủ trưởng các ban, ngành cấp tỉnh; Chủ tịch
Ủy ban nhân dân các xã, phường và các tổ chức, cá nhân có liên quan chịu trách
nhiệm thi hành Quyết định này./.
|
* *
*Nơi nhận:*
- Như Điều 2;
- Bộ Ngoại giao;
- Cổng TTĐT Chính phủ;
- Cục Kiểm tra văn bản và Quản lý xử lý vi phạm hành chính - Bộ Tư pháp;
- Chủ tịch, các PCT UBND tỉnh;
- Đoàn ĐBQH tỉnh;
- Ban Tổ chức Tỉnh ủy;
- Các Ban HĐND tỉnh;
- Các PCVP UBND tỉnh;
- Trung tâm CB-TH tỉnh;
- Cổng TTĐT tỉnh;
- Lưu: VT, NC2.
|
**TM. ỦY BAN
NHÂN DÂN **
KT. CHỦ TỊCH
PHÓ CHỦ TỊCH
**Trần Báu Hà**
|
Quyết định 84/2025/QĐ-UBND bãi bỏ toàn bộ Quyết định 10/2016/QĐ-UBND Quy định chức năng, nhiệm vụ, quyền hạn và cơ cấu tổ chức của Sở Ngoại vụ tỉnh Hà Tĩnh và Quyết định 14/2022/QĐ-UBND sửa đổi Quyết định 10/2016/QĐ-UBND
Văn bản này chưa cập nhật nội dung Tiếng Anh
Quyết định 84/2025/QĐ-UBND ngày 02/12/2025 bãi bỏ toàn bộ Quyết định 10/2016/QĐ-UBND Quy định chức năng, nhiệm vụ, quyền hạn và cơ cấu tổ chức của Sở Ngoại vụ tỉnh Hà Tĩnh và Quyết định 14/2022/QĐ-UBND sửa đổi Quyết định 10/2016/QĐ-UBND
## Văn bản liên quan
Ban hành:
18/11/2025
Hiệu lực: Đã biết
Tình trạng: Đã biết
Cập nhật:
27/11/2025
**Click trái** để xem cụ thể từng nội dung cần so sánh
và cố định bảng so sánh.
**Click phải** để xem những nội dung sửa đổi, bổ sung.
**Double click **để xem tất cả nội dung không có thay
thế tương ứng.
**Tắt so sánh [X] **để
trở về trạng thái rà chuột ban đầu.
**FILE ĐƯỢC ĐÍNH KÈM THEO VĂN BẢN**
Chúng tôi cam kết dịch vụ sẽ được cung ứng bình thường trong mọi tình huống.
**THÔNG BÁO **
**về Lưu trữ, Sử dụng Thông tin Khách hàng**
**Kính gửi:** Quý Thành viên,
Nghị định 13/2023/NĐ-CP về Bảo vệ dữ liệu cá nhân (hiệu lực từ ngày 01/07/2023) yêu cầu xác nhận sự đồng ý của thành viên khi thu thập, lưu trữ, sử dụng thông tin mà quý khách đã cung cấp trong quá trình đăng ký, sử dụng sản phẩm, dịch vụ của **THƯ VIỆN PHÁP LUẬT**.
Quý Thành viên xác nhận giúp **THƯ VIỆN PHÁP LUẬT** được tiếp tục lưu trữ, sử dụng những thông tin mà Quý Thành viên đã, đang và sẽ cung cấp khi tiếp tục sử dụng dịch vụ.
"""


def test_markdown_portal_tail_cut(tmp_path):
    from corpus.metadata import extract_metadata
    from corpus.pipeline import parse_file

    p = tmp_path / "quyet-dinh.md"
    p.write_text(CRAWLED_MD_END, encoding="utf-8")
    text, _ = load_text(p)
    # the văn bản ends with its signer; nothing of the portal's page is left
    assert text.rstrip().endswith("Trần Báu Hà")
    for portal in ("Văn bản này chưa cập nhật", "Văn bản liên quan", "Click trái", "FILE ĐƯỢC ĐÍNH KÈM",
                   "THƯ VIỆN PHÁP LUẬT", "Quyết định 84/2025/QĐ-UBND bãi bỏ"):
        assert portal not in text
    assert "Lưu: VT, NC2." in text and "Điều 2. Điều khoản thi hành" in text
    # the portal's notice no longer gives the văn bản a hiệu lực of another decree
    m = extract_metadata(text, "x")
    assert (m.number, m.date, m.effective) == ("84/2025/QĐ-UBND", "2025-12-02", None)
    last = parse_file(p).chunks[-1]
    assert "Đã biết" not in last.text and "Quý Thành viên" not in last.text


def test_markdown_portal_tail_rules(tmp_path):
    """What comes after the signature stays unless it is the portal's: a Phụ lục table with
    a "Ghi chú" column, a footnote the crawl glued to the portal's title, then a tab menu."""
    md = "\n".join([
        "**CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM**", "|", "**KẾ HOẠCH**", "Triển khai công tác văn thư năm 2026",
        "1. Các phòng thực hiện đúng quy định.", "|", "*Nơi nhận:*", "- Như trên;", "- Lưu: VT.", "|",
        "**KT. CHỦ TỊCH**", "PHÓ CHỦ TỊCH", "**Nguyễn Văn An**", "|", "**PHỤ LỤC**", "|",
        "| STT | Nhiệm vụ | Ghi chú |", "|---|---|---|", "| 1 | Lưu trữ hồ sơ | Hằng quý |", "",
        "[1] Theo Nghị định số 30/2020/NĐ-CP. Kế hoạch 12/KH-UBND năm 2026 về công tác văn thư "
        "Văn bản này chưa cập nhật nội dung Tiếng Anh",
        "Tóm tắt", "Tiếng Anh", "Tải về", "Lưu trữ", "Ghi chú",
    ])
    p = tmp_path / "ke-hoach.md"
    p.write_text(md, encoding="utf-8")
    text, _ = load_text(p)
    paras = text.split("\n\n")
    assert "Ghi chú" in paras and "Lưu trữ hồ sơ" in paras and "Nguyễn Văn An" in paras
    assert paras[-1] == "[1] Theo Nghị định số 30/2020/NĐ-CP."
    assert "Tải về" not in text and "Kế hoạch 12/KH-UBND năm 2026" not in text
    # without the portal's note or menu, the same tail is the văn bản's and stays
    p.write_text(md.split("[1]")[0] + "[1] Theo Nghị định số 30/2020/NĐ-CP.", encoding="utf-8")
    assert load_text(p)[0].split("\n\n")[-1] == "[1] Theo Nghị định số 30/2020/NĐ-CP."


def test_english_translation_is_not_ocr_damaged():
    """A portal page of an English translation (few diacritics) under its Vietnamese header is
    not OCR output: only words that can be Vietnamese syllables count."""
    from corpus.legal_refs import fold
    from corpus.textnorm import is_ocr_damaged

    english = ("Article 6. Entry into force. This Circular enters into force from January 05, 2026 and replaces "
               "the Circular No. 01/2021/TT-BTC dated January 07, 2021 of the Minister of Finance. ") * 4
    header = "BỘ TÀI CHÍNH CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc Số: 110/2025/TT-BTC Hà Nội, ngày 19 tháng 11 năm 2025 "
    assert not is_ocr_damaged(header + english)
    ocr = fold(header + "Thực hiện Kế hoạch số 1905/KH-UBND ngày 10 tháng 5 năm 2023 của Ủy ban nhân dân "
                        "về cải cách hành chính, các phòng ban thực hiện đúng quy định. " * 4, keep_case=True)
    assert is_ocr_damaged(ocr)
