"""The Bass diffusion model: fit, bootstrap intervals, forecasts and backtests.

``F(t) = (1 − e^{−(p+q)t}) / (1 + (q/p) e^{−(p+q)t})``; a segment of ``m`` eventual adopters
adopts ``m (F(k) − F(k−1))`` in period ``k`` (``form="interval"``, exact for counted
periods) or ``m f(k)`` (``form="density"``, as many textbooks fit it).

Fitting is non-linear least squares started from the discrete OLS estimate (Bass 1969:
``n_t = a + b N_{t−1} + c N_{t−1}²``), with bounds: 0 < p < 1, 0 < q < 3 and
``N_T ≤ m ≤ m_max`` (the segment's size caps the market). Many fits (the bootstrap
replicates) are solved at once by a batched Levenberg–Marquardt in NumPy.

References
----------
F. M. Bass, "A new product growth model for consumer durables", Management Science 15(5),
215–227 (1969). V. Srinivasan, C. H. Mason, "Nonlinear least squares estimation of new product
diffusion models", Marketing Science 5(2) (1986).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.special import expit

Q_MAX = 3.0
_ITERATIONS = 60


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
    iterations: int = _ITERATIONS,
) -> tuple[np.ndarray, np.ndarray]:
    """Least-squares fits of many series at once (rows of ``observed``); returns the
    parameters ``(p, q, m)`` and the sums of squared residuals."""
    observed = np.atleast_2d(np.asarray(observed, dtype=np.float64))
    b, periods = observed.shape
    low = np.maximum(observed.sum(axis=1), 1e-9)
    high = np.maximum(np.asarray(m_max, dtype=np.float64) * np.ones(b), low * (1 + 1e-9))
    z = _from_params(np.asarray(start, dtype=np.float64) * np.ones((b, 3)), low, high)
    damping = np.full(b, 1e-3)

    def residuals(zz: np.ndarray) -> np.ndarray:
        return predicted(_to_params(zz, low, high), periods, form) - observed

    r = residuals(z)
    cost = (r**2).sum(axis=1)
    for _ in range(iterations):
        jac = np.empty((b, periods, 3))
        for k in range(3):  # forward differences: one evaluation a parameter
            step = np.zeros(3)
            step[k] = 1e-6
            jac[:, :, k] = (residuals(z + step) - r) / 1e-6
        jtj = np.einsum("bti,btj->bij", jac, jac)
        jtr = np.einsum("bti,bt->bi", jac, r)
        scale = np.einsum("bii->bi", jtj) + 1e-12
        system = jtj + damping[:, None, None] * np.einsum("bi,ij->bij", scale, np.eye(3))
        delta = np.linalg.solve(system, -jtr[:, :, None])[:, :, 0]
        trial = z + delta
        r_trial = residuals(trial)
        cost_trial = (r_trial**2).sum(axis=1)
        better = cost_trial < cost
        z = np.where(better[:, None], trial, z)
        r = np.where(better[:, None], r_trial, r)
        cost = np.where(better, cost_trial, cost)
        damping = np.where(better, damping / 3, damping * 4)
    return _to_params(z, low, high), cost


@dataclass
class BassFit:
    """A fitted Bass curve with bootstrap intervals, for ``periods`` observed periods."""

    p: float
    q: float
    m: float
    periods: int
    observed: np.ndarray
    form: str = "interval"
    replicates: np.ndarray = field(default_factory=lambda: np.zeros((0, 3)))

    @property
    def params(self) -> np.ndarray:
        return np.array([[self.p, self.q, self.m]])

    def cumulative(self, at: float, params: np.ndarray | None = None) -> np.ndarray:
        rows = self.params if params is None else params
        return rows[:, 2] * bass_cdf(np.float64(at), rows[:, 0], rows[:, 1])

    def forecast(self, horizon: int, *, level: float = 0.9) -> dict[str, float]:
        """Cumulative adopters ``horizon`` periods after the last observed one: the adopters
        counted so far plus the curve's new adopters from now on (anchored on what happened,
        so a forecast never falls below today)."""
        now, at = self.periods, self.periods + horizon
        observed = float(self.observed.sum())
        point = observed + float((self.cumulative(at) - self.cumulative(now))[0])
        out = {"horizon": horizon, "adopters": point}
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
            values = np.maximum(values + draws, observed)
            tail = (1 - level) / 2
            out["low"], out["high"] = (float(v) for v in np.quantile(values, [tail, 1 - tail]))
        return out

    def interval(self, name: str, level: float = 0.9) -> tuple[float, float] | None:
        if not len(self.replicates):
            return None
        column = {"p": 0, "q": 1, "m": 2}[name]
        tail = (1 - level) / 2
        low, high = np.quantile(self.replicates[:, column], [tail, 1 - tail])
        return float(low), float(high)

    def peak(self) -> float:
        """Time of the adoption peak, in periods since launch."""
        return float(np.log(self.q / self.p) / (self.p + self.q)) if self.q > self.p else 0.0


def fit_bass(
    adoptions: np.ndarray,
    *,
    m_max: float | None = None,
    bootstrap: int = 200,
    form: str = "interval",
    seed: int = 0,
) -> BassFit:
    """Fit ``(p, q, m)`` to adoptions per period; ``bootstrap`` residual resamples give the
    intervals. ``m_max`` caps the market (the segment's size), default 20× adopters so far.

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
    cap = float(m_max) if m_max else 20 * n.sum()
    starts = [s for s in (ols_estimate(n),) if s is not None]
    starts += [(0.01, 0.3, min(2 * n.sum(), cap)), (0.03, 0.1, min(5 * n.sum(), cap))]
    candidates = np.array(
        [
            (p, min(max(q, 1e-4), Q_MAX * 0.99), min(max(m, n.sum() * 1.01), cap))
            for p, q, m in starts
        ]
    )
    params, cost = fit_many(
        np.repeat(n[None, :], len(candidates), axis=0),
        candidates,
        np.full(len(candidates), cap),
        form=form,
    )
    best = params[int(np.argmin(cost))]
    fit = BassFit(float(best[0]), float(best[1]), float(best[2]), len(n), n, form)
    if bootstrap:
        rng = np.random.default_rng(seed)
        fitted = predicted(best, len(n), form)[0]
        residual = n - fitted
        samples = np.clip(fitted + rng.choice(residual, size=(bootstrap, len(n))), 0, None)
        fit.replicates, _ = fit_many(
            samples, np.repeat(best[None, :], bootstrap, axis=0), np.full(bootstrap, cap), form=form
        )
    return fit


@dataclass
class Backtest:
    hidden: int
    actual: float
    forecast: float
    low: float | None
    high: float | None

    @property
    def error(self) -> float:
        """Absolute percentage error of the cumulative forecast."""
        return abs(self.forecast - self.actual) / self.actual if self.actual else 0.0

    @property
    def covered(self) -> bool | None:
        if self.low is None or self.high is None:
            return None
        return self.low <= self.actual <= self.high


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
    forecast = fit.forecast(hidden)
    return Backtest(
        hidden, float(n.sum()), forecast["adopters"], forecast.get("low"), forecast.get("high")
    )


def fit_bass_many(
    series: list[np.ndarray],
    *,
    bootstrap: int = 200,
    m_max: list[float | None] | None = None,
    form: str = "interval",
    seed: int = 0,
    chunk: int = 100_000,
) -> list[BassFit]:
    """:func:`fit_bass` for many series of one length at once: every point estimate in one
    batch, then every bootstrap replicate in batches of ``chunk`` rows (refits start from the
    point estimate, so 12 iterations suffice)."""
    data = np.asarray(series, dtype=np.float64)
    count, periods = data.shape
    totals = data.sum(axis=1)
    caps = np.array(
        [c if c else 20 * t for c, t in zip(m_max or [None] * count, totals, strict=True)]
    )
    starts = []
    for n, cap in zip(data, caps, strict=True):
        ols = ols_estimate(n)
        first = ols if ols is not None else (0.01, 0.3, 2 * n.sum())
        for p, q, m in (first, (0.01, 0.3, 2 * n.sum()), (0.03, 0.1, 5 * n.sum())):
            starts.append((p, min(max(q, 1e-4), Q_MAX * 0.99), min(max(m, n.sum() * 1.01), cap)))
    repeated = np.repeat(data, 3, axis=0)
    params, cost = fit_many(repeated, np.array(starts), np.repeat(caps, 3), form=form)
    best = params.reshape(count, 3, 3)[np.arange(count), cost.reshape(count, 3).argmin(axis=1)]
    fits = [
        BassFit(float(b[0]), float(b[1]), float(b[2]), periods, n, form)
        for b, n in zip(best, data, strict=True)
    ]
    if not bootstrap:
        return fits
    rng = np.random.default_rng(seed)
    fitted = predicted(best, periods, form)
    residual = data - fitted
    picks = rng.integers(0, periods, size=(count, bootstrap, periods))
    samples = np.clip(
        fitted[:, None, :]
        + np.take_along_axis(residual[:, None, :].repeat(bootstrap, axis=1), picks, axis=2),
        0,
        None,
    )
    samples = samples.reshape(count * bootstrap, periods)
    starts_b = np.repeat(best, bootstrap, axis=0)
    caps_b = np.repeat(caps, bootstrap)
    replicates = np.empty((count * bootstrap, 3))
    for i in range(0, len(samples), chunk):
        replicates[i : i + chunk], _ = fit_many(
            samples[i : i + chunk],
            starts_b[i : i + chunk],
            caps_b[i : i + chunk],
            form=form,
            iterations=12,
        )
    for j, fit in enumerate(fits):
        fit.replicates = replicates[j * bootstrap : (j + 1) * bootstrap]
    return fits


@dataclass
class Choice:
    """Which model to forecast with, and the held-out evidence that chose it."""

    model: str  # "bass" or "no growth"
    bass_error: float
    flat_error: float
    held_out: int


def choose_model(
    adoptions: np.ndarray, *, m_max: float | None = None, form: str = "interval"
) -> Choice:
    """Hold out the last fifth of the periods (at least 2), fit Bass on the rest, and keep
    Bass only if it forecast the held-out total better than "no growth" did.

    Young series with a few late adopters can make Bass explode; this check catches that
    with the series' own history, before any forecast is shown."""
    n = np.asarray(adoptions, dtype=np.float64)
    held = max(2, len(n) // 5)
    if len(n) - held < 4 or n[:-held].sum() <= 0:
        return Choice("bass", float("nan"), float("nan"), 0)
    fit = fit_bass(n[:-held], m_max=m_max, bootstrap=0, form=form)
    actual = n.sum()
    bass_error = abs(fit.forecast(held)["adopters"] - actual) / actual
    flat_error = abs(n[:-held].sum() - actual) / actual
    return Choice(
        "bass" if bass_error <= flat_error else "no growth",
        float(bass_error),
        float(flat_error),
        held,
    )
