"""The sentence of advice that leads each of the plan's sections, and the plan's own:
whom to be known by and win (:func:`agenda`), where to be (:func:`channels`), the week's time
(:func:`budget`), how to tell it works (:func:`milestones`), and the plan in one sentence
(:func:`plan`). Like the answers' sentences (:mod:`salon.strategy.advice`), each is computed
from its section's data, never a canned line. Standard library only.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from salon.strategy.advice import join, plural, who

_OBJECTIVE = {
    "reach": "be known by",
    "speak": "be invited to speak to",
    "sell": "sell to",
    "hire": "hire from",
    "learn": "become a trusted expert for",
}


def agenda(section: Mapping[str, Any], segment: str) -> str:
    """Section 1: whom to be known by and whom to win."""
    rows = section.get("known_by") or []
    seeds = section.get("to_win") or []
    if not rows and not seeds:
        return f"Nobody outside {segment} sets its agenda: talk with its members directly."
    people = rows or seeds
    already = [r for r in rows if r.get("attention_to_you")]
    known = (
        f"{len(already)} of them already pay you attention"
        if already
        else "none of them pays you attention yet"
    )
    reach = section.get("reach") or {}
    win_part = ""
    if seeds:
        win_part = (
            f"; winning {join(who(s) for s in seeds[:3])} would carry you to about "
            f"{reach.get('expected_share', 0):.0%} of {segment}"
        )
    yours = section.get("your_seed")
    own = f"; you already reach part of it yourself (IMM's pick #{yours['rank']})" if yours else ""
    return (
        f"Get known by these {len(people)} people first, {who(people[0])} above all: "
        f"{known}{win_part}{own}."
    )


def channels(section: Mapping[str, Any], segment: str) -> str:
    """Section 2: where to be now and later, and what to leave."""
    now = [c for c in section.get("now") or [] if c.get("segment_present")]
    later = section.get("later") or []
    leave = section.get("leave") or []
    if not now:
        return (
            f"Salon sees no channel where {segment} talks"
            + (f" about {section.get('topic')}" if section.get("topic") else "")
            + ": ask its members where they meet before investing time anywhere."
        )
    top = now[0]
    parts = [f"Be in {top['channel']} now ({top['reason']})"]
    growing = [f for f in later if f.get("growth", 0) >= 0.5]
    if growing:
        best = max(growing, key=lambda f: f["growth"])
        last = best["forecasts"][-1]
        parts.append(
            f"{best['channel']} is forecast to grow from {best['adopters']:,} to "
            f"{last['adopters']:,.0f} of the segment (90% {last['low']:,.0f}–"
            f"{last['high']:,.0f}) within {plural(last['horizon'], best['period'])}"
        )
    elif later:
        parts.append("no channel is forecast to draw many more of the segment")
    if leave:
        parts.append(f"leave {join(c['channel'] for c in leave[:2])}")
    return "; ".join(parts) + "."


def budget(found: Mapping[str, Any]) -> str:
    """Section 3: the week's time."""
    items = found.get("items") or []
    hours = found.get("hours_per_week", 0)
    if not items:
        return f"Spend none of your {hours:g} hours yet: nothing in the store is worth the time."
    top = max(items, key=lambda i: i["hours"])
    split = found.get("split") or {}
    parts = ", ".join(f"{h:g} h {p}" for p, h in split.items() if h)
    return (
        f"Spend at most {sum(i['hours'] for i in items):g} of your {hours:g} hours a week "
        f"({parts}), most on: {top['what'][0].lower()}{top['what'][1:]}; stay heads down the "
        "rest of the week."
    )


def milestones(items: list[Mapping[str, Any]], months: int) -> str:
    """Section 6: how to tell the plan works."""
    by = {m["milestone"]: m for m in items}
    known = by.get("known_by")
    if not known:
        return "No milestones to measure."
    target = known.get("target") or 0
    value = known.get("value", 0)
    engaged = by.get("engaged_by", {}).get("value", 0)
    return (
        f"The plan works when all {target} of these people pay you attention within "
        f"{plural(months, 'month')}: {value:,.0f} do today ({engaged:,.0f} reply, repost or "
        "mention you); run 'salon progress' after each import to see the trend."
    )


def plan(
    goal: Mapping[str, Any],
    agenda_section: Mapping[str, Any],
    channels_section: Mapping[str, Any],
    budget_section: Mapping[str, Any],
    meetings_section: Mapping[str, Any],
) -> str:
    """The plan in one sentence."""
    aim = f"To {_OBJECTIVE.get(goal['objective'], 'reach')} {goal['segment']}"
    people = agenda_section.get("known_by") or agenda_section.get("to_win") or []
    if people:
        already = sum(1 for r in agenda_section.get("known_by") or [] if r.get("attention_to_you"))
        first = (
            f"get known by {join(who(r) for r in people[:3])} first ({already} of the "
            f"{len(people)} already pay you attention)"
        )
    else:
        first = "talk with its members directly (nobody outside it sets its agenda)"
    now = [c for c in channels_section.get("now") or [] if c.get("segment_present")]
    where_part = f" in {now[0]['channel']}" if now else ""
    spent = sum(i["hours"] for i in budget_section.get("items") or [])
    meet = meetings_section.get("suggestions") or []
    offline = f", and take {who(meet[0])} offline" if meet else ""
    return (
        f"{aim}, {first}, spending {spent:g} of your {budget_section.get('hours_per_week', 0):g} "
        f"hours a week{where_part}{offline}."
    )
