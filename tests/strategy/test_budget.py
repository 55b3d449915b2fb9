import random

import pytest

from salon.strategy.budget import SPLITS, largest_remainder, weekly_budget


def _entries(n, kind):
    if kind == "channels":
        return [(f"tag:c{i}", float(n - i), "why") for i in range(n)]
    return [(i, f"person {i}", "why") for i in range(n)]


@pytest.mark.parametrize("seed", range(30))
def test_the_budget_never_exceeds_the_cap(seed):
    rng = random.Random(seed)
    hours = rng.choice([0.25, 0.5, 1, 2.5, 4, 7.75, 12])
    objective = rng.choice(sorted(SPLITS))
    found = weekly_budget(
        hours,
        objective,
        channels=_entries(rng.randint(0, 4), "channels"),
        people=_entries(rng.randint(0, 6), "people"),
        offline=_entries(rng.randint(0, 3), "offline"),
    )
    spent = sum(i["hours"] for i in found["items"])
    assert spent <= hours and all(i["hours"] > 0 and i["hours"] % 0.25 == 0 for i in found["items"])
    assert sum(found["split"].values()) == spent
    if found["items"]:
        assert hours - spent < 0.25  # the whole cap is given out, to the quarter-hour


def test_a_part_with_nothing_to_do_gets_nothing_and_its_share_goes_to_the_rest():
    both = weekly_budget(
        4, "sell", channels=_entries(1, "channels"), people=_entries(2, "p"), offline=[]
    )
    assert both["split"] == {"channels": 1.25, "conversations": 2.75, "offline": 0.0}
    assert any("no meeting to plan" in r for r in both["reasons"])
    with_meetings = weekly_budget(
        4,
        "sell",
        channels=_entries(1, "channels"),
        people=_entries(2, "p"),
        offline=_entries(1, "o"),
    )
    assert with_meetings["split"] == {"channels": 0.75, "conversations": 1.75, "offline": 1.5}


def test_the_objective_moves_time():
    args = {
        "channels": _entries(2, "channels"),
        "people": _entries(3, "p"),
        "offline": _entries(2, "o"),
    }
    reach = weekly_budget(8, "reach", **args)["split"]
    sell = weekly_budget(8, "sell", **args)["split"]
    assert reach["channels"] > sell["channels"] and reach["offline"] < sell["offline"]


def test_more_score_more_time_in_a_channel():
    found = weekly_budget(
        2, "learn", channels=[("tag:a", 3.0, ""), ("tag:b", 0.0, "")], people=[], offline=[]
    )
    hours = {i["what"]: i["hours"] for i in found["items"]}
    assert hours["Answer questions in tag:a"] > hours["Answer questions in tag:b"]


def test_nothing_to_do_is_heads_down():
    found = weekly_budget(4, "reach", channels=[], people=[], offline=[])
    assert found["items"] == [] and found["heads_down"].startswith("Nothing to spend")


def test_largest_remainder():
    assert largest_remainder(16, [0.5, 0.3, 0.0]) == [10, 6, 0]
    assert largest_remainder(0, [1, 1]) == [0, 0]
    assert sum(largest_remainder(13, [0.2, 0.45, 0.35])) == 13
