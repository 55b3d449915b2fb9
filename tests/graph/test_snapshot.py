import gzip
from collections import Counter

import numpy as np
from sqlalchemy import select

import salon
from salon.demo import run_demo
from salon.graph import snapshot as snapshot_module
from salon.graph.influence import pagerank
from salon.graph.snapshot import SnapshotSpec, build_snapshot, store_identity
from salon.importers.base import ImportOptions
from salon.model import Interaction, PersonRef
from salon.store.merges import merge_people
from salon.store.schema import identities
from salon.store.writer import Writer
from tests.conftest import ROOT, shared


def test_store_to_snapshot_and_cache(fresh_store, tmp_path, monkeypatch):
    monkeypatch.setenv("SALON_CACHE", str(tmp_path / "cache"))
    salon.import_paths(fresh_store, [shared("radoslaw_email_konect/out.radoslaw_email_email")])
    g = build_snapshot(fresh_store)
    assert g.n == 167
    assert set(g.kinds) == {"edge"}
    lines = shared("radoslaw_email_konect/out.radoslaw_email_email").read_text().splitlines()
    mails = [line.split() for line in lines if not line.startswith("%")]
    assert g.matrix.sum() == sum(1 for m in mails if m[0] != m[1])  # self-mails dropped
    again = build_snapshot(fresh_store)
    assert np.array_equal(again.matrix.indptr, g.matrix.indptr)
    assert len(list((tmp_path / "cache" / "snapshots").iterdir())) == 1
    only_recent = build_snapshot(fresh_store, SnapshotSpec(since=1_280_000_000))
    assert only_recent.matrix.sum() < g.matrix.sum()


def test_merges_make_one_node(fresh_store, tmp_path, monkeypatch):
    monkeypatch.setenv("SALON_CACHE", str(tmp_path / "cache"))
    salon.import_paths(fresh_store, [ROOT / "tests/data/sample.mbox"])
    before = build_snapshot(fresh_store)
    ids = before.people.tolist()
    merge_people(fresh_store, ids[1], ids[2])
    after = build_snapshot(fresh_store)  # the merge changed the store: rebuilt
    assert after.n == before.n - 1
    cached = list((tmp_path / "cache" / "snapshots").iterdir())
    assert len(cached) == 1  # the stale snapshot was replaced, not kept beside the new one


def test_meetings_link_attendees(fresh_store, tmp_path, monkeypatch):
    monkeypatch.setenv("SALON_CACHE", str(tmp_path / "cache"))
    salon.import_paths(fresh_store, [shared("exports/google_calendar_pseudonymised.ics")])
    g = build_snapshot(fresh_store, SnapshotSpec(kinds=("meeting",)))
    assert g.n > 10 and set(g.kinds) == {"meeting"}
    assert abs(g.matrix - g.matrix.T).max() < 1e-12  # meeting attention is mutual


def _top(store, k: int = 5) -> list[str]:
    """The k people of highest PageRank, by their id in the file."""
    g = build_snapshot(store)
    with store.engine.connect() as c:
        value = dict(c.execute(select(identities.c.person_id, identities.c.value)).all())
    return [value[int(p)] for p in g.people[pagerank(g).top(k)]]


def test_contact_direction_and_row_order_do_not_decide_who_ranks_first(tmp_path):
    path = shared("sociopatterns/SFHH_tij.dat.gz")
    with gzip.open(path, "rt") as f:
        rows = [line.split()[1:] for line in f]
    first: dict[frozenset, tuple[str, str]] = {}
    seconds: Counter = Counter()
    for i, j in rows:
        first.setdefault(frozenset((i, j)), (i, j))
        seconds[frozenset((i, j))] += 20
    as_named = [f"{i} {j} {seconds[frozenset((i, j))]}\n" for i, j in first.values()]
    swapped = [f"{j} {i} {seconds[frozenset((i, j))]}\n" for i, j in reversed(first.values())]
    tops, graphs = [], []
    for name, lines in (("named", as_named), ("swapped", swapped)):
        (tmp_path / name).mkdir()
        (tmp_path / name / "sfhh.txt").write_text("".join(lines))
        with salon.open_store(str(tmp_path / name / "s.db")) as store:
            options = salon.ImportOptions(namespace="sfhh", kind="contact")
            salon.import_paths(store, [tmp_path / name / "sfhh.txt"], options=options)
            tops.append(_top(store))
            graphs.append(build_snapshot(store))
    for g in graphs:  # each contact both ways, with its seconds
        assert g.n == 403 and g.edges == 2 * 9_565
        assert abs(g.matrix - g.matrix.T).max() == 0
        assert g.matrix.sum() == 2 * 1_405_220
    assert tops[0] == tops[1]
    # the t i j file itself, rows reversed and i, j swapped: the same ties, the same ranking
    flipped = tmp_path / "flipped" / "SFHH_tij.dat"
    flipped.parent.mkdir()
    with gzip.open(path, "rt") as f:
        tij = [line.split() for line in f]
    flipped.write_text("".join(f"{t} {j} {i}\n" for t, i, j in reversed(tij)))
    with salon.open_store(str(flipped.parent / "s.db")) as store:
        options = salon.ImportOptions(namespace="sfhh", layout="tij")
        salon.import_paths(store, [flipped], options=options)
        assert _top(store) == tops[0]


