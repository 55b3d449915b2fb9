"""Graph snapshots: the store's ties, interactions and meetings as CSR arrays.

A snapshot is the attention graph for one choice of kinds, time window and weights: an edge
u → v when u pays attention to v, weighted by kind (:data:`ATTENTION_WEIGHTS`; a repost or a
list says more than a follow, after Cha et al. 2010) and summed over ties and events. Nodes are
canonical people (merged people are one node). Kinds that are symmetric by nature
(:data:`salon.model.SYMMETRIC_KINDS`: contact, connection, met, co-attendance, an undirected
edge list's link) name a pair once in an arbitrary direction: each such tie or interaction is
added both ways, each with its weight, so the file's row order or direction never decides who
ranks first. Meetings link every pair of their attendees both ways. Snapshots are cached on
disk (``$SALON_CACHE``, else ``~/.cache/salon``) under a key of the store's identity (a UUID
written when it was created), its URL, the choice and the store's state, so a snapshot is
rebuilt when the store changed, and a store recreated at the same path is never served the
old one's graph.

Analytics (:mod:`salon.graph.influence`, :mod:`salon.graph.communities`) are pure functions of
a :class:`GraphSnapshot`; only this module reads the store.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from sqlalchemy import Connection, func, select

from salon.model import SYMMETRIC_KINDS
from salon.private import open_private, private_dir
from salon.reporting import report
from salon.store.bulk import fetch_chunks
from salon.store.database import Store
from salon.store.merges import canonical_map
from salon.store.schema import (
    imports,
    interactions,
    meeting_attendees,
    meetings,
    merges,
    posts,
    ties,
)

#: How much attention each kind of tie or interaction says (documented in the README).
ATTENTION_WEIGHTS: dict[str, float] = {
    "follow": 1.0,
    "connection": 1.0,
    "contact": 1.0,
    "edge": 1.0,
    "invitation": 1.0,
    "like": 0.5,
    "bookmark": 0.5,
    "mention": 2.0,
    "reply": 2.0,
    "message": 2.0,
    "email": 2.0,
    "repost": 3.0,
    "quote": 3.0,
    "list": 3.0,
    "meeting": 4.0,
}
#: Meetings with more attendees than this are broadcasts, not attention between people.
MAX_MEETING_SIZE = 30
_CHUNK = 1_000_000


@dataclass(frozen=True)
class SnapshotSpec:
    """What goes into a snapshot: kinds (``None``: all), a time window, weights."""

    kinds: tuple[str, ...] | None = None
    since: int | None = None
    until: int | None = None
    weights: Mapping[str, float] = field(default_factory=lambda: dict(ATTENTION_WEIGHTS))

    def key(self) -> str:
        blob = json.dumps([self.kinds, self.since, self.until, sorted(self.weights.items())])
        return hashlib.sha256(blob.encode()).hexdigest()[:16]

    def weight(self, kind: str) -> float:
        return float(self.weights.get(kind, 1.0))


@dataclass
class GraphSnapshot:
    """A weighted directed graph in CSR form; node ``i`` is person ``people[i]``.

    ``matrix[u, v]`` is the attention u pays v. ``kinds`` holds, per kind, the same graph for
    that kind alone (the evidence behind scores). 24 bytes an edge at most: int32 indices and
    float64 weights in one CSR, plus one int32/float32 CSR per kind.
    """

    people: np.ndarray
    matrix: sp.csr_matrix
    kinds: dict[str, sp.csr_matrix] = field(default_factory=dict)
    source: Path | None = None
    """The cache file it was saved to or loaded from (``None``: not cached)."""

    def derived(self, name: str, compute: Callable[[], np.ndarray]) -> np.ndarray:
        """A per-node array that depends on this graph alone (global PageRank, core
        numbers), computed once and kept beside the cached snapshot, memory-mapped after:
        on a 10^8-edge graph a second command does not redo whole-graph work."""
        if self.source is None:
            return compute()
        path = self.source.with_name(f"{self.source.stem}.{name}.npy")
        if path.exists():
            found = np.load(path, mmap_mode="r")
            if found.shape == (self.n,):
                return found
        report(name.replace("-", " "), 0, 0)
        values = np.asarray(compute())
        tmp = path.with_suffix(".tmp.npy")
        with open_private(tmp, "wb") as out:
            np.save(out, values)
        tmp.replace(path)
        return values

    @property
    def n(self) -> int:
        return int(self.people.shape[0])

    @property
    def edges(self) -> int:
        return int(self.matrix.nnz)

    def index(self, person_ids: np.ndarray | list[int]) -> np.ndarray:
        """Node indices of people (``-1`` for people not in the graph)."""
        ids = np.asarray(person_ids, dtype=np.int64)
        pos = np.searchsorted(self.people, ids)
        pos = np.clip(pos, 0, max(self.n - 1, 0))
        found = (self.n > 0) & (self.people[pos] == ids) if self.n else np.zeros(len(ids), bool)
        return np.where(found, pos, -1)

    @classmethod
    def from_edges(
        cls,
        src: np.ndarray,
        dst: np.ndarray,
        weight: np.ndarray | None = None,
        kind: np.ndarray | None = None,
        kind_names: list[str] | None = None,
        people: np.ndarray | None = None,
    ) -> GraphSnapshot:
        """Build from edge arrays of person ids (duplicates summed, self-loops dropped)."""
        src = np.asarray(src, dtype=np.int64)
        dst = np.asarray(dst, dtype=np.int64)
        weight = np.ones(len(src)) if weight is None else np.asarray(weight, dtype=np.float64)
        keep = (src != dst) & (weight > 0)
        src, dst, weight = src[keep], dst[keep], weight[keep]
        if people is None:
            people = np.unique(np.concatenate([src, dst]))
        u = np.searchsorted(people, src).astype(np.int32)
        v = np.searchsorted(people, dst).astype(np.int32)
        kind = None if kind is None else np.asarray(kind)[keep]
        return cls.from_indices(people, u, v, weight, kind, kind_names)

    @classmethod
    def from_indices(
        cls,
        people: np.ndarray,
        u: np.ndarray,
        v: np.ndarray,
        weight: np.ndarray,
        kind: np.ndarray | None = None,
        kind_names: list[str] | None = None,
    ) -> GraphSnapshot:
        """Build from node indices into ``people`` (int32, no self-loops, positive weights;
        duplicates summed)."""
        n = len(people)
        matrix = sp.csr_matrix((weight, (u, v)), shape=(n, n), dtype=np.float64)
        matrix.sum_duplicates()
        per_kind = {}
        if kind is not None and kind_names is not None:
            present = np.flatnonzero(np.bincount(kind, minlength=len(kind_names)))
            for code in present:
                mask = slice(None) if len(present) == 1 else kind == code
                rows, cols = u[mask], v[mask]
                m = sp.csr_matrix(
                    (np.ones(len(rows), np.float32), (rows, cols)), shape=(n, n), dtype=np.float32
                )
                m.sum_duplicates()
                per_kind[kind_names[code]] = m
        return cls(people=people, matrix=matrix, kinds=per_kind)


def store_state(connection: Connection) -> str:
    """Changes whenever an import, merge or unmerge changes what a snapshot would hold."""
    last_import = connection.execute(select(func.max(imports.c.id))).scalar()
    merge_state = connection.execute(
        select(func.count(), func.max(merges.c.id), func.max(merges.c.undone_at))
    ).one()
    return json.dumps([last_import, *merge_state])


def store_identity(connection: Connection) -> str:
    """The UUID written when the store was created (or migrated to schema 0005)."""
    from salon.store.meta import IDENTITY, meta_value

    return meta_value(connection, IDENTITY) or ""


def _store_key(store: Store, connection: Connection) -> str:
    """Names a store's cache files: its identity and URL (a copy elsewhere is another store)."""
    return hashlib.sha256(f"{store_identity(connection)}|{store.url}".encode()).hexdigest()[:16]


