"""Landing market edges in the lake: the :class:`LakeWriter` that stages one import's
partition, de-duplicates in DuckDB and writes Parquet with the provenance.

The edges come as Arrow tables, or as a file DuckDB parses itself (:mod:`salon.lake.edgefiles`
reads edge lists; its names are re-exported here).

De-duplication is by key in DuckDB: a timed edge is ``(src, dst, kind, time, occurrence)``
(occurrence: how many identical lines came before it in its file, so repeated events stay
repeated, as in the store); an untimed edge (a tie) is ``(src, dst, kind)``, first weight
kept. New rows are anti-joined against every partition already in the lake. Market nodes are
``(namespace, id)`` pairs coded once (the code never changes): ``nodes/import=N`` holds the
nodes import N named first.
"""

from __future__ import annotations

import contextlib
import shutil
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from salon.lake.duckread import RAW, drop_raw
from salon.lake.edgefiles import (
    BLOCK,
    FileEdges,
    LineProgress,
    _schema,
    fast_layout,
    file_tables,
    read_columns,
    records_as_columns,
)
from salon.lake.layout import (
    Partition,
    describe_file,
    publish,
    read_manifest,
    require_intact,
    sql_path,
    staging_dir,
)

if TYPE_CHECKING:
    import duckdb
    import pyarrow as pa

__all__ = [
    "BLOCK",
    "FileEdges",
    "LakeWriter",
    "Landed",
    "LineProgress",
    "_schema",
    "fast_layout",
    "file_tables",
    "interrupted_as_ctrl_c",
    "read_columns",
    "records_as_columns",
]

_NO_TIME = -(2**63)
_NODES = "namespace VARCHAR, id VARCHAR, code BIGINT"
_EDGES = (
    'src BIGINT, dst BIGINT, kind VARCHAR, "at" BIGINT, weight DOUBLE, occurrence INTEGER, '
    "import INTEGER, file_sha256 VARCHAR, line BIGINT"
)


@dataclass
class Landed:
    """What one file (or batch) added to the lake."""

    name: str
    namespace: str
    read: int = 0
    edges: int = 0
    nodes: int = 0
    promoted: list[str] = field(default_factory=list)
    """Ids of market nodes that link to a known person (they become people rows)."""

    @property
    def duplicates(self) -> int:
        return self.read - self.edges


