"""What two people did together, as plain arrays: the events behind tie strength, stages of
relationships and nudges (:mod:`salon.graph.ties`, :mod:`salon.offline.stages`).

Every interaction with a recipient, every reply or repost between two authors' posts (unless
an export recorded it as an interaction already), every pair of a meeting's attendees (at
most :data:`MAX_MEETING_SIZE`, one event a pair in the meeting's kind: dinner, call, …, with
weight 1 / (attendees − 1)) and every standing tie (time NaN). People are canonical (merged
people are one).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from sqlalchemy import Connection, func, select

from salon.store import memo
from salon.store.bulk import fetch_chunks
from salon.store.database import Store
from salon.store.merges import canonical_map
from salon.store.profiles import resolve_person
from salon.store.schema import interactions, meeting_attendees, meetings, posts, ties

#: Meetings with more attendees than this are broadcasts, not time spent with each.
MAX_MEETING_SIZE = 30
_CHUNK = 500_000


@dataclass(frozen=True)
class Events:
    """Events between two people: ``kind[i]`` codes ``kinds``; ``at`` NaN for standing ties;
    ``meeting[i]`` is True for a pair of a meeting's attendees; ``dated`` is ``at``, or for
    a standing tie the day it began (its ``since``, else when an export first saw it)."""

    src: np.ndarray
    dst: np.ndarray
    kind: np.ndarray
    at: np.ndarray
    weight: np.ndarray
    meeting: np.ndarray
    kinds: tuple[str, ...]
    dated: np.ndarray

    def __len__(self) -> int:
        return int(self.src.shape[0])


class _Builder:
    def __init__(self) -> None:
        self.parts: list[tuple[np.ndarray, ...]] = []
        self.names: list[str] = []

    def code(self, kind: str) -> int:
        if kind not in self.names:
            self.names.append(kind)
        return self.names.index(kind)

    def add(self, kind: str, block: np.ndarray, *, meeting: bool = False) -> None:
        """``block``: columns src, dst, at, weight, and optionally when a tie began."""
        n = len(block)
        self.parts.append(
            (
                block[:, 0].astype(np.int64),
                block[:, 1].astype(np.int64),
                np.full(n, self.code(kind), np.int16),
                block[:, 2].astype(np.float64),
                block[:, 3].astype(np.float64),
                np.full(n, meeting),
                block[:, 4] if block.shape[1] > 4 else block[:, 2].astype(np.float64),
            )
        )


def relation_events(store: Store) -> Events:
    """Every event between two people in the store (see the module), canonical ids (read
    once per memo scope: ``salon.plan``'s nudges and funnel share them; not to be changed)."""
    return memo.once(store, "relation-events", lambda: _relation_events(store))


def _relation_events(store: Store) -> Events:
    out = _Builder()
    with store.engine.connect() as c:
        for kind in sorted(c.execute(select(interactions.c.kind).distinct()).scalars()):
            stmt = select(
                interactions.c.src_id,
                interactions.c.dst_id,
                func.coalesce(interactions.c.at, -1),
                interactions.c.weight,
            ).where(interactions.c.kind == kind, interactions.c.dst_id.is_not(None))
            for chunk in fetch_chunks(c, stmt, _CHUNK):
                block = np.array(chunk, dtype=np.float64)
                block[block[:, 2] < 0, 2] = np.nan  # an interaction without a time: standing
                out.add(kind, block)
        _post_events(c, out)
        _meeting_events(c, out)
        for kind in sorted(c.execute(select(ties.c.kind).distinct()).scalars()):
            began = func.coalesce(ties.c.since, ties.c.first_seen, -1)
            stmt = select(ties.c.src_id, ties.c.dst_id, began).where(ties.c.kind == kind)
            for chunk in fetch_chunks(c, stmt, _CHUNK):
                rows = np.array(chunk, dtype=np.float64).reshape(-1, 3)
                rows[rows[:, 2] < 0, 2] = np.nan
                nan = np.full((len(rows), 1), np.nan)
                one = np.ones((len(rows), 1))
                out.add(kind, np.hstack([rows[:, :2], nan, one, rows[:, 2:]]))
        mapping = canonical_map(c)
    return _finish(out, mapping)


def _post_events(c: Connection, out: _Builder) -> None:
    """Replies and reposts between posts' authors, not already recorded as interactions."""
    parent = posts.alias("parent")
    for kind, column in (("reply", posts.c.reply_to), ("repost", posts.c.repost_of)):
        recorded = {
            tuple(row)
            for row in c.execute(
                select(interactions.c.src_id, interactions.c.dst_id, interactions.c.ref).where(
                    interactions.c.kind == kind, interactions.c.ref.is_not(None)
                )
            )
        }
        stmt = (
            select(posts.c.author_id, parent.c.author_id, posts.c.at, posts.c.post_key, column)
            .join(parent, (parent.c.platform == posts.c.platform) & (parent.c.post_key == column))
            .where(posts.c.author_id.is_not(None), parent.c.author_id.is_not(None))
        )
        for chunk in fetch_chunks(c, stmt, _CHUNK):
            rows = [
                (r[0], r[1], np.nan if r[2] is None else r[2], 1.0)
                for r in chunk
                if (r[0], r[1], r[3]) not in recorded and (r[0], r[1], r[4]) not in recorded
            ]
            if rows:
                out.add(kind, np.array(rows, dtype=np.float64))


def _meeting_events(c: Connection, out: _Builder) -> None:
    stmt = (
        select(
            meeting_attendees.c.meeting_id,
            meeting_attendees.c.person_id,
            meetings.c.kind,
            meetings.c.start_at,
        )
        .join(meetings, meetings.c.id == meeting_attendees.c.meeting_id)
        .order_by(meeting_attendees.c.meeting_id)
    )
    groups: dict[int, tuple[str, float, list[int]]] = {}
    for meeting, person, kind, start in c.execute(stmt):
        at = np.nan if start is None else float(start)
        groups.setdefault(meeting, (kind or "meeting", at, []))[2].append(person)
    rows: dict[str, list[tuple[float, float, float, float]]] = {}
    for kind, at, members in groups.values():
        if not 2 <= len(members) <= MAX_MEETING_SIZE:
            continue
        share = 1.0 / (len(members) - 1)
        for i, a in enumerate(members):
            for b in members[i + 1 :]:
                rows.setdefault(kind, []).append((a, b, at, share))
    for kind, found in sorted(rows.items()):
        out.add(kind, np.array(found, dtype=np.float64), meeting=True)


def _finish(out: _Builder, mapping: dict[int, int]) -> Events:
    if not out.parts:
        empty = np.zeros(0, np.int64)
        return Events(
            empty,
            empty,
            np.zeros(0, np.int16),
            np.zeros(0),
            np.zeros(0),
            np.zeros(0, bool),
            (),
            np.zeros(0),
        )
    columns = [np.concatenate(c) for c in zip(*out.parts, strict=True)]
    src, dst, kind, at, weight, meeting, dated = columns
    if mapping:
        ids = np.fromiter(mapping.keys(), np.int64, len(mapping))
        to = np.fromiter(mapping.values(), np.int64, len(mapping))
        order = np.argsort(ids)
        ids, to = ids[order], to[order]
        for column in (src, dst):
            pos = np.clip(np.searchsorted(ids, column), 0, len(ids) - 1)
            hit = ids[pos] == column
            column[hit] = to[pos[hit]]
    return Events(src, dst, kind, at, weight, meeting, tuple(out.names), dated)


def latest_time(store: Store) -> float | None:
    """The time of the store's latest interaction, post or meeting, but no later than the
    clock (calendars hold meetings to come): "now" for a store, so that an old export reads
    as of its own date."""
    with store.engine.connect() as c:
        found = [
            c.execute(select(func.max(interactions.c.at))).scalar(),
            c.execute(select(func.max(posts.c.at))).scalar(),
            c.execute(select(func.max(meetings.c.start_at))).scalar(),
        ]
    known = [float(t) for t in found if t is not None]
    return min(max(known), time.time()) if known else None


def person_id(store: Store, who: str | int) -> int:
    """A canonical person from an id or a name (as ``salon person``)."""
    with store.engine.connect() as c:
        return resolve_person(c, str(who))
