"""The plan's sections' sentences are computed from their data."""

from __future__ import annotations

from salon.strategy import plan_advice


def test_budget_and_milestones_sentences():
    found = {
        "hours_per_week": 3,
        "split": {"channels": 1.0, "conversations": 2.0, "offline": 0.0},
        "items": [
            {"what": "Reply to and write to Ana", "hours": 2.0},
            {"what": "Answer questions in tag:x", "hours": 1.0},
        ],
    }
    text = plan_advice.budget(found)
    assert "at most 3 of your 3 hours" in text and "reply to and write to Ana" in text
    assert "2 h conversations" in text and "offline" not in text
    items = [
        {"milestone": "known_by", "value": 2, "target": 7},
        {"milestone": "engaged_by", "value": 1},
    ]
    assert "all 7 of these people" in plan_advice.milestones(
        items, 6
    ) and "2 do today" in plan_advice.milestones(items, 6)
