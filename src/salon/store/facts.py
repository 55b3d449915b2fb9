"""Facts the analytics read from the store, as plain data: display names, who you are, the
evidence per person behind substance scores, and the time window of an innovation's data.

The analytics (:mod:`salon.insights`, :mod:`salon.graph.features`) hold no SQL: they ask these
functions, which return ids, numbers and strings, never rows or connections.
"""

from __future__ import annotations

import json
import re
import time
from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import Any

import numpy as np
from sqlalchemy import Connection, and_, func, select

from salon.store import memo
from salon.store.bulk import fetch_chunks
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
        # Negative ids are the lake's market nodes: no people rows to look up.
        known = {i for i in wanted if i >= 0}
        everyone = [m for group in groups(mapping, known).values() for m in group]
        rows = [
            row
            for chunk in _chunks(everyone)
            for row in c.execute(select(people.c.id, people.c.name).where(people.c.id.in_(chunk)))
        ]
        out: dict[int, str] = {}
        for pid, name in sorted(rows, key=lambda r: r[0] not in wanted):
            if name:
                out.setdefault(mapping.get(pid, pid), name)
        unnamed = [p for p in everyone if mapping.get(p, p) not in out]
        found = []
        for chunk in _chunks(unnamed):
            found.extend(
                c.execute(
                    select(
                        identities.c.id,
                        identities.c.person_id,
                        identities.c.platform,
                        identities.c.value,
                    ).where(identities.c.person_id.in_(chunk))
                )
            )
        for _, pid, platform, value in sorted(found):  # each person's first identity
            out.setdefault(mapping.get(pid, pid), f"{platform}:{value}" if platform else value)
    if any(i < 0 for i in wanted):  # market nodes of the lake: namespace:id
        from salon.lake.graph import lake_labels

        out.update(lake_labels(store, wanted))
    return out


