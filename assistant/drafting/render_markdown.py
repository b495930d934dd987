"""Write a :class:`assistant.drafting.models.Draft` as Markdown: same skeleton as the DOCX,
each item followed by a superscript-style ``[n]`` that indexes the "Nguồn"
list at the end (doc_id, số hiệu, mục), clerk notes in block quotes."""

from __future__ import annotations

from assistant.drafting.models import Draft

ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII"]


def draft_to_markdown(draft: Draft) -> str:
    """Markdown text of ``draft`` (UTF-8 str)."""
    out = [
        f"**{draft.parent_agency.upper()}**  ",
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
    for b in draft.legal_bases:
        out.append(f"Căn cứ {b.text}" + (f" (**{b.note}**)" if b.note else "") + ";")
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
            out += [f"### {ROMAN[roman]}. {s.title}", ""]
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
    return "\n".join(out) + "\n"
