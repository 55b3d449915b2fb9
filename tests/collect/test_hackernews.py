"""Hacker News collection against the real Firebase answers of the API's own documentation."""

from __future__ import annotations

from sqlalchemy import select

from salon.collect import collect, hackernews
from salon.store.schema import interactions, posts
from tests.collect.conftest import body, dumps, samples
from tests.collect.server import Replay

README = "hackernews/hn_api_readme"


def test_a_story_with_its_comments_and_a_user(fresh_store):
    story = body(f"{README}/hnapi_readme_item_8863.json")
    comment = body(f"{README}/hnapi_readme_item_2921983.json")
    with Replay() as replay:
        # the comment, served as a reply to the story (its own parent was not recorded)
        replay.add("/v0/item/8863.json", dumps({**story, "kids": [comment["id"]]}))
        replay.add("/v0/item/2921983.json", dumps({**comment, "parent": 8863}))
        replay.add("/v0/user/jl.json", samples(f"{README}/hnapi_readme_user_jl.json"))
        replay.add("/v0/item/8265435.json", b"null")  # a deleted item answers null
        report = collect(
            fresh_store,
            "hackernews",
            hackernews.seeds(["jl"], items=[8863]),
            options={"items": 1, "comments": 1},
            base_url=f"{replay.url}/v0",
            rate=0,
        )
    assert report.status == "done" and report.pages == 4 and report.members == 1
    with fresh_store.engine.connect() as c:
        rows = {r.post_key: r for r in c.execute(select(posts))}
        replies = c.execute(select(interactions.c.kind, interactions.c.at)).all()
    assert rows["8863"].text.startswith("My YC app: Dropbox")
    assert rows["2921983"].reply_to == "8863" and rows["2921983"].at == 1314211127
    assert replies == [("reply", 1314211127)]  # norvig answering dhouston


def test_a_list_that_is_not_ids_is_refused(fresh_store):
    import pytest

    from salon.collect.http import CollectError

    with Replay() as replay:
        replay.add("/v0/topstories.json", b'{"items": [1, 2]}')
        with pytest.raises(CollectError, match="is not a list of item ids"):
            collect(
                fresh_store,
                "hackernews",
                hackernews.seeds([], lists=["topstories"]),
                base_url=f"{replay.url}/v0",
                rate=0,
            )
