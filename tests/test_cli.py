import json
import os
import signal
import subprocess
import sys
import time

import pytest

import salon
from tests.conftest import ROOT, run_cli, shared


def test_import_then_stats_people_and_export(tmp_path):
    db = tmp_path / "s.db"
    result = run_cli("import", str(shared("exports/linkedin_export_2018_pseudonymised")), db=db)
    assert result.returncode == 0, result.stderr
    assert "interactions" in result.stdout and "Import 1 done" in result.stdout
    again = run_cli(
        "import", "--json", str(shared("exports/linkedin_export_2018_pseudonymised")), db=db
    )
    assert json.loads(again.stdout)["import_id"] is None
    counts = json.loads(run_cli("stats", "--json", db=db).stdout)["tables"]
    assert counts["interactions"] == 36
    people = json.loads(run_cli("people", "--query", "kabir", "--json", db=db).stdout)
    assert people[0]["is_self"] is True
    result = run_cli("export", str(tmp_path / "out"), db=db)
    everything = json.loads(run_cli("stats", "--json", db=db).stdout)["tables"]
    exported = {
        f.stem: [json.loads(line) for line in f.read_text().splitlines()]
        for f in (tmp_path / "out").iterdir()
    }
    # one file a table, one line a row: what stats counts
    assert {name: len(rows) for name, rows in exported.items()} == everything
    total = sum(everything.values())
    assert (
        result.stdout.strip()
        == f"Wrote {total} rows in {len(everything)} files to {tmp_path / 'out'}."
    )
    (me,) = [p for p in exported["people"] if p["is_self"]]
    assert me["name"] == "Kabir Mehta"


def test_bad_input_is_one_sentence_and_exit_1(tmp_path):
    bad = tmp_path / "Connections.csv"
    bad.write_text(
        "First Name,Last Name,Email Address,Company,Position,Connected On\n"
        "Ana,Ruiz,ana@acme.example,Acme,CTO,someday\n"
    )
    result = run_cli("import", str(bad), db=tmp_path / "s.db")
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.strip() == (
        f"Error: Could not read '{bad}' line 2: unrecognised date 'someday' in column "
        "'Connected On'. Import the file as the service exported it."
    )
    assert "Traceback" not in result.stderr


def test_unknown_file_and_traceback_flag(tmp_path):
    other = tmp_path / "notes.md"
    other.write_text("# hello\n")
    result = run_cli("import", str(other), db=tmp_path / "s.db")
    assert result.returncode == 1
    assert "Pass --source, or run 'salon sources' to list importers." in result.stderr
    result = run_cli("--traceback", "import", str(other), db=tmp_path / "s.db")
    assert "Traceback" in result.stderr


def test_usage_error_exits_2(tmp_path):
    result = run_cli("people", "--limit", "0", db=tmp_path / "s.db")
    assert result.returncode == 2


def test_sources_lists_every_importer():
    result = run_cli("sources", "--json")
    names = [s["name"] for s in json.loads(result.stdout)]
    assert names == [
        "linkedin",
        "x",
        "mastodon",
        "bluesky",
        "contacts",
        "calendar",
        "mail",
        "stackexchange",
        "posts",
        "graphs",
        "edges",
    ]


def test_every_command_has_an_example():
    from salon.cli import app

    for command in app.registered_commands:
        assert "Example: salon" in (command.callback.__doc__ or ""), command.callback.__name__


def test_ctrl_c_during_an_import_says_so_and_changes_nothing(tmp_path):
    edges = tmp_path / "big.txt"
    edges.write_text("".join(f"{i % 5000} {i % 7919} {1341100000 + i}\n" for i in range(2_000_000)))
    db = tmp_path / "s.db"
    env = {**os.environ, "SALON_DB": str(db), "NO_COLOR": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "salon", "import", str(edges)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(2.5)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=120)
    assert process.returncode == 130
    assert "Interrupted: nothing was changed." in err
    counts = json.loads(run_cli("stats", "--json", db=db).stdout)["tables"]
    assert counts["interactions"] == 0 and counts["people"] == 0


