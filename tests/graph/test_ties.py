import math

import numpy as np
import pytest

from salon.graph.ties import DAY, STANDING_WEIGHTS, TIE_WEIGHTS, tie_strengths


def test_known_answer_written_out():
    # 1 ↔ 2: a message each way and a dinner; 3 → 1: a like. Half-life 10 days.
    src = np.array([1, 2, 1, 3])
    dst = np.array([2, 1, 2, 1])
    kind = np.array(["message", "message", "dinner", "like"])
    at = np.array([0.0, 10 * DAY, 20 * DAY, 5 * DAY])
    found = tie_strengths(src, dst, kind, at, now=20 * DAY, half_life_days=10, answer_bonus=0)
    assert found.pairs.tolist() == [[1, 2], [1, 3]]
    expected_12 = 2 * 0.25 + 2 * 0.5 + 10 * 1.0
    expected_13 = 0.25 * 2 ** (-15 / 10)
    assert found.strength.tolist() == pytest.approx([expected_12, expected_13])
    assert found.frequency.tolist() == [3, 1]
    assert found.recency.tolist() == pytest.approx([0.0, 15.0])
    # the dinner counts both ways: 2 sent by 1, 2 by 2
    assert found.sent.tolist() == [2, 0] and found.received.tolist() == [2, 1]
    assert found.reciprocity.tolist() == [1.0, 0.0]
    assert found.first.tolist() == [0.0, 5 * DAY] and found.last.tolist() == [20 * DAY, 5 * DAY]
    row = found.row(0)
    assert row["by_kind"] == {"dinner": 1, "message": 2}


def test_one_half_life_old_counts_half():
    for half_life in (1.0, 30.0, 365.0):
        found = tie_strengths(
            [1], [2], ["call"], [0.0], now=half_life * DAY, half_life_days=half_life
        )
        assert found.strength[0] == pytest.approx(TIE_WEIGHTS["call"] / 2)


def test_in_person_outweighs_calls_outweigh_messages_outweigh_likes():
    order = ["dinner", "meeting", "call", "message", "mention", "like"]
    values = [TIE_WEIGHTS[k] for k in order]
    assert values == sorted(values, reverse=True) and len(set(values[1:4])) == 3
    assert max(STANDING_WEIGHTS.values()) < TIE_WEIGHTS["like"] * 2


def test_standing_ties_add_a_constant_and_are_no_interactions():
    found = tie_strengths([1, 1], [2, 3], ["follow", "connection"], [math.nan, math.nan], now=1e9)
    assert found.strength.tolist() == [STANDING_WEIGHTS["follow"], STANDING_WEIGHTS["connection"]]
    assert found.frequency.tolist() == [0, 0]
    assert np.isnan(found.recency).all() and np.isnan(found.reciprocity).all()


def test_weights_override_and_event_weights_multiply():
    found = tie_strengths(
        [1, 1],
        [2, 2],
        ["call", "call"],
        [0.0, 0.0],
        now=0.0,
        weights={"call": 3},
        weight=np.array([2.0, -5.0]),
    )
    assert found.strength.tolist() == [6.0]  # a negative weight counts as none
    assert found.weights["call"] == 3


def test_directed_pairs_without_reciprocal():
    found = tie_strengths(
        [1, 2, 2], [2, 1, 1], ["message"] * 3, [0.0] * 3, now=0.0, reciprocal=False
    )
    assert found.pairs.tolist() == [[1, 2], [2, 1]]
    assert found.strength.tolist() == [2.0, 4.0] and np.isnan(found.reciprocity).all()


def test_order_is_strongest_first_and_self_loops_are_left_out():
    found = tie_strengths(
        [5, 1, 3, 4], [5, 2, 4, 3], ["dinner", "like", "call", "call"], [0.0] * 4, now=0.0
    )
    assert found.pairs.tolist() == [[1, 2], [3, 4]]
    assert found.pairs[found.order()].tolist() == [[3, 4], [1, 2]]


def test_integer_codes_with_their_names_and_future_events():
    found = tie_strengths(
        np.array([1, 1]),
        np.array([2, 2]),
        np.array([0, 1]),
        np.array([0.0, 5 * DAY]),
        now=0.0,
        kinds=("call", "like"),
    )
    # an event after now counts as of now
    assert found.strength[0] == pytest.approx(TIE_WEIGHTS["call"] + TIE_WEIGHTS["like"])
    with pytest.raises(ValueError, match="kinds="):
        tie_strengths([1], [2], np.array([0]), [0.0], now=0.0)


def test_empty_input_and_a_bad_half_life():
    found = tie_strengths([], [], np.array([], dtype=str), [], now=0.0)
    assert len(found) == 0 and found.pairs.shape == (0, 2)
    with pytest.raises(ValueError, match="half-life"):
        tie_strengths([1], [2], ["call"], [0.0], now=0.0, half_life_days=0)
    timeless = tie_strengths([1], [2], ["call"], [0.0], now=1e12, half_life_days=math.inf)
    assert timeless.strength.tolist() == [TIE_WEIGHTS["call"]]


