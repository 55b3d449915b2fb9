import json
import re
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

import salon
from salon.importers.base import ImportOptions
from salon.importers.calendar import MAX_OCCURRENCES, guess_kind
from salon.store.schema import identities, meeting_attendees, meetings, people
from tests.conftest import ROOT, shared


def _events_by_hand(path) -> list[dict[str, str]]:
    """The VEVENTs of an .ics file read with plain Python: lines unfolded, the first value of
    each property by name (parameters dropped), text unescaped."""
    text = re.sub(r"\r?\n[ \t]", "", path.read_text(encoding="utf-8"))
    events = []
    for block in re.findall(r"BEGIN:VEVENT\r?\n(.*?)END:VEVENT", text, re.S):
        found: dict[str, str] = {}
        for line in block.splitlines():
            name, _, value = line.partition(":")
            found.setdefault(name.split(";")[0], value)
        events.append(found)
    return events


def _unescape(value: str) -> str:
    return re.sub(r"\\([\\,;nN])", lambda m: "\n" if m[1] in "nN" else m[1], value)


def test_google_calendar_export(fresh_store):
    path = shared("exports/google_calendar_pseudonymised.ics")
    report = salon.import_paths(fresh_store, [path])
    assert report.added["meeting_attendees"] == 462  # VEVENT attendees, as the source states
    events = _events_by_hand(path)
    series = {e["UID"] for e in events if {"RRULE", "RDATE", "RECURRENCE-ID"} & set(e)}
    singles = {e["UID"] for e in events if e["UID"] not in series}
    titles = {_unescape(e["SUMMARY"]).strip() for e in events if e.get("SUMMARY", "").strip()}
    assert (len(events), len(series), len(singles), len(titles)) == (4778, 166, 4604, 173)
    with fresh_store.engine.connect() as c:
        distinct = c.execute(select(func.count(func.distinct(meetings.c.title)))).scalar()
        longest = c.execute(select(func.max(func.length(meetings.c.title)))).scalar()
        stored = [e for (e,) in c.execute(select(meetings.c.event))]
        me = c.execute(
            select(identities.c.platform, identities.c.kind, identities.c.value)
            .join(people, people.c.id == identities.c.person_id)
            .where(people.c.is_self)
        ).all()
    assert distinct == len(titles) and longest == max(len(t) for t in titles) == 232
    # each single event once; the 166 series expanded into the rest (one cut at 500)
    assert sorted(e for e in stored if e in singles) == sorted(singles)
    assert report.added["meetings"] == len(stored) == 4604 + 3998
    assert report.warnings == [
        "Series '48cksquo7kct3npp9jl4j4td1p@google.com' repeats more than 500 times: its "
        "first 500 occurrences were read, the rest left out."
    ]
    assert me == [("", "email", "kira@example.com")]  # X-WR-CALNAME: the calendar's owner


def test_recurring_events_are_bounded(fresh_store):
    path = shared("exports/ics_calendars/machbar_16_feb_2019.ics")
    salon.import_paths(fresh_store, [path])
    with fresh_store.engine.connect() as c:
        total = c.execute(select(func.count()).select_from(meetings)).scalar()
        attendees = c.execute(select(func.count()).select_from(meeting_attendees)).scalar()
    assert 64 < total <= 64 * MAX_OCCURRENCES
    # 5 events name an attendee (the group calendar's address): 3 single events, the OK Lab
    # series once (its UNTIL of 4 Sept. 2017 falls before the second fortnight), and the
    # weekly Montessori class each Thursday from 28 Feb. 2019 until the window ends, a year
    # after the calendar's last date, less its one EXDATE.
    events = _events_by_hand(path)
    assert sum("ATTENDEE" in e for e in events) == 5
    dates = [e["DTSTART"][:8] for e in events]
    dates += [u[6:14] for e in events for u in re.findall(r"UNTIL=\d{8}", e.get("RRULE", ""))]
    last = max(datetime.strptime(d, "%Y%m%d") for d in dates)
    window_end = last + timedelta(days=365)
    thursdays = (window_end - datetime(2019, 2, 28)).days // 7 + 1
    assert attendees == 3 + 1 + thursdays - 1
    assert attendees == 72


def test_reimport_is_idempotent(fresh_store):
    path = shared("exports/ics_calendars")
    salon.import_paths(fresh_store, [path])
    assert salon.import_paths(fresh_store, [path]).import_id is None


