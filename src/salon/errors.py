"""Salon's exceptions, one tree.

::

    SalonError                  anything Salon reports to a user as a message, not a traceback
     ├── ExportFormatError      a file was recognised but cannot be read (names file, line, problem)
     ├── UnknownExportError     nothing in a path looks like an export Salon knows
     ├── UnsafeInputError       a file too large, or a zip that expands beyond the safety bounds
     ├── SchemaVersionError     the store was written by a newer Salon
     └── StoreError             the store cannot be opened (bad URL, missing server, locked file)

The CLI prints ``str(error)`` and exits with code 1.
"""

from __future__ import annotations


class SalonError(Exception):
    """Base of every error Salon reports to its user as a sentence."""


class ExportFormatError(SalonError):
    """A recognised export file that cannot be read.

    The message names the file, the line or record, what is wrong and what to do.
    """

    def __init__(self, file: str, where: str | None, problem: str, hint: str | None = None):
        self.file = file
        self.where = where
        self.problem = problem
        self.hint = hint
        place = f"'{file}' {where}" if where else f"'{file}'"
        message = f"Could not read {place}: {problem}."
        if hint:
            message += f" {hint}"
        super().__init__(message)


class UnknownExportError(SalonError):
    """Nothing in a path matches a known export layout."""

    def __init__(self, path: str, detail: str | None = None):
        self.path = path
        reason = detail or "no known export layout found"
        super().__init__(
            f"Could not recognise '{path}': {reason}. "
            "Pass --source, or run 'salon sources' to list importers."
        )


class UnsafeInputError(SalonError):
    """Input that would exhaust memory or disk if read (a zip bomb, a giant single line)."""


class SchemaVersionError(SalonError):
    """The store's schema is newer than this version of Salon understands."""


class StoreError(SalonError):
    """The store cannot be opened or written."""


class ConvergenceError(SalonError):
    """An iterative algorithm (PageRank, a model fit) did not converge."""
