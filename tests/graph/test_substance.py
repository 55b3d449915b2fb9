import numpy as np

from salon.graph.substance import Features, heads_down_experts, substance_scores


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
