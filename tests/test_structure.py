"""corpus.structure on the bundled plans and decrees."""

from __future__ import annotations

import pytest

from corpus.loaders import load_text
from corpus.pipeline import bundled_dir, bundled_paths
from corpus.structure import ocr_roman, parse_structure, roman_to_int
from tests.library_excerpts import QD_2820_CLOSING


def tree_of(rel: str):
    text, _ = load_text(bundled_dir() / rel)
    return text, parse_structure(text)


def top_labels(tree):
    return [n.label for n in tree.root.children]


def test_roman_helpers():
    assert roman_to_int("XIV") == 14
    assert roman_to_int("IIII") is None
    assert ocr_roman("IL") == "II"
    assert ocr_roman("I11") == "III"
    assert ocr_roman("IIL") == "III"
    assert ocr_roman("IV") == "IV"
    assert ocr_roman("Q") is None


def test_hoa_phuong_plan_tree():
    text, tree = tree_of("plans/2023-mn-hoa-phuong-q8-cchc.txt")
    assert tree.mode == "plan"
    assert top_labels(tree) == ["Mở đầu", "I", "II", "III", "IV"]
    n = tree.find("III > 3 > 3.5")
    assert n is not None
    assert n.heading.startswith("3.5. Rà soát, đánh giá, đề xuất cắt giảm, đơn giản hóa thủ tục hành chính")
    parent = tree.find("III > 3")
    assert parent.heading == "3. Cải cách thủ tục hành chính"
    assert [c.label for c in parent.children] == ["3.1", "3.2", "3.3", "3.4", "3.5", "3.6"]
    assert tree.find("III").heading == "III. NHIỆM VỤ TRỌNG TÂM"
    assert text[tree.find("IV").start :].startswith("IV. TỔ CHỨC THỰC HIỆN")


def test_ocr_roman_headings():
    _, tree = tree_of("plans/2023-mn-tuoi-hong-q1-par-index.txt")
    assert top_labels(tree) == ["Mở đầu", "I", "II", "III"]
    assert tree.find("II").heading == "IL. NHIEM VU VA GIAI PHAP"
    assert [c.label for c in tree.find("II").children] == [str(i) for i in range(1, 13)]
    assert tree.find("III").heading.startswith("I11. TO CHUC")
    _, tree2 = tree_of("plans/2024-th-hoa-binh-q1-papi.txt")
    assert top_labels(tree2) == ["Mở đầu", "I", "II", "III", "IV", "V"]


def test_bullet_group_headings():
    _, tree = tree_of("plans/2024-mn-huong-sen-go-vap-cai-cach-tthc.txt")
    groups = tree.find("II > 2").children
    assert [g.label for g in groups] == ["Ban giám hiệu", "Các tổ chuyên môn và văn phòng", "Công đoàn"]
    assert groups[0].heading == "* Ban giám hiệu:"


def test_ben_thanh_sections():
    _, tree = tree_of("plans/2024-mn-ben-thanh-q1-cchc.txt")
    assert top_labels(tree) == ["Mở đầu", "I", "II", "III", "IV", "V"]
    # the plan itself skips item 8 under II
    assert [c.label for c in tree.find("II").children] == ["1", "2", "3", "4", "5", "6", "7", "9"]
    assert "Yoyoschool" in tree.find("II > 3 > 3.5").heading
    assert [c.label for c in tree.find("III > 1").children][-2:] == ["1.10", "1.11"]


