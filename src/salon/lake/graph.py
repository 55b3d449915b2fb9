"""Reading the lake for analytics: edge columns for snapshots, node labels, segment members.

A market node that is a person in the store (its ``(namespace, "id", id)`` identity is known)
is that person in every graph; any other node is a *market node* with the negative id
``-(code + 1)``, stable for the lake's life (codes are never reused). Display names show it as
``namespace:id``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from sqlalchemy import Connection, select

from salon.lake.layout import (
    LakeError,
    Manifest,
    lake_dir,
    read_manifest,
    require_intact,
    sql_path,
)
from salon.model import SYMMETRIC_KINDS
from salon.reporting import report
from salon.store.schema import identities

if TYPE_CHECKING:
    import duckdb

    from salon.graph.snapshot import SnapshotSpec
    from salon.store.database import Store


def open_lake(store: Store, connection: Connection) -> tuple[Path, Manifest] | None:
    """The store's lake folder and manifest, or ``None`` when it has no lake (yet)."""
    folder = lake_dir(store, connection)
    manifest = read_manifest(folder) if (folder / "manifest.json").exists() else None
    if manifest is None or not manifest.partitions:
        _none_claimed(connection, folder)
        return None
    return folder, manifest


def _none_claimed(connection: Connection, folder: Path) -> None:
    """Raise :class:`LakeError` when the store records imports that put data in the lake
    but there is no lake at ``folder`` (moved, deleted, ``SALON_LAKE`` changed): silently
    empty answers would look like a market without data. (A lake that lacks only some
    imports, after a crash between the store's commit and the lake's, is for ``salon lake
    check``.)"""
    import json

    from salon.store.schema import imports

    claimed = []
    rows = connection.execute(
        select(imports.c.id, imports.c.report).where(imports.c.report.like('%"lake %'))
    )
    for import_id, text in rows:
        added = json.loads(text or "{}").get("added", {})
        if added.get("lake edges") or added.get("lake posts"):
            claimed.append(import_id)
    if claimed:
        listed = ", ".join(str(i) for i in claimed)
        raise LakeError(
            f"Import(s) {listed} put data in the market lake, but there is no lake at "
            f"'{folder}'. If the lake was moved, set SALON_LAKE to the folder above it (or "
            "put it back); else 'salon lake check' lists what is missing and "
            f"'salon imports remove {max(claimed)}' forgets an import so its files can be "
            "imported again."
        )


def lake_state(store: Store, connection: Connection) -> str:
    """Changes whenever the lake changes (for snapshot cache keys); ``""`` without a lake."""
    found = open_lake(store, connection)
    return "" if found is None else f"lake{found[1].version}"


def _duck() -> duckdb.DuckDBPyConnection:
    import duckdb

    db = duckdb.connect()
    db.execute("SET threads = 2")
    return db


def _scan(folder: Path, manifest: Manifest, table: str) -> str:
    return "read_parquet([" + ", ".join(sql_path(folder / p) for p in manifest.paths(table)) + "])"


def node_people(
    connection: Connection, folder: Path, manifest: Manifest, db: duckdb.DuckDBPyConnection
) -> np.ndarray:
    """Person id of every node code: the store's person where the node is one, else
    ``-(code + 1)``."""
    import pyarrow as pa

    # Codes are never reused: after an import is removed the largest code, not the count of
    # nodes, bounds them.
    nodes = _scan(folder, manifest, "nodes")
    n = int(db.execute(f"SELECT coalesce(max(code), -1) + 1 FROM {nodes}").fetchall()[0][0])
    people = -(np.arange(n, dtype=np.int64) + 1)
    namespaces = sorted({str(s["namespace"]) for p in manifest.partitions for s in p.sources})
    rows = connection.execute(
        select(identities.c.platform, identities.c.value, identities.c.person_id).where(
            identities.c.platform.in_(namespaces), identities.c.kind == "id"
        )
    ).all()
    if rows:
        known = pa.table(
            {
                "namespace": [r[0] for r in rows],
                "id": [r[1] for r in rows],
                "person": pa.array([r[2] for r in rows], pa.int64()),
            }
        )
        db.register("known", known)
        found = db.execute(
            f"SELECT n.code, k.person FROM {_scan(folder, manifest, 'nodes')} n "
            "JOIN known k USING (namespace, id)"
        ).fetchnumpy()
        db.unregister("known")
        people[found["code"]] = found["person"]
    return people


