"""Substance over noise: evidence of doing against the volume of talk.

After essay 000 ("A Toast: To Going Heads Down"): follower counts measure talk, not
experience. For each person:

- **substance** is the mean of the z-scores (of log1p) of what they have *done*: years in
  roles, number of roles, meetings attended, introductions made, and engagement earned from
  the segment's agenda-setters per post;
- **visibility** is the mean of the z-scores of how much they *talk*: posts, followers, and the
  share of their posts that push a link (broadcast, self-promotion).

Heads-down experts have high substance and low visibility. Every score keeps its inputs.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

DOING = ("tenure_years", "roles", "meetings", "introductions", "engagement_per_post")
TALK = ("posts", "followers", "link_share")


@dataclass
class Features:
    """Per-node raw evidence, aligned with a snapshot's ``people``."""

    people: np.ndarray
    values: dict[str, np.ndarray] = field(default_factory=dict)

    def get(self, name: str) -> np.ndarray:
        return self.values.get(name, np.zeros(len(self.people)))


@dataclass
class Substance:
    substance: np.ndarray
    visibility: np.ndarray
    features: Features

    @property
    def heads_down(self) -> np.ndarray:
        return self.substance - self.visibility

    def evidence(self, i: int) -> dict[str, float]:
        return {name: round(float(self.features.get(name)[i]), 3) for name in DOING + TALK}


def _z(x: np.ndarray) -> np.ndarray:
    x = np.log1p(np.clip(np.asarray(x, dtype=np.float64), 0, None))
    sd = x.std()
    return (x - x.mean()) / sd if sd > 0 else np.zeros_like(x)


def substance_scores(features: Features) -> Substance:
    """Substance and visibility for every node (see the module docstring).

    Examples
    --------
    >>> f = Features(np.arange(3), {"meetings": np.array([9, 0, 0]), "posts": np.array([0, 50, 1])})
    >>> s = substance_scores(f)
    >>> int(s.heads_down.argmax())
    0
    """
    doing = [_z(features.get(name)) for name in DOING if name in features.values]
    talk = [_z(features.get(name)) for name in TALK if name in features.values]
    n = len(features.people)
    substance = np.mean(doing, axis=0) if doing else np.zeros(n)
    visibility = np.mean(talk, axis=0) if talk else np.zeros(n)
    return Substance(substance, visibility, features)


def heads_down_experts(
    scores: Substance, *, candidates: np.ndarray | None = None, top: int = 20
) -> list[int]:
    """Nodes with substance in the top quarter and visibility at most the median, most
    heads-down first. ``candidates`` restricts the choice (a segment's neighbourhood)."""
    pool = np.arange(len(scores.substance)) if candidates is None else np.asarray(candidates)
    if len(pool) == 0:
        return []
    s, v = scores.substance[pool], scores.visibility[pool]
    chosen = pool[(s >= np.quantile(s, 0.75)) & (v <= np.median(v)) & (s > 0)]
    order = np.lexsort((chosen, -scores.heads_down[chosen]))
    return [int(i) for i in chosen[order][:top]]
