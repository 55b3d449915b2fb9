"""`salon import` (src/salon/cli/data.py)."""

from __future__ import annotations

import json

from tests.conftest import run_cli, shared

VCARD = "BEGIN:VCARD\nVERSION:3.0\nFN:Ana Ruiz\nEMAIL:ana@acme.example\nEND:VCARD\n"


def test_lake_import_says_which_files_went_to_the_store(tmp_path):
    card = tmp_path / "friends.vcf"
    card.write_text(VCARD)
    edges = tmp_path / "market.txt"
    edges.write_text("1 2\n2 3\n")
    calendar = shared("exports/google_calendar_pseudonymised.ics")
    done = run_cli(
        "import", "--lake", "--json", str(card), str(edges), str(calendar), db=tmp_path / "s.db"
    )
    assert done.returncode == 0, done.stderr
    said = " ".join(done.stderr.split())
    assert said == (
        "Notice: 'friends.vcf' (contacts), 'google_calendar_pseudonymised.ics' (calendar) went "
        "to the store, not the lake: the lake takes only edge lists, graph files and post "
        "dumps; --lake "
        "leaves contacts, calendars, mail and exports in the store."
    )
    added = json.loads(done.stdout)["added"]
    assert added["lake edges"] == 2 and added["people"] >= 1


def test_lake_import_of_edges_alone_has_no_notice(tmp_path):
    edges = tmp_path / "market.txt"
    edges.write_text("1 2\n2 3\n")
    done = run_cli("import", "--lake", str(edges), db=tmp_path / "s.db")
    assert done.returncode == 0 and done.stderr == ""


def test_a_graph_file_sent_to_the_lake_has_no_notice(tmp_path):
    graph = tmp_path / "market.gml"
    graph.write_text(
        'graph [\n directed 1\n node [ id 0 label "a" ]\n node [ id 1 label "b" ]\n'
        " edge [ source 0 target 1 ]\n]\n"
    )
    done = run_cli("import", "--lake", "--json", str(graph), db=tmp_path / "s.db")
    assert done.returncode == 0 and done.stderr == "", done.stderr
    assert json.loads(done.stdout)["added"]["lake edges"] == 1
