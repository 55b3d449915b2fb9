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
