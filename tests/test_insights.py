import json

from sqlalchemy import update

import salon
from salon import insights
from salon.cli.analytics import lift, score
from salon.store.schema import people
from salon.store.segments import add_segment
from tests.conftest import ROOT, run_cli, shared


def test_higgs_agenda_setters_with_evidence(fresh_store, tmp_path, monkeypatch):
    monkeypatch.setenv("SALON_CACHE", str(tmp_path / "cache"))
    salon.import_paths(
        fresh_store,
        [shared("higgs_twitter/higgs-reply_network.edgelist.gz")],
        options=salon.ImportOptions(namespace="higgs", kind="reply"),
    )
    add_segment(fresh_store, "sample", "platform:higgs")
    result = insights.influencers(fresh_store, "sample", top=5, include_members=True)
    assert len(result["influencers"]) == 5
    top = result["influencers"][0]
    assert top["attention_from_segment"]["reply"] > 0
    assert top["name"].startswith("higgs:")
    communities = insights.communities(fresh_store, seed=1, limit=3)
    assert communities["communities"] > 3 and len(communities["shown"]) == 3


def test_cli_commands(tmp_path):
    db = tmp_path / "s.db"
    env_path = shared("radoslaw_email_konect/out.radoslaw_email_email")
    assert run_cli("import", "--namespace", "radoslaw", str(env_path), db=db).returncode == 0
    ids = tmp_path / "ids.txt"
    ids.write_text("\n".join(str(i) for i in range(1, 21)))
    result = run_cli("segment", "add", "team", f"file:{ids}", db=db)
    assert result.returncode == 0 and "20 people" in result.stdout
    out = json.loads(run_cli("influencers", "-s", "team", "-n", "3", "--json", db=db).stdout)
    assert len(out["influencers"]) == 3 and not any(r["in_segment"] for r in out["influencers"])
    out = json.loads(run_cli("communities", "--seed", "2", "--json", db=db).stdout)
    assert sum(r["size"] for r in out["shown"]) <= out["nodes"]
    assert run_cli("experts", "-s", "team", db=db).returncode == 0
    bad = run_cli("influencers", "-s", "nobody", db=db)
    assert bad.returncode == 1 and "No segment 'nobody'" in bad.stderr


def test_weights_override(tmp_path):
    db = tmp_path / "s.db"
    path = shared("radoslaw_email_konect/out.radoslaw_email_email")
    run_cli("import", "--namespace", "radoslaw", str(path), db=db)
    ok = run_cli("communities", "--weights", "edge=2,repost=5", "--json", db=db)
    assert ok.returncode == 0
    bad = run_cli("communities", "--weights", "edge", db=db)
    assert bad.returncode == 1
    assert bad.stderr.strip() == "Error: 'edge' is not KIND=WEIGHT (e.g. repost=5)."


def test_win_command(tmp_path):
    db = tmp_path / "s.db"
    path = shared("radoslaw_email_konect/out.radoslaw_email_email")
    run_cli("import", "--namespace", "radoslaw", str(path), db=db)
    out = json.loads(run_cli("win", "-s", "platform:radoslaw", "-k", "3", "--json", db=db).stdout)
    assert len(out["seeds"]) == 3
    assert abs(out["expected_reach"] - out["monte_carlo_reach"]) / out["monte_carlo_reach"] < 0.1
    assert out["seeds"][-1]["cumulative_share"] == round(out["expected_share"], 4)


def test_analytics_on_each_backend(any_store):
    path = ROOT / "src/salon/data/quantumcomputing_posts.jsonl.gz"
    salon.import_paths(any_store, [path], options=salon.ImportOptions(namespace="qc"))
    found = insights.influencers(any_store, "tag:quantum-algorithms", top=3)
    assert len(found["influencers"]) == 3
    channels = insights.where(any_store, "#quantum-gate", segment="platform:qc", top=2)
    assert channels["channels"]
    outlook = insights.forecast(any_store, "tag:quantum-gate", period="week")
    assert outlook["forecasts"][0]["adopters"] >= outlook["adopters"]  # never below today


