"""Bass fitting as `salon forecast` does it, against SciPy's least_squares, in one run.

`salon forecast` fits one series at a time with :func:`salon.diffusion.bass.fit_bass`
(``salon.insights.adoption.forecast`` → ``_fit`` → ``fit_bass(counts, m_max=size,
bootstrap=200)``): three starting points solved together by a batched Levenberg–Marquardt,
the best kept, then 200 residual-bootstrap refits solved together. This times that call on
``--series`` series of 24 periods drawn from Bass curves (p in [0.005, 0.05], q in [0.1, 0.8],
m in [200, 5,000]) with Poisson-like noise, so the truth is known, without a segment (m capped
at 20 × the adopters so far).

The peer is ``scipy.optimize.least_squares`` (trust-region reflective, the method SciPy uses
for bounds; forward-difference Jacobian as Salon's; ``x_scale="jac"``) doing the same work on
the same series: the same model (``salon.diffusion.bass.predicted``, interval form), the same
bounds (0 < p ≤ 1, 0 ≤ q ≤ 3, adopters so far ≤ m ≤ the cap), the same three starting points,
the best converged start kept, and the same 200 bootstrap samples refitted from the point
estimate. Stopping rules as equal as the two allow: SciPy's ``xtol=1e-7`` and ``ftol=1e-10``
(Salon's XTOL and FTOL), no gradient test (Salon has none), at most 1,000 evaluations (Salon:
1,000 steps). Before any time is printed, the point estimates are compared: p, q and m must
agree to 1e-2 (relative) on every series; how many agree to 1e-3 is printed too, with, for the
others, whether m sits at a bound and which of the two fits has the lower cost.

Also reported: the median relative error of p, q and m against the truth, how often the 90 %
interval of m holds it, and what 200 refits cost beside one fit.

Usage: python bench/bench_bass.py [--series 200] [--bootstrap 200]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from _results import ratio, recorded
from scipy.optimize import least_squares

from salon.diffusion.bass import M_CAP_FACTOR, _starts, count_samples, fit_bass, predicted
from salon.diffusion.lm import FTOL, MAX_ITERATIONS, Q_MAX, XTOL

#: Point estimates must agree to this (relative) on every series before times are shown.
AGREE = 1e-2
#: ... and how many agree to this is reported.
CLOSE = 1e-3
PERIODS = 24


def scipy_fit(n: np.ndarray, start: np.ndarray, cap: float) -> tuple[np.ndarray, float, bool]:
    """One least-squares fit of the Bass curve, Salon's bounds and tolerances."""
    low = np.array([1e-9, 0.0, n.sum()])
    high = np.array([1.0, Q_MAX, cap])
    result = least_squares(
        lambda x: predicted(x, len(n))[0] - n,
        np.clip(start, low, high),
        bounds=(low, high),
        method="trf",
        x_scale="jac",
        xtol=XTOL,
        ftol=FTOL,
        gtol=None,
        max_nfev=MAX_ITERATIONS,
    )
    return result.x, 2 * result.cost, result.status > 0


def scipy_bass(n: np.ndarray, bootstrap: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray, int]:
    """What fit_bass does, with least_squares: best of the three starts, then the refits."""
    cap = M_CAP_FACTOR * n.sum()
    fits = [scipy_fit(n, start, cap) for start in _starts(n, cap)]
    converged = [(cost, x) for x, cost, ok in fits if ok]
    if not converged:
        raise RuntimeError("no start converged")
    best = min(converged, key=lambda f: f[0])[1]
    replicates, failed = [], 0
    if bootstrap:
        rng = np.random.default_rng(seed)  # the samples fit_bass draws
        fitted = predicted(best, len(n))[0]
        samples = count_samples(fitted, n - fitted, bootstrap, rng)[0]
        for sample in samples:
            x, _, ok = scipy_fit(sample, best, cap)
            if ok:
                replicates.append(x)
            else:
                failed += 1
    return best, np.array(replicates).reshape(-1, 3), failed


