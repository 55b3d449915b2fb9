"""Importers: one module per export format, a registry, and :func:`import_paths`.

An importer module has ``NAME``, ``DESCRIPTION``, ``FILES``, ``detect(file, *, forced)`` and a
pure ``parse(file, options)`` yielding :mod:`salon.model` records; only the store writes.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from types import ModuleType

from sqlalchemy import Connection, func, select

from salon import __version__
from salon.errors import SalonError, UnknownExportError
from salon.importers import (
    bluesky,
    calendar,
    contacts,
    edges,
    linkedin,
    mail,
    mastodon,
    posts,
    twitter,
)
from salon.importers.base import ImportOptions
from salon.importers.files import InputFile, input_files
from salon.model import InteractionBatch
from salon.store import Store
from salon.store.merges import auto_merge
from salon.store.schema import DATA_TABLES, imports
from salon.store.schema import files as file_rows
from salon.store.writer import Writer

#: Every importer, most specific first: the first whose ``detect`` accepts a file reads it.
IMPORTERS: tuple[ModuleType, ...] = (
    linkedin,
    twitter,
    mastodon,
    bluesky,
    contacts,
    calendar,
    mail,
    posts,
    edges,
)

# Files that say who the export's owner is are read first.
_FIRST = {"profile.csv", "account.js", "manifest.js"}

#: ``progress(bytes_done, bytes_total, file_being_read)``
Progress = Callable[[int, int, str], None]


def importer_named(name: str) -> ModuleType:
    for module in IMPORTERS:
        if name == module.NAME:
            return module
    names = ", ".join(m.NAME for m in IMPORTERS)
    raise SalonError(f"Unknown source '{name}'. Known sources: {names}.")


@dataclass
class FileReport:
    file: str
    importer: str
    records: int = 0


@dataclass
class ImportReport:
    """What an import read and added. ``import_id`` is ``None`` when nothing was new."""

    import_id: int | None = None
    files: list[FileReport] = field(default_factory=list)
    added: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    """Rows a newer export changed in place (meetings), their old values kept in history."""
    unused: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def records(self) -> int:
        return sum(f.records for f in self.files)

    def to_dict(self) -> dict:
        return {**asdict(self), "records": self.records}


def plan(
    paths: Sequence[str | Path], source: str | None = None
) -> tuple[list[tuple[InputFile, ModuleType]], list[str], list[str]]:
    """Which importer reads which file; files known but unused; unknown files."""
    forced = importer_named(source) if source else None
    chosen: list[tuple[InputFile, ModuleType]] = []
    unused: list[str] = []
    unknown: list[str] = []
    for path in paths:
        found = 0
        for file in input_files(path):
            candidates = (forced,) if forced else IMPORTERS
            module = next((m for m in candidates if m.detect(file, forced=bool(forced))), None)
            if module is not None:
                chosen.append((file, module))
                found += 1
            elif any(getattr(m, "is_known_unused", lambda f: False)(file) for m in IMPORTERS):
                unused.append(file.display)
            else:
                unknown.append(file.display)
        if not found:
            detail = f"no file that the '{source}' importer reads" if source else None
            raise UnknownExportError(str(path), detail)
    chosen.sort(key=lambda pair: pair[0].basename.lower() not in _FIRST)
    return chosen, unused, unknown


def _counts(connection: Connection) -> dict[str, int]:
    return {
        t.name: connection.execute(select(func.count()).select_from(t)).scalar_one()
        for t in DATA_TABLES
        if t is not imports
    }


def _file_id(connection: Connection, file: InputFile, importer: str, import_id: int) -> int:
    sha = file.sha256()
    found = connection.execute(select(file_rows.c.id).where(file_rows.c.sha256 == sha)).scalar()
    if found is not None:
        return found
    row = {
        "sha256": sha,
        "name": file.display,
        "size": file.size,
        "importer": importer,
        "import_id": import_id,
    }
    return connection.execute(file_rows.insert().values(row)).inserted_primary_key[0]


def import_paths(
    store: Store,
    paths: Sequence[str | Path],
    *,
    source: str | None = None,
    options: ImportOptions | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Import exports into ``store`` in one transaction: all of it, or (on error) nothing.

    Re-importing what the store already holds adds nothing and leaves no trace.
    """
    options = options or ImportOptions()
    started = time.time()
    chosen, unused, unknown = plan(paths, source)
    report = ImportReport(unused=unused)
    if unknown:
        shown = ", ".join(f"'{u}'" for u in unknown[:5])
        more = f" and {len(unknown) - 5} more" if len(unknown) > 5 else ""
        report.warnings.append(f"Skipped {len(unknown)} file(s) no importer reads: {shown}{more}.")
    total = sum(f.size for f, _ in chosen) or 1
    done = 0
    with store.engine.connect() as connection, connection.begin() as transaction:
        before = _counts(connection)
        import_id = connection.execute(
            imports.insert().values(
                started_at=int(started),
                salon_version=__version__,
                paths=json.dumps([str(p) for p in paths]),
            )
        ).inserted_primary_key[0]
        writer = Writer(connection, import_id)
        for file, module in chosen:
            file_id = _file_id(connection, file, module.NAME, import_id)
            entry = FileReport(file.display, module.NAME)
            report.files.append(entry)
            shown = 0
            for record in module.parse(file, options):
                writer.add(record, file_id)
                entry.records += record.size if isinstance(record, InteractionBatch) else 1
                if progress and entry.records - shown >= 20_000:
                    shown = entry.records
                    progress(done + file.bytes_read[0], total, file.display)
            done += file.size
            if progress:
                progress(done, total, file.display)
        writer.flush()
        report.updated = writer.finish_events()
        auto_merge(connection)
        after = _counts(connection)
        report.added = {name: after[name] - before[name] for name in after if name != "files"}
        report.warnings.extend(dict.fromkeys(writer.warnings))
        report.seconds = round(time.time() - started, 3)
        if (after == before or not any(report.added.values())) and not report.updated:
            transaction.rollback()
            return report
        report.import_id = import_id
        connection.execute(
            imports.update()
            .where(imports.c.id == import_id)
            .values(
                finished_at=int(time.time()),
                report=json.dumps(report.to_dict()),
            )
        )
        transaction.commit()
    return report
