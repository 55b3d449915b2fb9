"""The PDF's printer: Chromium found as configured, offline flags, and a clear refusal
without one — before anything is written."""

from __future__ import annotations

import pytest

import salon
from salon.reports.pdf import chromium_flags, find_chromium, html_to_pdf


def test_without_chromium_the_report_is_refused_before_anything_is_written(tmp_path, monkeypatch):
    monkeypatch.setenv("SALON_CHROMIUM", str(tmp_path / "no-such-browser"))
    assert find_chromium() is None
    store = salon.demo.sample_store()
    salon.add_goal(store, "qec", objective="learn", segment="tag:quantum-error-correction")
    with pytest.raises(salon.SalonError, match=r"No Chromium to print the PDF with.*--no-pdf"):
        salon.report(store, "qec", tmp_path / "out", pdf=True)
    assert not (tmp_path / "out").exists()
    with pytest.raises(salon.SalonError, match="SALON_CHROMIUM"):
        html_to_pdf(tmp_path / "a.html", tmp_path / "a.pdf")


def test_a_named_chromium_is_used(tmp_path, monkeypatch):
    browser = tmp_path / "my-chromium"
    browser.write_text("#!/bin/sh\nexit 3\n")
    browser.chmod(0o700)
    monkeypatch.setenv("SALON_CHROMIUM", str(browser))
    assert find_chromium() == str(browser)
    page = tmp_path / "a.html"
    page.write_text("<p>hi</p>")
    with pytest.raises(salon.SalonError, match=r"could not print .*exit code 3"):
        html_to_pdf(page, tmp_path / "a.pdf")


def test_chromium_runs_offline_with_a_throw_away_profile(tmp_path):
    flags = chromium_flags(tmp_path)
    assert f"--user-data-dir={tmp_path}" in flags and "--headless" in flags
    assert "--host-resolver-rules=MAP * ~NOTFOUND" in flags  # no name resolves: no request
    assert "--disable-background-networking" in flags and "--disable-component-update" in flags
