"""`salon account …`, `salon intro` and `salon signals` as a user runs them."""

from __future__ import annotations

import json

import pytest

from salon.intel.example import FILES, NAME, PLAN, path
from tests.conftest import run_cli


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    db = tmp_path_factory.mktemp("cli") / "salon.db"
    done = run_cli("import", *(str(path(f)) for f in FILES), db=db)
    assert done.returncode == 0, done.stderr
    done = run_cli("account", "import", str(path(PLAN)), db=db)
    assert done.returncode == 0, done.stderr
    assert "added 1 accounts, 7 stakeholders, 8 notes" in " ".join(done.stdout.split())
    return db


def test_account_commands_write_and_show_the_plan(db):
    done = run_cli(
        "account", "note", NAME, "Wants a FERC-ready capacity report by Q2", "--field",
        "criteria", "--source", "call with Shelley", "--observed", "2002-03-01", "--level",
        "team", db=db,
    )  # fmt: skip
    assert done.returncode == 0 and "Noted in Enron Transportation Services" in done.stdout
    done = run_cli(
        "account", "stakeholder", NAME, "Lynn Blair", "--role", "procurement", "--title",
        "Director", "--reports-to", "Shelley Corman", db=db,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    shown = json.loads(run_cli("account", "show", NAME, "--json", db=db).stdout)
    lynn = next(s for s in shown["stakeholders"] if s["name"] == "Lynn Blair")
    assert (lynn["role"], lynn["reports_to_name"], lynn["stage"]) == (
        "procurement",
        "Shelley Corman",
        "none",
    )
    criteria = [n for n in shown["notes"] if n["field"] == "criteria"]
    assert [(n["level"], n["observed"][:10]) for n in criteria] == [("team", "2002-03-01")]
    gaps = json.loads(run_cli("account", "gaps", NAME, "--json", db=db).stdout)
    assert [f["field"] for f in gaps["fields"]] == ["politics", "gaps"] and gaps["roles"] == []
    listed = json.loads(run_cli("account", "list", "--json", db=db).stdout)["accounts"]
    assert [(a["name"], a["stakeholders"], a["notes"]) for a in listed] == [(NAME, 8, 9)]


def test_gaps_intro_and_signals_print_their_evidence(db):
    gaps = run_cli("account", "gaps", NAME, db=db).stdout
    assert "To reach Stanley Horton, ask Shelley Corman" in gaps
    intro = json.loads(run_cli("intro", "Stanley Horton", "--json", db=db).stdout)
    best = intro["targets"][0]["paths"][0]
    assert best["names"][1] == "Shelley Corman" and best["ties"][0]["stage"] == "meal"
    assert "Jeff Dasovich → Shelley Corman" in " ".join(gaps.split())
    found = json.loads(
        run_cli(
            "signals", "--account", NAME, "--since", "2001-10-01", "-n", "3", "--json", db=db
        ).stdout
    )
    assert len(found["signals"]) == 3
    assert "New Mexico Power Plant Project" in found["signals"][0]["text"]


def test_a_private_note_about_a_person(db):
    import salon

    done = run_cli("note", "Rod Hayslett", "Prefers numbers before the meeting", db=db)
    assert done.returncode == 0 and "(private)" in done.stdout
    with salon.open_store(str(db)) as store:
        kept = [n for n in salon.intelligence(store).notes if n["person"] == "Rod Hayslett"]
    assert [(n["field"], n["text"], n["account"]) for n in kept] == [
        ("note", "Prefers numbers before the meeting", None)
    ]


def test_mistakes_are_one_sentence(db, tmp_path):
    done = run_cli("account", "show", "Globex", db=db)
    assert done.returncode == 1 and "No account 'Globex'" in done.stderr
    assert "Traceback" not in done.stderr
    done = run_cli("account", "note", NAME, "x", "--field", "plans", db=db)
    assert done.returncode == 1 and "'plans' is no account-plan field" in done.stderr
    done = run_cli("account", "stakeholder", NAME, "Lynn Blair", "--role", "boss", db=db)
    assert done.returncode == 1 and "'boss' is no buying role" in done.stderr
    bad = tmp_path / "bad.toml"
    bad.write_text("[account]\nname = 'X'\n[[notes]]\nfield = 'issues'\n")
    done = run_cli("account", "import", str(bad), db=db)
    assert done.returncode == 1 and "note 1: 'text' is missing" in done.stderr
    done = run_cli("signals", "--since", "someday", db=db)
    assert done.returncode == 1 and "'someday' is no date" in done.stderr
