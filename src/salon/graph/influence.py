"""Who matters: PageRank, personalised PageRank over a segment, lift, trust signals, k-core.

Pure functions of a :class:`~salon.graph.snapshot.GraphSnapshot`.

References
----------
L. Page, S. Brin, R. Motwani, T. Winograd, "The PageRank citation ranking" (1999).
T. Haveliwala, "Topic-sensitive PageRank", WWW 2002 (personalised restart).
M. Cha, H. Haddadi, F. Benevenuto, K. Gummadi, "Measuring user influence in Twitter: the
million follower fallacy", ICWSM 2010.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from salon.errors import ConvergenceError
from salon.graph.snapshot import GraphSnapshot
from salon.reporting import report


@dataclass
class Scores:
    """A score per node, and how the power iteration went."""

    values: np.ndarray
    iterations: int
    error: float

    def top(self, k: int) -> np.ndarray:
        """Indices of the ``k`` highest scores, best first (ties by index)."""
        k = min(k, len(self.values))
        order = np.lexsort((np.arange(len(self.values)), -self.values))
        return order[:k]


@dataclass
class Transition:
    """What power iteration needs: ``Aᵀ`` (a free CSC view of the CSR matrix), the inverse
    out-weights, and the dangling nodes (no out-weight)."""

    transposed: sp.csc_matrix
    inverse_out: np.ndarray
    dangling: np.ndarray


def transition(snapshot: GraphSnapshot) -> Transition:
    """Prepare :func:`pagerank`: ``M = Aᵀ D⁻¹`` is applied as ``Aᵀ (D⁻¹ r)``, never built."""
    out = snapshot.derived("out-weight", lambda: np.asarray(snapshot.matrix.sum(axis=1)).ravel())
    dangling = out == 0
    inverse = np.divide(1.0, out, out=np.zeros_like(out), where=~dangling)
    return Transition(snapshot.matrix.T, inverse, np.flatnonzero(dangling))


def pagerank(
    snapshot: GraphSnapshot,
    *,
    alpha: float = 0.85,
    personalization: np.ndarray | None = None,
    tol: float = 1e-10,
    max_iter: int = 1000,
    matrix: Transition | None = None,
) -> Scores:
    """PageRank by power iteration; with ``personalization``, it restarts there.

    Dangling nodes' rank follows the restart distribution (as in networkx). Converged when
    the L1 change is below ``tol × n``. ``matrix`` reuses a :func:`transition`.

    Examples
    --------
    >>> g = GraphSnapshot.from_edges([1, 2, 3], [2, 3, 1])
    >>> [round(float(x), 4) for x in pagerank(g).values]
    [0.3333, 0.3333, 0.3333]
    """
    n = snapshot.n
    if n == 0:
        return Scores(np.zeros(0), 0, 0.0)
    if os.environ.get("SALON_ENGINE") == "spark":  # salon --engine spark
        from salon.lake.spark import pagerank_snapshot

        return Scores(
            *pagerank_snapshot(
                snapshot, alpha=alpha, personalization=personalization, tol=tol, max_iter=max_iter
            )
        )
    prepared = matrix or transition(snapshot)
    if personalization is None:
        v = np.full(n, 1.0 / n)
    else:
        v = np.asarray(personalization, dtype=np.float64)
        total = v.sum()
        if total <= 0:
            raise ValueError("the personalisation vector has no weight")
        v = v / total
    at, inverse, dangling = prepared.transposed, prepared.inverse_out, prepared.dangling
    restart = (1 - alpha) * v
    r = v.copy()
    scaled = np.empty(n)
    error = np.inf
    for iteration in range(1, max_iter + 1):
        np.multiply(r, inverse, out=scaled)
        spread = at @ scaled
        spread *= alpha
        spread += (alpha * r[dangling].sum()) * v
        spread += restart
        error = float(np.abs(spread - r).sum())
        r = spread
        report("PageRank iteration", iteration, 0)
        if error < n * tol:
            return Scores(r, iteration, error)
    raise ConvergenceError(
        f"PageRank did not converge in {max_iter} iterations (error {error:.2e})."
    )


def segment_vector(snapshot: GraphSnapshot, members: np.ndarray) -> np.ndarray:
    """The uniform restart distribution over a segment's members present in the graph."""
    index = snapshot.index(members)
    index = index[index >= 0]
    if len(index) == 0:
        raise ValueError("no member of the segment is in the graph")
    v = np.zeros(snapshot.n)
    v[index] = 1.0
    return v


@dataclass
class Influencer:
    """An agenda-setter for a segment, with the evidence that makes them one."""

    person: int
    ppr: float
    pagerank: float
    lift: float
    attention_from_segment: dict[str, int]
    segment_members_attending: int
    followers: int
    in_segment: bool

    def to_dict(self) -> dict[str, object]:
        return self.__dict__.copy()


