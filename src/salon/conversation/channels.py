"""Where the conversation is: channels ranked for a segment and a topic, with the parts of
the score, and how much of someone's posting is conversation rather than broadcast.

A channel is where posts happen: a platform or site (``channel:``), a community of the
authors (``community:``, from Leiden), or a tag used alongside the topic (``tag:``). For the
on-topic posts in each channel:

- **segment** — posts by the segment's members; **agenda-setters** — posts by its
  agenda-setters;
- **depth** — the share of posts that are replies, the mean thread length, and the pairs of
  people who answered each other (back-and-forth, not broadcast);
- **breadth** — distinct participants, and the communities they come from;
- **growth** — the posting rate in the last third of the topic's whole time span against the
  rate before it: one cut for every channel, so a channel that died early scores low even if
  its own last days were busy.

Each part is a z-score across channels (of log1p counts); the score is
``0.3 segment + 0.2 agenda-setters + 0.2 depth + 0.2 breadth + 0.1 growth``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from salon.conversation.table import UNKNOWN, PostTable

WEIGHTS = {"segment": 0.3, "agenda_setters": 0.2, "depth": 0.2, "breadth": 0.2, "growth": 0.1}


@dataclass
class Channel:
    name: str
    posts: list[int] = field(default_factory=list)
    parts: dict[str, float] = field(default_factory=dict)
    evidence: dict[str, float] = field(default_factory=dict)
    score: float = 0.0
    agenda_setters: list[int] = field(default_factory=list)
    threads: list[dict[str, object]] = field(default_factory=list)


def _roots(posts: PostTable) -> np.ndarray:
    root = np.arange(posts.n)
    for _ in range(32):
        parent = posts.parents[root]
        move = parent >= 0
        if not move.any():
            break
        root = np.where(move, parent, root)
    return root


def _z(values: list[float]) -> np.ndarray:
    x = np.log1p(np.clip(np.asarray(values, dtype=np.float64), 0, None))
    sd = x.std()
    return (x - x.mean()) / sd if sd > 0 else np.zeros_like(x)


def rank_channels(
    posts: PostTable,
    on_topic: np.ndarray,
    *,
    segment: set[int],
    agenda_setters: set[int],
    communities: dict[int, int] | None = None,
    topic_tag: str | None = None,
    min_posts: int = 3,
) -> list[Channel]:
    """Channels of the on-topic posts, best first, each with its parts and evidence."""
    communities = communities or {}
    roots = _roots(posts)
    channels: dict[str, Channel] = {}
    for i in np.flatnonzero(on_topic):
        names = [f"channel:{posts.channels[i]}"]
        author = int(posts.authors[i])
        if author in communities:
            names.append(f"community:{communities[author]}")
        names += [f"tag:{t}" for t in posts.tags[roots[i]] if t != topic_tag]
        for name in names:
            channels.setdefault(name, Channel(name)).posts.append(int(i))
    kept = [c for c in channels.values() if len(c.posts) >= min_posts]
    span = _span(posts.times[on_topic])
    for channel in kept:
        _measure(posts, roots, channel, segment, agenda_setters, communities, span)
    if not kept:
        return []
    parts = {
        "segment": _z([c.evidence["segment_posts"] for c in kept]),
        "agenda_setters": _z([c.evidence["agenda_setter_posts"] for c in kept]),
        "depth": np.mean(
            [
                _z([c.evidence[k] for c in kept])
                for k in ("reply_share", "thread_length", "back_and_forth")
            ],
            axis=0,
        ),
        "breadth": np.mean(
            [_z([c.evidence[k] for c in kept]) for k in ("participants", "communities")], axis=0
        ),
        "growth": _z([c.evidence["growth"] for c in kept]),
    }
    for j, channel in enumerate(kept):
        channel.parts = {k: round(float(v[j]), 3) for k, v in parts.items()}
        channel.score = round(sum(WEIGHTS[k] * channel.parts[k] for k in WEIGHTS), 3)
    kept.sort(key=lambda c: (-c.score, c.name))
    return kept


def _span(times: np.ndarray) -> tuple[float, float] | None:
    """The topic's whole time span, where growth is cut for every channel alike."""
    times = times[~np.isnan(times)]
    return (float(times.min()), float(times.max())) if len(times) >= 2 else None


