"""The Spark engine: the same snapshot, PageRank, components and adoption times, planned and
distributed by Apache Spark over the lake's Parquet.

``salon --engine spark [--master URL]`` (or ``SALON_ENGINE=spark``, ``SALON_SPARK_MASTER``)
runs these here instead of in NumPy/SciPy. Everything is a Spark DataFrame: the lake's edge
partitions read with ``spark.read.parquet``, joined with its nodes and the store's identities
(which node is which person), weighted by a join with the kinds' weights, windowed by time,
made symmetric where the kind is, summed per pair. PageRank is power iteration as DataFrame
joins and aggregations (one Spark job an iteration, the rank vector checkpointed so the plan
stays short), with the local engine's stopping rule, so both stop at the same iteration.
Components are GraphX's (:mod:`salon.lake.graphx`, Spark's graph engine reached through the
JVM), else min-label propagation as DataFrame iterations. The store's own edges (people you
know: a small part) are computed by the local engine and handed to Spark as one more
DataFrame. The session they run on, and which engine is chosen:
:mod:`salon.lake.spark_session`.

PySpark comes from PyPI (``pip install 'salon[spark]'``) and needs a Java 17 runtime
(``openjdk-17-jre-headless`` on Debian/Ubuntu). On a cluster, ``--master spark://host:7077``
(or ``yarn``, ``k8s://…``) and a lake the executors can read (``$SALON_LAKE`` on a shared
path, HDFS or S3 mounted where Salon runs).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from salon.lake.spark_session import session
from salon.reporting import report

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

    from salon.graph.snapshot import GraphSnapshot, SnapshotSpec
    from salon.store.database import Store


def _arrow(spark: SparkSession, columns: Mapping[str, np.ndarray]) -> DataFrame:
    import pyarrow as pa

    return spark.createDataFrame(pa.table({k: pa.array(v) for k, v in columns.items()}))


def rows(spark: SparkSession, store: Store, spec: SnapshotSpec | None = None) -> DataFrame:
    """Every weighted edge of the snapshot, one row per tie or event: ``(src, dst, kind,
    weight)`` in person ids (merged people mapped to their canonical id), self-loops and
    non-positive weights dropped. The lake's part is joined, weighted and windowed on Spark;
    the store's part (your own edges) comes from the local engine."""
    from pyspark.sql import functions as F

    from salon.graph.snapshot import SYMMETRIC_KINDS, SnapshotSpec, _edges
    from salon.lake.graph import open_lake
    from salon.store.merges import canonical_map
    from salon.store.schema import identities

    spec = spec or SnapshotSpec()
    with store.engine.connect() as connection:
        (src, dst, weight, kind), names = _edges(connection, spec)  # the store's own edges
        mapping = canonical_map(connection)
        found = open_lake(store, connection)
        known = []
        if found is not None:
            namespaces = sorted(
                {str(s["namespace"]) for p in found[1].partitions for s in p.sources}
            )
            i = identities.c
            known = connection.execute(
                identities.select()
                .with_only_columns(i.platform, i.value, i.person_id)
                .where(i.platform.in_(namespaces), i.kind == "id")
            ).all()
    import pyarrow as pa

    kind_names = pa.array(names or [""], pa.string())
    parts = [
        spark.createDataFrame(
            pa.table(
                {
                    "src": pa.array(src, pa.int64()),
                    "dst": pa.array(dst, pa.int64()),
                    "kind": kind_names.take(pa.array(kind.astype(np.int64))),
                    "weight": pa.array(weight, pa.float64()),
                }
            )
        )
    ]
    if found is not None:
        folder, manifest = found
        lake = spark.read.parquet(*[str(folder / p) for p in manifest.paths("edges")])
        nodes = spark.read.parquet(*[str(folder / p) for p in manifest.paths("nodes")])
        people = nodes.select("namespace", "id", "code")
        if known:
            ids = spark.createDataFrame(
                [(str(a), str(b), int(c)) for a, b, c in known],
                "namespace string, id string, person long",
            )
            people = people.join(ids, ["namespace", "id"], "left")
        else:
            people = people.withColumn("person", F.lit(None).cast("long"))
        people = people.select("code", F.coalesce("person", -(F.col("code") + 1)).alias("person"))
        if spec.kinds is not None:
            lake = lake.where(F.col("kind").isin(list(spec.kinds)))
        if spec.since is not None:
            lake = lake.where(F.col("at").isNull() | (F.col("at") >= spec.since))
        if spec.until is not None:
            lake = lake.where(F.col("at").isNull() | (F.col("at") <= spec.until))
        kinds = [r[0] for r in lake.select("kind").distinct().collect()]
        weights = spark.createDataFrame(
            [(k, spec.weight(k), k in SYMMETRIC_KINDS) for k in kinds],
            "kind string, factor double, symmetric boolean",
        )
        weighted = (
            lake.join(F.broadcast(weights), "kind")
            .join(people.withColumnRenamed("code", "src").withColumnRenamed("person", "s"), "src")
            .join(people.withColumnRenamed("code", "dst").withColumnRenamed("person", "d"), "dst")
            .select(
                F.col("s").alias("src"),
                F.col("d").alias("dst"),
                "kind",
                (F.greatest(F.col("weight"), F.lit(0.0)) * F.col("factor")).alias("weight"),
                "symmetric",
            )
        )
        parts.append(weighted.drop("symmetric"))
        parts.append(
            weighted.where("symmetric").select(
                F.col("dst").alias("src"), F.col("src").alias("dst"), "kind", "weight"
            )
        )
    union = parts[0]
    for part in parts[1:]:
        union = union.unionByName(part)
    if mapping:
        merged = spark.createDataFrame(
            [(int(a), int(b)) for a, b in mapping.items()], "member long, canonical long"
        )
        for column in ("src", "dst"):
            union = (
                union.join(F.broadcast(merged), union[column] == merged["member"], "left")
                .withColumn(column, F.coalesce("canonical", column))
                .drop("member", "canonical")
            )
    return union.where((F.col("src") != F.col("dst")) & (F.col("weight") > 0))