def agenda_setters(
    snapshot: GraphSnapshot,
    members: np.ndarray,
    *,
    top: int = 20,
    alpha: float = 0.85,
    include_members: bool = False,
    exclude: np.ndarray | list[int] | None = None,
) -> list[Influencer]:
    """The segment's agenda-setters: the people outside it with the highest personalised
    PageRank restarting on ``members`` (whom the segment listens to), best first.

    This is the one definition every command uses. ``include_members`` ranks the members
    too; ``exclude`` (person ids, e.g. the user) are never ranked, though rank still flows
    through them; nobody the segment's walk never reaches (PPR 0) is one. Each comes with
    the lift of their PPR over global PageRank (why they matter to this segment in
    particular), and the attention they receive from segment members by kind: reposts,
    lists, replies and mentions say more than follower counts.
    """
    if snapshot.n == 0:
        return []
    prepared = transition(snapshot)
    global_rank = global_pagerank(snapshot, alpha=alpha, matrix=prepared)
    restart = segment_vector(snapshot, members)
    ppr = pagerank(snapshot, alpha=alpha, personalization=restart, matrix=prepared).values
    is_member = restart > 0
    eligible = np.ones(snapshot.n, dtype=bool) if include_members else ~is_member
    if exclude is not None and len(exclude):
        left_out = snapshot.index(np.asarray(exclude, dtype=np.int64))
        eligible[left_out[left_out >= 0]] = False
    candidates = np.flatnonzero(eligible & (ppr > 0))  # no rank from the segment: not one
    if len(candidates) > 4 * top > 0:  # the top few and their ties, without sorting 10^7
        kth = len(candidates) - top
        threshold = np.partition(ppr[candidates], kth)[kth]
        candidates = candidates[ppr[candidates] >= threshold]
    order = candidates[np.lexsort((candidates, -ppr[candidates]))]
    chosen = [int(i) for i in order[:top]]
    followers = _in_degree(snapshot, "follow")
    # Attention from members: their own rows, not a transposed copy of the whole graph.
    inside = np.flatnonzero(is_member)
    rows_by_kind = {kind: m[inside].tocoo() for kind, m in snapshot.kinds.items()}
    out = []
    for i in chosen:
        by_kind = {}
        attending: set[int] = set()
        for kind, m in rows_by_kind.items():
            hit = m.col == i
            if hit.any():
                by_kind[kind] = int(m.data[hit].sum())
                attending.update(inside[m.row[hit]].tolist())
        out.append(
            Influencer(
                person=int(snapshot.people[i]),
                ppr=float(ppr[i]),
                pagerank=float(global_rank[i]),
                lift=float(ppr[i] / global_rank[i]) if global_rank[i] > 0 else 0.0,
                attention_from_segment=dict(sorted(by_kind.items(), key=lambda kv: -kv[1])),
                segment_members_attending=len(attending),
                followers=int(followers[i]),
                in_segment=bool(is_member[i]),
            )
        )
    return out


def _in_degree(snapshot: GraphSnapshot, kind: str) -> np.ndarray:
    m = snapshot.kinds.get(kind)
    if m is None:
        return np.zeros(snapshot.n, dtype=np.int64)
    return snapshot.derived(f"in-{kind}", lambda: np.bincount(m.indices, minlength=snapshot.n))


def global_pagerank(
    snapshot: GraphSnapshot, *, alpha: float = 0.85, matrix: Transition | None = None
) -> np.ndarray:
    """Global PageRank, kept beside the cached snapshot (see
    :meth:`GraphSnapshot.derived`)."""
    return snapshot.derived(
        f"pagerank-{alpha:g}", lambda: pagerank(snapshot, alpha=alpha, matrix=matrix).values
    )


def k_core(snapshot: GraphSnapshot) -> np.ndarray:
    """Each node's core number in the undirected simple graph (igraph's coreness), kept
    beside the cached snapshot."""
    return snapshot.derived("k-core", lambda: _coreness(snapshot))


def _coreness(snapshot: GraphSnapshot) -> np.ndarray:
    """Core numbers by peeling (Batagelj and Zaversnik), a whole level at a time: every node
    of degree <= k leaves at once, its neighbours' degrees drop, repeat. The same numbers as
    igraph's coreness (tests/graph/test_influence.py), without building an igraph graph,
    whose Python constructor takes minutes at 10^8 edges (bench/bench_kcore.py)."""
    n = snapshot.n
    ties = sp.csr_matrix(
        (np.ones(snapshot.matrix.nnz, dtype=bool), snapshot.matrix.indices, snapshot.matrix.indptr),
        shape=(n, n),
    )
    ties = (ties + ties.T).tocsr()  # undirected: each neighbour once (a snapshot has no loops)
    indptr, indices = ties.indptr, ties.indices
    degree = np.diff(indptr).astype(np.int64)
    core = np.zeros(n, dtype=np.int64)
    alive = np.ones(n, dtype=bool)
    k = 0
    while (left := np.flatnonzero(alive)).size:
        k = max(k, int(degree[left].min()))
        leaving = left[degree[left] <= k]
        while leaving.size:
            core[leaving] = k
            alive[leaving] = False
            starts = indptr[leaving].astype(np.int64)
            lengths = indptr[leaving + 1] - starts
            total = int(lengths.sum())
            if not total:
                break
            # The CSR rows of every leaving node, gathered without a Python loop.
            offsets = np.repeat(starts - np.cumsum(lengths) + lengths, lengths)
            neighbours = indices[offsets + np.arange(total)]
            neighbours = neighbours[alive[neighbours]]
            touched, lost = np.unique(neighbours, return_counts=True)
            degree[touched] -= lost
            leaving = touched[degree[touched] <= k]
    return core
