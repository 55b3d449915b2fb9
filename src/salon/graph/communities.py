"""Communities: Leiden on the undirected interaction graph, deterministic given a seed.

References
----------
V. A. Traag, L. Waltman, N. J. van Eck, "From Louvain to Leiden: guaranteeing well-connected
communities", Scientific Reports 9:5233 (2019).
"""

from __future__ import annotations

import hashlib
import os
import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp

from salon.graph.snapshot import GraphSnapshot

if TYPE_CHECKING:
    import igraph


@dataclass
class Partition:
    """``membership[i]`` is node i's community, numbered by size (0 is the largest)."""

    membership: np.ndarray
    modularity: float

    @property
    def count(self) -> int:
        return int(self.membership.max()) + 1 if len(self.membership) else 0

    def sizes(self) -> np.ndarray:
        return np.bincount(self.membership, minlength=self.count)


#: Graphs with more nodes than this get :data:`LARGE_RUNS` Leiden runs instead of 10.
LARGE_GRAPH = 100_000
LARGE_RUNS = 3
#: Leiden iterations per run (igraph's default; iterating until stable costs 10-20× more on
#: a graph of 300,000 nodes for a modularity gain in the third decimal).
ITERATIONS = 2

#: Partitions kept on disk (``$SALON_CACHE/communities``), the most recently used: a
#: partition is a pure function of the graph, the seed and the parameters, so a later command
#: on an unchanged store (``salon where``, ``salon plan``) reads it instead of running Leiden.
CACHED_PARTITIONS = 16

#: Told (run, runs) as each Leiden run starts, e.g. to update a spinner.
Progress = Callable[[int, int], None]


def default_runs(n: int) -> int:
    """Leiden runs for a graph of ``n`` nodes: 10, or :data:`LARGE_RUNS` above
    :data:`LARGE_GRAPH` nodes (each run of a large graph costs seconds)."""
    return LARGE_RUNS if n > LARGE_GRAPH else 10


def undirected(matrix: sp.csr_matrix) -> igraph.Graph:
    """A weighted undirected igraph graph: w(u, v) = A[u, v] + A[v, u]."""
    import igraph  # here, not at import: only community detection needs it

    sym = sp.triu(matrix + matrix.T, k=1).tocoo()
    graph = igraph.Graph(
        n=matrix.shape[0], edges=np.column_stack([sym.row, sym.col]).tolist(), directed=False
    )
    graph.es["weight"] = sym.data.tolist()
    return graph


def leiden(
    snapshot: GraphSnapshot,
    *,
    resolution: float = 1.0,
    seed: int = 0,
    weighted: bool = True,
    runs: int | None = None,
    progress: Progress | None = None,
    use_cache: bool = True,
) -> Partition:
    """Leiden communities maximising modularity (``resolution`` = γ), reproducible by ``seed``.

    Leiden is randomised: it runs ``runs`` times (default :func:`default_runs`; seeds
    ``seed × runs`` onwards), :data:`ITERATIONS` iterations each, and keeps the partition of
    highest modularity, which is both better and far more stable than one run. A pair's
    weight is the attention both ways, so reciprocated ties bind more. ``progress`` is told
    each run as it starts. The partition is kept on disk (:data:`CACHED_PARTITIONS`) and read
    back for the same graph and parameters, unless ``use_cache`` is False.

    Examples
    --------
    >>> g = GraphSnapshot.from_edges([1, 2, 3, 4, 5, 6, 3], [2, 3, 1, 5, 6, 4, 4])
    >>> leiden(g).membership.tolist()
    [0, 0, 0, 1, 1, 1]
    """
    if snapshot.n == 0:
        return Partition(np.zeros(0, dtype=np.int64), 0.0)
    import igraph

    runs = max(default_runs(snapshot.n) if runs is None else runs, 1)
    path = _cache_path(snapshot, resolution, seed, weighted, runs, igraph.__version__)
    cached = _load(path) if use_cache else None
    if cached is not None:
        return cached
    graph = undirected(snapshot.matrix)
    weights = "weight" if weighted else None
    best = None
    previous = random.getstate()
    try:
        for run in range(runs):
            if progress is not None:
                progress(run + 1, runs)
            igraph.set_random_number_generator(random.Random(seed * runs + run))
            found = graph.community_leiden(
                objective_function="modularity",
                weights=weights,
                resolution=resolution,
                n_iterations=ITERATIONS,
            )
            quality = graph.modularity(found.membership, weights=weights, resolution=resolution)
            if best is None or quality > best[0]:
                best = (quality, found.membership)
    finally:
        igraph.set_random_number_generator(random)
        random.setstate(previous)
    raw = np.asarray(best[1], dtype=np.int64)
    # Number communities by size, largest first, ties by first member: stable across runs.
    sizes = np.bincount(raw)
    first = np.full(len(sizes), len(raw))
    np.minimum.at(first, raw, np.arange(len(raw)))
    order = np.lexsort((first, -sizes))
    renumber = np.empty_like(order)
    renumber[order] = np.arange(len(order))
    membership = renumber[raw]
    quality = graph.modularity(membership.tolist(), weights=weights)
    found = Partition(membership, float(quality))
    if use_cache:
        _save(found, path)
    return found


def _cache_path(
    snapshot: GraphSnapshot, resolution: float, seed: int, weighted: bool, runs: int, version: str
) -> Path:
    """The partition's file: named by a digest of the graph and every parameter."""
    digest = hashlib.blake2b(digest_size=20)
    matrix = snapshot.matrix
    for array in (matrix.indptr, matrix.indices, matrix.data):
        digest.update(np.ascontiguousarray(array).tobytes())
    digest.update(f"{resolution!r}|{seed}|{weighted}|{runs}|{ITERATIONS}|{version}".encode())
    base = os.environ.get("SALON_CACHE") or Path.home() / ".cache" / "salon"
    return Path(base) / "communities" / f"{digest.hexdigest()}.npz"


def _load(path: Path) -> Partition | None:
    try:
        with np.load(path) as saved:
            found = Partition(saved["membership"].astype(np.int64), float(saved["modularity"]))
        os.utime(path)  # recently used: kept longest
        return found
    except (OSError, KeyError, ValueError):
        return None


def _save(found: Partition, path: Path) -> None:
    """Write the partition 0600 in a folder created 0700 (it says who is with whom), keeping
    the :data:`CACHED_PARTITIONS` most recently used."""
    from salon.private import open_private, private_dir

    try:
        private_dir(path.parent)
        with open_private(path, "wb") as out:
            np.savez(out, membership=found.membership, modularity=found.modularity)
        older = sorted(path.parent.glob("*.npz"), key=lambda p: p.stat().st_mtime, reverse=True)
        for stale in older[CACHED_PARTITIONS:]:
            stale.unlink(missing_ok=True)
    except OSError:  # a cache that cannot be written is only slower
        pass