def edges(spark: SparkSession, store: Store, spec: SnapshotSpec | None = None) -> DataFrame:
    """The snapshot's weighted graph on Spark: ``(src, dst, weight)`` summed per pair."""
    from pyspark.sql import functions as F

    return rows(spark, store, spec).groupBy("src", "dst").agg(F.sum("weight").alias("weight"))


def snapshot(spark: SparkSession, store: Store, spec: SnapshotSpec | None = None) -> GraphSnapshot:
    """The snapshot built on Spark (joins, weights, time windows, merges, sums per pair and
    kind), collected as the CSR arrays the analytics read, per-kind views included."""
    import scipy.sparse as sp
    from pyspark.sql import functions as F

    from salon.graph.snapshot import GraphSnapshot

    table = (
        rows(spark, store, spec)
        .groupBy("src", "dst", "kind")
        .agg(F.sum("weight").alias("weight"), F.count("*").alias("rows"))
        .toArrow()
    )
    src, dst = table["src"].to_numpy(), table["dst"].to_numpy()
    graph = GraphSnapshot.from_edges(src, dst, table["weight"].to_numpy())
    n = graph.n
    u = np.searchsorted(graph.people, src).astype(np.int32)
    v = np.searchsorted(graph.people, dst).astype(np.int32)
    kinds = table["kind"].to_numpy(zero_copy_only=False)
    counts = table["rows"].to_numpy().astype(np.float32)
    for name in sorted(set(kinds.tolist())):
        mask = kinds == name
        m = sp.csr_matrix((counts[mask], (u[mask], v[mask])), shape=(n, n), dtype=np.float32)
        m.sum_duplicates()
        graph.kinds[name] = m
    return graph


def pagerank_snapshot(
    snapshot: GraphSnapshot,
    *,
    alpha: float = 0.85,
    personalization: np.ndarray | None = None,
    tol: float = 1e-10,
    max_iter: int = 1000,
) -> tuple[np.ndarray, int, float]:
    """:func:`salon.graph.influence.pagerank` of a local snapshot, iterated on Spark (what
    ``salon --engine spark`` runs): scores by node index, iterations, last change."""
    import pyarrow as pa

    spark = session()
    coo = snapshot.matrix.tocoo()
    graph = spark.createDataFrame(
        pa.table(
            {
                "src": pa.array(coo.row.astype(np.int64)),
                "dst": pa.array(coo.col.astype(np.int64)),
                "weight": pa.array(coo.data.astype(np.float64)),
            }
        )
    )
    restart = None
    if personalization is not None:
        chosen = np.flatnonzero(np.asarray(personalization) > 0)
        restart = dict(
            zip(chosen.tolist(), np.asarray(personalization)[chosen].tolist(), strict=True)
        )
    found = pagerank(spark, graph, alpha=alpha, personalization=restart, tol=tol, max_iter=max_iter)
    values = np.zeros(snapshot.n)
    values[found.people] = found.values
    return values, found.iterations, found.error