def test_unknown_time_zone(fresh_store, tmp_path):
    bad = tmp_path / "cal.ics"
    bad.write_text(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//y//EN\r\nBEGIN:VEVENT\r\n"
        "UID:1@x\r\nDTSTART;TZID=Mars/Olympus_Mons:20240101T100000\r\n"
        "SUMMARY:Lunch\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    with pytest.raises(salon.ExportFormatError) as error:
        salon.import_paths(fresh_store, [bad])
    assert str(error.value) == (
        f"Could not read '{bad}' line 6: unknown time zone 'Mars/Olympus_Mons'. The calendar "
        "neither defines it (VTIMEZONE) nor names a known zone; export it again from the "
        "calendar application."
    )


def test_kinds():
    assert guess_kind("Dinner w/ Ana") == "dinner"
    assert guess_kind("Intro call") == "call"
    assert guess_kind("Board meeting") == "meeting"


DATA = ROOT / "tests" / "data"
OUTLOOK = DATA / "outlook_calendar.ics"
GOOGLE_APRIL = DATA / "google_calendar_2024-04-01.ics"
GOOGLE_MAY = DATA / "google_calendar_2024-05-01.ics"


def _meetings(store) -> dict[str, tuple]:
    with store.engine.connect() as c:
        rows = c.execute(select(meetings.c.title, meetings.c.start_at, meetings.c.history))
        return {title: (start, json.loads(h) if h else None) for title, start, h in rows}


def test_outlook_export(fresh_store):
    report = salon.import_paths(fresh_store, [OUTLOOK])
    # review, weekly 1:1 until 26 March less one EXDATE (3), all-day offsite
    assert report.added["meetings"] == 1 + 3 + 1
    # Ana and Marta (no address: by name) at the review, the room left out; Ben at each 1:1
    assert report.added["meeting_attendees"] == 2 + 3
    assert report.added["people"] == 4  # Kira (organiser), Ana, Marta, Ben
    times = _meetings(fresh_store)
    assert times["Quarterly review"][0] == 1709629200  # 10:00 W. Europe Standard Time (CET)
    assert times["Team offsite"][0] == 1710460800
    with fresh_store.engine.connect() as c:
        marta = c.execute(
            select(func.count())
            .select_from(identities)
            .where(identities.c.platform == "calendar", identities.c.value == "marta silva")
        ).scalar()
    assert marta == 1
    assert salon.import_paths(fresh_store, [OUTLOOK]).import_id is None


def test_google_export(fresh_store):
    report = salon.import_paths(fresh_store, [GOOGLE_APRIL])
    # lunch, weekly sync (4, one moved), coffee, dinner
    assert report.added["meetings"] == 7
    assert report.added["meeting_attendees"] == 2 + 4 * 3 + 1  # the room left out
    assert _meetings(fresh_store)["Team sync (moved)"][0] == 1710259200  # 16:00 Lisbon
    again = salon.import_paths(fresh_store, [GOOGLE_APRIL])
    assert again.import_id is None and not any(again.added.values()) and not again.updated
    assert again.warnings == []


def test_newer_export_updates_and_keeps_what_it_lacks(fresh_store):
    salon.import_paths(fresh_store, [GOOGLE_APRIL])
    report = salon.import_paths(fresh_store, [GOOGLE_MAY])
    assert report.import_id is not None
    assert report.updated == {"meetings": 2}  # the lunch retitled, the coffee moved
    assert report.added["meetings"] == 1  # drinks
    assert report.added["meeting_attendees"] == 1 + 1  # Ben at the lunch, Ana at drinks
    assert report.warnings == [
        "1 event of calendar 'kira@example.com' from an earlier import is not in this file: kept."
    ]
    found = _meetings(fresh_store)
    assert "Lunch with Ana" not in found
    assert found["Lunch with Ana and Ben"][1] == [
        {"import_id": 1, "file_id": 1, "line": 31, "title": "Lunch with Ana"}
    ]
    assert found["Coffee with Marta"][0] == 1709892000
    assert found["Coffee with Marta"][1][0]["start_at"] == 1709805600
    assert "Dinner at Ben's" in found  # kept
    with fresh_store.engine.connect() as c:
        lunch = c.execute(
            select(meetings.c.import_id, meetings.c.kind).where(meetings.c.line == 31)
        )
        assert lunch.one() == (report.import_id, "lunch")
    # the same newer file again, or the older one: nothing changes, nothing reverts
    assert salon.import_paths(fresh_store, [GOOGLE_MAY]).import_id is None
    older = salon.import_paths(fresh_store, [GOOGLE_APRIL])
    assert older.import_id is None and not older.updated
    assert older.skipped == [str(GOOGLE_APRIL)]  # read before, byte for byte
    forced = salon.import_paths(fresh_store, [GOOGLE_APRIL], options=ImportOptions(force=True))
    assert forced.import_id is None and not forced.updated
    assert forced.warnings == [
        "1 event of calendar 'kira@example.com' from an earlier import is not in this file: kept."
    ]
    assert _meetings(fresh_store) == found


def test_attendees_without_address(fresh_store, tmp_path):
    path = tmp_path / "team.ics"
    path.write_text(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//y//EN\r\nBEGIN:VEVENT\r\nUID:n@x\r\n"
        "DTSTART:20240101T100000Z\r\nSUMMARY:Planning\r\n"
        "ATTENDEE;CN=Ana Ruiz:invalid:nomail\r\nATTENDEE;CN=Chen Wei:\r\n"
        "ATTENDEE;CN=ben@acme.example:invalid:nomail\r\n"
        "ATTENDEE;CUTYPE=ROOM;CN=Room 1:invalid:nomail\r\n"
        "END:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    report = salon.import_paths(fresh_store, [path])
    assert report.added["meeting_attendees"] == 3
    with fresh_store.engine.connect() as c:
        keys = set(c.execute(select(identities.c.platform, identities.c.kind, identities.c.value)))
    assert keys == {
        ("calendar", "name", "ana ruiz"),
        ("calendar", "name", "chen wei"),
        ("", "email", "ben@acme.example"),
    }
