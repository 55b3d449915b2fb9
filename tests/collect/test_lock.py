"""A job's lock (src/salon/collect/lock.py)."""

from __future__ import annotations

import fcntl
import threading
import time
from pathlib import Path

import pytest

from salon.collect.http import CollectError
from salon.collect.lock import hold, running


def test_a_listing_of_the_jobs_does_not_refuse_a_resume(tmp_path: Path) -> None:
    """`salon collect jobs` takes a shared lock for an instant to see whether a job runs; a
    resume at that instant was refused as 'already running'."""
    path = tmp_path / "lock"
    path.write_text("12345\n")  # left by a run that was killed
    listing = open(path, encoding="utf-8")  # noqa: SIM115 (held across the thread below)
    fcntl.flock(listing.fileno(), fcntl.LOCK_SH)
    threading.Timer(0.1, listing.close).start()  # the listing is done a moment later
    with hold(path, "demo"):
        assert running(tmp_path) is not None
    assert running(tmp_path) is None


def test_a_job_that_runs_is_refused_a_second_run(tmp_path: Path) -> None:
    path = tmp_path / "lock"
    with hold(path, "demo"):
        started = time.monotonic()
        with pytest.raises(CollectError, match="already running"), hold(path, "demo"):
            pass
        assert time.monotonic() - started < 2
