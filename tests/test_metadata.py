"""corpus.metadata on every bundled document: values read by hand from the files."""

from __future__ import annotations

import pytest

from corpus.loaders import load_text
from corpus.legal_refs import canonical_number
from corpus.dates import parse_vn_date
from corpus.metadata import extract_metadata, short_title
from corpus.pipeline import bundled_dir, parse_file
from corpus.textnorm import fold

PLANS = bundled_dir() / "plans"
DECREES = bundled_dir() / "decrees"


def meta_of(rel: str):
    path = bundled_dir() / rel
    text, _ = load_text(path)
    return extract_metadata(text, path.stem, str(path))


def test_huong_sen():
    m = meta_of("plans/2024-mn-huong-sen-go-vap-cai-cach-tthc.txt")
    assert m.kind == "plan"
    assert m.doc_type == "Kế hoạch"
    assert m.number == "26/KH-MNHgS"
    assert m.date == "2024-02-26"
    assert m.year == 2024
    assert m.unit == "Trường Mầm non Hương Sen"
    assert m.issuer == "Trường Mầm non Hương Sen"
    assert m.district == "Quận Gò Vấp"
    assert m.title == "Thực hiện công tác cải cách thủ tục hành chính năm 2024"
    assert m.effective is None and m.source is None
    assert short_title(m) == "Kế hoạch 26/KH-MNHgS Trường Mầm non Hương Sen 2024"


def test_ben_thanh_without_header():
    m = meta_of("plans/2024-mn-ben-thanh-q1-cchc.txt")
    assert m.doc_type == "Kế hoạch"
    assert m.number is None  # the file has no "Số:" line
    assert m.date is None  # nor a place-and-date line
    assert m.title == "Thực hiện công tác cải cách hành chính năm 2024"
    assert m.unit == "Trường Mầm non Bến Thành"
    assert m.district == "Quận 1"
    assert m.year == 2024
    assert short_title(m) == "Kế hoạch Trường Mầm non Bến Thành 2024"


def test_hoa_phuong_without_header():
    m = meta_of("plans/2023-mn-hoa-phuong-q8-cchc.txt")
    assert m.number is None and m.date is None
    assert m.unit == "Trường Mầm non Hoa Phượng"
    assert m.district == "Quận 8"
    assert m.year == 2023
    assert m.title == "Thực hiện công tác cải cách hành chính năm 2023"
    assert m.kind == "plan"


def test_tuoi_hong_ocr_header_tolerated():
    # raw OCR: "$6:5b /KKH-MNTH Quan 1, ngay 3 thang 5 nam 2023"
    m = meta_of("plans/2023-mn-tuoi-hong-q1-par-index.txt")
    assert m.number == "56/KH-MNTH"
    assert m.date == "2023-05-03"
    assert m.year == 2023
    assert m.district == "Quận 1"
    assert m.doc_type == "Kế hoạch"
    assert fold(m.unit).startswith("truong mam non tu")


def test_hoa_binh_ocr_header_tolerated():
    # raw OCR: "S6: 32/KH-HB Quan 1, ngay 27 thdang 5 nam 2024" and "KIE HOACH"
    m = meta_of("plans/2024-th-hoa-binh-q1-papi.txt")
    assert m.number == "32/KH-HB"
    assert m.date == "2024-05-27"
    assert m.year == 2024
    assert m.district == "Quận 1"
    assert m.doc_type == "Kế hoạch"
    assert fold(m.unit) == "truong tieu hoc hoa binh"
    assert "(PAPI)" in m.title


def test_ocr_plans_through_pipeline_use_repaired_header():
    d = parse_file(PLANS / "2024-th-hoa-binh-q1-papi.txt")
    assert d.meta.ocr_damaged is True
    assert d.meta.number == "32/KH-HB"
    assert d.meta.date == "2024-05-27"
    assert fold(d.meta.unit) == "truong tieu hoc hoa binh"
    d2 = parse_file(PLANS / "2023-mn-tuoi-hong-q1-par-index.txt")
    assert d2.meta.ocr_damaged is True
    assert d2.meta.number == "56/KH-MNTH"
    assert d2.meta.date == "2023-05-03"
    # clean documents are not flagged
    assert parse_file(PLANS / "2024-mn-ben-thanh-q1-cchc.txt").meta.ocr_damaged is False


