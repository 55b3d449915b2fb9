import pytest

import salon
from salon.errors import SalonError
from salon.store.goals import (
    add_goal,
    attention_to_you,
    get_goal,
    list_goals,
    measurements,
    record_measurements,
    remove_goal,
)


@pytest.fixture
def store():
    return salon.demo.sample_store()


def test_a_goal_is_stored_with_its_defaults_and_checked(store):
    goal = add_goal(store, " qec ", objective="Learn", segment="tag:quantum-error-correction")
    assert (goal.name, goal.objective, goal.horizon_months, goal.hours_per_week) == (
        "qec",
        "learn",
        12,
        4.0,
    )
    assert [g.name for g in list_goals(store)] == ["qec"]
    with pytest.raises(SalonError, match="already exists"):
        add_goal(store, "qec", objective="reach", segment="tag:quantum-gate")
    changed = add_goal(
        store, "qec", objective="reach", segment="tag:quantum-gate", horizon_months=6, replace=True
    )
    assert (changed.objective, changed.segment, changed.horizon_months) == (
        "reach",
        "tag:quantum-gate",
        6,
    )


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"objective": "talk"}, "'talk' is not an objective"),
        ({"horizon_months": 0}, "horizon must be 1 to 120"),
        ({"hours_per_week": 0}, "Hours per week must be above 0"),
        ({"segment": "nosuch"}, "No segment 'nosuch'"),
        ({"segment": "colour:blue"}, "is not a segment rule"),
        ({"account_names": ["Acme"]}, "No account 'Acme'"),
    ],
)
def test_bad_goals_are_refused_and_nothing_is_stored(store, options, message):
    given = {"objective": "reach", "segment": "tag:quantum-gate", **options}
    with pytest.raises(SalonError, match=message):
        add_goal(store, "g", **given)
    assert list_goals(store) == []


def test_accounts_are_named_as_stored(store):
    salon.add_account(store, "Quantum Labs")
    goal = add_goal(
        store, "g", objective="sell", segment="tag:quantum-gate", account_names=["quantum labs"]
    )
    assert goal.accounts == ["Quantum Labs"]


def test_measurements_are_kept_only_when_something_changed(store):
    goal = add_goal(store, "g", objective="reach", segment="tag:quantum-gate")
    assert record_measurements(store, goal.id, [("known_by", 1, {"people": []})], at=100)
    assert not record_measurements(store, goal.id, [("known_by", 1, {"people": []})], at=200)
    assert record_measurements(store, goal.id, [("known_by", 2, {"people": [7]})], at=100)
    rows = measurements(store, goal.id)
    assert [(r["value"], r["measured_at"]) for r in rows] == [(1.0, 100), (2.0, 101)]
    assert rows[1]["evidence"] == {"people": [7]}
    removed = remove_goal(store, "g")
    assert removed.name == "g" and measurements(store, goal.id) == []
    with pytest.raises(SalonError, match="No goal 'g'"):
        get_goal(store, "g")


def test_attention_to_you_reads_what_touches_you(store):
    """In the sample, you (the LinkedIn export's owner) exchanged messages with connections."""
    you = [p.id for p in salon.people(store, limit=1) if p.is_self]
    ties = salon.ties(store, top=50).to_dict()["ties"]
    messaged = [t for t in ties if t["by_kind"].get("message")]
    people = [t["person"] for t in messaged]
    seen = attention_to_you(store, you, people)
    for t in messaged:
        both = seen[t["person"]]["kinds"].get("message", 0) + seen[t["person"]]["from_you"].get(
            "message", 0
        )
        assert both == t["by_kind"]["message"]
    assert attention_to_you(store, [], people)[people[0]]["kinds"] == {}


def test_goals_on_each_backend(any_store):
    goal = add_goal(any_store, "g", objective="hire", segment="all", hours_per_week=2.5)
    assert record_measurements(any_store, goal.id, [("known_by", 0, {"people": []})], at=5)
    assert [r["value"] for r in measurements(any_store, goal.id)] == [0.0]
    assert attention_to_you(any_store, [1], [2]) == {
        2: {"kinds": {}, "from_you": {}, "meetings": 0, "last": None}
    }
    assert remove_goal(any_store, "g").hours_per_week == 2.5
