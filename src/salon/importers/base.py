"""What every importer shares: options, the importer protocol, and small row helpers."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

from salon.dates import parse_time
from salon.importers.files import InputFile
from salon.model import Record


@dataclass(frozen=True)
class ImportOptions:
    """Choices the user makes for one import.

    ``namespace`` names the platform of market data (edge lists, post dumps) so that files of
    one data set share people; ``bodies`` keeps message bodies (off: only headers are kept);
    ``kind`` names the relation of an edge list without a kind column; ``mine`` says every
    export imported is the user's own (its owner becomes "you"); ``force`` reads files whose
    exact content an earlier import already read (skipped otherwise). ``layout`` says how an
    edge list is laid out (``None``: detected; ``"tij"``: SocioPatterns ``t i j`` contact rows;
    ``"edges"``: ``source target [weight] [time] [kind]``); ``undirected`` says an edge list
    names each pair once, in no particular direction. ``lake`` sends edge lists and post dumps
    to the market lake (Parquet beside the store, :mod:`salon.lake`) instead of the store:
    ``True`` always, ``False`` never, ``None`` (the default) for files of
    :data:`LAKE_THRESHOLD` bytes and more.
    """

    namespace: str | None = None
    bodies: bool = False
    kind: str | None = None
    mine: bool = False
    force: bool = False
    layout: str | None = None
    undirected: bool = False
    lake: bool | None = None


#: Edge lists and post dumps from this size on (bytes as stored) go to the market lake unless
#: told otherwise.
LAKE_THRESHOLD = 256 * 1024 * 1024


class Importer(Protocol):
    """An importer module: a name, a description, ``detect`` and a pure ``parse``."""

    NAME: str
    DESCRIPTION: str
    FILES: str

    def detect(self, file: InputFile, *, forced: bool = False) -> bool: ...

    def parse(self, file: InputFile, options: ImportOptions) -> Iterator[Record]: ...


def time_field(file: InputFile, line: int, column: str, text: str) -> int | None:
    """Parse a date cell, or raise an error that names the file, line and column."""
    try:
        return parse_time(text)
    except ValueError:
        raise file.error(
            f"line {line}",
            f"unrecognised date {text.strip()!r} in column '{column}'",
            "Import the file as the service exported it.",
        ) from None


def header_index(
    file: InputFile, header: list[str], required: tuple[str, ...], line: int = 1
) -> dict[str, int]:
    """Map lower-cased column names to positions, checking that ``required`` ones exist."""
    index = {name.strip().lower(): i for i, name in enumerate(header)}
    missing = [name for name in required if name.lower() not in index]
    if missing:
        raise file.error(
            f"line {line}",
            f"missing column {', '.join(repr(m) for m in missing)}",
            "The header row was changed or the file is not this export.",
        )
    return index


def cell(row: list[str], index: dict[str, int], name: str) -> str:
    """A stripped cell by column name; ``""`` if the column or cell is absent."""
    i = index.get(name)
    return row[i].strip() if i is not None and i < len(row) else ""
