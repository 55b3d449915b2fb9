"""The Allen-style distance decay: recovered from simulated pairs, the default otherwise."""

from __future__ import annotations

import numpy as np
import pytest

from salon.offline.proximity import (
    DEFAULT_BETA,
    DEFAULT_D0_KM,
    MIN_MEETINGS,
    default_decay,
    distance_bins,
    fit_distance_decay,
    half_distance_km,
)


def _pairs(seed, n, shape):
    rng = np.random.default_rng(seed)
    d = rng.uniform(0, 3000, n)
    return d, rng.random(n) < shape(d)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_power_law_is_recovered(seed):
    d, met = _pairs(seed, 20000, lambda d: 0.5 * ((d + 10) / 10) ** -1.2)
    fit = fit_distance_decay(d, met)
    assert fit.source == "fitted" and fit.form == "power"
    assert fit.beta == pytest.approx(1.2, abs=0.25)
    assert fit.met == int(met.sum()) and fit.pairs == 20000


def test_exponential_is_recovered():
    d, met = _pairs(3, 20000, lambda d: 0.4 * np.exp(-d / 300))
    fit = fit_distance_decay(d, met)
    assert fit.form == "exponential" and fit.scale_km == pytest.approx(300, rel=0.3)
    assert fit.aic["exponential"] < fit.aic["power"]


def test_too_few_meetings_fall_back_on_the_default():
    d = np.array([1.0, 50, 500, 2000] * 10)
    met = np.zeros(40)
    met[: MIN_MEETINGS - 1] = 1
    fit = fit_distance_decay(d, met)
    assert fit.source == "default" and fit.beta == DEFAULT_BETA and fit.d0_km == DEFAULT_D0_KM
    assert f"{MIN_MEETINGS - 1} pairs met" in fit.note and fit.bins  # the evidence stays


def test_relative_likelihood():
    decay = default_decay()
    assert float(decay.relative(0)) == 1.0
    assert float(decay.relative(10)) == pytest.approx(0.5)
    assert half_distance_km(decay) == pytest.approx(10.0)
    values = decay.relative(np.array([0, 1, 10, 100, 1000]))
    assert np.all(np.diff(values) < 0)


def test_bins_count_pairs_and_meetings():
    n, k, mean, upper = distance_bins(np.array([1, 2, 30, 30]), np.array([1, 0, 2, 0]))
    assert n.tolist() == [2, 2] and k.tolist() == [1, 1]
    assert mean.tolist() == [1.5, 30.0] and upper.tolist() == [5.0, 100.0]


def test_the_fit_reports_every_bin_with_its_fitted_rate():
    d, met = _pairs(4, 5000, lambda d: 0.5 * ((d + 10) / 10) ** -1.0)
    fit = fit_distance_decay(d, met).to_dict()
    assert sum(b["pairs"] for b in fit["bins"]) == 5000
    assert all(0 <= b["fitted_rate"] <= 1 for b in fit["bins"])
    assert fit["curve"].startswith("P ∝")
