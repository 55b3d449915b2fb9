"""Validation and benchmark of step 5 on real posts.

1. Stack Exchange Quantum Computing: a topic described in words ("quantum error correction")
   is matched by TF-IDF similarity alone (the tag shortcut is switched off), thread by thread,
   against the site's own tag (precision and recall of the questions found), and the tags the
   matched threads carry are ranked.
2. Benchmark: 1,000,000 posts made by resampling the real questions and answers (cut to 280
   characters, the length of a social post) with new authors, times and channels; topic
   assignment (TF-IDF) and channel ranking end to end.

Usage: python bench/validate_conversation.py [--posts 1000000]
"""

from __future__ import annotations

import argparse
import html
import re
import time
import xml.etree.ElementTree as ET
from collections import Counter
from datetime import datetime
from pathlib import Path

import numpy as np
from _results import recorded

from salon.conversation.channels import rank_channels
from salon.conversation.table import PostTable
from salon.conversation.topics import THRESHOLD, _inherit, similarity

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
TOPIC = "quantum error correction"
TAG = "quantum-error-correction"


def _text(row: ET.Element) -> str:
    body = html.unescape(re.sub(r"<[^>]+>", " ", row.get("Body", "")))
    return " ".join(f"{row.get('Title') or ''} {body}".split())


def load() -> PostTable:
    rows = [
        r
        for r in ET.parse(DATA / "stackexchange_quantumcomputing/Posts.xml").getroot()
        if r.get("PostTypeId") in ("1", "2")
    ]
    index = {r.get("Id"): i for i, r in enumerate(rows)}
    return PostTable(
        ids=np.arange(len(rows)),
        keys=[r.get("Id") for r in rows],
        authors=np.array([int(r.get("OwnerUserId") or -1) for r in rows]),
        times=np.array([datetime.fromisoformat(r.get("CreationDate")).timestamp() for r in rows]),
        texts=[_text(r) for r in rows],
        tags=[tuple(re.findall(r"<([^>]+)>", r.get("Tags", ""))) for r in rows],
        channels=["quantumcomputing.stackexchange.com"] * len(rows),
        parents=np.array([index.get(r.get("ParentId"), -1) for r in rows]),
        is_reply=np.array([r.get("PostTypeId") == "2" for r in rows]),
    )


def precision_recall(posts: PostTable) -> None:
    print(f"\n1. '{TOPIC}' by TF-IDF similarity alone, against the tag '{TAG}'")
    scores = similarity(posts.texts, TOPIC)
    questions = ~posts.is_reply
    truth = np.array([TAG in t for t in posts.tags]) & questions
    for threshold in (0.08, THRESHOLD, 0.16, 0.2):
        found = _inherit(posts, scores >= threshold)
        # A thread is found when its question is matched, or any answer to it is.
        hit = found & questions
        for i in np.flatnonzero(found & ~questions):
            if posts.parents[i] >= 0:
                hit[posts.parents[i]] = True
        tp = int((hit & truth).sum())
        precision = tp / max(int(hit.sum()), 1)
        recall = tp / max(int(truth.sum()), 1)
        mark = " (default)" if threshold == THRESHOLD else ""
        print(
            f"   threshold {threshold:.2f}{mark}: {int(hit.sum())} threads found, "
            f"precision {precision:.2f}, recall {recall:.2f} ({int(truth.sum())} tagged)"
        )
    found = _inherit(posts, scores >= THRESHOLD) & questions
    tags = Counter(t for i in np.flatnonzero(found) for t in posts.tags[i])
    print("   tags of the threads found: " + ", ".join(f"{t} {n}" for t, n in tags.most_common(6)))


def embeddings(posts: PostTable) -> None:
    """The optional embeddings extra: precision/recall at its threshold, and throughput."""
    try:
        import sentence_transformers  # noqa: F401
    except ImportError:
        print("\n   (embeddings extra not installed: pip install 'salon[embeddings]')")
        return
    from salon.conversation.topics import EMBEDDING_THRESHOLD, embedding_similarity

    texts = [t[:280] for t in posts.texts]
    start = time.perf_counter()
    scores = embedding_similarity(texts, TOPIC)
    rate = len(texts) / (time.perf_counter() - start)
    questions = ~posts.is_reply
    truth = np.array([TAG in t for t in posts.tags]) & questions
    found = _inherit(posts, scores >= EMBEDDING_THRESHOLD)
    hit = found & questions
    for i in np.flatnonzero(found & ~questions):
        if posts.parents[i] >= 0:
            hit[posts.parents[i]] = True
    tp = int((hit & truth).sum())
    print(
        f"\n   embeddings extra (all-MiniLM-L6-v2, CPU): {rate:,.0f} posts/s; at "
        f"{EMBEDDING_THRESHOLD}: {int(hit.sum())} threads, precision "
        f"{tp / max(int(hit.sum()), 1):.2f}, recall {tp / max(int(truth.sum()), 1):.2f}"
    )


