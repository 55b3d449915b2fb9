"""The meeting planner: whom to meet in a city, in what form, and trips found in a calendar.

A suggestion's score is ``value × proximity × tie``:

- **value** = 0.6 × influence + 0.4 × gap, each in [0, 1]: *influence* is the person's
  personalised PageRank over the segment (global PageRank without one) divided by the highest
  among the candidates; *gap* is the online attention between you and them (their share of
  the strongest online tie among the candidates) times ``1 − stage/4``, where the stage is how
  far offline the relationship went (:data:`STAGES`: online 0, conversed 1, call 2, met 3,
  shared a meal 4) — much attention and no meeting is the gap to close.
- **proximity** = the Allen curve's likelihood at the distance between their place and the
  city you will be in, relative to the same place (:mod:`salon.offline.proximity`); people
  below :data:`MIN_PROXIMITY` are too far to suggest, people with no known place are listed
  apart ("ask where they are").
- **tie** = 0.5 + 0.5 × (1 − 2^(−days since the last interaction / half-life)): a tie that
  has cooled wants a reconnect more than one renewed last week; with no dated interaction at
  all (a connection only) it is 0.6: you will need an introduction or a warm note first.

The form follows the relationship: a *small dinner* for three to six suggested people in
the same city who know each other (an edge between them in the attention graph), a *dinner*
for someone you already met or shared a meal with and whose value is high, *lunch* for
someone you met or called, *coffee* otherwise. Pure functions: the store is read elsewhere
(:mod:`salon.insights.meetings`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np

from salon.offline.places import Location, distance_km, same_place
from salon.offline.proximity import DistanceDecay

#: Relationship stages, online → offline (DESIGN: "Tie strength").
STAGES = ("online", "conversed", "call", "met", "shared a meal")
MEAL_KINDS = frozenset({"meal", "breakfast", "lunch", "dinner"})
MET_KINDS = frozenset({"meeting", "met", "coffee", "drinks", "contact", "co-attendance"})
CALL_KINDS = frozenset({"call"})
CONVERSED_KINDS = frozenset({"message", "email", "reply", "mention", "quote", "repost"})
#: Below this share of the same-place likelihood, someone is too far to suggest.
MIN_PROXIMITY = 0.1
#: A trip is an event at least this far from home (km) or lasting this long (hours).
AWAY_KM = 50.0
MULTI_DAY_HOURS = 20.0
#: Cold ties (no dated interaction) weigh this in the tie factor.
COLD_TIE = 0.6
SMALL_DINNER = (3, 6)
_FORM_HOURS = {"coffee": (10, 0, 45), "lunch": (12, 30, 90), "dinner": (19, 30, 150)}


@dataclass(frozen=True)
class Candidate:
    """Someone to consider meeting, with the evidence the score is made of."""

    person: int
    name: str | None
    location: Location
    influence: float
    attention: float
    stage: str
    strength: float
    frequency: int
    recency_days: float | None
    by_kind: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Event:
    """A calendar event as the trip finder sees it."""

    title: str | None
    start: int
    end: int | None
    location: Location


@dataclass(frozen=True)
class Trip:
    """Days away from home (or a multi-day event) in one city."""

    city: Location
    start: int
    end: int
    events: tuple[str, ...]
    reason: str
    conference: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "city": self.city.label,
            "from": _day(self.start),
            "to": _day(self.end),
            "conference": self.conference,
            "events": list(self.events),
            "reason": self.reason,
        }


def _day(t: float) -> str:
    return datetime.fromtimestamp(t, UTC).date().isoformat()


def stage_of(by_kind: dict[str, int]) -> str:
    """The furthest stage a relationship reached, from its interactions by kind.

    >>> stage_of({"message": 3}), stage_of({"lunch": 1, "message": 9}), stage_of({})
    ('conversed', 'shared a meal', 'online')
    """
    kinds = {k for k, n in by_kind.items() if n}
    if kinds & MEAL_KINDS:
        return STAGES[4]
    if kinds & MET_KINDS:
        return STAGES[3]
    if kinds & CALL_KINDS:
        return STAGES[2]
    if kinds & CONVERSED_KINDS:
        return STAGES[1]
    return STAGES[0]


def tie_factor(recency_days: float | None, half_life_days: float) -> float:
    """0.5 for a tie renewed today, towards 1 as it cools; :data:`COLD_TIE` without one.

    >>> tie_factor(None, 180), tie_factor(0, 180), tie_factor(180, 180)
    (0.6, 0.5, 0.75)
    """
    if recency_days is None or not np.isfinite(recency_days):
        return COLD_TIE
    cooled = 1.0 - 2.0 ** (-max(float(recency_days), 0.0) / half_life_days)
    return 0.5 + 0.5 * cooled


def rank(
    candidates: Sequence[Candidate],
    city: Location,
    decay: DistanceDecay,
    *,
    half_life_days: float,
    knows: set[tuple[int, int]] | None = None,
    top: int = 10,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Suggestions for ``city`` (best first, at most ``top``) and the people worth meeting
    whose place is unknown (at most ``top``), each with the parts of the score and why."""
    placed = [c for c in candidates if c.location.known]
    unplaced = [c for c in candidates if not c.location.known]
    top_influence = max((c.influence for c in candidates), default=0.0) or 1.0
    top_attention = max((c.attention for c in candidates), default=0.0) or 1.0
    rows, others = [], []
    for c in placed:
        d = distance_km(c.location, city)
        proximity = float(decay.relative(d)) if d is not None else 0.0
        if proximity < MIN_PROXIMITY:
            continue
        rows.append(_row(c, d, proximity, top_influence, top_attention, half_life_days))
    for c in unplaced:
        others.append(_row(c, None, None, top_influence, top_attention, half_life_days))
    rows.sort(key=lambda r: (-r["score"], r["person"]))
    others.sort(key=lambda r: (-r["value"], r["person"]))
    rows = rows[:top]
    _forms(rows, knows or set(), city)
    return rows, others[:top]


