"""Innovations the store can date: each person's first use of a tag, platform or channel, or
first follow of an account.

=====================  =====================================================================
``tag:NAME``           first post with the tag
``platform:NAME``      first post or interaction on the platform (``x``, ``mastodon``…)
``channel:NAME``       first post or interaction in the channel (an instance, a forum, a site)
``follows:WHO``        first time seen following WHO (from dated follower snapshots)
=====================  =====================================================================
"""

from __future__ import annotations

import json
import os
from collections import Counter
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import Connection, func, select

from salon.errors import SalonError
from salon.store import memo
from salon.store.bulk import fetch_chunks
from salon.store.database import Store
from salon.store.merges import canonical_ids, canonical_map, groups
from salon.store.profiles import resolve_person
from salon.store.schema import interactions, posts, ties

KINDS = ("tag", "platform", "channel", "follows")


@dataclass(frozen=True)
class Innovation:
    name: str
    adopters: int
    first: int | None
    last: int | None

    def to_dict(self) -> dict[str, object]:
        return self.__dict__.copy()


def _pairs(c: Connection, stmt: Any) -> np.ndarray:
    """``stmt``'s (person, time) rows as an (n, 2) float array, read in bulk (NULL: NaN)."""
    chunks = [np.array(chunk, dtype=np.float64).reshape(-1, 2) for chunk in fetch_chunks(c, stmt)]
    return np.concatenate(chunks) if chunks else np.zeros((0, 2))


def _earliest(block: np.ndarray, mapping: dict[int, int]) -> dict[int, float]:
    """``{canonical person: earliest time}`` of (person, time) rows, the people in the order
    they first appear; a row without a person or a time is skipped."""
    block = block[~np.isnan(block).any(axis=1)]
    if not len(block):
        return {}
    ids = canonical_ids(block[:, 0].astype(np.int64), mapping)
    people, seen, where = np.unique(ids, return_index=True, return_inverse=True)
    first = np.full(len(people), np.inf)
    np.minimum.at(first, where, block[:, 1])
    order = np.argsort(seen)
    return dict(zip(people[order].tolist(), first[order].tolist(), strict=True))


def adoption_times(store: Store, innovation: str, *, lake: bool = True) -> dict[int, float]:
    """``{canonical person: first time}`` for an innovation named ``KIND:VALUE``; with
    ``lake``, ``channel:``/``platform:`` also count the market lake's timed edges of that
    namespace (read once per memo scope: ``salon.plan``'s lead-lag and forecasts share it)."""
    return dict(
        memo.once(
            store, ("adoption", innovation, lake), lambda: _adoption_times(store, innovation, lake)
        )
    )


def _adoption_times(store: Store, innovation: str, lake: bool) -> dict[int, float]:
    kind, _, value = innovation.partition(":")
    if lake and kind in ("channel", "platform") and os.environ.get("SALON_ENGINE") == "spark":
        from salon.lake import spark
        from salon.lake.spark_session import session

        return spark.adoption_times(session(), store, innovation)
    if kind not in KINDS or not value:
        raise SalonError(
            f"'{innovation}' is not an innovation. Use KIND:VALUE with KIND one of "
            f"{', '.join(KINDS)}; 'salon innovations' lists them."
        )
    from salon.lake.postread import lake_post_firsts

    with store.engine.connect() as c:
        mapping = canonical_map(c)
        if kind == "tag":
            tag = value.lower().lstrip("#")
            pattern = f"%{json.dumps(tag)}%"
            found = _earliest(
                _pairs(c, select(posts.c.author_id, posts.c.at).where(posts.c.tags.like(pattern))),
                mapping,
            )
            if lake:
                _merge(found, lake_post_firsts(store, c, tag=tag), mapping)
            return found
        if kind == "follows":
            target = resolve_person(c, value)
            group = groups(mapping, {target})[target]
            rows = c.execute(
                select(ties.c.src_id, func.coalesce(ties.c.since, ties.c.first_seen)).where(
                    ties.c.kind == "follow", ties.c.dst_id.in_(group)
                )
            )
            pairs = np.array([tuple(r) for r in rows], dtype=np.float64).reshape(-1, 2)
            return _earliest(pairs, mapping)
        column = posts.c.platform if kind == "platform" else posts.c.channel
        if kind == "channel" and memo.active():  # every channel's posts in one scan
            block = memo.once(store, "channel-posts", lambda: _by_channel(c)).get(value)
            found = _earliest(np.zeros((0, 2)) if block is None else block, mapping)
        else:
            found = _earliest(
                _pairs(c, select(posts.c.author_id, posts.c.at).where(column == value)), mapping
            )
        more = _earliest(
            _pairs(
                c,
                select(interactions.c.src_id, interactions.c.at).where(
                    interactions.c.channel == value
                ),
            ),
            mapping,
        )
        from salon.lake.graph import lake_first_times

        firsts = lake_first_times(store, c, value) if lake else {}
        if lake:  # the lake's posts on that platform (namespace) or in that channel
            where = {"namespace" if kind == "platform" else "channel": value}
            _merge(firsts, lake_post_firsts(store, c, **where), {})
        market = {mapping.get(p, p): at for p, at in firsts.items()}
    for pid, at in (*more.items(), *market.items()):
        if pid not in found or at < found[pid]:
            found[pid] = at
    return found


