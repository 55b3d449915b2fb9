"""An import's way into the lake: :func:`salon.import_paths` hands it the edge lists and post
dumps that go there, and it gives back the people rows the promotion rule asks for."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, select

from salon.importers import edges as edge_list
from salon.importers.base import ImportOptions
from salon.importers.files import InputFile
from salon.lake.ingest import LakeWriter, Landed, file_tables
from salon.lake.layout import lake_dir
from salon.model import Person, PersonRef, identity
from salon.store.schema import identities

if TYPE_CHECKING:
    from salon.importers import Progress
    from salon.lake.posts import PostsLanded
    from salon.store.database import Store


def known_ids(connection: Connection, namespace: str) -> list[str]:
    """Ids of a namespace's market nodes that are people in the store."""
    return list(
        connection.execute(
            select(identities.c.value).where(
                identities.c.platform == namespace, identities.c.kind == "id"
            )
        ).scalars()
    )


class LakeImport:
    """The lake side of one store import (one partition, staged until the store commits)."""

    def __init__(self, store: Store, connection: Connection, import_id: int) -> None:
        self.connection = connection
        self.writer = LakeWriter(lake_dir(store, connection), import_id)
        self.read = 0  # records the last file held

    @property
    def landed(self) -> list[Landed]:
        return self.writer.landed

    def add_file(
        self,
        file: InputFile,
        options: ImportOptions,
        sha256: str,
        progress: Progress | None = None,
        done: int = 0,
        total: int = 1,
    ) -> Iterator[Person]:
        """Stage one edge list; yields a :class:`Person` for each node it links to a known
        person (the promotion rule), for the store's writer."""
        namespace = options.namespace or edge_list.namespace_of(file)

        def lines_read(_: int) -> None:
            if progress:
                progress(done + file.bytes_read[0], total, file.display)

        landed = self.writer.land(
            file_tables(file, options, lines_read),
            name=file.display,
            sha256=sha256,
            namespace=namespace,
            known=lambda: known_ids(self.connection, namespace),
        )
        self.read = landed.read
        for node in landed.promoted:
            yield Person(PersonRef((identity(namespace, "id", node),)))

    def add_posts(
        self,
        file: InputFile,
        options: ImportOptions,
        sha256: str,
        progress: Progress | None = None,
        done: int = 0,
        total: int = 1,
    ) -> Iterator[Person]:
        """Stage one post dump (:mod:`salon.lake.posts`): read by Arrow when it is plain
        (:mod:`salon.lake.post_fast`), else by the posts importer's parser; yields the people
        rows the promotion rule asks for."""
        from salon.importers import posts
        from salon.lake.post_columns import column_chunks
        from salon.lake.post_fast import NotPlain, fast_columns
        from salon.lake.posts import land_columns

        def shown(chunks: Iterator[tuple[Any, Any]]) -> Iterator[tuple[Any, Any]]:
            for chunk in chunks:
                if progress:
                    progress(done + file.bytes_read[0], total, file.display)
                yield chunk

        def land(chunks: Iterator[tuple[Any, Any]]) -> PostsLanded:
            return land_columns(
                self.writer,
                shown(chunks),
                name=file.display,
                sha256=sha256,
                known=lambda namespace: known_ids(self.connection, namespace),
            )

        landed = None
        fast = fast_columns(file, options.namespace or edge_list.namespace_of(file))
        if fast is not None:  # a plain dump: Arrow reads it the importer's way
            try:
                landed = land(fast)
            except NotPlain:  # nothing landed yet: read it all with the importer
                file.bytes_read[0] = 0
        if landed is None:
            landed = land(column_chunks(posts.parse(file, options)))
        self.read = landed.read
        for namespace, node in landed.promoted:
            yield Person(PersonRef((identity(namespace, "id", node),)))

    def counts(self) -> dict[str, int]:
        counts = {
            "lake edges": self.writer.edges,
            "lake nodes": sum(x.nodes for x in self.writer.landed),
        }
        if self.writer.posts:
            counts["lake posts"] = self.writer.posts
        return counts

    def publish(self) -> None:
        self.writer.publish()

    def discard(self) -> None:
        self.writer.discard()
