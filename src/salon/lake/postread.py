"""Reading the lake's posts for analytics (conversation tables, adoption times, segments),
in DuckDB over the Parquet files; authors are person ids as in :mod:`salon.lake.graph`
(negative for market nodes that are no person)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from sqlalchemy import Connection

from salon.lake.graph import _duck, _scan, node_people, open_lake
from salon.lake.layout import LakeError, require_intact

if TYPE_CHECKING:
    from salon.store.database import Store


def _open(store: Store, connection: Connection) -> tuple[Any, Any, Any, np.ndarray] | None:
    """``(db, posts scan, folder, people by node code)`` when the lake holds posts."""
    found = open_lake(store, connection)
    if found is None or not found[1].posts:
        return None
    folder, manifest = found
    require_intact(folder, manifest)
    db = _duck()
    people = node_people(connection, folder, manifest, db)
    return db, _scan(folder, manifest, "posts"), folder, people


@contextlib.contextmanager
def _reading(folder: Path) -> Iterator[None]:
    """A posts partition DuckDB cannot read (damaged at the same size) as a :class:`LakeError`."""
    import duckdb

    try:
        yield
    except (duckdb.IOException, duckdb.InvalidInputException) as exc:
        raise LakeError(
            f"A lake posts partition under '{folder / 'posts'}' cannot be read "
            f"({str(exc).splitlines()[0]}). Run 'salon lake check' to find it and the repair."
        ) from None


def lake_posts(
    store: Store, connection: Connection, *, since: int | None = None
) -> dict[str, Any] | None:
    """The lake's posts in time order (no time first, then by import and line), as columns:
    ``keys`` (``namespace:id``), ``authors`` (person ids), ``times`` (nan unknown),
    ``texts``, ``tags``, ``channels`` (the channel, else the namespace), ``reply_to``
    (``namespace:id`` of the parent, or ``None``); ``None`` when the lake holds no posts."""
    opened = _open(store, connection)
    if opened is None:
        return None
    db, posts, folder, people = opened
    where = f'WHERE "at" >= {int(since)}' if since is not None else ""
    with _reading(folder), contextlib.closing(db):
        table = db.sql(
            f"""SELECT namespace || ':' || id AS key, author, "at",
                coalesce(text, '') AS text, tags, coalesce(channel, namespace) AS channel,
                CASE WHEN reply_to IS NOT NULL THEN namespace || ':' || reply_to END AS parent
            FROM {posts} {where} ORDER BY "at" NULLS FIRST, import, line"""
        ).to_arrow_table()
    at = table["at"].to_numpy(zero_copy_only=False)
    return {
        "keys": table["key"].to_pylist(),
        "authors": people[np.asarray(table["author"].to_numpy(), np.int64)],
        "times": np.asarray(at, np.float64),
        "texts": table["text"].to_pylist(),
        "tags": [tuple(t or ()) for t in table["tags"].to_pylist()],
        "channels": table["channel"].to_pylist(),
        "reply_to": table["parent"].to_pylist(),
    }


def lake_post_firsts(
    store: Store,
    connection: Connection,
    *,
    tag: str | None = None,
    channel: str | None = None,
    namespace: str | None = None,
) -> dict[int, float]:
    """``{person: first time}`` each author posted with ``tag``, in ``channel`` or in
    ``namespace`` (the platform), from the lake's timed posts (before merges)."""
    opened = _open(store, connection)
    if opened is None:
        return {}
    db, posts, folder, people = opened
    conditions = ['"at" IS NOT NULL']
    params: dict[str, str] = {}
    if tag is not None:
        conditions.append("list_contains(tags, $tag)")
        params["tag"] = tag
    if channel is not None:
        conditions.append("channel = $channel")
        params["channel"] = channel
    if namespace is not None:
        conditions.append("namespace = $namespace")
        params["namespace"] = namespace
    with _reading(folder), contextlib.closing(db):
        rows = db.execute(
            f'SELECT author, min("at") AS first FROM {posts} '
            f"WHERE {' AND '.join(conditions)} GROUP BY author",
            params,
        ).fetchnumpy()
    return _by_person(people, rows["author"], rows["first"])


def _by_person(people: np.ndarray, codes: Any, firsts: Any) -> dict[int, float]:
    """``{person: earliest}`` (two nodes may be one person)."""
    out: dict[int, float] = {}
    for person, at in zip(
        people[np.asarray(codes, np.int64)].tolist(),
        np.asarray(firsts, np.float64).tolist(),
        strict=True,
    ):
        if person not in out or at < out[person]:
            out[person] = at
    return out


