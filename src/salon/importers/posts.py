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
``reply_to_author``  the author of the post it answers (also ``in_reply_to_user``)
``repost_of_author`` the author of the post it reposts or quotes
``mentions``   handles it mentions: a JSON list, or in CSV words as ``tags``
``author_handle`` the author's handle (so mentions of it link to the author)
``tags``       a JSON list, or in CSV words separated by spaces, commas, ``;`` or ``|``
``url``        a link to the post
``platform``   the platform (else ``--namespace``, else the file's name)
=============  ===============================================================================

Each ``@handle`` in the text (``@ana``, ``@ana@fosstodon.org``, ``@ana.bsky.social``; not an
e-mail address) and each handle of ``mentions`` is a ``mention`` interaction from the author
to the person with that handle, once a post, so people who are only mentioned appear. A parent
author (a value starting with ``@`` is a handle, else an id like ``author``) is a ``reply`` or
``repost`` interaction from the author to them when the parent post is not in the file (when
it is, the post itself links the two, and an interaction would count the reply twice).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from salon.dates import from_epoch, parse_time
from salon.errors import ExportFormatError
from salon.importers.base import ImportOptions
from salon.importers.edges import namespace_of, shown
from salon.importers.files import InputFile, csv_rows, parse_json, text_lines
from salon.model import Interaction, Person, PersonRef, Post, Record, identity

NAME = "posts"
DESCRIPTION = "Posts as CSV or JSON Lines (id, author, time, text, channel, reply_to, tags)"
FILES = "*.csv, *.jsonl, *.ndjson (optionally .gz)"

_TIME_KEYS = ("time", "created_at", "timestamp", "date")
_TAG_SPLIT = re.compile(r"[\s,;|]+")
#: ``@handle`` not inside a word or an e-mail address; a Mastodon handle keeps its instance.
_MENTION = re.compile(
    r"(?<![\w@.])@([A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?"
    r"(?:@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)?)"
)
#: Columns naming the author of the post a post answers or reposts, by interaction kind.
_PARENT_AUTHOR = {
    "reply": ("reply_to", ("reply_to_author", "in_reply_to_user")),
    "repost": ("repost_of", ("repost_of_author",)),
}


#: Fields holding an id: text, or in JSON also a whole number.
_ID_FIELDS = (
    "id",
    "author",
    "reply_to",
    "repost_of",
    "reply_to_author",
    "in_reply_to_user",
    "repost_of_author",
)
#: Fields holding text.
_TEXT_FIELDS = ("author_name", "author_handle", "text", "channel", "url", "platform")
#: Fields holding words: a list of strings, or one string of words.
_LIST_FIELDS = ("tags", "mentions")
#: The longest platform name the store keeps.
MAX_PLATFORM = 64
#: Characters no store keeps in text: NUL (PostgreSQL refuses it) and lone surrogates.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
_FIX = "fix that line or leave the field out"


def _is_jsonl(file: InputFile) -> bool:
    return file.basename.lower().endswith((".jsonl", ".ndjson", ".json"))


def detect(file: InputFile, *, forced: bool = False) -> bool:
    base = file.basename.lower()
    head = file.head(8192)
    if _is_jsonl(file):
        first = head.split(b"\n", 1)[0].strip()
        try:
            obj = json.loads(first)
        except (ValueError, RecursionError):  # RecursionError: a line of thousands of '['
            return False
        return isinstance(obj, dict) and "id" in obj and "author" in obj
    if base.endswith(".csv") or forced:
        header = head.split(b"\n", 1)[0].decode("utf-8", "replace").lower()
        names = {n.strip().strip('"') for n in header.split(",")}
        return {"id", "author"} <= names
    return False


def why_not(file: InputFile) -> str | None:
    """Why :func:`detect` refuses ``file`` even when forced, in words (``None``: it does not)."""
    first = file.head(8192).split(b"\n", 1)[0].strip()
    if _is_jsonl(file):
        try:
            obj = json.loads(first)
        except (ValueError, RecursionError):  # RecursionError: a line of thousands of '['
            return "its first line is not a JSON object"
        if not isinstance(obj, dict):
            return "its first line is not a JSON object"
        missing = [k for k in ("id", "author") if k not in obj]
        return (
            f"its first record has no {' or '.join(repr(k) for k in missing)}" if missing else None
        )
    names = [n.strip().strip('"') for n in first.decode("utf-8", "replace").lower().split(",")]
    missing = [k for k in ("id", "author") if k not in names]
    if not missing:
        return None
    found = ", ".join(n for n in names[:8] if n) or "nothing"
    return (
        f"its header row has no {' or '.join(repr(k) for k in missing)} column "
        f"(it has {shown(found, 80)})"
    )


def _time(file: InputFile, where: str, key: str, value: Any) -> int | None:
    if value is None or value == "":
        return None
    try:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return from_epoch(value)
        if isinstance(value, str):
            return parse_time(value)
    except ValueError:
        pass
    raise file.error(
        where,
        f"unrecognised time {shown(value)} in '{key}'",
        f"Write times as ISO 8601 or Unix seconds (years 1 to 9999); {_FIX}.",
    )


def _kind_of(value: Any) -> str:
    """What a JSON value is, in words."""
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int | float):
        return "a number"
    return {dict: "an object", list: "a list", str: "text"}.get(type(value), "a value")