def _row(
    c: Candidate,
    d: float | None,
    proximity: float | None,
    top_influence: float,
    top_attention: float,
    half_life_days: float,
) -> dict[str, Any]:
    influence = c.influence / top_influence
    level = STAGES.index(c.stage)
    gap = (c.attention / top_attention) * (1 - level / 4)
    value = 0.6 * influence + 0.4 * gap
    tie = tie_factor(c.recency_days, half_life_days)
    score = value * (proximity if proximity is not None else 1.0) * tie
    why = [f"influence {influence:.2f} of the top candidate's"]
    if c.frequency:
        last = f", last {c.recency_days:,.0f} days ago" if c.recency_days is not None else ""
        kinds = ", ".join(f"{n} {k}" for k, n in sorted(c.by_kind.items(), key=lambda x: -x[1]))
        why.append(f"{c.stage}: {kinds}{last}")
    else:
        why.append("no dated interaction yet (a connection only): ask for an introduction")
    if gap > 0:
        why.append(f"online attention not yet taken offline (gap {gap:.2f})")
    if d is not None:
        why.append(f"lives in {c.location.label}, {d:,.0f} km away (Allen: {proximity:.2f})")
    return {
        "person": c.person,
        "name": c.name,
        "place": c.location.label,
        "distance_km": None if d is None else round(d, 1),
        "score": round(score, 6),
        "value": round(value, 6),
        "influence": round(influence, 6),
        "gap": round(gap, 6),
        "proximity": None if proximity is None else round(proximity, 6),
        "tie": round(tie, 6),
        "stage": c.stage,
        "strength": round(c.strength, 6),
        "recency_days": None if c.recency_days is None else round(c.recency_days, 1),
        "form": "coffee" if proximity is None else _form(c, value),
        "with": [],
        "why": why,
    }


def _form(c: Candidate, value: float) -> str:
    if c.stage in ("met", "shared a meal") and (value >= 0.5 or c.stage == "shared a meal"):
        return "dinner"
    if c.stage in ("met", "call", "shared a meal"):
        return "lunch"
    return "coffee"


def _forms(rows: list[dict[str, Any]], knows: set[tuple[int, int]], city: Location) -> None:
    """Group people who know each other into small dinners (greedy, best score first)."""
    taken: set[int] = set()
    ids = [r["person"] for r in rows]

    def linked(a: int, b: int) -> bool:
        return (a, b) in knows or (b, a) in knows

    for r in rows:
        if r["person"] in taken:
            continue
        group = [r["person"]]
        for other in ids:
            if other in taken or other in group or len(group) >= SMALL_DINNER[1]:
                continue
            if linked(r["person"], other):
                group.append(other)
        if len(group) < SMALL_DINNER[0]:
            continue
        taken.update(group)
        names = {x["person"]: x["name"] or f"#{x['person']}" for x in rows}
        for x in rows:
            if x["person"] in group:
                x["form"] = "small dinner"
                x["with"] = [p for p in group if p != x["person"]]
                others = ", ".join(names[p] for p in group if p != x["person"])
                x["why"].append(f"knows {others}: a small dinner in {city.name or city.label}")


