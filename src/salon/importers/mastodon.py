"""Mastodon "Request your archive" export (the ``.tar.gz`` or its folder), and follow CSVs.

Read: ``actor.json`` (you; the links on your profile become your identities),
``outbox.json`` (ActivityStreams ``Create`` of Notes — your posts, with replies, mentions and
hashtags — and ``Announce``, your boosts), ``likes.json``, ``bookmarks.json``, and the CSVs of
*Import and export*: ``following_accounts.csv`` and ``lists.csv``.

People are known by their handle ``user@instance``, derived from their actor or status URL.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlparse

from salon.dates import parse_time
from salon.importers.base import ImportOptions, header_index
from salon.importers.files import InputFile, csv_rows, parse_json, read_document
from salon.model import SELF, Interaction, Person, PersonRef, Post, Record, Tie, identity, url_keys

NAME = "mastodon"
DESCRIPTION = "Mastodon archive (.tar.gz or folder) and following/lists CSV exports"
FILES = "actor.json, outbox.json, likes.json, bookmarks.json, following_accounts.csv, lists.csv"

_JSON = {"actor.json", "outbox.json", "likes.json", "bookmarks.json"}
_CSV = {"following_accounts.csv": "account address", "lists.csv": None}
# https://host/users/NAME[/statuses/ID] or https://host/@NAME[/ID]
_ACTOR_PATH = re.compile(r"^/(?:users/|@)([^/@]+)")


def detect(file: InputFile, *, forced: bool = False) -> bool:
    base = file.basename.lower()
    if base in _JSON:
        head = file.head(4096)
        return forced or b"activitystreams" in head or b"orderedItems" in head
    if base in _CSV:
        first = file.head(512).split(b"\n", 1)[0].lower()
        return forced or base == "lists.csv" or b"account address" in first
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


def _person(url_or_handle: str, name: str | None = None) -> PersonRef | None:
    handle = handle_of(url_or_handle)
    if handle is None:
        return None
    return PersonRef((identity("mastodon", "handle", handle),), name)


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


def html_text(html: str | None) -> tuple[str, list[str]]:
    """Plain text and the links of a post's or profile's HTML."""
    parser = _Text()
    parser.feed(html or "")
    return "".join(parser.parts).strip(), parser.links


def _collection(file: InputFile) -> list[Any]:
    data = parse_json(file, read_document(file))
    items = data.get("orderedItems") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise file.error(None, "no 'orderedItems' list", "Import the file as Mastodon exported it.")
    return items


def parse(file: InputFile, options: ImportOptions) -> Iterator[Record]:
    base = file.basename.lower()
    if base == "actor.json":
        yield from _actor(file)
    elif base == "outbox.json":
        yield from _outbox(file)
    elif base in ("likes.json", "bookmarks.json"):
        kind = "like" if base == "likes.json" else "bookmark"
        for i, url in enumerate(_collection(file), start=1):
            if not isinstance(url, str):
                raise file.error(f"record {i}", "expected a status URL")
            author = _person(url)
            yield Post(
                "mastodon", url, author, None, channel=urlparse(url).hostname, url=url, line=i
            )
            yield Interaction(SELF, author, kind, None, channel="mastodon", ref=url, line=i)
    elif base == "following_accounts.csv":
        for line, row in _csv(file, "account address"):
            if who := _person(row[0]):
                yield Tie(SELF, who, "follow", line=line)
    elif base == "lists.csv":
        for line, row in _csv(file, None):
            if len(row) >= 2 and (who := _person(row[1])):
                yield Tie(SELF, who, "list", line=line)


def _csv(file: InputFile, header: str | None) -> Iterator[tuple[int, list[str]]]:
    rows = csv_rows(file)
    if header is not None:
        line, first = next(rows, (1, []))
        header_index(file, first, (header,), line)
    for line, row in rows:
        if row and row[0].strip():
            yield line, [c.strip() for c in row]


def _actor(file: InputFile) -> Iterator[Record]:
    actor = parse_json(file, read_document(file))
    if not isinstance(actor, dict) or "id" not in actor:
        raise file.error(None, "no actor 'id'", "Import the file as Mastodon exported it.")
    keys = [identity("mastodon", "handle", handle_of(actor["id"]) or actor["id"])]
    if actor.get("url"):
        keys.append(identity("", "url", actor["url"]))
    for field in actor.get("attachment") or []:
        _, links = html_text(field.get("value") if isinstance(field, dict) else None)
        keys.extend(k for link in links for k in url_keys(link))
    summary, _ = html_text(actor.get("summary"))
    name = actor.get("name") or actor.get("preferredUsername")
    yield Person(PersonRef(tuple(keys), name, is_self=True), name, summary or None, line=1)


def _outbox(file: InputFile) -> Iterator[Record]:
    for i, activity in enumerate(_collection(file), start=1):
        if not isinstance(activity, dict):
            raise file.error(f"record {i}", "expected an activity object")
        at = parse_time(activity.get("published") or "")
        kind = activity.get("type")
        target = activity.get("object")
        if kind == "Announce" and isinstance(target, str):
            author = _person(target)
            yield Post(
                "mastodon",
                target,
                author,
                None,
                channel=urlparse(target).hostname,
                url=target,
                line=i,
            )
            yield Post(
                "mastodon",
                activity.get("id") or target,
                SELF,
                at,
                None,
                "mastodon",
                repost_of=target,
                line=i,
            )
            yield Interaction(SELF, author, "repost", at, channel="mastodon", ref=target, line=i)
        elif kind == "Create" and isinstance(target, dict):
            yield from _note(file, i, target, at)


def _note(file: InputFile, i: int, note: dict[str, Any], at: int | None) -> Iterator[Record]:
    key = note.get("id")
    if not key:
        raise file.error(f"record {i}", "a Note without 'id'")
    text, _ = html_text(note.get("content"))
    tags = note.get("tag") or []
    hashtags = tuple(
        str(t.get("name", "")).lstrip("#").lower()
        for t in tags
        if isinstance(t, dict) and t.get("type") == "Hashtag"
    )
    reply_to = note.get("inReplyTo")
    yield Post(
        "mastodon",
        key,
        SELF,
        at,
        text,
        "mastodon",
        reply_to=reply_to,
        url=note.get("url"),
        tags=hashtags,
        line=i,
    )
    replied = _person(reply_to) if reply_to else None
    if replied is not None:
        yield Interaction(SELF, replied, "reply", at, channel="mastodon", ref=key, line=i)
    for tag in tags:
        if not isinstance(tag, dict) or tag.get("type") != "Mention":
            continue
        who = _person(tag.get("href") or tag.get("name") or "")
        if who is not None and who != replied:
            yield Interaction(SELF, who, "mention", at, channel="mastodon", ref=key, line=i)
