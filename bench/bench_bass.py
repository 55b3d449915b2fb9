"""Bass fitting at scale: 10,000 series fitted with bootstrap intervals, in one run.

Series of 24 periods are drawn from Bass curves (p in [0.005, 0.05], q in [0.1, 0.8],
m in [200, 5,000]) with Poisson-like noise, so the truth is known. Reported: the time of
:func:`salon.diffusion.bass.fit_bass_many` (point fits and residual-bootstrap refits, batched
Levenberg–Marquardt), the median relative error of p, q and m, and how often the 90 % interval
of m holds the truth. The one-series :func:`fit_bass` with SciPy-free batching is timed on 200
series for comparison.

Usage: python bench/bench_bass.py [--series 10000] [--bootstrap 100]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from salon.diffusion.bass import fit_bass, fit_bass_many, predicted


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--series", type=int, default=10_000)
    parser.add_argument("--bootstrap", type=int, default=100)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    n = args.series
    truth = np.column_stack(
        [rng.uniform(0.005, 0.05, n), rng.uniform(0.1, 0.8, n), rng.uniform(200, 5000, n)]
    )
    clean = predicted(truth, 24)
    noisy = np.clip(clean + rng.normal(0, 1, clean.shape) * np.sqrt(clean + 1), 0, None)
    start = time.perf_counter()
    fits = fit_bass_many(list(noisy), bootstrap=args.bootstrap)
    seconds = time.perf_counter() - start
    one_at_a_time = time.perf_counter()
    for series in noisy[:200]:
        fit_bass(series, bootstrap=args.bootstrap)
    single = (time.perf_counter() - one_at_a_time) / 200 * n
    estimates = np.array([[f.p, f.q, f.m] for f in fits])
    errors = np.median(np.abs(estimates - truth) / truth, axis=0)
    covered = np.mean(
        [f.interval("m")[0] <= t[2] <= f.interval("m")[1] for f, t in zip(fits, truth, strict=True)]
    )
    print(
        f"{n:,} series × 24 periods, bootstrap {args.bootstrap}: {seconds:.1f} s batched "
        f"(target under 60 s); one series at a time would take {single:.0f} s"
    )
    print(
        f"median relative error p {errors[0]:.3f}, q {errors[1]:.3f}, m {errors[2]:.3f}; "
        f"90 % interval of m holds the truth for {covered:.0%} of series"
    )


if __name__ == "__main__":
    main()
