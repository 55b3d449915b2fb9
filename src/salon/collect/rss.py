"""RSS and Atom feeds (blogs, podcasts, newsletters), read with feedparser.

Each feed URL given is one task and one channel (named after the feed's title, else its
host); each entry is a post in it (title and summary, tags, link; its time the published or
updated date), by the entry's author when it names one, else by the feed (a person known by
the feed's site URL). Feeds are asked conditionally (``ETag`` / ``Last-Modified``) once
cached. ``--base-url`` has no meaning here: every feed is its own address.
"""

from __future__ import annotations

import calendar
from typing import Any
from urllib.parse import urlparse

from salon.collect.http import Answer, CollectError
from salon.collect.job import Page, Task
from salon.importers.mastodon import html_text
from salon.model import Person, PersonRef, Post, identity

NAME = "rss"
DEFAULT_BASE = ""
RATE = 4.0


def seeds(feeds: list[str]) -> list[Task]:
    """One task a feed.

    >>> seeds(["https://example.org/feed.xml"])
    [{'kind': 'feed', 'url': 'https://example.org/feed.xml'}]
    """
    for url in feeds:
        if urlparse(url).scheme not in ("http", "https"):
            raise CollectError(f"'{url}' is not a feed address (http:// or https://).")
    return [{"kind": "feed", "url": url} for url in feeds]


def request(base: str, task: Task, cursor: str | None, options: dict[str, Any]) -> tuple[str, None]:
    return task["url"], None


def parse(task: Task, answer: Answer, options: dict[str, Any]) -> Page:
    import feedparser

    parsed = feedparser.parse(
        answer.body, response_headers={"content-type": answer.headers.get("content-type", "")}
    )
    feed = parsed.get("feed") or {}
    if not parsed.entries and (parsed.bozo or not feed.get("title")):
        reason = parsed.get("bozo_exception") or "no feed and no entries"
        raise CollectError(
            f"The answer of {answer.url} is not an RSS or Atom feed ({reason}). Give the "
            "feed's own address (often /feed, /rss or /atom.xml), not a web page."
        )
    site = feed.get("link") or answer.url
    channel = " ".join(str(feed.get("title") or urlparse(site).hostname or answer.url).split())
    publisher = PersonRef((identity("", "url", site),), channel)
    page = Page([Person(publisher, channel, _summary(feed.get("subtitle")), line=0)])
    page.members.append(identity("", "url", site)[2])
    since = options.get("since")
    for i, entry in enumerate(parsed.entries, start=1):
        when = entry.get("published_parsed") or entry.get("updated_parsed")
        at = calendar.timegm(when) if when else None
        if since and at is not None and at < since:
            continue
        key = entry.get("id") or entry.get("link") or f"{answer.url}#{i}"
        author = publisher
        if entry.get("author") and entry.get("author") != feed.get("author"):
            author = PersonRef(
                (identity(NAME, "handle", f"{urlparse(site).hostname}/{entry.author}"),),
                entry.author,
            )
        text = " ".join(filter(None, [entry.get("title"), _summary(entry.get("summary"))]))
        tags = tuple(
            dict.fromkeys(
                str(t.get("term")).lower() for t in entry.get("tags") or [] if t.get("term")
            )
        )
        page.records.append(
            Post(
                NAME,
                key,
                author,
                at,
                text or None,
                channel,
                url=entry.get("link"),
                tags=tags,
                line=i,
            )
        )
    return page


def _summary(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    text, _ = html_text(value)
    return " ".join(text.split())[:2000] or None
