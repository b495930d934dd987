"""Which units the extractive reader quotes: the law in force first (a unit of
a replaced văn bản gives way to its replacement's), and a further unit only
when it adds to the lead's answer. Real text of the bundled decrees (no index,
no model), and the hiệu lực of retrieved passages on the bundled corpus."""

from __future__ import annotations

import datetime as dt

import pytest

from assistant.extractive import ReadingParams, decide, in_force_first
from assistant.inforce import InForce, Standing, asks_old_rule
from assistant.question import analyze
from assistant.reading import Scored
from assistant.settings import Settings
from corpus.pipeline import parse_file
from corpus.units import DocumentUnits
from index.types import Hit
from tests.conftest import DECREES

TODAY = dt.date(2026, 12, 2)
PARAMS = ReadingParams(answer_threshold=0.2, keep_ratio=0.8, max_units=3)
OLD = Standing("61/2018/NĐ-CP", False, frozenset({"118/2025/NĐ-CP"}))
NEW = Standing("118/2025/NĐ-CP", True)


@pytest.fixture(scope="module")
def units():
    """``find(doc, words, section) -> Unit``: the unit of a bundled decree holding ``words``."""
    docs = {n: DocumentUnits(parse_file(DECREES / f"{n}.txt")) for n in ("nd-61-2018-nd-cp", "nd-118-2025-nd-cp")}

    def find(doc: str, words: str, section: str = ""):
        return next(u for u in docs[doc].all_units() if words in u.text and section in u.node.path_label())
    return find


def _scored(unit, hit: int, lex: float) -> Scored:
    return Scored(unit, hit, lex=lex, dense=0.0)


# the calibration example s-044: NĐ 61/2018 Điều 17 scores best, NĐ 118/2025 Điều 19 (its replacement) next
Q_CLOSE = "đã báo bổ sung hồ sơ mà 15 ngày dân không bổ sung thì bộ phận một cửa làm gì?"


def test_a_replaced_decree_gives_way_to_its_replacement_quoted_first(units):
    old = units("nd-61-2018-nd-cp", "hướng dẫn đại diện tổ chức, cá nhân bổ sung, hoàn thiện hồ sơ", "Điều 17")
    new = units("nd-118-2025-nd-cp", "Sau 15 ngày kể từ khi thông báo")
    scored = [_scored(old, 0, 0.75), _scored(new, 1, 0.70)]
    d = decide(analyze(Q_CLOSE), scored, 2, PARAMS, standing=[OLD, NEW])
    assert [s.unit.doc_id for s in d.units] == ["nd-118-2025-nd-cp"]
    assert "đóng hồ sơ" in d.units[0].unit.text
    # without the validity knowledge both are quoted, the old one first (what the reader did before)
    d = decide(analyze(Q_CLOSE), [_scored(old, 0, 0.75), _scored(new, 0, 0.70)], 1, PARAMS)
    assert [s.unit.doc_id for s in d.units] == ["nd-61-2018-nd-cp", "nd-118-2025-nd-cp"]


def test_a_replaced_decree_that_alone_answers_is_still_quoted(units):
    old = units("nd-61-2018-nd-cp", "hướng dẫn đại diện tổ chức, cá nhân bổ sung, hoàn thiện hồ sơ", "Điều 17")
    d = decide(analyze(Q_CLOSE), [_scored(old, 0, 0.75)], 1, PARAMS, standing=[OLD])
    assert d.kind == "answer" and [s.unit.doc_id for s in d.units] == ["nd-61-2018-nd-cp"]


def test_in_force_units_come_first_and_a_current_old_decree_is_kept(units):
    old = _scored(units("nd-61-2018-nd-cp", "hướng dẫn đại diện tổ chức, cá nhân bổ sung", "Điều 17"), 0, 0.9)
    new = _scored(units("nd-118-2025-nd-cp", "Sau 15 ngày kể từ khi thông báo"), 1, 0.8)
    assert in_force_first([old, new], [OLD, NEW]) == [new]
    # replaced by a văn bản none of whose units is here: kept, after the law in force
    other = Standing("61/2018/NĐ-CP", False, frozenset({"999/2026/NĐ-CP"}))
    assert in_force_first([old, new], [other, NEW]) == [new, old]
    # asked about (current for this question): kept in its place
    assert in_force_first([old, new], [Standing("61/2018/NĐ-CP", True), NEW]) == [old, new]


