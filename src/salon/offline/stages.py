"""Stages of a relationship, from online to a shared meal ("Twitter is neat; Dinner is better").

Each relationship reaches, in order of closeness:

1. ``online``: any contact at all: a follow, a like, a mention, a connection;
2. ``conversed``: a conversation both ways: at least one message, e-mail or reply each way
   (reached when the second side first wrote);
3. ``call``: a call (a ``call`` interaction, or a calendar event titled as one);
4. ``met``: met in person: a meeting, coffee, drinks, a face-to-face contact, or a meal;
5. ``meal``: shared a meal: breakfast, lunch or dinner (``meal`` from other sources).

A relationship's stage is the closest it reached; a stage counts as reached with any closer
one (a dinner with someone never written to still means you met). Only timed events reach a
stage past ``online``: a standing tie (an address-book card, a connection) says that the
relationship exists, not that you met. Pure: arrays in, arrays out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

STAGES = ("online", "conversed", "call", "met", "meal")
#: Kinds that make a conversation when they go both ways.
CONVERSATION = frozenset({"message", "email", "reply", "quote"})
CALL = frozenset({"call"})
MEAL = frozenset({"meal", "breakfast", "lunch", "dinner"})
#: In person (a meal is in person too).
IN_PERSON = frozenset({"meeting", "met", "contact", "co-attendance", "coffee", "drinks"}) | MEAL


@dataclass(frozen=True)
class Stages:
    """Per relationship ``pairs[i]`` (``(focus, other)``, or ``(a, b)`` with ``a < b`` without
    a focus): ``reached[i, s]`` the first time stage ``STAGES[s]`` was reached (NaN: not
    reached, or reached only through an untimed tie), ``stage[i]`` the closest stage."""

    pairs: np.ndarray
    reached: np.ndarray
    stage: np.ndarray

    def __len__(self) -> int:
        return int(self.pairs.shape[0])


def relationship_stages(
    src: np.ndarray,
    dst: np.ndarray,
    kind: np.ndarray,
    at: np.ndarray,
    *,
    kinds: Sequence[str],
    focus: int | None = None,
    began: np.ndarray | None = None,
) -> Stages:
    """The stage of every relationship of ``focus`` (every pair without one) from events
    ``src → dst`` of ``kinds[kind]`` at ``at`` (NaN: a standing tie). ``began`` (optional)
    dates standing ties (when a connection was made): it dates the ``online`` stage too.

    Examples
    --------
    >>> import numpy as np
    >>> found = relationship_stages(
    ...     np.array([1, 2, 1, 1]), np.array([2, 1, 3, 4]), np.array([0, 0, 1, 2]),
    ...     np.array([10.0, 20.0, 30.0, np.nan]), kinds=("message", "dinner", "follow"), focus=1)
    >>> found.pairs[:, 1].tolist(), [STAGES[s] for s in found.stage]
    ([2, 3, 4], ['conversed', 'meal', 'online'])
    >>> found.reached[0].tolist()[:2]
    [10.0, 20.0]
    """
    src = np.asarray(src, np.int64)
    dst = np.asarray(dst, np.int64)
    kind = np.asarray(kind, np.int64)
    at = np.asarray(at, np.float64)
    keep = src != dst
    if focus is not None:
        keep &= (src == focus) | (dst == focus)
    began = at if began is None else np.where(np.isnan(at), np.asarray(began, np.float64), at)
    src, dst, kind, at, began = src[keep], dst[keep], kind[keep], at[keep], began[keep]
    if focus is not None:
        other = np.where(src == focus, dst, src)
        a, b = np.full(len(other), focus, np.int64), other
        outgoing = src == focus
    else:
        a, b = np.minimum(src, dst), np.maximum(src, dst)
        outgoing = src < dst
    pairs, inverse = np.unique(np.stack([a, b], axis=1).reshape(-1, 2), axis=0, return_inverse=True)
    inverse = inverse.reshape(-1)
    m = len(pairs)
    names = np.array([*kinds, ""], dtype=object)[kind] if len(kind) else np.array([])

    def first(mask: np.ndarray, times: np.ndarray = at) -> np.ndarray:
        out = np.full(m, np.inf)
        timed = mask & ~np.isnan(times)
        np.minimum.at(out, inverse[timed], times[timed])
        out[np.isinf(out)] = np.nan
        return out

    def of(group: frozenset[str]) -> np.ndarray:
        return np.isin(names, list(group)) if len(names) else np.zeros(0, bool)

    talk = of(CONVERSATION)
    reached = np.full((m, len(STAGES)), np.nan)
    reached[:, 0] = first(np.ones(len(at), bool), began)
    reached[:, 1] = np.fmax(first(talk & outgoing), first(talk & ~outgoing))
    both_ways = ~np.isnan(first(talk & outgoing)) & ~np.isnan(first(talk & ~outgoing))
    reached[~both_ways, 1] = np.nan
    reached[:, 2] = first(of(CALL))
    reached[:, 3] = first(of(IN_PERSON))
    reached[:, 4] = first(of(MEAL))
    # a closer stage implies the ones before it, reached no later than it
    for s in range(len(STAGES) - 2, 0, -1):
        reached[:, s] = np.fmin(reached[:, s], reached[:, s + 1])
    stage = np.zeros(m, np.int64)
    for s in range(1, len(STAGES)):
        stage[~np.isnan(reached[:, s])] = s
    return Stages(pairs=pairs.reshape(-1, 2), reached=reached, stage=stage)
