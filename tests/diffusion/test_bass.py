import math

import numpy as np
import pytest

from salon.diffusion.bass import (
    Backtest,
    backtest,
    fit_bass,
    fit_bass_many,
    ols_estimate,
    predicted,
    unconverged,
)
from salon.errors import ConvergenceError, SalonError

# Published series and estimates ------------------------------------------------------------
# 1. Ten years of sales from 1979, fitted by NLS of m·f(t) in R (C. Wang, "Bass diffusion
#    model", RPubs 2012; the same example is in the DIMORA R package's BASS.standard docs):
#    M = 6.80e4, P = 6.59e-3, Q = 6.38e-1.
SALES_1979 = np.array([840, 1470, 2110, 4000, 7590, 10950, 10530, 9470, 7790, 5890], float)
# 2. A worked classroom example of Bass's OLS (five years of adoptions, in millions):
#    p = 0.0626032, q = 0.73766359, M = 10.5036768.
ADOPTIONS_5Y = np.array([0.517, 1.169, 1.604, 2.044, 2.286])


def test_reproduces_published_nls_estimates():
    fit = fit_bass(SALES_1979, form="density", bootstrap=0)
    assert fit.m == pytest.approx(6.80e4, rel=0.01)
    assert fit.p == pytest.approx(6.59e-3, rel=0.01)
    assert fit.q == pytest.approx(6.38e-1, rel=0.01)


def test_reproduces_published_ols_estimates():
    p, q, m = ols_estimate(ADOPTIONS_5Y)
    assert (p, q, m) == pytest.approx((0.0626032, 0.73766359, 10.5036768), rel=1e-6)


def test_recovers_known_parameters_and_covers_them():
    rng = np.random.default_rng(1)
    truth = predicted(np.array([0.01, 0.5, 5000.0]), 14)[0]
    noisy = np.clip(truth + rng.normal(0, 15, size=14), 0, None)
    fit = fit_bass(noisy, bootstrap=300, seed=2)
    assert fit.p == pytest.approx(0.01, rel=0.3)
    assert fit.q == pytest.approx(0.5, rel=0.15)
    low, high = fit.interval("m")
    assert low <= 5000 <= high
    forecast = fit.forecast(6)
    assert forecast["low"] <= forecast["adopters"] <= forecast["high"]


def test_market_is_capped_by_the_segment():
    early = predicted(np.array([0.005, 0.6, 10_000.0]), 6)[0]  # still in the take-off
    fit = fit_bass(early, m_max=3000, bootstrap=0)
    assert early.sum() <= fit.m <= 3000  # the market would be 10,000 without the cap


def _bass_cumulative(p: float, q: float, t: float) -> float:
    """F(t) of Bass (1969), written out: the share of the market adopted by time t."""
    decay = math.exp(-(p + q) * t)
    return (1 - decay) / (1 + q / p * decay)


def test_backtest_reports_error_and_coverage():
    result = backtest(SALES_1979, 2, bootstrap=100)
    assert result.actual == SALES_1979.sum() == 60640
    # the forecast is the 8 years seen plus m·(F(10) − F(8)) of the curve fitted to them
    fit = fit_bass(SALES_1979[:8], bootstrap=0)
    by_hand = SALES_1979[:8].sum() + fit.m * (
        _bass_cumulative(fit.p, fit.q, 10) - _bass_cumulative(fit.p, fit.q, 8)
    )
    assert result.forecast == pytest.approx(by_hand, rel=1e-9)
    assert result.forecast == pytest.approx(56227, abs=1)
    assert result.error == pytest.approx(abs(by_hand - 60640) / 60640, rel=1e-9)  # 7.3%
    # the 90% interval stops short of what happened: the sales held up longer than the curve
    assert result.low < result.forecast < result.high < result.actual
    assert result.covered is False


