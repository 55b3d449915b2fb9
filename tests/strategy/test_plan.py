"""salon.plan on the two real sets (tests/strategy/conftest.py), its figures checked against
the data read by hand and against the public functions it composes."""

from __future__ import annotations

import gzip
import json
import re
from collections import defaultdict
from pathlib import Path

import pytest

import salon
from salon.importers.base import ImportOptions
from salon.store.goals import get_goal, measurements
from salon.strategy.plan import STAGES
from tests.conftest import shared
from tests.strategy.conftest import (
    ANNOUNCEMENT,
    stackexchange_posts,
    you_on_stackexchange,
)

_MENTION = re.compile(r"(?<![\w@.])@([A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?)")


def _by_hand(path):
    """From the posts file: each post's author, each author's handle, what each wrote."""
    rows = [json.loads(x) for x in path.read_text().splitlines()]
    author = {r["id"]: r["author"] for r in rows}
    handle = {r["author"]: (r.get("author_handle") or "").lower() for r in rows}
    return rows, author, handle


@pytest.fixture(scope="module")
def quantum_plan(quantum):
    return salon.plan(quantum, "trusted-answerer")


def test_stackexchange_plan_composes_the_public_answers(quantum, quantum_plan):
    plan = quantum_plan.to_dict()
    assert list(plan) == [
        "goal",
        "advice",
        "you",
        "segment",
        "agenda_setters",
        "channels",
        "budget",
        "meetings",
        "milestones",
        "notes",
        "timings",
    ]
    assert plan["you"]["name"] == "DaftWullie"
    assert list(plan["timings"]) == list(STAGES)
    # The 24 people who asked a question tagged quantum-error-correction.
    assert (plan["segment"]["members"], plan["segment"]["members_in_graph"]) == (24, 24)
    known = salon.influencers(quantum, "qec-askers", top=5).influencers
    assert [r["person"] for r in plan["agenda_setters"]["known_by"]] == [r["person"] for r in known]
    targets = {r["person"] for r in plan["agenda_setters"]["known_by"]} | {
        r["person"] for r in plan["agenda_setters"]["to_win"]
    }
    assert plan["you"]["person"] not in targets  # you are never your own target
    where = salon.where(quantum, "quantum error correction", segment="qec-askers", top=6)
    assert [c["channel"] for c in plan["channels"]["now"]] == [c["channel"] for c in where.channels]
    top = plan["channels"]["now"][0]
    assert top["channel"] == "channel:quantumcomputing.stackexchange.com"
    assert top["evidence"] == where.channels[0]["evidence"]
    for row in plan["channels"]["later"]:
        for f in row["forecasts"]:
            assert row["adopters"] <= f["adopters"] and f["low"] <= f["adopters"] <= f["high"]
        assert row["adopters"] <= row["segment_size"] == 24


def test_stackexchange_attention_to_you_is_what_the_posts_say(quantum_plan, tmp_path):
    """Blue's replies to DaftWullie's posts and @-mentions of them, counted from the file."""
    rows, author, handle = _by_hand(stackexchange_posts(tmp_path))
    you, blue = "1837", "26"
    replies = sum(1 for r in rows if r["author"] == blue and author.get(r["reply_to"]) == you)
    mentions = sum(
        1
        for r in rows
        if r["author"] == blue and handle[you] in {m.lower() for m in _MENTION.findall(r["text"])}
    )
    known = {r["name"]: r for r in quantum_plan.agenda_setters["known_by"]}
    assert known["Blue"]["attention_to_you"] == {"mention": mentions, "reply": replies}
    assert (replies, mentions) == (23, 10)


def test_stackexchange_milestones_count_the_segment_you_answered(quantum_plan, tmp_path):
    rows, author, handle = _by_hand(stackexchange_posts(tmp_path))
    askers = {r["author"] for r in rows if "quantum-error-correction" in (r.get("tags") or [])}
    by_handle = {handle[a]: a for a in askers}
    answered = set()
    for r in rows:
        if r["author"] != "1837":
            continue
        if author.get(r.get("reply_to")) in askers:
            answered.add(author[r["reply_to"]])
        answered |= {
            by_handle[m.lower()] for m in _MENTION.findall(r["text"]) if m.lower() in by_handle
        }
    answered.discard("1837")
    items = {m["milestone"]: m for m in quantum_plan.milestones["items"]}
    assert items["segment_answered"]["value"] == len(answered) == 17
    assert items["known_by"]["target"] == len(
        {r["person"] for r in quantum_plan.agenda_setters["known_by"]}
        | {r["person"] for r in quantum_plan.agenda_setters["to_win"]}
    )
    assert 0 < items["engaged_by"]["value"] <= items["known_by"]["value"]
    assert items["followed_by"]["value"] == 0  # a Q&A site has no follows
    assert items["meetings_held"]["value"] == 0


def test_stackexchange_budget_and_advice(quantum_plan):
    plan = quantum_plan.to_dict()
    budget = plan["budget"]
    assert sum(i["hours"] for i in budget["items"]) == 4.0 == budget["hours_per_week"]
    assert all(i["hours"] % 0.25 == 0 for i in budget["items"])
    # learn: channels first; the offline share goes to renewing ties (nudges), as no trip exists
    assert budget["split"] == {"channels": 2.0, "conversations": 1.5, "offline": 0.5}
    reconnect = {r["person"] for r in plan["meetings"]["reconnect"]}
    assert {i["person"] for i in budget["items"] if i["kind"] == "offline"} <= reconnect
    first = plan["agenda_setters"]["known_by"][0]["name"]
    assert plan["advice"].startswith("To become a trusted expert for qec-askers, get known by")
    assert first in plan["advice"] and "4 of your 4 hours" in plan["advice"]
    assert plan["agenda_setters"]["advice"].startswith(
        f"Get known by these 5 people first, {first}"
    )


