"""Glossary built from the abbreviations the corpus defines."""

from __future__ import annotations

from corpus.glossary import build_glossary, expansion_for, explain


def test_expansion_by_initials_and_for_named_indices():
    assert expansion_for("Tiếp tục phát huy những kết quả đã đạt được trong công tác cải cách hành chính", "CCHC") == (
        "cải cách hành chính")
    assert expansion_for("giải pháp nâng cao Chỉ số cải cách hành chính", "PAR Index") == "Chỉ số cải cách hành chính"


def test_glossary_from_the_bundled_corpus(full_service):
    docs = full_service.parsed_documents()
    g = build_glossary(docs)
    assert g["CCHC"].expansion == "cải cách hành chính"
    assert g["TTHC"].expansion == "thủ tục hành chính"
    assert g["PAR Index"].expansion == "Chỉ số cải cách hành chính"
    # PAPI is defined only in the OCR-damaged Hòa Bình scan: found through its repaired text.
    assert g["PAPI"].expansion.lower().startswith("chỉ số hiệu quả quản trị và hành chính công cấp tỉnh")
    assert g["PAPI"].occurrences[0][0] == "2024-th-hoa-binh-q1-papi"
    assert all(e.from_corpus for e in g.values())


def test_explain_is_case_and_accent_insensitive_and_marks_curated_terms(full_service):
    docs = full_service.parsed_documents()
    assert explain("tthc", docs).expansion == "thủ tục hành chính"
    phhs = explain("PHHS", docs)
    assert phhs.expansion == "phụ huynh học sinh" and not phhs.from_corpus
    assert phhs.occurrences and phhs.occurrences[0][0] == "2024-mn-ben-thanh-q1-cchc"
    assert explain("XYZQ", docs) is None


def test_glossary_question_is_answered_with_a_citation(full_service):
    ans = full_service.ask("CCHC là gì?")
    assert ans.mode == "glossary"
    assert ans.answer.startswith("CCHC: cải cách hành chính")
    assert ans.citations and "(CCHC)" in "".join(c.text for c in ans.citations)
