import json

import pytest

import salon
from salon.graph.ties import TIE_WEIGHTS
from salon.insights.offline import parse_tie_weights
from tests.conftest import run_cli


@pytest.fixture(scope="module")
def store():
    return salon.demo.sample_store()


def test_your_ties_are_strongest_first_with_their_evidence(store):
    found = salon.ties(store, top=None)
    you = salon.people(store, limit=1)[0]
    assert found.person == you.id and found.name == you.name
    strengths = [t["strength"] for t in found.ties]
    assert strengths == sorted(strengths, reverse=True) and found.pairs == len(found.ties)
    top = found.ties[0]
    assert top["frequency"] == sum(top["by_kind"].values())
    assert top["sent"] + top["received"] >= top["frequency"]
    # every tie is with someone else, once
    assert len({t["person"] for t in found.ties}) == len(found.ties)
    assert you.id not in {t["person"] for t in found.ties}


def test_weights_half_life_and_person(store):
    plain = salon.ties(store, top=None)
    # messages only: doubling their weight doubles every message-only tie's strength
    doubled = salon.ties(store, top=None, weights={"message": 2 * TIE_WEIGHTS["message"]})
    before = {t["person"]: t for t in plain.ties}
    for t in doubled.ties:
        if set(t["by_kind"]) == {"message"} and not t["standing"]:
            assert t["strength"] == pytest.approx(2 * before[t["person"]]["strength"], rel=1e-5)
    slow = salon.ties(store, top=None, half_life_days=10_000)
    assert sum(t["strength"] for t in slow.ties) > sum(t["strength"] for t in plain.ties)
    other = plain.ties[0]["person"]
    theirs = salon.ties(store, other)
    assert theirs.person == other and plain.person in {t["person"] for t in theirs.ties}
    with pytest.raises(ValueError, match="KIND=WEIGHT"):
        salon.ties(store, weights="dinner=-1")


def test_parse_tie_weights():
    assert parse_tie_weights("dinner=12, like=0") == {"dinner": 12.0, "like": 0.0}
    assert parse_tie_weights({"call": 3}) == {"call": 3.0}
    for bad in ("dinner", "=3", "call=nan"):
        with pytest.raises(ValueError):
            parse_tie_weights(bad)


def test_cli_ties(tmp_path):
    db = tmp_path / "s.db"
    result = run_cli("import", str(salon.demo.sample_paths()[0][0]), db=db)
    assert result.returncode == 0, result.stderr
    shown = run_cli("ties", "--top", "3", "--json", db=db)
    assert shown.returncode == 0, shown.stderr
    data = json.loads(shown.stdout)
    assert len(data["ties"]) == 3 and data["half_life_days"] == 90
    text = run_cli("ties", "--top", "2", "--half-life", "30", db=db)
    assert "half-life 30 days" in text.stdout and data["ties"][0]["name"] in text.stdout
    bad = run_cli("ties", "--weights", "dinner=x", db=db)
    assert bad.returncode == 2 and "--weights" in bad.stderr
    csv = run_cli("ties", "--csv", "--top", "1", db=db)
    assert csv.stdout.splitlines()[0] == "#,with,strength,events,last,recip.,kinds"
