"""Posts as arrays for the conversation analytics: the one place that reads them from the
store (as graph snapshots do for the graph), authors mapped to canonical people."""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np
from sqlalchemy import select

from salon.store.database import Store
from salon.store.merges import canonical_map
from salon.store.schema import posts


@dataclass
class PostTable:
    """Posts as parallel arrays (what topic and channel analytics need)."""

    ids: np.ndarray  # row ids
    keys: list[str]  # platform:post_key
    authors: np.ndarray  # canonical person ids (-1 unknown)
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
    """Every post with text or tags (and the posts they answer), in time order."""
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
        rows = c.execute(stmt.order_by(posts.c.at, posts.c.id)).all()
    keys = [f"{r.platform}:{r.post_key}" for r in rows]
    index = {k: i for i, k in enumerate(keys)}
    parents = np.array(
        [index.get(f"{r.platform}:{r.reply_to}", -1) if r.reply_to else -1 for r in rows],
        dtype=np.int64,
    )
    authors = np.array(
        [mapping.get(r.author_id, r.author_id) if r.author_id is not None else -1 for r in rows],
        dtype=np.int64,
    )
    return PostTable(
        ids=np.array([r.id for r in rows], dtype=np.int64),
        keys=keys,
        authors=authors,
        times=np.array([np.nan if r.at is None else float(r.at) for r in rows]),
        texts=[r.text or "" for r in rows],
        tags=[tuple(json.loads(r.tags)) if r.tags else () for r in rows],
        channels=[r.channel or r.platform for r in rows],
        parents=parents,
        is_reply=np.array([bool(r.reply_to) for r in rows], dtype=bool),
    )
