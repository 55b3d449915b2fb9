"""One person, everything the store knows: identities, affiliations, ties, merges and the
timeline of interactions and meetings across all sources, each with its provenance."""

from __future__ import annotations

import json
from typing import Any, NamedTuple

from sqlalchemy import Connection, Table, func, or_, select, update

from salon.dates import iso
from salon.errors import SalonError
from salon.model import identity
from salon.store.database import Store
from salon.store.merges import canonical_map, groups, merge_in
from salon.store.schema import (
    affiliations,
    files,
    identities,
    interactions,
    meeting_attendees,
    meetings,
    merges,
    organizations,
    people,
    places,
    posts,
    ties,
)


def resolve_person(connection: Connection, who: str) -> int:
    """A person's id from an id or a name (an exact name first, then a unique partial one)."""
    mapping = canonical_map(connection)
    if who.isdigit():
        pid = int(who)
        if connection.execute(select(people.c.id).where(people.c.id == pid)).scalar() is None:
            raise SalonError(f"No person {pid}. Run 'salon people' to see their ids.")
        return mapping.get(pid, pid)
    for condition in (
        func.lower(people.c.name) == who.lower(),
        func.lower(people.c.name).like(f"%{who.lower()}%"),
    ):
        found = connection.execute(select(people.c.id, people.c.name).where(condition)).all()
        ids = {mapping.get(pid, pid) for pid, _ in found}
        if len(ids) == 1:
            return ids.pop()
        if len(ids) > 1:
            shown = ", ".join(f"{pid} ({name})" for pid, name in found[:5])
            raise SalonError(f"'{who}' names {len(ids)} people: {shown}. Give the id instead.")
    raise SalonError(f"Nobody called '{who}'. Run 'salon people --query {who}' to search.")


def _by_identity(connection: Connection, value: str) -> set[int]:
    """People holding an identity with this value (a handle, address, URL or account id)."""
    wanted = {identity("", "handle", value)[2], identity("", "url", value)[2]}
    rows = connection.execute(
        select(identities.c.person_id).where(
            identities.c.value.in_(sorted(wanted)), identities.c.kind != "name"
        )
    )
    mapping = canonical_map(connection)
    return {mapping.get(pid, pid) for pid in rows.scalars()}


def make_you(store: Store, who: str) -> dict[str, Any]:
    """`salon me --is WHO`: the person holding an account (or an id, a name) is you.

    Their exports' rows become yours: the person is merged into you (reversibly, reason
    ``self``), or becomes you when the store has no "you" yet.
    """
    with store.engine.begin() as connection:
        found = _by_identity(connection, who)
        if len(found) > 1:
            raise SalonError(f"'{who}' is an account of {len(found)} people. Give an id instead.")
        pid = found.pop() if found else resolve_person(connection, who)
        you = connection.execute(
            select(people.c.id).where(people.c.is_self, people.c.merged_into.is_(None))
        ).scalar()
        if you == pid:
            return {"you": pid, "merged": None}
        if you is None:
            connection.execute(update(people).where(people.c.id == pid).values(is_self=True))
            return {"you": pid, "merged": None}
        merge = merge_in(connection, you, pid, reason="self", evidence={"said": who})
        return {"you": you, "merged": pid, "merge": merge}


def _source(table: Table) -> list[Any]:
    return [files.c.name.label("file"), table.c.line]


def _provenance(row: Any) -> dict[str, Any]:
    return {"file": row.file, "line": row.line}


def person_profile(store: Store, who: str) -> dict[str, Any]:
    """Everything about one person (merged people included), as JSON-ready data."""
    with store.engine.connect() as c:
        pid = resolve_person(c, who)
        mapping = canonical_map(c)
        group = groups(mapping, {pid})[pid]
        wanted: set[int] = set()

        def name_of(other: int | None) -> _Name | None:
            # Named once the sections are read: only the people they mention are looked up
            # (not every name in the store).
            if other is None:
                return None
            kept = mapping.get(other, other)
            wanted.update((kept, other))
            return _Name(kept, other)

        rows = c.execute(select(people).where(people.c.id.in_(group))).mappings().all()
        profile = {
            "id": pid,
            "name": next((r["name"] for r in rows if r["name"]), None),
            "headline": next((r["headline"] for r in rows if r["headline"]), None),
            "location": next((r["location"] for r in rows if r["location"]), None),
            "is_self": any(r["is_self"] for r in rows),
            "merged_people": sorted(group[1:]),
            "identities": _identities(c, group),
            "affiliations": _affiliations(c, group),
            "ties": _ties(c, group, mapping, name_of),
            "timeline": _timeline(c, group, name_of),
            "posts": c.execute(
                select(func.count()).where(posts.c.author_id.in_(group))
            ).scalar_one(),
            "merges": _merges(c, group),
        }
        names = _names(c, wanted)
    for section in ("ties", "timeline"):
        for row in profile[section]:
            later = row.get("with")
            if isinstance(later, _Name):
                row["with"] = (
                    names.get(later.kept) or names.get(later.other) or f"person {later.kept}"
                )
    return profile


class _Name(NamedTuple):
    """A person's name to look up once every section is read: the kept id and the id seen."""

    kept: int
    other: int


