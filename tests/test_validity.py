"""Validity mined from the real decree texts and the validity table, per
provision, evaluated at an as-of date."""

from __future__ import annotations

import pytest

from corpus.models import DocumentError
from corpus.pipeline import bundled_dir, bundled_ingest_paths, parse_file
from corpus.validity import (
    ValidityIndex,
    effective_from_text,
    effective_statement,
    find_validity_facts,
    load_validity_table,
    parse_provisions,
    parse_validity_table,
    vn_date,
)

DOCS = bundled_dir()


def _facts(stem: str):
    return find_validity_facts(parse_file(DOCS / "decrees" / f"{stem}.txt"))


@pytest.fixture(scope="module")
def vx() -> ValidityIndex:
    return ValidityIndex.from_documents([parse_file(p) for p in bundled_ingest_paths()])


def test_load_table():
    t = load_validity_table(DOCS / "validity.tsv")
    assert t["61/2018/NĐ-CP"].status == "replaced"
    assert t["61/2018/NĐ-CP"].replaced_or_amended_by == "118/2025/NĐ-CP"
    assert t["61/2018/NĐ-CP"].effective == "2025-07-01"
    assert t["60/2021/NĐ-CP"].status == "partly amended"
    # repository URLs stay in the data file's mirror column, out of what a clerk is shown
    assert "github.com" in t["61/2018/NĐ-CP"].mirror and "github" not in t["61/2018/NĐ-CP"].source


def test_table_errors(tmp_path):
    with pytest.raises(FileNotFoundError):
        load_validity_table(tmp_path / "none.tsv")
    bad = tmp_path / "bad.tsv"
    bad.write_text("foo\tbar\n1\t2\n", encoding="utf-8")
    with pytest.raises(ValueError, match="missing column"):
        load_validity_table(bad)
    with pytest.raises(DocumentError, match="unknown status"):
        parse_validity_table("document\tstatus\n61/2018/NĐ-CP\tgone\n", "t")
    with pytest.raises(DocumentError):
        parse_file(bad)  # one-line reason, nothing indexed


def test_effective_dates():
    assert effective_from_text("(Điều 1 ..., có hiệu lực thi hành kể từ ngày 15/11/2020)") == "2020-11-15"
    assert effective_from_text("NGHỊ ĐỊNH số 60/2021/NĐ-CP ... (hiệu lực 15/8/2021)") == "2021-08-15"
    assert effective_from_text("1. Nghị định này có hiệu lực từ ngày 15 tháng 8 năm 2021.") == "2021-08-15"
    assert effective_from_text("không có ngày") is None
    text = (DOCS / "decrees" / "nd-106-2020-nd-cp.txt").read_text(encoding="utf-8")
    assert effective_from_text(text) == "2020-11-15"
    text = (DOCS / "decrees" / "nd-118-2025-nd-cp.txt").read_text(encoding="utf-8")
    iso, s, _e, self_dated = effective_statement(text)
    assert iso == "2025-07-01" and not self_dated
    assert text[s:].startswith("Nghị định này có hiệu lực thi hành từ ngày 01 tháng 7 năm 2025")
    assert vn_date("2025-07-01") == "01/7/2025" and vn_date("2026-02-15") == "15/02/2026"


def test_provision_references():
    assert parse_provisions("khoản 1, điểm a khoản 2 Điều 12") == ["Điều 12 > khoản 1", "Điều 12 > khoản 2 > điểm a"]
    assert parse_provisions("tại khoản 1, khoản 4 Điều 8, khoản 1 Điều 11") == [
        "Điều 8 > khoản 1", "Điều 8 > khoản 4", "Điều 11 > khoản 1"]
    assert parse_provisions("điểm đ khoản 3 Điều 9") == ["Điều 9 > khoản 3 > điểm đ"]
    assert parse_provisions("khoản 3") == []


def test_facts_of_nd_118_2025_article_40():
    facts = _facts("nd-118-2025-nd-cp")
    by = {(x.kind, x.target): x for x in facts}
    x = by[("expired", "61/2018/NĐ-CP")]
    assert x.by == "118/2025/NĐ-CP" and x.effective == "2025-07-01"
    assert x.source == "khoản 1 Điều 40 Nghị định 118/2025/NĐ-CP"
    assert ("expired", "107/2021/NĐ-CP") in by
    # "Nghị định số 107/2021/NĐ-CP … sửa đổi, bổ sung một số điều của Nghị định số 61/2018/NĐ-CP": a trích yếu
    assert by[("amended", "61/2018/NĐ-CP")].by == "107/2021/NĐ-CP"
    # "Sửa đổi khoản 3, Điều 5 Nghị định số 63/2010/NĐ-CP": provision level
    assert by[("amended", "63/2010/NĐ-CP")].provisions == ["Điều 5 > khoản 3"]
    # khoản 7 (NĐ 42/2022): "a) Sửa đổi khoản 1 Điều 12", "c) Bãi bỏ Điều 13"
    assert "Điều 12 > khoản 1" in by[("amended", "42/2022/NĐ-CP")].provisions
    assert by[("repealed", "42/2022/NĐ-CP")].provisions == ["Điều 13"]
    # khoản 8 (NĐ 45/2020): "e) Bãi bỏ quy định tại khoản 1 Điều 16"
    assert by[("repealed", "45/2020/NĐ-CP")].provisions == ["Điều 16 > khoản 1"]
    assert by[("repealed", "45/2020/NĐ-CP")].source == "khoản 8 Điều 40 Nghị định 118/2025/NĐ-CP"
    # the curated title line "(hiệu lực 01/7/2025; thay thế Nghị định 61/2018/NĐ-CP, Điều 40)" is not a statement
    assert all(x.start > 1000 for x in facts)


