import gzip

import numpy as np

from salon.diffusion.censoring import Window, censoring
from tests.conftest import shared

DAY = 86400.0
ANNOUNCEMENT = 1341360000  # 2012-07-04 00:00 UTC, the day CERN announced the Higgs boson


def _higgs() -> tuple[np.ndarray, Window]:
    """Each retweeter's first retweet, and the 7-day window SNAP collected."""
    first: dict[str, float] = {}
    low, high = np.inf, -np.inf
    with gzip.open(shared("higgs_twitter/higgs-activity_time.txt.gz"), "rt") as f:
        for line in f:
            a, _, t, kind = line.split()
            at = float(t)
            low, high = min(low, at), max(high, at)
            if kind == "RT" and at < first.get(a, np.inf):
                first[a] = at
    return np.array(list(first.values())), Window(low, high, "higgs")


def test_higgs_window_is_left_censored_not_right():
    times, window = _higgs()
    found = censoring(times, window, DAY, "day")
    # Retweets start 3.5 minutes into the collection: the rumour was already spreading.
    assert found["left"] is True and found["right"] is False and found["coarse"] is False
    assert "Left-censored" in found["notes"][0] and "--log-time" in found["notes"][0]


def test_higgs_collected_before_the_announcement_is_right_censored():
    times, window = _higgs()
    before = times[times < ANNOUNCEMENT]  # a collection that stopped before the event
    found = censoring(before, Window(window.start, ANNOUNCEMENT - 1, "higgs"), DAY, "day")
    assert found["right"] is True and found["coarse"] is True
    assert any("Right-censored" in n and "longer window" in n for n in found["notes"])
    assert any("only 3.0 days" in n for n in found["notes"])


def test_a_whole_curve_inside_its_window_is_not_censored():
    rng = np.random.default_rng(0)
    times = rng.normal(100 * DAY, 10 * DAY, size=2000)
    found = censoring(times, Window(0, 200 * DAY, "site"), 7 * DAY, "week")
    assert (found["left"], found["right"], found["coarse"]) == (False, False, False)
    assert found["notes"] == []


def test_a_hashtag_collected_before_its_event_is_right_censored():
    # Two weeks of a tag whose use doubles every three days (the event comes later).
    rng = np.random.default_rng(1)
    times = 14 * DAY - rng.exponential(3 * DAY / np.log(2), size=3000)
    times = times[times > DAY]
    found = censoring(times, Window(0, 14 * DAY, "x"), DAY, "day")
    assert found["right"] is True and found["left"] is False
