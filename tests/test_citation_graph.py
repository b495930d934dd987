"""Legal citation extraction, the citation graph and validity notes on the
real bundled texts (clean and OCR-damaged)."""

from __future__ import annotations

from corpus.citations import build_graph, canonical_id, extract_citations, resolve_reference
from corpus.pipeline import bundled_dir

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


def test_validity_from_the_index(full_service):
    """The validity table is ingested knowledge: its rows and the decrees' statements come from the store."""
    vx = full_service.validity()
    assert any(x.origin == "table" and x.target == "106/2020/NĐ-CP" for x in vx.facts)
    note = vx.note("61/2018/NĐ-CP", full_service.settings.as_of_date())
    assert note.startswith("Nghị định 61/2018/NĐ-CP đã hết hiệu lực từ 01/7/2025, được thay thế bởi Nghị định 118/2025/NĐ-CP")
    assert "sửa đổi, bổ sung" in vx.note("Nghị định 60/2021/NĐ-CP", "2026-12-02")
    assert vx.note("26/KH-MNHgS", "2026-12-02") is None


def test_answers_citing_a_replaced_decree_say_so(full_service):
    ans = full_service.ask("Nghị định 61/2018/NĐ-CP có hiệu lực từ ngày nào?")
    assert "21/6/2018" in ans.answer
    assert "Nghị định 61/2018/NĐ-CP đã hết hiệu lực từ ngày 01 tháng 7 năm 2025" in ans.answer
    assert "Nghị định 61/2018/NĐ-CP đã được thay thế bởi Nghị định 118/2025/NĐ-CP từ 01/7/2025" in ans.answer
    assert any(n.startswith("Lưu ý: Nghị định 61/2018/NĐ-CP đã hết hiệu lực") for n in ans.notes)
    # every number of the answer is in a cited passage (Điều 40 of NĐ 118/2025 states the replacement)
    assert any("118/2025" in c.text or "118/2025" in (c.number or "") for c in ans.citations)


def test_can_cu_answer_labels_a_corpus_decree_with_its_own_metadata(full_service):
    """Regression: a "căn cứ" answer labelled NĐ 61/2018 with another văn bản's date and issuer
    ("ngày 23/11/2018 của Văn phòng Chính phủ", those of TT 01/2018) and a run-on title."""
    ans = full_service.ask("Thông tư 01/2018/TT-VPCP căn cứ những văn bản nào?")
    line = next(ln for ln in ans.answer.splitlines() if "61/2018/NĐ-CP" in ln)
    assert "ngày 23/4/2018 của Chính phủ" in line
    assert "23/11/2018" not in line and "Văn phòng Chính phủ" not in line
    assert "đóng giao diện" not in line  # NĐ 118/2025 Điều 40 khoản 2 is not the trích yếu of NĐ 61/2018


def test_mentions_cannot_relabel_a_corpus_document():
    """An upload that cites NĐ 61/2018 with wrong metadata (three times) does not change its label,
    and a document whose header was misread as the same số hiệu does not take its place."""
    from corpus.citations import build_graph
    from corpus.models import DocumentMeta, ParsedDocument
    from corpus.pipeline import parse_file
    from tests.conftest import ND61

    nd61 = parse_file(ND61)
    wrong = "Căn cứ Nghị định số 61/2018/NĐ-CP ngày 23/11/2018 của Văn phòng Chính phủ về thực hiện cơ chế một cửa."
    up = ParsedDocument(DocumentMeta(doc_id="tai-len"), "\n\n".join([wrong] * 3))
    misread = ParsedDocument(DocumentMeta(doc_id="a-misread", kind="legal", doc_type="Thông tư",
                                          number="61/2018/NĐ-CP", date="2018-11-23", issuer="Văn phòng Chính phủ"),
                             "Thông tư hướng dẫn.")
    g = build_graph([misread, nd61, up], uploaded={"tai-len"})
    d = g.documents["61/2018/NĐ-CP"]
    assert (d.date, d.issuer, d.type) == ("2018-04-23", "Chính phủ", "Nghị định")
    assert d.title.startswith("về thực hiện cơ chế một cửa") or d.title.startswith("thực hiện cơ chế một cửa")
    assert g.corpus_numbers["61/2018/NĐ-CP"] == "nd-61-2018-nd-cp"
    assert d.verified  # a corpus document is never "chưa kiểm chứng"
