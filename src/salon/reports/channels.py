"""The report's channels section, from the plan's ``channels`` part: where to be now, where
the segment will be in 6–12 months (its forecasts, drawn with their 90 % intervals) and what
to leave. The other sections: :mod:`salon.reports.sections`. Pure functions of dicts: no
store, no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from salon.reports import charts
from salon.reports.blocks import Block, Section, figure, notes, num, number, table


def channel_name(name: str) -> str:
    """``channel:quantumcomputing.stackexchange.com`` → ``quantumcomputing.stackexchange.com``."""
    kind, _, value = str(name).partition(":")
    return value if kind in ("channel", "platform") and value else str(name)


def channels(part: Mapping[str, Any]) -> Section:
    """Section 2: where to be now, where the segment will be in 6–12 months, what to leave
    (``plan["channels"]``)."""
    now = part.get("now") or []
    rows = []
    for c in now:
        e = c.get("evidence") or {}
        lag = c.get("lag_months")
        rows.append(
            {
                "channel": channel_name(c["channel"]),
                "score": "—" if c.get("score") is None else f"{float(c['score']):.2f}",
                "on-topic posts": number(e.get("posts", "")),
                "by the segment": number(e.get("segment_posts", "")),
                "lag": _lag(lag),
                "_why": c.get("reason", ""),
            }
        )
    blocks: list[Block] = []
    if rows:
        blocks.append({"kind": "heading", "text": "Now"})
    if any(num(c.get("score")) > 0 for c in now):
        blocks.append(
            figure(
                charts.bar_chart(
                    [
                        {"label": r["channel"], "value": max(num(c.get("score")), 0.0)}
                        for r, c in zip(rows, now, strict=True)
                    ],
                    title="Channel score now (segment, agenda-setters, depth, growth)",
                )
            )
        )
    if rows:
        blocks.append(
            table(
                ["channel", "score", "on-topic posts", "by the segment", "lag"],
                rows,
                numeric=("score", "on-topic posts", "by the segment", "lag"),
                why_column="channel",
            )
        )
        blocks.append(
            {
                "kind": "note",
                "text": "Lag: how many months after its agenda-setters the segment came to the "
                "channel (negative: before them).",
            }
        )
    later = part.get("later") or []
    if later:
        blocks.append({"kind": "heading", "text": "In 6–12 months"})
        blocks += forecast_blocks(later)
    leave = part.get("leave") or []
    if leave:
        blocks.append({"kind": "heading", "text": "Channels to leave"})
        blocks.append(
            {
                "kind": "list",
                "items": [f"{channel_name(c['channel'])}: {c.get('reason', '')}" for c in leave],
            }
        )
    return {
        "id": "channels",
        "title": "Channels now and in 6–12 months",
        "lead": part.get("advice", ""),
        "blocks": blocks + notes(part.get("notes")),
    }


def _lag(months: float | None) -> str:
    """``+0.9 mo``; ``0 mo`` when they came together; empty when unknown."""
    if months is None:
        return ""
    return "0 mo" if abs(float(months)) < 0.05 else f"{float(months):+.1f} mo"


def forecast_blocks(later: Sequence[Mapping[str, Any]]) -> list[Block]:
    """The forecasts of ``later``: one chart of adopters so far (``observed``: adoptions per
    period, when given) and ahead with 90 % intervals, and a table."""
    series, rows = [], []
    period = str(later[0].get("period", "month"))
    for f in later:
        label = channel_name(f["channel"])
        points = list(f.get("path") or f.get("forecasts") or [])
        if f.get("observed"):
            total, observed = 0.0, []
            for count in f["observed"]:
                total += float(count)
                observed.append(total)
        else:
            observed = [num(f.get("adopters"))]
        series.append({"label": label, "observed": observed, "forecast": points})
        for k, p in enumerate(f.get("forecasts") or []):
            ahead = p.get("months")
            rows.append(
                {
                    "channel": label,
                    "ahead": f"+{ahead:g} months" if ahead is not None else f"+{p['horizon']}",
                    "adopters": f"{float(p['adopters']):,.0f}",
                    "90% interval": f"{float(p.get('low', p['adopters'])):,.0f}–"
                    f"{float(p.get('high', p['adopters'])):,.0f}",
                    "model": str(f.get("model", "")),
                    "_why": "" if k else f.get("reason", ""),
                }
            )
    caption = "Dashed: the forecast, in its shaded 90 % interval"
    caption += (
        "; solid: adopters counted so far."
        if any(f.get("observed") for f in later)
        else ", from the adopters counted today."
    )
    return [
        figure(
            charts.adoption_chart(series, title="Adopters so far and forecast", period=period),
            caption,
            wide=True,
        ),
        table(
            ["channel", "ahead", "adopters", "90% interval", "model"],
            rows,
            numeric=("ahead", "adopters", "90% interval"),
            why_column="channel",
            nowrap=("model",),
        ),
    ]
