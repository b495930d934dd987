"""Conversation memory (assistant.memory) and follow-up rewriting (assistant.followup)
on entities of the bundled corpus."""

from __future__ import annotations

import threading

import pytest

from assistant.followup import extract_entities, rewrite_followup
from assistant.memory import ConversationMemory, ask_in_conversation, chat_key
from tests.conftest import BEN_THANH, HUONG_SEN, ND61

BEN_THANH_Q = "Kế hoạch CCHC năm 2024 của Trường Mầm non Bến Thành có những nhiệm vụ gì?"
ND61_Q = "Nghị định 61/2018/NĐ-CP quy định gì về Bộ phận Một cửa?"


def test_corpus_holds_the_entities_used_below():
    assert "Trường Mầm non Bến Thành".upper() in BEN_THANH.read_text(encoding="utf-8").upper()
    assert "TRƯỜNG MẦM NON HƯƠNG SEN" in HUONG_SEN.read_text(encoding="utf-8")
    assert "61/2018/NĐ-CP" in ND61.read_text(encoding="utf-8").splitlines()[1]


# ---- memory ---------------------------------------------------------------------
def test_history_is_bounded_and_ordered(tmp_path):
    mem = ConversationMemory(tmp_path / "m.sqlite3", max_turns=3)
    for i in range(5):
        mem.add_turn("tg:1", f"q{i}", f"a{i}")
    mem.add_turn("web:s", "other", "x")
    assert mem.history("tg:1") == [("q2", "a2"), ("q3", "a3"), ("q4", "a4")]
    assert mem.history("web:s") == [("other", "x")]
    assert mem.history("zalo:none") == []
    mem.clear("tg:1")
    assert mem.history("tg:1") == []
    # persisted on disk: a new instance sees the same history
    assert ConversationMemory(tmp_path / "m.sqlite3", max_turns=3).history("web:s") == [("other", "x")]


def test_history_from_settings_uses_data_dir_and_history_turns(tmp_path):
    from assistant.settings import Settings

    mem = ConversationMemory.from_settings(Settings(data_dir=tmp_path, history_turns=2))
    assert mem.path == tmp_path / "conversations.sqlite3"
    for i in range(4):
        mem.add_turn("k", f"q{i}", "a")
    assert [q for q, _ in mem.history("k")] == ["q2", "q3"]


def test_citation_sets_fit_telegram_callback_data(tmp_path):
    mem = ConversationMemory(tmp_path / "m.sqlite3")
    cits = [{"n": 1, "doc_id": "nd-61-2018-nd-cp", "number": "61/2018/NĐ-CP", "text": "Bộ phận Một cửa"},
            {"n": 2, "doc_id": "x", "number": None, "text": "khác"}]
    sid = mem.save_citations(cits)
    assert len(f"src:{sid}:12".encode()) <= 64
    assert mem.get_citation(sid, 1)["number"] == "61/2018/NĐ-CP"
    assert mem.get_citation(sid, 2)["text"] == "khác"
    assert mem.get_citation(sid, 3) is None
    assert mem.get_citation("nope", 1) is None


