"""Per-person evidence read from the store, aligned with a snapshot's nodes (for substance)."""

from __future__ import annotations

import time
from collections import Counter, defaultdict

import numpy as np
from sqlalchemy import func, select

from salon.graph.influence import k_core
from salon.graph.snapshot import GraphSnapshot
from salon.graph.substance import Features
from salon.store.database import Store
from salon.store.merges import canonical_map
from salon.store.schema import affiliations, interactions, meeting_attendees, posts, ties

_YEAR = 365.25 * 86400


def person_features(store: Store, snapshot: GraphSnapshot) -> Features:
    """Tenure, roles, meetings, introductions, posts, followers and link share per node."""
    now = int(time.time())
    counters: dict[str, Counter[int]] = defaultdict(Counter)
    with store.engine.connect() as c:
        mapping = canonical_map(c)

        def add(name: str, pid: int | None, amount: float = 1) -> None:
            if pid is not None:
                counters[name][mapping.get(pid, pid)] += amount

        for pid, start, end in c.execute(
            select(affiliations.c.person_id, affiliations.c.start, affiliations.c.end).where(
                affiliations.c.kind == "work"
            )
        ):
            add("roles", pid)
            if start is not None:
                add("tenure_years", pid, max((end or now) - start, 0) / _YEAR)
        for pid, n in c.execute(
            select(meeting_attendees.c.person_id, func.count()).group_by(
                meeting_attendees.c.person_id
            )
        ):
            add("meetings", pid, n)
        for pid, n in c.execute(
            select(ties.c.dst_id, func.count())
            .where(ties.c.kind == "follow")
            .group_by(ties.c.dst_id)
        ):
            add("followers", pid, n)
        for pid, n in c.execute(
            select(posts.c.author_id, func.count())
            .where(posts.c.author_id.is_not(None))
            .group_by(posts.c.author_id)
        ):
            add("posts", pid, n)
        for pid, n in c.execute(
            select(posts.c.author_id, func.count())
            .where(posts.c.text.like("%http%"))
            .group_by(posts.c.author_id)
        ):
            add("linked_posts", pid, n)
        # An introduction: one message, to two or more people, titled as an introduction.
        intro = (
            select(interactions.c.src_id, interactions.c.ref)
            .where(
                func.lower(interactions.c.subject).like("%intro%"), interactions.c.ref.is_not(None)
            )
            .group_by(interactions.c.src_id, interactions.c.ref)
            .having(func.count(func.distinct(interactions.c.dst_id)) >= 2)
        )
        for pid, _ in c.execute(intro):
            add("introductions", pid)
    index = {int(p): i for i, p in enumerate(snapshot.people)}
    values = {}
    for name, counter in counters.items():
        array = np.zeros(snapshot.n)
        for pid, amount in counter.items():
            i = index.get(pid)
            if i is not None:
                array[i] = amount
        values[name] = array
    if "posts" in values:
        linked = values.pop("linked_posts", np.zeros(snapshot.n))
        values["link_share"] = np.divide(
            linked, values["posts"], out=np.zeros(snapshot.n), where=values["posts"] > 0
        )
    return Features(snapshot.people, values)


def engagement_from(
    snapshot: GraphSnapshot,
    sources: np.ndarray,
    posts: np.ndarray,
    kinds: tuple[str, ...] = ("repost", "quote", "reply", "like", "mention", "list"),
) -> np.ndarray:
    """Engagement each node earned from ``sources`` (node indices), per post."""
    earned = np.zeros(snapshot.n)
    for kind in kinds:
        m = snapshot.kinds.get(kind)
        if m is not None and len(sources):
            earned += np.asarray(m[sources].sum(axis=0)).ravel()
    return earned / np.maximum(posts, 1)


def graph_features(snapshot: GraphSnapshot) -> dict[str, np.ndarray]:
    """What an edge list holds about each node, beside the store's evidence.

    ``reciprocated_ties``: how many people a node attends to attend back (a count, not a
    share: one exchange of replies is not a record of reciprocity);
    ``k_core``: its core number; ``interactions_sent``: the interactions it made (its talk,
    where there are no posts); ``audience``: how many people pay it any attention (its
    followers, where there are no follow ties). Empty for a graph without edges.
    """
    if snapshot.n == 0 or snapshot.matrix.nnz == 0:
        return {}
    binary = (snapshot.matrix > 0).astype(np.float64).tocsr()
    binary.setdiag(0)
    binary.eliminate_zeros()
    mutual = np.asarray(binary.multiply(binary.T).sum(axis=1)).ravel()
    sent = np.zeros(snapshot.n) if snapshot.kinds else np.diff(binary.indptr).astype(np.float64)
    for m in snapshot.kinds.values():  # counts of interactions, by kind
        sent += np.asarray(m.sum(axis=1)).ravel()
    return {
        "reciprocated_ties": mutual,
        "k_core": k_core(snapshot).astype(np.float64),
        "interactions_sent": sent,
        "audience": np.diff(binary.tocsc().indptr).astype(np.float64),
    }
