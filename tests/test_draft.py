"""Drafting from the indexed documents (the bundled corpus ingested with the fake embedder, no LLM).

Two as-of dates: 2024-12-01 (the 2025 plan, before NĐ 118/2025 took effect and
while districts existed) and 2026-12-01 (the 2027 plan: NĐ 61/2018 and NĐ
120/2020 replaced, chính quyền địa phương hai cấp)."""

import datetime as dt
import re

import pytest

from assistant.drafting.adapt import (ADMIN_CONFIRM, citation_spans, former_district_spans, mark_former_districts,
                                      stale_year_refs)
from assistant.drafting.checks import check_figures, check_no_invented_numbers, corpus_texts, document_numbers
from assistant.drafting.drafter import CONFIRM_PLACE, default_year, draft_plan, place_of
from assistant.drafting.guidance import applies, levels_named, unit_level
from assistant.drafting.in_force import standing
from assistant.drafting.legal_bases import build_legal_bases
from assistant.drafting.models import CONFIRM_GOVERNING
from assistant.drafting.render_markdown import draft_to_markdown
from assistant.drafting.sections import reflow
from assistant.drafting.sources import clean_vocabulary, load_plans
from assistant.intents import parse_draft_request
from assistant.settings import Settings
from corpus.ocr import repair_text

HS = "Trường Mầm non Hương Sen"
AS_OF_2024 = dt.date(2024, 12, 1)
AS_OF_2026 = dt.date(2026, 12, 1)


@pytest.fixture(scope="module")
def docs(full_service):
    """The indexed documents, read back from the store."""
    return full_service.parsed_documents()


@pytest.fixture(scope="module")
def hs25(docs):
    return draft_plan(HS, 2025, docs=docs, as_of=AS_OF_2024)


@pytest.fixture(scope="module")
def hs27(docs):
    """``cchc draft --unit "Trường Mầm non Hương Sen"`` in December 2026: no year given."""
    return draft_plan(HS, docs=docs, as_of=AS_OF_2026)


def _outside_marks(text: str) -> str:
    return re.sub(r"\[[^\]]*\]", " ", text)


# ---------------------------------------------------------------- the 2025 plan (as of 2024)
def test_draft_has_skeleton_items_from_several_plans(hs25):
    keys = [s.key for s in hs25.sections]
    assert keys[:2] == ["muc_dich", "chi_tieu"] and keys[-2:] == ["kinh_phi", "to_chuc"]
    assert all(s.items for s in hs25.sections if s.key.startswith("nv"))
    docs = {it.source.doc_id for s in hs25.sections for it in s.items}
    assert {"2024-mn-ben-thanh-q1-cchc", "2023-mn-hoa-phuong-q8-cchc", "2024-mn-huong-sen-go-vap-cai-cach-tthc"} <= docs
    assert all(it.source.doc_id and it.source.section for s in hs25.sections for it in s.items)
    # the 2026 guidance serves the 2026 and 2027 plans, not 2025
    assert not any(d.startswith("cv-") for d in docs)


def test_unit_district_and_year_adapted(hs25):
    text = hs25.body_text()
    assert "Bến Thành" not in text and "Hoa Phượng" not in text
    assert "Hương Sen" in text and hs25.district and "Gò Vấp" in hs25.district
    for s in hs25.sections:
        for it in s.items:
            assert not stale_year_refs(it.text, 2025), it.text
    # the plan-year reference of Bến Thành I.1 rolled, its periods untouched
    mt = next(it.text for it in hs25.sections[0].items if it.text.startswith("Tập trung xây dựng, triển khai hiệu quả"))
    assert "Kế hoạch CCHC năm 2025" in mt and "giai đoạn 2021 - 2030" in mt
    # before 01/7/2025 the district existed: header and text keep it, nothing marked
    assert hs25.parent_agency == "UBND QUẬN GÒ VẤP" and hs25.place == "Gò Vấp"
    assert ADMIN_CONFIRM not in text


def test_targets_keep_figures_and_are_marked(hs25):
    ct = next(s for s in hs25.sections if s.key == "chi_tieu")
    assert ct.items and all(it.confirm and "[cần xác nhận]" in it.text for it in ct.items)
    first = next(it for it in ct.items if "98%" in it.original or "99%" in it.original)
    assert not [d for d in check_figures(first.original, first.text) if d.startswith("-")]


def test_no_invented_numbers_in_draft(hs25, hs27, docs):
    texts = corpus_texts(docs)
    for d in (hs25, hs27):
        assert check_no_invented_numbers(d.body_text(), texts) == []
        assert check_no_invented_numbers(draft_to_markdown(d), texts) == []


