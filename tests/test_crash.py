"""An import killed with SIGKILL leaves the store as it was: all of an import or none of it.

A subprocess imports an edge list of 250,000 rows into a store that already holds an import;
it is killed at seeded random moments. After each kill the store opens, SQLite finds it intact,
it holds what it held before (or, killed after the commit, all of the import), and importing
again gives what a clean import gives.
"""

from __future__ import annotations

import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import text

import salon
from salon.store.queries import stats
from tests.conftest import ROOT, data_counts

ROWS = 250_000
SEEDS = (1, 2, 3)
_IMPORT = """
import sys
import salon
store = salon.open_store(sys.argv[1])
print("ready", flush=True)
salon.import_paths(store, [sys.argv[2]])
print("done", flush=True)
"""


def _edge_list(path: Path) -> Path:
    rng = random.Random(20240401)
    at = 1_300_000_000
    with open(path, "w", encoding="utf-8") as out:
        for _ in range(ROWS):
            at += rng.randrange(1, 60)
            out.write(f"{rng.randrange(20_000)} {rng.randrange(20_000)} {at}\n")
    return path


def _start(db: Path, edges: Path) -> tuple[subprocess.Popen[str], float]:
    """The import running in its own process, and when it began importing."""
    process = subprocess.Popen(
        [sys.executable, "-c", _IMPORT, str(db), str(edges)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "ready", process.stderr.read()
    return process, time.perf_counter()


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """A store holding one import; the edge list; the counts and time of a clean import."""
    folder = tmp_path_factory.mktemp("crash")
    template = folder / "template.db"
    with salon.open_store(str(template)) as store:
        salon.import_paths(store, [ROOT / "tests" / "data" / "contacts.vcf"])
        before = stats(store)
    edges = _edge_list(folder / "edges.txt")
    clean = folder / "clean.db"
    shutil.copyfile(template, clean)
    process, began = _start(clean, edges)
    _, errors = process.communicate(timeout=120)
    assert process.returncode == 0, errors
    seconds = time.perf_counter() - began
    with salon.open_store(str(clean)) as store:
        after = data_counts(store)
    assert after["interactions"] - before["interactions"] == ROWS
    return {"template": template, "edges": edges, "before": before, "after": after, "s": seconds}


@pytest.mark.parametrize("seed", SEEDS)
def test_an_import_killed_midway_leaves_the_store_as_it_was(setup, tmp_path, seed):
    db = tmp_path / "salon.db"
    shutil.copyfile(setup["template"], db)
    delay = random.Random(seed).uniform(0.1, 0.8) * setup["s"]
    process, began = _start(db, setup["edges"])
    time.sleep(max(0.0, began + delay - time.perf_counter()))
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=30)
    assert process.returncode == -signal.SIGKILL, "the import ended before it was killed"

    with salon.open_store(str(db)) as store:
        with store.engine.connect() as connection:
            assert connection.execute(text("PRAGMA integrity_check")).scalar() == "ok"
        # All of the import or none of it (the import log too): a kill after the commit,
        # while the import tidies up, finds it whole.
        if stats(store) != setup["before"]:
            assert data_counts(store) == setup["after"], "a part of the import was kept"
        salon.import_paths(store, [setup["edges"]])
        assert data_counts(store) == setup["after"]