def test_decree_tree_and_excluded_lines():
    text, tree = tree_of("decrees/nd-60-2021-nd-cp.txt")
    assert tree.mode == "legal"
    dieu = [n for n in tree.root.children if n.kind == "dieu"]
    assert [n.label for n in dieu] == [f"Điều {i}" for i in range(1, 42)]
    d9 = tree.find("Điều 9")
    assert d9.heading == "Điều 9. Phân loại mức tự chủ tài chính của đơn vị sự nghiệp công"
    assert [c.label for c in d9.children] == ["khoản 1", "khoản 2", "khoản 3", "khoản 4"]
    a = tree.find("Điều 9 > khoản 3 > điểm a")
    assert text[a.start : a.end].startswith("a) Đơn vị tự bảo đảm từ 70% đến dưới 100% chi thường xuyên")
    kinds = [k for _, _, k in tree.excluded]
    assert kinds.count("provenance") == 41
    assert kinds[:3] == ["source", "alt_source", "note"]
    for s, e, k in tree.excluded:
        if k == "provenance":
            assert text[s:e].startswith("[pháp điển:")
    # the title line is the preamble, the provenance lines are in no heading
    assert tree.root.children[0].kind == "preamble"
    assert text[tree.root.children[0].start :].startswith("NGHỊ ĐỊNH số 60/2021/NĐ-CP")
    assert not any(n.heading.startswith("[") for n in tree.nodes())


def test_diem_dd_label():
    _, tree = tree_of("decrees/nd-61-2018-nd-cp.txt")
    labels = {n.path_label() for n in tree.nodes()}
    assert "Điều 5 > khoản 1 > điểm đ" in labels or any(lbl.endswith("điểm đ") for lbl in labels)
    assert tree.find("Điều 41") is not None


@pytest.mark.parametrize("path", bundled_paths(), ids=lambda p: p.stem)
def test_offsets_consistent(path):
    text, _ = load_text(path)
    tree = parse_structure(text)
    for n in tree.nodes():
        assert 0 <= n.start <= n.heading_end <= n.end <= len(text)
        if n.heading:
            assert text[n.start : n.heading_end] == n.heading
        prev_end = n.start
        for c in n.children:
            assert prev_end <= c.start and c.end <= n.end
            prev_end = c.end
    tops = tree.root.children
    assert tops and all(a.end <= b.start for a, b in zip(tops, tops[1:]))


# ------------------------------------------------------------------ attached documents
# A trimmed excerpt of the text of Quyết định 2820/QĐ-UBND (19/11/2025, UBND Thành phố Hồ Chí Minh,
# thuvienphapluat.vn) as ingest reads it: the Quyết định's three Điều, its signature, then the Kế hoạch
# "kèm theo" it (bullets under each item cut to one or two).
QD_2820_EXCERPT = """QUYẾT ĐỊNH

BAN HÀNH KẾ HOẠCH TRIỂN KHAI QUYẾT ĐỊNH SỐ 06/QĐ-TTG NGÀY 02 THÁNG 01 NĂM 2025 CỦA THỦ TƯỚNG CHÍNH PHỦ VÀ QUYẾT ĐỊNH SỐ 3103/QĐ-BTC NGÀY 05 THÁNG 9 NĂM 2025 CỦA BỘ TÀI CHÍNH

ỦY BAN NHÂN DÂN THÀNH PHỐ HỒ CHÍ MINH

""" + QD_2820_CLOSING + """
KẾ HOẠCH

TRIỂN KHAI QUYẾT ĐỊNH SỐ 06/QĐ-TTG NGÀY 02 THÁNG 01 NĂM 2025 CỦA THỦ TƯỚNG CHÍNH PHỦ VÀ QUYẾT ĐỊNH SỐ 3103/QĐ-BTC NGÀY 05 THÁNG 9 NĂM 2025 CỦA BỘ TÀI CHÍNH VỀ ĐỀ ÁN XÂY DỰNG VÀ QUẢN LÝ HỆ THỐNG THÔNG TIN VÀ CƠ SỞ DỮ LIỆU QUỐC GIA VỀ QUY HOẠCH

(Kèm theo Quyết định số 2820/QĐ-UBND ngày 19 tháng 11 năm 2025 của Ủy ban nhân dân Thành phố)

I. MỤC ĐÍCH, YÊU CẦU

1. Mục đích

- Hình thành cơ sở dữ liệu số về quy hoạch phục vụ công tác chỉ đạo, điều hành phát triển kinh tế - xã hội, nâng cao chất lượng dịch vụ công, minh bạch hóa thông tin quy hoạch.

2. Yêu cầu

- Phân công trách nhiệm cụ thể, rõ ràng cho từng sở, ngành, phường, xã, đặc khu, đảm bảo tiến độ và chất lượng.

II. NỘI DUNG THỰC HIỆN

1. Xây dựng hạ tầng công nghệ thông tin

- Đầu tư trang thiết bị, máy chủ, hệ thống lưu trữ, công cụ khai thác dữ liệu; nghiên cứu xây dựng trung tâm dữ liệu dự phòng.

2. Xây dựng phần mềm và cơ sở dữ liệu quy hoạch

- Phối hợp xây dựng phần mềm ứng dụng quản lý, khai thác, chia sẻ dữ liệu quy hoạch.

3. Hoàn thiện thể chế, quy chế phối hợp

- Rà soát, đơn giản hóa thủ tục hành chính liên quan đến quy hoạch.

III. NHIỆM VỤ TRỌNG TÂM

1. Hoàn thiện hạ tầng công nghệ thông tin và phần mềm quản lý dữ liệu quy hoạch.

2. Thu thập, số hóa, chuẩn hóa cơ sở dữ liệu quy hoạch Thành phố và tích hợp vào Hệ thống thông tin quốc gia.
"""


