"""`salon collect … --lake`: collected follows land in the market lake, not the store."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb
from sqlalchemy import func, select

import salon
from salon.collect import bluesky, collect, mastodon
from salon.collect.job import collect_dir
from salon.store.schema import identities, people, posts, ties
from tests.collect.conftest import body, dumps
from tests.collect.server import Replay
from tests.collect.test_job import serve_market
from tests.collect.test_mastodon import serve_followers
from tests.conftest import run_cli

CHRIS = "chriskenny.bsky.social"
ARGS = ("collect", "bluesky", "--followers-of", f"@{CHRIS}", "--depth", "1", "--lake")


def chris_did() -> str:
    return body("bluesky/bskyr_vcr/g_followers.body.json")["subject"]["did"]


def six_follows() -> set[str]:
    return {f["did"] for f in body("bluesky/marshalx_get_follows.json")["follows"]}


def market(store, replay: Replay, **kwargs):
    """Chris Kenny's 48 real followers, to depth 1 (whom each follows), without posts."""
    depth, posts = kwargs.pop("depth", 1), kwargs.pop("posts", False)
    return collect(
        store,
        "bluesky",
        bluesky.seeds([], followers_of=[f"@{CHRIS}"], depth=depth, posts=posts),
        options={"depth": depth, "posts": posts},
        base_url=replay.url,
        rate=0,
        **kwargs,
    )


def count(store, table) -> int:
    with store.engine.connect() as c:
        return c.execute(select(func.count()).select_from(table)).scalar_one()


def lake_rows(store) -> dict[str, list[tuple]]:
    """Every lake edge and post (all but the import number): what a run leaves."""
    from salon.lake import export_lake

    with tempfile.TemporaryDirectory() as out:
        written = export_lake(store, out)
        return {
            name: duckdb.sql(
                f"SELECT * EXCLUDE (import) FROM '{out}/{name}.parquet' ORDER BY ALL"
            ).fetchall()
            for name in sorted(written)
            if name != "lake_nodes"
        }


def test_follows_land_in_the_lake_and_feed_the_analytics(fresh_store):
    with Replay() as replay:
        serve_market(replay)
        report = market(fresh_store, replay, lake=True, as_segment="prospects")
    # 48 followers -> Chris, and each of them -> the 6 accounts of the follows page
    assert report.lake and report.lake_edges == report.lake_edges_added == 48 + 48 * 6
    summary = salon.lake_summary(fresh_store)
    assert summary.edges == 336 and summary.nodes == 48 + 1 + 6
    assert summary.namespaces == ["bluesky"] and len(summary.partitions) == 1
    # nobody was known, so nobody became a person row; no follow is a store tie
    assert count(fresh_store, ties) == 0 and count(fresh_store, people) == 0
    segment = {s.name: s for s in salon.segments(fresh_store)}["prospects"]
    assert segment.people == 48
    found = salon.influencers(fresh_store, "prospects", top=7).influencers
    # Chris and the 6 accounts every prospect follows, each followed by all 48 (market nodes)
    names = {i["name"].removeprefix("bluesky:") for i in found}
    assert names == {chris_did()} | six_follows()
    assert all(i["attention_from_segment"] == {"follow": 48} and i["person"] < 0 for i in found)


def test_the_promotion_rule_keeps_the_crawl_out_of_the_people_table(any_store):
    """Chris is known before the job: his followers (his neighbours) become people with their
    profiles; whom they follow stays market nodes, though the followers became people during
    the job (those the job promoted promote nobody)."""
    subject = body("bluesky/bskyr_vcr/g_followers.body.json")["subject"]
    with Replay() as replay:
        serve_market(replay)
        replay.add("/xrpc/app.bsky.actor.getProfiles", dumps({"profiles": [subject]}))
        collect(
            any_store,
            "bluesky",
            bluesky.seeds([CHRIS], follows=False, posts=False),
            base_url=replay.url,
            rate=0,
        )
        assert count(any_store, people) == 1
        report = market(any_store, replay, lake=True)
    assert report.lake_edges_added == 336 and count(any_store, ties) == 0
    followers = body("bluesky/bskyr_vcr/g_followers.body.json")["followers"]
    with any_store.engine.connect() as c:
        rows = c.execute(
            select(identities.c.kind, identities.c.value).where(identities.c.platform == "bluesky")
        ).all()
    dids = {v for k, v in rows if k == "id"}
    assert dids == {subject["did"]} | {f["did"] for f in followers}
    assert not dids & six_follows()
    handles = {v for k, v in rows if k == "handle"}
    assert {f["handle"] for f in followers if f["handle"] != "handle.invalid"} <= handles
    assert count(any_store, people) == 49
    # the lake's edges of the 48 followers are their people's edges
    found = salon.influencers(any_store, f"followers:bluesky:{subject['did']}", top=7)
    assert found.members == 48
    named = {i["name"].removeprefix("bluesky:") for i in found.influencers}
    assert named == {"Chris Kenny"} | six_follows()  # Chris a person, the 6 market nodes


def test_a_rerun_asks_nothing_and_adds_nothing(fresh_store):
    with Replay() as replay:
        serve_market(replay)
        first = market(fresh_store, replay, lake=True, posts=True)
        before = (salon.lake_summary(fresh_store).to_dict(), lake_rows(fresh_store))
        asked = len(replay.log)
        again = market(fresh_store, replay, lake=True, posts=True)
    assert first.lake_posts == first.lake_posts_added == 25
    assert again.status == "done" and again.requests == 0 and len(replay.log) == asked
    assert again.lake_edges == first.lake_edges and again.lake_edges_added == 0
    assert again.lake_posts == 25 and again.lake_posts_added == 0
    assert (salon.lake_summary(fresh_store).to_dict(), lake_rows(fresh_store)) == before
    assert count(fresh_store, people) == count(fresh_store, posts) == 0


