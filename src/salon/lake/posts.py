"""Landing market posts in the lake: a ``posts`` table beside the edges, and the author→author
edges the posts imply.

A post dump (:mod:`salon.importers.posts`) or what a collector brings is read by the posts
importer's own parser (so the checks, times, tags and mentions are the store's), gathered into
columns (:mod:`salon.lake.post_columns`) — a plain JSON Lines dump is read into the same
columns by PyArrow instead (:mod:`salon.lake.post_fast`) — then handed to DuckDB: posts
are de-duplicated by ``(namespace, id)`` against every partition of the lake (an anti-join),
written as ``posts/import=N/part-K.parquet``, and each new post's interactions land as lake
edges of the kinds the store uses:

- ``reply`` / ``repost``: from the post's author to the author of the post it answers or
  reposts, when that post is in the batch or already in the lake; else to the parent author
  the post names (``reply_to_author``, ``repost_of_author``), as the store's importer does.
  A parent that arrives in a later import is not linked back.
- ``mention``: from the author to each handle the post mentions; a handle some post's
  ``author_handle`` names is that author's node, any other is the node ``@handle``.

Self-replies and self-mentions are posts, not edges. Authors are market nodes
``(namespace, id)`` under the lake's promotion rule (:mod:`salon.lake`).

Columns of ``posts``: ``namespace``, ``id`` (the post's id), ``author`` (node code),
``author_handle``, ``at`` (Unix seconds), ``channel``, ``tags`` (list), ``reply_to``,
``repost_of``, ``url``, ``text`` (first :data:`~salon.lake.post_columns.MAX_TEXT`
characters), and the provenance ``import``, ``file_sha256``, ``line``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from salon.lake.ingest import LakeWriter, interrupted_as_ctrl_c
from salon.lake.layout import sql_path
from salon.lake.post_columns import (
    PostColumns,
    from_records,
    raw_links_schema,
    raw_posts_schema,
    records_of,
    rows_of,
)

if TYPE_CHECKING:
    import duckdb
    import pyarrow as pa

POSTS = (
    'namespace VARCHAR, id VARCHAR, author BIGINT, author_handle VARCHAR, "at" BIGINT, '
    "channel VARCHAR, tags VARCHAR[], reply_to VARCHAR, repost_of VARCHAR, url VARCHAR, "
    "text VARCHAR, import INTEGER, file_sha256 VARCHAR, line BIGINT"
)
_PARQUET = "(FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 122880)"
#: The tables one file's posts use in the writer's DuckDB (dropped when they have landed).
_SCRATCH = ("batch_posts", "batch_links", "new_posts", "parents", "handles", "post_edges")


@dataclass
class PostsLanded:
    """What one posts file (or batch) added to the lake."""

    name: str
    read: int = 0
    posts: int = 0
    edges: int = 0
    nodes: int = 0
    promoted: list[tuple[str, str]] = field(default_factory=list)
    """``(namespace, id)`` of market nodes that link to a known person."""


def land_columns(
    writer: LakeWriter,
    columns: PostColumns | Iterable[tuple[pa.Table, pa.Table]],
    *,
    name: str,
    sha256: str,
    known: Callable[[str], list[str]] = lambda ns: [],
) -> PostsLanded:
    """Stage posts (and their edges) in ``writer``'s partition; ``columns`` are the posts and
    links, or :func:`column_chunks` (each chunk goes into DuckDB as it comes, which spills to
    disk past its memory limit); ``known(namespace)`` gives the ids of the namespace's nodes
    that are people in the store (the promotion rule)."""
    chunks = [(columns.posts, columns.links)] if isinstance(columns, PostColumns) else columns
    db = writer.db
    landed = PostsLanded(name)
    with interrupted_as_ctrl_c():
        _create_batch(db)
        try:
            for posts, links in chunks:
                for table, rows in (("batch_posts", posts), ("batch_links", links)):
                    db.register("chunk", rows)
                    db.execute(f"INSERT INTO {table} SELECT * FROM chunk")
                    db.unregister("chunk")
                landed.read += posts.num_rows
            namespaces = [
                r[0]
                for r in db.execute(
                    "SELECT DISTINCT namespace FROM batch_posts ORDER BY 1"
                ).fetchall()
            ]
            for namespace in namespaces:
                _land_namespace(writer, namespace, name, sha256, known, landed)
            if landed.posts and not any(f.startswith("edges/") for f in writer.files):
                _no_edges(writer)
        finally:
            for table in _SCRATCH:
                db.execute(f"DROP TABLE IF EXISTS {table}")
    return landed


def _no_edges(writer: LakeWriter) -> None:
    """An empty edges file for an import of posts that imply no edge: every partition has
    one, so readers of the edges (snapshots, export) always find a file of their columns."""
    from salon.lake.ingest import _EDGES

    sub = f"edges/import={writer.import_id}/part-{len(writer.files)}.parquet"
    (writer.staging / sub).parent.mkdir(parents=True, exist_ok=True)
    writer.db.execute(f"COPY {_scan([], _EDGES)} TO {sql_path(writer.staging / sub)} {_PARQUET}")
    writer.files[sub] = 0
    writer.old_edges.append(str(writer.staging / sub))


def _create_batch(db: duckdb.DuckDBPyConnection) -> None:
    for table, schema in (("batch_posts", raw_posts_schema()), ("batch_links", raw_links_schema())):
        db.register("shape", schema.empty_table())
        db.execute(f"CREATE OR REPLACE TABLE {table} AS SELECT * FROM shape")
        db.unregister("shape")


def _scan(paths: list[str], columns: str) -> str:
    if paths:
        return "read_parquet([" + ", ".join(sql_path(p) for p in paths) + "])"
    nulls = ", ".join(f"NULL::{c.split(' ', 1)[1]}" for c in columns.split(", "))
    names = ", ".join(c.split(" ", 1)[0] for c in columns.split(", "))
    return f"(SELECT * FROM (VALUES ({nulls})) t({names}) WHERE false)"


def _land_namespace(
    writer: LakeWriter,
    namespace: str,
    name: str,
    sha256: str,
    known: Callable[[str], list[str]],
    landed: PostsLanded,
) -> None:
    from salon.lake.ingest import _NODES

    db = writer.db
    old_posts = _scan(writer.old_posts, POSTS)
    old_nodes = _scan(writer.old_nodes, _NODES)
    # A post named twice in the batch: its first line counts.
    db.execute(
        f"""CREATE OR REPLACE TABLE new_posts AS
        SELECT b.* FROM (
            SELECT * FROM batch_posts WHERE namespace = $ns
            QUALIFY row_number() OVER (PARTITION BY id ORDER BY line) = 1
        ) b ANTI JOIN (SELECT id FROM {old_posts} WHERE namespace = $ns) o ON o.id = b.id""",
        {"ns": namespace},
    )
    fresh = db.execute("SELECT count(*) FROM new_posts").fetchall()[0][0]
    if not fresh:
        return
    _edges(db, namespace, old_posts, old_nodes)
    edges = db.sql("SELECT * FROM post_edges").to_arrow_table()
    if edges.num_rows:
        done = writer.land(
            iter([edges]),
            name=name,
            sha256=sha256,
            namespace=namespace,
            known=lambda: known(namespace),
        )
        landed.edges += done.edges
        landed.nodes += done.nodes
        landed.promoted += [(namespace, node) for node in done.promoted]
    landed.nodes += _code_authors(writer, namespace, name)
    landed.posts += _write_posts(writer, namespace, sha256)
    _note_source(writer, name, sha256, namespace, fresh, landed.posts)


def _edges(db: duckdb.DuckDBPyConnection, namespace: str, old_posts: str, old_nodes: str) -> None:
    """``post_edges`` (the edge reader's columns, node ids as text) of the new posts."""
    db.execute(
        f"""CREATE OR REPLACE TABLE parents AS
        SELECT id, min(author) AS author FROM (
            SELECT id, author FROM batch_posts WHERE namespace = $ns
            UNION ALL SELECT p.id, n.id FROM {old_posts} p
                JOIN {old_nodes} n ON n.code = p.author AND n.namespace = p.namespace
            WHERE p.namespace = $ns
        ) GROUP BY id""",
        {"ns": namespace},
    )
    db.execute(
        f"""CREATE OR REPLACE TABLE handles AS
        SELECT lower(author_handle) AS handle, min(author) AS id FROM (
            SELECT author_handle, author FROM batch_posts
            WHERE namespace = $ns AND author_handle IS NOT NULL
            UNION ALL SELECT p.author_handle, n.id FROM {old_posts} p
                JOIN {old_nodes} n ON n.code = p.author AND n.namespace = p.namespace
            WHERE p.namespace = $ns AND p.author_handle IS NOT NULL
        ) GROUP BY 1""",
        {"ns": namespace},
    )
    db.execute(
        """CREATE OR REPLACE TABLE post_edges AS
        WITH linked AS (
            SELECT n.author AS src, p.author AS dst, 'reply' AS kind, n."at", n.line
            FROM new_posts n JOIN parents p ON p.id = n.reply_to
            UNION ALL
            SELECT n.author, p.author, 'repost', n."at", n.line
            FROM new_posts n JOIN parents p ON p.id = n.repost_of
            UNION ALL
            SELECT n.author,
                CASE WHEN l.dst_kind = 'handle' THEN coalesce(h.id, '@' || l.dst) ELSE l.dst END,
                l.kind, n."at", n.line
            FROM batch_links l JOIN new_posts n ON n.id = l.ref
            LEFT JOIN handles h ON l.dst_kind = 'handle' AND h.handle = l.dst
            WHERE l.namespace = $ns AND (
                l.kind = 'mention'
                OR (l.kind = 'reply' AND n.reply_to NOT IN (SELECT id FROM parents))
                OR (l.kind = 'repost' AND n.repost_of NOT IN (SELECT id FROM parents))
                OR (l.kind = 'reply' AND n.reply_to IS NULL)
                OR (l.kind = 'repost' AND n.repost_of IS NULL)
            )
        )
        SELECT lower(src) AS src, lower(dst) AS dst, kind, "at", 1.0::DOUBLE AS weight, line
        FROM linked WHERE lower(src) <> lower(dst)""",
        {"ns": namespace},
    )


def _code_authors(writer: LakeWriter, namespace: str, name: str) -> int:
    """Code the new posts' authors that are no node yet; how many were new."""
    from salon.lake.ingest import _NODES, Landed

    db = writer.db
    old_nodes = _scan(writer.old_nodes, _NODES)
    top = db.execute(f"SELECT coalesce(max(code), -1) FROM {old_nodes}").fetchall()[0][0]
    db.execute(
        f"""CREATE OR REPLACE TABLE author_nodes AS
        SELECT $ns AS namespace, id, {int(top)} + row_number() OVER (ORDER BY id) AS code
        FROM (SELECT DISTINCT author AS id FROM new_posts) a
        WHERE id NOT IN (SELECT id FROM {old_nodes} WHERE namespace = $ns)""",
        {"ns": namespace},
    )
    count = db.execute("SELECT count(*) FROM author_nodes").fetchall()[0][0]
    if count:
        sub = f"nodes/import={writer.import_id}/part-{len(writer.files)}.parquet"
        (writer.staging / sub).parent.mkdir(parents=True, exist_ok=True)
        db.execute(
            f"COPY (SELECT * FROM author_nodes ORDER BY code) TO "
            f"{sql_path(writer.staging / sub)} {_PARQUET}"
        )
        writer.files[sub] = count
        writer.old_nodes.append(str(writer.staging / sub))
        writer.landed.append(Landed(name, namespace, nodes=count))
    return count


def _write_posts(writer: LakeWriter, namespace: str, sha256: str) -> int:
    from salon.lake.ingest import _NODES, _literal

    db = writer.db
    nodes = _scan(writer.old_nodes, _NODES)
    sub = f"posts/import={writer.import_id}/part-{len(writer.files)}.parquet"
    (writer.staging / sub).parent.mkdir(parents=True, exist_ok=True)
    db.execute(
        f"""COPY (
            SELECT p.namespace, p.id, c.code AS author, p.author_handle, p."at", p.channel,
                p.tags, p.reply_to, p.repost_of, p.url, p.text,
                {writer.import_id}::INTEGER AS import, {_literal(sha256)} AS file_sha256, p.line
            FROM new_posts p JOIN {nodes} c ON c.namespace = p.namespace AND c.id = p.author
            ORDER BY p.line
        ) TO {sql_path(writer.staging / sub)} {_PARQUET}"""
    )
    count = db.execute("SELECT count(*) FROM new_posts").fetchall()[0][0]
    writer.files[sub] = count
    writer.old_posts.append(str(writer.staging / sub))
    writer.posts += count
    return count


def _note_source(
    writer: LakeWriter, name: str, sha256: str, namespace: str, read: int, posts: int
) -> None:
    for source in writer.sources:
        if source["name"] == name and source["namespace"] == namespace:
            source["posts"] = posts
            return
    writer.sources.append(
        {
            "name": name,
            "sha256": sha256,
            "namespace": namespace,
            "read": read,
            "edges": 0,
            "nodes": 0,
            "posts": posts,
        }
    )


@dataclass
class PostsResult:
    """What :func:`land_posts` added: the import, posts read, posts new, edges new, nodes new,
    people rows (the promotion rule)."""

    import_id: int | None
    read: int
    posts: int
    edges: int
    nodes: int
    people: int

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def land_posts(
    store: Any, namespace: str, posts: Any, *, source: str, known: Iterable[str] | None = None
) -> PostsResult:
    """Land collected market posts in the lake, as one import (for ``salon collect``).

    ``posts`` is an Arrow table, a dict of columns, or an iterable of dicts (or of the posts
    importer's :class:`~salon.model.Post` / :class:`~salon.model.Interaction` records), with
    the fields of a posts file (:mod:`salon.importers.posts`): ``id`` and ``author`` required;
    ``time`` (or ``at``: Unix seconds or ISO 8601), ``text``, ``channel``, ``reply_to``,
    ``repost_of``, ``reply_to_author``, ``repost_of_author``, ``mentions``, ``tags``,
    ``author_handle``, ``url``, ``platform``, ``line`` optional. ``source`` names where they
    came from. Posts the lake already holds are not added again; the replies, reposts and
    mentions of new posts land as lake edges; an import that adds nothing leaves no trace.
    ``known`` lists the ids of ``namespace`` the promotion rule counts as people (default: the
    store's people now; a collection job passes those it knew when it started).

    Examples
    --------
    >>> import salon, tempfile
    >>> posts = {"id": ["1", "2"], "author": ["ana", "bo"], "reply_to": [None, "1"],
    ...          "time": [1700000000, 1700000060]}
    >>> with tempfile.TemporaryDirectory() as tmp, salon.open_store(f"{tmp}/s.db") as store:
    ...     first = salon.land_posts(store, "bsky", posts, source="test")
    ...     again = salon.land_posts(store, "bsky", posts, source="test")
    >>> (first.posts, first.edges, first.nodes, again.posts, again.import_id)
    (2, 1, 2, 0, None)
    """
    import hashlib

    import pyarrow as pa

    from salon.lake import _store_import
    from salon.lake.layout import lake_dir
    from salon.lake.route import known_ids
    from salon.model import Person, PersonRef, identity

    columns = from_records(records_of(rows_of(posts, source), namespace, source))
    sink = pa.BufferOutputStream()
    for table in (columns.posts, columns.links):
        with pa.ipc.new_stream(sink, table.schema) as out:
            out.write_table(table)
    sha = hashlib.sha256(namespace.encode() + b"\x1f" + sink.getvalue().to_pybytes()).hexdigest()

    def build(connection, import_id, writer, file_id):  # type: ignore[no-untyped-def]
        lake = LakeWriter(lake_dir(store, connection), import_id)
        done = land_columns(
            lake,
            columns,
            name=source,
            sha256=sha,
            known=lambda ns: (
                list(known) if known is not None and ns == namespace else known_ids(connection, ns)
            ),
        )
        for ns, node in done.promoted:
            writer.add(Person(PersonRef((identity(ns, "id", node),))), file_id)
        added = {"lake posts": done.posts, "lake edges": done.edges, "lake nodes": done.nodes}
        return added, done, lake

    import_id, done = _store_import(store, f"lake: {source}", sha, build)
    return PostsResult(import_id, done.read, done.posts, done.edges, done.nodes, len(done.promoted))
