"""The meeting planner: whom to meet in a city, the form, trips from a calendar, invitations."""

from __future__ import annotations

import icalendar
import pytest

import salon
from salon.offline.places import geocode
from salon.offline.planner import Event, find_trips, stage_of, tie_factor

CARDS = """BEGIN:VCARD
VERSION:3.0
FN:Ana Ruiz
EMAIL:ana@acme.example
ADR;TYPE=WORK:;;Ringstrasse 1;Vienna;;1010;Austria
END:VCARD
BEGIN:VCARD
VERSION:3.0
FN:Ben Kovacs
EMAIL:ben@acme.example
ADR:;;;Wien;;;Austria
END:VCARD
BEGIN:VCARD
VERSION:3.0
FN:Fay Lind
EMAIL:fay@acme.example
ADR:;;;Klosterneuburg;;;Austria
END:VCARD
BEGIN:VCARD
VERSION:3.0
FN:Cleo Marx
EMAIL:cleo@beta.example
ADR:;;;Graz;;;Austria
END:VCARD
BEGIN:VCARD
VERSION:3.0
FN:Dev Rao
EMAIL:dev@gamma.example
ADR:;;;Delhi;;;India
END:VCARD
"""

EVENT = """BEGIN:VEVENT
UID:{uid}@t
DTSTAMP:20240101T000000Z
DTSTART{start}
DTEND{end}
SUMMARY:{title}
LOCATION:{place}
{people}END:VEVENT
"""


def _calendar(events):
    body = "".join(EVENT.format(**e) for e in events)
    return (
        "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//t//EN\nX-WR-CALNAME:me@home.example\n"
        + body
        + "END:VCALENDAR\n"
    )


def _who(*emails):
    return "ORGANIZER:mailto:me@home.example\n" + "".join(f"ATTENDEE:mailto:{e}\n" for e in emails)


@pytest.fixture
def planned(tmp_path):
    cal = tmp_path / "cal.ics"
    cal.write_text(
        _calendar(
            [
                {
                    "uid": 1,
                    "start": ":20240110T120000Z",
                    "end": ":20240110T130000Z",
                    "title": "Lunch with Ana",
                    "place": "Vienna",
                    "people": _who("ana@acme.example"),
                },
                {
                    "uid": 2,
                    "start": ":20240301T090000Z",
                    "end": ":20240301T100000Z",
                    "title": "Sync",
                    "place": "Vienna",
                    "people": _who("ana@acme.example", "ben@acme.example", "fay@acme.example"),
                },
            ]
        )
    )
    cards = tmp_path / "contacts.vcf"
    cards.write_text(CARDS)
    store = salon.open_store(str(tmp_path / "s.db"))
    salon.import_paths(store, [cal])
    salon.import_paths(store, [cards])
    yield store
    store.close()


NOW = 1_735_689_600  # 2025-01-01


def test_whom_to_meet_in_a_city(planned):
    plan = salon.meet(planned, city="Vienna", now=NOW)
    assert plan.home["name"] == "Vienna" and "meetings" in plan.home["from"]
    assert plan.proximity["source"] == "default" and "a fit needs 30" in plan.proximity["note"]
    rows = plan.plans[0]["suggestions"]
    names = [r["name"] for r in rows]
    # Graz (145 km: relative likelihood 0.06) and Delhi are too far; the three in Vienna stay.
    assert sorted(names) == ["Ana Ruiz", "Ben Kovacs", "Fay Lind"]
    for r in rows:
        assert r["score"] == pytest.approx(r["value"] * r["proximity"] * r["tie"], abs=1e-5)
        assert r["why"] and r["stage"] in ("met", "shared a meal")
    # They all sat in one meeting: they know each other, so one small dinner.
    assert {r["form"] for r in rows} == {"small dinner"}
    ana = next(r for r in rows if r["name"] == "Ana Ruiz")
    assert ana["stage"] == "shared a meal" and len(ana["with"]) == 2
    assert rows == sorted(rows, key=lambda r: -r["score"])


def test_a_city_elsewhere_and_an_unknown_one(planned):
    graz = salon.meet(planned, city="Graz, Austria", now=NOW).plans[0]["suggestions"]
    assert [r["name"] for r in graz] == ["Cleo Marx"]
    assert graz[0]["form"] == "coffee" and graz[0]["tie"] == 0.6  # no dated interaction
    with pytest.raises(salon.SalonError, match="Could not find the city 'Nowhereville'"):
        salon.meet(planned, city="Nowhereville")


def test_trips_from_a_calendar_and_invitations(planned, tmp_path):
    trip = tmp_path / "trip.ics"
    trip.write_text(
        _calendar(
            [
                {
                    "uid": 9,
                    "start": ";VALUE=DATE:20250520",
                    "end": ";VALUE=DATE:20250523",
                    "title": "Conference",
                    "place": "Graz\\, Austria",
                    "people": "",
                },
                {
                    "uid": 10,
                    "start": ":20250601T090000Z",
                    "end": ":20250601T100000Z",
                    "title": "Dentist",
                    "place": "Vienna",
                    "people": "",
                },
            ]
        )
    )
    plan = salon.meet(planned, calendar=trip, now=NOW)
    assert [t["city"] for t in plan.trips] == ["Graz, AT"]
    assert plan.trips[0]["conference"] and plan.trips[0]["from"] == "2025-05-20"
    assert [r["name"] for r in plan.plans[0]["suggestions"]] == ["Cleo Marx"]
    out = tmp_path / "out.ics"
    assert plan.write_ics(out) == 1
    event = icalendar.Calendar.from_ical(out.read_bytes()).walk("VEVENT")[0]
    assert str(event["SUMMARY"]) == "Coffee with Cleo Marx"
    assert event.decoded("DTSTART").date().isoformat() == "2025-05-20"


def test_pure_parts():
    assert stage_of({"call": 1, "message": 2}) == "call"
    assert tie_factor(90, 90) == 0.75 and tie_factor(float("nan"), 90) == 0.6
    home = geocode("Vienna")
    events = [
        Event("a", 0, 3600, geocode("Vienna")),
        Event("b", 86400, 90000, geocode("TBD")),
        Event("c", 2 * 86400, 2 * 86400 + 60, geocode("Berlin")),
        Event("d", 3 * 86400, 3 * 86400 + 60, geocode("Berlin")),
        Event("e", 30 * 86400, 30 * 86400 + 60, geocode("Berlin")),
    ]
    trips = find_trips(events, home)
    assert [(t.city.name, t.events) for t in trips] == [("Berlin", ("c", "d")), ("Berlin", ("e",))]


def test_the_cli(planned, tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from salon.cli import app

    out = tmp_path / "inv.ics"
    result = CliRunner().invoke(
        app,
        ["--db", str(tmp_path / "s.db"), "meet", "--city", "Wien", "--ics", str(out), "--json"],
    )
    assert result.exit_code == 0, result.output
    assert '"form": "small dinner"' in result.output and out.exists()
    assert "Wrote 1 invitation(s)" in result.output
