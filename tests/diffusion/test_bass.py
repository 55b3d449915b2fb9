import numpy as np
import pytest

from salon.diffusion.bass import backtest, fit_bass, ols_estimate, predicted

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


def test_backtest_reports_error_and_coverage():
    result = backtest(SALES_1979, 2, bootstrap=100)
    assert result.actual == SALES_1979.sum()
    assert 0 <= result.error < 0.2
    assert result.covered in (True, False)


def test_too_short():
    with pytest.raises(ValueError):
        fit_bass(np.array([1.0, 2.0]))