def test_check_catches_invented_number(docs):
    texts = corpus_texts(docs)
    bad = "Căn cứ Nghị định số 999/2025/NĐ-CP ngày 01/01/2025 và Nghị định số 60/2021/NĐ-CP"
    assert check_no_invented_numbers(bad, texts) == ["999/2025/NĐ-CP"]


def test_legal_bases_2025_from_graph_with_year_update(hs25):
    nums = {b.number for b in hs25.legal_bases}
    assert "1076/QĐ-UBND" in nums  # Gò Vấp period plan 2020-2025 still applies in 2025
    upd = [b for b in hs25.legal_bases if b.status == "update"]
    assert any("182/KH-UBND" in b.text and "cần cập nhật văn bản năm 2025" in b.text for b in upd)
    # a district plan of Quận 1 is not a căn cứ for a Gò Vấp school
    assert "175/KH-UBND" not in nums
    # at the end of 2024 NĐ 61/2018 is in force (NĐ 118/2025 applies from 01/7/2025), not swapped;
    # it was amended by NĐ 107/2021 (trích yếu named in khoản 1 Điều 40 NĐ 118/2025): marked to confirm
    nd61 = next(b for b in hs25.legal_bases if b.number == "61/2018/NĐ-CP")
    assert nd61.status == "confirm" and "118/2025" not in nd61.text
    assert nd61.text.endswith("[cần xác nhận: đã được sửa đổi, bổ sung bởi Nghị định số 107/2021/NĐ-CP]")


def test_papi_draft_for_hoa_binh(docs):
    d = draft_plan("Trường Tiểu học Hòa Bình", 2025, kind="papi", docs=docs, as_of=AS_OF_2024)
    assert "PAPI" in d.title and d.district and "1" in d.district
    assert d.kind == "papi" and sum(len(s.items) for s in d.sections) > 40
    # OCR text only when fully attested in clean text: no OCR debris in the draft
    assert not re.search(r"Chí sĩ|Còn ít|[$¢§™]", d.body_text())
    assert any(b.number == "175/KH-UBND" for b in d.legal_bases)


def test_single_section_and_chat_request(docs):
    d = draft_plan(HS, 2025, section="cải cách TTHC", docs=docs, as_of=AS_OF_2024)
    assert [s.key for s in d.sections] == ["nv3"] and d.sections[0].items
    r = parse_draft_request("soạn mục cải cách TTHC cho kế hoạch năm 2025 của trường Mầm non Hương Sen")
    assert r is not None and r.unit == HS and r.year == 2025 and r.section == "nv3"
    assert parse_draft_request("Nghị định 61/2018 quy định gì?") is None


def test_bad_input(docs):
    with pytest.raises(ValueError):
        draft_plan("", 2025, docs=docs)
    with pytest.raises(ValueError):
        draft_plan(HS, 2025, kind="xyz", docs=docs)
    with pytest.raises(ValueError):
        draft_plan(HS, 2025, docs=[])  # nothing indexed: no plan to start from


# ---------------------------------------------------------------- the 2027 plan (as of December 2026)
def test_default_year_is_the_year_after_the_as_of_date(hs27):
    assert hs27.year == 2027 and hs27.as_of == "2026-12-01" and "năm 2027" in hs27.title
    assert default_year(Settings(as_of=dt.date(2026, 12, 1))) == 2027
    assert default_year(Settings(as_of=dt.date(2024, 6, 30))) == 2025


def test_2027_bases_present_no_replaced_document_as_in_force(hs27, docs):
    for b in hs27.legal_bases:
        if b.status == "update":
            continue  # a year-specific local văn bản, named only as the one to re-issue
        assert standing(b.number, AS_OF_2026, docs).state != "replaced", b.text
        # every other số hiệu the line names outside its marks is in force too, or the line is marked
        for n in document_numbers(_outside_marks(b.text)):
            if standing(n, AS_OF_2026, docs).state == "replaced":
                assert "[cần xác nhận" in b.text, b.text
    nums = {b.number for b in hs27.legal_bases}
    assert "61/2018/NĐ-CP" not in nums and "106/2020/NĐ-CP" not in nums
    # NĐ 61/2018 swapped for NĐ 118/2025 (indexed): its own căn cứ line, the history in the note
    nd118 = next(b for b in hs27.legal_bases if b.number == "118/2025/NĐ-CP")
    assert nd118.status == "ok" and nd118.text.startswith("Nghị định số 118/2025/NĐ-CP ngày 09 tháng 6 năm 2025 của Chính phủ")
    assert "61/2018/NĐ-CP" in nd118.note and "01/07/2025" in nd118.note and "Điều 40" in nd118.note
    # NĐ 106/2020 → NĐ 232/2026, which is not indexed: named from the validity data, to confirm
    nd232 = next(b for b in hs27.legal_bases if b.number == "232/2026/NĐ-CP")
    assert nd232.status == "confirm" and "[cần xác nhận" in nd232.text and "106/2020/NĐ-CP" in nd232.text
    # the circular guiding the replaced NĐ 61/2018 is flagged, not presented as plainly in force
    tt01 = next(b for b in hs27.legal_bases if b.number == "01/2018/TT-VPCP")
    assert tt01.status == "confirm" and "đã được thay thế bởi Nghị định số 118/2025/NĐ-CP" in tt01.text


