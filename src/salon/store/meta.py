"""Facts about the store itself, in ``store_meta``: its identity (a UUID written when it was
created), and the ids it has given, so that an id is never given twice (removing an import
deletes rows; the next import must not take their ids, or what named them — the snapshot
cache's key, the lake's partitions, a goal's recorded evidence, a page's address — would
name something else)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, Table, func, select

from salon.store.schema import store_meta

#: The key of the store's identity.
IDENTITY = "identity"


def meta_value(connection: Connection, key: str) -> str | None:
    """The value kept under ``key``, or None."""
    return connection.execute(  # type: ignore[no-any-return]
        select(store_meta.c.value).where(store_meta.c.key == key)
    ).scalar()


def set_meta(connection: Connection, key: str, value: str) -> None:
    """Keep ``value`` under ``key`` (in the caller's transaction)."""
    if connection.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    given = insert(store_meta).values(key=key, value=value)
    connection.execute(
        given.on_conflict_do_update(index_elements=["key"], set_={"value": given.excluded.value})
    )


def next_ids(connection: Connection, tables: Iterable[Table]) -> dict[str, int]:
    """The next id of each table: above every id it holds, and every id it held
    (:func:`keep_given_ids`)."""
    out = {}
    for table in tables:
        top = connection.execute(select(func.max(table.c.id))).scalar() or 0
        held = meta_value(connection, _key(table))
        out[table.name] = max(top + 1, int(held or 0))
    return out


def keep_given_ids(connection: Connection, tables: Iterable[Table]) -> None:
    """Before rows of ``tables`` are deleted: remember the ids given so far, so that
    :func:`next_ids` never gives them again."""
    tables = list(tables)
    upto = next_ids(connection, tables)
    for table in tables:
        set_meta(connection, _key(table), str(upto[table.name]))


def _key(table: Table) -> str:
    return f"next_id:{table.name}"
