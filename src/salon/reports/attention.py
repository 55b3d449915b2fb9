"""The segment's attention map: who in the segment pays attention to the agenda-setters and
the people to win, and where you stand — the nodes and edges of
:func:`salon.reports.charts.attention_map`, laid out in rings.

The layout is plain geometry, the same on every run: you in the centre, the named people
(agenda-setters, people to win) on an inner ring, and the segment members who attend to them
on an outer ring, each placed by the weighted mean angle of the named people they attend to
(so their lines stay short), then spread evenly in that order; members who attend to none of
them come last, and the attention among the members is drawn too (lighter).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from salon.store.database import Store

INNER, OUTER = 0.27, 0.5


def ring_layout(
    named: Sequence[int], members: dict[int, dict[int, float]], *, you: int | None = None
) -> dict[int, tuple[float, float]]:
    """Positions in 0..1 of ``named`` people (inner ring), of ``members`` (outer ring; each
    maps the named people it attends to, to the attention paid) and of ``you`` (the centre).

    >>> pos = ring_layout([10, 11], {1: {10: 2.0}, 2: {11: 1.0}}, you=99)
    >>> pos[99], round(pos[10][0], 2), len(pos)
    ((0.5, 0.5), 0.77, 5)
    """
    angle = {p: 2 * math.pi * k / max(len(named), 1) for k, p in enumerate(named)}
    at: dict[int, tuple[float, float]] = {}
    for p, a in angle.items():
        at[p] = (0.5 + INNER * math.cos(a), 0.5 + INNER * math.sin(a))
    preferred = []
    for m, attention in members.items():
        sx = sum(w * math.cos(angle[p]) for p, w in attention.items() if p in angle)
        sy = sum(w * math.sin(angle[p]) for p, w in attention.items() if p in angle)
        quiet = sx == 0 and sy == 0  # attends to none of them: after the others
        preferred.append((quiet, math.atan2(sy, sx) % (2 * math.pi), m))
    preferred.sort()
    preferred = [(a, m) for _, a, m in preferred]
    for k, (_, m) in enumerate(preferred):
        a = preferred[0][0] + 2 * math.pi * k / max(len(preferred), 1)
        at[m] = (0.5 + OUTER * math.cos(a), 0.5 + OUTER * math.sin(a))
    if you is not None:
        at[you] = (0.5, 0.5)
    return at


def attention_map_data(
    store: Store,
    segment: str,
    *,
    setters: Sequence[int],
    to_win: Sequence[int] = (),
    names: dict[int, str] | None = None,
    max_members: int = 80,
) -> dict[str, Any]:
    """The nodes and edges of the segment's attention map (see the module's docstring): up to
    ``max_members`` segment members, those paying the most attention to ``setters`` and
    ``to_win`` (person ids) first, then the most active in the segment; every attention edge
    from them to those named (``within`` marks those among members), and yours.

    Returns ``{"nodes", "edges", "members_shown", "members_attending", "members_in_graph",
    "you_in_graph"}``.
    """
    from salon.insights.who import context, names_of, snapshot_spec, yourself

    ctx = context(store, segment, spec=snapshot_spec())
    snap = ctx.snapshot
    you_ids = yourself(store)
    you = you_ids[0] if you_ids else None
    named = list(dict.fromkeys([*setters, *to_win]))
    named_idx = snap.index(named)
    member_idx = snap.index(ctx.members)
    member_idx = member_idx[member_idx >= 0]
    named_set = {i for i in named_idx.tolist() if i >= 0}
    attention: dict[int, dict[int, float]] = {}
    if len(member_idx) and named_set:
        cols = np.array(sorted(named_set))
        sub = snap.matrix[member_idx][:, cols].tocoo()
        for r, c, w in zip(sub.row, sub.col, sub.data, strict=True):
            member = int(snap.people[member_idx[r]])
            target = int(snap.people[cols[c]])
            if member != target and member not in named:
                attention.setdefault(member, {})[target] = float(w)
    ranked = sorted(attention, key=lambda m: (-sum(attention[m].values()), m))
    ranked += _quiet_members(snap, member_idx, set(attention) | set(named))
    shown = {m: attention.get(m, {}) for m in ranked[:max_members]}
    at = ring_layout(named, shown, you=you)
    edges = _between(snap, list(shown))  # drawn first: the background
    edges += [
        {"source": m, "target": t, "weight": w}
        for m, targets in shown.items()
        for t, w in targets.items()
    ]
    you_in_graph = False
    if you is not None and int(snap.index([you])[0]) >= 0:
        you_in_graph = True
        edges += _your_edges(snap, you, [*named, *shown])
    names = {**names_of(store, named), **(names or {})}
    roles = {p: "setter" for p in setters} | {p: "win" for p in to_win if p not in setters}
    nodes = [
        {"id": p, "label": names.get(p) or f"#{p}", "role": roles[p], "x": x, "y": y}
        for p, (x, y) in at.items()
        if p in roles
    ]
    nodes += [{"id": m, "label": "", "role": "member", "x": at[m][0], "y": at[m][1]} for m in shown]
    if you is not None:
        nodes.append({"id": you, "label": "you", "role": "you", "x": 0.5, "y": 0.5})
    return {
        "nodes": nodes,
        "edges": edges,
        "members_shown": len(shown),
        "members_attending": len(attention),
        "members_in_graph": len(member_idx),
        "you_in_graph": you_in_graph,
    }


def _quiet_members(snap: Any, member_idx: np.ndarray, skip: set[int]) -> list[int]:
    """Segment members who attend to none of the named people, the most attentive to the
    rest of the segment first (attention given and received within it)."""
    if not len(member_idx):
        return []
    within = snap.matrix[member_idx][:, member_idx]
    activity = np.asarray(within.sum(axis=0)).ravel() + np.asarray(within.sum(axis=1)).ravel()
    people = snap.people[member_idx]
    order = sorted(range(len(people)), key=lambda i: (-activity[i], int(people[i])))
    return [int(people[i]) for i in order if int(people[i]) not in skip]


def _between(snap: Any, members: Sequence[int]) -> list[dict[str, Any]]:
    """Attention among the members shown (the segment's own conversation)."""
    if not members:
        return []
    idx = snap.index(list(members))
    sub = snap.matrix[idx][:, idx].tocoo()
    return [
        {"source": int(members[r]), "target": int(members[c]), "weight": float(w), "within": True}
        for r, c, w in zip(sub.row, sub.col, sub.data, strict=True)
        if r != c
    ]


def _your_edges(snap: Any, you: int, others: Sequence[int]) -> list[dict[str, Any]]:
    """Attention between you and ``others``, both ways, marked as yours."""
    i = int(snap.index([you])[0])
    idx = snap.index(list(others))
    out = []
    for person, j in zip(others, idx.tolist(), strict=True):
        if j < 0:
            continue
        weight = float(snap.matrix[i, j]) + float(snap.matrix[j, i])
        if weight > 0:
            out.append({"source": you, "target": int(person), "weight": weight, "you": True})
    return out
