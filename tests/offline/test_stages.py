import json

import numpy as np
import pytest

import salon
from salon.offline.nudges import nudge_rows, rhythms
from salon.offline.stages import STAGES, relationship_stages
from tests.conftest import run_cli

DAY = 86400.0
KINDS = ("follow", "like", "message", "reply", "call", "coffee", "dinner", "meeting")


def _stages(events, focus=1):
    src, dst, kind, at = zip(*events, strict=True)
    codes = [KINDS.index(k) for k in kind]
    return relationship_stages(
        np.array(src), np.array(dst), np.array(codes), np.array(at, float), kinds=KINDS, focus=focus
    )


def test_each_stage_from_its_evidence():
    found = _stages(
        [
            (1, 2, "follow", np.nan),  # 2: online only (a standing tie)
            (3, 1, "like", 0.0),  # 3: online (a like)
            (1, 4, "message", 0.0),  # 4: one-way messages: still online
            (1, 4, "message", DAY),
            (1, 5, "message", 0.0),  # 5: conversed when 5 answered on day 2
            (5, 1, "reply", 2 * DAY),
            (1, 6, "message", 0.0),  # 6: a call on day 5
            (6, 1, "call", 5 * DAY),
            (7, 1, "coffee", 3 * DAY),  # 7: met over coffee
            (1, 8, "message", 0.0),  # 8: dinner on day 30
            (8, 1, "message", DAY),
            (1, 8, "dinner", 30 * DAY),
            (2, 3, "dinner", 0.0),  # not yours
        ]
    )
    assert found.pairs[:, 1].tolist() == [2, 3, 4, 5, 6, 7, 8]
    assert [STAGES[s] for s in found.stage] == [
        "online",
        "online",
        "online",
        "conversed",
        "call",
        "met",
        "meal",
    ]
    # the day each stage was reached: closer stages imply the ones before
    assert found.reached[3, 1] == 2 * DAY
    assert found.reached[6].tolist() == [0.0, DAY, 30 * DAY, 30 * DAY, 30 * DAY]
    assert np.isnan(found.reached[0]).all()  # an untimed tie reaches no dated stage


def test_every_pair_without_a_focus_and_empty_input():
    found = _stages([(1, 2, "message", 0.0), (2, 1, "message", 1.0), (3, 2, "like", 0.0)], None)
    assert found.pairs.tolist() == [[1, 2], [2, 3]]
    assert found.stage.tolist() == [1, 0]
    empty = relationship_stages(
        np.zeros(0, int), np.zeros(0, int), np.zeros(0, int), np.zeros(0), kinds=KINDS, focus=1
    )
    assert len(empty) == 0 and empty.reached.shape == (0, len(STAGES))


def test_rhythms_and_nudge_reasons():
    at = np.array([0, 10, 20, 30, 0, 1, 0.5]) * DAY
    assert rhythms(np.array([5, 5, 5, 5, 6, 6, 6]), at) == {5: 10.0}  # 6: one day, one gap
    ties = [
        {"person": 5, "strength": 9.0, "recency_days": 25.0},  # overdue: 25 > 2 × 10
        {"person": 6, "strength": 8.0, "recency_days": 15.0},  # no rhythm
        {"person": 7, "strength": 0.5, "recency_days": 100.0},  # quiet agenda-setter
        {"person": 8, "strength": 0.1, "recency_days": 30.0},  # an expert, not quiet yet
        {"person": 9, "strength": 0.2, "recency_days": None},  # never interacted
    ]
    rows = nudge_rows(
        ties, {5: 10.0}, setters={7: ["buyers"], 9: ["buyers"]}, heads_down={8: ["buyers"]}
    )
    assert [(r["person"], r["reasons"]) for r in rows] == [
        (5, ["overdue"]),
        (7, ["agenda-setter"]),
    ]
    assert rows[0]["reason"] == ("A strong tie: you usually talk every 10 days; it has been 25.")
    assert rows[0]["usual_gap_days"] == 10.0


