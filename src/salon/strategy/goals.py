"""Goals: what you are trying to achieve, with whom, over how long, with how much time.

The questions of the public API (``salon.add_goal``, ``salon.goals``, ``salon.remove_goal``);
the goals live in the store (:mod:`salon.store.goals`).
"""

from __future__ import annotations

from collections.abc import Iterable

from salon.dates import iso
from salon.store.database import Store
from salon.store.goals import GoalRecord, get_goal, list_goals
from salon.store.goals import add_goal as _add_goal
from salon.store.goals import remove_goal as _remove_goal
from salon.strategy.results import Goal


def as_goal(record: GoalRecord) -> Goal:
    """A stored goal as the API returns it."""
    return Goal(
        name=record.name,
        objective=record.objective,
        segment=record.segment,
        topic=record.topic,
        accounts=list(record.accounts),
        horizon_months=record.horizon_months,
        hours_per_week=record.hours_per_week,
        created_at=iso(record.created_at),
    )


def add_goal(
    store: Store,
    name: str,
    *,
    objective: str,
    segment: str,
    topic: str | None = None,
    accounts: Iterable[str] = (),
    horizon_months: int = 12,
    hours_per_week: float = 4.0,
    replace: bool = False,
) -> Goal:
    """Store a goal: an ``objective`` (reach, speak, sell, hire, learn) with a ``segment``
    (a stored segment's name, a file or a rule, checked before anything is stored), an
    optional ``topic`` and ``accounts`` (names of accounts in the store), over
    ``horizon_months`` (default 12), spending at most ``hours_per_week`` (default 4: heads
    down is the default). ``replace`` changes an existing goal (its measurements go).

    Examples
    --------
    >>> import salon
    >>> store = salon.demo.sample_store()
    >>> goal = salon.add_goal(store, "trusted", objective="learn",
    ...                       segment="tag:quantum-error-correction", topic="error correction")
    >>> goal.objective, goal.horizon_months, goal.hours_per_week
    ('learn', 12, 4.0)
    """
    record = _add_goal(
        store,
        name,
        objective=objective,
        segment=segment,
        topic=topic,
        account_names=accounts,
        horizon_months=horizon_months,
        hours_per_week=hours_per_week,
        replace=replace,
    )
    return as_goal(record)


def goals(store: Store) -> list[Goal]:
    """Every stored goal, by name.

    Examples
    --------
    >>> import salon
    >>> store = salon.demo.sample_store()
    >>> _ = salon.add_goal(store, "known", objective="reach", segment="tag:quantum-gate")
    >>> [g.name for g in salon.goals(store)]
    ['known']
    """
    return [as_goal(r) for r in list_goals(store)]


def goal(store: Store, name: str) -> Goal:
    """The stored goal ``name`` (an error lists the known ones)."""
    return as_goal(get_goal(store, name))


def remove_goal(store: Store, name: str) -> Goal:
    """Delete the goal ``name`` and its measured progress; returns it as it was.

    Examples
    --------
    >>> import salon
    >>> store = salon.demo.sample_store()
    >>> _ = salon.add_goal(store, "known", objective="reach", segment="tag:quantum-gate")
    >>> salon.remove_goal(store, "known").name, salon.goals(store)
    ('known', [])
    """
    return as_goal(_remove_goal(store, name))
