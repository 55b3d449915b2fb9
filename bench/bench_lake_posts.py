"""Post dumps into the market lake against the store, in one run.

The Quantum Computing Stack Exchange sample (src/salon/data/quantumcomputing_posts.jsonl.gz,
1,670 posts) repeated ``--copies`` times with fresh post ids (and authors spread over six
copies of each author) is written to disk before the clock starts, then:

- store: ``salon import --namespace qc FILE`` into a fresh SQLite store;
- lake: ``salon import --lake --namespace qc FILE`` into another (posts table, reply, repost
  and mention edges, de-duplication by post id);
- lake again: the same file with ``--force`` (read again, anti-joined, nothing new);
- ``salon where 'quantum error correction' -s tag:quantum-algorithms`` on each store (its
  first run: it builds the snapshot).

Each runs in its own process, timed from outside; peak memory is that process's maximum
resident set size; the load average (1, 5, 15 minutes) is printed before and after (the
machine is shared). Usage: python bench/bench_lake_posts.py [--copies N]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _results import ROOT, recorded

SAMPLE = ROOT / "src" / "salon" / "data" / "quantumcomputing_posts.jsonl.gz"
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
    return time.perf_counter() - start, int(out.stdout.split()[-1]) / 1024


def write_posts(path: Path, copies: int) -> int:
    with gzip.open(SAMPLE, "rt", encoding="utf-8") as sample:
        rows = [json.loads(line) for line in sample]
    with open(path, "w", encoding="utf-8") as out:
        for k in range(copies):
            for row in rows:
                copy = {**row, "id": f"{row['id']}-{k}", "author": f"{row['author']}-{k % 6}"}
                if row.get("reply_to"):
                    copy["reply_to"] = f"{row['reply_to']}-{k}"
                out.write(json.dumps(copy) + "\n")
    return len(rows) * copies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=60, help="copies of the sample")
    args = parser.parse_args()
    with recorded(__file__):
        run(args.copies)


def run(copies: int) -> None:
    work = Path(tempfile.mkdtemp(prefix="salon-bench-"))
    try:
        posts = work / "posts.jsonl"
        n = write_posts(posts, copies)
        salon = [sys.executable, "-m", "salon"]
        size = posts.stat().st_size / 2**20
        print(f"{n:,} posts, {size:.1f} MiB of JSON Lines")
        print("load average before: " + ", ".join(f"{x:.2f}" for x in os.getloadavg()))
        runs = {
            "store import": ["--db", str(work / "store.db"), "import", "--namespace", "qc"],
            "lake import": ["--db", str(work / "lake.db"), "import", "--lake", "--namespace", "qc"],
            "lake again (--force)": [
                *("--db", str(work / "lake.db"), "import", "--lake", "--force"),
                *("--namespace", "qc"),
            ],
        }
        seconds = {}
        for name, command in runs.items():
            seconds[name], peak = timed([*salon, *command, str(posts)])
            print(
                f"{name:22} {seconds[name]:7.2f} s  {n / seconds[name]:9,.0f} posts/s  "
                f"peak {peak:,.0f} MiB"
            )
        where = ["where", "quantum error correction", "-s", "tag:quantum-algorithms"]
        for name in ("store", "lake"):
            took, peak = timed([*salon, "--db", str(work / f"{name}.db"), *where])
            print(f"where on the {name:5}      {took:7.2f} s  peak {peak:,.0f} MiB")
        print(f"lake import / store import: {seconds['lake import'] / seconds['store import']:.2f}")
        print("load average after: " + ", ".join(f"{x:.2f}" for x in os.getloadavg()))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