def test_bases_swap_120_2020_and_flag_60_2021_amended(docs):
    """Items citing NĐ 120/2020 and NĐ 60/2021 (real sentences of the Tuổi Hồng plan, OCR-repaired)."""
    plans, parsed = load_plans(docs)
    th = next(p for p in plans if p.doc_id == "2023-mn-tuoi-hong-q1-par-index")
    items = [p for p in reflow(repair_text(th.text)) if "120/2020/NĐ-CP" in p or "60/2021/NĐ-CP" in p][:2]
    assert len(items) == 2
    bases, _ = build_legal_bases(plans, parsed, set(), items, 2027, None, HS, clean_vocabulary(plans, parsed),
                                 AS_OF_2026)
    by = {b.number: b for b in bases}
    assert "120/2020/NĐ-CP" not in by
    assert by["299/2026/NĐ-CP"].text.startswith("Nghị định số 299/2026/NĐ-CP")
    assert "Điều 31" in by["299/2026/NĐ-CP"].note and "120/2020/NĐ-CP" in by["299/2026/NĐ-CP"].note
    assert by["60/2021/NĐ-CP"].status == "confirm"
    assert "[cần xác nhận: đã được sửa đổi, bổ sung bởi Nghị định số 111/2025/NĐ-CP]" in by["60/2021/NĐ-CP"].text
    # as of mid-2024 the same items cite documents in force: nothing swapped or marked
    bases24, _ = build_legal_bases(plans, parsed, set(), items, 2025, None, HS, clean_vocabulary(plans, parsed),
                                   dt.date(2024, 6, 30))
    assert {b.number for b in bases24} >= {"120/2020/NĐ-CP", "60/2021/NĐ-CP"}
    assert all("[cần" not in b.text for b in bases24 if b.number in ("120/2020/NĐ-CP", "60/2021/NĐ-CP"))


def test_header_without_governing_body_names_no_district(hs27):
    assert hs27.parent_agency == CONFIRM_GOVERNING and hs27.place == CONFIRM_PLACE
    assert not re.search(r"(?i)quận|huyện", hs27.parent_agency + hs27.place + " ".join(hs27.recipients))
    md = draft_to_markdown(hs27)
    assert md.startswith(f"**{CONFIRM_GOVERNING}**") and "QUẬN" not in md.split("# KẾ HOẠCH")[0]
    assert any("--governing-body" in n for n in hs27.notes)


def test_header_with_governing_body(docs):
    d = draft_plan(HS, docs=docs, as_of=AS_OF_2026, governing_body="UBND PHƯỜNG HẠNH THÔNG")
    assert d.parent_agency == "UBND PHƯỜNG HẠNH THÔNG" and d.place == "Hạnh Thông"
    assert d.recipients[0] == "UBND Phường Hạnh Thông"
    # the district's year-specific căn cứ are to be re-issued by the new governing body
    upd = [b for b in d.legal_bases if b.status == "update" and "182/KH-UBND" in b.text]
    assert upd and upd[0].text.startswith("Kế hoạch của UBND PHƯỜNG HẠNH THÔNG về thực hiện công tác cải cách thủ tục")
    assert place_of("UBND Phường 5", None, True) == "Phường 5"


def test_former_districts_marked_in_the_2027_body(hs27):
    marked = 0
    for s in hs27.sections:
        for it in s.items:
            cites = citation_spans(it.text)
            for a, e in former_district_spans(it.text):
                if any(x <= a < y for x, y in cites):
                    continue  # the issuer of an old văn bản, as written
                assert it.text[e:].lstrip().startswith("[cần xác nhận"), it.text
                marked += 1
    assert marked >= 5
    # periods and the dates of citations are untouched
    mt = next(it.text for it in hs27.sections[0].items if it.text.startswith("Tập trung xây dựng, triển khai hiệu quả"))
    assert "Kế hoạch CCHC năm 2027" in mt and "giai đoạn 2021 - 2030" in mt and "giai đoạn 2021 - 2025" in mt


