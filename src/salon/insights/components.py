"""Who can reach whom at all: the connected components of the attention graph."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from salon.errors import SalonError
from salon.graph.components import components as label_components
from salon.graph.snapshot import ATTENTION_WEIGHTS, GraphSnapshot, SnapshotSpec, build_snapshot
from salon.insights.results import Result
from salon.insights.who import context, names_of
from salon.model import SYMMETRIC_KINDS
from salon.store.database import Store


@dataclass(frozen=True)
class Components(Result):
    """The components of the attention graph, largest first, with their evidence."""

    connection: str
    engine: str
    kinds: list[str] | None
    nodes: int
    edges: int
    components: int
    largest_share: float
    segment: dict[str, str] | None
    members: int
    members_in_graph: int
    segment_components: int
    shown: list[dict[str, Any]]
    notes: list[str]


def components(
    store: Store,
    *,
    segment: str | None = None,
    kinds: Iterable[str] | None = None,
    strong: bool = False,
    top: int = 10,
    names: int = 3,
    weights: Mapping[str, float] | None = None,
) -> Components:
    """Connected components of the attention graph, largest first: weakly connected (an
    edge joins two people whichever way it points) or, with ``strong``, strongly connected
    (everyone reaches everyone along the edges' direction).

    Each of the ``top`` largest components says its size, its share of the graph, its
    ``names`` best-connected members (most edges first; market nodes of the lake as
    ``namespace:id``), how many of ``segment`` fall in it, and the evidence: the ties and
    events of each kind inside it. ``kinds`` keeps only edges of those kinds (``["follow"]``);
    ``weights`` as elsewhere (a kind weighted 0 is left out). Runs on Spark (GraphX) under
    ``salon --engine spark``.

    Examples
    --------
    >>> import salon
    >>> store = salon.demo.sample_store()
    >>> found = salon.components(store, segment="tag:quantum-algorithms", top=2)
    >>> found.components >= 1, found.shown[0]["size"] >= found.shown[-1]["size"]
    (True, True)
    >>> sorted(found.shown[0])
    ['component', 'edges', 'label', 'segment_members', 'share', 'size', 'top_members']
    """
    import os

    chosen = None if kinds is None else sorted({k.strip() for k in kinds if k.strip()})
    if chosen is not None and not chosen:
        raise SalonError("No kinds given: name one or more, e.g. follow,repost.")
    spec = SnapshotSpec(
        kinds=None if chosen is None else tuple(chosen),
        weights={**ATTENTION_WEIGHTS, **(weights or {})},
    )
    ctx = None
    if segment is not None:
        ctx = context(store, segment, spec=spec)
        snapshot = ctx.snapshot
    else:
        snapshot = build_snapshot(store, spec)
    if chosen is not None and snapshot.edges == 0:
        held = sorted(build_snapshot(store, replace(spec, kinds=None)).kinds)
        if held and not set(chosen) & set(held):  # a typo, not a graph without them
            raise SalonError(
                f"No edges of kind {', '.join(chosen)} in the graph; it holds {', '.join(held)}."
            )
    labels = label_components(snapshot, strong=strong)
    roots, index = np.unique(labels, return_inverse=True)
    sizes = np.bincount(index, minlength=len(roots))
    order = np.lexsort((roots, -sizes))[:top]  # largest first, then smallest label
    in_segment = np.zeros(snapshot.n, dtype=bool)
    if ctx is not None:
        found = snapshot.index(ctx.members)
        in_segment[found[found >= 0]] = True
    per_segment = np.bincount(index, weights=in_segment, minlength=len(roots))
    evidence = _evidence(snapshot, index, len(roots))
    best = _best_connected(snapshot, index, order, names)
    who = names_of(store, [int(p) for group in best for p in group])
    rows = []
    for rank, (c, group) in enumerate(zip(order.tolist(), best, strict=True), start=1):
        rows.append(
            {
                "component": rank,
                "label": int(roots[c]),
                "size": int(sizes[c]),
                "share": float(sizes[c] / snapshot.n),
                "top_members": [{"id": int(p), "name": who.get(int(p))} for p in group],
                "segment_members": int(per_segment[c]),
                "edges": {k: int(v[c]) for k, v in evidence.items() if v[c]},
            }
        )
    notes = []
    if snapshot.n == 0:
        notes.append(
            f"No edges of kind {', '.join(chosen)} in the graph."
            if chosen
            else "The store holds no interactions yet: run 'salon import PATH'."
        )
    if ctx is not None and ctx.in_graph < len(ctx.members):
        notes.append(
            f"{len(ctx.members) - ctx.in_graph:,} of the {len(ctx.members):,} people of segment "
            f"'{ctx.segment.name}' have no edge in this graph: each is alone, in no component."
        )
    return Components(
        connection="strong" if strong else "weak",
        engine=os.environ.get("SALON_ENGINE", "local").lower(),
        kinds=chosen,
        nodes=snapshot.n,
        edges=snapshot.edges,
        components=len(roots),
        largest_share=float(sizes.max() / snapshot.n) if snapshot.n else 0.0,
        segment=None if ctx is None else ctx.segment.to_dict(),
        members=0 if ctx is None else len(ctx.members),
        members_in_graph=0 if ctx is None else ctx.in_graph,
        segment_components=int((per_segment > 0).sum()),
        shown=rows,
        notes=notes,
    )


def _evidence(snapshot: GraphSnapshot, index: np.ndarray, count: int) -> dict[str, np.ndarray]:
    """Per kind, the ties and events inside each component (both ends in it); a symmetric
    kind, held both ways in the graph, is counted once."""
    out = {}
    for kind in sorted(snapshot.kinds):
        coo = snapshot.kinds[kind].tocoo()
        inside = index[coo.row] == index[coo.col]
        total = np.bincount(index[coo.row[inside]], weights=coo.data[inside], minlength=count)
        if kind in SYMMETRIC_KINDS:
            total = total / 2
        out[kind] = np.rint(total).astype(np.int64)
    return out


def _best_connected(
    snapshot: GraphSnapshot, index: np.ndarray, chosen: np.ndarray, names: int
) -> list[list[int]]:
    """The ``names`` people of each chosen component with the most edges (in and out),
    then the smallest id: one sort of the graph's nodes, not one scan per component."""
    if snapshot.n == 0 or names <= 0:
        return [[] for _ in chosen]
    matrix = snapshot.matrix
    degree = np.diff(matrix.indptr) + np.bincount(matrix.indices, minlength=snapshot.n)
    wanted = np.isin(index, chosen)
    nodes = np.flatnonzero(wanted)
    nodes = nodes[np.lexsort((snapshot.people[nodes], -degree[nodes], index[nodes]))]
    starts = np.searchsorted(index[nodes], chosen, side="left")
    ends = np.searchsorted(index[nodes], chosen, side="right")
    return [
        snapshot.people[nodes[a : min(b, a + names)]].tolist()
        for a, b in zip(starts, ends, strict=True)
    ]