def test_coverage_is_the_interval_around_the_actual_total():
    assert Backtest(2, 100.0, 90.0, 80.0, 110.0).covered is True
    assert Backtest(2, 100.0, 90.0, 80.0, 100.0).covered is True  # the ends count
    assert Backtest(2, 100.0, 90.0, 101.0, 120.0).covered is False
    assert Backtest(2, 100.0, 90.0, 80.0, 99.0).covered is False
    assert Backtest(2, 100.0, 90.0, 80.0, 99.0, unbounded=True).covered is True
    assert Backtest(2, 100.0, 90.0, None, None).covered is None  # no bootstrap: no interval
    assert Backtest(2, 100.0, 90.0, 80.0, 99.0).error == 0.1
    assert Backtest(2, 0.0, 5.0, None, None).error == 0.0


def test_too_short():
    with pytest.raises(ValueError):
        fit_bass(np.array([1.0, 2.0]))


# Bounds, convergence -----------------------------------------------------------------------
# A segment of 480 people early in its take-off: unbounded, the anchored curve forecast 489.
TAKE_OFF = np.array([14.0, 0, 15, 20, 35, 55, 66, 88])
# Pure exponential growth: nothing in the data bounds the market.
EXPONENTIAL = np.array([1.0, 2, 3, 5, 8, 12, 18, 27, 40, 60])


def test_forecast_never_exceeds_the_segment():
    fit = fit_bass(TAKE_OFF, m_max=480, bootstrap=200, seed=1)
    unanchored = TAKE_OFF.sum() + float((fit.cumulative(14) - fit.cumulative(8))[0])
    assert unanchored > 480  # what the forecast said before it was bounded
    for horizon in (6, 12):
        forecast = fit.forecast(horizon)
        assert forecast["low"] <= forecast["adopters"] <= forecast["high"] <= 480
    assert fit.forecast(6)["at_segment_size"] is True
    (hit,) = fit.bounds_hit()
    assert hit["parameter"] == "m" and hit["bound"] == "upper"
    assert "m is at its upper bound" in hit["note"]
    assert "the data do not pin the market size" in hit["note"]
    low, high = fit.interval("m")
    assert high == 480 and low < 470  # widened to the bound, not a zero-width interval


def test_market_at_the_internal_cap_is_unbounded():
    fit = fit_bass(EXPONENTIAL, bootstrap=200)
    assert fit.m == pytest.approx(20 * EXPONENTIAL.sum(), rel=1e-3)
    assert [h["parameter"] for h in fit.bounds_hit()] == ["m"]
    assert "internal cap" in fit.bounds_hit()[0]["note"]
    low, high = fit.interval("m")
    assert high is None and low < 0.9 * fit.m  # reported unbounded, not [m, m]
    assert fit.forecast(6)["unbounded"] is True


def test_a_fit_inside_its_bounds_says_nothing():
    truth = predicted(np.array([0.02, 0.4, 1000.0]), 12)[0]
    fit = fit_bass(truth, m_max=5000, bootstrap=50)
    assert fit.bounds_hit() == [] and fit.converged
    assert "unbounded" not in fit.forecast(6) and "at_segment_size" not in fit.forecast(6)


def test_no_convergence_raises_with_advice():
    with pytest.raises(ConvergenceError, match="--period week") as error:
        fit_bass(EXPONENTIAL, bootstrap=0, iterations=4)
    assert isinstance(error.value, SalonError) and "longer history" in str(error.value)
    assert fit_bass(EXPONENTIAL, bootstrap=0).converged  # given the steps it needs


def test_batched_fit_reports_the_series_that_did_not_converge():
    good = predicted(np.array([0.02, 0.4, 1000.0]), 10)[0]
    fits = fit_bass_many([good, EXPONENTIAL, 2 * good], bootstrap=0, iterations=5)
    assert unconverged(fits) == [1]
    assert fits[0].m == pytest.approx(1000, rel=1e-3) and fits[2].converged


