"""The writer's calendar half: places and meetings with their attendees (see ``writer``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import select, update

from salon.model import Meeting, Place
from salon.store.bulk import bulk_insert, digest
from salon.store.schema import meeting_attendees, meetings, places

if TYPE_CHECKING:
    from salon.store.writer import Batch, Resolve

PLACES = ("id", "name", "key", "latitude", "longitude", "country", "import_id", "file_id", "line")
MEETINGS = (
    "title",
    "kind",
    "start_at",
    "end_at",
    "place_id",
    "organizer_id",
    "key",
    "import_id",
    "file_id",
    "line",
)
ATTENDEES = ("meeting_id", "person_id", "status", "import_id", "file_id", "line")


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
        rows, keyed = [], {}
        for r, file_id in batch:
            if not isinstance(r, Meeting):
                continue
            place = self._place(r.place, file_id, r.line) if r.place and r.place.strip() else None
            organizer = resolve(r.organizer) if r.organizer is not None else None
            key = digest("meeting", r.key)
            keyed[key] = (r, file_id)
            rows.append(
                (
                    r.title,
                    r.kind,
                    r.start,
                    r.end,
                    place,
                    organizer,
                    key,
                    self.import_id,
                    file_id,
                    r.line,
                )
            )
        if not rows:
            return
        bulk_insert(self.connection, meetings, MEETINGS, rows, conflict=["key"])
        ids: dict[bytes, int] = {}
        keys = list(keyed)
        for i in range(0, len(keys), 500):
            found = self.connection.execute(
                select(meetings.c.key, meetings.c.id).where(meetings.c.key.in_(keys[i : i + 500]))
            )
            ids.update({key: mid for key, mid in found})
        attendees = {}
        for key, (r, file_id) in keyed.items():
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
