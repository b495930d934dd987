"""Legal citation extraction, the citation graph and validity notes on the
real bundled texts (clean and OCR-damaged)."""

from __future__ import annotations

from corpus.citations import build_graph, canonical_id, extract_citations, resolve_reference
from corpus.pipeline import bundled_dir
from corpus.validity import effective_from_text, load_validity_table, validity_note

PLANS = bundled_dir() / "plans"


def test_extracts_number_date_issuer_from_a_clean_plan():
    text = (PLANS / "2024-mn-huong-sen-go-vap-cai-cach-tthc.txt").read_text(encoding="utf-8")
    by_id = {m.id: m for m in extract_citations(text)}
    qd = by_id["1076/QĐ-UBND"]
    assert qd.type == "Quyết định" and qd.date == "2021-06-29"
    assert "Gò Vấp" in (qd.issuer or "")
    assert by_id["182/KH-UBND"].date == "2024-01-15"
    assert by_id["442/UBND-CCHC"].type == "Công văn" and by_id["442/UBND-CCHC"].date == "2024-02-24"


def test_ocr_variants_map_to_canonical_ids():
    assert canonical_id("3813/QP-UBND") == "3813/QĐ-UBND"
    assert canonical_id("60/2021/ND-CP") == "60/2021/NĐ-CP"
    text = (PLANS / "2024-th-hoa-binh-q1-papi.txt").read_text(encoding="utf-8")
    ids = {m.id for m in extract_citations(text)}
    assert {"2844/QĐ-UBND", "175/KH-UBND", "278/KH-UBND", "3813/QĐ-UBND"} <= ids
    dates = {m.id: m.date for m in extract_citations(text)}
    assert dates["2844/QĐ-UBND"] == "2021-08-14" and dates["3813/QĐ-UBND"] == "2016-07-26"


def test_graph_over_the_corpus(full_service):
    graph = build_graph(full_service.parsed_documents())
    rows = {r["id"]: r for r in graph.to_json()}
    assert rows["61/2018/NĐ-CP"]["in_corpus"] is True
    assert {c["doc_id"] for c in rows["61/2018/NĐ-CP"]["cited_by"]} >= {"2024-mn-ben-thanh-q1-cchc", "tt-01-2018-tt-vpcp"}
    assert rows["60/2021/NĐ-CP"]["cited_by"][0]["doc_id"] == "2023-mn-tuoi-hong-q1-par-index"
    assert rows["1905/KH-UBND"]["in_corpus"] is False  # cited by the Tuổi Hồng OCR scan, not held
    citing = {c["doc_id"] for r in rows.values() for c in r["cited_by"]}
    assert {p.stem for p in PLANS.glob("*.txt")} <= citing  # all five plans, OCR ones included
    assert len(rows) >= 60


def test_resolve_user_mentions():
    known = ["60/2021/NĐ-CP", "61/2018/NĐ-CP", "175/KH-UBND"]
    assert resolve_reference("nghi dinh 60", known) == "60/2021/NĐ-CP"
    assert resolve_reference("NĐ 61/2018", known) == "61/2018/NĐ-CP"
    assert resolve_reference("Thông tư 99", known) is None


def test_validity_from_table_and_text():
    table = load_validity_table()
    assert table["61/2018/NĐ-CP"].replaced_or_amended_by == "118/2025/NĐ-CP"
    note = validity_note("61/2018/NĐ-CP")
    assert note.startswith("Nghị định 61/2018/NĐ-CP đã được thay thế bởi Nghị định 118/2025/NĐ-CP")
    assert "Nguồn:" in note
    assert "sửa đổi, bổ sung một phần" in validity_note("Nghị định 60/2021")
    assert effective_from_text("(Điều 1 Nghị định số 106/2020/NĐ-CP, có hiệu lực thi hành kể từ ngày 15/11/2020)") == "2020-11-15"
    assert validity_note("26/KH-MNHgS") is None


def test_answers_citing_a_replaced_decree_say_so(full_service):
    ans = full_service.ask("Nghị định 61/2018/NĐ-CP có hiệu lực từ ngày nào?")
    assert ans.citations[0].validity_note and "118/2025/NĐ-CP" in ans.citations[0].validity_note
    assert any(n.startswith("Lưu ý: Nghị định 61/2018/NĐ-CP đã được thay thế") for n in ans.notes)
    assert "118/2025" not in ans.answer  # the grounded answer text quotes only cited passages
