"""The market lake: the same answers as the store, de-duplication, atomic partitions."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest

import salon
import salon.lake
from salon.errors import ExportFormatError
from salon.graph.snapshot import build_snapshot
from salon.lake import ingest
from salon.lake.layout import lake_dir, read_manifest
from salon.store.facts import display_names
from tests.conftest import shared

LAKE = salon.ImportOptions(namespace="higgs", lake=True)
STORE = salon.ImportOptions(namespace="higgs", lake=False)


def _slice(tmp_path: Path, name: str, lines: int) -> Path:
    out = tmp_path / name.removesuffix(".gz")
    with gzip.open(shared(f"higgs_twitter/{name}"), "rt") as src:
        out.write_text("".join(line for _, line in zip(range(lines), src, strict=False)))
    return out


def _labelled(store) -> dict[tuple[str, str, str], float]:  # type: ignore[no-untyped-def]
    """Every edge of every kind by the names of its ends (ids differ between stores)."""
    g = build_snapshot(store, use_cache=False)
    names = display_names(store, g.people.tolist())
    out = {}
    for kind, m in [("all", g.matrix), *sorted(g.kinds.items())]:
        coo = m.tocoo()
        for u, v, w in zip(coo.row, coo.col, coo.data, strict=True):
            out[(kind, names[int(g.people[u])], names[int(g.people[v])])] = float(w)
    return out


def test_lake_and_store_give_the_same_graph_and_answers(tmp_path):
    activity = _slice(tmp_path, "higgs-activity_time.txt.gz", 20_000)
    retweets = _slice(tmp_path, "higgs-retweet_network.edgelist.gz", 5_000)
    with (
        salon.open_store(str(tmp_path / "store.db")) as in_store,
        salon.open_store(str(tmp_path / "lake.db")) as in_lake,
    ):
        salon.import_paths(in_store, [activity, retweets], options=STORE)
        report = salon.import_paths(in_lake, [activity, retweets], options=LAKE)
        assert report.added["people"] == 0  # market nodes are no people rows
        assert report.added["lake edges"] == 20_000 + 5_000 - _repeats(retweets)
        assert _labelled(in_store) == _labelled(in_lake)
        a = salon.influencers(in_store, "platform:higgs", top=10, include_members=True)
        b = salon.influencers(in_lake, "namespace:higgs", top=10, include_members=True)
        assert len(a.influencers) == 10
        assert [r[0] for r in _rows(a)] == [r[0] for r in _rows(b)]
        assert np.allclose([r[1:] for r in _rows(a)], [r[1:] for r in _rows(b)], rtol=1e-12)


def _rows(result) -> list[tuple]:  # type: ignore[no-untyped-def,type-arg]
    return [(r["name"], r["ppr"], r["lift"]) for r in result.to_dict()["influencers"]]


def _repeats(path: Path) -> int:
    """Lines naming a pair already named (a tie is kept once)."""
    pairs = [tuple(line.split()[:2]) for line in path.read_text().splitlines()]
    return len(pairs) - len(set(pairs))


def test_reimport_and_overlap_add_only_new_edges(tmp_path):
    first = tmp_path / "a.txt"
    first.write_text("# SNAP\n1 2 1341100972 RT\n1 2 1341100972 RT\n2 3 1341100973 MT\n")
    second = tmp_path / "b.txt"  # one event the lake holds, one repeat more, one new
    second.write_text("2 3 1341100973 MT\n1 2 1341100972 RT\n1 2 1341100972 RT\n")
    second.write_text(second.read_text() + "1 2 1341100972 RT\n4 1 1341100999 RE\n")
    options = salon.ImportOptions(namespace="n", lake=True)
    with salon.open_store(str(tmp_path / "s.db")) as store:
        assert salon.import_paths(store, [first], options=options).added["lake edges"] == 3
        again = salon.import_paths(store, [first], options=options)
        assert again.import_id is None and again.skipped == [str(first)]
        forced = salon.import_paths(
            store, [first], options=salon.ImportOptions(namespace="n", lake=True, force=True)
        )
        assert forced.import_id is None  # nothing new: no trace, no partition
        report = salon.import_paths(store, [second], options=options)
        assert (report.added["lake edges"], report.added["lake nodes"]) == (2, 1)
        folder = lake_dir(store)
        manifest = read_manifest(folder)
        assert [p.import_id for p in manifest.partitions] == [1, 2]
        rows = pq.read_table(folder / manifest.paths("edges")[1]).to_pylist()
        assert sorted((r["kind"], r["occurrence"], r["line"]) for r in rows) == [
            ("reply", 0, 5),
            ("repost", 2, 4),
        ]
        assert {r["import"] for r in rows} == {2} and len({r["file_sha256"] for r in rows}) == 1
        g = build_snapshot(store, use_cache=False)
        assert g.matrix.sum() == 3 * 3 + 2 + 2  # three reposts, a mention, a reply


def test_a_failed_import_leaves_the_lake_as_it_was(tmp_path, monkeypatch):
    good = tmp_path / "good.txt"
    good.write_text("1 2 1341100972\n2 3 1341100973\n")
    bad = tmp_path / "bad.txt"
    bad.write_text("1 2 1341100972\n2 3 soon\n")
    options = salon.ImportOptions(namespace="n", lake=True)
    with salon.open_store(str(tmp_path / "s.db")) as store:
        salon.import_paths(store, [good], options=options)
        folder = lake_dir(store)
        before = sorted(p.relative_to(folder) for p in folder.rglob("*"))
        with pytest.raises(ExportFormatError, match=r"bad\.txt.*line 2.*'soon' is not a date"):
            salon.import_paths(
                store,
                [good, bad],
                options=salon.ImportOptions(namespace="n", lake=True, force=True),
            )
        real = ingest.LakeWriter.publish

        def interrupted(self):  # type: ignore[no-untyped-def]
            raise KeyboardInterrupt

        monkeypatch.setattr(ingest.LakeWriter, "publish", interrupted)
        other = tmp_path / "other.txt"
        other.write_text("5 6 1341100972\n")
        with pytest.raises(KeyboardInterrupt):
            salon.import_paths(store, [other], options=options)
        monkeypatch.setattr(ingest.LakeWriter, "publish", real)
        assert sorted(p.relative_to(folder) for p in folder.rglob("*")) == before
        assert salon.stats(store).tables["lake edges"] == 2


def test_a_bad_line_is_named(tmp_path):
    path = tmp_path / "e.txt"
    path.write_text("1 2 0.5\n4 5 1.5\n7 8 1e999\n")
    with (
        salon.open_store(str(tmp_path / "s.db")) as store,
        pytest.raises(ExportFormatError, match=r"line 3.*weight '1e999' is not a finite number"),
    ):
        salon.import_paths(store, [path], options=salon.ImportOptions(lake=True))


def test_layouts_read_row_by_row_land_the_same(tmp_path):
    """An undirected list goes through the importer's own parser, with the same result."""
    path = tmp_path / "pairs.txt"
    path.write_text("1 2\n3 2\n2 1\n")
    graphs = []
    for lake in (False, True):
        with salon.open_store(str(tmp_path / f"{lake}.db")) as store:
            options = salon.ImportOptions(namespace="u", undirected=True, lake=lake)
            salon.import_paths(store, [path], options=options)
            graphs.append(_labelled(store))
    assert graphs[0] == graphs[1] and len(graphs[0]) == 2 * 4  # 2 pairs, both ways, 2 views


