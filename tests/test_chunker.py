"""corpus.chunker / corpus.pipeline on the bundled corpus."""

from __future__ import annotations

import re
from functools import lru_cache

import pytest

from corpus.chunker import chunk_document
from corpus.loaders import load_text
from corpus.metadata import extract_metadata
from corpus.models import DocumentError
from corpus.pipeline import bundled_dir, bundled_paths, content_hash, parse_file, parse_text
from corpus.structure import parse_structure
from corpus.textnorm import vietnamese_accent_ratio


@lru_cache(maxsize=None)
def parsed(rel: str):
    return parse_file(bundled_dir() / rel)


@pytest.mark.parametrize("path", bundled_paths(), ids=lambda p: p.stem)
def test_chunk_invariants_and_coverage(path):
    doc = parse_file(path)
    assert doc.meta.doc_id == path.stem
    assert doc.meta.content_hash == content_hash(doc.text)
    assert doc.chunks
    tree = parse_structure(doc.text)
    for i, c in enumerate(doc.chunks):
        assert c.chunk_id == f"{path.stem}#{i:04d}"
        assert c.doc_id == path.stem
        assert c.text.strip() and c.text == doc.text[c.start : c.end]
        assert c.section
        assert len(c.text) <= 1200  # max_chars + min_chars
        assert "[pháp điển" not in c.text and "SOURCE:" not in c.text and "NOTE:" not in c.text
        assert c.index_text.endswith(c.text) or doc.meta.ocr_damaged
    # every substantive paragraph is in a passage, or (bare heading lines) in a passage heading
    excluded = {(s, e) for s, e, _ in tree.excluded}
    headings = " ".join(c.heading for c in doc.chunks)
    pos = 0
    for para in doc.text.split("\n\n"):
        start, end = pos, pos + len(para)
        pos = end + 2
        if (start, end) in excluded:
            continue
        covered = any(c.start <= start and end <= c.end for c in doc.chunks) or (
            para in headings or para[:95] in headings
        )
        # a paragraph longer than max_chars is covered by consecutive pieces
        if not covered:
            pieces = sorted((c.start, c.end) for c in doc.chunks if c.end > start and c.start < end)
            reach = start
            for s, e in pieces:
                if s <= reach or not doc.text[reach:s].strip():
                    reach = max(reach, e)
            covered = reach >= end
        assert covered, para[:120]
    # chunks come in document order
    assert [c.start for c in doc.chunks] == sorted(c.start for c in doc.chunks)


def test_ben_thanh_wrapped_sentence_in_one_chunk_and_yoyoschool_under_II():
    doc = parsed("plans/2024-mn-ben-thanh-q1-cchc.txt")
    # source lines: "... năm 2021 của Ủy ban" / "nhân dân Quận 1 về thực hiện chương trình cải cách hành chính ..."
    sent = "Kế hoạch số 175/KH-UBND ngày 28 tháng 5 năm 2021 của Ủy ban nhân dân Quận 1 về thực hiện chương trình"
    assert any(sent in c.text for c in doc.chunks)
    yoyo = [c for c in doc.chunks if "Yoyoschool" in c.text]
    assert yoyo
    assert all(c.section.split(" > ")[0] in ("II",) or c.section.startswith("II ") for c in yoyo)
    assert doc.chunks[0].index_text.startswith("Kế hoạch Trường Mầm non Bến Thành 2024 | Mở đầu")


def test_long_item_split_with_heading_context():
    doc = parsed("plans/2024-mn-ben-thanh-q1-cchc.txt")
    # item 1.5 of III is ~1600 characters: it is cut, the later piece carries the heading path
    pieces = [c for c in doc.chunks if "1.5" in c.section.split(" > ")[-1]]
    assert len(pieces) >= 2
    later = [c for c in pieces if "1.5. Kiểm tra tiến độ" not in c.text]
    assert later and all("1.5. Kiểm tra tiến độ triển khai" in c.heading for c in later)
    assert all(c.heading.startswith("III. NHIỆM VỤ TRỌNG TÂM > 1. Công tác chỉ đạo") for c in later)


