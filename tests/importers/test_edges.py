import gzip
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

import salon
from salon.importers.edges import _layout, namespace_of
from salon.importers.files import input_files
from salon.store.schema import interactions, ties
from tests.conftest import data_counts, shared


def _kinds(store) -> dict[str, int]:
    with store.engine.connect() as c:
        return dict(
            c.execute(select(interactions.c.kind, func.count()).group_by(interactions.c.kind)).all()
        )


@pytest.mark.slow
def test_higgs_activity_counts(fresh_store):
    path = shared("higgs_twitter/higgs-activity_time.txt.gz")
    users = set()
    with gzip.open(path, "rt") as f:
        for line in f:
            a, b, *_ = line.split()
            users.update((a, b))
    report = salon.import_paths(fresh_store, [path])
    assert report.added["interactions"] == 563_069
    assert report.added["people"] == len(users)
    assert _kinds(fresh_store) == {"repost": 354_930, "mention": 171_237, "reply": 36_902}


def test_konect_with_percent_header(fresh_store):
    report = salon.import_paths(
        fresh_store, [shared("radoslaw_email_konect/out.radoslaw_email_email")]
    )
    assert report.added == {**report.added, "interactions": 82_927, "people": 167}
    assert (
        namespace_of(input_files(shared("radoslaw_email_konect/out.radoslaw_email_email"))[0])
        == "radoslaw_email_email"
    )


def test_static_edge_list_with_cr_cr_lf_becomes_ties(fresh_store):
    path = shared("email_eu_core/email-Eu-core.txt")
    pairs = {tuple(line.split()) for line in path.read_text().splitlines() if line.strip()}
    report = salon.import_paths(fresh_store, [path])
    assert report.added["ties"] == len(pairs) == 25_571
    assert report.added["people"] == 1005


def test_csv_without_header_infers_weight_and_time(fresh_store):
    path = shared("bitcoin_trust/soc-sign-bitcoinalpha.csv")
    report = salon.import_paths(fresh_store, [path])
    assert report.added["interactions"] == 24_186
    assert report.added["people"] == 3_783
    with fresh_store.engine.connect() as c:
        lo, hi = c.execute(
            select(func.min(interactions.c.weight), func.max(interactions.c.weight))
        ).one()
    assert (lo, hi) == (-10, 10)
    assert _layout(input_files(path)[0]) == ({"src": 0, "dst": 1, "weight": 2, "at": 3}, False)


def test_csv_header_names_columns(fresh_store, tmp_path):
    path = tmp_path / "market.csv"
    path.write_text(
        "source,target,timestamp,kind\nana,ben,2024-01-02T03:04:05Z,reply\nben,ana,1704164645,RT\n"
    )
    report = salon.import_paths(fresh_store, [path], options=salon.ImportOptions(namespace="m"))
    assert report.added["interactions"] == 2
    assert _kinds(fresh_store) == {"reply": 1, "repost": 1}


def test_newer_export_adds_only_what_is_new(fresh_store, tmp_path):
    lines = shared("collegemsg/CollegeMsg.txt").read_text().splitlines(keepends=True)
    older, newer = tmp_path / "old" / "CollegeMsg.txt", tmp_path / "new" / "CollegeMsg.txt"
    older.parent.mkdir()
    newer.parent.mkdir()
    older.write_text("".join(lines[:30_000]))
    newer.write_text("".join(lines))
    options = salon.ImportOptions(namespace="college")
    assert salon.import_paths(fresh_store, [older], options=options).added["interactions"] == 30_000
    added = salon.import_paths(fresh_store, [newer], options=options).added
    assert added["interactions"] == len(lines) - 30_000 == 29_835


def test_truncated_line_is_named(fresh_store, tmp_path):
    path = tmp_path / "edges.txt"
    path.write_text("1 2 1341100972 RT\n3 4 1341100973 MT\n5\n")
    with pytest.raises(salon.ExportFormatError) as error:
        salon.import_paths(fresh_store, [path])
    assert str(error.value) == (
        f"Could not read '{path}' line 3: expected 4 columns, found 1. "
        "The file looks truncated; download it again."
    )
    assert data_counts(fresh_store)["people"] == 0


ids = st.text(alphabet="abcdefghij0123456789", min_size=1, max_size=6)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.tuples(ids, ids, st.integers(10**9, 2 * 10**9)), min_size=1, max_size=60))
def test_every_line_is_kept_and_reimport_adds_nothing(tmp_path_factory, rows):
    folder = tmp_path_factory.mktemp("prop")
    path = folder / "events.txt"
    path.write_text("".join(f"{a} {b} {t}\n" for a, b, t in rows))
    with salon.open_store(str(folder / "s.db")) as store:
        first = salon.import_paths(store, [path])
        assert first.added["interactions"] == len(rows)  # repeated lines are distinct events
        assert first.added["people"] == len({x for a, b, _ in rows for x in (a, b)})
        assert salon.import_paths(store, [path]).import_id is None


def test_duplicate_static_edges_merge_into_one_tie(fresh_store, tmp_path):
    path = tmp_path / "follows.txt"
    path.write_text("1 2\n1 2\n2 1\n")
    report = salon.import_paths(fresh_store, [path], options=salon.ImportOptions(kind="follow"))
    assert report.added["ties"] == 2
    with fresh_store.engine.connect() as c:
        assert Counter(c.execute(select(ties.c.kind)).scalars()) == {"follow": 2}
