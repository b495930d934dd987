"""Measure OCR detection, diacritic restoration and OCR repair.

Run: ``.venv/bin/python -m evals.ocr_restore [--pyvi] [--max-chars N]``

Prints

1. accent ratio (:func:`corpus.ocr.accent_ratio`) of every bundled document and
   the :func:`corpus.ocr.is_ocr_damaged` verdict;
2. diacritic-restoration word accuracy on the clean bundled documents
   (:func:`evals.corpus_model.bundled_clean_texts`) with diacritics stripped,
   leave-one-document-out: for each
   document the model of :mod:`corpus.diacritics` is retrained without it, so
   no document is tested on text it was trained on. A word is an alphabetic
   token; it counts as correct when the restored word equals the original
   (tone-mark placement normalised: ``hoà`` = ``hòa``). ``--pyvi`` adds pyvi's
   ``ViUtils.add_accents`` on the same text as a baseline;
3. OCR repair word accuracy of :func:`corpus.ocr.repair_text` on
   :data:`OCR_GOLD`: 26 lines of the two OCR plans transcribed by hand (read
   against the printed wording that the clean plans share, e.g. the Kế hoạch
   175/KH-UBND sentence). This is a small development set that was also
   looked at while designing the confusion model, so treat it as indicative.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
import unicodedata
from pathlib import Path

from corpus.diacritics import DiacriticModel, restore_diacritics, training_sentences, use_model
from corpus.legal_refs import fold
from corpus.ocr import accent_ratio, is_ocr_damaged, repair_text
from evals.corpus_model import bundled_clean_texts, bundled_diacritic_model

DOCS = Path(__file__).resolve().parent.parent / "corpus" / "documents"

#: (file stem, OCR line exactly as in the file, hand transcription)
OCR_GOLD: list[tuple[str, str, str]] = [
    ("2024-th-hoa-binh-q1-papi", "TRUONG TIEU HQC HOA BINII Poc lap - Tw do - Hanh phiic",
     "TRƯỜNG TIỂU HỌC HÒA BÌNH Độc lập - Tự do - Hạnh phúc"),
    ("2024-th-hoa-binh-q1-papi", "$6: 32/KH-HB Quan 1, ngay 27 thdang 5 nam 2024",
     "Số: 32/KH-HB Quận 1, ngày 27 tháng 5 năm 2024"),
    ("2024-th-hoa-binh-q1-papi", "Ve viée cii thién Chi s0 hiéu qua quan tri",
     "Về việc cải thiện Chỉ số hiệu quả quản trị"),
    ("2024-th-hoa-binh-q1-papi", "va Hanh chinh c¢dng cip tinh (PAPI) nim 2024",
     "và Hành chính công cấp tỉnh (PAPI) năm 2024"),
    ("2024-th-hoa-binh-q1-papi", "Cin ctr Quyét dinh sé 2844/QDP-UBND ngay 14 thang 8 nam 2021 cta Uy",
     "Căn cứ Quyết định số 2844/QĐ-UBND ngày 14 tháng 8 năm 2021 của Ủy"),
    ("2024-th-hoa-binh-q1-papi", "ban nhan dan Thanh phé Ho Chi Minh vé viéc ban hanh Ké hoach cai thién Chi",
     "ban nhân dân Thành phố Hồ Chí Minh về việc ban hành Kế hoạch cải thiện Chỉ"),
    ("2024-th-hoa-binh-q1-papi", "s6 Hidu qua quan tri va hanh chinh cong cAp tinh (PAPI) trén dja ban Thanh phd",
     "số Hiệu quả quản trị và hành chính công cấp tỉnh (PAPI) trên địa bàn Thành phố"),
    ("2024-th-hoa-binh-q1-papi", "Can ot Ké hoach sb 175/KH-UBND ngay 28 thang 5 ndm 2021 cua Uy ban",
     "Căn cứ Kế hoạch số 175/KH-UBND ngày 28 tháng 5 năm 2021 của Ủy ban"),
    ("2024-th-hoa-binh-q1-papi", "nhan dén Quin 1 vé thuc hién chuong trinh cai cich hanh chinh va giai pho nang",
     "nhân dân Quận 1 về thực hiện chương trình cải cách hành chính và giải pháp nâng"),
    ("2024-th-hoa-binh-q1-papi", "Thuc hién Ké hoach s6 04/KH-HB ngay 17 thang 01 nim 2024 cta Trudng",
     "Thực hiện Kế hoạch số 04/KH-HB ngày 17 tháng 01 năm 2024 của Trường"),
    ("2024-th-hoa-binh-q1-papi", "Tiéu hoc Hoa Binh vé viéc thuc hién cong tic cai cach hanh chinh nim 2024.",
     "Tiểu học Hòa Bình về việc thực hiện công tác cải cách hành chính năm 2024."),
    ("2024-th-hoa-binh-q1-papi", "- Viéc thue hién ké hoach phai gén vai trién khai thue hién hiéu qua céc chi",
     "- Việc thực hiện kế hoạch phải gắn với triển khai thực hiện hiệu quả các chỉ"),
    ("2024-th-hoa-binh-q1-papi", "- Cai thién Chi s6 PAPI 1a nhiém vu lién tuc, lau dai, kién tri, sang tao cua",
     "- Cải thiện Chỉ số PAPI là nhiệm vụ liên tục, lâu dài, kiên trì, sáng tạo của"),
    ("2024-th-hoa-binh-q1-papi", "- Tham muu chi dao viéc ting cudng thuc hién bién phap phong, chéng tham",
     "- Tham mưu chỉ đạo việc tăng cường thực hiện biện pháp phòng, chống tham"),
    ("2024-th-hoa-binh-q1-papi", "- Cong théng tin dién tit theo quy dinh tai Nghi dinh s6 42/2022/NP-CP ngay",
     "- Cổng thông tin điện tử theo quy định tại Nghị định số 42/2022/NĐ-CP ngày"),
    ("2024-th-hoa-binh-q1-papi", "24 théng 6 nam 2022 ctia Chinh phii quy dinh vé viéc cung cép théng tin va dich",
     "24 tháng 6 năm 2022 của Chính phủ quy định về việc cung cấp thông tin và dịch"),
    ("2023-mn-tuoi-hong-q1-par-index", "TRUONG MAM NON TUOI HONG Doc 1ap - Ty do - Hanh phic",
     "TRƯỜNG MẦM NON TUỔI HỒNG Độc lập - Tự do - Hạnh phúc"),
    ("2023-mn-tuoi-hong-q1-par-index", "Thyc hién Ké hoach sé 1905/KH-UBND ngay 10 thang 5 nim 2023 ctia Uy ban",
     "Thực hiện Kế hoạch số 1905/KH-UBND ngày 10 tháng 5 năm 2023 của Ủy ban"),
    ("2023-mn-tuoi-hong-q1-par-index",
     "nhan dan Thanh phd vé ci thién Chi s cai cich hanh chinh (Par Index) va ning cao su",
     "nhân dân Thành phố về cải thiện Chỉ số cải cách hành chính (Par Index) và nâng cao sự"),
    ("2023-mn-tuoi-hong-q1-par-index",
     "hai 10ng ctia ngudi dan, doanh nghiép ddi véi co quan hanh chinh nha nuéc trén dia ban",
     "hài lòng của người dân, doanh nghiệp đối với cơ quan hành chính nhà nước trên địa bàn"),
    ("2023-mn-tuoi-hong-q1-par-index", "I. MUC PICH, YEU CAU", "I. MỤC ĐÍCH, YÊU CẦU"),
    ("2023-mn-tuoi-hong-q1-par-index",
     "- Chu dong xéc dinh va dy bo két qua Chi sd cai céch hanh chinh ciia Truéng mim",
     "- Chủ động xác định và dự báo kết quả Chỉ số cải cách hành chính của Trường mầm"),
    ("2023-mn-tuoi-hong-q1-par-index", "dinh s6 60/2021/ND-CP ngay 21 thing 6 nam 2021 cua Chinh phu;",
     "định số 60/2021/NĐ-CP ngày 21 tháng 6 năm 2021 của Chính phủ;"),
    ("2023-mn-tuoi-hong-q1-par-index",
     "- Ra s04t, sip xép bién ché, sb lugng ngudi lam viée tai don vi thude pham vi quan 1y",
     "- Rà soát, sắp xếp biên chế, số lượng người làm việc tại đơn vị thuộc phạm vi quản lý"),
    ("2023-mn-tuoi-hong-q1-par-index",
     "4.Tang cudng cong tac kiém tra, giam sat dbi voi can bg, vién chie va nguoi lao",
     "4.Tăng cường công tác kiểm tra, giám sát đối với cán bộ, viên chức và người lao"),
    ("2023-mn-tuoi-hong-q1-par-index",
     "5.Diy manh don gian héa thi tuc hanh chinh (TTHC); Sé hoa dit lidu; Cong khai,",
     "5.Đẩy mạnh đơn giản hóa thủ tục hành chính (TTHC); Số hóa dữ liệu; Công khai,"),
]

_WORDS = re.compile(r"[^\W\d_]+", re.UNICODE)
_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def canon_word(w: str) -> str:
    """Lower-case word with its tone mark moved to the end (so ``hoà`` == ``hòa``)."""
    nfd = unicodedata.normalize("NFD", w.lower())
    tones = "".join(ch for ch in nfd if ch in _TONES)
    base = "".join(ch for ch in nfd if ch not in _TONES)
    return unicodedata.normalize("NFC", base) + tones


def word_accuracy(pred: str, gold: str) -> tuple[int, int]:
    """(correct, total) over aligned alphabetic words (pred and gold tokenised alike)."""
    pw, gw = _WORDS.findall(pred), _WORDS.findall(gold)
    if len(pw) != len(gw):
        # align position-by-position on the shorter list; missing words are wrong
        n = min(len(pw), len(gw))
        return sum(canon_word(a) == canon_word(b) for a, b in zip(pw[:n], gw[:n])), len(gw)
    return sum(canon_word(a) == canon_word(b) for a, b in zip(pw, gw)), len(gw)


def strip_text(text: str) -> str:
    """``text`` without diacritics, case kept."""
    return fold(text, keep_case=True)


def pyvi_restore(text: str) -> str:
    from pyvi import ViUtils

    out = []
    for line in text.splitlines(keepends=True):
        try:
            out.append(ViUtils.add_accents(line.rstrip("\n")) + ("\n" if line.endswith("\n") else ""))
        except Exception:
            out.append(line)
    return "".join(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pyvi", action="store_true", help="also measure pyvi ViUtils.add_accents")
    ap.add_argument("--max-chars", type=int, default=0, help="only the first N chars of each doc")
    args = ap.parse_args(argv)

    print("== accent ratio (share of letters with a diacritic)")
    for p in sorted(DOCS.glob("*/*.txt")):
        t = p.read_text(encoding="utf-8")
        print(f"  {p.stem:45s} {accent_ratio(t):.3f}  ocr_damaged={is_ocr_damaged(t)}")

    print("\n== diacritic restoration, leave-one-document-out (every clean bundled document)")
    docs = bundled_clean_texts()
    tot_c = tot_n = 0
    py_c = py_n = 0
    for doc_id, text in docs.items():
        if args.max_chars:
            text = text[: args.max_chars]
        model = DiacriticModel(training_sentences(bundled_clean_texts(), exclude_docs=[doc_id]))
        t0 = time.time()
        pred = restore_diacritics(strip_text(text), model=model)
        dt = time.time() - t0
        c, n = word_accuracy(pred, text)
        tot_c += c
        tot_n += n
        line = f"  {doc_id:45s} words={n:6d} acc={c / max(n, 1):.4f} ({dt:.1f}s)"
        if args.pyvi:
            pp = pyvi_restore(strip_text(text))
            pc, pn = word_accuracy(pp, text)
            py_c += pc
            py_n += pn
            line += f"  pyvi={pc / max(pn, 1):.4f}"
        print(line)
    print(f"  ALL words={tot_n} word accuracy={tot_c / max(tot_n, 1):.4f}")
    if args.pyvi:
        print(f"  pyvi ViUtils.add_accents word accuracy={py_c / max(py_n, 1):.4f}")

    print("\n== OCR repair on hand-transcribed lines (OCR_GOLD), model of a store holding the bundled corpus")
    with use_model(bundled_diacritic_model()):
        _ocr_gold()
    return 0


def _ocr_gold() -> None:
    oc = on = 0
    base_c = 0
    texts = {p.stem: p.read_text(encoding="utf-8") for p in (DOCS / "plans").glob("*.txt")}
    for stem, ocr_line, gold in OCR_GOLD:
        if ocr_line not in texts[stem]:
            print(f"  ! line not found in {stem}: {ocr_line!r}", file=sys.stderr)
        rep = repair_text(ocr_line)
        c, n = word_accuracy(rep, gold)
        b, _ = word_accuracy(ocr_line, gold)
        oc += c
        on += n
        base_c += b
        if c < n:
            print(f"  {c}/{n}  {rep}")
    print(f"  words={on} unrepaired accuracy={base_c / max(on, 1):.4f} repaired accuracy={oc / max(on, 1):.4f}")
    full = texts["2024-th-hoa-binh-q1-papi"] + texts["2023-mn-tuoi-hong-q1-par-index"]
    t0 = time.time()
    repair_text(full)
    print(f"  repair_text on both OCR plans ({len(full.encode('utf-8')) / 1000:.1f} KB): {time.time() - t0:.2f}s")


if __name__ == "__main__":
    raise SystemExit(main())