def timed(fn, items):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    out = [fn(x) for x in items]
    return time.perf_counter() - start, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--series", type=int, default=200)
    parser.add_argument("--bootstrap", type=int, default=200)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    count, b = args.series, args.bootstrap
    truth = np.column_stack(
        [
            rng.uniform(0.005, 0.05, count),
            rng.uniform(0.1, 0.8, count),
            rng.uniform(200, 5000, count),
        ]
    )
    clean = predicted(truth, PERIODS)
    noisy = np.clip(clean + rng.normal(0, 1, clean.shape) * np.sqrt(clean + 1), 0, None)
    with recorded(__file__):
        print(
            f"{count:,} series × {PERIODS} periods; one fit_bass call per series, as "
            f"`salon forecast` makes (bootstrap {b}); SciPy least_squares (trf) on the same work"
        )
        fit_bass(noisy[0], bootstrap=b)  # warm caches outside the clock
        salon_point_s, salon_point = timed(lambda n: fit_bass(n, bootstrap=0), noisy)
        scipy_point_s, scipy_point = timed(lambda n: scipy_bass(n, 0), noisy)
        ours = np.array([[f.p, f.q, f.m] for f in salon_point])
        theirs = np.array([f[0] for f in scipy_point])
        difference = (np.abs(ours - theirs) / np.abs(theirs)).max(axis=1)
        close = difference < CLOSE

        def cost(params: np.ndarray, n: np.ndarray) -> float:
            return float(((predicted(params, PERIODS)[0] - n) ** 2).sum())

        apart = np.flatnonzero(~close)
        excess = [cost(ours[i], noisy[i]) / cost(theirs[i], noisy[i]) - 1 for i in apart]
        at_bound = sum(bool(salon_point[i].bounds_hit()) for i in apart)
        print(
            f"point estimates (p, q and m, relative): agree to {CLOSE:g} on {close.sum():,} of "
            f"{count:,} series; the largest difference {difference.max():.1e}, the median "
            f"{np.median(difference):.1e}"
        )
        if len(apart):
            print(
                f"  the other {len(apart)}: {at_bound} with a parameter at a bound (Salon's "
                f"bounds_hit); Salon's sum of squares is higher on {sum(e > 0 for e in excess)}"
                f", by up to {max(excess):.2%} (median {np.median(excess):.2%})"
            )
        if difference.max() >= AGREE:
            print(f"NOT REPORTED: the point estimates differ by more than {AGREE:g} on a series")
            return
        salon_boot_s, salon_boot = timed(lambda n: fit_bass(n, bootstrap=b), noisy)
        scipy_boot_s, scipy_boot = timed(lambda n: scipy_bass(n, b), noisy)
        lows = np.array([np.quantile(f.replicates[:, 2], [0.05, 0.95]) for f in salon_boot])
        peer = np.array(
            [
                np.quantile(r[:, 2], [0.05, 0.95]) if len(r) else [np.nan] * 2
                for _, r, _ in scipy_boot
            ]
        )
        interval_diff = np.nanmedian(np.abs(lows - peer) / peer, axis=0)
        print(
            f"bootstrap: 90 % interval of m, median relative difference of its ends "
            f"{interval_diff[0]:.1e} (low), {interval_diff[1]:.1e} (high); refits not converged: "
            f"salon {sum(f.unconverged_replicates for f in salon_boot):,}, "
            f"scipy {sum(f[2] for f in scipy_boot):,} of {count * b:,}"
        )
        print(
            f"\n{'method':34} {'point fits s':>12} {'with bootstrap s':>16} {'per series ms':>13}"
        )
        print(
            f"{'salon fit_bass (batched LM)':34} {salon_point_s:12.2f} {salon_boot_s:16.2f} "
            f"{salon_boot_s / count * 1000:13.1f}"
        )
        print(
            f"{'scipy least_squares (trf)':34} {scipy_point_s:12.2f} {scipy_boot_s:16.2f} "
            f"{scipy_boot_s / count * 1000:13.1f}"
        )
        print(
            f"peer/salon time: point fits {ratio(scipy_point_s, salon_point_s)}, with bootstrap "
            f"{ratio(scipy_boot_s, salon_boot_s)}; salon's {b} refits cost "
            f"{(salon_boot_s - salon_point_s) / salon_point_s:.1f}× one point fit "
            f"(scipy's: {(scipy_boot_s - scipy_point_s) / scipy_point_s:.1f}×)"
        )
        errors = np.median(np.abs(ours - truth) / truth, axis=0)
        held = np.array(
            [
                (i := f.interval("m")) is not None and i[0] <= t[2] <= (i[1] or np.inf)
                for f, t in zip(salon_boot, truth, strict=True)
            ]
        )
        # With noise, a series can add up to more than its curve's m; no fit bounded by
        # "m >= the adopters seen" can then hold the truth.
        reachable = truth[:, 2] >= noisy.sum(axis=1)
        print(
            f"salon against the truth: median relative error p {errors[0]:.3f}, q {errors[1]:.3f}, "
            f"m {errors[2]:.3f}; the 90 % interval of m holds the truth for {held.mean():.0%} of "
            f"series, {held[reachable].mean():.0%} of the {reachable.sum()} whose m is at least "
            f"the noisy series' total (on the other {(~reachable).sum()} the truth is below the "
            "adopters seen, outside m's bounds)"
        )


if __name__ == "__main__":
    main()
