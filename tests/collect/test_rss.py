"""RSS and Atom feeds: real site feeds, each a channel with its posts."""

from __future__ import annotations

import feedparser
import pytest
from sqlalchemy import select

from salon.collect import collect, rss
from salon.collect.http import CollectError
from salon.store.schema import posts
from tests.collect.conftest import samples
from tests.collect.server import Replay, Reply


@pytest.mark.parametrize(
    "name",
    ["miniflux_large_atom.xml", "miniflux_large_rss.xml", "miniflux_encoding_ISO-8859-1.xml"],
)
def test_a_feed_is_a_channel_with_its_posts(fresh_store, name):
    raw = samples(f"rss/{name}").read_bytes()
    expected = feedparser.parse(raw)
    with Replay() as replay:
        replay.add("/feed.xml", raw, headers={"Content-Type": "application/xml", "ETag": '"v1"'})
        report = collect(fresh_store, "rss", rss.seeds([f"{replay.url}/feed.xml"]), rate=0)
        # a stale copy is asked again conditionally, and a 304 reuses it
        replay.add("/feed.xml", Reply(b"", 304))
        again = collect(fresh_store, "rss", rss.seeds([f"{replay.url}/feed.xml"]), max_age=0)
    assert report.records == len(expected.entries) + 1 and again.requests == 1
    assert replay.log[-1][2]["if-none-match"] == '"v1"'
    with fresh_store.engine.connect() as c:
        rows = c.execute(select(posts.c.channel, posts.c.at, posts.c.url)).all()
    assert len(rows) == len({e.get("id") or e.link for e in expected.entries})
    assert {r.channel for r in rows} == {" ".join(expected.feed.title.split())}
    assert all(r.at for r in rows)


def test_a_web_page_is_not_a_feed(fresh_store):
    with Replay() as replay:
        replay.add("/", b"<html><body>Hello</body></html>", headers={"Content-Type": "text/html"})
        with pytest.raises(CollectError, match="is not an RSS or Atom feed"):
            collect(fresh_store, "rss", rss.seeds([f"{replay.url}/"]), rate=0)
