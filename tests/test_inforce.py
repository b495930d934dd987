"""Answers from the law in force at an as-of date, on the bundled corpus
(fake embedder): successor-first passages with one line of history, the
predecessor as of an earlier date, a missing successor said in the answer,
questions about hiệu lực answered from the validity knowledge, and số hiệu
only an upload cites labelled "chưa kiểm chứng"."""

from __future__ import annotations

import datetime as dt
import re


from assistant.inforce import InForce, question_as_of
from assistant.settings import Settings
from index.types import Hit
from tests.conftest import make_service

TODAY = dt.date(2026, 12, 2)


def _inforce(svc, as_of: dt.date) -> InForce:
    s = Settings(data_dir=svc.settings.data_dir, embedding_backend="fake", as_of=as_of)
    return InForce(svc.index, svc, s)


def _hit(svc, doc_id: str, section_start: str) -> Hit:
    doc = next(d for d in svc.parsed_documents() if d.meta.doc_id == doc_id)
    chunk = next(c for c in doc.chunks if c.section.startswith(section_start) or f"> {section_start}" in c.section)
    return Hit(chunk=chunk, meta=doc.meta, score=1.0, confidence=1.0)


def test_question_as_of():
    assert question_as_of("Năm 2024, cán bộ được cử ra bộ phận một cửa làm mỗi đợt tối đa bao lâu?", TODAY)[0] == \
        dt.date(2024, 12, 31)
    d, why = question_as_of("nam 2024 thi UBND tinh gui bao cao truoc ngay nao", TODAY)
    assert d == dt.date(2024, 12, 31) and "31/12/2024" in why
    for q in ("Nhiệm vụ năm học 2024-2025 là gì?", "Nghị định ban hành ngày 23 tháng 4 năm 2018 quy định gì?",
              "Soạn kế hoạch năm 2027", "Mức lương cơ sở hiện nay là bao nhiêu?", "giai đoạn 2021-2025 có gì"):
        assert question_as_of(q, TODAY) == (TODAY, None), q


def test_replaced_decree_gives_way_to_its_successor_with_one_line_of_history(full_service):
    inf = _inforce(full_service, TODAY)
    old = _hit(full_service, "nd-61-2018-nd-cp", "Điều 8")
    hits, ctx = inf.choose("Bộ phận Một cửa có nhiệm vụ gì?", [old], k=5)
    assert hits and hits[0].meta.doc_id == "nd-118-2025-nd-cp"
    # the matching provision (Điều 8 "Nhiệm vụ, quyền hạn của Bộ phận Một cửa" in both) first, in text order
    mine = [h for h in hits if h.chunk.section.startswith("Chương II > Điều 8")]
    assert mine and hits[:len(mine)] == mine and [h.chunk.start for h in mine] == sorted(h.chunk.start for h in mine)
    assert ctx.history == ["Trước 01/7/2025: Nghị định 61/2018/NĐ-CP, Điều 8 [1]"]
    assert ctx.citations[0].doc_id == "nd-61-2018-nd-cp" and ctx.citations[0].section.startswith("Điều 8")


def test_as_of_before_the_replacement_the_old_decree_answers(full_service):
    inf = _inforce(full_service, dt.date(2024, 6, 30))
    new = _hit(full_service, "nd-118-2025-nd-cp", "Chương II > Điều 8")
    hits, ctx = inf.choose("Bộ phận Một cửa có nhiệm vụ gì?", [new], k=5)
    assert {h.meta.doc_id for h in hits} == {"nd-61-2018-nd-cp"}
    (line,) = ctx.history
    assert line.startswith("Từ 01/7/2025: Nghị định 118/2025/NĐ-CP thay thế Nghị định 61/2018/NĐ-CP "
                           "(theo khoản 1 Điều 40 Nghị định 118/2025/NĐ-CP")


