"""The diacritic model a store holding the bundled corpus builds, for
measurements and tests that run corpus code without a store.

``index.knowledge.StoreDiacritics`` trains the model of a store on the base
text plus the clean (non-OCR) text of its indexed documents; code outside a
store (OCR repair in ``python -m evals.ocr_restore``, gold verification in
``evals.dataset``, unit tests) gets the same statistics from
:func:`bundled_diacritic_model`, so its figures describe what a user of the
bundled corpus sees.
"""

from __future__ import annotations

from functools import lru_cache

from corpus.diacritics import DiacriticModel, model_for_texts
from corpus.loaders import load_text
from corpus.pipeline import bundled_paths
from corpus.textnorm import is_ocr_damaged


def bundled_clean_texts() -> dict[str, str]:
    """``{doc_id: text}`` of the bundled documents whose text is clean (not OCR-damaged)."""
    out = {}
    for p in bundled_paths():
        text = load_text(p)[0]
        if not is_ocr_damaged(text):
            out[p.stem] = text
    return out


@lru_cache(maxsize=1)
def bundled_diacritic_model() -> DiacriticModel:
    """Base text + the clean bundled documents (built once, ~2 s)."""
    return model_for_texts(bundled_clean_texts().values())
