"""Document-level index: the passages that say *which document* rules on a subject.

For questions whose answer is a document ("Văn bản nào quy định X", "theo
quyết định nào", "luật số mấy"; :func:`index.question_forms.is_document_question`)
the hybrid search also ranks *document entries*:

* one entry per indexed document: its loại, số hiệu and trích yếu (the title
  under which it is cited), pointing at the passage of the document that
  holds its trích yếu (its header), else its first passage;
* one entry per sentence of any passage that names a document by số hiệu
  (:func:`corpus.legal_refs.find_numbers`), e.g. a plan's "Căn cứ Quyết định
  số 766/QĐ-TTg ngày 23/6/2022 của Thủ tướng Chính phủ phê duyệt Chỉ số phục
  vụ người dân …", pointing at that passage.

Entries are ranked by BM25 over the same accent-folded tokens as the passage
index (:func:`index.lexical_tokens.lexical_tokens`, segmenter off: entries are
short), so the answer names the document (số hiệu + trích yếu) with a passage
that shows it. Built in memory from the passages and document metadata of one
store generation (≈ 1 s per 1,000 passages).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import bm25s
import numpy as np

from corpus.legal_refs import find_numbers, fold
from corpus.models import Chunk, DocumentMeta
from index.lexical_tokens import lexical_tokens

_SENT = re.compile(r"(?<=[.;!?])\s+|\n+")


def _sentences_with_numbers(text: str) -> list[str]:
    out = []
    for s in _SENT.split(text or ""):
        s = s.strip()
        if len(s) >= 20 and find_numbers(s):
            out.append(s[:600])
    return out


def _header_chunk(meta: DocumentMeta, chunks: list[Chunk]) -> str:
    """The chunk id of the passage holding the document's trích yếu (else its first passage)."""
    title = fold(meta.title or "")
    key = " ".join(title.split()[:6])
    if key:
        for c in chunks:
            if key in " ".join(fold(c.text).split()):
                return c.chunk_id
    return chunks[0].chunk_id


class DocumentLevelIndex:
    """BM25 over document entries (module docstring); ``search`` returns passage ids."""

    def __init__(self, metas: Iterable[DocumentMeta], chunks: Iterable[Chunk]):
        by_doc: dict[str, list[Chunk]] = {}
        for c in chunks:
            by_doc.setdefault(c.doc_id, []).append(c)
        self.targets: list[str] = []
        texts: list[str] = []
        for m in metas:
            cs = by_doc.get(m.doc_id)
            if not cs:
                continue
            label = " ".join(p for p in (m.doc_type, m.number, m.title) if p)
            if label:
                self.targets.append(_header_chunk(m, cs))
                texts.append(label)
            for c in cs:
                for s in _sentences_with_numbers(c.text if c.index_text == c.text else c.index_text):
                    self.targets.append(c.chunk_id)
                    texts.append(s)
        self._model = None
        if texts:
            self._model = bm25s.BM25()
            self._model.index([lexical_tokens(t, segment=False) or ["∅"] for t in texts], show_progress=False)
        self.size = len(texts)

    def search(self, query: str, k: int = 10) -> list[tuple[str, float]]:
        """Top passages ``(chunk_id, best entry BM25 score)`` for ``query``, best first, each passage once."""
        if self._model is None:
            return []
        q = [t for t in lexical_tokens(query, segment=False) if t in self._model.vocab_dict]
        if not q:
            return []
        scores = self._model.get_scores(q)
        order = np.argsort(-scores, kind="stable")
        out: list[tuple[str, float]] = []
        seen: set[str] = set()
        for i in order:
            if scores[i] <= 0 or len(out) >= k:
                break
            cid = self.targets[i]
            if cid not in seen:
                seen.add(cid)
                out.append((cid, float(scores[i])))
        return out