def _by_channel(c: Connection) -> dict[str, np.ndarray]:
    """``{channel: (person, time) rows}`` of the posts with a channel, each channel's rows in
    the order a scan for it alone reads them."""
    names: dict[str, int] = {}
    codes, pairs = [], []
    stmt = select(posts.c.channel, posts.c.author_id, posts.c.at).where(
        posts.c.channel.is_not(None)
    )
    for chunk in fetch_chunks(c, stmt):
        channels, authors, times = zip(*chunk, strict=True)
        codes.append(
            np.fromiter((names.setdefault(ch, len(names)) for ch in channels), np.int64, len(chunk))
        )
        pairs.append(np.array([authors, times], dtype=np.float64).T)
    if not codes:
        return {}
    code, block = np.concatenate(codes), np.concatenate(pairs)
    order = np.argsort(code, kind="stable")
    starts = np.searchsorted(code[order], np.arange(len(names) + 1))
    return {name: block[order[starts[i] : starts[i + 1]]] for name, i in names.items()}


def _merge(found: dict[int, float], more: dict[int, float], mapping: dict[int, int]) -> None:
    """Keep in ``found`` the earlier time of each (canonical) person of ``more``."""
    for pid, at in more.items():
        pid = mapping.get(pid, pid)
        if pid not in found or at < found[pid]:
            found[pid] = at


def list_innovations(store: Store, *, min_adopters: int = 2, limit: int = 50) -> list[Innovation]:
    """What the store can date, most adopted first (read once per memo scope)."""
    return list(
        memo.once(
            store,
            ("innovations", min_adopters, limit),
            lambda: _list_innovations(store, min_adopters, limit),
        )
    )


def _list_innovations(store: Store, min_adopters: int, limit: int) -> list[Innovation]:
    out: list[Innovation] = []
    with store.engine.connect() as c:
        mapping = canonical_map(c)
        names = _dated_names(store, c, min_adopters)
        from salon.lake.postread import lake_tag_firsts

        tags = _tag_spans(c, mapping, lake_tag_firsts(store, c))
    for name, adopters, first, last in tags:
        if adopters >= min_adopters:
            out.append(Innovation(name, adopters, int(first), int(last)))
    for name, n in names.items():
        if n >= min_adopters:
            times = adoption_times(store, name)
            values = list(times.values())
            if values:
                out.append(Innovation(name, len(times), int(min(values)), int(max(values))))
    out.sort(key=lambda i: (-i.adopters, i.name))
    return out[:limit]


def _dated_names(store: Store, c: Connection, min_adopters: int) -> Counter[str]:
    """``platform:``/``channel:`` innovations with the distinct posters or senders of each
    (a lake namespace counts as ``min_adopters``)."""
    names: Counter[str] = Counter()
    for kind, column in (("platform", posts.c.platform), ("channel", posts.c.channel)):
        for value, n in c.execute(
            select(column, func.count(func.distinct(posts.c.author_id)))
            .where(column.is_not(None))
            .group_by(column)
        ):
            names[f"{kind}:{value}"] = n
    for value, n in c.execute(
        select(interactions.c.channel, func.count(func.distinct(interactions.c.src_id)))
        .where(interactions.c.channel.is_not(None))
        .group_by(interactions.c.channel)
    ):
        names[f"channel:{value}"] = max(names[f"channel:{value}"], n)
    from salon.lake.graph import lake_namespaces
    from salon.lake.postread import lake_post_authors

    for value in lake_namespaces(store, c):  # the market lake's timed edges
        names[f"channel:{value}"] = max(names[f"channel:{value}"], min_adopters)
    for name, n in lake_post_authors(store, c).items():  # the market lake's posts
        names[name] = max(names[name], n)
    return names