def test_store_recreated_at_the_same_path_is_a_new_graph(tmp_path):
    path = tmp_path / "s.db"
    (tmp_path / "a.txt").write_text("1 2\n2 3\n3 1\n")
    (tmp_path / "b.txt").write_text("7 8\n")
    options = salon.ImportOptions(namespace="n")
    with salon.open_store(str(path)) as store:
        salon.import_paths(store, [tmp_path / "a.txt"], options=options)
        first = store_identity_of(store)
        assert build_snapshot(store).n == 3
    for leftover in tmp_path.glob("s.db*"):
        leftover.unlink()
    with salon.open_store(str(path)) as store:  # same URL, same import and merge counters
        salon.import_paths(store, [tmp_path / "b.txt"], options=options)
        assert store_identity_of(store) != first
        g = build_snapshot(store)
    assert (g.n, g.edges) == (2, 1)


def store_identity_of(store) -> str:
    with store.engine.connect() as c:
        found = store_identity(c)
    assert len(found) == 36  # a UUID
    return found


def test_demo_leaves_no_cached_snapshots_behind(tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    monkeypatch.setenv("SALON_CACHE", str(cache))
    with salon.open_store(str(tmp_path / "other.db")) as other:
        salon.import_paths(other, [ROOT / "tests/data/sample.mbox"])
        build_snapshot(other)
    kept = sorted(cache.glob("snapshots/*.npz"))
    assert len(kept) == 1
    built = []
    real = snapshot_module._save
    monkeypatch.setattr(snapshot_module, "_save", lambda s, p: built.append(p) or real(s, p))
    with salon.open_store(str(tmp_path / "demo.db")) as store:
        run_demo(store)
    assert built  # the demo did cache snapshots of its store…
    assert sorted(cache.glob("snapshots/*.npz")) == kept  # …and removed them; others stay


def test_a_reply_recorded_twice_is_one_edge(fresh_store, tmp_path):
    """An X archive records a reply as a post (reply_to) and as an interaction: one edge."""
    posts = tmp_path / "posts.csv"
    posts.write_text(
        "id,author,text,reply_to,platform\np1,ana,Hello,,x\nr1,bo,Hi Ana,p1,x\nr2,cy,Hi too,p1,x\n"
    )
    salon.import_paths(fresh_store, [posts], options=ImportOptions(namespace="x"))
    with fresh_store.engine.connect() as c:
        ids = dict(c.execute(select(identities.c.value, identities.c.person_id)).all())
    with fresh_store.engine.begin() as c:
        writer = Writer(c, 1)
        bo = PersonRef((("x", "id", "bo"),))
        writer.add(Interaction(bo, PersonRef((("x", "id", "ana"),)), "reply", 1, ref="r1"), 1)
        writer.flush()
    g = build_snapshot(fresh_store, use_cache=False)
    index = {pid: i for i, pid in enumerate(g.people.tolist())}
    weight = g.matrix[index[ids["bo"]], index[ids["ana"]]]
    assert weight == 2.0  # the reply weight once, not twice
    assert g.matrix[index[ids["cy"]], index[ids["ana"]]] == 2.0  # a post-only reply still counts


def test_what_is_derived_is_kept_beside_its_snapshot_and_goes_with_it(
    fresh_store, tmp_path, monkeypatch
):
    monkeypatch.setenv("SALON_CACHE", str(tmp_path / "cache"))
    folder = tmp_path / "cache" / "snapshots"
    salon.import_paths(fresh_store, [shared("radoslaw_email_konect/out.radoslaw_email_email")])
    g = build_snapshot(fresh_store)
    calls: list[int] = []

    def count(values: np.ndarray) -> np.ndarray:
        calls.append(1)
        return values

    first = g.derived("x", lambda: count(np.arange(g.n, dtype=float)))
    again = build_snapshot(fresh_store).derived("x", lambda: count(np.zeros(g.n)))
    assert calls == [1] and np.array_equal(again, first)  # computed once, then read
    assert len(list(folder.glob("*.x.npy"))) == 1
    # The store changes: the next snapshot replaces the old one and what came from it.
    salon.import_paths(fresh_store, [ROOT / "tests/data/sample.mbox"])
    bigger = build_snapshot(fresh_store)
    assert not list(folder.glob("*.x.npy"))
    assert bigger.derived("x", lambda: count(np.ones(bigger.n))).tolist() == [1.0] * bigger.n
    assert snapshot_module.forget_store(fresh_store) == 1 and not list(folder.iterdir())
