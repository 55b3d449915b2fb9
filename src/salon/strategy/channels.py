"""The plan's channels: where the conversation is now, where the segment will be in 6–12
months, and where to stop spending time — from :func:`salon.where`, :func:`salon.lead_lag`,
:func:`salon.forecast`, never recomputed here, and your own posts per channel."""

from __future__ import annotations

from typing import Any

from salon import insights
from salon.errors import SalonError
from salon.store.database import Store
from salon.store.goals import your_channels
from salon.strategy import advice

#: Channels forecast per plan (each costs a fit with 200 bootstrap refits), and the most
#: channels tried to find them.
FORECASTS = 3
TRIES = 6
#: The periods tried, coarsest first, when the data are too short for months.
PERIOD_MONTHS = {"month": 1.0, "week": 7 / 30.4375, "day": 1 / 30.4375}
#: Forecasts in a finer period than months look this many periods ahead.
SHORT_HORIZON = 12

_INNOVATION = ("channel:", "platform:", "tag:")


def _bare(channel: str) -> str:
    """``channel:quantumcomputing.stackexchange.com`` → ``quantumcomputing.stackexchange.com``."""
    return channel.split(":", 1)[1].lower() if ":" in channel else channel.lower()


def now_channels(
    store: Store, segment: str, topic: str | None, notes: list[str]
) -> tuple[list[dict[str, Any]], dict[str, Any] | None, dict[str, Any]]:
    """Channels now: ``where`` for the topic when there is one (and posts about it), with
    the lead–lag of each channel; else the channels of ``lead_lag``. Returns the rows, the
    ``where`` answer (or None) and the ``lead_lag`` answer."""
    found = None
    if topic:
        try:
            found = insights.where(store, topic, segment=segment, top=6).to_dict()
        except SalonError as error:
            notes.append(f"Channels for '{topic}': {error}")
    lag = insights.lead_lag(store, segment).to_dict()
    lags = {row["channel"]: row for row in lag["channels"]}
    rows: list[dict[str, Any]] = []
    if found is not None:
        for c in found["channels"]:
            ev = c["evidence"]
            ahead = lags.get(c["channel"])
            rows.append(
                {
                    "channel": c["channel"],
                    "score": c["score"],
                    "segment_present": c["segment_present"],
                    "agenda_setters": [
                        a["name"] or f"person {a['id']}" for a in c["agenda_setters"]
                    ],
                    "evidence": ev,
                    "lag_months": ahead["lag_months"] if ahead else None,
                    "reason": _where_reason(c, topic or "", ahead),
                }
            )
    else:
        for c in sorted(
            lag["channels"],
            key=lambda r: (-r["segment_there"], -r["agenda_setters_there"], r["channel"]),
        ):
            rows.append(
                {
                    "channel": c["channel"],
                    "score": None,
                    "segment_present": c["segment_there"] > 0,
                    "agenda_setters": [],
                    "evidence": {
                        "segment_there": c["segment_there"],
                        "segment_size": c["segment_size"],
                        "agenda_setters_there": c["agenda_setters_there"],
                    },
                    "lag_months": c["lag_months"],
                    "reason": _lag_reason(c, lag["agenda_setters"]),
                }
            )
    return rows, found, lag


def _where_reason(c: dict[str, Any], topic: str, ahead: dict[str, Any] | None) -> str:
    ev = c["evidence"]
    if not c["segment_present"]:
        return (
            f"the segment has no post on {topic} here ({advice.plural(ev['posts'], 'post')} by "
            "others)"
        )
    parts = [
        f"{advice.plural(ev['segment_posts'], 'post')} by the segment and "
        f"{ev['agenda_setter_posts']:,} by its agenda-setters on {topic}",
        f"{ev['participants']:,} participants, {ev['reply_share']:.0%} replies",
    ]
    if ahead and ahead["lag_months"] > 0:
        parts.append(
            f"the agenda-setters came {advice.months(ahead['lag_months'])} before the segment"
        )
    return "; ".join(parts)


def _lag_reason(c: dict[str, Any], setters: int) -> str:
    lead = (
        f"the agenda-setters came {advice.months(c['lag_months'])} before it"
        if c["lag_months"] > 0
        else f"the segment came {advice.months(-c['lag_months'])} before its agenda-setters"
        if c["lag_months"] < 0
        else "the segment and its agenda-setters came together"
    )
    return (
        f"{c['segment_there']:,} of the segment's {c['segment_size']:,} people and "
        f"{c['agenda_setters_there']} of its {setters} agenda-setters are here; {lead}"
    )