def test_attached_plan_is_its_own_node():
    text = QD_2820_EXCERPT
    tree = parse_structure(text)
    assert tree.mode == "legal"
    kinds = [n.kind for n in tree.root.children]
    assert kinds == ["preamble", "dieu", "dieu", "dieu", "attachment"]
    d3, att = tree.root.children[3], tree.root.children[4]
    title = text.index("KẾ HOẠCH\n\nTRIỂN KHAI")
    # the last Điều ends before the attachment's title; its text is the Điều and the signature only
    assert d3.label == "Điều 3" and d3.end <= title
    assert text[d3.start : d3.end].rstrip().endswith("Nguyễn Lộc Hà")
    assert d3.children == []
    # the attachment: labelled by its tên loại, headed by its title block down to the "(Kèm theo …)" line
    assert att.label == "Kế hoạch kèm theo" and att.mode == "plan"
    assert att.start == title and att.end == len(text.rstrip())
    assert att.heading.startswith("KẾ HOẠCH\n\nTRIỂN KHAI QUYẾT ĐỊNH SỐ 06/QĐ-TTG")
    assert att.heading.endswith("(Kèm theo Quyết định số 2820/QĐ-UBND ngày 19 tháng 11 năm 2025 của Ủy ban nhân dân Thành phố)")
    assert text[att.start : att.heading_end] == att.heading
    assert tree.attachments() == [att]
    # its body is read as a plan: roman headings, decimal items under them
    assert [c.label for c in att.children] == ["I", "II", "III"]
    assert tree.find("Kế hoạch kèm theo > II").heading == "II. NỘI DUNG THỰC HIỆN"
    assert [c.label for c in tree.find("Kế hoạch kèm theo > II").children] == ["1", "2", "3"]
    assert tree.find("Kế hoạch kèm theo > II > 2").heading == "2. Xây dựng phần mềm và cơ sở dữ liệu quy hoạch"
    assert tree.mode_of(tree.find("Kế hoạch kèm theo > I > 1")) == "plan"
    assert tree.mode_of(d3) == "legal"
    # no khoản number repeats in any Điều (before, the plan's items were khoản 1, 2, 1, 2, 3, 1, 2 of Điều 3)
    for d in (n for n in tree.nodes() if n.kind == "dieu"):
        labels = [c.label for c in d.children]
        assert len(labels) == len(set(labels))
    old = parse_structure(text, attachments=False)
    assert [c.label for c in old.find("Điều 3").children] == ["khoản 1", "khoản 2", "khoản 1", "khoản 2", "khoản 3", "khoản 1", "khoản 2"]


