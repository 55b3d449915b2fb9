"""Tie strength: how strong each relationship is, from what two people did together.

The strength of a pair is a sum over their interactions of the kind's weight times an
exponential decay with the interaction's age, plus a small constant for each standing tie
(a follow, a connection) between them::

    strength(a, b) = Σ_i w(kind_i) · weight_i · exp(−(now − at_i) / τ) · r_i + Σ_t c(kind_t)

with τ = half-life / ln 2, so an interaction one half-life old counts half, and r_i the
responsiveness of an answer: 1 + β · exp(−gap_i / θ) when interaction i answers the pair's
previous one (which went the other way) after gap_i, else 1; a prompt answer is a sign of
a close tie (Avrahami & Hudson, CSCW 2006), and a one-way stream earns nothing extra.
In-person kinds weigh most (a meal, then a meeting or a face-to-face contact), then a call,
then written conversation (messages, e-mail, replies), then public nods (mentions, reposts),
then likes;
:data:`TIE_WEIGHTS` holds the defaults and :data:`DEFAULT_HALF_LIFE_DAYS` the half-life.
Granovetter (1973) defined a tie's strength as "a (probably linear) combination of the amount
of time, the emotional intensity, the intimacy … and the reciprocal services"; Gilbert &
Karahalios (CHI 2009) found recency and intimacy of contact among its best predictors.

Beside the number each pair carries its evidence: the frequency (interactions counted), the
recency (days since the last one), the reciprocity (the smaller direction's share of the
larger: 1 when both write as much, 0 when only one does; symmetric kinds such as meetings
count both ways), the answers and the interactions by kind.

This module is pure: arrays in, arrays out; it never reads the store.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numba
import numpy as np

from salon.graph._ties_kernel import in_time_order, tie_table
from salon.model import SYMMETRIC_KINDS

#: Weight of one interaction of each kind, at age zero (overridable: ``weights=``).
TIE_WEIGHTS: dict[str, float] = {
    # shared a meal (calendar kinds breakfast, lunch, dinner; ``meal`` from other sources)
    "meal": 10.0,
    "breakfast": 10.0,
    "lunch": 10.0,
    "dinner": 10.0,
    # face to face
    "drinks": 8.0,
    "coffee": 8.0,
    "meeting": 8.0,
    "met": 8.0,
    "contact": 8.0,
    "co-attendance": 8.0,
    # a call
    "call": 4.0,
    # written conversation
    "message": 2.0,
    "email": 2.0,
    "reply": 2.0,
    "quote": 2.0,
    "invitation": 1.0,
    # public nods
    "mention": 1.0,
    "repost": 1.0,
    "edge": 1.0,
    "link": 1.0,
    # a like
    "like": 0.25,
    "bookmark": 0.25,
}
#: Constant strength of a standing tie (no decay: it says the pair exists, not that it is
#: active), by kind; a tie of a kind not listed counts :data:`TIE_CONSTANT`.
STANDING_WEIGHTS: dict[str, float] = {
    "follow": 0.1,
    "list": 0.1,
    "connection": 0.25,
    "contact": 0.25,
    "link": 0.1,
    "edge": 0.1,
}
TIE_CONSTANT = 0.1
#: Kinds that are shared by both people (a meal, a meeting): they count both ways.
SYMMETRIC = SYMMETRIC_KINDS | {"meal", "breakfast", "lunch", "dinner", "drinks", "coffee"}
#: The weight of an interaction whose kind is in neither table.
OTHER_WEIGHT = 1.0
#: Half-life of an interaction's contribution, in days.
DEFAULT_HALF_LIFE_DAYS = 90.0
#: An answer (an interaction after one the other way) counts 1 + bonus · exp(−gap / time):
#: a prompt answer nearly twice, one a week later barely more than once.
DEFAULT_ANSWER_BONUS = 1.0
DEFAULT_ANSWER_DAYS = 1.0
DAY = 86400.0


@dataclass(frozen=True)
class TieStrengths:
    """Tie strength per pair with its evidence; row ``i`` describes ``pairs[i]``.

    ``pairs`` is an (m, 2) array of person ids: ``a < b`` when the pairs are reciprocal
    (both directions together), else ``(src, dst)``. ``strength`` as defined in the module;
    ``frequency`` the interactions counted (standing ties not included); ``recency`` days
    from the last interaction to ``now`` (NaN when the pair has only standing ties);
    ``reciprocity`` min/max of the interactions each way (NaN when not reciprocal);
    ``first``/``last`` the first and last interaction times (NaN: none); ``sent`` the
    interactions a → b and ``received`` b → a; ``answers`` the interactions that answered
    the other's previous one; ``by_kind[i, k]`` the interactions of kind
    ``kinds[k]``; ``standing`` the standing ties' part of the strength.
    """

    pairs: np.ndarray
    strength: np.ndarray
    frequency: np.ndarray
    recency: np.ndarray
    reciprocity: np.ndarray
    first: np.ndarray
    last: np.ndarray
    sent: np.ndarray
    received: np.ndarray
    answers: np.ndarray
    standing: np.ndarray
    by_kind: np.ndarray
    kinds: tuple[str, ...]
    now: float
    half_life_days: float
    weights: dict[str, float] = field(default_factory=dict)

    def __len__(self) -> int:
        return int(self.pairs.shape[0])

    def order(self) -> np.ndarray:
        """Rows strongest first (ties broken by the pair's ids)."""
        return np.lexsort((self.pairs[:, 1], self.pairs[:, 0], -self.strength))

    def row(self, i: int) -> dict[str, object]:
        """Pair ``i`` as plain data (the evidence beside the number)."""
        return {
            "a": int(self.pairs[i, 0]),
            "b": int(self.pairs[i, 1]),
            "strength": float(self.strength[i]),
            "frequency": int(self.frequency[i]),
            "recency_days": _num(self.recency[i]),
            "reciprocity": _num(self.reciprocity[i]),
            "sent": int(self.sent[i]),
            "received": int(self.received[i]),
            "answers": int(self.answers[i]),
            "first": _num(self.first[i]),
            "last": _num(self.last[i]),
            "standing": float(self.standing[i]),
            "by_kind": {k: int(n) for k, n in zip(self.kinds, self.by_kind[i], strict=True) if n},
        }


def _num(value: float) -> float | None:
    return None if math.isnan(value) else float(value)


def kind_weights(weights: Mapping[str, float] | None = None) -> dict[str, float]:
    """The interaction weights: :data:`TIE_WEIGHTS` with ``weights`` over them."""
    return {**TIE_WEIGHTS, **(weights or {})}


def _codes(
    kind: np.ndarray | Sequence[str], kinds: Sequence[str] | None
) -> tuple[np.ndarray, tuple[str, ...]]:
    """Kinds as small integer codes and their names."""
    kind = np.asarray(kind)
    if kinds is not None:
        return kind.astype(np.int32, copy=False), tuple(kinds)
    if kind.dtype.kind in "iu":
        raise ValueError("integer kind codes need kinds=: the name of each code")
    names, codes = np.unique(kind.astype(str), return_inverse=True)
    return codes.reshape(-1).astype(np.int32), tuple(str(n) for n in names)


def tie_strengths(
    src: np.ndarray,
    dst: np.ndarray,
    kind: np.ndarray | Sequence[str],
    at: np.ndarray,
    *,
    now: float,
    weights: Mapping[str, float] | None = None,
    half_life_days: float = DEFAULT_HALF_LIFE_DAYS,
    reciprocal: bool = True,
    weight: np.ndarray | None = None,
    kinds: Sequence[str] | None = None,
    standing: Mapping[str, float] | None = None,
    answer_bonus: float = DEFAULT_ANSWER_BONUS,
    answer_days: float = DEFAULT_ANSWER_DAYS,
    threads: int | None = None,
) -> TieStrengths:
    """Tie strength of every pair from events ``src → dst`` of ``kind`` at time ``at``.

    ``at`` is in Unix seconds; a NaN time marks a standing tie (a follow, a connection):
    it adds its kind's constant (:data:`STANDING_WEIGHTS`, overridden by ``standing``) and is
    not counted as an interaction. ``weight`` multiplies each event (negative counts as
    none; default 1). ``kind`` holds names, or integer codes with ``kinds`` naming them.
    Events after ``now`` count as of ``now``. An event that answers the pair's previous one
    (that went the other way) counts ``1 + answer_bonus · exp(−gap / answer_days)`` times.
    ``reciprocal`` puts both directions of a pair together (``a < b``); without it each
    direction is its own pair. Self-loops are left out. A half-life of ``math.inf`` means no
    decay. ``threads`` (default: numba's)
    share the work.

    References
    ----------
    Granovetter, "The Strength of Weak Ties", Am. J. Sociology 78(6), 1973.
    Gilbert & Karahalios, "Predicting Tie Strength with Social Media", CHI 2009.

    Examples
    --------
    >>> import numpy as np
    >>> day = 86400.0
    >>> found = tie_strengths(
    ...     np.array([1, 2, 1, 3]), np.array([2, 1, 2, 1]),
    ...     np.array(["message", "message", "dinner", "like"]),
    ...     np.array([0, day, 2 * day, 2 * day]), now=2 * day, half_life_days=1,
    ...     answer_bonus=0)
    >>> found.pairs.tolist(), found.strength.round(2).tolist()
    ([[1, 2], [1, 3]], [11.5, 0.25])
    >>> found.reciprocity.tolist(), found.frequency.tolist(), found.answers.tolist()
    ([1.0, 0.0], [3, 1], [1, 0])
    """
    for name, value in (("half-life", half_life_days), ("answer time", answer_days)):
        if not value > 0:  # inf: no decay
            raise ValueError(f"the {name} must be a positive number of days, not {value}")
    if not answer_bonus >= 0:
        raise ValueError(f"the answer bonus must be 0 or more, not {answer_bonus}")
    src = np.asarray(src, dtype=np.int64)
    dst = np.asarray(dst, dtype=np.int64)
    at = np.asarray(at, dtype=np.float64)
    codes, names = _codes(kind, kinds)
    w_kind = kind_weights(weights)
    c_tie = {**STANDING_WEIGHTS, **(standing or {})}
    event_w = np.array([w_kind.get(k, OTHER_WEIGHT) for k in names] + [0.0])
    tie_w = np.array([c_tie.get(k, TIE_CONSTANT) for k in names] + [0.0])
    symmetric = np.array([k in SYMMETRIC for k in names] + [False])
    scale = np.zeros(0) if weight is None else np.asarray(weight, dtype=np.float64)
    if len(at) > 1 and not in_time_order(at):
        order = np.argsort(at, kind="stable")  # NaN (standing ties) last
        src, dst, at, codes = src[order], dst[order], at[order], codes[order]
        scale = scale[order] if len(scale) else scale
    ids, src, dst = _dense(src, dst)
    base = max(len(ids), 1)
    previous_threads = numba.get_num_threads()
    if threads:
        numba.set_num_threads(max(1, min(int(threads), numba.config.NUMBA_NUM_THREADS)))
    try:
        unique, rows, by_kind = tie_table(
            src,
            dst,
            base,
            reciprocal,
            codes,
            at,
            scale,
            event_w,
            tie_w,
            symmetric,
            len(names),
            float(now),
            half_life_days * DAY / math.log(2),
            float(answer_bonus),
            answer_days * DAY,
        )
    finally:
        numba.set_num_threads(previous_threads)
    strength, standing_part, frequency, sent, received, answers, first, last = rows
    pairs = np.stack([ids[unique // base], ids[unique % base]], axis=1).reshape(-1, 2)
    big, small = np.maximum(sent, received), np.minimum(sent, received)
    reciprocity = np.full(len(unique), np.nan)
    if reciprocal:
        np.divide(small, big, out=reciprocity, where=big > 0)
    return TieStrengths(
        pairs=pairs,
        strength=strength + standing_part,
        frequency=frequency.astype(np.int64),
        recency=np.maximum(now - last, 0.0) / DAY,
        reciprocity=reciprocity,
        first=first,
        last=last,
        sent=sent.astype(np.int64),
        received=received.astype(np.int64),
        answers=answers.astype(np.int64),
        standing=standing_part,
        by_kind=by_kind,
        kinds=names,
        now=float(now),
        half_life_days=float(half_life_days),
        weights={k: w_kind.get(k, OTHER_WEIGHT) for k in names},
    )


def _dense(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(ids, a_code, b_code)``: person ids as dense codes (``ids[code]`` is the id). Ids
    from 0 to a few times the event count are their own codes (no sort needed)."""
    if len(a) == 0:
        return np.zeros(0, np.int64), a, b
    low = min(int(a.min()), int(b.min()))
    high = max(int(a.max()), int(b.max()))
    if low >= 0 and high < max(4 * len(a), 1 << 20):
        return np.arange(high + 1, dtype=np.int64), a, b
    ids, codes = np.unique(np.concatenate([a, b]), return_inverse=True)
    codes = codes.reshape(-1).astype(np.int64)
    return ids, codes[: len(a)], codes[len(a) :]
