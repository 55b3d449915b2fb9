"""Account plans, gaps, warm paths and signals on the Enron example account (the ETS mail of
the Perry & Wolfe table, imported through Salon's mail importer)."""

from __future__ import annotations

import gzip
import itertools
import mailbox
from collections import Counter
from email.utils import getaddresses

import networkx as nx
import pytest

import salon
from salon.intel.example import NAME, load_example, path
from salon.intel.paths import warmth
from tests.conftest import shared


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    folder = tmp_path_factory.mktemp("enron")
    opened = salon.open_store(str(folder / "salon.db"))
    added = load_example(opened)
    assert added == {"accounts": 1, "stakeholders": 7, "notes": 8}
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def pairs(tmp_path_factory):
    """Messages per unordered pair of addresses, counted straight from the mbox."""
    folder = tmp_path_factory.mktemp("mbox")
    plain = folder / "ets.mbox"
    plain.write_bytes(gzip.decompress(path("enron_ets.mbox.gz").read_bytes()))
    counts: Counter[frozenset[str]] = Counter()
    box = mailbox.mbox(str(plain))
    for message in box:
        sender = getaddresses([message["From"]])[0][1]
        for _, to in getaddresses(message.get_all("To", [])):
            if to != sender:
                counts[frozenset((sender, to))] += 1
    box.close()
    return counts


def _names(found):
    return {s["name"]: s for s in found.stakeholders}


def test_the_plan_reads_back_with_roles_reporting_lines_and_stages(store):
    plan = salon.account(store, "enron transportation SERVICES")
    assert plan.name == NAME and plan.level == "private" and plan.now.startswith("2002-03-25")
    people = _names(plan)
    assert people["Stanley Horton"]["role"] == "decision_maker"
    assert people["Stanley Horton"]["title"] == "President & CEO"
    assert people["Kimberly Watson"]["reports_to_name"] == "Steven Harris"
    # step 10's stages: a lunch with Shelley, mail both ways with Drew, nothing with Stan
    stages = {n: s["stage"] for n, s in people.items()}
    assert stages == {
        "Stanley Horton": "none",
        "Rod Hayslett": "none",
        "Drew Fossum": "conversed",
        "Shelley Corman": "meal",
        "Danny McCarty": "none",
        "Steven Harris": "conversed",
        "Kimberly Watson": "online",
    }
    stale = {(n["field"], n["observed"][:10]) for n in plan.notes if n["stale"]}
    # observed + the field's rule (180 days for issues, politics, projects) before 2002-03-25
    assert stale == {
        ("issues", "2001-09-20"),
        ("politics", "2001-05-10"),
        ("projects", "2000-12-11"),
    }
    assert {n["level"] for n in plan.notes} == {"private", "team"}


def test_loading_the_plan_again_adds_nothing(store):
    again = salon.import_account(store, path("enron_ets_account.toml"))
    assert again.added == {"accounts": 0, "stakeholders": 0, "notes": 0}
    assert salon.accounts(store).accounts == [
        {"name": NAME, "domain": "enron.com", "level": "private", "stakeholders": 7, "notes": 8}
    ]


def test_gaps_name_fields_roles_and_the_people_never_met(store):
    gaps = salon.account_gaps(store, NAME)
    assert [(f["field"], f["gap"]) for f in gaps.fields] == [
        ("politics", "stale"),
        ("criteria", "empty"),
        ("gaps", "empty"),
    ]
    assert gaps.fields[0]["stale_since"].startswith("2001-11-06")  # 2001-05-10 + 180 days
    assert gaps.roles == ["procurement"]
    unmet = {u["name"]: u for u in gaps.unmet}
    assert set(unmet) == {
        "Stanley Horton",
        "Rod Hayslett",
        "Drew Fossum",
        "Danny McCarty",
        "Steven Harris",
        "Kimberly Watson",
    }
    horton = unmet["Stanley Horton"]["paths"][0]
    assert horton["names"] == ["Jeff Dasovich", "Shelley Corman", "Rod Hayslett", "Stanley Horton"]
    assert horton["message"].startswith("Hi Shelley, could you put me in touch with Rod Hayslett")
    # the message quotes no private note
    for note in salon.account(store, NAME).notes:
        assert note["text"][:30] not in horton["message"]


def test_each_tie_of_a_path_is_the_mail_between_the_two(store, pairs):
    found = salon.intro(store, "Stanley Horton", top=3)
    target = found.targets[0]
    assert target["stage"] == "none" and target["direct"] is None
    best = target["paths"][0]
    address = {
        "Jeff Dasovich": "jeff.dasovich@enron.com",
        "Shelley Corman": "shelley.corman@enron.com",
        "Rod Hayslett": "rod.hayslett@enron.com",
        "Stanley Horton": "stanley.horton@enron.com",
    }
    mails = [
        pairs[frozenset((address[a], address[b]))] for a, b in itertools.pairwise(best["names"])
    ]
    # the lunch is one more event between Jeff and Shelley; mail counts are the mbox's own
    assert [t["frequency"] for t in best["ties"]] == [mails[0] + 1, mails[1], mails[2]]
    assert [t["stage"] for t in best["ties"]] == ["meal", "conversed", "conversed"]
    assert len({p["introducer"] for p in target["paths"]}) == len(target["paths"]) == 3
    lengths = [p["length"] for p in target["paths"]]
    assert lengths == sorted(lengths)


