"""Calendars: iCalendar (``.ics``) exports, parsed with icalendar and recurring-ical-events.

Every event becomes a meeting with its time, place (``LOCATION``), organiser and attendees
(people by e-mail; those without an address by name, a weak key; rooms and resources are left
out). Recurring events are expanded within a
bounded window: from the calendar's first event to one year after its last dated event or
rule end, at most :data:`MAX_OCCURRENCES` occurrences a series. The kind is guessed from the
title where it is obvious (breakfast, lunch, dinner, coffee, drinks, call), else ``meeting``.
The calendar's owner (``X-WR-CALNAME`` when it is an e-mail address) is you.

Each meeting also names its calendar (``X-WR-CALNAME``, else the file name), its event (the
UID; for an occurrence of a series, the UID and the occurrence's original start) and when it
was last modified, so that the store can update an event a newer export changed and say which
events of an earlier export a newer one no longer has (see ``salon.store.writer_events``).
"""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

from salon.importers.base import ImportOptions
from salon.importers.files import InputFile, read_document
from salon.model import Meeting, Notice, Person, PersonRef, Record, identity

NAME = "calendar"
DESCRIPTION = "Calendars: iCalendar (.ics) from Google, Apple, Outlook, Thunderbird"
FILES = "*.ics"

MAX_OCCURRENCES = 500
_LATEST = 253_339_228_800  # 9998-01-01: a series said to run past it ends there
_KINDS = (
    ("breakfast", re.compile(r"\bbreakfast|brunch\b", re.I)),
    ("lunch", re.compile(r"\blunch", re.I)),
    ("dinner", re.compile(r"\bdinner|supper\b", re.I)),
    ("coffee", re.compile(r"\bcoffee|caf[eé]\b", re.I)),
    ("drinks", re.compile(r"\bdrinks?\b|\bbeers?\b", re.I)),
    ("call", re.compile(r"\bcall\b|\bzoom\b|\bteams\b|\bwebinar\b|\bphone\b|\bmeet\.google", re.I)),
)
_NOT_PEOPLE = {"ROOM", "RESOURCE", "UNKNOWN"}
_ADDRESS = re.compile(r"[^@\s:<>]+@[^@\s:<>]+")


def detect(file: InputFile, *, forced: bool = False) -> bool:
    if not file.basename.lower().endswith((".ics", ".ical", ".ifb")):
        return False
    return forced or b"BEGIN:VCALENDAR" in file.head(2048).upper()


def guess_kind(title: str | None) -> str:
    """``lunch``, ``dinner``, ``call``… from an event title, else ``meeting``.

    >>> guess_kind("Lunch with Ana"), guess_kind("Weekly sync")
    ('lunch', 'meeting')
    """
    for kind, pattern in _KINDS:
        if title and pattern.search(title):
            return kind
    return "meeting"


def _epoch(value: Any) -> int | None:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return int(value.timestamp())
    if isinstance(value, date):
        return int(datetime(value.year, value.month, value.day, tzinfo=UTC).timestamp())
    return None


def _line_of(text: str, needle: str) -> str:
    index = text.find(needle)
    return f"line {text.count(chr(10), 0, index) + 1}" if index >= 0 else "line 1"


def _check_time_zones(file: InputFile, text: str, calendar: Any) -> None:
    defined = {str(tz.get("TZID")) for tz in calendar.walk("VTIMEZONE")}
    for match in re.finditer(r";TZID=\"?([^:;\"\r\n]+)", text):
        tzid = match.group(1)
        if tzid in defined:
            continue
        try:
            zoneinfo.ZoneInfo(tzid)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise file.error(
                _line_of(text, match.group(0)),
                f"unknown time zone '{tzid}'",
                "The calendar neither defines it (VTIMEZONE) nor names a known zone; "
                "export it again from the calendar application.",
            ) from None


#: Properties an event holds at most once (RFC 5545 3.6.1); icalendar makes a repeated one a
#: list, which nothing downstream can read as a time, a rule or a key.
_ONCE = ("UID", "DTSTART", "DTEND", "DURATION", "RRULE", "RECURRENCE-ID")


