"""The attention map: a segment, its agenda-setters and you in one network picture.

The nodes are the segment's members in the attention graph, its agenda-setters (as
``salon.influencers`` ranks them), you, and — while there is room — the people the members
pay most attention to; the edges are the attention among them (the strongest kept when
there are many). Positions are computed here, by igraph's Fruchterman–Reingold layout from
a seeded start (the same picture for the same store), so the browser only draws: sigma.js
renders it on WebGL and stays responsive with thousands of nodes.
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from salon.store import Store

#: At most this many nodes and edges are drawn.
MAX_NODES = 5000
MAX_EDGES = 40000


def attention_map(
    store: Store,
    segment: str,
    *,
    setters: int = 20,
    max_nodes: int = MAX_NODES,
    max_edges: int = MAX_EDGES,
    seed: int = 0,
) -> dict[str, Any]:
    """The picture's data: nodes (id, label, role, x, y, size) and edges ``[i, j, weight]``
    (indices into nodes), with the segment and notes on what was left out.

    Examples
    --------
    >>> import salon
    >>> store = salon.demo.sample_store()
    >>> found = attention_map(store, "tag:quantum-algorithms", setters=5)
    >>> roles = {n["role"] for n in found["nodes"]}
    >>> {"member", "agenda-setter"} <= roles, len(found["edges"]) > 0
    (True, True)
    """
    import igraph as ig

    from salon.insights.who import context, names_of, segment_agenda_setters, yourself

    ctx = context(store, segment)
    snap = ctx.snapshot
    notes: list[str] = []
    members = snap.index(ctx.members)
    members = members[members >= 0]
    top = segment_agenda_setters(store, ctx, top=setters)
    setter_nodes = snap.index(np.array([s.person for s in top], dtype=np.int64))
    setter_ppr = {int(s.person): float(s.ppr) for s in top}
    you = snap.index(np.array(yourself(store), dtype=np.int64))
    you = you[you >= 0]
    role: dict[int, str] = {}
    for node in members.tolist():
        role[node] = "member"
    for node in setter_nodes.tolist():
        if node >= 0:
            role[node] = "agenda-setter"
    for node in you.tolist():
        role[node] = "you"
    if len(role) > max_nodes:
        keep = [n for n, r in role.items() if r != "member"]
        room = max_nodes - len(keep)
        chosen = np.sort(members)[:room].tolist()
        notes.append(
            f"{len(members) - room:,} of the segment's {len(members):,} members in the graph "
            f"are left out to keep the picture to {max_nodes:,} people."
        )
        role = {n: role[n] for n in keep + chosen}
    elif len(members):
        # Room left: the people the members pay most attention to.
        attention = np.asarray(snap.matrix[members].sum(axis=0)).ravel()
        order = np.argsort(-attention, kind="stable")
        for node in order[: max_nodes - len(role) + len(members)].tolist():
            if len(role) >= max_nodes or attention[node] <= 0:
                break
            role.setdefault(node, "attended")
    nodes = np.array(sorted(role), dtype=np.int64)
    sub = snap.matrix[nodes][:, nodes].tocoo()
    weight = sub.data
    if len(weight) > max_edges:
        strongest = np.argsort(-weight, kind="stable")[:max_edges]
        notes.append(f"The {max_edges:,} strongest of {len(weight):,} edges are drawn.")
        rows, cols, weight = sub.row[strongest], sub.col[strongest], weight[strongest]
    else:
        rows, cols = sub.row, sub.col
    graph = ig.Graph(n=len(nodes), edges=list(zip(rows.tolist(), cols.tolist(), strict=True)))
    rng = np.random.default_rng(seed)
    start = rng.uniform(-1, 1, size=(len(nodes), 2)).tolist()
    if len(nodes) > 1:
        # igraph draws from its random number generator too: a seeded one for this layout,
        # then the default (Python's random module) back.
        ig.set_random_number_generator(random.Random(seed))
        try:
            layout = graph.layout_fruchterman_reingold(
                seed=start, niter=300 if len(nodes) > 1000 else 500, grid="auto"
            )
        finally:
            ig.set_random_number_generator(random)
        xy = np.array(layout.coords, dtype=float)
    else:
        xy = np.zeros((len(nodes), 2))
    people = snap.people[nodes]
    names = names_of(store, people.tolist())
    degree = np.asarray(graph.degree(), dtype=float)
    out_nodes = []
    for i, (node, pid) in enumerate(zip(nodes.tolist(), people.tolist(), strict=True)):
        kind = role[node]
        out_nodes.append(
            {
                "id": int(pid),
                "label": names.get(int(pid)) or f"person {pid}",
                "role": kind,
                "x": round(float(xy[i, 0]), 3),
                "y": round(float(xy[i, 1]), 3),
                "degree": int(degree[i]),
                "ppr": setter_ppr.get(int(pid)),
            }
        )
    return {
        "segment": ctx.segment.to_dict(),
        "members_in_graph": len(members),
        "agenda_setters": [int(s.person) for s in top],
        "nodes": out_nodes,
        "edges": [
            [int(a), int(b), round(float(w), 4)]
            for a, b, w in zip(rows.tolist(), cols.tolist(), weight.tolist(), strict=True)
        ],
        "notes": notes,
    }
