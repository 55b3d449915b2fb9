"""Nudges: whom to get back in touch with before a valuable tie goes cold.

A tie is *overdue* when the days since its last interaction exceed twice its usual rhythm
(the median gap between its interactions; at least :data:`MIN_EVENTS` interactions needed to
have a rhythm). A nudge is given for

- a **valuable** tie (strength in the top quarter of yours) that is overdue;
- an **agenda-setter** of one of your segments you know, overdue or quiet for
  :data:`QUIET_DAYS` days;
- a **heads-down** expert around one of your segments you know, quiet for :data:`QUIET_DAYS`.

Pure: arrays and sets in, rows out; the reasons are sentences with the numbers behind them.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

#: A tie needs this many interactions to have a rhythm.
MIN_EVENTS = 3
#: Quiet: no interaction for this many days.
QUIET_DAYS = 90.0
#: Overdue: more days than this many usual gaps.
OVERDUE = 2.0
DAY = 86400.0


def rhythms(other: np.ndarray, at: np.ndarray) -> dict[int, float]:
    """``{person: median days between interactions}`` for people with at least
    :data:`MIN_EVENTS` timed interactions (several on one day count as one).

    >>> rhythms(np.array([5, 5, 5, 6]), np.array([0.0, 10 * DAY, 30 * DAY, 0.0]))
    {5: 15.0}
    """
    timed = ~np.isnan(at)
    other, at = other[timed], at[timed]
    order = np.lexsort((at, other))
    other, at = other[order], at[order]
    out: dict[int, float] = {}
    bounds = np.flatnonzero(np.diff(other)) + 1
    for chunk_other, chunk_at in zip(np.split(other, bounds), np.split(at, bounds), strict=True):
        if len(chunk_at) < MIN_EVENTS:
            continue
        gaps = np.diff(chunk_at) / DAY
        gaps = gaps[gaps >= 1.0]
        if len(gaps) >= MIN_EVENTS - 1:
            out[int(chunk_other[0])] = float(np.median(gaps))
    return out


def nudge_rows(
    ties: list[dict[str, object]],
    gaps: Mapping[int, float],
    *,
    setters: Mapping[int, list[str]],
    heads_down: Mapping[int, list[str]],
) -> list[dict[str, object]]:
    """Nudges from your ties (rows of ``salon.ties``: person, strength, recency_days …),
    each tie's usual gap, and the segments each person sets the agenda of or is a heads-down
    expert around; most reasons first, then the strongest.

    >>> rows = nudge_rows(
    ...     [{"person": 7, "strength": 5.0, "recency_days": 40.0},
    ...      {"person": 8, "strength": 0.1, "recency_days": 200.0}],
    ...     {7: 10.0}, setters={}, heads_down={8: ["buyers"]})
    >>> [(r["person"], r["reasons"]) for r in rows]
    [(7, ['overdue']), (8, ['heads-down'])]
    """
    strengths = np.array([float(t["strength"]) for t in ties]) if ties else np.zeros(0)  # type: ignore[arg-type]
    valuable = float(np.quantile(strengths, 0.75)) if len(strengths) else np.inf
    out = []
    for tie in ties:
        person = int(tie["person"])  # type: ignore[call-overload]
        days = tie.get("recency_days")
        if days is None:
            continue
        days = float(days)  # type: ignore[arg-type]
        gap = gaps.get(person)
        overdue = gap is not None and days > OVERDUE * gap
        quiet = days >= QUIET_DAYS
        reasons, why = [], []
        if overdue and float(tie["strength"]) >= valuable:  # type: ignore[arg-type]
            reasons.append("overdue")
            why.append(
                f"a strong tie: you usually talk every {gap:.0f} days; it has been {days:.0f}"
            )
        if person in setters and (overdue or quiet):
            reasons.append("agenda-setter")
            why.append(
                f"sets the agenda of {', '.join(setters[person])}; quiet for {days:.0f} days"
            )
        if person in heads_down and quiet:
            reasons.append("heads-down")
            why.append(
                f"heads-down expert around {', '.join(heads_down[person])}; "
                f"quiet for {days:.0f} days"
            )
        if reasons:
            out.append(
                {
                    **tie,
                    "usual_gap_days": None if gap is None else round(gap, 1),
                    "reasons": reasons,
                    "reason": "; ".join(why).capitalize() + ".",
                }
            )
    out.sort(key=lambda r: (-len(r["reasons"]), -float(r["strength"])))  # type: ignore[arg-type]
    return out
