"""Connected components of the attention graph (edges taken both ways), the local engine's.

Each node is labelled by the smallest person id of its component, so labels mean the same on
every engine (:func:`salon.lake.spark.components` computes the same labels on Spark).
"""

from __future__ import annotations

import numpy as np
from scipy.sparse.csgraph import connected_components

from salon.graph.snapshot import GraphSnapshot


def components(snapshot: GraphSnapshot) -> np.ndarray:
    """For each node of ``snapshot``, the smallest person id in its weak component.

    Example
    -------
    >>> g = GraphSnapshot.from_edges([1, 2, 7], [2, 3, 8])
    >>> components(g).tolist()
    [1, 1, 1, 7, 7]
    """
    if snapshot.n == 0:
        return np.zeros(0, np.int64)
    _, labels = connected_components(snapshot.matrix, directed=True, connection="weak")
    smallest = np.full(labels.max() + 1, np.iinfo(np.int64).max)
    np.minimum.at(smallest, labels, snapshot.people)
    return smallest[labels]
