"""Write a :class:`assistant.drafting.models.Draft` as Markdown: the same content as the DOCX
(header, căn cứ, items, Nơi nhận), each item followed by a ``[n]`` that
indexes the "Nguồn" list at the end (document, số hiệu, mục), the history of
a căn cứ and the clerk's notes in block quotes."""

from __future__ import annotations

import re

from assistant.drafting.models import Draft

ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII"]


def _upper(text: str) -> str:
    """Upper case outside "[cần …]" marks (Phụ lục I: tên cơ quan in hoa)."""
    return "".join(p if p.startswith("[cần") else p.upper() for p in re.split(r"(\[cần [^\]]*\])", text))


def draft_to_markdown(draft: Draft) -> str:
    """Markdown text of ``draft`` (UTF-8 str)."""
    out = [
        f"**{_upper(draft.parent_agency)}**  ",
        f"**{draft.unit.upper()}**  ",
        f"{draft.number_line}",
        "",
        "**CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM**  ",
        "**Độc lập - Tự do - Hạnh phúc**  ",
        f"*{draft.place}, ngày … tháng … năm {draft.year}*",
        "",
        "# KẾ HOẠCH",
        f"## {draft.title}",
        "",
    ]
    for i, b in enumerate(draft.legal_bases):
        out.append(f"*Căn cứ {b.text}{'.' if i == len(draft.legal_bases) - 1 else ';'}*")
        if b.note:
            out.append(f"> Lưu ý: {b.note}")
        out.append("")
    out += [draft.intro(), ""]
    sources: list[str] = []
    roman, in_areas = 0, False
    for s in draft.sections:
        if s.key.startswith("nv"):
            if not in_areas:
                out += [f"### {ROMAN[roman]}. NHIỆM VỤ TRỌNG TÂM", ""]
                roman, in_areas = roman + 1, True
            n = int(s.key[2:])
            out += [f"#### {n}. {s.title}", ""]
        else:
            in_areas = False
            out += [f"### {ROMAN[roman]}. {s.title.upper()}", ""]
            roman += 1
            n = None
        for i, it in enumerate(s.items, 1):
            sources.append(it.source.label() + ("; tương tự: " + "; ".join(a.label() for a in it.also) if it.also else ""))
            label = f"{n}.{i}." if n else f"{i}."
            out.append(f"{label} {it.text} [{len(sources)}]")
            for fl in it.flags:
                out.append(f"    > Lưu ý: {fl}")
            out.append("")
        if not s.items:
            out += ["*[cần bổ sung: không có nội dung mẫu trong kho văn bản]*", ""]
    out += [draft.closing(), "", "**Nơi nhận:**  "]
    out += [f"- {r}" for r in draft.recipients]
    out += ["", f"**{draft.signer_title}**", "", "*[Họ và tên người ký]*", ""]
    if draft.notes:
        out += ["---", "**Ghi chú cho người soạn:**", ""] + [f"- {n}" for n in draft.notes] + [""]
    out += ["---", "**Nguồn:**", ""] + [f"[{i}] {s}" for i, s in enumerate(sources, 1)]
    if draft.sources:
        out += ["", "**Văn bản làm nguồn:**", ""] + [f"- {s.label()}" for s in draft.sources]
    return "\n".join(out) + "\n"