def test_missing_successor_is_said_in_the_answer_text(full_service):
    inf = _inforce(full_service, TODAY)
    old = _hit(full_service, "nd-106-2020-nd-cp", "Điều 3")
    hits, ctx = inf.choose("vị trí việc làm được xác định thế nào?", [old], k=5)
    assert hits == [old]
    (notice,) = ctx.notice
    assert "Nghị định 106/2020/NĐ-CP đã được thay thế bởi Nghị định 232/2026/NĐ-CP" in notice
    assert "Kho tài liệu chưa có Nghị định 232/2026/NĐ-CP" in notice
    # the replacement is read from the validity table, which is cited as its row
    assert ctx.citations[0].doc_id == "validity" and "232/2026/NĐ-CP" in ctx.citations[0].text


def test_validity_question_names_the_successor_and_its_source(full_service):
    ans = full_service.ask("Nghị định 61/2018/NĐ-CP còn hiệu lực không?")
    assert not ans.abstained and ans.mode == "validity"
    # one sentence per source, the date as that source writes it (khoản 1 Điều 40 NĐ 118/2025: "ngày 01 tháng 7
    # năm 2025"; the validity table row: "01/7/2025")
    assert ("Theo khoản 1 Điều 40 Nghị định 118/2025/NĐ-CP, Nghị định 61/2018/NĐ-CP đã hết hiệu lực từ ngày 01 tháng "
            "7 năm 2025 [1].") in ans.answer
    assert ("Theo bảng hiệu lực: Nghị định 61/2018/NĐ-CP đã được thay thế bởi Nghị định 118/2025/NĐ-CP từ 01/7/2025 "
            "(nguồn: Bộ pháp điển điện tử, phapdien.moj.gov.vn) [2].") in ans.answer
    cited = {(c.doc_id, c.section) for c in ans.citations}
    assert ("nd-118-2025-nd-cp", "Chương VII > Điều 40") in cited
    assert "github" not in ans.answer and all("github" not in n for n in ans.notes)

    ans = full_service.ask("nd 61/2018 ve mot cua con dung duoc ko")
    assert ans.mode == "validity" and "118/2025/NĐ-CP" in ans.answer

    ans = full_service.ask("NĐ 106/2020 về vị trí việc làm còn hiệu lực ko?")
    assert "được thay thế bởi Nghị định 232/2026/NĐ-CP" in ans.answer and "Kho tài liệu chưa có" in ans.answer
    assert any(c.doc_id == "validity" for c in ans.citations)

    ans = full_service.ask("Nghị định 60/2021 về tự chủ tài chính còn hiệu lực không?")
    assert "còn hiệu lực" in ans.answer and "111/2025/NĐ-CP" in ans.answer

    ans = full_service.ask("nd 118 co hieu luc tu ngay nao")
    assert ans.answer.startswith("Nghị định 118/2025/NĐ-CP có hiệu lực thi hành từ ngày 01/7/2025")

    ans = full_service.ask("NĐ 30/2020 thay thế nghị định nào về công tác văn thư?")
    assert "110/2004/NĐ-CP" in ans.answer and "Điều 37 Nghị định 30/2020/NĐ-CP" in ans.answer
    # "làm hết hiệu lực … nào" asks what the văn bản ended, not whether it is in force itself
    ans = full_service.ask("nd 60/2021 lam het hieu luc van ban nao")
    assert ans.mode == "validity" and "16/2015/NĐ-CP" in ans.answer and "Điều 41 Nghị định 60/2021/NĐ-CP" in ans.answer

    # a văn bản the corpus knows only as a successor, with no stated date: no answer is invented
    ans = full_service.ask("NĐ 232/2026 thay NĐ 106/2020 có hiệu lực từ ngày nào?")
    assert ans.abstained and "232/2026/NĐ-CP" in ans.answer


def test_notes_at_an_as_of_date(full_service):
    ans = full_service.ask("Thông tư 09/2026/TT-BTP quy định kỳ báo cáo như thế nào?")
    inf = _inforce(full_service, dt.date(2024, 6, 30))
    inf.finish(ans)
    tt = [c for c in ans.citations if c.number == "09/2026/TT-BTP"]
    assert tt and tt[0].validity_note.startswith("Thông tư 09/2026/TT-BTP có hiệu lực từ 01/8/2026")


