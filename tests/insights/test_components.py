"""salon.components on real sets, checked against networkx run on the raw files."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import networkx as nx
import pytest

import salon
from salon.importers.base import ImportOptions
from tests.conftest import run_cli, shared
from tests.strategy.conftest import higgs, higgs_files  # noqa: F401 (the fixture, shared)

#: SNAP's activity codes as the importer names them.
KINDS = {"RT": "repost", "MT": "mention", "RE": "reply"}


@pytest.fixture(scope="module")
def raw(tmp_path_factory: pytest.TempPathFactory) -> tuple[nx.DiGraph, list[list[str]], set[str]]:
    """The rows the ``higgs`` store imported, its segment's ids, as networkx reads them."""
    activity, segment = higgs_files(tmp_path_factory.mktemp("raw"))
    rows = [line.split() for line in activity.read_text().splitlines()]
    graph = nx.DiGraph()
    graph.add_edges_from((a, b) for a, b, _, _ in rows if a != b)
    return graph, rows, set(segment.read_text().split())


def _name(node: str) -> str:
    return f"higgs:{node}"


def test_weak_components_equal_networkx_on_higgs(higgs, raw):  # type: ignore[no-untyped-def]  # noqa: F811
    graph, rows, segment = raw
    found = salon.components(higgs, segment="early-retweeters", top=5, names=3)
    expected = sorted(nx.weakly_connected_components(graph), key=len, reverse=True)
    assert (found.nodes, found.edges) == (graph.number_of_nodes(), graph.number_of_edges())
    assert found.components == len(expected) > 100
    assert [r["size"] for r in found.shown] == [len(c) for c in expected[:5]]
    largest = expected[0]
    assert found.largest_share == pytest.approx(len(largest) / graph.number_of_nodes())
    # The best-connected of the largest: most distinct neighbours (in and out) in networkx.
    degree = sorted(((graph.degree(n), n) for n in largest), reverse=True)
    assert degree[0][0] > degree[1][0] > degree[2][0]
    assert [m["name"] for m in found.shown[0]["top_members"]] == [_name(n) for _, n in degree[:3]]
    # The segment: the first 500 retweeters, counted per component.
    assert found.members == found.members_in_graph == len(segment) == 500
    per = [len(segment & c) for c in expected]
    assert found.segment_components == sum(1 for p in per if p) > 1
    assert [r["segment_members"] for r in found.shown] == per[:5]
    # The evidence: every imported row with both ends in the component, by kind.
    kinds = Counter(KINDS[k] for a, b, _, k in rows if a != b and a in largest)
    assert found.shown[0]["edges"] == dict(sorted(kinds.items()))
    assert sum(found.shown[1]["edges"].values()) >= found.shown[1]["size"] - 1


def test_strong_components_and_kinds_equal_networkx(higgs, raw):  # type: ignore[no-untyped-def]  # noqa: F811
    graph, rows, _ = raw
    found = salon.components(higgs, strong=True, top=4)
    expected = sorted(nx.strongly_connected_components(graph), key=len, reverse=True)
    assert found.connection == "strong"
    assert found.components == len(expected) > found.nodes // 2
    assert [r["size"] for r in found.shown] == [len(c) for c in expected[:4]]
    assert found.shown[0]["size"] > 1 and found.shown[-1]["size"] >= 1
    # Inside a strong component only the edges between its own members count.
    inside = Counter(KINDS[k] for a, b, _, k in rows if a != b and {a, b} <= expected[0])
    assert found.shown[0]["edges"] == dict(sorted(inside.items()))

    replies = nx.DiGraph()
    replies.add_edges_from((a, b) for a, b, _, k in rows if a != b and k == "RE")
    only = salon.components(higgs, kinds=["reply"], top=1)
    assert only.kinds == ["reply"] and only.nodes == replies.number_of_nodes()
    assert only.components == nx.number_weakly_connected_components(replies)
    assert set(only.shown[0]["edges"]) == {"reply"}


def test_advice_says_how_the_segment_is_split(higgs, raw):  # type: ignore[no-untyped-def]  # noqa: F811
    found = salon.components(higgs, segment="early-retweeters", top=50).to_dict()
    sentence = salon.advice("components", found)
    home = max(found["shown"], key=lambda r: r["segment_members"])
    assert sentence.startswith(f"early-retweeters is split across {found['segment_components']}")
    assert f"{home['segment_members']} of its 500 people" in sentence
    assert home["top_members"][0]["name"] in sentence
    whole = salon.advice("components", salon.components(higgs, top=1).to_dict())
    assert whole.startswith("The largest component holds ")


@pytest.fixture(scope="module")
def email_lake(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """SNAP's email-Eu-core in the market lake (every node a market node)."""
    folder = tmp_path_factory.mktemp("eu")
    store = salon.open_store(str(folder / "eu.db"))
    salon.import_paths(
        store,
        [shared("email_eu_core/email-Eu-core.txt")],
        options=ImportOptions(namespace="eu", lake=True),
    )
    yield store, folder / "eu.db"
    store.close()


def test_lake_nodes_are_named_and_match_snap(email_lake):  # type: ignore[no-untyped-def]
    store, _ = email_lake
    path = Path(shared("email_eu_core/email-Eu-core.txt"))
    graph = nx.DiGraph()
    graph.add_edges_from(
        (a, b) for a, b in (line.split() for line in path.read_text().split("\n") if line) if a != b
    )
    weak = salon.components(store, top=1, names=2)
    strong = salon.components(store, strong=True, top=2, names=1)
    # SNAP's own figures: largest WCC 986 nodes, largest SCC 803 nodes.
    assert weak.components == 1 and weak.shown[0]["size"] == 986 == graph.number_of_nodes()
    assert strong.shown[0]["size"] == 803
    assert strong.components == nx.number_strongly_connected_components(graph)
    hub = max(graph.degree, key=lambda d: (d[1], -int(d[0])))[0]
    first = weak.shown[0]["top_members"][0]
    assert first["id"] < 0 and first["name"] == f"eu:{hub}"
    assert weak.shown[0]["label"] < 0


def test_cli_prints_the_api_answer(email_lake):  # type: ignore[no-untyped-def]
    store, db = email_lake
    done = run_cli("components", "--strong", "--top", "3", "--json", db=db)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == salon.components(store, strong=True, top=3).to_dict()
    shown = run_cli("components", "--strong", "--top", "2", db=db)
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.startswith("The largest strongly connected component holds 81% of the 986")
    assert "184 strongly connected components among 986 people" in " ".join(shown.stdout.split())
    bad = run_cli("components", "--kinds", ",", db=db)
    assert bad.returncode == 1 and "No kinds given" in bad.stderr
    typo = run_cli("components", "--kinds", "edges", db=db)  # the email lake's kind is edge
    assert typo.returncode == 1
    assert "No edges of kind edges in the graph; it holds edge." in typo.stderr
