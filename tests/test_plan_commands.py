"""`salon goal`, `salon plan` and `salon progress` as a user runs them, on the shipped samples."""

from __future__ import annotations

import json

import pytest

from tests.conftest import ROOT, run_cli

DATA = ROOT / "src/salon/data"


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("plan") / "s.db"
    assert run_cli("import", str(DATA / "linkedin_export_2018.zip"), db=path).returncode == 0
    posts = str(DATA / "quantumcomputing_posts.jsonl.gz")
    assert run_cli("import", "--namespace", "quantumcomputing", posts, db=path).returncode == 0
    added = run_cli(
        "goal", "add", "qec", "--objective", "learn", "--segment",
        "tag:quantum-error-correction", "--topic", "quantum error correction",
        "--hours-per-week", "3", db=path,
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    assert "Next: salon plan qec" in added.stdout
    return path


def test_goal_list(db):
    goals = json.loads(run_cli("goal", "list", "--json", db=db).stdout)
    assert [(g["name"], g["objective"], g["hours_per_week"]) for g in goals] == [
        ("qec", "learn", 3.0)
    ]


def test_plan_leads_with_its_advice_then_each_section(db):
    out = run_cli("plan", "qec", "--timings", db=db)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0].startswith("To become a trusted expert for tag:quantum-error-correction")
    for heading in (
        "1. Whom to be known by: Get known by these 5 people first",
        "2. Where to be: Be in channel:quantumcomputing.stackexchange.com now",
        "3. Your week: Spend at most 3 of your 3 hours a week",
        "4. Whom to meet:",
        "6. How you will know it works: The plan works when all",
    ):
        assert heading in out.stdout
    assert "5. Account intelligence" not in out.stdout
    assert out.stderr.startswith("Timings: segment ") and "total" in out.stderr
    assert "the rest of the week stays heads down" in out.stdout


def test_progress_keeps_a_measurement_only_when_something_changed(db):
    first = json.loads(run_cli("progress", "qec", "--json", db=db).stdout)
    assert first["recorded"] is True
    assert [m["milestone"] for m in first["milestones"]][:2] == ["known_by", "followed_by"]
    text = run_cli("progress", "qec", db=db).stdout
    assert "not kept: nothing changed since the last one" in text


def test_mistakes_are_one_message(db):
    bad = run_cli("goal", "add", "x", "--objective", "talk", "--segment", "all", db=db)
    assert bad.returncode == 1 and "'talk' is not an objective" in bad.stderr
    assert "Traceback" not in bad.stderr
    missing = run_cli("plan", "nosuch", db=db)
    assert missing.returncode == 1 and "No goal 'nosuch' (known: qec)" in missing.stderr
    hours = run_cli("goal", "add", "x", "-o", "reach", "-s", "all", "--hours-per-week", "0", db=db)
    assert hours.returncode == 2  # a usage error: below the option's minimum


def test_goal_remove(db):
    run_cli("goal", "add", "g", "-o", "reach", "-s", "tag:quantum-gate", db=db)
    out = run_cli("goal", "remove", "g", db=db)
    assert out.returncode == 0 and "Removed goal 'g'" in out.stdout
    assert [g["name"] for g in json.loads(run_cli("goal", "list", "--json", db=db).stdout)] == [
        "qec"
    ]