def test_extra_units_only_when_they_add_to_the_answer(units):
    """s-046: the cấp xã leaders are asked; the cấp tỉnh points of another khoản add nothing."""
    q = analyze("Giám đốc trung tâm phục vụ hành chính công cấp xã là ai đảm nhiệm?")
    lead = units("nd-118-2025-nd-cp", "Lãnh đạo Trung tâm Phục vụ hành chính công cấp xã gồm Giám đốc")
    tinh = units("nd-118-2025-nd-cp", "lãnh đạo Trung tâm gồm 01 Giám đốc tương đương Giám đốc sở")
    assert lead.node.path_label().endswith("khoản 3 > điểm a") and tinh.node.path_label().endswith("khoản 2 > điểm b")
    d = decide(q, [_scored(lead, 0, 0.72), _scored(tinh, 1, 0.70)], 2, PARAMS)
    assert [s.unit for s in d.units] == [lead]
    # the same passage (or provision) as the lead: quoted beside it
    d = decide(q, [_scored(lead, 0, 0.72), _scored(tinh, 0, 0.70)], 1, PARAMS)
    assert [s.unit for s in d.units] == [lead, tinh]


def test_an_extra_unit_with_a_question_term_the_lead_lacks_is_quoted(units):
    q = analyze(Q_CLOSE)
    lead = units("nd-61-2018-nd-cp", "hướng dẫn đại diện tổ chức, cá nhân bổ sung, hoàn thiện hồ sơ", "Điều 17")
    new = units("nd-118-2025-nd-cp", "Sau 15 ngày kể từ khi thông báo")  # "15 ngày", which the lead does not say
    d = decide(q, [_scored(lead, 0, 0.75), _scored(new, 1, 0.70)], 2, PARAMS)
    assert [s.unit for s in d.units] == [lead, new]


def test_asks_old_rule():
    meta61 = parse_file(DECREES / "nd-61-2018-nd-cp.txt").meta
    assert asks_old_rule("theo nđ 61 thì bộ phận một cửa làm gì", meta61)
    assert asks_old_rule("Theo quy định cũ, hồ sơ được bổ sung mấy lần?")
    assert asks_old_rule("truoc day ho so bo sung may lan")
    for q in ("hồ sơ được bổ sung mấy lần?", "Nghị định 161/2026 tăng lương cơ sở bao nhiêu so với mức cũ?",
              "quy định cụ thể về bộ phận một cửa", "căn cứ quy định cử cán bộ ra một cửa"):
        assert not asks_old_rule(q, meta61), q


def _hit(svc, doc_id: str, section: str) -> Hit:
    doc = next(d for d in svc.parsed_documents() if d.meta.doc_id == doc_id)
    chunk = next(c for c in doc.chunks if section in c.section)
    return Hit(chunk=chunk, meta=doc.meta, score=1.0, confidence=1.0)


def test_standing_of_retrieved_passages(full_service):
    def standing(q: str, as_of: dt.date):
        s = Settings(data_dir=full_service.settings.data_dir, embedding_backend="fake", as_of=as_of)
        hits = [_hit(full_service, "nd-61-2018-nd-cp", "Điều 17"), _hit(full_service, "nd-118-2025-nd-cp", "Điều 19")]
        return InForce(full_service.index, full_service, s).standing(q, hits)

    old, new = standing("hồ sơ chưa đủ thì cán bộ tiếp nhận được yêu cầu bổ sung mấy lần?", TODAY)
    assert not old.current and any(n.startswith("118/2025") for n in old.stand_ins)
    assert new.current and not new.stand_ins
    old, _new = standing("theo Nghị định 61/2018 hồ sơ được bổ sung mấy lần?", TODAY)
    assert old.current  # the question names the old decree
    old, new = standing("hồ sơ được bổ sung mấy lần?", dt.date(2024, 6, 30))  # before NĐ 118/2025 took effect
    assert old.current and not new.current and any(n.startswith("61/2018") for n in new.stand_ins)
