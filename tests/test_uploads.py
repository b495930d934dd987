"""Upload checks (bot.uploads) on their own: names, extensions, sizes, content sniffing."""

from __future__ import annotations

import io
import zipfile

import pytest

from bot.uploads import UploadError, check_upload, safe_filename
from tests.conftest import HUONG_SEN


@pytest.mark.parametrize("raw, safe", [
    ("Kế hoạch CCHC 2024.docx", "Kế-hoạch-CCHC-2024.docx"),
    ("2024-mn-huong-sen-go-vap-cai-cach-tthc.txt", "2024-mn-huong-sen-go-vap-cai-cach-tthc.txt"),
    ("KH 26 (bản cuối);rm -rf.PDF", "KH-26-_bản-cuối_rm--rf.pdf"),
    ("a..b...txt", "a.b.txt"),
])
def test_safe_filename(raw, safe):
    assert safe_filename(raw) == safe


@pytest.mark.parametrize("raw", ["../../etc/passwd.txt", "..\\..\\win.ini.txt", "/abs/path.txt", "a/b.txt", "x\x00.txt"])
def test_paths_in_names_are_refused(raw):
    with pytest.raises(UploadError) as e:
        check_upload(raw, b"noi dung", 20)
    assert e.value.status == 400 and "Tên tệp" in e.value.message and "invalid file name" in e.value.message


def test_real_plan_passes():
    data = HUONG_SEN.read_bytes()
    assert check_upload(HUONG_SEN.name, data, 20).data == data


def test_size_limits():
    with pytest.raises(UploadError) as e:
        check_upload("a.txt", b"", 20)
    assert e.value.status == 400
    with pytest.raises(UploadError) as e:
        check_upload("a.txt", b"a" * (1024 * 1024 + 1), 1)
    assert e.value.status == 413 and "1 MB" in e.value.message


def test_utf16_text_is_not_mistaken_for_binary():
    data = HUONG_SEN.read_text(encoding="utf-8")[:2000].encode("utf-16")
    assert check_upload("kh.txt", data, 20).filename == "kh.txt"


def test_docx_must_be_word_zip_without_bomb():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("hello.txt", "not word")
    with pytest.raises(UploadError) as e:
        check_upload("x.docx", buf.getvalue(), 20)
    assert e.value.status == 422 and "word/document.xml" in e.value.message
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("word/document.xml", b"<w:document/>" + b" " * (30 * 1024 * 1024))
    with pytest.raises(UploadError) as e:
        check_upload("x.docx", buf.getvalue(), 20)
    assert e.value.status == 422 and "zip bomb" in e.value.message