def test_seen_messages_deduplicate_across_threads(tmp_path):
    mem = ConversationMemory(tmp_path / "m.sqlite3")
    results: list[bool] = []
    threads = [threading.Thread(target=lambda: results.append(mem.first_time_seen("zalo:msg-1"))) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results.count(True) == 1 and results.count(False) == 7


# ---- follow-up rewriting --------------------------------------------------------
def test_entities_in_a_corpus_question():
    ents = extract_entities(BEN_THANH_Q)
    assert [(s.kind, s.text) for s in ents.spans] == [("year", "năm 2024"), ("school", "Trường Mầm non Bến Thành")]
    doc = extract_entities("Thực hiện Kế hoạch số 182/KH-UBND ngày 15 tháng 01 năm 2024").first("doc")
    assert doc.text == "Kế hoạch số 182/KH-UBND"


@pytest.mark.parametrize(
    "followup, expected",
    [
        ("còn trường Hương Sen thì sao?", "Kế hoạch CCHC năm 2024 của trường Hương Sen có những nhiệm vụ gì?"),
        ("Còn Trường Mầm non Hương Sen thì thế nào?",
         "Kế hoạch CCHC năm 2024 của Trường Mầm non Hương Sen có những nhiệm vụ gì?"),
        ("thế còn năm 2023?", "Kế hoạch CCHC năm 2023 của Trường Mầm non Bến Thành có những nhiệm vụ gì?"),
        ("còn mục tiêu thì sao?", "mục tiêu Trường Mầm non Bến Thành năm 2024?"),
        ("Các nhiệm vụ đó do ai phụ trách?", "Các nhiệm vụ đó do ai phụ trách (Trường Mầm non Bến Thành năm 2024)?"),
        ("Kế hoạch đó do ai ký?", "kế hoạch của Trường Mầm non Bến Thành năm 2024 do ai ký?"),
    ],
)
def test_followups_about_a_school_plan(followup, expected):
    assert rewrite_followup(followup, [(BEN_THANH_Q, "…")]) == expected


def test_document_reference_from_previous_question_or_answer():
    assert rewrite_followup("văn bản đó có hiệu lực từ khi nào?", [(ND61_Q, "…")]) == \
        "Nghị định 61/2018/NĐ-CP có hiệu lực từ khi nào?"
    assert rewrite_followup("nó có hiệu lực từ khi nào?", [(ND61_Q, "…")]) == \
        "Nghị định 61/2018/NĐ-CP có hiệu lực từ khi nào?"
    # the question named no document; the answer cited one
    hist = [("Văn bản nào quy định cơ chế một cửa liên thông?",
             "Theo Nghị định số 61/2018/NĐ-CP, cơ chế một cửa liên thông là … [1]")]
    assert rewrite_followup("Nghị định này có hiệu lực từ khi nào?", hist) == \
        "Nghị định số 61/2018/NĐ-CP có hiệu lực từ khi nào?"


def test_chain_of_followups_carries_topic_and_entities():
    hist = [(BEN_THANH_Q, "…"), ("còn trường Hương Sen thì sao?", "…")]
    assert rewrite_followup("thế còn năm 2023?", hist) == \
        "Kế hoạch CCHC năm 2023 của trường Hương Sen có những nhiệm vụ gì?"


@pytest.mark.parametrize(
    "question",
    [
        "Trường Mầm non Hương Sen có bao nhiêu nhiệm vụ CCHC năm 2024?",
        "UBND Quận 1 triển khai cải cách hành chính trên địa bàn như thế nào?",
        "Những nhiệm vụ nào, trong đó có số hóa hồ sơ, được giao cho Bộ phận Một cửa?",
        "Nghị định 61/2018/NĐ-CP có hiệu lực từ khi nào?",
    ],
)
def test_standalone_questions_are_left_alone(question):
    assert rewrite_followup(question, [(BEN_THANH_Q, "…")]) == question


def test_no_history_or_no_antecedent_leaves_question_unchanged():
    assert rewrite_followup("văn bản đó có hiệu lực từ khi nào?", []) == "văn bản đó có hiệu lực từ khi nào?"
    assert rewrite_followup("văn bản đó có hiệu lực từ khi nào?", [("Xin chào", "Chào anh/chị")]) == \
        "văn bản đó có hiệu lực từ khi nào?"
    assert rewrite_followup("", [(BEN_THANH_Q, "…")]) == ""


def test_rewritten_followup_retrieves_the_other_school(small_service):
    """The rewrite is what makes retrieval find Hương Sen's plan: the bare
    follow-up lacks the topic, the rewritten one names the school."""
    rewritten = rewrite_followup("còn trường Hương Sen thì sao?", [(BEN_THANH_Q, "…")])
    hits = small_service.search(rewritten, k=3)
    assert hits[0].meta.doc_id == HUONG_SEN.stem
