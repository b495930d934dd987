"""evals.dataset: loading/validation, gold verification against the real corpus,
the unaccented copy, and the shipped dev set itself."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evals.dataset import (
    KINDS,
    EvalItem,
    corpus_texts,
    kind_counts,
    load_dataset,
    make_unaccented,
    save_dataset,
    strip_diacritics,
    verify_gold,
)

EVALS = Path(__file__).resolve().parent.parent / "evals"
DEV = EVALS / "dev.jsonl"
DEV_UNACC = EVALS / "dev_unaccented.jsonl"


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
    problems = verify_gold([good, ocr, bad_string, bad_doc, bad_abstain], texts)
    assert not [p for p in problems if p.startswith(("ok:", "ocr:"))]
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
    all_docs = {d for it in dev for d in it.gold_doc}
    assert all_docs <= set(texts)
    by_q = {it.question: it for it in dev}
    yoyo = by_q["Trường Mầm non Bến Thành đặt chỉ tiêu tỷ lệ phụ huynh thanh toán học phí qua phần mềm Yoyoschool là bao nhiêu?"]
    assert yoyo.gold_doc == ["2024-mn-ben-thanh-q1-cchc"] and yoyo.answer_any == [["100%"]]
    hot = by_q["Quy chế tiếp nhận, xử lý và phản hồi thông tin qua Đường dây nóng được ban hành theo quyết định nào?"]
    assert hot.gold_doc == ["2024-th-hoa-binh-q1-papi"] and "3813/QĐ-UBND" in hot.answer_any[0]
    eff = by_q["Nghị định 61/2018/NĐ-CP có hiệu lực từ ngày nào?"]
    assert {"21/6/2018", "21/06/2018"} <= set(eff.answer_any[0])
    assert verify_gold(dev, texts) == []


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