def forget_store(store: Store) -> int:
    """Delete the cached snapshots of ``store`` (a temporary store that is going away) and
    what was derived from them; the number of snapshots deleted."""
    with store.engine.connect() as connection:
        prefix = _store_key(store, connection)
    removed = 0
    for path in cache_dir().glob(f"{prefix}-*.np[yz]"):
        path.unlink(missing_ok=True)
        removed += path.suffix == ".npz"
    return removed


def cache_dir() -> Path:
    """``$SALON_CACHE/snapshots`` or ``~/.cache/salon/snapshots``; created 0700 when saving."""
    base = os.environ.get("SALON_CACHE") or Path.home() / ".cache" / "salon"
    return Path(base) / "snapshots"


def _edges(connection: Connection, spec: SnapshotSpec) -> tuple[list[np.ndarray], list[str]]:
    """Columns src, dst, weight, kind code from the store's ties, interactions, posts and
    meetings (the market lake's edges come as node codes: :mod:`salon.graph.assembly`)."""
    kind_names: list[str] = []
    codes: dict[str, int] = {}
    parts: list[tuple[np.ndarray, ...]] = []

    def code(kind: str) -> int:
        if kind not in codes:
            codes[kind] = len(kind_names)
            kind_names.append(kind)
        return codes[kind]

    wanted = None if spec.kinds is None else set(spec.kinds)
    for table, time_filter in ((ties, None), (interactions, interactions.c.at)):
        kinds = connection.execute(select(table.c.kind).distinct()).scalars().all()
        for kind in sorted(k for k in kinds if wanted is None or k in wanted):
            # One kind at a time: rows come back as plain numbers, converted in C.
            stmt = select(table.c.src_id, table.c.dst_id, table.c.weight).where(
                table.c.kind == kind, table.c.dst_id.is_not(None)
            )
            if time_filter is None and spec.until is not None:
                stmt = stmt.where(func.coalesce(ties.c.since, ties.c.first_seen, 0) <= spec.until)
            if time_filter is not None and spec.since is not None:
                stmt = stmt.where(time_filter >= spec.since)
            if time_filter is not None and spec.until is not None:
                stmt = stmt.where(time_filter <= spec.until)
            for chunk in fetch_chunks(connection, stmt, _CHUNK):
                block = np.array(chunk, dtype=np.float64)
                src, dst = block[:, 0].astype(np.int64), block[:, 1].astype(np.int64)
                weight = np.clip(block[:, 2], 0, None) * spec.weight(kind)
                kind_col = np.full(len(block), code(kind), np.int16)
                parts.append((src, dst, weight, kind_col))
                if kind in SYMMETRIC_KINDS:  # named once, meant both ways
                    parts.append((dst, src, weight, kind_col))
    for kind, column in (("reply", posts.c.reply_to), ("repost", posts.c.repost_of)):
        if wanted is None or kind in wanted:
            parts.extend(_post_edges(connection, spec, kind, column, code))
    if wanted is None or "meeting" in wanted:
        parts.extend(_meeting_edges(connection, spec, code))
    if not parts:
        empty = np.zeros(0, np.int64)
        return [empty, empty, np.zeros(0), np.zeros(0, np.int16)], kind_names
    return [np.concatenate(col) for col in zip(*parts, strict=True)], kind_names


