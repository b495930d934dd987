"""The LLM answer path with a fake model (no server): the prompt's explicit
"không có trong tài liệu" reply, the short prompt, the check of the reply,
and the fixed-seed question sample the LLM evals use. Real text: the Bến
Thành plan (Yoyoschool target) and the shipped staff-worded question set."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest

from assistant import answering
from assistant.answering import ABSTAIN_TEXT
from assistant.llm_answer import (NOT_FOUND_REPLY, REJECTED_NOTE, SYSTEM_PROMPT, is_not_found, prompt_passages)

QUESTION = "Trường Mầm non Bến Thành đặt chỉ tiêu tỷ lệ phụ huynh thanh toán học phí qua Yoyoschool bao nhiêu?"
PASSAGE_RE = re.compile(r"^\[(\d+)\] ", re.MULTILINE)


@pytest.fixture()
def with_llm(small_service, monkeypatch):
    """``small_service`` with an LLM configured; returns ``set_reply(fn)``: ``fn(prompt) -> reply``
    stands in for the server, and the prompts it got are collected in ``set_reply.prompts``."""
    answerer = small_service._answerer
    monkeypatch.setattr(answerer, "settings", answerer.settings.model_copy(update={"llm_base_url": "http://fake/v1"}))
    prompts: list[str] = []

    def set_reply(fn):
        def fake_generate(settings, messages):
            prompts.append(messages[-1][1])
            return fn(messages[-1][1])
        monkeypatch.setattr(answering, "generate", fake_generate)

    set_reply.prompts = prompts
    return set_reply


def _passage_with(prompt: str, needle: str) -> int:
    """The number of the prompt passage holding ``needle``."""
    parts = PASSAGE_RE.split(prompt)
    for n, body in zip(parts[1::2], parts[2::2]):
        if needle in body:
            return int(n)
    raise AssertionError(f"{needle!r} is in no passage of the prompt")


def test_the_prompt_asks_for_the_explicit_reply_and_it_is_recognised():
    assert f'"{NOT_FOUND_REPLY}"' in SYSTEM_PROMPT
    assert is_not_found(NOT_FOUND_REPLY)
    for reply in ["Không có thông tin về số tiền cấp cho trường trong các đoạn trích.",
                  "Tài liệu không nêu số tiền này.", "Các đoạn trích được cung cấp không có thông tin này [2]."]:
        assert is_not_found(reply), reply
    # answers that merely contain a negation are not abstentions
    assert not is_not_found("Không có hồ sơ nào bị trễ hạn trong năm 2023 [1].")
    assert not is_not_found("Tỷ lệ đạt 100% [2]; tài liệu không nêu số tiền.")


def test_not_found_reply_becomes_the_standard_abstention(small_service, with_llm):
    extractive = small_service.ask(QUESTION)
    assert not extractive.abstained and "Yoyoschool" in extractive.answer
    with_llm(lambda prompt: NOT_FOUND_REPLY)
    ans = small_service.ask(QUESTION)
    assert ans.abstained and ans.answer == ABSTAIN_TEXT and ans.mode == "llm" and ans.citations == []
    assert len(with_llm.prompts) == 1


def test_a_grounded_reply_is_kept_with_its_citation(small_service, with_llm):
    with_llm(lambda p: f"Tỷ lệ PHHS thanh toán học phí qua phần mềm Yoyoschool đạt 100% [{_passage_with(p, 'Yoyoschool')}].")
    ans = small_service.ask(QUESTION)
    assert ans.mode == "llm" and not ans.abstained
    assert [c.doc_id for c in ans.citations] == ["2024-mn-ben-thanh-q1-cchc"]


def test_a_reply_with_a_figure_absent_from_its_passage_falls_back_to_the_extractive_answer(small_service, with_llm):
    with_llm(lambda p: f"Tỷ lệ thanh toán học phí qua Yoyoschool đạt 87% [{_passage_with(p, 'Yoyoschool')}].")
    ans = small_service.ask(QUESTION)
    assert ans.mode == "extractive" and "87%" not in ans.answer and "Yoyoschool" in ans.answer
    assert any(n.startswith(REJECTED_NOTE) and "87" in n for n in ans.notes)


def test_the_prompt_holds_the_best_read_passages_only(small_service, with_llm):
    with_llm(lambda p: NOT_FOUND_REPLY)
    small_service.ask(QUESTION)
    prompt = with_llm.prompts[-1]
    numbers = [int(n) for n in PASSAGE_RE.findall(prompt)]
    assert numbers == list(range(1, len(numbers) + 1))
    assert 1 <= len(numbers) <= small_service.settings.llm_passages < small_service.settings.reading_candidates
    assert _passage_with(prompt, "Yoyoschool") == 1  # the passage the extractive reading quotes comes first


def test_prompt_passages_orders_by_best_unit_score_then_retrieval_rank():
    hits = ["h0", "h1", "h2", "h3"]
    scored = [SimpleNamespace(hit_index=2, score=0.9), SimpleNamespace(hit_index=0, score=0.4),
              SimpleNamespace(hit_index=2, score=0.1), SimpleNamespace(hit_index=7, score=5.0)]
    assert prompt_passages(hits, scored, 3) == ["h2", "h0", "h1"]
    assert prompt_passages(hits, [], 2) == ["h0", "h1"]
    assert prompt_passages(hits, scored, 0) == ["h2"]


def test_the_reply_cap_is_sent_as_max_tokens():
    # llama.cpp's server reads max_tokens only; langchain-openai's own field is sent as max_completion_tokens
    from assistant.llm_answer import chat_model
    from assistant.settings import Settings

    llm = chat_model(Settings(llm_base_url="http://127.0.0.1:9/v1", llm_max_tokens=123), 123)
    payload = llm._get_request_payload([("human", "Xin chào")])
    assert payload["extra_body"] == {"max_tokens": 123}
    assert "max_completion_tokens" not in payload and "max_tokens" not in payload


def test_the_check_reads_the_text_the_citation_shows(small_service):
    # A number the check accepts must be one the clerk can read in the cited excerpt: the check reads
    # shown_text (the passage the prompt showed and the citation quotes), not text hidden in the index.
    from dataclasses import replace

    from assistant.llm_answer import shown_text, verify_answer

    hit = next(h for h in small_service.search(QUESTION, k=5) if "Yoyoschool" in h.chunk.text)
    assert "1478" not in hit.chunk.text
    hidden = replace(hit, chunk=replace(hit.chunk, index_text=hit.chunk.index_text + "\nQuyết định số 1478/QĐ-UBND"))
    reply = "Trường thực hiện theo Quyết định số 1478/QĐ-UBND về thanh toán học phí qua Yoyoschool [1]."
    assert shown_text(hidden) == hit.chunk.text
    assert any("1478" in p for p in verify_answer(reply, [hidden]))
    # an OCR-damaged scan is shown (and quoted) as its repaired indexed text, so the number is visible there
    scan = replace(hidden, meta=replace(hidden.meta, ocr_damaged=True))
    assert "1478/QĐ-UBND" in shown_text(scan)
    assert verify_answer(reply, [scan]) == []


def test_a_reply_without_the_value_asked_falls_back_to_the_extractive_answer(small_service, with_llm):
    # a 1.5B model often says the question back with a marker ("… đạt bao nhiêu phần trăm [1]."): it passes the
    # citation and figure checks, but a tỷ lệ question is answered only by a percentage, as the extractive reader is
    with_llm(lambda p: f"Trường đặt chỉ tiêu tỷ lệ phụ huynh thanh toán học phí qua Yoyoschool [{_passage_with(p, 'Yoyoschool')}].")
    ans = small_service.ask(QUESTION)
    assert ans.mode == "extractive" and "100%" in ans.answer
    assert any(n.startswith(REJECTED_NOTE) and "tỷ lệ" in n for n in ans.notes)
