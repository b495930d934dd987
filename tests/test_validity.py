"""Validity table, effective dates and validity notes."""

from __future__ import annotations

from pathlib import Path

import pytest

from corpus.validity import effective_from_text, find_validity_statements, load_validity_table, validity_note

DOCS = Path(__file__).resolve().parent.parent / "corpus" / "documents"


def test_load_table():
    t = load_validity_table()
    assert t["61/2018/NĐ-CP"].status == "replaced"
    assert t["61/2018/NĐ-CP"].replaced_or_amended_by == "118/2025/NĐ-CP"
    assert t["61/2018/NĐ-CP"].effective == "2025-07-01"
    assert t["60/2021/NĐ-CP"].status == "partly amended"


def test_load_table_errors(tmp_path):
    with pytest.raises(FileNotFoundError):
        load_validity_table(tmp_path / "none.tsv")
    bad = tmp_path / "bad.tsv"
    bad.write_text("foo\tbar\n1\t2\n", encoding="utf-8")
    with pytest.raises(ValueError):
        load_validity_table(bad)


def test_effective_from_text():
    assert effective_from_text("(Điều 1 ..., có hiệu lực thi hành kể từ ngày 15/11/2020)") == "2020-11-15"
    assert effective_from_text("NGHỊ ĐỊNH số 60/2021/NĐ-CP ... (hiệu lực 15/8/2021)") == "2021-08-15"
    assert effective_from_text("1. Nghị định này có hiệu lực từ ngày 15 tháng 8 năm 2021.") == "2021-08-15"
    assert effective_from_text("không có ngày") is None
    text = (DOCS / "decrees" / "nd-106-2020-nd-cp.txt").read_text(encoding="utf-8")
    assert effective_from_text(text) == "2020-11-15"
    text = (DOCS / "decrees" / "tt-01-2018-tt-vpcp.txt").read_text(encoding="utf-8")
    assert effective_from_text(text) == "2019-01-06"


def test_statements_in_decrees():
    text = (DOCS / "decrees" / "nd-60-2021-nd-cp.txt").read_text(encoding="utf-8")
    st = find_validity_statements(text, "nd-60-2021-nd-cp", "60/2021/NĐ-CP")
    assert len(st) == 1
    assert st[0].kind == "expired" and st[0].article == "Điều 41" and st[0].by == "60/2021/NĐ-CP"
    assert st[0].targets == ["16/2015/NĐ-CP", "54/2016/NĐ-CP", "141/2016/NĐ-CP", "85/2012/NĐ-CP"]
    text = (DOCS / "decrees" / "nd-61-2018-nd-cp.txt").read_text(encoding="utf-8")
    st = find_validity_statements(text, "nd-61-2018-nd-cp", "61/2018/NĐ-CP")
    assert [(s.kind, s.targets, s.article) for s in st] == [("expired", ["09/2015/QĐ-CP"], "Điều 40")]


def test_validity_notes():
    n = validity_note("Nghị định 61")
    assert n.startswith("Nghị định 61/2018/NĐ-CP đã được thay thế bởi Nghị định 118/2025/NĐ-CP (từ 01/07/2025).")
    assert "phapdien.moj.gov.vn" in n
    assert validity_note("nd-61-2018-nd-cp") == n
    n = validity_note("60/2021/ND-CP")
    assert n.startswith("Nghị định 60/2021/NĐ-CP đã được sửa đổi, bổ sung một phần bởi Nghị định 111/2025/NĐ-CP.")
    n = validity_note("09/2015/QĐ-CP")
    assert n == ("Quyết định 09/2015/QĐ-CP đã hết hiệu lực kể từ ngày Nghị định 61/2018/NĐ-CP có hiệu lực "
                 "(21/06/2018), theo Điều 40 Nghị định 61/2018/NĐ-CP.")
    assert "Điều 41 Nghị định 60/2021/NĐ-CP" in validity_note("Nghị định 16/2015")
    assert "299/2026/NĐ-CP" in validity_note("nd-120-2020-nd-cp")
    assert validity_note("") is None
