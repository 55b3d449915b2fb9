"""PageRank and personalised PageRank: Salon against its peers, side by side in one run.

Graphs: directed power-law graphs (out-degrees and in-degree popularity both Zipf-like) of 1M
and 30M edges. Peers: raw SciPy power iteration (the memory-bandwidth floor: the same
iteration, no Salon code), igraph (PRPACK), networkit, and networkx (1M only). Every method
runs to the same tolerance where it has one (L1 change below n × 1e-10). Graph construction is
not timed for the peers; Salon's time includes building its transition matrix. Also reported:
bytes per edge of a Salon snapshot, and the time to build a snapshot from a store holding
``--store-ties`` ties (SQLite).

Usage: python bench/bench_pagerank.py [--sizes 1000000 30000000] [--store-ties 10000000]
"""

from __future__ import annotations

import argparse
import gc
import tempfile
import time
from collections.abc import Callable

import numpy as np
import scipy.sparse as sp

from salon.graph.influence import pagerank
from salon.graph.snapshot import GraphSnapshot

TOL = 1e-10
ALPHA = 0.85


def power_law_graph(edges: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray, int]:
    rng = np.random.default_rng(seed)
    n = max(edges // 10, 10)
    popularity = 1.0 / np.arange(1, n + 1) ** 0.9
    popularity /= popularity.sum()
    activity = 1.0 / np.arange(1, n + 1) ** 0.6
    activity /= activity.sum()
    src = rng.choice(n, size=edges, p=rng.permutation(activity))
    dst = rng.choice(n, size=edges, p=rng.permutation(popularity))
    keep = src != dst
    return src[keep], dst[keep], n


def timed(fn: Callable[[], object]) -> tuple[float, object]:
    gc.collect()
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def raw_scipy(a: sp.csr_matrix, v: np.ndarray) -> np.ndarray:
    """Plain power iteration: the floor any SciPy-based implementation can reach."""
    n = a.shape[0]
    out = np.asarray(a.sum(axis=1)).ravel()
    dangling = out == 0
    m = (sp.diags(np.divide(1.0, out, out=np.zeros(n), where=~dangling)) @ a).T.tocsr()
    r = v.copy()
    while True:
        previous = r
        r = ALPHA * (m @ previous + previous[dangling].sum() * v) + (1 - ALPHA) * v
        if np.abs(r - previous).sum() < n * TOL:
            return r


def bench(edges: int, with_networkx: bool) -> None:
    src, dst, n_nodes = power_law_graph(edges)
    snapshot = GraphSnapshot.from_edges(
        src,
        dst,
        kind=np.zeros(len(src), np.int16),
        kind_names=["follow"],
        people=np.arange(n_nodes),
    )
    size = (
        snapshot.matrix.data.nbytes + snapshot.matrix.indices.nbytes + snapshot.matrix.indptr.nbytes
    )
    size += sum(m.data.nbytes + m.indices.nbytes + m.indptr.nbytes for m in snapshot.kinds.values())
    seeds = np.arange(0, n_nodes, max(n_nodes // 1000, 1))[:1000]
    restart = np.zeros(n_nodes)
    restart[seeds] = 1 / len(seeds)
    print(
        f"\n{snapshot.n:,} nodes, {snapshot.edges:,} edges; Salon snapshot "
        f"{size / snapshot.edges:.1f} bytes per edge (target: at most 24)"
    )
    rows: dict[str, dict[str, float]] = {}

    def record(name: str, kind: str, seconds: float) -> None:
        rows.setdefault(name, {})[kind] = seconds

    for kind, v in (("PageRank", None), ("PPR", restart)):
        seconds, _ = timed(lambda v=v: pagerank(snapshot, personalization=v, tol=TOL))
        record("salon", kind, seconds)
        uniform = np.full(n_nodes, 1 / n_nodes) if v is None else v
        seconds, _ = timed(lambda u=uniform: raw_scipy(snapshot.matrix, u))
        record("raw scipy power iteration", kind, seconds)

    import igraph

    coo = snapshot.matrix.tocoo()
    graph = igraph.Graph(n=n_nodes, edges=np.column_stack([coo.row, coo.col]), directed=True)
    seconds, _ = timed(lambda: graph.pagerank(damping=ALPHA, implementation="prpack"))
    record("igraph (PRPACK)", "PageRank", seconds)
    seconds, _ = timed(
        lambda: graph.personalized_pagerank(
            damping=ALPHA, reset_vertices=seeds.tolist(), implementation="prpack"
        )
    )
    record("igraph (PRPACK)", "PPR", seconds)

    import networkit as nk

    nk.setNumberOfThreads(2)
    g = nk.Graph(n_nodes, directed=True)
    g.addEdges((coo.row.astype(np.uint64), coo.col.astype(np.uint64)))

    def run_networkit() -> None:
        pr = nk.centrality.PageRank(g, damp=ALPHA, tol=TOL)
        pr.norm = nk.centrality.Norm.L1_NORM
        pr.run()

    seconds, _ = timed(run_networkit)
    record("networkit (2 threads)", "PageRank", seconds)

    if with_networkx:
        import networkx as nx

        G = nx.DiGraph()
        G.add_nodes_from(range(n_nodes))
        G.add_edges_from(zip(coo.row.tolist(), coo.col.tolist(), strict=True))
        seconds, _ = timed(lambda: nx.pagerank(G, alpha=ALPHA, tol=TOL, max_iter=1000))
        record("networkx", "PageRank", seconds)
        personalization = {int(s): 1 for s in seeds}
        seconds, _ = timed(
            lambda: nx.pagerank(
                G, alpha=ALPHA, tol=TOL, max_iter=1000, personalization=personalization
            )
        )
        record("networkx", "PPR", seconds)

    salon = rows["salon"]
    print(f"{'method':28} {'PageRank s':>11} {'PPR s':>8} {'salon is x faster (PR, PPR)':>30}")
    for name, times in rows.items():
        ratios = [f"{times[k] / salon[k]:.2f}" if k in times else "—" for k in ("PageRank", "PPR")]
        pr = f"{times['PageRank']:.2f}" if "PageRank" in times else "—"
        ppr = f"{times['PPR']:.2f}" if "PPR" in times else "—"
        print(f"{name:28} {pr:>11} {ppr:>8} {', '.join(ratios):>30}")
    print("targets: salon within 1.3x of raw scipy (ratio >= 0.77), >= 3x igraph, >= 50x networkx")


def store_build(ties: int) -> None:
    """Snapshot build time from a SQLite store holding ``ties`` follow ties."""
    import salon
    from salon.graph.snapshot import build_snapshot
    from salon.store.writer import PEOPLE, TIES, bulk_insert

    src, dst, n_nodes = power_law_graph(ties, seed=1)
    pairs = np.unique(np.stack([src, dst]).T, axis=0)
    with tempfile.TemporaryDirectory() as folder:
        store = salon.open_store(f"{folder}/s.db")
        with store.engine.begin() as c:
            c.exec_driver_sql(
                "INSERT INTO imports (id, started_at, salon_version, paths) "
                "VALUES (1, 0, 'bench', '[]')"
            )
            c.exec_driver_sql(
                "INSERT INTO files (id, sha256, name, size, importer, import_id) "
                "VALUES (1, 'x', 'bench', 0, 'bench', 1)"
            )
            bulk_insert(
                c,
                salon.store.schema.people,
                PEOPLE,
                [(i + 1, None, None, None, False, 1, 1, 0) for i in range(n_nodes)],
            )
            for start in range(0, len(pairs), 1_000_000):
                chunk = pairs[start : start + 1_000_000]
                bulk_insert(
                    c,
                    salon.store.schema.ties,
                    TIES,
                    [
                        (int(a) + 1, int(b) + 1, "follow", 1.0, None, None, None, 1, 1, 0)
                        for a, b in chunk
                    ],
                )
        seconds, snapshot = timed(lambda: build_snapshot(store, use_cache=False))
        print(
            f"\nsnapshot from a store of {len(pairs):,} ties: {seconds:.1f} s "
            f"({snapshot.n:,} nodes; target: under 20 s for 10M ties)"
        )
        store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 30_000_000])
    parser.add_argument("--store-ties", type=int, default=10_000_000)
    args = parser.parse_args()
    for edges in args.sizes:
        bench(edges, with_networkx=edges <= 2_000_000)
    if args.store_ties:
        store_build(args.store_ties)


if __name__ == "__main__":
    main()