def test_nd60_khoan_sections_and_index_text():
    doc = parsed("decrees/nd-60-2021-nd-cp.txt")
    d9 = [c for c in doc.chunks if c.section.startswith("Điều 9 > khoản")]
    assert d9
    for c in d9:
        assert c.heading.startswith("Điều 9. Phân loại mức tự chủ tài chính của đơn vị sự nghiệp công")
        assert c.index_text.startswith(f"Nghị định 60/2021/NĐ-CP | {c.section}\nĐiều 9. Phân loại")
    assert any("đơn vị nhóm 3" in c.text for c in d9)
    # short sibling khoản merged into one passage with a range
    assert any(re.fullmatch(r"Điều \d+ > khoản \d+-\d+", c.section) for c in doc.chunks)
    # effective date and number
    assert doc.meta.number == "60/2021/NĐ-CP" and doc.meta.date == "2021-06-21" and doc.meta.effective == "2021-08-15"


def test_nd61_effective_date():
    doc = parsed("decrees/nd-61-2018-nd-cp.txt")
    assert doc.meta.effective == "2018-06-21"
    assert doc.meta.kind == "legal"


def test_huong_sen_metadata_and_headings_travel_with_children():
    doc = parsed("plans/2024-mn-huong-sen-go-vap-cai-cach-tthc.txt")
    m = doc.meta
    assert (m.number, m.date, m.unit) == ("26/KH-MNHgS", "2024-02-26", "Trường Mầm non Hương Sen")
    assert "Gò Vấp" in m.district
    assert all(c.index_text.startswith("Kế hoạch 26/KH-MNHgS Trường Mầm non Hương Sen 2024") for c in doc.chunks)
    # no passage is a bare heading: "III. TỔ CHỨC THỰC HIỆN" comes with its text
    for c in doc.chunks:
        assert len(c.text) > 80
    bgh = [c for c in doc.chunks if "Ban giám hiệu" in c.section]
    assert bgh and bgh[0].section.startswith("II > 2")


def test_hoa_phuong_heading_with_first_items():
    doc = parsed("plans/2023-mn-hoa-phuong-q8-cchc.txt")
    c = next(c for c in doc.chunks if "3. Cải cách thủ tục hành chính\n" in c.text)
    assert "3.1. Tăng cường trách nhiệm" in c.text
    assert c.section.startswith("III")


def test_ocr_chunks_keep_original_text_and_index_repaired():
    doc = parsed("plans/2024-th-hoa-binh-q1-papi.txt")
    assert doc.meta.ocr_damaged
    c = next(c for c in doc.chunks if "Nhém giai phap cong tac chi dao" in c.text)
    assert c.text == doc.text[c.start : c.end]
    passage_index = c.index_text.split("\n", 1)[1]
    assert vietnamese_accent_ratio(passage_index) > vietnamese_accent_ratio(c.text) + 0.1
    assert c.index_text.startswith("Kế hoạch 32/KH-HB")


def test_smaller_chunks():
    text, _ = load_text(bundled_dir() / "plans/2024-mn-huong-sen-go-vap-cai-cach-tthc.txt")
    meta = extract_metadata(text, "hs")
    chunks = chunk_document(text, meta, parse_structure(text), max_chars=300, min_chars=100)
    assert len(chunks) > 10
    assert all(len(c.text) <= 400 for c in chunks)
    assert all(c.text == text[c.start : c.end] for c in chunks)


def test_parse_text_and_empty():
    doc = parse_text(
        "KẾ HOẠCH\n\nCải cách hành chính năm 2024\n\nI. MỤC TIÊU\n\n1. Nâng cao chỉ số hài lòng của người dân.",
        "mini",
    )
    assert doc.meta.doc_id == "mini" and doc.meta.year == 2024
    assert doc.chunks[0].chunk_id == "mini#0000"
    with pytest.raises(DocumentError):
        parse_text("  \n\n ", "nothing")


def test_corpus_chunk_count():
    total = sum(len(parse_file(p).chunks) for p in bundled_paths())
    assert 800 <= total <= 1400
