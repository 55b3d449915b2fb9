"""Stack Exchange collection against real API 2.x wrappers (items, has_more, quota)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

import salon
from salon.collect import collect, stackexchange
from salon.collect.http import QuotaSpent
from salon.store.schema import posts
from tests.collect.conftest import body, dumps
from tests.collect.server import Replay


def test_questions_page_while_has_more_and_stop_at_the_end(fresh_store):
    real = body("stackexchange/gaea_search_advanced_questions.json")
    last = {**real, "items": real["items"][5:], "has_more": False, "quota_remaining": 246}
    first = {**real, "items": real["items"][:5]}
    with Replay() as replay:
        replay.add("/2.3/questions", dumps(first), query={"page": "1"})
        replay.add("/2.3/questions", dumps(last), query={"page": "2"})
        report = collect(
            fresh_store,
            "stackexchange",
            stackexchange.seeds("stackoverflow", what=["questions"], tagged="ruby-on-rails"),
            base_url=f"{replay.url}/2.3",
            as_segment="rails",
            rate=0,
        )
    assert [q["page"] for _, q, _ in replay.log] == [["1"], ["2"]]
    assert replay.log[0][1]["tagged"] == ["ruby-on-rails"] and replay.log[0][1]["site"] == [
        "stackoverflow"
    ]
    assert report.pages == 2 and report.status == "done"
    with fresh_store.engine.connect() as c:
        rows = c.execute(select(posts.c.post_key, posts.c.channel, posts.c.tags, posts.c.at)).all()
    assert len(rows) == 10
    q = next(r for r in rows if r.post_key == "stackoverflow:q:16258911")
    assert q.channel == "stackoverflow" and "authenticity-token" in q.tags and q.at == 1367115933
    owners = {i["owner"]["user_id"] for i in real["items"]}
    assert {s.name: s.people for s in salon.segments(fresh_store)}["rails"] == len(owners)


def test_a_spent_quota_stops_the_job_with_a_message(fresh_store):
    real = body("stackexchange/gaea_search_advanced_questions.json")
    with Replay() as replay:
        replay.add("/2.3/questions", dumps({**real, "quota_remaining": 0}))
        with pytest.raises(QuotaSpent, match="quota is spent \\(300 requests a day"):
            collect(
                fresh_store,
                "stackexchange",
                stackexchange.seeds("stackoverflow", what=["questions"]),
                base_url=f"{replay.url}/2.3",
                rate=0,
            )


def test_an_error_wrapper_is_reported_in_the_apis_words(fresh_store):
    error = {"error_id": 400, "error_message": "site is required", "error_name": "bad_parameter"}
    with Replay() as replay:
        replay.add("/2.3/users", dumps(error), status=400)
        with pytest.raises(salon.SalonError, match="HTTP 400: site is required — bad_parameter"):
            collect(
                fresh_store,
                "stackexchange",
                stackexchange.seeds("nosuchsite", what=["users"]),
                base_url=f"{replay.url}/2.3",
                rate=0,
            )
