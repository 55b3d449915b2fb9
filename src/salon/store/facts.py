"""Facts the analytics read from the store, as plain data: display names, who you are, the
evidence per person behind substance scores, and the time window of an innovation's data.

The analytics (:mod:`salon.insights`, :mod:`salon.graph.features`) hold no SQL: they ask these
functions, which return ids, numbers and strings, never rows or connections.
"""

from __future__ import annotations

import json
import time
from collections import Counter, defaultdict
from collections.abc import Iterable

from sqlalchemy import Connection, func, select

from salon.store.database import Store
from salon.store.merges import canonical_map, groups
from salon.store.schema import (
    affiliations,
    identities,
    interactions,
    meeting_attendees,
    people,
    posts,
    ties,
)

_YEAR = 365.25 * 86400


def display_names(store: Store, ids: Iterable[int]) -> dict[int, str]:
    """Display names of canonical people (a merged person's name may come from any member);
    a nameless person (market data) is shown by their first identity, ``platform:value``."""
    with store.engine.connect() as c:
        mapping = canonical_map(c)
        wanted = set(ids)
        everyone = [m for group in groups(mapping, wanted).values() for m in group]
        rows = c.execute(select(people.c.id, people.c.name).where(people.c.id.in_(everyone))).all()
        out: dict[int, str] = {}
        for pid, name in sorted(rows, key=lambda r: r[0] not in wanted):
            if name:
                out.setdefault(mapping.get(pid, pid), name)
        unnamed = [p for p in everyone if mapping.get(p, p) not in out]
        if unnamed:
            for pid, platform, value in c.execute(
                select(identities.c.person_id, identities.c.platform, identities.c.value)
                .where(identities.c.person_id.in_(unnamed))
                .order_by(identities.c.id)
            ):
                out.setdefault(mapping.get(pid, pid), f"{platform}:{value}" if platform else value)
    return out


def self_id(store: Store) -> int | None:
    """The first person marked as you (``people.is_self``), or None."""
    with store.engine.connect() as c:
        return c.execute(select(people.c.id).where(people.c.is_self)).scalar()


def self_ids(store: Store) -> list[int]:
    """Your canonical person id(s)."""
    with store.engine.connect() as c:
        mapping = canonical_map(c)
        ids = c.execute(select(people.c.id).where(people.c.is_self)).scalars().all()
    return sorted({mapping.get(p, p) for p in ids})


def person_evidence(store: Store, *, now: int | None = None) -> dict[str, dict[int, float]]:
    """Per canonical person: ``roles`` and ``tenure_years`` (work affiliations), ``meetings``,
    ``followers``, ``posts``, ``linked_posts`` (posts with a link) and ``introductions`` (one
    message to two or more people, titled as an introduction). Absent kinds are absent keys."""
    now = int(time.time()) if now is None else now
    counters: dict[str, Counter[int]] = defaultdict(Counter)
    with store.engine.connect() as c:
        mapping = canonical_map(c)

        def add(name: str, pid: int | None, amount: float = 1) -> None:
            if pid is not None:
                counters[name][mapping.get(pid, pid)] += amount

        for pid, start, end in c.execute(
            select(affiliations.c.person_id, affiliations.c.start, affiliations.c.end).where(
                affiliations.c.kind == "work"
            )
        ):
            add("roles", pid)
            if start is not None:
                add("tenure_years", pid, max((end or now) - start, 0) / _YEAR)
        for name, rows in _counts(c):
            for pid, n in rows:
                add(name, pid, n)
        for pid, _ in c.execute(_introductions()):
            add("introductions", pid)
    return {name: dict(counter) for name, counter in counters.items()}


def _counts(c: Connection) -> list[tuple[str, list[tuple[int | None, int]]]]:
    """Grouped counts per person: meetings attended, followers, posts, posts with a link."""
    queries = {
        "meetings": select(meeting_attendees.c.person_id, func.count()).group_by(
            meeting_attendees.c.person_id
        ),
        "followers": select(ties.c.dst_id, func.count())
        .where(ties.c.kind == "follow")
        .group_by(ties.c.dst_id),
        "posts": select(posts.c.author_id, func.count())
        .where(posts.c.author_id.is_not(None))
        .group_by(posts.c.author_id),
        "linked_posts": select(posts.c.author_id, func.count())
        .where(posts.c.text.like("%http%"))
        .group_by(posts.c.author_id),
    }
    return [(name, [(r[0], r[1]) for r in c.execute(q)]) for name, q in queries.items()]


def _introductions():  # type: ignore[no-untyped-def]
    return (
        select(interactions.c.src_id, interactions.c.ref)
        .where(func.lower(interactions.c.subject).like("%intro%"), interactions.c.ref.is_not(None))
        .group_by(interactions.c.src_id, interactions.c.ref)
        .having(func.count(func.distinct(interactions.c.dst_id)) >= 2)
    )


def innovation_window(store: Store, innovation: str) -> tuple[float, float, str] | None:
    """``(first, last, of)``: the first and last record the store holds of the innovation's
    namespace or platform (the platforms a tag was used on, the platform itself, a channel's
    platforms and, for edge lists whose namespace is their channel, its interactions; every
    dated follow for ``follows:``), and what that is; None when nothing is dated."""
    kind, _, value = innovation.partition(":")
    with store.engine.connect() as c:
        if kind == "follows":
            at = func.coalesce(ties.c.since, ties.c.first_seen)
            row = c.execute(select(func.min(at), func.max(at)).where(ties.c.kind == "follow"))
            return _span([tuple(row.one())], "the dated follows")
        platforms = _platforms(c, kind, value)
        channels = {value} if kind in ("platform", "channel") else set()
        rows = [
            tuple(
                c.execute(
                    select(func.min(posts.c.at), func.max(posts.c.at)).where(
                        posts.c.platform.in_(platforms)
                    )
                ).one()
            ),
            tuple(
                c.execute(
                    select(func.min(interactions.c.at), func.max(interactions.c.at)).where(
                        interactions.c.channel.in_(channels)
                    )
                ).one()
            ),
        ]
    return _span(rows, " and ".join(sorted(platforms | channels)) or value)


def _platforms(c: Connection, kind: str, value: str) -> set[str]:
    if kind == "tag":
        tagged = posts.c.tags.like(f"%{json.dumps(value.lower().lstrip('#'))}%")
        return set(c.execute(select(posts.c.platform).where(tagged).distinct()).scalars())
    if kind == "platform":
        return {value}
    return set(
        c.execute(select(posts.c.platform).where(posts.c.channel == value).distinct()).scalars()
    )


def _span(rows: list[tuple], of: str) -> tuple[float, float, str] | None:  # type: ignore[type-arg]
    starts = [r[0] for r in rows if r[0] is not None]
    ends = [r[1] for r in rows if r[1] is not None]
    return (float(min(starts)), float(max(ends)), of) if starts and ends else None