def growth(times: np.ndarray, span: tuple[float, float] | None) -> float:
    """Posts per unit time in the last third of ``span`` against the rate before it."""
    times = times[~np.isnan(times)]
    if span is None or span[1] <= span[0] or not len(times):
        return 1.0
    cut = span[0] + (span[1] - span[0]) * 2 / 3
    recent, earlier = (times >= cut).sum() / 1, (times < cut).sum() / 2
    return float(recent / max(earlier, 0.5))


def _measure(
    posts: PostTable,
    roots: np.ndarray,
    channel: Channel,
    segment: set[int],
    setters: set[int],
    communities: dict[int, int],
    span: tuple[float, float] | None = None,
) -> None:
    idx = np.array(channel.posts, dtype=np.int64)
    authors = posts.authors[idx]
    replies = posts.is_reply[idx]
    # Threads (by root), biggest first, ties by root; lengths are whole counts.
    thread_roots, sizes = np.unique(roots[idx], return_counts=True)
    answering = idx[posts.parents[idx] >= 0]
    a, b = posts.authors[answering], posts.authors[posts.parents[answering]]
    keep = (a != b) & (a != UNKNOWN) & (b != UNKNOWN)
    answered = set(zip(a[keep].tolist(), b[keep].tolist(), strict=True))
    mutual = {frozenset(p) for p in answered if (p[1], p[0]) in answered}
    rising = growth(posts.times[idx], span)
    people = set(authors[authors != UNKNOWN].tolist())
    channel.evidence = {
        "posts": len(idx),
        "segment_posts": _among(authors, segment),
        "agenda_setter_posts": _among(authors, setters),
        "reply_share": round(float(replies.mean()), 3),
        "thread_length": round(float(np.mean(sizes)), 2),
        "back_and_forth": len(mutual),
        "participants": len(people),
        "communities": len({communities[p] for p in people if p in communities}),
        "growth": round(rising, 3),
    }
    channel.agenda_setters = sorted(people & setters)
    biggest = np.lexsort((thread_roots, -sizes))[:3]
    channel.threads = []
    for j in biggest.tolist():
        root = int(thread_roots[j])
        members = idx[roots[idx] == root]
        channel.threads.append(
            {
                "post": posts.keys[root],
                "text": posts.texts[root][:140],
                "posts": len(members),
                "participants": len(np.unique(posts.authors[members])),
            }
        )


def _among(authors: np.ndarray, people: set[int]) -> int:
    """How many of ``authors`` (one per post) are in ``people``."""
    return int(np.isin(authors, np.fromiter(people, np.int64, len(people))).sum())


def conversation_health(posts: PostTable, person: int) -> list[dict[str, object]]:
    """Per channel, how much of ``person``'s posting is conversation: replies, posts that were
    answered by someone else, broadcasts nobody answered, and link-pushing."""
    mine = np.flatnonzero(posts.authors == person)
    answered_by_others = np.zeros(posts.n, dtype=bool)
    for i in np.flatnonzero(posts.parents >= 0):
        parent = posts.parents[i]
        if posts.authors[i] != posts.authors[parent]:
            answered_by_others[parent] = True
    by_channel: dict[str, list[int]] = defaultdict(list)
    for i in mine:
        by_channel[posts.channels[i]].append(int(i))
    out = []
    for name, idx in sorted(by_channel.items(), key=lambda kv: -len(kv[1])):
        rows = np.array(idx)
        replies = posts.is_reply[rows]
        answered = answered_by_others[rows]
        links = np.array(["http" in posts.texts[i] for i in rows])
        conversation = replies | answered
        out.append(
            {
                "channel": name,
                "posts": len(rows),
                "replies": int(replies.sum()),
                "answered": int(answered.sum()),
                "broadcast": int((~conversation).sum()),
                "links": int(links.sum()),
                "conversation_share": round(float(conversation.mean()), 3),
                "self_promotion_share": round(float((links & ~conversation).mean()), 3),
            }
        )
    return out
