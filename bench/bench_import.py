"""Import benchmark: Salon vs a raw `sqlite-utils insert` of the same rows, in one run.

Loads SNAP's higgs-activity_time.txt (563,069 timed interactions) from ../shared/data:

- Salon: `salon import` into a fresh SQLite store (parsing, identity resolution, provenance,
  de-duplication keys, indexes, one transaction);
- sqlite-utils: `sqlite-utils insert --csv` of the same rows into a fresh table (no keys, no
  people, no provenance), from a CSV prepared before the clock starts.

Each runs in its own process; peak memory is that process's maximum resident set size.
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

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "higgs_twitter"
SOURCE = DATA / "higgs-activity_time.txt.gz"


# Runs a command and reports its own peak RSS, so that each tool is measured alone.
_WRAPPER = """
import resource, subprocess, sys
subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
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
    work = Path(tempfile.mkdtemp(prefix="salon-bench-"))
    try:
        edges, csv = work / "higgs-activity_time.txt", work / "higgs.csv"
        with gzip.open(SOURCE, "rt") as src, open(edges, "w") as e, open(csv, "w") as c:
            c.write("src,dst,at,kind\n")
            for n, line in enumerate(src, start=1):
                if args.rows and n > args.rows:
                    break
                e.write(line)
                c.write(",".join(line.split()) + "\n")
        rows = n if not args.rows or n <= args.rows else args.rows
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
            "sqlite-utils insert (raw)": timed(
                [str(su_bin), "insert", str(work / "raw.db"), "interactions", str(csv), "--csv"]
            ),
        }
        print(f"{rows:,} interactions from {SOURCE.name}")
        print(f"{'tool':28} {'seconds':>8} {'rows/s':>10} {'peak MiB':>9}")
        for tool, (seconds, peak) in results.items():
            print(f"{tool:28} {seconds:8.2f} {rows / seconds:10,.0f} {peak:9.0f}")
        salon_s = results["salon import"][0]
        raw_s = results["sqlite-utils insert (raw)"][0]
        print(
            f"ratio salon/sqlite-utils time: {salon_s / raw_s:.2f}x "
            "(target: at most 2x; below 1 is faster)"
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
