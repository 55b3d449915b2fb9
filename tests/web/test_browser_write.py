"""End to end in headless Chromium: writing from the browser as a person would — add an
account and a note (markup shows as text), download the export (no private note in it), write
the plan's report and download it, and collect a feed from a replay server on 127.0.0.1 —
with nothing blocked by the Content-Security-Policy. Screenshots as in test_browser.py."""

from __future__ import annotations

import time
import zipfile
from pathlib import Path
from typing import Any

import pytest

from tests.collect.server import Replay
from tests.web.conftest import GOAL, HOSTILE, SECRET
from tests.web.test_browser import _no_blocked, _shots, _wait, browser, server
from tests.web.test_routes_collect import FEED

__all__ = ["browser", "server"]  # the fixtures, shared with test_browser.py


@pytest.fixture(autouse=True)
def _data_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Collection jobs and their HTTP cache go under the test's folder."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data-home"))


def _downloaded(folder: Path, suffix: str, seconds: float = 30) -> Path:
    for _ in range(int(seconds / 0.1)):
        done = [p for p in folder.iterdir() if p.name.endswith(suffix)]
        if done:
            return done[0]
        time.sleep(0.1)
    raise AssertionError(f"no {suffix} downloaded: {[p.name for p in folder.iterdir()]}")


def _fill(driver: Any, form: str, values: dict[str, str], *, navigates: bool = False) -> None:
    """Fill a form and submit it; where the answer is a new page, wait until the old one is
    gone, so that what the test reads next is the new page, not the one it left."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    for name, value in values.items():
        field = driver.find_element(By.CSS_SELECTOR, f"#{form} [name={name}]")
        field.clear()
        field.send_keys(value)
    page = driver.find_element(By.TAG_NAME, "html")
    driver.find_element(By.CSS_SELECTOR, f"#{form} button[type=submit]").click()
    if navigates:
        WebDriverWait(driver, 20).until(ec.staleness_of(page))


def test_a_person_writes_downloads_and_collects(server: str, browser: Any, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    shots = _shots(tmp_path)
    base = server.split("/?")[0]
    browser.get(server)

    # An account and a note with markup in it: shown as text.
    browser.get(base + "/accounts")
    _fill(
        browser, "account-add", {"name": "Cardnest", "domain": "cardnest.example"}, navigates=True
    )
    _wait(browser, "#account-note")
    assert browser.current_url == base + "/accounts/Cardnest"
    _fill(
        browser,
        "account-note",
        {"text": f"Wants SOC 2 {HOSTILE}", "source": "a call"},
        navigates=True,
    )
    _wait(browser, "#account-note")
    assert f"Wants SOC 2 {HOSTILE}" in browser.find_element(By.TAG_NAME, "main").text
    browser.save_screenshot(str(shots / "11-account-note.png"))
    _no_blocked(browser)  # the script in the note never ran

    # The export: a zip of JSON Lines, the private note left out (not ticked).
    browser.get(base + "/export")
    browser.find_element(By.CSS_SELECTOR, "#export-form button[type=submit]").click()
    archive = _downloaded(browser.downloads, ".zip")
    with zipfile.ZipFile(archive) as export:
        names = export.namelist()
        everything = b"".join(export.read(n) for n in names if n.endswith(".jsonl"))
    assert "salon-export/people.jsonl" in names and SECRET.encode() not in everything
    _no_blocked(browser)

    # The report: written on the click, then downloaded.
    browser.get(f"{base}/plan/{GOAL}")
    _wait(browser, "#report-form", 120)
    browser.find_element(By.CSS_SELECTOR, "#report-form button[type=submit]").click()
    _wait(browser, "#download-report-html", 120).click()
    report = _downloaded(browser.downloads, ".html").read_text()
    assert 'id="agenda"' in report and 'id="milestones"' in report
    browser.save_screenshot(str(shots / "12-report.png"))
    _no_blocked(browser)

    # Collect a feed, on the click only, from a server on this machine.
    with Replay() as replay:
        replay.add("/feed.xml", FEED, headers={"Content-Type": "application/atom+xml"})
        browser.get(base + "/collect")
        assert not replay.log
        Select(browser.find_element(By.CSS_SELECTOR, "#collect-form [name=kind]")).select_by_value(
            "rss:feeds"
        )
        _fill(browser, "collect-form", {"targets": f"{replay.url}/feed.xml"}, navigates=True)
        _wait(browser, '#collect-state:not([data-state="running"])', 60)
        assert replay.asked("/feed.xml") == 1, browser.find_element(By.TAG_NAME, "main").text
    assert "Done" in browser.find_element(By.ID, "collect-state").text, browser.page_source
    browser.save_screenshot(str(shots / "13-collect.png"))
    _no_blocked(browser)
