"""Accounts, stakeholders and notes in the store: both backends, idempotent notes, person
references that follow merges, imports that refuse to delete people your intelligence names,
and plan files whose errors name the record and write nothing."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

import salon
from salon.store import accounts as db
from salon.store.schema import notes
from tests.conftest import data_counts


def _two_people(store):
    """Two people from an imported mbox (the shipped Enron sample's first messages)."""
    found = {p.name: p.id for p in salon.people(store, limit=50)}
    return found["Stanley Horton"], found["Rod Hayslett"]


@pytest.fixture
def enron(any_store):
    from salon.intel.example import FILES, path

    salon.import_paths(any_store, [path(FILES[0])])
    return any_store


def test_writes_and_reads_on_each_backend(enron):
    horton, hayslett = _two_people(enron)
    assert salon.add_account(enron, "Enron Transportation Services", domain="Enron.com").added
    assert not salon.add_account(enron, "enron transportation  services").added
    done = salon.add_stakeholder(
        enron, "Enron Transportation Services", "Rod Hayslett", role="evaluator",
        title="VP & CFO", reports_to="Stanley Horton", observed="2001-10-23",
    )  # fmt: skip
    assert done.added and done.detail == {
        "person": hayslett,
        "role": "evaluator",
        "title": "VP & CFO",
        "reports_to": horton,
    }
    again = salon.add_stakeholder(enron, "Enron Transportation Services", hayslett, role="champion")
    assert not again.added
    for _ in range(2):
        salon.add_note(
            enron,
            "Budget review in the 2002 plan",
            field="issues",
            account="Enron Transportation Services",
            level="team",
            observed="2001-10-23",
        )
    salon.add_note(enron, "Prefers a call to mail", person="Rod Hayslett")  # a note on a person
    plan = salon.account(enron, "Enron Transportation Services")
    assert plan.domain == "enron.com"
    assert [
        (s["name"], s["role"], s["title"], s["reports_to_name"]) for s in plan.stakeholders
    ] == [("Rod Hayslett", "champion", "VP & CFO", "Stanley Horton")]
    assert [(n["field"], n["level"], n["stale_after_days"]) for n in plan.notes] == [
        ("issues", "team", 180)
    ]
    found = salon.intelligence(enron, levels=("private",))
    assert [(n["person"], n["text"], n["account"]) for n in found.notes] == [
        ("Rod Hayslett", "Prefers a call to mail", None)
    ]
    with enron.engine.connect() as c:
        assert c.execute(select(func.count()).select_from(notes)).scalar_one() == 2


def test_an_importer_writes_notes_with_provenance_once(enron):
    horton, _ = _two_people(enron)
    import_id = salon.imports(enron)[0].id
    with enron.engine.begin() as c:
        row = {"person_id": horton, "field": "note", "text": "Met at GISB", "import_id": import_id}
        row |= {"file_id": 1, "line": 7, "key": db.note_key("vcard", "x@example.org", "Met")}
        assert db.write_note(c, row)
        assert not db.write_note(c, dict(row))
    found = salon.intelligence(enron).notes
    assert [(n["person"], n["import_id"], n["line"], n["level"]) for n in found] == [
        ("Stanley Horton", import_id, 7, "private")
    ]
    # the note goes with its import
    removed = salon.remove_import(enron, import_id).removed
    assert removed["notes"] == 1 and salon.intelligence(enron).notes == []
    assert not any(data_counts(enron).values())


def test_stakeholders_follow_merges_and_unmerges(fresh_store):
    from salon.intel.example import FILES, path

    salon.import_paths(fresh_store, [path(FILES[0])])
    horton, hayslett = _two_people(fresh_store)
    salon.add_account(fresh_store, "ETS")
    salon.add_stakeholder(fresh_store, "ETS", hayslett, role="evaluator", reports_to=horton)
    salon.add_note(fresh_store, "Owns the valuation model", person=hayslett)
    salon.merge(fresh_store, horton, hayslett)
    merged = salon.account(fresh_store, "ETS").stakeholders
    assert [s["person"] for s in merged] == [horton]
    assert salon.intelligence(fresh_store).notes[0]["person_id"] == horton
    with pytest.raises(salon.SalonError, match="cannot report to themselves"):
        salon.add_stakeholder(fresh_store, "ETS", horton, reports_to=hayslett)
    salon.unmerge(fresh_store, hayslett)
    back = salon.account(fresh_store, "ETS").stakeholders
    assert [(s["person"], s["reports_to"]) for s in back] == [(hayslett, horton)]
    assert salon.intelligence(fresh_store).notes[0]["person_id"] == hayslett


def test_removing_an_import_keeps_the_people_your_intelligence_names(fresh_store):
    from salon.intel.example import FILES, path

    salon.import_paths(fresh_store, [path(FILES[0])])
    salon.add_account(fresh_store, "ETS")
    salon.add_stakeholder(fresh_store, "ETS", "Stanley Horton", role="decision_maker")
    before = data_counts(fresh_store)
    with pytest.raises(salon.SalonError, match="a stakeholder of account 'ETS'"):
        salon.remove_import(fresh_store, 1)
    assert data_counts(fresh_store) == before


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[account]\nname = ''\n", "an [account] table with a name is missing"),
        ("[account\n", "it is not valid TOML"),
        (
            "[account]\nname = 'ETS'\n[[stakeholders]]\nperson = 'Stanley Horton'\nrole = 'boss'\n",
            "stakeholder 1 (Stanley Horton): 'boss' is no buying role",
        ),
        (
            "[account]\nname = 'ETS'\n[[notes]]\nfield = 'issues'\ntext = 'x'\nobserved = 'soon'\n",
            "note 1: 'soon' is no date",
        ),
        (
            "[account]\nname = 'ETS'\n[[notes]]\nfield = 'issues'\ntext = 'x'\nlevel = 'secret'\n",
            "note 1: 'secret' is no level",
        ),
        (
            "[account]\nname = 'ETS'\n[[notes]]\nfield = 'issues'\ntext = 'x'\n"
            "stale_after_days = 0\n",
            "note 1: stale_after_days should be a whole number from 1 up",
        ),
        (
            "[account]\nname = 'ETS'\n[[notes]]\nfield = 'issues'\ntext = 'x'\ncolour = 1\n",
            "note 1: unknown key(s) colour",
        ),
    ],
)
def test_a_bad_plan_file_names_the_record(fresh_store, tmp_path, text, message):
    plan = tmp_path / "plan.toml"
    plan.write_text(text)
    with pytest.raises(salon.SalonError, match=re.escape(message)):
        salon.import_account(fresh_store, plan)
    assert salon.accounts(fresh_store).accounts == []


