"""Who to win: targeted influence maximisation with IMM, and Monte-Carlo spread to check it.

Influence runs against attention: if u pays attention to v, v can influence u. Each attention
edge u → v is live with probability ``A[u, v] / Σ_w A[u, w]`` (the weighted cascade,
generalised to weights: v's share of u's attention), independently (independent cascade).

IMM samples reverse-reachable (RR) sets rooted uniformly in the segment S; the share of RR sets
a seed set covers, times |S|, estimates its expected spread within S. With θ sets chosen as in
the paper, greedy maximum coverage is a (1 − 1/e − ε)-approximation with probability at least
1 − |S|^-ℓ.

References
----------
Y. Tang, Y. Shi, X. Xiao, "Influence maximization in near-linear time: a martingale
approach", SIGMOD 2015. D. Kempe, J. Kleinberg, É. Tardos, "Maximizing the spread of influence
through a social network", KDD 2003. C. Borgs et al., "Maximizing social influence in nearly
optimal time", SODA 2014.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numba
import numpy as np

from salon.graph.snapshot import GraphSnapshot


@numba.njit(cache=True)
def _rr_sets(indptr, indices, probs, roots, seed):  # type: ignore[no-untyped-def]
    """RR sets from ``roots``: for each root, the nodes that reach it through live edges."""
    np.random.seed(seed)
    n = len(indptr) - 1
    stamp = np.zeros(n, np.int64)
    out_ptr = np.zeros(len(roots) + 1, np.int64)
    capacity = max(len(roots) * 4, 16)
    out = np.empty(capacity, np.int32)
    queue = np.empty(n, np.int32)
    size = 0
    for r in range(len(roots)):
        root = roots[r]
        mark = r + 1
        stamp[root] = mark
        head, tail = 0, 1
        queue[0] = root
        while head < tail:
            u = queue[head]
            head += 1
            if size >= capacity:
                capacity *= 2
                grown = np.empty(capacity, np.int32)
                grown[:size] = out[:size]
                out = grown
            out[size] = u
            size += 1
            for e in range(indptr[u], indptr[u + 1]):
                v = indices[e]
                if stamp[v] != mark and np.random.random() < probs[e]:
                    stamp[v] = mark
                    queue[tail] = v
                    tail += 1
        out_ptr[r + 1] = size
    return out_ptr, out[:size]


@numba.njit(cache=True)
def _greedy(rr_ptr, rr_nodes, n, k, allowed):  # type: ignore[no-untyped-def]
    """Greedy maximum coverage: k nodes and how many new RR sets each covers."""
    sets = len(rr_ptr) - 1
    count = np.zeros(n, np.int64)
    for i in range(len(rr_nodes)):
        count[rr_nodes[i]] += 1
    # Inverted index: node -> RR sets containing it.
    node_ptr = np.zeros(n + 1, np.int64)
    for v in range(n):
        node_ptr[v + 1] = node_ptr[v] + count[v]
    fill = node_ptr[:-1].copy()
    node_sets = np.empty(len(rr_nodes), np.int64)
    for s in range(sets):
        for i in range(rr_ptr[s], rr_ptr[s + 1]):
            v = rr_nodes[i]
            node_sets[fill[v]] = s
            fill[v] += 1
    covered = np.zeros(sets, np.bool_)
    seeds = np.full(k, -1, np.int64)
    gains = np.zeros(k, np.int64)
    for j in range(k):
        best, best_count = -1, -1
        for v in range(n):
            if allowed[v] and count[v] > best_count:
                best, best_count = v, count[v]
        if best < 0 or best_count <= 0:
            break
        seeds[j] = best
        gains[j] = best_count
        allowed[best] = False
        for i in range(node_ptr[best], node_ptr[best + 1]):
            s = node_sets[i]
            if not covered[s]:
                covered[s] = True
                for t in range(rr_ptr[s], rr_ptr[s + 1]):
                    count[rr_nodes[t]] -= 1
    return seeds, gains


@numba.njit(cache=True)
def _simulate(in_ptr, in_nodes, in_probs, seeds, target, runs, seed):  # type: ignore[no-untyped-def]
    """Mean number of target nodes activated by ``seeds`` over ``runs`` cascades."""
    np.random.seed(seed)
    n = len(in_ptr) - 1
    stamp = np.zeros(n, np.int64)
    queue = np.empty(n, np.int64)
    total = 0
    for r in range(runs):
        mark = r + 1
        tail = 0
        for s in seeds:
            if stamp[s] != mark:
                stamp[s] = mark
                queue[tail] = s
                tail += 1
        head = 0
        while head < tail:
            v = queue[head]
            head += 1
            if target[v]:
                total += 1
            for e in range(in_ptr[v], in_ptr[v + 1]):
                u = in_nodes[e]
                if stamp[u] != mark and np.random.random() < in_probs[e]:
                    stamp[u] = mark
                    queue[tail] = u
                    tail += 1
    return total / runs


@dataclass
class Cascade:
    """The live-edge probabilities of a snapshot, both ways round."""

    n: int
    out_ptr: np.ndarray
    out_nodes: np.ndarray
    out_probs: np.ndarray
    in_ptr: np.ndarray
    in_nodes: np.ndarray
    in_probs: np.ndarray

    @classmethod
    def weighted(cls, snapshot: GraphSnapshot) -> Cascade:
        m = snapshot.matrix
        out = np.asarray(m.sum(axis=1)).ravel()
        rows = np.repeat(np.arange(snapshot.n), np.diff(m.indptr))
        probs = m.data / np.where(out[rows] > 0, out[rows], 1)
        by_target = m.tocsc()
        rows_t = by_target.indices
        probs_t = by_target.data / np.where(out[rows_t] > 0, out[rows_t], 1)
        return cls(
            snapshot.n,
            m.indptr.astype(np.int64),
            m.indices.astype(np.int32),
            probs.astype(np.float64),
            by_target.indptr.astype(np.int64),
            rows_t.astype(np.int64),
            probs_t.astype(np.float64),
        )


@numba.njit(cache=True)
def _first_cover(rr_ptr, rr_nodes, n, seeds):  # type: ignore[no-untyped-def]
    """For seeds in order, how many RR sets each is the first of them to cover."""
    rank = np.full(n, -1, np.int64)
    for j in range(len(seeds)):
        rank[seeds[j]] = j
    gains = np.zeros(len(seeds), np.int64)
    for s in range(len(rr_ptr) - 1):
        best = -1
        for i in range(rr_ptr[s], rr_ptr[s + 1]):
            r = rank[rr_nodes[i]]
            if r >= 0 and (best < 0 or r < best):
                best = r
        if best >= 0:
            gains[best] += 1
    return gains


@dataclass
class Seeds:
    """The chosen nodes, each with its marginal gain, and the expected spread in S.

    ``spread`` and ``gains`` are estimated on RR sets independent of those the seeds were
    selected on (``selection_spread`` is the selection sample's own, optimistic, figure).
    ``opt_lower_bound`` is IMM's lower bound on the best spread among the allowed nodes (with
    the same exclusions); the guarantee is ``spread ≥ (1 − 1/e − ε) · OPT``, and
    ``bound_holds`` checks the estimate against ``(1 − 1/e − ε) · opt_lower_bound``."""

    nodes: list[int]
    gains: list[float]
    spread: float
    segment: int
    rr_sets: int
    rr_bytes: int
    selection_spread: float = 0.0
    opt_lower_bound: float = 0.0
    guarantee: float = 0.0
    excluded: int = 0

    @property
    def share(self) -> float:
        return self.spread / self.segment if self.segment else 0.0

    @property
    def bound_holds(self) -> bool:
        return bool(self.spread >= self.guarantee)


def _log_choose(n: int, k: int) -> float:
    return math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)


class _Sampler:
    """RR sets rooted uniformly in the segment, each batch with its own random stream."""

    def __init__(self, cascade: Cascade, targets: np.ndarray, seed: int) -> None:
        self.cascade, self.targets, self.seed = cascade, targets, seed
        self.rng = np.random.default_rng(seed)
        self.batch = 0

    def sample(self, count: int) -> tuple[np.ndarray, np.ndarray]:
        roots = self.targets[self.rng.integers(0, len(self.targets), size=count)]
        self.batch += 1
        c = self.cascade
        return _rr_sets(
            c.out_ptr,
            c.out_nodes,
            c.out_probs,
            roots.astype(np.int64),
            self.seed * 1000 + self.batch,
        )


def _lower_bound(
    sampler: _Sampler, n_nodes: int, k: int, allowed: np.ndarray, lam_prime: float, eps2: float
) -> float:
    """IMM's phase 1: a lower bound on OPT among the allowed nodes (Tang et al., Alg. 2)."""
    n_s = len(sampler.targets)
    ptr, nodes = np.zeros(1, np.int64), np.zeros(0, np.int32)
    for i in range(1, max(int(math.log2(n_s)), 1)):
        x = n_s / 2**i
        need = math.ceil(lam_prime / x) - (len(ptr) - 1)
        if need > 0:
            more_ptr, more_nodes = sampler.sample(need)
            ptr = np.concatenate([ptr, more_ptr[1:] + len(nodes)])
            nodes = np.concatenate([nodes, more_nodes])
        _, gains = _greedy(ptr, nodes, n_nodes, k, allowed.copy())
        covered = gains.sum() / (len(ptr) - 1)
        if n_s * covered >= (1 + eps2) * x:
            return n_s * covered / (1 + eps2)
    return 1.0