def _higgs_by_hand(members: set[str]) -> dict[str, set[str]]:
    """Who among the members paid attention to whom in the run-up (any RT, MT or RE)."""
    attending: dict[str, set[str]] = defaultdict(set)
    with gzip.open(shared("higgs_twitter/higgs-activity_time.txt.gz"), "rt") as f:
        for line in f:
            a, b, t, _ = line.split()
            if int(t) < ANNOUNCEMENT and a in members and b not in members:
                attending[b].add(a)
    return attending


def test_higgs_plan(higgs, tmp_path):
    plan = salon.plan(higgs, "higgs-early").to_dict()
    assert (plan["segment"]["members"], plan["segment"]["members_in_graph"]) == (500, 500)
    segment = salon.segments(higgs)[0].to_dict()
    members = set(Path(segment["rule"].removeprefix("file:")).read_text().split())
    attending = _higgs_by_hand(members)
    for row in plan["agenda_setters"]["known_by"]:
        who = row["name"].removeprefix("higgs:")
        assert row["segment_members_attending"] == len(attending.get(who, ()))
    assert plan["agenda_setters"]["known_by"][0]["name"] == "higgs:88"
    assert plan["agenda_setters"]["known_by"][0]["segment_members_attending"] == 113
    # An edge list has no posts: the channels are where the segment and its agenda-setters
    # were active, and three days of run-up are too short to forecast.
    assert [c["channel"] for c in plan["channels"]["now"]] == ["channel:higgs"]
    assert plan["channels"]["now"][0]["evidence"]["segment_there"] == 500
    assert plan["channels"]["later"] == []
    assert any("No post is about" in n for n in plan["channels"]["notes"])
    assert any(n.startswith("No forecast for channel:higgs") for n in plan["channels"]["notes"])
    # Nobody is "you" in SNAP's anonymised data: nothing counts towards you yet.
    assert plan["you"] is None
    assert all(m["value"] == 0 for m in plan["milestones"]["items"])
    assert plan["meetings"]["advice"].startswith("The store does not know you")
    # reach: channels 50 %, conversations 30 %, nothing offline: 2.5 h and 1.5 h of 4
    assert plan["budget"]["split"] == {"channels": 2.5, "conversations": 1.5, "offline": 0.0}
    reach = plan["agenda_setters"]["reach"]
    assert reach["expected_share"] == pytest.approx(
        plan["agenda_setters"]["to_win"][-1]["cumulative_share"], abs=1e-3
    )


def test_progress_follows_a_reimport(tmp_path):
    """Progress measured on the first ten weeks of the site, then after importing the rest."""
    store = salon.open_store(str(tmp_path / "q.db"))
    options = ImportOptions(namespace="quantumcomputing")
    early = stackexchange_posts(tmp_path, before="2018-05-20", name="early")
    salon.import_paths(store, [early], options=options)
    you_on_stackexchange(store)
    salon.add_segment(
        store, "qec-askers", "tag:quantum-error-correction & platform:quantumcomputing"
    )
    salon.add_goal(store, "trusted", objective="learn", segment="qec-askers")
    first = salon.progress(store, "trusted").to_dict()
    assert first["recorded"] and all(m["previous"] is None for m in first["milestones"])
    assert salon.progress(store, "trusted").recorded is False  # nothing new imported
    salon.import_paths(store, [stackexchange_posts(tmp_path)], options=options)
    second = salon.progress(store, "trusted").to_dict()
    assert second["recorded"]
    before = {m["milestone"]: m["value"] for m in first["milestones"]}
    after = {m["milestone"]: m for m in second["milestones"]}
    assert after["segment_answered"]["value"] > before["segment_answered"]
    assert after["segment_answered"]["change"] == (
        after["segment_answered"]["value"] - before["segment_answered"]
    )
    assert [p["value"] for p in second["history"]["segment_answered"]] == [
        before["segment_answered"],
        after["segment_answered"]["value"],
    ]
    # The targets are those of the first measurement, so the trend compares the same people.
    goal = get_goal(store, "trusted")
    pinned = [
        r["evidence"]["targets"]
        for r in measurements(store, goal.id)
        if r["milestone"] == "known_by"
    ]
    assert len(pinned) == 2 and pinned[0] == pinned[1]
    assert "went from" in second["advice"]
    store.close()


@pytest.mark.postgres
def test_plan_and_progress_on_postgresql():
    from salon.demo import sample_paths
    from tests.conftest import _pg_store

    for store in _pg_store():
        for path, namespace, _ in sample_paths():
            if namespace != "radoslaw":
                salon.import_paths(store, [path], options=ImportOptions(namespace=namespace))
        salon.add_goal(store, "qec", objective="learn", segment="tag:quantum-error-correction")
        plan = salon.plan(store, "qec")
        assert plan.you["name"] and len(plan.agenda_setters["known_by"]) == 5
        assert [c["channel"] for c in plan.channels["leave"]] == ["linkedin"]
        assert salon.progress(store, "qec").recorded