class LakeWriter:
    """One import's partition, staged in a folder of its own until :meth:`publish`.

    Everything is written to ``.staging-*`` first; :meth:`publish` renames the files into
    place and then names them in the manifest; :meth:`discard` (an error, Ctrl-C, nothing
    new) deletes the staging folder, leaving the lake as it was.
    """

    def __init__(self, folder: Path, import_id: int, *, memory_limit: str = "2GB") -> None:
        import duckdb

        self.folder = folder
        self.import_id = import_id
        manifest = read_manifest(folder)
        require_intact(folder, manifest)
        self.staging = staging_dir(folder)
        self.old_edges = [str(folder / p) for p in manifest.paths("edges")]
        self.old_nodes = [str(folder / p) for p in manifest.paths("nodes")]
        self.old_posts = [str(folder / p) for p in manifest.paths("posts")]
        self.posts = 0  # posts staged (:mod:`salon.lake.posts`)
        self.db: duckdb.DuckDBPyConnection = duckdb.connect()
        self.db.execute("SET threads = 2")
        self.db.execute(f"SET memory_limit = '{memory_limit}'")
        self.db.execute(f"SET temp_directory = {sql_path(self.staging / 'spill')}")
        self.db.execute("SET preserve_insertion_order = false")
        self.files: dict[str, int] = {}
        self.landed: list[Landed] = []
        self.sources: list[dict[str, object]] = []

    def _scan(self, paths: list[str], columns: str) -> str:
        if not paths:
            return f"(SELECT * FROM (VALUES {_nulls(columns)}) t({_names(columns)}) WHERE false)"
        listed = ", ".join(sql_path(p) for p in paths)
        return f"read_parquet([{listed}])"

    def land(
        self,
        tables: Iterable[pa.Table],
        *,
        name: str,
        sha256: str,
        namespace: str,
        known: Callable[[], list[str]] = list,
    ) -> Landed:
        """Stage the edges of one file in this import's partition; ``known`` gives the ids of
        the namespace's nodes that are people in the store (for the promotion rule).
        ``tables`` with an ``into(db, scratch)`` method (:class:`FileEdges`) may have DuckDB
        parse the file into ``raw`` itself; otherwise (or when it returns ``None``) its Arrow
        tables are inserted."""
        with interrupted_as_ctrl_c():
            return self._land(tables, name, sha256, namespace, known)

    def _land(
        self,
        tables: Iterable[pa.Table],
        name: str,
        sha256: str,
        namespace: str,
        known: Callable[[], list[str]],
    ) -> Landed:
        db = self.db
        drop_raw(db)
        db.execute(RAW)
        into = getattr(tables, "into", None)
        read = into(db, self.staging) if into is not None else None
        if read is None:
            read = 0
            for table in tables:
                db.register("block", table)
                db.execute("INSERT INTO raw SELECT * FROM block")
                db.unregister("block")
                read += table.num_rows
        landed = Landed(name, namespace, read=read)
        if not read:
            return landed
        part = len(self.files)
        nodes_file = f"nodes/import={self.import_id}/part-{part}.parquet"
        edges_file = f"edges/import={self.import_id}/part-{part}.parquet"
        for sub in (nodes_file, edges_file):
            (self.staging / sub).parent.mkdir(parents=True, exist_ok=True)
        old_nodes = self._scan(self.old_nodes, _NODES)
        old_edges = self._scan(self.old_edges, _EDGES)
        db.execute(f"CREATE OR REPLACE VIEW old_nodes AS SELECT * FROM {old_nodes}")
        top = db.execute("SELECT coalesce(max(code), -1) FROM old_nodes").fetchall()[0][0]
        db.execute(
            f"""CREATE OR REPLACE TABLE new_nodes AS
            SELECT $ns AS namespace, id, {int(top)} + row_number() OVER (ORDER BY id) AS code
            FROM (SELECT src AS id FROM raw UNION SELECT dst FROM raw) ids
            WHERE id NOT IN (SELECT id FROM old_nodes WHERE namespace = $ns)""",
            {"ns": namespace},
        )
        db.execute(
            """CREATE OR REPLACE TABLE codes AS
            SELECT id, code FROM old_nodes WHERE namespace = $ns
            UNION ALL SELECT id, code FROM new_nodes""",
            {"ns": namespace},
        )
        # Repeated events stay repeated (occurrence); a tie is kept once, its first weight.
        db.execute(
            """CREATE OR REPLACE TABLE coded AS
            SELECT s.code AS src, d.code AS dst, r.kind, r."at", r.weight, r.line
            FROM raw r JOIN codes s ON s.id = r.src JOIN codes d ON d.id = r.dst"""
        )
        # Most files repeat no key: then every occurrence is 0, with no window to number them.
        repeats = db.execute(
            'SELECT count(*) FROM (SELECT 1 FROM coded GROUP BY src, dst, kind, "at" '
            "HAVING count(*) > 1)"
        ).fetchall()[0][0]
        occurrence = (
            '(row_number() OVER (PARTITION BY src, dst, kind, "at" ORDER BY line) - 1)::INTEGER'
            if repeats
            else "0::INTEGER"
        )
        query = f"""WITH numbered AS (SELECT *, {occurrence} AS occurrence FROM coded),
            fresh AS (SELECT * FROM numbered WHERE "at" IS NOT NULL OR occurrence = 0)
            SELECT f.src, f.dst, f.kind, f."at", f.weight, f.occurrence,
                {self.import_id}::INTEGER AS import, {_literal(sha256)} AS file_sha256, f.line
            FROM fresh f"""
        if self.old_edges:  # an untimed edge's occurrence is always 0
            query += f"""
            ANTI JOIN (
                SELECT src, dst, kind, coalesce("at", {_NO_TIME}) AS ak, occurrence
                FROM {old_edges}
            ) o ON f.src = o.src AND f.dst = o.dst AND f.kind = o.kind
                AND coalesce(f."at", {_NO_TIME}) = o.ak
                AND f.occurrence = o.occurrence"""
        _drop(db, "staged")
        # Nothing to number or subtract: every coded row is staged as it is (a view).
        what = "TABLE" if repeats or self.old_edges else "VIEW"
        db.execute(f"CREATE {what} staged AS {query}")
        landed.edges = db.execute("SELECT count(*) FROM staged").fetchall()[0][0]
        landed.nodes = db.execute("SELECT count(*) FROM new_nodes").fetchall()[0][0]
        if landed.edges:
            ids = known()
            if ids:
                landed.promoted = self._promote(ids)
            options = "(FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 122880)"
            db.execute(f"COPY staged TO {sql_path(self.staging / edges_file)} {options}")
            db.execute(
                f"COPY (SELECT * FROM new_nodes ORDER BY code) TO "
                f"{sql_path(self.staging / nodes_file)} {options}"
            )
            self.files[edges_file] = landed.edges
            self.files[nodes_file] = landed.nodes
            self.old_edges.append(str(self.staging / edges_file))
            self.old_nodes.append(str(self.staging / nodes_file))
        self.landed.append(landed)
        self.sources.append(
            {
                "name": name,
                "sha256": sha256,
                "namespace": namespace,
                "read": read,
                "edges": landed.edges,
                "nodes": landed.nodes,
            }
        )
        return landed

    def _promote(self, known: list[str]) -> list[str]:
        """Nodes of the staged edges that link to a known person and are none themselves."""
        import pyarrow as pa

        self.db.register("known", pa.table({"id": pa.array(known, pa.string())}))
        try:
            rows = self.db.execute(
                """WITH k AS (SELECT c.code, c.id FROM codes c JOIN known USING (id)),
                linked AS (
                    SELECT dst AS code FROM staged WHERE src IN (SELECT code FROM k)
                    UNION SELECT src FROM staged WHERE dst IN (SELECT code FROM k)
                )
                SELECT c.id FROM linked l JOIN codes c USING (code)
                WHERE l.code NOT IN (SELECT code FROM k) ORDER BY c.id"""
            ).fetchall()
        finally:
            self.db.unregister("known")
        return [r[0] for r in rows]

    @property
    def edges(self) -> int:
        return sum(x.edges for x in self.landed)

    def publish(self) -> Partition | None:
        """Move the staged files into the lake and name them in the manifest."""
        self.db.close()
        if not self.files:
            self.discard()
            return None
        partition = Partition(
            import_id=self.import_id,
            sources=self.sources,
            edges=self.edges,
            nodes=sum(x.nodes for x in self.landed),
            posts=self.posts,
            files={
                name: describe_file(self.staging, name, rows) for name, rows in self.files.items()
            },
            created_at=int(time.time()),
        )
        publish(self.folder, self.staging, partition)
        return partition

    def discard(self) -> None:
        """Forget everything staged: the lake stays as it was."""
        with contextlib.suppress(Exception):  # already closed
            self.db.close()
        shutil.rmtree(self.staging, ignore_errors=True)


@contextlib.contextmanager
def interrupted_as_ctrl_c() -> Iterator[None]:
    """A DuckDB statement Ctrl-C stopped raises :class:`KeyboardInterrupt`, as Python code
    would (DuckDB raises its own error, or ``RuntimeError: Query interrupted``)."""
    import duckdb

    try:
        yield
    except duckdb.InterruptException:
        raise KeyboardInterrupt from None
    except RuntimeError as exc:
        if "interrupted" in str(exc).lower():
            raise KeyboardInterrupt from None
        raise


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _drop(db: duckdb.DuckDBPyConnection, name: str) -> None:
    """Drop the table or view ``name``, if there is one."""
    import duckdb

    for kind in ("VIEW", "TABLE"):
        with contextlib.suppress(duckdb.CatalogException):
            db.execute(f"DROP {kind} IF EXISTS {name}")


def _names(columns: str) -> str:
    return ", ".join(c.split()[0] for c in columns.split(", "))


def _nulls(columns: str) -> str:
    return "(" + ", ".join(f"NULL::{c.split()[1]}" for c in columns.split(", ")) + ")"
