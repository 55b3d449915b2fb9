"""Which model to forecast with, chosen on the series' own held-out tail, and prediction
intervals calibrated on the series' own backtests.

Three candidates forecast the cumulative adopters ``N`` (anchored on the adopters counted so
far, never below them, never above the segment):

- **Bass** — :func:`salon.diffusion.bass.fit_bass`, ``N_T + m (F(T + h) − F(T))``;
- **damped trend** — Holt's linear trend with a damped slope (Gardner & McKenzie 1985) on the
  cumulative series, its smoothing and damping chosen from a small grid by one-step-ahead
  squared error: ``N_T + max(b_T, 0) (φ + φ² + … + φʰ)``;
- **no growth** — ``N_T``.

:func:`choose` hides the last ``k`` periods (a quarter of the history, at least 2, at most
the horizon), fits each candidate on the rest, and keeps the one whose forecasts of the
hidden periods have the lowest mean absolute percentage error (the simpler model on a tie).

:func:`calibrated_interval` gives the chosen model's 90 % prediction interval from its own
backtests: from up to :data:`ORIGINS` forecast origins ending ``k`` periods before today, the
log-ratio errors ``log((N + 1) / (forecast + 1))`` at ``k`` periods ahead, scaled to the
horizon (× h/k: a misjudged rate grows linearly with the horizon), give split-conformal
quantiles (rank ⌈(n + 1)(1 − α/2)⌉ of n, the most extreme error when n is small); the interval
is also at least the Poisson noise of the forecast growth (± 1.645 √(growth + 1)). Nothing in it is
fitted to any data set: no constant was tuned on the figures the benchmarks report.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import product
from statistics import NormalDist

import numpy as np

from salon.diffusion.bass import fit_bass
from salon.errors import ConvergenceError

#: The candidates, simplest first (a tie goes to the simpler model).
MODELS = ("no growth", "damped trend", "bass")
#: At most this many forecast origins calibrate an interval.
ORIGINS = 12
#: The fewest periods a candidate is fitted on.
MIN_HISTORY = 4
_GRID = np.array(
    list(product((0.1, 0.3, 0.5, 0.8), (0.05, 0.1, 0.3), (0.8, 0.9, 0.95, 0.98))),
    dtype=np.float64,
)


def held_out_periods(periods: int, horizon: int) -> int:
    """How many of the last periods the model choice hides: a quarter of the history, at
    least 2, at most the horizon, leaving at least :data:`MIN_HISTORY` to fit on."""
    return max(1, min(max(2, periods // 4), horizon, periods - MIN_HISTORY))


def damped_trend(counts: np.ndarray, horizons: np.ndarray) -> np.ndarray:
    """Holt's damped-trend forecast of the cumulative adopters ``horizons`` periods ahead,
    anchored on today's total (the grid's best α, β, φ by one-step squared error)."""
    cumulative = np.cumsum(np.asarray(counts, dtype=np.float64))
    now = cumulative[-1]
    if len(cumulative) < 3:
        return np.full(len(horizons), now)
    alpha, beta, phi = _GRID[:, 0], _GRID[:, 1], _GRID[:, 2]
    level = np.full(len(_GRID), cumulative[0])
    slope = np.full(len(_GRID), cumulative[1] - cumulative[0])
    sse = np.zeros(len(_GRID))
    for value in cumulative[1:]:
        guess = level + phi * slope
        sse += (value - guess) ** 2
        new_level = alpha * value + (1 - alpha) * guess
        slope = beta * (new_level - level) + (1 - beta) * phi * slope
        level = new_level
    best = int(np.argmin(sse))
    steps = np.asarray(horizons, dtype=np.int64)
    damping = np.array([sum(phi[best] ** i for i in range(1, h + 1)) for h in steps])
    return now + max(float(slope[best]), 0.0) * damping


def _bass(counts: np.ndarray, horizons: np.ndarray, m_max: float | None) -> np.ndarray:
    fit = fit_bass(counts, m_max=m_max, bootstrap=0)
    return np.array([float(fit.forecast(int(h))["adopters"]) for h in horizons])  # type: ignore[arg-type]


def predict(
    model: str, counts: np.ndarray, horizons: np.ndarray, m_max: float | None = None
) -> np.ndarray:
    """The cumulative adopters ``horizons`` periods after ``counts`` ends, by ``model``;
    raises ``ValueError`` (or ConvergenceError) when the model cannot be fitted."""
    counts = np.asarray(counts, dtype=np.float64)
    horizons = np.asarray(horizons, dtype=np.int64)
    now = float(counts.sum())
    if model == "no growth":
        out = np.full(len(horizons), now)
    elif model == "damped trend":
        out = damped_trend(counts, horizons)
    elif model == "bass":
        out = _bass(counts, horizons, m_max)
    else:
        raise ValueError(f"unknown model {model!r}")
    return np.clip(out, now, m_max if m_max else np.inf)


def _safe(model: str, counts: np.ndarray, horizons: np.ndarray, m_max: float | None):  # type: ignore[no-untyped-def]
    try:
        return predict(model, counts, horizons, m_max)
    except (ValueError, ConvergenceError):
        return None


@dataclass
class Choice:
    """The model kept, the held-out errors (MAPE of the cumulative adopters over the hidden
    periods; None where the model could not be fitted) and how many periods were hidden."""

    model: str
    errors: dict[str, float | None]
    held_out: int

    def reason(self, period: str) -> str:
        """``Bass forecast worse than no growth on the last 5 weeks held out (MAPE 22 % vs
        9 %): no growth is shown``, or why the choice could not be made."""
        span = f"{self.held_out} {period}{'s' if self.held_out != 1 else ''}"
        if not self.held_out:
            return f"Too short a history to hold out a tail: {_name(self.model)} is shown."
        best = self.errors[self.model]
        others = [
            f"{_name(m)} {100 * e:.0f} %"
            for m, e in self.errors.items()
            if m != self.model and e is not None
        ]
        failed = [_name(m) for m, e in self.errors.items() if e is None]
        text = (
            f"{_name(self.model)} forecast the last {span} held out best (MAPE "
            f"{100 * (best or 0):.0f} %" + (f"; {', '.join(others)}" if others else "") + ")"
        )
        bass = self.errors.get("bass")
        if self.model != "bass" and bass is not None and best is not None:
            text = (
                f"Bass forecast worse than {_name(self.model)} on the last {span} held out (MAPE "
                f"{100 * bass:.0f} % vs {100 * best:.0f} %): {_name(self.model)} is shown"
            )
        if failed:
            text += f"; {' and '.join(failed)} could not be fitted"
        return text + "."


def _name(model: str) -> str:
    return "Bass" if model == "bass" else model


def choose(counts: np.ndarray, horizon: int, m_max: float | None = None) -> Choice:
    """Hide the last :func:`held_out_periods`, forecast them with each model fitted on the
    rest, keep the lowest MAPE (the simpler model on a tie)."""
    n = np.asarray(counts, dtype=np.float64)
    k = held_out_periods(len(n), horizon)
    history = n[:-k]
    if len(history) < MIN_HISTORY or history.sum() <= 0:
        return Choice(
            "bass" if _safe("bass", n, np.array([1]), m_max) is not None else "no growth", {}, 0
        )
    actual = np.cumsum(n)[len(history) :]
    steps = np.arange(1, k + 1)
    errors: dict[str, float | None] = {}
    for model in MODELS:
        guess = _safe(model, history, steps, m_max)
        errors[model] = (
            None
            if guess is None
            else float(np.mean(np.abs(guess - actual) / np.maximum(actual, 1)))
        )
    fitted = {m: e for m, e in errors.items() if e is not None}
    model = min(fitted, key=lambda m: (round(fitted[m], 12), MODELS.index(m)))
    return Choice(model, errors, k)


def calibrated_interval(
    model: str,
    counts: np.ndarray,
    horizons: list[int],
    point: np.ndarray,
    *,
    m_max: float | None = None,
    level: float = 0.9,
) -> tuple[np.ndarray, np.ndarray, int]:
    """``(low, high, errors used)``: the ``level`` prediction interval of the cumulative
    adopters at each horizon, from the model's backtests on the series itself (see the
    module's docstring), around the forecasts ``point``."""
    n = np.asarray(counts, dtype=np.float64)
    cumulative = np.cumsum(n)
    now = float(cumulative[-1])
    ceiling = m_max if m_max else np.inf
    k = held_out_periods(len(n), max(horizons))
    errors = []
    for origin in range(len(n) - k, max(MIN_HISTORY, len(n) - k - ORIGINS) - 1, -1):
        if origin < MIN_HISTORY or n[:origin].sum() <= 0:
            break
        guess = _safe(model, n[:origin], np.array([k]), m_max)
        if guess is not None:
            errors.append(math.log((cumulative[origin + k - 1] + 1) / (guess[0] + 1)))
    point = np.asarray(point, dtype=np.float64)
    growth = np.maximum(point - now, 0)
    noise = NormalDist().inv_cdf(1 - (1 - level) / 2) * np.sqrt(growth + 1)
    low, high = point - noise, point + noise
    if errors:
        e = np.sort(np.array(errors))
        alpha = 1 - level
        rank = min(len(e), math.ceil((len(e) + 1) * (1 - alpha / 2)))
        lo_e, hi_e = min(e[len(e) - rank], 0.0), max(e[rank - 1], 0.0)
        scale = np.array(horizons, dtype=np.float64) / k
        low = np.minimum(low, (point + 1) * np.exp(lo_e * scale) - 1)
        high = np.maximum(high, (point + 1) * np.exp(hi_e * scale) - 1)
    return np.clip(low, now, ceiling), np.clip(high, now, ceiling), len(errors)
