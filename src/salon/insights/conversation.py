"""Where the conversation is: topics, channels ranked for a segment and a topic, and the
user's own conversation health."""

from __future__ import annotations

from collections.abc import Mapping

from salon.conversation.channels import conversation_health, rank_channels
from salon.conversation.table import load_posts
from salon.conversation.topics import tag_volumes, topic_matches
from salon.errors import SalonError
from salon.graph.communities import leiden
from salon.insights.results import Me, Topics, Where
from salon.insights.who import (
    context,
    names_of,
    segment_agenda_setters,
    segment_warnings,
    snapshot_spec,
)
from salon.store.database import Store
from salon.store.facts import self_id


def topics(store: Store, *, top: int = 20) -> Topics:
    """The ``top`` topics found in posts (their tags), with their posts in each calendar
    month (``months``, oldest first; ``per_month`` of each topic is aligned with it).

    Examples
    --------
    >>> import salon
    >>> store = salon.demo.sample_store()
    >>> found = salon.topics(store, top=2)
    >>> len(found.topics), len(found.topics[0]["per_month"]) == len(found.months)
    (2, True)
    """
    posts = load_posts(store)
    months, volumes = tag_volumes(posts, top=top)
    return Topics(posts=posts.n, months=months, topics=volumes)


def where(
    store: Store,
    topic: str,
    *,
    segment: str,
    embeddings: bool = False,
    since: int | None = None,
    top: int = 10,
    seed: int = 0,
    weights: Mapping[str, float] | None = None,
) -> Where:
    """Where the conversation is: channels ranked for a segment and a topic, by
    ``0.3 segment + 0.2 agenda-setters + 0.2 depth + 0.2 breadth + 0.1 growth`` (z-scores
    across channels), each with its parts, the evidence, the agenda-setters present and
    three example threads. ``topic`` is a tag (``#name``), a keyword rule (``words:a b``) or
    a description (TF-IDF, or sentence embeddings with ``embeddings``); ``since`` is Unix
    seconds. A channel where the segment has no on-topic post ranks after the others.

    Examples
    --------
    >>> import salon
    >>> store = salon.demo.sample_store()
    >>> found = salon.where(store, "#quantum-gate", segment="tag:quantum-algorithms", top=2)
    >>> found.method, len(found.channels)
    ('tag', 2)
    >>> sorted(found.channels[0]["parts"])
    ['agenda_setters', 'breadth', 'depth', 'growth', 'segment']
    """
    posts = load_posts(store, since=since)
    on_topic, _, method = topic_matches(posts, topic, embeddings=embeddings)
    if not on_topic.any():
        raise SalonError(
            f"No post is about '{topic}'. Try a tag (#name), 'words:a b', or a "
            "longer description; 'salon topics' lists the tags."
        )
    ctx = context(store, segment, spec=snapshot_spec(weights), seed=seed)
    setters = {f.person for f in segment_agenda_setters(store, ctx, top=20)}
    partition = leiden(ctx.snapshot, seed=seed)
    communities = {
        int(p): int(c) for p, c in zip(ctx.snapshot.people, partition.membership, strict=True)
    }
    tag = topic.lstrip("#").removeprefix("tag:").lower() if method == "tag" else None
    ranked = rank_channels(
        posts,
        on_topic,
        segment=set(ctx.members.tolist()),
        agenda_setters=setters,
        communities=communities,
        topic_tag=tag,
    )
    # A channel where the segment has no on-topic post is not where its conversation is:
    # it ranks below every channel where the segment is present, whatever its score.
    ranked = sorted(ranked, key=lambda c: c.evidence["segment_posts"] == 0)[:top]
    names = names_of(store, sorted({p for c in ranked for p in c.agenda_setters}))
    return Where(
        topic=topic,
        method=method,
        on_topic_posts=int(on_topic.sum()),
        segment=ctx.segment.to_dict(),
        segment_size=len(ctx.members),
        notes=segment_warnings(ctx),
        channels=[
            {
                "channel": c.name,
                "segment_present": c.evidence["segment_posts"] > 0,
                "score": c.score,
                "parts": c.parts,
                "evidence": c.evidence,
                "agenda_setters": [{"id": p, "name": names.get(p)} for p in c.agenda_setters[:5]],
                "threads": c.threads,
            }
            for c in ranked
        ],
    )


def me(store: Store) -> Me:
    """Your own conversation health, per channel: replies you wrote, posts of yours someone
    else answered, broadcasts nobody answered, and link-pushing among them.

    Examples
    --------
    >>> import salon
    >>> store = salon.demo.sample_store()
    >>> health = salon.me(store)
    >>> health.posts, [c["channel"] for c in health.channels]
    (5, ['linkedin'])
    """
    you = self_id(store)
    if you is None:
        raise SalonError(
            "The store does not know who you are yet: import one of your own "
            "exports (LinkedIn, X, Mastodon, Bluesky, a calendar or a mailbox)."
        )
    posts = load_posts(store)
    rows = conversation_health(posts, you)
    total = sum(r["posts"] for r in rows)
    talk = sum(r["posts"] * r["conversation_share"] for r in rows)
    return Me(
        you=you,
        posts=total,
        conversation_share=round(talk / total, 3) if total else None,
        channels=rows,
    )
