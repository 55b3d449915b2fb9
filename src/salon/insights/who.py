"""Who matters: agenda-setters, communities and heads-down experts of a segment."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import select

from salon.graph.communities import Partition, Progress, leiden
from salon.graph.features import engagement_from, person_features
from salon.graph.influence import agenda_setters, k_core, pagerank
from salon.graph.snapshot import GraphSnapshot, SnapshotSpec, build_snapshot
from salon.graph.substance import heads_down_experts, substance_scores
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
    partition: list[Partition] = []

    def community(number: int) -> set[int]:
        if not partition:
            partition.append(leiden(snapshot, seed=seed, resolution=resolution))
        nodes = np.flatnonzero(partition[0].membership == number)
        return set(snapshot.people[nodes].tolist())

    members = segment_members(store, chosen, communities=community)
    return Context(snapshot, chosen, np.array(sorted(members), dtype=np.int64))


def _segment_error(ctx: Context) -> None:
    from salon.errors import SalonError

    if ctx.in_graph == 0:
        raise SalonError(
            f"Segment '{ctx.segment.name}' ({ctx.segment.rule}) has {len(ctx.members)} people, "
            "none of them in the attention graph. Check the rule with 'salon segment list'."
        )


def influencers(
    store: Store,
    segment: str,
    *,
    top: int = 20,
    include_members: bool = False,
    spec: SnapshotSpec | None = None,
) -> dict[str, Any]:
    """Agenda-setters of a segment: PPR over it, lift over PageRank, and the evidence.

    By default the segment's own members are left out: the answer is whom, outside it, the
    segment listens to.
    """
    ctx = context(store, segment, spec=spec)
    _segment_error(ctx)
    found = agenda_setters(ctx.snapshot, ctx.members, top=top, include_members=include_members)
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
    return {
        "segment": ctx.segment.to_dict(),
        "members": len(ctx.members),
        "members_in_graph": ctx.in_graph,
        "nodes": ctx.snapshot.n,
        "edges": ctx.snapshot.edges,
        "influencers": rows,
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
    """Heads-down experts around a segment: high substance, low visibility, with evidence."""
    ctx = context(store, segment, spec=spec)
    _segment_error(ctx)
    snapshot = ctx.snapshot
    features = person_features(store, snapshot)
    leaders = agenda_setters(snapshot, ctx.members, top=setters)
    sources = snapshot.index([f.person for f in leaders])
    features.values["engagement_per_post"] = engagement_from(
        snapshot, sources[sources >= 0], features.get("posts")
    )
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
    return {"segment": ctx.segment.to_dict(), "candidates": len(around), "experts": rows}