def test_the_lake_is_the_default_from_depth_two(fresh_store, monkeypatch):
    with Replay() as replay:
        serve_market(replay)
        shallow = market(fresh_store, replay, max_requests=1)
        deep = market(fresh_store, replay, depth=2, max_requests=1)
        kept = market(fresh_store, replay, depth=2, max_requests=1, lake=False)
    assert (shallow.lake, deep.lake, kept.lake) == (False, True, False)
    assert len({shallow.job, deep.job, kept.job}) == 3  # a job keeps where its follows go


def test_the_budget_lands_what_was_collected_and_a_rerun_the_rest(any_store):
    with Replay() as replay:
        serve_market(replay)
        first = market(any_store, replay, lake=True, max_requests=10, concurrency=1)
        assert first.status == "stopped"
        landed = salon.lake_summary(any_store).edges
        assert 48 <= landed < 336 and landed == first.lake_edges_added
        second = market(any_store, replay, lake=True, concurrency=1)
    assert second.status == "done" and salon.lake_summary(any_store).edges == 336
    assert second.lake_edges == 336 and second.lake_edges_added == 336
    assert salon.lake_check(any_store) == []


def test_mastodon_follows_name_their_nodes_user_at_host(fresh_store):
    """fosstodon.org's real answers (tests/collect/test_mastodon.py): the account looked up is
    a person, with the ``mastodon:id:user@host`` key its lake node has; its 3 followers are
    market nodes whose follows are its."""
    with Replay() as replay:
        serve_followers(replay)
        report = collect(
            fresh_store,
            "mastodon",
            mastodon.seeds([], followers_of=["@schochastics@fosstodon.org"]),
            options={"depth": 1, "follows": False, "posts": False},
            base_url=replay.url,
            as_segment="their-followers",
            rate=0,
            lake=True,
        )
    assert report.lake_edges_added == 3 and count(fresh_store, ties) == 0
    assert count(fresh_store, people) == 1  # looked up by name; the followers are not known
    found = salon.influencers(fresh_store, "their-followers", top=1)
    assert found.members == 3
    top = found.influencers[0]
    assert top["name"] == "David Schoch" and top["person"] > 0
    assert top["attention_from_segment"] == {"follow": 3}
    with fresh_store.engine.connect() as c:
        keys = set(c.execute(select(identities.c.kind, identities.c.value)).all())
    assert {("id", "schochastics@fosstodon.org"), ("handle", "schochastics@fosstodon.org")} <= keys


def _kill_after(child: subprocess.Popen, jobs: Path, requests: int) -> dict:
    deadline = time.monotonic() + 60
    state: dict = {}
    while time.monotonic() < deadline:
        found = list(jobs.glob("*/job.json"))
        if found:
            state = json.loads(found[0].read_text())
            if state.get("requests", 0) >= requests:
                break
        time.sleep(0.02)
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    return state


#: The CLI with lake parts of 40 follows, so parts land while the job runs.
SMALL_PARTS = "import salon.collect.lake as l; l.BATCH = 40; from salon.cli import main; main()"


def test_a_lake_job_killed_mid_way_resumes_to_the_rows_of_an_uninterrupted_run(tmp_path):
    with Replay(latency=0.04) as replay:
        serve_market(replay)
        args = (*ARGS, "--posts", "--base-url", replay.url, "--rate", "0", "--concurrency", "1")
        db = tmp_path / "killed.db"
        env = {**os.environ, "SALON_DB": str(db), "NO_COLOR": "1"}
        command = [sys.executable, "-c", SMALL_PARTS, *args]
        child = subprocess.Popen(
            command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        with salon.open_store(str(db)) as store:
            jobs = collect_dir(store) / "jobs"
        state = _kill_after(child, jobs, 40)
        assert state["status"] == "running" and state["lake"]["part"] >= 1  # parts landed
        replay.latency = 0.0
        resumed = subprocess.run([*command, "--json"], env=env, capture_output=True, text=True)
        assert resumed.returncode == 0, resumed.stderr
        assert json.loads(resumed.stdout)["status"] == "done"
        clean = tmp_path / "clean.db"
        other = {**env, "SALON_DB": str(clean), "XDG_DATA_HOME": str(tmp_path / "other")}
        whole = subprocess.run(command, env=other, capture_output=True, text=True)
        assert whole.returncode == 0, whole.stderr
    with salon.open_store(str(db)) as killed, salon.open_store(str(clean)) as uninterrupted:
        assert salon.lake_check(killed) == []
        rows = lake_rows(killed)
        assert rows == lake_rows(uninterrupted)
        # the 25 posts of the feed every follower shares, once; Andrew Heiss's reposts of 8
        # others' posts (2 more are his own), once each though 48 feeds show them
        assert len(rows["lake_posts"]) == 25
        follows = [r for r in rows["lake_edges"] if r[4] == "follow"]
        reposts = [r for r in rows["lake_edges"] if r[4] == "repost"]
        assert len(follows) == 336 and len(reposts) == 8
        for table in (people, ties, posts):
            assert count(killed, table) == count(uninterrupted, table) == 0
    # the lake as the CLI shows it, and an analysis reading it
    shown = run_cli("lake", "--json", db=db)
    summary = json.loads(shown.stdout)
    assert shown.returncode == 0 and summary["edges"] == len(rows["lake_edges"]) > 336 + 8
    assert summary["posts"] == 25
    read = run_cli("influencers", "--segment", f"followers:bluesky:{chris_did()}", "--json", db=db)
    assert read.returncode == 0, read.stderr
    assert json.loads(read.stdout)["influencers"][0]["attention_from_segment"] == {"follow": 48}
