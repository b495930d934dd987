"""Ingest → index → search → ask on real corpus text, with the fake embedder."""

from __future__ import annotations

import json
import zipfile

from tests.conftest import BEN_THANH, HOA_BINH, HUONG_SEN, ND61, make_service


def test_search_finds_the_yoyoschool_target_in_ben_thanh(small_service):
    hits = small_service.search("tỷ lệ phụ huynh thanh toán học phí qua phần mềm Yoyoschool", k=5)
    assert hits, "no hits"
    assert hits[0].meta.doc_id == "2024-mn-ben-thanh-q1-cchc"
    assert "Yoyoschool" in hits[0].chunk.text
    assert set(hits[0].ranks) <= {"bm25", "dense"} and hits[0].ranks


def test_unaccented_query_finds_the_same_passage(small_service):
    acc = small_service.search("thanh toán học phí qua phần mềm Yoyoschool", k=3)
    unacc = small_service.search("thanh toan hoc phi qua phan mem Yoyoschool", k=3)
    assert acc[0].chunk.chunk_id == unacc[0].chunk.chunk_id


def test_search_modes_and_bad_mode(small_service):
    import pytest

    for mode in ("bm25", "dense", "hybrid"):
        assert small_service.search("một cửa liên thông", k=3, mode=mode)
    with pytest.raises(ValueError):
        small_service.search("một cửa", mode="magic")
    assert small_service.search("   ") == []


def test_ask_gives_cited_answer_from_the_right_document(small_service):
    ans = small_service.ask(
        "Trường Mầm non Bến Thành đặt chỉ tiêu tỷ lệ phụ huynh thanh toán học phí qua phần mềm Yoyoschool là bao nhiêu?"
    )
    assert not ans.abstained
    assert ans.citations[0].doc_id == "2024-mn-ben-thanh-q1-cchc"
    assert "100%" in ans.answer and "[1]" in ans.answer
    d = ans.to_dict()
    assert set(d["citations"][0]) >= {"n", "doc_id", "number", "title", "issuer", "date", "section", "text", "score"}
    json.dumps(d, ensure_ascii=False)


def test_ask_abstains_when_the_corpus_has_no_answer(small_service):
    ans = small_service.ask("Giá vé máy bay từ Hà Nội đi Đà Nẵng tháng 12 là bao nhiêu?")
    assert ans.abstained
    assert ans.answer.startswith("Không tìm thấy trong tài liệu")
    assert ans.citations == []


def test_reingest_unchanged_documents_reembeds_nothing(small_service):
    rep = small_service.ingest([BEN_THANH, HUONG_SEN])
    assert rep.added == [] and rep.chunks_added == 0
    assert sorted(rep.skipped) == ["2024-mn-ben-thanh-q1-cchc", "2024-mn-huong-sen-go-vap-cai-cach-tthc"]


def test_bad_files_fail_with_reason_and_index_stays_intact(tmp_path):
    svc = make_service(tmp_path / "data")
    assert svc.ingest([HUONG_SEN]).added
    before_chunks = svc.index.count_chunks()
    before_vectors = svc.index.vectors.count()
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    binary = tmp_path / "blob.txt"
    binary.write_bytes(bytes(range(256)) * 40)
    unsupported = tmp_path / "plan.xlsx"
    unsupported.write_bytes(b"PK\x03\x04 not really")
    bomb = tmp_path / "bomb.docx"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("word/document.xml", b"0" * (300 * 2**20))
    rep = svc.ingest([empty, binary, unsupported, bomb, BEN_THANH])
    failed = dict(rep.failed)
    assert set(failed) == {str(empty), str(binary), str(unsupported), str(bomb)}
    assert all(reason and "\n" not in reason for reason in failed.values())
    assert rep.added == ["2024-mn-ben-thanh-q1-cchc"]
    assert svc.index.count_chunks() > before_chunks
    assert svc.search("Thực hiện công tác cải cách thủ tục hành chính năm 2024", k=3)[0].meta.doc_id == (
        "2024-mn-huong-sen-go-vap-cai-cach-tthc"
    )
    assert svc.index.vectors.count() == svc.index.count_chunks() > before_vectors


def test_changed_document_replaces_old_version_and_delete_removes_it(tmp_path):
    svc = make_service(tmp_path / "data")
    doc = tmp_path / "ke-hoach-thu.txt"
    doc.write_text(HUONG_SEN.read_text(encoding="utf-8"), encoding="utf-8")
    first = svc.ingest([doc])
    n1 = svc.index.vectors.count()
    doc.write_text(HUONG_SEN.read_text(encoding="utf-8") + "\n3. Bổ sung: niêm yết thủ tục tuyển sinh tại bảng tin.\n",
                   encoding="utf-8")
    second = svc.ingest([doc])
    assert first.added == second.added == ["ke-hoach-thu"]
    assert svc.index.vectors.count() == svc.index.count_chunks() >= n1
    assert any("niêm yết thủ tục tuyển sinh" in h.chunk.text for h in svc.search("niêm yết thủ tục tuyển sinh", k=3))
    assert svc.delete_document("ke-hoach-thu")
    assert svc.index.vectors.count() == 0 and svc.documents() == []
    assert not svc.delete_document("ke-hoach-thu")