def test_import_says_how_it_read_an_edge_list(tmp_path):
    db = tmp_path / "s.db"
    path = shared("sociopatterns/workplace_InVS_tij.dat.zip")
    result = run_cli("import", "--json", str(path), db=db)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["read_as"] == {
        f"{path}:tij_InVS.dat": "read as SocioPatterns t i j, 20 s per row, undirected"
    }
    assert report["added"]["people"] == 92  # the InVS13 office's 92 people, no times
    shown = run_cli("import", "--layout", "tij", "--undirected", str(path), db=tmp_path / "t.db")
    assert "'workplace_InVS_tij.dat.zip:tij_InVS.dat' read as SocioPatterns t i j" in shown.stdout
    refused = run_cli("import", "--layout", "rows", str(path), db=db)
    assert refused.returncode == 2 and "use one of auto, tij, edges" in refused.stderr


def test_segments_are_checked_before_they_are_stored_and_can_be_removed(tmp_path):
    db = tmp_path / "s.db"
    assert (
        run_cli("import", str(ROOT / "tests/data/google_contacts_2022.csv"), db=db).returncode == 0
    )
    refused = run_cli("segment", "add", "x", "file:missing.txt", db=db, cwd=tmp_path)
    assert (refused.returncode, refused.stderr) == (
        1,
        f"Error: No such segment file: '{tmp_path / 'missing.txt'}'.\n",
    )
    buyers = tmp_path / "buyers.txt"
    buyers.write_text("ana@acme.example\n")
    added = run_cli("segment", "add", "buyers", "file:buyers.txt", db=db, cwd=tmp_path)
    assert added.stdout == f"Segment 'buyers' = file:{buyers}: 1 person.\n"
    buyers.unlink()
    listed = run_cli("segment", "list", "--json", db=db)
    assert listed.returncode == 0, listed.stderr
    assert json.loads(listed.stdout) == [
        {
            "name": "buyers",
            "rule": f"file:{buyers}",
            "people": None,
            "error": f"No such segment file: '{buyers}'.",
        }
    ]
    table = run_cli("segment", "list", db=db)
    assert table.returncode == 0 and "error: No such segment file:" in table.stdout
    removed = run_cli("segment", "remove", "buyers", db=db)
    assert removed.stdout == f"Removed segment 'buyers' (file:{buyers}).\n"
    again = run_cli("segment", "remove", "buyers", db=db)
    assert (again.returncode, again.stderr) == (
        1,
        "Error: No segment 'buyers' (known: none yet). Run 'salon segment list' to see them.\n",
    )


def test_a_file_that_is_not_a_store_is_one_sentence(tmp_path):
    (tmp_path / "notadb.db").write_text("not a database, only text\n")
    result = run_cli("--db", "notadb.db", "stats", cwd=tmp_path)
    assert (result.returncode, result.stdout, result.stderr) == (
        1,
        "",
        "Error: 'notadb.db' is not a Salon store (not a SQLite database). "
        "Give another --db path.\n",
    )


def test_version():
    result = run_cli("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"salon {salon.__version__}"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("adoption", "tag:x", "--method", "median"),
            "Invalid value for '--method': 'median' is not one of sd, quantile",
        ),
        (
            ("adoption", "tag:x", "--period", "year"),
            "Invalid value for '--period': 'year' is not one of day, week, month",
        ),
        (
            ("forecast", "tag:x", "--period", "hour"),
            "Invalid value for '--period': 'hour' is not one of day, week, month",
        ),
        (
            ("influencers", "--segment", "all", "--weights", "retweet=3"),
            "Invalid value for --weights: unknown kind 'retweet'; the kinds are bookmark, "
            "co-attendance, connection, contact, edge, email, follow, invitation, like, link, "
            "list, meeting, mention, message, met, quote, reply, repost",
        ),
        (
            ("communities", "--weights", "repost=nan"),
            "Invalid value for --weights: 'repost=nan' is not KIND=WEIGHT with a weight of 0 or "
            "more (e.g. repost=5)",
        ),
    ],
)
def test_invalid_choices_are_usage_errors_listing_the_valid_values(tmp_path, args, message):
    result = run_cli(*args, db=tmp_path / "s.db")
    assert result.returncode == 2, result.stderr
    assert message in " ".join(result.stderr.split())
    assert "Traceback" not in result.stderr


