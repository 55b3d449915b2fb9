"""`salon imports remove ID` takes back exactly what one import added."""

import json

import pytest
from sqlalchemy import select

import salon
from salon.errors import SalonError
from salon.store.history import list_imports, remove_import
from salon.store.schema import people
from tests.conftest import data_counts, run_cli, shared

LINKEDIN = "exports/linkedin_export_2018_pseudonymised"
VCARDS = "exports/vcard_vobject"


def _snapshot(store) -> dict:
    with store.engine.connect() as c:
        merged = dict(c.execute(select(people.c.id, people.c.merged_into)).all())
    return {**data_counts(store), "merged": merged}


def test_removing_the_last_import_restores_the_store(any_store):
    salon.import_paths(any_store, [shared(LINKEDIN)])
    before = _snapshot(any_store)
    second = salon.import_paths(any_store, [shared(VCARDS), shared("exports/ics_calendars")])
    assert second.import_id == 2
    removed = remove_import(any_store, 2)
    assert removed["meetings"] == second.added["meetings"]
    assert _snapshot(any_store) == before
    assert [i["id"] for i in list_imports(any_store)] == [1]
    # The files are forgotten too: importing them again adds the same rows.
    again = salon.import_paths(any_store, [shared(VCARDS), shared("exports/ics_calendars")])
    assert again.added == second.added


def test_an_import_that_later_ones_use_is_not_removed(fresh_store, tmp_path):
    salon.import_paths(fresh_store, [shared(LINKEDIN)])
    mbox = tmp_path / "mail.mbox"
    mbox.write_text(
        "From a@b Mon Jan  1 00:00:00 2024\n"
        "From: Henrik Dahlgaard <henrik.dahlgaard@signoffly.example>\n"
        "To: someone@example.org\nDate: Mon, 1 Jan 2024 10:00:00 +0000\n"
        "Subject: hello\nMessage-ID: <1@x>\n\nbody\n"
    )
    salon.import_paths(fresh_store, [mbox])  # Henrik was added by import 1
    before = _snapshot(fresh_store)
    with pytest.raises(SalonError, match=r"import\(s\) 2 also use"):
        remove_import(fresh_store, 1)
    assert _snapshot(fresh_store) == before
    remove_import(fresh_store, 2)
    remove_import(fresh_store, 1)
    assert not any(v for k, v in data_counts(fresh_store).items() if k != "segments")


def test_cli_lists_and_removes(tmp_path):
    db = tmp_path / "s.db"
    run_cli("import", str(shared(VCARDS)), db=db)
    listed = run_cli("imports", db=db)
    assert listed.returncode == 0 and "radicale-1587.vcf" in listed.stdout
    removed = run_cli("imports", "remove", "1", db=db)
    assert removed.returncode == 0, removed.stderr
    assert removed.stdout.startswith("Import 1 removed: ")
    assert "No imports yet" in run_cli("imports", db=db).stdout
    assert "No import 7" in run_cli("imports", "remove", "7", db=db).stderr


def test_removing_a_lake_import_says_how_many_lake_edges_nodes_and_posts_went(tmp_path):
    db = tmp_path / "s.db"
    edges = tmp_path / "market.txt"
    edges.write_text("1 2\n2 3\n3 1\n4 1\n")
    assert run_cli("import", "--lake", "--namespace", "m", str(edges), db=db).returncode == 0
    done = run_cli("imports", "remove", "1", "--json", db=db)
    assert done.returncode == 0, done.stderr
    removed = json.loads(done.stdout)["removed"]
    assert (removed["lake edges"], removed["lake nodes"]) == (4, 4)
    posts = tmp_path / "posts.jsonl"
    posts.write_text(
        '{"id": "p1", "author": "a", "time": "2024-01-01", "text": "hi #x"}\n'
        '{"id": "p2", "author": "b", "time": "2024-01-02", "text": "yo", "reply_to": "p1"}\n'
    )
    assert run_cli("import", "--lake", "--namespace", "q", str(posts), db=db).returncode == 0
    (last,) = json.loads(run_cli("imports", "--json", db=db).stdout)
    done = run_cli("imports", "remove", str(last["id"]), db=db)
    assert done.returncode == 0, done.stderr
    assert " ".join(done.stdout.split()) == (
        f"Import {last['id']} removed: files 1; from the market lake, its partition: 1 edge, "
        "2 nodes, 2 posts."
    )


def test_an_import_after_a_removal_never_takes_the_removed_ones_id(tmp_path, monkeypatch):
    """SQLite gave the next import the id of the last one removed; the snapshot cache (keyed
    by the last import's id) then served the removed import's graph for the new one."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    files = {}
    for name, text in {
        "a.txt": "a b\nb c\nc a\n",
        "b.txt": "x y\ny z\nz x\nx z\n",
        "c.txt": "p q\nq r\nr p\nq p\nr q\n",
    }.items():
        files[name] = tmp_path / name
        files[name].write_text(text)
    store = salon.open_store(f"sqlite:///{tmp_path / 's.db'}")
    salon.import_paths(store, [files["a.txt"]])
    salon.import_paths(store, [files["b.txt"]])
    assert salon.components(store).edges == 7  # the snapshot is built and cached
    remove_import(store, 2)
    third = salon.import_paths(store, [files["c.txt"]])
    assert third.import_id == 3
    assert [i["id"] for i in list_imports(store)] == [1, 3]
    assert salon.components(store).edges == 3 + 5
    # The id survives a reopening (it is kept in the store, not in memory).
    remove_import(store, 3)
    store.close()
    store = salon.open_store(f"sqlite:///{tmp_path / 's.db'}")
    assert salon.import_paths(store, [files["c.txt"]]).import_id == 4
    store.close()


def test_people_added_after_a_removal_never_take_the_removed_ids(any_store, tmp_path):
    """Ids are allocated by the writer (max + 1) on both databases: the people of a removed
    import lent their ids to the next import's, so a goal's recorded evidence or a page's
    address named someone else."""
    first, second = tmp_path / "b.txt", tmp_path / "c.txt"
    first.write_text("x y\ny z\n")
    second.write_text("p q\nq r\n")
    salon.import_paths(any_store, [shared(VCARDS)])
    added = salon.import_paths(any_store, [first])
    with any_store.engine.connect() as c:
        removed_ids = set(
            c.execute(select(people.c.id).where(people.c.import_id == added.import_id)).scalars()
        )
    remove_import(any_store, added.import_id)
    again = salon.import_paths(any_store, [second])
    with any_store.engine.connect() as c:
        new_ids = set(
            c.execute(select(people.c.id).where(people.c.import_id == again.import_id)).scalars()
        )
    assert len(new_ids) == 3 and min(new_ids) > max(removed_ids)
