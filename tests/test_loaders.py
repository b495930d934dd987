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