@dataclass
class LakeColumns:
    """The lake's edges for a snapshot, in node codes: ``src``/``dst`` index ``people`` (the
    person id of every node code, see :func:`node_people`). 16 bytes an edge (int32 codes,
    float64 weight, int16 kind), filled batch by batch from Parquet, no Python loop per edge."""

    people: np.ndarray
    src: np.ndarray
    dst: np.ndarray
    weight: np.ndarray
    kind: np.ndarray


def lake_columns(
    store: Store,
    connection: Connection,
    spec: SnapshotSpec,
    code: Callable[[str], int],
) -> LakeColumns | None:
    """The lake's edges for ``spec`` (kinds, window, weights), ``None`` without a lake.
    Symmetric kinds are named once and meant both ways: they come back twice."""
    found = open_lake(store, connection)
    if found is None:
        return None
    folder, manifest = found
    require_intact(folder, manifest)
    db = _duck()
    try:
        people = node_people(connection, folder, manifest, db)
        edges = _scan(folder, manifest, "edges")
        wanted = None if spec.kinds is None else set(spec.kinds)
        where = []
        if spec.since is not None:
            where.append(f'("at" IS NULL OR "at" >= {int(spec.since)})')
        if spec.until is not None:
            where.append(f'("at" IS NULL OR "at" <= {int(spec.until)})')
        window = " AND ".join(where) or "true"
        query = f"SELECT kind, count(*) FROM {edges} WHERE {window} GROUP BY kind"
        counts = dict(db.execute(query).fetchall())
        kinds = sorted(k for k in counts if wanted is None or k in wanted)
        total = sum(counts[k] * (2 if k in SYMMETRIC_KINDS else 1) for k in kinds)
        out = LakeColumns(
            people,
            np.empty(total, np.int32),
            np.empty(total, np.int32),
            np.empty(total, np.float64),
            np.empty(total, np.int16),
        )
        at = 0
        for kind in kinds:
            start = at
            result = db.sql(
                f"SELECT src, dst, weight FROM {edges} WHERE kind = $kind AND {window}",
                params={"kind": kind},
            )
            # DuckDB 2 names it to_arrow_reader, 1.x fetch_arrow_reader.
            batches = getattr(result, "to_arrow_reader", None) or result.fetch_arrow_reader
            reader = batches(1 << 20)
            for batch in reader:
                n = batch.num_rows
                out.src[at : at + n] = batch.column(0).to_numpy()
                out.dst[at : at + n] = batch.column(1).to_numpy()
                weight = batch.column(2).to_numpy(zero_copy_only=False)
                np.clip(weight, 0, None, out=out.weight[at : at + n])
                at += n
                report("reading the lake's edges", at, total)
            out.weight[start:at] *= spec.weight(kind)
            out.kind[start:at] = code(kind)
            if kind in SYMMETRIC_KINDS:  # named once, meant both ways
                n = at - start
                out.src[at : at + n] = out.dst[start:at]
                out.dst[at : at + n] = out.src[start:at]
                out.weight[at : at + n] = out.weight[start:at]
                out.kind[at : at + n] = out.kind[start:at]
                at += n
        if at != total:  # the lake changed under us: a concurrent import
            raise LakeError(
                f"The lake changed while it was read ({at:,} of {total:,} edges): run the "
                "command again once the import has finished."
            )
        return out
    finally:
        db.close()


def lake_labels(store: Store, ids: Iterable[int]) -> dict[int, str]:
    """``namespace:id`` of market nodes (negative ids)."""
    codes = sorted({-int(i) - 1 for i in ids if int(i) < 0})
    if not codes:
        return {}
    with store.engine.connect() as connection:
        found = open_lake(store, connection)
    if found is None:
        return {}
    folder, manifest = found
    import pyarrow as pa

    db = _duck()
    try:
        db.register("wanted", pa.table({"code": pa.array(codes, pa.int64())}))
        rows = db.execute(
            f"SELECT code, namespace, id FROM {_scan(folder, manifest, 'nodes')} "
            "WHERE code IN (SELECT code FROM wanted)"
        ).fetchall()
    finally:
        db.close()
    return {-code - 1: f"{namespace}:{node}" for code, namespace, node in rows}


