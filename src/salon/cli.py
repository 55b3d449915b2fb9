"""`salon …`: a thin command line over the public API (Typer + Rich)."""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from salon import __version__, insights
from salon.dates import iso
from salon.diffusion.plot import forecast_svg
from salon.errors import SalonError
from salon.graph.snapshot import ATTENTION_WEIGHTS, SnapshotSpec
from salon.identity import CANDIDATE
from salon.importers import IMPORTERS, ImportReport, import_paths
from salon.importers.base import ImportOptions
from salon.store import Store, default_url, open_store
from salon.store.adoptions import list_innovations
from salon.store.merges import find_duplicates, merge_people, unmerge_person
from salon.store.profiles import person_profile
from salon.store.queries import export_all, find_people, follow_history, stats
from salon.store.segments import add_segment, list_segments, segment_members

app = typer.Typer(
    name="salon",
    help="Salon: your relationships, from your own exports, on your own machine.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console()
errors = Console(stderr=True)
_state: dict[str, Any] = {"db": None, "traceback": False}

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


@app.callback()
def _main(
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            envvar="SALON_DB",
            show_envvar=True,
            help="Store: a SQLite file path or a SQLAlchemy URL (postgresql+psycopg://…). "
            f"Default: {default_url()}",
        ),
    ] = None,
    traceback: Annotated[
        bool, typer.Option("--traceback", help="Show the full traceback of an error.")
    ] = False,
    version: Annotated[bool, typer.Option("--version", help="Print the version.")] = False,
) -> None:
    """Salon keeps your network in a private store on this machine; nothing leaves it."""
    if version:
        console.print(f"salon {__version__}")
        raise typer.Exit()
    _state["db"] = db
    _state["traceback"] = traceback


def _store() -> Store:
    return open_store(_state["db"])


def _print_json(value: Any) -> None:
    sys.stdout.write(json.dumps(value, indent=2, ensure_ascii=False) + "\n")


def _print_report(report: ImportReport, title: str | None = None) -> None:
    table = Table(title=title or "Import", show_edge=False)
    table.add_column("table")
    table.add_column("added", justify="right")
    for name, n in report.added.items():
        if n:
            table.add_row(name, f"{n:,}")
    console.print(table)
    read = ", ".join(f"{Path(f.file).name} ({f.records:,})" for f in report.files)
    console.print(f"Read {len(report.files)} file(s): {read}")
    if report.unused:
        console.print(f"[dim]Known but not used: {', '.join(Path(u).name for u in report.unused)}")
    for warning in report.warnings:
        console.print(f"[yellow]Warning:[/] {warning}")
    if report.import_id is None:
        console.print("Nothing new: the store already holds all of it.")
    else:
        console.print(f"Import {report.import_id} done in {report.seconds:.1f} s.")