@pytest.mark.parametrize(
    "rel, doc_type, number, issuer, date, effective, title_start",
    [
        (
            "decrees/nd-60-2021-nd-cp.txt",
            "Nghị định",
            "60/2021/NĐ-CP",
            "Chính phủ",
            "2021-06-21",
            "2021-08-15",
            "Quy định cơ chế tự chủ tài chính của đơn vị sự nghiệp công lập",
        ),
        (
            "decrees/nd-61-2018-nd-cp.txt",
            "Nghị định",
            "61/2018/NĐ-CP",
            "Chính phủ",
            "2018-04-23",
            "2018-06-21",
            "Về thực hiện cơ chế một cửa, một cửa liên thông",
        ),
        (
            "decrees/nd-106-2020-nd-cp.txt",
            "Nghị định",
            "106/2020/NĐ-CP",
            "Chính phủ",
            "2020-09-10",
            "2020-11-15",  # from "có hiệu lực thi hành kể từ ngày 15/11/2020" (no "(hiệu lực …)" on the title)
            "Về vị trí việc làm và số lượng người làm việc",
        ),
        (
            "decrees/nd-120-2020-nd-cp.txt",
            "Nghị định",
            "120/2020/NĐ-CP",
            "Chính phủ",
            "2020-10-07",
            "2020-11-08",
            "Quy định về thành lập, tổ chức lại, giải thể",
        ),
        (
            "decrees/tt-01-2018-tt-vpcp.txt",
            "Thông tư",
            "01/2018/TT-VPCP",
            "Văn phòng Chính phủ",
            "2018-11-23",
            "2019-01-06",
            "Hướng dẫn thi hành một số quy định của Nghị định số 61/2018/NĐ-CP",
        ),
    ],
)
def test_legal_documents(rel, doc_type, number, issuer, date, effective, title_start):
    m = meta_of(rel)
    assert m.kind == "legal"
    assert m.doc_type == doc_type
    assert m.number == number
    assert m.issuer == issuer
    assert m.date == date
    assert m.effective == effective
    assert m.year == int(date[:4])
    assert m.title.startswith(title_start)
    assert "hiệu lực" not in m.title
    assert m.source.startswith("https://github.com/diepxuan/diepxuan.github.io/blob/")
    assert m.unit is None and m.district is None
    assert short_title(m) == f"{doc_type} {number}"


def test_canonical_number_and_dates():
    assert canonical_number("60/2021/ND-CP") == "60/2021/NĐ-CP"
    assert canonical_number("32 / KH-HB") == "32/KH-HB"
    assert canonical_number("5b /KKH-MNTH", ocr=True) == "56/KH-MNTH"
    assert canonical_number("26/KH-MNHgS") == "26/KH-MNHgS"
    assert canonical_number("41/2011/QD-UBND") == "41/2011/QĐ-UBND"
    assert parse_vn_date("26", "02", "2024") == "2024-02-26"
    assert parse_vn_date(31, 2, 2024) is None


def test_generic_header_text():
    text = (
        "UBND HUYỆN CỦ CHI\n\nTRƯỜNG TIỂU HỌC AN NHƠN TÂY\n\nSố: 15/KH-THANT Củ Chi, ngày 5 tháng 3 năm 2024\n\n"
        "KẾ HOẠCH\n\nCải cách hành chính năm 2024\n\nCăn cứ Kế hoạch số 12/KH-UBND ngày 10/01/2024 của "
        "Ủy ban nhân dân huyện Củ Chi;\n\nI. MỤC TIÊU\n\n1. Nâng cao chỉ số hài lòng."
    )
    m = extract_metadata(text, "x")
    assert m.number == "15/KH-THANT"
    assert m.date == "2024-03-05"
    assert m.unit == "Trường Tiểu học An Nhơn Tây"
    assert m.district == "Huyện Củ Chi"
    assert m.title == "Cải cách hành chính năm 2024"
    assert m.kind == "plan" and m.year == 2024


def test_nothing_to_read():
    m = extract_metadata("Một đoạn văn bản không có tiêu đề.", "loose")
    assert m.number is None and m.date is None and m.unit is None
    assert short_title(m) == "Kế hoạch loose"


# ------------------------------------------------------------------ documents in force in 2026


