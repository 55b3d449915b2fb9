"""Jobs as a user runs them: `salon collect` killed mid-job and run again, its messages, its
state files."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import func, select

import salon
from salon.collect.job import Job, collect_dir
from salon.store.schema import interactions, people, posts, ties
from tests.collect.conftest import body, dumps
from tests.collect.server import Replay, Reply
from tests.conftest import run_cli


def serve_market(replay: Replay) -> None:
    """chriskenny.bsky.social's real followers; each follower's follows the real end-of-list
    page as their own; each one's feed the real author feed."""
    followers = body("bluesky/bskyr_vcr/g_followers.body.json")
    follows = body("bluesky/marshalx_get_follows.json")
    feed = body("bluesky/atrrr/getAuthorFeed_andrewheiss_p1.json")
    by_did = {f["did"]: f for f in followers["followers"]}
    replay.add("/xrpc/app.bsky.graph.getFollowers", dumps({**followers, "cursor": None}))

    def follows_of(query, _headers):
        subject = by_did[query["actor"][0]]
        return Reply(dumps({"follows": follows["follows"], "subject": subject}))

    replay.add("/xrpc/app.bsky.graph.getFollows", follows_of)
    replay.add("/xrpc/app.bsky.feed.getAuthorFeed", dumps({"feed": feed["feed"]}))


def counts(db: Path) -> dict[str, int]:
    with salon.open_store(str(db)) as store, store.engine.connect() as c:
        return {
            t.name: c.execute(select(func.count()).select_from(t)).scalar_one()
            for t in (people, ties, posts, interactions)
        }


ARGS = ("collect", "bluesky", "--followers-of", "@chriskenny.bsky.social", "--depth", "1")


