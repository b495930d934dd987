"""evals.calibrate replays what CCHCService.ask does: ``finish(prepare(q),
params from the settings)`` is ``ask(q)`` on real bundled-corpus questions
(fake embedder, whole corpus: conftest ``full_service``), and the follow-up
query the eval harness retrieves with is the one ask uses, corpus look-ups
included; the search's tie rule prefers the threshold that refuses less."""

from __future__ import annotations

from dataclasses import replace

import pytest

from evals.calibrate import GRID, REFUSING, Prepared, _pick, evaluate, prepare_all
from evals.dataset import EvalItem
from evals.harness import evaluate_answers, retrieval_query
from evals.metrics import aggregate

SALARY = ("Mức lương cơ sở hiện nay bao nhiêu?", "2.530.000 đồng/tháng từ ngày 01/7/2026 [1].")
QUESTIONS = [
    # (question, history)
    ("Trường Mầm non Bến Thành đặt chỉ tiêu tỷ lệ phụ huynh thanh toán học phí qua phần mềm Yoyoschool là bao nhiêu?",
     None),
    ("Thời hạn cử cán bộ đến Bộ phận Một cửa mỗi đợt theo Nghị định 118/2025 là bao lâu?", None),
    # a replaced văn bản: answered from its successor with a history line citing the replaced one
    ("Thời hạn cử cán bộ đến Bộ phận Một cửa mỗi đợt theo Nghị định 61/2018 là bao lâu?", None),
    ("muc luong co so hien nay la bao nhieu", None),  # unaccented: the store's diacritic model restores it
    ("Nghị định 61/2018/NĐ-CP có hiệu lực từ ngày nào?", None),  # validity: answered before reading
    ("Ngân sách chi cho cải cách hành chính của tỉnh Nghệ An năm 2024 là bao nhiêu?", None),
    # a follow-up resolved with the corpus look-ups (the answer's source văn bản)
    ("nghị định đó thay cho nghị định nào vậy", [SALARY]),
]


@pytest.mark.parametrize("question, history", QUESTIONS)
def test_finish_of_prepare_is_ask(full_service, question, history):
    prepared = full_service.prepare(question, k=full_service.settings.top_k, history=history)
    replayed = full_service.finish(prepared, full_service.answerer.params())
    asked = full_service.ask(question, k=full_service.settings.top_k, history=history)
    assert replayed.to_dict() == asked.to_dict()
    # a replay leaves the prepared reading as it was (the search replays each one many times)
    assert full_service.finish(prepared, full_service.answerer.params()).to_dict() == asked.to_dict()


def _items():
    return [EvalItem(id=f"q{i}", kind="plain", question=q, history=h or [], answer_any=[["x"]])
            for i, (q, h) in enumerate(QUESTIONS)]


def test_calibration_replay_is_ask(full_service):
    """The answers the calibration search scores are the ones ask gives with those settings."""
    items = _items()
    k = full_service.settings.top_k
    prepared = Prepared(full_service, items, k, log=lambda *_: None)
    params = full_service.answerer.params()
    readings = prepared.readings(params.candidates)
    for it in items:
        asked = full_service.ask(it.question, k=k, history=[tuple(t) for t in it.history] or None)
        assert full_service.finish(readings[it.id], params).to_dict() == asked.to_dict()
    rows, _ = evaluate_answers(items, lambda it: full_service.ask(
        it.question, k=k, history=[tuple(t) for t in it.history] or None))
    assert evaluate(full_service, items, prepared, params) == aggregate(rows)["overall"]
    # another reading_candidates: prepared as ask would with that setting, once per number of passages
    wider = replace(params, candidates=max(GRID["candidates"]))
    evaluate(full_service, items, prepared, wider)
    assert sorted(prepared.by_n) == sorted({max(k, params.candidates), max(k, wider.candidates)})
    direct = prepare_all(full_service, items[:1], k, wider.candidates)
    assert [h.chunk.chunk_id for h in direct["q0"].hits] == \
        [h.chunk.chunk_id for h in prepared.readings(wider.candidates)["q0"].hits]


def test_harness_followup_query_uses_the_corpus_lookups(full_service):
    item = EvalItem(id="f", kind="followup", question="nghị định đó thay cho nghị định nào vậy",
                    history=[SALARY], gold=["73/2024/NĐ-CP"])
    q = retrieval_query(item, full_service)
    # the text alone names no văn bản; the answer's source does (NĐ 161/2026 holds "2.530.000 đồng/tháng")
    assert q == "Nghị định 161/2026/NĐ-CP thay cho nghị định nào vậy"
    # ask reads it as that query (a validity question: answered before reading, the query shown in a note)
    prepared = full_service.prepare(item.question, history=item.history)
    assert f"Câu hỏi được hiểu là: {q}" in prepared.notes


def _scores(objs: dict[float, float]):
    return [(o, v, {"v": v}) for v, o in objs.items()]


def test_flat_thresholds_move_to_the_centre_of_the_plateau():
    grid = GRID["chunk_threshold"]  # 0, 0.1, 0.2, 0.25, 0.3, 0.34, 0.4
    assert "chunk_threshold" in REFUSING
    flat = {v: (0.9 if v <= 0.34 else 0.8) for v in grid}  # 0 … 0.34 reach the best: centre 0.2
    assert _pick("chunk_threshold", _scores(flat), grid, 0.3, 0.9)[0] == 0.2
    # a strictly better higher value still wins
    better = {**flat, 0.4: 0.95}
    assert _pick("chunk_threshold", _scores(better), grid, 0.3, 0.9)[0] == 0.4
    # already at the centre of the flat stretch: stays
    assert _pick("chunk_threshold", _scores(flat), grid, 0.2, 0.9) is None
    # the widest run counts, not a lone equal value elsewhere (0 ties, 0.1 dips, 0.2 … 0.34 is the plateau)
    split = {**flat, 0.1: 0.85}
    assert _pick("chunk_threshold", _scores(split), grid, 0.0, 0.9)[0] == 0.25
    # other parameters move only on a strict improvement
    wgrid = GRID["w_dense"]
    assert _pick("w_dense", _scores({v: 0.9 for v in wgrid}), wgrid, 3.0, 0.9) is None
    assert _pick("w_dense", _scores({**{v: 0.9 for v in wgrid}, 1.0: 0.91}), wgrid, 3.0, 0.9)[0] == 1.0