@app.command("import")
def import_(
    paths: Annotated[list[Path], typer.Argument(help="Export zips, folders or files.")],
    source: Annotated[
        str | None,
        typer.Option("--source", help="Read every file with this importer (see 'salon sources')."),
    ] = None,
    namespace: Annotated[
        str | None,
        typer.Option(
            "--namespace",
            help="Platform name for market data (edge lists, posts); "
            "files of one data set should share it.",
        ),
    ] = None,
    kind: Annotated[
        str | None,
        typer.Option(
            "--kind", help="Relation of an edge list without a kind column (default: edge)."
        ),
    ] = None,
    bodies: Annotated[
        bool,
        typer.Option("--bodies", help="Keep message bodies (by default only headers are stored)."),
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Import exports into the store: all of it in one transaction, or nothing.

    Re-importing an export adds nothing; a newer export adds only what is new.

    Example: salon import ~/Downloads/Basic_LinkedInDataExport.zip twitter-2024.zip
    """
    options = ImportOptions(namespace=namespace, bodies=bodies, kind=kind)
    with _store() as store:
        if as_json or not console.is_terminal:
            report = import_paths(store, paths, source=source, options=options)
            if as_json:
                _print_json(report.to_dict())
            else:
                _print_report(report)
            return
        columns = (
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.percentage:>3.0f}%"),
            TimeRemainingColumn(),
        )
        with Progress(*columns, console=console, transient=True) as bar:
            task = bar.add_task("Importing", total=1)

            def progress(done: int, total: int, name: str) -> None:
                bar.update(
                    task, completed=done, total=total, description=f"Importing {Path(name).name}"
                )

            report = import_paths(store, paths, source=source, options=options, progress=progress)
        _print_report(report)


@app.command()
def sources(as_json: JsonOption = False) -> None:
    """List the importers and the files each reads.

    Example: salon sources
    """
    rows = [{"name": m.NAME, "description": m.DESCRIPTION, "files": m.FILES} for m in IMPORTERS]
    if as_json:
        _print_json(rows)
        return
    table = Table(show_edge=False)
    for column in ("name", "description", "files"):
        table.add_column(column)
    for row in rows:
        table.add_row(row["name"], row["description"], row["files"])
    console.print(table)


@app.command("stats")
def stats_(as_json: JsonOption = False) -> None:
    """Rows per table, and the history of your dated follower lists.

    Example: salon stats --json
    """
    with _store() as store:
        counts = stats(store)
        history = [h.to_dict() for h in follow_history(store)]
    if as_json:
        _print_json({"tables": counts, "follow_history": history})
        return
    table = Table(show_edge=False)
    table.add_column("table")
    table.add_column("rows", justify="right")
    for name, n in counts.items():
        table.add_row(name, f"{n:,}")
    console.print(table)
    if history:
        snaps = Table(title="Follower and following snapshots", show_edge=False)
        for column in ("platform", "list", "taken", "count", "new", "lost"):
            snaps.add_column(column)
        for h in history:
            snaps.add_row(
                h["platform"],
                h["list"],
                h["taken_at"][:10],
                str(h["count"]),
                str(h["new"]),
                str(h["lost"]),
            )
        console.print(snaps)


@app.command()
def people(
    query: Annotated[
        str | None, typer.Option("--query", "-q", help="Text in a name, headline or identity.")
    ] = None,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="At most this many.")] = 20,
    as_json: JsonOption = False,
) -> None:
    """People in the store, most active first, with their identities.

    Example: salon people --query acme --limit 5
    """
    with _store() as store:
        found = find_people(store, query=query, limit=limit)
    if as_json:
        _print_json([p.to_dict() for p in found])
        return
    _people_table(found)


def _people_table(found: list, title: str | None = None) -> None:  # type: ignore[type-arg]
    table = Table(title=title, show_edge=False)
    for column in ("id", "name", "interactions", "identities"):
        table.add_column(column)
    for p in found:
        name = (p.name or "—") + (" (you)" if p.is_self else "")
        table.add_row(str(p.id), name, f"{p.interactions:,}", "; ".join(p.identities[:3]))
    console.print(table)


@app.command()
def person(
    who: Annotated[str, typer.Argument(help="A person's id, or a name (or part of one).")],
    as_json: JsonOption = False,
) -> None:
    """One person across every source: identities, affiliations, ties and the timeline, each
    with the file and line it came from.

    Example: salon person "Ana Ruiz"
    """
    with _store() as store:
        profile = person_profile(store, who)
    if as_json:
        _print_json(profile)
        return
    title = f"{profile['name'] or '—'} (person {profile['id']})" + (
        " — you" if profile["is_self"] else ""
    )
    console.print(f"[bold]{title}[/]")
    if profile["headline"]:
        console.print(profile["headline"])
    if profile["merged_people"]:
        console.print(
            f"Merged with people {', '.join(map(str, profile['merged_people']))} "
            "('salon unmerge ID' undoes it)."
        )
    _section(
        "Identities",
        ("identity", "source"),
        [
            (f"{i['platform'] + ' ' if i['platform'] else ''}{i['kind']}: {i['value']}", _where(i))
            for i in profile["identities"]
        ],
    )
    _section(
        "Affiliations",
        ("organization", "kind", "title", "source"),
        [
            (a["organization"], a["kind"], a["title"] or "", _where(a))
            for a in profile["affiliations"]
        ],
    )
    _section(
        "Ties",
        ("kind", "with", "since / seen", "source"),
        [
            (
                f"{t['kind']} ({t['direction']})",
                t["with"] or "",
                (t["since"] or t["first_seen"] or "")[:10],
                _where(t),
            )
            for t in profile["ties"]
        ][:30],
    )
    _section(
        "Timeline (latest 30)",
        ("when", "what", "with", "subject", "source"),
        [
            (
                (e["at"] or "")[:16],
                f"{e['kind']} ({e['direction']})",
                e["with"] or "",
                (e["subject"] or "")[:40],
                _where(e),
            )
            for e in profile["timeline"][-30:]
        ],
    )


def _where(item: dict) -> str:  # type: ignore[type-arg]
    return f"{Path(item['file']).name}:{item['line']}"


def _section(title: str, columns: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
    if not rows:
        return
    table = Table(title=title, show_edge=False, title_justify="left")
    for column in columns:
        table.add_column(column)
    for row in rows:
        table.add_row(*row)
    console.print(table)


@app.command()
def duplicates(
    min_score: Annotated[
        float,
        typer.Option("--min-score", min=0.0, max=1.0, help="Show pairs scoring at least this."),
    ] = CANDIDATE,
    as_json: JsonOption = False,
) -> None:
    """People who are probably one person, with the score and its evidence. Pairs scoring
    0.93 or more were merged at import; merge others with 'salon merge A B'.

    Example: salon duplicates --min-score 0.85
    """
    with _store() as store:
        found = find_duplicates(store, min_score=min_score)
    if as_json:
        _print_json([d.to_dict() for d in found])
        return
    table = Table(show_edge=False)
    for column in ("a", "b", "score", "evidence"):
        table.add_column(column)
    for d in found:
        table.add_row(
            f"{d.a} {d.name_a}",
            f"{d.b} {d.name_b}",
            f"{d.score:.2f}",
            f"names {d.evidence['name_similarity']:.2f}; {d.evidence['organisation']}",
        )
    console.print(table if found else "No likely duplicates.")


@app.command()
def merge(
    keep: Annotated[int, typer.Argument(help="The person to keep.")],
    other: Annotated[int, typer.Argument(help="The person who is the same as KEEP.")],
) -> None:
    """Merge two people into one (reversible with 'salon unmerge'; survives re-imports).

    Example: salon merge 12 48
    """
    with _store() as store:
        merge_id = merge_people(store, keep, other)
    console.print(f"Merged person {other} into {keep} (merge {merge_id}).")


@app.command()
def unmerge(
    who: Annotated[int, typer.Argument(help="A person merged into another, or one kept.")],
) -> None:
    """Undo merges: separate a person from the one they were merged into (or, for a kept
    person, undo every merge into them). Undone pairs are never merged automatically again.

    Example: salon unmerge 48
    """
    with _store() as store:
        undone = unmerge_person(store, who)
    console.print(f"Undid {len(undone)} merge(s): {', '.join(map(str, undone))}.")


segment_app = typer.Typer(
    help="Named sets of people (buyers, a target account, a list).", no_args_is_help=True
)
app.add_typer(segment_app, name="segment")
SegmentOption = Annotated[
    str,
    typer.Option(
        "--segment",
        "-s",
        help="A segment's name, a file of handles or e-mails, or a rule "
        "such as org:acme (see 'salon segment add --help').",
    ),
]
TopOption = Annotated[int, typer.Option("--top", "-n", min=1, help="How many to show.")]
WeightsOption = Annotated[
    str | None,
    typer.Option(
        "--weights",
        help="Override attention weights by kind, e.g. 'repost=5,follow=0.5' "
        "(defaults in the README).",
    ),
]


def _spec(weights: str | None) -> SnapshotSpec:
    """A snapshot choice with the user's weights over the documented defaults."""
    chosen = dict(ATTENTION_WEIGHTS)
    for part in (weights or "").split(","):
        if not part.strip():
            continue
        kind, _, value = part.partition("=")
        try:
            chosen[kind.strip()] = float(value)
        except ValueError:
            raise SalonError(f"'{part.strip()}' is not KIND=WEIGHT (e.g. repost=5).") from None
    return SnapshotSpec(weights=chosen)


@segment_app.command("add")
def segment_add(
    name: Annotated[str, typer.Argument(help="The segment's name.")],
    rule: Annotated[
        str,
        typer.Argument(
            help="KIND:VALUE, several joined by ' & ': org:TEXT, "
            "title:TEXT, location:TEXT, platform:NAME, "
            "followers:WHO, tag:TAG, community:N, "
            "file:PATH, all."
        ),
    ],
    replace: Annotated[bool, typer.Option("--replace", help="Change an existing segment.")] = False,
) -> None:
    """Define a segment by a rule, for --segment on every analytics command.

    Example: salon segment add buyers "title:cto & org:acme"
    """
    with _store() as store:
        segment = add_segment(store, name, rule, replace=replace)
        members = segment_members(store, segment) if "community:" not in rule else None
    count = "" if members is None else f": {len(members):,} people"
    console.print(f"Segment '{name}' = {rule}{count}.")


@segment_app.command("list")
def segment_list(as_json: JsonOption = False) -> None:
    """List the segments with their rules and sizes.

    Example: salon segment list
    """
    with _store() as store:
        rows = [
            {
                **s.to_dict(),
                "people": None if "community:" in s.rule else len(segment_members(store, s)),
            }
            for s in list_segments(store)
        ]
    if as_json:
        _print_json(rows)
        return
    _section(
        "Segments",
        ("name", "rule", "people"),
        [(r["name"], r["rule"], "—" if r["people"] is None else f"{r['people']:,}") for r in rows],
    )
    if not rows:
        console.print("No segments yet. Add one with 'salon segment add NAME RULE'.")


@app.command()
def influencers(
    segment: SegmentOption,
    top: TopOption = 20,
    members: Annotated[
        bool, typer.Option("--members", help="Rank the segment's own members too.")
    ] = False,
    weights: WeightsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Who sets the agenda for a segment: personalised PageRank restarting on it, the lift
    over global PageRank, and the attention each receives from the segment, by kind.

    Example: salon influencers --segment buyers --top 10
    """
    with _store() as store:
        result = insights.influencers(
            store, segment, top=top, include_members=members, spec=_spec(weights)
        )
    if as_json:
        _print_json(result)
        return
    _print_influencers(result, "Agenda-setters")


def _print_influencers(result: dict, title: str) -> None:  # type: ignore[type-arg]
    console.print(
        f"Segment {result['segment']['name']}: {result['members']:,} people, "
        f"{result['members_in_graph']:,} in a graph of {result['nodes']:,} people "
        f"and {result['edges']:,} edges (* = in the segment)."
    )
    rows = [
        (
            str(r["rank"]),
            _who(r["name"], r["person"], r["in_segment"]),
            f"{r['ppr']:.4f}",
            f"{r['lift']:.1f}x",
            _attention(r),
            f"{r['followers']:,}",
        )
        for r in result["influencers"]
    ]
    _section(title, ("#", "who", "PPR", "lift", "attention from the segment", "followers"), rows)


def _who(name: str | None, pid: int, member: bool = False) -> str:
    return f"{name or 'person'} ({pid})" + (" *" if member else "")


def _attention(row: dict) -> str:  # type: ignore[type-arg]
    kinds = ", ".join(f"{n:,} {k}" for k, n in list(row["attention_from_segment"].items())[:3])
    return f"{row['segment_members_attending']:,} people: {kinds}" if kinds else "—"


@app.command()
def communities(
    seed: Annotated[int, typer.Option("--seed", help="Random seed (same seed, same result).")] = 0,
    resolution: Annotated[
        float,
        typer.Option("--resolution", min=0.01, help="Higher finds more, smaller communities."),
    ] = 1.0,
    segment: Annotated[
        str | None,
        typer.Option("--segment", "-s", help="Show this segment's share of each community."),
    ] = None,
    top: TopOption = 20,
    weights: WeightsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Communities of the interaction graph (Leiden, deterministic with --seed): size, most
    central members, and the segment's share.

    Example: salon communities --segment buyers --seed 1
    """
    with _store() as store:
        result = insights.communities(
            store,
            seed=seed,
            resolution=resolution,
            segment=segment,
            limit=top,
            spec=_spec(weights),
        )
    if as_json:
        _print_json(result)
        return
    console.print(
        f"{result['communities']:,} communities among {result['nodes']:,} people "
        f"(modularity {result['modularity']:.3f})."
    )
    _section(
        "Communities",
        ("#", "size", "segment", "most central"),
        [
            (
                str(r["community"]),
                f"{r['size']:,}",
                f"{r['segment_members']:,} ({r['segment_share']:.0%})" if segment else "—",
                ", ".join(_who(m["name"], m["id"]) for m in r["top_members"][:3]),
            )
            for r in result["shown"]
        ],
    )


@app.command()
def experts(
    segment: SegmentOption,
    top: TopOption = 20,
    weights: WeightsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Heads-down experts around a segment: high substance (tenure, roles, meetings,
    introductions, engagement earned from agenda-setters per post), low visibility (posts,
    followers, link-pushing).

    Example: salon experts --segment buyers
    """
    with _store() as store:
        result = insights.experts(store, segment, top=top, spec=_spec(weights))
    if as_json:
        _print_json(result)
        return
    _print_experts(result, "Heads-down experts")


def _print_experts(result: dict, title: str) -> None:  # type: ignore[type-arg]
    rows = [
        (
            str(r["rank"]),
            _who(r["name"], r["person"]),
            f"{r['substance']:+.2f}",
            f"{r['visibility']:+.2f}",
            _evidence(r["evidence"]),
        )
        for r in result["experts"]
    ]
    _section(title, ("#", "who", "substance", "visibility", "evidence"), rows)
    if not rows:
        console.print("No heads-down experts found around this segment.")


def _evidence(values: dict) -> str:  # type: ignore[type-arg]
    return ", ".join(f"{k.replace('_', ' ')} {v:g}" for k, v in values.items() if v)


@app.command()
def innovations(
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="At most this many.")] = 30,
    as_json: JsonOption = False,
) -> None:
    """What the store can date: tags, platforms and channels people adopted, with how many
    adopted each and when.

    Example: salon innovations --limit 10
    """
    with _store() as store:
        found = [i.to_dict() for i in list_innovations(store, limit=limit)]
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
    )


PeriodOption = Annotated[
    str, typer.Option("--period", help="day, week or month: the unit of time of the model.")
]


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
        str, typer.Option("--method", help="sd (mean and standard deviation) or quantile.")
    ] = "sd",
    log_time: Annotated[
        bool, typer.Option("--log-time", help="Measure time on a log scale.")
    ] = False,
    period: PeriodOption = "month",
    as_json: JsonOption = False,
) -> None:
    """Rogers' adoption stage of every adopter of an innovation (from the fitted Bass curve
    while it is still spreading).

    Example: salon adoption tag:quantum-gate --segment buyers
    """
    if method not in ("sd", "quantile") or period not in insights.PERIODS:
        raise SalonError("--method is sd or quantile; --period is day, week or month.")
    with _store() as store:
        result = insights.adoption(
            store, innovation, segment=segment, method=method, log_time=log_time, period=period
        )
    if as_json:
        _print_json(result)
        return
    console.print(
        f"{result['adopters']:,} adopters of {innovation}; stages by "
        f"{result['method']}: " + ", ".join(f"{k} {v:.0%}" for k, v in result["shares"].items())
    )
    _section(
        "Adopters (first 30)",
        ("adopted", "who", "stage"),
        [
            (r["adopted"][:10], _who(r["name"], r["person"]), r["stage"])
            for r in result["people"][:30]
        ],
    )


@app.command()
def innovators(segment: SegmentOption, top: TopOption = 20, as_json: JsonOption = False) -> None:
    """The segment's most innovative people: how early they adopt, as a mean z-score over
    every innovation the store can date.

    Example: salon innovators --segment buyers
    """
    with _store() as store:
        result = insights.innovators(store, segment, top=top)
    if as_json:
        _print_json(result)
        return
    _print_innovators(result, "Innovators")


def _print_innovators(result: dict, title: str) -> None:  # type: ignore[type-arg]
    console.print(f"Over {result['innovations']} innovations adopted in the segment.")
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
    """Bass forecast of an innovation's adoption in a segment: p, q, m with 90 % bootstrap
    intervals, adopters at +6 and +horizon periods, and optionally a backtest.

    Example: salon forecast tag:quantum-gate --period week --horizon 12 --plot gate.svg
    """
    if period not in insights.PERIODS:
        raise SalonError("--period is day, week or month.")
    with _store() as store:
        result = insights.forecast(
            store,
            innovation,
            segment=segment,
            horizon=horizon,
            period=period,
            backtest_periods=backtest_periods,
        )
    fit = result.pop("_fit")
    if plot is not None:
        plot.write_text(
            forecast_svg(
                fit,
                horizon=horizon,
                period=period,
                title=f"{innovation}: adopters and Bass forecast",
            )
        )
    if as_json:
        _print_json(result)
        return
    _print_forecast(result)
    if plot is not None:
        console.print(f"Chart written to {plot}.")


def _print_forecast(result: dict) -> None:  # type: ignore[type-arg]
    innovation, period = result["innovation"], result["period"]
    bass = result["bass"]
    console.print(
        f"{innovation}: {result['adopters']:,} adopters over {bass['periods']} "
        f"{period}s. Bass p={bass['p']:.4f} q={bass['q']:.3f} m={bass['m']:,.0f}"
        + (
            f" (90% {bass['m_interval'][0]:,.0f}–{bass['m_interval'][1]:,.0f})"
            if bass["m_interval"]
            else ""
        )
    )
    for f in result["forecasts"]:
        band = f" (90% {f['low']:,.0f}–{f['high']:,.0f})" if "low" in f else ""
        console.print(f"  +{f['horizon']} {period}s: {f['adopters']:,.0f} adopters{band}")
    if "backtest" in result:
        b = result["backtest"]
        console.print(
            f"  backtest, last {b['hidden']} hidden: forecast {b['forecast']:,.0f} "
            f"vs actual {b['actual']:,.0f} (error {b['error']:.1%}, "
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
) -> None:
    """Whom to win: the k people whose influence reaches most of the segment (IMM, weighted
    independent cascade), each with the share of the segment they add.

    Example: salon win --segment buyers -k 10 --exclude-known
    """
    with _store() as store:
        result = insights.win(
            store,
            segment,
            k=k,
            epsilon=epsilon,
            exclude_known=exclude_known,
            seed=seed,
            spec=_spec(weights),
        )
    if as_json:
        _print_json(result)
        return
    _print_win(result, "People to win")


def _print_win(result: dict, title: str) -> None:  # type: ignore[type-arg]
    console.print(
        f"Winning these {len(result['seeds'])} reaches an expected "
        f"{result['expected_reach']:,.1f} of {result['segment_in_graph']:,} segment members "
        f"({result['expected_share']:.1%}; Monte-Carlo check {result['monte_carlo_reach']:,.1f}) "
        f"from {result['rr_sets']:,} reverse-reachable sets."
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
    )


@app.command()
def export(
    directory: Annotated[Path, typer.Argument(help="Folder to write <table>.jsonl files into.")],
) -> None:
    """Export everything: one JSON Lines file per table. Your data is yours to take.

    Example: salon export ~/salon-backup
    """
    with _store() as store:
        written = export_all(store, directory)
    console.print(f"Wrote {sum(written.values()):,} rows in {len(written)} files to {directory}.")


@app.command()
def demo() -> None:
    """Import the sample data shipped with Salon into a temporary store and show it.

    Example: salon demo
    """
    from salon.demo import run_demo

    with tempfile.TemporaryDirectory(prefix="salon-demo-") as tmp:
        with open_store(f"sqlite:///{tmp}/demo.db") as store:
            console.print(f"[bold]Salon demo[/] — a temporary store in {tmp}\n")
            result = run_demo(store)
        for what, report in result.reports:
            _print_report(report, title=f"Imported {what}")
            console.print()
        _people_table(result.you, "You")
        _people_table(result.contacts, "Your most active LinkedIn contacts")
        _people_table(result.market, "Most active in the market sample (e-mail)")
        _print_influencers(
            result.influencers, "Agenda-setters for people asking about quantum algorithms"
        )
        _print_experts(result.experts, "Heads-down experts around them")
        _print_innovators(result.innovators, "Innovators of the Q&A community")
        _print_forecast(result.forecast)
        _print_win(result.win, "People to win to reach them")
        total = sum(v for k, v in result.counts.items() if k != "imports")
        console.print(
            f"\nThe store holds {total:,} rows. Run 'salon import PATH' on your own "
            "exports to build yours."
        )


def main() -> None:
    """Entry point: run the app; SalonErrors become one message and exit code 1."""
    try:
        app(standalone_mode=False)
    except SalonError as exc:
        if _state["traceback"]:
            raise
        errors.print(f"[red]Error:[/] {exc}", highlight=False, soft_wrap=True)
        sys.exit(1)
    except KeyboardInterrupt:
        errors.print("Interrupted: nothing was changed.")
        sys.exit(130)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        errors.print("Aborted.")
        sys.exit(1)
    except Exception as exc:
        # Usage errors (Click's exceptions, vendored by newer Typer) show their own message.
        if callable(getattr(exc, "show", None)) and isinstance(
            getattr(exc, "exit_code", None), int
        ):
            exc.show()
            sys.exit(exc.exit_code)
        raise