def _post_edges(
    connection: Connection,
    spec: SnapshotSpec,
    kind: str,
    column,
    code,  # type: ignore[no-untyped-def]
) -> list[tuple]:  # type: ignore[type-arg]
    """A post answering or reposting another is attention from its author to the other's,
    unless an export already recorded that reply or repost as an interaction (the same two
    people, the same kind, naming either post): one reply is one edge, not two."""
    parent = posts.alias("parent")
    stmt = (
        select(posts.c.author_id, parent.c.author_id, posts.c.post_key, column)
        .join(parent, (parent.c.platform == posts.c.platform) & (parent.c.post_key == column))
        .where(posts.c.author_id.is_not(None), parent.c.author_id.is_not(None))
    )
    recorded = {
        tuple(row)
        for row in connection.execute(
            select(interactions.c.src_id, interactions.c.dst_id, interactions.c.ref).where(
                interactions.c.kind == kind, interactions.c.ref.is_not(None)
            )
        )
    }
    if spec.since is not None:
        stmt = stmt.where(posts.c.at >= spec.since)
    if spec.until is not None:
        stmt = stmt.where(posts.c.at <= spec.until)
    out = []
    weight = spec.weight(kind)
    for chunk in fetch_chunks(connection, stmt, _CHUNK):
        if recorded:
            chunk = [
                r
                for r in chunk
                if (r[0], r[1], r[2]) not in recorded and (*r[:2], r[3]) not in recorded
            ]
            if not chunk:
                continue
        src = np.fromiter((r[0] for r in chunk), np.int64, len(chunk))
        dst = np.fromiter((r[1] for r in chunk), np.int64, len(chunk))
        out.append(
            (src, dst, np.full(len(chunk), weight), np.full(len(chunk), code(kind), np.int16))
        )
    return out


