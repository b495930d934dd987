"""The one in-memory cache of :class:`corpus.units.DocumentUnits` (the section
tree and reading units of a stored document), shared by the second stage of
hybrid search (``index.rerank.UnitVectors``) and the reader
(``assistant.reading.Reader``), so a document is split into units once.

One job: ``ParsedDocument → DocumentUnits``, least recently used first out.

Key: the document's ``content_hash`` (its ``doc_id`` when it has none) and the
version of the diacritic model in use (``corpus.diacritics.get_model``): the
units of an OCR-damaged scan are repaired with that model
(``corpus.units.DocumentUnits.units_of``), which differs per store, so one
store never reads units another store's model repaired (a document that is
no scan is not repaired: its key carries version 0).
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from corpus.diacritics import get_model
from corpus.models import ParsedDocument
from corpus.units import DocumentUnits

#: documents kept (each holds its section tree and, once read, its units)
MAX_DOCS = 256


class DocumentUnitsCache:
    """Thread-safe LRU of ``DocumentUnits`` over at most ``max_docs`` documents."""

    def __init__(self, max_docs: int = MAX_DOCS):
        self.max_docs = max_docs
        self._units: OrderedDict[tuple[str, int], DocumentUnits] = OrderedDict()
        self._lock = threading.Lock()

    @staticmethod
    def key(doc: ParsedDocument) -> tuple[str, int]:
        """``(content_hash or doc_id, diacritic model version in use)``; the
        version is 0 for a document that is no OCR scan (its units are not
        repaired), so the model is not looked up for it."""
        return doc.meta.content_hash or doc.meta.doc_id, get_model().version if doc.meta.ocr_damaged else 0

    def get(self, doc: ParsedDocument) -> DocumentUnits:
        """The units of ``doc`` (built now when not cached under :meth:`key`).
        Call it under the store's diacritic model (``corpus.diacritics.use_model``)."""
        key = self.key(doc)
        with self._lock:
            du = self._units.get(key)
            if du is not None:
                self._units.move_to_end(key)
                return du
        du = DocumentUnits(doc)
        with self._lock:
            du = self._units.setdefault(key, du)
            self._units.move_to_end(key)
            while len(self._units) > self.max_docs:
                self._units.popitem(last=False)
        return du

    def __len__(self) -> int:
        return len(self._units)
