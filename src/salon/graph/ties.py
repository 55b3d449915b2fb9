"""Tie strength: how strong each relationship is, from what two people did together.

The strength of a pair is a sum over their interactions of the kind's weight times an
exponential decay with the interaction's age, plus a small constant for each standing tie
(a follow, a connection) between them::

    strength(a, b) = Σ_i w(kind_i) · weight_i · exp(−(now − at_i) / τ) + Σ_t c(kind_t)

with τ = half-life / ln 2, so an interaction one half-life old counts half. In-person kinds
weigh most (a meal, then a meeting or a face-to-face contact), then a call, then written
conversation (messages, e-mail, replies), then public nods (mentions, reposts), then likes;
:data:`TIE_WEIGHTS` holds the defaults and :data:`DEFAULT_HALF_LIFE_DAYS` the half-life.
Granovetter (1973) defined a tie's strength as "a (probably linear) combination of the amount
of time, the emotional intensity, the intimacy … and the reciprocal services"; Gilbert &
Karahalios (CHI 2009) found recency and intimacy of contact among its best predictors.

Beside the number each pair carries its evidence: the frequency (interactions counted), the
recency (days since the last one), the reciprocity (the smaller direction's share of the
larger: 1 when both write as much, 0 when only one does; symmetric kinds such as meetings
count both ways) and the interactions by kind.

This module is pure: arrays in, arrays out; it never reads the store.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

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
    interactions a → b and ``received`` b → a; ``by_kind[i, k]`` the interactions of kind
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
        return kind.astype(np.int64, copy=False), tuple(kinds)
    if kind.dtype.kind in "iu":
        raise ValueError("integer kind codes need kinds=: the name of each code")
    names, codes = np.unique(kind.astype(str), return_inverse=True)
    return codes.astype(np.int64), tuple(str(n) for n in names)


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
) -> TieStrengths:
    """Tie strength of every pair from events ``src → dst`` of ``kind`` at time ``at``.

    ``at`` is in Unix seconds; a NaN time marks a standing tie (a follow, a connection):
    it adds its kind's constant (:data:`STANDING_WEIGHTS`, overridden by ``standing``) and is
    not counted as an interaction. ``weight`` multiplies each event (negative counts as
    none; default 1). ``kind`` holds names, or integer codes with ``kinds`` naming them.
    Events after ``now`` count as of ``now``. ``reciprocal`` puts both directions of a pair
    together (``a < b``); without it each direction is its own pair. Self-loops are left out.

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
    ...     np.array([0, day, 2 * day, 2 * day]), now=2 * day, half_life_days=1)
    >>> found.pairs.tolist(), found.strength.round(2).tolist()
    ([[1, 2], [1, 3]], [11.5, 0.25])
    >>> found.reciprocity.tolist(), found.frequency.tolist()
    ([1.0, 0.0], [3, 1])
    """
    if not half_life_days > 0 or not math.isfinite(half_life_days):
        raise ValueError(f"the half-life must be a positive number of days, not {half_life_days}")
    src = np.asarray(src, dtype=np.int64)
    dst = np.asarray(dst, dtype=np.int64)
    at = np.asarray(at, dtype=np.float64)
    codes, names = _codes(kind, kinds)
    w_kind = kind_weights(weights)
    c_tie = {**STANDING_WEIGHTS, **(standing or {})}
    event_w = np.array([w_kind.get(k, OTHER_WEIGHT) for k in names] + [0.0])
    tie_w = np.array([c_tie.get(k, TIE_CONSTANT) for k in names] + [0.0])
    symmetric = np.array([k in SYMMETRIC for k in names] + [False])

    keep = src != dst
    scale = None if weight is None else np.clip(np.asarray(weight, dtype=np.float64), 0, None)
    if not keep.all():
        src, dst, at, codes = src[keep], dst[keep], at[keep], codes[keep]
        scale = None if scale is None else scale[keep]
    forward = src < dst if reciprocal else np.ones(len(src), bool)
    a = np.where(forward, src, dst)
    b = np.where(forward, dst, src)
    timed = ~np.isnan(at)
    tau = half_life_days * DAY / math.log(2)
    age = np.where(timed, np.maximum(now - np.where(timed, at, now), 0.0), 0.0)
    contrib = np.where(timed, event_w[codes] * np.exp(-age / tau), 0.0)
    if scale is not None:
        contrib *= scale
    tie_part = np.where(timed, 0.0, tie_w[codes])

    pairs, inverse = np.unique(np.stack([a, b], axis=1), axis=0, return_inverse=True)
    inverse = inverse.reshape(-1)
    m = len(pairs)
    events = timed.astype(np.float64)
    both = symmetric[codes] & timed
    sent = np.bincount(inverse, weights=events * (forward | both), minlength=m)
    received = np.bincount(inverse, weights=events * (~forward | both), minlength=m)
    frequency = np.bincount(inverse, weights=events, minlength=m).astype(np.int64)
    strength = np.bincount(inverse, weights=contrib, minlength=m)
    standing_part = np.bincount(inverse, weights=tie_part, minlength=m)
    last = np.full(m, -np.inf)
    np.maximum.at(last, inverse[timed], at[timed])
    first = np.full(m, np.inf)
    np.minimum.at(first, inverse[timed], at[timed])
    last[np.isinf(last)] = np.nan
    first[np.isinf(first)] = np.nan
    by_kind = np.zeros((m, len(names)), np.int64)
    np.add.at(by_kind, (inverse[timed], codes[timed]), 1)
    big, small = np.maximum(sent, received), np.minimum(sent, received)
    with np.errstate(invalid="ignore", divide="ignore"):
        reciprocity = np.where(big > 0, small / np.where(big > 0, big, 1), np.nan)
    if not reciprocal:
        reciprocity = np.full(m, np.nan)
    return TieStrengths(
        pairs=pairs.reshape(-1, 2),
        strength=strength + standing_part,
        frequency=frequency,
        recency=np.maximum(now - last, 0.0) / DAY,
        reciprocity=reciprocity,
        first=first,
        last=last,
        sent=sent.astype(np.int64),
        received=received.astype(np.int64),
        standing=standing_part,
        by_kind=by_kind,
        kinds=names,
        now=float(now),
        half_life_days=float(half_life_days),
        weights={k: w_kind.get(k, OTHER_WEIGHT) for k in names},
    )
