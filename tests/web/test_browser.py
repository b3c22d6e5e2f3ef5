"""A real browser on a real server: the Debian Chromium driven by Selenium against
`digitize serve` started on a free port, over an archive holding one real ingested page.

Nothing is downloaded at test time: the driver is /usr/bin/chromedriver (chromium-driver).
Screenshots land in the test's temporary folder.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from digitize.db.models import Document, Event
from digitize.pipelines.archive import Archive

from .conftest import PASSWORD, start_digitize

CHROMIUM, DRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not (CHROMIUM.exists() and DRIVER.exists()),
                       reason="needs the Debian chromium and chromium-driver packages (make setup)"),
]


@pytest.fixture
def server(home: Path, users: dict[str, str], tmp_path: Path) -> Iterator[str]:
    yield from start_digitize(home, tmp_path, "serve")


@pytest.fixture
def browser() -> Iterator[Any]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1000",
                "--lang=vi", "--disable-gpu"):
        options.add_argument(arg)
    options.add_experimental_option("prefs", {"intl.accept_languages": "vi-VN,vi"})
    driver = webdriver.Chrome(service=Service(str(DRIVER)), options=options)
    driver.implicitly_wait(5)
    yield driver
    driver.quit()


def _sign_in(browser: Any, url: str, name: str, then: str) -> None:
    from selenium.webdriver.common.by import By

    browser.get(f"{url}{then}")  # sent to the sign-in page, and back once signed in
    browser.find_element(By.ID, "user").send_keys(name)
    browser.find_element(By.ID, "password").send_keys(PASSWORD)
    browser.find_element(By.ID, "sign-in").click()


def _wait(check: Any, seconds: float = 5.0) -> Any:
    end = time.monotonic() + seconds
    while True:
        result = check()
        if result or time.monotonic() > end:
            return result
        time.sleep(0.1)


def test_a_clerk_clears_a_document_with_the_keyboard(
        server: str, browser: Any, archive: Archive, doc_id: int, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    _sign_in(browser, server, "lan", "/review")
    assert "/review" in browser.current_url
    browser.find_element(By.ID, "first").click()
    started = time.monotonic()
    image = browser.find_element(By.ID, "image-number_symbol")
    assert _wait(lambda: browser.execute_script("return arguments[0].complete && arguments[0].naturalWidth",
                                                image)) > 300, "the header's image did not load"
    browser.save_screenshot(str(tmp_path / "review.png"))
    print(f"\nscreenshots in {tmp_path}")
    number = browser.switch_to.active_element
    assert number.get_attribute("id") == "value-number_symbol"
    number.send_keys("15/QĐ-UBND", Keys.ENTER)  # the suggestion is selected: typing replaces it
    day = browser.switch_to.active_element
    assert day.get_attribute("id") == "value-issued_date"
    day.send_keys("06/01/2020", Keys.ENTER)
    signer = browser.switch_to.active_element
    assert signer.get_attribute("id") == "value-signer"
    signer.send_keys(Keys.CONTROL, Keys.ENTER)  # accept the rest (the signer as suggested), save
    _wait(lambda: browser.current_url.endswith("/review"))
    seconds = time.monotonic() - started
    browser.save_screenshot(str(tmp_path / "queue-after.png"))
    assert browser.current_url.endswith("/review") and "Không còn văn bản cần kiểm tra" in browser.page_source
    with archive.session() as session:
        doc = session.get(Document, doc_id)
        assert doc is not None
        assert (doc.number_symbol, doc.number, doc.issued_date, doc.signer) == (
            "15/QĐ-UBND", "15", "2020-01-06", "Nguyễn Văn An")
        assert not doc.needs_review
        edits = session.scalars(select(Event).where(Event.document_id == doc_id,
                                                    Event.action == "edit")).all()
        assert sorted((e.actor, e.field) for e in edits) == [
            ("lan", "issued_date"), ("lan", "number_symbol"), ("lan", "signer")]
    print(f"\nreview of one document (number and day typed, signer accepted): {seconds:.2f} s")
    assert seconds < 15


def test_a_colleague_searches_and_opens_the_document(
        server: str, browser: Any, archive: Archive, doc_id: int, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    _sign_in(browser, server, "minh", "/")
    box = browser.find_element(By.ID, "q")
    box.send_keys("chuyen doi so", Keys.ENTER)  # no tone marks
    browser.find_element(By.CSS_SELECTOR, f'a.hit[href="/documents/{doc_id}"]').click()
    assert browser.find_element(By.ID, "pdf").get_attribute("src").endswith(f"/documents/{doc_id}/pdf")
    assert "cần kiểm tra" in browser.page_source
    browser.save_screenshot(str(tmp_path / "document.png"))

    def reads() -> set[tuple[str, str]]:
        with archive.session() as session:
            rows = session.scalars(select(Event).where(Event.document_id == doc_id, Event.action == "read"))
            return {(e.actor, (e.detail or {}).get("what", "")) for e in rows}

    assert _wait(lambda: {("minh", "page"), ("minh", "pdf")} <= reads()), reads()
    assert browser.find_element(By.ID, "download-original").get_attribute("href").endswith(
        f"/documents/{doc_id}/original")