def imm(
    snapshot: GraphSnapshot,
    targets: np.ndarray,
    k: int,
    *,
    epsilon: float = 0.1,
    ell: float = 1.0,
    exclude: np.ndarray | None = None,
    seed: int = 0,
    cascade: Cascade | None = None,
) -> Seeds:
    """IMM seeds for the segment ``targets`` (node indices).

    The final greedy selection runs on θ fresh RR sets, not on those phase 1 sampled to
    bound OPT (reusing them breaks the martingale argument: W. Chen, "An issue in the
    martingale analysis of the influence maximization algorithm IMM", arXiv:1808.09363), and
    the reported spread and gains come from a third, independent sample of θ sets.

    Examples
    --------
    >>> g = GraphSnapshot.from_edges([1, 2, 3, 4], [9, 9, 9, 8])  # 1-3 attend to 9
    >>> chosen = imm(g, np.arange(4), 1)
    >>> int(g.people[chosen.nodes[0]])
    9
    """
    cascade = cascade or Cascade.weighted(snapshot)
    targets = np.unique(np.asarray(targets, dtype=np.int64))
    n_s = len(targets)
    if n_s == 0 or k <= 0:
        return Seeds([], [], 0.0, n_s, 0, 0)
    n_nodes = cascade.n
    k = min(k, n_nodes)
    allowed = np.ones(n_nodes, dtype=np.bool_)
    if exclude is not None and len(exclude):
        allowed[np.asarray(exclude, dtype=np.int64)] = False
    sampler = _Sampler(cascade, targets, seed)
    ell = ell * (1 + math.log(2) / math.log(max(n_s, 2)))
    log_n = math.log(max(n_s, 2))
    log_ck = _log_choose(max(n_nodes, k), k)
    eps2 = math.sqrt(2) * epsilon
    lam_prime = (
        (2 + 2 / 3 * eps2)
        * (log_ck + ell * log_n + math.log(max(math.log2(n_s), 1)))
        * n_s
        / eps2**2
    )
    lower = _lower_bound(sampler, n_nodes, k, allowed, lam_prime, eps2)
    alpha = math.sqrt(ell * log_n + math.log(2))
    beta = math.sqrt((1 - 1 / math.e) * (log_ck + ell * log_n + math.log(2)))
    lam_star = 2 * n_s * ((1 - 1 / math.e) * alpha + beta) ** 2 / epsilon**2
    theta = math.ceil(lam_star / lower)
    ptr, nodes = sampler.sample(theta)  # fresh: independent of phase 1
    seeds, picked = _greedy(ptr, nodes, n_nodes, k, allowed.copy())
    chosen = [int(s) for s in seeds if s >= 0]
    selection = float(picked[: len(chosen)].sum()) * n_s / theta
    held = int(ptr.nbytes + nodes.nbytes)
    check_ptr, check_nodes = sampler.sample(theta)  # independent again: the estimate
    gains = _first_cover(check_ptr, check_nodes, n_nodes, np.asarray(chosen, dtype=np.int64))
    marginal = [float(g) * n_s / theta for g in gains]
    return Seeds(
        chosen,
        marginal,
        float(sum(marginal)),
        n_s,
        theta,
        held,
        selection_spread=selection,
        opt_lower_bound=float(lower),
        guarantee=float((1 - 1 / math.e - epsilon) * lower),
        excluded=int((~allowed).sum()),
    )


def monte_carlo_spread(
    snapshot: GraphSnapshot,
    seeds: list[int],
    targets: np.ndarray,
    *,
    runs: int = 1000,
    seed: int = 0,
    cascade: Cascade | None = None,
) -> float:
    """Expected number of ``targets`` activated by ``seeds`` (independent cascade)."""
    cascade = cascade or Cascade.weighted(snapshot)
    target = np.zeros(cascade.n, dtype=np.bool_)
    target[np.asarray(targets, dtype=np.int64)] = True
    return float(
        _simulate(
            cascade.in_ptr,
            cascade.in_nodes,
            cascade.in_probs,
            np.asarray(seeds, dtype=np.int64),
            target,
            runs,
            seed,
        )
    )