def test_known_people_promote_their_neighbours_and_pins_make_people(tmp_path):
    known = tmp_path / "known.txt"
    known.write_text("1 2\n")
    market = tmp_path / "market.txt"
    market.write_text("1 5\n6 2\n7 8\n")
    with salon.open_store(str(tmp_path / "s.db")) as store:
        salon.import_paths(store, [known], options=salon.ImportOptions(namespace="n"))
        report = salon.import_paths(
            store, [market], options=salon.ImportOptions(namespace="n", lake=True)
        )
        assert report.added["people"] == 2  # 5 and 6 link to known people; 7 and 8 do not
        g = build_snapshot(store, use_cache=False)
        names = display_names(store, g.people.tolist())
        assert sorted(names[p] for p in g.people.tolist() if p < 0) == ["n:7", "n:8"]
        (seven,) = salon.lake.pin(store, ["n:7"])
        assert seven > 0
        g = build_snapshot(store)
        assert seven in g.people.tolist() and (g.people < 0).sum() == 1
        with pytest.raises(salon.lake.LakeError, match="no node 'n:99'"):
            salon.lake.pin(store, ["n:99"])


def test_snapshot_cache_is_memory_mapped(tmp_path, monkeypatch):
    monkeypatch.setenv("SALON_CACHE", str(tmp_path / "cache"))
    path = tmp_path / "e.txt"
    rng = np.random.default_rng(1)
    pairs = rng.integers(0, 2_000, size=(20_000, 2))
    path.write_text("".join(f"{a} {b} {1341100000 + i}\n" for i, (a, b) in enumerate(pairs)))
    with salon.open_store(str(tmp_path / "s.db")) as store:
        salon.import_paths(store, [path], options=salon.ImportOptions(lake=True))
        first = build_snapshot(store)
        second = build_snapshot(store)
    assert isinstance(second.people, np.memmap)
    assert (first.matrix != second.matrix).nnz == 0
    assert np.array_equal(first.people, second.people) and first.edges > 15_000


