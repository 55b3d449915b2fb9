import json

from tests.conftest import ROOT, run_cli, shared

SAMPLE = ROOT / "src/salon/data/quantumcomputing_posts.jsonl.gz"


def test_where_and_topics(tmp_path):
    db = tmp_path / "s.db"
    run_cli("import", "--namespace", "qc", str(SAMPLE), db=db)
    topics = json.loads(run_cli("topics", "--json", db=db).stdout)
    assert topics["topics"][0]["topic"] == "#quantum-algorithms"
    out = json.loads(
        run_cli(
            "where", "quantum error correction", "-s", "tag:quantum-algorithms", "--json", db=db
        ).stdout
    )
    assert out["method"] == "similarity" and out["on_topic_posts"] > 50
    best = out["channels"][0]
    assert set(best["parts"]) == {"segment", "agenda_setters", "depth", "breadth", "growth"}
    assert len(best["threads"]) == 3
    since = json.loads(
        run_cli(
            "where", "#quantum-gate", "-s", "platform:qc", "--since", "2018-07-01", "--json", db=db
        ).stdout
    )
    assert since["on_topic_posts"] < 98
    bad = run_cli("where", "#no-such-tag", "-s", "platform:qc", db=db)
    assert bad.returncode == 1 and "No post is about" in bad.stderr


def test_me_on_real_archives(tmp_path):
    db = tmp_path / "s.db"
    run_cli("import", str(shared("exports/mastodon_archive_dealingwith")), db=db)
    out = json.loads(run_cli("me", "--json", db=db).stdout)
    assert sum(r["replies"] for r in out["channels"]) == 422  # Notes with inReplyTo
    x = tmp_path / "x.db"
    run_cli("import", str(shared("exports/twitter_archive_larsbrinkhoff")), db=x)
    out = json.loads(run_cli("me", "--json", db=x).stdout)
    assert out["posts"] >= 1827 and 0 < out["conversation_share"] < 1
    nobody = run_cli("me", db=tmp_path / "empty.db")
    assert nobody.returncode == 1 and "does not know who you are" in nobody.stderr
