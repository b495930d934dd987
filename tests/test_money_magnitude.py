"""A money question asked in tỷ / triệu / nghìn is answered only by an amount
of that order (assistant.question: the magnitude word; assistant.spans:
in_magnitude), on the bundled NĐ 161/2026 text."""

from __future__ import annotations

import re
from pathlib import Path

from assistant.question import MONEY, analyze
from assistant.spans import find_spans, in_magnitude, money_value

ND161 = Path(__file__).resolve().parents[1] / "corpus" / "documents" / "decrees" / "nd-161-2026-nd-cp.txt"


def _base_salary_sentence() -> str:
    text = ND161.read_text(encoding="utf-8")
    m = re.search(r"[^.\n]*2\.530\.000 đồng/tháng[^.\n]*", text)
    assert m, "NĐ 161/2026 gives the base salary"
    return m.group(0)


def test_money_values_follow_vietnamese_writing():
    assert money_value("2.530.000 đồng") == 2_530_000
    assert money_value("1,5 triệu") == 1_500_000
    assert money_value("3 tỷ đồng") == 3_000_000_000
    assert money_value("500 nghìn") == 500_000
    assert money_value("20 USD") is None
    assert in_magnitude("500 triệu đồng", "ty") and not in_magnitude("2.530.000 đồng", "ty")
    assert in_magnitude("2.530.000 đồng", "trieu") and in_magnitude("2.530.000 đồng", None)


def test_magnitude_word_of_the_question():
    assert analyze("ngân sách trung ương bổ sung bao nhiêu tỷ để tăng lương cơ sở năm 2026").unit == "ty"
    assert analyze("luong co so 2026 may trieu 1 thang").unit == "trieu"
    qa = analyze("Mức lương cơ sở năm 2026 là bao nhiêu?")
    assert qa.answer_type == MONEY and qa.unit is None


def test_a_salary_in_million_dong_does_not_answer_a_question_in_ty():
    sentence = _base_salary_sentence()
    assert not find_spans(sentence, analyze("ngân sách trung ương bổ sung bao nhiêu tỷ để tăng lương cơ sở năm 2026"))
    for q in ("Mức lương cơ sở năm 2026 là bao nhiêu?", "luong co so 2026 may trieu 1 thang"):
        assert [s.text for s in find_spans(sentence, analyze(q))] == ["2.530.000 đồng"], q


def test_the_service_abstains_on_an_amount_in_ty_the_corpus_does_not_give(full_service):
    a = full_service.ask("ngân sách trung ương bổ sung bao nhiêu tỷ để tăng lương cơ sở năm 2026")
    assert a.abstained and "2.530.000" not in a.answer
    a = full_service.ask("Mức lương cơ sở năm 2026 là bao nhiêu?")  # no magnitude word: any amount answers
    assert not a.abstained and "2.530.000" in a.answer
