"""Each sentence of advice is computed from its answer: other data, another sentence."""

from __future__ import annotations

import pytest

import salon
from salon.strategy import advice


def _influencers(name: str, attending: int, lift: float, kinds: dict[str, int]) -> dict:
    return {
        "segment": {"name": "buyers"},
        "members_in_graph": 40,
        "influencers": [
            {
                "name": name,
                "person": 1,
                "segment_members_attending": attending,
                "lift": lift,
                "attention_from_segment": kinds,
            }
        ],
    }


def test_influencers_sentence_follows_the_data():
    one = advice.influencers(_influencers("Ana", 12, 3.2, {"repost": 9, "reply": 2}))
    two = advice.influencers(_influencers("Bo", 3, 1.1, {"reply": 5}))
    assert one != two
    assert "Ana" in one and "12 of the 40" in one and "3.2×" in one and "reposts" in one
    assert "Bo" in two and "3 of the 40" in two and "replies" in two
    none = advice.influencers({"segment": {"name": "buyers"}, "influencers": []})
    assert none.startswith("Nobody outside buyers")


def test_win_sentence_counts_seeds_inside_the_segment():
    base = {
        "segment": {"name": "s"},
        "expected_share": 0.25,
        "expected_reach": 10,
        "segment_in_graph": 40,
    }
    inside = advice.win({**base, "seeds": [{"name": "A", "in_segment": True}, {"name": "B"}]})
    outside = advice.win({**base, "expected_share": 0.5, "seeds": [{"name": "C"}]})
    assert "Win A and B first" in inside and "1 of them is in the segment" in inside
    assert "Win C first" in outside and "50%" in outside and "in the segment" not in outside


def test_where_names_the_channel_and_what_to_skip():
    rows = [
        {
            "channel": "tag:qec",
            "segment_present": True,
            "evidence": {"segment_posts": 52},
            "agenda_setters": [{"name": "Blue"}],
        },
        {"channel": "tag:noise", "segment_present": False, "evidence": {"segment_posts": 0}},
    ]
    found = advice.where({"segment": {"name": "s"}, "topic": "qec", "channels": rows})
    assert found.startswith("Spend your time in tag:qec: 52 of the segment's posts")
    assert "Blue" in found and "skip tag:noise" in found
    absent = advice.where({"segment": {"name": "s"}, "topic": "qec", "channels": rows[1:]})
    assert "does not talk about qec" in absent


def test_forecast_growth_or_none():
    grow = {
        "innovation": "tag:x",
        "period": "month",
        "adopters": 10,
        "forecasts": [{"horizon": 12, "adopters": 30.0, "low": 20.0, "high": 45.0}],
    }
    flat = {**grow, "forecasts": [{"horizon": 12, "adopters": 10.2, "low": 10.0, "high": 12.0}]}
    assert "grow from 10 to about 30 adopters within 12 months (90% 20–45)" in advice.forecast(grow)
    assert advice.forecast(flat).startswith("Expect no new adopters of tag:x within 12 months")


def test_adoption_early_or_late():
    early = {
        "innovation": "tag:x",
        "adopters": 50,
        "shares": {"innovator": 0.1, "early adopter": 0.4, "late majority": 0.1, "laggard": 0.0},
    }
    late = {
        **early,
        "shares": {"innovator": 0.0, "early adopter": 0.1, "late majority": 0.4, "laggard": 0.3},
    }
    assert "still early: 50%" in advice.adoption(early)
    assert "past its early days: 70%" in advice.adoption(late)


def test_funnel_nudges_meet_and_ties_speak_of_people():
    funnel = {
        "people": 20,
        "stages": [{"stage": "conversed", "reached": 5}, {"stage": "met", "reached": 1}],
    }
    assert "25% of your 20 relationships" in advice.funnel(funnel) and "the 4 who" in advice.funnel(
        funnel
    )
    assert advice.funnel(
        {"people": 3, "stages": [{"stage": "conversed", "reached": 0}]}
    ).startswith("All 3 relationships are online only")
    nudge = {"nudges": [{"name": "Ana", "person": 2, "reason": "It has been 40 days."}]}
    assert advice.nudges(nudge) == "Get back in touch with Ana first: It has been 40 days."
    meet = {
        "plans": [
            {
                "city": {"label": "Graz, AT"},
                "suggestions": [{"name": "Bo", "form": "lunch", "why": ["met twice"]}],
            }
        ]
    }
    assert advice.meet(meet) == "Invite Bo for lunch in Graz, AT: met twice."
    ties = {
        "ties": [
            {"person": 1, "name": "Ana", "strength": 4.2, "recency_days": 120},
            {"person": 2, "name": "Bo", "strength": 1.0, "recency_days": 3},
        ]
    }
    assert advice.ties(ties) == (
        "Your strongest tie is Ana (strength 4.20); 1 of the 2 shown has been quiet for over "
        "90 days."
    )


@pytest.fixture(scope="module")
def sample():
    return salon.demo.sample_store()


def test_sentences_change_with_the_segment(sample):
    """The same question about two segments of the shipped sample: two sentences."""
    a = advice.influencers(salon.influencers(sample, "tag:quantum-algorithms", top=3).to_dict())
    b = advice.influencers(
        salon.influencers(sample, "tag:quantum-error-correction", top=3).to_dict()
    )
    assert a != b and "tag:quantum-algorithms" in a and "tag:quantum-error-correction" in b
    w1 = advice.win(salon.win(sample, "tag:quantum-algorithms", k=2, check_runs=20).to_dict())
    w2 = advice.win(salon.win(sample, "tag:quantum-gate", k=2, check_runs=20).to_dict())
    assert w1 != w2
