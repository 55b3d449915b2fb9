"""Adoption stages (Rogers) and innovativeness.

With μ and σ of the adoption times among adopters: innovators adopt before μ − 2σ, early
adopters before μ − σ, the early majority before μ, the late majority before μ + σ, laggards
after (Rogers, *Diffusion of Innovations*, 1962). ``method="quantile"`` cuts at the normal
curve's shares instead (2.5 %, 16 %, 50 %, 84 %); ``log_time`` measures time as
``log(1 + days since the first adoption)`` for skewed data.

For an innovation still spreading, the sample is censored: the laggards have not adopted yet,
so the cut-offs of the sample would call the last of today's adopters laggards. Given a fitted
Bass curve, each adopter's stage instead comes from their rank among the ``m`` eventual
adopters (the first 2.5 % of m are innovators, and so on).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

STAGES = ("innovator", "early adopter", "early majority", "late majority", "laggard")
#: Rogers' shares of all eventual adopters, cumulative.
SHARES = (0.025, 0.16, 0.5, 0.84)
_DAY = 86400.0


@dataclass
class StageResult:
    """Each adopter's stage, the cut-off times, and how the stages were decided."""

    people: np.ndarray
    times: np.ndarray
    stages: np.ndarray
    cutoffs: list[float]
    method: str

    def shares(self) -> dict[str, float]:
        counts = np.bincount(self.stages, minlength=len(STAGES))
        total = max(len(self.stages), 1)
        return {name: float(c / total) for name, c in zip(STAGES, counts, strict=True)}

    def stage_of(self, person: int) -> str:
        return STAGES[int(self.stages[list(self.people).index(person)])]


def _scale(times: np.ndarray, log_time: bool) -> np.ndarray:
    t = np.asarray(times, dtype=np.float64)
    if log_time and len(t):
        return np.log1p((t - t.min()) / _DAY)
    return t


def adoption_stages(
    people: np.ndarray,
    times: np.ndarray,
    *,
    method: str = "sd",
    log_time: bool = False,
    eventual: float | None = None,
) -> StageResult:
    """Stages of adopters with adoption ``times`` (seconds).

    ``eventual`` (a fitted Bass ``m``) switches to ranks among eventual adopters.

    Examples
    --------
    >>> r = adoption_stages(np.arange(5), np.array([0, 10, 11, 12, 30.0]))
    >>> [STAGES[s] for s in r.stages]
    ['early adopter', 'early majority', 'early majority', 'early majority', 'laggard']
    """
    people = np.asarray(people)
    t = _scale(times, log_time)
    order = np.argsort(t, kind="stable")
    if eventual is not None and eventual > 0:
        rank = np.empty(len(t))
        rank[order] = np.arange(1, len(t) + 1)
        cutoffs = [s * eventual for s in SHARES]
        stages = np.searchsorted(cutoffs, rank, side="left")
        return StageResult(
            people, np.asarray(times), stages.astype(np.int64), [float(c) for c in cutoffs], "bass"
        )
    if method == "quantile":
        cutoffs = [float(c) for c in np.quantile(t, SHARES)] if len(t) else [0.0] * 4
    elif method == "sd":
        mu, sigma = (t.mean(), t.std()) if len(t) else (0.0, 0.0)
        cutoffs = [mu - 2 * sigma, mu - sigma, mu, mu + sigma]
    else:
        raise ValueError(f"unknown method {method!r}: use 'sd' or 'quantile'")
    stages = np.searchsorted(np.asarray(cutoffs), t, side="right")
    return StageResult(people, np.asarray(times), stages.astype(np.int64), cutoffs, method)


def innovativeness(
    adoptions: dict[str, dict[int, float]], *, min_adopters: int = 5
) -> dict[int, tuple[float, int]]:
    """Each person's innovativeness over many innovations: minus their mean z-score of
    adoption time (higher adopts earlier), with how many innovations it rests on."""
    totals: dict[int, list[float]] = {}
    for times in adoptions.values():
        if len(times) < min_adopters:
            continue
        values = np.array(list(times.values()), dtype=np.float64)
        sigma = values.std()
        if sigma == 0:
            continue
        mu = values.mean()
        for person, t in times.items():
            totals.setdefault(person, []).append((t - mu) / sigma)
    return {p: (-float(np.mean(z)), len(z)) for p, z in totals.items()}


def adoption_counts(times: np.ndarray, *, start: float, period: float, periods: int) -> np.ndarray:
    """Adoptions per period from ``start`` (period 1 is ``[start, start + period)``)."""
    index = np.floor((np.asarray(times, dtype=np.float64) - start) / period).astype(np.int64)
    index = index[(index >= 0) & (index < periods)]
    return np.bincount(index, minlength=periods).astype(np.float64)
