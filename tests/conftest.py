"""Shared fixtures: stores on SQLite and PostgreSQL, real data from ../shared/data, the CLI."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

import salon
from salon.store import Store
from salon.store.queries import stats

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
STRICT = os.environ.get("SALON_STRICT") == "1"
PG_URL = os.environ.get("SALON_TEST_PG_URL")


def shared(relative: str) -> Path:
    """A path in ../shared/data; skips the test without it (fails under SALON_STRICT=1)."""
    path = SHARED / relative
    if not path.exists():
        message = f"{path} is missing (the shared data sets sit beside the checkout)"
        if STRICT:
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture(autouse=True)
def _private_cache(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Snapshots are cached under a temporary folder, never in the user's ~/.cache."""
    monkeypatch.setenv("SALON_CACHE", str(tmp_path_factory.mktemp("cache")))


@pytest.fixture
def fresh_store(tmp_path: Path) -> Iterator[Store]:
    """An empty SQLite store."""
    with salon.open_store(str(tmp_path / "salon.db")) as store:
        yield store


def _pg_store() -> Iterator[Store]:
    if not PG_URL:
        if STRICT:
            pytest.fail("SALON_TEST_PG_URL is not set (needed under SALON_STRICT=1)")
        pytest.skip("SALON_TEST_PG_URL is not set")
    schema = f"salon_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL)
    try:
        with admin.begin() as connection:
            connection.execute(text(f"CREATE SCHEMA {schema}"))
    except Exception as exc:  # the server is down: that is a skip, or a failure when strict
        admin.dispose()
        if STRICT:
            pytest.fail(f"PostgreSQL at {PG_URL} is not reachable: {exc}")
        pytest.skip(f"PostgreSQL at {PG_URL} is not reachable")
    separator = "&" if "?" in PG_URL else "?"
    store = salon.open_store(f"{PG_URL}{separator}options=-csearch_path%3D{schema}")
    try:
        yield store
    finally:
        store.close()
        with admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def any_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """The same test on an empty SQLite store and an empty PostgreSQL schema."""
    if request.param == "sqlite":
        with salon.open_store(str(tmp_path / "salon.db")) as store:
            yield store
    else:
        yield from _pg_store()


def data_counts(store: Store) -> dict[str, int]:
    """Rows per table, leaving out the import log."""
    return {k: v for k, v in stats(store).items() if k != "imports"}


def run_cli(*args: str, db: Path | str | None = None, **kwargs) -> subprocess.CompletedProcess:
    """Run `salon ARGS` as a user would (a subprocess), capturing its output."""
    env = {**os.environ, "COLUMNS": "120", "NO_COLOR": "1"}
    env.pop("SALON_DB", None)
    if db is not None:
        env["SALON_DB"] = str(db)
    return subprocess.run(
        [sys.executable, "-m", "salon", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        **kwargs,
    )
