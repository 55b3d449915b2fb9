"""GraphX, Spark's own graph engine, reached from PySpark through the JVM (py4j).

PySpark ships GraphX (``pyspark/jars/spark-graphx_*.jar``) but no Python API for it; its
Scala objects are called here through the session's JVM gateway. The edges go from a
DataFrame to the JVM as a ``Dataset[(Long, Long)]`` (``Encoders.tuple``) and its RDD, which
``Graph.fromEdgeTuples`` takes; the implicit ``ClassTag`` arguments of the Scala methods are
passed explicitly. ``ConnectedComponents`` and ``StronglyConnectedComponents`` (Pregel) label
each vertex with the smallest vertex id of its component, as the local engine does, and the
vertices come back as a DataFrame. Where the JVM cannot be reached (a Spark Connect session)
or the jar is missing, :func:`available` is False and :mod:`salon.lake.spark` falls back to
DataFrame iterations.

PageRank stays DataFrame iterations (:func:`salon.lake.spark.pagerank`): GraphX's PageRank
ignores edge weights (each out-edge gets ``1/outdegree``) and leaves dangling nodes' rank
unspread, so its scores cannot equal Salon's weighted PageRank.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession


def available(spark: SparkSession) -> bool:
    """Whether GraphX can be called from this session (a JVM here with GraphX on it)."""
    jvm = getattr(spark, "_jvm", None)
    if jvm is None:
        return False
    from py4j.java_gateway import JavaClass

    try:
        return isinstance(jvm.org.apache.spark.graphx.lib.ConnectedComponents, JavaClass)
    except Exception:  # the gateway is gone or refuses
        return False


def components(
    spark: SparkSession, graph: DataFrame, *, strong: bool = False, max_iter: int = 1000
) -> tuple[np.ndarray, np.ndarray]:
    """Components of ``graph`` (``src``, ``dst``: node ids) by GraphX: the nodes (sorted) and
    their labels, each the smallest node id of the node's weak component (``strong``: of its
    strongly connected component). Call :func:`available` first."""
    from pyspark.sql import DataFrame
    from pyspark.sql import functions as F

    jvm = spark._jvm
    assert jvm is not None
    encoders = jvm.org.apache.spark.sql.Encoders
    pair = encoders.tuple(encoders.LONG(), encoders.LONG())
    chosen = graph.select(F.col("src").cast("long"), F.col("dst").cast("long"))
    edges = getattr(chosen._jdf, "as")(pair).rdd()  # RDD[(Long, Long)] on the JVM
    level = jvm.org.apache.spark.storage.StorageLevel.MEMORY_AND_DISK()
    tag = jvm.scala.reflect.ClassTag.Int()  # vertex and edge attributes: Int
    built = jvm.org.apache.spark.graphx.Graph.fromEdgeTuples(
        edges, 0, jvm.scala.Option.empty(), level, level, tag
    )
    lib = jvm.org.apache.spark.graphx.lib
    if strong:
        found = lib.StronglyConnectedComponents.run(built, max_iter, tag, tag)
    else:
        found = lib.ConnectedComponents.run(built, max_iter, tag, tag)
    try:
        vertices = spark._jsparkSession.createDataset(found.vertices(), pair).toDF()
        table = DataFrame(vertices, spark).toDF("node", "label").toArrow()
    finally:
        found.unpersist(False)
        built.unpersist(False)
    nodes, labels = table["node"].to_numpy(), table["label"].to_numpy()
    order = np.argsort(nodes, kind="stable")
    return nodes[order], labels[order]
