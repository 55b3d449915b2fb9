"""The plan's offline part: whom to meet on the coming trips and events (:func:`salon.meet`
on the store's calendar), whom to get back in touch with (:func:`salon.nudges`) and where the
segment's relationships stall (:func:`salon.funnel`) — composed, never recomputed."""

from __future__ import annotations

from typing import Any

from salon import insights
from salon.errors import SalonError
from salon.insights.offline import funnel, nudges
from salon.store.database import Store
from salon.strategy import advice

#: Meetings suggested per plan, and nudges shown.
TOP = 5


def offline(store: Store, segment: str, *, now: float | None = None) -> dict[str, Any]:
    """The meetings section (without its advice): ``trips``, ``suggestions``, ``reconnect``,
    ``funnel``, ``notes``."""
    notes: list[str] = []
    trips: list[dict[str, Any]] = []
    suggestions: list[dict[str, Any]] = []
    unplaced: list[dict[str, Any]] = []
    try:
        found = insights.meet(store, segment=segment, top=TOP, now=now).to_dict()
    except SalonError as error:
        found = None
        notes.append(f"No meetings planned: {error}")
    if found is not None:
        trips = [
            {"city": t["city"], "from": t["from"], "to": t["to"], "reason": t["reason"]}
            for t in found["trips"]
        ]
        for one in found["plans"]:
            when = None
            if one["trip"]:
                when = f"{str(one['trip']['from'])[:10]} – {str(one['trip']['to'])[:10]}"
            for s in one["suggestions"]:
                suggestions.append(
                    {
                        "person": s["person"],
                        "name": s["name"],
                        "city": one["city"]["label"],
                        "form": s["form"],
                        "when": when,
                        "score": s["score"],
                        "why": s["why"],
                    }
                )
            unplaced.extend(one["unplaced"][:3])
        notes.extend(found["notes"])
    suggestions.sort(key=lambda s: -s["score"])
    nudged = nudges(store, top=TOP, now=now).to_dict()
    reconnect = [
        {"person": n["person"], "name": n["name"], "reason": n["reason"]} for n in nudged["nudges"]
    ]
    stages = funnel(store, segment=segment).to_dict()
    return {
        "trips": trips,
        "suggestions": suggestions[: TOP * 2],
        "unplaced": [
            {"person": u["person"], "name": u["name"], "why": u["why"]} for u in unplaced[:TOP]
        ],
        "reconnect": reconnect,
        "funnel": {
            "people": stages["people"],
            "reached": {s["stage"]: s["reached"] for s in stages["stages"]},
        },
        "notes": notes + nudged["notes"] + stages["notes"],
    }


def meetings_advice(section: dict[str, Any], segment: str, *, known: bool = True) -> str:
    """The section's sentence (``known``: whether the store knows you)."""
    suggestions = section["suggestions"]
    if suggestions:
        top = suggestions[0]
        when = f" ({top['when']})" if top["when"] else ""
        more = len(suggestions) - 1
        others = f", then {advice.plural(more, 'more person')}" if more else ""
        return (
            f"Take {advice.who(top)} for {top['form']} in {top['city']}{when}{others}: online "
            "attention is worth most once it goes offline."
        )
    if section["reconnect"]:
        first = section["reconnect"][0]
        return (
            f"No trip to plan yet; meanwhile get back in touch with {advice.who(first)}: "
            f"{first['reason']}"
        )
    reached = section["funnel"]["reached"]
    people = section["funnel"]["people"]
    if not known:
        return (
            "The store does not know you, so Salon cannot tell whom you have met: import your "
            "own export or calendar (or 'salon me --is ACCOUNT') to plan meetings."
        )
    if people:
        met = reached.get("met", 0)
        return (
            f"None of the coming trips meets {segment} yet; {met} of your "
            f"{advice.plural(people, 'relationship')} with it reached a meeting — import your "
            "calendar to plan the next ones."
        )
    return (
        f"You have no relationship with {segment} yet and no trip planned: start online, with "
        "the agenda-setters above."
    )
