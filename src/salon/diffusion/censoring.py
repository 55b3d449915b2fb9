"""Collection windows censor adoption: detect it from the data.

The store sees an innovation only inside the window its data cover (the first and last
record of the same namespace or platform). Stages and forecasts computed inside that window
are artefacts when:

- **left censoring** — the first adoption sits at the window's start (within one period, or
  2 % of the window, whichever is shorter): adoption may have begun before the data did, so
  the earliest adopters seen are not Rogers' innovators (unless that is the launch itself);
- **right censoring** — adoption is still near its peak at the window's end (the last
  period's rate is at least 80 % of the highest): the laggards have not adopted yet, so the
  sample's laggards are false and the market size is not pinned;
- **coarse periods** — the window holds fewer than :data:`MIN_PERIODS` periods: too few to
  see a curve.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from salon.dates import iso

#: Right-censored when the last period's adoption rate is at least this share of the peak.
NEAR_PEAK = 0.8
#: Fewer periods than this in the window are too coarse to show a curve.
MIN_PERIODS = 6
_SHORTER = {"month": "week", "week": "day"}


@dataclass
class Window:
    """What the store covers for an innovation: its first and last record, and of what."""

    start: float
    end: float
    of: str


def censoring(
    times: np.ndarray, window: Window, period: float, period_name: str = "period"
) -> dict[str, object]:
    """Whether the window censors an adoption (``left``, ``right``, ``coarse``), with notes
    that say what it means and what to do."""
    t = np.asarray(times, dtype=np.float64)
    start, end = min(window.start, float(t.min())), max(window.end, float(t.max()))
    span = max(end - start, 1.0)
    tolerance = min(period, 0.02 * span)
    first = float(t.min())
    left = first - start <= tolerance
    rates = _rates(t, first, end, period)
    right = len(rates) >= 3 and rates[-1] >= NEAR_PEAK * rates.max() > 0
    periods = span / period
    coarse = periods < MIN_PERIODS
    notes = []
    if left:
        notes.append(
            f"Left-censored: the first adoption ({iso(int(first))}) is at the start of the "
            f"data of {window.of} ({iso(int(start))}); adoption may have begun before, so the "
            "earliest adopters seen here are not Rogers' innovators (if the data start at the "
            "launch, they are its launch cohort). Import a longer history from before then, "
            "or read the stages with --log-time or the Bass-based stages."
        )
    if right:
        notes.append(
            f"Right-censored: adoption is still at {rates[-1] / rates.max():.0%} of its peak "
            f"rate in the last {period_name} of the data ({iso(int(end))}); the laggards have "
            "not adopted yet, so the sample's stage shares are artefacts and the market size "
            "is not pinned. Collect a longer window; meanwhile trust the Bass-based stages "
            "(ranks among the fitted market) over the sample's."
        )
    if coarse:
        shorter = _SHORTER.get(period_name)
        notes.append(
            f"The data span only {periods:.1f} {period_name}s: too few to see a curve"
            + (f"; use --period {shorter}." if shorter else ".")
        )
    return {
        "window": {"of": window.of, "start": iso(int(start)), "end": iso(int(end))},
        "left": bool(left),
        "right": bool(right),
        "coarse": bool(coarse),
        "periods_in_window": round(periods, 1),
        "notes": notes,
    }


def _rates(times: np.ndarray, first: float, end: float, period: float) -> np.ndarray:
    """Adoptions per period from the first adoption to the window's end; a last period the
    window covers less than half of is merged into the one before."""
    length = end - first
    count = max(int(np.ceil(length / period)), 1)
    index = np.minimum(((times - first) // period).astype(np.int64), count - 1)
    counts = np.bincount(index, minlength=count).astype(np.float64)
    cover = np.ones(count)
    cover[-1] = (length - (count - 1) * period) / period if length > 0 else 1.0
    if count >= 2 and cover[-1] < 0.5:
        counts[-2] += counts[-1]
        cover[-2] += cover[-1]
        counts, cover = counts[:-1], cover[:-1]
    return counts / np.maximum(cover, 1e-9)
