"""Influence maximisation: Salon's IMM against CELF greedy with Monte-Carlo spread, in one run.

Graphs CELF can finish: email-Eu-core (25,571 e-mails) and CollegeMsg (59,835 messages); the
segment is every third node; weighted independent cascade. CELF (Leskovec et al. 2007, lazy
greedy) estimates each marginal spread with ``--runs`` cascades of Salon's numba simulator, so
both methods share one cascade model and one simulator. Both seed sets are then scored with
10,000 fresh cascades; IMM's own estimate (on RR sets independent of those it selected on) is
printed beside them. Then IMM alone on a 1M-edge power-law graph, k=50, ε=0.1, with the
memory of its reverse-reachable sets.

NDlib's independent cascade simulates the IMM seeds on the same live-edge probabilities, as a
check of the spread and a peer simulator, timed like for like: the model is built and
configured once, outside the clock; each of ``--ndlib-runs`` cascades restarts from the seeds
(``model.reset()``) and stops when it is quiet (no active node left, so none can activate
another); Salon's simulator runs the same number of cascades, which also stop when quiet.

Usage: python bench/bench_imm.py [--k 10] [--runs 1000] [--ndlib-runs 1000]
"""

from __future__ import annotations

import argparse
import heapq
import time
from pathlib import Path

import numpy as np
from _results import ratio, recorded

from salon.diffusion.imm import Cascade, imm, monte_carlo_spread
from salon.graph.snapshot import GraphSnapshot

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


def celf(g: GraphSnapshot, targets: np.ndarray, k: int, runs: int, cascade: Cascade) -> list[int]:
    """Lazy-forward greedy: re-evaluate a node's gain only when it tops the queue."""

    def spread(seeds: list[int]) -> float:
        return monte_carlo_spread(g, seeds, targets, runs=runs, seed=len(seeds), cascade=cascade)

    heap = [(-spread([v]), v, 0) for v in range(g.n)]
    heapq.heapify(heap)
    seeds: list[int] = []
    current = 0.0
    while len(seeds) < k and heap:
        gain, v, round_ = heapq.heappop(heap)
        if round_ == len(seeds):
            seeds.append(v)
            current += -gain
            continue
        heapq.heappush(heap, (-(spread([*seeds, v]) - current), v, len(seeds)))
    return seeds


def compare(name: str, g: GraphSnapshot, k: int, runs: int, ndlib_runs: int) -> None:
    targets = np.arange(0, g.n, 3)
    cascade = Cascade.weighted(g)
    imm(g, targets, 2, cascade=cascade)  # compile the numba kernels outside the clock
    start = time.perf_counter()
    fast = imm(g, targets, k, epsilon=0.1, cascade=cascade)
    imm_seconds = time.perf_counter() - start
    start = time.perf_counter()
    greedy = celf(g, targets, k, runs, cascade)
    celf_seconds = time.perf_counter() - start
    imm_spread = monte_carlo_spread(g, fast.nodes, targets, runs=10_000, seed=99, cascade=cascade)
    celf_spread = monte_carlo_spread(g, greedy, targets, runs=10_000, seed=99, cascade=cascade)
    print(f"\n{name}: {g.n:,} nodes, {g.edges:,} edges, segment {len(targets):,}, k={k}")
    print(f"   {'method':26} {'seconds':>9} {'spread (10,000 MC)':>18} {'peer/salon time':>15}")
    print(f"   {'salon IMM (eps 0.1)':26} {imm_seconds:9.2f} {imm_spread:18.1f} {'1.00':>15}")
    print(
        f"   {f'CELF + {runs} MC runs':26} {celf_seconds:9.2f} {celf_spread:18.1f} "
        f"{ratio(celf_seconds, imm_seconds):>15}"
    )
    print(
        f"   IMM spread / CELF spread {imm_spread / celf_spread:.3f} (target >= 0.98); "
        f"RR sets {fast.rr_sets:,} in {fast.rr_bytes / 2**20:.1f} MiB; IMM's own estimate "
        f"{fast.spread:.1f} (selection sample {fast.selection_spread:.1f}), guarantee "
        f"{fast.guarantee:.1f} {'holds' if fast.bound_holds else 'does NOT hold'}"
    )
    ndlib_check(g, fast.nodes, targets, ndlib_runs, cascade)


