import pytest
from sqlalchemy import func, select

import salon
from salon.importers.calendar import MAX_OCCURRENCES, guess_kind
from salon.store.schema import meeting_attendees, meetings, people
from tests.conftest import shared


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
