"""The Spark engine (local[2]) against the local engine on the same lake and store."""

from __future__ import annotations

import gzip
import os
import shutil

import numpy as np
import pytest

import salon
from salon.graph.components import components
from salon.graph.influence import pagerank, segment_vector
from salon.graph.snapshot import SnapshotSpec, build_snapshot
from salon.store.adoptions import adoption_times
from tests.conftest import shared

#: The PageRank stopping rule of these tests (L1 change below TOL × n).
TOL = 1e-5


@pytest.fixture(scope="session")
def spark():  # type: ignore[no-untyped-def]
    """One local[2] session for every test (Spark takes seconds to start)."""
    strict = os.environ.get("SALON_STRICT") == "1"
    try:
        import pyspark  # noqa: F401
    except ImportError:
        if strict:
            raise
        pytest.skip("PySpark is not installed (pip install 'salon[spark]')")
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        if strict:
            pytest.fail("Java 17 is missing (openjdk-17-jre-headless)")
        pytest.skip("Java is not installed")
    from salon.lake import spark_session

    os.environ.setdefault("SALON_SPARK_PARTITIONS", "2")
    yield spark_session.session("local[2]")
    spark_session.stop()


@pytest.fixture(scope="module")
def market(tmp_path_factory):  # type: ignore[no-untyped-def]
    """10,000 Higgs events in the lake, a few personal ties in the store linking to them."""
    folder = tmp_path_factory.mktemp("spark")
    activity = folder / "higgs-activity.txt"
    with gzip.open(shared("higgs_twitter/higgs-activity_time.txt.gz"), "rt") as src:
        activity.write_text("".join(line for _, line in zip(range(10_000), src, strict=False)))
    mine = folder / "mine.txt"
    mine.write_text("223789 213163\n100 223789\n101 102\n")
    store = salon.open_store(str(folder / "s.db"))
    salon.import_paths(store, [mine], options=salon.ImportOptions(namespace="higgs"))
    salon.import_paths(store, [activity], options=salon.ImportOptions(namespace="higgs", lake=True))
    yield store
    store.close()


def test_snapshot_is_the_same(spark, market):  # type: ignore[no-untyped-def]
    from salon.lake import spark as engine

    middle = int(np.median(build_snapshot(market, use_cache=False).people))  # any cut will do
    times = sorted(adoption_times(market, "channel:higgs").values())
    window = SnapshotSpec(kinds=("repost", "edge"), since=int(times[len(times) // 2]))
    assert middle
    for spec in (SnapshotSpec(), window):
        local = build_snapshot(market, spec, use_cache=False)
        remote = engine.snapshot(spark, market, spec)
        assert np.array_equal(local.people, remote.people)
        assert (local.matrix != remote.matrix).nnz == 0 or np.allclose(
            local.matrix.toarray(), remote.matrix.toarray(), rtol=1e-12
        )
        assert local.edges > 1_000 and (local.people > 0).sum() >= 3  # people and market nodes


def test_pagerank_ppr_components_and_adoption_agree(spark, market):  # type: ignore[no-untyped-def]
    from salon.lake import spark as engine

    local = build_snapshot(market, use_cache=False)
    graph = engine.edges(spark, market).cache()
    # Both engines with one stopping rule (looser than the default, to keep Spark's
    # iterations few): they stop at the same iteration with the same scores.
    ranked = engine.pagerank(spark, graph, tol=TOL)
    plain = pagerank(local, tol=TOL)
    assert np.array_equal(ranked.people, local.people)
    assert ranked.iterations == plain.iterations
    assert np.abs(ranked.values - plain.values).max() <= 1e-6

    members = local.people[np.argsort(-np.asarray(local.matrix.sum(axis=0)).ravel())[:50]]
    restart = segment_vector(local, members)
    ppr = engine.pagerank(spark, graph, personalization={int(m): 1.0 for m in members}, tol=TOL)
    expected = pagerank(local, personalization=restart, tol=TOL)
    assert ppr.iterations == expected.iterations
    assert np.abs(ppr.values - expected.values).max() <= 1e-6

    # What `salon --engine spark` runs for a local snapshot's PPR: the same answer.
    values, iterations, _ = engine.pagerank_snapshot(local, personalization=restart, tol=TOL)
    assert iterations == expected.iterations
    assert np.abs(values - expected.values).max() <= 1e-6

    labels = engine.components(spark, graph)
    assert labels == dict(zip(local.people.tolist(), components(local).tolist(), strict=True))
    assert len(set(labels.values())) > 1

    local_times = adoption_times(market, "channel:higgs")
    assert engine.adoption_times(spark, market, "channel:higgs") == local_times
    assert len(local_times) > 3_000


def test_graphx_components_equal_local(spark, market, monkeypatch):  # type: ignore[no-untyped-def]
    from salon.lake import graphx
    from salon.lake import spark as engine

    local = build_snapshot(market, use_cache=False)
    assert graphx.available(spark)
    nodes, labels = graphx.components(spark, engine.edges(spark, market))
    assert np.array_equal(nodes, local.people)
    assert np.array_equal(labels, components(local)) and len(np.unique(labels)) > 1

    # `salon --engine spark components --strong` (GraphX's strongly connected components)
    # gives the local engine's answer.
    expected = salon.components(market, strong=True, top=5).to_dict()
    monkeypatch.setenv("SALON_ENGINE", "spark")
    found = salon.components(market, strong=True, top=5).to_dict()
    assert found.pop("engine") == "spark" and expected.pop("engine") == "local"
    assert found == expected and found["components"] > len(np.unique(labels))

    # Without GraphX (a Spark Connect session) strong components are the local engine's;
    # weak ones are DataFrame iterations (engine.components, checked above).
    monkeypatch.setattr(graphx, "available", lambda spark: False)
    strong = engine.components_snapshot(local, strong=True)
    assert np.array_equal(strong, components(local, strong=True))
