"""Import benchmark: Salon, `sqlite-utils insert` and the raw floor on the same rows, in one run.

Loads SNAP's higgs-activity_time.txt (563,069 timed interactions) from ../shared/data:

- Salon: `salon import` into a fresh SQLite store (parsing, identity resolution, provenance,
  de-duplication keys, indexes, one transaction);
- sqlite-utils: `sqlite-utils insert --csv` of the same rows into a fresh table (no keys, no
  people, no provenance), from a CSV prepared before the clock starts;
- raw floor: Python reading the same edge list Salon reads (split each line) and
  `sqlite3.executemany` of the rows into a fresh table (src, dst, at, kind; no keys, no
  indexes), one transaction: what any SQLite importer written in Python must at least spend.

Each runs in its own process (started the same way, timed from outside); peak memory is that
process's maximum resident set size. Ratios are the peer's time / Salon's time.
Usage: python bench/bench_import.py [--rows N]
"""

from __future__ import annotations

import argparse
import gzip
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _results import ratio, recorded

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "higgs_twitter"
SOURCE = DATA / "higgs-activity_time.txt.gz"


# Runs a command and reports its own peak RSS, so that each tool is measured alone.
_WRAPPER = """
import resource, subprocess, sys
subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


# The raw floor: parse the edge list and executemany the rows, no keys, one transaction.
_FLOOR = """
import sqlite3, sys
db = sqlite3.connect(sys.argv[2])
db.execute("CREATE TABLE interactions (src TEXT, dst TEXT, at INTEGER, kind TEXT)")
with open(sys.argv[1]) as f, db:
    db.executemany(
        "INSERT INTO interactions VALUES (?, ?, ?, ?)",
        ((a, b, int(t), k) for a, b, t, k in (line.split() for line in f)),
    )
print(db.execute("SELECT count(*) FROM interactions").fetchone()[0])
db.close()
"""


def timed(command: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of a child process."""
    start = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", _WRAPPER, *command], check=True, capture_output=True, text=True
    )
    seconds = time.perf_counter() - start
    return seconds, int(out.stdout.split()[-1]) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=0, help="use only the first N rows")
    args = parser.parse_args()
    if not SOURCE.exists():
        sys.exit(f"{SOURCE} is missing: the benchmark reads ../shared/data.")
    with recorded(__file__):
        run(args.rows)


def run(limit: int) -> None:
    work = Path(tempfile.mkdtemp(prefix="salon-bench-"))
    try:
        edges, csv = work / "higgs-activity_time.txt", work / "higgs.csv"
        with gzip.open(SOURCE, "rt") as src, open(edges, "w") as e, open(csv, "w") as c:
            c.write("src,dst,at,kind\n")
            for n, line in enumerate(src, start=1):
                if limit and n > limit:
                    break
                e.write(line)
                c.write(",".join(line.split()) + "\n")
        rows = n if not limit or n <= limit else limit
        salon_bin = Path(sys.executable).with_name("salon")
        su_bin = Path(sys.executable).with_name("sqlite-utils")
        results = {
            "salon import": timed(
                [
                    str(salon_bin),
                    "--db",
                    str(work / "salon.db"),
                    "import",
                    "--namespace",
                    "higgs",
                    str(edges),
                ]
            ),
            "sqlite-utils insert --csv": timed(
                [str(su_bin), "insert", str(work / "raw.db"), "interactions", str(csv), "--csv"]
            ),
            "raw floor (split + executemany)": timed(
                [sys.executable, "-c", _FLOOR, str(edges), str(work / "floor.db")]
            ),
        }
        salon_s = results["salon import"][0]
        print(f"{rows:,} interactions from {SOURCE.name}")
        print(f"{'tool':32} {'seconds':>8} {'rows/s':>10} {'peak MiB':>9} {'peer/salon time':>15}")
        for tool, (seconds, peak) in results.items():
            print(
                f"{tool:32} {seconds:8.2f} {rows / seconds:10,.0f} {peak:9.0f} "
                f"{ratio(seconds, salon_s):>15}"
            )
        print(
            "targets: salon at most 2x sqlite-utils' time (ratio >= 0.5); the floor bounds "
            "what any Python importer can reach"
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
