"""A new SQLite store in one step: the schema the migrations build, replayed from a script.

Running the migrations one by one on an empty file costs a command a third of a second or
more (Alembic's import, its script directory, each revision's module, batch copies of
tables). A SQLite store that holds no table yet instead gets the statements SQLite holds
after the migrations ran (``sqlite_master``, in the order they were created), stored in
``migrations/sqlite_head.sql``, and Alembic's head revision stamped, in one transaction.

``tests/store/test_fresh.py`` proves the two ways give the same schema (tables, columns,
types, defaults, indexes, constraints, triggers) and the same rows. When a migration is added
and :data:`~salon.store.schema.SCHEMA_HEAD` moves on, the script names an older revision, so a
new store is migrated as before (the test fails, saying to run
``python -m salon.store.fresh``, which writes the script again from the migrations).
PostgreSQL stores are always migrated.
"""

from __future__ import annotations

import sys
import uuid
from pathlib import Path

from sqlalchemy import Connection, text

from salon.store.schema import SCHEMA_HEAD

SCRIPT = Path(__file__).parent / "migrations" / "sqlite_head.sql"

_HEADER = "-- salon schema "
_END = ";\n\n"


def schema_statements(connection: Connection) -> list[str]:
    """The statements that build a SQLite database's schema, in the order SQLite made them
    (indexes SQLite makes itself for UNIQUE and PRIMARY KEY constraints have none)."""
    rows = connection.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' "
        "ORDER BY rowid"
    )
    return [row[0] for row in rows]


def read_script(path: Path | None = None) -> tuple[str, list[str]]:
    """The script's revision and its statements (``("", [])`` when there is no script)."""
    try:
        content = (path or SCRIPT).read_text(encoding="utf-8")
    except FileNotFoundError:
        return "", []
    first, _, body = content.partition("\n")
    if not first.startswith(_HEADER):
        return "", []
    revision = first[len(_HEADER) :].split()[0]
    return revision, [s for s in body.split(_END) if s.strip()]


def create(connection: Connection) -> bool:
    """Build the head schema in an empty SQLite database inside the caller's transaction;
    False (and nothing done) when the database holds a table or the script is not at
    :data:`SCHEMA_HEAD`, so that the migrations run instead."""
    if connection.exec_driver_sql(
        "SELECT 1 FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' LIMIT 1"
    ).first():
        return False
    revision, statements = read_script()
    if revision != SCHEMA_HEAD:
        return False
    for statement in statements:
        connection.exec_driver_sql(statement)
    connection.execute(
        text("INSERT INTO alembic_version (version_num) VALUES (:head)"), {"head": SCHEMA_HEAD}
    )
    # Migration 0005 gives every store its identity.
    connection.execute(
        text("INSERT INTO store_meta (key, value) VALUES ('identity', :value)"),
        {"value": str(uuid.uuid4())},
    )
    return True


def write_script(path: Path | None = None) -> str:
    """Migrate an empty store in a temporary folder with Alembic and write its statements to
    ``path``; returns the revision written."""
    import tempfile

    from salon.store import database

    with tempfile.TemporaryDirectory() as tmp:
        store = database.open_store(str(Path(tmp) / "migrated.db"), migrate=False)
        try:
            database.migrate(store)
            with store.engine.connect() as connection:
                statements = schema_statements(connection)
        finally:
            store.close()
    for statement in statements:
        if _END in statement:
            raise ValueError(f"a statement holds the separator {_END!r}: {statement}")
    header = f"{_HEADER}{SCHEMA_HEAD} (python -m salon.store.fresh: the migrations' schema)\n"
    (path or SCRIPT).write_text(header + "".join(s + _END for s in statements), encoding="utf-8")
    return SCHEMA_HEAD


if __name__ == "__main__":
    print(f"{SCRIPT}: schema {write_script()}", file=sys.stderr)
