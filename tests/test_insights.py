import gzip
import json
from collections import Counter

import pytest
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
    # The file read with plain Python: replies each account received (one a line, self-replies
    # left out) and from how many people. The top agenda-setter is the most replied-to.
    replies, repliers = Counter(), {}
    with gzip.open(shared("higgs_twitter/higgs-reply_network.edgelist.gz"), "rt") as f:
        for line in f:
            source, target, _ = line.split()
            if source != target:
                replies[target] += 1
                repliers.setdefault(target, set()).add(source)
    (most, count), *_ = replies.most_common(1)
    assert (most, count) == ("677", 1206)
    assert top["name"] == f"higgs:{most}"
    assert top["attention_from_segment"] == {"reply": count}
    assert top["segment_members_attending"] == len(repliers[most])
    communities = insights.communities(fresh_store, seed=1, limit=3)
    assert communities["communities"] > 3 and len(communities["shown"]) == 3


RADOSLAW = "radoslaw_email_konect/out.radoslaw_email_email"


def _radoslaw_by_hand() -> dict:
    """The Radoslaw e-mail file read with plain Python: its people, the e-mails each sent
    (self-addressed ones left out), whom each wrote to and heard from, and the undirected
    weight of each pair (e-mails both ways)."""
    people, sent, wrote, heard, pairs = set(), Counter(), {}, {}, Counter()
    with open(shared(RADOSLAW)) as f:
        for line in f:
            if line.startswith("%"):
                continue
            source, target, *_ = line.split()
            people |= {source, target}
            if source == target:
                continue
            sent[source] += 1
            wrote.setdefault(source, set()).add(target)
            heard.setdefault(target, set()).add(source)
            pairs[frozenset((source, target))] += 1
    return {"people": people, "sent": sent, "wrote": wrote, "heard": heard, "pairs": pairs}


def _modularity(pairs: Counter, community: dict[str, int]) -> float:
    """Newman's modularity of a partition of an undirected weighted graph, from its pairs."""
    total, inside, degree = sum(pairs.values()), Counter(), Counter()
    for pair, weight in pairs.items():
        a, b = tuple(pair)
        degree[community[a]] += weight
        degree[community[b]] += weight
        if community[a] == community[b]:
            inside[community[a]] += weight
    return sum(inside[c] / total - (degree[c] / (2 * total)) ** 2 for c in degree)


def _core_numbers(pairs: Counter) -> dict[str, int]:
    """Each node's core number, by peeling the node of least degree, one at a time."""
    near: dict[str, set[str]] = {}
    for pair in pairs:
        a, b = tuple(pair)
        near.setdefault(a, set()).add(b)
        near.setdefault(b, set()).add(a)
    degree, core, k = {n: len(v) for n, v in near.items()}, {}, 0
    while degree:
        node = min(degree, key=degree.__getitem__)
        k = max(k, degree.pop(node))
        core[node] = k
        for other in near[node]:
            if other in degree:
                degree[other] -= 1
    return core


def test_cli_commands(tmp_path):
    db = tmp_path / "s.db"
    env_path = shared(RADOSLAW)
    assert run_cli("import", "--namespace", "radoslaw", str(env_path), db=db).returncode == 0
    ids = tmp_path / "ids.txt"
    ids.write_text("\n".join(str(i) for i in range(1, 21)))
    result = run_cli("segment", "add", "team", f"file:{ids}", db=db)
    assert result.returncode == 0 and "20 people" in result.stdout
    out = json.loads(run_cli("influencers", "-s", "team", "-n", "3", "--json", db=db).stdout)
    assert len(out["influencers"]) == 3 and not any(r["in_segment"] for r in out["influencers"])
    by_hand = _radoslaw_by_hand()
    out = json.loads(run_cli("communities", "--seed", "2", "--json", db=db).stdout)
    assert out["nodes"] == len(by_hand["people"]) == 167
    # 8 communities, fewer than the 20 shown by default: every one is shown, every node in one
    assert out["communities"] == len(out["shown"]) == 8
    assert sum(r["size"] for r in out["shown"]) == 167
    experts = json.loads(run_cli("experts", "-s", "team", "--json", db=db).stdout)
    assert [e["name"] for e in experts["experts"]] == ["radoslaw:46", "radoslaw:112"]
    cores = _core_numbers(by_hand["pairs"])
    for expert in experts["experts"]:  # the evidence is what the file says about each
        who = expert["name"].removeprefix("radoslaw:")
        assert expert["evidence"] == {
            "engagement_per_interaction": 0.0,
            "reciprocated_ties": len(by_hand["wrote"][who] & by_hand["heard"][who]),
            "k_core": cores[who],
            "interactions_sent": by_hand["sent"][who],
            "audience": len(by_hand["heard"][who]),
        }
    assert experts["experts"][0]["evidence"]["interactions_sent"] == 178  # radoslaw:46
    text = run_cli("experts", "-s", "team", db=db)
    assert text.returncode == 0 and "radoslaw:46 (19)" in text.stdout
    bad = run_cli("influencers", "-s", "nobody", db=db)
    assert bad.returncode == 1 and "No segment 'nobody'" in bad.stderr


