"""A snapshot put together from the store's person ids and the lake's node codes is the
graph that plain person-id edges give."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np

import salon
from salon.graph import assembly
from salon.graph.snapshot import GraphSnapshot, build_snapshot
from salon.lake.graph import LakeColumns
from salon.reporting import reporting
from tests.conftest import shared


def test_assemble_equals_from_edges_with_merges_loops_and_zero_weights():
    # Lake node codes 0..4 are people -1, -2, -3, 7 and 8; 7 was merged into 5, so the lake
    # edge 7 -> 5 becomes a loop and goes, as does the zero-weight edge and node 8 with it.
    people_of = np.array([-1, -2, -3, 7, 8], dtype=np.int64)
    lake = LakeColumns(
        people=people_of.copy(),
        src=np.array([0, 1, 3, 3, 2, 4], dtype=np.int32),
        dst=np.array([1, 2, 0, 3, 0, 0], dtype=np.int32),
        weight=np.array([1.0, 2.0, 3.0, 4.0, 5.0, 0.0]),
        kind=np.array([1, 1, 1, 1, 0, 1], dtype=np.int16),
    )
    lake.dst[3] = 3  # 7 -> 7 before merging: a loop either way
    store_src = np.array([5, 6, 5], dtype=np.int64)
    store_dst = np.array([6, 5, 7], dtype=np.int64)  # 5 -> 7 is 5 -> 5 after the merge
    store = [store_src, store_dst, np.array([1.0, 1.0, 9.0]), np.zeros(3, np.int16)]
    mapping = {7: 5}
    kinds = ["follow", "reply"]
    # The same edges as person ids, merged by hand.
    src = np.concatenate([[5, 6, 5], [-1, -2, 5, 5, -3, 8]])
    dst = np.concatenate([[6, 5, 5], [-2, -3, -1, 5, -1, -1]])
    weight = np.concatenate([[1.0, 1.0, 9.0], lake.weight])
    kind = np.concatenate([[0, 0, 0], lake.kind])
    expected = GraphSnapshot.from_edges(src, dst, weight, kind, kinds)
    got = assembly.assemble(store, lake, mapping, list(kinds))
    assert got.people.tolist() == [-3, -2, -1, 5, 6] == expected.people.tolist()
    assert (got.matrix != expected.matrix).nnz == 0
    assert got.matrix[got.index([5])[0], got.index([-1])[0]] == 3.0  # 7 -> -1 is now 5's
    assert sorted(got.kinds) == sorted(expected.kinds) == kinds
    for name in kinds:
        assert (got.kinds[name] != expected.kinds[name]).nnz == 0


def test_a_lake_of_loops_only_gives_an_empty_graph():
    def lake(src: list[int]) -> LakeColumns:  # assemble consumes its lake's columns
        return LakeColumns(
            people=np.array([-1, 4], dtype=np.int64),
            src=np.array(src, dtype=np.int32),
            dst=np.array([0, 0], dtype=np.int32),
            weight=np.array([1.0, 1.0]),
            kind=np.zeros(2, dtype=np.int16),
        )

    nothing = [np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0), np.zeros(0, np.int16)]
    graph = assembly.assemble(list(nothing), lake([0, 1]), {4: 9}, ["follow"])
    assert graph.people.tolist() == [-1, 9] and graph.edges == 1  # 4 is 9 now: 9 -> -1
    graph = assembly.assemble(list(nothing), lake([0, 1]), {}, ["follow"])
    assert graph.people.tolist() == [-1, 4] and graph.edges == 1
    assert assembly.assemble(list(nothing), lake([0, 0]), {}, ["follow"]).n == 0


def test_building_from_the_lake_reports_its_progress(tmp_path: Path):
    edges = tmp_path / "higgs-retweet_network.edgelist"
    with gzip.open(shared("higgs_twitter/higgs-retweet_network.edgelist.gz"), "rt") as src:
        edges.write_text("".join(line for _, line in zip(range(3_000), src, strict=False)))
    seen: list[tuple[str, int, int]] = []
    with salon.open_store(str(tmp_path / "lake.db")) as store:
        report = salon.import_paths(
            store, [edges], options=salon.ImportOptions(namespace="higgs", lake=True)
        )
        with reporting(lambda stage, done, total: seen.append((stage, done, total))):
            graph = build_snapshot(store, use_cache=False)
    reading = [(done, total) for stage, done, total in seen if stage.startswith("reading")]
    lake_edges = report.added["lake edges"]
    assert reading[-1] == (lake_edges, lake_edges)
    assert [done for done, _ in reading] == sorted(done for done, _ in reading)
    assert graph.edges <= lake_edges and graph.edges > 0.9 * lake_edges
