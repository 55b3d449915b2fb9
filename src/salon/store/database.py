"""Opening a store: URL resolution, engine set-up, migrations to the current schema."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError

from salon.errors import SchemaVersionError, StoreError

MIGRATIONS = Path(__file__).parent / "migrations"


def default_url() -> str:
    """The store used when no ``--db`` is given: ``$SALON_DB``, else the per-user SQLite file."""
    if env := os.environ.get("SALON_DB"):
        return env
    base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return f"sqlite:///{base / 'salon' / 'salon.db'}"


def normalise_url(url: str) -> str:
    """Accept a plain file path as a SQLite store."""
    if "://" in url:
        return url
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


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA cache_size=-65536")
    cursor.execute("PRAGMA temp_store=MEMORY")
    cursor.close()


def _alembic_config(connection) -> Config:  # type: ignore[no-untyped-def]
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def open_store(url: str | None = None, *, migrate: bool = True) -> Store:
    """Open (and create or upgrade) the store at ``url``.

    ``url`` is a SQLAlchemy URL (``sqlite:///path.db``, ``postgresql+psycopg://…``) or a
    file path; ``None`` means :func:`default_url`.
    """
    url = normalise_url(url or default_url())
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise StoreError(
            f"'{url}' is not a database URL. Use a file path or sqlite:///PATH."
        ) from exc
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    try:
        engine = create_engine(parsed)
    except Exception as exc:  # a missing driver, an unknown dialect
        raise StoreError(f"Could not open the store '{url}': {exc}") from exc
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    store = Store(engine=engine, url=url)
    if migrate:
        try:
            upgrade(store)
        except OperationalError as exc:
            engine.dispose()
            reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
            raise StoreError(f"Could not open the store '{parsed!r}': {reason}.") from exc
    return store


def upgrade(store: Store) -> None:
    """Bring the schema to the newest migration; refuse a store from a newer Salon."""
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
