"""Shared pieces of the collector tests: the recorded answers, a private data folder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import shared


@pytest.fixture(autouse=True)
def _data_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Jobs and the HTTP cache go under a temporary data folder."""
    home = tmp_path / "data-home"
    monkeypatch.setenv("XDG_DATA_HOME", str(home))
    return home


def samples(relative: str) -> Path:
    """A file of ../shared/data/api_samples (the test skips without it)."""
    return shared(f"api_samples/{relative}")


def body(relative: str) -> dict | list:
    return json.loads(samples(relative).read_bytes())


def dumps(value: object) -> bytes:
    return json.dumps(value, separators=(",", ":")).encode()
