"""Posts as arrays for the conversation analytics: the one place that reads them from the
store and the market lake (as graph snapshots do for the graph), authors mapped to canonical
people (market nodes of the lake: negative ids)."""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np
from sqlalchemy import select

from salon.lake.postread import lake_posts
from salon.store import memo
from salon.store.bulk import fetch_chunks
from salon.store.database import Store
from salon.store.merges import canonical_ids, canonical_map
from salon.store.schema import posts

#: The author of a post whose author the store does not know (market nodes have negative ids).
UNKNOWN = int(np.iinfo(np.int64).min)


@dataclass
class PostTable:
    """Posts as parallel arrays (what topic and channel analytics need)."""

    ids: np.ndarray  # row ids
    keys: list[str]  # platform:post_key
    authors: np.ndarray  # canonical person ids (negative: market nodes; UNKNOWN: none)
    times: np.ndarray  # epoch seconds (nan unknown)
    texts: list[str]
    tags: list[tuple[str, ...]]
    channels: list[str]  # where each was posted
    parents: np.ndarray  # row index of the post answered (-1 none or not in the store)
    is_reply: np.ndarray  # answers a post, known to the store or not

    @property
    def n(self) -> int:
        return len(self.keys)


def load_posts(store: Store, *, since: int | None = None) -> PostTable:
    """Every post with text or tags (and the posts they answer), in time order (read once
    per memo scope: not to be changed)."""
    return memo.once(store, ("posts", since), lambda: _load_posts(store, since))


def _load_posts(store: Store, since: int | None) -> PostTable:
    with store.engine.connect() as c:
        mapping = canonical_map(c)
        stmt = select(
            posts.c.id,
            posts.c.platform,
            posts.c.post_key,
            posts.c.author_id,
            posts.c.at,
            posts.c.text,
            posts.c.tags,
            posts.c.channel,
            posts.c.reply_to,
        )
        if since is not None:
            stmt = stmt.where(posts.c.at >= since)
        # Columns from the DB-API cursor in bulk: a row object each would cost a Python call.
        rows: list[tuple] = []  # type: ignore[type-arg]
        for chunk in fetch_chunks(c, stmt.order_by(posts.c.at, posts.c.id)):
            rows.extend(chunk)
        lake = lake_posts(store, c, since=since)
    ids, platforms, post_keys, author_ids, ats, texts, tags, channels, reply_to = (
        zip(*rows, strict=True) if rows else ((),) * 9
    )
    parent_keys = [f"{p}:{r}" if r else None for p, r in zip(platforms, reply_to, strict=True)]
    authors = np.array([UNKNOWN if a is None else a for a in author_ids], dtype=np.int64)
    parsed: dict[str, tuple[str, ...]] = {}  # each distinct tag list parsed once
    for text in tags:
        if text and text not in parsed:
            parsed[text] = tuple(json.loads(text))
    table = PostTable(
        ids=np.array(ids, dtype=np.int64),
        keys=[f"{p}:{k}" for p, k in zip(platforms, post_keys, strict=True)],
        authors=canonical_ids(authors, mapping),
        times=np.array(ats, dtype=np.float64).reshape(-1),
        texts=[t or "" for t in texts],
        tags=[parsed[t] if t else () for t in tags],
        channels=[ch or p for ch, p in zip(channels, platforms, strict=True)],
        parents=np.zeros(0, np.int64),
        is_reply=np.array([bool(r) for r in reply_to], dtype=bool),
    )
    if lake is not None:  # the market lake's posts (salon import --lake)
        table, parent_keys = _with_lake(table, parent_keys, lake, mapping)
    index = {k: i for i, k in enumerate(table.keys)}
    table.parents = np.array([index.get(k, -1) if k else -1 for k in parent_keys], dtype=np.int64)
    return table


def _with_lake(
    table: PostTable, parent_keys: list[str | None], lake: dict, mapping: dict[int, int]
) -> tuple[PostTable, list[str | None]]:
    """The store's posts and the lake's, in time order (no time first; ties: store first)."""
    ids = np.concatenate([table.ids, -(np.arange(len(lake["keys"]), dtype=np.int64) + 1)])
    authors = np.array([mapping.get(a, a) for a in lake["authors"].tolist()], dtype=np.int64)
    times = np.concatenate([table.times, lake["times"]])
    order = np.argsort(np.where(np.isnan(times), -np.inf, times), kind="stable")
    keys = table.keys + lake["keys"]
    texts = table.texts + lake["texts"]
    tags = table.tags + lake["tags"]
    channels = table.channels + lake["channels"]
    parents = parent_keys + lake["reply_to"]
    is_reply = np.concatenate(
        [table.is_reply, np.array([p is not None for p in lake["reply_to"]], bool)]
    )
    pick = order.tolist()
    return (
        PostTable(
            ids=ids[order],
            keys=[keys[i] for i in pick],
            authors=np.concatenate([table.authors, authors])[order],
            times=times[order],
            texts=[texts[i] for i in pick],
            tags=[tags[i] for i in pick],
            channels=[channels[i] for i in pick],
            parents=np.zeros(0, np.int64),
            is_reply=is_reply[order],
        ),
        [parents[i] for i in pick],
    )
