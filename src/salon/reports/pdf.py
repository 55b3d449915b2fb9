"""The report as a PDF: the HTML printed by headless Chromium (``--print-to-pdf``).

Chromium is found as ``$SALON_CHROMIUM``, else ``chromium``, ``chromium-browser``,
``google-chrome`` or ``chrome`` on the PATH (Debian: ``apt install chromium``). It runs with a
throw-away profile, no extensions, no background services, and every host name mapped to
nothing, so printing the report cannot reach the network.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from salon.errors import SalonError

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")


def find_chromium() -> str | None:
    """The Chromium (or Chrome) to print with: ``$SALON_CHROMIUM`` or the first on the PATH.

    >>> find_chromium() is None or Path(find_chromium()).name != ""
    True
    """
    named = os.environ.get("SALON_CHROMIUM")
    if named:
        return shutil.which(named) or (named if Path(named).is_file() else None)
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    return None


def require_chromium() -> str:
    """:func:`find_chromium`, or a :class:`~salon.errors.SalonError` saying how to get one."""
    found = find_chromium()
    if found is None:
        raise SalonError(
            "No Chromium to print the PDF with: install it (Debian: apt install chromium), "
            "set SALON_CHROMIUM to its path, or pass --no-pdf."
        )
    return found


def chromium_flags(profile: Path) -> list[str]:
    """Headless, private, offline: the flags every Chromium run of Salon's takes."""
    flags = [
        "--headless",
        "--disable-gpu",
        f"--user-data-dir={profile}",
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-default-apps",
        "--disable-extensions",
        "--disable-sync",
        "--disable-features=Translate,MediaRouter,OptimizationHints",
        "--host-resolver-rules=MAP * ~NOTFOUND",
        "--no-pdf-header-footer",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        flags.append("--no-sandbox")  # Chromium's sandbox refuses to run as root
    return flags


def html_to_pdf(
    html: Path, pdf: Path, *, browser: str | None = None, timeout: float = 120.0
) -> Path:
    """Print ``html`` (a file) to ``pdf`` with headless Chromium; returns ``pdf``.

    Raises :class:`~salon.errors.SalonError` when no Chromium is found or printing fails.
    """
    browser = browser or require_chromium()
    pdf = Path(pdf)
    with tempfile.TemporaryDirectory(prefix="salon-chromium-") as profile:
        command = [
            browser,
            *chromium_flags(Path(profile)),
            f"--print-to-pdf={pdf}",
            Path(html).resolve().as_uri(),
        ]
        try:
            done = subprocess.run(
                command, capture_output=True, text=True, timeout=timeout, check=False
            )
        except subprocess.TimeoutExpired as exc:
            raise SalonError(f"Chromium did not print {html} within {timeout:.0f} s.") from exc
        except OSError as exc:
            raise SalonError(f"Could not run Chromium ({browser}): {exc}") from exc
    if done.returncode != 0 or not pdf.is_file() or pdf.stat().st_size == 0:
        tail = " ".join(done.stderr.strip().splitlines()[-2:])
        raise SalonError(
            f"Chromium could not print {html} to {pdf} (exit code {done.returncode}): {tail}"
        )
    os.chmod(pdf, 0o600)
    return pdf
