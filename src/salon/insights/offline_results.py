"""The answers of the offline questions (ties, funnel, nudges): frozen dataclasses that carry
their evidence, as :mod:`salon.insights.results` (standard library only: the CLI loads it at
no cost)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from salon.insights.results import Result


@dataclass(frozen=True)
class Ties(Result):
    """Tie strengths, strongest first: of one person (``person``), or of every pair when the
    store does not know you and no person was asked for; each with its evidence."""

    person: int | None
    name: str | None
    now: str
    half_life_days: float
    answer_bonus: float
    answer_days: float
    weights: dict[str, float]
    pairs: int
    ties: list[dict[str, Any]]
    notes: list[str]


@dataclass(frozen=True)
class Funnel(Result):
    """Your relationships by stage (online-only → conversed → call → met → shared a meal):
    counts, conversion per quarter and the median days each step took."""

    segment: dict[str, str] | None
    since: str | None
    people: int
    stages: list[dict[str, Any]]
    quarters: list[dict[str, Any]]
    notes: list[str]


@dataclass(frozen=True)
class Nudges(Result):
    """Whom to get back in touch with, each with the last interaction and the reason."""

    now: str
    considered: int
    nudges: list[dict[str, Any]]
    notes: list[str]
