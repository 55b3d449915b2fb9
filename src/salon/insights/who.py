"""Who matters: agenda-setters, communities and heads-down experts of a segment."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from salon.graph.communities import Partition, Progress, leiden
from salon.graph.features import engagement_from, graph_features, person_features
from salon.graph.influence import Influencer, agenda_setters, k_core, pagerank
from salon.graph.snapshot import ATTENTION_WEIGHTS, GraphSnapshot, SnapshotSpec, build_snapshot
from salon.graph.substance import DOING, TALK, heads_down_experts, substance_scores
from salon.insights.results import Communities, Experts, Influencers
from salon.model import SYMMETRIC_KINDS
from salon.store.database import Store
from salon.store.facts import display_names, self_ids
from salon.store.segments import Segment, segment_members, segment_rule


def names_of(store: Store, ids: list[int]) -> dict[int, str]:
    """Display names of canonical people (a merged person's name may come from any member)."""
    return display_names(store, ids)


def snapshot_spec(weights: Mapping[str, float] | None = None) -> SnapshotSpec:
    """The snapshot of every analysis: the attention weights, ``weights`` over the defaults."""
    return SnapshotSpec(weights={**ATTENTION_WEIGHTS, **(weights or {})})


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
    return self_ids(store)


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
    weights: Mapping[str, float] | None = None,
) -> Influencers:
    """Agenda-setters of a segment: personalised PageRank restarting on its members, the
    lift over global PageRank, the attention each receives from the segment by kind, and
    their k-core.

    By default the segment's own members and you are left out: the answer is whom, outside
    it, the segment listens to (``include_members``, ``include_self`` put them back).
    ``segment`` is a stored segment's name, a file of handles, or a rule (``tag:gates``);
    ``weights`` overrides the attention weight of kinds (``{"repost": 5}``).

    Examples
    --------
    >>> import salon
    >>> store = salon.demo.sample_store()
    >>> found = salon.influencers(store, "tag:quantum-algorithms", top=3)
    >>> len(found.influencers), found.influencers[0]["rank"]
    (3, 1)
    >>> sorted(found.influencers[0])[:4]
    ['attention_from_segment', 'followers', 'in_segment', 'k_core']
    """
    ctx = context(store, segment, spec=snapshot_spec(weights))
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
    return Influencers(
        segment=ctx.segment.to_dict(),
        members=len(ctx.members),
        members_in_graph=ctx.in_graph,
        nodes=ctx.snapshot.n,
        edges=ctx.snapshot.edges,
        influencers=rows,
        notes=notes,
    )


def communities(
    store: Store,
    *,
    seed: int = 0,
    resolution: float = 1.0,
    segment: str | None = None,
    top_members: int = 5,
    limit: int = 20,
    members: bool = False,
    weights: Mapping[str, float] | None = None,
    progress: Progress | None = None,
) -> Communities:
    """Leiden communities of the interaction graph (deterministic with ``seed``): size,
    most central members (by PageRank) and the segment's share of each.

    The first ``limit`` communities are shown, each with its ``top_members``; with
    ``members``, every community with every member (the whole partition). ``progress`` is
    called as ``progress(run, runs)`` before each Leiden run.

    Examples
    --------
    >>> import salon
    >>> store = salon.demo.sample_store()
    >>> found = salon.communities(store, seed=1, limit=2, segment="tag:quantum-algorithms")
    >>> found.communities > 2, len(found.shown)
    (True, 2)
    >>> sorted(found.shown[0])
    ['community', 'segment_members', 'segment_share', 'size', 'top_members']
    """
    spec = snapshot_spec(weights)
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
    names = names_of(store, [p for group in groups_ for p in group])
    for row, group in zip(rows, groups_, strict=True):
        named = [{"id": int(p), "name": names.get(p)} for p in group]
        row["top_members"] = named[:top_members]
        if members:
            row["members"] = named
    return Communities(
        communities=part.count,
        modularity=part.modularity,
        seed=seed,
        resolution=resolution,
        nodes=snapshot.n,
        shown=rows,
    )


def experts(
    store: Store,
    segment: str,
    *,
    top: int = 20,
    setters: int = 20,
    weights: Mapping[str, float] | None = None,
    everyone: bool = False,
) -> Experts:
    """Heads-down experts around a segment (its members and whom they attend to):
    substance in the top quarter, visibility at most the median, with the evidence (tenure,
    roles, meetings, introductions, engagement earned from the segment's ``setters``
    agenda-setters per post, reciprocated ties, k-core, whom colleagues keep informed and
    answer by e-mail; posts, followers, link-pushing). With ``everyone``, every candidate
    is a row, most substance first (``top`` of them; each says whether it is heads-down).

    Says which evidence the store lacks; with no input for substance or for visibility,
    nobody is ranked (a missing signal is not evidence of quiet).

    Examples
    --------
    >>> import salon
    >>> store = salon.demo.sample_store()
    >>> found = salon.experts(store, "tag:quantum-algorithms", top=3)
    >>> found.ranked, len(found.experts) <= 3
    (True, True)
    >>> found.missing["meetings"]
    'no meetings in the store'
    """
    ctx = context(store, segment, spec=snapshot_spec(weights))
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
    chosen = heads_down_experts(scores, candidates=around, top=len(around) if everyone else top)
    if everyone:
        quiet = set(chosen)
        order = np.lexsort((around, scores.visibility[around], -scores.substance[around]))
        chosen = [int(i) for i in around[order][:top]] if scores.rankable else []
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
            **({"heads_down": i in quiet} if everyone else {}),
        }
        for r, (i, pid) in enumerate(zip(chosen, ids, strict=True), start=1)
    ]
    return Experts(
        segment=ctx.segment.to_dict(),
        candidates=len(around),
        ranked=scores.rankable,
        substance_from=features.used(DOING),
        visibility_from=features.used(TALK),
        missing=features.missing,
        notes=segment_warnings(ctx),
        experts=rows,
    )


def parse_weights(text: str | None) -> dict[str, float]:
    """``"repost=5,follow=0.5"`` → ``{"repost": 5.0, "follow": 0.5}``: attention weights by
    kind, for ``weights=``. An unknown kind, or a weight that is no finite number from 0
    up, is a ValueError that names the kinds or the part.

    Examples
    --------
    >>> import salon
    >>> salon.parse_weights("repost=5, follow=0.5")
    {'repost': 5.0, 'follow': 0.5}
    >>> salon.parse_weights("edge=-1")
    Traceback (most recent call last):
    ...
    ValueError: 'edge=-1' is not KIND=WEIGHT with a weight of 0 or more (e.g. repost=5)
    """
    kinds = sorted({*ATTENTION_WEIGHTS, *SYMMETRIC_KINDS})
    chosen: dict[str, float] = {}
    for part in (text or "").split(","):
        if not part.strip():
            continue
        kind, _, value = (t.strip() for t in part.partition("="))
        if kind not in kinds:
            raise ValueError(f"unknown kind '{kind}'; the kinds are {', '.join(kinds)}")
        try:
            weight = float(value)
        except ValueError:
            weight = math.nan
        if not math.isfinite(weight) or weight < 0:
            raise ValueError(
                f"'{part.strip()}' is not KIND=WEIGHT with a weight of 0 or more (e.g. repost=5)"
            )
        chosen[kind] = weight
    return chosen
