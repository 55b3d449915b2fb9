"""Market posts as columns, on their way to the lake (:mod:`salon.lake.posts` lands them):
a post dump's or a collector's rows read by the posts importer's own parser
(:func:`records_of`, so the checks, times, tags and mentions are the store's), and its
:class:`~salon.model.Post` and :class:`~salon.model.Interaction` records gathered into Arrow
tables of posts and of their links (:func:`column_chunks`, :func:`from_records`). A post's
text is cut to its first :data:`MAX_TEXT` characters.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from salon.model import Interaction, Post

if TYPE_CHECKING:
    import pyarrow as pa


#: Characters of a post's text the lake keeps (topics and ``salon where`` read the text).
MAX_TEXT = 4000


def raw_posts_schema() -> pa.Schema:
    import pyarrow as pa

    return pa.schema(
        [
            ("namespace", pa.string()),
            ("id", pa.string()),
            ("author", pa.string()),
            ("author_handle", pa.string()),
            ("at", pa.int64()),
            ("channel", pa.string()),
            ("tags", pa.list_(pa.string())),
            ("reply_to", pa.string()),
            ("repost_of", pa.string()),
            ("url", pa.string()),
            ("text", pa.string()),
            ("line", pa.int64()),
        ]
    )


def raw_links_schema() -> pa.Schema:
    import pyarrow as pa

    return pa.schema(
        [
            ("namespace", pa.string()),
            ("ref", pa.string()),  # the post's id
            ("kind", pa.string()),
            ("dst_kind", pa.string()),  # id or handle
            ("dst", pa.string()),
        ]
    )


@dataclass
class PostColumns:
    """Posts and the interactions the posts importer read with them, as Arrow tables."""

    posts: pa.Table
    links: pa.Table


def column_chunks(
    records: Iterable[Any], *, chunk: int = 65_536
) -> Iterator[tuple[pa.Table, pa.Table]]:
    """Columns of the posts importer's records (:class:`~salon.model.Post` and the
    :class:`~salon.model.Interaction` rows it yields; anything else is ignored), as
    ``(posts, links)`` Arrow tables of about ``chunk`` posts each, so that a big dump never
    sits in Python lists (the links of a post may come in a later chunk: orphans come last)."""
    import pyarrow as pa

    post_schema, link_schema = raw_posts_schema(), raw_links_schema()
    posts: dict[str, list[Any]] = {name: [] for name in post_schema.names}
    links: dict[str, list[Any]] = {name: [] for name in link_schema.names}

    def flush() -> tuple[pa.Table, pa.Table]:
        out = pa.table(posts, schema=post_schema), pa.table(links, schema=link_schema)
        for column in (*posts.values(), *links.values()):
            column.clear()
        return out

    for record in records:
        if isinstance(record, Post):
            keys = record.author.keys if record.author is not None else ()
            author = next((v for _, k, v in keys if k == "id"), None)
            if author is None:
                continue
            posts["namespace"].append(record.platform)
            posts["id"].append(record.key)
            posts["author"].append(author)
            posts["author_handle"].append(next((v for _, k, v in keys if k == "handle"), None))
            posts["at"].append(record.at)
            posts["channel"].append(record.channel)
            posts["tags"].append(list(record.tags))
            posts["reply_to"].append(record.reply_to)
            posts["repost_of"].append(record.repost_of)
            posts["url"].append(record.url)
            posts["text"].append(record.text[:MAX_TEXT] if record.text else None)
            posts["line"].append(record.line)
            if len(posts["id"]) >= chunk:
                yield flush()
        elif isinstance(record, Interaction) and record.dst is not None and record.ref:
            platform, kind, value = record.dst.keys[0]
            links["namespace"].append(platform)
            links["ref"].append(record.ref)
            links["kind"].append(record.kind)
            links["dst_kind"].append(kind)
            links["dst"].append(value)
    yield flush()


def from_records(records: Iterable[Any], *, chunk: int = 65_536) -> PostColumns:
    """:func:`column_chunks` gathered into two tables (for a collector's batch)."""
    import pyarrow as pa

    chunks = list(column_chunks(records, chunk=chunk))
    return PostColumns(
        pa.concat_tables(p for p, _ in chunks).combine_chunks(),
        pa.concat_tables(links for _, links in chunks).combine_chunks(),
    )


class _Source:
    """Stands for a file in the posts importer's messages: ``source, record N: problem``."""

    def __init__(self, name: str) -> None:
        self.display = name

    def error(self, where: str | None, problem: str, hint: str | None = None) -> Exception:
        from salon.errors import ExportFormatError

        return ExportFormatError(self.display, where, problem, hint)


def rows_of(posts: Any, source: str) -> Iterable[Any]:
    """Collected posts as rows: an Arrow table's, a dict of columns' (a single value stands
    for a whole column), else ``posts`` as they are."""
    import pyarrow as pa

    from salon.lake.layout import LakeError

    if isinstance(posts, pa.Table):
        return posts.to_pylist()
    if isinstance(posts, dict):
        sizes = {len(v) for v in posts.values() if not isinstance(v, str | int | None)}
        if len(sizes) > 1:
            raise LakeError(f"The collected posts from {source} have columns of unequal length.")
        n = sizes.pop() if sizes else 0
        full = {k: [v] * n if isinstance(v, str | int | None) else v for k, v in posts.items()}
        return [dict(zip(full, values, strict=True)) for values in zip(*full.values(), strict=True)]
    return posts


def records_of(rows: Iterable[Any], namespace: str, source: str) -> Iterable[Any]:
    """The posts importer's records of ``rows`` (dicts with the posts file's fields, ``at``
    taken as ``time``); model records pass through."""
    from salon.importers.posts import _Reader

    reader = _Reader(_Source(source), namespace)  # type: ignore[arg-type]
    for number, row in enumerate(rows, start=1):
        if not isinstance(row, dict):
            yield row
            continue
        item = dict(row)
        if "time" not in item and "at" in item:
            item["time"] = item.pop("at")
        line = int(item.pop("line", None) or number)
        yield from reader.records(f"record {line}", line, item)
    yield from reader.orphans()
