"""Where the lake lives, its manifest, and checking it.

A store's lake is a folder keyed by the store's identity (the UUID in ``store_meta``): beside a
SQLite store, ``<folder of the .db>/lake/<uuid>/`` (a store in memory: the temporary folder's
``salon-lake/<uuid>``); for a PostgreSQL store,
``$XDG_DATA_HOME/salon/lake/<uuid>/`` (``~/.local/share/salon/lake/<uuid>/``); ``$SALON_LAKE``
replaces the folder that holds the ``<uuid>`` folders. Inside::

    manifest.json                   what the lake holds (written to a temporary name, then renamed)
    edges/import=<N>/part-0.parquet  the edges import N added (after de-duplication)
    nodes/import=<N>/part-0.parquet  the market nodes import N named first, with their codes
    posts/import=<N>/part-K.parquet  the posts import N added (:mod:`salon.lake.posts`)

Readers trust the manifest only: a partition being written (or left by an interrupted import)
is in a ``.staging-*`` folder the manifest does not name, and is never read.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from sqlalchemy import Connection

from salon.errors import SalonError
from salon.private import open_private, private_dir
from salon.store.database import Store
from salon.store.meta import IDENTITY, meta_value

MANIFEST = "manifest.json"
TABLES = ("edges", "nodes", "posts")


class LakeError(SalonError):
    """A lake partition is missing or damaged (the message names it and the repair)."""


@dataclass
class Partition:
    """One import's files in the lake."""

    import_id: int
    sources: list[dict[str, object]]
    """Each file (or collector batch) the rows came from: ``{"name", "sha256", "namespace",
    "read", "edges", "nodes"}``."""
    edges: int
    nodes: int
    files: dict[str, dict[str, object]] = field(default_factory=dict)
    """``{"edges/import=N/part-0.parquet": {"bytes": …, "sha256": …, "rows": …}}``."""
    created_at: int = 0
    posts: int = 0

    @property
    def source(self) -> str:
        return ", ".join(str(s["name"]) for s in self.sources)

    @property
    def reimport(self) -> str:
        """The command that lands this partition's files again, in their namespaces."""
        by_namespace: dict[str, list[str]] = {}
        for s in self.sources:
            by_namespace.setdefault(str(s["namespace"]), []).append(f"'{s['name']}'")
        return "; ".join(
            f"salon import --lake --force --namespace {ns} {' '.join(names)}"
            for ns, names in by_namespace.items()
        )

    @property
    def repair(self) -> str:
        """What rebuilds this partition: remove its import (newest imports first, when
        later ones use its nodes), then land its files again."""
        return f"salon imports remove {self.import_id}, then {self.reimport}"


@dataclass
class Manifest:
    """The lake's table of contents; ``version`` grows with every change."""

    store: str
    version: int = 0
    partitions: list[Partition] = field(default_factory=list)

    @property
    def edges(self) -> int:
        return sum(p.edges for p in self.partitions)

    @property
    def nodes(self) -> int:
        return sum(p.nodes for p in self.partitions)

    @property
    def posts(self) -> int:
        return sum(p.posts for p in self.partitions)

    def paths(self, table: str, import_id: int | None = None) -> list[str]:
        """The files of ``table`` (of one import's partition with ``import_id``)."""
        return [
            name
            for p in self.partitions
            if import_id is None or p.import_id == import_id
            for name in p.files
            if name.startswith(table + "/")
        ]

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def store_uuid(connection: Connection) -> str:
    return meta_value(connection, IDENTITY) or "no-identity"


def lake_base(store: Store) -> Path:
    """The folder that holds the lakes (one ``<uuid>`` folder per store)."""
    if env := os.environ.get("SALON_LAKE"):
        return Path(env).expanduser()
    if store.dialect == "sqlite":
        database = store.engine.url.database
        if database and database != ":memory:":
            return Path(database).resolve().parent / "lake"
        return Path(tempfile.gettempdir()) / "salon-lake"  # a store in memory: a passing lake
    data = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return data / "salon" / "lake"


def lake_dir(store: Store, connection: Connection | None = None) -> Path:
    """The store's lake folder (it may not exist yet)."""
    if connection is None:
        with store.engine.connect() as c:
            return lake_base(store) / store_uuid(c)
    return lake_base(store) / store_uuid(connection)