def test_nd30_docx_header_table():
    """The header block of the real DOCX is a table: CHÍNH PHỦ / Số: 30/2020/NĐ-CP | Quốc hiệu / Hà Nội, ngày …"""
    m = meta_of("decrees/nd-30-2020-nd-cp.docx")
    assert (m.kind, m.doc_type, m.number, m.issuer) == ("legal", "Nghị định", "30/2020/NĐ-CP", "Chính phủ")
    assert (m.date, m.place, m.title) == ("2020-03-05", "Hà Nội", "Về công tác văn thư")
    assert m.effective == "2020-03-05"  # Điều 37: "Nghị định này có hiệu lực thi hành kể từ ngày ký"
    assert short_title(m) == "Nghị định 30/2020/NĐ-CP"


def test_nd30_appendix_is_part_of_the_decree():
    m = meta_of("decrees/nd-30-2020-nd-cp-phu-luc-i.docx")
    assert (m.doc_type, m.appendix, m.parent_type, m.kind) == ("Phụ lục", "Phụ lục I", "Nghị định", "legal")
    assert (m.number, m.issuer, m.date) == ("30/2020/NĐ-CP", "Chính phủ", "2020-03-05")
    assert m.title == "Phụ lục I: Thể thức, kỹ thuật trình bày văn bản hành chính và bản sao văn bản"
    assert short_title(m) == "Phụ lục I Nghị định 30/2020/NĐ-CP"
    # its tables are searchable text, one line per row with the column headers
    text, _ = load_text(DECREES / "nd-30-2020-nd-cp-phu-luc-i.docx")
    row = next(p for p in text.split("\n\n") if "- Quốc hiệu;" in p)
    assert "Loại chữ: In hoa" in row and "Cỡ chữ: 12 - 13" in row and "Kiểu chữ: Đứng, đậm" in row


@pytest.mark.parametrize(
    "rel, number, title_start",
    [
        ("guidance/cv-5208-bgddt-gdpt-2026.txt", "5208/BGDĐT-GDPT", "Hướng dẫn thực hiện nhiệm vụ giáo dục phổ thông"),
        ("guidance/cv-5243-bgddt-ngcbqlgd-2026.txt", "5243/BGDĐT-NGCBQLGD", "Hướng dẫn thực hiện công tác quản lý đội ngũ"),
        ("guidance/cv-4054-bgddt-gdpt-2026.txt", "4054/BGDĐT-GDPT", "Về đẩy mạnh sắp xếp mạng lưới"),
    ],
)
def test_guidance_letters(rel, number, title_start):
    m = meta_of(rel)
    assert (m.doc_type, m.number, m.issuer, m.year) == ("Công văn", number, "Bộ Giáo dục và Đào tạo", 2026)
    assert m.date is None  # the text gives the year only ("năm 2026"): no date is made up
    assert m.title.startswith(title_start)


def test_2026_decrees_dates_only_from_their_text():
    tt09 = meta_of("decrees/tt-09-2026-tt-btp.txt")
    # "(Ban hành kèm theo Thông tư số 09/2026/TT-BTP ngày 15 tháng 6 năm 2026 của Bộ trưởng Bộ Tư pháp)"
    assert (tt09.issuer, tt09.date) == ("Bộ Tư pháp", "2026-06-15")
    assert tt09.title == "Quy định chế độ báo cáo về công tác kiểm soát thủ tục hành chính"
    assert tt09.effective == "2026-08-01"
    for rel in ("decrees/nd-118-2025-nd-cp.txt", "decrees/nd-299-2026-nd-cp.txt"):
        m = meta_of(rel)  # header block (ngày ký) not in the source text: date stays unknown
        assert m.date is None and m.issuer == "Chính phủ" and m.effective
        assert m.year == int(m.number.split("/")[1])  # the year in the số hiệu


def test_district_needs_the_word_quan_not_co_quan():
    text = ("UBND PHƯỜNG BẾN THÀNH\n\nTRƯỜNG MẦM NON BÔNG SEN\n\nKẾ HOẠCH\n\nCải cách hành chính năm 2026\n\n"
            "Các cơ quan Nhà nước phối hợp với Ủy ban nhân dân phường.")
    m = extract_metadata(text, "x")
    assert m.district is None  # "cơ quan Nhà nước" is no "Quận Nhà"
    assert m.governing_body == "UBND phường Bến Thành" and m.unit == "Trường Mầm non Bông Sen"