ICS = """BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//x//y//EN\r
X-WR-CALNAME:me@example.org\r
{events}END:VCALENDAR\r
"""
EVENT = """BEGIN:VEVENT\r
UID:{uid}@x\r
DTSTART:{day}T100000Z\r
SUMMARY:{title}\r
ATTENDEE;CN=Me:mailto:me@example.org\r
ATTENDEE;CN={name}:mailto:{name}@example.org\r
END:VEVENT\r
"""


@pytest.fixture
def calendar(tmp_path):
    events = [("Coffee", "ana", f"202401{d:02d}") for d in (1, 11, 21, 31)] + [
        ("Dinner", "ana", "20240210"),
        ("Call", "bo", "20240601"),
        ("Lunch", "cy", "20240115"),
    ]
    text = "".join(
        EVENT.format(uid=i, day=day, title=title, name=name)
        for i, (title, name, day) in enumerate(events)
    )
    path = tmp_path / "me.ics"
    path.write_text(ICS.format(events=text))
    return path


def test_funnel_and_nudges_from_a_calendar(calendar, tmp_path):
    store = salon.open_store(str(tmp_path / "s.db"))
    salon.import_paths(store, [calendar])
    found = salon.funnel(store)
    stages = {s["stage"]: s for s in found.stages}
    assert found.people == 3
    assert [stages[s]["people"] for s in STAGES] == [0, 0, 1, 0, 2]  # bo: call; ana, cy: meals
    assert stages["meal"]["reached"] == 2
    assert stages["met"]["conversion"] == pytest.approx(2 / 3, abs=1e-4)
    # ana: first coffee 1 January, dinner 10 February (40 days); cy: lunch at first contact
    assert stages["meal"]["median_days"] == 20.0
    assert [q["quarter"] for q in found.quarters] == ["2024Q1", "2024Q2"]
    assert found.quarters[0]["reached"]["meal"] == 2
    assert salon.funnel(store, since="2024-03-01").people == 1
    # ana: every ~10 days, quiet since 10 February (112 days before bo's call on 1 June)
    nudged = salon.nudges(store)
    assert [n["name"] for n in nudged.nudges] == ["ana"]
    ana = nudged.nudges[0]
    assert ana["reasons"] == ["overdue"] and ana["usual_gap_days"] == 10.0
    assert ana["last_interaction"]["kind"] == "dinner"
    assert ana["last_interaction"]["at"].startswith("2024-02-10")
    ties = salon.ties(store)
    assert ties.ties[0]["person"] == ana["person"] and ties.ties[0]["by_kind"] == {
        "coffee": 4,
        "dinner": 1,
    }


def test_cli_funnel_and_nudges(calendar, tmp_path):
    db = tmp_path / "c.db"
    assert run_cli("import", str(calendar), db=db).returncode == 0
    shown = run_cli("funnel", "--json", db=db)
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout)["people"] == 3
    text = run_cli("funnel", db=db).stdout
    assert "median days from first contact" in text and "2024Q1" in text
    bad = run_cli("funnel", "--since", "someday", db=db)
    assert bad.returncode == 2 and "--since" in bad.stderr
    nudged = run_cli("nudges", "--top", "5", db=db)
    assert nudged.returncode == 0, nudged.stderr
    assert "you usually talk every 10 days" in nudged.stdout


def test_a_dated_standing_tie_dates_the_first_contact():
    src, dst = np.array([1, 1]), np.array([2, 2])
    kind = np.array([KINDS.index("follow"), KINDS.index("call")])
    at = np.array([np.nan, 10 * DAY])
    found = relationship_stages(
        src, dst, kind, at, kinds=KINDS, focus=1, began=np.array([2 * DAY, np.nan])
    )
    assert found.reached[0, 0] == 2 * DAY and found.reached[0, 2] == 10 * DAY
    assert STAGES[found.stage[0]] == "call"


def test_the_sample_s_connections_are_dated_cohorts():
    store = salon.demo.sample_store()
    found = salon.funnel(store)
    assert (
        sum(q["people"] for q in found.quarters)
        == found.people
        == len(salon.ties(store, top=None).ties)
    )
