"""The one date grammar (corpus.dates) on dates as the corpus writes them."""
import datetime as dt
import re

from corpus.dates import (DATE, EFFECTIVE_FROM, OCR_DATE, WORDED_DATE_ACCENTED, YEAR_OF, date_from_groups,
                          parse_vn_date, to_date)
from corpus.legal_refs import fold


def test_to_date_and_iso():
    assert to_date("05", "3", "2020") == dt.date(2020, 3, 5)
    assert to_date(31, 2, 2025) is None and to_date(None, 1, 2025) is None
    assert parse_vn_date("26", "02", "2024") == "2024-02-26"


def test_date_both_forms_after_tu_ngay():
    # NĐ 60/2021/NĐ-CP, Điều 40 and the corpus's title suffix style
    rx = re.compile(EFFECTIVE_FROM + DATE)
    m = rx.search(fold("Nghị định này có hiệu lực thi hành kể từ ngày 15 tháng 8 năm 2021."))
    assert date_from_groups(m.groups()) == "2021-08-15"
    m = rx.search(fold("Thông tư này có hiệu lực từ ngày 01/7/2026"))
    assert date_from_groups(m.groups()) == "2026-07-01"
    assert rx.search(fold("có hiệu lực kể từ ngày ký")) is None


def test_ocr_and_separator_forms():
    rx = re.compile(OCR_DATE)
    # place-and-date lines of the bundled plans and of crawled 2025 documents; OCR-damaged words
    for line, iso in (("Gò Vấp, ngày 26 tháng 02 năm 2024", "2024-02-26"),
                      ("Hà Nội, ngày 19/11/2025", "2025-11-19"),
                      ("Hà Nội, ngày 19-11-2025", "2025-11-19"),
                      ("Quận 1, ngay 27 thdang 5 nam 2024", "2024-05-27")):
        m = rx.search(fold(line))
        assert m and date_from_groups(m.groups()) == iso, line


def test_accented_worded_and_year():
    m = re.search(WORDED_DATE_ACCENTED, "Kế hoạch số 04/KH-UBND ngày 04 tháng 01 năm 2024", re.IGNORECASE)
    assert m.groups() == ("04", "01", "2024")
    years = [m.group(1) for m in re.finditer(YEAR_OF, fold("Năm 2024 thì sao, giai đoạn năm 2021-2025"))]
    assert years == ["2024"]