def _check_single_values(file: InputFile, text: str, calendar: Any) -> None:
    for event in calendar.walk("VEVENT"):
        for name in _ONCE:
            if isinstance(event.get(name), list):
                uid = event.get("UID")
                where = _line_of(text, f"UID:{uid}") if isinstance(uid, str) else None
                raise file.error(
                    where,
                    f"an event has {name} more than once",
                    "Export the calendar again from its application.",
                )


def _window(calendar: Any) -> tuple[datetime, datetime]:
    starts, ends = [], []
    for event in calendar.walk("VEVENT"):
        start = _epoch(event.decoded("DTSTART", None))
        if start is not None:
            starts.append(start)
            ends.append(start)
        rule = event.get("RRULE")
        until = rule.get("UNTIL") if rule else None
        if until:
            ends.append(_epoch(until[0]) or 0)
    if not starts:
        now = datetime.now(UTC)
        return now, now
    first = datetime.fromtimestamp(min(starts), UTC) - timedelta(days=1)
    last = datetime.fromtimestamp(min(max(ends), _LATEST), UTC) + timedelta(days=365)
    return first, last


def _person(address: Any) -> tuple[PersonRef, str | None] | None:
    """An attendee or organiser by e-mail; without one (``invalid:nomail``, a CN only) by name."""
    value = str(address).strip()
    params = getattr(address, "params", {})
    if str(params.get("CUTYPE", "INDIVIDUAL")).upper() in _NOT_PEOPLE:
        return None
    value = value[7:] if value.lower().startswith("mailto:") else value
    name = " ".join(str(params.get("CN", "")).replace('"', " ").split()) or None
    email = value if _ADDRESS.fullmatch(value) else ""
    if name and "@" in name:
        cn = name.removeprefix("mailto:").removeprefix("MAILTO:")
        email = email or (cn if _ADDRESS.fullmatch(cn) else "")
        name = None
    status = params.get("PARTSTAT")
    status = str(status).lower() if status else None
    if email:
        return PersonRef((identity("", "email", email),), name), status
    if name:
        return PersonRef((identity("calendar", "name", name),), name), status
    return None


#: What icalendar, recurring_ical_events and zoneinfo raise on a damaged calendar (a property
#: given twice becomes a list, a date a string, a TZID names no zone): the file's fault.
_BROKEN = (ValueError, TypeError, AttributeError, KeyError, IndexError, OverflowError)


def parse(file: InputFile, options: ImportOptions) -> Iterator[Record]:
    """The calendar's meetings; a calendar the libraries cannot make sense of is refused with
    an error naming the file (never a traceback, never half of it imported)."""
    try:
        yield from _parse(file)
    except _BROKEN as exc:
        raise file.error(
            None,
            f"broken iCalendar ({type(exc).__name__}: {str(exc)[:200]})",
            "Export the calendar again from its application.",
        ) from exc


def _parse(file: InputFile) -> Iterator[Record]:
    import icalendar  # here, not at the top: only a calendar import pays for it

    text = read_document(file)
    calendar = icalendar.Calendar.from_ical(text)
    _check_single_values(file, text, calendar)
    _check_time_zones(file, text, calendar)
    owner = str(calendar.get("X-WR-CALNAME", "")).strip()
    calendar_name = owner or file.basename
    if re.fullmatch(r"[^@\s]+@[^@\s]+", owner):
        me = PersonRef((identity("", "email", owner),), is_self=True)
        yield Person(me, line=1)
    # An event without a start cannot be placed in time (RFC 5545 requires DTSTART): skip it.
    calendar.subcomponents = [
        c for c in calendar.subcomponents if c.name != "VEVENT" or "DTSTART" in c
    ]
    series = {
        str(c.get("UID", ""))
        for c in calendar.walk("VEVENT")
        if "RRULE" in c or "RDATE" in c or "RECURRENCE-ID" in c
    }
    start, end = _window(calendar)
    uid_lines: dict[str, int] = {}
    lines = text.splitlines()
    for i, line in enumerate(lines, start=1):
        if line.startswith("UID:"):
            uid = line[4:]
            for more in lines[i:]:  # a long UID folded onto continuation lines
                if not more.startswith((" ", "\t")):
                    break
                uid += more[1:]
            uid_lines.setdefault(uid.strip(), i)
    for number, event in enumerate(_occurrences(calendar, series, start, end), start=1):
        if isinstance(event, Notice):
            yield event
            continue
        uid = str(event.get("UID", "")) or f"event-{number}"
        meeting = _meeting(uid, event, uid_lines.get(uid, 1))
        meeting.calendar = calendar_name
        if "UID" in event:
            original = _epoch(event.decoded("RECURRENCE-ID", None)) or meeting.start
            meeting.event = f"{uid}@{original}" if uid in series else uid
        yield meeting