def test_communities_members_is_the_whole_partition(tmp_path):
    db = tmp_path / "s.db"
    path = shared("radoslaw_email_konect/out.radoslaw_email_email")
    run_cli("import", "--namespace", "radoslaw", str(path), db=db)
    out = json.loads(run_cli("communities", "--members", "-n", "1", "--json", db=db).stdout)
    assert len(out["shown"]) == out["communities"]  # every community, not the top N
    ids = [m["id"] for r in out["shown"] for m in r["members"]]
    assert len(ids) == len(set(ids)) == out["nodes"] == sum(r["size"] for r in out["shown"])
    text = run_cli("communities", "--members", db=db).stdout
    assert f"Community 0 ({out['shown'][0]['size']} members): " in text


def _radoslaw(store):
    path = shared("radoslaw_email_konect/out.radoslaw_email_email")
    salon.import_paths(store, [path], options=salon.ImportOptions(namespace="radoslaw"))


def test_agenda_setters_leave_you_out_and_warn_on_tiny_segments(fresh_store, tmp_path):
    _radoslaw(fresh_store)
    one = tmp_path / "one.txt"
    one.write_text("1\n")
    top = insights.influencers(fresh_store, str(one), top=3)["influencers"][0]["person"]
    with fresh_store.engine.begin() as c:
        c.execute(update(people).where(people.c.id == top).values(is_self=True))
    found = insights.influencers(fresh_store, str(one), top=3)
    assert top not in [r["person"] for r in found["influencers"]]  # you are left out
    again = insights.influencers(fresh_store, str(one), top=3, include_self=True)
    assert again["influencers"][0]["person"] == top
    assert found["notes"] == [
        "Segment 'one.txt' has only 1 person in the graph (fewer than 5): the answer "
        "describes them, not a segment."
    ]
    everyone = insights.influencers(fresh_store, "all", top=3)
    assert everyone["influencers"] == []
    assert everyone["notes"][-1].startswith("Everyone in the graph is in segment 'all'")


def test_tiny_scores_are_readable():
    assert score(3.2e-07) == "3.20e-07" and score(0.01234) == "0.0123" and score(0) == "0"
    assert lift(0.043) == "0.043x" and lift(0.0004) == "0.0004x" and lift(3.21) == "3.2x"


def test_experts_on_an_edge_list_say_what_is_missing(fresh_store, tmp_path):
    _radoslaw(fresh_store)
    ids = tmp_path / "ids.txt"
    ids.write_text("\n".join(str(i) for i in range(1, 21)))
    out = insights.experts(fresh_store, str(ids), top=50)
    assert out["ranked"] and out["experts"]
    assert out["substance_from"] == ["engagement_per_interaction", "reciprocated_ties", "k_core"]
    assert out["visibility_from"] == ["interactions_sent", "audience"]
    assert out["missing"]["meetings"] == "no meetings in the store"
    assert out["missing"]["followers"] == "no follow ties in the store; using audience instead"
    influential = insights.influencers(fresh_store, str(ids), top=1)["influencers"][0]
    assert influential["person"] not in [r["person"] for r in out["experts"]]


def test_where_ranks_channels_without_the_segment_last(fresh_store, tmp_path):
    path = ROOT / "src/salon/data/quantumcomputing_posts.jsonl.gz"
    salon.import_paths(fresh_store, [path], options=salon.ImportOptions(namespace="qc"))
    seg = tmp_path / "seg.txt"
    seg.write_text("7\n26\n23\n10\n55\n")
    channels = insights.where(fresh_store, "#quantum-gate", segment=str(seg), top=100)["channels"]
    present = [c["segment_present"] for c in channels]
    assert present == sorted(present, reverse=True) and True in present and False in present
    assert all(c["segment_present"] == (c["evidence"]["segment_posts"] > 0) for c in channels)
    absent = [c["score"] for c in channels if not c["segment_present"]]
    assert max(absent) > min(c["score"] for c in channels if c["segment_present"])
