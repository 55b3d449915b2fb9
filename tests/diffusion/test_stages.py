import numpy as np

from salon.diffusion.stages import STAGES, adoption_counts, adoption_stages, innovativeness


def test_rogers_cutoffs_on_a_normal_sample():
    rng = np.random.default_rng(0)
    times = rng.normal(100, 10, size=20_000)
    shares = adoption_stages(np.arange(len(times)), times).shares()
    expected = {
        "innovator": 0.0228,
        "early adopter": 0.1359,
        "early majority": 0.3413,
        "late majority": 0.3413,
        "laggard": 0.1587,
    }
    for stage, share in expected.items():
        assert abs(shares[stage] - share) < 0.01


def test_quantile_method_and_log_time():
    times = np.exp(np.linspace(0, 10, 1000)) * 86400
    q = adoption_stages(np.arange(1000), times, method="quantile").shares()
    assert abs(q["innovator"] - 0.025) < 0.005 and abs(q["laggard"] - 0.16) < 0.005
    skewed = adoption_stages(np.arange(1000), times, log_time=True).shares()
    plain = adoption_stages(np.arange(1000), times).shares()
    assert skewed != plain


def test_censored_sample_uses_the_fitted_market():
    # 40 adopters so far of an eventual 200: nobody can be a laggard yet.
    r = adoption_stages(np.arange(40), np.arange(40.0), eventual=200)
    assert r.method == "bass"
    assert STAGES[r.stages.max()] == "early majority"
    assert r.shares()["innovator"] == 5 / 40  # the first 2.5 % of 200


def test_innovativeness_is_mean_z():
    scores = innovativeness(
        {"a": {1: 0, 2: 10, 3: 20, 4: 30, 5: 40}, "b": {1: 5, 2: 6, 3: 7, 4: 8, 5: 9}}
    )
    assert scores[1][0] > scores[5][0] and scores[1][1] == 2


def test_counts():
    assert adoption_counts(np.array([0, 1, 5, 9, 30]), start=0, period=5, periods=3).tolist() == [
        2,
        2,
        0,
    ]