def test_what_salon_writes_is_private(tmp_path):
    import stat

    def mode(path):
        return stat.S_IMODE(os.stat(path).st_mode)

    db = tmp_path / "data" / "s.db"
    sample = ROOT / "src/salon/data/quantumcomputing_posts.jsonl.gz"
    assert run_cli("import", "--namespace", "qc", str(sample), db=db).returncode == 0
    assert run_cli("export", str(tmp_path / "out"), db=db).returncode == 0
    chart = tmp_path / "gate.svg"
    plotted = run_cli("forecast", "tag:quantum-gate", "--plot", str(chart), "--json", db=db)
    assert plotted.returncode == 0, plotted.stderr
    assert run_cli("influencers", "--segment", "platform:qc", db=db).returncode == 0
    assert mode(tmp_path / "data") == mode(tmp_path / "out") == 0o700
    assert mode(db) == mode(chart) == 0o600
    assert {mode(p) for p in (tmp_path / "out").iterdir()} == {0o600}
    cache = os.path.join(os.environ["SALON_CACHE"], "snapshots")
    cached = {mode(os.path.join(cache, name)) for name in os.listdir(cache)}
    assert mode(cache) == 0o700 and cached == {0o600}


def test_importing_the_cli_loads_no_numerical_library():
    """Start-up: `salon --help` must not pay for numpy, scipy, igraph, numba or sklearn."""
    heavy = ("numpy", "scipy", "igraph", "numba", "sklearn")
    code = f"import sys, salon.cli; print([m for m in {heavy!r} if m in sys.modules])"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def _narrow(*args: str, db) -> subprocess.CompletedProcess:  # type: ignore[no-untyped-def]
    """`salon ARGS` in an 80-column terminal."""
    env = {**os.environ, "COLUMNS": "80", "NO_COLOR": "1", "SALON_DB": str(db)}
    return subprocess.run(
        [sys.executable, "-m", "salon", *args], capture_output=True, text=True, env=env, timeout=300
    )


def test_tables_at_80_columns_keep_names_and_take_csv(tmp_path):
    import csv
    import io

    data = ROOT / "src" / "salon" / "data"
    db = tmp_path / "s.db"
    assert run_cli("import", str(data / "linkedin_export_2018.zip"), db=db).returncode == 0
    posts = str(data / "quantumcomputing_posts.jsonl.gz")
    assert run_cli("import", posts, "--namespace", "quantumcomputing", db=db).returncode == 0
    people = _narrow("people", "--limit", "10", db=db)
    assert people.returncode == 0, people.stderr
    for name in ("Kabir Mehta (you)", "Rajat Hegde", "Nisha Ghosh"):
        assert name in people.stdout
    segment = "tag:quantum-algorithms & platform:quantumcomputing"
    ranked = _narrow("influencers", "--segment", segment, "--top", "5", db=db)
    assert ranked.returncode == 0, ranked.stderr
    top = json.loads(
        run_cli("influencers", "--segment", segment, "--top", "5", "--json", db=db).stdout
    )
    for r in top["influencers"]:
        assert f"{r['name']} ({r['person']})" in ranked.stdout

    rows = list(csv.reader(io.StringIO(_narrow("people", "--csv", db=db).stdout)))
    assert rows[0] == ["id", "name", "interactions", "identities"]
    assert rows[1][1] == "Kabir Mehta (you)" and len(rows) == 21
    rows = list(
        csv.reader(io.StringIO(_narrow("influencers", "-s", segment, "--csv", db=db).stdout))
    )
    assert rows[0] == ["#", "who", "PPR", "lift", "attention from the segment", "followers"]
    assert len(rows) == 21

    nobody = _narrow("people", "--query", "zzzz", db=db)
    assert nobody.stdout.strip() == "Nobody matches 'zzzz': try part of a name, or no --query."
    nobody = _narrow("people", "--query", "zzzz", "--csv", db=db)
    assert nobody.stdout == "id,name,interactions,identities\n"
    assert "Nobody matches 'zzzz'" in nobody.stderr


def test_the_cli_plural_is_the_plot_plural():
    from salon.cli.app import plural
    from salon.diffusion import plot

    for count, word, many in [(1, "week", None), (2, "week", None), (1234, "person", "people")]:
        assert plural(count, word, many) == plot.plural(count, word, many)
