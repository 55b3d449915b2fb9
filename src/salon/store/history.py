"""The imports a store holds, and taking one back: ``salon imports`` and ``imports remove``.

Every row records the import that added it (provenance), so an import can be removed exactly:
its rows go, the merges it made are undone, the meetings it updated get their earlier values
back (from their ``history``), and what later imports still use stops the removal with a
message saying which imports to remove first.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Connection, Table, delete, func, or_, select, update

from salon.dates import iso
from salon.errors import SalonError
from salon.store.database import Store
from salon.store.meta import keep_given_ids, next_ids, set_meta
from salon.store.schema import (
    accounts,
    affiliations,
    files,
    identities,
    imports,
    interactions,
    meeting_attendees,
    meetings,
    merges,
    notes,
    organizations,
    people,
    places,
    posts,
    snapshots,
    stakeholders,
    ties,
)

#: Rows an import adds, in the order they can be deleted (what refers to others first).
ROWS = (
    notes,
    meeting_attendees,
    interactions,
    ties,
    posts,
    affiliations,
    snapshots,
    identities,
)
#: Who refers to a person, by table and column.
_PERSON_COLUMNS = (
    (interactions, "src_id"),
    (interactions, "dst_id"),
    (ties, "src_id"),
    (ties, "dst_id"),
    (posts, "author_id"),
    (affiliations, "person_id"),
    (snapshots, "owner_id"),
    (identities, "person_id"),
    (meeting_attendees, "person_id"),
    (meetings, "organizer_id"),
    (notes, "person_id"),
)


def new_import(connection: Connection, paths: list[str], *, started_at: int) -> int:
    """Add an import's row and give its id: never the id of an import removed before, so that
    what names an import (the snapshot cache's key, the lake's partitions, a command printed
    earlier) cannot mean another. PostgreSQL's sequence never reuses one; SQLite would give
    the largest again once it is removed, so the last id given is kept in ``store_meta``."""
    from salon import __version__

    values: dict[str, Any] = {
        "started_at": started_at,
        "salon_version": __version__,
        "paths": json.dumps(paths),
    }
    if connection.dialect.name == "sqlite":
        values["id"] = next_ids(connection, [imports])["imports"]
        set_meta(connection, "next_id:imports", str(values["id"] + 1))
    return int(connection.execute(imports.insert().values(**values)).inserted_primary_key[0])


def list_imports(store: Store) -> list[dict[str, Any]]:
    """Every import kept, oldest first: when, the paths given, its files and what it added."""
    with store.engine.connect() as connection:
        names: dict[int, list[str]] = {}
        for import_id, name in connection.execute(select(files.c.import_id, files.c.name)):
            names.setdefault(import_id, []).append(name)
        out = []
        for row in connection.execute(select(imports).order_by(imports.c.id)).mappings():
            report = json.loads(row["report"]) if row["report"] else {}
            out.append(
                {
                    "id": row["id"],
                    "started_at": iso(row["started_at"]),
                    "paths": json.loads(row["paths"]),
                    "files": names.get(row["id"], []),
                    "added": {k: v for k, v in (report.get("added") or {}).items() if v},
                }
            )
        return out


def _users(connection: Connection, import_id: int, pids: list[int]) -> set[int]:
    """Other imports whose rows refer to ``pids``."""
    found: set[int] = set()
    for i in range(0, len(pids), 500):
        chunk = pids[i : i + 500]
        for table, column in _PERSON_COLUMNS:
            query = select(table.c.import_id).distinct()
            query = query.where(table.c[column].in_(chunk), table.c.import_id != import_id)
            found.update(connection.execute(query).scalars())
    return found


def _undo_merges(connection: Connection, import_id: int, pids: set[int]) -> int:
    """Undo the merges the import made, and any that involve its people."""
    rows = connection.execute(
        select(merges).where(
            or_(
                merges.c.import_id == import_id,
                merges.c.kept_id.in_(pids),
                merges.c.merged_id.in_(pids),
            )
        )
    ).mappings()
    undone = 0
    for row in sorted(rows, key=lambda r: -r["id"]):
        moved = json.loads(row["moved"])
        rest = [m for m in moved if m != row["merged_id"]]
        connection.execute(
            update(people).where(people.c.id == row["merged_id"]).values(merged_into=None)
        )
        if rest:
            connection.execute(
                update(people).where(people.c.id.in_(rest)).values(merged_into=row["merged_id"])
            )
        connection.execute(delete(merges).where(merges.c.id == row["id"]))
        undone += 1
    return undone


def _restore_meetings(connection: Connection, import_id: int) -> int:
    """Meetings this import updated get the values they had before it."""
    restored = 0
    query = select(meetings.c.id, meetings.c.history).where(
        meetings.c.import_id == import_id, meetings.c.history.is_not(None)
    )
    for mid, text in connection.execute(query).all():
        history = json.loads(text)
        if not history:
            continue
        earlier = history.pop()
        values = {k: v for k, v in earlier.items() if k in meetings.c}
        values["history"] = json.dumps(history) if history else None
        connection.execute(update(meetings).where(meetings.c.id == mid).values(**values))
        restored += 1
    return restored


def _delete_unused(connection: Connection, table: Table, import_id: int, refs: list[Any]) -> int:
    """Delete the import's rows of ``table`` that no remaining row refers to."""
    used = select(table.c.id).where(table.c.import_id == import_id)
    for column in refs:
        used = used.where(table.c.id.not_in(select(column).where(column.is_not(None))))
    ids = list(connection.execute(used).scalars())
    if ids:
        connection.execute(delete(table).where(table.c.id.in_(ids)))
    return len(ids)


