"""A collection job's follows on their way to the market lake (``salon collect … --lake``).

In lake mode a job writes the ``follow`` ties it collects to the lake, not the store. Each
wave's follows are appended to a spool file in the job's folder (``lake/part-K.jsonl``, one
edge a line) before the wave's store transaction commits; the job's state names how many lines
of the spool are committed, so a job killed at any moment resumes with the spool cut back to its
last committed wave, exactly as its cursors are. When a part holds :data:`BATCH` edges, and when
the job ends (done, budget spent, failed), the part lands in the lake with :func:`salon.land`
(one import each, de-duplicated by key: a part landed twice adds nothing) and the next part
begins. Landing in parts, not a wave at a time, keeps the lake to one partition per
:data:`BATCH` edges and each anti-join to a few.

A market node is ``(namespace, id)`` from a person's first identity key (Bluesky: its DID,
Mastodon: ``user@host``). The profile of an account met in a follow listing (its name, handle,
headline) goes to the store only when the lake's promotion rule makes it a person: the store
knew it when the job started, or a follow links it to someone the store knew then (the job
counts as one import: people it promoted do not promote their own neighbours, or a deep crawl
would make everyone a person). Profiles of accounts named on their own (``salon collect bluesky @ana``), posts and
reposts go to the store as without ``--lake``.
"""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from sqlalchemy import select

from salon.model import Person, PersonRef, Record, Tie, identity
from salon.private import open_private, private_dir
from salon.store import Store
from salon.store.schema import identities

#: Edges a spool part gathers before it lands (and the most it holds in memory then).
BATCH = 200_000
#: Identity kinds a collected account's node is known by in the store.
NODE_KINDS = ("id", "handle")


def market_crawl(options: dict[str, Any]) -> bool:
    """The default of ``--lake``: a crawl two levels deep or more (followers of followers:
    thousands to millions of accounts) sends its follows to the lake.

    >>> market_crawl({"depth": 2}), market_crawl({"depth": 1})
    (True, False)
    """
    return int(options.get("depth") or 0) >= 2


def _node(ref: PersonRef) -> tuple[str, str] | None:
    """``(namespace, id)`` of an account: its first identity key's platform and value."""
    if not ref.keys or ref.is_self or not ref.keys[0][0]:
        return None
    return ref.keys[0][0], ref.keys[0][2]


def _follow(record: Record) -> tuple[tuple[tuple[str, str], PersonRef], ...] | None:
    """The two ends (node, reference) of a follow between two accounts of one namespace."""
    if not isinstance(record, Tie) or record.kind != "follow":
        return None
    src, dst = _node(record.src), _node(record.dst)
    if src is None or dst is None or src[0] != dst[0]:
        return None
    return (src, record.src), (dst, record.dst)


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
        self.landed = 0  # follows landed by the job (its parts before the current one)
        self.added = 0  # of them, new to the lake
        self.promoted = 0  # people rows the landing promoted

    # -- state ---------------------------------------------------------------------------

    def start(self, state: dict[str, Any] | None) -> None:
        """Resume from a saved state (the spool cut back to its committed lines), or start
        anew: the people the store knows now are the ones that promote their neighbours."""
        from salon.collect.job import Job, write_atomic

        if state is not None and self.known_path.exists():
            self.part = int(state["part"])
            self.spooled = self.committed = int(state["spooled"])
            self.landed, self.added = int(state["landed"]), int(state["added"])
            self.promoted = int(state["promoted"])
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
        return {
            "part": self.part,
            "spooled": self.committed,
            "landed": self.landed,
            "added": self.added,
            "promoted": self.promoted,
        }

    def _path(self, part: int) -> Path:
        return self.folder / f"part-{part:05d}.jsonl"

    def clean(self, part: int) -> None:
        """Delete the parts before ``part`` (landed, and the saved state says so)."""
        for old in self.folder.glob("part-*.jsonl"):
            if old.name < self._path(part).name:
                old.unlink(missing_ok=True)

    # -- a wave --------------------------------------------------------------------------

    def split(self, records: list[Record]) -> list[Record]:
        """Spool a page's follows; what of the page goes to the store (see the module)."""
        edges: list[tuple[str, str, str, str]] = []
        refs: dict[tuple[str, str], PersonRef] = {}
        for record in records:
            ends = _follow(record)
            if ends is not None:
                (src, src_ref), (dst, dst_ref) = ends
                edges.append((src[0], src[1], dst[1], "follow"))
                refs.setdefault(src, src_ref)
                refs.setdefault(dst, dst_ref)
        if not edges:
            return [self._ids(r) for r in records]
        self._spool(edges)
        ns, known = self.namespace, self.known
        people = {n for n in refs if n[0] == ns and n[1] in known}
        for e_ns, src, dst, _ in edges:
            if e_ns == ns and src in known:
                people.add((ns, dst))
            if e_ns == ns and dst in known:
                people.add((ns, src))
        kept: list[Record] = []
        written: set[tuple[str, str]] = set()
        for record in records:
            if _follow(record) is not None:
                continue
            node = _node(record.ref) if isinstance(record, Person) else None
            if node in refs:
                if node not in people:
                    continue
                written.add(node)  # type: ignore[arg-type]
            kept.append(self._ids(record))
        kept.extend(self._ids(Person(refs[n])) for n in sorted(people - written))
        return kept

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

    def _spool(self, edges: list[tuple[str, str, str, str]]) -> None:
        path = self._path(self.part)
        if not path.exists():
            with open_private(path, "w", encoding="utf-8"):
                pass
        with open(path, "a", encoding="utf-8") as out:
            out.writelines(json.dumps(e, separators=(",", ":")) + "\n" for e in edges)
            out.flush()
            os.fsync(out.fileno())
        self.spooled += len(edges)

    def commit(self) -> None:
        """The wave's store transaction is committed: its spooled follows count."""
        self.committed = self.spooled

    def full(self) -> bool:
        return self.committed >= BATCH  # read when asked: a test may lower it

    def land(self) -> None:
        """Land the current part in the lake (one import per namespace; nothing new: no
        trace), then begin the next part."""
        import salon

        if not self.committed:
            return
        by_namespace: dict[str, dict[str, list[Any]]] = {}
        with open(self._path(self.part), encoding="utf-8") as stream:
            for number, line in enumerate(stream, start=1):
                if number > self.committed:
                    break
                ns, src, dst, kind = json.loads(line)
                columns = by_namespace.setdefault(
                    ns, {"src": [], "dst": [], "kind": [], "line": []}
                )
                for name, value in zip(columns, (src, dst, kind, number), strict=True):
                    columns[name].append(value)
        for ns, columns in sorted(by_namespace.items()):
            known: Iterable[str] = self.known if ns == self.namespace else ()
            done = salon.land(
                self.store,
                ns,
                columns,
                source=f"{self.label}, follows part {self.part}",
                known=known,
            )
            self.added += done.edges
            self.promoted += done.people
        self.landed += self.committed
        self.part += 1
        self.spooled = self.committed = 0
