"""The answerer, the intent router and the conversation policy over the small
interfaces of ``assistant.protocols``: real parsed documents of the bundled
corpus, no index, no service."""

from __future__ import annotations

import dataclasses

import pytest

from assistant.answering import ABSTAIN_TEXT, Answerer
from assistant.intents import IntentRouter, find_plan
from assistant.memory import ConversationMemory, ask_in_conversation, chat_key
from assistant.settings import Settings
from assistant.types import Answer
from corpus.citations import build_graph
from corpus.pipeline import parse_file
from index.types import Hit
from tests.conftest import BEN_THANH, HOA_BINH, HUONG_SEN, ND61, PLANS

TUOI_HONG = PLANS / "2023-mn-tuoi-hong-q1-par-index.txt"


class Corpus:
    """DocumentSource + KnowledgeGraph over parsed files."""

    def __init__(self, paths):
        self.docs = [parse_file(p) for p in paths]
        self.graph = build_graph(self.docs)

    def parsed_documents(self):
        return self.docs

    def citation_graph(self):
        return self.graph


class WordRetriever:
    """Retriever: the chunks containing a word of the query (no ranking
    model); records the calls it gets."""

    def __init__(self, corpus: Corpus, missing: list[str] | None = None):
        self.corpus = corpus
        self.missing = missing or []
        self.calls: list[str] = []

    def search(self, query, k=5):
        self.calls.append(f"search:{query}")
        hits = []
        for d in self.corpus.docs:
            for c in d.chunks:
                if "Yoyoschool" in query and "Yoyoschool" in c.text:
                    hits.append(Hit(chunk=c, meta=d.meta, score=1.0, confidence=1.0))
        return hits[:k]

    def missing_entities(self, query):
        self.calls.append(f"missing:{query}")
        return self.missing

    def term_idf(self, term):
        return 1.0


@pytest.fixture(scope="module")
def corpus():
    return Corpus([BEN_THANH, HUONG_SEN, HOA_BINH, ND61, TUOI_HONG])


def test_router_answers_a_citation_question_from_the_graph(corpus):
    ans = IntentRouter(corpus, corpus).route("Kế hoạch của trường Mầm non Hương Sen căn cứ những văn bản nào?",
                                             "Kế hoạch của trường Mầm non Hương Sen căn cứ những văn bản nào?")
    assert ans is not None and ans.mode == "graph"
    assert "1076/QĐ-UBND" in ans.answer and {c.doc_id for c in ans.citations} == {HUONG_SEN.stem}


def test_router_leaves_ordinary_questions_to_retrieval(corpus):
    assert IntentRouter(corpus, corpus).route("Bộ phận Một cửa có nhiệm vụ gì?", "Bộ phận Một cửa có nhiệm vụ gì?") is None


def test_find_plan_tolerates_an_ocr_damaged_unit_name(corpus):
    tuoi_hong = next(d for d in corpus.docs if d.meta.doc_id == TUOI_HONG.stem)
    damaged = dataclasses.replace(tuoi_hong, meta=dataclasses.replace(tuoi_hong.meta, unit="Trường Mầm non Tủi Hồng",
                                                                          number=None))
    docs = [d for d in corpus.docs if d is not tuoi_hong] + [damaged]
    assert find_plan("Kế hoạch của trường Tuổi Hồng căn cứ văn bản nào?", docs) is damaged
    assert find_plan("Kế hoạch của trường Hương Sen căn cứ văn bản nào?", docs).meta.doc_id == HUONG_SEN.stem
    # another name is not "near": Hòa Bình is not Hoa Phượng
    assert find_plan("Kế hoạch của trường Hoa Phượng căn cứ văn bản nào?", docs) is None


def test_answerer_over_a_plain_retriever(corpus):
    retriever = WordRetriever(corpus)
    ans = Answerer(retriever, corpus, corpus, Settings(embedding_backend="fake")).ask(
        "Tỷ lệ phụ huynh thanh toán học phí qua phần mềm Yoyoschool là bao nhiêu?")
    assert not ans.abstained and ans.mode == "extractive" and "100%" in ans.answer
    assert ans.citations[0].doc_id == BEN_THANH.stem and "Yoyoschool" in ans.citations[0].text
    assert [c.split(":")[0] for c in retriever.calls] == ["missing", "search"]


def test_answerer_abstains_on_a_missing_entity_without_searching(corpus):
    retriever = WordRetriever(corpus, missing=["nghe an"])
    ans = Answerer(retriever, corpus, corpus, Settings(embedding_backend="fake")).ask(
        "Tỉnh Nghệ An đặt chỉ tiêu Yoyoschool bao nhiêu?")
    assert ans.abstained and "'nghe an'" in ans.answer and ABSTAIN_TEXT.split(". ", 1)[1] in ans.answer
    assert not any(c.startswith("search") for c in retriever.calls)


class Echo:
    """Asker that records the history it is given."""

    def __init__(self):
        self.seen: list[list[tuple[str, str]] | None] = []

    def ask(self, question, k=5, history=None):
        self.seen.append(history)
        return Answer(question=question, answer=f"đáp: {question}")


def test_conversation_policy_passes_history_and_stores_the_turn(tmp_path):
    mem = ConversationMemory(tmp_path / "m.sqlite3", max_turns=2)
    asker = Echo()
    key = chat_key("tg", 42)
    assert key == "tg:42"
    for q in ("q1", "q2", "q3"):
        ask_in_conversation(asker, mem, key, q)
    assert asker.seen == [None, [("q1", "đáp: q1")], [("q1", "đáp: q1"), ("q2", "đáp: q2")]]
    assert mem.history(key) == [("q2", "đáp: q2"), ("q3", "đáp: q3")]
    # no key: no memory read or written
    ask_in_conversation(asker, mem, None, "q4")
    assert asker.seen[-1] is None and mem.history(key)[-1] == ("q3", "đáp: q3")


def test_guarded_view_reads_a_view_or_logs_and_gives_none(caplog):
    import logging

    from assistant.protocols import guarded_view
    from corpus.validity import ValidityIndex

    corpus = Corpus([ND61])  # a KnowledgeGraph with a citation graph but no validity view or glossary
    log = logging.getLogger("tests.guarded_view")
    assert guarded_view(corpus, "citation_graph", log)() is corpus.graph
    with caplog.at_level(logging.ERROR, logger="tests.guarded_view"):
        assert guarded_view(corpus, "validity", log)() is None
        assert guarded_view(corpus, "glossary", log)() is None
    assert [r.getMessage() for r in caplog.records] == ["validity knowledge unavailable", "glossary unavailable"]
    corpus.validity = lambda: ValidityIndex.from_documents(corpus.docs)  # the view, once the graph has it
    vx = guarded_view(corpus, "validity", log)()
    assert vx.in_corpus("61/2018/NĐ-CP")
