"""Salon: a private, local-first relationship and social-strategy engine.

>>> import salon
>>> store = salon.open_store("sqlite://")          # doctest: +SKIP
>>> report = salon.import_paths(store, ["LinkedIn.zip"])  # doctest: +SKIP
"""

__version__ = "0.1.0"

from salon.errors import (
    ExportFormatError,
    SalonError,
    SchemaVersionError,
    StoreError,
    UnknownExportError,
    UnsafeInputError,
)
from salon.importers import ImportReport, import_paths
from salon.importers.base import ImportOptions
from salon.store import Store, open_store

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
