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

from salon.dates import iso
from salon.graph.ties import (
    DEFAULT_HALF_LIFE_DAYS,
    STANDING_WEIGHTS,
    TIE_WEIGHTS,
    TieStrengths,
    tie_strengths,
)
from salon.insights.offline_results import Ties
from salon.store.database import Store
from salon.store.facts import display_names, self_ids
from salon.store.relations import Events, latest_time, person_id, relation_events


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
    )


def ties(
    store: Store,
    person: str | int | None = None,
    *,
    top: int | None = 20,
    half_life_days: float = DEFAULT_HALF_LIFE_DAYS,
    weights: Mapping[str, float] | str | None = None,
    now: float | None = None,
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

    Examples
    --------
    >>> import salon
    >>> store = salon.demo.sample_store()
    >>> found = salon.ties(store, top=3)
    >>> len(found.ties), found.half_life_days
    (3, 90.0)
    >>> sorted(found.ties[0])[:5]
    ['by_kind', 'first', 'frequency', 'last', 'name']
    """
    if top is not None and top < 1:
        raise ValueError("top must be at least 1")
    found = store_ties(store, half_life_days=half_life_days, weights=weights, now=now)
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
