"""corpus.legal_refs: the số hiệu grammar, canonical form, typed mentions and fold(), on real strings.

The manifest strings below are copied by hand from ``../shared/library/manifest.tsv``
(số hiệu as published for 2025 documents of ministries and provinces) so that
the test runs without the library; the OCR and corpus strings are lines of the
bundled corpus (asserted to be there).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from corpus import textnorm
from corpus.legal_refs import (
    canonical_number,
    doc_type_from_name,
    doc_type_of_number,
    find_numbers,
    find_references,
    fold,
    number_key,
    parse_number,
    repair_number_codes,
)

DOCS = Path(__file__).resolve().parent.parent / "corpus" / "documents"

# (số hiệu from the manifest, loại code, cơ quan code, loại văn bản implied by the code)
MANIFEST_NUMBERS = [
    ("2817/QĐ-UBND", "QĐ", "UBND", "Quyết định"),
    ("157/KH-UBND", "KH", "UBND", "Kế hoạch"),
    ("1682/NQ-UBTVQH15", "NQ", "UBTVQH15", "Nghị quyết"),
    ("16/2025/NĐ-CP", "NĐ", "CP", "Nghị định"),
    ("144/2025/QĐ-CTUBND", "QĐ", "CTUBND", "Quyết định"),
    ("20/2025/NQ-HĐND", "NQ", "HĐND", "Nghị quyết"),
    ("109/2025/TT-BTC", "TT", "BTC", "Thông tư"),
    ("217/CĐ-TTg", "CĐ", "TTg", "Công điện"),
    ("57/VBHN-BCT", "VBHN", "BCT", "Văn bản hợp nhất"),
    ("170/QĐ-BCĐNNDL", "QĐ", "BCĐNNDL", "Quyết định"),
    ("624/TB-VPCP", "TB", "VPCP", "Thông báo"),
    ("010/CT-UBND", "CT", "UBND", "Chỉ thị"),
    ("0129/KH-UBND", "KH", "UBND", "Kế hoạch"),
    ("1594/QĐ-TTPVHCC", "QĐ", "TTPVHCC", "Quyết định"),
    ("130/2025/TT-BQP", "TT", "BQP", "Thông tư"),
    # công văn name no loại: số/cơ quan-đơn vị
    ("11554/VPCP-V.I", None, "VPCP-V.I", None),
    ("10989/BNV-TCBC", None, "BNV-TCBC", None),
    ("4085/UBND-ĐT", None, "UBND-ĐT", None),
    ("39712/CHQ-GSQL", None, "CHQ-GSQL", None),
    ("17986/BTC-CT", None, "BTC-CT", None),  # CT here is the đơn vị (Cục Thuế), after the cơ quan
]


@pytest.mark.parametrize("number, type_code, issuer_code, doc_type", MANIFEST_NUMBERS)
def test_manifest_numbers_parse_and_are_canonical(number, type_code, issuer_code, doc_type):
    p = parse_number(number)
    assert p is not None
    assert p.canonical == number == canonical_number(number)
    assert p.issuer_code == issuer_code
    assert doc_type_of_number(number) == doc_type
    assert p.type_code == type_code


def test_manifest_number_parts():
    p = parse_number("1682/NQ-UBTVQH15")
    assert (p.number, p.year, p.codes) == ("1682", None, ("NQ", "UBTVQH15"))
    p = parse_number("16/2025/NĐ-CP")
    assert (p.number, p.year, p.codes) == ("16", 2025, ("NĐ", "CP"))
    # leading zeros are kept in the canonical form, dropped in the comparison key
    assert canonical_number("02124/QĐ-UBND") == "02124/QĐ-UBND"
    assert number_key("02124/QĐ-UBND") == number_key("2124/qđ-ubnd") == "2124/QD-UBND"
    # a truncated manifest entry ("3783/QĐ-") keeps what it has
    assert canonical_number("3783/QĐ-") == "3783/QĐ"


@pytest.mark.parametrize(
    "line, expected",
    [  # "Số:" lines of real 2025 documents in the library, as crawled
        ("Số: 1663/NQ-UBTVQH15 |", ["1663/NQ-UBTVQH15"]),
        ("Số: 144/2025/QĐ-CTUBND", ["144/2025/QĐ-CTUBND"]),
        ("Số: /TTr-TTTV", []),  # a blank form attached to a decision: no số
        ("Số:……./PXL", []),
    ],
)
def test_numbers_in_library_header_lines(line, expected):
    assert [n.canonical for n in find_numbers(line)] == expected


def test_corpus_numbers_and_shapes():
    ben_thanh = (DOCS / "plans/2024-mn-ben-thanh-q1-cchc.txt").read_text(encoding="utf-8")
    found = {n.canonical for n in find_numbers(ben_thanh)}
    for n in ("05-CTr/QU", "175/KH-UBND", "766/QĐ-TTg", "98/2023/QH15", "31-NQ/TW"):
        assert n in found
    p = parse_number("124-KH/TU")
    assert p.party and p.doc_type == "Kế hoạch" and p.issuer_code == "TU"
    assert parse_number("05-CTr/QU").doc_type == "Chương trình"
    assert parse_number("98/2023/QH15").issuer_code == "QH15"
    # separators are kept as written (TT 09/2026 cites the form "01-ĐC/BTP/KSTT")
    tt09 = (DOCS / "decrees/tt-09-2026-tt-btp.txt").read_text(encoding="utf-8")
    assert "01-ĐC/BTP/KSTT" in tt09 and canonical_number("01-ĐC/BTP/KSTT") == "01-ĐC/BTP/KSTT"
    # "08/CT-" + line break + "UBND" (PDF) is one number; dates, ranges and "3/A" are none
    assert [n.canonical for n in find_numbers("Chỉ thị số 08/CT-\nUBND ngày 21/6/2021, giai đoạn 2020-2025, mục 3/A")] \
        == ["08/CT-UBND"]


def test_guidance_letter_without_bar_on_d():
    text = (DOCS / "guidance/cv-5208-bgddt-gdpt-2026.txt").read_text(encoding="utf-8")
    assert "3456/BGDDT-GDPT" in text
    assert "3456/BGDĐT-GDPT" in {n.canonical for n in find_numbers(text)}


def test_ocr_look_alikes():
    tuoi_hong = (DOCS / "plans/2023-mn-tuoi-hong-q1-par-index.txt").read_text(encoding="utf-8")
    hoa_binh = (DOCS / "plans/2024-th-hoa-binh-q1-papi.txt").read_text(encoding="utf-8")
    assert "$6:5b /KKH-MNTH" in tuoi_hong
    assert canonical_number("5b /KKH-MNTH", ocr=True) == "56/KH-MNTH"
    assert canonical_number("5b /KKH-MNTH") == "5b/KKH-MNTH"  # OCR digit rules only for OCR text
    for raw, canon in (("42/2022/NP-CP", "42/2022/NĐ-CP"), ("2844/QDP-UBND", "2844/QĐ-UBND"),
                       ("3813/QP-UBND", "3813/QĐ-UBND")):
        assert raw in hoa_binh
        assert canonical_number(raw) == canon
    assert canonical_number("60/2021/ND-CP") == "60/2021/NĐ-CP"
    assert canonical_number("41/2011/QD-UBND") == "41/2011/QĐ-UBND"
    assert canonical_number("32 / KH-HB") == "32/KH-HB"
    assert canonical_number("187/QĐ- UBND") == "187/QĐ-UBND"
    assert canonical_number("60/2021/nd-cp") == "60/2021/NĐ-CP"
    assert canonical_number("766/QĐ-TTG") == "766/QĐ-TTg"
    # known codes are never changed (CP must not become CĐ under the Đ-confusion)
    assert canonical_number("1228/UBND-NCPC") == "1228/UBND-NCPC"
    assert canonical_number("26/KH-MNHgS") == "26/KH-MNHgS"
    assert repair_number_codes("Nghi dinh s6 60/2021/ND-CP ngay") == "Nghi dinh s6 60/2021/NĐ-CP ngay"
    assert repair_number_codes("08/CT-\n UBND và 1228/UBND-NCPC") == "08/CT-\n UBND và 1228/UBND-NCPC"


@pytest.mark.parametrize(
    "text, doc_type, number, year, so_hieu",
    [
        ("Nghị định 61 quy định gì?", "Nghị định", "61", None, None),
        ("nghi dinh 60/2021 con hieu luc khong", "Nghị định", "60", 2021, None),
        ("NĐ 61/18", "Nghị định", "61", 2018, None),
        ("Thông tư số 01/2018/TT-VPCP", "Thông tư", "01", 2018, "01/2018/TT-VPCP"),
        ("quyết định 766", "Quyết định", "766", None, None),
        ("kế hoạch 175", "Kế hoạch", "175", None, None),
        ("theo 124-KH/TU", "Kế hoạch", "124", None, "124-KH/TU"),
        ("cong van 5208/bgddt-gdpt", "Công văn", "5208", None, "5208/BGDĐT-GDPT"),
    ],
)
def test_typed_mentions(text, doc_type, number, year, so_hieu):
    refs = find_references(text)
    assert len(refs) == 1
    r = refs[0]
    assert (r.doc_type, r.number, r.year, r.so_hieu) == (doc_type, number, year, so_hieu)


def test_typed_mentions_in_corpus_text():
    tt01 = (DOCS / "decrees/tt-01-2018-tt-vpcp.txt").read_text(encoding="utf-8")
    refs = find_references(tt01[:3000])
    assert any(r.doc_type == "Nghị định" and r.so_hieu == "61/2018/NĐ-CP" for r in refs)
    assert find_references("khoản 3 Điều 8 có mấy điểm") == []
    assert find_references("") == [] and find_references(None) == []  # type: ignore[arg-type]


def test_doc_type_names_with_ocr():
    assert doc_type_from_name("KẾ HOẠCH") == "Kế hoạch"
    assert doc_type_from_name("KIE HOACH") == "Kế hoạch"  # OCR of the Hòa Bình plan
    assert doc_type_from_name("nghi  dinh") == "Nghị định"
    assert doc_type_from_name("THÔNG TƯ LIÊN TỊCH") == "Thông tư liên tịch"
    assert doc_type_from_name("CÔNG ĐIỆN") == "Công điện"
    assert doc_type_from_name("Nghị định này có hiệu lực") is None


def test_fold_exact_behaviour():
    s = "Nghị định số 60/2021/NĐ-CP"
    assert fold(s) == "nghi dinh so 60/2021/nd-cp"
    assert len(fold(s)) == len(s)
    assert fold("Độc lập – Tự do", keep_case=True) == "Doc lap – Tu do"
    assert fold("  Nghị   định\nĐẢNG ", squash_spaces=True) == "nghi dinh dang"
    # decomposed input (Word/PDF) is NFC-normalised first
    assert fold("Nghi\u0323 đi\u0323nh") == "nghi dinh"
    # characters that are not Vietnamese letters are kept
    assert fold("Số: 5/KH – 100% ☑") == "so: 5/kh – 100% ☑"
    with pytest.raises(TypeError):
        fold(None)  # type: ignore[arg-type]
    # corpus.textnorm re-exports the same function (one fold for the project)
    assert textnorm.fold is fold