def benchmark(posts: PostTable, total: int) -> None:
    print(f"\n2. {total:,} posts resampled from the real ones: topic assignment + channel ranking")
    rng = np.random.default_rng(0)
    pick = rng.integers(0, posts.n, size=total)
    parents = posts.parents[pick]
    # Keep thread structure: a resampled answer points at a resampled copy of its question.
    first_copy = np.full(posts.n, -1)
    first_copy[pick[::-1]] = np.arange(total)[::-1]
    parents = np.where(parents >= 0, first_copy[np.maximum(parents, 0)], -1)
    big = PostTable(
        ids=np.arange(total),
        keys=[str(i) for i in range(total)],
        authors=rng.integers(0, total // 20, size=total),
        times=np.sort(rng.uniform(1.5e9, 1.6e9, size=total)),
        texts=[posts.texts[i][:280] for i in pick],
        tags=[posts.tags[i] for i in pick],
        channels=[f"forum-{c}" for c in rng.integers(0, 200, size=total)],
        parents=parents,
        is_reply=posts.is_reply[pick],
    )
    start = time.perf_counter()
    scores = similarity(big.texts, TOPIC)
    on_topic = _inherit(big, scores >= THRESHOLD)
    matched = time.perf_counter() - start
    segment = set(rng.integers(0, total // 20, size=5000).tolist())
    setters = set(rng.integers(0, total // 20, size=20).tolist())
    communities = {a: a % 50 for a in range(total // 20)}
    ranked = rank_channels(
        big, on_topic, segment=segment, agenda_setters=setters, communities=communities
    )
    seconds = time.perf_counter() - start
    print(
        f"   {int(on_topic.sum()):,} on topic; TF-IDF {matched:.1f} s, with channel ranking "
        f"{seconds:.1f} s end to end (target under 60 s); {len(ranked)} channels ranked"
    )


def reply_threads(name: str, edges: np.ndarray) -> None:
    """Channels (communities) ranked on real reply threads: each reply is a post answering
    the latest post of the person replied to."""
    from salon.graph.communities import leiden
    from salon.graph.influence import agenda_setters
    from salon.graph.snapshot import GraphSnapshot

    edges = edges[np.argsort(edges[:, 2], kind="stable")]
    src, dst, at = edges[:, 0], edges[:, 1], edges[:, 2].astype(float)
    latest: dict[int, int] = {}
    parents = np.full(len(edges), -1)
    for i, (a, b) in enumerate(zip(src.tolist(), dst.tolist(), strict=True)):
        parents[i] = latest.get(b, -1)
        latest[a] = i
    g = GraphSnapshot.from_edges(src, dst)
    membership = leiden(g, seed=0, runs=3).membership
    communities = {int(p): int(c) for p, c in zip(g.people, membership, strict=True)}
    posts = PostTable(
        ids=np.arange(len(edges)),
        keys=[str(i) for i in range(len(edges))],
        authors=src,
        times=at,
        texts=[""] * len(edges),
        tags=[()] * len(edges),
        channels=["replies"] * len(edges),
        parents=parents,
        is_reply=parents >= 0,
    )
    rng = np.random.default_rng(1)
    segment = rng.choice(g.people, size=max(len(g.people) // 20, 1), replace=False)
    setters = {f.person for f in agenda_setters(g, segment, top=20)}
    ranked = [
        c
        for c in rank_channels(
            posts,
            np.ones(len(edges), bool),
            segment=set(segment.tolist()),
            agenda_setters=setters,
            communities=communities,
            min_posts=20,
        )
        if c.name.startswith("community:")
    ]
    print(
        f"\n{name}: {len(edges):,} replies, {len(g.people):,} people, "
        f"{len(set(membership.tolist())):,} communities; segment = 5 % of people at random"
    )
    for c in ranked[:3]:
        e = c.evidence
        print(
            f"   {c.name:14} score {c.score:+.2f}: {e['segment_posts']} by the segment, "
            f"{e['agenda_setter_posts']} by agenda-setters, {e['reply_share']:.0%} replies, "
            f"threads {e['thread_length']:.1f} long, {e['back_and_forth']} back-and-forth "
            f"pairs, {e['participants']} people, growth {e['growth']:.2f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=1_000_000)
    args = parser.parse_args()
    with recorded(__file__):
        run(args.posts)


def run(count: int) -> None:
    posts = load()
    precision_recall(posts)
    embeddings(posts)
    digg = np.loadtxt(
        DATA / "digg_reply_konect/out.munmun_digg_reply", comments="%", dtype=np.int64
    )
    reply_threads("Digg (KONECT)", digg[:, [0, 1, 3]])
    import gzip

    with gzip.open(DATA / "higgs_twitter/higgs-activity_time.txt.gz", "rt") as f:
        rows = [line.split() for line in f]
    higgs = np.array([[int(a), int(b), int(t)] for a, b, t, k in rows if k == "RE"])
    reply_threads("Higgs replies", higgs)
    benchmark(posts, count)


if __name__ == "__main__":
    main()