def _chunks(ids: list[int], size: int = 10_000) -> list[list[int]]:
    """``ids`` in lists short enough for one SQL ``IN`` (SQLite allows 32,766 variables)."""
    return [ids[i : i + size] for i in range(0, len(ids), size)]


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
    message to two or more people, titled as an introduction), and from e-mail
    (:func:`mail_evidence`) ``kept_informed`` and ``answered_by``. Absent kinds are absent
    keys."""
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
        for name, found in _mail_evidence(c, mapping).items():
            for pid, amount in found.items():
                counters[name][pid] += amount
        from salon.lake.postread import lake_post_counts

        for name, found in lake_post_counts(store, c).items():  # the market lake's posts
            for pid, n in found.items():
                add(name, pid, n)
    return {name: dict(counter) for name, counter in counters.items()}


#: How long after a message a reply to it is looked for (threading by subject).
REPLY_WINDOW = 30 * 86400
_REPLY = re.compile(r"^\s*re\s*(\[\d+\])?\s*:", re.IGNORECASE)
_PREFIXES = re.compile(r"^\s*((re|fw|fwd|aw|wg|sv|tr)\s*(\[\d+\])?\s*:\s*)+", re.IGNORECASE)


def thread_subject(subject: str | None) -> str:
    """A subject without its reply and forward prefixes (``Re: Fw: Q3`` → ``q3``).

    Examples
    --------
    >>> thread_subject("RE: Fwd:  Q3 numbers"), thread_subject("Re[2]: lunch")
    ('q3 numbers', 'lunch')
    """
    return " ".join(_PREFIXES.sub("", subject or "").split()).lower()


def mail_evidence(store: Store) -> dict[str, dict[int, int]]:
    """Per canonical person, what the store's e-mail says others do for them:

    - ``kept_informed``: how many people copy them on mail to two or more people (the same
      sender and Message-ID to several recipients) — whom colleagues keep in the loop;
    - ``answered_by``: how many people answer their mail — a message titled ``Re:`` whose
      subject, without prefixes, is that of the latest message its sender received, from
      someone else, in the 30 days before (threading by subject: exports of the Enron kind
      keep no ``In-Reply-To``).

    Absent keys when the store holds no such mail.
    """
    with store.engine.connect() as c:
        return _mail_evidence(c, canonical_map(c))


def _mail_evidence(c: Connection, mapping: dict[int, int]) -> dict[str, dict[int, int]]:
    email = interactions.c.kind == "email"
    group = (
        select(interactions.c.src_id, interactions.c.ref)
        .where(email, interactions.c.ref.is_not(None), interactions.c.dst_id.is_not(None))
        .group_by(interactions.c.src_id, interactions.c.ref)
        .having(func.count(func.distinct(interactions.c.dst_id)) >= 2)
        .subquery()
    )
    copied = select(interactions.c.dst_id, interactions.c.src_id).join(
        group,
        and_(interactions.c.src_id == group.c.src_id, interactions.c.ref == group.c.ref),
    )
    senders: dict[int, set[int]] = defaultdict(set)
    for dst, src in c.execute(copied.where(email).distinct()):
        a, b = mapping.get(src, src), mapping.get(dst, dst)
        if a != b:
            senders[b].add(a)
    # Threading: the latest message each person received under each subject, and from whom.
    latest: dict[tuple[int, str], tuple[int, int]] = {}
    repliers: dict[int, set[int]] = defaultdict(set)
    rows = c.execute(
        select(
            interactions.c.src_id, interactions.c.dst_id, interactions.c.at, interactions.c.subject
        )
        .where(email, interactions.c.at.is_not(None), interactions.c.dst_id.is_not(None))
        .order_by(interactions.c.at, interactions.c.id)
    )
    for src, dst, at, subject in rows:
        a, b = mapping.get(src, src), mapping.get(dst, dst)
        topic = thread_subject(subject)
        if not topic or a == b:
            continue
        if _REPLY.match(subject):
            parent = latest.get((a, topic))
            if parent is not None and parent[1] != a and at - parent[0] <= REPLY_WINDOW:
                repliers[parent[1]].add(a)
        latest[(b, topic)] = (at, a)
    out = {}
    if senders:
        out["kept_informed"] = {p: len(s) for p, s in senders.items()}
    if repliers:
        out["answered_by"] = {p: len(s) for p, s in repliers.items()}
    return out


def _counts(c: Connection) -> list[tuple[str, list[tuple[int | None, int]]]]:
    """Grouped counts per person: meetings attended, followers, posts, posts with a link.
    Followers and linked posts are counted in NumPy over the ids read in bulk: grouped in
    SQL, SQLite walks the id's index and reads the row each entry points at (2 s for 10^6
    follows, against 0.3 s)."""
    queries = {
        "meetings": select(meeting_attendees.c.person_id, func.count()).group_by(
            meeting_attendees.c.person_id
        ),
        "posts": select(posts.c.author_id, func.count())
        .where(posts.c.author_id.is_not(None))
        .group_by(posts.c.author_id),
    }
    found = {name: list(c.execute(q).all()) for name, q in queries.items()}
    found["followers"] = _tally(c, select(ties.c.dst_id).where(ties.c.kind == "follow"))
    found["linked_posts"] = _tally(c, select(posts.c.author_id).where(posts.c.text.like("%http%")))
    order = ("meetings", "followers", "posts", "linked_posts")
    return [(name, found[name]) for name in order]


def _tally(c: Connection, stmt: Any) -> list[tuple[int | None, int]]:
    """``(id, rows)`` for each id ``stmt`` (one id a row) reads; rows without one are left out."""
    chunks = [np.array(chunk, np.float64).reshape(-1) for chunk in fetch_chunks(c, stmt)]
    ids = np.concatenate(chunks) if chunks else np.zeros(0)
    people, rows = np.unique(ids[~np.isnan(ids)].astype(np.int64), return_counts=True)
    return list(zip(people.tolist(), rows.tolist(), strict=True))


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
    dated follow for ``follows:``), and what that is; None when nothing is dated (read once
    per memo scope: ``salon.plan`` forecasts from it)."""
    return memo.once(store, ("window", innovation), lambda: _window(store, innovation))


def _window(store: Store, innovation: str) -> tuple[float, float, str] | None:
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
        from salon.lake.postread import lake_post_span

        first, last, namespaces = lake_post_span(
            store, c, kind, value.lower().lstrip("#") if kind == "tag" else value
        )
        rows.append((first, last))
        platforms |= set(namespaces)
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