def find_trips(events: Iterable[Event], home: Location | None) -> list[Trip]:
    """Trips and conferences: events in another city than ``home`` (over :data:`AWAY_KM`
    away) or lasting :data:`MULTI_DAY_HOURS` and more, merged per city when they overlap or
    follow within a day.

    >>> from salon.offline.places import geocode
    >>> day = 86400
    >>> trips = find_trips(
    ...     [Event("Talk", 10 * day, 10 * day + 3600, geocode("Graz")),
    ...      Event("Workshop", 11 * day, 12 * day, geocode("Graz, Austria")),
    ...      Event("Gym", 11 * day, 11 * day + 3600, geocode("Vienna"))], geocode("Vienna"))
    >>> [(t.city.name, t.events, t.to_dict()["from"], t.conference) for t in trips]
    [('Graz', ('Talk', 'Workshop'), '1970-01-11', True)]
    """
    found: list[list[Any]] = []
    for e in sorted(events, key=lambda e: e.start):
        if not e.location.known:
            continue
        end = max(e.end or e.start, e.start)
        multi = (end - e.start) >= MULTI_DAY_HOURS * 3600
        away = (
            home is not None and home.known and not same_place(e.location, home, within_km=AWAY_KM)
        )
        if not (multi or away):
            continue
        for trip in found:
            if same_place(trip[0], e.location) and e.start <= trip[2] + 86400:
                trip[2] = max(trip[2], end)
                trip[3].append(e.title or "(untitled)")
                trip[4] = trip[4] or multi
                break
        else:
            found.append([e.location, e.start, end, [e.title or "(untitled)"], multi])
    trips = []
    for city, start, end, titles, multi in found:
        far = distance_km(city, home) if home is not None else None
        parts = [f"{len(titles)} event{'s' * (len(titles) != 1)} in {city.label}"]
        if far is not None and far > AWAY_KM:
            parts.append(f"{far:,.0f} km from home ({home.label if home else ''})")
        if multi:
            parts.append("a multi-day event (a conference?)")
        trips.append(Trip(city, start, end, tuple(titles), ", ".join(parts), multi))
    return trips


def invitations(
    plan: Sequence[dict[str, Any]], city: Location, *, start: int, you: str | None = None
) -> bytes:
    """An iCalendar file of the suggested meetings (for you to send: nothing is sent):
    coffee at 10:00, lunch at 12:30, dinner at 19:30 (local time unknown: floating times),
    one meeting a slot and day from ``start``'s day; a small dinner is one event."""
    import icalendar

    cal = icalendar.Calendar()
    cal.add("prodid", "-//Salon//salon meet//EN")
    cal.add("version", "2.0")
    cal.add("method", "PUBLISH")
    day0 = datetime.fromtimestamp(start, UTC).replace(hour=0, minute=0, second=0, tzinfo=None)
    used: dict[str, int] = {}
    done: set[int] = set()
    for row in plan:
        if row["person"] in done:
            continue
        group = [row["person"], *row.get("with", [])]
        done.update(group)
        form = "dinner" if row["form"] == "small dinner" else row["form"]
        hour, minute, minutes = _FORM_HOURS[form]
        day = used.get(form, 0)
        used[form] = day + 1
        begin = day0 + timedelta(days=day, hours=hour, minutes=minute)
        names = [r["name"] or f"#{r['person']}" for r in plan if r["person"] in group]
        event = icalendar.Event()
        event.add("uid", f"salon-meet-{'-'.join(map(str, group))}-{start}@salon.local")
        event.add("dtstamp", datetime.fromtimestamp(start, UTC))
        event.add("dtstart", begin)
        event.add("dtend", begin + timedelta(minutes=minutes))
        event.add("summary", f"{row['form'].capitalize()} with {', '.join(names)}")
        event.add("location", city.label)
        event.add("description", "\n".join(row["why"]))
        if you:
            event.add("organizer", f"mailto:{you}" if "@" in you else you)
        for name in names:
            attendee = icalendar.vCalAddress(row_email(plan, name))
            attendee.params["cn"] = icalendar.vText(name)
            attendee.params["partstat"] = icalendar.vText("NEEDS-ACTION")
            event.add("attendee", attendee, encode=0)
        cal.add_component(event)
    return cal.to_ical()


def row_email(plan: Sequence[dict[str, Any]], name: str) -> str:
    """The attendee's address when the plan knows it, else Outlook's ``invalid:nomail``."""
    for r in plan:
        if (r["name"] or f"#{r['person']}") == name and r.get("email"):
            return f"mailto:{r['email']}"
    return "invalid:nomail"
