import json

import salon
from salon.store.queries import export_all, find_people, stats
from tests.conftest import shared


def test_export_all_writes_every_row(fresh_store, tmp_path):
    salon.import_paths(fresh_store, [shared("exports/linkedin_export_2018_pseudonymised")])
    written = export_all(fresh_store, tmp_path / "out")
    assert written == stats(fresh_store)
    for table, n in written.items():
        lines = (tmp_path / "out" / f"{table}.jsonl").read_text().splitlines()
        assert len(lines) == n
    tie = json.loads((tmp_path / "out" / "ties.jsonl").read_text().splitlines()[0])
    assert tie["since"].endswith("Z") and tie["kind"] == "connection"
    assert set(tie) >= {"import_id", "file_id", "line"}  # provenance travels with the data


def test_find_people_by_identity(fresh_store):
    salon.import_paths(fresh_store, [shared("exports/linkedin_export_2018_pseudonymised")])
    found = find_people(fresh_store, query="signoffly")
    assert [p.name for p in found] == ["Henrik Dahlgaard"]
    assert "email: henrik.dahlgaard@signoffly.example" in found[0].identities
    me = find_people(fresh_store, limit=1)[0]
    assert me.is_self and me.name == "Kabir Mehta" and me.interactions == 36
