"""Salon: a private, local-first relationship and social-strategy engine.

>>> import salon
>>> store = salon.open_store("sqlite://")          # doctest: +SKIP
>>> report = salon.import_paths(store, ["LinkedIn.zip"])  # doctest: +SKIP
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

from salon.errors import (
    ExportFormatError,
    SalonError,
    SchemaVersionError,
    StoreError,
    UnknownExportError,
    UnsafeInputError,
)

if TYPE_CHECKING:
    from salon.importers import ImportReport, import_paths
    from salon.importers.base import ImportOptions
    from salon.store import Store, open_store

# The store and the importers load SQLAlchemy, Alembic and every export format's parser:
# imported when first used (`salon.open_store`), so that `import salon` (and the CLI) start fast.
_LAZY = {
    "ImportOptions": "salon.importers.base",
    "ImportReport": "salon.importers",
    "Store": "salon.store",
    "import_paths": "salon.importers",
    "open_store": "salon.store",
}


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module 'salon' has no attribute {name!r}")
    value = getattr(importlib.import_module(_LAZY[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


__all__ = [
    "ExportFormatError",
    "ImportOptions",
    "ImportReport",
    "SalonError",
    "SchemaVersionError",
    "Store",
    "StoreError",
    "UnknownExportError",
    "UnsafeInputError",
    "__version__",
    "import_paths",
    "open_store",
]
