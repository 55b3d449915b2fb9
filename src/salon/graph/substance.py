"""Substance over noise: evidence of doing against the volume of talk.

After essay 000 ("A Toast: To Going Heads Down"): follower counts measure talk, not
experience. For each person:

- **substance** is the mean of the z-scores (of log1p) of what they have *done*: years in
  roles, number of roles, meetings attended, introductions made, engagement earned from the
  segment's agenda-setters per post (per interaction sent where the store holds no posts),
  how many of the people they attend to attend back (reciprocated ties), their k-core, and
  from e-mail, how many people keep them informed (copy them on mail to several people) and
  how many answer their mail (``Re:`` threads);
- **visibility** is the mean of the z-scores of how much they *talk*: posts (else interactions
  sent), followers (else the number of people paying them any attention), and the share of
  their posts that push a link (broadcast, self-promotion).

Heads-down experts have high substance and low visibility. Every score keeps its inputs, and
a missing input is not evidence: an input the store does not hold is listed in
:attr:`Features.missing` (with why), and without any input for substance or for visibility
nobody is ranked (a missing signal is not evidence of quiet).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

DOING = (
    "tenure_years",
    "roles",
    "meetings",
    "introductions",
    "engagement_per_post",
    "engagement_per_interaction",
    "reciprocated_ties",
    "k_core",
    "kept_informed",
    "answered_by",
)
TALK = ("posts", "interactions_sent", "followers", "audience", "link_share")
#: Inputs that stand in for another on edge-list data (used only when the other is missing).
STANDS_IN = {
    "engagement_per_interaction": "engagement_per_post",
    "interactions_sent": "posts",
    "audience": "followers",
}
#: Why an input is missing, as the output says it.
WHY_MISSING = {
    "tenure_years": "no work history in the store",
    "roles": "no work history in the store",
    "meetings": "no meetings in the store",
    "introductions": "no introduction e-mails in the store",
    "engagement_per_post": "no posts in the store",
    "engagement_per_interaction": "no agenda-setters outside the segment",
    "reciprocated_ties": "no attention graph",
    "k_core": "no attention graph",
    "kept_informed": "no e-mail to two or more people in the store",
    "answered_by": "no e-mail replies (Re:) in the store",
    "posts": "no posts in the store",
    "interactions_sent": "no attention graph",
    "followers": "no follow ties in the store",
    "audience": "no attention graph",
    "link_share": "no posts in the store",
}


@dataclass
class Features:
    """Per-node raw evidence, aligned with a snapshot's ``people``. An input absent from
    ``values`` is missing (not zero); ``why`` overrides :data:`WHY_MISSING`."""

    people: np.ndarray
    values: dict[str, np.ndarray] = field(default_factory=dict)
    why: dict[str, str] = field(default_factory=dict)

    def get(self, name: str) -> np.ndarray:
        return self.values.get(name, np.zeros(len(self.people)))

    def used(self, names: tuple[str, ...]) -> list[str]:
        """The inputs of ``names`` the store holds, stand-ins only for what is missing."""
        return [
            n
            for n in names
            if n in self.values and not (n in STANDS_IN and STANDS_IN[n] in self.values)
        ]

    @property
    def missing(self) -> dict[str, str]:
        """Inputs the store does not hold, with why (and what stands in for them)."""
        used = self.used(DOING + TALK)
        out = {}
        for name in DOING + TALK:
            if name in used or name in STANDS_IN:
                continue
            why = self.why.get(name, WHY_MISSING[name])
            instead = [k for k in used if STANDS_IN.get(k) == name]
            out[name] = why + (f"; using {instead[0].replace('_', ' ')} instead" if instead else "")
        return out


@dataclass
class Substance:
    substance: np.ndarray
    visibility: np.ndarray
    features: Features

    @property
    def heads_down(self) -> np.ndarray:
        return self.substance - self.visibility

    @property
    def rankable(self) -> bool:
        """Both scores have at least one input: otherwise nobody is ranked."""
        return bool(self.features.used(DOING)) and bool(self.features.used(TALK))

    def evidence(self, i: int) -> dict[str, float]:
        names = self.features.used(DOING) + self.features.used(TALK)
        return {name: round(float(self.features.values[name][i]), 3) for name in names}


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
    doing = [_z(features.values[name]) for name in features.used(DOING)]
    talk = [_z(features.values[name]) for name in features.used(TALK)]
    n = len(features.people)
    substance = np.mean(doing, axis=0) if doing else np.zeros(n)
    visibility = np.mean(talk, axis=0) if talk else np.zeros(n)
    return Substance(substance, visibility, features)


def heads_down_experts(
    scores: Substance, *, candidates: np.ndarray | None = None, top: int = 20
) -> list[int]:
    """Nodes with substance in the top quarter and visibility at most the median, most
    substance first (then the quietest). ``candidates`` restricts the choice (a segment's
    neighbourhood). Nobody when substance or visibility has no input: missing visibility is
    not quiet."""
    pool = np.arange(len(scores.substance)) if candidates is None else np.asarray(candidates)
    if len(pool) == 0 or not scores.rankable:
        return []
    s, v = scores.substance[pool], scores.visibility[pool]
    doing = (s >= np.quantile(s, 0.75)) & (s > 0)
    if not doing.any():
        return []
    quiet = v <= np.median(v)
    chosen = pool[doing & quiet]
    order = np.lexsort((chosen, scores.visibility[chosen], -scores.substance[chosen]))
    return [int(i) for i in chosen[order][:top]]
