"""The writer's calendar half: places and meetings with their attendees (see ``writer``).

Meetings are keyed by their event's UID and start. A newer export of a calendar updates the
meetings whose title, kind, time or place it changed (found by key, or by calendar and event
when the time moved), keeping the old values in ``history``; :meth:`EventsMixin.finish_events`
then warns of events earlier imports of the calendar had and this one lacks (they are kept).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import select, update

from salon.model import Meeting, Place
from salon.store.bulk import bulk_insert, digest
from salon.store.schema import meeting_attendees, meetings, places

if TYPE_CHECKING:
    from salon.store.writer import Batch, Resolve

PLACES = ("id", "name", "key", "latitude", "longitude", "country", "import_id", "file_id", "line")
#: What a newer export of a calendar may change in a meeting (the rest stays).
COMPARED = ("title", "kind", "start_at", "end_at", "place_id")
MEETINGS = (
    *COMPARED,
    "organizer_id",
    "key",
    "calendar",
    "event",
    "modified",
    "import_id",
    "file_id",
    "line",
)
ATTENDEES = ("meeting_id", "person_id", "status", "import_id", "file_id", "line")
#: Meetings of a batch by key: the record, its file, its COMPARED values, its organiser.
Found = dict[bytes, tuple[Meeting, int, tuple[Any, ...], int | None]]
STORED = (
    meetings.c.id,
    meetings.c.key,
    *(meetings.c[c] for c in COMPARED),
    *(meetings.c[c] for c in ("calendar", "event", "modified", "history")),
    *(meetings.c[c] for c in ("import_id", "file_id", "line")),
)


@dataclass
class _Calendars:
    """What one import saw of each calendar (meeting keys, events), and how many it updated."""

    seen: dict[str, set[bytes]] = field(default_factory=dict)
    events: dict[str, set[str | None]] = field(default_factory=dict)
    updated: int = 0


def _place_key(name: str) -> str:
    return " ".join(name.split()).lower()


class EventsMixin:
    """Places and meetings, for :class:`~salon.store.writer.Writer`."""

    def _place(
        self, name: str, file_id: int, line: int, geo: tuple[Any, Any, Any] = (None, None, None)
    ) -> int:
        if self.place_of is None:
            found = self.connection.execute(select(places.c.key, places.c.id))
            self.place_of = {key: pid for key, pid in found}
        key = _place_key(name)
        pid = self.place_of.get(key)
        if pid is None:
            pid = self.place_of[key] = self._allocate(places)
            row = (pid, " ".join(name.split()), key, *geo, self.import_id, file_id, line)
            bulk_insert(self.connection, places, PLACES, [row])
        elif geo[0] is not None:
            self.connection.execute(
                update(places)
                .where(places.c.id == pid, places.c.latitude.is_(None))
                .values(latitude=geo[0], longitude=geo[1], country=geo[2])
            )
        return pid

    def _write_places(self, batch: Batch) -> None:
        for r, file_id in batch:
            if isinstance(r, Place) and r.name.strip():
                self._place(r.name, file_id, r.line, (r.latitude, r.longitude, r.country))

    def _write_meetings(self, batch: Batch, resolve: Resolve) -> None:
        found: Found = {}
        state = self._calendars()
        for r, file_id in batch:
            if not isinstance(r, Meeting):
                continue
            place = self._place(r.place, file_id, r.line) if r.place and r.place.strip() else None
            organizer = resolve(r.organizer) if r.organizer is not None else None
            key = digest("meeting", r.key)
            calendar = r.calendar
            if calendar:
                state.seen.setdefault(calendar, set()).add(key)
                state.events.setdefault(calendar, set()).add(r.event)
            found[key] = (r, file_id, (r.title, r.kind, r.start, r.end, place), organizer)
        if not found:
            return
        ids = self._update_meetings(found, state)
        rows = [
            (
                *values,
                organizer,
                key,
                r.calendar,
                r.event,
                r.modified,
                self.import_id,
                file_id,
                r.line,
            )
            for key, (r, file_id, values, organizer) in found.items()
            if key not in ids
        ]
        bulk_insert(self.connection, meetings, MEETINGS, rows, conflict=["key"])
        new = [key for key in found if key not in ids]
        for i in range(0, len(new), 500):
            query = select(meetings.c.key, meetings.c.id).where(
                meetings.c.key.in_(new[i : i + 500])
            )
            ids.update({key: mid for key, mid in self.connection.execute(query)})
        attendees = {}
        for key, (r, file_id, _, _) in found.items():
            for ref, status in r.attendees:
                pid = resolve(ref)
                attendees[(ids[key], pid)] = (
                    ids[key],
                    pid,
                    status,
                    self.import_id,
                    file_id,
                    r.line,
                )
        bulk_insert(
            self.connection,
            meeting_attendees,
            ATTENDEES,
            list(attendees.values()),
            conflict=["meeting_id", "person_id"],
        )

    def _calendars(self) -> _Calendars:
        state = getattr(self, "_calendar_state", None)
        if state is None:
            state = self._calendar_state = _Calendars()
        return state

    def _update_meetings(self, found: Found, state: _Calendars) -> dict[bytes, int]:
        """Ids of the meetings already stored, by key or (an event that moved) by calendar and
        event; the ones a newer export changed are updated, their old values kept in history."""
        stored: dict[bytes, Any] = {}
        keys = list(found)
        for i in range(0, len(keys), 500):
            query = select(*STORED).where(meetings.c.key.in_(keys[i : i + 500]))
            stored.update({row.key: row for row in self.connection.execute(query)})
        by_event: dict[tuple[str, str], bytes] = {}
        for key, (r, *_) in found.items():
            calendar, event = r.calendar, r.event
            if key not in stored and calendar and event:
                by_event[(calendar, event)] = key
        for calendar in {c for c, _ in by_event}:
            events = [e for c, e in by_event if c == calendar]
            for i in range(0, len(events), 500):
                query = select(*STORED).where(
                    meetings.c.calendar == calendar,
                    meetings.c.event.in_(events[i : i + 500]),
                    meetings.c.import_id != self.import_id,
                )
                for row in self.connection.execute(query):
                    key = by_event[(calendar, row.event)]
                    if row.key not in state.seen.get(calendar, ()) and key not in stored:
                        stored[key] = row
        ids: dict[bytes, int] = {}
        for key, row in stored.items():
            r, file_id, values, _ = found[key]
            ids[key] = row.id
            self._update_meeting(key, row, r, file_id, values, state)
        return ids

    def _update_meeting(
        self, key: bytes, row: Any, r: Meeting, file_id: int, values: tuple[Any, ...], state: Any
    ) -> None:
        modified = r.modified
        old = {c: row._mapping[c] for c in COMPARED}
        changed = {c: old[c] for c, v in zip(COMPARED, values, strict=True) if old[c] != v}
        older = modified is not None and row.modified is not None and modified < row.modified
        where = meetings.c.id == row.id
        if not changed or older:
            if row.calendar is None:  # a row from before calendars were kept: name it now
                label = {
                    "calendar": r.calendar,
                    "event": r.event,
                }
                self.connection.execute(update(meetings).where(where).values(**label))
            return
        history = json.loads(row.history) if row.history else []
        history.append(
            {"import_id": row.import_id, "file_id": row.file_id, "line": row.line, **changed}
        )
        self.connection.execute(
            update(meetings)
            .where(where)
            .values(
                **dict(zip(COMPARED, values, strict=True)),
                key=key,
                calendar=r.calendar,
                event=r.event,
                modified=modified,
                history=json.dumps(history),
                import_id=self.import_id,
                file_id=file_id,
                line=r.line,
            )
        )
        state.updated += 1

    def finish_events(self) -> dict[str, int]:
        """After the last flush: warn of events that earlier imports of the same calendars
        had and this one lacks (they are kept), and say how many meetings were updated."""
        state = self._calendars()
        for calendar, seen in sorted(state.seen.items()):
            events = state.events.get(calendar, set())
            query = select(meetings.c.key, meetings.c.event).where(
                meetings.c.calendar == calendar, meetings.c.import_id != self.import_id
            )
            rows = self.connection.execute(query)
            gone = sum(1 for k, e in rows if k not in seen and (e is None or e not in events))
            if gone:
                were = "events" if gone != 1 else "event"
                self.warnings.append(
                    f"{gone} {were} of calendar '{calendar}' from an earlier import "
                    f"{'are' if gone != 1 else 'is'} not in this file: kept."
                )
        return {"meetings": state.updated} if state.updated else {}
