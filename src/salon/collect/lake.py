"""A collection job's follows and posts on their way to the market lake (``salon collect …
--lake``).

In lake mode a job writes what it collects about the market to the lake, not the store: the
``follow`` ties (:func:`salon.land`), the posts with their replies, quotes and mentions
(:func:`salon.land_posts`), and reposts by someone else than the author (timed ``repost``
edges). Each wave's share is appended to a spool file in the job's folder
(``lake/part-K.jsonl``, one edge or record a line) before the wave's store transaction commits;
the job's state names how many lines of the spool are committed, so a job killed at any moment
resumes with the spool cut back to its last committed wave, exactly as its cursors are. When a
part holds :data:`BATCH` lines, and when the job ends (done, budget spent, failed), the part
lands in the lake (one import for its edges, one for its posts, de-duplicated by key: a part
landed twice adds nothing) and the next part begins. Landing in parts, not a wave at a time,
keeps the lake to one partition per :data:`BATCH` lines and each anti-join to a few.

A market node is ``(namespace, id)`` from a person's first identity key (Bluesky: its DID,
Mastodon: ``user@host``). The profile of an account met in a follow listing (its name, handle,
headline) goes to the store only when the lake's promotion rule makes it a person: the store
knew it when the job started, or a follow links it to someone the store knew then (the job
counts as one import: people it promoted do not promote their own neighbours, or a deep crawl
would make everyone a person). Profiles of accounts named on their own (``salon collect
bluesky @ana``) go to the store as without ``--lake``, and so do posts whose author is no
market node of the post's platform (an RSS feed's entries).
"""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path
from typing import Any

from sqlalchemy import select

from salon.model import Interaction, Person, PersonRef, Post, Record, Tie, identity
from salon.private import open_private, private_dir
from salon.store import Store
from salon.store.schema import identities

#: Lines (edges, posts) a spool part gathers before it lands (and holds in memory then).
BATCH = 200_000
#: Identity kinds a collected account's node is known by in the store.
NODE_KINDS = ("id", "handle")
#: A market node: ``(namespace, id)``.
Node = tuple[str, str]


def market_crawl(options: dict[str, Any]) -> bool:
    """The default of ``--lake``: a crawl two levels deep or more (followers of followers:
    thousands to millions of accounts) sends its follows to the lake.

    >>> market_crawl({"depth": 2}), market_crawl({"depth": 1})
    (True, False)
    """
    return int(options.get("depth") or 0) >= 2


def _node(ref: PersonRef) -> Node | None:
    """``(namespace, id)`` of an account: its first identity key's platform and value."""
    if not ref.keys or ref.is_self or not ref.keys[0][0]:
        return None
    return ref.keys[0][0], ref.keys[0][2]


def _follow(record: Record) -> tuple[tuple[Node, PersonRef], ...] | None:
    """The two ends (node, reference) of a follow between two accounts of one namespace."""
    if not isinstance(record, Tie) or record.kind != "follow":
        return None
    src, dst = _node(record.src), _node(record.dst)
    if src is None or dst is None or src[0] != dst[0]:
        return None
    return (src, record.src), (dst, record.dst)


def _encode(record: Record) -> str:
    """A post or an interaction as one JSON line of the spool."""
    data: dict[str, Any] = {}
    for f in dataclasses.fields(record):  # type: ignore[arg-type]
        value = getattr(record, f.name)
        data[f.name] = value._asdict() if isinstance(value, PersonRef) else value
    return json.dumps(["p" if isinstance(record, Post) else "i", data], separators=(",", ":"))


def _decode(kind: str, data: dict[str, Any]) -> Record:
    for name, value in data.items():
        if isinstance(value, dict):
            keys = tuple(tuple(k) for k in value["keys"])
            data[name] = PersonRef(keys, value["name"], value["is_self"])  # type: ignore[arg-type]
    if kind == "p":
        data["tags"] = tuple(data["tags"])
        return Post(**data)
    return Interaction(**data)


