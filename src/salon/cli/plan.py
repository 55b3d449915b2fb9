"""From a goal to a strategy: `salon goal`, `salon plan`, `salon progress`."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated, Any

import typer

import salon
from salon.cli.app import (
    JsonOption,
    _print_json,
    _section,
    _store,
    _who,
    app,
    console,
    errors,
)

goal_app = typer.Typer(
    help="Goals: what you are trying to achieve, with whom, over how long.", no_args_is_help=True
)
app.add_typer(goal_app, name="goal")


@goal_app.command("add")
def goal_add(
    name: Annotated[str, typer.Argument(help="The goal's name.")],
    objective: Annotated[
        str,
        typer.Option(
            "--objective",
            "-o",
            help="reach (be known by the segment), speak (a speaking slot), sell, hire or "
            "learn (become a trusted expert).",
        ),
    ],
    segment: Annotated[
        str,
        typer.Option(
            "--segment",
            "-s",
            help="Whom it is about: a segment's name, a file of handles or a rule "
            "(see 'salon segment add --help').",
        ),
    ],
    topic: Annotated[
        str | None,
        typer.Option("--topic", help="What it is about: a tag (#name), words:a b, or words."),
    ] = None,
    account: Annotated[
        list[str] | None,
        typer.Option("--account", help="An account of your intelligence (repeat for more)."),
    ] = None,
    horizon: Annotated[
        int, typer.Option("--horizon", min=1, max=120, help="Months to reach it (default 12).")
    ] = 12,
    hours_per_week: Annotated[
        float,
        typer.Option(
            "--hours-per-week",
            min=0.25,
            max=80,
            help="Most hours a week of social time for it (default 4: heads down is the default).",
        ),
    ] = 4.0,
    replace: Annotated[bool, typer.Option("--replace", help="Change an existing goal.")] = False,
) -> None:
    """Add a goal: an objective with a segment (and a topic, accounts), a horizon and the
    hours a week you will give it. The segment is checked before anything is stored.

    Example: salon goal add dreamforce --objective speak --segment organisers --topic "#crm"
    """
    with _store() as store:
        goal = salon.add_goal(
            store,
            name,
            objective=objective,
            segment=segment,
            topic=topic,
            accounts=account or [],
            horizon_months=horizon,
            hours_per_week=hours_per_week,
            replace=replace,
        )
    about = f" on {goal.topic}" if goal.topic else ""
    console.print(
        f"Goal '{goal.name}': {goal.objective} with {goal.segment}{about}, within "
        f"{goal.horizon_months} months, at most {goal.hours_per_week:g} hours a week. "
        f"Next: salon plan {goal.name}",
        highlight=False,
    )


@goal_app.command("list")
def goal_list(as_json: JsonOption = False) -> None:
    """List the goals.

    Example: salon goal list
    """
    with _store() as store:
        rows = [g.to_dict() for g in salon.goals(store)]
    if as_json:
        _print_json(rows)
        return
    _section(
        "Goals",
        ("name", "objective", "segment", "topic", "months", "hours/week", "accounts"),
        [
            (
                r["name"],
                r["objective"],
                r["segment"],
                r["topic"] or "—",
                str(r["horizon_months"]),
                f"{r['hours_per_week']:g}",
                ", ".join(r["accounts"]) or "—",
            )
            for r in rows
        ],
        empty="No goals yet. Add one with 'salon goal add NAME --objective reach --segment S'.",
    )


@goal_app.command("remove")
def goal_remove(name: Annotated[str, typer.Argument(help="The goal's name.")]) -> None:
    """Delete a goal and its measured progress.

    Example: salon goal remove dreamforce
    """
    with _store() as store:
        goal = salon.remove_goal(store, name)
    console.print(f"Removed goal '{goal.name}' and its progress.")


@contextmanager
def _stages(message: str) -> Iterator[Callable[[str], None]]:
    """A spinner naming the stage that runs (nothing when output is piped)."""
    if not console.is_terminal:
        yield lambda stage: None
        return
    with console.status(message) as status:
        yield lambda stage: status.update(f"{message} {stage}…")


@app.command()
def plan(
    goal: Annotated[str, typer.Argument(help="The goal's name (see 'salon goal list').")],
    include_private: Annotated[
        bool,
        typer.Option(
            "--include-private", help="Show the account intelligence to gather (private)."
        ),
    ] = False,
    timings: Annotated[
        bool, typer.Option("--timings", help="Print the seconds each stage took (on stderr).")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """The strategy for a goal: the agenda-setters to be known by and the few to win, the
    channels now and in 6–12 months (and those to leave), your week's time capped at the
    goal's hours, the meetings to hold, and the milestones that will show it works.

    Example: salon plan dreamforce --timings
    """
    with _store() as store, _stages("Planning:") as progress:
        found = salon.plan(store, goal, include_private=include_private, progress=progress)
    result = found.to_dict()
    if as_json:
        _print_json(result)
    else:
        _print_plan(result)
    if timings:
        total = sum(result["timings"].values())
        errors.print(
            "Timings: "
            + ", ".join(f"{k} {v:.2f} s" for k, v in result["timings"].items())
            + f"; total {total:.2f} s",
            highlight=False,
        )


def _print_plan(r: dict[str, Any]) -> None:
    console.print(f"[bold]{r['advice']}[/bold]", highlight=False)
    g, seg = r["goal"], r["segment"]
    you = _who(r["you"]["name"], r["you"]["person"]) if r["you"] else "unknown (salon me --is)"
    console.print(
        f"Goal '{g['name']}': {g['objective']} with {seg['name']} ({seg['members']:,} people, "
        f"{seg['members_in_graph']:,} in the graph){' on ' + g['topic'] if g['topic'] else ''}"
        f", {g['horizon_months']} months, {g['hours_per_week']:g} h a week. You: {you}.",
        highlight=False,
    )
    a = r["agenda_setters"]
    _heading("1. Whom to be known by", a["advice"])
    _section(
        None,
        ("#", "who", "lift", "reason"),
        [
            (str(x["rank"]), _who(x["name"], x["person"]), f"{x['lift']:.1f}x", x["reason"])
            for x in a["known_by"]
        ],
        empty="No agenda-setters: nobody outside the segment draws its attention.",
    )
    _section(
        "The few to win (IMM)",
        ("#", "who", "reach", "reason"),
        [
            (
                str(x["rank"]),
                _who(x["name"], x["person"], x["in_segment"]),
                f"{x['cumulative_share']:.0%}",
                x["reason"],
            )
            for x in a["to_win"]
        ],
    )
    c = r["channels"]
    _heading("2. Where to be", c["advice"])
    _section(
        "Now",
        ("channel", "segment", "reason"),
        [
            (x["channel"], "yes" if x["segment_present"] else "absent", x["reason"])
            for x in c["now"]
        ],
        empty="No channel where the segment talks.",
    )
    _section(
        "In 6–12 months",
        ("channel", "now", "forecast (90% interval)", "model"),
        [
            (
                x["channel"],
                f"{x['adopters']:,}",
                "; ".join(
                    f"+{f['horizon']} {x['period']}s: {f['adopters']:,.0f} "
                    f"({f['low']:,.0f}–{f['high']:,.0f})"
                    for f in x["forecasts"]
                ),
                x["model"],
            )
            for x in c["later"]
        ],
    )
    _section("Leave", ("channel", "why"), [(x["channel"], x["reason"]) for x in c["leave"]])
    _notes(c["notes"])
    b = r["budget"]
    _heading("3. Your week", b["advice"])
    _section(
        None,
        ("hours", "what", "why"),
        [(f"{x['hours']:g}", x["what"], x["reason"]) for x in b["items"]],
        right=("hours",),
    )
    console.print(b["heads_down"], highlight=False)
    m = r["meetings"]
    _heading("4. Whom to meet", m["advice"])
    _section(
        None,
        ("who", "form", "city", "when", "why"),
        [
            (
                _who(x["name"], x["person"]),
                x["form"],
                x["city"],
                x["when"] or "—",
                "; ".join(x["why"]),
            )
            for x in m["suggestions"]
        ],
    )
    _section(
        "Get back in touch",
        ("who", "why"),
        [(_who(x["name"], x["person"]), x["reason"]) for x in m["reconnect"]],
    )
    _notes(m["notes"])
    if "accounts" in r:
        _heading("5. Account intelligence to gather first (private)", r["accounts"]["advice"])
    s = r["milestones"]
    _heading("6. How you will know it works", s["advice"])
    _section(
        None,
        ("milestone", "now", "target", "trend", "who"),
        [
            (
                x["label"],
                f"{x['value']:,.0f}",
                "—" if x["target"] is None else str(x["target"]),
                _trend(s["history"].get(x["milestone"], [])),
                x["reason"],
            )
            for x in s["items"]
        ],
    )
    _notes(r["notes"])


def _heading(title: str, sentence: str) -> None:
    console.print()
    console.print(f"[bold]{title}[/bold]: {sentence}", highlight=False)


def _notes(notes: list[str]) -> None:
    for note in notes:
        console.print(f"[yellow]{note}[/yellow]", highlight=False)


def _trend(points: list[dict[str, Any]]) -> str:
    if not points:
        return "—"
    return " → ".join(f"{p['value']:,.0f}" for p in points[-5:])


@app.command()
def progress(
    goal: Annotated[str, typer.Argument(help="The goal's name (see 'salon goal list').")],
    as_json: JsonOption = False,
) -> None:
    """Measure a goal's milestones now (who among its agenda-setters follows, lists, replies
    to or reposts you; conversations; meetings held) and show each beside its earlier
    measurements. Run it after each import: a measurement is kept only when something changed.

    Example: salon progress dreamforce
    """
    with _store() as store, _stages("Measuring:") as _:
        found = salon.progress(store, goal)
    result = found.to_dict()
    if as_json:
        _print_json(result)
        return
    console.print(f"[bold]{result['advice']}[/bold]", highlight=False)
    kept = "kept" if result["recorded"] else "not kept: nothing changed since the last one"
    console.print(f"Measured {result['measured_at'][:16].replace('T', ' ')} UTC ({kept}).")
    _section(
        "Milestones",
        ("milestone", "now", "target", "change", "trend", "who"),
        [
            (
                x["label"],
                f"{x['value']:,.0f}",
                "—" if x["target"] is None else str(x["target"]),
                "—" if x["change"] is None else f"{x['change']:+,.0f}",
                _trend(result["history"].get(x["milestone"], [])),
                x["reason"],
            )
            for x in result["milestones"]
        ],
    )
    _notes(result["notes"])
