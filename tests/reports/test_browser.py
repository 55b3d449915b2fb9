"""The report as a person sees it: opened in headless Chromium (Debian's chromium and
chromium-driver, driven by Selenium) with no console error and no request but the page itself;
and its PDF turned into page images by pdftoppm, with the sections' text in it.

Screenshots (the page, whole; the PDF's pages) go to ``$SALON_SCREENSHOTS`` (else the test's
temporary folder). Skips without Chromium or poppler-utils, unless ``SALON_STRICT=1``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import salon
from tests.conftest import STRICT

pytestmark = pytest.mark.slow

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
DRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"


def _need(*paths: str, why: str) -> None:
    if not all(Path(p).exists() for p in paths):
        if STRICT:
            pytest.fail(why)
        pytest.skip(why)


def _shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("SALON_SCREENSHOTS") or tmp_path / "shots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def written(quantum, tmp_path_factory) -> Any:
    _need(CHROMIUM, why="Chromium is not installed (apt-get install chromium)")
    store = quantum
    return salon.report(store, "trusted-answerer", tmp_path_factory.mktemp("report"), pdf=True)


@pytest.fixture
def browser() -> Iterator[Any]:
    _need(
        CHROMIUM,
        DRIVER,
        why="Chromium and chromedriver are not installed (apt-get install chromium-driver)",
    )
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"):
        options.add_argument(flag)
    options.add_argument("--window-size=1100,900")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(DRIVER))
    try:
        yield driver
    finally:
        driver.quit()


def _requests(driver: Any) -> list[str]:
    """Every URL the page asked for (the DevTools network log)."""
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def test_the_report_opens_with_no_console_error_and_no_request(written, browser, tmp_path):
    page = Path(written.html).resolve().as_uri()
    browser.get(page)
    assert browser.title == "trusted-answerer"
    assert browser.find_element("id", "advice").text == written.advice
    shown = [s.get_attribute("id") for s in browser.find_elements("css selector", "section")]
    assert shown == written.sections
    svgs = browser.find_elements("css selector", "figure svg")
    assert len(svgs) >= 5 and all(s.size["width"] > 300 for s in svgs)  # drawn, not empty
    errors = [e for e in browser.get_log("browser") if e["level"] in ("SEVERE", "WARNING")]
    assert errors == []
    assert _requests(browser) == [page]
    height = browser.execute_script("return document.documentElement.scrollHeight")
    browser.set_window_size(1100, height + 100)
    shots = _shots(tmp_path)
    assert browser.save_screenshot(str(shots / "report.png"))
    for section in browser.find_elements("css selector", "section"):
        assert section.screenshot(str(shots / f"report-{section.get_attribute('id')}.png"))


def test_the_pdf_has_the_report_on_its_pages(written, tmp_path):
    _need(
        "/usr/bin/pdftoppm",
        "/usr/bin/pdftotext",
        why="poppler-utils is not installed (apt-get install poppler-utils)",
    )
    assert written.pdf and Path(written.pdf).read_bytes()[:5] == b"%PDF-"
    shots = _shots(tmp_path)
    subprocess.run(
        ["pdftoppm", "-r", "50", "-png", written.pdf, str(shots / "report-pdf")], check=True
    )
    pages = sorted(shots.glob("report-pdf-*.png"))
    assert len(pages) >= 4 and all(p.stat().st_size > 5_000 for p in pages)
    text = subprocess.run(
        ["pdftotext", "-layout", written.pdf, "-"], capture_output=True, text=True, check=True
    ).stdout
    flat = " ".join(text.split())
    for title in (
        "Whom to be known by",
        "The few to win",
        "Channels now and in 6–12 months",
        "The segment's attention map",
        "Your week",
        "Meetings",
        "Milestones",
    ):
        assert title in flat, title
    assert written.advice.split(",")[0] in flat