class LakeSpool:
    """The lake side of one job: the people known at its start, the spool, the landing."""

    def __init__(self, store: Store, folder: Path, namespace: str, label: str) -> None:
        self.store = store
        self.folder = private_dir(folder)
        self.namespace = namespace
        self.label = label
        self.known_path = self.folder / "known.txt"
        self.known: set[str] = set()
        self.part = 0
        self.spooled = 0  # lines in the current part
        self.committed = 0  # of them, those of waves the store committed
        #: edges and posts landed by the job (its parts before the current one), and of them
        #: those new to the lake; people rows the landing promoted
        self.counts = dict.fromkeys(("edges", "edges_added", "posts", "posts_added"), 0)
        self.counts["promoted"] = 0

    # -- state ---------------------------------------------------------------------------

    def start(self, state: dict[str, Any] | None) -> None:
        """Resume from a saved state (the spool cut back to its committed lines), or start
        anew: the people the store knows now are the ones that promote their neighbours."""
        from salon.collect.job import Job, write_atomic

        if state is not None and self.known_path.exists():
            self.part = int(state["part"])
            self.spooled = self.committed = int(state["spooled"])
            self.counts = {k: int(state[k]) for k in self.counts}
            self.known = set(self.known_path.read_text(encoding="utf-8").splitlines())
            Job._truncate(self._path(self.part), self.spooled)
            self.clean(self.part)
            return
        for old in self.folder.glob("part-*.jsonl"):
            old.unlink()
        with self.store.engine.connect() as c:
            self.known = set(
                c.execute(
                    select(identities.c.value).where(
                        identities.c.platform == self.namespace,
                        identities.c.kind.in_(NODE_KINDS),
                    )
                ).scalars()
            )
        write_atomic(self.known_path, "".join(f"{k}\n" for k in sorted(self.known)))

    def state(self) -> dict[str, int]:
        return {"part": self.part, "spooled": self.committed, **self.counts}

    def _path(self, part: int) -> Path:
        return self.folder / f"part-{part:05d}.jsonl"

    def clean(self, part: int) -> None:
        """Delete the parts before ``part`` (landed, and the saved state says so)."""
        for old in self.folder.glob("part-*.jsonl"):
            if old.name < self._path(part).name:
                old.unlink(missing_ok=True)

    # -- a wave --------------------------------------------------------------------------

    def split(self, records: list[Record]) -> list[Record]:
        """Spool a page's share of the lake; what of the page goes to the store (see the
        module)."""
        records = [self._ids(r) for r in records]
        lines: list[str] = []
        refs: dict[Node, PersonRef] = {}
        follows: list[tuple[Node, Node]] = []
        posts = {r.key: r for r in records if isinstance(r, Post) and _market_post(r)}
        kept: list[Record] = []
        for record in records:
            ends = _follow(record)
            if ends is not None:
                (src, src_ref), (dst, dst_ref) = ends
                lines.append(_edge(src[0], src[1], dst[1], "follow", None))
                follows.append((src, dst))
                refs.setdefault(src, src_ref)
                refs.setdefault(dst, dst_ref)
            elif isinstance(record, Post) and record.key in posts:
                lines.append(_encode(record))
            elif isinstance(record, Interaction) and record.dst is not None:
                post = posts.get(record.ref or "")
                src, dst = _node(record.src), _node(record.dst)
                if post is not None and post.author and _node(post.author) == src:
                    lines.append(_encode(record))  # the post's own reply, quote, mention
                elif src and dst and src[0] == dst[0] and src != dst:
                    lines.append(_edge(src[0], src[1], dst[1], record.kind, record.at))
                else:
                    kept.append(record)
            else:
                kept.append(record)
        if lines:
            self._spool(lines)
        if not follows:
            return kept
        ns, known = self.namespace, self.known
        people = {n for n in refs if n[0] == ns and n[1] in known}
        for src, dst in follows:
            if src[0] == ns and src[1] in known:
                people.add(dst)
            if dst[0] == ns and dst[1] in known:
                people.add(src)
        out: list[Record] = []
        written: set[Node] = set()
        for record in kept:
            node = _node(record.ref) if isinstance(record, Person) else None
            if node in refs:
                if node not in people:
                    continue
                written.add(node)  # type: ignore[arg-type]
            out.append(record)
        out.extend(Person(refs[n]) for n in sorted(people - written))
        return out

    def _ids(self, record: Record) -> Record:
        """``record`` with the ``namespace:id:ID`` key on each account of the job's
        namespace that lacks one (a Mastodon ``user@host``), as the lake names its node."""
        changes = {}
        for f in dataclasses.fields(record):  # type: ignore[arg-type]
            ref = getattr(record, f.name)
            if isinstance(ref, PersonRef) and ref.keys and ref.keys[0][0] == self.namespace:
                first = ref.keys[0]
                if first[1] != "id" and (first[0], "id", first[2]) not in ref.keys:
                    keys = (*ref.keys, identity(first[0], "id", first[2]))
                    changes[f.name] = ref._replace(keys=keys)
        return dataclasses.replace(record, **changes) if changes else record  # type: ignore[type-var]

    def _spool(self, lines: list[str]) -> None:
        path = self._path(self.part)
        if not path.exists():
            with open_private(path, "w", encoding="utf-8"):
                pass
        with open(path, "a", encoding="utf-8") as out:
            out.writelines(line + "\n" for line in lines)
            out.flush()
            os.fsync(out.fileno())
        self.spooled += len(lines)

    def commit(self) -> None:
        """The wave's store transaction is committed: its spooled lines count."""
        self.committed = self.spooled

    def full(self) -> bool:
        return self.committed >= BATCH  # read when asked: a test may lower it

    def land(self) -> None:
        """Land the current part in the lake (its edges, then its posts, one import each per
        namespace; nothing new: no trace), then begin the next part."""
        import salon

        if not self.committed:
            return
        edges: dict[str, dict[str, list[Any]]] = {}
        posts: dict[str, list[Record]] = {}
        seen: set[str] = set()  # a repost or post seen in two pages is one event
        with open(self._path(self.part), encoding="utf-8") as stream:
            for number, text in enumerate(stream, start=1):
                if number > self.committed:
                    break
                line = json.loads(text)
                if line[0] != "e":
                    line[1]["line"] = 0
                    text = json.dumps(line, sort_keys=True)
                if text in seen:
                    continue
                seen.add(text)
                if line[0] == "e":
                    _, ns, src, dst, kind, at = line
                    columns = edges.setdefault(ns, {k: [] for k in _EDGE_COLUMNS})
                    for name, value in zip(
                        _EDGE_COLUMNS, (src, dst, kind, at, number), strict=True
                    ):
                        columns[name].append(value)
                else:
                    record = _decode(*line)
                    ns = record.platform if isinstance(record, Post) else record.src.keys[0][0]  # type: ignore[union-attr]
                    posts.setdefault(ns, []).append(dataclasses.replace(record, line=number))  # type: ignore[type-var]
        source = f"{self.label}, part {self.part}"
        for ns, columns in sorted(edges.items()):
            columns["at"] = pa_int64(columns["at"])
            done = salon.land(self.store, ns, columns, source=source, known=self._known(ns))
            self.counts["edges"] += len(columns["src"])
            self.counts["edges_added"] += done.edges
            self.counts["promoted"] += done.people
        for ns, records in sorted(posts.items()):
            found = salon.land_posts(self.store, ns, records, source=source, known=self._known(ns))
            self.counts["posts"] += sum(isinstance(r, Post) for r in records)
            self.counts["posts_added"] += found.posts
            self.counts["edges_added"] += found.edges
            self.counts["promoted"] += found.people
        self.part += 1
        self.spooled = self.committed = 0

    def _known(self, namespace: str) -> list[str]:
        return sorted(self.known) if namespace == self.namespace else []


_EDGE_COLUMNS = ("src", "dst", "kind", "at", "line")


def _edge(namespace: str, src: str, dst: str, kind: str, at: int | None) -> str:
    return json.dumps(["e", namespace, src, dst, kind, at], separators=(",", ":"))


def _market_post(post: Post) -> bool:
    """A post the lake takes: its author is a market node of the post's platform."""
    if post.author is None or not post.author.keys or post.author.keys[0][0] != post.platform:
        return False
    return any(k[0] == post.platform and k[1] == "id" for k in post.author.keys)


def pa_int64(values: list[int | None]) -> Any:
    """Times as an Arrow int64 column (a column of only ``None`` has no type of its own)."""
    import pyarrow as pa

    return pa.array(values, pa.int64())
