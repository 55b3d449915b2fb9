"""The one writer: records in, rows out, inside the caller's transaction.

Every :class:`~salon.model.PersonRef` is resolved through exact identity keys: the first key
already known names the person; a ref with no known key creates a person; its unknown keys
become that person's identities. Rows are upserted on stable keys, so writing the same records
twice changes nothing. Records are buffered and written in batches.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import Connection, Table, and_, bindparam, case, func, select, text, update

from salon.model import (
    Affiliation,
    IdentityKey,
    Interaction,
    InteractionBatch,
    Meeting,
    Person,
    PersonRef,
    Post,
    Record,
    Snapshot,
    Tie,
    identity,
)
from salon.store.bulk import bulk_insert, dialect_insert, digest, interaction_key
from salon.store.merges import canonical, merge_in
from salon.store.schema import (
    affiliations,
    identities,
    interactions,
    organizations,
    people,
    places,
    posts,
    snapshots,
    ties,
)
from salon.store.writer_events import EventsMixin

BATCH = 50_000
Batch = list[tuple[Record, int]]
Resolve = Callable[[PersonRef], int]


def _ref_key(ref: PersonRef | None) -> str:
    """The stable text of a ref for row keys: the self marker or its strongest identity."""
    if ref is None:
        return ""
    if ref.is_self:
        return "@self"
    return ":".join(ref.keys[0])


def organization_key(name: str) -> str:
    return " ".join(name.replace(",", " ").split()).lower().rstrip(". ")


PROVENANCE = ("import_id", "file_id", "line")
PEOPLE = ("id", "name", "headline", "location", "is_self", *PROVENANCE)
IDENTITIES = ("id", "person_id", "platform", "kind", "value", *PROVENANCE)
ORGANIZATIONS = ("id", "name", "key", *PROVENANCE)
AFFILIATIONS = (
    "person_id",
    "organization_id",
    "kind",
    "title",
    "location",
    "start",
    "end",
    "key",
    *PROVENANCE,
)
TIES = ("src_id", "dst_id", "kind", "weight", "since", "first_seen", "last_seen", *PROVENANCE)
INTERACTIONS = (
    "src_id",
    "dst_id",
    "kind",
    "at",
    "channel",
    "subject",
    "body",
    "ref",
    "weight",
    "key",
    *PROVENANCE,
)
POSTS = (
    "platform",
    "post_key",
    "author_id",
    "at",
    "text",
    "channel",
    "reply_to",
    "repost_of",
    "url",
    "tags",
    *PROVENANCE,
)
SNAPSHOTS = ("owner_id", "platform", "list", "taken_at", "count", *PROVENANCE)


class Writer(EventsMixin):
    """Writes records for one import; call :meth:`add` for each, then :meth:`flush`."""

    def __init__(self, connection: Connection, import_id: int, *, batch: int = BATCH):
        self.connection = connection
        self.import_id = import_id
        self.batch = batch
        self.pending: list[tuple[Record, int]] = []
        self.identity_of: dict[IdentityKey, int] = {}
        self.loaded_platforms: set[str] = set()
        self.organization_of: dict[str, int] | None = None
        self.place_of: dict[str, int] | None = None
        self.self_id: int | None = None
        self.warnings: list[str] = []
        self.merged = 0
        if connection.dialect.name == "postgresql":
            # One import at a time writes a store: ids are allocated here, not by sequences.
            connection.execute(text("SELECT pg_advisory_xact_lock(7357001)"))
        self._next_id = {
            t.name: (connection.execute(select(func.max(t.c.id))).scalar() or 0) + 1
            for t in (people, identities, organizations, places)
        }

    # -- public -----------------------------------------------------------------------------

    def add(self, record: Record, file_id: int) -> None:
        if isinstance(record, InteractionBatch):
            self.flush()
            self._write_batch(record, file_id)
            return
        self.pending.append((record, file_id))
        if len(self.pending) >= self.batch:
            self.flush()

    def flush(self) -> None:
        batch, self.pending = self.pending, []
        if not batch:
            return
        self._load_identities(batch)
        resolve = self._resolve(batch)
        self._write_people(batch, resolve)
        self._write_affiliations(batch, resolve)
        self._write_ties(batch, resolve)
        self._write_interactions(batch, resolve)
        self._write_posts(batch, resolve)
        self._write_snapshots(batch, resolve)
        self._write_places(batch)
        self._write_meetings(batch, resolve)

    def _write_batch(self, batch: InteractionBatch, file_id: int) -> None:
        """Interactions in columns: people resolved once per distinct id, rows keyed exactly
        as the one-record path keys them (so either path recognises the other's rows)."""
        ns, import_id = batch.namespace, self.import_id
        self._load_platforms({ns})
        known = self.identity_of
        pid_of: dict[str, int] = {}
        new_people: list[tuple[Any, ...]] = []
        new_identities: list[tuple[Any, ...]] = []
        for token, line in zip(batch.src + batch.dst, batch.lines + batch.lines, strict=True):
            if token in pid_of:
                continue
            key = identity(ns, "id", token)
            pid = known.get(key)
            if pid is None:
                pid = known[key] = self._allocate(people)
                new_people.append((pid, None, None, None, False, import_id, file_id, line))
                new_identities.append(
                    (self._allocate(identities), pid, *key, import_id, file_id, line)
                )
            pid_of[token] = pid
        bulk_insert(self.connection, people, PEOPLE, new_people)
        bulk_insert(self.connection, identities, IDENTITIES, new_identities)
        prefix = {t: f"{ns}:id:{identity(ns, 'id', t)[2]}" for t in pid_of}
        rows = [
            (
                pid_of[s],
                pid_of[d],
                kind,
                at,
                ns,
                None,
                None,
                None,
                weight,
                interaction_key(kind, prefix[s], prefix[d], at, None, ns, fp),
                import_id,
                file_id,
                line,
            )
            for s, d, kind, at, weight, fp, line in zip(
                batch.src,
                batch.dst,
                batch.kinds,
                batch.at,
                batch.weights,
                batch.fingerprints,
                batch.lines,
                strict=True,
            )
        ]
        bulk_insert(self.connection, interactions, INTERACTIONS, rows, conflict=["key"])

    # -- identities -------------------------------------------------------------------------

    def _allocate(self, table: Table, n: int = 1) -> int:
        first = self._next_id[table.name]
        self._next_id[table.name] = first + n
        return first

    def _load_identities(self, batch: list[tuple[Record, int]]) -> None:
        self._load_platforms({key[0] for ref in _refs(batch) for key in ref.keys})

    def _load_platforms(self, platforms: set[str]) -> None:
        wanted = platforms - self.loaded_platforms
        if not wanted:
            return
        query = select(
            identities.c.platform, identities.c.kind, identities.c.value, identities.c.person_id
        ).where(identities.c.platform.in_(sorted(wanted)))
        for platform, kind, value, person_id in self.connection.execute(query):
            self.identity_of[(platform, kind, value)] = person_id
        self.loaded_platforms |= wanted

    def _self(self, line: int, file_id: int, name: str | None) -> int:
        if self.self_id is None:
            found = self.connection.execute(select(people.c.id).where(people.c.is_self)).scalar()
            if found is None:
                found = self._allocate(people)
                row = (found, name, None, None, True, self.import_id, file_id, line)
                bulk_insert(self.connection, people, PEOPLE, [row])
            self.self_id = found
        return self.self_id

    def _resolve(self, batch: list[tuple[Record, int]]) -> Callable[[PersonRef], int]:
        """Resolve every ref of the batch, creating people and identities as needed."""
        new_people: list[tuple[Any, ...]] = []
        new_identities: list[tuple[Any, ...]] = []
        names: dict[int, dict[str, Any]] = {}
        known = self.identity_of
        resolved: dict[PersonRef, int] = {}
        self_conflicts: list[tuple[int, IdentityKey]] = []
        import_id = self.import_id

        for record, file_id in batch:
            for ref in _record_refs(record):
                if ref in resolved:
                    continue
                line = record.line
                if ref.is_self:
                    pid = self._self(line, file_id, ref.name)
                else:
                    pid = next((known[k] for k in ref.keys if k in known), None)
                    if pid is None:
                        pid = self._allocate(people)
                        new_people.append(
                            (pid, ref.name, None, None, False, import_id, file_id, line)
                        )
                    elif ref.name:
                        names.setdefault(pid, {"name": ref.name})
                for key in ref.keys:
                    owner = known.get(key)
                    if owner is None:
                        known[key] = pid
                        new_identities.append(
                            (self._allocate(identities), pid, *key, import_id, file_id, line)
                        )
                    elif owner != pid and ref.is_self:
                        self_conflicts.append((owner, key))
                resolved[ref] = pid

        bulk_insert(self.connection, people, PEOPLE, new_people)
        bulk_insert(self.connection, identities, IDENTITIES, new_identities)
        for other, key in self_conflicts:
            # A key of yours already named someone: that someone was you all along.
            if self.self_id is not None and canonical(self.connection, other) != self.self_id:
                merge_in(
                    self.connection,
                    self.self_id,
                    other,
                    reason="self",
                    evidence={"identity": ":".join(key)},
                )
                self.merged += 1
        if self.self_id is not None:
            names.pop(self.self_id, None)
        self._fill_people(names)
        return resolved.__getitem__

    def _fill_people(self, values: dict[int, dict[str, Any]]) -> None:
        """Set people's missing name, headline or location (never overwrite)."""
        by_columns: dict[tuple[str, ...], list[dict[str, Any]]] = defaultdict(list)
        for pid, fields in values.items():
            fields = {k: v for k, v in fields.items() if v}
            if fields:
                by_columns[tuple(sorted(fields))].append({"pid": pid, **fields})
        for columns, rows in by_columns.items():
            stmt = (
                update(people)
                .where(people.c.id == bindparam("pid"))
                .values({c: func.coalesce(people.c[c], bindparam(c)) for c in columns})
            )
            self.connection.execute(stmt, rows)

    # -- rows --------------------------------------------------------------------------------

    def _write_people(self, batch: Batch, resolve: Resolve) -> None:
        facts: dict[int, dict[str, Any]] = {}
        for record, _ in batch:
            if isinstance(record, Person):
                entry = facts.setdefault(resolve(record.ref), {})
                for column in ("name", "headline", "location"):
                    if getattr(record, column) and not entry.get(column):
                        entry[column] = getattr(record, column)
        self._fill_people(facts)

    def _organization(self, name: str, file_id: int, line: int) -> int:
        if self.organization_of is None:
            rows = self.connection.execute(select(organizations.c.key, organizations.c.id))
            self.organization_of = {key: oid for key, oid in rows}
        key = organization_key(name)
        oid = self.organization_of.get(key)
        if oid is None:
            oid = self.organization_of[key] = self._allocate(organizations)
            row = (oid, " ".join(name.split()), key, self.import_id, file_id, line)
            bulk_insert(self.connection, organizations, ORGANIZATIONS, [row])
        return oid

    def _write_affiliations(self, batch: Batch, resolve: Resolve) -> None:
        rows = []
        for r, file_id in batch:
            if isinstance(r, Affiliation) and r.organization.strip():
                org = self._organization(r.organization, file_id, r.line)
                key = digest(
                    _ref_key(r.person), organization_key(r.organization), r.kind, r.title, r.start
                )
                rows.append(
                    (
                        resolve(r.person),
                        org,
                        r.kind,
                        r.title,
                        r.location,
                        r.start,
                        r.end,
                        key,
                        self.import_id,
                        file_id,
                        r.line,
                    )
                )
        bulk_insert(self.connection, affiliations, AFFILIATIONS, rows, conflict=["key"])

    def _write_ties(self, batch: Batch, resolve: Resolve) -> None:
        merged: dict[tuple[int, int, str], list[Any]] = {}
        for r, file_id in batch:
            if not isinstance(r, Tie):
                continue
            key = (resolve(r.src), resolve(r.dst), r.kind)
            row = merged.get(key)
            seen = r.observed_at
            if row is None:
                merged[key] = [
                    *key[:2],
                    r.kind,
                    r.weight,
                    r.since,
                    seen,
                    seen,
                    self.import_id,
                    file_id,
                    r.line,
                ]
            else:
                row[4] = row[4] or r.since
                row[5] = _least(row[5], seen)
                row[6] = _greatest(row[6], seen)
        if not merged:
            return
        new = dialect_insert(self.connection, ties).excluded
        bulk_insert(
            self.connection,
            ties,
            TIES,
            [tuple(row) for row in merged.values()],
            conflict=["src_id", "dst_id", "kind"],
            on_conflict_set={
                "first_seen": _sql_least(ties.c.first_seen, new.first_seen),
                "last_seen": _sql_greatest(ties.c.last_seen, new.last_seen),
                "since": func.coalesce(ties.c.since, new.since),
            },
        )

    def _write_interactions(self, batch: Batch, resolve: Resolve) -> None:
        rows = []
        import_id = self.import_id
        for r, file_id in batch:
            if type(r) is Interaction:
                src, dst = r.src, r.dst
                key = interaction_key(
                    r.kind, _ref_key(src), _ref_key(dst), r.at, r.ref, r.channel, r.fingerprint
                )
                rows.append(
                    (
                        resolve(src),
                        resolve(dst) if dst is not None else None,
                        r.kind,
                        r.at,
                        r.channel,
                        r.subject,
                        r.body,
                        r.ref,
                        r.weight,
                        key,
                        import_id,
                        file_id,
                        r.line,
                    )
                )
        bulk_insert(self.connection, interactions, INTERACTIONS, rows, conflict=["key"])

    def _write_posts(self, batch: Batch, resolve: Resolve) -> None:
        rows: dict[tuple[str, str], tuple[Any, ...]] = {}
        for r, file_id in batch:
            if isinstance(r, Post):
                author = resolve(r.author) if r.author is not None else None
                tags = json.dumps(list(r.tags)) if r.tags else None
                rows[(r.platform, r.key)] = (
                    r.platform,
                    r.key,
                    author,
                    r.at,
                    r.text,
                    r.channel,
                    r.reply_to,
                    r.repost_of,
                    r.url,
                    tags,
                    self.import_id,
                    file_id,
                    r.line,
                )
        bulk_insert(
            self.connection, posts, POSTS, list(rows.values()), conflict=["platform", "post_key"]
        )
        # A post first seen without its author (a like) gains it once the author is known.
        params = [{"p": row[0], "k": row[1], "a": row[2]} for row in rows.values() if row[2]]
        if params:
            stmt = (
                update(posts)
                .where(
                    and_(
                        posts.c.platform == bindparam("p"),
                        posts.c.post_key == bindparam("k"),
                        posts.c.author_id.is_(None),
                    )
                )
                .values(author_id=bindparam("a"))
            )
            self.connection.execute(stmt, params)

    def _write_snapshots(self, batch: Batch, resolve: Resolve) -> None:
        rows = [
            (
                resolve(r.owner),
                r.platform,
                r.list,
                r.taken_at,
                r.count,
                self.import_id,
                file_id,
                r.line,
            )
            for r, file_id in batch
            if isinstance(r, Snapshot)
        ]
        bulk_insert(
            self.connection,
            snapshots,
            SNAPSHOTS,
            rows,
            conflict=["owner_id", "platform", "list", "taken_at"],
        )


def _record_refs(record: Record) -> Iterable[PersonRef]:
    if isinstance(record, Interaction):
        return (record.src,) if record.dst is None else (record.src, record.dst)
    if isinstance(record, Tie):
        return (record.src, record.dst)
    if isinstance(record, Person):
        return (record.ref,)
    if isinstance(record, Affiliation):
        return (record.person,)
    if isinstance(record, Post):
        return () if record.author is None else (record.author,)
    if isinstance(record, Snapshot):
        return (record.owner,)
    if isinstance(record, Meeting):
        refs = [ref for ref, _ in record.attendees]
        return refs if record.organizer is None else [record.organizer, *refs]
    return ()


def _refs(batch: list[tuple[Record, int]]) -> Iterable[PersonRef]:
    for record, _ in batch:
        yield from _record_refs(record)


def _least(a: int | None, b: int | None) -> int | None:
    return b if a is None else a if b is None else min(a, b)


def _greatest(a: int | None, b: int | None) -> int | None:
    return b if a is None else a if b is None else max(a, b)


def _sql_least(old: Any, new: Any) -> Any:
    return case((new.is_(None), old), (old.is_(None), new), (new < old, new), else_=old)


def _sql_greatest(old: Any, new: Any) -> Any:
    return case((new.is_(None), old), (old.is_(None), new), (new > old, new), else_=old)