def test_a_plan_is_written_whole_or_not_at_all(fresh_store, tmp_path):
    from salon.intel.example import FILES, path

    salon.import_paths(fresh_store, [path(FILES[0])])
    plan = tmp_path / "plan.toml"
    plan.write_text(
        "[account]\nname = 'ETS'\n"
        "[[stakeholders]]\nperson = 'Stanley Horton'\nrole = 'decision_maker'\n"
        "[[stakeholders]]\nperson = 'Nobody Here'\n"
    )
    with pytest.raises(salon.SalonError, match=r"stakeholder 2 \(Nobody Here\): Nobody called"):
        salon.import_account(fresh_store, plan)
    assert salon.accounts(fresh_store).accounts == []  # the account was not kept either
    with pytest.raises(salon.SalonError, match="No account 'ETS'"):
        salon.add_note(fresh_store, "x", field="issues", account="ETS")
    with pytest.raises(salon.SalonError, match="'plans' is no account-plan field"):
        salon.add_account(fresh_store, "ETS")
        salon.add_note(fresh_store, "x", field="plans", account="ETS")


def test_export_marks_levels_and_leaves_out_what_is_not_asked_for(fresh_store, tmp_path):
    import json

    from salon.intel.example import load_example

    load_example(fresh_store)
    everything = salon.export(fresh_store, tmp_path / "all")
    text = (tmp_path / "all" / "notes.jsonl").read_text()
    rows = [json.loads(line) for line in text.splitlines()]
    assert everything.tables["notes"] == len(rows) == 8
    assert sorted({r["level"] for r in rows}) == ["private", "team"]
    assert all(r["key"] and r["observed_at"].endswith("Z") for r in rows)
    shared = salon.export(fresh_store, tmp_path / "team", levels=("team", "public"))
    assert shared.tables["notes"] == 2 and shared.tables["stakeholders"] == 0
    assert shared.tables["accounts"] == 0 and shared.tables["interactions"] > 5000
    public = salon.export(fresh_store, tmp_path / "public", levels=("public",))
    assert (tmp_path / "public" / "notes.jsonl").read_text() == ""
    assert public.tables["people"] == everything.tables["people"]


def test_an_account_links_its_organisation_and_outlives_its_import():
    store = salon.demo.sample_store()  # the LinkedIn sample: Sameer Jadhav, Founder at Cardnest
    salon.add_account(store, "Cardnest")
    assert salon.account(store, "Cardnest").organization == "Cardnest"
    salon.add_stakeholder(store, "Cardnest", "Sameer Jadhav", role="champion", level="team")
    salon.add_stakeholder(store, "Cardnest", "Sameer Jadhav", title="Founder")  # level kept
    (kept,) = salon.account(store, "Cardnest").stakeholders
    assert (kept["role"], kept["title"], kept["level"]) == ("champion", "Founder", "team")
    with pytest.raises(salon.SalonError, match="a stakeholder of account 'Cardnest'"):
        salon.remove_import(store, 1)
    assert salon.remove_stakeholder(store, "Cardnest", "Sameer Jadhav").removed == {
        "stakeholders": 1
    }
    with pytest.raises(salon.SalonError, match="is no stakeholder of 'Cardnest'"):
        salon.remove_stakeholder(store, "Cardnest", "Sameer Jadhav")
    salon.remove_import(store, 2)
    removed = salon.remove_import(store, 1).removed
    assert removed["organizations"] > 0
    plan = salon.account(store, "Cardnest")  # the account stays, without its organisation
    assert plan.organization is None and plan.stakeholders == []
    assert salon.remove_account(store, "Cardnest").removed == {
        "accounts": 1,
        "stakeholders": 0,
        "notes": 0,
    }
    assert salon.accounts(store).accounts == []
