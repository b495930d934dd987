"""Synthetic CCHC plans for scale benchmarks (10k–100k chunks).

Method (deterministic for a given seed):

1. **Section pool.** The three clean bundled plans (Hoa Phượng 2023, Bến
   Thành 2024, Hương Sen 2024 — the OCR-damaged scans are left out so the
   benchmark does not time OCR repair thousands of times) are cut at their
   top-level headings (``I. MỤC TIÊU``, ``II. CHỈ TIÊU``, …). Each piece keeps
   its heading words and body text verbatim; the preamble before ``I.``
   (the "Căn cứ …/Thực hiện …" lines) is a piece of its own.
2. **Assembly.** Plan *i* gets a unit — a school level (Trường Mầm non / Tiểu
   học / Trung học cơ sở) and a name from :data:`NAMES` — a district from
   :data:`DISTRICTS` and a year in 2019–2026, all drawn from
   ``random.Random(seed * 1_000_003 + i)``. Its text is a national-style
   header (UBND …, TRƯỜNG …, Số: N/KH-…, ngày … tháng … năm …, KẾ HOẠCH …),
   one preamble, then 3–5 sections drawn from the pool and renumbered I, II, …
3. **Substitution.** In every copied piece the source school's name, district
   and plan year are replaced by the new ones (whole-word regexes), so
   "Trường Mầm non Bến Thành … Quận 1 … năm 2024" becomes e.g. "Trường Tiểu
   học Sơn Ca … Quận 7 … năm 2021". Numbers of cited legal documents are
   left as they are (they are real citations).

The output is ordinary ``.txt`` plans that go through the normal pipeline
(``corpus.pipeline.parse_file``); the vocabulary and section shapes are real,
the combinations are not — good for timing and memory, meaningless for
answer quality.

    python -m evals.synth OUT_DIR --docs 500 [--seed 0]
"""

from __future__ import annotations

import argparse
import random
import re
from dataclasses import dataclass
from pathlib import Path

from corpus.legal_refs import fold
from evals.dataset import CORPUS_DIR

LEVELS = (("Mầm non", "mn", "MN"), ("Tiểu học", "th", "TH"), ("Trung học cơ sở", "thcs", "THCS"))
NAMES = (
    "Sơn Ca", "Hoa Mai", "Họa Mi", "Bông Sen", "Vành Khuyên", "Rạng Đông", "Ánh Dương", "Sao Mai", "Bình Minh",
    "Lê Văn Tám", "Nguyễn Du", "Trần Hưng Đạo", "Lý Thường Kiệt", "Nguyễn Bỉnh Khiêm", "Kim Đồng", "Võ Thị Sáu",
    "Chu Văn An", "Lê Quý Đôn", "Hùng Vương", "Phan Chu Trinh", "Nguyễn Trãi", "Đinh Tiên Hoàng", "Tuổi Thơ",
    "Hoa Lan", "Thỏ Ngọc", "Măng Non", "Hướng Dương", "Bạch Đằng", "Lam Sơn", "Quang Trung",
)
DISTRICTS = tuple(f"Quận {n}" for n in (1, 3, 4, 5, 6, 7, 8, 10, 11, 12)) + (
    "quận Bình Thạnh", "quận Gò Vấp", "quận Tân Bình", "quận Phú Nhuận", "quận Tân Phú", "huyện Củ Chi",
)
YEARS = tuple(range(2019, 2027))

# The clean bundled plans and the names to substitute in each.
SOURCES = {
    "2023-mn-hoa-phuong-q8-cchc": {"names": ["Mầm non Hoa Phượng", "Hoa Phượng"], "district": ["Quận 8"],
                                   "year": "2023"},
    "2024-mn-ben-thanh-q1-cchc": {"names": ["Mầm non Bến Thành", "Bến Thành"], "district": ["Quận 1"],
                                  "year": "2024"},
    "2024-mn-huong-sen-go-vap-cai-cach-tthc": {"names": ["Mầm non Hương Sen", "Hương Sen"],
                                               "district": ["quận Gò Vấp", "Quận Gò Vấp", "QUẬN GÒ VẤP"],
                                               "year": "2024"},
}

_HEADING = re.compile(r"^[ \t]*(I|II|III|IV|V|VI|VII)\.[ \t]+(?=[A-ZĐÀ-Ỹ])", re.MULTILINE)


@dataclass
class Piece:
    """A top-level section (or the preamble, ``heading == ""``) of a source plan."""

    source: str
    heading: str  # heading words without the roman numeral, e.g. "CHỈ TIÊU"
    body: str


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")