def later_channels(
    store: Store,
    segment: str,
    candidates: list[str],
    horizon_months: int,
    notes: list[str],
) -> list[dict[str, Any]]:
    """Forecasts of the segment's adopters of its channels that are innovations
    (``channel:``, ``platform:``, ``tag:``), at +6 and +horizon months, or in weeks or days
    (:data:`SHORT_HORIZON` ahead) when the data are too short for months. Up to
    :data:`TRIES` channels are forecast; the first :data:`FORECASTS` where the segment is not
    all there yet come first (a channel the whole segment uses has nowhere to grow)."""
    open_rows, full_rows = [], []
    short: list[str] = []
    for channel in [c for c in candidates if c.startswith(_INNOVATION)][:TRIES]:
        if len(open_rows) >= FORECASTS:
            break
        outlook, why = None, ""
        for period in PERIOD_MONTHS:
            horizon = horizon_months if period == "month" else SHORT_HORIZON
            try:
                outlook = insights.forecast(
                    store, channel, segment=segment, horizon=horizon, period=period
                )
                break
            except SalonError as error:
                why = str(error)
        if outlook is None:
            notes.append(f"No forecast for {channel}: {why}")
            continue
        data = outlook.to_dict()
        months = PERIOD_MONTHS[data["period"]]
        if data["period"] != "month":
            short.append(channel)
        forecasts = [
            {
                "horizon": f["horizon"],
                "months": round(f["horizon"] * months, 2),
                "adopters": round(f["adopters"], 1),
                "low": round(f["low"], 1),
                "high": round(f["high"], 1),
            }
            for f in data["forecasts"]
        ]
        last = forecasts[-1]
        row = {
            "channel": channel,
            "period": data["period"],
            "adopters": data["adopters"],
            "segment_size": data["segment_size"],
            "forecasts": forecasts,
            "model": data["model"]["chosen"],
            "growth": round(last["adopters"] - data["adopters"], 1),
            "reason": _forecast_reason(data, forecasts),
            "observed": data["observed"],
            "path": [
                {
                    "horizon": f["horizon"],
                    "adopters": round(f["adopters"], 2),
                    "low": round(f["low"], 2),
                    "high": round(f["high"], 2),
                }
                for f in outlook.path
            ],
        }
        full = data["segment_size"] is not None and data["adopters"] >= data["segment_size"]
        (full_rows if full else open_rows).append(row)
    if short:
        notes.append(
            f"The data of {advice.join(short)} span too little time for monthly forecasts: "
            f"they look {SHORT_HORIZON} weeks or days ahead, not 6–12 months."
        )
    return (open_rows + full_rows)[:FORECASTS]


def _forecast_reason(data: dict[str, Any], forecasts: list[dict[str, Any]]) -> str:
    size = data["segment_size"]
    of = f"'s {size:,} people" if size else ""
    ahead = "; ".join(
        f"+{advice.plural(f['horizon'], data['period'])}: {f['adopters']:,.0f} "
        f"({f['low']:,.0f}–{f['high']:,.0f})"
        for f in forecasts
    )
    return (
        f"{data['adopters']:,} of the segment{of} are here now; {ahead} "
        f"({data['model']['chosen']}, 90% intervals)"
    )


def leave_channels(
    store: Store,
    now: list[dict[str, Any]],
    later: list[dict[str, Any]],
    you: int | None,
    topic: str | None,
) -> list[dict[str, Any]]:
    """Channels to leave or not to start: where the segment is absent on the topic, where you
    post but neither the segment nor its agenda-setters are, and where no growth is expected
    while few of the segment are there."""
    rows = []
    for c in now:
        if not c["segment_present"]:
            rows.append({"channel": c["channel"], "reason": c["reason"], "evidence": c["evidence"]})
    present = {_bare(c["channel"]) for c in now if c["segment_present"]}
    for channel, count in your_channels(store, [] if you is None else [you]).items():
        if _bare(channel) not in present:
            rows.append(
                {
                    "channel": channel,
                    "reason": f"you posted {advice.plural(count, 'time')} here, but neither the "
                    f"segment nor its agenda-setters talk {'about ' + topic + ' ' if topic else ''}"
                    "here",
                    "evidence": {"your_posts": count},
                }
            )
    for f in later:
        size = f["segment_size"] or 0
        if f["growth"] < 0.5 and size and f["adopters"] / size < 0.1:
            rows.append(
                {
                    "channel": f["channel"],
                    "reason": f"only {f['adopters'] / size:.0%} of the segment is here and no "
                    "growth is expected",
                    "evidence": {"adopters": f["adopters"], "segment_size": size},
                }
            )
    return rows
