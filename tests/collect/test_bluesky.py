"""Bluesky collection against a local server replaying real AppView answers."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import func, select

import salon
from salon.collect import bluesky, collect
from salon.collect.http import CollectError
from salon.store.schema import files, identities, ties
from tests.collect.conftest import body, dumps
from tests.collect.server import Replay, Reply

FOLLOWS = "app.bsky.graph.getFollows"
PATH = f"/xrpc/{FOLLOWS}"


def three_pages() -> list[dict]:
    """The real 48-follow page of chriskenny.bsky.social cut into three pages of the same
    shape: the first with its real cursor, the last without one (as the AppView ends)."""
    real = body("bluesky/bskyr_vcr/g_follows.body.json")
    items = real["follows"]
    pages = [
        {"follows": items[:20], "subject": real["subject"], "cursor": real["cursor"]},
        {"follows": items[20:40], "subject": real["subject"], "cursor": "3lcbepc6gt22a"},
        {"follows": items[40:], "subject": real["subject"]},
    ]
    return pages


def serve_follows(replay: Replay) -> list[dict]:
    pages = three_pages()
    replay.add(PATH, dumps(pages[0]), headers={"ETag": '"p1"'})
    replay.add(PATH, dumps(pages[1]), query={"cursor": pages[0]["cursor"]})
    replay.add(PATH, dumps(pages[2]), query={"cursor": pages[1]["cursor"]})
    return pages


def run(store, replay, **kwargs):
    seeds = bluesky.seeds(["chriskenny.bsky.social"], follows=True, posts=False)[1:]
    kwargs.setdefault("rate", 0)
    kwargs.setdefault("backoff", 0.01)
    return collect(store, "bluesky", seeds, base_url=replay.url, options={"depth": 0}, **kwargs)


def count(store, table) -> int:
    with store.engine.connect() as c:
        return c.execute(select(func.count()).select_from(table)).scalar_one()


def test_pagination_to_the_end_writes_every_follow_once(fresh_store):
    with Replay() as replay:
        pages = serve_follows(replay)
        report = run(fresh_store, replay)
    assert report.status == "done" and report.pages == 3 and report.requests == 3
    asked = [q.get("cursor", [None])[0] for p, q, _ in replay.log]
    assert asked == [None, pages[0]["cursor"], pages[1]["cursor"]]
    assert all(q["actor"] == ["chriskenny.bsky.social"] for _, q, _ in replay.log)
    assert all(h["user-agent"].startswith("Salon/") for _, _, h in replay.log)
    assert count(fresh_store, ties) == 48
    with fresh_store.engine.connect() as c:
        did = c.execute(
            select(identities.c.person_id).where(
                identities.c.value == "did:plc:kcuy3xb6uc6sapzsdotflgpp"
            )
        ).scalar()
        handle = c.execute(
            select(identities.c.person_id).where(identities.c.value == "sunyoungpark.bsky.social")
        ).scalar()
        names = [n for (n,) in c.execute(select(files.c.name))]
    assert did is not None and did == handle  # one person: DID and handle
    assert len(names) == 3 and all(
        f"{replay.url}{PATH}?" in n and "(fetched 20" in n for n in names
    )


def test_a_rerun_asks_nothing_twice_and_revalidates_when_stale(fresh_store):
    with Replay() as replay:
        serve_follows(replay)
        run(fresh_store, replay)
        again = run(fresh_store, replay)
        assert again.requests == 0 and again.cached == 3 and len(replay.log) == 3
        replay.add(PATH, Reply(b"", 304), query={}, times=1)
        stale = run(fresh_store, replay, max_age=0)
    conditional = replay.log[3][2]
    assert conditional.get("if-none-match") == '"p1"'
    assert stale.requests == 3 and count(fresh_store, ties) == 48


def test_429_with_retry_after_is_waited_out(fresh_store):
    with Replay() as replay:
        serve_follows(replay)
        replay.add(
            PATH,
            b'{"error":"RateLimitExceeded"}',
            status=429,
            headers={"Retry-After": "1"},
            times=1,
        )
        started = time.monotonic()
        report = run(fresh_store, replay)
    assert time.monotonic() - started >= 1.0
    assert report.status == "done" and report.retries == 1 and count(fresh_store, ties) == 48


def test_500_is_retried_with_backoff(fresh_store):
    with Replay() as replay:
        serve_follows(replay)
        replay.add(PATH, b"oops", status=500, times=2)
        report = run(fresh_store, replay)
    assert report.retries == 2 and report.requests == 5 and count(fresh_store, ties) == 48


def test_a_server_failing_for_good_is_named(fresh_store):
    with Replay() as replay:
        replay.add(PATH, b'{"error":"InternalServerError"}', status=502)
        with pytest.raises(CollectError, match=r"answered HTTP 502: InternalServerError.*later"):
            run(fresh_store, replay)


def test_a_malformed_body_is_refused_with_its_url_and_problem(fresh_store):
    with Replay() as replay:
        page = three_pages()[0]
        page["follows"] = [{"handle": "no-did.bsky.social"}]
        replay.add(PATH, dumps(page))
        with pytest.raises(CollectError) as caught:
            run(fresh_store, replay)
        replay.add(PATH, b"<html>Not an API</html>")
        with pytest.raises(CollectError, match=r"is not JSON.*starts '<html>"):
            run(fresh_store, replay, max_age=0)
    assert f"{replay.url}{PATH}?" in str(caught.value)
    assert "item 1 of 'follows' has no 'did'" in str(caught.value)
    assert count(fresh_store, ties) == 0


def test_a_4xx_names_the_servers_words(fresh_store):
    with Replay() as replay:
        replay.add(PATH, b'{"error":"InvalidRequest","message":"Profile not found"}', status=400)
        with pytest.raises(CollectError, match="HTTP 400: InvalidRequest — Profile not found"):
            run(fresh_store, replay)


def test_an_unreachable_server_is_named(fresh_store):
    with Replay() as replay:
        url = replay.url
    seeds = [{"kind": "follows", "actor": "a.bsky.social", "level": 0, "grow": False}]
    with pytest.raises(CollectError, match=f"Could not reach {url}.*--base-url"):
        collect(fresh_store, "bluesky", seeds, base_url=url, rate=0, backoff=0.01)


def test_the_budget_stops_the_job_and_a_rerun_resumes_it(fresh_store):
    with Replay() as replay:
        pages = serve_follows(replay)
        first = run(fresh_store, replay, max_requests=2)
        assert first.status == "stopped" and first.requests == 2 and count(fresh_store, ties) == 40
        second = run(fresh_store, replay)
    assert second.status == "done" and second.requests == 1
    assert replay.log[-1][1]["cursor"] == [pages[1]["cursor"]]
    assert count(fresh_store, ties) == 48


def test_followers_of_to_depth_one_name_a_segment(fresh_store):
    followers = body("bluesky/bskyr_vcr/g_followers.body.json")
    with Replay() as replay:
        replay.add("/xrpc/app.bsky.graph.getFollowers", dumps({**followers, "cursor": None}))
        follows = body("bluesky/marshalx_get_follows.json")
        by_did = {f["did"]: f for f in followers["followers"]}

        def follows_of(query, _headers):  # the real end-of-list page, as each follower's own
            subject = by_did[query["actor"][0]]
            return Reply(dumps({"follows": follows["follows"], "subject": subject}))

        replay.add(PATH, follows_of)
        report = collect(
            fresh_store,
            "bluesky",
            bluesky.seeds([], followers_of=["@ChrisKenny.bsky.social"], depth=1, posts=False),
            options={"depth": 1, "posts": False},
            base_url=replay.url,
            as_segment="prospects",
            rate=0,
        )
    assert replay.log[0][1]["actor"] == ["chriskenny.bsky.social"]
    assert report.members == len(followers["followers"]) == 48
    # each follower's follows were asked once, and no further level
    assert replay.asked(PATH) == 48
    segment = {s.name: s for s in salon.segments(fresh_store)}["prospects"]
    assert segment.people == 48
    found = salon.influencers(fresh_store, "prospects", top=7)
    # every prospect follows chriskenny (followers page) and the 6 accounts of the follows page
    top = found.influencers[0]
    assert top["name"] == "Chris Kenny" and top["attention_from_segment"] == {"follow": 48}
    assert {f["handle"] for f in follows["follows"]} <= {
        h for (h,) in _handles(fresh_store, [i["person"] for i in found.influencers[1:]])
    }


def _handles(store, people):
    with store.engine.connect() as c:
        return c.execute(
            select(identities.c.value).where(
                identities.c.person_id.in_(people), identities.c.kind == "handle"
            )
        ).all()


def samples_bytes(relative: str) -> bytes:
    from tests.collect.conftest import samples

    return samples(relative).read_bytes()


def test_a_job_on_sqlite_and_postgresql_resumes_and_keeps_provenance(any_store):
    with Replay() as replay:
        serve_follows(replay)
        first = run(any_store, replay, max_requests=1)
        second = run(any_store, replay)
    assert first.status == "stopped" and second.status == "done" and second.requests == 2
    assert count(any_store, ties) == 48
    with any_store.engine.connect() as c:
        importers = {i for (i,) in c.execute(select(files.c.importer))}
        runs = sorted(i for (i,) in c.execute(select(ties.c.import_id).distinct()))
    assert importers == {"collect:bluesky"} and runs == [first.import_id, second.import_id]


def test_a_spent_ratelimit_window_is_waited_for_until_its_reset(fresh_store):
    pages = three_pages()
    with Replay() as replay:
        spent = {
            "RateLimit-Limit": "3000",
            "RateLimit-Remaining": "0",
            "RateLimit-Policy": "3000;w=300",
        }
        spent["RateLimit-Reset"] = str(int(time.time()) + 3)  # a Unix time, as Bluesky sends
        replay.add(PATH, dumps(pages[0]), headers=spent)
        replay.add(PATH, dumps(pages[1]), query={"cursor": pages[0]["cursor"]})
        replay.add(PATH, dumps(pages[2]), query={"cursor": pages[1]["cursor"]})
        started = time.monotonic()
        report = run(fresh_store, replay)
    assert report.status == "done" and count(fresh_store, ties) == 48
    assert time.monotonic() - started >= 1.0 and report.waited_s >= 1.0
