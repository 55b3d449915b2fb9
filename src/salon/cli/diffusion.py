"""Where buyers will be: innovations, adoption, innovators, forecast, win."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

import salon
from salon.cli.app import (
    CsvOption,
    JsonOption,
    SegmentOption,
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
    plural,
)
from salon.dates import iso

if TYPE_CHECKING:
    from salon.insights.results import Forecast, Innovators, Win


def _one_of(*values: str) -> Callable[[str], str]:
    """An option callback refusing anything but ``values``: a usage error (exit code 2)."""

    def check(value: str) -> str:
        if value not in values:
            raise typer.BadParameter(f"'{value}' is not one of {', '.join(values)}")
        return value

    return check


#: The unit of time of the models; a value outside these is a usage error listing them.
PeriodOption = Annotated[
    str,
    typer.Option(
        "--period",
        callback=_one_of(*salon.PERIODS),
        help="day, week or month: the unit of time of the model.",
    ),
]


@app.command()
def innovations(
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="At most this many.")] = 30,
    as_json: JsonOption = False,
    as_csv: CsvOption = False,
) -> None:
    """What the store can date: tags, platforms and channels people adopted, with how many
    adopted each and when.

    Example: salon innovations --limit 10
    """
    with _store() as store:
        found = [i.to_dict() for i in salon.innovations(store, limit=limit)]
    if as_json:
        _print_json(found)
        return
    _section(
        "Innovations",
        ("innovation", "adopters", "first", "last"),
        [
            (
                i["name"],
                f"{i['adopters']:,}",
                (iso(i["first"]) or "")[:10],
                (iso(i["last"]) or "")[:10],
            )
            for i in found
        ],
        empty="Nothing dated yet: import posts, tags or follower lists with 'salon import PATH'.",
    )


@app.command()
def adoption(
    innovation: Annotated[
        str,
        typer.Argument(
            help="tag:NAME, platform:NAME, channel:NAME or follows:WHO (see 'salon innovations')."
        ),
    ],
    segment: Annotated[
        str | None, typer.Option("--segment", "-s", help="Only this segment.")
    ] = None,
    method: Annotated[
        str,
        typer.Option(
            "--method",
            callback=_one_of("sd", "quantile"),
            help="sd (mean and standard deviation) or quantile.",
        ),
    ] = "sd",
    log_time: Annotated[
        bool, typer.Option("--log-time", help="Measure time on a log scale.")
    ] = False,
    period: PeriodOption = "month",
    as_json: JsonOption = False,
    as_csv: CsvOption = False,
) -> None:
    """Rogers' adoption stage of every adopter of an innovation (from the fitted Bass curve
    while it is still spreading).

    Example: salon adoption tag:quantum-gate --segment buyers
    """
    with _store() as store, busy("Dating adoptions…"):
        result = salon.adoption(
            store, innovation, segment=segment, method=method, log_time=log_time, period=period
        ).to_dict()
    if as_json:
        _print_json(result)
        return
    advise("adoption", result)
    console.print(
        f"{plural(result['adopters'], 'adopter')} of {innovation}; stages by "
        f"{result['method']}: " + ", ".join(f"{k} {v:.0%}" for k, v in result["shares"].items())
    )
    _print_cautions(result)
    _section(
        "Adopters (first 30)",
        ("adopted", "who", "stage"),
        [
            (r["adopted"][:10], _who(r["name"], r["person"]), r["stage"])
            for r in result["people"][:30]
        ],
        empty=f"No adopters of {innovation}: see 'salon innovations' for what can be dated.",
    )


@app.command()
def innovators(
    segment: SegmentOption,
    top: TopOption = 20,
    as_json: JsonOption = False,
    as_csv: CsvOption = False,
) -> None:
    """The segment's most innovative people: how early they adopt, as a mean z-score over
    every innovation the store can date.

    Example: salon innovators --segment buyers
    """
    with _store() as store, busy("Scoring innovativeness…"):
        found = salon.innovators(store, segment, top=top)
    if as_json:
        _print_json(found.to_dict())
        return
    _print_innovators(found, "Innovators")


def _print_innovators(found: Innovators, title: str) -> None:
    result = found.to_dict()
    advise("innovators", result)
    console.print(f"Over {plural(result['innovations'], 'innovation')} adopted in the segment.")
    _section(
        title,
        ("#", "who", "innovativeness", "innovations"),
        [
            (
                str(i),
                _who(r["name"], r["person"]),
                f"{r['innovativeness']:+.2f}",
                str(r["innovations"]),
            )
            for i, r in enumerate(result["innovators"], start=1)
        ],
        empty="No innovators: nobody in the segment adopted anything the store can date.",
    )


@app.command()
def forecast(
    innovation: Annotated[str, typer.Argument(help="What to forecast (see 'salon innovations').")],
    segment: Annotated[
        str | None, typer.Option("--segment", "-s", help="Only this segment.")
    ] = None,
    horizon: Annotated[int, typer.Option("--horizon", min=1, help="Periods ahead.")] = 12,
    period: PeriodOption = "month",
    backtest_periods: Annotated[
        int,
        typer.Option(
            "--backtest", min=0, help="Also hide the last N periods and report the error."
        ),
    ] = 0,
    plot: Annotated[Path | None, typer.Option("--plot", help="Write an SVG chart here.")] = None,
    as_json: JsonOption = False,
) -> None:
    """Forecast of an innovation's adoption in a segment at +6 and +horizon periods, by the
    model (Bass, damped trend or no growth) that forecast the series' held-out tail best,
    with 90 % intervals calibrated on its backtests; the Bass fit; optionally a backtest.

    Example: salon forecast tag:quantum-gate --period week --horizon 12 --plot gate.svg
    """
    with _store() as store, busy("Fitting and checking the models…"):
        outlook = salon.forecast(
            store,
            innovation,
            segment=segment,
            horizon=horizon,
            period=period,
            backtest_periods=backtest_periods,
        )
    if plot is not None:
        outlook.write_svg(plot)  # 0600: the chart shows who adopted when
    if as_json:
        _print_json(outlook.to_dict())
        return
    _print_forecast(outlook)
    if plot is not None:
        console.print(f"Chart written to {plot}.")


def _print_cautions(result: dict) -> None:  # type: ignore[type-arg]
    """What limits the answer: a fit at a bound, a censoring window, a fit that failed."""
    bass = result.get("bass") or {}
    censored = result.get("censoring") or {}
    for note in [h["note"] for h in bass.get("at_bounds", [])] + censored.get("notes", []):
        console.print(f"  [yellow]Caution:[/] {note}")
    for note in result.get("notes", []):
        console.print(f"  [yellow]Caution:[/] {note}")


def _interval(bounds: list[float | None] | None) -> str:
    if not bounds:
        return ""
    low, high = bounds
    return f" (90% {low:,.0f}–{high:,.0f})" if high is not None else f" (90% ≥ {low:,.0f})"


def _print_forecast(outlook: Forecast) -> None:
    result = outlook.to_dict()
    advise("forecast", result)
    innovation, period = result["innovation"], result["period"]
    model, bass = result["model"], result["bass"]
    console.print(
        f"{innovation}: {plural(result['adopters'], 'adopter')} over "
        f"{plural(len(result['observed']), period)}. Forecast by "
        f"{'Bass' if model['chosen'] == 'bass' else model['chosen']}: {model['reason']}"
    )
    for label in outlook.labels():
        console.print(f"  {label}")
    console.print(
        f"  (90 % intervals from {plural(model['interval_backtests'], 'backtest')} of the "
        "model on this series, at least the Poisson noise of the growth)"
    )
    if bass:
        console.print(
            f"  Bass fit: p={bass['p']:.4f} q={bass['q']:.3f} "
            f"m={bass['m']:,.0f}{_interval(bass['m_interval'])}"
        )
    _print_cautions(result)
    if "backtest" in result:
        b = result["backtest"]
        console.print(
            f"  backtest, last {plural(b['hidden'], period)} hidden: {b['model']} forecast "
            f"{b['forecast']:,.0f} vs actual {b['actual']:,.0f} (error {b['error']:.1%}, "
            f"{'inside' if b['covered'] else 'outside'} the interval)"
        )


@app.command()
def win(
    segment: SegmentOption,
    k: Annotated[int, typer.Option("-k", min=1, help="How many people to win.")] = 10,
    epsilon: Annotated[
        float,
        typer.Option(
            "--epsilon", min=0.01, max=0.9, help="Approximation slack: (1 - 1/e - epsilon)."
        ),
    ] = 0.1,
    exclude_known: Annotated[
        bool, typer.Option("--exclude-known", help="Leave out people you already have a tie with.")
    ] = False,
    seed: Annotated[int, typer.Option("--seed", help="Random seed.")] = 0,
    weights: WeightsOption = None,
    as_json: JsonOption = False,
    as_csv: CsvOption = False,
) -> None:
    """Whom to win: the k people whose influence reaches most of the segment (IMM, weighted
    independent cascade), each with the share of the segment they add.

    Example: salon win --segment buyers -k 10 --exclude-known
    """
    with _store() as store, busy("Sampling reverse-reachable sets…"):
        plan = salon.win(
            store,
            segment,
            k=k,
            epsilon=epsilon,
            exclude_known=exclude_known,
            seed=seed,
            weights=_weights(weights),
        )
    if as_json:
        _print_json(plan.to_dict())
        return
    _print_win(plan, "People to win")


def _print_win(plan: Win, title: str) -> None:
    result = plan.to_dict()
    advise("win", result)
    console.print(
        f"Winning these {plural(len(result['seeds']), 'person', 'people')} reaches an expected "
        f"{result['expected_reach']:,.1f} of "
        f"{plural(result['segment_in_graph'], 'segment member')} "
        f"({result['expected_share']:.1%}; Monte-Carlo check {result['monte_carlo_reach']:,.1f}), "
        f"estimated on {plural(result['rr_sets'], 'reverse-reachable set')} independent of "
        "those that chose them."
    )
    if "bound_holds" in result:
        excluded = result["excluded"]
        among = f" among the people left after {plural(excluded, 'exclusion')}" if excluded else ""
        verdict = "holds" if result["bound_holds"] else "[yellow]does not hold[/] on this sample"
        console.print(
            f"  Guarantee: at least {result['guaranteed_reach']:,.1f} (1 - 1/e - "
            f"{result['epsilon']:g} of the best reach{among}, bounded below by "
            f"{result['opt_lower_bound']:,.1f}): {verdict}."
        )
    _section(
        title,
        ("#", "who", "adds", "reach so far"),
        [
            (
                str(s["rank"]),
                _who(s["name"], s["person"], s["in_segment"]),
                f"{s['marginal_gain']:,.2f}",
                f"{s['cumulative_share']:.1%}",
            )
            for s in result["seeds"]
        ],
        empty="Nobody to win: no member of the segment is in the graph (see 'salon segment list').",
    )


@app.command("lead-lag")
def lead_lag(
    segment: SegmentOption,
    top: Annotated[int, typer.Option("--setters", min=1, help="How many agenda-setters.")] = 20,
    weights: WeightsOption = None,
    as_json: JsonOption = False,
    as_csv: CsvOption = False,
) -> None:
    """For each platform and channel: how many months after the segment's agenda-setters the
    segment itself arrived ("the influencers are there now; your buyers follow k months later").

    Example: salon lead-lag --segment buyers
    """
    with _store() as store, busy("Comparing adoption times…"):
        result = salon.lead_lag(store, segment, setters=top, weights=_weights(weights)).to_dict()
    if as_json:
        _print_json(result)
        return
    advise("lead_lag", result)
    rows = [
        (
            r["channel"],
            f"{r['agenda_setters_there']} of {result['agenda_setters']}",
            f"{r['segment_there']:,} of {r['segment_size']:,}",
            f"{r['lag_months']:+.1f}",
        )
        for r in result["channels"]
    ]
    _section(
        "Where the agenda-setters went first",
        ("channel", "agenda-setters", "segment", "segment later by (months)"),
        rows,
        empty="No channel has both agenda-setters and segment members dated.",
    )