def place_innovations(store: Store, *, min_adopters: int = 2, limit: int = 50) -> list[str]:
    """The ``platform:`` and ``channel:`` names of :func:`list_innovations` (same arguments),
    without dating every tag when the tags could not push any of them past ``limit``."""
    with store.engine.connect() as c:
        names = _dated_names(store, c, min_adopters)
        from salon.lake.postread import lake_tag_firsts

        lake_tags = lake_tag_firsts(store, c)
        stored = c.execute(select(posts.c.tags).where(posts.c.tags.is_not(None)).distinct())
        tags = {f"tag:{t}" for text in stored.scalars() for t in json.loads(text)}
    tags |= {f"tag:{t}" for t in lake_tags}
    places = [n for n, k in names.items() if k >= min_adopters and adoption_times(store, n)]
    if len(places) + len(tags) <= limit:  # at most limit innovations in all: none is cut
        return places
    found = list_innovations(store, min_adopters=min_adopters, limit=limit)
    return [i.name for i in found if i.name.startswith(("platform:", "channel:"))]


def _tag_spans(
    c: Connection, mapping: dict[int, int], lake: dict[str, dict[int, float]]
) -> list[tuple[str, int, float, float]]:
    """``(tag:NAME, adopters, first adoption, last adoption)`` of every tag of the store's
    timed posts with an author and of the lake's ``{tag: {person: first time}}``, read in
    bulk: each distinct tag list is parsed once, then the (tag, person, time) triples are
    grouped in NumPy."""
    codes: dict[str, int] = {}  # tag:NAME -> code
    lists: dict[str, int] = {}  # a post's tags as stored -> its number
    numbers, pairs = [], []
    stmt = select(posts.c.author_id, posts.c.at, posts.c.tags).where(posts.c.tags.is_not(None))
    for chunk in fetch_chunks(c, stmt):
        authors, times, texts = zip(*chunk, strict=True)
        numbers.append(
            np.fromiter((lists.setdefault(t, len(lists)) for t in texts), np.int64, len(texts))
        )
        pairs.append(np.array([authors, times], dtype=np.float64).T)
    parsed = [[codes.setdefault(f"tag:{t}", len(codes)) for t in json.loads(x)] for x in lists]
    lengths = np.array([len(p) for p in parsed], np.int64)
    flat = np.fromiter((t for p in parsed for t in p), np.int64, int(lengths.sum()))
    offsets = np.cumsum(lengths) - lengths
    number = np.concatenate(numbers) if numbers else np.zeros(0, np.int64)
    block = np.concatenate(pairs) if pairs else np.zeros((0, 2))
    keep = ~np.isnan(block).any(axis=1)  # a post without an author or a time adopts nothing
    number, block = number[keep], block[keep]
    # One (tag, person, time) triple per tag of each post.
    per_post = lengths[number]
    post = np.repeat(np.arange(len(number)), per_post)
    within = np.arange(len(post)) - np.repeat(np.cumsum(per_post) - per_post, per_post)
    tag_parts = [flat[offsets[number][post] + within]]
    people_parts = [block[post, 0].astype(np.int64)]
    time_parts = [block[post, 1]]
    for tag, found in lake.items():
        code = codes.setdefault(f"tag:{tag}", len(codes))
        tag_parts.append(np.full(len(found), code, np.int64))
        people_parts.append(np.fromiter(found.keys(), np.int64, len(found)))
        time_parts.append(np.fromiter(found.values(), np.float64, len(found)))
    tag = np.concatenate(tag_parts)
    person = canonical_ids(np.concatenate(people_parts), mapping)
    at = np.concatenate(time_parts)
    if not len(tag):
        return []
    # Each (tag, person)'s first time, then per tag: adopters, first and last of those.
    order = np.lexsort((at, person, tag))
    tag, person, at = tag[order], person[order], at[order]
    head = np.ones(len(tag), bool)
    head[1:] = (tag[1:] != tag[:-1]) | (person[1:] != person[:-1])
    tag, at = tag[head], at[head]
    starts = np.flatnonzero(np.r_[True, tag[1:] != tag[:-1]])
    adopters = np.diff(np.r_[starts, len(tag)])
    first = np.minimum.reduceat(at, starts)
    last = np.maximum.reduceat(at, starts)
    names = list(codes)
    return [
        (names[t], int(n), float(f), float(la))
        for t, n, f, la in zip(
            tag[starts].tolist(), adopters.tolist(), first.tolist(), last.tolist(), strict=True
        )
    ]
