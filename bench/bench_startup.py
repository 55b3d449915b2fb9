"""Start-up benchmark: wall time of short `salon` commands, each in a fresh process.

Measures `salon --help`, `salon --version`, `salon stats` and `salon influencers --segment all
--top 5` on a generated store of 10,000 people (a numpy edge list imported once, into a
temporary folder), and `salon import --lake` of 2,000 of its edges into a new store (a store
of its own each run: the fixed cost of an import, creating the store included), as the median
of 5 runs each. The influencers command runs once before it is timed, so its snapshot is
cached (as it is for anyone who asks twice). Prints a table and writes it to
bench/results/bench_startup.txt (bench/_results.py: date, cores, commit).

Usage: python bench/bench_startup.py [--runs N] [--people N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from _results import recorded

SALON = [sys.executable, "-m", "salon"]


def edge_list(path: Path, people: int, seed: int = 0) -> int:
    """A timed edge list (source target time kind): heavy-tailed targets, as attention is."""
    rng = np.random.default_rng(seed)
    edges = people * 5
    source = rng.integers(0, people, edges)
    target = np.minimum(rng.zipf(1.6, edges) - 1, people - 1)
    target = rng.permutation(people)[target]  # the popular are not the low ids
    keep = source != target
    when = rng.integers(1_500_000_000, 1_700_000_000, edges)
    kinds = rng.choice(np.array(["RT", "MT", "RE"]), edges)
    with open(path, "w") as out:
        for s, t, at, k in zip(source[keep], target[keep], when[keep], kinds[keep], strict=True):
            out.write(f"{s} {t} {at} {k}\n")
    return int(keep.sum())


def wall(command: list[str], env: dict[str, str], run: int = 0) -> float:
    command = [word.replace("{run}", str(run)) for word in command]
    start = time.perf_counter()
    done = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    seconds = time.perf_counter() - start
    if done.returncode:
        sys.exit(f"{' '.join(command[2:])} failed ({done.returncode}): {done.stderr.decode()}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per command (median)")
    parser.add_argument("--people", type=int, default=10_000, help="people in the store")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="salon-startup-") as tmp:
        work = Path(tmp)
        env = {**os.environ, "SALON_DB": str(work / "bench.db"), "SALON_CACHE": str(work)}
        env.pop("COLUMNS", None)
        edges = edge_list(work / "market.txt", args.people)
        with open(work / "market.txt") as full, open(work / "small.txt", "w") as small:
            small.writelines(line for _, line in zip(range(2000), full, strict=False))
        subprocess.run(
            [*SALON, "import", str(work / "market.txt"), "--namespace", "market"],
            check=True,
            stdout=subprocess.DEVNULL,
            env=env,
        )
        commands = {
            "salon --help": ["--help"],
            "salon --version": ["--version"],
            "salon stats": ["stats"],
            "salon influencers --segment all --top 5": [
                "influencers",
                "--segment",
                "all",
                "--top",
                "5",
            ],
            "salon import --lake (2,000 edges, new store)": [
                "--db",
                str(work / "new-{run}.db"),
                "import",
                "--lake",
                "--namespace",
                "market",
                str(work / "small.txt"),
            ],
        }
        wall([*SALON, *commands["salon influencers --segment all --top 5"]], env)  # cache
        rows = []
        for label, argv in commands.items():
            times = [wall([*SALON, *argv], env, run) for run in range(args.runs)]
            rows.append((label, statistics.median(times), min(times), max(times)))
    width = max(len(r[0]) for r in rows)
    with recorded(__file__):
        print(
            f"Store: {args.people:,} people, {edges:,} timed edges; median of {args.runs} runs, "
            "subprocess wall time (python -m salon), snapshot cached.\n"
        )
        print(f"{'command':<{width}}  median s   min s   max s")
        for r in rows:
            print(f"{r[0]:<{width}}  {r[1]:8.3f}  {r[2]:6.3f}  {r[3]:6.3f}")


if __name__ == "__main__":
    main()
