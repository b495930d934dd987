"""``ask(question) -> Answer``: follow-up rewriting, intent routing (citation
graph, glossary, drafting), retrieval, abstention, and the extractive or LLM
answer with verification.

The answerer depends on small interfaces (:mod:`assistant.protocols`): a
retriever, the indexed documents and their citation graph.
"""

from __future__ import annotations

import logging
from copy import copy
from dataclasses import dataclass, replace

from assistant.coverage import Focus, FocusCheck, heads_item, question_focus, subject_terms, term_heads, unit_name
from assistant.extractive import DENSE_CENTERS, decide, render
from assistant.followup import CorpusKnowledge, FollowupKnowledge, rewrite_followup
from assistant.inforce import Context as InForceContext, InForce
from assistant.intents import IntentRouter
from assistant.llm_answer import (CITE_RE, FAILED_NOTE, REJECTED_NOTE, build_messages, generate, is_not_found, shown_text,
                                  prompt_passages, verify_answer)
from assistant.protocols import DocumentSource, KnowledgeGraph, Retriever, guarded_view
from assistant.question import QuestionAnalysis, analyze, content_asked, item_labels, split_glued
from assistant.reading import Reader, Scored
from assistant.settings import Settings
from assistant.types import Answer, Citation
from corpus.diacritics import restore_unaccented
from index.lexical_tokens import folded_words, has_term
from index.types import Hit

log = logging.getLogger(__name__)

ABSTAIN_TEXT = (
    "Không tìm thấy trong tài liệu thông tin đủ tin cậy để trả lời câu hỏi này. "
    "Anh/chị có thể hỏi cụ thể hơn (tên văn bản, số hiệu, đơn vị, năm) hoặc bổ sung văn bản vào kho tài liệu."
)


def partial_text(qa: QuestionAnalysis, quoted: str) -> str:
    """The answer when the passages hold no span of the type asked for: says
    what is missing, then quotes the closest passage."""
    return (f"Tài liệu không nêu {qa.label} mà câu hỏi cần; đoạn gần nhất là:\n{quoted}\n"
            "Anh/chị có thể bổ sung văn bản có thông tin này vào kho tài liệu.")


def cited_only_text(numbers: list[str], citing: list[str]) -> str:
    """The answer when a question asks what a văn bản says and the corpus
    knows that văn bản only from its citations in others (``numbers``: as the
    question writes them; ``citing``: labels of the indexed văn bản that cite
    it, possibly empty). A citation gives the cited văn bản's tên loại, số, ký
    hiệu, ngày ban hành, cơ quan ban hành and trích yếu (NĐ 30/2020/NĐ-CP Phụ
    lục I), not its content."""
    where = f" ({'; '.join(citing)})" if citing else ""
    return (f"Không tìm thấy trong tài liệu: kho tài liệu không có văn bản {', '.join(numbers)}. Các văn bản trong kho"
            f"{where} chỉ viện dẫn văn bản này (số hiệu, ngày ban hành, cơ quan ban hành, trích yếu), không nêu nội dung"
            " mà câu hỏi cần. Anh/chị có thể bổ sung văn bản này vào kho tài liệu.")


def writes_number(hit: Hit, number: str) -> bool:
    """Does the passage ``hit`` write the số hiệu ``number`` (folded, possibly partial: ``"111/2025"``), in its
    text as shown or as indexed (the repaired text of a scan), or as its own văn bản's số hiệu?"""
    return has_term(folded_words(f"{hit.chunk.text} {hit.chunk.index_text} {hit.meta.number or ''}"), number)


def with_tail(hits: list[Hit], extra: list[Hit]) -> list[Hit]:
    """``hits`` with its last ones given up to the passages ``extra`` (those not already in ``hits``, at most
    ``len(hits) - 1`` of them, so the best hit stays): same length. What the named-unit, named-number and
    named-label look-ups of :meth:`Answerer.prepare` add when retrieval missed what the question names."""
    seen = {(h.meta.doc_id, h.chunk.chunk_id) for h in hits}
    extra = [h for h in extra if (h.meta.doc_id, h.chunk.chunk_id) not in seen][:max(0, len(hits) - 1)]
    return hits[:len(hits) - len(extra)] + extra if extra else hits