def test_invariant_to_row_order_and_direction_of_symmetric_kinds():
    rng = np.random.default_rng(0)
    n = 500
    src, dst = rng.integers(0, 30, n), rng.integers(0, 30, n)
    kind = rng.choice(["dinner", "call", "message", "like", "meeting"], n)
    at = rng.uniform(0, 100 * DAY, n)
    one = tie_strengths(src, dst, kind, at, now=100 * DAY, answer_bonus=0)
    perm = rng.permutation(n)
    two = tie_strengths(src[perm], dst[perm], kind[perm], at[perm], now=100 * DAY, answer_bonus=0)
    assert one.pairs.tolist() == two.pairs.tolist()
    assert np.allclose(one.strength, two.strength)
    for threads in (1, 3):
        again = tie_strengths(src, dst, kind, at, now=100 * DAY, threads=threads)
        with_answers = tie_strengths(src, dst, kind, at, now=100 * DAY)
        assert again.pairs.tolist() == one.pairs.tolist()
        assert np.allclose(again.strength, with_answers.strength)
    # the strength is the sum over pairs of each event's contribution, computed plainly
    total = sum(
        TIE_WEIGHTS[k] * 0.5 ** ((100 * DAY - t) / (90 * DAY))
        for s, d, k, t in zip(src, dst, kind, at, strict=True)
        if s != d
    )
    assert one.strength.sum() == pytest.approx(total)


def test_a_prompt_answer_counts_more_than_a_late_one_or_a_second_message():
    # 1 → 2 at 0; 2 answers after an hour. 3 → 4 at 0; 4 answers after ten days.
    # 5 → 6 twice: no answer.
    hour = 3600.0
    found = tie_strengths(
        [1, 2, 3, 4, 5, 5],
        [2, 1, 4, 3, 6, 6],
        ["message"] * 6,
        [0.0, hour, 0.0, 10 * DAY, 0.0, hour],
        now=10 * DAY,
        half_life_days=1e6,
        answer_bonus=1.0,
        answer_days=1.0,
    )
    assert found.answers.tolist() == [1, 1, 0]
    w = TIE_WEIGHTS["message"]
    expected = [w + w * (1 + math.exp(-1 / 24)), w + w * (1 + math.exp(-10)), 2 * w]
    assert found.strength.tolist() == pytest.approx(expected, rel=1e-4)
    # a meeting answers nothing and is answered by nothing
    met = tie_strengths([1, 2], [2, 1], ["meeting", "message"], [0.0, hour], now=hour)
    assert met.answers.tolist() == [0]


def test_ids_far_apart_and_negative():
    found = tie_strengths(
        [-5, 10**12, 7], [10**12, -5, 10**15], ["call"] * 3, [0.0, 1.0, 2.0], now=2.0
    )
    assert found.pairs.tolist() == [[-5, 10**12], [7, 10**15]]
    assert found.frequency.tolist() == [2, 1] and found.answers.tolist() == [1, 0]


def test_many_buckets_agree_with_a_plain_loop():
    # more events than one bucket holds: the buckets, their order and the answers checked
    rng = np.random.default_rng(1)
    n = 40_000
    src, dst = rng.integers(0, 3000, n), rng.integers(0, 3000, n)
    kind = rng.choice(["message", "call", "dinner", "like"], n)
    at = np.sort(rng.uniform(0, 50 * DAY, n))
    found = tie_strengths(src, dst, kind, at, now=50 * DAY, threads=2)
    tau = 90 * DAY / math.log(2)
    sums: dict[tuple[int, int], list[float]] = {}
    previous: dict[tuple[int, int], tuple[int, float]] = {}
    for s, d, k, t in zip(src.tolist(), dst.tolist(), kind.tolist(), at.tolist(), strict=True):
        if s == d:
            continue
        pair = (min(s, d), max(s, d))
        direction = 0 if k == "dinner" else (1 if s < d else -1)
        w = TIE_WEIGHTS[k] * math.exp(-(50 * DAY - t) / tau)
        before = previous.get(pair)
        answered = direction != 0 and before is not None and before[0] == -direction
        if answered:
            w *= 1 + math.exp(-(t - before[1]) / DAY)
        previous[pair] = (direction, t)
        row = sums.setdefault(pair, [0.0, 0, 0])
        row[0] += w
        row[1] += 1
        row[2] += answered
    pairs = sorted(sums)
    assert found.pairs.tolist() == [list(p) for p in pairs]
    assert np.allclose(found.strength, [sums[p][0] for p in pairs], rtol=1e-12)
    assert found.frequency.tolist() == [sums[p][1] for p in pairs]
    assert found.answers.tolist() == [sums[p][2] for p in pairs]
