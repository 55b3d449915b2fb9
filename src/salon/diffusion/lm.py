"""The Bass curve and the batched Levenberg–Marquardt solver that fits it.

The solver works on the parameters themselves, kept inside their box by projection
(0 < p ≤ 1, 0 ≤ q ≤ ``Q_MAX``, ``low ≤ m ≤ high``): a step that would leave the box is
clipped to it, and a parameter on a bound that the gradient pushes further out is held there
(an active set), so a fit whose best market is today's adopters ends exactly at that bound.
The damped normal equations are scaled by the Jacobian's column norms (Marquardt), with a
floor, and solved by a pseudo-inverse when still singular (a flat series, a parameter that
no longer changes the curve). Each row stops once converged (see :func:`fit_many`).
"""

from __future__ import annotations

import numpy as np

Q_MAX = 3.0
#: Steps at most per fit; a fit that has not converged by then raises ConvergenceError.
MAX_ITERATIONS = 1000
#: Converged: an accepted step moved every parameter and the cost by less than these (relative).
XTOL, FTOL = 1e-7, 1e-10
#: Converged as well: no step lowers the cost (the damping has grown past this).
MAX_DAMPING = 1e10
#: The smallest p: F(t) needs p > 0.
P_MIN = 1e-9
#: A column of the normal equations smaller than this share of the largest is floored to it.
_FLOOR = 1e-10


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


def _solve(system: np.ndarray, rhs: np.ndarray) -> np.ndarray:
    """Batched ``system⁻¹ rhs``; a pseudo-inverse for the rows whose system is singular."""
    try:
        out = np.linalg.solve(system, rhs[:, :, None])[:, :, 0]
    except np.linalg.LinAlgError:
        out = np.einsum("bij,bj->bi", np.linalg.pinv(system), rhs)
    return np.where(np.isfinite(out), out, 0.0)


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
    low_m = np.maximum(observed.sum(axis=1), 1e-9)
    high_m = np.maximum(np.asarray(m_max, dtype=np.float64) * np.ones(b), low_m * (1 + 1e-9))
    low = np.column_stack([np.full(b, P_MIN), np.zeros(b), low_m])
    high = np.column_stack([np.ones(b), np.full(b, Q_MAX), high_m])
    x = np.clip(np.asarray(start, dtype=np.float64) * np.ones((b, 3)), low, high)
    #: finite-difference steps: relative, with a floor per parameter
    typical = np.column_stack([np.full(b, 1e-3), np.full(b, 1e-2), low_m])
    damping = np.full(b, 1e-3)
    scale_cost = (observed**2).sum(axis=1) + 1e-12

    def residuals(xx: np.ndarray, rows: np.ndarray) -> np.ndarray:
        return predicted(xx, periods, form) - observed[rows]

    r = residuals(x, np.arange(b))
    cost = (r**2).sum(axis=1)
    done = cost <= 1e-24 * scale_cost
    for _ in range(iterations):
        rows = np.flatnonzero(~done)
        if not len(rows):
            break
        xr, rr, lo, hi = x[rows], r[rows], low[rows], high[rows]
        h = 1e-6 * np.maximum(np.abs(xr), typical[rows])
        jac = np.empty((len(rows), periods, 3))
        for k in range(3):  # forward differences: one evaluation a parameter
            step = np.zeros_like(xr)
            step[:, k] = h[:, k]
            jac[:, :, k] = (residuals(xr + step, rows) - rr) / h[:, k, None]
        # Active set: a parameter on a bound that the gradient pushes out of the box is held.
        grad = np.einsum("bti,bt->bi", jac, rr)
        held = ((xr <= lo) & (grad > 0)) | ((xr >= hi) & (grad < 0))
        jac = jac * ~held[:, None, :]
        jtj = np.einsum("bti,btj->bij", jac, jac)
        jtr = np.einsum("bti,bt->bi", jac, rr)
        diag = np.einsum("bii->bi", jtj)
        scale = np.maximum(diag, _FLOOR * diag.max(axis=1, keepdims=True))
        scale = np.where(scale > 0, scale, 1.0)
        system = jtj + damping[rows, None, None] * np.einsum("bi,ij->bij", scale, np.eye(3))
        delta = _solve(system, -jtr) * ~held
        trial = np.clip(xr + delta, lo, hi)
        r_trial = residuals(trial, rows)
        cost_trial = (r_trial**2).sum(axis=1)
        better = cost_trial < cost[rows]
        moved = np.abs(trial - xr) / (np.abs(xr) + 1e-12)
        small = (moved.max(axis=1) < XTOL) & (
            (cost[rows] - cost_trial) < FTOL * cost[rows] + 1e-24 * scale_cost[rows]
        )
        x[rows] = np.where(better[:, None], trial, xr)
        r[rows] = np.where(better[:, None], r_trial, rr)
        cost[rows] = np.where(better, cost_trial, cost[rows])
        damping[rows] = np.where(better, damping[rows] / 3, damping[rows] * 4)
        done[rows] = (
            (better & small)
            | (damping[rows] > MAX_DAMPING)
            | (cost[rows] <= 1e-24 * scale_cost[rows])
        )
    return x, cost, done