# Bugs the benchmarks found -----------------------------------------------------------------
# A short sparse series (social network science, a term's authors a year): q collapsed to
# ~1e-32 and the normal equations became singular (numpy.linalg.LinAlgError).
SPARSE = [np.array([2.0, 0, 0, 0, 3, 0]), np.array([1.0, 0, 1, 0, 4, 0])]


@pytest.mark.parametrize("series", SPARSE)
def test_a_sparse_series_fits_without_a_singular_matrix(series):
    fit = fit_bass(series, bootstrap=200)
    assert fit.converged and np.isfinite([fit.p, fit.q, fit.m]).all()
    assert fit.m >= series.sum()
    padded = np.concatenate([series, [0.0, 1.0, 0.0]])
    result = backtest(padded, 3)  # no traceback either
    assert result.actual == padded.sum() and result.low <= result.forecast <= result.high


def test_a_market_at_its_lower_bound_is_fitted_to_the_bound():
    # Adoption over by the last periods: the best market is today's adopters exactly, and the
    # fit must reach it (it stopped 2e-3 × N_T above it, with a worse sum of squares).
    from scipy.optimize import least_squares

    rng = np.random.default_rng(0)  # bench_bass's first series
    truth = np.column_stack(
        [rng.uniform(0.005, 0.05, 200), rng.uniform(0.1, 0.8, 200), rng.uniform(200, 5000, 200)]
    )
    clean = predicted(truth, 24)
    done = np.clip(clean + rng.normal(0, 1, clean.shape) * np.sqrt(clean + 1), 0, None)[0]
    fit = fit_bass(done, bootstrap=0)
    assert fit.m == pytest.approx(done.sum(), rel=1e-9)
    assert fit.at_bound("m") == "lower"
    peer = least_squares(
        lambda x: predicted(x, len(done))[0] - done,
        [fit.p, fit.q, done.sum() * 1.1],
        bounds=([1e-9, 0, done.sum()], [1, 3, 20 * done.sum()]),
        xtol=1e-12,
        ftol=1e-12,
    )
    ours = ((predicted(fit.params, len(done))[0] - done) ** 2).sum()
    assert ours <= 2 * peer.cost * (1 + 1e-6)


def test_the_interval_of_m_covers_the_truth_about_nine_times_in_ten():
    # bench_bass found 50 %: an iid residual bootstrap gave quiet periods the peak's noise.
    # Counted only where the truth is at least the adopters seen: with noise, the observed
    # total can pass the curve's m, and no fit bounded by N_T <= m can hold a smaller truth.
    rng = np.random.default_rng(0)
    count = 200
    truth = np.column_stack(
        [
            rng.uniform(0.005, 0.05, count),
            rng.uniform(0.1, 0.8, count),
            rng.uniform(200, 5000, count),
        ]
    )
    clean = predicted(truth, 24)
    noisy = np.clip(clean + rng.normal(0, 1, clean.shape) * np.sqrt(clean + 1), 0, None)
    keep = truth[:, 2] >= noisy.sum(axis=1)
    fits = fit_bass_many(list(noisy[keep]), bootstrap=200)
    held = [
        f.interval("m")[0] <= t <= (f.interval("m")[1] or np.inf)
        for f, t in zip(fits, truth[keep, 2], strict=True)
    ]
    assert len(held) > 100 and np.mean(held) >= 0.85


def test_bootstrap_noise_stays_at_each_periods_own_scale():
    # An iid residual bootstrap gave a quiet period the noise of the peak (and the peak that of
    # a quiet period): intervals too narrow where it matters. Residuals keep the Poisson scale.
    from salon.diffusion.bass import count_samples

    fitted = np.array([[1.0, 100.0, 10_000.0, 100.0, 1.0]])
    residual = np.array([[1.0, -10.0, 100.0, 10.0, -1.0]])
    samples = count_samples(fitted, residual, 4000, np.random.default_rng(0))[0]
    spread = samples.std(axis=0)
    assert spread[2] > 50 and spread[0] < 5 and spread[4] < 5
