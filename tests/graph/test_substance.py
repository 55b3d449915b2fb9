import numpy as np

from salon.graph.features import graph_features
from salon.graph.snapshot import GraphSnapshot
from salon.graph.substance import TALK, Features, heads_down_experts, substance_scores


def test_heads_down_beats_loud():
    people = np.arange(8)
    f = Features(
        people,
        {
            "meetings": np.array([30, 25, 0, 0, 1, 0, 2, 0]),
            "tenure_years": np.array([12, 9, 1, 0, 2, 1, 3, 0]),
            "posts": np.array([2, 1, 400, 300, 5, 7, 9, 3]),
            "followers": np.array([40, 10, 90000, 50000, 100, 80, 300, 20]),
        },
    )
    s = substance_scores(f)
    assert set(heads_down_experts(s, top=2)) == {0, 1}
    assert s.evidence(0)["meetings"] == 30
    assert s.visibility[2] > s.visibility[0]


def test_no_evidence_no_experts():
    s = substance_scores(Features(np.arange(3)))
    assert heads_down_experts(s) == []


def test_missing_visibility_is_not_quiet():
    # Edge-list data: engagement is known, posts and followers are not. The loudest account
    # (index 0) must not come out as a heads-down expert because its talk was never measured.
    f = Features(np.arange(8), {"engagement_per_post": np.array([36009, 5, 4, 0, 0, 1, 0, 0])})
    s = substance_scores(f)
    assert not s.rankable
    assert heads_down_experts(s) == []
    assert f.missing["posts"] == "no posts in the store"
    assert f.missing["followers"] == "no follow ties in the store"
    assert "engagement_per_post" not in f.missing


def test_edge_list_stands_in_and_keeps_the_loud_out():
    # A ring 1 → 2 → … → 6 → 1; 20 and 21 answer each other; 30-35 all attend to 9 alone.
    edges = [(k, k % 6 + 1) for k in range(1, 7)] + [(20, 21), (21, 20)]
    edges += [(p, 9) for p in range(30, 36)]
    g = GraphSnapshot.from_edges([a for a, _ in edges], [b for _, b in edges])
    values = graph_features(g)
    i = g.index([20, 9, 1])
    assert values["reciprocated_ties"][i].tolist() == [1, 0, 0]
    assert values["audience"][i].tolist() == [1, 6, 1]
    assert values["interactions_sent"][i].tolist() == [1, 0, 1]
    assert values["k_core"][i].tolist() == [1, 1, 2]
    f = Features(g.people, dict(values))
    assert f.used(TALK) == ["interactions_sent", "audience"]  # posts and followers missing
    assert f.missing["posts"] == "no posts in the store; using interactions sent instead"
    assert f.missing["link_share"] == "no posts in the store"
    chosen = g.people[heads_down_experts(substance_scores(f))].tolist()
    assert sorted(chosen[:2]) == [20, 21] and sorted(chosen[2:]) == [1, 2, 3, 4, 5, 6]
    assert 9 not in chosen  # the account everyone attends to is not quiet
    f.values["posts"] = np.ones(g.n)
    assert f.used(TALK) == ["posts", "audience"]  # a stand-in only for what is missing
