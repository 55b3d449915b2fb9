"""`salon check-post` as a publishing script would use it: exit 3 on a leak, 0 when clean."""

import json

import pytest

from tests.conftest import ROOT, run_cli

DATA = ROOT / "tests" / "data"
SAMPLE = ROOT / "src" / "salon" / "data" / "enron_ets.mbox.gz"

LEAKY = """Three things I learned selling to pipelines this year.

Their nominations team would rather have screens as fast as the old mainframe than any new
analytics we could offer. Thanks to Kim Watson for the tour!
"""


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("leak") / "s.db"
    assert run_cli("import", str(SAMPLE), db=path).returncode == 0
    loaded = run_cli("account", "import", str(DATA / "leak" / "account.toml"), db=path)
    assert loaded.returncode == 0, loaded.stderr
    return path


def test_a_leaky_draft_exits_3_with_each_passage_and_its_note(db, tmp_path):
    draft = tmp_path / "draft.md"
    draft.write_text(LEAKY, encoding="utf-8")
    result = run_cli("check-post", str(draft), db=db)
    assert result.returncode == 3, result.stderr
    out = result.stdout
    assert "Would leak: 2 passages" in out
    assert "line 3, column 1: Their nominations team" in out
    assert "The nominations team cares more about the screens" in " ".join(out.split())
    assert "Kim Watson" in out and "stakeholder name 'Kimberly Watson' [private]" in out


def test_json_names_each_flag(db, tmp_path):
    draft = tmp_path / "draft.md"
    draft.write_text(LEAKY, encoding="utf-8")
    result = run_cli("check-post", "--json", str(draft), db=db)
    assert result.returncode == 3
    report = json.loads(result.stdout)
    assert report["leaks"] is True
    kinds = [(f["secret"]["kind"], f["secret"]["what"]) for f in report["flags"]]
    assert kinds == [("note", "criteria"), ("name", "stakeholder")]
    first = report["flags"][0]
    assert LEAKY[first["start"] : first["end"]] == first["passage"]
    assert first["secret"]["account"] == "Enron Transportation Services"


def test_a_clean_draft_from_stdin_exits_0(db):
    text = "Pipelines are the quiet backbone of the West. Thanks to every gas controller!"
    result = run_cli("check-post", "-", db=db, input=text)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("Clean: no passage reveals")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["check-post", "no-such-draft.md"], "No file 'no-such-draft.md'"),
        (["check-post", "-"], "is empty"),
    ],
)
def test_bad_input_is_one_message(db, args, message):
    result = run_cli(*args, db=db, input="  \n")
    assert result.returncode == 1
    assert message in result.stderr and "Traceback" not in result.stderr


def test_a_contacts_note_is_guarded_and_only_exported_as_a_private_note(tmp_path):
    db = tmp_path / "s.db"
    assert run_cli("import", str(DATA / "contacts_ios_v30.vcf"), db=db).returncode == 0
    leak = run_cli("check-post", "-", db=db, input="Private: Johnny is allergic to apples.")
    assert leak.returncode == 3 and "Johnny Appleseed" in leak.stdout
    assert run_cli("export", str(tmp_path / "out"), db=db).returncode == 0
    (note,) = [
        json.loads(line)
        for line in (tmp_path / "out" / "notes.jsonl").read_text().splitlines()
        if "allergic" in line
    ]
    assert note["level"] == "private" and note["field"] == "note"
    for path in (tmp_path / "out").iterdir():
        if path.name != "notes.jsonl":
            assert "allergic" not in path.read_text(errors="replace"), path.name
    # An export meant for others (team and public levels) holds no trace of it.
    shared = tmp_path / "shared"
    assert run_cli("export", str(shared), "--levels", "team,public", db=db).returncode == 0
    assert (shared / "notes.jsonl").exists() and (shared / "people.jsonl").exists()
    for path in shared.iterdir():
        assert "allergic" not in path.read_text(errors="replace"), path.name
