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
from tests.conftest import BEN_THANH, DECREES, HUONG_SEN, bundled_dir
from tests.test_list_reading import _ask

TT01 = DECREES / "tt-01-2018-tt-vpcp.txt"
CV5243 = bundled_dir() / "guidance" / "cv-5243-bgddt-ngcbqlgd-2026.txt"


def _units_of(path, label: str, parent: str):
    du = DocumentUnits(parse_file(path))
    node = next(n for n in du.nodes if n.label == label and n.parent is not None and n.parent.label == parent)
    return du, node, du.units_of(node)


def test_a_provision_announcing_its_content_with_nhu_sau_is_answered_by_what_follows():
    # TT 01/2018/TT-VPCP Điều 19 khoản 1: "Mã số hồ sơ gồm …, có cấu trúc như sau:" then the code and its parts
    du, node, units = _units_of(TT01, "khoản 1", "Điều 19")
    announce = units[0]
    assert announce.text.endswith("có cấu trúc như sau:")
    assert not _framing(announce.text, announce.node)  # content of the provision, not framing
    # a plan's opening "… xây dựng Kế hoạch …, cụ thể như sau:" still frames it
    hs = DocumentUnits(parse_file(HUONG_SEN))
    opening = next(u for u in hs.all_units() if u.text.endswith("cụ thể như sau:"))
    assert _framing(opening.text, opening.node)
    # a plan section's "… tập trung thực hiện các nội dung trọng tâm như sau:" may lead its list, but it is
    # never quoted beside a sentence of content (read without its node: every "… như sau:" frames)
    bt = DocumentUnits(parse_file(BEN_THANH))
    intro = next(u for u in bt.all_units() if u.text.endswith("các nội dung trọng tâm như sau:"))
    assert not _framing(intro.text, intro.node) and _framing(intro.text)
    content = next(u for u in bt.all_units() if "dự toán ngân sách hàng năm" in u.text)
    scored = [Scored(content, 0, 0.9, 0.0), Scored(intro, 1, 0.85, 0.0)]
    q_bt = analyze("Kinh phí thực hiện kế hoạch CCHC của Trường Mầm non Bến Thành được bố trí từ đâu?")
    decision = decide(q_bt, scored, 2, ReadingParams(keep_ratio=0.6), lambda u: bt.provision(u.node))
    assert [s.unit for s in decision.units] == [content]
    # the announcing sentence read best (as with the embedder): the code and its parts are quoted after it
    q = analyze("Mã số hồ sơ thủ tục hành chính theo Điều 19 Thông tư 01/2018/TT-VPCP có cấu trúc như thế nào?")
    scored = [Scored(u, 0, 1.0 if u is announce else 0.6, 0.0) for u in units]
    decision = decide(q, scored, 1, ReadingParams(), lambda u: du.provision(u.node))
    assert decision.kind == "list" and decision.provision is node
    hit = Hit(chunk=next(c for c in du.doc.chunks if "Điều 19" in c.section), meta=du.doc.meta, score=1.0, confidence=1.0)
    text, _ = render(decision, [hit], q, lambda _doc: du.doc.text)
    lines = text.splitlines()
    assert "Điều 19, khoản 1" in lines[0] and lines[0].endswith("có cấu trúc như sau: [1]")
    assert "YYMMDD" not in lines[0]  # the lead-in line alone; the items follow
    assert any("V1V2V3.Z1Z2.Y1Y2.MX1X2-YYMMDD-XXXX" in ln for ln in lines[1:])
    assert any("YYMMDD là ngày tiếp nhận hồ sơ" in ln for ln in lines[1:])


def test_a_table_row_label_on_its_own_line_is_read_with_its_content():
    # TT 01/2018/TT-VPCP Điều 9 khoản 1: the list of biểu mẫu is a table, "Mẫu số 04" | "Mẫu phiếu xin lỗi …"
    du = DocumentUnits(parse_file(TT01))
    texts = [u.text for u in du.all_units()]
    assert "Mẫu số 04: Mẫu phiếu xin lỗi và hẹn lại ngày trả kết quả" in texts
    assert "Mẫu số 06: Mẫu sổ theo dõi hồ sơ" in texts
    ans = _ask(TT01, "tt-01-2018-tt-vpcp", "Theo Thông tư 01/2018/TT-VPCP, mẫu số 04 là mẫu gì?", "Điều 9")
    assert not ans.abstained and "xin lỗi và hẹn lại ngày trả kết quả" in ans.answer.splitlines()[0]
    # a short line that is not a numbered label is still dropped, a lone "Điều 40." label too
    assert split_sentences("Trong đó:\n- XXXX là số thứ tự hồ sơ.") == ["- XXXX là số thứ tự hồ sơ."]


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


