"""Mastodon "Request your archive" export (the ``.tar.gz`` or its folder), and follow CSVs.

Read: ``actor.json`` (you; the links on your profile become your identities),
``outbox.json`` (ActivityStreams ``Create`` of Notes — your posts, with replies, mentions and
hashtags; a ``Create`` of a bare URL is a post of yours without text — and ``Announce``, your
boosts, of a status URL or of an embedded status, by its ``id``; activities of other types, or
naming no status, are counted in the import's warnings), ``likes.json``, ``bookmarks.json``,
and the CSVs of *Import and export*: ``following_accounts.csv`` (with or without its header
row) and ``lists.csv``.

People are known by their handle ``user@instance``, derived from their actor or status URL;
from Mastodon 4.4 an actor URL may be numeric (``https://host/ap/users/ID``): such a person is
known by that URL, and by the handle a mention names. The owner is read from ``actor.json``
(its ``id``, ``url`` and ``preferredUsername``) in both layouts, so the owner's own statuses
are recognised: replies to them, mentions, boosts, likes and bookmarks of them are kept as
posts but are not interactions (never the owner at both ends).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlparse

from salon.dates import parse_time
from salon.importers.base import ImportOptions, header_index
from salon.importers.files import InputFile, csv_rows, parse_json, read_document
from salon.model import (
    SELF,
    Interaction,
    Notice,
    Person,
    PersonRef,
    Post,
    Record,
    Tie,
    identity,
    url_keys,
)

NAME = "mastodon"
DESCRIPTION = "Mastodon archive (.tar.gz or folder) and following/lists CSV exports"
FILES = "actor.json, outbox.json, likes.json, bookmarks.json, following_accounts.csv, lists.csv"

_JSON = {"actor.json", "outbox.json", "likes.json", "bookmarks.json"}
_CSV: dict[str, str | None] = {"following_accounts.csv": "account address", "lists.csv": None}
# https://host/users/NAME[/statuses/ID] or https://host/@NAME[/ID]
_ACTOR_PATH = re.compile(r"^/(?:users/|@)([^/@]+)")
# Mastodon 4.4+ numeric actor URLs: https://host/ap/users/ID[/statuses/ID]
_NUMERIC_ACTOR = re.compile(r"^/ap/users/\d+")
# A follow list's first row without the header (Mastodon before 2.8, Pleroma, Akkoma and
# Friendica write only the addresses): ``user@instance`` and, maybe, more columns.
_ADDRESS_ROW = re.compile(rb"^(?:\xef\xbb\xbf)?@?[^\s@,\"]+@[^\s@,\"]+\.[^\s@,\"]+\s*(?:,|\r?$)")


def detect(file: InputFile, *, forced: bool = False) -> bool:
    base = file.basename.lower()
    if base in _JSON:
        head = file.head(4096)
        return forced or b"activitystreams" in head or b"orderedItems" in head
    if base in _CSV:
        first = file.head(512).split(b"\n", 1)[0].lower()
        headerless = base == "following_accounts.csv" and _ADDRESS_ROW.match(first) is not None
        return forced or base == "lists.csv" or b"account address" in first or headerless
    return False


def handle_of(url: str) -> str | None:
    """``user@instance`` for an actor or status URL, or a ``@user@instance`` mention name.

    >>> handle_of("https://mastodon.social/users/s0mmer/statuses/109440048909776763")
    's0mmer@mastodon.social'
    >>> handle_of("@ana@fosstodon.org")
    'ana@fosstodon.org'
    """
    if url.startswith("@") or ("@" in url and "://" not in url):
        return url.lstrip("@").lower() if url.count("@") >= 1 and "." in url else None
    parsed = urlparse(url)
    match = _ACTOR_PATH.match(parsed.path)
    if not parsed.hostname or not match:
        return None
    return f"{match.group(1)}@{parsed.hostname}".lower()


def _actor_url(url: str) -> str | None:
    """The actor URL of a 4.4+ numeric actor or status URL (``https://host/ap/users/ID``)."""
    parsed = urlparse(url)
    match = _NUMERIC_ACTOR.match(parsed.path)
    return f"https://{parsed.hostname}{match.group(0)}" if parsed.hostname and match else None


def _person(url_or_handle: str, name: str | None = None) -> PersonRef | None:
    """Someone named by an actor or status URL or a handle: by handle, else by actor URL."""
    if handle := handle_of(url_or_handle):
        return PersonRef((identity("mastodon", "handle", handle),), name)
    if actor := _actor_url(url_or_handle):
        return PersonRef((identity("", "url", actor),), name)
    return None


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("br", "p") and self.parts:
            self.parts.append("\n")
        if tag == "a":
            self.links.extend(v for k, v in attrs if k == "href" and v)

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def _text_of(value: Any) -> str | None:
    """A JSON value that should be text: itself when it is, else ``None`` (an archive edited
    into a number or a list is read as if the field were absent)."""
    return value if isinstance(value, str) else None


def _list_of(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def html_text(html: Any) -> tuple[str, list[str]]:
    """Plain text and the links of a post's or profile's HTML (anything else: none)."""
    parser = _Text()
    parser.feed(html if isinstance(html, str) else "")
    return "".join(parser.parts).strip(), parser.links


def _collection(file: InputFile) -> list[Any]:
    data = parse_json(file, read_document(file))
    items = data.get("orderedItems") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise file.error(None, "no 'orderedItems' list", "Import the file as Mastodon exported it.")
    return items


@dataclass(frozen=True)
class Owner:
    """The archive's owner: the keyed ``is_self`` ref, and what names them in URLs and tags.

    Read alike from a 3.x archive (actor ``https://host/users/NAME``) and a 4.4+ one (actor
    ``https://host/ap/users/ID``, ``preferredUsername`` and ``url: https://host/@NAME``).
    """

    ref: PersonRef = SELF
    handle: str | None = None
    actor: str | None = None

    def owns(self, url_or_handle: str | None) -> bool:
        """Whether an actor or status URL, or a mention name, is the owner's."""
        if not url_or_handle:
            return False
        if self.handle and handle_of(url_or_handle) == self.handle:
            return True
        if not self.actor:
            return False
        url = identity("", "url", url_or_handle)[2]
        return url == self.actor or url.startswith(self.actor + "/")


def owner_of(actor: dict[str, Any]) -> Owner:
    """The owner an ``actor.json`` (or an activity's ``actor`` URL alone) describes."""
    actor_id = str(actor.get("id") or "")
    host = urlparse(actor_id).hostname or urlparse(str(actor.get("url") or "")).hostname
    user = _text_of(actor.get("preferredUsername"))
    handle = f"{user}@{host}".lower() if user and host else handle_of(actor_id)
    keys = [identity("mastodon", "handle", handle)] if handle else []
    keys.append(identity("", "url", actor_id))
    if actor.get("url"):
        keys.extend(url_keys(str(actor["url"])))
    for field in _list_of(actor.get("attachment")):
        _, links = html_text(field.get("value") if isinstance(field, dict) else None)
        keys.extend(k for link in links for k in url_keys(link))
    name = _text_of(actor.get("name")) or user or None
    ref = PersonRef(tuple(dict.fromkeys(keys)), name, is_self=True)
    return Owner(ref, handle, identity("", "url", actor_id)[2])


def _read_actor(file: InputFile) -> dict[str, Any]:
    actor = parse_json(file, read_document(file))
    if not isinstance(actor, dict) or not isinstance(actor.get("id"), str):
        raise file.error(None, "no actor 'id'", "Import the file as Mastodon exported it.")
    return actor


def _owner(file: InputFile, items: list[Any] | None = None) -> Owner:
    """The owner from the archive's ``actor.json``, else from the outbox's activities."""
    if (actor := file.sibling("actor.json")) is not None:
        return owner_of(_read_actor(actor))
    for activity in items or []:
        url = activity.get("actor") if isinstance(activity, dict) else None
        if isinstance(url, str) and url.startswith("http"):
            return owner_of({"id": url})
    return Owner()


def parse(file: InputFile, options: ImportOptions) -> Iterator[Record]:
    base = file.basename.lower()
    if base == "actor.json":
        yield from _actor(file)
    elif base == "outbox.json":
        items = _collection(file)
        yield from _outbox(file, items, _owner(file, items))
    elif base in ("likes.json", "bookmarks.json"):
        yield from _favourites(file, "like" if base == "likes.json" else "bookmark")
    elif base in _CSV:
        me = _owner(file).ref
        column = 0 if base == "following_accounts.csv" else 1
        for line, row in _csv(file, _CSV[base]):
            who = _person(row[column]) if len(row) > column else None
            if who is None:
                raise file.error(
                    f"line {line}",
                    f"no account address (user@instance) in column {column + 1}",
                    "Import the file as Mastodon exported it.",
                )
            yield Tie(me, who, "follow" if column == 0 else "list", line=line)


def _favourites(file: InputFile, kind: str) -> Iterator[Record]:
    owner = _owner(file)
    for i, url in enumerate(_collection(file), start=1):
        if not isinstance(url, str):
            raise file.error(f"record {i}", "expected a status URL")
        mine = owner.owns(url)
        author = owner.ref if mine else _person(url)
        yield Post("mastodon", url, author, None, channel=urlparse(url).hostname, url=url, line=i)
        if not mine:
            yield Interaction(owner.ref, author, kind, None, channel="mastodon", ref=url, line=i)


def _csv(file: InputFile, header: str | None) -> Iterator[tuple[int, list[str]]]:
    """The rows of a follow or list CSV, after its header when it has one (a follow list
    without one starts with an address)."""
    rows = csv_rows(file)
    if header is not None:
        line, first = next(rows, (1, []))
        if first and _ADDRESS_ROW.match(first[0].strip().encode()):
            rows = itertools.chain([(line, first)], rows)
        else:
            header_index(file, first, (header,), line)
    for line, row in rows:
        if row and row[0].strip():
            yield line, [c.strip() for c in row]


def _actor(file: InputFile) -> Iterator[Record]:
    actor = _read_actor(file)
    owner = owner_of(actor)
    summary, _ = html_text(actor.get("summary"))
    yield Person(owner.ref, owner.ref.name, summary or None, line=1)


def _status_url(target: Any) -> str | None:
    """The status an activity's ``object`` names: its URL, or an embedded object's ``id``
    (else its ``url``)."""
    if isinstance(target, dict):
        target = _text_of(target.get("id")) or _text_of(target.get("url"))
    return target if isinstance(target, str) and target.strip() else None


def _outbox(file: InputFile, items: list[Any], owner: Owner) -> Iterator[Record]:
    me = owner.ref
    unread: dict[str, list[int]] = {}
    for i, activity in enumerate(items, start=1):
        if not isinstance(activity, dict):
            raise file.error(f"record {i}", "expected an activity object")
        at = _time(file, i, activity.get("published"))
        kind = activity.get("type")
        target = activity.get("object")
        if kind == "Create" and isinstance(target, dict):
            yield from _note(file, i, target, at, owner)
        elif kind not in ("Announce", "Create"):
            unread.setdefault(f"of type {str(kind)[:40]!r}", []).append(i)
        elif (url := _status_url(target)) is None:
            unread.setdefault(f"{kind} naming no status", []).append(i)
        elif kind == "Create":  # a post of yours known only by its URL: no text, no tags
            yield Post("mastodon", url, me, at, None, "mastodon", url=url, line=i)
        else:
            mine = owner.owns(url)
            author = me if mine else _person(url)
            if author is None and isinstance(target, dict):
                author = _person(str(target.get("attributedTo") or ""))
            host = urlparse(url).hostname
            yield Post("mastodon", url, author, None, channel=host, url=url, line=i)
            key = _text_of(activity.get("id")) or url
            yield Post("mastodon", key, me, at, None, "mastodon", repost_of=url, line=i)
            if not mine:
                yield Interaction(me, author, "repost", at, channel="mastodon", ref=url, line=i)
    for what, records in unread.items():
        shown = ", ".join(map(str, records[:5])) + (", …" if len(records) > 5 else "")
        one = len(records) == 1
        yield Notice(
            f"'{file.display}': {len(records)} activit{'y' if one else 'ies'} {what} "
            f"(record {shown}) {'was' if one else 'were'} not read."
        )


def _time(file: InputFile, i: int, value: Any) -> int | None:
    """An activity's ``published`` time; an unreadable one is an error naming the record."""
    if value is None or value == "":
        return None
    try:
        return parse_time(value) if isinstance(value, str) else None
    except ValueError:
        raise file.error(f"record {i}", f"unrecognised time {str(value)[:40]!r}") from None


def _mentions(tags: list[Any], owner: Owner) -> list[PersonRef]:
    """The people a note mentions (not the owner), each by handle and actor URL."""
    out: list[PersonRef] = []
    for tag in tags:
        if not isinstance(tag, dict) or tag.get("type") != "Mention":
            continue
        href, name = str(tag.get("href") or ""), str(tag.get("name") or "")
        if owner.owns(href) or owner.owns(name):
            continue
        if who := _mentioned(href, name):
            out.append(who)
    return out


def _mentioned(href: str, name: str) -> PersonRef | None:
    """A mention by the handle its URL names (as likes and boosts name people), else by the
    handle its name gives and its actor URL; one handle only (a person holds one)."""
    if handle := handle_of(href):
        return PersonRef((identity("mastodon", "handle", handle),))
    keys = [identity("mastodon", "handle", h)] if (h := handle_of(name)) else []
    if href.startswith("http"):
        keys.append(identity("", "url", _actor_url(href) or href))
    return PersonRef(tuple(keys)) if keys else None


def _note(
    file: InputFile, i: int, note: dict[str, Any], at: int | None, owner: Owner
) -> Iterator[Record]:
    key = note.get("id")
    if not key or not isinstance(key, str):
        raise file.error(f"record {i}", "a Note without an 'id' string")
    text, _ = html_text(note.get("content"))
    tags = _list_of(note.get("tag"))
    hashtags = tuple(
        str(t.get("name", "")).lstrip("#").lower()
        for t in tags
        if isinstance(t, dict) and t.get("type") == "Hashtag"
    )
    reply_to = note.get("inReplyTo") if isinstance(note.get("inReplyTo"), str) else None
    me = owner.ref
    url = note.get("url") if isinstance(note.get("url"), str) else None
    yield Post(
        "mastodon", key, me, at, text, "mastodon", reply_to=reply_to, url=url, tags=hashtags, line=i
    )
    mentioned = _mentions(tags, owner)
    replied = None
    if reply_to and not owner.owns(reply_to) and (parent := _person(reply_to)):
        # The parent's author is usually also mentioned: one person, by handle and URL.
        replied = next((m for m in mentioned if set(m.keys) & set(parent.keys)), parent)
        yield Interaction(me, replied, "reply", at, channel="mastodon", ref=key, line=i)
    for who in mentioned:
        if who is not replied:
            yield Interaction(me, who, "mention", at, channel="mastodon", ref=key, line=i)
