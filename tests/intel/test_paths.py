"""Warm paths over tie strength: warmth, introducers and the hop limit."""

from __future__ import annotations

import numpy as np
import pytest

from salon.graph.ties import tie_strengths
from salon.intel.paths import OFFLINE_BONUS, tie_graph, warm_paths

DAY = 86400.0


def _graph(events, stage=None):
    src, dst, kind, at = zip(*events, strict=True)
    ties = tie_strengths(
        np.array(src), np.array(dst), np.array(kind), np.array(at, float),
        now=100 * DAY, answer_bonus=0,
    )  # fmt: skip
    return ties, tie_graph(ties, np.zeros(len(ties), int) if stage is None else stage(ties))


def test_a_warm_two_hop_path_beats_a_cold_one():
    # you (1) write often both ways with 2, who writes often with 9; 3 liked you once and knows 9
    events = [(1, 2, "email", 99 * DAY), (2, 1, "email", 99 * DAY)] * 3
    events += [(2, 9, "email", 98 * DAY), (9, 2, "email", 98 * DAY)] * 3
    events += [(3, 1, "like", 10 * DAY), (3, 9, "email", 10 * DAY)]
    _, graph = _graph(events)
    found = warm_paths(graph, 1, 9)
    assert [p["people"] for p in found] == [[1, 2, 9], [1, 3, 9]]
    assert found[0]["length"] < found[1]["length"]
    first = found[0]["ties"][0]
    assert first["frequency"] == 6 and first["reciprocity"] == 1.0 and first["stage"] == "online"


def test_reciprocity_and_meeting_in_person_make_a_tie_warmer():
    one_way = [(1, 2, "email", 99 * DAY)] * 2 + [
        (2, 9, "email", 99 * DAY),
        (9, 2, "email", 99 * DAY),
    ]
    both = [(1, 3, "email", 99 * DAY), (3, 1, "email", 99 * DAY)]
    both += [(3, 9, "email", 99 * DAY), (9, 3, "email", 99 * DAY)]
    _, graph = _graph(one_way + both)
    # same strength from you (two e-mails), but only 3 answers: 3 is the better introducer
    assert [p["people"][1] for p in warm_paths(graph, 1, 9)] == [3, 2]
    _, met = _graph(one_way + both, lambda t: np.where((t.pairs == 2).any(axis=1), 3, 0))
    assert met.tie(1, 2)["stage"] == "met"
    assert met.tie(1, 2)["length"] * OFFLINE_BONUS == pytest.approx(
        graph.tie(1, 2)["length"], abs=1e-5
    )


def test_paths_longer_than_the_hop_limit_are_no_introduction():
    chain = []
    for a, b in [(1, 2), (2, 3), (3, 4), (4, 9)]:
        chain += [(a, b, "email", 99 * DAY), (b, a, "email", 99 * DAY)]
    _, graph = _graph(chain)
    assert warm_paths(graph, 1, 9) == []
    assert [p["hops"] for p in warm_paths(graph, 1, 9, max_hops=4)] == [4]
    assert warm_paths(graph, 1, 1) == [] and warm_paths(graph, 1, 77) == []
