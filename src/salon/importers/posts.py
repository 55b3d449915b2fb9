"""Market data: posts as CSV or JSON Lines.

Columns (CSV header or JSON keys; only ``id`` and ``author`` are required):

=============  ===============================================================================
``id``         the post's id on its platform
``author``     the author's id or handle on that platform
``author_name`` the author's display name
``time``       ISO 8601 or Unix seconds (also ``created_at``, ``timestamp``, ``date``)
``text``       the post's text
``channel``    where it was posted: a forum, a tag, an instance, a community
``reply_to``   the id of the post it answers
``repost_of``  the id of the post it reposts or quotes
``tags``       a JSON list, or in CSV words separated by spaces, commas, ``;`` or ``|``
``url``        a link to the post
``platform``   the platform (else ``--namespace``, else the file's name)
=============  ===============================================================================
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from salon.dates import parse_time
from salon.importers.base import ImportOptions
from salon.importers.edges import namespace_of
from salon.importers.files import InputFile, csv_rows, parse_json, text_lines
from salon.model import Person, PersonRef, Post, Record, identity

NAME = "posts"
DESCRIPTION = "Posts as CSV or JSON Lines (id, author, time, text, channel, reply_to, tags)"
FILES = "*.csv, *.jsonl, *.ndjson (optionally .gz)"

_TIME_KEYS = ("time", "created_at", "timestamp", "date")
_TAG_SPLIT = re.compile(r"[\s,;|]+")


def _is_jsonl(file: InputFile) -> bool:
    return file.basename.lower().endswith((".jsonl", ".ndjson", ".json"))


def detect(file: InputFile, *, forced: bool = False) -> bool:
    base = file.basename.lower()
    head = file.head(8192)
    if _is_jsonl(file):
        first = head.split(b"\n", 1)[0].strip()
        try:
            obj = json.loads(first)
        except ValueError:
            return False
        return isinstance(obj, dict) and "id" in obj and "author" in obj
    if base.endswith(".csv") or forced:
        header = head.split(b"\n", 1)[0].decode("utf-8", "replace").lower()
        names = {n.strip().strip('"') for n in header.split(",")}
        return {"id", "author"} <= names
    return False


def _time(file: InputFile, where: str, value: Any) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, int | float):
        return int(value)
    try:
        return parse_time(str(value))
    except ValueError:
        raise file.error(where, f"unrecognised time {value!r}") from None


def _records(
    file: InputFile, where: str, line: int, item: dict[str, Any], namespace: str
) -> Iterator[Record]:
    post_id, author_id = str(item.get("id") or ""), str(item.get("author") or "")
    if not post_id or not author_id:
        raise file.error(where, "a post needs both 'id' and 'author'")
    platform = str(item.get("platform") or namespace)
    name = item.get("author_name") or None
    author = PersonRef((identity(platform, "id", author_id),), name)
    if name:
        yield Person(author, name, line=line)
    raw_time = next((item[k] for k in _TIME_KEYS if item.get(k) not in (None, "")), None)
    tags = item.get("tags") or ()
    if isinstance(tags, str):
        tags = [t for t in _TAG_SPLIT.split(tags) if t]
    yield Post(
        platform,
        post_id,
        author,
        _time(file, where, raw_time),
        item.get("text") or None,
        item.get("channel") or None,
        str(item["reply_to"]) if item.get("reply_to") not in (None, "") else None,
        str(item["repost_of"]) if item.get("repost_of") not in (None, "") else None,
        item.get("url") or None,
        tuple(str(t).lstrip("#").lower() for t in tags),
        line,
    )


def parse(file: InputFile, options: ImportOptions) -> Iterator[Record]:
    namespace = options.namespace or namespace_of(file)
    if _is_jsonl(file):
        for line, text in text_lines(file):
            if not text.strip():
                continue
            item = parse_json(file, text, offset_lines=line - 1)
            if not isinstance(item, dict):
                raise file.error(f"line {line}", "expected a JSON object")
            yield from _records(file, f"line {line}", line, item, namespace)
        return
    rows = csv_rows(file)
    _, header = next(rows, (1, []))
    names = [h.strip().lower() for h in header]
    for line, row in rows:
        if not any(row):
            continue
        if len(row) != len(names):
            raise file.error(
                f"line {line}",
                f"expected {len(names)} columns, found {len(row)}",
                "The file looks truncated; export it again.",
            )
        yield from _records(
            file, f"line {line}", line, dict(zip(names, row, strict=True)), namespace
        )
