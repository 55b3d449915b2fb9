"""Fast writes: many rows through the DB-API cursor, and digests for row keys."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import Connection, Table


def digest(*parts: object) -> bytes:
    """A 16-byte key for rows whose identity is a combination of fields."""
    joined = "\x1f".join("" if p is None else str(p) for p in parts)
    return hashlib.blake2b(joined.encode(), digest_size=16).digest()


def interaction_key(
    kind: str,
    src: str,
    dst: str,
    at: int | None,
    ref: str | None,
    channel: str | None,
    fingerprint: str | None,
) -> bytes:
    """An interaction's 16-byte key from the identity keys of its people (``src``, ``dst``)
    and its fields. Every writing path keys interactions here, so re-imports through either
    path recognise each other's rows. (``None`` is keyed as the text "None", as it always was.)
    """
    text = f"{kind}\x1f{src}\x1f{dst}\x1f{at}\x1f{ref}\x1f{channel}\x1f{fingerprint}"
    return hashlib.blake2b(text.encode(), digest_size=16).digest()


def fetch_chunks(connection: Connection, stmt: Any, size: int = 1_000_000) -> Iterator[list]:
    """Rows of ``stmt`` as plain tuples from the DB-API cursor, ``size`` at a time: NumPy
    converts tuples of numbers in C, where SQLAlchemy's row objects would cost a Python call
    each."""
    compiled = stmt.compile(dialect=connection.dialect)
    if compiled.positiontup is not None:
        params: Any = tuple(compiled.params[name] for name in compiled.positiontup)
    else:
        params = compiled.params
    cursor = connection.connection.cursor()
    try:
        cursor.execute(str(compiled), params)
        while chunk := cursor.fetchmany(size):
            yield chunk
    finally:
        cursor.close()


def dialect_insert(connection: Connection, table: Table) -> Any:
    """The dialect's INSERT (with ON CONFLICT); each dialect's module is imported when its
    store first writes (SQLAlchemy's PostgreSQL dialect costs a SQLite command's start)."""
    if connection.dialect.name == "postgresql":
        from sqlalchemy.dialects import postgresql

        return postgresql.insert(table)
    from sqlalchemy.dialects import sqlite

    return sqlite.insert(table)


def bulk_insert(
    connection: Connection,
    table: Table,
    columns: Sequence[str],
    rows: Sequence[tuple[Any, ...]],
    *,
    conflict: Sequence[str] | None = None,
    on_conflict_set: dict[str, Any] | None = None,
) -> None:
    """INSERT many rows (tuples in ``columns`` order) straight through the DB-API cursor.

    With ``conflict`` columns, rows that already exist are skipped, or updated with
    ``on_conflict_set``. SQLAlchemy compiles the statement once for the dialect; the rows
    bypass its per-row parameter processing, which would cost more than the insert itself.
    """
    if not rows:
        return
    stmt = dialect_insert(connection, table)
    if conflict is not None and on_conflict_set:
        stmt = stmt.on_conflict_do_update(index_elements=list(conflict), set_=on_conflict_set)
    elif conflict is not None:
        stmt = stmt.on_conflict_do_nothing(index_elements=list(conflict))
    compiled = stmt.compile(dialect=connection.dialect, column_keys=list(columns))
    cursor = connection.connection.cursor()
    try:
        if compiled.positiontup is not None:
            order = [columns.index(name) for name in compiled.positiontup]
            if order != list(range(len(columns))):
                rows = [tuple(row[i] for i in order) for row in rows]
            cursor.executemany(str(compiled), rows)
        else:
            cursor.executemany(
                str(compiled), [dict(zip(columns, row, strict=True)) for row in rows]
            )
    finally:
        cursor.close()
