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

from sqlalchemy import func, select

from salon.errors import SalonError
from salon.store.database import Store
from salon.store.merges import canonical_map, groups
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


def _earliest(pairs, mapping: dict[int, int]) -> dict[int, float]:  # type: ignore[no-untyped-def]
    first: dict[int, float] = {}
    for pid, at in pairs:
        if pid is None or at is None:
            continue
        pid = mapping.get(pid, pid)
        if pid not in first or at < first[pid]:
            first[pid] = float(at)
    return first


def adoption_times(store: Store, innovation: str, *, lake: bool = True) -> dict[int, float]:
    """``{canonical person: first time}`` for an innovation named ``KIND:VALUE``; with
    ``lake``, ``channel:``/``platform:`` also count the market lake's timed edges of that
    namespace."""
    kind, _, value = innovation.partition(":")
    if lake and kind in ("channel", "platform") and os.environ.get("SALON_ENGINE") == "spark":
        from salon.lake import spark

        return spark.adoption_times(spark.session(), store, innovation)
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
            rows = c.execute(
                select(posts.c.author_id, posts.c.at).where(posts.c.tags.like(pattern))
            )
            found = _earliest(rows, mapping)
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
            return _earliest(rows, mapping)
        column = posts.c.platform if kind == "platform" else posts.c.channel
        found = _earliest(
            c.execute(select(posts.c.author_id, posts.c.at).where(column == value)), mapping
        )
        more = _earliest(
            c.execute(
                select(interactions.c.src_id, interactions.c.at).where(
                    interactions.c.channel == value
                )
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


def _merge(found: dict[int, float], more: dict[int, float], mapping: dict[int, int]) -> None:
    """Keep in ``found`` the earlier time of each (canonical) person of ``more``."""
    for pid, at in more.items():
        pid = mapping.get(pid, pid)
        if pid not in found or at < found[pid]:
            found[pid] = at


def list_innovations(store: Store, *, min_adopters: int = 2, limit: int = 50) -> list[Innovation]:
    """What the store can date, most adopted first."""
    out: list[Innovation] = []
    with store.engine.connect() as c:
        mapping = canonical_map(c)
        firsts: dict[str, dict[int, float]] = {}
        for author, at, tags in c.execute(
            select(posts.c.author_id, posts.c.at, posts.c.tags).where(posts.c.tags.is_not(None))
        ):
            if author is None or at is None:
                continue
            pid = mapping.get(author, author)
            for tag in json.loads(tags):
                times = firsts.setdefault(f"tag:{tag}", {})
                if pid not in times or at < times[pid]:
                    times[pid] = at
        names = Counter()
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
        from salon.lake.postread import lake_post_authors, lake_tag_firsts

        for value in lake_namespaces(store, c):  # the market lake's timed edges
            names[f"channel:{value}"] = max(names[f"channel:{value}"], min_adopters)
        for name, n in lake_post_authors(store, c).items():  # the market lake's posts
            names[name] = max(names[name], n)
        for tag, times in lake_tag_firsts(store, c).items():
            _merge(firsts.setdefault(f"tag:{tag}", {}), times, mapping)
    for name, times in firsts.items():
        if len(times) >= min_adopters:
            values = list(times.values())
            out.append(Innovation(name, len(times), int(min(values)), int(max(values))))
    for name, n in names.items():
        if n >= min_adopters:
            times = adoption_times(store, name)
            values = list(times.values())
            if values:
                out.append(Innovation(name, len(times), int(min(values)), int(max(values))))
    out.sort(key=lambda i: (-i.adopters, i.name))
    return out[:limit]