@dataclass
class SparkScores:
    """PageRank on Spark: person ids, their scores, iterations and the last L1 change."""

    people: np.ndarray
    values: np.ndarray
    iterations: int
    error: float


def pagerank(
    spark: SparkSession,
    graph: DataFrame,
    *,
    alpha: float = 0.85,
    personalization: Mapping[int, float] | None = None,
    tol: float = 1e-10,
    max_iter: int = 1000,
) -> SparkScores:
    """Power iteration on Spark as :func:`salon.graph.influence.pagerank` does it locally:
    dangling rank follows the restart distribution; converged when the L1 change is below
    ``tol × n``. ``graph`` is ``(src, dst, weight)`` (from :func:`edges`);
    ``personalization`` maps person ids to restart weights (``None``: uniform)."""
    from pyspark import StorageLevel
    from pyspark.sql import functions as F

    from salon.errors import ConvergenceError

    graph = graph.persist(StorageLevel.MEMORY_AND_DISK)
    nodes = (
        graph.select(F.col("src").alias("node"))
        .union(graph.select(F.col("dst").alias("node")))
        .distinct()
    )
    out = graph.groupBy("src").agg(F.sum("weight").alias("out"))
    links = (
        graph.join(out, "src").select("src", "dst", (F.col("weight") / F.col("out")).alias("p"))
    ).persist(StorageLevel.MEMORY_AND_DISK)
    n = nodes.count()
    if n == 0:
        return SparkScores(np.zeros(0, np.int64), np.zeros(0), 0, 0.0)
    if personalization is None:
        restart = nodes.withColumn("v", F.lit(1.0 / n))
    else:
        given = spark.createDataFrame(
            [(int(k), float(w)) for k, w in personalization.items() if w > 0], "node long, w double"
        ).join(nodes, "node")
        total = given.agg(F.sum("w")).collect()[0][0]
        if not total:
            raise ValueError("the personalisation vector has no weight")
        restart = nodes.join(given, "node", "left").select(
            "node", (F.coalesce("w", F.lit(0.0)) / total).alias("v")
        )
    dangles = nodes.join(out.withColumnRenamed("src", "node"), "node", "left").select(
        "node", F.col("out").isNull().alias("dangling")
    )
    base = restart.join(dangles, "node").localCheckpoint()
    rank = base.select("node", F.col("v").alias("r"), "v", "dangling").localCheckpoint()
    error = float("inf")
    mass = rank.where("dangling").agg(F.sum("r")).collect()[0][0] or 0.0
    for iteration in range(1, max_iter + 1):
        spread = (
            links.join(rank.select(F.col("node").alias("src"), "r"), "src")
            .groupBy("dst")
            .agg(F.sum(F.col("r") * F.col("p")).alias("s"))
            .withColumnRenamed("dst", "node")
        )
        new = (
            rank.join(spread, "node", "left")
            .select(
                "node",
                (
                    alpha * F.coalesce("s", F.lit(0.0))
                    + alpha * mass * F.col("v")
                    + (1 - alpha) * F.col("v")
                ).alias("r_new"),
                "r",
                "v",
                "dangling",
            )
            .localCheckpoint()
        )
        change, mass = new.agg(
            F.sum(F.abs(F.col("r_new") - F.col("r"))),
            F.sum(F.when(F.col("dangling"), F.col("r_new")).otherwise(F.lit(0.0))),
        ).collect()[0]
        error = float(change)
        report("PageRank iteration on Spark", iteration, 0)
        rank = new.select("node", F.col("r_new").alias("r"), "v", "dangling")
        if error < n * tol:
            table = rank.select("node", "r").toArrow()
            order = np.argsort(table["node"].to_numpy())
            graph.unpersist()
            links.unpersist()
            return SparkScores(
                table["node"].to_numpy()[order], table["r"].to_numpy()[order], iteration, error
            )
    raise ConvergenceError(
        f"PageRank on Spark did not converge in {max_iter} iterations (error {error:.2e})."
    )