def section_pool(root: Path = CORPUS_DIR) -> list[Piece]:
    """The preambles and top-level sections of the clean bundled plans.

    Raises ``FileNotFoundError`` if a source plan is missing.
    """
    pieces: list[Piece] = []
    for stem in SOURCES:
        text = (Path(root) / "plans" / f"{stem}.txt").read_text(encoding="utf-8")
        marks = list(_HEADING.finditer(text))
        if not marks:
            continue
        pre = text[: marks[0].start()]
        # keep the preamble from "Căn cứ"/"Thực hiện" on (drop the source header)
        m = re.search(r"^[ \t]*(Căn cứ|Thực hiện (Kế hoạch|Nghị quyết|Công văn|Quyết định))", pre, re.MULTILINE)
        if m:
            pieces.append(Piece(stem, "", pre[m.start():].strip()))
        for a, b in zip(marks, marks[1:] + [None]):
            block = text[a.end(): b.start() if b else len(text)]
            first, _, rest = block.partition("\n")
            pieces.append(Piece(stem, first.strip(), rest.strip()))
    return pieces


def _substitute(text: str, source: str, unit_name: str, level: str, district: str, year: int) -> str:
    info = SOURCES[source]
    names = sorted(info["names"], key=len, reverse=True)
    for n in names:
        repl = f"{level} {unit_name}" if n.startswith("Mầm non") else unit_name
        text = re.sub(rf"(?<!\w){re.escape(n)}(?!\w)", repl, text)
    for d in info["district"]:
        text = re.sub(rf"(?<!\w){re.escape(d)}(?![\w])", district, text)
    return re.sub(rf"(?<=năm ){info['year']}(?!\d)", str(year), text)


_ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII")


def synth_plan(i: int, pool: list[Piece], seed: int = 0) -> tuple[str, str]:
    """Synthetic plan number ``i``: ``(doc_id, text)`` (see module docstring)."""
    rng = random.Random(seed * 1_000_003 + i)
    level, lcode, labbr = rng.choice(LEVELS)
    name = rng.choice(NAMES)
    district = rng.choice(DISTRICTS)
    year = rng.choice(YEARS)
    pre = [p for p in pool if not p.heading]
    sections = [p for p in pool if p.heading]
    k = rng.randint(3, min(5, len(sections)))
    chosen = rng.sample(sections, k)
    month, day = rng.randint(1, 12), rng.randint(1, 28)
    abbr = "".join(w[0] for w in _slug(name).split("-")).upper()
    header = (
        f"ỦY BAN NHÂN DÂN {district.upper()}\nTRƯỜNG {level.upper()} {name.upper()}\n\n"
        f"Số: {rng.randint(1, 400)}/KH-{labbr}{abbr}    {district}, ngày {day:02d} tháng {month:02d} năm {year}\n\n"
        f"KẾ HOẠCH\nThực hiện công tác cải cách hành chính năm {year}\n\n"
    )
    parts = [header]
    p0 = rng.choice(pre)
    parts.append(_substitute(p0.body, p0.source, name, level, district, year) + "\n\n")
    for n, p in enumerate(chosen):
        body = _substitute(p.body, p.source, name, level, district, year)
        parts.append(f"{_ROMAN[n]}. {p.heading}\n{body}\n\n")
    parts.append(f"Trên đây là Kế hoạch thực hiện công tác cải cách hành chính năm {year} của Trường {level} {name}./.\n")
    doc_id = f"{year}-{lcode}-{_slug(name)}-{_slug(district)}-synth-{i:06d}"
    return doc_id, "".join(parts)


def write_synthetic_corpus(out_dir: str | Path, n_docs: int, seed: int = 0, start: int = 0) -> list[Path]:
    """Write plans ``start … start+n_docs-1`` as ``OUT_DIR/<doc_id>.txt``; returns the paths."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    pool = section_pool()
    paths = []
    for i in range(start, start + n_docs):
        doc_id, text = synth_plan(i, pool, seed)
        p = out / f"{doc_id}.txt"
        p.write_text(text, encoding="utf-8")
        paths.append(p)
    return paths


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out_dir")
    ap.add_argument("--docs", type=int, default=100)
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args(argv)
    paths = write_synthetic_corpus(a.out_dir, a.docs, a.seed)
    print(f"wrote {len(paths)} synthetic plans to {a.out_dir}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
