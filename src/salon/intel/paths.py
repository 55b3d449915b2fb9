"""Warm paths: who in your network can introduce you to someone, over tie strength.

Each tie between two people becomes an edge whose length is the inverse of its warmth::

    warmth = strength · (½ + ½ · reciprocity) · (OFFLINE_BONUS if met in person else 1)
    length = 1 / warmth

``strength`` is step 10's tie strength (:mod:`salon.graph.ties`: every interaction weighted
by kind, in-person kinds most, decaying with a 90-day half-life, so recent ties are warm);
a one-way tie (reciprocity 0) counts half, a balanced one fully; a tie that reached the
``met`` stage (:mod:`salon.offline.stages`) counts :data:`OFFLINE_BONUS` times. A path's
length is the sum of its edges' lengths: two warm hops beat one cold one. Shortest paths
come from igraph's Dijkstra. An introducer is one of your own contacts; each introducer's
best path to the target avoids you, and paths longer than ``max_hops`` edges are no warm
introduction and are left out. Pure: arrays in, plain data out.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np

from salon.dates import iso
from salon.graph.ties import TieStrengths
from salon.offline.stages import STAGES

#: A tie that reached "met" (or a meal) is this many times warmer for an introduction.
OFFLINE_BONUS = 1.5
#: At most this many edges from you to the target (you → introducer → … → target).
MAX_HOPS = 3
_MET = STAGES.index("met")


@dataclass(frozen=True)
class TieGraph:
    """The ties as a weighted undirected igraph graph: ``ids[v]`` is vertex ``v``'s person,
    ``edge[e]`` the row of the tie strengths behind edge ``e``."""

    graph: object
    ids: np.ndarray
    index: dict[int, int]
    edge: np.ndarray
    length: np.ndarray
    ties: TieStrengths
    stage: np.ndarray

    def tie(self, a: int, b: int) -> dict[str, object] | None:
        """The evidence of the tie between people ``a`` and ``b`` (None: no tie)."""
        va, vb = self.index.get(a), self.index.get(b)
        if va is None or vb is None:
            return None
        e = self.graph.get_eid(va, vb, error=False)  # type: ignore[attr-defined]
        if e < 0:
            return None
        return self.evidence(int(e))

    def evidence(self, e: int) -> dict[str, object]:
        row = int(self.edge[e])
        found = self.ties.row(row)
        return {
            "strength": round(float(found["strength"]), 6),  # type: ignore[arg-type]
            "length": round(float(self.length[e]), 6),
            "stage": STAGES[int(self.stage[row])],
            "frequency": found["frequency"],
            "recency_days": _round(found["recency_days"]),
            "reciprocity": _round(found["reciprocity"]),
            "last": iso(int(found["last"])) if found["last"] is not None else None,  # type: ignore[call-overload]
            "by_kind": found["by_kind"],
        }


def _round(value: object) -> float | None:
    return None if value is None else round(float(value), 3)  # type: ignore[arg-type]


def warmth(strength: np.ndarray, reciprocity: np.ndarray, stage: np.ndarray) -> np.ndarray:
    """The warmth of each tie (see the module): strength, halved for a one-way tie, times
    :data:`OFFLINE_BONUS` for one that met in person.

    >>> warmth(np.array([2.0, 2.0, 2.0]), np.array([1.0, 0.0, np.nan]), np.array([3, 1, 0]))
    array([3., 1., 1.])
    """
    balance = 0.5 + 0.5 * np.nan_to_num(reciprocity, nan=0.0)
    return strength * balance * np.where(stage >= _MET, OFFLINE_BONUS, 1.0)


def tie_graph(ties: TieStrengths, stage: np.ndarray) -> TieGraph:
    """The graph of ``ties`` (reciprocal pairs) with ``stage[i]`` the stage of pair ``i``."""
    import igraph

    warm = warmth(ties.strength, ties.reciprocity, stage)
    keep = np.flatnonzero(warm > 0)
    ids, codes = np.unique(ties.pairs[keep].reshape(-1), return_inverse=True)
    codes = codes.reshape(-1, 2)
    graph = igraph.Graph(n=len(ids), edges=codes.tolist(), directed=False)
    length = 1.0 / warm[keep]
    graph.es["w"] = length.tolist()
    return TieGraph(
        graph=graph,
        ids=ids,
        index={int(p): i for i, p in enumerate(ids.tolist())},
        edge=keep,
        length=length,
        ties=ties,
        stage=stage,
    )


def warm_paths(
    found: TieGraph, you: int, target: int, *, top: int = 3, max_hops: int = MAX_HOPS
) -> list[dict[str, object]]:
    """Up to ``top`` paths from ``you`` to ``target``, each through a different introducer
    (your contact on the path's first hop), shortest first: ``{"people": [you, introducer,
    …, target], "length": total, "hops": edges, "ties": [evidence of each edge]}``. A direct
    tie between you and the target is not a path: ask :meth:`TieGraph.tie` for it.

    Examples
    --------
    >>> from salon.graph.ties import tie_strengths
    >>> day = 86400.0
    >>> ties = tie_strengths(np.array([1, 2, 1, 4, 3]), np.array([2, 1, 4, 3, 1]),
    ...     np.array(["email", "email", "email", "email", "like"]), np.zeros(5), now=day)
    >>> graph = tie_graph(ties, np.zeros(len(ties), int))
    >>> [(p["people"], p["hops"]) for p in warm_paths(graph, 1, 3)]
    [([1, 4, 3], 2)]
    """
    graph = found.graph
    vy, vt = found.index.get(you), found.index.get(target)
    if vy is None or vt is None or vy == vt:
        return []
    neighbours = graph.neighbors(vy)  # type: ignore[attr-defined]
    if not neighbours:
        return []
    without = graph.copy()  # type: ignore[attr-defined]
    without.delete_edges(without.incident(vy))
    far = np.asarray(without.distances(source=[vt], weights="w")[0])
    options = []
    for n in neighbours:
        if n == vt or not math.isfinite(far[n]):
            continue
        first = graph.get_eid(vy, n)  # type: ignore[attr-defined]
        options.append((float(found.length[first]) + float(far[n]), n, first))
    options.sort()
    out: list[dict[str, object]] = []
    for total, n, first in options:
        if len(out) >= top:
            break
        route = without.get_shortest_paths(n, to=vt, weights="w", output="epath")[0]
        if 1 + len(route) > max_hops:
            continue
        vertices = [vy, n]
        for e in route:
            a, b = without.es[e].tuple
            vertices.append(b if a == vertices[-1] else a)
        hops = itertools.pairwise(vertices[1:])
        edges = [first, *(graph.get_eid(a, b) for a, b in hops)]  # type: ignore[attr-defined]
        out.append(
            {
                "people": [int(found.ids[v]) for v in vertices],
                "length": round(total, 6),
                "hops": len(edges),
                "ties": [found.evidence(int(e)) for e in edges],
            }
        )
    return out
