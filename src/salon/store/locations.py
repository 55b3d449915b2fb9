"""Where people and events are, as the store holds it: the SQL behind the meeting planner.

Location *texts* come from every source that has them: a person's ``people.location`` (a
vCard ``ADR``, a LinkedIn profile's or connection's location, an address book's city, an X
profile) and their affiliations' locations (LinkedIn positions); events' places are the
``places`` rows their meetings point at (a calendar's ``LOCATION``, a vCard location card
with ``GEO`` coordinates). Geocoding them is :mod:`salon.offline.places`' job, not the
store's. Every id is canonical (a merged person is the person kept).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import Connection, or_, select

from salon.store.database import Store
from salon.store.merges import canonical_map
from salon.store.schema import (
    affiliations,
    interactions,
    meeting_attendees,
    meetings,
    people,
    places,
)


@dataclass(frozen=True)
class PlaceText:
    """A location text for a person and where it came from (``profile``, ``position``)."""

    text: str
    source: str
    at: int | None = None


@dataclass(frozen=True)
class MeetingRow:
    """A meeting with its place and canonical attendees (the organiser among them)."""

    id: int
    title: str | None
    kind: str | None
    start: int | None
    end: int | None
    place: str | None
    latitude: float | None
    longitude: float | None
    calendar: str | None
    attendees: tuple[int, ...]


def person_places(store: Store) -> dict[int, list[PlaceText]]:
    """Every canonical person's location texts: profile locations first, then positions'
    (newest first), duplicates dropped."""
    with store.engine.connect() as c:
        mapping = canonical_map(c)
        profiles = c.execute(
            select(people.c.id, people.c.location).where(people.c.location.is_not(None))
        ).all()
        positions = c.execute(
            select(affiliations.c.person_id, affiliations.c.location, affiliations.c.start)
            .where(affiliations.c.location.is_not(None))
            .order_by(affiliations.c.start.desc())
        ).all()
    # One PlaceText per distinct text and source: 100,000 people share 20,000 texts.
    shared = {t: PlaceText(str(t), "profile") for t in {text for _, text in profiles}}
    if not mapping and not positions:
        # No merges, no positions: one text a person, kept unless blank.
        blank = {t for t, place in shared.items() if not place.text.strip()}
        return {pid: [shared[text]] for pid, text in profiles if text not in blank}
    found: dict[int, list[PlaceText]] = {}
    for pid, text in profiles:
        if mapping:
            pid = mapping.get(pid, pid)
        if pid in found:
            found[pid].append(shared[text])
        else:
            found[pid] = [shared[text]]
    for pid, text, start in positions:
        pid = mapping.get(pid, pid)
        found.setdefault(pid, []).append(PlaceText(str(text), "position", start))
    out = {}
    for pid, texts in found.items():
        if len(texts) == 1:
            if texts[0].text.strip():
                out[pid] = texts
            continue
        seen: set[str] = set()
        kept = [t for t in texts if t.text.strip() and not (t.text in seen or seen.add(t.text))]
        if kept:
            out[pid] = kept
    return out


def _attendees(c: Connection, mapping: dict[int, int]) -> dict[int, set[int]]:
    out: dict[int, set[int]] = defaultdict(set)
    for mid, pid in c.execute(
        select(meeting_attendees.c.meeting_id, meeting_attendees.c.person_id)
    ):
        out[mid].add(mapping.get(pid, pid))
    for mid, pid in c.execute(
        select(meetings.c.id, meetings.c.organizer_id).where(meetings.c.organizer_id.is_not(None))
    ):
        out[mid].add(mapping.get(pid, pid))
    return out


def meeting_rows(
    store: Store, *, since: int | None = None, until: int | None = None
) -> list[MeetingRow]:
    """Meetings (optionally starting in ``[since, until)``) with places and attendees."""
    stmt = select(
        meetings.c.id,
        meetings.c.title,
        meetings.c.kind,
        meetings.c.start_at,
        meetings.c.end_at,
        places.c.name,
        places.c.latitude,
        places.c.longitude,
        meetings.c.calendar,
    ).select_from(meetings.outerjoin(places, meetings.c.place_id == places.c.id))
    if since is not None:
        stmt = stmt.where(meetings.c.start_at >= since)
    if until is not None:
        stmt = stmt.where(meetings.c.start_at < until)
    with store.engine.connect() as c:
        mapping = canonical_map(c)
        who = _attendees(c, mapping)
        rows = c.execute(stmt.order_by(meetings.c.start_at, meetings.c.id)).all()
    return [MeetingRow(*row[:-1], row[-1], tuple(sorted(who.get(row[0], ())))) for row in rows]


def events_with(
    store: Store, person_ids: list[int]
) -> tuple[list[int], list[int], list[str], list[float]]:
    """Timed interactions to or from ``person_ids`` (canonical), as columns ``src, dst, kind,
    at``: what tie strength reads. Meetings are added by the caller from :func:`meeting_rows`."""
    src: list[int] = []
    dst: list[int] = []
    kinds: list[str] = []
    at: list[float] = []
    if not person_ids:
        return src, dst, kinds, at
    with store.engine.connect() as c:
        mapping = canonical_map(c)
        members = [p for p, kept in mapping.items() if kept in set(person_ids)] + list(person_ids)
        stmt = select(
            interactions.c.src_id, interactions.c.dst_id, interactions.c.kind, interactions.c.at
        ).where(
            interactions.c.at.is_not(None),
            interactions.c.dst_id.is_not(None),
            or_(interactions.c.src_id.in_(members), interactions.c.dst_id.in_(members)),
        )
        for s, d, kind, when in c.execute(stmt):
            s, d = mapping.get(s, s), mapping.get(d, d)
            if s != d:
                src.append(s)
                dst.append(d)
                kinds.append(str(kind))
                at.append(float(when))
    return src, dst, kinds, at