def test_documents_carry_metadata(small_service):
    metas = {m.doc_id: m for m in small_service.documents()}
    assert metas["nd-61-2018-nd-cp"].number == "61/2018/NĐ-CP"
    assert metas["2024-mn-huong-sen-go-vap-cai-cach-tthc"].number == "26/KH-MNHgS"
    assert metas["2024-th-hoa-binh-q1-papi"].ocr_damaged
    assert not metas["2024-mn-ben-thanh-q1-cchc"].ocr_damaged
    assert ND61.stem in metas


def test_edited_document_only_embeds_changed_chunks(tmp_path):
    svc = make_service(tmp_path / "data")
    doc = tmp_path / "nd61.txt"
    text = ND61.read_text(encoding="utf-8")
    doc.write_text(text, encoding="utf-8")
    first = svc.ingest([doc])
    assert first.embedded == svc.index.count_chunks()
    # every reading unit (sentence/clause) of the decree is embedded at ingest, once
    units = svc.answerer.reader.doc_units("nd61").all_units()
    assert first.sentences_embedded == len({u.embed_text for u in units}) > svc.index.count_chunks()
    doc.write_text(text.replace("có hiệu lực thi hành từ ngày 21 tháng 6 năm 2018",
                                "có hiệu lực thi hành từ ngày 21 tháng 6 năm 2018 (bản sửa)"), encoding="utf-8")
    second = svc.ingest([doc])
    assert 1 <= second.embedded <= 3
    assert 1 <= second.sentences_embedded <= 3  # only the edited sentence
    assert svc.index.embeddings.hits >= svc.index.count_chunks() - 3


def test_question_naming_a_decree_is_answered_from_that_decree(full_service):
    from index.hybrid import referenced_docs

    metas = full_service.documents()
    assert referenced_docs("nghi dinh 61/2018 co hieu luc tu ngay nao", metas) == {"nd-61-2018-nd-cp"}
    assert referenced_docs("Nghị định 60 quy định gì?", metas) == {"nd-60-2021-nd-cp"}
    assert referenced_docs("Kế hoạch 26/KH-MNHgS có mấy mục?", metas) == {"2024-mn-huong-sen-go-vap-cai-cach-tthc"}
    assert referenced_docs("Tỷ lệ hồ sơ đúng hạn là bao nhiêu?", metas) == set()
    # the year is part of the reference (corpus.legal_refs.find_references): no NĐ 61 of 2019 in the corpus
    assert referenced_docs("Nghị định 61/2019 quy định gì?", metas) == set()
    assert referenced_docs("NĐ 61/18 quy định gì?", metas) == {"nd-61-2018-nd-cp"}
    # Both decrees say "Nghị định này có hiệu lực … từ ngày …": the named one must win, accents or not.
    for q in ("Nghị định 61/2018/NĐ-CP có hiệu lực từ ngày nào?", "nghi dinh 61/2018 co hieu luc tu ngay nao"):
        ans = full_service.ask(q)
        assert ans.citations[0].doc_id == "nd-61-2018-nd-cp", q
        assert "21/6/2018" in ans.answer and "15/8/2021" not in ans.answer


def test_ingest_prepares_reading_units_of_added_documents_only(tmp_path, monkeypatch):
    """An ingest reads the units of the documents it added (and of the OCR-damaged ones, read
    through the store's diacritic model that the new clean text changed), not of every document;
    a store whose marks are missing (indexed before them) catches up once."""
    svc = make_service(tmp_path / "d", reading_prepare=True)
    assert not svc.ingest([BEN_THANH, HOA_BINH]).failed
    seen: list[list[str]] = []
    real = svc.answerer.reader.prepare
    monkeypatch.setattr(svc.answerer.reader, "prepare", lambda docs: seen.append([d.meta.doc_id for d in docs]) or real(docs))
    rep = svc.ingest([HUONG_SEN])
    assert rep.added == ["2024-mn-huong-sen-go-vap-cai-cach-tthc"] and rep.sentences_embedded > 0
    assert seen[-1] == ["2024-mn-huong-sen-go-vap-cai-cach-tthc", "2024-th-hoa-binh-q1-papi"]
    # nothing new: nothing read
    rep = svc.ingest([BEN_THANH, HUONG_SEN, HOA_BINH])
    assert rep.added == [] and len(seen) == 1 and rep.sentences_embedded == 0
    # catch-up: a store without marks (e.g. after an upgrade) prepares every document once
    svc.index.store.set_info("reading_prepared", "{}")
    svc.ingest([BEN_THANH])
    assert seen[-1] == sorted(["2024-mn-ben-thanh-q1-cchc", "2024-mn-huong-sen-go-vap-cai-cach-tthc",
                               "2024-th-hoa-binh-q1-papi"])
    svc.ingest([BEN_THANH])
    assert len(seen) == 2