def test_number_cited_only_by_an_upload_is_unverified(tmp_path):
    svc = make_service(tmp_path / "d")
    up = tmp_path / "thong-bao-tai-len.txt"
    up.write_text(
        "THÔNG BÁO\nVề việc thực hiện cơ chế một cửa tại đơn vị\n\n"
        "Thực hiện Nghị định số 999/2099/NĐ-CP ngày 01 tháng 01 năm 2099 về cơ chế một cửa đặc biệt, "
        "đơn vị bố trí cán bộ trực Bộ phận Một cửa vào tất cả các ngày làm việc trong tuần.\n\n"
        "Cán bộ trực Bộ phận Một cửa hướng dẫn tổ chức, cá nhân chuẩn bị hồ sơ thủ tục hành chính đầy đủ, "
        "tiếp nhận hồ sơ và trả kết quả đúng hẹn theo quy định.\n", encoding="utf-8")
    rep = svc.ingest([up])
    assert rep.added == ["thong-bao-tai-len"], rep.failed
    row = next(r for r in svc.citation_graph().to_json() if r["id"] == "999/2099/NĐ-CP")
    assert row["verified"] is False
    # what the upload says is quoted, with the số hiệu only it cites marked as unverified
    ans = svc.ask("Đơn vị bố trí cán bộ trực Bộ phận Một cửa vào những ngày nào?")
    assert not ans.abstained
    assert "999/2099/NĐ-CP (chưa kiểm chứng)" in ans.answer
    assert any("chưa kiểm chứng" in n and "thong-bao-tai-len" in n for n in ans.notes)
    # what the decree itself rules is not in the corpus: the upload only cites it ("Thực hiện Nghị định số …")
    ans = svc.ask("Nghị định 999/2099/NĐ-CP quy định bố trí cán bộ trực thế nào?")
    assert ans.abstained and "chỉ viện dẫn" in ans.answer


def test_in_force_then_replaced_later_is_history(full_service):
    inf = _inforce(full_service, dt.date(2024, 6, 30))
    old = _hit(full_service, "nd-61-2018-nd-cp", "Điều 8")
    hits, ctx = inf.choose("Bộ phận Một cửa có nhiệm vụ gì?", [old], k=5)
    assert hits == [old]
    (line,) = ctx.history
    assert line.startswith("Từ 01/7/2025, Nghị định 61/2018/NĐ-CP được thay thế bởi Nghị định 118/2025/NĐ-CP")
    assert ctx.citations and any(c.doc_id == "nd-118-2025-nd-cp" for c in ctx.citations)


def test_done_when_questions_end_to_end(full_service, tmp_path):
    """Issue 9's checks through ``ask``: the Một cửa duties from NĐ 118/2025 with one line of history about
    NĐ 61/2018, and "còn hiệu lực không?" answered at today's date and as of mid-2024."""
    ans = full_service.ask("Bộ phận Một cửa có nhiệm vụ gì?")
    assert not ans.abstained and ans.citations[0].doc_id == "nd-118-2025-nd-cp"
    # NĐ 61/2018 is never the answer: cited at most once, by the one line of history
    history = [ln for ln in ans.answer.splitlines() if ln.startswith("Trước 01/7/2025: Nghị định 61/2018/NĐ-CP")]
    old = [c for c in ans.citations if c.doc_id == "nd-61-2018-nd-cp"]
    assert len(old) == len(history) <= 1
    assert all(f"[{c.n}]" not in ln for c in old for ln in ans.answer.splitlines() if ln not in history)
    shown = " ".join([ans.answer, *ans.notes, *(c.validity_note or "" for c in ans.citations)])
    assert "github" not in shown and "commit" not in shown and "mirror" not in shown

    q = "Nghị định 61/2018/NĐ-CP còn hiệu lực không?"
    ans = full_service.ask(q)
    assert ans.answer.startswith("Không còn hiệu lực (tại ngày")
    assert "được thay thế bởi Nghị định 118/2025/NĐ-CP" in ans.answer and "01/7/2025" in ans.answer
    then = make_service(full_service.settings.data_dir, as_of="2024-06-01")  # CCHC_AS_OF=2024-06-01
    ans = then.ask(q)
    assert ans.answer.startswith("Nghị định 61/2018/NĐ-CP còn hiệu lực tại ngày 01/6/2024")
    assert "Từ 01/7/2025, Nghị định 61/2018/NĐ-CP được thay thế bởi Nghị định 118/2025/NĐ-CP" in ans.answer
    assert "Không còn hiệu lực" not in ans.answer
    # a question naming the year is answered as of its end
    ans = full_service.ask("Năm 2024, Nghị định 61/2018/NĐ-CP còn hiệu lực không?")
    assert ans.answer.startswith("Nghị định 61/2018/NĐ-CP còn hiệu lực tại ngày 31/12/2024")


