"""The Bass curve and the batched Levenberg–Marquardt solver that fits it.

Parameters are fitted in logit space so the bounds 0 < p < 1, 0 < q < ``Q_MAX`` and
``low ≤ m ≤ high`` always hold. Each row stops once converged (see :func:`fit_many`).
"""

from __future__ import annotations

import numpy as np
from scipy.special import expit

Q_MAX = 3.0
#: Steps at most per fit; a fit that has not converged by then raises ConvergenceError.
MAX_ITERATIONS = 1000
#: Converged: an accepted step moved every parameter and the cost by less than these (relative).
XTOL, FTOL = 1e-7, 1e-10
#: Converged as well: no step lowers the cost (the damping has grown past this).
MAX_DAMPING = 1e10
#: A parameter this close to a bound (share of its range; p: 1e-6 of 1) is held there.
_PIN = np.array([1e-6, 1e-4, 1e-4])


def bass_cdf(t: np.ndarray, p: np.ndarray, q: np.ndarray) -> np.ndarray:
    """Share of the eventual adopters who have adopted by time ``t`` (broadcasts)."""
    e = np.exp(-(p + q) * t)
    return (1 - e) / (1 + (q / p) * e)


def bass_density(t: np.ndarray, p: np.ndarray, q: np.ndarray) -> np.ndarray:
    e = np.exp(-(p + q) * t)
    return ((p + q) ** 2 / p) * e / (1 + (q / p) * e) ** 2


def predicted(params: np.ndarray, periods: int, form: str = "interval") -> np.ndarray:
    """Adoptions per period 1..periods for parameter rows ``(p, q, m)``."""
    params = np.atleast_2d(params)
    p, q, m = (params[:, i : i + 1] for i in range(3))
    t = np.arange(periods + 1, dtype=np.float64)[None, :]
    if form == "density":
        return m * bass_density(t[:, 1:], p, q)
    return m * np.diff(bass_cdf(t, p, q), axis=1)


def _to_params(z: np.ndarray, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    s = expit(z)
    p = np.clip(s[:, 0], 1e-9, 1.0)  # p > 0 keeps F(t) defined
    return np.column_stack([p, Q_MAX * s[:, 1], low + (high - low) * s[:, 2]])


def _from_params(params: np.ndarray, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    def logit(x: np.ndarray) -> np.ndarray:
        x = np.clip(x, 1e-9, 1 - 1e-9)
        return np.log(x / (1 - x))

    return np.column_stack(
        [
            logit(params[:, 0]),
            logit(params[:, 1] / Q_MAX),
            logit((params[:, 2] - low) / np.maximum(high - low, 1e-12)),
        ]
    )


def fit_many(
    observed: np.ndarray,
    start: np.ndarray,
    m_max: np.ndarray,
    *,
    form: str = "interval",
    iterations: int = MAX_ITERATIONS,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Least-squares fits of many series at once (rows of ``observed``); returns the
    parameters ``(p, q, m)``, the sums of squared residuals and whether each row converged.

    A row has converged when an accepted step changed every parameter and the cost by less
    than :data:`XTOL` and :data:`FTOL` (relative), when its cost is zero, or when no step
    lowers the cost any more (the damping has grown past :data:`MAX_DAMPING`). Rows stop
    once converged; the others run at most ``iterations`` steps."""
    observed = np.atleast_2d(np.asarray(observed, dtype=np.float64))
    b, periods = observed.shape
    low = np.maximum(observed.sum(axis=1), 1e-9)
    high = np.maximum(np.asarray(m_max, dtype=np.float64) * np.ones(b), low * (1 + 1e-9))
    z = _from_params(np.asarray(start, dtype=np.float64) * np.ones((b, 3)), low, high)
    damping = np.full(b, 1e-3)
    scale_cost = (observed**2).sum(axis=1) + 1e-12

    def residuals(zz: np.ndarray, rows: np.ndarray) -> np.ndarray:
        return predicted(_to_params(zz, low[rows], high[rows]), periods, form) - observed[rows]

    everyone = np.arange(b)
    r = residuals(z, everyone)
    cost = (r**2).sum(axis=1)
    done = cost <= 1e-24 * scale_cost
    for _ in range(iterations):
        rows = np.flatnonzero(~done)
        if not len(rows):
            break
        zr, rr, lo, hi = z[rows], r[rows], low[rows], high[rows]
        jac = np.empty((len(rows), periods, 3))
        for k in range(3):  # forward differences: one evaluation a parameter
            step = np.zeros(3)
            step[k] = 1e-6
            jac[:, :, k] = (residuals(zr + step, rows) - rr) / 1e-6
        # A parameter at a bound that the gradient pushes further out is held there (its
        # column dropped): in logit space it would otherwise creep towards the bound forever.
        share = expit(zr)
        push = np.einsum("bti,bt->bi", jac, rr)
        pinned = ((share >= 1 - _PIN) & (push < 0)) | ((share <= _PIN) & (push > 0))
        jac = jac * ~pinned[:, None, :]
        jtj = np.einsum("bti,btj->bij", jac, jac)
        jtr = np.einsum("bti,bt->bi", jac, rr)
        scale = np.einsum("bii->bi", jtj) + 1e-12
        system = jtj + damping[rows, None, None] * np.einsum("bi,ij->bij", scale, np.eye(3))
        delta = np.linalg.solve(system, -jtr[:, :, None])[:, :, 0]
        trial = zr + delta
        r_trial = residuals(trial, rows)
        cost_trial = (r_trial**2).sum(axis=1)
        better = cost_trial < cost[rows]
        before, after = _to_params(zr, lo, hi), _to_params(trial, lo, hi)
        moved = np.abs(after - before) / (np.abs(before) + 1e-12)
        small = (moved.max(axis=1) < XTOL) & (
            (cost[rows] - cost_trial) < FTOL * cost[rows] + 1e-24 * scale_cost[rows]
        )
        z[rows] = np.where(better[:, None], trial, zr)
        r[rows] = np.where(better[:, None], r_trial, rr)
        cost[rows] = np.where(better, cost_trial, cost[rows])
        damping[rows] = np.where(better, damping[rows] / 3, damping[rows] * 4)
        done[rows] = (
            (better & small)
            | (damping[rows] > MAX_DAMPING)
            | (cost[rows] <= 1e-24 * scale_cost[rows])
        )
    return _to_params(z, low, high), cost, done
