"""Importers: one module per export format, a registry, and :func:`import_paths`.

An importer module has ``NAME``, ``DESCRIPTION``, ``FILES``, ``detect(file, *, forced)`` and a
pure ``parse(file, options)`` yielding :mod:`salon.model` records; only the store writes.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from functools import partial
from pathlib import Path
from types import ModuleType
from typing import Any

from sqlalchemy import Connection, func, select

from salon.errors import SalonError, UnknownExportError
from salon.importers import (
    bluesky,
    calendar,
    contacts,
    edges,
    graphfiles,
    linkedin,
    mail,
    mastodon,
    posts,
    stackexchange,
    twitter,
)
from salon.importers.base import LAKE_THRESHOLD, ImportOptions
from salon.importers.files import InputFile, input_files
from salon.model import InteractionBatch
from salon.store import Store
from salon.store.history import new_import
from salon.store.merges import auto_merge
from salon.store.names import link_names
from salon.store.schema import DATA_TABLES, imports, people
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
    stackexchange,
    posts,
    graphfiles,
    edges,
)

# Files that say who the export's owner is are read first.
_FIRST = {"profile.csv", "account.js", "manifest.js", "actor.json"}
#: Importers of one service's whole export: inside a folder or zip they recognise, files they
#: do not read are listed as not used, never handed to the generic importers.
EXPORTS = (linkedin, twitter, mastodon, stackexchange)
#: Importers of general formats that any file with the right header or content may hold.
GENERIC = (posts, graphfiles, edges)

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
    skipped: list[str] = field(default_factory=list)
    """Files an earlier import already read, byte for byte (``force`` reads them again)."""
    owners: list[dict] = field(default_factory=list)
    """Each export's owner: ``{"export", "person", "name", "yours", "why"}``."""
    seconds: float = 0.0

    @property
    def records(self) -> int:
        return sum(f.records for f in self.files)

    def to_dict(self) -> dict:
        return {**asdict(self), "records": self.records}


def _known_unused(file: InputFile) -> bool:
    return any(getattr(m, "is_known_unused", lambda f: False)(file) for m in IMPORTERS)


def _detect(file: InputFile) -> ModuleType | None:
    """The importer of a file: a service's own first; a general format only for a file that no
    service knows (LinkedIn's ``coach_messages.csv`` is not an edge list)."""
    specific = next((m for m in IMPORTERS if m not in GENERIC and m.detect(file)), None)
    if specific is not None or _known_unused(file):
        return specific
    return next((m for m in GENERIC if m.detect(file)), None)


def plan(
    paths: Sequence[str | Path], source: str | None = None
) -> tuple[list[tuple[InputFile, ModuleType, int]], list[str], list[str]]:
    """Which importer reads which file (and which path, an export, it came from); files known
    but unused; unknown files. Files that name the export's owner come first in each export.
    """
    forced = importer_named(source) if source else None
    chosen: list[tuple[InputFile, ModuleType, int]] = []
    unused: list[str] = []
    unknown: list[str] = []
    for number, path in enumerate(paths):
        found: list[tuple[InputFile, ModuleType | None]] = []
        for file in input_files(path):
            if forced is not None:
                module = forced if forced.detect(file, forced=True) else None
            else:
                module = _detect(file)
                if module is None and _known_unused(file):
                    unused.append(file.display)
                    continue
            found.append((file, module))
        whole_export = forced is None and any(m in EXPORTS for _, m in found)
        for file, module in found:
            if module is None:
                unknown.append(file.display)
            elif whole_export and module in GENERIC:
                unused.append(file.display)
            else:
                chosen.append((file, module, number))
        if not any(n == number for _, _, n in chosen):
            raise _nothing_read(path, [f for f, _ in found], forced)
    chosen.sort(key=lambda entry: (entry[2], entry[0].basename.lower() not in _FIRST))
    return chosen, unused, unknown


def _is_empty(file: InputFile) -> bool:
    """Whether a file holds nothing (a ``.gz`` of nothing too)."""
    if file.size == 0:
        return True
    try:
        with file.open() as stream:
            return stream.read(1) == b""
    except (OSError, EOFError, SalonError):
        return False
    finally:
        file.bytes_read[0] = 0


def why_not(module: ModuleType, file: InputFile) -> str:
    """Why ``module`` does not read ``file``: its own ``why_not`` when it has one."""
    reason = getattr(module, "why_not", lambda f: None)(file)
    return reason or f"it is none of the files the {module.NAME} importer reads ({module.FILES})"


def _nothing_read(
    path: str | Path, files: list[InputFile], forced: ModuleType | None
) -> SalonError:
    """The error for a path no importer reads: empty, refused by ``--source``'s importer (and
    why), or unknown."""
    if len(files) == 1 and _is_empty(files[0]):
        return SalonError(
            f"'{files[0].display}' is empty: there is nothing to import. "
            "Check that the download or export finished, and import the complete file."
        )
    if forced is None or not files:
        return UnknownExportError(str(path))
    file = files[0]
    more = f" (and {len(files) - 1} other file(s) in '{path}')" if len(files) > 1 else ""
    return SalonError(
        f"The '{forced.NAME}' importer cannot read '{file.display}'{more}: "
        f"{why_not(forced, file)}. Run 'salon sources' to see which importer reads which "
        "files, or import without --source to detect the format."
    )


def _counts(connection: Connection) -> dict[str, int]:
    """Rows per table; people are counted once per person (a merged record is not one more)."""
    counts = {
        t.name: connection.execute(select(func.count()).select_from(t)).scalar_one()
        for t in DATA_TABLES
        if t is not imports
    }
    counts["people"] = connection.execute(
        select(func.count()).select_from(people).where(people.c.merged_into.is_(None))
    ).scalar_one()
    return counts


