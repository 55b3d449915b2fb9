"""Whom to meet, and where: the meeting planner over the store (``salon meet``).

It gathers where everyone is (:mod:`salon.store.locations`, geocoded offline by
:mod:`salon.offline.places`), fits the Allen curve to your own meetings
(:mod:`salon.offline.proximity`), weighs each person's influence over the segment
(personalised PageRank, as :func:`salon.influencers`), the attention between you online and the
stage your relationship reached, and the decay of your tie (:mod:`salon.graph.ties`), and ranks
the people to meet in a city or on the trips your calendar holds
(:mod:`salon.offline.planner`).
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from salon.errors import SalonError
from salon.graph.influence import pagerank, segment_vector
from salon.graph.snapshot import MAX_MEETING_SIZE, GraphSnapshot, build_snapshot
from salon.insights.results import Result
from salon.insights.who import context, names_of, snapshot_spec, yourself
from salon.offline.places import Location, geocode, geocode_many, haversine_km
from salon.offline.planner import (
    MEAL_KINDS,
    MET_KINDS,
    MIN_PROXIMITY,
    Candidate,
    Event,
    Trip,
    find_trips,
    invitations,
    rank,
    stage_of,
)
from salon.offline.proximity import DistanceDecay, default_decay, fit_distance_decay
from salon.store.database import Store
from salon.store.locations import (
    MeetingRow,
    PlaceText,
    events_with,
    meeting_rows,
    person_places,
)

#: Half-life of a tie when the tie-strength module gives none (days).
HALF_LIFE_DAYS = 90.0
#: Trips planned at most (the first upcoming ones, else the latest).
MAX_TRIPS = 5
_IN_PERSON = MEAL_KINDS | MET_KINDS


@dataclass(frozen=True)
class MeetingPlan(Result):
    """Whom to meet where, in what form and why; the proximity model it used; the trips found.

    ``trips`` lists every trip found (``--calendar``); ``plans`` has one entry per city
    (``--city``) or trip (the first :data:`MAX_TRIPS` upcoming, else the latest): the city,
    the dates, ``suggestions`` (each with its score's parts, its form and the reasons)
    and ``unplaced`` (people worth meeting whose place is unknown: ask where they are).
    """

    home: dict[str, Any] | None
    proximity: dict[str, Any]
    segment: dict[str, str] | None
    located: int
    unlocated: int
    trips: list[dict[str, Any]]
    plans: list[dict[str, Any]]
    notes: list[str]

    def ics(self, *, organizer: str | None = None) -> bytes:
        """Every plan's meetings as one iCalendar file (for you to send; nothing is sent)."""
        import icalendar

        merged = icalendar.Calendar()
        merged.add("prodid", "-//Salon//salon meet//EN")
        merged.add("version", "2.0")
        for plan in self.plans:
            city = Location(**{k: plan["city"][k] for k in _LOCATION_FIELDS})
            one = icalendar.Calendar.from_ical(
                invitations(plan["suggestions"], city, start=plan["start"], you=organizer)
            )
            for event in one.walk("VEVENT"):
                merged.add_component(event)
        return merged.to_ical()

    def write_ics(self, path: str | Path, *, organizer: str | None = None) -> int:
        """Write :meth:`ics` to ``path``; the number of invitations written."""
        data = self.ics(organizer=organizer)
        Path(path).write_bytes(data)
        return data.count(b"BEGIN:VEVENT")


_LOCATION_FIELDS = (
    "query",
    "precision",
    "name",
    "country",
    "latitude",
    "longitude",
    "population",
    "geonameid",
)


class _Geocoder:
    """A caching geocoder that prefers namesakes in the country most of ``prior`` (your own
    locations and meeting places) name: "Valencia" in a European calendar is in Spain.
    Each distinct text is geocoded once (:func:`salon.offline.places.geocode_many`)."""

    def __init__(self, prior: list[str]) -> None:
        first = geocode_many(prior)
        counted = Counter(c for t in prior if (c := first[t].country))
        self.country = counted.most_common(1)[0][0] if counted else None
        self.cache: dict[str, Location] = {}

    def __call__(self, text: str) -> Location:
        if text not in self.cache:
            self.cache[text] = geocode(text, country=self.country)
        return self.cache[text]

    def many(self, texts: Iterable[str]) -> dict[str, Location]:
        missing = [t for t in dict.fromkeys(texts) if t not in self.cache]
        self.cache.update(geocode_many(missing, country=self.country))
        return self.cache


def _geocoder(prior: list[str]) -> _Geocoder:
    return _Geocoder(prior)


def _located(texts: dict[int, list[PlaceText]], find: _Geocoder) -> dict[int, Location]:
    """Each person's place: the first of their texts that names a known place, else the
    first text's (unknown) place; each distinct text geocoded once."""
    found = find.many(t.text for ts in texts.values() for t in ts)
    out = {p: found[ts[0].text] for p, ts in texts.items()}
    for p, ts in texts.items():
        if len(ts) > 1 and not out[p].known:
            out[p] = next((found[t.text] for t in ts if found[t.text].known), out[p])
    return out


def _home(
    texts: list[Any], rows: list[MeetingRow], you: set[int], find: _Geocoder
) -> tuple[Location | None, str]:
    """Your home: your profile's location, else the city of most of your meetings."""
    find.many([*(t.text for t in texts), *(r.place for r in rows if r.place)])
    for t in texts:
        place = find(t.text)
        if place.known:
            return place, f"your {t.source} location '{t.text}'"
    counted: Counter[int] = Counter()
    by_id: dict[int, Location] = {}
    for r in rows:
        if r.place and (not you or you & set(r.attendees) or not r.attendees):
            place = find(r.place)
            if place.known and place.geonameid is not None:
                counted[place.geonameid] += 1
                by_id[place.geonameid] = place
    if counted:
        gid, n = counted.most_common(1)[0]
        return by_id[gid], f"the place of {n} of your meetings"
    return None, "no location of yours and no meeting place is known"


def _ties(
    store: Store, you: list[int], rows: list[MeetingRow], now: float
) -> tuple[dict[int, dict[str, Any]], float]:
    """Per person: tie strength, recency, frequency and interactions by kind with you."""
    src, dst, kinds, at = events_with(store, you)
    mine = set(you)
    for r in rows:
        if r.start is None or not (mine & set(r.attendees)) or len(r.attendees) > MAX_MEETING_SIZE:
            continue
        for other in r.attendees:
            if other not in mine:
                src.append(you[0])
                dst.append(other)
                kinds.append(r.kind or "meeting")
                at.append(float(r.start))
    if not src:
        return {}, HALF_LIFE_DAYS
    from salon.graph.ties import tie_strengths

    found = tie_strengths(
        np.asarray(src, dtype=np.int64),
        np.asarray(dst, dtype=np.int64),
        np.asarray(kinds),
        np.asarray(at, dtype=float),
        now=now,
    )
    out: dict[int, dict[str, Any]] = {}
    for i in range(len(found)):
        row = found.row(i)
        a, b = int(row["a"]), int(row["b"])  # type: ignore[call-overload]
        other = b if a in mine else a if b in mine else None
        if other is None or other in mine:
            continue
        out[other] = row
    return out, float(found.half_life_days)


def _influence(snapshot: GraphSnapshot, members: np.ndarray | None) -> np.ndarray:
    if snapshot.n == 0:
        return np.zeros(0)
    restart = segment_vector(snapshot, members) if members is not None else None
    return pagerank(snapshot, personalization=restart).values


def _attention(snapshot: GraphSnapshot, you: list[int]) -> np.ndarray:
    """Attention between you and each node, both ways (follows, messages, mentions…)."""
    out = np.zeros(snapshot.n)
    for i in snapshot.index(you):
        if i >= 0:
            out += snapshot.matrix.getrow(i).toarray().ravel()
            out += snapshot.matrix.getcol(i).toarray().ravel()
    return out


def _coordinates(people: list[int], located: dict[int, Location]) -> tuple[np.ndarray, np.ndarray]:
    """Latitudes and longitudes of ``people`` (all with a known place)."""
    lat = np.fromiter((located[p].latitude for p in people), dtype=float, count=len(people))
    lon = np.fromiter((located[p].longitude for p in people), dtype=float, count=len(people))
    return lat, lon


def _decay(
    home: Location | None,
    located: dict[int, Location],
    people: list[int],
    ties: dict[int, dict[str, Any]],
) -> DistanceDecay:
    """The Allen curve from your contacts' distances to your home and whom you met
    (``people``: those of ``located`` with a known place, in its order)."""
    if home is None or not home.known:
        return default_decay("your home is unknown, so no distance of yours can be measured")
    if not people:
        return default_decay("no contact of yours has a known place")
    lat, lon = _coordinates(people, located)
    d = haversine_km(home.latitude, home.longitude, lat, lon)
    met = np.zeros(len(people))
    if ties:
        where = {p: i for i, p in enumerate(people) if p in ties}
        for p, i in where.items():
            met[i] = sum(n for k, n in ties[p].get("by_kind", {}).items() if k in _IN_PERSON)
    return fit_distance_decay(d, met)


def _events_of(calendar: str | Path, find: _Geocoder) -> list[Event]:
    from salon.importers.base import ImportOptions
    from salon.importers.calendar import parse
    from salon.importers.files import input_files
    from salon.model import Meeting

    records = [
        record
        for file in input_files(calendar)
        for record in parse(file, ImportOptions())
        if isinstance(record, Meeting) and record.start is not None and record.place
    ]
    found = find.many(r.place for r in records)
    return [Event(r.title, r.start, r.end, found[r.place]) for r in records]


def _choose_trips(trips: list[Trip], now: float) -> list[Trip]:
    upcoming = [t for t in trips if t.end >= now]
    return upcoming[:MAX_TRIPS] if upcoming else trips[-MAX_TRIPS:]


def meet(
    store: Store,
    *,
    city: str | None = None,
    calendar: str | Path | None = None,
    since: int | None = None,
    until: int | None = None,
    segment: str | None = None,
    top: int = 10,
    weights: Mapping[str, float] | None = None,
    now: float | None = None,
) -> MeetingPlan:
    """Whom to meet in ``city`` (or on the trips in ``calendar``, an ``.ics`` file; with
    neither, the trips in the store's own calendar from ``now`` on), where and in what form,
    ranked by value (influence over ``segment``, the online-offline gap) × proximity (the
    Allen curve, fitted to your meetings when there are enough) × the tie's decay, with the
    reasons. ``since``/``until`` (Unix seconds) are the dates of the visit, or bound the
    calendar's trips. ``plan.write_ics(path)`` writes the invitations.

    Examples
    --------
    >>> import salon
    >>> store = salon.demo.sample_store()
    >>> plan = salon.meet(store, city="Delhi", top=3)
    >>> plan.plans[0]["city"]["label"], plan.proximity["source"]
    ('Delhi, IN', 'default')
    >>> sorted(plan.to_dict())[:4]
    ['home', 'located', 'notes', 'plans']
    """
    now = float(time.time() if now is None else now)
    you = yourself(store)
    texts = person_places(store)
    rows = meeting_rows(store)
    mine = [t.text for p in you for t in texts.get(p, [])]
    yours = [r.place for r in rows if r.place and (not r.attendees or set(you) & set(r.attendees))]
    find = _geocoder(mine + yours)
    home, home_from = _home([t for p in you for t in texts.get(p, [])], rows, set(you), find)
    located = _located(texts, find)
    placed = [
        p
        for p, place in located.items()
        if place.latitude is not None and place.longitude is not None
    ]
    ties, half_life = _ties(store, you, rows, now)
    decay = _decay(home, located, placed, ties)
    notes: list[str] = []
    if segment:
        ctx = context(store, segment, spec=snapshot_spec(weights))
        snapshot, members = ctx.snapshot, ctx.members
        if ctx.in_graph == 0:
            raise SalonError(f"Segment '{ctx.segment.name}' has nobody in the attention graph.")
        segment_info: dict[str, str] | None = ctx.segment.to_dict()
    else:
        snapshot, members, segment_info = build_snapshot(store, snapshot_spec(weights)), None, None
    influence = _influence(snapshot, members)
    attention = _attention(snapshot, you)
    targets, every_trip = _targets(
        store, city, calendar, since, until, now, home, find, rows, set(you)
    )
    mine = set(you)
    people = (set(located) | set(ties)) - mine
    known = sorted(set(placed) - mine)
    lat, lon = _coordinates(known, located)
    known_set = set(known)
    unplaced = sorted(p for p in ties if p not in mine and p not in known_set)
    plans = []
    for place, start, end, trip in targets:
        near = np.asarray(known, dtype=np.int64)
        if len(known):
            d = haversine_km(place.latitude, place.longitude, lat, lon)
            near = near[decay.relative(d) >= MIN_PROXIMITY]
        chosen = [*near.tolist(), *unplaced]
        candidates = _candidates(store, chosen, located, ties, snapshot, influence, attention)
        knows = _knows(snapshot, near.tolist())
        suggestions, others = rank(
            candidates, place, decay, half_life_days=half_life, knows=knows, top=top
        )
        plans.append(
            {
                "city": place.to_dict(),
                "from": start,
                "to": end,
                "start": start if start is not None else int(now),
                "trip": trip.to_dict() if trip else None,
                "suggestions": suggestions,
                "unplaced": others,
            }
        )
    located_n = len(known)
    if located_n == 0:
        notes.append(
            "Nobody in the store has a known place (their exports list no location): the "
            "plan lists whom to meet if they are there; ask them where they are."
        )
    trips_found = [t.to_dict() for t in every_trip]
    return MeetingPlan(
        home=None if home is None else {**home.to_dict(), "from": home_from},
        proximity=decay.to_dict(),
        segment=segment_info,
        located=located_n,
        unlocated=len(people) - located_n,
        trips=trips_found,
        plans=plans,
        notes=notes,
    )


def _targets(
    store: Store,
    city: str | None,
    calendar: str | Path | None,
    since: int | None,
    until: int | None,
    now: float,
    home: Location | None,
    find: Any,
    rows: list[MeetingRow],
    you: set[int],
) -> tuple[list[tuple[Location, int | None, int | None, Trip | None]], list[Trip]]:
    if city:
        place = geocode_many([city])[city]
        if not place.known:
            raise SalonError(
                f"Could not find the city '{city}' among GeoNames' cities of 15,000 people and "
                "more. Write its name as in an atlas, with the country if it is ambiguous: "
                "--city 'Cambridge, US'."
            )
        return [(place, since, until, None)], []
    if calendar is not None:
        events = _events_of(calendar, find)
    else:
        events = [
            Event(r.title, r.start, r.end, find(r.place))
            for r in rows
            if r.place and r.start is not None and (not r.attendees or you & set(r.attendees))
        ]
    events = [
        e
        for e in events
        if (since is None or e.start >= since) and (until is None or e.start < until)
    ]
    trips = find_trips(events, home)
    if calendar is None and not trips:
        raise SalonError(
            "No trip found in your calendar. Pass --city NAME, or --calendar FILE.ics with "
            "the events of your trips."
        )
    chosen = _choose_trips(trips, now) if since is None and until is None else trips[:MAX_TRIPS]
    return [(t.city, t.start, t.end, t) for t in chosen], trips


def _candidates(
    store: Store,
    ids: list[int],
    located: dict[int, Location],
    ties: dict[int, dict[str, Any]],
    snapshot: GraphSnapshot,
    influence: np.ndarray,
    attention: np.ndarray,
) -> list[Candidate]:
    index = snapshot.index(ids) if ids else np.zeros(0, dtype=np.int64)
    names = names_of(store, ids)
    out = []
    for pid, i in zip(ids, index.tolist(), strict=True):
        tie = ties.get(pid, {})
        kinds = dict(tie.get("by_kind", {}))
        out.append(
            Candidate(
                pid,
                names.get(pid),
                located.get(pid, Location("", "unknown")),
                float(influence[i]) if i >= 0 else 0.0,
                float(attention[i]) if i >= 0 else 0.0,
                stage_of(kinds),
                float(tie.get("strength", 0.0)),
                int(tie.get("frequency", 0)),
                tie.get("recency_days"),
                kinds,
            )
        )
    return out


def _knows(snapshot: GraphSnapshot, near: list[int]) -> set[tuple[int, int]]:
    """Pairs of nearby people linked in the attention graph (either way)."""
    index = snapshot.index(near) if near else np.zeros(0, dtype=np.int64)
    keep = index >= 0
    if keep.sum() < 2:
        return set()
    nodes, people = index[keep], np.asarray(near)[keep]
    sub = snapshot.matrix[nodes][:, nodes].tocoo()
    return {
        (int(people[a]), int(people[b])) for a, b in zip(sub.row, sub.col, strict=True) if a != b
    }
