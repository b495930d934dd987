"""Optional LLM smoothing of a draft's wording, kept only when it passes the checks.

Any OpenAI-compatible server (``settings.llm_base_url``) through
``langchain-openai``. A section's rewrite is kept only if it returns one line
per item, invents no số hiệu and keeps every number
(:mod:`assistant.drafting.checks`); otherwise the deterministic text stays
and a note says why.
"""

from __future__ import annotations

import re

from assistant.drafting.checks import check_figures, check_no_invented_numbers
from assistant.drafting.models import Draft
from assistant.settings import Settings


def smooth_with_llm(draft: Draft, settings: Settings) -> None:
    """Ask the LLM to smooth each section's wording, in place; sets
    ``draft.mode = "llm"`` when at least one section was rewritten. Client and
    server errors are caught and noted (never raised); ``settings.llm_*``
    name the server and model."""
    from assistant.llm_answer import chat_model

    try:
        llm = chat_model(settings, max(settings.llm_max_tokens, 1024))
    except Exception as e:  # noqa: BLE001 - any client error keeps the deterministic text
        draft.notes.append(f"không gọi được LLM ({type(e).__name__}): giữ văn bản soạn tự động")
        return
    changed = 0
    for s in draft.sections:
        if not s.items:
            continue
        src = "\n".join(f"{i + 1}. {it.text}" for i, it in enumerate(s.items))
        prompt = ("Biên tập lại câu chữ các nội dung sau của một kế hoạch hành chính cho mạch lạc, đúng văn phong hành chính. "
                  "Giữ nguyên mọi con số, số hiệu văn bản, ngày tháng và ghi chú trong ngoặc vuông; không thêm nội dung mới. "
                  "Trả về đúng số dòng, mỗi dòng bắt đầu bằng số thứ tự.\n\n" + src)
        try:
            out = str(llm.invoke(prompt).content)
        except Exception as e:  # noqa: BLE001
            draft.notes.append(f"LLM lỗi ở mục {s.title} ({type(e).__name__}): giữ văn bản soạn tự động")
            continue
        lines = [re.sub(r"^\s*\d+[.)]\s*", "", ln).strip() for ln in out.splitlines() if re.match(r"^\s*\d+[.)]", ln)]
        new = "\n".join(lines)
        ok = (len(lines) == len(s.items) and not check_no_invented_numbers(new, [src])
              and not check_figures(src, "\n".join(f"{i + 1}. {t}" for i, t in enumerate(lines))))
        if ok:
            for it, t in zip(s.items, lines):
                it.text = t
            changed += 1
        else:
            draft.notes.append(f"bản biên tập của LLM ở mục “{s.title}” không qua kiểm tra (số liệu/số hiệu): giữ văn bản soạn tự động")
    if changed:
        draft.mode = "llm"