def test_segments_name_lake_nodes(tmp_path):
    path = tmp_path / "follows.csv"
    path.write_text("source,target,kind\na,star,follow\nb,star,follow\nc,a,follow\nd,b,mention\n")
    listed = tmp_path / "list.txt"
    listed.write_text("c\nx:d\nnobody\n")
    with salon.open_store(str(tmp_path / "s.db")) as store:
        salon.import_paths(store, [path], options=salon.ImportOptions(namespace="x", lake=True))
        fans = salon.influencers(store, "followers:x:star", top=3, include_members=True)
        assert (fans.members, fans.members_in_graph) == (2, 2)
        everyone = salon.influencers(store, "namespace:x", top=10, include_members=True)
        assert everyone.members == 5  # a, b, c, d and star
        chosen = salon.influencers(store, f"file:{listed}", top=5)
        assert chosen.members == 2
        assert sorted(r["name"] for r in chosen.influencers) == ["x:a", "x:b", "x:star"]


def test_export_and_check_cover_the_lake(tmp_path):
    path = tmp_path / "e.txt"
    path.write_text("1 2\n2 3\n")
    with salon.open_store(str(tmp_path / "s.db")) as store:
        salon.import_paths(store, [path], options=salon.ImportOptions(namespace="n", lake=True))
        written = salon.export(store, tmp_path / "out")
        assert written.tables["lake_edges"] == 2
        rows = pq.read_table(tmp_path / "out" / "lake_edges.parquet").to_pylist()
        assert [(r["src_namespace"], r["src"], r["dst"], r["line"]) for r in rows] == [
            ("n", "1", "2", 1),
            ("n", "2", "3", 2),
        ]
        assert salon.lake.check(store) == []
        folder = lake_dir(store)
        part = folder / read_manifest(folder).paths("edges")[0]
        part.unlink()
        (problem,) = salon.lake.check(store)
        assert problem.path == str(part) and "missing" in problem.problem
        assert problem.repair.startswith("salon imports remove 1, then salon import --lake")
        assert f"--namespace n '{path}'" in problem.repair  # lands again where it was
        with pytest.raises(salon.lake.LakeError, match=r"part-0\.parquet' is missing"):
            build_snapshot(store, use_cache=False)
        with pytest.raises(salon.lake.LakeError, match="--namespace n"):
            salon.export(store, tmp_path / "again")  # named, not a DuckDB traceback
        salon.remove_import(store, 1)
        salon.import_paths(store, [path], options=salon.ImportOptions(namespace="n", lake=True))
        assert salon.lake.check(store) == [] and build_snapshot(store, use_cache=False).edges == 2


def test_a_folder_with_a_quote_in_its_name(tmp_path):
    folder = tmp_path / "o'neil's data"
    folder.mkdir()
    path = folder / "e.txt"
    path.write_text("1 2 1341100972\n2 3 1341100973\n")
    with salon.open_store(str(folder / "s.db")) as store:
        salon.import_paths(store, [path], options=salon.ImportOptions(namespace="n", lake=True))
        again = folder / "f.txt"
        again.write_text("1 2 1341100972\n3 4 1341100974\n")
        report = salon.import_paths(store, [again], options=salon.ImportOptions(lake=True))
        assert report.added["lake edges"] == 2  # another namespace: nothing is a repeat
        assert build_snapshot(store, use_cache=False).edges == 4
        assert salon.export(store, folder / "out").tables["lake_edges"] == 4


