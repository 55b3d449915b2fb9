"""Proximity: how the likelihood of meeting someone falls with the distance to them.

Allen (1977) measured it inside R&D buildings: the chance that two engineers talk weekly
falls steeply with the metres between their desks and levels off beyond about 50 m (the
"Allen curve"). Between cities the same decay holds at another scale: Liben-Nowell et al.
(2005) found the probability of a LiveJournal friendship falling as distance^−1.2 (plus a
constant), and Goldenberg & Levy (2009) found e-mail and Facebook ties still concentrated
within a few kilometres years after "the death of distance". Salon uses the power form

    P(contact | d) ∝ (d + d0)^−β          (d in km)

or the exponential exp(−d/λ), whichever fits the user's own data better, and reports the
likelihood *relative to a contact in the same place*: ``relative(0) == 1``.

**Fit.** Pairs (you and each contact with a known place) are binned by distance
(:data:`BIN_EDGES_KM`); each bin holds its pairs and how many of them met in person. Both forms
are fitted by maximum binomial likelihood on the bins (a grid over β and d0, or λ, with the
scale profiled out), and the one with the lower AIC is kept. **Minimum**: a fit needs at least
:data:`MIN_MEETINGS` pairs who met and pairs in at least :data:`MIN_BINS` distance bins; with
less, :func:`default_decay` is used: β = 1.0, d0 = 10 km (the metro area costs nothing; a
contact 500 km away is 1/51 as likely as a neighbour), between Liben-Nowell's 1.2 and the
near-1 exponents Goldenberg & Levy report, and the result says why.

References
----------
T. J. Allen, *Managing the Flow of Technology*, MIT Press (1977).
D. Liben-Nowell, J. Novak, R. Kumar, P. Raghavan, A. Tomkins, "Geographic routing in social
networks", PNAS 102(33):11623–11628 (2005).
J. Goldenberg, M. Levy, "Distance is not dead: social interaction and geographical distance
in the internet era", arXiv:0906.3202 (2009).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

#: Pairs who met needed before Salon trusts a fit of your own data.
MIN_MEETINGS = 30
#: Distance bins with pairs needed for a fit.
MIN_BINS = 3
#: The default curve: power form with these.
DEFAULT_BETA = 1.0
DEFAULT_D0_KM = 10.0
#: Distance bins (km): same place, metro, region, country, continent, world.
BIN_EDGES_KM = (0.0, 5.0, 25.0, 100.0, 300.0, 1000.0, 3000.0, 8000.0, 21000.0)

_BETAS = np.round(np.arange(0.0, 4.0001, 0.02), 2)
_D0S = (0.05, 0.1, 0.5, 1.0, 2.0, 5.0, 10.0, 25.0, 50.0, 100.0)
_SCALES = np.geomspace(0.05, 30000.0, 240)


@dataclass(frozen=True)
class DistanceDecay:
    """A fitted (or default) Allen-style curve with the evidence behind it."""

    form: str
    source: str
    beta: float | None
    d0_km: float | None
    scale_km: float | None
    pairs: int
    met: int
    note: str
    bins: list[dict[str, Any]] = field(default_factory=list)
    log_likelihood: float | None = None
    aic: dict[str, float] = field(default_factory=dict)

    def relative(self, distance_km: float | np.ndarray) -> np.ndarray:
        """Likelihood of contact at ``distance_km`` relative to the same place (1 at 0).

        >>> float(default_decay().relative(0.0)), round(float(default_decay().relative(490)), 3)
        (1.0, 0.02)
        """
        d = np.maximum(np.asarray(distance_km, dtype=float), 0.0)
        if self.form == "exponential":
            return np.exp(-d / float(self.scale_km or 1.0))
        d0 = float(self.d0_km or DEFAULT_D0_KM)
        return ((d + d0) / d0) ** -float(self.beta or 0.0)

    def describe(self, unit: str = "km") -> str:
        """``P ∝ (d + 10 km)^-1.00 (default: …)``; ``unit`` names the distance's unit when
        it is not km (a fit on another distance, e.g. department steps)."""
        if self.form == "exponential":
            curve = f"P ∝ exp(-d / {self.scale_km:.3g} {unit})"
        else:
            curve = f"P ∝ (d + {self.d0_km:g} {unit})^-{self.beta:.2f}"
        return f"{curve} ({self.source}: {self.note})"

    def to_dict(self) -> dict[str, Any]:
        return {
            "form": self.form,
            "source": self.source,
            "beta": self.beta,
            "d0_km": self.d0_km,
            "scale_km": self.scale_km,
            "pairs": self.pairs,
            "met": self.met,
            "note": self.note,
            "bins": self.bins,
            "log_likelihood": self.log_likelihood,
            "aic": self.aic,
            "curve": self.describe(),
        }


def default_decay(
    note: str = "the published default", *, pairs: int = 0, met: int = 0
) -> DistanceDecay:
    """The default curve: P ∝ (d + 10 km)^−1.0 (see the module's docstring)."""
    return DistanceDecay("power", "default", DEFAULT_BETA, DEFAULT_D0_KM, None, pairs, met, note)


def distance_bins(
    distances_km: np.ndarray, met: np.ndarray, *, edges: Sequence[float] = BIN_EDGES_KM
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per bin: pairs, pairs who met, mean distance, upper edge (empty bins dropped)."""
    d = np.asarray(distances_km, dtype=float)
    hit = np.asarray(met, dtype=float) > 0
    edge = np.asarray(edges, dtype=float)
    which = np.clip(np.searchsorted(edge, d, side="right") - 1, 0, len(edge) - 2)
    n = np.bincount(which, minlength=len(edge) - 1).astype(float)
    k = np.bincount(which, weights=hit, minlength=len(edge) - 1)
    total = np.bincount(which, weights=d, minlength=len(edge) - 1)
    keep = n > 0
    mean = np.divide(total, n, out=np.zeros_like(total), where=keep)
    return n[keep], k[keep], mean[keep], edge[1:][keep]


def _loglik(n: np.ndarray, k: np.ndarray, shape: np.ndarray) -> tuple[float, float]:
    """Binomial log-likelihood with p_b = a · shape_b, a profiled (Poisson estimate), and a."""
    a = float(k.sum() / max(float((n * shape).sum()), 1e-300))
    p = np.clip(a * shape, 1e-12, 1 - 1e-12)
    return float((k * np.log(p) + (n - k) * np.log1p(-p)).sum()), a


def fit_distance_decay(
    distances_km: np.ndarray | Sequence[float],
    met: np.ndarray | Sequence[float],
    *,
    edges: Sequence[float] = BIN_EDGES_KM,
    min_meetings: int = MIN_MEETINGS,
    min_bins: int = MIN_BINS,
    unit: str = "km",
) -> DistanceDecay:
    """Fit P(contact | d) to pairs at known distances, or fall back on the default.

    ``distances_km[i]`` is pair i's distance; ``met[i]`` > 0 when they met in person.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> d = rng.uniform(0, 2000, 5000)
    >>> met = rng.random(5000) < 0.6 * ((d + 10) / 10) ** -1.0
    >>> fit = fit_distance_decay(d, met)
    >>> fit.source, fit.form, 0.7 < fit.beta < 1.3
    ('fitted', 'power', True)
    >>> fit_distance_decay([1.0, 2.0], [1, 0]).source
    'default'
    """
    d = np.asarray(distances_km, dtype=float)
    hits = np.asarray(met, dtype=float)
    n, k, mean, upper = distance_bins(d, hits, edges=edges)
    pairs, contacted = int(n.sum()), int(k.sum())
    rows = [
        {
            f"to_{unit}": float(u),
            f"mean_{unit}": round(float(m), 3),
            "pairs": int(a),
            "met": int(b),
            "rate": round(float(b / a), 6),
        }
        for u, m, a, b in zip(upper, mean, n, k, strict=True)
    ]
    if contacted < min_meetings or len(n) < min_bins:
        why = (
            f"{contacted} pairs met in person at known distances, in {len(n)} distance bins; "
            f"a fit needs {min_meetings} in {min_bins}"
        )
        fallback = default_decay(why, pairs=pairs, met=contacted)
        return DistanceDecay(**{**fallback.__dict__, "bins": rows})
    best_power = max(
        (
            (*_loglik(n, k, ((mean + d0) / d0) ** -beta), float(beta), d0)
            for d0 in _D0S
            for beta in _BETAS
        ),
        key=lambda t: t[0],
    )
    best_exp = max(
        ((*_loglik(n, k, np.exp(-mean / s)), float(s)) for s in _SCALES), key=lambda t: t[0]
    )
    aic = {"power": 2 * 3 - 2 * best_power[0], "exponential": 2 * 2 - 2 * best_exp[0]}
    note = f"{contacted} of {pairs} pairs met, {len(n)} distance bins"
    if aic["power"] <= aic["exponential"]:
        ll, a, beta, d0 = best_power
        shape = ((mean + d0) / d0) ** -beta
        fit = DistanceDecay("power", "fitted", beta, d0, None, pairs, contacted, note)
    else:
        ll, a, scale = best_exp
        shape = np.exp(-mean / scale)
        fit = DistanceDecay("exponential", "fitted", None, None, scale, pairs, contacted, note)
    for row, p in zip(rows, a * shape, strict=True):
        row["fitted_rate"] = round(float(min(p, 1.0)), 6)
    return DistanceDecay(
        **{
            **fit.__dict__,
            "bins": rows,
            "log_likelihood": round(ll, 4),
            "aic": {key: round(v, 4) for key, v in aic.items()},
        }
    )


def half_distance_km(decay: DistanceDecay) -> float:
    """The distance at which the likelihood is half that of the same place."""
    if decay.form == "exponential":
        return float(decay.scale_km or 0.0) * math.log(2)
    if not decay.beta:
        return math.inf
    return float(decay.d0_km or 0.0) * (2 ** (1 / decay.beta) - 1)