def test_ending_note_cites_each_source_for_its_own_sentence(full_service):
    """The note that a quoted văn bản has ended is one sentence per source; each sentence carries
    one mark, and the date it states is written in that mark's passage as the passage writes it."""
    from corpus.dates import NUMERIC_DATE_ACCENTED, WORDED_DATE_ACCENTED
    from evals.metrics import citation_markers, split_sentences

    for q in ("Theo Nghị định 120/2020/NĐ-CP, đơn vị sự nghiệp công lập hoạt động không hiệu quả bao nhiêu năm "
              "liên tiếp thì thuộc điều kiện giải thể?", "Nghị định 61/2018/NĐ-CP còn hiệu lực không?"):
        ans = full_service.ask(q)
        texts = {c.n: c.text for c in ans.citations}
        notes = [s for s in split_sentences(ans.answer) if "đã hết hiệu lực" in s or "bảng hiệu lực" in s]
        assert notes, ans.answer
        for s in notes:
            marks = citation_markers(s)
            assert len(marks) == 1, s
            dates = re.findall(rf"{WORDED_DATE_ACCENTED}|{NUMERIC_DATE_ACCENTED}", s)
            assert dates, s
            for m in re.finditer(rf"{WORDED_DATE_ACCENTED}|{NUMERIC_DATE_ACCENTED}", s):
                assert m.group(0) in texts[marks[0]], (m.group(0), texts[marks[0]][:200])
    # NĐ 299/2026 Điều 31 is quoted once: the table row copying it (same source) is not added again
    ans = full_service.ask("Theo Nghị định 120/2020/NĐ-CP, đơn vị sự nghiệp công lập hoạt động không hiệu quả bao "
                           "nhiêu năm liên tiếp thì thuộc điều kiện giải thể?")
    assert ("Theo khoản 2 Điều 31 Nghị định 299/2026/NĐ-CP, Nghị định 120/2020/NĐ-CP đã hết hiệu lực từ ngày 28 tháng "
            "7 năm 2026, được thay thế bởi Nghị định 299/2026/NĐ-CP") in ans.answer
    assert "bảng hiệu lực" not in ans.answer


def test_a_question_on_what_a_replaced_decree_said_while_in_force_is_not_a_validity_question(full_service):
    # "hồi NĐ 120 còn hiệu lực thì …" is a time clause: the question asks NĐ 120/2020's rule (Điều 5 khoản 2
    # điểm c on tổ chức lại), answered with the history line, not the status of NĐ 120/2020
    a = full_service.ask("khi nđ 120/2020 con hieu luc thi sap nhap dvsn co duoc lam giam muc do tu chu tai chinh khong")
    assert a.mode != "validity"
    assert any(c.doc_id == "nd-120-2020-nd-cp" for c in a.citations)
    # the status question itself still is one
    assert full_service.ask("nđ 120/2020 bây giờ còn hiệu lực không").mode == "validity"
