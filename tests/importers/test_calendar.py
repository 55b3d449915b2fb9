import json

import pytest
from sqlalchemy import func, select

import salon
from salon.importers.base import ImportOptions
from salon.importers.calendar import MAX_OCCURRENCES, guess_kind
from salon.store.schema import identities, meeting_attendees, meetings, people
from tests.conftest import ROOT, shared


def test_google_calendar_export(fresh_store):
    report = salon.import_paths(fresh_store, [shared("exports/google_calendar_pseudonymised.ics")])
    assert report.added["meeting_attendees"] == 462  # VEVENT attendees, as the source states
    with fresh_store.engine.connect() as c:
        distinct = c.execute(select(func.count(func.distinct(meetings.c.title)))).scalar()
        per_meeting = c.execute(select(func.max(func.length(meetings.c.title)))).scalar()
        me = c.execute(select(people.c.id).where(people.c.is_self)).scalar()
    assert report.added["meetings"] >= 4778  # every event, recurring ones expanded
    assert distinct > 1 and per_meeting > 0
    assert me is not None  # X-WR-CALNAME kira@example.com is the calendar's owner


def test_recurring_events_are_bounded(fresh_store):
    salon.import_paths(fresh_store, [shared("exports/ics_calendars/machbar_16_feb_2019.ics")])
    with fresh_store.engine.connect() as c:
        total = c.execute(select(func.count()).select_from(meetings)).scalar()
        attendees = c.execute(select(func.count()).select_from(meeting_attendees)).scalar()
    assert 64 < total <= 64 * MAX_OCCURRENCES
    assert attendees >= 0


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
