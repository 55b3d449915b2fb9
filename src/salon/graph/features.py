"""Per-person evidence read from the store, aligned with a snapshot's nodes (for substance)."""

from __future__ import annotations

import numpy as np

from salon.graph.influence import k_core
from salon.graph.snapshot import GraphSnapshot
from salon.graph.substance import Features
from salon.store.database import Store
from salon.store.facts import person_evidence


def person_features(store: Store, snapshot: GraphSnapshot) -> Features:
    """Tenure, roles, meetings, introductions, posts, followers and link share per node
    (the store's evidence, :func:`salon.store.facts.person_evidence`, on the snapshot's nodes)."""
    index = {int(p): i for i, p in enumerate(snapshot.people)}
    values = {}
    for name, counter in person_evidence(store).items():
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
