"""Near-duplicate removal across real plans (threshold documented in assistant/drafting/dedup.py)."""

from pathlib import Path

from assistant.drafting.dedup import DEFAULT_THRESHOLD, dedup, similarity
from assistant.drafting.sections import split_plan

PLANS = Path(__file__).resolve().parent.parent / "corpus" / "documents" / "plans"


def _items(stem):
    return {it.path: it.text for it in split_plan((PLANS / f"{stem}.txt").read_text(encoding="utf-8"))}


HP = "2023-mn-hoa-phuong-q8-cchc"
BT = "2024-mn-ben-thanh-q1-cchc"


def test_template_copies_across_plans_are_duplicates():
    hp, bt = _items(HP), _items(BT)
    # "Thực hiện công khai, minh bạch … 100% thủ tục … được công bố" (TTHC vs "thủ tục hồ sơ")
    assert similarity(hp["III > 3 > 3.3"], bt["III > 3 > 3.3"]) >= DEFAULT_THRESHOLD
    # "phong trào thi đua thực hiện văn hóa công vụ"
    assert similarity(hp["III > 5 > 5.3"], bt["III > 5 > 5.8"]) >= DEFAULT_THRESHOLD


def test_different_tasks_of_same_area_are_kept():
    bt = _items(BT)
    assert similarity(bt["III > 3 > 3.3"], bt["III > 3 > 3.4"]) < DEFAULT_THRESHOLD
    hp = _items(HP)
    assert similarity(hp["III > 2 > 2.1"], hp["III > 2 > 2.3"]) < DEFAULT_THRESHOLD


def test_dedup_keeps_first_and_records_duplicates():
    hp, bt = _items(HP), _items(BT)
    seq = [("BT", bt["III > 3 > 3.3"]), ("BT", bt["III > 3 > 3.4"]), ("HP", hp["III > 3 > 3.3"]), ("HP", hp["III > 3 > 3.4"])]
    groups = dedup(seq, key=lambda x: x[1])
    assert [g[0][0] for g in groups] == ["BT", "BT"]
    assert all(len(dups) == 1 and dups[0][0] == "HP" for _, dups in groups)
