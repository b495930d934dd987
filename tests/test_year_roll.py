"""Year rolling on real plan text: plan-year references move, citations do not."""

from pathlib import Path

from assistant.drafting.adapt import roll_years, stale_year_refs

PLANS = Path(__file__).resolve().parent.parent / "corpus" / "documents" / "plans"


def _ben_thanh() -> str:
    from assistant.drafting.sections import reflow

    return "\n".join(reflow((PLANS / "2024-mn-ben-thanh-q1-cchc.txt").read_text(encoding="utf-8")))


def test_citation_date_and_trich_yeu_untouched():
    text = _ben_thanh()
    line = next(p for p in text.splitlines() if p.startswith("Căn cứ Kế hoạch số 04/KH-UBND"))
    r = roll_years(line, 2024, 2025)
    assert "ngày 04 tháng 01 năm 2024" in r.text
    assert r.text == line  # the whole citation (with its trích yếu "… năm 2024") stays
    assert r.kept  # and the kept year is reported for flagging


def test_plan_year_rolled_periods_kept():
    from assistant.drafting.sections import split_plan

    items = split_plan((PLANS / "2024-mn-ben-thanh-q1-cchc.txt").read_text(encoding="utf-8"))
    item = next(it.text for it in items if it.text.startswith("Tập trung xây dựng"))
    r = roll_years(item, 2024, 2025)
    assert "Kế hoạch CCHC năm 2025" in r.text and "năm 2024" not in r.text
    assert "giai đoạn 2021 - 2030" in r.text and "giai đoạn 2021 - 2025" in r.text
    assert not stale_year_refs(r.text, 2025)


def test_two_year_roll_and_deadline_marked():
    text = (PLANS / "2023-mn-hoa-phuong-q8-cchc.txt").read_text(encoding="utf-8")
    line = next(ln for ln in text.splitlines() if "trước ngày 21/3/2023" in ln)
    r = roll_years(line, 2023, 2025)
    assert "công tác cải cách hành chính năm 2025" in r.text
    assert "21/3/2025 [cần xác nhận]" in r.text
    item = next(ln for ln in text.splitlines() if "Quyết định số 2732/QĐ-UBND ngày 26/5/2021" in ln)
    r2 = roll_years(item, 2023, 2025)
    assert "2732/QĐ-UBND ngày 26/5/2021" in r2.text
    assert "giai đoạn 2020 - 2025" in r2.text and "giai đoạn 2021 - 2030" in r2.text


def test_numbers_inside_so_hieu_and_law_names_untouched():
    s = "Nghị quyết số 98/2023/QH15 năm 2023; Luật Tiếp cận thông tin năm 2016; ISO 9001:2015; Chủ đề năm 2023"
    r = roll_years(s, 2023, 2025)
    assert "98/2023/QH15" in r.text and "Luật Tiếp cận thông tin năm 2016" in r.text and "9001:2015" in r.text
    assert "Chủ đề năm 2025 [cần cập nhật chủ đề năm 2025]" in r.text


def test_stale_detector_catches_unrolled_plan_year():
    assert stale_year_refs("Xây dựng Kế hoạch CCHC năm 2024 của đơn vị", 2025)
    assert not stale_year_refs("Căn cứ Kế hoạch số 04/KH-UBND ngày 04 tháng 01 năm 2024", 2025)
