"""A new SQLite store gets the head schema from the stored script: the same schema, to the
byte, as running every migration, and existing stores still migrate."""

import subprocess
import sys
import uuid

import pytest
from sqlalchemy import inspect, text

import salon
from salon.store import database, fresh
from salon.store.schema import SCHEMA_HEAD
from tests.conftest import _pg_store


def _migrated(path):
    """A new store built by Alembic's migrations, one by one (the script not used)."""
    store = database.open_store(str(path), migrate=False)
    database.migrate(store)
    return store


def _table(sql):
    """A CREATE TABLE statement with its constraints as a set: the migrations themselves list
    merges' foreign keys in any order (Alembic's batch copy in 0006 walks a set), so two
    migrated stores differ there; the columns keep their order."""
    if sql is None or not sql.startswith("CREATE TABLE"):
        return sql
    head, _, body = sql.partition("(\n")
    items = [line.strip().rstrip(",").strip() for line in body.rsplit("\n)", 1)[0].split("\n")]
    constraints = sorted(i for i in items if i.startswith("CONSTRAINT"))
    return head, tuple(i for i in items if not i.startswith("CONSTRAINT")), tuple(constraints)


def _schema(store):
    """Everything SQLite knows of a schema: each object's statement (tables with their columns,
    types, defaults and constraints; indexes; triggers; views), the indexes SQLite makes for
    constraints, and each table's columns, indexes and foreign keys as the pragmas list them
    (foreign keys without their number, which follows the order they are written in)."""
    with store.engine.connect() as c:
        master = [
            (kind, name, table, _table(sql))
            for kind, name, table, sql in c.exec_driver_sql(
                "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name"
            )
        ]
        pragmas = {}
        for (table,) in c.exec_driver_sql("SELECT name FROM sqlite_master WHERE type='table'"):
            indexes = c.exec_driver_sql(f'PRAGMA index_list("{table}")').all()
            pragmas[table] = (
                c.exec_driver_sql(f'PRAGMA table_xinfo("{table}")').all(),
                sorted(indexes),
                [c.exec_driver_sql(f'PRAGMA index_xinfo("{i[1]}")').all() for i in sorted(indexes)],
                sorted(fk[1:] for fk in c.exec_driver_sql(f'PRAGMA foreign_key_list("{table}")')),
            )
        versions = c.exec_driver_sql("PRAGMA user_version").scalar()
    return master, pragmas, versions


def _rows(store):
    """Rows per table, and the rows themselves where a migration writes any (the identity's
    value is a fresh UUID in each store, so only its key is compared)."""
    with store.engine.connect() as c:
        names = inspect(c).get_table_names()
        counts = {t: c.execute(text(f'SELECT count(*) FROM "{t}"')).scalar() for t in names}
        version = c.execute(text("SELECT version_num FROM alembic_version")).all()
        meta = c.execute(text("SELECT key, value FROM store_meta")).all()
    return counts, version, [key for key, _ in meta], [value for _, value in meta]


def test_a_new_store_has_exactly_the_migrated_schema(tmp_path):
    with _migrated(tmp_path / "migrated.db") as migrated:
        expected, expected_rows = _schema(migrated), _rows(migrated)
    with salon.open_store(str(tmp_path / "new.db")) as new:
        got, got_rows = _schema(new), _rows(new)
    assert got == expected
    master, pragmas, _ = got
    assert {"people", "merges", "notes", "goal_progress", "alembic_version"} <= set(pragmas)
    assert any(kind == "index" and name == "ix_people_merged_into" for kind, name, *_ in master)
    # merged_into was added by ALTER TABLE in 0002: last of people's columns in both
    assert [column[1] for column in pragmas["people"][0]][-1] == "merged_into"
    assert got_rows[:3] == expected_rows[:3]
    assert got_rows[1] == [(SCHEMA_HEAD,)] and got_rows[2] == ["identity"]
    assert got_rows[0]["store_meta"] == 1 and got_rows[0]["alembic_version"] == 1
    (identity,), (other,) = got_rows[3], expected_rows[3]
    assert uuid.UUID(identity) and identity != other


def test_the_script_is_the_migrations_schema_at_head(tmp_path):
    revision, statements = fresh.read_script()
    assert revision == SCHEMA_HEAD, "the schema script is stale: run python -m salon.store.fresh"
    with _migrated(tmp_path / "migrated.db") as migrated, migrated.engine.connect() as c:
        assert [_table(s) for s in statements] == [_table(s) for s in fresh.schema_statements(c)]


def test_a_new_store_loads_no_alembic(tmp_path):
    code = (
        "import sys, salon; salon.open_store(sys.argv[1]).close(); print('alembic' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "new.db")], capture_output=True, text=True
    )
    assert done.stdout.strip() == "False", done.stderr
    with salon.open_store(str(tmp_path / "new.db")) as store, store.engine.connect() as c:
        assert c.execute(text("SELECT version_num FROM alembic_version")).scalar() == SCHEMA_HEAD


def test_a_stale_script_means_the_migrations_run(tmp_path, monkeypatch):
    revision, statements = fresh.read_script()
    stale = tmp_path / "old.sql"
    stale.write_text("-- salon schema 0001 (older)\nCREATE TABLE nothing (id INTEGER);\n\n")
    monkeypatch.setattr(fresh, "SCRIPT", stale)
    ran = []
    migrate = database.migrate
    monkeypatch.setattr(database, "migrate", lambda store: ran.append(1) or migrate(store))
    with salon.open_store(str(tmp_path / "new.db")) as new:
        got = _schema(new)
    assert ran == [1] and revision == SCHEMA_HEAD and statements
    with _migrated(tmp_path / "migrated.db") as migrated:
        assert got == _schema(migrated)


def test_an_existing_store_still_migrates(tmp_path):
    from alembic import command

    old = salon.open_store(str(tmp_path / "old.db"))
    with old, old.engine.begin() as connection:  # a store written by schema 0006
        command.downgrade(database._alembic_config(connection), "0006")
        assert "accounts" not in inspect(connection).get_table_names()
        assert fresh.create(connection) is False  # not empty: never the script
    with salon.open_store(str(tmp_path / "old.db")) as store, store.engine.connect() as c:
        assert c.execute(text("SELECT version_num FROM alembic_version")).scalar() == SCHEMA_HEAD
        assert {"accounts", "notes", "goals"} <= set(inspect(c).get_table_names())


@pytest.mark.postgres
def test_a_new_postgres_store_is_migrated(monkeypatch):
    """PostgreSQL never takes the script: its new stores run the migrations."""
    ran = []
    migrate = database.migrate
    monkeypatch.setattr(database, "migrate", lambda store: ran.append(1) or migrate(store))
    for store in _pg_store():
        with store.engine.connect() as c:
            version = c.execute(text("SELECT version_num FROM alembic_version")).scalar()
        assert version == SCHEMA_HEAD and ran == [1]
