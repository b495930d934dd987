"""What the reader quotes on real provisions of the bundled corpus: a provision announcing its
content with "… như sau:", a table row whose label is a line of its own, a công văn's footnote
references, a further typed sentence beside the one that answers."""

from __future__ import annotations

import re

from assistant.extractive import ReadingParams, _framing, decide, footnote_marks, render
from assistant.question import analyze
from assistant.reading import Scored
from corpus.pipeline import parse_file
from corpus.units import DocumentUnits, split_sentences
from index.types import Hit
from tests.conftest import DECREES, HUONG_SEN, bundled_dir
from tests.test_list_reading import _ask

TT01 = DECREES / "tt-01-2018-tt-vpcp.txt"
CV5243 = bundled_dir() / "guidance" / "cv-5243-bgddt-ngcbqlgd-2026.txt"


def test_a_cong_van_footnote_reference_is_never_a_citation_marker():
    # CV 5243/BGDĐT-NGCBQLGD mục 6: "Thực hiện Luật Nhà giáo số 73/2025/QH15, … nhà giáo[12]."
    assert footnote_marks("Nghị quyết số 37/2026/NQ-CP[8] ngày 05/8/2026") == "Nghị quyết số 37/2026/NQ-CP⁽⁸⁾ ngày 05/8/2026"
    ans = _ask(CV5243, "cv-5243-bgddt-ngcbqlgd-2026", "Luật Nhà giáo là luật số mấy?", "6")
    assert not ans.abstained and "73/2025/QH15" in ans.answer
    cited = {c.n for c in ans.citations}
    markers = {int(n) for n in re.findall(r"\[(\d+)\]", ans.answer)}
    assert markers and markers <= cited
    assert "⁽¹²⁾" in ans.answer


CV5208 = bundled_dir() / "guidance" / "cv-5208-bgddt-gdpt-2026.txt"


def test_a_typed_sentence_of_another_van_ban_is_quoted_beside_the_answer_only_when_tied_to_the_question():
    from assistant.spans import find_spans

    q = analyze("chế độ cho hiệu trưởng, phó hiệu trưởng khi sáp nhập trường thực hiện theo văn bản nào?")
    a, b = DocumentUnits(parse_file(CV5243)), DocumentUnits(parse_file(CV5208))
    # CV 5243 mục 3 names the nghị quyết asked for; its footnote line names it again (same văn bản)
    lead = next(u for u in a.all_units() if u.text.startswith("Việc bố trí, sắp xếp, thực hiện chế độ") and "37/2026/NQ-CP" in u.text)
    note = next(u for u in a.all_units() if u.text.startswith("[8] Nghị quyết số 37/2026/NQ-CP"))
    # CV 5208 mục 2 cites a thông tư about the hiệu trưởng's quyền chủ động, not about the chế độ asked
    other = next(u for u in b.all_units() if u.text.startswith("Phát huy quyền chủ động của hiệu trưởng"))
    scored = [Scored(u, i, lex, 0.0, find_spans(u.text, q)) for i, (u, lex) in
              enumerate([(lead, 0.63), (other, 0.47), (note, 0.47)])]  # lexical scores as read
    assert all(s.spans for s in scored)
    decision = decide(q, scored, 3, ReadingParams(keep_ratio=0.6))
    quoted = [s.unit for s in decision.units]
    assert decision.kind == "answer" and quoted[0] is lead
    assert note in quoted and other not in quoted
