"""Putting a snapshot together from the store's own edges (person ids) and the market lake's
(node codes), without ever holding the lake's edges as 64-bit person ids.

At 10^8 lake edges the plain route (person ids, ``np.unique`` over both ends, COO) needed
more than 8 GiB; here each lake edge costs 16 bytes read and 16 more as matrix indices, and
node codes become matrix indices through one lookup array the size of the node table.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from salon.graph.snapshot import GraphSnapshot
from salon.lake.graph import LakeColumns
from salon.reporting import report
from salon.store.merges import canonical_ids

_BLOCK = 1 << 23


def assemble(
    columns: list[np.ndarray],
    lake: LakeColumns | None,
    mapping: Mapping[int, int],
    kind_names: list[str],
) -> GraphSnapshot:
    """The snapshot of the store's edge ``columns`` (src, dst, weight, kind in person ids)
    and the ``lake``'s, merged people mapped to whom they were merged into: the same graph
    :meth:`GraphSnapshot.from_edges` builds from all edges as person ids. The lake's columns
    are consumed (freed as soon as they are copied into the matrix's)."""
    src, dst, weight, kind = columns
    src, dst = canonical_ids(src, mapping), canonical_ids(dst, mapping)
    if lake is None or not len(lake.src):
        return GraphSnapshot.from_edges(src, dst, weight, kind, kind_names)
    keep = (src != dst) & (weight > 0)
    src, dst, weight, kind = src[keep], dst[keep], weight[keep], kind[keep]
    people_of = canonical_ids(lake.people, mapping)
    # Which lake edges stay (no self-loop once merged, positive weight) and which nodes they
    # touch, a block at a time: no 64-bit copy of the whole edge list.
    total = len(lake.src)
    stays = np.empty(total, dtype=bool)
    used = np.zeros(len(people_of), dtype=bool)
    for start in range(0, total, _BLOCK):
        block = slice(start, start + _BLOCK)
        s, d = lake.src[block], lake.dst[block]
        ok = (people_of[s] != people_of[d]) & (lake.weight[block] > 0)
        stays[block] = ok
        used[s[ok]] = True
        used[d[ok]] = True
        report("joining the lake's nodes", min(start + _BLOCK, total), total)
    people = np.sort(np.concatenate([src, dst, people_of[used]]))  # a sort: hashing is slower
    people = people[np.concatenate([[True], people[1:] != people[:-1]])[: len(people)]]
    index_of = np.searchsorted(people, people_of).astype(np.int32)  # unused codes: never read
    del used, people_of
    kept = int(stays.sum())
    mine = len(src)
    u = np.empty(mine + kept, dtype=np.int32)
    v = np.empty(mine + kept, dtype=np.int32)
    u[:mine] = np.searchsorted(people, src)
    v[:mine] = np.searchsorted(people, dst)
    at = mine
    for start in range(0, total, _BLOCK):
        block = slice(start, start + _BLOCK)
        ok = stays[block]
        n = int(ok.sum())
        u[at : at + n] = index_of[lake.src[block][ok]]
        v[at : at + n] = index_of[lake.dst[block][ok]]
        at += n
    lake.src = lake.dst = np.zeros(0, np.int32)  # free the codes before the matrix is built
    all_weight = np.concatenate([weight, lake.weight[stays]])
    all_kind = np.concatenate([kind, lake.kind[stays]])
    lake.weight = np.zeros(0)
    lake.kind = np.zeros(0, np.int16)
    del stays
    report("building the matrix", 0, 0)
    return GraphSnapshot.from_indices(people, u, v, all_weight, all_kind, kind_names)
