import gzip
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

import salon
from salon.importers.edges import _layout, describe, namespace_of
from salon.importers.files import input_files
from salon.store.schema import identities, interactions, ties
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


def _pairs_seconds(path) -> Counter:
    """Seconds of contact per unordered pair, counted straight from a t i j file."""
    seconds: Counter = Counter()
    with gzip.open(path, "rt") as f:
        for line in f:
            _, i, j = line.split()
            seconds[tuple(sorted((i, j), key=int))] += 20
    return seconds


def _tie_weights(store, namespace: str) -> dict[tuple[str, str], float]:
    with store.engine.connect() as c:
        value = dict(
            c.execute(
                select(identities.c.person_id, identities.c.value).where(
                    identities.c.platform == namespace
                )
            ).all()
        )
        rows = c.execute(select(ties.c.src_id, ties.c.dst_id, ties.c.kind, ties.c.weight)).all()
    assert {kind for *_, kind, _ in rows} == {"contact"}
    return {(value[s], value[d]): w for s, d, _, w in rows}


def test_sociopatterns_tij_is_read_as_time_and_a_pair(fresh_store):
    path = shared("sociopatterns/SFHH_tij.dat.gz")
    file = input_files(path)[0]
    assert describe(file, salon.ImportOptions()) == (
        "read as SocioPatterns t i j, 20 s per row, undirected"
    )
    report = salon.import_paths(fresh_store, [path])
    expected = _pairs_seconds(path)
    # 403 badges (the time column is no person), 9,565 pairs, 390.3 hours of contact
    assert report.added["people"] == 403 == len({p for pair in expected for p in pair})
    assert report.added["ties"] == len(expected) == 9_565
    got = _tie_weights(fresh_store, "sfhh_tij")
    assert got == dict(expected)  # one tie per pair, smaller id first, weight = seconds
    assert sum(got.values()) == 70_261 * 20 == 1_405_220
    assert got[("1467", "1591")] == expected[("1467", "1591")] > 20  # named both ways in the file


def test_tij_declared_detected_or_refused(fresh_store, tmp_path):
    path = tmp_path / "contacts.dat"
    path.write_text("0 7 3\n20 3 7\n20 5 7\n40 7 5\n")
    # also a plain edge list by shape: source, target, weight, no header
    assert _layout(input_files(path)[0]) == ({"src": 0, "dst": 1, "weight": 2}, False)
    report = salon.import_paths(fresh_store, [path], options=salon.ImportOptions(namespace="c"))
    assert report.added["people"] == 3 and report.added["ties"] == 2
    assert _tie_weights(fresh_store, "c") == {("3", "7"): 40.0, ("5", "7"): 40.0}
    plain = salon.ImportOptions(layout="edges")
    assert describe(input_files(path)[0], plain) == "read as source target weight, directed"
    odd = tmp_path / "odd.txt"  # times not in 20 s steps: not detected, refused when declared
    odd.write_text("1 7 3\n2 3 7\n")
    assert describe(input_files(odd)[0], salon.ImportOptions()).startswith("read as source")
    odd.write_text("1 7 3\n2 3 x\n")
    with pytest.raises(salon.ExportFormatError, match="line 2: expected three whole numbers"):
        salon.import_paths(fresh_store, [odd], options=salon.ImportOptions(layout="tij"))


def test_undirected_edge_list_names_each_pair_once(fresh_store, tmp_path):
    path = tmp_path / "pairs.txt"
    path.write_text("b a\na b\n10 9\n9 10\n")
    options = salon.ImportOptions(namespace="u", undirected=True)
    assert describe(input_files(path)[0], options) == "read as source target, undirected"
    assert salon.import_paths(fresh_store, [path], options=options).added["ties"] == 2
    with fresh_store.engine.connect() as c:
        assert Counter(c.execute(select(ties.c.kind)).scalars()) == {"link": 2}
    friends = salon.ImportOptions(namespace="f", undirected=True, kind="friend")
    path.write_text("# friends\n" + path.read_text())
    # a kind the snapshot reads as directed is written both ways
    assert salon.import_paths(fresh_store, [path], options=friends).added["ties"] == 4


def _refused(store, path, **options) -> str:
    """The message of an import that must fail, checking it wrote nothing."""
    before = data_counts(store)
    with pytest.raises(salon.ExportFormatError) as error:
        salon.import_paths(store, [path], options=salon.ImportOptions(**options))
    assert data_counts(store) == before
    return str(error.value)


@pytest.mark.parametrize(
    ("weight", "problem"),
    [
        ("inf", "weight 'inf' is not a finite number"),
        ("-Infinity", "weight '-Infinity' is not a finite number"),
        ("nan", "weight 'nan' is not a finite number"),
        ("1e300", "weight '1e300' is too large"),
        ("9" * 5000, "weight '" + "9" * 40 + "'… (5,000 characters) is not a finite number"),
    ],
)
def test_weights_are_finite_numbers(fresh_store, tmp_path, weight, problem):
    salon.import_paths(fresh_store, [_write(tmp_path / "ok.csv", "a,b,2\n")])
    path = _write(tmp_path / "w.csv", f"source,target,weight\na,b,1\nb,c,{weight}\n")
    assert _refused(fresh_store, path) == (
        f"Could not read '{path}' line 3: {problem}. "
        "Write weights as plain numbers such as 1 or 2.5 (at most 10^12); fix that line."
    )


@pytest.mark.parametrize(
    ("time", "shown_as"),
    [
        ("9" * 30, "'" + "9" * 30 + "'"),  # raw digits: Unix seconds past year 9999
        ("1e30", "'1e30'"),
        ("nan", "'nan'"),
        ("9" * 5000, "'" + "9" * 40 + "'… (5,000 characters)"),
    ],
)
def test_times_are_bounded(fresh_store, tmp_path, time, shown_as):
    path = _write(tmp_path / "t.csv", f"source,target,time\na,b,1500000000\nb,c,{time}\n")
    assert _refused(fresh_store, path) == (
        f"Could not read '{path}' line 3: time {shown_as} is not a date. "
        "Write times as Unix seconds or ISO 8601 dates (years 1 to 9999); fix that line."
    )


def test_long_integers_are_sniffed_without_a_traceback(fresh_store, tmp_path):
    """A 5,000-digit number (beyond what Python converts to int) in an unnamed column, and as
    ids of a t i j file, is named, not a ValueError."""
    path = _write(tmp_path / "e.txt", f"1 2 1500000000\n2 3 {'9' * 5000}\n")
    assert "line 2: weight '999" in _refused(fresh_store, path)
    ids = _write(tmp_path / "tij.dat", f"20 {'7' * 5000} 2\n40 2 {'8' * 5000}\n")
    salon.import_paths(fresh_store, [ids], options=salon.ImportOptions(layout="tij"))
    assert data_counts(fresh_store)["ties"] == 2


def _write(path, text: str):
    path.write_text(text)
    return path