def _text_ok(file: InputFile, where: str, key: str, value: str) -> str:
    """A string the store can hold: no NUL character, no lone surrogate (``"\\ud800"``)."""
    if _UNSTORABLE.search(value):
        raise file.error(
            where,
            f"'{key}' holds a NUL character or half of a surrogate pair",
            f"Remove it; {_FIX}.",
        )
    return value


def _checked(file: InputFile, where: str, item: dict[str, Any]) -> dict[str, Any]:
    """``item`` with every documented field of the type the module's notes give it: ids as
    text (or whole numbers, written as text), text as text, words as a list of strings or a
    string. ``None`` and ``""`` are absent."""
    out = dict(item)
    for key in _ID_FIELDS:
        value = item.get(key)
        if value is None or isinstance(value, str):
            continue
        if not isinstance(value, int) or isinstance(value, bool):
            raise file.error(
                where,
                f"'{key}' is {_kind_of(value)}, not an id",
                f"Write ids as strings or whole numbers; {_FIX}.",
            )
        out[key] = str(value)
    for key in _TEXT_FIELDS:
        value = item.get(key)
        if value is not None and not isinstance(value, str):
            raise file.error(
                where, f"'{key}' is {_kind_of(value)}, not text", f"Write it as a string; {_FIX}."
            )
    for key in _LIST_FIELDS:
        value = item.get(key)
        if value is None or isinstance(value, str):
            continue
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise file.error(
                where,
                f"'{key}' is {_kind_of(value)}, not a list of words",
                f'Write it as a list of strings such as ["ai", "gtm"]; {_FIX}.',
            )
    if len(item.get("platform") or "") > MAX_PLATFORM:
        raise file.error(
            where,
            f"'platform' is longer than {MAX_PLATFORM} characters",
            f"Name the platform in a word (x, mastodon, a forum's name); {_FIX}.",
        )
    for key in (*_ID_FIELDS, *_TEXT_FIELDS):
        if isinstance(out.get(key), str):
            _text_ok(file, where, key, out[key])
    for key in _LIST_FIELDS:
        for word in _words(out.get(key)):
            _text_ok(file, where, key, word)
    return out


def _words(value: str | list[str] | None) -> list[str]:
    if isinstance(value, str):
        return [t for t in _TAG_SPLIT.split(value) if t]
    return [t for t in value or () if t]


def _value(item: dict[str, Any], key: str) -> str | None:
    return str(item[key]) if item.get(key) not in (None, "") else None


def _person(platform: str, value: str) -> PersonRef:
    """A parent author: ``@name`` is a handle, anything else an id like ``author``."""
    if value.startswith("@"):
        return PersonRef((identity(platform, "handle", value),))
    return PersonRef((identity(platform, "id", value),))


