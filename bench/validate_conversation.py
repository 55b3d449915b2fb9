"""Validation and benchmark of step 5 on real posts, through the product: every figure comes
from posts imported with ``salon.import_paths`` (posts JSON Lines, written by this script
from the raw files) and ``salon.where``, the function ``salon where`` calls.

1. Stack Exchange Quantum Computing: a topic described in words ("quantum error correction")
   matched by TF-IDF similarity (``salon where``'s default) against the site's own tag. The
   questions are imported without their tags (so that the tag shortcut cannot fire) and in
   one of two channels, ``qec-tagged`` or ``other``, after the tag: the on-topic posts of
   channel ``qec-tagged`` are the matches the tag confirms (precision, recall over the tagged
   questions). Answers are left out: each question is one thread.
2. Channels ranked on real reply threads (Digg, Higgs): each reply a post answering the
   latest post of the person replied to, all tagged ``#reply``; ``salon where "#reply"`` for
   a segment of 5 % of the people at random (a segment file).
3. Benchmark: posts made by resampling the real questions and answers (cut to 280
   characters) with new authors, times and channels, imported, then ``salon where`` end to
   end (topic matching, the segment, agenda-setters, Leiden, channel ranking).

Usage: python bench/validate_conversation.py [--posts 1000000] [--only million]
(``--only``: one section: ``precision`` 1, ``replies`` 2 or ``million`` 3, printed but not
written to bench/results; all of them, and written, by default)
"""

from __future__ import annotations

import argparse
import gzip
import html
import json
import os
import re
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
from _results import recorded

import salon

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
TOPIC = "quantum error correction"
TAG = "quantum-error-correction"
WORK = Path(tempfile.mkdtemp(prefix="salon-conversation-"))
os.environ.setdefault("SALON_CACHE", str(WORK / "cache"))


def _text(row: ET.Element) -> str:
    body = html.unescape(re.sub(r"<[^>]+>", " ", row.get("Body", "")))
    return " ".join(f"{row.get('Title') or ''} {body}".split())


def _rows() -> list[ET.Element]:
    return [
        r
        for r in ET.parse(DATA / "stackexchange_quantumcomputing/Posts.xml").getroot()
        if r.get("PostTypeId") in ("1", "2") and r.get("OwnerUserId")
    ]


def imported(name: str, posts: list[dict]) -> tuple[salon.Store, float]:  # type: ignore[type-arg]
    """A new store holding ``posts`` (written as JSON Lines), and the seconds the import took."""
    path = WORK / f"{name}.jsonl"
    with path.open("w", encoding="utf-8") as f:
        for post in posts:
            f.write(json.dumps(post) + "\n")
    store = salon.open_store(str(WORK / f"{name}.db"))
    start = time.perf_counter()
    salon.import_paths(store, [path], options=salon.ImportOptions(namespace=name))
    return store, time.perf_counter() - start


def precision_recall() -> None:
    print(f"\n1. '{TOPIC}' by TF-IDF similarity (salon where), against the tag '{TAG}'")
    questions = [r for r in _rows() if r.get("PostTypeId") == "1"]
    posts = [
        {
            "id": r.get("Id"),
            "author": r.get("OwnerUserId"),
            "time": r.get("CreationDate"),
            "text": _text(r),
            "channel": "qec-tagged" if f"<{TAG}>" in r.get("Tags", "") else "other",
        }
        for r in questions
    ]
    store, _ = imported("qc", posts)
    found = salon.where(store, TOPIC, segment="all", top=100)
    tagged = sum(p["channel"] == "qec-tagged" for p in posts)
    hit = {c["channel"]: c["evidence"]["posts"] for c in found.channels}
    tp = hit.get("channel:qec-tagged", 0)
    print(
        f"   {len(posts)} questions; method {found.method}; {found.on_topic_posts} found, "
        f"precision {tp / max(found.on_topic_posts, 1):.2f}, recall {tp / max(tagged, 1):.2f} "
        f"({tagged} tagged)"
    )
    print(
        "   channels: "
        + ", ".join(f"{c['channel']} {c['evidence']['posts']}" for c in found.channels[:6])
    )


