"""The market lake: bulk market edges and posts as Parquet beside the store.

The store holds people, identities, ties, meetings and what you know about them; the lake holds
the market's public graph (edge lists of millions of edges, post dumps (:mod:`salon.lake.posts`),
and what the collectors bring), in columns, partitioned by import (:mod:`salon.lake.layout`).
Snapshots read both (:mod:`salon.lake.graph`). Market nodes are ``(namespace, id)`` pairs; one
becomes a people row only when it links to a person the store knows (in the same namespace) or
when you pin it (:func:`pin`), so a 10^8-edge import does not write 10^7 people.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from salon.lake.layout import (
    LakeError,
    Problem,
    Removed,
    check_lake,
    lake_dir,
    read_manifest,
    remove_leftovers,
    require_intact,
    sql_path,
)

if TYPE_CHECKING:
    import pyarrow as pa

    from salon.store.database import Store

__all__ = [
    "LakeError",
    "LakeSummary",
    "Problem",
    "Removed",
    "check",
    "export_lake",
    "lake_dir",
    "land",
    "pin",
    "summary",
]


@dataclass
class LakeSummary:
    """What the lake holds: where, edges and nodes, partitions (one per import), bytes."""

    folder: str
    edges: int = 0
    nodes: int = 0
    partitions: list[dict[str, Any]] = field(default_factory=list)
    bytes: int = 0
    posts: int = 0

    @property
    def namespaces(self) -> list[str]:
        return sorted({s["namespace"] for p in self.partitions for s in p["sources"]})

    def to_dict(self) -> dict[str, Any]:
        return {
            "folder": self.folder,
            "edges": self.edges,
            "nodes": self.nodes,
            "posts": self.posts,
            "bytes": self.bytes,
            "namespaces": self.namespaces,
            "partitions": self.partitions,
        }


def summary(store: Store) -> LakeSummary:
    """The lake of ``store`` in numbers (an empty summary when it has none).

    Examples
    --------
    >>> import salon, tempfile
    >>> with tempfile.TemporaryDirectory() as tmp, salon.open_store(f"{tmp}/s.db") as store:
    ...     salon.lake_summary(store).edges
    0
    """
    folder = lake_dir(store)
    manifest = read_manifest(folder)
    parts = [
        {
            "import": p.import_id,
            "edges": p.edges,
            "nodes": p.nodes,
            "posts": p.posts,
            "sources": p.sources,
            "bytes": sum(int(m["bytes"]) for m in p.files.values()),  # type: ignore[call-overload]
        }
        for p in manifest.partitions
    ]
    return LakeSummary(
        str(folder),
        edges=manifest.edges,
        nodes=manifest.nodes,
        posts=manifest.posts,
        partitions=parts,
        bytes=sum(p["bytes"] for p in parts),
    )


def check(store: Store, *, repair: bool = False, full: bool = True) -> list[Problem]:
    """Missing, damaged or stray partitions of the lake, and store imports whose lake
    partition is gone, each with the command that repairs it. ``repair`` deletes what
    interrupted imports left (never a partition an import names).

    Examples
    --------
    >>> import salon, tempfile
    >>> with tempfile.TemporaryDirectory() as tmp, salon.open_store(f"{tmp}/s.db") as store:
    ...     salon.lake_check(store)
    []
    """
    from sqlalchemy import select

    from salon.store.schema import imports

    folder = lake_dir(store)
    if repair:
        repair_leftovers(store)
    problems = check_lake(folder, full=full) if folder.exists() else []
    manifest = read_manifest(folder)
    named = {p.import_id for p in manifest.partitions}
    with store.engine.connect() as c:
        for import_id, report in c.execute(select(imports.c.id, imports.c.report)):
            added = json.loads(report or "{}").get("added", {})
            table = "edges" if added.get("lake edges") else "posts"
            claimed = added.get(f"lake {table}", 0)
            if claimed and import_id not in named:
                problems.append(
                    Problem(
                        str(folder / table / f"import={import_id}"),
                        f"import {import_id} added {claimed:,} lake {table} the lake does not hold",
                        f"salon imports remove {import_id}, then import its files again "
                        "with salon import --lake",
                    )
                )
    return problems


def repair_leftovers(store: Store) -> list[Removed]:
    """Delete what interrupted imports left in the lake (staging folders, partitions no
    import names; never a named partition): each removed path, what it was and what to
    import again. ``check(store, repair=True)`` does this first.

    Examples
    --------
    >>> import salon, tempfile
    >>> with tempfile.TemporaryDirectory() as tmp, salon.open_store(f"{tmp}/s.db") as store:
    ...     salon.lake_repair(store)
    []
    """
    from sqlalchemy import select

    from salon.store.schema import imports

    folder = lake_dir(store)
    if not folder.exists():
        return []
    gone = remove_leftovers(folder)
    named = {p.import_id for p in read_manifest(folder).partitions}
    with store.engine.connect() as c:
        stored = dict(
            c.execute(
                select(imports.c.id, imports.c.paths).where(
                    imports.c.id.in_({n for _, n in gone if n is not None})
                )
            ).all()
        )
    removed = []
    for path, import_id in gone:
        staged = path.name.startswith(".staging-")
        if import_id is None or import_id not in stored:
            what = "a partition an import was writing when it was interrupted (never stored)"
            again = "Nothing to remove from the store: run that import again"
        elif import_id in named:
            what = f"a stray file beside import {import_id}'s partition"
            again = f"Nothing to import again: import {import_id} is whole in the lake"
        else:
            what = (
                f"the partition import {import_id} was writing when it was interrupted"
                if staged
                else f"import {import_id}'s partition, which the lake's manifest does not name "
                "(the import was interrupted)"
            )
            read = json.loads(stored[import_id] or "[]")
            if read and all(p.startswith("salon ") for p in read):  # a collect job
                redo = "run again: " + "; ".join(read)
            else:
                files = " ".join(f"'{p}'" for p in read)
                redo = f"salon import --lake --force {files} (with the --namespace it had)"
            again = f"Import again: salon imports remove {import_id}, then {redo}"
        removed.append(Removed(str(path), what, again))
    return removed


def _store_import(store: Store, label: str, sha: str, build) -> tuple[int | None, Any]:  # type: ignore[no-untyped-def]
    """One store import around ``build(connection, import_id, writer, file_id)``; committed
    when it added something (build returns ``(added, result, lake)``), else rolled back."""
    from salon.store.history import new_import
    from salon.store.schema import files, imports
    from salon.store.writer import Writer

    with store.engine.connect() as connection, connection.begin() as transaction:
        import_id = new_import(connection, [label], started_at=int(time.time()))
        writer = Writer(connection, import_id)
        writer.begin_export(label)
        file_row = {
            "sha256": sha,
            "name": label,
            "size": 0,
            "importer": "lake",
            "import_id": import_id,
        }
        from sqlalchemy import select

        file_id = connection.execute(select(files.c.id).where(files.c.sha256 == sha)).scalar()
        if file_id is None:
            file_id = connection.execute(files.insert().values(file_row)).inserted_primary_key[0]
        lake = None
        try:
            added, result, lake = build(connection, import_id, writer, file_id)
            writer.flush()
            if not any(added.values()):
                transaction.rollback()
                if lake is not None:
                    lake.discard()
                return None, result
            connection.execute(
                imports.update()
                .where(imports.c.id == import_id)
                .values(finished_at=int(time.time()), report=json.dumps({"added": added}))
            )
            transaction.commit()
        except BaseException:
            if lake is not None:
                lake.discard()
            raise
        if lake is not None:
            lake.publish()
    return import_id, result


@dataclass
class Landed:
    """What :func:`land` added: the import, edges read, edges new, nodes new, people."""

    import_id: int | None
    read: int
    edges: int
    nodes: int
    people: int

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def land(
    store: Store,
    namespace: str,
    edges: pa.Table | dict[str, Any],
    *,
    source: str,
    known: Iterable[str] | None = None,
) -> Landed:
    """Land collected market edges in the lake, as one import (for ``salon collect``).

    ``edges`` has columns ``src``, ``dst`` (ids in ``namespace``), ``kind`` (``follow``,
    ``repost``, …), optional ``at`` (Unix seconds; none for a standing tie), ``weight``
    (default 1) and ``line`` (the record's number in what was collected; default 1, 2, …).
    ``source`` names where they came from (``"bluesky getFollows @ana 2026-11-30"``). Edges
    the lake already holds are not added again; an import that adds nothing leaves no trace.
    ``known`` lists the ids the promotion rule counts as people (default: the namespace's
    people in the store now; a collection job passes those it knew when it started, so people
    it promoted do not promote their own neighbours).

    Examples
    --------
    >>> import salon, tempfile
    >>> edges = {"src": ["a", "b"], "dst": ["c", "c"], "kind": "follow"}
    >>> with tempfile.TemporaryDirectory() as tmp, salon.open_store(f"{tmp}/s.db") as store:
    ...     first = salon.land(store, "bsky", edges, source="test")
    ...     again = salon.land(store, "bsky", edges, source="test")
    >>> (first.edges, first.nodes, again.edges, again.import_id)
    (2, 3, 0, None)
    """
    import numpy as np
    import pyarrow as pa

    from salon.lake.ingest import LakeWriter, _schema
    from salon.lake.route import known_ids
    from salon.model import Person, PersonRef, identity

    table = edges if isinstance(edges, pa.Table) else None
    if table is None:
        columns = dict(edges)  # type: ignore[arg-type]
        n = len(columns["src"])
        if isinstance(columns.get("kind"), str):
            columns["kind"] = [columns["kind"]] * n
        table = pa.table(columns)
    n = table.num_rows
    for required in ("src", "dst", "kind"):
        if required not in table.column_names:
            raise LakeError(f"Collected edges from {source} have no '{required}' column.")
    full = {
        "src": pa.array([identity("", "id", str(v))[2] for v in table["src"].to_pylist()]),
        "dst": pa.array([identity("", "id", str(v))[2] for v in table["dst"].to_pylist()]),
        "kind": table["kind"].cast(pa.string()),
        "at": table["at"].cast(pa.int64()) if "at" in table.column_names else pa.nulls(n),
        "weight": table["weight"].cast(pa.float64())
        if "weight" in table.column_names
        else pa.array(np.ones(n)),
        "line": table["line"].cast(pa.int64())
        if "line" in table.column_names
        else pa.array(np.arange(1, n + 1, dtype=np.int64)),
    }
    batch = pa.table(full, schema=_schema())
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, batch.schema) as out:
        out.write_table(batch)
    sha = hashlib.sha256(namespace.encode() + b"\x1f" + sink.getvalue().to_pybytes()).hexdigest()

    def build(connection, import_id, writer, file_id):  # type: ignore[no-untyped-def]
        lake = LakeWriter(lake_dir(store, connection), import_id)
        done = lake.land(
            iter([batch]),
            name=source,
            sha256=sha,
            namespace=namespace,
            known=lambda: known_ids(connection, namespace) if known is None else list(known),
        )
        for node in done.promoted:
            writer.add(Person(PersonRef((identity(namespace, "id", node),))), file_id)
        added = {"lake edges": done.edges, "lake nodes": done.nodes}
        return added, done, lake

    import_id, done = _store_import(store, f"lake: {source}", sha, build)
    return Landed(import_id, done.read, done.edges, done.nodes, len(done.promoted))


def pin(store: Store, nodes: list[str]) -> list[int]:
    """Make market nodes people rows (``salon lake pin namespace:id``); their person ids.

    A node is written ``namespace:id``; one that is a person already keeps its id.

    Examples
    --------
    >>> import salon, tempfile
    >>> with tempfile.TemporaryDirectory() as tmp, salon.open_store(f"{tmp}/s.db") as store:
    ...     _ = salon.land(store, "x", {"src": ["ana"], "dst": ["bo"], "kind": "follow"},
    ...                    source="test")
    ...     [pid > 0 for pid in salon.lake_pin(store, ["x:bo"])]
    [True]
    """
    from salon.lake.graph import lake_members
    from salon.model import Person, PersonRef, identity
    from salon.store.schema import identities

    keys = []
    for node in nodes:
        namespace, sep, value = node.strip().partition(":")
        if not sep or not namespace or not value:
            raise LakeError(f"'{node}' names no market node: write it namespace:id.")
        with store.engine.connect() as c:
            if not lake_members(store, c, ids=[node.strip()]):
                raise LakeError(
                    f"The lake has no node '{node}'. 'salon lake' lists its namespaces."
                )
        keys.append(identity(namespace.lower(), "id", value))
    sha = hashlib.sha256("\x1f".join(map(str, sorted(keys))).encode()).hexdigest()

    def build(connection, import_id, writer, file_id):  # type: ignore[no-untyped-def]
        from sqlalchemy import func, select

        from salon.store.schema import people

        before = connection.execute(select(func.count()).select_from(people)).scalar_one()
        for key in keys:
            writer.add(Person(PersonRef((key,))), file_id)
        writer.flush()
        after = connection.execute(select(func.count()).select_from(people)).scalar_one()
        return {"people": after - before}, None, None

    _store_import(store, "lake pin " + " ".join(nodes), sha, build)
    from sqlalchemy import select

    with store.engine.connect() as c:
        found = []
        for platform, kind, value in keys:
            found.append(
                c.execute(
                    select(identities.c.person_id).where(
                        identities.c.platform == platform,
                        identities.c.kind == kind,
                        identities.c.value == value,
                    )
                ).scalar_one()
            )
    return found


def export_lake(store: Store, directory: str | Path) -> dict[str, int]:
    """Write the lake as Parquet files in ``directory``: ``lake_edges.parquet`` (source
    and target as ``namespace``/``id``, kind, time, weight and provenance),
    ``lake_nodes.parquet`` and, when the lake holds posts, ``lake_posts.parquet`` (the posts
    table with the author as ``author_namespace``/``author``); rows per file (nothing is
    written without a lake)."""
    from salon.lake.graph import _duck, _scan, open_lake
    from salon.private import private_dir

    with store.engine.connect() as c:
        found = open_lake(store, c)
    if found is None:
        return {}
    folder, manifest = found
    require_intact(folder, manifest)  # a damaged partition is named, with its repair
    directory = private_dir(directory)
    db = _duck()
    try:
        nodes = _scan(folder, manifest, "nodes")
        edges = _scan(folder, manifest, "edges")
        db.execute(
            f"""COPY (SELECT s.namespace AS src_namespace, s.id AS src, d.namespace AS
            dst_namespace, d.id AS dst, e.kind, e."at", e.weight, e.occurrence, e.import,
            e.file_sha256, e.line FROM {edges} e JOIN {nodes} s ON s.code = e.src
            JOIN {nodes} d ON d.code = e.dst ORDER BY e.import, e.line)
            TO {sql_path(directory / "lake_edges.parquet")} (FORMAT parquet)"""
        )
        db.execute(
            f"COPY (SELECT * FROM {nodes} ORDER BY code) TO "
            f"{sql_path(directory / 'lake_nodes.parquet')} (FORMAT parquet)"
        )
        if manifest.posts:
            db.execute(
                f"""COPY (SELECT p.namespace, p.id, a.namespace AS author_namespace,
                a.id AS author, p.* EXCLUDE (namespace, id, author)
                FROM {_scan(folder, manifest, "posts")} p JOIN {nodes} a ON a.code = p.author
                ORDER BY p.import, p.line)
                TO {sql_path(directory / "lake_posts.parquet")} (FORMAT parquet)"""
            )
    finally:
        db.close()
    written = {"lake_edges": manifest.edges, "lake_nodes": manifest.nodes}
    if manifest.posts:
        written["lake_posts"] = manifest.posts
    for name in written:
        (directory / f"{name}.parquet").chmod(0o600)
    return written
