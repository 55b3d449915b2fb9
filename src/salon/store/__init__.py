"""The store: one SQLAlchemy schema on SQLite (default) or PostgreSQL."""

from salon.store.database import Store, default_url, open_store

__all__ = ["Store", "default_url", "open_store"]
