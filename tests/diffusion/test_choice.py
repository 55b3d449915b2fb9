import numpy as np

from salon.diffusion.bass import predicted
from salon.diffusion.choice import calibrated_interval, choose, damped_trend, predict


def test_a_series_that_stopped_growing_is_forecast_by_no_growth():
    # A burst, then nothing: Bass and a trend both expect more; the held-out tail says not.
    counts = np.array([5.0, 20, 40, 30, 25, 20, 15, 0, 0, 0, 0, 0, 0, 0, 0, 0])
    choice = choose(counts, horizon=6)
    assert choice.model == "no growth" and choice.held_out == 4
    assert choice.errors["no growth"] == 0.0
    reason = choice.reason("week")
    assert reason.startswith("Bass forecast worse than no growth on the last 4 weeks held out")
    assert reason.endswith("no growth is shown.")


def test_a_bass_curve_is_forecast_by_bass_with_an_interval_around_it():
    counts = predicted(np.array([0.01, 0.5, 2000.0]), 16)[0].round()
    choice = choose(counts, horizon=6)
    assert choice.model == "bass"
    point = predict("bass", counts, np.array([6]))
    low, high, used = calibrated_interval("bass", counts, [6], point)
    assert used >= 5 and low[0] <= point[0] <= high[0]
    assert low[0] >= counts.sum()  # never below today


def test_the_damped_trend_slows_down():
    counts = np.full(20, 10.0)
    ahead = damped_trend(counts, np.array([1, 10, 100]))
    growth = ahead - counts.sum()
    assert 0 < growth[0] <= 10.5 and growth[1] < 10 * growth[0] and growth[2] < 100 * growth[0]
