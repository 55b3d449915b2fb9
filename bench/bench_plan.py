"""Time `salon.plan` end to end on a store of 1M ties and 500,000 posts.

The store is generated and imported with Salon's own importers (``salon.import_paths``): a
market of people in one namespace, whose follow ties form an edge list (each follower picks
whom to follow by a Zipf popularity, as follower counts are spread) and whose posts form a
JSON Lines dump (authors by a Zipf activity, tags by a Zipf popularity, 40 % of posts replies
to an earlier post, 20 channels, three years). One author is you (an ``author_handle``), the
goal is to reach the people who posted with one mid-popular tag, on that tag. The store is
kept in ``$SALON_BENCH_CACHE`` (default /tmp/salon-bench-plan) between runs, keyed by the
sizes and seed.

``salon.plan`` then runs twice in this process: the first builds the graph snapshot (kept in
the cache) and compiles what numba compiles; the second is what a user meets on later runs.
Each stage's time is printed (the plan's own ``timings``). Target: under 30 s on 2 cores.

Usage: python bench/bench_plan.py [--ties 1000000] [--posts 500000] [--seed 7]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _results import recorded

import salon
from salon.importers.base import ImportOptions

NAMESPACE = "market"
TAGS = 200
CHANNELS = 20
#: The goal's tag: a mid-popular one (rank 8 of 200 by Zipf popularity).
TOPIC = "t8"
YOU = "bench-you"
START = 1_600_000_000
SPAN = 3 * 365 * 86400


def _zipf(rng: np.random.Generator, n: int, size: int, a: float) -> np.ndarray:
    """``size`` draws from 0..n-1 with probability ∝ 1 / (rank + 1)^a."""
    weights = 1.0 / np.arange(1, n + 1) ** a
    return rng.choice(n, size=size, p=weights / weights.sum())


def generate(folder: Path, ties: int, posts: int, seed: int) -> tuple[Path, Path]:
    rng = np.random.default_rng(seed)
    people = max(ties // 5, 1000)
    # Follows: a follower picks a followee by popularity; repeated pairs are dropped, so draw
    # more than needed and keep the first ``ties`` distinct ones.
    src = rng.integers(0, people, size=int(ties * 1.3))
    dst = _zipf(rng, people, int(ties * 1.3), 0.9)
    keep = src != dst
    pairs = np.unique(np.stack([src[keep], dst[keep]], axis=1), axis=0)
    pairs = pairs[rng.permutation(len(pairs))[:ties]]
    edges = folder / "follows.txt"
    np.savetxt(edges, pairs, fmt="%d")
    # Posts: authors by activity, tags by popularity, replies to earlier posts.
    authors = _zipf(rng, people, posts, 1.0)
    times = np.sort(rng.integers(START, START + SPAN, size=posts))
    tags = _zipf(rng, TAGS, posts, 1.0)
    second = rng.integers(0, TAGS, size=posts)
    channels = _zipf(rng, CHANNELS, posts, 0.8)
    reply = rng.random(posts) < 0.4
    you = int(authors[posts // 2])
    dump = folder / "posts.jsonl"
    with open(dump, "w", encoding="utf-8") as out:
        for i in range(posts):
            row = {
                "id": str(i),
                "author": str(int(authors[i])),
                "time": int(times[i]),
                "text": f"On t{tags[i]} and t{second[i]}: what we learnt this week",
                "channel": f"c{channels[i]}",
                "tags": [f"t{tags[i]}", f"t{second[i]}"],
            }
            if reply[i] and i > 0:
                row["reply_to"] = str(int(rng.integers(max(0, i - 5000), i)))
            if int(authors[i]) == you:
                row["author_handle"] = YOU
            out.write(json.dumps(row) + "\n")
    return edges, dump


def build(db: Path, ties: int, posts: int, seed: int) -> None:
    folder = db.parent / "input"
    folder.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    edges, dump = generate(folder, ties, posts, seed)
    took = time.perf_counter() - started
    print(f"generated {ties:,} follow ties and {posts:,} posts in {took:.1f} s")
    partial = db.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    with salon.open_store(str(partial)) as store:
        started = time.perf_counter()
        salon.import_paths(
            store, [edges], options=ImportOptions(namespace=NAMESPACE, kind="follow")
        )
        salon.import_paths(store, [dump], options=ImportOptions(namespace=NAMESPACE))
        print(f"imported them with salon.import_paths in {time.perf_counter() - started:.1f} s")
        salon.set_you(store, f"@{YOU}")
        salon.add_segment(store, "buyers", f"tag:{TOPIC} & platform:{NAMESPACE}")
        salon.add_goal(store, "bench", objective="reach", segment="buyers", topic=f"#{TOPIC}")
    partial.rename(db)
    shutil.rmtree(folder)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--ties", type=int, default=1_000_000)
    parser.add_argument("--posts", type=int, default=500_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    cache = Path(os.environ.get("SALON_BENCH_CACHE", "/tmp/salon-bench-plan"))
    db = cache / f"plan-{args.ties}-{args.posts}-{args.seed}.db"
    os.environ["SALON_CACHE"] = str(cache / "salon-cache")
    with recorded("bench_plan"):
        if not db.exists():
            cache.mkdir(parents=True, exist_ok=True)
            build(db, args.ties, args.posts, args.seed)
        else:
            print(f"store from an earlier run: {db}")
        shutil.rmtree(cache / "salon-cache", ignore_errors=True)
        with salon.open_store(str(db)) as store:
            counts = salon.stats(store).tables
            print(
                f"store: {counts['people']:,} people, {counts['ties']:,} ties, "
                f"{counts['posts']:,} posts, {counts['interactions']:,} interactions"
            )
            runs = []
            for run in ("first (builds the snapshot)", "second (snapshot cached)"):
                started = time.perf_counter()
                plan = salon.plan(store, "bench")
                wall = time.perf_counter() - started
                runs.append(wall)
                stages = ", ".join(f"{k} {v:.2f}" for k, v in plan.timings.items())
                print(f"salon.plan, {run}: {wall:.2f} s — {stages}")
            print(f"segment: {plan.segment['members']:,} people; advice: {plan.advice}")
            verdict = "met" if runs[-1] < 30 else "missed"
            print(f"target < 30 s on 2 cores (later runs): {runs[-1]:.2f} s, {verdict}")


if __name__ == "__main__":
    main()
