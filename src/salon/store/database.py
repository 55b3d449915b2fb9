"""Opening a store: URL resolution, engine set-up, migrations to the current schema."""

from __future__ import annotations

import os
import sqlite3
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, Text, create_engine, event, inspect, literal, text
from sqlalchemy.engine import ExceptionContext, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from salon.errors import SalonError, SchemaVersionError, StoreError
from salon.private import create_private_file, exposed_mode, private_dir
from salon.store.schema import SCHEMA_HEAD

MIGRATIONS = Path(__file__).parent / "migrations"

#: Seconds a write waits for another Salon command writing the same SQLite store.
BUSY_TIMEOUT = 60.0

#: Seconds a write waits silently before it says it is waiting.
QUIET_WAIT = 0.5

WAITING = "Waiting for another Salon command to finish with this store…"

_warned: set[str] = set()


def default_url() -> str:
    """The store used when no ``--db`` is given: ``$SALON_DB``, else the per-user SQLite file."""
    if env := os.environ.get("SALON_DB"):
        return env
    base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return f"sqlite:///{base / 'salon' / 'salon.db'}"


def normalise_url(url: str) -> str:
    """Accept a plain file path as a SQLite store, and ``:memory:`` as one in memory."""
    if "://" in url:
        return url
    if url == ":memory:":
        return "sqlite://"
    return f"sqlite:///{Path(url).expanduser().resolve()}"


@dataclass
class Store:
    """An open store: an engine whose schema is at the current migration."""

    engine: Engine
    url: str

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class folded(FunctionElement[str]):
    """``lower(text)`` for every script: SQLite's own ``lower`` changes only ASCII letters, so
    "PHẠM ĐỨC" or "ÉCOLE" never matched what a user typed; on SQLite it is Python's
    ``str.lower`` (registered as ``salon_lower`` on each connection), elsewhere ``lower``."""

    type = Text()
    name = "lower"
    inherit_cache = True


@compiles(folded)
def _folded(element: folded, compiler: Any, **kw: Any) -> str:
    return f"lower({compiler.process(element.clauses, **kw)})"


@compiles(folded, "sqlite")
def _folded_sqlite(element: folded, compiler: Any, **kw: Any) -> str:
    return f"salon_lower({compiler.process(element.clauses, **kw)})"


def folded_like(column: Any, pattern: str) -> Any:
    """``column LIKE pattern``, both folded alike (:class:`folded`), whatever the script."""
    return folded(column).like(folded(literal(pattern, Text())))


def folded_equal(column: Any, value: str) -> Any:
    """``column = value``, both folded alike (:class:`folded`)."""
    return folded(column) == folded(literal(value, Text()))


def _lower(value: object) -> object:
    return value.lower() if isinstance(value, str) else value


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    # Salon emits BEGIN itself (see _sqlite_begin), so the driver must not.
    dbapi_connection.isolation_level = None
    dbapi_connection.create_function("salon_lower", 1, _lower, deterministic=True)
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA cache_size=-65536")
    cursor.execute("PRAGMA temp_store=MEMORY")
    cursor.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT * 1000)}")
    cursor.close()


class _SQLiteConnection(Connection):
    """Marks the transactions it starts by itself (a statement run outside ``begin()``)."""

    _salon_read = False

    def _autobegin(self) -> None:
        self._salon_read = True
        try:
            super()._autobegin()
        finally:
            self._salon_read = False


def _sqlite_begin(conn: Connection) -> None:
    """BEGIN for reads (run without ``begin()``), BEGIN IMMEDIATE for ``begin()``.

    Every write in Salon runs in an explicit transaction; taking the write lock at its
    start means a second writer waits (saying so after QUIET_WAIT seconds) for the first to
    finish, up to BUSY_TIMEOUT, instead of failing half-way with "database is locked".
    """
    read = getattr(conn, "_salon_read", False)
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        if read:
            cursor.execute("BEGIN")
            return
        cursor.execute(f"PRAGMA busy_timeout={int(QUIET_WAIT * 1000)}")
        try:
            cursor.execute("BEGIN IMMEDIATE")
            return
        except sqlite3.OperationalError as exc:
            if not _locked(exc):
                raise
        print(WAITING, file=sys.stderr, flush=True)
        cursor.execute(f"PRAGMA busy_timeout={int(max(BUSY_TIMEOUT - QUIET_WAIT, 0) * 1000)}")
        try:
            cursor.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            if not _locked(exc):
                raise
            raise _busy(conn.engine.url.database) from exc
    finally:
        if not read:
            cursor.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT * 1000)}")
        cursor.close()


def _locked(exc: BaseException) -> bool:
    return "database is locked" in str(exc) or "database is busy" in str(exc)


def _busy(path: str | None) -> StoreError:
    return StoreError(
        f"The store '{path}' is busy: another Salon command is writing it. "
        "Try again when it has finished."
    )


