import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

import salon
from salon.store.database import default_url, normalise_url
from salon.store.schema import metadata
from tests.conftest import ROOT, data_counts, shared

EXPORT = "exports/linkedin_export_2018_pseudonymised"


def test_migrations_build_exactly_the_schema(any_store):
    with any_store.engine.connect() as connection:
        context = MigrationContext.configure(connection)
        assert compare_metadata(context, metadata) == []


def test_import_is_idempotent_on_each_backend(any_store):
    first = salon.import_paths(
        any_store, [shared(EXPORT), shared("exports/twitter_archive_larsbrinkhoff")]
    )
    assert first.added["interactions"] == 36 + 2_015  # no self-replies or self-mentions
    assert [o["yours"] for o in first.owners] == [True, False]  # Lars is not Kabir
    counts = data_counts(any_store)
    again = salon.import_paths(
        any_store, [shared(EXPORT), shared("exports/twitter_archive_larsbrinkhoff")]
    )
    assert again.import_id is None
    assert data_counts(any_store) == counts


def test_failed_import_leaves_the_store_as_it_was(any_store, tmp_path):
    salon.import_paths(any_store, [shared(EXPORT)])
    before = salon.store.queries.stats(any_store)
    bad = tmp_path / "edges.txt"
    bad.write_text("1 2 1341100972\n" * 10 + "3\n")
    with pytest.raises(salon.ExportFormatError):
        salon.import_paths(any_store, [shared("exports/linkedin_connections_2025_format"), bad])
    assert salon.store.queries.stats(any_store) == before


def test_store_from_a_newer_salon_is_refused(tmp_path):
    path = tmp_path / "s.db"
    with salon.open_store(str(path)) as store, store.engine.begin() as c:
        c.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    with pytest.raises(salon.SchemaVersionError) as error:
        salon.open_store(str(path))
    assert str(error.value) == (
        f"The store 'sqlite:///{path}' was written by a newer Salon (schema 9999). "
        "Upgrade Salon to open it."
    )


def test_unreachable_server_is_a_clear_error():
    with pytest.raises(salon.StoreError) as error:
        salon.open_store("postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2")
    assert str(error.value).startswith("Could not open the store 'postgresql+psycopg://nobody@")


def test_default_url_honours_salon_db(monkeypatch, tmp_path):
    monkeypatch.setenv("SALON_DB", "sqlite:///x.db")
    assert default_url() == "sqlite:///x.db"
    monkeypatch.delenv("SALON_DB")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert default_url() == f"sqlite:///{tmp_path}/salon/salon.db"
    assert normalise_url("~/a.db").startswith("sqlite:////")


def test_each_store_has_its_own_identity_also_when_migrated(tmp_path):
    from alembic import command

    from salon.graph.snapshot import store_identity
    from salon.store.database import _alembic_config

    a, b = salon.open_store(str(tmp_path / "a.db")), salon.open_store(str(tmp_path / "b.db"))
    with a, b:
        with a.engine.connect() as ca, b.engine.connect() as cb:
            first, second = store_identity(ca), store_identity(cb)
        assert len(first) == len(second) == 36 and first != second
        with a.engine.begin() as connection:  # a store written before schema 0005
            command.downgrade(_alembic_config(connection), "0004")
            assert "store_meta" not in inspect(connection).get_table_names()
    with salon.open_store(str(tmp_path / "a.db")) as a, a.engine.connect() as connection:
        upgraded = store_identity(connection)
    assert len(upgraded) == 36 and upgraded not in (first, second)


def _hold_write_lock(path):
    import sqlite3

    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    return holder


