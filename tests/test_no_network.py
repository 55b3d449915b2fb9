"""Salon is local-first: importing and the analyses `salon demo` runs open no network socket.

Socket creation, ``create_connection`` and name lookups are replaced by functions that record
the attempt and raise; every import and analysis must still succeed, and nothing may have
tried (an attempt swallowed by an ``except`` is caught by the record).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

import salon
from salon.demo import run_demo
from tests.conftest import ROOT, SHARED

DATA = ROOT / "tests" / "data"
EXPORTS = SHARED / "exports"

#: Installs the guard; shared by the in-process tests and the subprocess (run before salon).
GUARD = '''
import socket as _socket_module

ATTEMPTS = []


class NetworkUsed(RuntimeError):
    """Raised on any attempt to open a socket or resolve a name."""


def _refuse(what):
    def refuse(*args, **kwargs):
        ATTEMPTS.append(f"{what}{args!r}")
        raise NetworkUsed(f"Salon tried to use the network: {what}{args!r}")

    return refuse


class _NoSocket(_socket_module.socket):
    def __init__(self, *args, **kwargs):
        _refuse("socket.socket")(*args, **kwargs)


def install(patch=setattr):
    patch(_socket_module, "socket", _NoSocket)
    for name in ("create_connection", "getaddrinfo", "gethostbyname", "gethostbyname_ex",
                 "gethostbyaddr", "socketpair", "fromfd"):
        patch(_socket_module, name, _refuse(f"socket.{name}"))
'''


def _guard() -> dict:
    namespace: dict = {}
    exec(compile(GUARD, "network-guard", "exec"), namespace)
    return namespace


@pytest.fixture
def offline(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """No socket can be opened, no name resolved, in this test; returns the attempts."""
    guard = _guard()
    guard["install"](monkeypatch.setattr)
    with pytest.raises(guard["NetworkUsed"]):  # the guard is in place
        socket.create_connection(("example.org", 80))
    with pytest.raises(guard["NetworkUsed"]):
        socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    guard["ATTEMPTS"].clear()
    return guard["ATTEMPTS"]


def _fixtures() -> list[Path]:
    paths = [
        DATA / "x_2023",
        DATA / "mastodon_44",
        DATA / "contacts.vcf",
        DATA / "google_contacts_2024.csv",
        DATA / "google_calendar_2024-04-01.ics",
        DATA / "sample.mbox",
        DATA / "edges_from_to.txt",
        EXPORTS / "linkedin_export_2018_pseudonymised",
        EXPORTS / "bluesky_car_indigo" / "bnewbold.robocracy.org.20250310005405.car",
        EXPORTS / "vcard_vobject" / "vcard40_full.vcf",
    ]
    return [p for p in paths if p.exists()]


def test_importing_opens_no_socket(offline, tmp_path):
    with salon.open_store(str(tmp_path / "salon.db")) as store:
        report = salon.import_paths(store, _fixtures())
    assert report.records > 0
    assert offline == []


def test_the_demo_opens_no_socket(offline, tmp_path, monkeypatch):
    monkeypatch.setenv("SALON_CACHE", str(tmp_path / "cache"))
    with salon.open_store(str(tmp_path / "demo.db")) as store:
        result = run_demo(store)
    assert result.counts["people"] > 0 and result.plan.agenda_setters["known_by"]
    assert offline == []


def test_salon_demo_opens_no_socket(tmp_path):
    """`python -m salon demo` as a user runs it, with the guard installed before salon loads."""
    program = (
        GUARD
        + """
install()
import atexit, runpy, socket, sys
try:
    socket.create_connection(("example.org", 80))
except NetworkUsed:
    ATTEMPTS.clear()
else:
    sys.exit("the guard is not in place")
atexit.register(lambda: ATTEMPTS and print("NETWORK ATTEMPTS:", ATTEMPTS, file=sys.stderr))
sys.argv = ["salon", "demo"]
runpy.run_module("salon", run_name="__main__", alter_sys=True)
"""
    )
    env = {**os.environ, "SALON_CACHE": str(tmp_path / "cache"), "NO_COLOR": "1"}
    env.pop("SALON_DB", None)
    done = subprocess.run(
        [sys.executable, "-c", program],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "NETWORK ATTEMPTS" not in done.stderr and "NetworkUsed" not in done.stderr
    assert "Salon demo" in done.stdout


#: Client libraries that open connections; only ``salon collect`` (src/salon/collect) may use
#: them.
HTTP_CLIENTS = ("httpx", "requests", "urllib.request", "http.client", "aiohttp", "urllib3")


def test_only_salon_collect_holds_an_http_client():
    import re

    pattern = re.compile(
        r"^\s*(?:import|from)\s+(" + "|".join(re.escape(m) for m in HTTP_CLIENTS) + r")\b", re.M
    )
    source = ROOT / "src" / "salon"
    users = sorted(
        str(path.relative_to(source))
        for path in source.rglob("*.py")
        if pattern.search(path.read_text(encoding="utf-8"))
    )
    assert users and all(u.startswith("collect/") for u in users), users


def test_the_command_line_loads_no_http_client_until_salon_collect_runs():
    program = (
        "import sys, salon, salon.cli, salon.importers, salon.store\n"
        f"print(sorted(m for m in sys.modules if m in {HTTP_CLIENTS!r}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