def _meeting_edges(connection: Connection, spec: SnapshotSpec, code) -> list[tuple]:  # type: ignore[no-untyped-def,type-arg]
    stmt = (
        select(meeting_attendees.c.meeting_id, meeting_attendees.c.person_id)
        .join(meetings, meetings.c.id == meeting_attendees.c.meeting_id)
        .order_by(meeting_attendees.c.meeting_id)
    )
    if spec.since is not None:
        stmt = stmt.where(meetings.c.start_at >= spec.since)
    if spec.until is not None:
        stmt = stmt.where(meetings.c.start_at <= spec.until)
    groups: dict[int, list[int]] = {}
    for meeting, person in connection.execute(stmt):
        groups.setdefault(meeting, []).append(person)
    src: list[int] = []
    dst: list[int] = []
    w: list[float] = []
    weight = spec.weight("meeting")
    for members in groups.values():
        if not 2 <= len(members) <= MAX_MEETING_SIZE:
            continue
        share = weight / (len(members) - 1)
        for a in members:
            for b in members:
                if a != b:
                    src.append(a)
                    dst.append(b)
                    w.append(share)
    if not src:
        return []
    kind = code("meeting")
    return [
        (
            np.array(src, np.int64),
            np.array(dst, np.int64),
            np.array(w),
            np.full(len(src), kind, np.int16),
        )
    ]


def build_snapshot(
    store: Store, spec: SnapshotSpec | None = None, *, use_cache: bool = True
) -> GraphSnapshot:
    """The attention graph of ``store`` for ``spec``, from the cache when the store is unchanged."""
    spec = spec or SnapshotSpec()
    with store.engine.connect() as connection:
        state = store_state(connection) + _lake_state(store, connection)
        # One file per store and choice; the store's state is in the name, so a changed store
        # misses the cache and the rebuilt snapshot replaces the stale one.
        version = hashlib.sha256(state.encode()).hexdigest()[:12]
        path = cache_dir() / f"{_store_key(store, connection)}-{spec.key()}-{version}.npz"
        if use_cache and path.exists():
            return _load(path)
        if os.environ.get("SALON_ENGINE") == "spark":  # salon --engine spark: built on Spark
            from salon.lake import spark
            from salon.lake.spark_session import session

            snapshot = spark.snapshot(session(), store, spec)
            if use_cache:
                _save(snapshot, path)
            return snapshot
        from salon.graph.assembly import assemble
        from salon.lake.graph import lake_columns

        columns, kind_names = _edges(connection, spec)
        codes = {name: i for i, name in enumerate(kind_names)}

        def code(kind: str) -> int:  # the lake's kinds after the store's
            if kind not in codes:
                codes[kind] = len(kind_names)
                kind_names.append(kind)
            return codes[kind]

        lake = lake_columns(store, connection, spec, code)
        mapping = canonical_map(connection)
    snapshot = assemble(columns, lake, mapping, kind_names)
    if use_cache:
        _save(snapshot, path)
    return snapshot