def restored(query: str) -> str:
    """``query`` with diacritics restored when typed without them (else unchanged), with
    the diacritic model in use (``corpus.diacritics.restore_unaccented``, cached per model)."""
    try:
        return restore_unaccented(query)
    except Exception:
        log.exception("diacritic restoration failed")
        return query


def _rewrite(question: str, history: list[tuple[str, str]] | None,
             knowledge: FollowupKnowledge | None = None) -> str:
    if not history:
        return question
    try:
        return rewrite_followup(question, history, knowledge) or question
    except Exception:
        log.exception("follow-up rewrite failed")
        return question


@dataclass
class Reading:
    """A question prepared for answering (:meth:`Answerer.prepare`): the
    question, the standalone query, the history, the retrieved ``hits``, the
    question analysis ``qa`` and the scored units of the hits."""

    question: str
    query: str
    history: list[tuple[str, str]] | None
    hits: list[Hit]
    qa: QuestionAnalysis
    scored: list[Scored]
    #: what the law-in-force step decided (``assistant.inforce.InForce.choose``), for :meth:`Answerer.finish`
    in_force: InForceContext | None = None
    #: per unit of ``scored``: does it concern the entities the question names (``assistant.coverage``);
    #: filled on first use by :meth:`Answerer.finish`
    on_focus: list[bool] | None = None
    #: per hit: the hiệu lực of its văn bản for this question (``assistant.inforce.InForce.standing``);
    #: filled on first use by :meth:`Answerer.finish`
    standing: list | None = None


