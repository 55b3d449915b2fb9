"""Who matters: agenda-setters, communities and heads-down experts of a segment."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import select

from salon.graph.communities import Partition, Progress, leiden
from salon.graph.features import engagement_from, graph_features, person_features
from salon.graph.influence import Influencer, agenda_setters, k_core, pagerank
from salon.graph.snapshot import GraphSnapshot, SnapshotSpec, build_snapshot
from salon.graph.substance import DOING, TALK, heads_down_experts, substance_scores
from salon.store.database import Store
from salon.store.merges import canonical_map, groups
from salon.store.schema import identities, people
from salon.store.segments import Segment, segment_members, segment_rule


def names_of(store: Store, ids: list[int]) -> dict[int, str]:
    """Display names of canonical people (a merged person's name may come from any member)."""
    with store.engine.connect() as c:
        mapping = canonical_map(c)
        wanted = set(ids)
        everyone = [m for group in groups(mapping, wanted).values() for m in group]
        rows = c.execute(select(people.c.id, people.c.name).where(people.c.id.in_(everyone))).all()
        out: dict[int, str] = {}
        for pid, name in sorted(rows, key=lambda r: r[0] not in wanted):
            if name:
                out.setdefault(mapping.get(pid, pid), name)
        # Nameless people (market data) are shown by their first identity.
        unnamed = [p for p in everyone if mapping.get(p, p) not in out]
        if unnamed:
            for pid, platform, value in c.execute(
                select(identities.c.person_id, identities.c.platform, identities.c.value)
                .where(identities.c.person_id.in_(unnamed))
                .order_by(identities.c.id)
            ):
                out.setdefault(mapping.get(pid, pid), f"{platform}:{value}" if platform else value)
    return out


@dataclass
class Context:
    """A snapshot and a segment resolved against it."""

    snapshot: GraphSnapshot
    segment: Segment
    members: np.ndarray

    @property
    def in_graph(self) -> int:
        return int((self.snapshot.index(self.members) >= 0).sum())


def context(
    store: Store,
    segment: str,
    *,
    spec: SnapshotSpec | None = None,
    seed: int = 0,
    resolution: float = 1.0,
) -> Context:
    snapshot = build_snapshot(store, spec)
    chosen = segment_rule(store, segment)
    partitions: dict[tuple[int, float], Partition] = {}

    def community(number: int, at_seed: int | None, at_resolution: float | None) -> set[int]:
        # A stored rule says the seed and resolution it was made with; a rule in place
        # takes the command's.
        key = (
            seed if at_seed is None else at_seed,
            resolution if at_resolution is None else at_resolution,
        )
        if key not in partitions:
            partitions[key] = leiden(snapshot, seed=key[0], resolution=key[1])
        nodes = np.flatnonzero(partitions[key].membership == number)
        return set(snapshot.people[nodes].tolist())

    members = segment_members(store, chosen, communities=community)
    return Context(snapshot, chosen, np.array(sorted(members), dtype=np.int64))


def _segment_error(ctx: Context) -> None:
    from salon.errors import SalonError

    if ctx.in_graph == 0:
        raise SalonError(
            f"Segment '{ctx.segment.name}' ({ctx.segment.rule}) has {_n(len(ctx.members))}, "
            "none of them in the attention graph. Check the rule with 'salon segment list'."
        )


#: A segment with fewer members in the graph than this gets a warning: its "agenda-setters"
#: are whom a handful of people attend to, not what a segment listens to.
MIN_SEGMENT = 5


def _n(count: int) -> str:
    return f"{count:,} {'person' if count == 1 else 'people'}"


def segment_warnings(ctx: Context) -> list[str]:
    """What the user should know before trusting an answer about this segment."""
    if 0 < ctx.in_graph < MIN_SEGMENT:
        return [
            f"Segment '{ctx.segment.name}' has only {_n(ctx.in_graph)} in the graph (fewer "
            f"than {MIN_SEGMENT}): the answer describes them, not a segment."
        ]
    return []


def yourself(store: Store) -> list[int]:
    """Your canonical person id(s): ``people.is_self``."""
    with store.engine.connect() as c:
        mapping = canonical_map(c)
        ids = c.execute(select(people.c.id).where(people.c.is_self)).scalars().all()
    return sorted({mapping.get(p, p) for p in ids})


def segment_agenda_setters(
    store: Store,
    ctx: Context,
    *,
    top: int = 20,
    include_members: bool = False,
    include_self: bool = False,
) -> list[Influencer]:
    """The segment's agenda-setters as every command sees them (influencers, experts,
    lead-lag, where): the highest personalised PageRank over the segment among the people
    outside it, you left out (``include_members`` and ``include_self`` put them back)."""
    if ctx.in_graph == 0:
        return []
    return agenda_setters(
        ctx.snapshot,
        ctx.members,
        top=top,
        include_members=include_members,
        exclude=None if include_self else yourself(store),
    )


def influencers(
    store: Store,
    segment: str,
    *,
    top: int = 20,
    include_members: bool = False,
    include_self: bool = False,
    spec: SnapshotSpec | None = None,
) -> dict[str, Any]:
    """Agenda-setters of a segment: PPR over it, lift over PageRank, and the evidence.

    By default the segment's own members and you are left out: the answer is whom, outside
    it, the segment listens to (:func:`segment_agenda_setters`).
    """
    ctx = context(store, segment, spec=spec)
    _segment_error(ctx)
    found = segment_agenda_setters(
        store, ctx, top=top, include_members=include_members, include_self=include_self
    )
    core = k_core(ctx.snapshot) if ctx.snapshot.n else np.zeros(0)
    names = names_of(store, [f.person for f in found])
    rows = []
    for rank, f in enumerate(found, start=1):
        i = int(ctx.snapshot.index([f.person])[0])
        rows.append(
            {
                "rank": rank,
                "name": names.get(f.person),
                **f.to_dict(),
                "k_core": int(core[i]) if i >= 0 else 0,
            }
        )
    notes = segment_warnings(ctx)
    if not rows and not include_members and ctx.in_graph == ctx.snapshot.n:
        notes.append(
            f"Everyone in the graph is in segment '{ctx.segment.name}', so nobody outside it "
            "sets its agenda; --members ranks its own members."
        )
    elif not rows:
        notes.append(
            f"Segment '{ctx.segment.name}' pays attention to nobody else in the graph: "
            "it has no agenda-setters."
        )
    return {
        "segment": ctx.segment.to_dict(),
        "members": len(ctx.members),
        "members_in_graph": ctx.in_graph,
        "nodes": ctx.snapshot.n,
        "edges": ctx.snapshot.edges,
        "influencers": rows,
        "notes": notes,
    }


def communities(
    store: Store,
    *,
    seed: int = 0,
    resolution: float = 1.0,
    segment: str | None = None,
    top_members: int = 5,
    limit: int = 20,
    members: bool = False,
    spec: SnapshotSpec | None = None,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Leiden communities with size, most central members and the segment's share.

    With ``members``, every community is shown with every member: the whole partition.
    """
    snapshot = build_snapshot(store, spec)
    part = leiden(snapshot, seed=seed, resolution=resolution, progress=progress)
    rank = pagerank(snapshot).values if snapshot.n else np.zeros(0)
    in_segment = np.zeros(snapshot.n, dtype=bool)
    if segment is not None:
        ctx = context(store, segment, spec=spec, seed=seed, resolution=resolution)
        idx = snapshot.index(ctx.members)
        in_segment[idx[idx >= 0]] = True
    sizes = part.sizes()
    # Nodes grouped by community, each group most central first: one sort, not one scan each.
    order = np.lexsort((-rank, part.membership)) if snapshot.n else np.zeros(0, dtype=np.int64)
    starts = np.concatenate([[0], np.cumsum(sizes)])
    shown = part.count if members else min(part.count, limit)
    rows, groups_ = [], []
    for number in range(shown):
        nodes = order[starts[number] : starts[number + 1]]
        groups_.append(snapshot.people[nodes if members else nodes[:top_members]].tolist())
        rows.append(
            {
                "community": number,
                "size": int(sizes[number]),
                "segment_members": int(in_segment[nodes].sum()),
                "segment_share": float(in_segment[nodes].mean()),
            }
        )
    names = _names_chunked(store, [p for group in groups_ for p in group])
    for row, group in zip(rows, groups_, strict=True):
        named = [{"id": int(p), "name": names.get(p)} for p in group]
        row["top_members"] = named[:top_members]
        if members:
            row["members"] = named
    return {
        "communities": part.count,
        "modularity": part.modularity,
        "seed": seed,
        "resolution": resolution,
        "nodes": snapshot.n,
        "shown": rows,
    }


def _names_chunked(store: Store, ids: list[int], chunk: int = 20_000) -> dict[int, str]:
    out: dict[int, str] = {}
    for i in range(0, len(ids), chunk):
        out.update(names_of(store, ids[i : i + chunk]))
    return out


def experts(
    store: Store,
    segment: str,
    *,
    top: int = 20,
    setters: int = 20,
    spec: SnapshotSpec | None = None,
) -> dict[str, Any]:
    """Heads-down experts around a segment: high substance, low visibility, with evidence.

    Says which evidence the store lacks; with no input for substance or for visibility,
    nobody is ranked (a missing signal is not evidence of quiet).
    """
    ctx = context(store, segment, spec=spec)
    _segment_error(ctx)
    snapshot = ctx.snapshot
    features = person_features(store, snapshot)
    features.values.update(graph_features(snapshot))
    leaders = segment_agenda_setters(store, ctx, top=setters)
    sources = snapshot.index([f.person for f in leaders])
    if len(leaders):
        per = "posts" if "posts" in features.values else "interactions_sent"
        name = "engagement_per_post" if per == "posts" else "engagement_per_interaction"
        features.values[name] = engagement_from(snapshot, sources, features.get(per))
    else:
        features.why["engagement_per_post"] = "no agenda-setters outside the segment"
    scores = substance_scores(features)
    members = snapshot.index(ctx.members)
    members = members[members >= 0]
    around = np.unique(np.concatenate([members, snapshot.matrix[members].indices]))
    chosen = heads_down_experts(scores, candidates=around, top=top)
    ids = [int(snapshot.people[i]) for i in chosen]
    names = names_of(store, ids)
    rows = [
        {
            "rank": r,
            "person": pid,
            "name": names.get(pid),
            "substance": round(float(scores.substance[i]), 3),
            "visibility": round(float(scores.visibility[i]), 3),
            "evidence": scores.evidence(i),
        }
        for r, (i, pid) in enumerate(zip(chosen, ids, strict=True), start=1)
    ]
    return {
        "segment": ctx.segment.to_dict(),
        "candidates": len(around),
        "ranked": scores.rankable,
        "substance_from": features.used(DOING),
        "visibility_from": features.used(TALK),
        "missing": features.missing,
        "notes": segment_warnings(ctx),
        "experts": rows,
    }