def test_facts_of_the_other_decrees():
    by = {(x.kind, x.target): x for x in _facts("nd-299-2026-nd-cp")}
    x = by[("replaced", "120/2020/NĐ-CP")]
    assert (x.by, x.effective, x.source) == ("299/2026/NĐ-CP", "2026-07-28", "khoản 2 Điều 31 Nghị định 299/2026/NĐ-CP")
    assert ("replaced", "283/2025/NĐ-CP") in by
    by = {(x.kind, x.target): x for x in _facts("nd-161-2026-nd-cp")}
    assert by[("expired", "73/2024/NĐ-CP")].effective == "2026-07-01"
    assert by[("amended", "60/2021/NĐ-CP")].by == "111/2025/NĐ-CP"  # khoản 4 Điều 5: the trích yếu of 111/2025
    by = {(x.kind, x.target): x for x in _facts("nd-60-2021-nd-cp")}
    # "Các quy định tại các văn bản sau hết hiệu lực …: a) … d)" — targets after the phrase
    assert {t for k, t in by if k == "expired"} == {"16/2015/NĐ-CP", "54/2016/NĐ-CP", "141/2016/NĐ-CP", "85/2012/NĐ-CP"}
    assert by[("expired", "16/2015/NĐ-CP")].source == "khoản 2 Điều 41 Nghị định 60/2021/NĐ-CP"
    # a Bộ pháp điển note: Điều 6 of NĐ 120/2020 amended by Điều 3 NĐ 83/2024 from 01/09/2024
    x = next(x for x in _facts("nd-120-2020-nd-cp") if x.origin == "codification")
    assert (x.target, x.kind, x.by, x.by_provision, x.effective, x.provisions) == (
        "120/2020/NĐ-CP", "amended", "83/2024/NĐ-CP", "Điều 3", "2024-09-01", ["Điều 6"])


def test_status_at_an_as_of_date(vx):
    st = vx.status("61/2018/NĐ-CP", "2026-12-02")
    assert not st.in_force and st.successor == "118/2025/NĐ-CP" and st.ended_on == "2025-07-01" and st.replaced
    st = vx.status("61/2018/NĐ-CP", "2024-06-30")
    assert st.in_force and [x.by for x in st.later if x.kind in ("replaced", "expired")][0] == "118/2025/NĐ-CP"
    assert vx.status("118/2025/NĐ-CP", "2024-06-30").not_yet == "2025-07-01"
    assert vx.status("118/2025/NĐ-CP", "2025-07-01").in_force
    assert vx.status("73/2024/NĐ-CP", "2026-06-30").in_force
    assert not vx.status("73/2024/NĐ-CP", "2026-07-01").in_force
    # a change with no stated date happens no earlier than the year in the acting số hiệu
    assert vx.status("106/2020/NĐ-CP", "2025-12-31").in_force
    assert vx.status("106/2020/NĐ-CP", "2026-12-02").successor == "232/2026/NĐ-CP"
    assert [x.target for x in vx.predecessors("30/2020/NĐ-CP")] == ["110/2004/NĐ-CP", "09/2010/NĐ-CP"]