def test_a_second_writer_waits_then_says_the_store_is_busy(tmp_path, monkeypatch, capsys):
    import threading

    from salon.store import database
    from salon.store.queries import stats
    from salon.store.segments import add_segment, list_segments

    monkeypatch.setattr(database, "BUSY_TIMEOUT", 1.0)
    monkeypatch.setattr(database, "QUIET_WAIT", 0.1)
    path = tmp_path / "s.db"
    salon.open_store(str(path)).close()
    holder = _hold_write_lock(path)
    with salon.open_store(str(path)) as store:
        assert stats(store)["segments"] == 0  # reads do not wait
        with pytest.raises(salon.StoreError) as error:
            add_segment(store, "all", "all")
        assert str(error.value) == (
            f"The store '{path}' is busy: another Salon command is writing it. "
            "Try again when it has finished."
        )
        assert capsys.readouterr().err == (
            "Waiting for another Salon command to finish with this store…\n"
        )
        threading.Timer(0.4, lambda: holder.execute("COMMIT")).start()
        add_segment(store, "all", "all")  # waits for the other writer, then writes
        assert [s.name for s in list_segments(store)] == ["all"]
    assert capsys.readouterr().err == (
        "Waiting for another Salon command to finish with this store…\n"
    )
    holder.close()


def test_a_file_that_is_not_a_database_is_one_sentence(tmp_path):
    path = tmp_path / "notadb.db"
    path.write_text("name,email\nAna,ana@example.org\n")
    with pytest.raises(salon.StoreError) as error:
        salon.open_store(str(path))
    assert str(error.value) == (
        f"'{path}' is not a Salon store (not a SQLite database). Give another --db path."
    )
    assert path.read_text() == "name,email\nAna,ana@example.org\n"  # left as it was


def test_the_store_and_its_folder_are_private(tmp_path, monkeypatch, capsys):
    import os
    import stat

    from salon.store.segments import add_segment

    monkeypatch.delenv("SALON_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    old = os.umask(0o022)
    try:
        with salon.open_store() as store:
            add_segment(store, "all", "all")
            folder = tmp_path / "data" / "salon"
            modes = {p.name: stat.S_IMODE(os.stat(p).st_mode) for p in [folder, *folder.iterdir()]}
    finally:
        os.umask(old)
    assert modes == {
        "salon": 0o700,
        "salon.db": 0o600,
        "salon.db-wal": 0o600,
        "salon.db-shm": 0o600,
    }
    assert capsys.readouterr().err == ""


def test_a_store_others_can_read_is_named_once(tmp_path, capsys):
    path = tmp_path / "shared.db"
    salon.open_store(str(path)).close()
    path.chmod(0o644)
    salon.open_store(str(path)).close()
    salon.open_store(str(path)).close()
    assert capsys.readouterr().err == (
        f"The store '{path}' is readable by other users of this machine (mode 0644): "
        f"chmod 600 '{path}'\n"
    )


def test_exports_and_snapshot_caches_are_private_whatever_the_umask(tmp_path, monkeypatch):
    import os
    import stat

    from salon.graph.snapshot import build_snapshot
    from salon.store.queries import export_all

    def mode(path):
        return stat.S_IMODE(os.stat(path).st_mode)

    monkeypatch.setenv("SALON_CACHE", str(tmp_path / "cache"))
    old = os.umask(0o022)
    try:
        with salon.open_store(str(tmp_path / "s.db")) as store:
            salon.import_paths(store, [ROOT / "tests/data/following_accounts.csv"])
            written = export_all(store, tmp_path / "export")
            build_snapshot(store)
    finally:
        os.umask(old)
    exported = sorted((tmp_path / "export").iterdir())
    assert [p.name for p in exported] == sorted(f"{name}.jsonl" for name in written)
    assert {mode(p) for p in exported} == {0o600} and mode(tmp_path / "export") == 0o700
    cached = list((tmp_path / "cache" / "snapshots").iterdir())
    assert len(cached) == 1 and cached[0].suffix == ".npz" and mode(cached[0]) == 0o600
    assert mode(tmp_path / "cache") == mode(tmp_path / "cache" / "snapshots") == 0o700


def test_schema_head_is_the_newest_migration():
    from alembic.script import ScriptDirectory

    from salon.store.database import MIGRATIONS
    from salon.store.schema import SCHEMA_HEAD

    assert ScriptDirectory(str(MIGRATIONS)).get_current_head() == SCHEMA_HEAD


def test_opening_a_current_store_does_not_load_alembic(tmp_path):
    import subprocess
    import sys

    salon.open_store(str(tmp_path / "s.db")).close()
    code = (
        "import sys, salon; salon.open_store(sys.argv[1]).close(); print('alembic' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "s.db")], capture_output=True, text=True
    )
    assert done.stdout.strip() == "False", done.stderr