def ndlib_check(
    g: GraphSnapshot, seeds: list[int], targets: np.ndarray, runs: int, cascade: Cascade
) -> None:
    """NDlib's independent cascade on the same live-edge probabilities, as a peer simulator."""
    import ndlib.models.epidemics as ep
    import ndlib.models.ModelConfig as mc
    import networkx as nx

    G = nx.DiGraph()
    G.add_nodes_from(range(g.n))
    for v in range(g.n):  # influence runs from v to everyone who attends to v
        for e in range(cascade.in_ptr[v], cascade.in_ptr[v + 1]):
            G.add_edge(v, int(cascade.in_nodes[e]), p=float(cascade.in_probs[e]))
    target = set(targets.tolist())
    model = ep.IndependentCascadesModel(G, seed=5)  # configured once, outside the clock
    config = mc.Configuration()
    config.add_model_initial_configuration("Infected", seeds)
    for u, v, data in G.edges(data=True):
        config.add_edge_configuration("threshold", (u, v), data["p"])
    model.set_initial_status(config)
    start = time.perf_counter()
    reached, steps = [], 0
    for _ in range(runs):
        model.reset()
        status = dict(model.iteration(node_status=True)["status"])
        while True:  # until quiet: no active node is left to activate anyone
            step = model.iteration(node_status=True)
            status.update(step["status"])
            steps += 1
            if step["node_count"][1] == 0:
                break
        reached.append(sum(1 for node, s in status.items() if s != 0 and node in target))
    ndlib_seconds = time.perf_counter() - start
    start = time.perf_counter()
    ours = monte_carlo_spread(g, seeds, targets, runs=runs, seed=5, cascade=cascade)
    ours_seconds = time.perf_counter() - start
    error = np.std(reached) / np.sqrt(runs)
    print(
        f"   IMM seeds, {runs:,} cascades each, stopped when quiet (NDlib: {steps / runs:.1f} "
        f"steps a cascade):\n"
        f"   {'simulator':26} {'seconds':>9} {'spread':>18} {'peer/salon time':>15}\n"
        f"   {'salon (numba)':26} {ours_seconds:9.3f} {ours:18.1f} {'1.00':>15}\n"
        f"   {'NDlib IndependentCascades':26} {ndlib_seconds:9.3f} "
        f"{f'{np.mean(reached):.1f} ± {error:.1f}':>18} {ratio(ndlib_seconds, ours_seconds):>15}"
    )


def load(path: Path, columns: int) -> GraphSnapshot:
    rows = np.loadtxt(path, dtype=np.int64, comments=("%", "#"), usecols=range(columns))
    return GraphSnapshot.from_edges(rows[:, 0], rows[:, 1])


def large(k: int) -> None:
    import sys

    sys.path.insert(0, str(Path(__file__).parent))
    from bench_pagerank import power_law_graph

    src, dst, n = power_law_graph(1_000_000, seed=3)
    g = GraphSnapshot.from_edges(src, dst, people=np.arange(n))
    targets = np.arange(0, g.n, 10)
    cascade = Cascade.weighted(g)
    imm(g, targets[:100], 2, cascade=cascade)
    start = time.perf_counter()
    chosen = imm(g, targets, k, epsilon=0.1, cascade=cascade)
    seconds = time.perf_counter() - start
    print(
        f"\n1M-edge power-law graph ({g.n:,} nodes, {g.edges:,} edges), segment "
        f"{len(targets):,}, k={k}, eps=0.1: {seconds:.1f} s (target under 30 s); "
        f"{chosen.rr_sets:,} RR sets, {chosen.rr_bytes / 2**20:.1f} MiB; expected reach "
        f"{chosen.spread:,.0f} ({chosen.share:.1%}, on RR sets independent of the selection)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--ndlib-runs", type=int, default=1000)
    parser.add_argument("--no-large", action="store_true", help="skip the 1M-edge graph")
    args = parser.parse_args()
    with recorded(__file__):
        for name, path in (
            ("email-Eu-core", "email_eu_core/email-Eu-core.txt"),
            ("CollegeMsg", "collegemsg/CollegeMsg.txt"),
        ):
            compare(name, load(DATA / path, 2), args.k, args.runs, args.ndlib_runs)
        if not args.no_large:
            large(50)


if __name__ == "__main__":
    main()
