"""evals.dataset: loading/validation, gold verification against the real corpus,
the unaccented copy, and the shipped dev set itself."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evals.dataset import (
    EVAL_SETS,
    KIND_NOTES,
    KINDS,
    EvalItem,
    base_id,
    corpus_texts,
    kind_counts,
    load_dataset,
    make_unaccented,
    orphan_copies,
    save_dataset,
    strip_diacritics,
    validity_table_text,
    verify_gold,
)

EVALS = Path(__file__).resolve().parent.parent / "evals"
DEV = EVALS / "dev.jsonl"
DEV_UNACC = EVALS / "dev_unaccented.jsonl"
STAFF = EVALS / "dev_staff.jsonl"
INFORCE = EVALS / "dev_inforce.jsonl"
NEW_2026 = {"nd-118-2025-nd-cp", "nd-299-2026-nd-cp", "nd-161-2026-nd-cp", "tt-09-2026-tt-btp", "nd-30-2020-nd-cp",
            "nd-30-2020-nd-cp-phu-luc-i", "cv-5208-bgddt-gdpt-2026", "cv-5243-bgddt-ngcbqlgd-2026",
            "cv-4054-bgddt-gdpt-2026"}


@pytest.fixture(scope="module")
def texts() -> dict[str, str]:
    return corpus_texts()


@pytest.fixture(scope="module")
def dev() -> list[EvalItem]:
    return load_dataset(DEV)


def _write(tmp_path: Path, lines: list[str]) -> Path:
    p = tmp_path / "set.jsonl"
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return p


def test_load_rejects_bad_lines_with_line_number(tmp_path):
    ok = {"id": "a", "question": "q", "kind": "plain", "gold": ["x"], "gold_doc": ["d"], "answer_any": [["x"]],
          "abstain": False}
    with pytest.raises(ValueError, match=r"set.jsonl:2: invalid JSON"):
        load_dataset(_write(tmp_path, [json.dumps(ok), "{not json"]))
    with pytest.raises(ValueError, match="kind 'weird'"):
        load_dataset(_write(tmp_path, [json.dumps({**ok, "kind": "weird"})]))
    with pytest.raises(ValueError, match="duplicate id 'a'"):
        load_dataset(_write(tmp_path, [json.dumps(ok), json.dumps(ok)]))
    with pytest.raises(ValueError, match="needs 'gold' and 'gold_doc'"):
        load_dataset(_write(tmp_path, [json.dumps({**ok, "gold": []})]))
    with pytest.raises(ValueError, match="history"):
        load_dataset(_write(tmp_path, [json.dumps({**ok, "history": [["only question"]]})]))
    with pytest.raises(ValueError, match="answer_any"):
        load_dataset(_write(tmp_path, [json.dumps({**ok, "answer_any": ["100%"]})]))
    # abstain is true exactly for kind "unanswerable"
    with pytest.raises(ValueError, match="exactly for kind 'unanswerable'"):
        load_dataset(_write(tmp_path, [json.dumps({**ok, "abstain": True, "gold": [], "gold_doc": [],
                                                   "answer_any": []})]))
    with pytest.raises(ValueError, match="exactly for kind 'unanswerable'"):
        load_dataset(_write(tmp_path, [json.dumps({**ok, "kind": "unanswerable"})]))


def test_roundtrip_keeps_history(tmp_path):
    item = EvalItem(id="f", question="Còn trường Hoa Phượng thì sao?", kind="followup", gold=["98%"],
                    gold_doc=["2023-mn-hoa-phuong-q8-cchc"], answer_any=[["98%"]],
                    history=[("Bến Thành đặt chỉ tiêu bao nhiêu?", "100% [1].")])
    p = tmp_path / "o.jsonl"
    save_dataset([item], p)
    assert load_dataset(p) == [item]
    assert "Hoa Phượng" in p.read_text(encoding="utf-8")  # non-ASCII kept


def test_verify_gold_on_real_corpus(texts):
    good = EvalItem(id="ok", question="q", kind="plain", gold=["phần mềm Yoyoschool tại đơn vị đạt tỷ lệ 100%"],
                    gold_doc=["2024-mn-ben-thanh-q1-cchc"], answer_any=[["100%"]])
    # OCR plan: the raw text has "3813/QP-UBND"; the repaired form "3813/QĐ-UBND" is accepted too
    ocr = EvalItem(id="ocr", question="q", kind="ocr", gold=["3813/QP-UBND", "3813/QĐ-UBND"],
                   gold_doc=["2024-th-hoa-binh-q1-papi"], answer_any=[["3813"]])
    bad_string = EvalItem(id="bad", question="q", kind="plain", gold=["Yoyoschool"],
                          gold_doc=["2023-mn-hoa-phuong-q8-cchc"], answer_any=[["100%"]])
    bad_doc = EvalItem(id="nodoc", question="q", kind="plain", gold=["x"], gold_doc=["no-such-doc"],
                       answer_any=[["x"]])
    bad_abstain = EvalItem(id="abs", question="q", kind="unanswerable", gold=["x"], abstain=True)
    # the DOCX decree (header block in a table) is read by the project's loader
    docx = EvalItem(id="docx", question="q", kind="decree", gold=["Số: 30/2020/NĐ-CP", "ngày 05 tháng 3 năm 2020"],
                    gold_doc=["nd-30-2020-nd-cp"], answer_any=[["05 tháng 3 năm 2020"]])
    appendix = EvalItem(id="pl", question="q", kind="decree", gold=["cách mép trái 30 - 35 mm"],
                        gold_doc=["nd-30-2020-nd-cp-phu-luc-i"], answer_any=[["30 - 35 mm"]])
    # every answer group must be quotable from a gold document ...
    unquotable = EvalItem(id="unq", question="q", kind="paraphrase", gold=["mức lương cơ sở là 2.530.000 đồng/tháng"],
                          gold_doc=["nd-161-2026-nd-cp"], answer_any=[["2.340.000"]])
    # ... except that a validity answer may come from the validity table (successor not bundled)
    validity = EvalItem(id="val", question="q", kind="validity", gold=["106/2020/NĐ-CP"],
                        gold_doc=["nd-106-2020-nd-cp"], answer_any=[["232/2026"]])
    problems = verify_gold([good, ocr, bad_string, bad_doc, bad_abstain, docx, appendix, unquotable, validity], texts,
                           validity_table_text())
    assert not [p for p in problems if p.startswith(("ok:", "ocr:", "docx:", "pl:", "val:"))]
    assert any(p.startswith("unq: no alternative of answer group ['2.340.000']") for p in problems)
    assert any(p.startswith("val: no alternative") for p in verify_gold([validity], texts))
    assert any(p.startswith("bad: gold string 'Yoyoschool'") for p in problems)
    assert any(p.startswith("nodoc: unknown gold_doc") for p in problems)
    assert any(p.startswith("abs: abstain item") for p in problems)


def test_strip_diacritics_keeps_case():
    assert strip_diacritics("Trường Mầm non Bến Thành, ĐÀO TẠO") == "Truong Mam non Ben Thanh, DAO TAO"


def test_make_unaccented_only_answerable_non_followup(dev):
    un = make_unaccented(dev)
    src = [it for it in dev if not it.abstain and it.kind != "followup"]
    assert len(un) == len(src)
    first = un[0]
    assert first.id == f"{src[0].id}-unacc" and first.kind == "unaccented"
    assert first.question == strip_diacritics(src[0].question)
    assert first.gold == src[0].gold and first.answer_any == src[0].answer_any
    assert make_unaccented(un) == []


def test_dev_set_meets_the_brief(dev, texts):
    counts = kind_counts(dev)
    assert len(dev) >= 90
    assert set(counts) >= {"plain", "ocr", "decree", "cross", "followup", "glossary", "unanswerable"}
    assert counts["unanswerable"] >= 12 and all(it.abstain for it in dev if it.kind == "unanswerable")
    assert all(it.history for it in dev if it.kind == "followup")
    assert {d for it in dev for d in it.gold_doc} <= set(texts)
    by_q = {it.question: it for it in dev}
    yoyo = by_q["Trường Mầm non Bến Thành đặt chỉ tiêu tỷ lệ phụ huynh thanh toán học phí qua phần mềm Yoyoschool là bao nhiêu?"]
    assert yoyo.gold_doc == ["2024-mn-ben-thanh-q1-cchc"] and yoyo.answer_any == [["100%"]]
    hot = by_q["Quy chế tiếp nhận, xử lý và phản hồi thông tin qua Đường dây nóng được ban hành theo quyết định nào?"]
    assert hot.gold_doc == ["2024-th-hoa-binh-q1-papi"] and "3813/QĐ-UBND" in hot.answer_any[0]
    eff = by_q["Nghị định 61/2018/NĐ-CP có hiệu lực từ ngày nào?"]
    assert {"21/6/2018", "21/06/2018"} <= set(eff.answer_any[0])
    assert verify_gold(dev, texts) == []


def test_every_bundled_document_is_asked_about(texts):
    """Every bundled document (plans, decrees incl. the DOCX ones, guidance) is the answer of some question,
    over the shipped sets together and in the staff set alone."""
    sets = {p.name: load_dataset(p) for p in EVAL_SETS}
    assert set(texts) >= NEW_2026 and len(texts) == 19
    assert {d for items in sets.values() for it in items for d in it.gold_doc} == set(texts)
    assert {d for it in sets["dev_staff.jsonl"] for d in it.gold_doc} == set(texts)


def test_shipped_sets_verify_against_the_corpus(texts):
    items = [it for p in EVAL_SETS for it in load_dataset(p)]
    assert verify_gold(items, texts, validity_table_text()) == []
    ids = [it.id for it in items]
    assert len(ids) == len(set(ids))  # ids are unique across the sets
    assert orphan_copies(items) == []


def test_staff_set_meets_the_brief():
    staff = load_dataset(STAFF)
    counts = kind_counts(staff)
    answerable = [it for it in staff if not it.abstain]
    assert len(answerable) >= 100 and counts["unanswerable"] >= 40
    assert set(counts) >= {"paraphrase", "list", "document", "glossary", "leadin", "followup", "cross"}
    assert sum(it.question == strip_diacritics(it.question) for it in answerable) >= 25  # typed without accents
    assert all(it.history for it in staff if it.kind == "followup")
    # staff's own words: no question repeats a dev question or copies a gold passage
    dev_q = {it.question for it in load_dataset(DEV)}
    assert not [it.id for it in staff if it.question in dev_q]
    assert not [it.id for it in answerable if any(len(g) > 25 and g.lower() in it.question.lower() for g in it.gold)]


def test_inforce_set_meets_the_brief():
    items = load_dataset(INFORCE)
    on_new = [it for it in items if not it.abstain and set(it.gold_doc) & NEW_2026]
    assert len(on_new) >= 25
    assert kind_counts(items)["validity"] >= 10
    assert sum(it.question == strip_diacritics(it.question) for it in on_new) >= 5
    by_id = {it.id: it for it in items}
    # NĐ 61/2018: replaced by NĐ 118/2025 from 01/7/2025 (Điều 40); NĐ 120/2020 by NĐ 299/2026 from 28/7/2026
    assert by_id["v-01"].gold_doc == ["nd-118-2025-nd-cp"] and ["118/2025"] in by_id["v-01"].answer_any
    assert "01/7/2025" in by_id["v-01"].answer_any[1]
    assert ["299/2026"] in by_id["v-02"].answer_any
    # the same question asked for 2024 and for today has the answer of the document in force then
    assert by_id["v-09"].gold_doc == ["nd-61-2018-nd-cp"] and by_id["v-10"].gold_doc == ["nd-118-2025-nd-cp"]
    assert "2.530.000" in by_id["v-16"].answer_any[0]


def test_kinds_are_documented_and_copies_name_their_base():
    assert set(KIND_NOTES) == set(KINDS)
    assert base_id("hp-01-unacc") == "hp-01" and base_id("v-10-alt") == "v-10" and base_id("v-10-alt2") == "v-10"
    assert base_id("x-alt-unacc") == "x" and base_id("d61-03") == "d61-03" and base_id("unacc") == "unacc"
    orphan = EvalItem(id="zz-9-unacc", question="q", kind="unaccented", gold=["x"], gold_doc=["d"], answer_any=[["x"]])
    assert orphan_copies([orphan]) == ["zz-9-unacc: copy of 'zz-9', which is in no loaded set"]


def test_dev_unaccented_file_is_generated_copy(dev):
    assert load_dataset(DEV_UNACC) == make_unaccented(dev)
    assert set(kind_counts(load_dataset(DEV_UNACC))) == {"unaccented"}
    assert set(KINDS) >= {"unaccented"}


# ---------------------------------------------------------------- synthetic plans (evals.synth)


def test_synth_plans_are_deterministic_and_substituted(tmp_path):
    from corpus.pipeline import parse_file
    from evals.synth import section_pool, synth_plan, write_synthetic_corpus

    pool = section_pool()
    # preambles and sections of the three clean plans, headings kept verbatim
    assert {p.source for p in pool} == {"2023-mn-hoa-phuong-q8-cchc", "2024-mn-ben-thanh-q1-cchc",
                                         "2024-mn-huong-sen-go-vap-cai-cach-tthc"}
    assert any(p.heading == "CHỈ TIÊU" and "Yoyoschool" in p.body for p in pool)
    a = synth_plan(7, pool, seed=1)
    assert a == synth_plan(7, pool, seed=1) and a != synth_plan(8, pool, seed=1)
    doc_id, text = a
    assert "synth-000007" in doc_id
    for source_name in ("Bến Thành", "Hoa Phượng", "Hương Sen"):
        assert source_name not in text
    assert text.count("\nI. ") == 1 and "KẾ HOẠCH" in text
    paths = write_synthetic_corpus(tmp_path, 3, seed=1)
    assert [p.stem for p in paths][0].endswith("synth-000000")
    doc = parse_file(paths[0])
    assert len(doc.chunks) >= 3
    assert doc.meta.year and 2019 <= doc.meta.year <= 2026