class _Reader:
    """Posts of one file, and the interactions they imply (see the module's notes)."""

    def __init__(self, file: InputFile, namespace: str) -> None:
        self.file, self.namespace = file, namespace
        self.seen: set[tuple[str, str]] = set()
        self.waiting: list[tuple[str, str, Interaction]] = []  # parent's platform, id, event

    def records(self, where: str, line: int, item: dict[str, Any]) -> Iterator[Record]:
        item = _checked(self.file, where, item)
        post_id, author_id = str(item.get("id") or ""), str(item.get("author") or "")
        if not post_id or not author_id:
            raise self.file.error(where, "a post needs both 'id' and 'author'")
        platform = str(item.get("platform") or self.namespace)
        name = item.get("author_name") or None
        keys = [identity(platform, "id", author_id)]
        if handle := _value(item, "author_handle"):
            keys.append(identity(platform, "handle", handle))
        author = PersonRef(tuple(keys), name)
        if name:
            yield Person(author, name, line=line)
        time_key = next((k for k in _TIME_KEYS if item.get(k) not in (None, "")), "time")
        post = Post(
            platform,
            post_id,
            author,
            _time(self.file, where, time_key, item.get(time_key)),
            item.get("text") or None,
            item.get("channel") or None,
            _value(item, "reply_to"),
            _value(item, "repost_of"),
            item.get("url") or None,
            tuple(t for w in _words(item.get("tags")) if (t := w.lstrip("#").lower())),
            line,
        )
        yield post
        self.seen.add((platform, post_id))
        yield from self._mentions(post, item)
        self._parents(post, item)

    def _mentions(self, post: Post, item: dict[str, Any]) -> Iterator[Interaction]:
        named = _MENTION.findall(post.text or "") + _words(item.get("mentions"))
        handles = dict.fromkeys(h.lstrip("@").lower() for h in named if h.lstrip("@"))
        for handle in handles:
            who = PersonRef((identity(post.platform, "handle", handle),))
            yield Interaction(
                post.author, who, "mention", post.at, post.platform, ref=post.key, line=post.line
            )

    def _parents(self, post: Post, item: dict[str, Any]) -> None:
        for kind, (parent_column, columns) in _PARENT_AUTHOR.items():
            parent = _value(item, parent_column)
            whom = next((v for c in columns if (v := _value(item, c))), None)
            if whom is None:
                continue
            event = Interaction(
                post.author,
                _person(post.platform, whom),
                kind,
                post.at,
                post.platform,
                ref=post.key,
                line=post.line,
            )
            self.waiting.append((post.platform, parent or "", event))

    def orphans(self) -> Iterator[Interaction]:
        """Replies and reposts whose parent post is not in the file, to the parent's author."""
        for platform, parent, event in self.waiting:
            if not parent or (platform, parent) not in self.seen:
                yield event


def parse(file: InputFile, options: ImportOptions) -> Iterator[Record]:
    reader = _Reader(file, options.namespace or namespace_of(file))
    yield from _items(file, reader)
    yield from reader.orphans()


def _items(file: InputFile, reader: _Reader) -> Iterator[Record]:
    if _is_jsonl(file):
        for line, text in text_lines(file):
            if not text.strip():
                continue
            try:
                item = parse_json(file, text, offset_lines=line - 1)
            except ExportFormatError as exc:
                if not isinstance(exc.__cause__, ValueError) or isinstance(
                    exc.__cause__, json.JSONDecodeError
                ):
                    raise
                raise file.error(  # an integer of more than 4,300 digits
                    f"line {line}", "a number has too many digits", f"Write ids as strings; {_FIX}."
                ) from None
            if not isinstance(item, dict):
                raise file.error(f"line {line}", "expected a JSON object")
            yield from reader.records(f"line {line}", line, item)
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
        yield from reader.records(f"line {line}", line, dict(zip(names, row, strict=True)))
