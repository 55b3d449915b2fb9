"""Connected components of the attention graph, the local engine's: weak (edges taken both
ways) or strong (everyone reaches everyone along the edges' direction).

Each node is labelled by the smallest person id of its component, so labels mean the same on
every engine (:func:`salon.lake.spark.components_snapshot` computes the same labels on Spark,
with GraphX, Spark's own graph engine). Under ``salon --engine spark`` (``SALON_ENGINE=spark``)
:func:`components` runs there.
"""

from __future__ import annotations

import os

import numpy as np
from scipy.sparse.csgraph import connected_components

from salon.graph.snapshot import GraphSnapshot


def components(snapshot: GraphSnapshot, *, strong: bool = False) -> np.ndarray:
    """For each node of ``snapshot``, the smallest person id in its weak component (with
    ``strong``, its strongly connected component).

    Example
    -------
    >>> g = GraphSnapshot.from_edges([1, 2, 7, 3], [2, 3, 8, 2])
    >>> components(g).tolist()
    [1, 1, 1, 7, 7]
    >>> components(g, strong=True).tolist()
    [1, 2, 2, 7, 8]
    """
    if snapshot.n == 0:
        return np.zeros(0, np.int64)
    if os.environ.get("SALON_ENGINE") == "spark":  # salon --engine spark
        from salon.lake.spark import components_snapshot

        return components_snapshot(snapshot, strong=strong)
    return local_components(snapshot, strong=strong)


def local_components(snapshot: GraphSnapshot, *, strong: bool = False) -> np.ndarray:
    """:func:`components` with SciPy, whatever the engine."""
    if snapshot.n == 0:
        return np.zeros(0, np.int64)
    _, labels = connected_components(
        snapshot.matrix, directed=True, connection="strong" if strong else "weak"
    )
    smallest = np.full(labels.max() + 1, np.iinfo(np.int64).max)
    np.minimum.at(smallest, labels, snapshot.people)
    return smallest[labels]