def lake_members(
    store: Store,
    connection: Connection,
    *,
    namespace: str | None = None,
    ids: Iterable[str] = (),
    followers_of: Iterable[str] = (),
) -> set[int]:
    """Person ids (negative for market nodes) of lake nodes: every node of ``namespace``; the
    nodes named by ``ids`` (``id`` in any namespace, or ``namespace:id``); or the nodes with a
    ``follow`` edge to one of ``followers_of`` (same forms)."""
    found = open_lake(store, connection)
    if found is None:
        return set()
    folder, manifest = found
    require_intact(folder, manifest)
    import pyarrow as pa

    db = _duck()
    try:
        people = node_people(connection, folder, manifest, db)
        nodes = _scan(folder, manifest, "nodes")
        codes: np.ndarray
        if namespace is not None:
            codes = db.execute(
                f"SELECT code FROM {nodes} WHERE namespace = $ns", {"ns": namespace}
            ).fetchnumpy()["code"]
        else:
            named = _codes(db, nodes, ids, pa)
            if followers_of:
                targets = _codes(db, nodes, followers_of, pa)
                db.register("targets", pa.table({"code": pa.array(targets, pa.int64())}))
                codes = db.execute(
                    f"SELECT DISTINCT src AS code FROM {_scan(folder, manifest, 'edges')} "
                    "WHERE kind = 'follow' AND dst IN (SELECT code FROM targets)"
                ).fetchnumpy()["code"]
                db.unregister("targets")
            else:
                codes = named
        return set(people[np.asarray(codes, np.int64)].tolist())
    finally:
        db.close()


def lake_named(store: Store, connection: Connection, names: Iterable[str]) -> set[str]:
    """Which of ``names`` name a lake node, as :func:`lake_members` reads them (``id`` in any
    namespace, or ``namespace:id``; case and a leading ``@`` aside): the names themselves."""
    names = list(names)
    found = open_lake(store, connection)
    if found is None or not names:
        return set()
    folder, manifest = found
    require_intact(folder, manifest)
    import pyarrow as pa

    wanted = {name: name.strip().lower().lstrip("@") for name in names}
    keys = sorted(set(wanted.values()))
    db = _duck()
    try:
        db.register("wanted", pa.table({"key": pa.array(keys, pa.string())}))
        nodes = _scan(folder, manifest, "nodes")
        known = {
            str(key)
            for (key,) in db.execute(
                f"SELECT key FROM wanted WHERE key IN (SELECT id FROM {nodes}) "
                f"OR key IN (SELECT namespace || ':' || id FROM {nodes})"
            ).fetchall()
        }
    finally:
        db.close()
    return {name for name, key in wanted.items() if key in known}


def _codes(db: duckdb.DuckDBPyConnection, nodes: str, names: Iterable[str], pa) -> np.ndarray:  # type: ignore[no-untyped-def]
    plain, scoped_ns, scoped_id = [], [], []
    for name in names:
        name = name.strip().lower().lstrip("@")
        plain.append(name)
        if ":" in name:
            ns, _, node = name.partition(":")
            scoped_ns.append(ns)
            scoped_id.append(node)
    db.register("plain", pa.table({"id": pa.array(plain, pa.string())}))
    db.register(
        "scoped",
        pa.table(
            {"namespace": pa.array(scoped_ns, pa.string()), "id": pa.array(scoped_id, pa.string())}
        ),
    )
    try:
        return db.execute(
            f"SELECT code FROM {nodes} WHERE id IN (SELECT id FROM plain) "
            f"UNION SELECT code FROM {nodes} JOIN scoped USING (namespace, id)"
        ).fetchnumpy()["code"]
    finally:
        db.unregister("plain")
        db.unregister("scoped")


def lake_folder(store: Store) -> Path:
    """The store's lake folder (see :mod:`salon.lake.layout`)."""
    return lake_dir(store)


def lake_first_times(store: Store, connection: Connection, namespace: str) -> dict[int, float]:
    """``{person: first time}`` each node of ``namespace`` is the source of a timed lake
    edge (its adoption of ``channel:namespace`` / ``platform:namespace``), before merges."""
    found = open_lake(store, connection)
    if found is None:
        return {}
    folder, manifest = found
    require_intact(folder, manifest)
    db = _duck()
    try:
        people = node_people(connection, folder, manifest, db)
        rows = db.execute(
            f'SELECT e.src AS code, min(e."at") AS first FROM {_scan(folder, manifest, "edges")} e '
            f"JOIN {_scan(folder, manifest, 'nodes')} n ON n.code = e.src "
            'WHERE n.namespace = $ns AND e."at" IS NOT NULL GROUP BY e.src',
            {"ns": namespace},
        ).fetchnumpy()
    finally:
        db.close()
    return dict(
        zip(people[rows["code"]].tolist(), rows["first"].astype(float).tolist(), strict=True)
    )


def lake_namespaces(store: Store, connection: Connection) -> list[str]:
    found = open_lake(store, connection)
    if found is None:
        return []
    return sorted({str(s["namespace"]) for p in found[1].partitions for s in p.sources})
