"""The one writer: records in, rows out, inside the caller's transaction.

Every :class:`~salon.model.PersonRef` is resolved to a person by :mod:`salon.store.resolve`
(strong keys name people, names only hint, each export has one owner). Rows are upserted on
stable keys, so writing the same records twice changes nothing. Records are buffered and
written in batches.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, Table, and_, bindparam, case, func, select, text, update

from salon.model import (
    Affiliation,
    IdentityKey,
    Interaction,
    InteractionBatch,
    Note,
    Notice,
    Person,
    PersonRef,
    Post,
    Record,
    Snapshot,
    Tie,
    identity,
)
from salon.store.bulk import bulk_insert, dialect_insert, digest, interaction_key
from salon.store.resolve import IDENTITIES, PEOPLE, PROVENANCE, PeopleMixin, allocate_ids
from salon.store.schema import (
    affiliations,
    identities,
    interactions,
    notes,
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


def organization_key(name: str) -> str:
    return " ".join(name.replace(",", " ").split()).lower().rstrip(". ")


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


class Writer(PeopleMixin, EventsMixin):
    """Writes records for one import; call :meth:`add` for each, then :meth:`flush`.

    ``mine`` makes every export's owner you (``salon import --mine``).
    """

    def __init__(
        self, connection: Connection, import_id: int, *, batch: int = BATCH, mine: bool = False
    ):
        self.connection = connection
        self.import_id = import_id
        self.batch = batch
        self.pending: list[tuple[Record, int]] = []
        self.identity_of: dict[IdentityKey, int] = {}
        self.loaded_platforms: set[str] = set()
        self.organization_of: dict[str, int] | None = None
        self.place_of: dict[str, int] | None = None
        self.warnings: list[str] = []
        self.self_interactions = 0
        if connection.dialect.name == "postgresql":
            # One import at a time writes a store: ids are allocated here, not by sequences.
            connection.execute(text("SELECT pg_advisory_xact_lock(7357001)"))
        self._next_id = allocate_ids(connection, (people, identities, organizations, places))
        self._init_people(mine=mine)

    def begin_export(self, label: str) -> None:
        self.flush()
        super().begin_export(label)

    def _allocate(self, table: Table, n: int = 1) -> int:
        first = self._next_id[table.name]
        self._next_id[table.name] = first + n
        return first

    # -- public -----------------------------------------------------------------------------

    def add(self, record: Record, file_id: int) -> None:
        if isinstance(record, Notice):
            self.warnings.append(record.text)
            return
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
        self._write_notes(batch, resolve)

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
                who = self.ref_text(r.person, file_id, r.line)
                key = digest(who, organization_key(r.organization), r.kind, r.title, r.start)
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
                src, dst = resolve(r.src), resolve(r.dst) if r.dst is not None else None
                if src == dst:
                    self.self_interactions += 1  # a self-reply or self-mention: a post, no edge
                    continue
                key = interaction_key(
                    r.kind,
                    self.ref_text(r.src, file_id, r.line),
                    self.ref_text(r.dst, file_id, r.line),
                    r.at,
                    r.ref,
                    r.channel,
                    r.fingerprint,
                )
                rows.append(
                    (
                        src,
                        dst,
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
                row = (
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
                seen = rows.get((r.platform, r.key))
                # The same post named twice (written, then boosted by its author): what one
                # record lacks the other fills; the first keeps its provenance.
                rows[(r.platform, r.key)] = row if seen is None else _fill(seen, row)
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

    def _write_notes(self, batch: Batch, resolve: Resolve) -> None:
        """A contact's note: a private ``note`` on that person, keyed by the card's strongest
        identity key and the text, so re-importing (or a newer export) never duplicates it."""
        rows = []
        for r, file_id in batch:
            if not isinstance(r, Note) or not r.text.strip():
                continue
            strongest = "/".join(r.person.keys[0]) if r.person.keys else r.person.name
            rows.append(
                {
                    "person_id": resolve(r.person),
                    "field": "note",
                    "text": r.text.strip(),
                    "source": "contact note",
                    "level": r.level,
                    "created_at": int(time.time()),
                    "key": digest("note", "import", strongest, r.text.strip()),
                    "import_id": self.import_id,
                    "file_id": file_id,
                    "line": r.line,
                }
            )
        if rows:
            stmt = dialect_insert(self.connection, notes).on_conflict_do_nothing()
            self.connection.execute(stmt, rows)


def _fill(first: tuple[Any, ...], later: tuple[Any, ...]) -> tuple[Any, ...]:
    """``first`` with its empty data fields taken from ``later`` (provenance stays first's)."""
    data = len(POSTS) - len(PROVENANCE)
    merged = (a if a is not None else b for a, b in zip(first[:data], later[:data], strict=True))
    return (*merged, *first[data:])


def _least(a: int | None, b: int | None) -> int | None:
    return b if a is None else a if b is None else min(a, b)


def _greatest(a: int | None, b: int | None) -> int | None:
    return b if a is None else a if b is None else max(a, b)


def _sql_least(old: Any, new: Any) -> Any:
    return case((new.is_(None), old), (old.is_(None), new), (new < old, new), else_=old)


def _sql_greatest(old: Any, new: Any) -> Any:
    return case((new.is_(None), old), (old.is_(None), new), (new > old, new), else_=old)
