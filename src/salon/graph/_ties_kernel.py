"""The loops behind :func:`salon.graph.ties.tie_strengths`, compiled by numba.

Cache-friendly in three passes. The events (in time order) are first spread into buckets by
the pair's smaller person (a range of people a bucket, so that buckets come in the pairs'
order), keeping time order within a bucket; each bucket is then small enough for its pairs'
sums to stay in the processor's cache while its events are summed through a small
open-addressing hash table of pair keys; the buckets run in parallel. Each bucket sorts its
own pairs, so the buckets one after the other give every pair in order, with no sort of them
all. A pair's sums are one row of eight numbers (one cache line). An event answers the pair's
previous timed event when that one went the other way (symmetric kinds go both ways and
answer nothing).
"""

from __future__ import annotations

import numba
import numpy as np

#: Columns of a pair's row.
STRENGTH, STANDING, FREQUENCY, SENT, RECEIVED, ANSWERS, FIRST, LAST = range(8)
#: Events a bucket holds on average.
BUCKET_EVENTS = 8192
_FORWARD = np.int32(1 << 30)


@numba.njit(cache=True, inline="always")
def _hash(key: int) -> int:
    # splitmix64's finaliser: spreads consecutive ids over the table
    x = np.uint64(key)
    x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    x = x ^ (x >> np.uint64(31))
    return np.int64(x >> np.uint64(1))


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


@numba.njit(cache=True)
def _spread(
    src: np.ndarray,
    dst: np.ndarray,
    base: int,
    reciprocal: bool,
    codes: np.ndarray,
    at: np.ndarray,
    scale: np.ndarray,
    buckets: int,
) -> tuple[np.ndarray, ...]:
    """The events bucket by bucket (time order kept): key, time, code (+ forward flag),
    scale; and each bucket's start."""
    n = src.shape[0]
    bucket = np.empty(n, np.int32)
    starts = np.zeros(buckets + 1, np.int64)
    for i in range(n):
        u, v = src[i], dst[i]
        low = min(u, v) if reciprocal else u
        b = -1 if u == v else np.int32(low * buckets // base)
        bucket[i] = b
        if b >= 0:
            starts[b + 1] += 1
    for b in range(buckets):
        starts[b + 1] += starts[b]
    fill = starts[:-1].copy()
    total = starts[buckets]
    keys = np.empty(total, np.int64)
    times = np.empty(total)
    flags = np.empty(total, np.int32)
    weighted = scale.shape[0] > 0
    scales = np.empty(total if weighted else 0)
    for i in range(n):
        b = bucket[i]
        if b < 0:
            continue
        j = fill[b]
        fill[b] = j + 1
        u, v = src[i], dst[i]
        forward = u < v or not reciprocal
        keys[j] = u * base + v if forward else v * base + u
        times[j] = at[i]
        flags[j] = codes[i] | (_FORWARD if forward else 0)
        if weighted:
            scales[j] = scale[i]
    return keys, times, flags, scales, starts


@numba.njit(cache=True, parallel=True)
def tie_table(
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
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(pair keys in order, columns, by_kind)``: ``columns[c]`` is column ``c`` of the
    pairs' rows (:data:`STRENGTH` …); a pair's key is ``a · base + b`` (``a < b``
    when ``reciprocal``); an empty ``scale`` is all 1."""
    buckets = max(1, min(src.shape[0] // BUCKET_EVENTS, 1 << 16))
    keys, times, flags, scales, starts = _spread(
        src, dst, base, reciprocal, codes, at, scale, buckets
    )
    total = keys.shape[0]
    # scratch, a bucket's pairs where its events are (touched only where written)
    pair_keys = np.empty(total, np.int64)
    rows = np.empty((total, 8))
    by_kind = np.empty((total, kinds), np.int32)
    order = np.empty(total, np.int64)
    found = np.zeros(buckets, np.int64)
    for b in numba.prange(buckets):
        start, end = starts[b], starts[b + 1]
        capacity = 16
        while capacity < 2 * (end - start):
            capacity *= 2
        found[b] = _bucket(
            keys,
            times,
            flags,
            scales,
            start,
            end,
            capacity,
            pair_keys,
            rows,
            by_kind,
            event_w,
            tie_w,
            symmetric,
            now,
            tau,
            bonus,
            within,
        )
        local = np.argsort(pair_keys[start : start + found[b]])
        order[start : start + found[b]] = local + start
    offsets = np.zeros(buckets + 1, np.int64)
    for b in range(buckets):
        offsets[b + 1] = offsets[b] + found[b]
    m = offsets[buckets]
    out_keys = np.empty(m, np.int64)
    out_columns = np.empty((8, m))
    out_kinds = np.empty((m, kinds), np.int32)
    for b in numba.prange(buckets):
        for r in range(found[b]):
            q = order[starts[b] + r]
            o = offsets[b] + r
            out_keys[o] = pair_keys[q]
            for c in range(8):
                out_columns[c, o] = rows[q, c]
            out_kinds[o] = by_kind[q]
    return out_keys, out_columns, out_kinds


@numba.njit(cache=True)
def _bucket(
    keys: np.ndarray,
    times: np.ndarray,
    flags: np.ndarray,
    scales: np.ndarray,
    start: int,
    end: int,
    capacity: int,
    pair_keys: np.ndarray,
    rows: np.ndarray,
    by_kind: np.ndarray,
    event_w: np.ndarray,
    tie_w: np.ndarray,
    symmetric: np.ndarray,
    now: float,
    tau: float,
    bonus: float,
    within: float,
) -> int:
    """Sum one bucket's events into rows ``start …``; the number of its pairs."""
    table = np.full(capacity, -1, np.int64)
    mask = capacity - 1
    previous = np.zeros(end - start, np.int8)
    weighted = scales.shape[0] > 0
    count = 0
    for i in range(start, end):
        k = keys[i]
        j = _hash(k) & mask
        while True:
            q = table[j]
            if q == -1 or pair_keys[q] == k:
                break
            j = (j + 1) & mask
        if q == -1:
            q = start + count
            count += 1
            table[j] = q
            pair_keys[q] = k
            rows[q, :] = 0.0
            rows[q, FIRST] = np.nan
            rows[q, LAST] = np.nan
            by_kind[q, :] = 0
        flag = flags[i]
        c = flag & (_FORWARD - 1)
        t = times[i]
        row = rows[q]
        if np.isnan(t):
            row[STANDING] += tie_w[c]
            continue
        weight = event_w[c] * np.exp(-max(now - t, 0.0) / tau)
        if weighted:
            weight *= max(scales[i], 0.0)
        if symmetric[c]:
            row[SENT] += 1
            row[RECEIVED] += 1
            direction = 0
        elif flag & _FORWARD:
            row[SENT] += 1
            direction = 1
        else:
            row[RECEIVED] += 1
            direction = -1
        p = q - start
        if direction != 0 and previous[p] == -direction:
            row[ANSWERS] += 1
            weight *= 1.0 + bonus * np.exp(-max(t - row[LAST], 0.0) / within)
        previous[p] = direction
        row[STRENGTH] += weight
        row[FREQUENCY] += 1
        by_kind[q, c] += 1
        if np.isnan(row[FIRST]):
            row[FIRST] = t
        row[LAST] = t
    return count
