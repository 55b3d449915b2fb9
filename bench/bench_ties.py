"""Tie strength on 10 million interactions: ``salon.graph.ties.tie_strengths`` against the same
computation written plainly in pandas, on the same arrays, in the same run.

The interactions are generated from real data sets' distributions (CollegeMsg, Radosław
e-mail, Copenhagen SMS and calls, Bitcoin OTC ratings): each person's activity (interactions
sent) and popularity (received) are drawn from the real people's counts (heavy-tailed), pairs
join a sender drawn by activity and a receiver drawn by popularity (Chung–Lu), each pair gets
a number of interactions drawn from the real pairs' counts, its first at a time uniform over
two years and the next ones after gaps drawn from the real gaps between a pair's consecutive
interactions; a reply turns the direction round as often as in the real pairs. Kinds: message
50 %, reply 14 %, like 14 %, mention 8 %, e-mail 6 %, call 4 %, meeting 2 %, coffee 1 %,
dinner 1 %. The events are handed over in time order (as a log is written).

Both compute, per unordered pair: the strength (kind weight × exp(−age/τ), an answer to the
pair's previous interaction × (1 + β exp(−gap/θ))), the interactions, those each way, the
answers, the first and the last. The results are checked to agree (every pair, relative 1e-9)
before any time is reported. Salon's time is the best of 3 after a warm-up (numba compiles
once and caches); pandas' the best of 2.

Usage: python bench/bench_ties.py [--events N] [--threads T]
"""

from __future__ import annotations

import argparse
import math
import time
from pathlib import Path

import numpy as np
import pandas as pd
from _results import ratio, recorded

from salon.graph.ties import (
    DAY,
    DEFAULT_ANSWER_BONUS,
    DEFAULT_ANSWER_DAYS,
    DEFAULT_HALF_LIFE_DAYS,
    SYMMETRIC,
    TIE_WEIGHTS,
    tie_strengths,
)

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
KINDS = ("message", "reply", "like", "mention", "email", "call", "meeting", "coffee", "dinner")
SHARES = (0.50, 0.14, 0.14, 0.08, 0.06, 0.04, 0.02, 0.01, 0.01)
SPAN = 2 * 365 * DAY


def _real_events() -> list[np.ndarray]:
    """(src, dst, time) of each real data set, as arrays of three columns."""
    sets = [np.loadtxt(DATA / "collegemsg" / "CollegeMsg.txt", dtype=np.int64)]
    konect = np.loadtxt(DATA / "radoslaw_email_konect" / "out.radoslaw_email_email", comments="%")
    sets.append(konect[:, [0, 1, 3]].astype(np.int64))
    for name, cols in (("sms.csv", [1, 2, 0]), ("calls.csv", [1, 2, 0])):
        rows = np.loadtxt(DATA / "copenhagen_cns" / name, delimiter=",", skiprows=1)
        sets.append(rows[:, cols].astype(np.int64))
    otc = np.loadtxt(DATA / "bitcoin_trust" / "soc-sign-bitcoinotc.csv", delimiter=",")
    sets.append(otc[:, [0, 1, 3]].astype(np.int64))
    return sets


def _distributions() -> dict[str, np.ndarray]:
    """Pooled over the real sets: activity, popularity, interactions per pair, gaps within a
    pair (seconds), and whether the next interaction turns the direction round."""
    out: dict[str, list[np.ndarray]] = {k: [] for k in ("out", "in", "pair", "gap", "turn")}
    for rows in _real_events():
        rows = rows[rows[:, 0] != rows[:, 1]]
        rows = rows[np.argsort(rows[:, 2], kind="stable")]
        out["out"].append(np.unique(rows[:, 0], return_counts=True)[1])
        out["in"].append(np.unique(rows[:, 1], return_counts=True)[1])
        a, b = np.minimum(rows[:, 0], rows[:, 1]), np.maximum(rows[:, 0], rows[:, 1])
        key = a * (int(b.max()) + 1) + b
        order = np.argsort(key, kind="stable")
        key, t, fwd = key[order], rows[order, 2], (rows[:, 0] < rows[:, 1])[order]
        out["pair"].append(np.unique(key, return_counts=True)[1])
        same = key[1:] == key[:-1]
        out["gap"].append(np.diff(t)[same])
        out["turn"].append(fwd[1:][same] != fwd[:-1][same])
    return {k: np.concatenate(v) for k, v in out.items()}