def test_a_title_is_quoted_with_the_sentence_under_it():
    # Hương Sen plan II > 2: "* Công đoàn:" names the unit; what it does is the line under it
    hs = DocumentUnits(parse_file(HUONG_SEN))
    title = next(u for u in hs.all_units() if u.text == "* Công đoàn:")
    under = [u for u in hs.units_of(title.node) if u is not title]
    assert under and under[0].text.startswith("Phối hợp nhà trường tập huấn")
    q = analyze("còn công đoàn trường thì làm gì")
    scored = [Scored(title, 0, 0.95, 0.0)] + [Scored(u, 0, 0.5, 0.0) for u in under]
    decision = decide(q, scored, 1, ReadingParams(), lambda u: hs.provision(u.node))
    assert decision.kind == "answer" and decision.units[0].unit.text == under[0].text
    hit = Hit(chunk=next(c for c in hs.doc.chunks if c.start <= title.node.start < c.end), meta=hs.doc.meta,
              score=1.0, confidence=1.0)
    text, _ = render(decision, [hit], q, lambda _doc: hs.doc.text)
    assert "* Công đoàn: … Phối hợp nhà trường tập huấn, tuyên truyền và kiểm tra" in text
    # NĐ 30/2020 Phụ lục I, III.3: the item's title, then "Được trình bày tại ô số 12 …, cỡ chữ 11"
    pl = DocumentUnits(parse_file(DECREES / "nd-30-2020-nd-cp-phu-luc-i.docx"))
    title = next(u for u in pl.all_units()
                 if u.text == "3. Ký hiệu người soạn thảo văn bản và số lượng bản phát hành")
    units = pl.units_of(title.node)
    q = analyze("ký hiệu người soạn thảo và số lượng bản phát hành đánh cỡ chữ mấy")
    scored = [Scored(u, 0, 1.0 if u is title else 0.6, 0.0) for u in units]
    decision = decide(q, scored, 1, ReadingParams(), lambda u: pl.provision(u.node))
    assert "cỡ chữ 11" in decision.units[0].unit.text and decision.units[0].unit.lead_in.endswith(title.text)
    # a heading that is a whole sentence of content is quoted as it is
    # (Bến Thành plan 4.2. "Tiếp tục tuyên truyền Kế hoạch … Chương trình hành động số 33-CTrHĐ/TU …" + a sentence)
    bt = DocumentUnits(parse_file(BEN_THANH))
    full = next(u for u in bt.all_units() if u.text.startswith("4.2. Tiếp tục tuyên truyền Kế hoạch"))
    assert full.text == full.node.heading.strip() and full.text.endswith(".") and len(bt.units_of(full.node)) > 1
    scored = [Scored(u, 0, 1.0 if u is full else 0.3, 0.0) for u in bt.units_of(full.node)]
    assert decide(analyze("tuyên truyền chương trình hành động 33"), scored, 1, ReadingParams()).units[0].unit is full


def test_a_cong_van_footnote_line_answers_which_van_ban_but_not_what_the_rule_is():
    # CV 5243/BGDĐT-NGCBQLGD: the chú thích "[7] Khoản 1 Điều 8 Nghị định số 182/2026/NĐ-CP …" and the sentence
    # "… bao gồm việc bảo lưu chế độ phụ cấp ưu đãi theo nghề …" it annotates
    du = DocumentUnits(parse_file(CV5243))
    units = du.all_units()
    note = next(u for u in units if u.text.startswith("[7] Khoản 1 Điều 8 Nghị định số 182/2026/NĐ-CP"))
    rule = next(u for u in units if "bảo lưu chế độ phụ cấp ưu đãi" in u.text)
    q = analyze("giáo viên bị điều động sang trường khác có còn phụ cấp ưu đãi theo nghề không")
    decision = decide(q, [Scored(note, 0, 0.9, 0.0), Scored(rule, 1, 0.7, 0.0)], 2, ReadingParams())
    assert decision.kind == "answer" and decision.units[0].unit is rule
    q = analyze("phụ cấp ưu đãi theo nghề của nhà giáo quy định ở nghị định nào")
    scored = [Scored(note, 0, 0.9, 0.0, unit_spans_of(note, q)), Scored(rule, 1, 0.7, 0.0, unit_spans_of(rule, q))]
    decision = decide(q, scored, 2, ReadingParams())
    assert decision.kind == "answer" and decision.units[0].unit is note


def unit_spans_of(unit, qa):
    from assistant.spans import find_spans

    return find_spans(unit.text, qa)


def test_a_scans_cited_excerpt_is_shown_repaired_like_the_quote(full_service):
    # Tuổi Hồng's plan is an OCR scan: the source under the answer reads as the quote does ("Kết luận số 14-KL/TW
    # ngày 22 tháng 9 năm 2021"), not as the scan's text layer ("Két ludn sé 14-KL/TW ngay 22 thang 9 nim 2021")
    a = full_service.ask("bên tuổi hồng phát động thi đua cchc gắn với kết luận nào của bộ chính trị")
    cited = [c for c in a.citations if c.doc_id == "2023-mn-tuoi-hong-q1-par-index"]
    assert cited and all(c.ocr_damaged for c in cited)
    assert any("Kết luận số 14-KL/TW" in c.text for c in cited)
    assert not any("Két" in c.text for c in cited)
