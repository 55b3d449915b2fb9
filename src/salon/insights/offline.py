"""Whom to meet: tie strength (``salon ties``), the stages of your relationships from online
to a shared meal (``salon funnel``) and whom to get back in touch with (``salon nudges``).

"Twitter is neat; Dinner is better": the value of an online relationship is in taking it
offline. These questions read the store's events between people
(:func:`salon.store.relations.relation_events`) and call the pure functions of
:mod:`salon.graph.ties` and :mod:`salon.offline.stages`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

from salon.dates import iso, parse_time
from salon.errors import SalonError
from salon.graph.ties import (
    DAY,
    DEFAULT_ANSWER_BONUS,
    DEFAULT_ANSWER_DAYS,
    DEFAULT_HALF_LIFE_DAYS,
    STANDING_WEIGHTS,
    TIE_WEIGHTS,
    TieStrengths,
    tie_strengths,
)
from salon.insights.offline_results import Funnel, Nudges, Ties
from salon.insights.who import context, experts, segment_agenda_setters
from salon.offline.nudges import nudge_rows, rhythms
from salon.offline.stages import STAGES, relationship_stages
from salon.store.database import Store
from salon.store.facts import display_names, self_ids
from salon.store.relations import Events, latest_time, person_id, relation_events
from salon.store.segments import list_segments


def parse_tie_weights(text: str | Mapping[str, float] | None) -> dict[str, float]:
    """``"dinner=12,like=0"`` → ``{"dinner": 12.0, "like": 0.0}``: tie weights by kind. Any
    kind is allowed (a kind the store lacks changes nothing); a weight must be a finite
    number from 0 up, else a ValueError naming the part.

    >>> parse_tie_weights("call=6, like=0")
    {'call': 6.0, 'like': 0.0}
    """
    if text is None:
        return {}
    if isinstance(text, Mapping):
        items = [(str(k), v) for k, v in text.items()]
    else:
        items = []
        for part in text.split(","):
            if part.strip():
                kind, _, value = (t.strip() for t in part.partition("="))
                items.append((kind, value))
    chosen: dict[str, float] = {}
    for kind, value in items:
        try:
            weight = float(value)
        except (TypeError, ValueError):
            weight = math.nan
        if not kind or not math.isfinite(weight) or weight < 0:
            raise ValueError(
                f"'{kind}={value}' is not KIND=WEIGHT with a weight of 0 or more (e.g. dinner=12)"
            )
        chosen[kind] = weight
    return chosen


def store_ties(
    store: Store,
    *,
    half_life_days: float = DEFAULT_HALF_LIFE_DAYS,
    weights: Mapping[str, float] | str | None = None,
    now: float | None = None,
    events: Events | None = None,
    answer_bonus: float = DEFAULT_ANSWER_BONUS,
    answer_days: float = DEFAULT_ANSWER_DAYS,
) -> TieStrengths:
    """Tie strength of every pair in the store (both directions together)."""
    events = relation_events(store) if events is None else events
    chosen = parse_tie_weights(weights)
    if now is None:
        now = latest_time(store) or 0.0
    standing = {k: chosen[k] for k in chosen if k in STANDING_WEIGHTS}
    return tie_strengths(
        events.src,
        events.dst,
        events.kind,
        events.at,
        now=float(now),
        weights=chosen,
        half_life_days=half_life_days,
        weight=events.weight,
        kinds=events.kinds,
        standing=standing,
        answer_bonus=answer_bonus,
        answer_days=answer_days,
    )


def ties(
    store: Store,
    person: str | int | None = None,
    *,
    top: int | None = 20,
    half_life_days: float = DEFAULT_HALF_LIFE_DAYS,
    weights: Mapping[str, float] | str | None = None,
    now: float | None = None,
    answer_bonus: float = DEFAULT_ANSWER_BONUS,
    answer_days: float = DEFAULT_ANSWER_DAYS,
) -> Ties:
    """Tie strength: Σ over interactions of the kind's weight × exp(−age / τ), τ the
    half-life / ln 2, plus a small constant per standing tie (follow, connection); meals and
    meetings weigh most, then calls, messages, mentions and likes (see
    :data:`salon.graph.ties.TIE_WEIGHTS`). Each tie comes with its frequency, recency (days
    since the last interaction) and reciprocity (min/max of the interactions each way).

    ``person`` (an id or a name) asks for that person's ties; without it, yours, or every
    pair when the store does not know you. ``top`` limits the ties shown (None: all);
    ``weights`` overrides kinds' weights (``{"dinner": 12}`` or ``"dinner=12,like=0"``);
    ``now`` (Unix seconds) defaults to the store's latest record, no later than the clock.
    An interaction answering the other's previous one counts ``1 + answer_bonus ·
    exp(−gap / answer_days)`` times (a prompt answer nearly twice).

    Examples
    --------
    >>> import salon
    >>> store = salon.demo.sample_store()
    >>> found = salon.ties(store, top=3)
    >>> len(found.ties), found.half_life_days
    (3, 90.0)
    >>> sorted(found.ties[0])[:5]
    ['answers', 'by_kind', 'first', 'frequency', 'last']
    """
    if top is not None and top < 1:
        raise ValueError("top must be at least 1")
    found = store_ties(
        store,
        half_life_days=half_life_days,
        weights=weights,
        now=now,
        answer_bonus=answer_bonus,
        answer_days=answer_days,
    )
    notes: list[str] = []
    if person is not None:
        focus: int | None = person_id(store, person)
    else:
        yours = self_ids(store)
        focus = yours[0] if yours else None
        if focus is None:
            notes.append("The store does not know you: every pair's tie is shown.")
    order = found.order()
    if focus is not None:
        order = order[(found.pairs[order, 0] == focus) | (found.pairs[order, 1] == focus)]
    rows = _rows(found, order[:top] if top is not None else order, focus)
    ids = {focus} if focus is not None else set()
    for row in rows:
        ids.update(row[k] for k in ("person", "a", "b") if k in row)
    names = display_names(store, ids)
    for row in rows:
        for key, name in (("person", "name"), ("a", "a_name"), ("b", "b_name")):
            if key in row:
                row[name] = names.get(row[key])
    if not rows:
        notes.append("No ties: the store holds no interaction or tie between two people.")
    return Ties(
        person=focus,
        name=names.get(focus) if focus is not None else None,
        now=iso(int(found.now)) or "",
        half_life_days=float(half_life_days),
        answer_bonus=float(answer_bonus),
        answer_days=float(answer_days),
        weights={**TIE_WEIGHTS, **parse_tie_weights(weights)},
        pairs=len(order),
        ties=rows,
        notes=notes,
    )


def _rows(found: TieStrengths, order: object, focus: int | None) -> list[dict[str, object]]:
    """The ties shown, in ``order``, as plain data (times as ISO 8601)."""
    out = []
    for rank, i in enumerate(order.tolist(), start=1):  # type: ignore[attr-defined]
        row = found.row(i)
        a, b = row.pop("a"), row.pop("b")
        head: dict[str, object] = {"rank": rank}
        if focus is not None:
            other = b if a == focus else a
            if a != focus:  # seen from the person: sent is what they sent
                row["sent"], row["received"] = row["received"], row["sent"]
            head.update(person=other, name=None)
        else:
            head.update(a=a, a_name=None, b=b, b_name=None)
        for key in ("first", "last"):
            value = row[key]
            row[key] = iso(int(value)) if isinstance(value, float) else None
        for key in ("strength", "recency_days", "reciprocity", "standing"):
            value = row[key]
            row[key] = round(value, 6) if isinstance(value, float) else value
        out.append({**head, **row})
    return out


def _focus(store: Store, notes: list[str]) -> int | None:
    yours = self_ids(store)
    if not yours:
        notes.append("The store does not know you: every pair counts as a relationship.")
    return yours[0] if yours else None


def _quarter(epoch: float) -> str:
    stamp = iso(int(epoch)) or "0000-01"
    return f"{stamp[:4]}Q{(int(stamp[5:7]) - 1) // 3 + 1}"


def funnel(
    store: Store,
    *,
    segment: str | None = None,
    since: str | None = None,
) -> Funnel:
    """Your relationships by stage: online-only (follows, likes) → conversed (messages or
    replies both ways) → call → met in person → shared a meal, from the store's interactions
    and meetings (calendar kinds: breakfast, lunch, dinner, coffee, drinks, call, meeting).

    For each stage: the relationships at it, those that reached at least it, the conversion
    from the stage before, and the median days from the first contact to reaching it; and
    per quarter of first contact, the same conversions (a cohort's later stages may still
    come). ``segment`` keeps the relationships with its members; ``since`` (a date) those
    first contacted on or after it. Without you in the store every pair is a relationship.

    Examples
    --------
    >>> import salon
    >>> store = salon.demo.sample_store()
    >>> found = salon.funnel(store)
    >>> [s["stage"] for s in found.stages]
    ['online', 'conversed', 'call', 'met', 'meal']
    >>> found.stages[0]["reached"] == found.people
    True
    """
    notes: list[str] = []
    events = relation_events(store)
    focus = _focus(store, notes)
    found = relationship_stages(
        events.src,
        events.dst,
        events.kind,
        events.at,
        kinds=events.kinds,
        focus=focus,
        began=events.dated,
    )
    keep = np.ones(len(found), bool)
    chosen = None
    if segment is not None:
        ctx = context(store, segment)
        chosen = ctx.segment.to_dict()
        members = np.asarray(ctx.members, np.int64)
        column = found.pairs[:, 1]
        keep &= np.isin(column, members)
        if focus is None:
            keep |= np.isin(found.pairs[:, 0], members) & ~np.isin(column, members)
    since_at = None
    if since is not None:
        since_at = parse_time(since)
        if since_at is None:
            raise ValueError(f"'{since}' is no date (e.g. 2024-01-31)")
        keep &= found.reached[:, 0] >= since_at
    reached, stage = found.reached[keep], found.stage[keep]
    if not len(stage):
        notes.append("No relationships to count: the store holds no contact between people.")
    return Funnel(
        segment=chosen,
        since=iso(since_at) if since_at is not None else None,
        people=len(stage),
        stages=_stage_rows(reached, stage),
        quarters=_quarters(reached, stage),
        notes=notes,
    )


def _stage_rows(reached: np.ndarray, stage: np.ndarray) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for s, name in enumerate(STAGES):
        at_least = int((stage >= s).sum())
        before = rows[-1]["reached"] if rows else None
        days = (reached[:, s] - reached[:, 0]) / DAY
        days = days[~np.isnan(days)]
        rows.append(
            {
                "stage": name,
                "people": int((stage == s).sum()),
                "reached": at_least,
                "conversion": round(at_least / before, 4) if before else None,
                "median_days": round(float(np.median(days)), 1) if s and len(days) else None,
            }
        )
    return rows


def _quarters(reached: np.ndarray, stage: np.ndarray) -> list[dict[str, object]]:
    """Per quarter of first contact: people and the conversion into each later stage."""
    firsts = reached[:, 0]
    cohorts: dict[str, list[int]] = {}
    for i in np.flatnonzero(~np.isnan(firsts)).tolist():
        cohorts.setdefault(_quarter(firsts[i]), []).append(i)
    out = []
    for quarter in sorted(cohorts):
        mine = stage[cohorts[quarter]]
        counts = [int((mine >= s).sum()) for s in range(len(STAGES))]
        out.append(
            {
                "quarter": quarter,
                "people": counts[0],
                "reached": dict(zip(STAGES, counts, strict=True)),
                "conversion": {
                    f"{STAGES[s - 1]}→{STAGES[s]}": (
                        round(counts[s] / counts[s - 1], 4) if counts[s - 1] else None
                    )
                    for s in range(1, len(STAGES))
                },
            }
        )
    return out


def nudges(
    store: Store,
    *,
    top: int | None = 20,
    half_life_days: float = DEFAULT_HALF_LIFE_DAYS,
    now: float | None = None,
) -> Nudges:
    """Whom to get back in touch with: your valuable ties (strength in the top quarter)
    past twice their usual rhythm (the median gap between your interactions), agenda-setters
    of your stored segments you know that went quiet or overdue, and heads-down experts
    around them quiet for 90 days; each with the last interaction and the reason.

    Examples
    --------
    >>> import salon
    >>> store = salon.demo.sample_store()
    >>> found = salon.nudges(store, top=5)
    >>> len(found.nudges) <= 5, found.considered > 0
    (True, True)
    """
    notes: list[str] = []
    events = relation_events(store)
    focus = _focus(store, notes)
    if focus is None:
        notes[-1] = (
            "The store does not know you, so nobody is yours to nudge (see 'salon me --is')."
        )
        return Nudges(now="", considered=0, nudges=[], notes=notes)
    found = store_ties(store, half_life_days=half_life_days, now=now, events=events)
    order = found.order()
    order = order[(found.pairs[order, 0] == focus) | (found.pairs[order, 1] == focus)]
    rows = _rows(found, order, focus)
    mine = ((events.src == focus) | (events.dst == focus)) & (events.src != events.dst)
    other = np.where(events.src[mine] == focus, events.dst[mine], events.src[mine])
    gaps = rhythms(other, events.at[mine])
    setters, heads_down = _segment_people(store, notes)
    chosen = nudge_rows(rows, gaps, setters=setters, heads_down=heads_down)
    chosen = chosen[:top] if top is not None else chosen
    last = _last_interactions(events, mine, other, {int(r["person"]) for r in chosen})  # type: ignore[call-overload]
    names = display_names(store, [int(r["person"]) for r in chosen])  # type: ignore[call-overload]
    for row in chosen:
        row["name"] = names.get(int(row["person"]))  # type: ignore[call-overload]
        row["last_interaction"] = last.get(int(row["person"]))  # type: ignore[call-overload]
    return Nudges(now=iso(int(found.now)) or "", considered=len(rows), nudges=chosen, notes=notes)


def _last_interactions(
    events: Events, mine: np.ndarray, other: np.ndarray, wanted: set[int]
) -> dict[int, dict[str, object]]:
    """Per person wanted: the kind, time and direction of the last timed interaction."""
    at = events.at[mine]
    kinds = events.kind[mine]
    outgoing = np.isin(events.src[mine], other, invert=True)
    out: dict[int, dict[str, object]] = {}
    for i in np.argsort(at, kind="stable").tolist():
        person = int(other[i])
        if person in wanted and not np.isnan(at[i]):
            out[person] = {
                "kind": events.kinds[int(kinds[i])],
                "at": iso(int(at[i])),
                "direction": "sent" if outgoing[i] else "received",
            }
    return out


def _segment_people(
    store: Store, notes: list[str]
) -> tuple[dict[int, list[str]], dict[int, list[str]]]:
    """Per person: the stored segments whose agenda they set, and around which they are
    heads-down experts."""
    setters: dict[int, list[str]] = {}
    heads_down: dict[int, list[str]] = {}
    for segment in list_segments(store):
        try:
            ctx = context(store, segment.name)
            for found in segment_agenda_setters(store, ctx, top=20):
                setters.setdefault(found.person, []).append(segment.name)
            for row in experts(store, segment.name, top=20).experts:
                heads_down.setdefault(int(row["person"]), []).append(segment.name)
        except SalonError as exc:
            notes.append(f"Segment '{segment.name}' left out: {exc}")
    return setters, heads_down
