"""End to end in headless Chromium (Debian's chromium and chromium-driver, driven by
Selenium): a person's path through the shipped data — open the start page with the printed
URL, open the plan and follow an agenda-setter to their page, see the attention map and the
forecast drawn, import an export file and read its report, download the meeting plan's .ics,
paste a leaking draft and see it blocked — with no script or style blocked by the
Content-Security-Policy and no request leaving the machine.

Screenshots go to ``$SALON_SCREENSHOTS`` (else the test's temporary folder). Skips without
Chromium, unless ``SALON_STRICT=1``.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import salon
from salon.web.app import create_app
from tests.conftest import STRICT
from tests.web.conftest import GOAL, LEAKY, TOKEN

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
DRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"

CARDS = """BEGIN:VCARD
VERSION:3.0
FN:Ana Ruiz
EMAIL:ana@acme.example
ORG:Acme
ADR:;;;Vienna;;;Austria
END:VCARD
BEGIN:VCARD
VERSION:3.0
FN:Ben Kovacs
EMAIL:ben@acme.example
ORG:Acme
ADR:;;;Vienna;;;Austria
END:VCARD
"""


def _need_browser() -> None:
    if not (Path(CHROMIUM).exists() and Path(DRIVER).exists()):
        message = "Chromium and chromedriver are not installed (apt-get install chromium-driver)"
        if STRICT:
            pytest.fail(message)
        pytest.skip(message)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def server(web_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """`salon serve` on a free port of 127.0.0.1, in a thread; yields the printed URL."""
    _need_browser()
    import uvicorn

    monkeypatch.setenv("SALON_UPLOADS", str(tmp_path / "uploads"))
    port = _free_port()
    store = salon.open_store(str(web_copy))
    app = create_app(store, token=TOKEN, port=port)
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    for _ in range(200):
        if running.started:
            break
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}/?token={TOKEN}"
    running.should_exit = True
    thread.join(timeout=10)
    store.close()


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Any]:
    _need_browser()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"):
        options.add_argument(flag)
    options.add_argument("--window-size=1280,900")
    options.add_argument("--use-angle=swiftshader")  # WebGL without a GPU, for sigma.js
    options.add_argument("--enable-unsafe-swiftshader")
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    options.add_experimental_option(
        "prefs",
        {"download.default_directory": str(downloads), "download.prompt_for_download": False},
    )
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(DRIVER))
    driver.downloads = downloads  # type: ignore[attr-defined]
    try:
        yield driver
    finally:
        driver.quit()


def _shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("SALON_SCREENSHOTS") or tmp_path / "shots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _wait(driver: Any, css: str, seconds: float = 20) -> Any:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, seconds).until(
        ec.presence_of_element_located((By.CSS_SELECTOR, css))
    )


def _no_blocked(driver: Any) -> None:
    """No script, style or request refused by the CSP, no script error, nothing external."""
    logs = driver.get_log("browser")
    bad = [
        entry["message"]
        for entry in logs
        if entry["level"] == "SEVERE" or "Content Security Policy" in entry["message"]
    ]
    assert not bad, bad


def test_a_person_goes_through_salon(server: str, browser: Any, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    shots = _shots(tmp_path)
    base = server.split("/?")[0]
    browser.get(server)
    assert browser.current_url == base + "/"  # the token is gone from the address bar
    assert "Kabir Mehta" in browser.find_element(By.TAG_NAME, "h1").text
    browser.save_screenshot(str(shots / "01-home.png"))
    _no_blocked(browser)

    # The plan; follow its first agenda-setter to their page.
    browser.find_element(By.LINK_TEXT, "Plan").click()
    _wait(browser, "#agenda-setters", 120)
    assert browser.current_url == f"{base}/plan/{GOAL}"
    browser.save_screenshot(str(shots / "02-plan.png"))
    first = browser.find_element(By.CSS_SELECTOR, "#agenda-setters a.agenda-setter")
    name = first.text
    first.click()
    WebDriverWait(browser, 20).until(ec.url_contains("/people/"))  # not the plan's own h1
    _wait(browser, "h1")
    assert browser.find_element(By.TAG_NAME, "h1").text.startswith(name)
    assert f"/plan/{GOAL}" in browser.page_source  # the score, with its plan and evidence
    browser.save_screenshot(str(shots / "03-agenda-setter.png"))
    _no_blocked(browser)

    # The attention map, drawn by sigma.js from the server's positions.
    browser.get(base + "/segments/quantum-algorithms/map")
    _wait(browser, '#graph[data-ready="true"]')
    drawn = browser.execute_script("return window.salonGraph.graph.order")
    assert drawn > 50
    time.sleep(0.5)
    browser.save_screenshot(str(shots / "04-attention-map.png"))
    _no_blocked(browser)

    # The forecast with its interval (uPlot).
    browser.get(base + "/forecast?innovation=tag%3Aquantum-algorithms&period=week")
    _wait(browser, '#forecast-plot[data-ready="true"] canvas')
    browser.save_screenshot(str(shots / "05-forecast.png"))
    _no_blocked(browser)

    # Import an export file, watch it run, read the report.
    cards = tmp_path / "vienna.vcf"
    cards.write_text(CARDS)
    browser.get(base + "/imports")
    browser.find_element(By.ID, "import-file").send_keys(str(cards))
    browser.find_element(By.ID, "import-submit").click()
    _wait(browser, '#import-state[data-state="done"]', 60)
    report = browser.find_element(By.ID, "import-report").text
    assert "people 2" in report
    browser.save_screenshot(str(shots / "06-import-report.png"))
    _no_blocked(browser)

    # Plan meetings in Vienna and download the invitations.
    browser.get(base + "/meet?city=Vienna")
    assert "Ana Ruiz" in browser.page_source
    browser.save_screenshot(str(shots / "07-meet.png"))
    browser.find_element(By.ID, "download-ics").click()
    for _ in range(100):
        done = [p for p in browser.downloads.glob("*.ics")]
        if done:
            break
        time.sleep(0.1)
    assert done, "the .ics was not downloaded"
    text = done[0].read_text()
    assert text.count("BEGIN:VEVENT") >= 1 and "Ana Ruiz" in text
    _no_blocked(browser)

    # Paste a draft that gives away a private note: it is blocked, and says why.
    browser.get(base + "/leak")
    browser.find_element(By.ID, "draft").send_keys(LEAKY)
    browser.find_element(By.ID, "leak-check").click()
    verdict = _wait(browser, "#verdict", 60)
    assert verdict.get_attribute("data-leaks") == "true" and "Blocked" in verdict.text
    browser.save_screenshot(str(shots / "08-leak-blocked.png"))
    _no_blocked(browser)

    # The friendly error page.
    browser.get(base + "/people/999999")
    assert "No person 999999" in browser.page_source
    browser.save_screenshot(str(shots / "09-not-found.png"))
