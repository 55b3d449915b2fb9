"""The HTTP cache of ``salon collect``: one small SQLite file per store.

Every answer Salon fetched is kept (its body compressed, its validators ``ETag`` and
``Last-Modified``, the headers a collector reads), keyed by the exact URL. A later request of
the same URL is answered from the file while the answer is younger than the job's
``max_age`` (nothing is asked); an older one is asked again conditionally
(``If-None-Match`` / ``If-Modified-Since``) and a ``304 Not Modified`` reuses the kept body.

Example
-------
>>> import tempfile, pathlib
>>> cache = HttpCache(pathlib.Path(tempfile.mkdtemp()) / "http.sqlite")
>>> cache.put("https://x.test/a", 200, {"etag": '"1"'}, b"{}", fetched_at=100.0)
>>> cache.get("https://x.test/a").body
b'{}'
>>> cache.close()
"""

from __future__ import annotations

import json
import sqlite3
import threading
import zlib
from dataclasses import dataclass
from pathlib import Path

from salon.private import create_private_file

#: Response headers kept with a body (what collectors and revalidation read).
KEPT_HEADERS = ("etag", "last-modified", "link", "content-type")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS responses (
    url TEXT PRIMARY KEY,
    status INTEGER NOT NULL,
    headers TEXT NOT NULL,
    body BLOB NOT NULL,
    fetched_at REAL NOT NULL
)
"""


@dataclass(frozen=True)
class Cached:
    """A kept answer: status, the kept headers (lower-case names), body, when it was fetched."""

    status: int
    headers: dict[str, str]
    body: bytes
    fetched_at: float


class HttpCache:
    """URL → last answer, in the SQLite file ``path`` (created 0600)."""

    def __init__(self, path: Path):
        self.path = path
        create_private_file(path)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute(_SCHEMA)

    def get(self, url: str) -> Cached | None:
        with self._lock:
            row = self._db.execute(
                "SELECT status, headers, body, fetched_at FROM responses WHERE url = ?", (url,)
            ).fetchone()
        if row is None:
            return None
        return Cached(row[0], json.loads(row[1]), zlib.decompress(row[2]), row[3])

    def put(
        self, url: str, status: int, headers: dict[str, str], body: bytes, *, fetched_at: float
    ) -> None:
        kept = {k: v for k, v in headers.items() if k.lower() in KEPT_HEADERS}
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO responses VALUES (?, ?, ?, ?, ?)",
                (url, status, json.dumps(kept), zlib.compress(body, 1), fetched_at),
            )

    def put_many(self, answers: list[tuple[str, int, dict[str, str], bytes, float]]) -> None:
        """Keep many answers in one transaction: ``(url, status, headers, body, fetched_at)``."""
        rows = [
            (
                url,
                status,
                json.dumps({k: v for k, v in headers.items() if k.lower() in KEPT_HEADERS}),
                zlib.compress(body, 1),
                fetched_at,
            )
            for url, status, headers, body, fetched_at in answers
        ]
        with self._lock:
            self._db.execute("BEGIN")
            self._db.executemany("INSERT OR REPLACE INTO responses VALUES (?, ?, ?, ?, ?)", rows)
            self._db.execute("COMMIT")

    def touch(self, url: str, fetched_at: float) -> None:
        """A ``304``: the kept body is current as of ``fetched_at``."""
        with self._lock:
            self._db.execute("UPDATE responses SET fetched_at = ? WHERE url = ?", (fetched_at, url))

    def close(self) -> None:
        with self._lock:
            self._db.close()
