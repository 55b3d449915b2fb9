import numpy as np

from salon.diffusion.imm import imm, monte_carlo_spread
from salon.graph.snapshot import GraphSnapshot
from tests.conftest import shared


def _email_eu() -> GraphSnapshot:
    d = np.loadtxt(shared("email_eu_core/email-Eu-core.txt"), dtype=np.int64)
    return GraphSnapshot.from_edges(d[:, 0], d[:, 1])


def test_star_known_answer():
    # 1..5 attend only to 9: winning 9 reaches all of them; 7 reaches only itself.
    g = GraphSnapshot.from_edges([1, 2, 3, 4, 5, 6], [9, 9, 9, 9, 9, 7])
    targets = g.index([1, 2, 3, 4, 5])
    chosen = imm(g, targets, 1, seed=3)
    assert g.people[chosen.nodes[0]] == 9
    assert chosen.spread == 5.0
    assert monte_carlo_spread(g, chosen.nodes, targets, runs=200) == 5.0


def test_estimate_agrees_with_monte_carlo_on_real_data():
    g = _email_eu()
    targets = np.arange(0, g.n, 3)
    chosen = imm(g, targets, 10, epsilon=0.2, seed=1)
    assert len(chosen.nodes) == 10 and len(set(chosen.nodes)) == 10
    simulated = monte_carlo_spread(g, chosen.nodes, targets, runs=2000, seed=2)
    assert abs(chosen.spread - simulated) / simulated < 0.05
    assert all(a >= b for a, b in zip(chosen.gains, chosen.gains[1:], strict=False))


def test_seeded_and_exclusions():
    g = _email_eu()
    targets = np.arange(0, g.n, 5)
    a = imm(g, targets, 5, seed=4)
    b = imm(g, targets, 5, seed=4)
    assert a.nodes == b.nodes
    c = imm(g, targets, 5, seed=4, exclude=np.array(a.nodes[:2]))
    assert not set(a.nodes[:2]) & set(c.nodes)


def test_empty_segment():
    g = GraphSnapshot.from_edges([1], [2])
    assert imm(g, np.array([], dtype=np.int64), 3).nodes == []
