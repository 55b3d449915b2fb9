"""The attention map's data: who is drawn, with which role, and the caps that keep a large
segment's picture to at most MAX_NODES people and MAX_EDGES edges."""

from __future__ import annotations

from pathlib import Path

import numpy as np

import salon
from salon.web.attention import attention_map


def test_roles_positions_and_edges(web_db: Path) -> None:
    with salon.open_store(str(web_db)) as store:
        found = attention_map(store, "quantum-algorithms", setters=10)
        leaders = salon.influencers(store, "quantum-algorithms", top=10).influencers
    roles = {n["id"]: n["role"] for n in found["nodes"]}
    assert [roles[r["person"]] for r in leaders] == ["agenda-setter"] * 10
    assert sum(r == "member" for r in roles.values()) == found["members_in_graph"] == 58
    assert list(roles.values()).count("you") == 1
    xy = np.array([(n["x"], n["y"]) for n in found["nodes"]])
    assert np.isfinite(xy).all() and xy.std(axis=0).min() > 0  # laid out, not stacked
    # Same store, same picture.
    with salon.open_store(str(web_db)) as store:
        again = attention_map(store, "quantum-algorithms", setters=10)
    assert again["nodes"] == found["nodes"] and again["edges"] == found["edges"]


def test_a_large_segment_is_capped(web_db: Path) -> None:
    with salon.open_store(str(web_db)) as store:
        found = attention_map(
            store, "platform:quantumcomputing", setters=5, max_nodes=60, max_edges=40
        )
    roles = [n["role"] for n in found["nodes"]]
    assert len(roles) == 60 and roles.count("agenda-setter") <= 5 and "you" in roles
    assert len(found["edges"]) == 40
    assert any("left out" in n for n in found["notes"])
    assert any("strongest" in n for n in found["notes"])