def test_notes_are_vietnamese_and_name_the_legal_source(vx):
    n = vx.note("Nghị định 61/2018/NĐ-CP", "2026-12-02")
    assert n.startswith("Nghị định 61/2018/NĐ-CP đã hết hiệu lực từ 01/7/2025, được thay thế bởi Nghị định 118/2025/NĐ-CP")
    assert "theo khoản 1 Điều 40 Nghị định 118/2025/NĐ-CP" in n
    assert "github" not in n and "commit" not in n and "mirror" not in n
    n = vx.note("61/2018/NĐ-CP", "2024-06-30")
    assert "Từ 01/7/2025, Nghị định 61/2018/NĐ-CP được thay thế bởi Nghị định 118/2025/NĐ-CP" in n
    assert "sửa đổi, bổ sung" in vx.note("60/2021/NĐ-CP", "2026-12-02")
    assert vx.note("09/2015/QĐ-CP", "2026-12-02") == (
        "Quyết định 09/2015/QĐ-CP đã hết hiệu lực từ 21/6/2018, ngày Nghị định 61/2018/NĐ-CP có hiệu lực "
        "(theo khoản 2 Điều 40 Nghị định 61/2018/NĐ-CP).")
    # provision level: only the amendments touching the quoted Điều are named
    n = vx.note("45/2020/NĐ-CP", "2026-12-02", section="Điều 16 > khoản 1")
    assert "khoản 1 Điều 16 đã bị bãi bỏ bởi Nghị định 118/2025/NĐ-CP từ 01/7/2025" in n
    assert "Điều 5" not in n
    assert vx.note("118/2025/NĐ-CP", "2026-12-02") is None  # in force, unchanged
    assert vx.note("26/KH-MNHgS", "2026-12-02") is None
    assert vx.note("", "2026-12-02") is None


def _table_index(text: str) -> ValidityIndex:
    """The validity index of one validity table (no legal texts indexed)."""
    from corpus.validity import table_facts

    doc = parse_validity_table(text, "validity-table")
    return ValidityIndex(table_facts(doc), [doc.meta])


BUNDLED_TABLE = (DOCS / "validity.tsv").read_text(encoding="utf-8")


def test_replacement_chain_of_the_bundled_table():
    t = _table_index(BUNDLED_TABLE)
    # NĐ 61/2018 → NĐ 118/2025 from 2025-07-01 (row 1), NĐ 120/2020 → NĐ 299/2026 from 2026-07-28 (row 6)
    assert t.replacement_chain("61/2018/NĐ-CP", "2025-07-01") == ["118/2025/NĐ-CP"]
    assert t.replacement_chain("61/2018/NĐ-CP", "2025-06-30") == []  # the replacement is not yet in effect
    assert t.replacement_chain("Nghị định 61/2018/NĐ-CP", "2026-12-02") == ["118/2025/NĐ-CP"]  # a mention
    assert t.replacement_chain("120/2020/NĐ-CP", "2026-07-28") == ["299/2026/NĐ-CP"]
    assert t.replacement_chain("120/2020/NĐ-CP", "2026-07-27") == []
    # partly amended (NĐ 45/2020 by NĐ 118/2025, NĐ 60/2021 by NĐ 111/2025): still in force, no successor
    assert t.replacement_chain("45/2020/NĐ-CP", "2026-12-02") == []
    assert t.replacement_chain("60/2021/NĐ-CP", "2026-12-02") == []
    # the successor itself, and a văn bản the table does not name
    assert t.replacement_chain("118/2025/NĐ-CP", "2026-12-02") == []
    assert t.replacement_chain("30/2020/NĐ-CP", "2026-12-02") == []


def test_replacement_chain_on_the_bundled_corpus(vx):
    # the decree texts and the table agree: NĐ 118/2025 Điều 40 khoản 1, NĐ 299/2026 Điều 31 khoản 2
    assert vx.replacement_chain("61/2018/NĐ-CP", "2026-12-02") == ["118/2025/NĐ-CP"]
    assert vx.replacement_chain("120/2020/NĐ-CP", "2026-12-02") == ["299/2026/NĐ-CP"]
    assert vx.replacement_chain("120/2020/NĐ-CP", "2026-01-01") == []
    assert vx.replacement_chain("61/2018/NĐ-CP", "2026-12-02", limit=0) == []


def test_replacement_chain_follows_and_stops_at_cycles():
    # a user's table that carries NĐ 118/2025 on to a later văn bản: the chain is followed …
    longer = BUNDLED_TABLE + "118/2025/NĐ-CP\treplaced\t299/2026/NĐ-CP\t2026-07-28\tbảng của đơn vị\t\n"
    t = _table_index(longer)
    assert t.replacement_chain("61/2018/NĐ-CP", "2026-12-02") == ["118/2025/NĐ-CP", "299/2026/NĐ-CP"]
    assert t.replacement_chain("61/2018/NĐ-CP", "2026-12-02", limit=1) == ["118/2025/NĐ-CP"]
    assert t.replacement_chain("61/2018/NĐ-CP", "2026-01-01") == ["118/2025/NĐ-CP"]  # the second step is later
    # … and a row contradicting row 1 (NĐ 118/2025 replaced by NĐ 61/2018) makes no loop
    cycle = BUNDLED_TABLE + "118/2025/NĐ-CP\treplaced\t61/2018/NĐ-CP\t2025-07-01\tbảng của đơn vị\t\n"
    t = _table_index(cycle)
    assert t.replacement_chain("61/2018/NĐ-CP", "2026-12-02") == ["118/2025/NĐ-CP"]
    assert t.replacement_chain("118/2025/NĐ-CP", "2026-12-02") == ["61/2018/NĐ-CP"]
