"""Collecting from the browser: a job starts only on the form's click (with its CSRF token),
runs against a local replay server on 127.0.0.1 (never the internet), stores what it read
and shows its status beside the store's jobs (``salon.collect_jobs``)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

import salon
from salon.store.schema import posts
from salon.web.app import create_app
from tests.collect.server import Replay
from tests.web.conftest import TOKEN

FEED = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Qubit Notes &lt;b&gt;weekly&lt;/b&gt;</title>
  <id>urn:uuid:60a76c80-d399-11d9-b93C-0003939e0af6</id>
  <updated>2024-05-02T10:00:00Z</updated>
  <author><name>Ada Qubit</name></author>
  <entry><title>Surface codes at scale</title><id>urn:q:1</id>
    <link href="https://notes.example/surface"/><updated>2024-05-01T09:00:00Z</updated>
    <summary>Logical error rates below threshold.</summary></entry>
  <entry><title>Cat qubits</title><id>urn:q:2</id>
    <link href="https://notes.example/cat"/><updated>2024-04-20T09:00:00Z</updated>
    <summary>Biased noise.</summary></entry>
</feed>
"""


@pytest.fixture
def collecting(web_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data-home"))
    with (
        Replay() as replay,
        salon.open_store(str(web_copy)) as store,
        TestClient(create_app(store, token=TOKEN)) as c,
    ):
        replay.add("/feed.xml", FEED, headers={"Content-Type": "application/atom+xml"})
        c.get(f"/?token={TOKEN}")
        yield c, replay


def _wait(c: TestClient, job: str) -> dict:
    for _ in range(300):
        state = c.get(f"/api/v1/collect/jobs/{job}").json()
        if state["state"] != "running":
            return state
        time.sleep(0.05)
    raise AssertionError(f"the collection {job} did not end")


def test_collect_a_feed_from_the_browser(collecting) -> None:
    c, replay = collecting
    page = c.get("/collect").text
    assert "the one thing Salon does over the network" in page and not replay.log
    csrf = page.split('name="csrf" content="')[1].split('"')[0]
    forged = c.post("/collect", data={"kind": "rss:feeds", "targets": f"{replay.url}/feed.xml"})
    assert forged.status_code == 403 and not replay.log  # no click, no request
    sent = c.post(
        "/collect",
        data={
            "csrf": csrf,
            "kind": "rss:feeds",
            "targets": f"{replay.url}/feed.xml\n",
            "as_segment": "qubit-blogs",
        },
        follow_redirects=False,
    )
    assert sent.status_code == 303
    job = sent.headers["location"].rsplit("/", 1)[-1]
    state = _wait(c, job)
    assert state["state"] == "done", state
    assert state["report"]["records"] == 3 and state["report"]["segment"] == "qubit-blogs"
    assert replay.asked("/feed.xml") == 1
    with c.app.state.salon.store.engine.connect() as connection:
        found = connection.execute(
            select(posts.c.url, posts.c.channel).where(posts.c.url.like("https://notes.example/%"))
        ).all()
    assert sorted(found) == [
        ("https://notes.example/cat", "Qubit Notes <b>weekly</b>"),
        ("https://notes.example/surface", "Qubit Notes <b>weekly</b>"),
    ]
    shown = c.get(f"/collect/jobs/{job}").text
    assert 'data-state="done"' in shown and "qubit-blogs" in shown
    jobs = c.get("/api/v1/collect/jobs").json()
    assert (
        [j["source"] for j in jobs["stored"]] == ["rss"] == [j["source"] for j in jobs["running"]]
    )
    assert jobs["stored"] == salon.collect_jobs(c.app.state.salon.store)
    assert "qubit-blogs" in [s["name"] for s in c.get("/api/v1/segments").json()]
    # The JSON twin, with a budget: the answer is cached, so no new request.
    api = TestClient(c.app, headers={"Authorization": f"Bearer {TOKEN}"})
    again = api.post(
        "/api/v1/collect",
        json={"source": "rss", "kind": "feeds", "targets": [f"{replay.url}/feed.xml"]},
    )
    assert again.status_code == 202
    assert _wait(c, again.json()["id"])["state"] == "done" and replay.asked("/feed.xml") == 1


def test_a_collection_that_cannot_start_says_why(collecting) -> None:
    c, replay = collecting
    api = TestClient(c.app, headers={"Authorization": f"Bearer {TOKEN}"})
    wrong_kind = api.post(
        "/api/v1/collect", json={"source": "rss", "kind": "tags", "targets": ["x"]}
    )
    assert wrong_kind.status_code == 400 and "rss collects from feeds" in wrong_kind.json()["error"]
    not_a_feed = api.post(
        "/api/v1/collect", json={"source": "rss", "kind": "feeds", "targets": ["ftp://x/feed"]}
    )
    state = _wait(c, not_a_feed.json()["id"])
    assert state["state"] == "failed" and "not a feed address" in state["error"]
    assert not replay.log
    assert c.get("/collect/jobs/nope").status_code == 404


def test_the_forms_seeds_are_the_clis() -> None:
    from salon.web.routes_collect import CollectAsked, _seeds

    bluesky = CollectAsked(
        source="bluesky", kind="followers_of", targets=["@ana.bsky.social"], depth=1, posts=False
    )
    assert _seeds(bluesky) == (
        {
            "actors": [],
            "followers_of": ["@ana.bsky.social"],
            "follows_of": [],
            "search": [],
            "threads": [],
            "depth": 1,
            "follows": True,
            "posts": False,
        },
        {"depth": 1, "follows": True, "posts": False, "since": None},
    )
    hn = CollectAsked(
        source="hackernews", kind="items", targets=["8863"], comments=2, since="2024-01-01"
    )
    assert _seeds(hn) == (
        {"users": [], "items": [8863], "lists": []},
        {"items": 30, "comments": 2, "since": 1704067200},
    )
    se = CollectAsked(source="stackexchange", kind="answers", targets=["datascience"], tagged="nlp")
    assert _seeds(se) == (
        {"site": "datascience", "what": ["answers"], "tagged": "nlp"},
        {"since": None, "key": None},
    )
    mastodon = CollectAsked(source="mastodon", kind="tags", targets=["qec"], follows=False)
    assert _seeds(mastodon)[0] == {
        "accounts": [],
        "followers_of": [],
        "following_of": [],
        "tags": ["qec"],
    }
    assert _seeds(mastodon)[1]["follows"] is False


def test_the_browser_sends_follows_to_the_lake(collecting) -> None:
    """The form's "Follows go to" and the JSON twin's ``lake`` reach salon.collect_from."""
    from tests.collect.test_job import serve_market

    c, replay = collecting
    serve_market(replay)
    api = TestClient(c.app, headers={"Authorization": f"Bearer {TOKEN}"})
    asked = {
        "source": "bluesky",
        "kind": "followers_of",
        "targets": ["@chriskenny.bsky.social"],
        "depth": 1,
        "posts": False,
        "base_url": replay.url,
        "rate": 0,
    }
    sent = api.post("/api/v1/collect", json={**asked, "lake": True})
    state = _wait(c, sent.json()["id"])
    assert state["state"] == "done", state
    assert state["report"]["lake"] and state["report"]["lake_edges_added"] == 48 + 48 * 6
    assert salon.lake_summary(c.app.state.salon.store).edges == 336
    page = c.get("/collect").text
    csrf = page.split('name="csrf" content="')[1].split('"')[0]
    for choice, lake in (("store", False), ("", False), ("lake", True)):
        form = c.post(
            "/collect",
            data={
                "csrf": csrf,
                "kind": "bluesky:followers_of",
                "targets": "@chriskenny.bsky.social",
                "depth": "1",
                "no_posts": "true",
                "base_url": replay.url,
                "max_requests": "1",
                "lake": choice,
            },
            follow_redirects=False,
        )
        job = _wait(c, form.headers["location"].rsplit("/", 1)[-1])
        assert job["state"] == "done" and job["report"]["lake"] is lake, (choice, job)
