"""The answers of the strategy questions (goals, plan, progress): frozen dataclasses that
carry their evidence, as :mod:`salon.insights.results` (standard library only: the CLI loads
it at no cost).

The shape of :class:`Plan`'s ``to_dict()`` is stable: the report (``salon report``), the web
app and the demo read it. Every section leads with ``advice`` (one plain sentence computed
from the section's data) and every item carries its ``reason`` (words) and ``evidence``
(the numbers behind it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from salon.insights.results import Result

_OPTIONAL = {"optional": True}


@dataclass(frozen=True)
class Goal(Result):
    """A stored goal: what you are trying to achieve, with whom, over how long, with how
    much of your time.

    Keys: ``name``, ``objective`` (reach, speak, sell, hire, learn), ``segment`` (a stored
    segment's name or a rule), ``topic`` (or None), ``accounts`` (names), ``horizon_months``,
    ``hours_per_week``, ``created_at`` (ISO 8601 UTC).
    """

    name: str
    objective: str
    segment: str
    topic: str | None
    accounts: list[str]
    horizon_months: int
    hours_per_week: float
    created_at: str


@dataclass(frozen=True)
class Plan(Result):
    """A goal's strategy: whom to be known by, where to be now and in 6–12 months, how to
    spend the week, whom to meet, what to learn about the accounts, and how to know it works.

    ``to_dict()`` keys, in order (each section a dict that starts with ``advice``):

    - ``goal``: :class:`Goal`'s dict.
    - ``advice``: the plan in one sentence: what to do first, and why.
    - ``you``: ``{"person", "name"}`` (None when the store does not know you).
    - ``segment``: ``{"name", "rule", "members", "members_in_graph"}``.
    - ``agenda_setters`` (1): ``advice``; ``known_by`` (the agenda-setters to be known by:
      ``rank, person, name, ppr, lift, attention_from_segment, segment_members_attending,
      followers, k_core, attention_to_you`` (kinds → count, what they did towards you),
      ``reason``); ``to_win`` (IMM seeds: ``rank, person, name, marginal_gain,
      cumulative_share, in_segment, reason``; never you); ``reach`` (``expected_reach,
      expected_share, segment_in_graph, guaranteed_reach, bound_holds``: the last two None
      when you were left out of IMM's seeds); ``your_seed`` (your own seed when IMM picked
      you, else None); ``notes``.
    - ``channels`` (2): ``advice``; ``now`` (``channel, score, segment_present,
      agenda_setters`` (names), ``evidence``, ``lag_months`` (or None), ``reason``);
      ``later`` (forecasts: ``channel, period, adopters, segment_size, forecasts``
      (``horizon, months, adopters, low, high``), ``model, growth, reason``, ``observed``
      (the segment's adoptions per period so far) and ``path`` (the forecast 1..horizon
      periods ahead: ``horizon, adopters, low, high``)); ``leave`` (``channel, reason,
      evidence``); ``topic``; ``notes``.
    - ``budget`` (3): ``advice``; ``hours_per_week`` (the cap); ``split`` (``channels,
      conversations, offline`` → hours); ``items`` (``kind`` channel / conversation /
      offline, ``what``, ``person`` or None, ``hours``, ``reason``); ``heads_down``
      (sentence); ``reasons`` (why the split is what it is).
    - ``meetings`` (4): ``advice``; ``trips`` (``city, from, to, reason``); ``suggestions``
      (``person, name, city, form, when, score, why``); ``unplaced`` (worth meeting, place
      unknown: ``person, name, why``); ``reconnect`` (nudges: ``person, name, reason``);
      ``funnel`` (``people``, ``reached``: stage → relationships that reached it);
      ``notes``.
    - ``accounts`` (5, only with ``include_private``; left out otherwise, and the goal's
      ``accounts`` are then []): ``advice``, ``gaps`` (most needed first: ``account, kind``
      role / field / stakeholder, ``what, reason``, ``person`` for a stakeholder),
      ``accounts`` (each account's :func:`salon.account_gaps` answer), ``notes``.
    - ``milestones`` (6): ``advice``; ``items`` (``milestone, label, value, target,
      people`` (who, with their kinds), ``reason``); ``history`` (milestone → list of
      ``{"measured_at", "value"}`` from ``salon progress``).
    - ``notes``: what the plan could not do and why.
    - ``timings``: seconds per stage.
    """

    goal: dict[str, Any]
    advice: str
    you: dict[str, Any] | None
    segment: dict[str, Any]
    agenda_setters: dict[str, Any]
    channels: dict[str, Any]
    budget: dict[str, Any]
    meetings: dict[str, Any]
    accounts: dict[str, Any] | None = field(default=None, metadata=_OPTIONAL)
    milestones: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Progress(Result):
    """A goal's milestones measured now, beside their earlier measurements.

    ``to_dict()`` keys: ``goal`` (name), ``advice``, ``measured_at`` (ISO), ``recorded``
    (False when nothing changed since the last measurement, so no point was added),
    ``milestones`` (``milestone, label, value, target, previous, change, people,
    reason``), ``history`` (milestone → ``[{"measured_at", "value", "last_import"}]``,
    oldest first), ``notes``.
    """

    goal: str
    advice: str
    measured_at: str
    recorded: bool
    milestones: list[dict[str, Any]]
    history: dict[str, list[dict[str, Any]]]
    notes: list[str] = field(default_factory=list)
