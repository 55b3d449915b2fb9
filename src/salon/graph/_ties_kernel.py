"""The loop behind :func:`salon.graph.ties.tie_strengths`, compiled by numba.

One pass over the events in time order per share of the pairs (a hash of the pair decides
its share; each share runs in its own thread, without the GIL, reading every event and
keeping its own pairs, so no two threads write one pair). Each share finds a pair's row
through an open-addressing hash table of pair keys that grows as pairs come, and keeps a
pair's sums in one row of eight numbers (one cache line). An event answers the pair's
previous timed event when that one went the other way (symmetric kinds go both ways and
answer nothing).
"""

from __future__ import annotations

import numba
import numpy as np

#: Columns of a pair's row.
STRENGTH, STANDING, FREQUENCY, SENT, RECEIVED, ANSWERS, FIRST, LAST = range(8)


@numba.njit(cache=True, inline="always")
def _hash(key: int) -> int:
    # splitmix64's finaliser: spreads consecutive ids over the table
    x = np.uint64(key)
    x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    x = x ^ (x >> np.uint64(31))
    return np.int64(x >> np.uint64(1))


@numba.njit(cache=True)
def _rehash(keys: np.ndarray, count: int, capacity: int) -> np.ndarray:
    table = np.full(capacity, -1, np.int64)
    mask = capacity - 1
    for q in range(count):
        j = _hash(keys[q]) & mask
        while table[j] != -1:
            j = (j + 1) & mask
        table[j] = q
    return table


@numba.njit(cache=True)
def in_time_order(at: np.ndarray) -> bool:
    """True when the timed events come first, in order, and the untimed ones (NaN) after."""
    last = -np.inf
    untimed = False
    for t in at:
        if np.isnan(t):
            untimed = True
        elif untimed or t < last:
            return False
        else:
            last = t
    return True


@numba.njit(cache=True, nogil=True)
def share(
    src: np.ndarray,
    dst: np.ndarray,
    base: int,
    reciprocal: bool,
    codes: np.ndarray,
    at: np.ndarray,
    scale: np.ndarray,
    event_w: np.ndarray,
    tie_w: np.ndarray,
    symmetric: np.ndarray,
    kinds: int,
    now: float,
    tau: float,
    bonus: float,
    within: float,
    part: int,
    parts: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(pair keys, rows, by_kind)`` of the pairs in share ``part`` of ``parts``: a pair's
    key is ``a · base + b`` (``a < b`` when ``reciprocal``); an empty ``scale`` is all 1."""
    capacity = 1024
    table = np.full(capacity, -1, np.int64)
    size = 512
    pair_keys = np.empty(size, np.int64)
    rows = np.zeros((size, 8))
    previous = np.zeros(size, np.int8)
    by_kind = np.zeros((size, kinds), np.int32)
    count = 0
    weighted = scale.shape[0] > 0
    for i in range(src.shape[0]):
        u = src[i]
        v = dst[i]
        if u == v:
            continue
        forward = u < v or not reciprocal
        k = u * base + v if forward else v * base + u
        if parts > 1 and k % parts != part:
            continue
        h = _hash(k)
        mask = capacity - 1
        j = h & mask
        while True:
            q = table[j]
            if q == -1 or pair_keys[q] == k:
                break
            j = (j + 1) & mask
        if q == -1:
            q = count
            if q == size:
                size *= 2
                grown_keys = np.empty(size, np.int64)
                grown_keys[:q] = pair_keys[:q]
                pair_keys = grown_keys
                grown_rows = np.zeros((size, 8))
                grown_rows[:q] = rows[:q]
                rows = grown_rows
                grown_prev = np.zeros(size, np.int8)
                grown_prev[:q] = previous[:q]
                previous = grown_prev
                grown_kinds = np.zeros((size, kinds), np.int32)
                grown_kinds[:q] = by_kind[:q]
                by_kind = grown_kinds
            pair_keys[q] = k
            rows[q, FIRST] = np.nan
            rows[q, LAST] = np.nan
            table[j] = q
            count += 1
            if 2 * count > capacity:
                capacity *= 2
                table = _rehash(pair_keys, count, capacity)
        c = codes[i]
        t = at[i]
        row = rows[q]
        if np.isnan(t):
            row[STANDING] += tie_w[c]
            continue
        weight = event_w[c] * np.exp(-max(now - t, 0.0) / tau)
        if weighted:
            weight *= max(scale[i], 0.0)
        if symmetric[c]:
            row[SENT] += 1
            row[RECEIVED] += 1
            direction = 0
        elif forward:
            row[SENT] += 1
            direction = 1
        else:
            row[RECEIVED] += 1
            direction = -1
        if direction != 0 and previous[q] == -direction:
            row[ANSWERS] += 1
            weight *= 1.0 + bonus * np.exp(-max(t - row[LAST], 0.0) / within)
        previous[q] = direction
        row[STRENGTH] += weight
        row[FREQUENCY] += 1
        by_kind[q, c] += 1
        if np.isnan(row[FIRST]):
            row[FIRST] = t
        row[LAST] = t
    return pair_keys[:count], rows[:count], by_kind[:count]
