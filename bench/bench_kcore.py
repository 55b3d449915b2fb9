"""Core numbers: Salon's level-at-a-time peeling on the snapshot's CSR against igraph's
coreness, on the same generated power-law graphs, answers compared before times are printed.

igraph is timed twice: the coreness call alone, and with building its graph from the
snapshot's edges (what Salon's former ``k_core`` did; igraph's Python constructor walks the
edge list one pair at a time). Salon's time is the whole :func:`salon.graph.influence.k_core`
(symmetrising the CSR included); its result is not cached here (``source`` is ``None``).

Usage: python bench/bench_kcore.py [--sizes 1000000 10000000]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from _results import ratio, recorded

from salon.graph.influence import k_core
from salon.graph.snapshot import GraphSnapshot


def power_law(edges: int, seed: int = 7) -> GraphSnapshot:
    """The same popularity law as bench_scale's generated lists: Zipf-like ends over
    ``edges // 10`` nodes."""
    rng = np.random.default_rng(seed)
    nodes = max(edges // 10, 10)
    weights = 1.0 / np.arange(1, nodes + 1) ** 0.8
    cdf = np.cumsum(weights) / weights.sum()
    src = np.searchsorted(cdf, rng.random(edges))
    dst = np.searchsorted(cdf, rng.random(edges))
    return GraphSnapshot.from_edges(src, dst, people=np.arange(nodes))


def igraph_coreness(g: GraphSnapshot) -> tuple[np.ndarray, float, float]:
    """Core numbers, seconds to build the graph, seconds for coreness alone."""
    import igraph

    start = time.perf_counter()
    coo = g.matrix.tocoo()
    graph = igraph.Graph(
        n=g.n, edges=list(zip(coo.row.tolist(), coo.col.tolist(), strict=True)), directed=False
    )
    graph.simplify()
    built = time.perf_counter() - start
    start = time.perf_counter()
    core = np.asarray(graph.coreness(), dtype=np.int64)
    return core, built, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 10_000_000])
    args = parser.parse_args()
    with recorded(__file__):
        print(
            f"{'edges':>12} {'salon s':>8} {'igraph s':>9} {'igraph+build s':>15} "
            f"{'ratio (coreness)':>17} {'ratio (+build)':>15} {'max core':>9}"
        )
        for edges in args.sizes:
            g = power_law(edges)
            start = time.perf_counter()
            mine = k_core(g)
            salon_s = time.perf_counter() - start
            theirs, built, alone = igraph_coreness(g)
            assert np.array_equal(mine, theirs), "core numbers differ from igraph's"
            print(
                f"{g.edges:12,} {salon_s:8.2f} {alone:9.2f} {built + alone:15.2f} "
                f"{ratio(alone, salon_s):>17} {ratio(built + alone, salon_s):>15} "
                f"{int(mine.max()):9d}"
            )
        print("ratios: igraph time / Salon time (above 1: Salon faster); answers identical")


if __name__ == "__main__":
    main()