def lake_tag_firsts(store: Store, connection: Connection) -> dict[str, dict[int, float]]:
    """``{tag: {person: first time}}`` over the lake's timed posts."""
    opened = _open(store, connection)
    if opened is None:
        return {}
    db, posts, folder, people = opened
    with _reading(folder), contextlib.closing(db):
        rows = db.execute(
            f"""SELECT tag, author, min("at") AS first
            FROM (SELECT unnest(tags) AS tag, author, "at" FROM {posts} WHERE "at" IS NOT NULL)
            GROUP BY tag, author ORDER BY tag"""
        ).fetchnumpy()
    tags = np.asarray(rows["tag"], dtype=object)
    starts = np.flatnonzero(np.r_[True, tags[1:] != tags[:-1]]) if len(tags) else []
    bounds = [*starts, len(tags)]
    return {  # rows come ordered by tag: one slice a tag
        str(tags[a]): _by_person(people, rows["author"][a:b], rows["first"][a:b])
        for a, b in pairwise(bounds)
    }


def lake_post_authors(store: Store, connection: Connection) -> dict[str, int]:
    """``{"platform:NS" / "channel:NAME": distinct authors}`` of the lake's posts."""
    opened = _open(store, connection)
    if opened is None:
        return {}
    db, posts, folder, _ = opened
    with _reading(folder), contextlib.closing(db):
        rows = db.execute(
            f"""SELECT 'platform:' || namespace, count(DISTINCT author) FROM {posts} GROUP BY 1
            UNION ALL SELECT 'channel:' || channel, count(DISTINCT author) FROM {posts}
            WHERE channel IS NOT NULL GROUP BY 1"""
        ).fetchall()
    return {name: int(n) for name, n in rows}


def lake_tag_members(store: Store, connection: Connection, tag: str) -> set[int]:
    """Person ids of the lake's authors of a post with ``tag`` (segment ``tag:``)."""
    opened = _open(store, connection)
    if opened is None:
        return set()
    db, posts, folder, people = opened
    with _reading(folder), contextlib.closing(db):
        codes = db.execute(
            f"SELECT DISTINCT author FROM {posts} WHERE list_contains(tags, $tag)", {"tag": tag}
        ).fetchnumpy()["author"]
    return set(people[np.asarray(codes, np.int64)].tolist())


def lake_post_counts(store: Store, connection: Connection) -> dict[str, dict[int, int]]:
    """``{"posts": {person: n}, "linked_posts": {person: n}}`` of the lake's posts (before
    merges; ``linked_posts``: a link in the text, as the store counts them)."""
    opened = _open(store, connection)
    if opened is None:
        return {}
    db, posts, folder, people = opened
    with _reading(folder), contextlib.closing(db):
        rows = db.execute(
            f"""SELECT author, count(*) AS posts,
                count(*) FILTER (WHERE text LIKE '%http%') AS linked
            FROM {posts} GROUP BY author"""
        ).fetchnumpy()
    persons = people[np.asarray(rows["author"], np.int64)].tolist()
    out: dict[str, dict[int, int]] = {"posts": {}, "linked_posts": {}}
    for name, column in (("posts", "posts"), ("linked_posts", "linked")):
        for person, n in zip(persons, rows[column].tolist(), strict=True):
            if n:
                out[name][person] = out[name].get(person, 0) + int(n)
    return out


def lake_post_span(
    store: Store, connection: Connection, kind: str, value: str
) -> tuple[int | None, int | None, list[str]]:
    """``(first, last, namespaces)`` of the lake's posts in the namespaces an innovation
    (``tag:``, ``platform:``, ``channel:``) was seen on, as the store's
    :func:`salon.store.facts.innovation_window` reads its posts."""
    opened = _open(store, connection)
    if opened is None:
        return None, None, []
    db, posts, folder, _ = opened
    where = {
        "tag": "list_contains(tags, $v)",
        "platform": "namespace = $v",
        "channel": "channel = $v",
    }.get(kind)
    if where is None:
        db.close()
        return None, None, []
    with _reading(folder), contextlib.closing(db):
        namespaces = [
            r[0]
            for r in db.execute(
                f"SELECT DISTINCT namespace FROM {posts} WHERE {where} ORDER BY 1", {"v": value}
            ).fetchall()
        ]
        first, last = db.execute(
            f'SELECT min("at"), max("at") FROM {posts} WHERE list_contains($ns, namespace)',
            {"ns": namespaces},
        ).fetchall()[0]
    return first, last, namespaces
