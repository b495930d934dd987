"""``ask(question) -> Answer``: follow-up rewriting, intent routing (citation
graph, glossary, drafting), retrieval, abstention, and the extractive or LLM
answer with verification.

The answerer depends on small interfaces (:mod:`assistant.protocols`): a
retriever, the indexed documents and their citation graph.
"""

from __future__ import annotations

import logging

from assistant.extractive import extractive_answer
from assistant.followup import rewrite_followup
from assistant.intents import IntentRouter
from assistant.llm_answer import CITE_RE, build_messages, generate, verify_answer
from assistant.protocols import DocumentSource, KnowledgeGraph, Retriever
from assistant.settings import Settings
from assistant.types import Answer, Citation
from assistant.inforce import InForce
from index.types import Hit

log = logging.getLogger(__name__)

ABSTAIN_TEXT = (
    "Không tìm thấy trong tài liệu thông tin đủ tin cậy để trả lời câu hỏi này. "
    "Anh/chị có thể hỏi cụ thể hơn (tên văn bản, số hiệu, đơn vị, năm) hoặc bổ sung văn bản vào kho tài liệu."
)


def _rewrite(question: str, history: list[tuple[str, str]] | None) -> str:
    if not history:
        return question
    try:
        return rewrite_followup(question, history) or question
    except Exception:
        log.exception("follow-up rewrite failed")
        return question


class Answerer:
    """Answers questions over a ``retriever`` (passages), the indexed
    ``documents`` and their citation ``graph``; ``settings`` give the
    abstention thresholds and the LLM (``assistant.settings.Settings``)."""

    def __init__(self, retriever: Retriever, documents: DocumentSource, graph: KnowledgeGraph, settings: Settings):
        self.retriever = retriever
        self.settings = settings
        self.router = IntentRouter(documents, graph, settings)
        self.inforce = InForce(retriever, graph, settings)

    def ask(self, question: str, k: int = 5, history: list[tuple[str, str]] | None = None) -> Answer:
        """Answer ``question`` with ``[n]`` citations, or abstain; ``history``:
        earlier ``(question, answer)`` turns, oldest first (see
        ``CCHCService.ask``). Never raises on a question string."""
        question = (question or "").strip()
        if not question:
            return Answer(question=question, answer="Câu hỏi trống.", abstained=True)
        query = _rewrite(question, history)
        routed = self._route(question, query) or self.inforce.answer_question(question, query)
        if routed is not None:
            if query != question and routed.mode == "validity":
                routed.notes.append(f"Câu hỏi được hiểu là: {query}")
            self.inforce.finish(routed)
            return routed
        missing = self.retriever.missing_entities(query)
        if missing:
            answer = Answer(question=question, abstained=True, mode="extractive", answer=(
                f"Không tìm thấy trong tài liệu: kho tài liệu không nhắc đến {', '.join(repr(m) for m in missing)}. "
                + ABSTAIN_TEXT.split(". ", 1)[1]))
            return answer
        hits, in_force = self.inforce.choose(query, self.retriever.search(query, k=k), k)
        answer = self._answer_from_hits(question, query, hits, history)
        if query != question:
            answer.notes.append(f"Câu hỏi được hiểu là: {query}")
        # the law in force at the as-of date: history line, missing successor, validity notes (every
        # number they add is backed by a cited passage or validity-table row)
        self.inforce.finish(answer, in_force)
        return answer

    # ---- intents answered from structured data (citation graph, glossary) ----
    def _route(self, question: str, query: str) -> Answer | None:
        try:
            return self.router.route(question, query)
        except Exception:
            log.exception("intent routing failed")
            return None

    # ---- retrieval-grounded answers -----------------------------------------
    def _confident(self, hits: list[Hit]) -> bool:
        return bool(hits) and max(h.confidence for h in hits) >= self.settings.abstain_threshold

    def _answer_from_hits(self, question: str, query: str, hits: list[Hit], history) -> Answer:
        if not self._confident(hits):
            return Answer(question=question, answer=ABSTAIN_TEXT, abstained=True,
                          citations=[], mode="extractive")
        text, citations, evidence = extractive_answer(query, hits, self.retriever.term_idf)
        if not text or evidence < self.settings.sentence_threshold:
            return Answer(question=question, answer=ABSTAIN_TEXT, abstained=True, mode="extractive")
        extractive = Answer(question=question, answer=text, citations=citations, mode="extractive")
        if not self.settings.llm_base_url:
            return extractive
        return self._llm(question, query, hits, history, extractive)

    def _llm(self, question, query, hits, history, fallback: Answer) -> Answer:
        try:
            reply = generate(self.settings, build_messages(query, hits, history))
        except Exception as e:
            log.warning("LLM call failed: %s", e)
            fallback.notes.append(f"Không gọi được mô hình ngôn ngữ ({type(e).__name__}); trả lời trích xuất.")
            return fallback
        if "không tìm thấy trong tài liệu" in reply.lower() and not CITE_RE.search(reply):
            return Answer(question=question, answer=ABSTAIN_TEXT, abstained=True, mode="llm")
        problems = verify_answer(reply, hits)
        if problems:
            fallback.notes.append("Câu trả lời của mô hình bị loại vì: " + "; ".join(problems))
            return fallback
        used = sorted({int(n) for n in CITE_RE.findall(reply)})
        citations = [Citation.from_hit(n, hits[n - 1]) for n in used]
        return Answer(question=question, answer=reply, citations=citations, mode="llm")