def _save(snapshot: GraphSnapshot, path: Path) -> None:
    """Write the snapshot 0600 in a folder created 0700: it holds who attends to whom."""
    private_dir(path.parent.parent)
    private_dir(path.parent)
    store_key, choice, _ = path.name.split("-", 2)
    for stale in path.parent.glob(f"{store_key}-{choice}-*.np[yz]"):
        stale.unlink(missing_ok=True)  # old snapshots and what was derived from them
    arrays = {
        "people": snapshot.people,
        "indptr": snapshot.matrix.indptr,
        "indices": snapshot.matrix.indices,
        "data": snapshot.matrix.data,
    }
    for name, m in snapshot.kinds.items():
        arrays[f"kind:{name}:indptr"] = m.indptr
        arrays[f"kind:{name}:indices"] = m.indices
        arrays[f"kind:{name}:data"] = m.data
    tmp = path.with_suffix(".tmp.npz")
    with open_private(tmp, "wb") as out:
        np.savez(out, **arrays)
    tmp.replace(path)  # atomic: an interrupted build leaves no half-written snapshot
    snapshot.source = path


def _lake_state(store: Store, connection: Connection) -> str:
    from salon.lake.graph import lake_state

    return lake_state(store, connection)


def _mapped(path: Path) -> dict[str, np.ndarray] | None:
    """The arrays of an uncompressed ``.npz`` memory-mapped in place (read-only): a second
    command on a big graph reads only the pages it touches. ``None`` if a member is
    compressed."""
    import zipfile

    arrays: dict[str, np.ndarray] = {}
    with zipfile.ZipFile(path) as archive, open(path, "rb") as raw:
        for info in archive.infolist():
            if info.compress_type != zipfile.ZIP_STORED or not info.filename.endswith(".npy"):
                return None
            raw.seek(info.header_offset)
            local = raw.read(30)
            start = info.header_offset + 30 + int.from_bytes(local[26:28], "little")
            start += int.from_bytes(local[28:30], "little")
            raw.seek(start)
            version = np.lib.format.read_magic(raw)
            if version == (1, 0):
                shape, fortran, dtype = np.lib.format.read_array_header_1_0(raw)
            elif version == (2, 0):
                shape, fortran, dtype = np.lib.format.read_array_header_2_0(raw)
            else:
                return None
            name = info.filename[: -len(".npy")]
            if not shape or 0 in shape:
                arrays[name] = np.zeros(shape, dtype)
                continue
            arrays[name] = np.memmap(
                path,
                dtype=dtype,
                mode="r",
                offset=raw.tell(),
                shape=shape,
                order="F" if fortran else "C",
            )
    return arrays


def _load(path: Path) -> GraphSnapshot:
    mapped = _mapped(path)
    if mapped is not None:
        snapshot = _from_arrays(mapped)
    else:
        with np.load(path) as data:
            snapshot = _from_arrays({name: data[name] for name in data.files})
    snapshot.source = path
    return snapshot


def _from_arrays(data: Mapping[str, np.ndarray]) -> GraphSnapshot:
    people = data["people"]
    n = len(people)
    matrix = sp.csr_matrix((data["data"], data["indices"], data["indptr"]), shape=(n, n))
    kinds = {}
    for name in sorted({k.split(":")[1] for k in data if k.startswith("kind:")}):
        kinds[name] = sp.csr_matrix(
            (data[f"kind:{name}:data"], data[f"kind:{name}:indices"], data[f"kind:{name}:indptr"]),
            shape=(n, n),
        )
    return GraphSnapshot(people=people, matrix=matrix, kinds=kinds)
