"""Whom to meet: ties, funnel, nudges."""

from __future__ import annotations

from typing import Annotated, Any

import typer

import salon
from salon.cli.app import (
    CsvOption,
    JsonOption,
    _print_json,
    _section,
    _store,
    _who,
    advise,
    app,
    busy,
    console,
    plural,
)

HalfLifeOption = Annotated[
    float,
    typer.Option(
        "--half-life",
        min=0.001,
        help="Days after which an interaction counts half (default 90).",
    ),
]
TieWeightsOption = Annotated[
    str | None,
    typer.Option(
        "--weights",
        help="Override tie weights by kind, e.g. 'dinner=12,call=6,like=0' "
        "(defaults in the README).",
    ),
]


def _call(function: Any, *args: Any, **options: Any) -> Any:
    """Call the API; a bad --weights (a ValueError) is a usage error (exit code 2)."""
    try:
        return function(*args, **options)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--weights") from None


def _notes(result: dict[str, Any]) -> None:
    for note in result.get("notes", []):
        console.print(f"[yellow]{note}[/yellow]")


def _days(value: float | None) -> str:
    return "—" if value is None else plural(value, "day")


def _ratio(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def _kinds(by_kind: dict[str, int]) -> str:
    return ", ".join(f"{n} {k}" for k, n in sorted(by_kind.items(), key=lambda kv: -kv[1]))


@app.command()
def ties(
    person: Annotated[
        str | None, typer.Argument(help="Whose ties: an id or a name (default: yours).")
    ] = None,
    top: Annotated[int, typer.Option("--top", "-n", min=1, help="How many to show.")] = 20,
    half_life: HalfLifeOption = 90.0,
    weights: TieWeightsOption = None,
    as_json: JsonOption = False,
    as_csv: CsvOption = False,
) -> None:
    """Tie strength: each interaction's kind weight (a meal most, then meetings, calls,
    messages, mentions, likes) decaying with its age, summed per pair, with the frequency,
    recency and reciprocity beside it. Without PERSON: your ties (every pair's when the
    store does not know you).

    Example: salon ties "Ana Ruiz" --top 10 --half-life 60
    """
    with _store() as store, busy("Weighing ties…"):
        found = _call(salon.ties, store, person, top=top, half_life_days=half_life, weights=weights)
    result = found.to_dict()
    if as_json:
        _print_json(result)
        return
    advise("ties", result)
    whose = _who(result["name"], result["person"]) if result["person"] is not None else "everyone"
    console.print(
        f"Ties of {whose} as of {result['now'][:10]}: {plural(result['pairs'], 'tie')}, "
        f"half-life {result['half_life_days']:g} days."
    )
    _notes(result)
    rows = []
    for r in result["ties"]:
        who = (
            _who(r["name"], r["person"])
            if "person" in r
            else f"{_who(r['a_name'], r['a'])} – {_who(r['b_name'], r['b'])}"
        )
        rows.append(
            (
                str(r["rank"]),
                who,
                f"{r['strength']:.3f}",
                f"{r['frequency']:,}",
                _days(r["recency_days"]),
                _ratio(r["reciprocity"]),
                _kinds(r["by_kind"]) or "standing tie",
            )
        )
    _section(
        "Ties, strongest first",
        ("#", "with", "strength", "events", "last", "recip.", "kinds"),
        rows,
        empty="No ties: the store holds no interaction between two people yet. "
        "Import an export with 'salon import'.",
        right=("strength", "events"),
    )


@app.command()
def funnel(
    segment: Annotated[
        str | None,
        typer.Option(
            "--segment",
            "-s",
            help="Only relationships with this segment's people (a name, a file or a rule).",
        ),
    ] = None,
    since: Annotated[
        str | None,
        typer.Option("--since", help="Only relationships first contacted on or after DATE."),
    ] = None,
    as_json: JsonOption = False,
    as_csv: CsvOption = False,
) -> None:
    """Your relationships by stage, online-only → conversed → call → met → shared a meal:
    counts, conversion between stages (overall and per quarter of first contact) and the
    median days from the first contact to each stage.

    Example: salon funnel --segment buyers --since 2024-01-01
    """
    with _store() as store, busy("Counting stages…"):
        try:
            found = salon.funnel(store, segment=segment, since=since)
        except ValueError as exc:
            raise typer.BadParameter(str(exc), param_hint="--since") from None
    result = found.to_dict()
    if as_json:
        _print_json(result)
        return
    advise("funnel", result)
    scope = f" with segment {result['segment']['name']}" if result["segment"] else ""
    after = f", first contacted since {result['since'][:10]}" if result["since"] else ""
    console.print(f"{plural(result['people'], 'relationship')}{scope}{after}.")
    _notes(result)
    _section(
        "Stages",
        ("stage", "at it", "reached", "conversion", "median days from first contact"),
        [
            (
                r["stage"],
                f"{r['people']:,}",
                f"{r['reached']:,}",
                "—" if r["conversion"] is None else f"{r['conversion']:.0%}",
                "—" if r["median_days"] is None else f"{r['median_days']:g}",
            )
            for r in result["stages"]
        ],
        right=("at it", "reached", "conversion"),
    )
    steps = list(result["quarters"][0]["conversion"]) if result["quarters"] else []
    _section(
        "Conversion per quarter of first contact",
        ("quarter", "people", *steps),
        [
            (
                q["quarter"],
                f"{q['people']:,}",
                *(
                    "—" if q["conversion"][s] is None else f"{q['conversion'][s]:.0%}"
                    for s in steps
                ),
            )
            for q in result["quarters"]
        ],
    )


@app.command()
def nudges(
    top: Annotated[int, typer.Option("--top", "-n", min=1, help="How many to show.")] = 20,
    as_json: JsonOption = False,
    as_csv: CsvOption = False,
) -> None:
    """Whom to get back in touch with: strong ties past twice their usual rhythm, and the
    agenda-setters and heads-down experts of your segments you know who went quiet; each
    with the last interaction and the reason.

    Example: salon nudges --top 10
    """
    with _store() as store, busy("Looking for ties going cold…"):
        found = salon.nudges(store, top=top)
    result = found.to_dict()
    if as_json:
        _print_json(result)
        return
    advise("nudges", result)
    console.print(
        f"{plural(len(result['nudges']), 'nudge')} among {plural(result['considered'], 'tie')}."
    )
    _notes(result)
    rows = []
    for r in result["nudges"]:
        last = r["last_interaction"] or {}
        when = (last.get("at") or "")[:10]
        rows.append(
            (
                _who(r["name"], r["person"]),
                f"{last.get('kind', '—')} {last.get('direction', '')} {when}",
                f"{r['strength']:.3f}",
                r["reason"],
            )
        )
    _section(
        "Get back in touch",
        ("with", "last interaction", "strength", "why"),
        rows,
        empty="No nudges: no strong tie is past its usual rhythm and nobody you know who sets "
        "a segment's agenda has gone quiet.",
    )