def read_manifest(folder: Path) -> Manifest:
    """The manifest of the lake in ``folder`` (an empty one when there is none)."""
    path = folder / MANIFEST
    if not path.exists():
        return Manifest(store=folder.name)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        parts = [Partition(**p) for p in data["partitions"]]
        return Manifest(store=data["store"], version=int(data["version"]), partitions=parts)
    except (ValueError, KeyError, TypeError) as exc:
        raise LakeError(
            f"The lake's manifest '{path}' is damaged ({exc}). Run 'salon lake check' to see "
            "what the lake holds; re-import the market files with 'salon import --lake --force'."
        ) from None


def write_manifest(folder: Path, manifest: Manifest) -> None:
    """Write the manifest atomically (a temporary file, synced, then renamed over the old)."""
    private_dir(folder)
    tmp = folder / f".{MANIFEST}.{os.getpid()}.tmp"
    with open_private(tmp, "w", encoding="utf-8") as out:
        json.dump(manifest.to_dict(), out, indent=1)
        out.flush()
        os.fsync(out.fileno())
    tmp.replace(folder / MANIFEST)


def sql_path(path: str | Path) -> str:
    """A path as a SQL string literal (quotes doubled) for DuckDB.

    >>> sql_path("/tmp/o'neil/x.parquet")
    "'/tmp/o''neil/x.parquet'"
    """
    return "'" + str(path).replace("'", "''") + "'"


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        while chunk := stream.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def describe_file(folder: Path, name: str, rows: int) -> dict[str, object]:
    path = folder / name
    return {"bytes": path.stat().st_size, "sha256": file_sha256(path), "rows": rows}


def staging_dir(folder: Path) -> Path:
    """A fresh folder for an import's partitions before they are renamed into place."""
    private_dir(folder)
    path = folder / f".staging-{os.getpid()}-{time.time_ns()}"
    path.mkdir(mode=0o700)
    return path


def publish(folder: Path, staging: Path, partition: Partition) -> None:
    """Move a staged partition into place and name it in the manifest (the manifest last: a
    crash before it leaves files no reader looks at, which ``salon lake check`` lists)."""
    for name in partition.files:
        target = folder / name
        private_dir(target.parent.parent)
        private_dir(target.parent)
        (staging / name).replace(target)
    shutil.rmtree(staging, ignore_errors=True)
    manifest = read_manifest(folder)
    manifest.partitions = [p for p in manifest.partitions if p.import_id != partition.import_id]
    manifest.partitions.append(partition)
    manifest.version += 1
    write_manifest(folder, manifest)


def node_users(folder: Path, import_id: int) -> list[int]:
    """The later imports whose edges or posts name market nodes that import ``import_id``
    numbered first (removing it would leave them pointing at nothing)."""
    manifest = read_manifest(folder)
    mine = [sql_path(folder / p) for p in manifest.paths("nodes", import_id)]
    if not mine:
        return []
    import duckdb

    ends = {"edges": ("src", "dst"), "posts": ("author",)}
    queries = []
    for table, columns in ends.items():
        others = [
            sql_path(folder / p)
            for part in manifest.partitions
            if part.import_id != import_id
            for p in manifest.paths(table, part.import_id)
        ]
        if others:
            named = " OR ".join(f"{c} IN (SELECT code FROM mine)" for c in columns)
            queries.append(
                f"SELECT DISTINCT import FROM read_parquet([{', '.join(others)}]) WHERE {named}"
            )
    if not queries:
        return []
    with duckdb.connect() as db:
        db.execute(f"CREATE TEMP TABLE mine AS SELECT code FROM read_parquet([{', '.join(mine)}])")
        rows = db.execute(" UNION ".join(queries)).fetchall()
    return sorted(int(r[0]) for r in rows)


def drop_import(folder: Path, import_id: int) -> int:
    """Remove import ``import_id``'s partition (``salon imports remove``); edges removed."""
    manifest = read_manifest(folder)
    gone = [p for p in manifest.partitions if p.import_id == import_id]
    if not gone:
        return 0
    manifest.partitions = [p for p in manifest.partitions if p.import_id != import_id]
    manifest.version += 1
    write_manifest(folder, manifest)
    for table in TABLES:
        shutil.rmtree(folder / table / f"import={import_id}", ignore_errors=True)
    return sum(p.edges for p in gone)


@dataclass
class Problem:
    """One thing wrong with the lake, and the command that repairs it."""

    path: str
    problem: str
    repair: str

    def to_dict(self) -> dict[str, str]:
        return asdict(self)

    def __str__(self) -> str:
        return f"{self.path}: {self.problem}. Repair: {self.repair}"