def test_weights_override(tmp_path):
    db = tmp_path / "s.db"
    path = shared("radoslaw_email_konect/out.radoslaw_email_email")
    run_cli("import", "--namespace", "radoslaw", str(path), db=db)
    default = json.loads(run_cli("communities", "--json", db=db).stdout)
    ok = json.loads(run_cli("communities", "--weights", "edge=2,repost=5", "--json", db=db).stdout)
    # every e-mail is an edge: doubling every weight leaves modularity and the partition as
    # they were (there are no reposts); a weight of 0 leaves no graph at all
    assert ok == default and default["nodes"] == 167
    nothing = json.loads(run_cli("communities", "--weights", "edge=0", "--json", db=db).stdout)
    assert (nothing["nodes"], nothing["communities"], nothing["shown"]) == (0, 0, [])
    bad = run_cli("communities", "--weights", "edge", db=db)
    assert bad.returncode == 2  # a usage error
    assert (
        "Invalid value for --weights: 'edge' is not KIND=WEIGHT with a weight of 0 or more "
        "(e.g. repost=5)" in " ".join(bad.stderr.split())
    )


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
    # the modularity reported is that of the partition shown, on the file's e-mails
    community = {
        m["name"].removeprefix("radoslaw:"): r["community"]
        for r in out["shown"]
        for m in r["members"]
    }
    assert _modularity(_radoslaw_by_hand()["pairs"], community) == pytest.approx(
        out["modularity"], abs=1e-12
    )
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


def _mail(path, messages):
    """An mbox of header-only messages: (sender, recipients, day, subject)."""
    with path.open("w") as f:
        for n, (sender, to, at, subject) in enumerate(messages):
            f.write(
                f"From {sender}@x.org Thu Jan  1 00:00:00 2001\nFrom: {sender}@x.org\n"
                f"To: {', '.join(f'{r}@x.org' for r in to)}\n"
                f"Date: {1 + at:02d} Jan 2001 00:00:{n:02d} +0000\nSubject: {subject}\n"
                f"Message-ID: <{n}@x.org>\n\n\n"
            )


def test_experts_read_who_is_kept_informed_and_answered_by_mail(fresh_store, tmp_path):
    mbox = tmp_path / "mail.mbox"
    _mail(
        mbox,
        [
            ("ana", ["boss", "bob"], 0, "Q3 plan"),  # boss copied with bob
            ("cy", ["boss", "bob", "dee"], 0, "Launch"),  # boss copied again, by cy
            ("boss", ["ana"], 1, "Re: Q3 plan"),  # boss answers ana
            ("bob", ["ana"], 1, "RE: Fw: Q3 plan"),  # bob answers ana too
            ("dee", ["cy"], 2, "Re: something else"),  # no thread: not an answer
            ("ana", ["bob"], 3, "Re: Q3 plan"),  # ana answers bob
        ],
    )
    salon.import_paths(fresh_store, [mbox])
    found = salon.experts(fresh_store, "all", everyone=True, top=10)
    assert {"kept_informed", "answered_by"} <= set(found.substance_from)
    rows = {r["name"].split("@")[0]: r for r in found.experts}
    assert rows["boss"]["evidence"]["kept_informed"] == 2  # ana and cy
    assert rows["bob"]["evidence"]["kept_informed"] == 2
    assert rows["ana"]["evidence"]["kept_informed"] == 0  # written to alone
    assert rows["ana"]["evidence"]["answered_by"] == 2  # boss and bob
    assert rows["bob"]["evidence"]["answered_by"] == 1
    assert rows["cy"]["evidence"]["answered_by"] == 0
    assert len(found.experts) == 5 and all("heads_down" in r for r in found.experts)
    substance = [r["substance"] for r in found.experts]
    assert substance == sorted(substance, reverse=True)
    assert "heads_down" not in (salon.experts(fresh_store, "all").experts or [{}])[0]


def test_experts_without_mail_say_so():
    found = salon.experts(salon.demo.sample_store(), "tag:quantum-algorithms")
    assert found.missing["kept_informed"] == "no e-mail to two or more people in the store"
    assert found.missing["answered_by"] == "no e-mail replies (Re:) in the store"
