"""corpus.structure on the bundled plans and decrees."""

from __future__ import annotations

import pytest

from corpus.loaders import load_text
from corpus.pipeline import bundled_dir, bundled_paths
from corpus.structure import ocr_roman, parse_structure, roman_to_int


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