def test_mark_former_districts_rules():
    t, n, cited = mark_former_districts("Căn cứ Kế hoạch số 04/KH-UBND ngày 04 tháng 01 năm 2024 của UBND Quận 1 "
                                        "về CCHC; báo cáo Ủy ban nhân dân Quận 1 và các quận, huyện")
    assert n == 2 and cited == 1
    assert "của UBND Quận 1 về CCHC" in t and f"Ủy ban nhân dân Quận 1 {ADMIN_CONFIRM}" in t
    assert t.endswith(f"các quận, huyện {ADMIN_CONFIRM}")


def test_school_year_guidance_offered_to_schools_with_citations(hs27, docs):
    items = [(s.key, it) for s in hs27.sections for it in s.items if it.source.doc_id.startswith("cv-")]
    srcs = {it.source.doc_id for _, it in items}
    # a mầm non school: the letters on networks and on teachers, not the one on giáo dục phổ thông
    assert srcs == {"cv-4054-bgddt-gdpt-2026", "cv-5243-bgddt-ngcbqlgd-2026"}
    for key, it in items:
        assert key.startswith("nv") and it.source.section and it.source.number in ("4054/BGDĐT-GDPT",
                                                                                   "5243/BGDĐT-NGCBQLGD")
        assert it.source.label().startswith(f"{it.source.doc_id}: Công văn số {it.source.number}")
        assert not re.search(r"\[\s|\[\d+\]", it.text)  # inlined footnotes removed
    tuyen_truyen = next(it for k, it in items if it.text.startswith("Tổ chức tuyên truyền, phổ biến mục tiêu"))
    assert tuyen_truyen.source.doc_id == "cv-4054-bgddt-gdpt-2026" and tuyen_truyen.source.section == "4 > 4.4"
    assert ("nv1", tuyen_truyen) in items
    assert any(k == "nv5" and "tuyển dụng" in it.text for k, it in items)
    assert any(k == "nv4" and "sắp xếp" in it.text for k, it in items)
    # the letters are căn cứ of the plan
    nums = {b.number for b in hs27.legal_bases}
    assert {"4054/BGDĐT-GDPT", "5243/BGDĐT-NGCBQLGD"} <= nums and "5208/BGDĐT-GDPT" not in nums


def test_guidance_for_a_primary_school_and_not_for_a_ward(docs):
    d = draft_plan("Trường Tiểu học Hòa Bình", 2027, kind="papi", docs=docs, as_of=AS_OF_2026)
    g = [it for s in d.sections for it in s.items if it.source.doc_id == "cv-5208-bgddt-gdpt-2026"]
    assert g and all(it.source.section.startswith(("A", "B")) for it in g)  # not C. Tổ chức thực hiện (Sở GDĐT)
    assert not any(re.search(r"trung học (cơ sở|phổ thông)", it.text[:40]) for it in g)
    cv = {x.meta.doc_id: x for x in docs}
    assert unit_level("Trường Tiểu học Hòa Bình") == "th" and unit_level("UBND Phường Hạnh Thông") is None
    assert levels_named(cv["cv-5208-bgddt-gdpt-2026"].meta.title) == {"th", "thcs", "thpt"}
    assert not applies(cv["cv-5208-bgddt-gdpt-2026"], "UBND Phường Hạnh Thông", 2027)
    assert not applies(cv["cv-4054-bgddt-gdpt-2026"], HS, 2029)


def test_markdown_has_the_same_content_and_sources(hs27):
    md = draft_to_markdown(hs27)
    for b in hs27.legal_bases:
        assert f"Căn cứ {b.text}" in md
    n = sum(len(s.items) for s in hs27.sections)
    for s in hs27.sections:
        for it in s.items:
            assert it.text in md
    src = md.split("**Nguồn:**", 1)[1]
    assert len(re.findall(r"^\[\d+\] ", src, flags=re.M)) == n
    assert "cv-4054-bgddt-gdpt-2026: Công văn số 4054/BGDĐT-GDPT (Bộ Giáo dục và Đào tạo, 2026), mục 4" in src
    assert "thay thế Nghị định số 61/2018/NĐ-CP" in md  # the history of a swapped căn cứ
