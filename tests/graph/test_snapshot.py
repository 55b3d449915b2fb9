import numpy as np

import salon
from salon.graph.snapshot import SnapshotSpec, build_snapshot
from salon.store.merges import merge_people
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