def test_removing_an_older_lake_import_is_refused_while_later_ones_use_its_nodes(tmp_path):
    replies = _slice(tmp_path, "higgs-reply_network.edgelist.gz", 3_000)
    mentions = _slice(tmp_path, "higgs-mention_network.edgelist.gz", 3_000)
    eu = tmp_path / "email-Eu-core.txt"
    eu.write_text(
        "".join(shared("email_eu_core/email-Eu-core.txt").read_text().splitlines(True)[:2_000])
    )
    with salon.open_store(str(tmp_path / "lake.db")) as store:
        first = salon.import_paths(store, [replies], options=LAKE).import_id
        second = salon.import_paths(store, [mentions], options=LAKE).import_id
        with pytest.raises(salon.SalonError, match=f"import\\(s\\) {second} also use"):
            salon.remove_import(store, first)
        assert salon.components(store).to_dict()["nodes"] > 0  # nothing was removed
        salon.remove_import(store, second)
        salon.remove_import(store, first)
        # Another namespace shares no node: its older import may go, leaving a gap in the
        # codes that every reader must bear.
        salon.import_paths(store, [replies], options=LAKE)
        other = salon.import_paths(
            store, [eu], options=salon.ImportOptions(namespace="eu", lake=True)
        )
        early = salon.import_paths(store, [mentions], options=LAKE).import_id
        salon.remove_import(store, other.import_id)
        graph = build_snapshot(store, use_cache=False)
        assert graph.n > 0 and early > other.import_id
        found = salon.influencers(store, "namespace:higgs", top=3, include_members=True)
        assert len(found.influencers) == 3


def test_a_lake_moved_away_is_an_error_not_an_empty_market(tmp_path, monkeypatch):
    edges = tmp_path / "e.txt"
    edges.write_text("1 2 1341100972\n2 3 1341100973\n")
    with salon.open_store(str(tmp_path / "s.db")) as store:
        salon.import_paths(store, [edges], options=salon.ImportOptions(namespace="n", lake=True))
        folder = lake_dir(store)
        moved = tmp_path / "elsewhere"
        folder.parent.rename(moved)  # the lake/ folder beside the store goes
        with pytest.raises(salon.lake.LakeError, match="Import\\(s\\) 1 put data in the market"):
            salon.influencers(store, "namespace:n", include_members=True)
        monkeypatch.setenv("SALON_LAKE", str(moved))  # told where it went: all is there
        assert build_snapshot(store, use_cache=False).edges == 2


def test_a_file_forced_into_the_other_home_is_said_to_count_twice(tmp_path):
    edges = tmp_path / "m.txt"
    edges.write_text("1 2\n2 3\n3 1\n")
    force = {"namespace": "m", "force": True}
    with salon.open_store(str(tmp_path / "s.db")) as store:
        salon.import_paths(store, [edges], options=salon.ImportOptions(namespace="m"))
        into_lake = salon.import_paths(
            store, [edges], options=salon.ImportOptions(lake=True, **force)
        )
        assert into_lake.added["lake edges"] == 3
        # Landed, not rolled back because the store itself gained no row (it was, silently).
        assert into_lake.import_id == 2
        assert [p.import_id for p in read_manifest(lake_dir(store)).partitions] == [2]
        (warning,) = into_lake.warnings
        assert (
            "'" + str(edges) + "' was imported into the store before and now goes to the lake"
            in warning
        )
        # The lake again, or the store again: the same home, no warning.
        lake_again = salon.import_paths(
            store, [edges], options=salon.ImportOptions(lake=True, **force)
        )
        assert lake_again.warnings == []
        store_again = salon.import_paths(
            store, [edges], options=salon.ImportOptions(lake=False, **force)
        )
        assert "imported into the lake before and now goes to the store" in store_again.warnings[0]
