"""One person, everything the store knows: identities, affiliations, ties, merges and the
timeline of interactions and meetings across all sources, each with its provenance."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

from sqlalchemy import (
    Connection,
    Executable,
    Row,
    bindparam,
    func,
    or_,
    select,
    update,
)

from salon.dates import iso
from salon.errors import SalonError
from salon.model import identity
from salon.store.database import Store, folded_equal, folded_like
from salon.store.merges import canonical_map, merge_in
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
    if who.isdigit():
        pid = int(who)
        found = connection.execute(_KEPT, {"person": pid}).first()
        if found is None:
            raise SalonError(f"No person {pid}. Run 'salon people' to see their ids.")
        return found[0] or pid
    for condition in (
        folded_equal(people.c.name, who),
        folded_like(people.c.name, f"%{who}%"),
    ):
        found = connection.execute(
            select(people.c.id, people.c.name, people.c.merged_into).where(condition)
        ).all()
        ids = {kept or pid for pid, _, kept in found}
        if len(ids) == 1:
            return ids.pop()
        if len(ids) > 1:
            shown = ", ".join(f"{pid} ({name})" for pid, name, _ in found[:5])
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


def person_profile(store: Store, who: str) -> dict[str, Any]:
    """Everything about one person (merged people included), as JSON-ready data."""
    with store.engine.connect() as c:
        pid = resolve_person(c, who)
        rows = c.execute(_GROUP, {"person": pid}).mappings().all()
        group = [pid, *(r["id"] for r in rows if r["id"] != pid)]
        later: list[_Later] = []
        ties_ = _ties(c, group, later)
        timeline = _timeline(c, group, later)
        profile = {
            "id": pid,
            "name": next((r["name"] for r in rows if r["name"]), None),
            "headline": next((r["headline"] for r in rows if r["headline"]), None),
            "location": next((r["location"] for r in rows if r["location"]), None),
            "is_self": any(r["is_self"] for r in rows),
            "merged_people": sorted(group[1:]),
            "identities": _identities(c, group),
            "affiliations": _affiliations(c, group),
            "ties": ties_,
            "timeline": timeline,
            "posts": _POSTS(c, group)[0][0],
            "merges": _merges(c, group),
        }
        kept, names = _names(c, {row.other for row in later})
    # Named once the sections are read: only the people they mention are looked up (not
    # every name in the store), each as the person kept when merged.
    for row in later:
        person = kept.get(row.other) or row.other
        row.item["with"] = names.get(person) or names.get(row.other) or f"person {person}"
        if "with_id" in row.item:
            row.item["with_id"] = person
    return profile


class _Later(NamedTuple):
    """An item naming another person, filled in once every section is read."""

    item: dict[str, Any]
    other: int


class _Statement:
    """A query about one person (``:person``) or a group (an expanding ``:people`` list).

    Built once, here, so each call finds it compiled in SQLAlchemy's cache: building a new
    ``select()`` on every call cost more than running the query."""

    def __init__(self, build: Callable[[Callable[[Any], Any]], Executable]) -> None:
        self.one = build(lambda column: column == bindparam("person"))
        self.many = build(lambda column: column.in_(bindparam("people", expanding=True)))

    def __call__(self, c: Connection, ids: list[int]) -> Sequence[Row[Any]]:
        """The rows, fetched at once (iterating a result fetches them one by one)."""
        if len(ids) == 1:
            return c.execute(self.one, {"person": ids[0]}).all()
        return c.execute(self.many, {"people": ids}).all()


#: A person's kept person (None when not merged); no row when there is no such person.
_KEPT = select(people.c.merged_into).where(people.c.id == bindparam("person"))

#: A kept person and everyone merged into it, by id.
_GROUP = (
    select(people)
    .where(or_(people.c.id == bindparam("person"), people.c.merged_into == bindparam("person")))
    .order_by(people.c.id)
)

_POSTS = _Statement(
    lambda has: select(func.count()).select_from(posts).where(has(posts.c.author_id))
)

_WHO = _Statement(
    lambda has: select(people.c.id, people.c.name, people.c.merged_into).where(has(people.c.id))
)

_EVERYONE = select(people.c.id, people.c.name, people.c.merged_into)


def _names(
    c: Connection, ids: set[int], chunk: int = 20_000
) -> tuple[dict[int, int], dict[int, str | None]]:
    """The kept person of each of ``ids`` that is merged, and the names of ``ids`` and of
    those kept: looked up by id, or all at once when they are most people."""
    if not ids:
        return {}, {}
    rows = c.execute(_EVERYONE) if len(ids) > chunk else _WHO(c, sorted(ids))
    names: dict[int, str | None] = {}
    kept: dict[int, int] = {}
    for pid, name, merged_into in rows:
        names[pid] = name
        if merged_into is not None:
            kept[pid] = merged_into
    missing = sorted(set(kept.values()) - names.keys())
    if missing:
        names.update((pid, name) for pid, name, _ in _WHO(c, missing))
    return kept, names


_IDENTITIES = _Statement(
    lambda has: (
        select(
            identities.c.platform,
            identities.c.kind,
            identities.c.value,
            identities.c.person_id,
            files.c.name.label("file"),
            identities.c.line,
        )
        .join(files, files.c.id == identities.c.file_id)
        .where(has(identities.c.person_id))
        .order_by(identities.c.id)
    )
)


def _identities(c: Connection, group: list[int]) -> list[dict[str, Any]]:
    return [
        {
            "platform": platform,
            "kind": kind,
            "value": value,
            "person": person,
            "file": file,
            "line": line,
        }
        for platform, kind, value, person, file, line in _IDENTITIES(c, group)
    ]


_AFFILIATIONS = _Statement(
    lambda has: (
        select(
            organizations.c.name,
            affiliations.c.kind,
            affiliations.c.title,
            affiliations.c.start,
            affiliations.c.end,
            files.c.name.label("file"),
            affiliations.c.line,
        )
        .join(organizations, organizations.c.id == affiliations.c.organization_id)
        .join(files, files.c.id == affiliations.c.file_id)
        .where(has(affiliations.c.person_id))
        .order_by(affiliations.c.id)
    )
)


def _affiliations(c: Connection, group: list[int]) -> list[dict[str, Any]]:
    return [
        {
            "organization": organization,
            "kind": kind,
            "title": title,
            "start": iso(start),
            "end": iso(end),
            "file": file,
            "line": line,
        }
        for organization, kind, title, start, end, file, line in _AFFILIATIONS(c, group)
    ]


_TIES = _Statement(
    lambda has: (
        select(
            ties.c.kind,
            ties.c.src_id,
            ties.c.dst_id,
            ties.c.since,
            ties.c.first_seen,
            ties.c.last_seen,
            files.c.name.label("file"),
            ties.c.line,
        )
        .join(files, files.c.id == ties.c.file_id)
        .where(or_(has(ties.c.src_id), has(ties.c.dst_id)))
    )
)


def _ties(c: Connection, group: list[int], later: list[_Later]) -> list[dict[str, Any]]:
    out = []
    for kind, src, dst, since, first_seen, last_seen, file, line in _TIES(c, group):
        outgoing = src in group
        item = {
            "kind": kind,
            "direction": "out" if outgoing else "in",
            "with": None,
            "with_id": None,
            "since": iso(since),
            "first_seen": iso(first_seen),
            "last_seen": iso(last_seen),
            "file": file,
            "line": line,
        }
        later.append(_Later(item, dst if outgoing else src))
        out.append(item)
    return out


_MERGES = _Statement(
    lambda has: select(merges).where(or_(has(merges.c.kept_id), has(merges.c.merged_id)))
)


def _merges(c: Connection, group: list[int]) -> list[dict[str, Any]]:
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
        for r in _MERGES(c, group)
    ]


def _timeline(c: Connection, group: list[int], later: list[_Later]) -> list[dict[str, Any]]:
    """Interactions and meetings, oldest first (undated last), times as ISO 8601."""
    events = _interactions(c, group, later) + _meetings(c, group)
    events.sort(key=lambda e: (e["at"] is None, e["at"] or 0))
    for event in events:
        event["at"] = iso(event["at"])
    return events


_INTERACTIONS = _Statement(
    lambda has: (
        select(
            interactions.c.kind,
            interactions.c.at,
            interactions.c.src_id,
            interactions.c.dst_id,
            interactions.c.channel,
            interactions.c.subject,
            files.c.name.label("file"),
            interactions.c.line,
        )
        .join(files, files.c.id == interactions.c.file_id)
        .where(or_(has(interactions.c.src_id), has(interactions.c.dst_id)))
    )
)


def _interactions(c: Connection, group: list[int], later: list[_Later]) -> list[dict[str, Any]]:
    events = []
    for kind, at, src, dst, channel, subject, file, line in _INTERACTIONS(c, group):
        outgoing = src in group
        item = {
            "at": at,
            "kind": kind,
            "direction": "out" if outgoing else "in",
            "with": None,
            "channel": channel,
            "subject": subject,
            "file": file,
            "line": line,
        }
        later.append(_Later(item, dst if outgoing else src))
        events.append(item)
    return events


_MEETINGS = _Statement(
    lambda has: (
        select(
            meetings.c.title,
            meetings.c.kind,
            meetings.c.start_at,
            places.c.name.label("place"),
            files.c.name.label("file"),
            meetings.c.line,
        )
        .join(meeting_attendees, meeting_attendees.c.meeting_id == meetings.c.id)
        .join(files, files.c.id == meetings.c.file_id)
        .outerjoin(places, places.c.id == meetings.c.place_id)
        .where(has(meeting_attendees.c.person_id))
        .distinct()
    )
)


def _meetings(c: Connection, group: list[int]) -> list[dict[str, Any]]:
    return [
        {
            "at": start_at,
            "kind": kind,
            "direction": "met",
            "with": None,
            "channel": "calendar",
            "subject": title,
            "place": place,
            "file": file,
            "line": line,
        }
        for title, kind, start_at, place, file, line in _MEETINGS(c, group)
    ]
