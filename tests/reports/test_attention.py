"""The attention map's data: its rings, and its edges against the attention graph itself."""

from __future__ import annotations

import itertools
import math

import pytest

import salon
from salon.graph.snapshot import build_snapshot
from salon.insights.who import snapshot_spec
from salon.reports.attention import INNER, OUTER, attention_map_data, ring_layout


def _radius(point: tuple[float, float]) -> float:
    return math.hypot(point[0] - 0.5, point[1] - 0.5)


def _angle(point: tuple[float, float]) -> float:
    return math.atan2(point[1] - 0.5, point[0] - 0.5) % (2 * math.pi)


def test_rings_you_in_the_centre_named_inside_members_outside():
    named = [10, 11, 12, 13]
    members = {1: {10: 5.0}, 2: {12: 1.0}, 3: {11: 2.0, 12: 2.0}, 4: {13: 1.0}}
    at = ring_layout(named, members, you=99)
    assert at[99] == (0.5, 0.5)
    assert all(_radius(at[p]) == pytest.approx(INNER) for p in named)
    assert all(_radius(at[m]) == pytest.approx(OUTER) for m in members)
    # evenly spread around the outer ring
    angles = sorted(_angle(at[m]) for m in members)
    assert [b - a for a, b in itertools.pairwise(angles)] == pytest.approx([math.pi / 2] * 3)
    assert _angle(at[1]) == pytest.approx(_angle(at[10]))  # the first sits at its setter


def test_the_maps_edges_are_the_attention_graphs(tmp_path):
    store = salon.demo.sample_store()
    found = salon.influencers(store, "tag:quantum-algorithms", top=5)
    setters = [r["person"] for r in found.influencers]
    data = attention_map_data(store, "tag:quantum-algorithms", setters=setters, max_members=10)
    snapshot = build_snapshot(store, snapshot_spec())
    members = {n["id"] for n in data["nodes"] if n["role"] == "member"}
    for edge in [e for e in data["edges"] if not e.get("you")]:
        i, j = snapshot.index([edge["source"], edge["target"]])
        assert edge["weight"] == pytest.approx(snapshot.matrix[i, j])
        assert edge["source"] in members
        assert edge["target"] in (members if edge.get("within") else setters)
    assert any(e.get("within") for e in data["edges"])  # the segment's own conversation
    assert len(members) == data["members_shown"] == 10 <= data["members_attending"]
    # the members shown are those paying the named people the most attention
    paid = {
        m: sum(e["weight"] for e in data["edges"] if e["source"] == m and not e.get("within"))
        for m in members
    }
    assert min(paid.values()) > 0
    labels = {n["id"]: n["label"] for n in data["nodes"] if n["role"] == "setter"}
    assert labels == {r["person"]: r["name"] for r in found.influencers}
    # with room for everyone, the whole segment is drawn, the attentive first
    everyone = attention_map_data(store, "tag:quantum-algorithms", setters=setters)
    assert everyone["members_shown"] == everyone["members_in_graph"] == found.members_in_graph
    you = [n for n in data["nodes"] if n["role"] == "you"]
    assert len(you) == 1 and (you[0]["x"], you[0]["y"]) == (0.5, 0.5)