def _occurrences(calendar: Any, series: set[str], start: datetime, end: datetime) -> Iterator[Any]:
    """Every occurrence in the window, expanded lazily: single events together, each
    recurring series on its own, stopped at :data:`MAX_OCCURRENCES` (with a notice), so an
    event repeating every second since 1970 costs no more than 500 occurrences."""
    import recurring_ical_events

    events = [c for c in calendar.subcomponents if c.name == "VEVENT"]
    rest = [c for c in calendar.subcomponents if c.name != "VEVENT"]
    groups: dict[str, list[Any]] = {"": []}
    for event in events:
        uid = str(event.get("UID", ""))
        groups.setdefault(uid if uid in series else "", []).append(event)
    try:
        for uid, members in groups.items():
            calendar.subcomponents = [*rest, *members]
            query = recurring_ical_events.of(calendar, skip_bad_series=True)
            if not uid:
                yield from query.between(start, end)
                continue
            stop, cut = _cutoff([m for m in members if "RRULE" in m], start, end)
            occurrences = query.between(start, stop)
            yield from occurrences[:MAX_OCCURRENCES]
            if cut or len(occurrences) > MAX_OCCURRENCES:
                yield Notice(
                    f"Series {uid!r} repeats more than {MAX_OCCURRENCES} times: its first "
                    f"{MAX_OCCURRENCES} occurrences were read, the rest left out."
                )
    finally:
        calendar.subcomponents = [*rest, *events]


def _cutoff(masters: list[Any], start: datetime, end: datetime) -> tuple[datetime, bool]:
    """Where a series' expansion may stop: at its occurrence number :data:`MAX_OCCURRENCES`
    + 1 (found lazily with dateutil) when it has that many before ``end``, else ``end``; so
    expanding a series costs what it keeps. Also says whether the series was cut."""
    from dateutil.rrule import rrulestr

    stop = start
    for master in masters:
        first = master.decoded("DTSTART")
        if not isinstance(first, datetime):
            first = datetime(first.year, first.month, first.day)
        floating = first.tzinfo is None
        limit = end.replace(tzinfo=None) if floating else end
        try:
            rule = rrulestr(master["RRULE"].to_ical().decode(), dtstart=first)
            beyond = next(
                (w for n, w in enumerate(rule, start=1) if n > MAX_OCCURRENCES or w > limit),
                None,
            )
        except (ValueError, TypeError, OverflowError):
            return end, False  # a rule dateutil cannot read: the library's expansion, capped
        if beyond is None or beyond > limit:
            return end, False
        stop = max(stop, beyond.replace(tzinfo=UTC) if floating else beyond)
    return (stop, True) if stop > start else (end, False)


def _meeting(uid: str, event: Any, line: int) -> Meeting:
    begins = _epoch(event.decoded("DTSTART", None))
    ends = _epoch(event.decoded("DTEND", None)) if event.get("DTEND") else None
    title = str(event.get("SUMMARY", "")).strip() or None
    attendees = event.get("ATTENDEE", [])
    if not isinstance(attendees, list):
        attendees = [attendees]
    people = [p for a in attendees if (p := _person(a))]
    organizer = _person(event["ORGANIZER"]) if event.get("ORGANIZER") else None
    location = str(event.get("LOCATION", "")).strip() or None
    return Meeting(
        key=f"{uid}@{begins}",
        title=title,
        kind=guess_kind(title),
        start=begins,
        end=ends,
        place=location,
        organizer=organizer[0] if organizer else None,
        attendees=tuple(dict(people).items()),
        line=line,
        modified=_epoch(event.decoded("LAST-MODIFIED", None)),
    )
