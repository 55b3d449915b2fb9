"""What the pages filter and draw with, derived from the store through the same modules the
public functions use: your relationship stage with each person (as ``salon.funnel`` counts
them), a segment's members (as every ``--segment`` option resolves them) and each person's
Leiden community (as ``salon.communities``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from salon.store import Store


def stages(store: Store) -> dict[int, str]:
    """Your relationship stage with each person you have one with (online, conversed, call,
    met, meal), by person id; empty when the store does not know you."""
    from salon.insights.who import yourself
    from salon.offline.stages import STAGES, relationship_stages
    from salon.store.relations import relation_events

    yours = yourself(store)
    if not yours:
        return {}
    events = relation_events(store)
    found = relationship_stages(
        events.src,
        events.dst,
        events.kind,
        events.at,
        kinds=events.kinds,
        focus=yours[0],
        began=events.dated,
    )
    return {int(pair[1]): STAGES[int(s)] for pair, s in zip(found.pairs, found.stage, strict=True)}


def segment_members(store: Store, segment: str) -> set[int]:
    """The members of a segment (a name, a file or a rule), as ``--segment`` resolves it."""
    from salon.insights.who import context

    return {int(x) for x in context(store, segment).members.tolist()}


def community_members(store: Store, *, seed: int = 0, resolution: float = 1.0) -> dict[int, int]:
    """Each person's Leiden community (``salon communities``' numbering), by person id."""
    import salon

    found = salon.communities(store, seed=seed, resolution=resolution, members=True, limit=10**9)
    out: dict[int, int] = {}
    for community in found.to_dict()["shown"]:
        for member in community.get("members", []):
            out[int(member["id"])] = int(community["community"])
    return out