def test_a_job_killed_mid_way_resumes_from_its_cursors_without_duplicates(tmp_path):
    with Replay(latency=0.04) as replay:
        serve_market(replay)
        args = (*ARGS, "--base-url", replay.url, "--rate", "0", "--concurrency", "1")
        db = tmp_path / "killed.db"
        env = {**os.environ, "SALON_DB": str(db), "NO_COLOR": "1"}
        child = subprocess.Popen(
            [sys.executable, "-m", "salon", *args],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        with salon.open_store(str(db)) as store:
            jobs = collect_dir(store) / "jobs"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            states = list(jobs.glob("*/job.json"))
            if states and json.loads(states[0].read_text()).get("requests", 0) >= 12:
                break
            time.sleep(0.05)
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
        state = json.loads(states[0].read_text())
        assert state["status"] == "running" and 12 <= state["requests"] < 97
        replay.latency = 0.0
        asked_before = len(replay.log)
        resumed = run_cli(*args, "--json", db=db)
        assert resumed.returncode == 0, resumed.stderr
        report = json.loads(resumed.stdout)
        assert report["status"] == "done"
        # every URL was asked once over both runs, but for the wave in flight when the job was
        # killed (4 pages with one request at a time): the resumed run started after the last
        # committed wave, and pages fetched and cached but not committed came from the cache
        urls = [(p, tuple(sorted((k, tuple(v)) for k, v in q.items()))) for p, q, _ in replay.log]
        assert len(set(urls)) == 97 and len(urls) - len(set(urls)) <= 4
        assert asked_before + report["requests"] == len(urls)
        clean = tmp_path / "clean.db"
        other = {**env, "SALON_DB": str(clean), "XDG_DATA_HOME": str(tmp_path / "other")}
        whole = subprocess.run(
            [sys.executable, "-m", "salon", *args], env=other, capture_output=True, text=True
        )
    assert whole.returncode == 0, whole.stderr
    assert counts(db) == counts(clean)
    assert counts(db)["ties"] == 48 + 48 * 6


def test_cli_messages_for_a_malformed_body_and_an_unknown_option(tmp_path):
    with Replay() as replay:
        replay.add("/xrpc/app.bsky.graph.getFollowers", b'{"followers": 3, "subject": {}}')
        done = run_cli(*ARGS, "--base-url", replay.url, db=tmp_path / "s.db")
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert f"{replay.url}/xrpc/app.bsky.graph.getFollowers?" in done.stderr
    assert "no 'subject' with a 'did'" in done.stderr
    wrong = run_cli(
        "collect", "stackexchange", "--site", "x", "--what", "votes", db=tmp_path / "s.db"
    )
    assert wrong.returncode == 1 and "--what votes: use questions, answers, users" in wrong.stderr
    none = run_cli("collect", "jobs", db=tmp_path / "empty.db")
    assert none.returncode == 0 and "No collection jobs yet" in none.stdout  # not a blank


def test_the_job_state_is_small_json_beside_the_store_keyed_by_its_uuid(fresh_store, tmp_path):
    from salon.collect import bluesky

    with Replay() as replay:
        serve_market(replay)
        job = Job(
            fresh_store,
            bluesky,
            bluesky.seeds([], followers_of=["chriskenny.bsky.social"]),
            options={"depth": 0},
            base_url=replay.url,
        )
        job.run(rate=0)
    from salon.graph.snapshot import store_identity

    with fresh_store.engine.connect() as c:
        uuid = store_identity(c)
    assert job.dir.parent.parent == Path(os.environ["XDG_DATA_HOME"]) / "salon" / "collect" / uuid
    state = json.loads(job.state_path.read_text())
    assert state["status"] == "done" and state["tasks"] == 1 and state["active"] == {}
    assert (job.dir.parent.parent / "http-cache.sqlite").stat().st_mode & 0o077 == 0
    assert job.state_path.stat().st_mode & 0o077 == 0


def test_ctrl_c_keeps_what_was_committed_and_says_how_to_resume(tmp_path):
    with Replay(latency=0.04) as replay:
        serve_market(replay)
        args = (*ARGS, "--base-url", replay.url, "--rate", "0", "--concurrency", "1")
        db = tmp_path / "s.db"
        env = {**os.environ, "SALON_DB": str(db), "NO_COLOR": "1"}
        child = subprocess.Popen(
            [sys.executable, "-m", "salon", *args],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and replay.asked("/xrpc/app.bsky.graph.getFollows") < 8:
            time.sleep(0.05)
        child.send_signal(signal.SIGINT)
        _, err = child.communicate(timeout=60)
        assert child.returncode == 130, err
        assert "Interrupted: what was collected up to the last page is stored" in err
        assert "Traceback" not in err and "never retrieved" not in err
        assert "nothing was changed" not in err  # one message, not two that disagree
        stored = counts(db)["ties"]
        assert 48 <= stored < 48 + 48 * 6
        replay.latency = 0.0
        resumed = run_cli(*args, "--json", db=db)
    assert resumed.returncode == 0 and json.loads(resumed.stdout)["status"] == "done"
    assert counts(db)["ties"] == 48 + 48 * 6


_HOLD = """
import sys, time
from pathlib import Path
from salon.collect.lock import hold
with hold(Path(sys.argv[1]), "job"):
    print("held", flush=True)
    time.sleep(60)
"""


def test_jobs_tell_a_running_job_from_one_a_gone_process_left_running(tmp_path):
    db = tmp_path / "s.db"
    with Replay() as replay:
        serve_market(replay)
        args = (*ARGS, "--base-url", replay.url, "--rate", "0", "--max-requests", "1")
        stopped = run_cli(*args, db=db)
    assert stopped.returncode == 0, stopped.stderr
    with salon.open_store(str(db)) as store:
        (folder,) = (collect_dir(store) / "jobs").iterdir()
    state = json.loads((folder / "job.json").read_text())
    assert state["status"] == "stopped" and state["command"].startswith("salon collect bluesky")
    # a run killed mid-way: its saved status still says running
    (folder / "job.json").write_text(json.dumps({**state, "status": "running"}))
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLD, str(folder / "lock")], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline() == "held\n"
        (live,) = json.loads(run_cli("collect", "jobs", "--json", db=db).stdout)
        assert (live["status"], live["pid"], live["resume"]) == ("running", holder.pid, None)
        shown = run_cli("collect", "jobs", db=db).stdout
        assert f"running (process {holder.pid})" in shown and "To resume" not in shown
        again = run_cli(*args, db=db)
        assert again.returncode == 1
        assert f"is already running (process {holder.pid})" in " ".join(again.stderr.split())
    finally:
        holder.kill()
        holder.wait()
        holder.stdout.close()
    (gone,) = json.loads(run_cli("collect", "jobs", "--json", db=db).stdout)
    resume = "salon " + " ".join(args)
    assert (gone["status"], gone["pid"], gone["resume"]) == ("interrupted", None, resume)
    shown = run_cli("collect", "jobs", db=db).stdout
    assert "interrupted" in shown and "running" not in shown
    assert f"To resume {folder.name} (interrupted): {resume}" in shown
