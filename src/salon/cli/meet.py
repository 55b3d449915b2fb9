"""Whom to meet, and where: `salon meet`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

import salon
from salon import SalonError
from salon.cli.app import (
    CsvOption,
    JsonOption,
    TopOption,
    WeightsOption,
    _print_json,
    _section,
    _store,
    _weights,
    _who,
    advise,
    app,
    busy,
    console,
)
from salon.dates import parse_time

if TYPE_CHECKING:
    from salon.insights.meetings import MeetingPlan


def _date(value: str | None, option: str) -> int | None:
    if not value:
        return None
    try:
        return parse_time(value)
    except ValueError:
        raise SalonError(f"{option} '{value}' is not a date (use YYYY-MM-DD).") from None


@app.command()
def meet(
    city: Annotated[
        str | None, typer.Option("--city", help="The city you will be in ('Graz, Austria').")
    ] = None,
    calendar: Annotated[
        Path | None,
        typer.Option("--calendar", help="An .ics file: plan its trips and conferences."),
    ] = None,
    date_from: Annotated[
        str | None, typer.Option("--from", help="First day of the visit (YYYY-MM-DD).")
    ] = None,
    date_to: Annotated[
        str | None, typer.Option("--to", help="Day after the visit (YYYY-MM-DD).")
    ] = None,
    segment: Annotated[
        str | None,
        typer.Option(
            "--segment",
            "-s",
            help="Value people by their influence over this segment (a name, a file or a rule).",
        ),
    ] = None,
    top: TopOption = 10,
    ics: Annotated[
        Path | None,
        typer.Option("--ics", help="Write the invitations to this .ics file (nothing is sent)."),
    ] = None,
    weights: WeightsOption = None,
    as_json: JsonOption = False,
    as_csv: CsvOption = False,
) -> None:
    """Whom to meet in a city, or on the trips in your calendar: ranked by value (influence
    over the segment, attention not yet taken offline) × proximity (the Allen curve) × the
    tie's decay, with the form (coffee, lunch, dinner, a small dinner) and the reasons.

    Example: salon meet --city "Graz, Austria" --from 2025-05-12 --to 2025-05-15 --ics graz.ics
    """
    start, end = _date(date_from, "--from"), _date(date_to, "--to")
    with _store() as store, busy("Planning meetings…"):
        plan = salon.meet(
            store,
            city=city,
            calendar=calendar,
            since=start,
            until=end,
            segment=segment,
            top=top,
            weights=_weights(weights),
        )
    written = plan.write_ics(ics) if ics else None
    if as_json:
        _print_json(plan.to_dict())
    else:
        _print_plan(plan)
    if written is not None:
        console.print(f"Wrote {written} invitation(s) to {ics} (nothing was sent).")


def _print_plan(plan: MeetingPlan, title: str | None = None) -> None:
    data = plan.to_dict()
    advise("meet", data)
    home = data["home"]
    console.print(
        f"Home: {home['label']} ({home['from']})" if home else "Home: unknown", highlight=False
    )
    console.print(f"Proximity: {data['proximity']['curve']}", highlight=False)
    if data["trips"]:
        _section(
            "Trips and conferences in the calendar",
            ("city", "from", "to", "why"),
            [(t["city"], t["from"], t["to"], t["reason"]) for t in data["trips"]],
        )
    for one in data["plans"]:
        when = ""
        if one["trip"]:
            when = f", {one['trip']['from']} – {one['trip']['to']}"
        _section(
            title or f"Whom to meet in {one['city']['label']}{when}",
            ("who", "form", "place", "km", "score", "why"),
            [_row(r) for r in one["suggestions"]],
            empty=f"Nobody with a known place near {one['city']['label']}.",
            right=("km", "score"),
        )
        _section(
            "Worth meeting, place unknown (ask where they are)",
            ("who", "stage", "value", "why"),
            [
                (_who(r["name"], r["person"]), r["stage"], f"{r['value']:.2f}", "; ".join(r["why"]))
                for r in one["unplaced"][:5]
            ],
            right=("value",),
        )
    for note in data["notes"]:
        console.print(note, highlight=False)


def _row(r: dict[str, Any]) -> tuple[str, ...]:
    return (
        _who(r["name"], r["person"]),
        r["form"],
        r["place"],
        f"{r['distance_km']:,.0f}",
        f"{r['score']:.3f} = {r['value']:.2f} × {r['proximity']:.2f} × {r['tie']:.2f}",
        "; ".join(r["why"]),
    )
