"""Mastodon collection against a local server replaying real answers of fosstodon.org and
mastodon.social (their Link headers pointed at the local server), then the analytics on the
collected segment."""

from __future__ import annotations

import csv

import salon
from salon.collect import collect, mastodon
from tests.collect.conftest import body, dumps, samples
from tests.collect.server import Replay
from tests.conftest import run_cli

TAG = "/api/v1/timelines/tag/ichbinhanna"


def links(name: str, replay: Replay, real_host: str) -> list[tuple[str, str]]:
    """The recorded request URI and Link header of each page, pointed at ``replay``."""
    path = samples(f"mastodon/rtoot_vcr/{name}.interactions.tsv")
    with open(path, encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream, delimiter="\t"))
    return [(r["uri"], r["link_header"].replace(real_host, replay.url)) for r in rows]


def serve_followers(replay: Replay) -> str:
    """fosstodon.org's real answers for @schochastics and the first page of its followers
    (then an empty one); the followers' path."""
    account = samples("mastodon/rtoot_vcr/get_account_default.body.json")
    replay.add("/api/v1/accounts/lookup", account, query={"acct": "schochastics@fosstodon.org"})
    followers = "/api/v1/accounts/109302436954721982/followers"
    [(_, link)] = links("get_account_followers_default", replay, "https://fosstodon.org")
    first = samples("mastodon/rtoot_vcr/get_account_followers_default.body.json")
    replay.add(followers, first, headers={"Link": link})
    replay.add(followers, b"[]", query={"max_id": "5122703"})
    return followers


def serve_tag(replay: Replay) -> list[list[dict]]:
    pages = []
    recorded = links("handle_params_max_id", replay, "https://mastodon.social")
    for i, (uri, link) in enumerate(recorded):
        page = body(f"mastodon/rtoot_vcr/handle_params_max_id.0{i}.body.json")
        pages.append(page)
        max_id = dict(p.split("=") for p in uri.split("?")[1].split("&")).get("max_id")
        replay.add(
            TAG, dumps(page), query={"max_id": max_id} if max_id else {}, headers={"Link": link}
        )
    last = recorded[-1][1].split(">")[0].split("max_id=")[1].split("&")[0]
    replay.add(TAG, b"[]", query={"max_id": last})  # the end of the timeline
    return pages


def test_a_hashtag_timeline_pages_to_the_end_and_feeds_the_analytics(fresh_store):
    with Replay() as replay:
        pages = serve_tag(replay)
        report = collect(
            fresh_store,
            "mastodon",
            mastodon.seeds([], tags=["#ichbinhanna"]),
            base_url=replay.url,
            as_segment="hanna",
            rate=0,
        )
    assert report.status == "done" and report.pages == 5 and report.requests == 5
    statuses = [s for page in pages for s in page]
    authors = {s["account"]["acct"].lower() for s in statuses}
    assert report.members == len(authors) == 74
    segment = {s.name: s for s in salon.segments(fresh_store)}["hanna"]
    assert segment.people == 74
    with fresh_store.engine.connect() as c:
        from sqlalchemy import func, select

        from salon.store.schema import interactions, posts

        stored = c.execute(select(func.count()).select_from(posts)).scalar_one()
        mentions = c.execute(select(func.count()).select_from(interactions)).scalar_one()
    assert stored == len({s["uri"] for s in statuses}) == 160
    distinct_mentions = {
        (s["account"]["acct"].lower(), m["acct"].lower(), s["uri"])
        for s in statuses
        for m in s["mentions"]
        if m["acct"].lower() != s["account"]["acct"].lower()
    }
    assert mentions == len(distinct_mentions)

    # the most mentioned account outside the segment leads its agenda-setters
    found = salon.influencers(fresh_store, "hanna", top=5, include_members=True)
    assert len(found.influencers) == 5
    for who in found.influencers:  # the segment's attention, as the raw statuses say
        handle = _handle(fresh_store, who["person"])
        mentioning = {
            s["account"]["acct"].lower()
            for s in statuses
            for m in s["mentions"]
            if _acct(m) == handle and m["acct"].lower() != s["account"]["acct"].lower()
        }
        assert who["segment_members_attending"] == len(mentioning) > 0
    where = salon.where(fresh_store, "#ichbinhanna", segment="hanna", top=3)
    assert where.channels[0]["channel"] == "channel:mastodon"
    outlook = salon.forecast(fresh_store, "tag:ichbinhanna", segment="hanna", period="week")
    taggers = {
        s["account"]["acct"].lower()
        for s in statuses
        if any(t["name"].lower() == "ichbinhanna" for t in s["tags"])
    }
    assert outlook.adopters == len(taggers)
    assert outlook.forecasts[0]["adopters"] >= outlook.adopters

    # and the commands a user runs on it
    db = fresh_store.url.removeprefix("sqlite:///")
    for args in (
        ("influencers", "-s", "hanna", "-n", "3"),
        ("where", "#ichbinhanna", "-s", "hanna"),
        ("forecast", "tag:ichbinhanna", "-s", "hanna", "--period", "week"),
    ):
        done = run_cli(*args, db=db)
        assert done.returncode == 0, done.stderr
        assert args[0] != "where" or "channel:mastodon" in done.stdout


def test_followers_of_an_account_follow_the_link_header(fresh_store):
    with Replay() as replay:
        followers = serve_followers(replay)
        report = collect(
            fresh_store,
            "mastodon",
            mastodon.seeds([], followers_of=["@schochastics@fosstodon.org"]),
            options={"depth": 1, "follows": False, "posts": False},
            base_url=replay.url,
            as_segment="their-followers",
            rate=0,
        )
    assert [p for p, _, _ in replay.log] == ["/api/v1/accounts/lookup", followers, followers]
    assert replay.log[2][1]["max_id"] == ["5122703"]
    assert report.members == 3
    found = salon.influencers(fresh_store, "their-followers", top=1)
    assert found.influencers[0]["name"] == "David Schoch"
    assert found.influencers[0]["attention_from_segment"] == {"follow": 3}


def _acct(mention: dict) -> str:
    name = mention["acct"].lower()
    return name if "@" in name else f"{name}@{mention['url'].split('/')[2]}"


def _handle(store, person: int) -> str:
    from sqlalchemy import select

    from salon.store.schema import identities

    with store.engine.connect() as c:
        return c.execute(
            select(identities.c.value).where(
                identities.c.person_id == person, identities.c.platform == "mastodon"
            )
        ).scalar_one()