def test_the_best_path_is_the_shortest_over_warmth(store):
    """networkx's Dijkstra over the same ties and warmth agrees with the igraph answer: each
    introducer's path is the shortest there is through them, and each is a max-hop path."""
    from salon.dates import parse_time
    from salon.insights.warm_paths import network

    found = salon.intro(store, NAME, top=10)
    you = salon.people(store, limit=1)[0].id
    graph = network(store, parse_time(found.now))
    ties = graph.ties
    warm = warmth(ties.strength, ties.reciprocity, graph.stage)
    g = nx.Graph()
    for (a, b), w in zip(ties.pairs.tolist(), warm.tolist(), strict=True):
        if w > 0:
            g.add_edge(a, b, length=1 / w)
    without = g.copy()
    without.remove_node(you)
    checked = 0
    for target in found.targets:
        far, routes = nx.single_source_dijkstra(without, target["person"], weight="length")
        for found_path in target["paths"]:
            first = found_path["people"][1]
            total = g[you][first]["length"] + far[first]
            assert found_path["length"] == pytest.approx(total, abs=1e-6)
            assert found_path["people"][1:] == routes[first][::-1] and found_path["hops"] <= 3
            checked += 1
        best = min(
            (g[you][n]["length"] + far[n], n)
            for n in g[you]
            if n in far and n != target["person"] and len(routes[n]) <= 3
        )
        assert target["paths"][0]["length"] == pytest.approx(best[0], abs=1e-6)
    assert checked >= 12


def test_intro_to_an_account_covers_its_stakeholders(store):
    found = salon.intro(store, NAME, top=1)
    assert found.account == NAME
    assert [t["name"] for t in found.targets] == list(_names(salon.account(store, NAME)))
    shelley = next(t for t in found.targets if t["name"] == "Shelley Corman")
    assert shelley["direct"]["stage"] == "meal"
    assert shelley["direct"]["last"].startswith("2002-01-17")


def test_signals_are_the_threads_and_meetings_that_touch_the_plan(store):
    found = salon.signals(store, account=NAME, since="2001-10-01", top=None)
    assert found.since.startswith("2001-10-01") and found.accounts == [NAME]
    top = found.signals[0]
    assert top["kind"] == "message" and "New Mexico Power Plant Project" in top["text"]
    assert top["messages"] == 6
    assert {"Kimberly Watson", "Steven Harris"} <= {p["name"] for p in top["people"]}
    assert "new mexico" in top["terms"] and top["notes"][0]["field"] == "projects"
    assert "new mexico power plant project" in top["next_step"]
    lunch = [s for s in found.signals if s["kind"] == "meeting"]
    assert len(lunch) == 1 and lunch[0]["at"].startswith("2002-01-17")
    assert "transwestern capacity" in lunch[0]["terms"]
    assert [p["role"] for p in lunch[0]["people"]] == ["champion"]
    # every signal touches a stakeholder and matches the plan's terms
    stakeholders = set(_names(salon.account(store, NAME)))
    for s in found.signals:
        assert s["terms"] and s["notes"]
        assert {p["name"] for p in s["people"]} & stakeholders
    scores = [s["score"] for s in found.signals]
    assert scores == sorted(scores, reverse=True)
    # a single common word ("new", "project") is never a sign on its own
    assert "new" not in found.terms[NAME] and "project" not in found.terms[NAME]
    later = salon.signals(store, since="2002-03-26")
    assert later.signals == []


def test_intelligence_lists_what_must_not_leak(store):
    private = salon.intelligence(store, levels=("private",))
    both = salon.intelligence(store)
    assert {n["level"] for n in private.notes} == {"private"}
    assert len(private.notes) == 6 and len(both.notes) == 8
    assert {s["name"] for s in both.stakeholders} >= {"Stanley Horton", "Drew Fossum"}
    assert both.accounts == [{"name": NAME, "domain": "enron.com"}]
    assert salon.intelligence(store, levels=("public",)).notes == []


def test_the_plan_uses_the_real_titles_of_the_enron_table():
    employees = shared("enron_perry_wolfe/employees.txt")
    titles = {
        line.split("\t")[1]: line.split("\t")[4]
        for line in employees.read_text(encoding="utf-8").splitlines()
    }
    import tomllib

    plan = tomllib.loads(path("enron_ets_account.toml").read_text())
    assert {s["person"]: s["title"] for s in plan["stakeholders"]} == {
        s["person"]: titles[s["person"]] for s in plan["stakeholders"]
    }
    subjects = shared("enron_perry_wolfe/messages.tsv").read_text(errors="replace")
    for note in plan["notes"]:
        for quoted in note["source"].removeprefix("mail: ").split("; "):
            assert quoted.removeprefix("RE: ") in subjects, quoted


def test_the_example_in_a_store_that_knows_you_already():
    """As the demo loads it: beside the LinkedIn sample, whose owner is you. Jeff's mail is
    his unless it is imported as yours (--mine merges him into you)."""
    theirs = salon.demo.sample_store()
    load_example(theirs)
    gaps = salon.account_gaps(theirs, NAME)
    assert len(gaps.unmet) == 7 and not any(u["paths"] for u in gaps.unmet)
    mine = salon.demo.sample_store()
    load_example(mine, mine=True)
    you = salon.people(mine, limit=1)[0]
    assert you.name == "Kabir Mehta" and "email: jeff.dasovich@enron.com" in you.identities
    gaps = salon.account_gaps(mine, NAME)
    horton = next(u for u in gaps.unmet if u["name"] == "Stanley Horton")
    assert horton["paths"][0]["names"][1:] == ["Shelley Corman", "Rod Hayslett", "Stanley Horton"]