def reply_threads(name: str, edges: np.ndarray) -> None:
    """Channels (communities) ranked on real reply threads: each reply is a post answering
    the latest post of the person replied to."""
    edges = edges[np.argsort(edges[:, 2], kind="stable")]
    latest: dict[int, int] = {}
    posts = []
    for i, (a, b, at) in enumerate(edges.tolist()):
        parent = latest.get(b)
        posts.append(
            {
                "id": str(i),
                "author": str(a),
                "time": int(at),
                "text": "",
                "tags": ["reply"],
                "channel": "replies",
                **({"reply_to": str(parent)} if parent is not None else {}),
            }
        )
        latest[a] = i
    namespace = name.split()[0].lower()
    store, seconds = imported(namespace, posts)
    people = np.unique(edges[:, 0])
    rng = np.random.default_rng(1)
    segment = rng.choice(people, size=max(len(people) // 20, 1), replace=False)
    path = WORK / f"{namespace}-segment.txt"
    path.write_text("\n".join(map(str, segment.tolist())))
    start = time.perf_counter()
    found = salon.where(store, "#reply", segment=str(path), top=10)
    ranked = [c for c in found.channels if c["channel"].startswith("community:")]
    print(
        f"\n{name}: {len(edges):,} replies by {len(people):,} people, imported in "
        f"{seconds:.1f} s; salon where in {time.perf_counter() - start:.1f} s; segment = 5 % "
        "of the authors at random"
    )
    for c in ranked[:3]:
        e = c["evidence"]
        print(
            f"   {c['channel']:14} score {c['score']:+.2f}: {e['segment_posts']} by the segment, "
            f"{e['agenda_setter_posts']} by agenda-setters, {e['reply_share']:.0%} replies, "
            f"threads {e['thread_length']:.1f} long, {e['back_and_forth']} back-and-forth "
            f"pairs, {e['participants']} people, growth {e['growth']:.2f}"
        )


def benchmark(total: int) -> None:
    print(f"\n3. {total:,} posts resampled from the real ones: import, then salon where")
    rows = _rows()
    index = {r.get("Id"): i for i, r in enumerate(rows)}
    texts = [_text(r)[:280] for r in rows]
    tags = [re.findall(r"<([^>]+)>", r.get("Tags", "")) for r in rows]
    parents = np.array([index.get(r.get("ParentId"), -1) for r in rows])
    rng = np.random.default_rng(0)
    pick = rng.integers(0, len(rows), size=total)
    # Keep thread structure: a resampled answer points at a resampled copy of its question.
    first_copy = np.full(len(rows), -1)
    first_copy[pick[::-1]] = np.arange(total)[::-1]
    parent = np.where(parents[pick] >= 0, first_copy[np.maximum(parents[pick], 0)], -1)
    authors = rng.integers(0, total // 20, size=total)
    times = np.sort(rng.integers(1_500_000_000, 1_600_000_000, size=total))
    channels = rng.integers(0, 200, size=total)
    posts = [
        {
            "id": str(i),
            "author": str(authors[i]),
            "time": int(times[i]),
            "text": texts[pick[i]],
            "tags": tags[pick[i]],
            "channel": f"forum-{channels[i]}",
            **({"reply_to": str(parent[i])} if parent[i] >= 0 else {}),
        }
        for i in range(total)
    ]
    store, seconds = imported("resampled", posts)
    segment = WORK / "resampled-segment.txt"
    segment.write_text("\n".join(map(str, sorted(set(authors[:: max(total // 5000, 1)].tolist())))))
    start = time.perf_counter()
    found = salon.where(store, TOPIC, segment=str(segment), top=300)
    print(
        f"   import {seconds:.1f} s; salon where {time.perf_counter() - start:.1f} s end to end "
        f"(target under 60 s): {found.on_topic_posts:,} on topic, {len(found.channels)} "
        "channels ranked"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument(
        "--only", choices=SECTIONS, help="run one section (all by default)", default=None
    )
    args = parser.parse_args()
    with recorded(__file__, save=args.only is None):
        run(args.posts, only=args.only)


SECTIONS = ("precision", "replies", "million")


def run(count: int, *, only: str | None = None) -> None:
    if only in (None, "precision"):
        precision_recall()
    if only in (None, "replies"):
        _replies()
    if only in (None, "million"):
        benchmark(count)


def _replies() -> None:
    digg = np.loadtxt(
        DATA / "digg_reply_konect/out.munmun_digg_reply", comments="%", dtype=np.int64
    )
    reply_threads("Digg (KONECT)", digg[:, [0, 1, 3]])
    with gzip.open(DATA / "higgs_twitter/higgs-activity_time.txt.gz", "rt") as f:
        rows = [line.split() for line in f]
    higgs = np.array([[int(a), int(b), int(t)] for a, b, t, k in rows if k == "RE"])
    reply_threads("Higgs replies", higgs)


if __name__ == "__main__":
    main()