def _file_id(
    connection: Connection, file: InputFile, sha: str, importer: str, import_id: int
) -> tuple[int, bool]:
    """The file's row (by content hash), and whether an earlier import had read it."""
    found = connection.execute(select(file_rows.c.id).where(file_rows.c.sha256 == sha)).scalar()
    if found is not None:
        return found, True
    row = {
        "sha256": sha,
        "name": file.display,
        "size": file.size,
        "importer": importer,
        "import_id": import_id,
    }
    return connection.execute(file_rows.insert().values(row)).inserted_primary_key[0], False


@contextmanager
def _discarded_on_error(lake: Callable[[], Any]) -> Iterator[None]:
    """On an error or Ctrl-C, delete what the import staged in the lake."""
    try:
        yield
    except BaseException:
        if (staged := lake()) is not None:
            staged.discard()
        raise


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
    total = sum(f.size for f, _, _ in chosen) or 1
    done = 0
    lake = None  # the import's lake partition, staged until the store has committed
    with (
        store.engine.connect() as connection,
        connection.begin() as transaction,
        _discarded_on_error(lambda: lake),
    ):
        before = _counts(connection)
        import_id = new_import(connection, [str(p) for p in paths], started_at=int(started))
        writer = Writer(connection, import_id, mine=options.mine)
        export = None
        for file, module, number in chosen:
            if number != export:
                export = number
                writer.begin_export(str(paths[number]))
            sha = file.sha256()
            file_id, seen = _file_id(connection, file, sha, module.NAME, import_id)
            if seen and not options.force and file.basename.lower() not in _FIRST:
                report.skipped.append(file.display)
                done += file.size
                continue
            entry = FileReport(file.display, module.NAME)
            report.files.append(entry)
            shown = 0
            to_lake = module in (edges, posts, graphfiles) and _to_lake(file, options)
            if seen and (twice := _in_both_homes(store, connection, file, sha, to_lake)):
                report.warnings.append(twice)
            if to_lake:
                from salon.lake.route import LakeImport

                lake = lake or LakeImport(store, connection, import_id)
                add = {edges: lake.add_file, posts: lake.add_posts}.get(module)
                add = add or partial(graphfiles.to_lake, lake)
                for record in add(file, options, sha, progress, done, total):
                    writer.add(record, file_id)
                entry.records = lake.read
                done += file.size
                continue
            for record in module.parse(file, options):
                writer.add(record, file_id)
                entry.records += record.size if isinstance(record, InteractionBatch) else 1
                if progress and entry.records - shown >= 20_000:
                    shown = entry.records
                    progress(done + file.bytes_read[0], total, file.display)
            done += file.size
            if progress:
                progress(done, total, file.display)
            if not entry.records:
                report.warnings.append(
                    f"'{file.display}' held no records for the {module.NAME} importer: "
                    "nothing was read from it."
                )
        writer.flush()
        report.updated = writer.finish_events()
        link_names(connection, import_id=import_id)
        auto_merge(connection, import_id=import_id)
        after = _counts(connection)
        report.added = {name: after[name] - before[name] for name in after if name != "files"}
        if lake is not None:
            report.added.update(lake.counts())
        report.warnings.extend(dict.fromkeys(writer.warnings))
        if writer.self_interactions:
            report.warnings.append(
                f"{writer.self_interactions:,} replies, mentions or likes of people's own posts "
                "were kept as posts, not as interactions (nobody pays attention to themselves)."
            )
        report.owners = writer.owners
        report.seconds = round(time.time() - started, 3)
        if not any(report.added.values()) and not report.updated:
            transaction.rollback()
            if lake is not None:
                lake.discard()
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
        if lake is not None:
            lake.publish()  # after the store's commit: the lake never names an import it lacks
    return report


def read_as(
    paths: Sequence[str | Path], report: ImportReport, *, options: ImportOptions | None = None
) -> dict[str, str]:
    """How each file of an import was read, for importers that say (an edge list's layout
    and direction): ``{file: words}``, empty when no importer says.

    Examples
    --------
    >>> import salon
    >>> store = salon.demo.sample_store()
    >>> paths = [p for p, _, _ in salon.demo.sample_paths()][:1]
    >>> salon.read_as(paths, salon.import_paths(store, paths))
    {}
    """
    options = options or ImportOptions()
    modules = {f.file: importer_named(f.importer) for f in report.files}
    if not any(hasattr(m, "describe") for m in modules.values()):
        return {}
    return {
        file.display: modules[file.display].describe(file, options)
        for path in paths
        for file in input_files(path)
        if hasattr(modules.get(file.display), "describe")
    }


def _in_both_homes(
    store: Store, connection: Connection, file: InputFile, sha: str, to_lake: bool
) -> str | None:
    """A warning when a file read again (``--force``) goes to the other home than before: its
    edges or posts then count twice, once in the store and once in the lake."""
    from salon.lake.layout import lake_dir, read_manifest

    partitions = read_manifest(lake_dir(store, connection)).partitions
    in_lake = any(s.get("sha256") == sha for p in partitions for s in p.sources)
    if in_lake == to_lake:
        return None
    before, now = ("the lake", "the store") if in_lake else ("the store", "the lake")
    return (
        f"'{file.display}' was imported into {before} before and now goes to {now} too: its "
        "edges and posts count twice. Remove the earlier import ('salon imports') to keep one."
    )


def _to_lake(file: InputFile, options: ImportOptions) -> bool:
    """Whether an edge list or a post dump goes to the market lake (``--lake``, else its
    size)."""
    if options.lake is not None:
        return options.lake
    return file.size >= LAKE_THRESHOLD