class Answerer:
    """Answers questions over a ``retriever`` (passages), the indexed
    ``documents`` and their citation ``graph``; ``settings`` give the
    abstention thresholds and the LLM (``assistant.settings.Settings``)."""

    def __init__(self, retriever: Retriever, documents: DocumentSource, graph: KnowledgeGraph, settings: Settings,
                 embeddings=None):
        self.retriever = retriever
        self.settings = settings
        self.router = IntentRouter(documents, graph, settings)
        # embeddings: the index's cached embedder (sentence vectors, query vector); None = lexical reading
        self.embeddings = embeddings
        # one DocumentUnits cache for the reader and the search's second stage (index.rerank)
        shared = getattr(getattr(retriever, "unit_vectors", None), "units", None)
        self.reader = Reader(documents.parsed_documents, embeddings, units=shared)
        self.inforce = InForce(retriever, graph, settings)
        self.documents, self.graph = documents, graph
        # the focus check reads the validity index and the glossary; a failing view is logged and read as absent
        self.focus_check = FocusCheck(guarded_view(graph, "validity", log), guarded_view(graph, "glossary", log),
                                      settings.subject_cosine, doc_text=self.doc_text, as_of=settings.as_of_date)
        # what follow-up rewriting looks up: full số hiệu, successors, guiding văn bản, an answer's source
        self.followup_knowledge = CorpusKnowledge(retriever, graph, settings.as_of_date)
        self._names: tuple[object, frozenset[str]] = (None, frozenset())
        self._texts: dict[tuple, str] = {}

    def ask(self, question: str, k: int = 5, history: list[tuple[str, str]] | None = None) -> Answer:
        """Answer ``question`` with ``[n]`` citations, or abstain; ``history``:
        earlier ``(question, answer)`` turns, oldest first (see
        ``CCHCService.ask``). Never raises on a question string."""
        prepared = self.prepare(question, k=k, history=history)
        if isinstance(prepared, Answer):
            return prepared
        return self.finish(prepared, self.params())

    def standalone(self, question: str, history: list[tuple[str, str]] | None = None) -> str:
        """The query :meth:`prepare` retrieves with: ``question`` made standalone
        against ``history`` (``assistant.followup.rewrite_followup`` with the
        corpus look-ups of :attr:`followup_knowledge`); ``question`` itself when
        it does not refer back or the rewrite fails. ``evals.harness`` measures
        retrieval of follow-ups with this same call."""
        return _rewrite(question, history, self.followup_knowledge)

    def prepare(self, question: str, k: int = 5, history: list[tuple[str, str]] | None = None,
                candidates: int | None = None) -> "Answer | Reading":
        """Everything of :meth:`ask` that does not depend on the reading
        parameters: an ``Answer`` already (empty question, routed intent,
        missing entity), or a :class:`Reading` (retrieved hits and their scored
        units) for :meth:`finish`. ``max(k, candidates)`` passages are
        retrieved; ``candidates`` defaults to ``settings.reading_candidates``
        (what :meth:`ask` uses), another value prepares what :meth:`ask` would
        with that setting. ``evals.calibrate`` prepares each question once per
        value and replays :meth:`finish` under many parameter settings."""
        question = (question or "").strip()
        if not question:
            return Answer(question=question, answer="Câu hỏi trống.", abstained=True)
        query = self.standalone(question, history)
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
        n = max(k, self.settings.reading_candidates if candidates is None else candidates)
        # the law in force at the as-of date: a replaced văn bản gives way to its successor's matching Điều
        hits = self._named_unit_hits(query, self.retriever.search(query, k=n))
        hits = self._named_label_hits(query, self._named_number_hits(query, hits))
        hits, in_force = self.inforce.choose(query, hits, n)
        qa, scored = self.read(query, hits) if hits else (analyze(query), [])
        return Reading(question, query, history, hits, qa, scored, in_force)

    #: passages of a named unit's own văn bản put in the tail of the hits when retrieval found none of them
    NAMED_UNIT_PASSAGES = 2

    def _named_unit_hits(self, query: str, hits: list[Hit]) -> list[Hit]:
        """``hits`` with, when ``query`` names an indexed unit ("Tuổi Hồng tự
        chủ tài chính theo NĐ 60/2021 và thông tư nào …") and none of ``hits``
        is from a văn bản of that unit, the best passages of its văn bản
        (``Retriever.search`` restricted to them, :data:`NAMED_UNIT_PASSAGES`)
        in place of the last hits: a question about a school is read in the
        school's plan as well as in the decree it names. Same length."""
        if not hits:
            return hits
        names = question_focus((query, restored(query)), self.unit_names()).names
        if not names:
            return hits
        try:
            docs = self.documents.parsed_documents()
        except Exception:
            return hits
        own = {d.meta.doc_id for d in docs if unit_name(d.meta.unit) in names}
        if not own or any(h.meta.doc_id in own for h in hits):
            return hits
        try:
            extra = self.retriever.search(query, k=self.NAMED_UNIT_PASSAGES, doc_ids=own)
        except Exception:
            log.exception("named-unit search failed")
            return hits
        return with_tail(hits, extra)

    #: passages writing a số hiệu the question names put in the tail of the hits when retrieval found none
    NAMED_NUMBER_PASSAGES = 2
    #: at most this many văn bản writing the số hiệu are searched
    NAMED_NUMBER_DOCS = 5

    def _named_number_hits(self, query: str, hits: list[Hit]) -> list[Hit]:
        """``hits`` with, for each số hiệu ``query`` names (``question_focus``)
        that none of ``hits`` writes, the best passages that do
        (``Retriever.search`` restricted to the indexed văn bản writing it,
        :data:`NAMED_NUMBER_PASSAGES` per number) in place of the last hits:
        "NĐ 60 bị sửa bởi NĐ 111/2025, NĐ 111 ban hành ngày nào" is read where
        NĐ 111/2025 is cited with its date, not only in NĐ 60/2021 that the
        question also names. Same length."""
        if not hits:
            return hits
        numbers = question_focus((query, restored(query)), self.unit_names()).numbers
        if not numbers:
            return hits

        missing = [n for n in numbers if not any(writes_number(h, n) for h in hits)]
        if not missing:
            return hits
        try:
            docs = self.documents.parsed_documents()
        except Exception:
            return hits
        extra: list[Hit] = []
        for n in missing:
            own = [d.meta.doc_id for d in docs if has_term(self.doc_text(d.meta.doc_id) or "", n)]
            found: list[Hit] = []
            for doc_id in own[:self.NAMED_NUMBER_DOCS]:  # each văn bản apart: one that merely cites it elsewhere
                try:                                      # must not crowd out the passage that writes it
                    found += [h for h in self.retriever.search(query, k=10, doc_ids={doc_id}) if writes_number(h, n)][:1]
                except Exception:
                    log.exception("named-number search failed")
            extra += sorted(found, key=lambda h: -h.confidence)[:self.NAMED_NUMBER_PASSAGES]
        return with_tail(hits, extra)

    #: passages writing an item label the question names put in the tail of the hits when retrieval found none
    NAMED_LABEL_PASSAGES = 1

    def _named_label_hits(self, query: str, hits: list[Hit]) -> list[Hit]:
        """``hits`` with, when ``query`` names a numbered item by its label
        ("chỉ số nội dung 5", "nhóm 3", "biểu mẫu số 06": two or more words
        and a number below 100, :func:`item_labels`) that none of ``hits``
        writes, the best passage that writes it (folded phrase match, in its
        text or indexed text) in place of the last hit: "chỉ số nội dung 5 …
        giao cho ai" is read in the plan's item "5. Chỉ số nội dung 5 …". Same
        length."""
        labels = item_labels(query)
        if not hits or not labels:
            return hits

        def writes(h: Hit, label: str) -> bool:
            return f" {label} " in folded_words(f"{h.chunk.heading} {h.chunk.text} {h.chunk.index_text}")

        extra: list[Hit] = []
        for label in labels:
            if any(writes(h, label) for h in hits):
                continue
            try:
                found = self.retriever.search(f"{label} {query}", k=20)
            except Exception:
                log.exception("named-label search failed")
                continue
            extra += [h for h in found if writes(h, label)][:self.NAMED_LABEL_PASSAGES]
        return with_tail(hits, extra)

    def reanalyze(self, reading: "Reading") -> "Reading":
        """``reading`` with its question analysis and typed spans recomputed
        (cheap: no retrieval, no embedding), e.g. after loading a cached reading."""
        from assistant.reading import unit_spans

        qa = self._analyze(reading.query, restored(reading.query), reading.hits)
        scored = [replace(s, spans=unit_spans(s.unit, reading.hits[s.hit_index], qa)) for s in reading.scored]
        return replace(reading, qa=qa, scored=scored, on_focus=None, standing=None)

    def finish(self, reading: "Reading", params) -> Answer:
        """The answer of a prepared :class:`Reading` under ``params``
        (``assistant.extractive.ReadingParams``), with its notes."""
        answer = self._answer_from_hits(reading, params)
        if reading.query != reading.question:
            answer.notes.append(f"Câu hỏi được hiểu là: {reading.query}")
        # history line, missing successor, validity notes at the as-of date (every number they add is
        # backed by a cited passage or validity-table row)
        self.inforce.finish(answer, reading.in_force)
        return answer

    # ---- intents answered from structured data (citation graph, glossary) ----
    def _route(self, question: str, query: str) -> Answer | None:
        try:
            return self.router.route(question, query)
        except Exception:
            log.exception("intent routing failed")
            return None

    # ---- retrieval-grounded answers -----------------------------------------
    def _analyze(self, query: str, text: str, hits: list[Hit]) -> QuestionAnalysis:
        """``analyze(query, terms_text=text)`` with its focus words the segmenter glued (written in none
        of ``hits``) split into the corpus's words (``assistant.question.split_glued``)."""
        qa = analyze(query, terms_text=text)
        focus = split_glued(qa.focus, self.retriever.term_idf,
                            lambda: [folded_words(f"{h.chunk.heading}\n{h.chunk.index_text}") for h in hits])
        return replace(qa, focus=focus) if focus != qa.focus else qa

    def read(self, query: str, hits: list[Hit]) -> tuple[QuestionAnalysis, list[Scored]]:
        """Question analysis of ``query`` and its scored reading units in
        ``hits`` (``assistant.reading.Reader.read``); what :func:`decide` needs."""
        text = restored(query)
        qa = self._analyze(query, text, hits)
        qvec = None
        if self.embeddings is not None:
            try:
                qvec = self.embeddings.embed_query(text)
            except Exception:
                log.exception("query embedding failed; lexical reading only")
        return qa, self.reader.read(qa, list(qa.focus), qvec, hits, self.retriever.term_idf)

    def unit_names(self) -> frozenset[str]:
        """Folded names of the units whose documents are indexed (``assistant.coverage.unit_name``)."""
        try:
            docs = self.documents.parsed_documents()
        except Exception:
            log.exception("documents unavailable")
            return frozenset()
        if docs is not self._names[0]:
            self._names = (docs, frozenset(n for n in (unit_name(d.meta.unit) for d in docs) if n))
        return self._names[1]

    def doc_text(self, doc_id: str) -> str | None:
        """Folded words (``index.lexical_tokens.folded_words``) of the indexed văn
        bản ``doc_id``: its text, trích yếu, cơ quan ban hành, unit, quận and địa
        danh; None when it is not indexed. Cached per văn bản and content."""
        du = self.reader.doc_units(doc_id)
        if du is None:
            return None
        d = du.doc
        m = d.meta
        key = (doc_id, m.content_hash, len(d.text))
        if key not in self._texts:
            if len(self._texts) > 4096:
                self._texts.clear()
            self._texts[key] = folded_words(" ".join(x or "" for x in (
                d.text, m.title, m.issuer, m.unit, m.district, m.governing_body, m.place)))
        return self._texts[key]

    def focus_of(self, reading: "Reading") -> "Focus":
        """The :class:`assistant.coverage.Focus` of ``reading``'s question: the
        names, số hiệu and years it names (``question_focus``) and its subject
        terms (``subject_terms`` of its focus terms, rarer than
        ``Settings.subject_idf``, that none of the retrieved passages contains)."""
        focus = question_focus((reading.query, restored(reading.query)), self.unit_names())
        cited_only = self.content_of(reading.query)
        if cited_only:
            focus = replace(focus, content_of=cited_only)
        # the passages read, as shown and as indexed (the repaired text of a scan)
        passages = [f"{h.chunk.heading}\n{h.chunk.text}\n{h.chunk.index_text}\n{h.meta.title or ''}"
                    for h in reading.hits]
        terms = subject_terms(reading.qa.focus, self.retriever.term_idf, self.settings.subject_idf, focus, passages,
                              self.focus_check.aliases(), unaccented=restored(reading.query) != reading.query)
        if not terms:
            return focus
        unseen = self.retriever.term_idf("")
        never = [t for t in terms if self.retriever.term_idf(t.replace(" ", "_")) >= unseen]
        heads = ()
        if never:
            from corpus.diacritics import get_model

            uni = get_model().unigrams
            heads = term_heads(never, restored(reading.query), lambda x: uni.get(x, 0))
        return replace(focus, terms=terms, heads=heads)

    def content_of(self, query: str) -> tuple[str, ...]:
        """The số hiệu ``query`` names whose content it asks (``assistant.question.content_asked``) that the
        corpus knows only by citation (:meth:`cited_only`): ``Focus.content_of``."""
        numbers = question_focus((query, restored(query)), self.unit_names()).numbers
        return self.cited_only(content_asked(query, numbers))

    def cited_only(self, numbers: tuple[str, ...]) -> tuple[str, ...]:
        """Those of ``numbers`` (folded số hiệu as a question writes them) that
        no indexed văn bản bears (``corpus.validity.ValidityIndex.resolve`` then
        ``in_corpus``): văn bản the corpus knows only from their citations in
        others. ``()`` when the validity index is unavailable."""
        if not numbers:
            return ()
        vx = self.focus_check.validity()
        if vx is None:
            return ()
        out = []
        for n in numbers:
            try:
                canonical = vx.resolve(n)
                known = (bool(canonical) and vx.in_corpus(canonical)) or any(
                    has_term(folded_words(k), n) for k in vx.documents)
            except Exception:
                log.exception("số hiệu look-up failed")
                known = True
            if not known:
                out.append(n)
        return tuple(out)

    def on_focus(self, reading: "Reading") -> list[bool]:
        """For each scored unit of ``reading``: does it concern the entities its
        question names and its subject terms (:meth:`focus_of`,
        ``assistant.coverage.FocusCheck.covered`` with the unit's dense cosine)?"""
        focus = self.focus_of(reading)
        self.focus_check.paraphrase_cosine = self.settings.subject_cosine
        return [self.focus_check.covered(focus, s.unit, reading.hits[s.hit_index], s.dense) for s in reading.scored]

    def params(self):
        """The reading parameters, with the dense centre of this embedding space (``DENSE_CENTERS``)."""
        from dataclasses import replace

        from index.embeddings import embedder_id

        space = embedder_id(self.embeddings) if self.embeddings is not None else ""
        space = getattr(self.embeddings, "space", space)
        return replace(self.settings.reading, dense_center=DENSE_CENTERS.get(space))

    def _answer_from_hits(self, reading: "Reading", params) -> Answer:
        question, query, history = reading.question, reading.query, reading.history
        hits = reading.hits[:max(1, params.candidates)]
        if not hits or max(h.confidence for h in hits) < params.chunk_threshold:
            return Answer(question=question, answer=ABSTAIN_TEXT, abstained=True, citations=[], mode="extractive")
        qa = reading.qa
        if reading.on_focus is None:
            reading.on_focus = self.on_focus(reading)
        # only units that concern the school, số hiệu and year the question names are candidates
        scored = [copy(s) for s, ok in zip(reading.scored, reading.on_focus) if ok and s.hit_index < len(hits)]
        # a numbered item the question names by its label ("chỉ số nội dung 5") is read in that item when one is there
        labels = item_labels(query)
        if labels:
            named = [s for s in scored if any(heads_item(x, lb) for lb in labels
                                              for x in (s.unit.text, s.unit.lead_in, s.unit.node.heading))]
            scored = named or scored
        if reading.standing is None:
            reading.standing = self.inforce.standing(reading.query, reading.hits)
        decision = decide(qa, scored, len(hits), params, self.reader.provision_of, reading.standing)
        if decision.kind == "abstain":
            return Answer(question=question, answer=self._abstain_text(reading), abstained=True, mode="extractive")
        text, citations = render(decision, hits, qa, self.reader.doc_text)
        if decision.kind == "partial":
            partial = Answer(question=question, answer=partial_text(qa, text), citations=citations, abstained=True,
                             mode="extractive")
            if not self.settings.llm_base_url:
                return partial
            return self._llm(question, query, self._prompt_passages(hits, scored), history,
                             partial, qa)
        extractive = Answer(question=question, answer=text, citations=citations, mode="extractive")
        if not self.settings.llm_base_url:
            return extractive
        return self._llm(question, query, self._prompt_passages(hits, scored), history,
                         extractive, qa)

    def _abstain_text(self, reading: "Reading") -> str:
        """:data:`ABSTAIN_TEXT`, or :func:`cited_only_text` when the question asks what a văn bản says that the
        corpus knows only by citation (``Focus.content_of``), naming the retrieved văn bản that cite it."""
        numbers = self.content_of(reading.query)
        if not numbers:
            return ABSTAIN_TEXT
        from assistant.extractive import document_label
        from index.lexical_tokens import compound_tokens

        written = [reading.query[s:e].upper() for n in numbers for s, e, tok in compound_tokens(reading.query)
                   if has_term(folded_words(tok), n)]
        citing = [document_label(h) for h in reading.hits if any(writes_number(h, n) for n in numbers)]
        if not citing:  # no retrieved passage writes it: name no number the passages do not hold
            return ABSTAIN_TEXT
        return cited_only_text(list(dict.fromkeys(written or [n.upper() for n in numbers])), list(dict.fromkeys(citing))[:3])

    def _prompt_passages(self, hits: list[Hit], scored: list[Scored]) -> list[Hit]:
        return prompt_passages(hits, scored, self.settings.llm_passages, self.settings.llm_passage_chars)

    def _llm(self, question, query, hits, history, fallback: Answer, qa: QuestionAnalysis | None = None) -> Answer:
        # an explicit "không có trong tài liệu" reply (llm_answer.NOT_FOUND_REPLY) becomes the standard abstention
        try:
            reply = generate(self.settings, build_messages(query, hits, history))
        except Exception as e:
            log.warning("LLM call failed: %s", e)
            fallback.notes.append(f"{FAILED_NOTE} ({type(e).__name__}); trả lời trích xuất.")
            return fallback
        if is_not_found(reply):
            return Answer(question=question, answer=ABSTAIN_TEXT, abstained=True, mode="llm")
        problems = verify_answer(reply, hits, qa)
        if problems:
            fallback.notes.append(REJECTED_NOTE + "; ".join(problems))
            return fallback
        used = sorted({int(n) for n in CITE_RE.findall(reply)})
        citations = [Citation.from_hit(n, hits[n - 1], text=shown_text(hits[n - 1])) for n in used]
        return Answer(question=question, answer=reply, citations=citations, mode="llm")
