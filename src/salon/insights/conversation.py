"""Where the conversation is: topics, channels ranked for a segment and a topic, and the
user's own conversation health."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from salon.conversation.channels import conversation_health, rank_channels
from salon.conversation.table import load_posts
from salon.conversation.topics import tag_volumes, topic_matches
from salon.errors import SalonError
from salon.graph.communities import leiden
from salon.graph.snapshot import SnapshotSpec
from salon.insights.who import context, names_of, segment_agenda_setters, segment_warnings
from salon.store.database import Store
from salon.store.schema import people


def topics(store: Store, *, top: int = 20) -> dict[str, Any]:
    """The topics found (tags), with their volume in each calendar month (``months``)."""
    posts = load_posts(store)
    months, volumes = tag_volumes(posts, top=top)
    return {"posts": posts.n, "months": months, "topics": volumes}


def where(
    store: Store,
    topic: str,
    *,
    segment: str,
    embeddings: bool = False,
    since: int | None = None,
    top: int = 10,
    seed: int = 0,
    spec: SnapshotSpec | None = None,
) -> dict[str, Any]:
    """Channels ranked by the conversation the segment has there on the topic, with the parts
    of the score, the agenda-setters present and three example threads each."""
    posts = load_posts(store, since=since)
    on_topic, _, method = topic_matches(posts, topic, embeddings=embeddings)
    if not on_topic.any():
        raise SalonError(
            f"No post is about '{topic}'. Try a tag (#name), 'words:a b', or a "
            "longer description; 'salon topics' lists the tags."
        )
    ctx = context(store, segment, spec=spec, seed=seed)
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
    return {
        "topic": topic,
        "method": method,
        "on_topic_posts": int(on_topic.sum()),
        "segment": ctx.segment.to_dict(),
        "segment_size": len(ctx.members),
        "notes": segment_warnings(ctx),
        "channels": [
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
    }


def me(store: Store) -> dict[str, Any]:
    """How much of your own posting is conversation rather than broadcast, per channel."""
    with store.engine.connect() as c:
        you = c.execute(select(people.c.id).where(people.c.is_self)).scalar()
    if you is None:
        raise SalonError(
            "The store does not know who you are yet: import one of your own "
            "exports (LinkedIn, X, Mastodon, Bluesky, a calendar or a mailbox)."
        )
    posts = load_posts(store)
    rows = conversation_health(posts, you)
    total = sum(r["posts"] for r in rows)
    talk = sum(r["posts"] * r["conversation_share"] for r in rows)
    return {
        "you": you,
        "posts": total,
        "conversation_share": round(talk / total, 3) if total else None,
        "channels": rows,
    }