def _not_a_store(path: str | None) -> StoreError:
    return StoreError(
        f"'{path}' is not a Salon store (not a SQLite database). Give another --db path."
    )


def _sqlite_errors(context: ExceptionContext) -> BaseException | None:
    """A locked or foreign file anywhere becomes a sentence, not a traceback."""
    original = context.original_exception
    path = context.engine.url.database if context.engine is not None else None
    if isinstance(original, sqlite3.OperationalError) and _locked(original):
        return _busy(path)
    if isinstance(original, sqlite3.DatabaseError) and "file is not a database" in str(original):
        return _not_a_store(path)
    return None


def _prepare_sqlite_file(database: str, shown: str) -> None:
    """Create the store's folder 0700 and its file 0600 (its -wal and -shm files take the
    file's mode); warn once when an existing store is readable by others."""
    path = Path(database)
    private_dir(path.parent)
    if create_private_file(path):
        return
    with open(path, "rb") as file:
        header = file.read(16)
    if header and header != b"SQLite format 3\x00":
        raise _not_a_store(shown)
    mode = exposed_mode(path)
    if mode is not None and str(path) not in _warned:
        _warned.add(str(path))
        print(
            f"The store '{shown}' is readable by other users of this machine "
            f"(mode {mode:04o}): chmod 600 '{shown}'",
            file=sys.stderr,
            flush=True,
        )


def _alembic_config(connection):  # type: ignore[no-untyped-def]
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def open_store(url: str | None = None, *, migrate: bool = True) -> Store:
    """Open (and create or upgrade) the store at ``url``.

    ``url`` is a SQLAlchemy URL (``sqlite:///path.db``, ``postgresql+psycopg://…``) or a
    file path; ``None`` means :func:`default_url`. A SQLite store Salon creates is private
    (its folder 0700, its files 0600).
    """
    given = url or default_url()
    url = normalise_url(given)
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise StoreError(
            f"'{url}' is not a database URL. Use a file path or sqlite:///PATH."
        ) from exc
    sqlite_file = parsed.get_backend_name() == "sqlite" and parsed.database not in (
        None,
        "",
        ":memory:",
    )
    shown = given if "://" not in given else str(parsed.database)
    if sqlite_file:
        _prepare_sqlite_file(str(parsed.database), shown)
    try:
        engine = create_engine(parsed)
    except Exception as exc:  # a missing driver, an unknown dialect
        raise StoreError(f"Could not open the store '{url}': {exc}") from exc
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
        engine._connection_cls = _SQLiteConnection  # reads autobegin, writes begin()
        event.listen(engine, "begin", _sqlite_begin)
        event.listen(engine, "handle_error", _sqlite_errors)
    store = Store(engine=engine, url=url)
    if migrate:
        try:
            upgrade(store)
        except sqlite3.DatabaseError as exc:  # raised while connecting, before SQLAlchemy
            engine.dispose()
            if "file is not a database" in str(exc):
                raise _not_a_store(shown) from exc
            raise StoreError(f"Could not open the store '{shown}': {exc}.") from exc
        except SalonError:  # busy, not a database (see _sqlite_errors), from a newer Salon
            engine.dispose()
            raise
        except (OperationalError, DBAPIError) as exc:
            engine.dispose()
            reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
            raise StoreError(f"Could not open the store '{parsed!r}': {reason}.") from exc
    return store


def _stored_revision(connection: Connection) -> str | None:
    """The store's schema revision (None for a new store), read without Alembic."""
    if not inspect(connection).has_table("alembic_version"):
        return None
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def upgrade(store: Store) -> None:
    """Bring the schema to the newest migration; refuse a store from a newer Salon.

    Only a store that needs migrating is written (and so waits for another writer). An
    up-to-date store is recognised from its ``alembic_version`` row against
    :data:`~salon.store.schema.SCHEMA_HEAD`, without loading Alembic (start-up time); a new
    SQLite store gets the head schema from a stored script (:mod:`salon.store.fresh`)."""
    with store.engine.connect() as connection:
        stored = _stored_revision(connection)
    if stored == SCHEMA_HEAD:
        return
    if stored is None and store.dialect == "sqlite":
        from salon.store import fresh

        with store.engine.begin() as connection:
            if fresh.create(connection):  # a new store: the head schema in one step
                return
    migrate(store)


def migrate(store: Store) -> None:
    """Run the migrations the store lacks with Alembic (see :func:`upgrade`)."""
    from alembic import command
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    head = ScriptDirectory(str(MIGRATIONS)).get_current_head()
    with store.engine.begin() as connection:
        current = MigrationContext.configure(connection).get_current_revision()
        if current == head:
            return
        known = {rev.revision for rev in ScriptDirectory(str(MIGRATIONS)).walk_revisions()}
        if current is not None and current not in known:
            raise SchemaVersionError(
                f"The store '{store.url}' was written by a newer Salon (schema {current}). "
                "Upgrade Salon to open it."
            )
        command.upgrade(_alembic_config(connection), "head")
