"""Questions answered from the citation graph, on the whole bundled corpus."""

from __future__ import annotations

import re

from corpus.textnorm import fold


def _numbers(text: str) -> set[str]:
    return set(re.findall(r"\b\d{1,5}/(?:\d{4}/)?[A-ZĐ][A-Za-zĐđ]*(?:-[A-Za-zĐđ0-9]+)+", text))


def test_which_documents_does_huong_sen_plan_cite(full_service):
    ans = full_service.ask("Kế hoạch của trường Mầm non Hương Sen căn cứ những văn bản nào?")
    assert ans.mode == "graph" and not ans.abstained
    for number in ("1076/QĐ-UBND", "182/KH-UBND", "442/UBND-CCHC"):
        assert number in ans.answer
    assert {c.doc_id for c in ans.citations} == {"2024-mn-huong-sen-go-vap-cai-cach-tthc"}
    # every cited number in the answer occurs in the cited passages (no invented citation)
    # (compared without spaces: the source writes "187/QĐ- UBND", the answer its canonical "187/QĐ-UBND")
    cited_text = re.sub(r"\s+", "", fold(" ".join(c.text for c in ans.citations)))
    for n in _numbers(ans.answer):
        assert fold(n) in cited_text, n


def test_which_plans_cite_nd_61_unaccented(full_service):
    ans = full_service.ask("nhung ke hoach nao vien dan nghi dinh 61/2018")
    assert ans.mode == "graph"
    assert ans.answer.startswith("Nghị định 61/2018/NĐ-CP")
    assert "2024-mn-ben-thanh-q1-cchc" in {c.doc_id for c in ans.citations}
    ben_thanh = next(c for c in ans.citations if c.doc_id == "2024-mn-ben-thanh-q1-cchc")
    assert "61/2018" in ben_thanh.text


def test_ocr_plan_citations_reach_the_graph(full_service):
    ans = full_service.ask("Văn bản nào căn cứ Nghị định 60/2021/NĐ-CP?")
    assert ans.mode == "graph"
    # the Tuổi Hồng OCR scan cites it, and so does NĐ 161/2026 (on how đơn vị sự nghiệp fund pay reform)
    assert {c.doc_id for c in ans.citations} == {"2023-mn-tuoi-hong-q1-par-index", "nd-161-2026-nd-cp"}
    assert all(c.ocr_damaged for c in ans.citations if c.doc_id.startswith("2023-"))


def test_ordinary_question_is_not_routed_to_the_graph(full_service):
    ans = full_service.ask("Nghị định 61/2018/NĐ-CP có hiệu lực từ ngày nào?")
    assert ans.mode == "validity"  # answered from the validity knowledge, not the citation graph
    assert ans.citations[0].doc_id == "nd-61-2018-nd-cp"
    assert "21/6/2018" in ans.answer
    ans = full_service.ask("Bộ phận Một cửa có nhiệm vụ gì?")
    assert ans.mode == "extractive"


def test_passive_which_plans_name_a_van_ban(full_service):
    # the văn bản first, then "được nhắc trong kế hoạch của trường nào" / "có ở kế hoạch những trường nào"
    ans = full_service.ask("nd 42/2022 ve cung cap thong tin va dvc truc tuyen duoc nhac trong ke hoach cua truong nao")
    assert ans.mode == "graph" and ans.answer.startswith("Nghị định 42/2022/NĐ-CP")
    assert {"2024-mn-ben-thanh-q1-cchc", "2024-th-hoa-binh-q1-papi"} <= {c.doc_id for c in ans.citations}
    assert all("42/2022" in c.text for c in ans.citations)
    ans = full_service.ask("kế hoạch 124-KH/TU của thành ủy có ở kế hoạch những trường nào")
    assert ans.mode == "graph" and "124-KH/TU" in ans.answer
    assert {"2023-mn-hoa-phuong-q8-cchc", "2024-mn-ben-thanh-q1-cchc"} <= {c.doc_id for c in ans.citations}
    # a question on what a plan says is still read from its text
    assert full_service.ask("trường Hòa Bình gắn PAPI với phong trào thi đua gì").mode == "extractive"