def components(spark: SparkSession, graph: DataFrame, *, max_iter: int = 1000) -> dict[int, int]:
    """Weak components by min-label propagation on Spark: ``{person: smallest person id of
    their component}``, the labels of :func:`salon.graph.components.components`."""
    from pyspark.sql import functions as F

    both = (
        graph.select("src", "dst")
        .union(graph.select(F.col("dst").alias("src"), F.col("src").alias("dst")))
        .distinct()
        .localCheckpoint()
    )
    label = both.select(F.col("src").alias("node")).distinct().withColumn("label", F.col("node"))
    label = label.localCheckpoint()
    for iteration in range(1, max_iter + 1):
        report("components on Spark, round", iteration, 0)
        offered = (
            both.join(label.withColumnRenamed("node", "src"), "src")
            .groupBy("dst")
            .agg(F.min("label").alias("offer"))
            .withColumnRenamed("dst", "node")
        )
        new = (
            label.join(offered, "node", "left")
            .select(
                "node",
                F.least("label", F.coalesce("offer", "label")).alias("label"),
                (F.coalesce("offer", "label") < F.col("label")).alias("changed"),
            )
            .localCheckpoint()
        )
        changed = new.where("changed").count()
        label = new.select("node", "label")
        if not changed:
            break
    table = label.toArrow()
    return dict(
        zip(table["node"].to_numpy().tolist(), table["label"].to_numpy().tolist(), strict=True)
    )


def components_snapshot(snapshot: GraphSnapshot, *, strong: bool = False) -> np.ndarray:
    """:func:`salon.graph.components.components` of a local snapshot, on Spark (what
    ``salon --engine spark`` runs): each node's label, the smallest person id of its weak
    (``strong``: strongly connected) component. GraphX where the session reaches it; else
    weak components by :func:`components` (DataFrame iterations) and strong ones by the
    local engine."""
    from salon.graph.components import local_components
    from salon.lake import graphx

    spark = session()
    coo = snapshot.matrix.tocoo()
    graph = _arrow(spark, {"src": snapshot.people[coo.row], "dst": snapshot.people[coo.col]})
    if graphx.available(spark):
        nodes, labels = graphx.components(spark, graph, strong=strong)
    elif strong:
        return local_components(snapshot, strong=True)
    else:
        found = components(spark, graph)
        nodes = np.fromiter(found.keys(), np.int64, len(found))
        labels = np.fromiter(found.values(), np.int64, len(found))
    out = np.zeros(snapshot.n, np.int64)
    out[snapshot.index(nodes)] = labels
    return out


def adoption_times(spark: SparkSession, store: Store, innovation: str) -> dict[int, float]:
    """``{person: first time}`` for ``channel:NAME`` or ``platform:NAME``: the store's part
    from the local engine, the lake's (each node's first timed edge in namespace NAME) as a
    Spark join and aggregation, merged by the earliest; other kinds are the store's alone."""
    from pyspark.sql import functions as F

    from salon.lake.graph import open_lake
    from salon.store import adoptions
    from salon.store.merges import canonical_map
    from salon.store.schema import identities

    kind, _, value = innovation.partition(":")
    with store.engine.connect() as connection:
        found = open_lake(store, connection) if kind in ("channel", "platform") else None
        mapping = canonical_map(connection)
        known = connection.execute(
            identities.select()
            .with_only_columns(identities.c.value, identities.c.person_id)
            .where(identities.c.platform == value, identities.c.kind == "id")
        ).all()
    local = adoptions.adoption_times(store, innovation, lake=False)
    if found is None:
        return local
    folder, manifest = found
    lake = spark.read.parquet(*[str(folder / p) for p in manifest.paths("edges")])
    nodes = spark.read.parquet(*[str(folder / p) for p in manifest.paths("nodes")])
    firsts = (
        lake.where(F.col("at").isNotNull())
        .join(
            nodes.where(F.col("namespace") == value).select(F.col("code").alias("src"), "id"), "src"
        )
        .groupBy("src", "id")
        .agg(F.min("at").alias("first"))
    )
    if known:
        ids = spark.createDataFrame([(str(a), int(b)) for a, b in known], "id string, person long")
        firsts = firsts.join(ids, "id", "left")
    else:
        firsts = firsts.withColumn("person", F.lit(None).cast("long"))
    rows = firsts.select(F.coalesce("person", -(F.col("src") + 1)).alias("p"), "first").collect()
    out = dict(local)
    for pid, first in rows:
        pid = mapping.get(pid, pid)
        if pid not in out or first < out[pid]:
            out[pid] = float(first)
    return out