def _names(c: Connection, ids: set[int], chunk: int = 20_000) -> dict[int, str | None]:
    """Names of ``ids``: looked up in chunks, or all at once when they are most people."""
    if len(ids) > chunk:
        return dict(c.execute(select(people.c.id, people.c.name)).all())  # type: ignore[arg-type]
    return dict(
        c.execute(select(people.c.id, people.c.name).where(people.c.id.in_(sorted(ids)))).all()  # type: ignore[arg-type]
    )


def _identities(c: Connection, group: list[int]) -> list[dict[str, Any]]:
    query = (
        select(
            identities.c.platform,
            identities.c.kind,
            identities.c.value,
            identities.c.person_id,
            *_source(identities),
        )
        .join(files, files.c.id == identities.c.file_id)
        .where(identities.c.person_id.in_(group))
        .order_by(identities.c.id)
    )
    return [
        {
            "platform": r.platform,
            "kind": r.kind,
            "value": r.value,
            "person": r.person_id,
            **_provenance(r),
        }
        for r in c.execute(query)
    ]


def _affiliations(c: Connection, group: list[int]) -> list[dict[str, Any]]:
    query = (
        select(
            organizations.c.name,
            affiliations.c.kind,
            affiliations.c.title,
            affiliations.c.start,
            affiliations.c.end,
            *_source(affiliations),
        )
        .join(organizations, organizations.c.id == affiliations.c.organization_id)
        .join(files, files.c.id == affiliations.c.file_id)
        .where(affiliations.c.person_id.in_(group))
        .order_by(affiliations.c.id)
    )
    return [
        {
            "organization": r.name,
            "kind": r.kind,
            "title": r.title,
            "start": iso(r.start),
            "end": iso(r.end),
            **_provenance(r),
        }
        for r in c.execute(query)
    ]


def _ties(
    c: Connection, group: list[int], mapping: dict[int, int], name_of
) -> list[dict[str, Any]]:  # type: ignore[no-untyped-def]
    query = (
        select(
            ties.c.kind,
            ties.c.src_id,
            ties.c.dst_id,
            ties.c.since,
            ties.c.first_seen,
            ties.c.last_seen,
            *_source(ties),
        )
        .join(files, files.c.id == ties.c.file_id)
        .where(or_(ties.c.src_id.in_(group), ties.c.dst_id.in_(group)))
    )
    out = []
    for r in c.execute(query):
        other = r.dst_id if r.src_id in group else r.src_id
        out.append(
            {
                "kind": r.kind,
                "direction": "out" if r.src_id in group else "in",
                "with": name_of(other),
                "with_id": mapping.get(other, other),
                "since": iso(r.since),
                "first_seen": iso(r.first_seen),
                "last_seen": iso(r.last_seen),
                **_provenance(r),
            }
        )
    return out


def _merges(c: Connection, group: list[int]) -> list[dict[str, Any]]:
    query = select(merges).where(or_(merges.c.kept_id.in_(group), merges.c.merged_id.in_(group)))
    return [
        {
            "id": r.id,
            "kept": r.kept_id,
            "merged": r.merged_id,
            "reason": r.reason,
            "score": r.score,
            "evidence": json.loads(r.evidence),
            "undone": r.undone_at is not None,
        }
        for r in c.execute(query)
    ]


def _timeline(c: Connection, group: list[int], name_of) -> list[dict[str, Any]]:  # type: ignore[no-untyped-def]
    """Interactions and meetings, oldest first (undated last), times as ISO 8601."""
    events = _interactions(c, group, name_of) + _meetings(c, group)
    events.sort(key=lambda e: (e["at"] is None, e["at"] or 0))
    for event in events:
        event["at"] = iso(event["at"])
    return events


def _interactions(c: Connection, group: list[int], name_of) -> list[dict[str, Any]]:  # type: ignore[no-untyped-def]
    query = (
        select(
            interactions.c.kind,
            interactions.c.at,
            interactions.c.src_id,
            interactions.c.dst_id,
            interactions.c.channel,
            interactions.c.subject,
            *_source(interactions),
        )
        .join(files, files.c.id == interactions.c.file_id)
        .where(or_(interactions.c.src_id.in_(group), interactions.c.dst_id.in_(group)))
    )
    events = []
    for r in c.execute(query):
        outgoing = r.src_id in group
        events.append(
            {
                "at": r.at,
                "kind": r.kind,
                "direction": "out" if outgoing else "in",
                "with": name_of(r.dst_id if outgoing else r.src_id),
                "channel": r.channel,
                "subject": r.subject,
                **_provenance(r),
            }
        )
    return events


def _meetings(c: Connection, group: list[int]) -> list[dict[str, Any]]:
    query = (
        select(
            meetings.c.title,
            meetings.c.kind,
            meetings.c.start_at,
            places.c.name.label("place"),
            *_source(meetings),
        )
        .join(meeting_attendees, meeting_attendees.c.meeting_id == meetings.c.id)
        .join(files, files.c.id == meetings.c.file_id)
        .outerjoin(places, places.c.id == meetings.c.place_id)
        .where(meeting_attendees.c.person_id.in_(group))
        .distinct()
    )
    return [
        {
            "at": r.start_at,
            "kind": r.kind,
            "direction": "met",
            "with": None,
            "channel": "calendar",
            "subject": r.title,
            "place": r.place,
            **_provenance(r),
        }
        for r in c.execute(query)
    ]
