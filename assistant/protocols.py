"""The small interfaces the answerer, the intent router and the
conversation memory depend on.

``CCHCService`` satisfies :class:`DocumentSource`, :class:`KnowledgeGraph`
(both per store generation) and :class:`Asker`, and hands its
``index.hybrid.HybridIndex`` over as the :class:`Retriever`; tests pass
anything with the same methods.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection
from typing import Any, Protocol

from assistant.types import Answer
from corpus.citations import CitationGraph
from corpus.glossary import GlossaryEntry
from corpus.validity import ValidityIndex
from corpus.models import ParsedDocument
from index.types import Hit


class Retriever(Protocol):
    """Ranked passages for a query, and what the ranking needs to judge confidence."""

    def search(self, query: str, k: int = 5, doc_ids: Collection[str] | None = None) -> list[Hit]:
        """Top-``k`` hits, best first (``index.hybrid.HybridIndex.search``);
        ``doc_ids``: only passages of these documents."""
        ...

    def missing_entities(self, query: str) -> list[str]:
        """Names and số hiệu of ``query`` that no indexed chunk contains (folded)."""
        ...

    def term_idf(self, term: str) -> float:
        """idf of a folded query term (maximal for a term the corpus never uses)."""
        ...


class DocumentSource(Protocol):
    """The indexed documents with their metadata and chunks."""

    def parsed_documents(self) -> list[ParsedDocument]:
        """Every indexed document, ``ParsedDocument`` with ``meta`` and ``chunks``."""
        ...


class KnowledgeGraph(Protocol):
    """The legal knowledge of the indexed documents (stored with them, ``index.knowledge``)."""

    def citation_graph(self) -> CitationGraph:
        """Which document cites which (``corpus.citations.graph_from_mentions``)."""
        ...

    def validity(self) -> ValidityIndex:
        """Validity facts of the indexed documents, evaluated at any date."""
        ...

    def glossary(self) -> dict[str, GlossaryEntry]:
        """Abbreviations the indexed documents define."""
        ...

    def parsed_documents(self) -> list[ParsedDocument]:
        """Every indexed document (the passages validity facts are cited from)."""
        ...


#: how a failing knowledge view is named in the log
_VIEW_NAMES = {"validity": "validity knowledge", "glossary": "glossary", "citation_graph": "citation graph"}


def guarded_view(graph: KnowledgeGraph, view: str, log: logging.Logger) -> Callable[[], Any]:
    """A getter of one :class:`KnowledgeGraph` view that never raises:
    ``guarded_view(graph, "validity", log)()`` is ``graph.validity()``, or
    None when that raises (the exception is logged on ``log`` as "validity
    knowledge unavailable", "glossary unavailable", "<view> unavailable"),
    so a damaged store costs the validity notes or the glossary, not the answer.
    ``view``: a method name of :class:`KnowledgeGraph`; it is looked up at
    each call (a ``graph`` lacking it gives None)."""
    what = _VIEW_NAMES.get(view, view)

    def get():
        try:
            return getattr(graph, view)()
        except Exception:
            log.exception("%s unavailable", what)
            return None

    return get


class Asker(Protocol):
    """Something that answers a question given the conversation so far."""

    def ask(self, question: str, k: int = 5, history: list[tuple[str, str]] | None = None) -> Answer:
        """Cited answer (``CCHCService.ask``); ``history``: ``(question, answer)`` turns, oldest first."""
        ...