def test_attached_plan_chunks_carry_its_section_path():
    from assistant.extractive import node_location
    from corpus.pipeline import parse_text

    doc = parse_text(QD_2820_EXCERPT, "qd-2820-excerpt")
    title = doc.text.index("KẾ HOẠCH\n\nTRIỂN KHAI")
    main = [c for c in doc.chunks if c.start < title]
    att = [c for c in doc.chunks if c.start >= title]
    assert main and att
    assert all(c.end <= title for c in main)  # no passage runs from the Quyết định into the Kế hoạch
    assert all(not c.section.startswith("Kế hoạch") for c in main)
    assert all(c.section.startswith("Kế hoạch kèm theo") for c in att)
    assert any(c.section.startswith("Kế hoạch kèm theo > II") for c in att)
    # a passage inside the plan is headed by the plan's title (one line) and its section heading
    inner = next(c for c in att if c.section.startswith("Kế hoạch kèm theo > II"))
    assert inner.heading.startswith("KẾ HOẠCH TRIỂN KHAI QUYẾT ĐỊNH SỐ 06/QĐ-TTG")
    assert "\n" not in inner.heading
    tree = parse_structure(doc.text)
    node = tree.find("Kế hoạch kèm theo > II > 2")
    assert node_location(node, hit=None) == "Kế hoạch kèm theo, mục II > 2"


def test_attachment_needs_its_kem_theo_line_and_a_main_document():
    # a document that *is* the attached Kế hoạch (its own header says "Kèm theo Quyết định …") has no attachment
    own = QD_2820_EXCERPT[QD_2820_EXCERPT.index("KẾ HOẠCH\n\nTRIỂN KHAI") :]
    tree = parse_structure(own)
    assert tree.attachments() == [] and tree.mode == "plan"
    assert [n.label for n in tree.root.children] == ["Mở đầu", "I", "II", "III"]
    # "Ban hành kèm theo Quyết định này …" inside an Điều is not an attached document's title
    text = "Điều 1.\nBan hành kèm theo Quyết định này Quy chế làm việc.\nĐiều 2. Hiệu lực.\nĐiều 3. Trách nhiệm thi hành.\n"
    assert parse_structure(text).attachments() == []
    # a form's own "(Kèm theo Tờ trình số …)" is not a new attachment
    form = QD_2820_EXCERPT.replace("(Kèm theo Quyết định số 2820/QĐ-UBND", "(Kèm theo Tờ trình số 12/TTr-STC")
    assert parse_structure(form).attachments() == []


def test_thong_tu_phu_luc_is_an_attachment():
    """TT 09/2026/TT-BTP: after Điều 17 comes "PHỤ LỤC / ĐỀ CƯƠNG, BIỂU MẪU SỐ LIỆU BÁO CÁO … / (Ban
    hành kèm theo Thông tư số: 09/2026/TT-BTP …)" — the forms the Thông tư's Điều 12 points to."""
    text, tree = tree_of("decrees/tt-09-2026-tt-btp.txt")
    assert tree.mode == "legal"
    d17 = tree.find("Chương IV > Điều 17")
    pl = tree.attachments()
    assert len(pl) == 1 and pl[0].label == "Phụ lục" and pl[0].mode == "plan"
    assert d17.end <= pl[0].start and text[pl[0].start :].startswith("PHỤ LỤC\n")
    assert [c.label for c in d17.children] == ["khoản 1", "khoản 2", "khoản 3", "khoản 4"]
    assert text[d17.start : d17.end].rstrip().endswith("để nghiên cứu, giải quyết./.")
    assert "(Ban hành kèm theo Thông tư số: 09/2026/TT-BTP" in pl[0].heading
    # the đề cương's roman headings and decimal items are the Phụ lục's own units
    first = pl[0].children[0]
    assert first.label == "I" and first.heading.startswith("I. TÌNH HÌNH, KẾT QUẢ KIỂM SOÁT THỦ TỤC HÀNH CHÍNH")
    assert [c.label for c in first.children][:5] == ["1", "2", "3", "4", "5"]
    assert [c.label for c in tree.find("Phụ lục > I > 4").children] == ["4.1", "4.2"]
    old = parse_structure(text, attachments=False)
    assert len(old.find("Chương IV > Điều 17").children) > 4  # before: the forms' items were khoản of Điều 17