def _check_intelligence(connection: Connection, import_id: int, pids: list[int]) -> None:
    """Refuse to remove people that intelligence the user wrote refers to (a stakeholder, a
    note not added by this import): the user's own words are never deleted by an import."""
    named: set[str] = set()
    for i in range(0, len(pids), 500):
        chunk = pids[i : i + 500]
        query = (
            select(accounts.c.name)
            .join(stakeholders, stakeholders.c.account_id == accounts.c.id)
            .where(or_(stakeholders.c.person_id.in_(chunk), stakeholders.c.reports_to.in_(chunk)))
        )
        named.update(f"a stakeholder of account '{n}'" for n in connection.execute(query).scalars())
        query = select(func.count()).where(
            notes.c.person_id.in_(chunk), notes.c.import_id.is_(None)
        )
        if n := connection.execute(query.select_from(notes)).scalar_one():
            named.add(f"{n} note(s)")
    if named:
        raise SalonError(
            f"Import {import_id} added people your intelligence refers to "
            f"({', '.join(sorted(named))}). Take them off the account first ('salon account "
            "remove NAME --stakeholder PERSON'), then remove the import."
        )


def _unlink_accounts(connection: Connection, import_id: int) -> None:
    """Accounts linked to an organisation only this import added lose the link (the account
    and its plan stay)."""
    gone = select(organizations.c.id).where(
        organizations.c.import_id == import_id,
        organizations.c.id.not_in(select(affiliations.c.organization_id)),
    )
    connection.execute(
        update(accounts).where(accounts.c.organization_id.in_(gone)).values(organization_id=None)
    )


def remove_import(store: Store, import_id: int) -> dict[str, int]:
    """Remove exactly what import ``import_id`` added, in one transaction; rows removed per
    table. Refused (nothing changes) while a later import uses people it added."""
    with store.engine.begin() as connection:
        row = connection.execute(select(imports).where(imports.c.id == import_id)).first()
        if row is None:
            raise SalonError(f"No import {import_id}. Run 'salon imports' to list them.")
        pids = list(
            connection.execute(select(people.c.id).where(people.c.import_id == import_id)).scalars()
        )
        users = _users(connection, import_id, pids)
        if users:
            later = ", ".join(str(u) for u in sorted(users, reverse=True))
            raise SalonError(
                f"Import {import_id} added people that import(s) {later} also use. "
                f"Remove those first ('salon imports remove {max(users)}'), then this one."
            )
        from salon.lake.layout import lake_dir, node_users

        lake_users = node_users(lake_dir(store, connection), import_id)
        if lake_users:
            later = ", ".join(str(u) for u in sorted(lake_users, reverse=True))
            raise SalonError(
                f"Import {import_id} numbered market nodes that the lake's import(s) {later} "
                f"also use. Remove those first ('salon imports remove {max(lake_users)}'), "
                "then this one."
            )
        _check_intelligence(connection, import_id, pids)
        keep_given_ids(connection, (people, identities, organizations, places))
        removed: dict[str, int] = {}
        removed["merges"] = _undo_merges(connection, import_id, set(pids))
        removed["meetings restored"] = _restore_meetings(connection, import_id)
        for table in ROWS:
            result = connection.execute(delete(table).where(table.c.import_id == import_id))
            removed[table.name] = result.rowcount
        removed["meetings"] = _delete_unused(
            connection, meetings, import_id, [meeting_attendees.c.meeting_id]
        )
        _unlink_accounts(connection, import_id)
        removed["organizations"] = _delete_unused(
            connection, organizations, import_id, [affiliations.c.organization_id]
        )
        removed["places"] = _delete_unused(connection, places, import_id, [meetings.c.place_id])
        if pids:
            connection.execute(
                update(people).where(people.c.merged_into.in_(pids)).values(merged_into=None)
            )
            result = connection.execute(delete(people).where(people.c.id.in_(pids)))
            removed["people"] = result.rowcount
        file_refs = [t.c.file_id for t in (*ROWS, meetings, organizations, places, people)]
        removed["files"] = _delete_unused(connection, files, import_id, file_refs)
        left = connection.execute(
            select(func.count()).select_from(files).where(files.c.import_id == import_id)
        ).scalar_one()
        if not left:
            connection.execute(delete(imports).where(imports.c.id == import_id))
        from salon.lake.layout import drop_import, read_manifest

        folder = lake_dir(store, connection)
        mine = [p for p in read_manifest(folder).partitions if p.import_id == import_id]
        removed["lake edges"] = drop_import(folder, import_id)
        removed["lake nodes"] = sum(p.nodes for p in mine)
        removed["lake posts"] = sum(p.posts for p in mine)
        return {k: v for k, v in removed.items() if v}