def generate(events: int, seed: int = 0) -> dict[str, np.ndarray]:
    """``events`` interactions drawn as the module says; arrays in time order."""
    rng = np.random.default_rng(seed)
    real = _distributions()
    per_pair = rng.choice(real["pair"], size=events)  # more than enough pairs
    pairs = int(np.searchsorted(np.cumsum(per_pair), events)) + 1
    per_pair = per_pair[:pairs]
    per_pair[-1] -= per_pair.sum() - events
    people = max(pairs // 3, 1000)
    activity = rng.choice(real["out"], size=people).astype(float)
    popularity = rng.choice(real["in"], size=people).astype(float)
    src = rng.choice(people, size=pairs, p=activity / activity.sum())
    dst = rng.choice(people, size=pairs, p=popularity / popularity.sum())
    dst = np.where(dst == src, (dst + 1) % people, dst)
    pair = np.repeat(np.arange(pairs), per_pair)
    start = np.repeat(rng.uniform(0, SPAN, pairs), per_pair)
    first = np.r_[True, pair[1:] != pair[:-1]]
    gaps = np.where(first, 0.0, rng.choice(real["gap"], size=events).astype(float))
    group_start = np.flatnonzero(first)
    offset = np.cumsum(gaps)
    offset -= np.repeat(offset[group_start], per_pair)
    at = start + offset
    turn = np.where(first, False, rng.random(events) < real["turn"].mean())
    flips = np.cumsum(turn)
    flips -= np.repeat(flips[group_start], per_pair)
    forward = flips % 2 == 0
    s = np.where(forward, src[pair], dst[pair])
    d = np.where(forward, dst[pair], src[pair])
    kind = rng.choice(len(KINDS), size=events, p=np.array(SHARES) / sum(SHARES))
    order = np.argsort(at, kind="stable")
    return {
        "src": s[order],
        "dst": d[order],
        "kind": kind[order].astype(np.int32),
        "at": at[order],
        "now": float(at.max()),
    }


def pandas_ties(data: dict[str, np.ndarray]) -> pd.DataFrame:
    """The same computation, written plainly in pandas."""
    tau = DEFAULT_HALF_LIFE_DAYS * DAY / math.log(2)
    df = pd.DataFrame({"src": data["src"], "dst": data["dst"], "at": data["at"]})
    df["kind"] = pd.Categorical.from_codes(data["kind"], categories=list(KINDS))
    df = df[df.src != df.dst]
    df["a"] = df[["src", "dst"]].min(axis=1)
    df["b"] = df[["src", "dst"]].max(axis=1)
    symmetric = df.kind.isin(SYMMETRIC).to_numpy()
    df["dir"] = np.where(symmetric, 0, np.where(df.src < df.dst, 1, -1))
    weight = df.kind.map({k: TIE_WEIGHTS[k] for k in KINDS}).astype(float)
    df["w"] = weight * np.exp(-(data["now"] - df["at"]).clip(lower=0) / tau)
    df = df.sort_values(["a", "b"], kind="stable")  # each pair's interactions in time order
    group = df.groupby(["a", "b"], sort=False)
    previous_dir, previous_at = group["dir"].shift(), group["at"].shift()
    df["answer"] = (df.dir != 0) & (previous_dir == -df.dir)
    bonus = DEFAULT_ANSWER_BONUS * np.exp(-(df["at"] - previous_at) / (DEFAULT_ANSWER_DAYS * DAY))
    df["w"] = df.w * np.where(df.answer, 1 + bonus, 1.0)
    df["sent"] = df.dir >= 0
    df["received"] = df.dir <= 0
    return (
        df.groupby(["a", "b"])
        .agg(
            strength=("w", "sum"),
            frequency=("w", "size"),
            sent=("sent", "sum"),
            received=("received", "sum"),
            answers=("answer", "sum"),
            first=("at", "min"),
            last=("at", "max"),
        )
        .reset_index()
    )


def salon_ties(data: dict[str, np.ndarray], threads: int | None):  # type: ignore[no-untyped-def]
    return tie_strengths(
        data["src"],
        data["dst"],
        data["kind"],
        data["at"],
        now=data["now"],
        kinds=KINDS,
        threads=threads,
    )


def agree(found, peer: pd.DataFrame) -> None:  # type: ignore[no-untyped-def]
    assert len(found) == len(peer), (len(found), len(peer))
    assert (found.pairs[:, 0] == peer.a.to_numpy()).all()
    assert (found.pairs[:, 1] == peer.b.to_numpy()).all()
    for name in ("frequency", "sent", "received", "answers"):
        assert (getattr(found, name) == peer[name].to_numpy()).all(), name
    for name in ("strength", "first", "last"):
        assert np.allclose(getattr(found, name), peer[name].to_numpy(), rtol=1e-9, atol=0), name


def best(runs: int, call) -> tuple[float, object]:  # type: ignore[no-untyped-def]
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = call()
        times.append(time.perf_counter() - start)
    return min(times), result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--threads", type=int, default=None)
    args = parser.parse_args()
    with recorded(__file__):
        start = time.perf_counter()
        data = generate(args.events)
        print(
            f"{args.events:,} interactions generated from the real sets' distributions in "
            f"{time.perf_counter() - start:.1f} s: {len(np.unique(data['src'])):,} senders"
        )
        salon_ties(generate(10_000), args.threads)  # warm-up: numba loads its cache
        salon_time, found = best(3, lambda: salon_ties(data, args.threads))
        pandas_time, peer = best(2, lambda: pandas_ties(data))
        agree(found, peer)  # type: ignore[arg-type]
        print(
            f"{len(found):,} pairs; Salon and pandas agree on every pair "  # type: ignore[arg-type]
            "(strength, first and last to 1e-9; counts, each way and answers exactly)"
        )
        print(f"salon tie_strengths   {salon_time:7.2f} s   (best of 3, after a warm-up)")
        print(f"pandas, written plainly {pandas_time:5.2f} s   (best of 2)")
        print(f"ratio (pandas / Salon) {ratio(pandas_time, salon_time)}")
        print(
            f"targets: under 10 s — {'met' if salon_time < 10 else 'MISSED'}; "
            f"at least 5x pandas — {'met' if pandas_time >= 5 * salon_time else 'MISSED'}"
        )


if __name__ == "__main__":
    main()
