import gzip

import networkx as nx
import numpy as np
import pytest

from salon.graph.influence import agenda_setters, k_core, pagerank, segment_vector
from salon.graph.snapshot import GraphSnapshot
from tests.conftest import shared


def _nx(g: GraphSnapshot) -> nx.DiGraph:
    G = nx.DiGraph()
    G.add_nodes_from(int(p) for p in g.people)
    coo = g.matrix.tocoo()
    for u, v, w in zip(coo.row, coo.col, coo.data, strict=True):
        G.add_edge(int(g.people[u]), int(g.people[v]), weight=float(w))
    return G


def _email_eu() -> GraphSnapshot:
    d = np.loadtxt(shared("email_eu_core/email-Eu-core.txt"), dtype=np.int64)
    return GraphSnapshot.from_edges(d[:, 0], d[:, 1])


def test_known_answer_and_invariants():
    g = GraphSnapshot.from_edges([1, 1, 2], [2, 3, 3])  # 3 is dangling
    r = pagerank(g, tol=1e-14).values
    assert r.sum() == pytest.approx(1.0)
    G = nx.DiGraph([(1, 2), (1, 3), (2, 3)])
    expected = nx.pagerank(G, tol=1e-14)
    assert np.allclose(r, [expected[1], expected[2], expected[3]], atol=1e-12)
    assert pagerank(GraphSnapshot.from_edges([], [])).values.shape == (0,)


@pytest.mark.parametrize("seeds", [None, [1, 5, 7, 100, 200]])
def test_equals_networkx_on_email_eu_core(seeds):
    g = _email_eu()
    G = _nx(g)
    personalization = None if seeds is None else segment_vector(g, np.array(seeds))
    ours = pagerank(g, personalization=personalization, tol=1e-15).values
    ref = nx.pagerank(
        G,
        alpha=0.85,
        weight="weight",
        tol=1e-15,
        max_iter=2000,
        personalization=None if seeds is None else {s: 1 for s in seeds},
    )
    assert np.abs(ours - np.array([ref[int(p)] for p in g.people])).max() < 1e-8


@pytest.mark.slow
def test_equals_networkx_on_higgs_retweets():
    with gzip.open(shared("higgs_twitter/higgs-retweet_network.edgelist.gz")) as f:
        rows = np.loadtxt(f, dtype=np.int64)
    g = GraphSnapshot.from_edges(rows[:, 0], rows[:, 1], rows[:, 2].astype(float))
    ref = nx.pagerank(_nx(g), alpha=0.85, weight="weight", tol=1e-14, max_iter=2000)
    ours = pagerank(g, tol=1e-14).values
    assert np.abs(ours - np.array([ref[int(p)] for p in g.people])).max() < 1e-8


def test_agenda_setters_explain_themselves():
    # Segment {1, 2, 3} reposts and mentions 10; outsiders 20-22 follow 30 (and 10, once).
    g = GraphSnapshot.from_edges(
        [1, 2, 3, 20, 21, 22, 20],
        [10, 10, 10, 30, 30, 30, 10],
        kind=np.array([0, 0, 1, 2, 2, 2, 2]),
        kind_names=["repost", "mention", "follow"],
    )
    (top,) = agenda_setters(g, np.array([1, 2, 3]), top=1, include_members=False)
    assert top.person == 10
    assert top.attention_from_segment == {"repost": 2, "mention": 1}
    assert top.segment_members_attending == 3
    assert top.followers == 1
    assert top.lift > 1  # matters more to the segment than to everyone


def test_k_core():
    g = GraphSnapshot.from_edges([1, 2, 3, 1, 4], [2, 3, 1, 4, 5])
    assert k_core(g).tolist() == [2, 2, 2, 1, 1]
    # Both directions and repeats are one undirected tie: 1-2 alone is a 1-core.
    g = GraphSnapshot.from_edges([1, 2, 1, 3], [2, 1, 2, 3])
    assert k_core(g).tolist() == [1, 1]


def _igraph_coreness(g: GraphSnapshot) -> np.ndarray:
    import igraph

    coo = g.matrix.tocoo()
    pairs = zip(coo.row.tolist(), coo.col.tolist(), strict=True)
    graph = igraph.Graph(n=g.n, edges=list(pairs))
    graph.simplify()  # what the former k_core did: each undirected tie once
    return np.asarray(graph.coreness())


def test_k_core_equals_igraph_on_email_eu_core_and_a_power_law_graph():
    g = _email_eu()
    expected = _igraph_coreness(g)
    assert expected.max() > 20  # a deep core: peeling must run many levels
    assert k_core(g).tolist() == expected.tolist()
    rng = np.random.default_rng(5)
    popular = 1 / np.arange(1, 5_001) ** 0.9
    src, dst = (rng.choice(5_000, 60_000, p=popular / popular.sum()) for _ in range(2))
    g = GraphSnapshot.from_edges(src, dst)
    assert k_core(g).tolist() == _igraph_coreness(g).tolist()


def test_agenda_setters_one_definition_members_and_you_out():
    # Segment {1, 2, 3}: 1 and 2 attend to 3 (a member), all three to 10, 10 to 11 ("you").
    g = GraphSnapshot.from_edges([1, 2, 1, 2, 3, 10], [3, 3, 10, 10, 10, 11])
    segment = np.array([1, 2, 3])
    assert [f.person for f in agenda_setters(g, segment, top=2)] == [10, 11]  # members out
    assert [f.person for f in agenda_setters(g, segment, top=1, exclude=[10])] == [11]
    assert agenda_setters(g, segment, top=1, include_members=True)[0].person in (3, 10)
    everyone = agenda_setters(g, np.array([1, 2, 3, 10, 11]), top=3)
    assert everyone == []  # nobody outside a segment that is everyone
    assert agenda_setters(g, np.array([11]), top=3) == []  # 11 attends to nobody: PPR 0
