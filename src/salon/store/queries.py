"""Reading the store: counts, people, follower history, and export of everything."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, func, or_, select

from salon.dates import iso
from salon.private import open_private, private_dir
from salon.store.database import Store, folded_like
from salon.store.merges import canonical_map, groups
from salon.store.schema import DATA_TABLES, identities, interactions, people, snapshots, ties

TIME_COLUMNS = {
    "at",
    "since",
    "start",
    "end",
    "first_seen",
    "last_seen",
    "taken_at",
    "started_at",
    "finished_at",
    "start_at",
    "end_at",
    "observed_at",
}


def stats(store: Store) -> dict[str, int]:
    """Rows per table, and the market lake's edges, nodes and posts when the store has a
    lake."""
    from salon.lake.graph import open_lake

    with store.engine.connect() as connection:
        counts = {
            t.name: connection.execute(select(func.count()).select_from(t)).scalar_one()
            for t in DATA_TABLES
        }
        lake = open_lake(store, connection)
    if lake is not None:
        counts["lake edges"] = lake[1].edges
        counts["lake nodes"] = lake[1].nodes
        if lake[1].posts:
            counts["lake posts"] = lake[1].posts
    return counts


@dataclass(frozen=True)
class PersonSummary:
    id: int
    name: str | None
    headline: str | None
    is_self: bool
    identities: list[str]
    interactions: int

    def to_dict(self) -> dict[str, Any]:
        return self.__dict__.copy()


def _activity(connection: Connection, mapping: dict[int, int]) -> Counter[int]:
    """Interactions sent or received, per canonical person."""
    counts: Counter[int] = Counter()
    for column in (interactions.c.src_id, interactions.c.dst_id):
        rows = connection.execute(
            select(column, func.count()).where(column.is_not(None)).group_by(column)
        )
        for pid, n in rows:
            counts[mapping.get(pid, pid)] += n
    return counts


def find_people(store: Store, *, query: str | None = None, limit: int = 20) -> list[PersonSummary]:
    """People whose name, headline or any identity contains ``query``, you first, then the
    most active; merged people appear once, with every identity of the merge."""
    with store.engine.connect() as connection:
        mapping = canonical_map(connection)
        counts = _activity(connection, mapping)
        stmt = select(people.c.id)
        if query:
            pattern = f"%{query.lower()}%"
            matching = select(identities.c.person_id).where(
                or_(identities.c.value.like(pattern), identities.c.platform.like(pattern))
            )
            stmt = stmt.where(
                or_(
                    folded_like(people.c.name, f"%{query}%"),
                    folded_like(people.c.headline, f"%{query}%"),
                    people.c.id.in_(matching),
                )
            )
        found = {mapping.get(pid, pid) for pid in connection.execute(stmt).scalars()}
        me = connection.execute(select(people.c.id).where(people.c.is_self)).scalar()
        ranked = sorted(found, key=lambda pid: (pid != me, -counts[pid], pid))[:limit]
        members = groups(mapping, set(ranked))
        every = [m for group in members.values() for m in group]
        rows = {
            r.id: r
            for r in connection.execute(
                select(people.c.id, people.c.name, people.c.headline, people.c.is_self).where(
                    people.c.id.in_(every)
                )
            )
        }
        keys: dict[int, list[str]] = {pid: [] for pid in ranked}
        owner = {m: kept for kept, group in members.items() for m in group}
        for pid, platform, kind, value in connection.execute(
            select(
                identities.c.person_id, identities.c.platform, identities.c.kind, identities.c.value
            )
            .where(identities.c.person_id.in_(every))
            .order_by(identities.c.id)
        ):
            keys[owner[pid]].append(f"{platform + ' ' if platform else ''}{kind}: {value}")
    out = []
    for pid in ranked:
        group = [rows[m] for m in members[pid] if m in rows]
        name = next((r.name for r in group if r.name), None)
        headline = next((r.headline for r in group if r.headline), None)
        out.append(
            PersonSummary(
                pid, name, headline, any(r.is_self for r in group), keys[pid], counts[pid]
            )
        )
    return out


@dataclass(frozen=True)
class SnapshotChange:
    """One dated follower/following list and what changed since the previous one."""

    platform: str
    list: str
    taken_at: int
    count: int
    new: int
    lost: int
    previous_at: int | None

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.__dict__,
            "taken_at": iso(self.taken_at),
            "previous_at": iso(self.previous_at),
        }


def follow_history(store: Store) -> list[SnapshotChange]:
    """For each snapshot of your follower/following lists: how many ties were new, how many lost.

    A follower first seen in the snapshot taken at ``taken_at`` started following after
    ``previous_at`` (the previous snapshot) and on or before ``taken_at``.
    """
    out: list[SnapshotChange] = []
    with store.engine.connect() as connection:
        rows = connection.execute(
            select(
                snapshots.c.owner_id,
                snapshots.c.platform,
                snapshots.c.list,
                snapshots.c.taken_at,
                snapshots.c.count,
            ).order_by(snapshots.c.platform, snapshots.c.list, snapshots.c.taken_at)
        ).all()
        previous: dict[tuple[str, str], int] = {}
        for owner, platform, name, taken_at, count in rows:
            side = ties.c.dst_id if name == "follower" else ties.c.src_id
            base = (
                select(func.count()).select_from(ties).where(side == owner, ties.c.kind == "follow")
            )
            new = connection.execute(base.where(ties.c.first_seen == taken_at)).scalar_one()
            prev = previous.get((platform, name))
            lost = 0
            if prev is not None:
                lost = connection.execute(base.where(ties.c.last_seen == prev)).scalar_one()
            out.append(SnapshotChange(platform, name, taken_at, count, new, lost, prev))
            previous[(platform, name)] = taken_at
    return out


def _jsonable(column: str, value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, bytes):
        return value.hex()
    if column in TIME_COLUMNS and isinstance(value, int):
        return iso(value)
    return value


def export_all(
    store: Store,
    directory: str | Path,
    *,
    progress: Callable[[str, int], None] | None = None,
    levels: Collection[str] | None = None,
) -> dict[str, int]:
    """Write every table as JSON Lines (``DIR/<table>.jsonl``); returns rows per table.

    The files are 0600 and a folder this creates 0700: an export is as private as the store.
    Intelligence (accounts, stakeholders, notes) keeps its ``level`` column (private, team or
    public) on every row; ``levels`` keeps only the intelligence at those levels (None: all).
    """
    directory = private_dir(directory)
    written: dict[str, int] = {}
    with store.engine.connect() as connection:
        for table in DATA_TABLES:
            names = [c.name for c in table.columns]
            n = 0
            with open_private(directory / f"{table.name}.jsonl", "w", encoding="utf-8") as out:
                query = select(table).order_by(*table.primary_key.columns)
                if levels is not None and "level" in table.c:
                    query = query.where(table.c.level.in_(sorted(levels)))
                result = connection.execution_options(yield_per=10_000).execute(query)
                for row in result:
                    record = {c: _jsonable(c, v) for c, v in zip(names, row, strict=True)}
                    out.write(json.dumps(record, ensure_ascii=False) + "\n")
                    n += 1
            written[table.name] = n
            if progress:
                progress(table.name, n)
    from salon.lake import export_lake

    for name, n in export_lake(store, directory).items():  # lake_edges/nodes/posts.parquet
        written[name] = n
        if progress:
            progress(name, n)
    return written