def check_lake(folder: Path, *, full: bool = True) -> list[Problem]:
    """Every missing, damaged or unnamed partition of the lake in ``folder``.

    A partition named by the manifest must exist with the size it was written with, open as
    Parquet with its row count and (``full``) hash to the same SHA-256. Partitions the
    manifest does not name (an interrupted import) are listed too.
    """
    import pyarrow.parquet as pq

    problems: list[Problem] = []
    manifest = read_manifest(folder)
    named: set[str] = set()
    for part in manifest.partitions:
        repair = part.repair
        for name, meta in part.files.items():
            named.add(name)
            path = folder / name
            if not path.exists():
                problems.append(Problem(str(path), "the partition is missing", repair))
                continue
            if path.stat().st_size != meta["bytes"]:
                problems.append(
                    Problem(
                        str(path),
                        f"the partition has {path.stat().st_size:,} bytes, not the "
                        f"{meta['bytes']:,} it was written with",
                        repair,
                    )
                )
                continue
            try:
                rows = pq.ParquetFile(path).metadata.num_rows
            except Exception as exc:  # pyarrow raises several kinds for a damaged file
                problems.append(Problem(str(path), f"the partition is not Parquet ({exc})", repair))
                continue
            if rows != meta["rows"]:
                problems.append(
                    Problem(str(path), f"it holds {rows:,} rows, not {meta['rows']:,}", repair)
                )
            elif full and file_sha256(path) != meta["sha256"]:
                problems.append(Problem(str(path), "its content changed (SHA-256)", repair))
    for table in TABLES:
        for path in sorted((folder / table).glob("import=*/*.parquet")):
            name = path.relative_to(folder).as_posix()
            if name not in named:
                problems.append(
                    Problem(
                        str(path),
                        "no import names this partition (an import was interrupted)",
                        f"salon lake check --repair (deletes it), or rm '{path}'",
                    )
                )
    for path in sorted(folder.glob(".staging-*")):
        problems.append(
            Problem(
                str(path),
                "a partition an interrupted import was writing",
                f"salon lake check --repair (deletes it), or rm -r '{path}'",
            )
        )
    return problems


def remove_leftovers(folder: Path) -> list[tuple[Path, int | None]]:
    """Delete staging folders and partitions no import names: each removed folder, with the
    import it was written for (None when a staging folder holds no partition yet)."""
    manifest = read_manifest(folder)
    named = {name for p in manifest.partitions for name in p.files}
    removed: list[tuple[Path, int | None]] = []
    for path in sorted(folder.glob(".staging-*")):
        ids = sorted({_import_of(p) for p in path.glob("*/import=*")} - {None})
        shutil.rmtree(path, ignore_errors=True)
        removed.append((path, ids[0] if ids else None))
    for table in TABLES:
        for path in sorted((folder / table).glob("import=*/*.parquet")):
            if path.relative_to(folder).as_posix() in named:
                continue
            partition = path.parent
            if any(p.relative_to(folder).as_posix() in named for p in partition.iterdir()):
                path.unlink(missing_ok=True)  # a stray file beside a named partition's own
                removed.append((path, _import_of(partition)))
            elif partition.exists():
                shutil.rmtree(partition, ignore_errors=True)
                removed.append((partition, _import_of(partition)))
    return removed


def _import_of(path: Path) -> int | None:
    """``…/import=7`` → 7."""
    number = path.name.removeprefix("import=")
    return int(number) if number.isdigit() else None


@dataclass
class Removed:
    """What ``salon lake check --repair`` deleted, and what to import again."""

    path: str
    what: str
    reimport: str

    def to_dict(self) -> dict[str, str]:
        return asdict(self)

    def __str__(self) -> str:
        return f"{self.path}: {self.what}. {self.reimport}"


def require_intact(folder: Path, manifest: Manifest) -> None:
    """Raise :class:`LakeError` naming a partition the manifest lists but the disk lacks (or
    holds at another size): a quick check before reading, the full one is ``salon lake check``."""
    for part in manifest.partitions:
        for name, meta in part.files.items():
            path = folder / name
            size = path.stat().st_size if path.exists() else None
            if size != meta["bytes"]:
                what = "is missing" if size is None else "is damaged (its size changed)"
                raise LakeError(
                    f"The lake partition '{path}' {what}. Run 'salon lake check' for the "
                    f"whole lake; to repair: {part.repair}."
                )
