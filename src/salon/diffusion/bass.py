"""The Bass diffusion model: fit, bootstrap intervals, forecasts and backtests.

``F(t) = (1 − e^{−(p+q)t}) / (1 + (q/p) e^{−(p+q)t})``; a segment of ``m`` eventual adopters
adopts ``m (F(k) − F(k−1))`` in period ``k`` (``form="interval"``, exact for counted
periods) or ``m f(k)`` (``form="density"``, as many textbooks fit it).

Fitting is non-linear least squares started from the discrete OLS estimate (Bass 1969:
``n_t = a + b N_{t−1} + c N_{t−1}²``), with bounds: 0 < p < 1, 0 < q < 3 and
``N_T ≤ m ≤ m_max`` (the segment's size caps the market). Many fits (the bootstrap
replicates) are solved at once by a batched, projected Levenberg–Marquardt in NumPy.

Intervals come from a residual bootstrap for counts: residuals are standardised by the
Poisson scale ``√(fitted + 1)`` (and by √(n/(n−3)) for the three fitted parameters),
resampled, and put back at each period's own scale, so a quiet period does not get the noise
of the peak nor the peak that of a quiet period.

References
----------
F. M. Bass, "A new product growth model for consumer durables", Management Science 15(5),
215–227 (1969). V. Srinivasan, C. H. Mason, "Nonlinear least squares estimation of new product
diffusion models", Marketing Science 5(2) (1986).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from salon.diffusion.lm import (  # noqa: F401  (re-exported: the curve lives with the solver)
    MAX_ITERATIONS,
    P_MIN,
    Q_MAX,
    bass_cdf,
    bass_density,
    fit_many,
    predicted,
)
from salon.errors import ConvergenceError

#: Without a segment, m is capped at this many times the adopters so far (an internal cap).
M_CAP_FACTOR = 20


def ols_estimate(adoptions: np.ndarray) -> tuple[float, float, float] | None:
    """Bass's discrete OLS estimate ``(p, q, m)``, or ``None`` when it has no valid root.

    >>> p, q, m = ols_estimate(np.array([0.517, 1.169, 1.604, 2.044, 2.286]))
    >>> round(p, 4), round(q, 4), round(m, 3)
    (0.0626, 0.7377, 10.504)
    """
    n = np.asarray(adoptions, dtype=np.float64)
    before = np.concatenate([[0.0], np.cumsum(n)[:-1]])
    design = np.column_stack([np.ones_like(before), before, before**2])
    (a, b, c), *_ = np.linalg.lstsq(design, n, rcond=None)
    if c >= 0 or b * b - 4 * a * c < 0:
        return None
    m = (-b - np.sqrt(b * b - 4 * a * c)) / (2 * c)
    if m <= 0 or a <= 0:
        return None
    p = a / m
    return float(p), float(p + b), float(m)


#: A parameter within this share of its bound is reported as at the bound (the solver ends a
#: parameter the data push out of its box exactly on the bound).
_AT_BOUND = 1e-6


def count_samples(
    fitted: np.ndarray, residual: np.ndarray, count: int, rng: np.random.Generator
) -> np.ndarray:
    """``count`` bootstrap series per row of ``fitted``: residuals standardised by
    ``√(fitted + 1)`` and √(n/(n−3)), resampled with replacement, rescaled to each period's
    own ``√(fitted + 1)``; never below zero. Shape (rows, count, n)."""
    fitted, residual = np.atleast_2d(fitted), np.atleast_2d(residual)
    rows, periods = fitted.shape
    scale = np.sqrt(fitted + 1)
    z = residual / scale * np.sqrt(periods / max(periods - 3, 1))
    picks = rng.integers(0, periods, size=(rows, count, periods))
    drawn = np.take_along_axis(np.repeat(z[:, None, :], count, axis=1), picks, axis=2)
    return np.clip(fitted[:, None, :] + scale[:, None, :] * drawn, 0, None)


@dataclass
class BassFit:
    """A fitted Bass curve with bootstrap intervals, for ``periods`` observed periods.

    ``cap`` is the upper bound m was fitted under; ``segment`` the segment's size when the
    cap is the segment (forecasts never exceed it), ``None`` when it is the internal cap."""

    p: float
    q: float
    m: float
    periods: int
    observed: np.ndarray
    form: str = "interval"
    replicates: np.ndarray = field(default_factory=lambda: np.zeros((0, 3)))
    cap: float = float("inf")
    segment: float | None = None
    converged: bool = True
    unconverged_replicates: int = 0

    @property
    def params(self) -> np.ndarray:
        return np.array([[self.p, self.q, self.m]])

    def cumulative(self, at: float, params: np.ndarray | None = None) -> np.ndarray:
        rows = self.params if params is None else params
        return rows[:, 2] * bass_cdf(np.float64(at), rows[:, 0], rows[:, 1])

    def limits(self, name: str) -> tuple[float, float]:
        """The bounds a parameter was fitted within."""
        return {
            "p": (0.0, 1.0),
            "q": (0.0, Q_MAX),
            "m": (float(self.observed.sum()), self.cap),
        }[name]

    def at_bound(self, name: str) -> str | None:
        """``"lower"`` or ``"upper"`` when the fitted parameter sits at a bound."""
        value = {"p": self.p, "q": self.q, "m": self.m}[name]
        low, high = self.limits(name)
        if high - low <= 0:
            return "upper" if name == "m" else None
        if value <= max(low, P_MIN if name == "p" else 0.0) * (1 + _AT_BOUND) + 1e-12:
            return "lower"
        if value >= high * (1 - _AT_BOUND):
            return "upper"
        return None

    def bounds_hit(self) -> list[dict[str, object]]:
        """Each parameter at a bound, with what it means (empty when none is)."""
        out: list[dict[str, object]] = []
        for name in ("p", "q", "m"):
            side = self.at_bound(name)
            if side:
                out.append({"parameter": name, "bound": side, "note": self._bound_note(name, side)})
        return out

    def _bound_note(self, name: str, side: str) -> str:
        if name == "m" and side == "upper":
            what = (
                f"the segment's {self.segment:,.0f} people"
                if self.segment
                else f"{M_CAP_FACTOR} × the adopters so far, an internal cap"
            )
            return f"m is at its upper bound ({what}): the data do not pin the market size"
        if name == "m":
            return (
                "m is at its lower bound (the adopters so far): the fit sees no one else "
                "adopting, and would miss a later upturn"
            )
        low, high = self.limits(name)
        meaning = {
            ("p", "lower"): "adoption looks driven by imitation alone",
            ("p", "upper"): "everyone adopts at once",
            ("q", "lower"): "no imitation effect is seen",
            ("q", "upper"): "imitation is faster than the periods can show",
        }[(name, side)]
        bound = low if side == "lower" else high
        return f"{name} is at its {side} bound ({bound:g}): {meaning}; the data do not pin {name}"

    def unbounded(self) -> bool:
        """True when m sits at the internal cap: nothing in the data bounds the market."""
        return self.segment is None and self.at_bound("m") == "upper"

    def forecast(self, horizon: int, *, level: float = 0.9) -> dict[str, object]:
        """Cumulative adopters ``horizon`` periods after the last observed one: the adopters
        counted so far plus the curve's new adopters from now on (anchored on what happened,
        so a forecast never falls below today), never above the segment's size.

        When m is at the internal cap the upper end is not pinned by the data: ``high`` is
        the value at the cap and ``unbounded`` is true."""
        now, at = self.periods, self.periods + horizon
        observed = float(self.observed.sum())
        ceiling = self.segment if self.segment else float("inf")
        point = observed + float((self.cumulative(at) - self.cumulative(now))[0])
        out: dict[str, object] = {"horizon": horizon, "adopters": min(point, ceiling)}
        if len(self.replicates):
            values = (
                observed
                + self.cumulative(at, self.replicates)
                - self.cumulative(now, self.replicates)
            )
            # A prediction interval, not only a confidence band: each replicate also draws the
            # period-to-period noise the fit left, for every future period.
            residuals = self.observed - predicted(self.params, self.periods, self.form)[0]
            rng = np.random.default_rng(len(self.replicates))
            draws = rng.choice(residuals, size=(len(values), horizon)).sum(axis=1)
            values = np.clip(values + draws, observed, ceiling)
            tail = (1 - level) / 2
            low, high = (float(v) for v in np.quantile(values, [tail, 1 - tail]))
            out["low"], out["high"] = min(low, out["adopters"]), max(high, out["adopters"])
        if self.segment and out["adopters"] >= self.segment:
            out["at_segment_size"] = True
        if self.unbounded():
            out["unbounded"] = True
        return out

    def interval(self, name: str, level: float = 0.9) -> tuple[float, float | None] | None:
        """The bootstrap (percentile) interval of a parameter. At a bound it is widened to
        that bound (``None``
        above: unbounded, when m sits at the internal cap), and to both bounds when the
        replicates all sat at the bound too (a zero-width interval would be false)."""
        if not len(self.replicates):
            return None
        column = {"p": 0, "q": 1, "m": 2}[name]
        tail = (1 - level) / 2
        low, high = (float(v) for v in np.quantile(self.replicates[:, column], [tail, 1 - tail]))
        side = self.at_bound(name)
        if side is None:
            return low, high
        lower, upper = self.limits(name)
        if high - low <= 1e-3 * max(upper - lower, 1e-12):
            low, high = lower, upper
        elif side == "upper":
            high = max(high, upper)
        else:
            low = min(low, lower)
        return low, (None if name == "m" and self.unbounded() else high)

    def peak(self) -> float:
        """Time of the adoption peak, in periods since launch."""
        return float(np.log(self.q / self.p) / (self.p + self.q)) if self.q > self.p else 0.0


def _not_converged(what: str, iterations: int) -> ConvergenceError:
    return ConvergenceError(
        f"The Bass fit {what} did not converge in {iterations} steps (the parameters kept "
        "moving). Try a longer history, --period week (or day) for more periods, or fewer "
        "periods (a later start) if the series has a long flat lead-in."
    )


def _starts(n: np.ndarray, cap: float) -> np.ndarray:
    starts = [s for s in (ols_estimate(n),) if s is not None]
    starts += [(0.01, 0.3, min(2 * n.sum(), cap)), (0.03, 0.1, min(5 * n.sum(), cap))]
    return np.array(
        [
            (p, min(max(q, 1e-4), Q_MAX * 0.99), min(max(m, n.sum() * 1.01), cap))
            for p, q, m in starts
        ]
    )


def fit_bass(
    adoptions: np.ndarray,
    *,
    m_max: float | None = None,
    bootstrap: int = 200,
    form: str = "interval",
    seed: int = 0,
    iterations: int = MAX_ITERATIONS,
) -> BassFit:
    """Fit ``(p, q, m)`` to adoptions per period; ``bootstrap`` residual resamples give the
    intervals. ``m_max`` caps the market (the segment's size), default 20× adopters so far.

    Raises :class:`~salon.errors.ConvergenceError` when no start converges; bootstrap refits
    that do not converge are left out (counted in ``unconverged_replicates``).

    Examples
    --------
    >>> truth = predicted(np.array([0.02, 0.4, 1000.0]), 12)[0]
    >>> fit = fit_bass(truth, bootstrap=0)
    >>> round(fit.p, 3), round(fit.q, 3), round(fit.m)
    (0.02, 0.4, 1000)
    """
    n = np.asarray(adoptions, dtype=np.float64)
    if len(n) < 3 or n.sum() <= 0:
        raise ValueError("a Bass fit needs at least 3 periods with some adoption")
    cap = float(m_max) if m_max else M_CAP_FACTOR * n.sum()
    candidates = _starts(n, cap)
    params, cost, done = fit_many(
        np.repeat(n[None, :], len(candidates), axis=0),
        candidates,
        np.full(len(candidates), cap),
        form=form,
        iterations=iterations,
    )
    if not done.any():
        raise _not_converged(f"of {len(n)} periods", iterations)
    best = params[int(np.argmin(np.where(done, cost, np.inf)))]
    fit = BassFit(
        float(best[0]),
        float(best[1]),
        float(best[2]),
        len(n),
        n,
        form,
        cap=cap,
        segment=float(m_max) if m_max else None,
    )
    if bootstrap:
        rng = np.random.default_rng(seed)
        fitted = predicted(best, len(n), form)[0]
        samples = count_samples(fitted, n - fitted, bootstrap, rng)[0]
        replicates, _, ok = fit_many(
            samples, np.repeat(best[None, :], bootstrap, axis=0), np.full(bootstrap, cap), form=form
        )
        fit.replicates, fit.unconverged_replicates = replicates[ok], int((~ok).sum())
    return fit


@dataclass
class Backtest:
    hidden: int
    actual: float
    forecast: float
    low: float | None
    high: float | None
    unbounded: bool = False

    @property
    def error(self) -> float:
        """Absolute percentage error of the cumulative forecast."""
        return abs(self.forecast - self.actual) / self.actual if self.actual else 0.0

    @property
    def covered(self) -> bool | None:
        if self.low is None or self.high is None:
            return None
        return self.low <= self.actual and (self.unbounded or self.actual <= self.high)


def backtest(
    adoptions: np.ndarray,
    hidden: int,
    *,
    m_max: float | None = None,
    bootstrap: int = 200,
    form: str = "interval",
) -> Backtest:
    """Hide the last ``hidden`` periods, fit the rest, forecast the cumulative total."""
    n = np.asarray(adoptions, dtype=np.float64)
    fit = fit_bass(n[:-hidden], m_max=m_max, bootstrap=bootstrap, form=form)
    f = fit.forecast(hidden)
    return Backtest(
        hidden,
        float(n.sum()),
        float(f["adopters"]),  # type: ignore[arg-type]
        f.get("low"),  # type: ignore[arg-type]
        f.get("high"),  # type: ignore[arg-type]
        bool(f.get("unbounded", False)),
    )


def fit_bass_many(
    series: list[np.ndarray],
    *,
    bootstrap: int = 200,
    m_max: list[float | None] | None = None,
    form: str = "interval",
    seed: int = 0,
    chunk: int = 100_000,
    iterations: int = MAX_ITERATIONS,
) -> list[BassFit]:
    """:func:`fit_bass` for many series of one length at once: every point estimate in one
    batch, then every bootstrap replicate in batches of ``chunk`` rows (refits start from the
    point estimate). A series whose fit did not converge comes back with ``converged`` false
    (see :func:`unconverged`) instead of raising, so one bad series does not stop the batch."""
    data = np.asarray(series, dtype=np.float64)
    count, periods = data.shape
    totals = data.sum(axis=1)
    given = m_max or [None] * count
    caps = np.array([c if c else M_CAP_FACTOR * t for c, t in zip(given, totals, strict=True)])
    starts = []
    for n, cap in zip(data, caps, strict=True):
        ols = ols_estimate(n)
        first = ols if ols is not None else (0.01, 0.3, 2 * n.sum())
        for p, q, m in (first, (0.01, 0.3, 2 * n.sum()), (0.03, 0.1, 5 * n.sum())):
            starts.append((p, min(max(q, 1e-4), Q_MAX * 0.99), min(max(m, n.sum() * 1.01), cap)))
    repeated = np.repeat(data, 3, axis=0)
    params, cost, done = fit_many(
        repeated, np.array(starts), np.repeat(caps, 3), form=form, iterations=iterations
    )
    cost = np.where(done, cost, np.inf).reshape(count, 3)
    best = params.reshape(count, 3, 3)[np.arange(count), cost.argmin(axis=1)]
    ok = np.isfinite(cost).any(axis=1)
    fits = [
        BassFit(
            float(b[0]),
            float(b[1]),
            float(b[2]),
            periods,
            n,
            form,
            cap=float(cap),
            segment=float(c) if c else None,
            converged=bool(good),
        )
        for b, n, cap, c, good in zip(best, data, caps, given, ok, strict=True)
    ]
    if not bootstrap:
        return fits
    rng = np.random.default_rng(seed)
    fitted = predicted(best, periods, form)
    samples = count_samples(fitted, data - fitted, bootstrap, rng)
    samples = samples.reshape(count * bootstrap, periods)
    starts_b = np.repeat(best, bootstrap, axis=0)
    caps_b = np.repeat(caps, bootstrap)
    replicates = np.empty((count * bootstrap, 3))
    converged = np.empty(count * bootstrap, dtype=bool)
    for i in range(0, len(samples), chunk):
        replicates[i : i + chunk], _, converged[i : i + chunk] = fit_many(
            samples[i : i + chunk], starts_b[i : i + chunk], caps_b[i : i + chunk], form=form
        )
    for j, fit in enumerate(fits):
        rows = slice(j * bootstrap, (j + 1) * bootstrap)
        fit.replicates = replicates[rows][converged[rows]]
        fit.unconverged_replicates = int((~converged[rows]).sum())
    return fits


def unconverged(fits: list[BassFit]) -> list[int]:
    """Indices of the series whose point fit did not converge (from :func:`fit_bass_many`)."""
    return [i for i, fit in enumerate(fits) if not fit.converged]
