"""The report's sections, each built from a part of a plan's JSON
(:class:`salon.strategy.results.Plan`'s ``to_dict()``): a title, the section's one sentence of
advice as its lead, and blocks the template draws — text, notes, lists, tables and figures
(inline SVG from :mod:`salon.reports.charts`; blocks: :mod:`salon.reports.blocks`). Pure
functions of dicts: no store, no I/O. The channels section (now, forecast, leave) is in
:mod:`salon.reports.channels`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from salon.reports import charts
from salon.reports.blocks import (
    Block,
    Section,
    figure,
    kinds,
    notes,
    num,
    number,
    people_words,
    plural,
    table,
    who,
)


def known_by(part: Mapping[str, Any], segment: Mapping[str, Any]) -> Section:
    """Section 1: the agenda-setters to be known by (``plan["agenda_setters"]``)."""
    rows = []
    for r in part.get("known_by") or []:
        towards = kinds(r.get("attention_to_you"))
        rows.append(
            {
                "#": r.get("rank", len(rows) + 1),
                "who": who(r),
                "segment members attending": number(r.get("segment_members_attending", 0)),
                "lift": f"{num(r.get('lift')):.1f}×",
                "to you": towards or "—",
                "_why": r.get("reason") or kinds(r.get("attention_from_segment")),
            }
        )
    blocks: list[Block] = [
        table(
            ["#", "who", "segment members attending", "lift", "to you"],
            rows,
            numeric=("#", "segment members attending", "lift"),
            why_column="who",
        )
        if rows
        else {"kind": "note", "text": "Nobody outside the segment sets its agenda."},
        {
            "kind": "note",
            "text": "Lift: how much more central each is to this segment than to the whole "
            "network (personalised PageRank from the segment's "
            f"{number(segment.get('members_in_graph', 0))} members over global PageRank). "
            "To you: what each has already done towards you (replies, mentions, follows…).",
        },
    ]
    return {
        "id": "agenda",
        "title": "Whom to be known by",
        "lead": part.get("advice", ""),
        "blocks": blocks + notes(part.get("notes")),
    }


def to_win(part: Mapping[str, Any]) -> Section:
    """The few people to win (IMM's seeds) and their expected reach."""
    seeds = part.get("to_win") or []
    reach = part.get("reach") or {}
    rows = [
        {
            "#": s.get("rank", i),
            "who": who(s),
            "adds": f"{num(s.get('marginal_gain')):.1f}",
            "reach so far": f"{num(s.get('cumulative_share')):.0%}",
            "_why": s.get("reason") or ("in the segment" if s.get("in_segment") else ""),
        }
        for i, s in enumerate(seeds, start=1)
    ]
    lead = "Nobody to win: the segment's attention reaches no one else."
    if rows and reach.get("expected_reach") is not None:
        lead = (
            f"Winning these {plural(len(rows), 'person')} is expected to reach "
            f"{num(reach.get('expected_reach')):,.0f} of the segment's "
            f"{number(reach.get('segment_in_graph', 0))} "
            f"({num(reach.get('expected_share')):.0%})."
        )
    blocks: list[Block] = []
    if rows:
        blocks.append(
            figure(
                charts.bar_chart(
                    [{"label": r["who"], "value": float(r["adds"])} for r in rows],
                    title="Segment members each one adds to the expected reach",
                    colour="orange",
                )
            )
        )
        blocks.append(
            table(
                ["#", "who", "adds", "reach so far"],
                rows,
                numeric=("#", "adds", "reach so far"),
                why_column="who",
            )
        )
    if reach.get("guaranteed_reach") is not None:
        blocks.append(
            {
                "kind": "note",
                "text": "Influence maximisation (IMM): at least "
                f"{num(reach.get('guaranteed_reach')):,.1f} people are guaranteed "
                "whatever the draw (1 − 1/e − ε of the best possible choice)"
                + ("." if reach.get("bound_holds", True) else "; the bound did not hold."),
            }
        )
    return {"id": "win", "title": "The few to win", "lead": lead, "blocks": blocks}


def attention_map(data: Mapping[str, Any], *, segment: str) -> Section:
    """The segment's attention map (:func:`salon.reports.attention.attention_map_data`)."""
    shown, attending = data["members_shown"], data["members_attending"]
    yours = sum(1 for e in data["edges"] if e.get("you"))
    lead = f"{plural(attending, 'segment member')} pay attention to the people named here; "
    lead += (
        f"you are linked to {yours:,} of the people drawn."
        if yours
        else "none of it reaches you yet."
    )
    you = any(n["role"] == "you" for n in data["nodes"])
    caption = (
        f"Outer ring: {shown:,} of the segment's {data.get('members_in_graph', shown):,} "
        "people, those paying attention to the people named first; inner ring: the "
        "agenda-setters and the people to win"
        + ("; you in the centre. " if you else "; the store does not know you. ")
        + "Light lines: attention among the segment's members."
    )
    svg = charts.attention_map(
        data["nodes"], data["edges"], title=f"Who in '{segment}' attends to whom"
    )
    return {
        "id": "map",
        "title": "The segment's attention map",
        "lead": lead,
        "blocks": [figure(svg, caption, wide=True)],
    }


def budget(part: Mapping[str, Any]) -> Section:
    """Section 3: the weekly time budget (``plan["budget"]``)."""
    cap = num(part.get("hours_per_week"))
    split = part.get("split") or {}
    chart_parts = [{"label": k, "hours": num(v)} for k, v in split.items() if num(v) > 0]
    rows = [
        {
            "what": str(i.get("what", "")),
            "kind": str(i.get("kind", "")),
            "hours": f"{num(i.get('hours')):g}",
            "_why": i.get("reason", ""),
        }
        for i in part.get("items") or []
    ]
    blocks: list[Block] = []
    if chart_parts:
        blocks.append(
            figure(charts.budget_chart(chart_parts, cap=cap, title="Hours a week, by kind"))
        )
    if rows:
        blocks.append(table(["what", "kind", "hours"], rows, numeric=("hours",), why_column="what"))
    if part.get("heads_down"):
        blocks.append({"kind": "text", "text": str(part["heads_down"])})
    blocks += notes(part.get("reasons"))
    return {"id": "budget", "title": "Your week", "lead": part.get("advice", ""), "blocks": blocks}


def meetings(part: Mapping[str, Any]) -> Section:
    """Section 4: the offline meetings (``plan["meetings"]``)."""
    blocks: list[Block] = []
    trips = part.get("trips") or []
    if trips:
        blocks.append({"kind": "heading", "text": "Trips and events"})
        blocks.append(
            table(
                ["city", "from", "to"],
                [
                    {
                        "city": t.get("city", ""),
                        "from": t.get("from", ""),
                        "to": t.get("to", ""),
                        "_why": t.get("reason", ""),
                    }
                    for t in trips
                ],
                why_column="city",
            )
        )
    suggestions = part.get("suggestions") or []
    if suggestions:
        blocks.append({"kind": "heading", "text": "Whom to meet"})
        blocks.append(
            table(
                ["who", "city", "form", "when", "score"],
                [
                    {
                        "who": who(s),
                        "city": s.get("city") or "place unknown: ask",
                        "form": s.get("form", ""),
                        "when": s.get("when") or "",
                        "score": f"{num(s.get('score')):.2f}",
                        "_why": _why(s.get("why")),
                    }
                    for s in suggestions
                ],
                numeric=("score",),
                why_column="who",
            )
        )
    unplaced = part.get("unplaced") or []
    if unplaced:
        blocks.append(
            {"kind": "heading", "text": "Worth meeting, place unknown: ask where they are"}
        )
        blocks.append(
            table(
                ["who", "form", "score"],
                [
                    {
                        "who": who(u),
                        "form": u.get("form", ""),
                        "score": f"{num(u.get('score')):.2f}",
                        "_why": _why(u.get("why")),
                    }
                    for u in unplaced
                ],
                numeric=("score",),
                why_column="who",
            )
        )
    reconnect = part.get("reconnect") or []
    if reconnect:
        blocks.append({"kind": "heading", "text": "Get back in touch"})
        blocks.append(
            {"kind": "list", "items": [f"{who(r)}: {r.get('reason', '')}" for r in reconnect]}
        )
    if not blocks:
        blocks.append({"kind": "note", "text": "No meeting to propose yet."})
    return {
        "id": "meetings",
        "title": "Meetings",
        "lead": part.get("advice", ""),
        "blocks": blocks + notes(part.get("notes")),
    }


def _why(value: Any) -> str:
    """Reasons as one line: a sentence, or a list of them joined by semicolons."""
    if not value:
        return ""
    return value if isinstance(value, str) else "; ".join(map(str, value))


def funnel(part: Mapping[str, Any]) -> Section:
    """The relationship funnel (``plan["meetings"]["funnel"]``: ``{"people", "reached":
    {stage: people reached}}``, or the stage → people mapping alone)."""
    reached = part.get("reached", part)
    stages, previous = [], None
    for stage, count in reached.items():
        value = float(count)
        conversion = value / previous if previous else None
        stages.append({"stage": stage, "people": value, "conversion": conversion})
        previous = value
    first = stages[0]["people"] if stages else 0
    met = num(reached.get("met"))
    lead = (
        f"Of {plural(first, 'person')} in your funnel, {met:,.0f} "
        f"({met / first:.0%}) became a meeting in person."
        if first
        else "Nobody is in your funnel yet: import your own exports."
    )
    rows = [
        {
            "stage": s["stage"],
            "reached": number(s["people"]),
            "of the stage before": "" if s["conversion"] is None else f"{s['conversion']:.0%}",
        }
        for s in stages
    ]
    blocks: list[Block] = []
    if first:
        blocks.append(figure(charts.funnel_chart(stages, title="People reaching each stage")))
        blocks.append(
            table(
                ["stage", "reached", "of the stage before"],
                rows,
                numeric=("reached", "of the stage before"),
            )
        )
    return {"id": "funnel", "title": "The funnel", "lead": lead, "blocks": blocks}


def accounts(part: Mapping[str, Any]) -> Section:
    """Section 5 (private): the account intelligence to gather first (``plan["accounts"]``)."""
    gaps = part.get("gaps") or []
    rows = [_flat({k: v for k, v in g.items() if k != "person"}) for g in gaps]
    # what to find out first, then the rest as the plan gives it
    order = ["what", "kind", "account"]
    keys = dict.fromkeys(k for r in rows for k in r if k != "_why")
    columns = [k for k in order if k in keys] + [k for k in keys if k not in order]
    blocks: list[Block] = []
    if rows:
        blocks.append(table(columns, rows, why_column=columns[0] if columns else None))
    else:
        blocks.append({"kind": "note", "text": "No gap in the accounts' intelligence."})
    return {
        "id": "accounts",
        "title": "Account intelligence to gather first",
        "lead": part.get("advice", ""),
        "private": True,
        "blocks": blocks + notes(part.get("notes")),
    }


def _flat(item: Any) -> dict[str, Any]:
    """A gap as table cells: scalars as they are, people as names, the reason under the
    first cell."""
    if not isinstance(item, Mapping):
        return {"gap": str(item)}
    out: dict[str, Any] = {}
    for key, value in item.items():
        if key in ("reason", "why"):
            out["_why"] = value if isinstance(value, str) else "; ".join(map(str, value))
        elif isinstance(value, Mapping):
            out[key] = people_words(value) if key in ("people", "person") else _pairs(value)
        elif isinstance(value, list):
            out[key] = people_words(value)
        else:
            out[key] = number(value, 2) if isinstance(value, float) else number(value)
    return out


def _pairs(value: Mapping[str, Any]) -> str:
    return ", ".join(f"{k}: {v}" for k, v in value.items())


def milestones(part: Mapping[str, Any]) -> Section:
    """Section 6: what will show the plan works (``plan["milestones"]``), with the history
    ``salon progress`` recorded."""
    rows = []
    for m in part.get("items") or []:
        target = m.get("target")
        rows.append(
            {
                "milestone": str(m.get("label") or m.get("milestone", "")),
                "now": number(m.get("value")),
                "target": number(target) if target is not None else "",
                "_why": _with_people(m.get("reason", ""), m.get("people")),
            }
        )
    blocks: list[Block] = []
    targeted = [m for m in part.get("items") or [] if m.get("target")]
    if targeted:
        blocks.append(
            figure(
                charts.bar_chart(
                    [
                        {
                            "label": str(m.get("label") or m.get("milestone", "")),
                            "value": min(num(m.get("value")) / num(m["target"]), 1.0),
                            "note": f"({number(m.get('value'))} of {number(m['target'])})",
                        }
                        for m in targeted
                    ],
                    title="Milestones: how far towards each target",
                    unit="%",
                    colour="green",
                    width=860,
                    label_width=440,
                    top=1.0,
                )
            )
        )
    if rows:
        blocks.append(
            table(
                ["milestone", "now", "target"],
                rows,
                numeric=("now", "target"),
                why_column="milestone",
            )
        )
    history = {k: v for k, v in (part.get("history") or {}).items() if len(v) >= 2}
    if history:
        labels = {m.get("milestone"): m.get("label") for m in part.get("items") or []}
        series = [
            {
                "label": str(labels.get(k) or k),
                "observed": [float(p["value"]) for p in points],
                "forecast": [],
            }
            for k, points in history.items()
        ]
        blocks.append(
            figure(
                charts.adoption_chart(series, title="Milestones measured", period="measurement"),
                "Each point is one 'salon progress' measurement, after a re-import.",
            )
        )
    else:
        blocks.append(
            {
                "kind": "note",
                "text": "Run 'salon progress GOAL' after each re-import of your exports: the "
                "milestones are measured and kept, and this section draws their trend.",
            }
        )
    return {
        "id": "milestones",
        "title": "Milestones",
        "lead": part.get("advice", ""),
        "blocks": blocks,
    }


def _with_people(reason: str, people: Any) -> str:
    """A milestone's reason with who counts towards it and what they did: the people, with
    their kinds, in place of the reason's own list of names (``7 of 8: Ana, Bo and …``)."""
    who = people_words(people)
    if not who:
        return reason
    count, colon, _ = reason.partition(":")
    return f"{count}: {who}" if colon else f"{reason} — {who}" if reason else who


def about(plan: Mapping[str, Any]) -> Section:
    """What the plan could not do, and the seconds each stage took."""
    blocks: list[Block] = notes(plan.get("notes"))
    timings = plan.get("timings") or {}
    if timings:
        blocks.append(
            {
                "kind": "note",
                "text": "Computed in "
                + ", ".join(f"{k} {float(v):.1f} s" for k, v in timings.items())
                + f" (total {sum(float(v) for v in timings.values()):.1f} s).",
            }
        )
    return {"id": "about", "title": "About this plan", "lead": "", "blocks": blocks}
