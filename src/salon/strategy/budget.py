"""The weekly time budget: at most the goal's hours a week of social time (heads down is the
default), split across channels, conversations with named people and offline meetings.

The split starts from the objective (:data:`SPLITS`): a speaking slot needs conversations
with the agenda-setters, a sale needs meetings, reach and learning need channels. A part with
nothing to spend time on (no channel where the segment is, nobody to talk to, nobody to meet)
gets no hours and its share goes to the others. Hours are quarter-hours, given out by largest
remainder, so the items sum to the cap at most.

>>> found = weekly_budget(2, "learn", channels=[("tag:qec", 2.0, "most posts")],
...                       people=[(7, "Ana", "agenda-setter")], offline=[])
>>> found["split"]
{'channels': 1.25, 'conversations': 0.75, 'offline': 0.0}
>>> [(i["what"], i["hours"]) for i in found["items"]]
[('Answer questions in tag:qec', 1.25), ('Reply to and write to Ana', 0.75)]
"""

from __future__ import annotations

import math
from typing import Any

#: Shares of the week's social time by objective: (channels, conversations, offline).
SPLITS: dict[str, tuple[float, float, float]] = {
    "reach": (0.5, 0.3, 0.2),
    "speak": (0.3, 0.45, 0.25),
    "sell": (0.2, 0.4, 0.4),
    "hire": (0.3, 0.4, 0.3),
    "learn": (0.5, 0.35, 0.15),
}
PARTS = ("channels", "conversations", "offline")
QUARTER = 0.25
#: What to do in a channel, by objective.
_CHANNEL_VERB = {
    "reach": "Share and reply in",
    "speak": "Comment on the agenda-setters' posts in",
    "sell": "Answer buyers' questions in",
    "hire": "Join the discussions in",
    "learn": "Answer questions in",
}


def largest_remainder(total: int, weights: list[float]) -> list[int]:
    """``total`` units shared in proportion to ``weights`` (whole units, summing to
    ``total``; none when every weight is 0).

    >>> largest_remainder(7, [2, 1, 1])
    [3, 2, 2]
    """
    whole = sum(w for w in weights if w > 0)
    if total <= 0 or whole <= 0:
        return [0] * len(weights)
    exact = [max(w, 0) / whole * total for w in weights]
    units = [math.floor(x) for x in exact]
    order = sorted(range(len(weights)), key=lambda i: (-(exact[i] - units[i]), i))
    for i in order[: total - sum(units)]:
        units[i] += 1
    return units


def weekly_budget(
    hours: float,
    objective: str,
    *,
    channels: list[tuple[str, float, str]],
    people: list[tuple[int, str, str]],
    offline: list[tuple[int | None, str, str]],
) -> dict[str, Any]:
    """The budget (without its advice): ``hours_per_week``, ``split`` (hours per part),
    ``items`` (``kind, what, person, hours, reason``), ``heads_down`` and ``reasons``.

    ``channels`` are ``(name, weight, reason)`` (weight: the channel's score or share; more
    weight, more time), ``people`` ``(person, name, reason)`` to talk with, ``offline``
    ``(person, what, reason)`` to meet (``what``: "coffee with Ana in Graz")."""
    quarters = math.floor(hours / QUARTER + 1e-9)
    base = dict(zip(PARTS, SPLITS[objective], strict=True))
    has = {"channels": bool(channels), "conversations": bool(people), "offline": bool(offline)}
    reasons = [f"{objective}: {', '.join(f'{base[p]:.0%} {p}' for p in PARTS)} to start with"]
    for part in PARTS:
        if not has[part]:
            reasons.append(f"no {_nothing[part]}, so its share goes to the rest")
    weights = [base[p] if has[p] else 0.0 for p in PARTS]
    per_part = dict(zip(PARTS, largest_remainder(quarters, weights), strict=True))
    items: list[dict[str, Any]] = []
    verb = _CHANNEL_VERB[objective]
    for part, entries in (("channels", channels), ("conversations", people), ("offline", offline)):
        n = min(len(entries), per_part[part])
        if part == "channels":
            shares = [max(float(e[1]), 0.0) + 1.0 for e in entries[:n]]
        else:
            shares = [1.0] * n
        given = largest_remainder(per_part[part], shares)
        for entry, units in zip(entries[:n], given, strict=True):
            if not units:
                continue
            if part == "channels":
                what, person, reason = f"{verb} {entry[0]}", None, entry[2]
            elif part == "conversations":
                what, person, reason = f"Reply to and write to {entry[1]}", entry[0], entry[2]
            else:
                what, person, reason = entry[1], entry[0], entry[2]
            items.append(
                {
                    "kind": part.rstrip("s") if part != "offline" else "offline",
                    "what": what,
                    "person": person,
                    "hours": units * QUARTER,
                    "reason": reason,
                }
            )
    split = {p: sum((i["hours"] for i in items if _part(i["kind"]) == p), 0.0) for p in PARTS}
    spent = sum(split.values())
    return {
        "hours_per_week": hours,
        "split": split,
        "items": items,
        "heads_down": (
            f"{spent:g} of your {hours:g} hours a week go to this goal's social work; the rest "
            "of the week stays heads down, doing the work people will want to hear about."
            if spent
            else "Nothing to spend social time on yet: stay heads down until the store holds "
            "the segment's conversations."
        ),
        "reasons": reasons,
    }


_nothing = {
    "channels": "channel where the segment talks",
    "conversations": "agenda-setter to talk with",
    "offline": "meeting to plan or tie to renew",
}


def _part(kind: str) -> str:
    return {"channel": "channels", "conversation": "conversations"}.get(kind, kind)
