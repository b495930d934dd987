"""The web chat page in headless Chromium (selenium): type a question, get an
answer whose [n] citation expands to the quoted passage."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from bot.api import create_app
from tests.fakes.server import ServerThread

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
SCREENSHOT = Path(os.environ.get("CCHC_SCREENSHOT_DIR", tempfile.gettempdir())) / "cchc-web-chat.png"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} not installed (apt-get install chromium chromium-driver)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="cchc-chromium-")
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for arg in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", f"--user-data-dir={profile}", "--window-size=1280,900", "--lang=vi"):
        opts.add_argument(arg)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


def test_question_gets_cited_answer_with_expandable_source(browser, small_service):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait

    with ServerThread(create_app(small_service)) as srv:
        browser.get(srv.url + "/")
        assert "Trợ lý CCHC" in browser.title
        box = browser.find_element(By.ID, "question")
        box.send_keys("Bộ phận Một cửa có nhiệm vụ và quyền hạn gì?")
        browser.find_element(By.ID, "ask-btn").click()
        wait = WebDriverWait(browser, 60)
        answer = wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, ".msg.bot .answer")))
        assert "[1]" in answer.text
        sources = browser.find_elements(By.CSS_SELECTOR, ".msg.bot .source")
        assert sources and not sources[0].is_displayed()  # collapsed until [1] is clicked
        browser.find_element(By.CSS_SELECTOR, ".msg.bot button.cite[data-n='1']").click()
        wait.until(EC.visibility_of(sources[0]))
        shown = sources[0].text
        assert shown.startswith("[1] ") and "Mục:" in shown
        # the quoted passage is the cited chunk's text, as the API returned it
        cited = small_service.ask("Bộ phận Một cửa có nhiệm vụ và quyền hạn gì?").citations[0]
        quote = sources[0].find_element(By.TAG_NAME, "blockquote").text
        assert " ".join(quote.split())[:80] == " ".join(cited.text.split())[:80]
        if cited.number:
            assert cited.number in shown
        browser.execute_script("document.querySelector('.msg.user').scrollIntoView()")
        browser.save_screenshot(str(SCREENSHOT))

        # an OCR-damaged source carries the warning
        box.send_keys("Kế hoạch cải thiện chỉ số PAPI năm 2024 của trường tiểu học Hòa Bình")
        browser.find_element(By.ID, "ask-btn").click()
        wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, ".msg.bot")) == 2)
        second = browser.find_elements(By.CSS_SELECTOR, ".msg.bot")[1]
        for b in second.find_elements(By.CSS_SELECTOR, "button.cite"):
            b.click()
        texts = [s.text for s in second.find_elements(By.CSS_SELECTOR, ".source")]
        ans = small_service.ask("Kế hoạch cải thiện chỉ số PAPI năm 2024 của trường tiểu học Hòa Bình")
        if any(c.ocr_damaged and f"[{c.n}]" in ans.answer for c in ans.citations):
            assert any("bản quét, có thể sai dấu" in t for t in texts)
    assert SCREENSHOT.stat().st_size > 10_000


UPLOAD_SCREENSHOT = SCREENSHOT.with_name("cchc-web-upload.png")


def test_upload_shows_the_job_progress_then_the_result(browser, tmp_path):
    """The page uploads NĐ 61/2018, shows the ingest job's progress bar while
    its passages are embedded (a slowed-down fake embedder: 0.15 s per batch),
    then the result; the document list then holds it."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    from assistant.service import CCHCService
    from assistant.settings import Settings
    from tests.conftest import HUONG_SEN, ND61
    from tests.fakes.embeddings import SlowEmbeddings

    svc = CCHCService(settings=Settings(data_dir=tmp_path / "d", embedding_backend="fake"),
                      embeddings=SlowEmbeddings(0.15))
    svc.ingest([HUONG_SEN])
    with ServerThread(create_app(svc)) as srv:
        browser.get(srv.url + "/")
        browser.find_element(By.CSS_SELECTOR, "#upload-panel summary").click()
        browser.find_element(By.ID, "upload-file").send_keys(str(ND61))
        browser.find_element(By.ID, "upload-btn").click()
        seen: list[tuple[str, str | None]] = []
        shot = False

        def finished(d) -> bool:
            nonlocal shot
            text = d.find_element(By.ID, "upload-status").text
            value = d.find_element(By.ID, "upload-progress").get_attribute("value")
            seen.append((text, value))
            if value and 0 < float(value) < 100 and not shot:
                d.save_screenshot(str(UPLOAD_SCREENSHOT))
                shot = True
            return text.startswith("Đã nạp") or "error" in d.find_element(By.ID, "upload-status").get_attribute("class")

        WebDriverWait(browser, 120, poll_frequency=0.1).until(finished)
        final = browser.find_element(By.ID, "upload-status").text
        assert final.startswith(f"Đã nạp {ND61.name} (103 đoạn)") and "Kho có 2 văn bản" in final, seen[-3:]
        partial = [(t, v) for t, v in seen if t.startswith("Đang nạp") and v and 0 < float(v) < 100]
        assert partial, seen  # the bar moved part-way while the job ran
        assert any("/103 đoạn" in t for t, _ in partial)
        browser.find_element(By.CSS_SELECTOR, "#doc-list-panel summary").click()
        WebDriverWait(browser, 30).until(lambda d: "61/2018/NĐ-CP" in d.find_element(By.ID, "doc-list").text)
    assert UPLOAD_SCREENSHOT.stat().st_size > 10_000
