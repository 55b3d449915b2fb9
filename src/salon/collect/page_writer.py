"""Writing a collection job's pages to the store (:mod:`salon.collect.job` runs the job): each
wave's records go through the store's :class:`~salon.store.writer.Writer` in one transaction,
one import row a run; each page is a ``files`` row named by its URL and fetch time, keyed by
its content hash (``line``: the record's index in the page). The run ends with names linked
and duplicates merged, and the import row given its finish time and the run's report.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from salon.collect.http import Answer
    from salon.collect.job import CollectReport, Page
    from salon.collect.lake import LakeSpool
    from salon.store import Store


@contextmanager
def page_writer(
    store: Store,
    report: CollectReport,
    *,
    source: str,
    label: str,
    lake: LakeSpool | None,
    resumed: bool,
) -> Iterator[Callable[[list[tuple[Answer, Page]] | None], None]]:
    """A function that writes pages in one committed transaction (``None``: link names and
    merge duplicates, the run's end); one import row a run, named ``label``, its ``files``
    rows written by the importer ``collect:<source>``. With ``lake``, the records bound for
    the market lake go to its spool instead, committed with the wave. When the run ends, the
    import row gets its finish time and ``report`` (and whether the run ``resumed``)."""
    from sqlalchemy import select

    from salon.store.history import new_import
    from salon.store.merges import auto_merge
    from salon.store.names import link_names
    from salon.store.resolve import allocate_ids
    from salon.store.schema import files, identities, imports, organizations, people, places
    from salon.store.writer import Writer

    connection = store.engine.connect()
    writer: Writer | None = None
    importer = f"collect:{source}"[:32]

    def write(pages: list[tuple[Answer, Page]] | None) -> None:
        nonlocal writer
        with connection.begin():
            if report.import_id is None:
                report.import_id = new_import(connection, [label], started_at=int(time.time()))
            if writer is None:
                writer = Writer(connection, report.import_id)
            else:
                writer.connection = connection
                if connection.dialect.name == "postgresql":
                    from sqlalchemy import text

                    connection.execute(text("SELECT pg_advisory_xact_lock(7357001)"))
                writer._next_id = allocate_ids(
                    connection, (people, identities, organizations, places)
                )
            if pages is None:
                link_names(connection, import_id=report.import_id)
                auto_merge(connection, import_id=report.import_id)
                return
            for answer, page in pages:
                sha = hashlib.sha256(answer.body).hexdigest()
                file_id = connection.execute(
                    select(files.c.id).where(files.c.sha256 == sha)
                ).scalar()
                if file_id is None:
                    when = datetime.datetime.fromtimestamp(answer.fetched_at, datetime.UTC)
                    row = {
                        "sha256": sha,
                        "name": f"{answer.url} (fetched {when:%Y-%m-%dT%H:%M:%SZ})",
                        "size": len(answer.body),
                        "importer": importer,
                        "import_id": report.import_id,
                    }
                    file_id = connection.execute(files.insert().values(row)).inserted_primary_key[0]
                records = page.records if lake is None else lake.split(page.records)
                for record in records:
                    writer.add(record, file_id)
            writer.flush()
        if lake is not None and pages is not None:
            lake.commit()
            if lake.full():
                lake.land()

    try:
        yield write
    finally:
        if report.import_id is not None:
            with connection.begin():
                connection.execute(
                    imports.update()
                    .where(imports.c.id == report.import_id)
                    .values(
                        finished_at=int(time.time()),
                        report=json.dumps({**report.to_dict(), "resumed": resumed}),
                    )
                )
        connection.close()
