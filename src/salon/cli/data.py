"""Commands that move data in and out: import, sources, stats, people, export."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

import salon
from salon.cli.app import (
    CsvOption,
    JsonOption,
    _print_json,
    _section,
    _store,
    app,
    console,
    errors,
)

if TYPE_CHECKING:
    from salon.importers import ImportReport


def _print_report(report: ImportReport, title: str | None = None) -> None:
    rows = [(name, f"{n:,}") for name, n in report.added.items() if n]
    _section(title or "Import", ("table", "added"), rows, right=("added",))
    read = ", ".join(f"{Path(f.file).name} ({f.records:,})" for f in report.files)
    console.print(f"Read {len(report.files)} file(s): {read}")
    if report.unused:
        console.print(f"[dim]Known but not used: {', '.join(Path(u).name for u in report.unused)}")
    if report.skipped:
        console.print(
            f"[dim]Already imported, byte for byte ({len(report.skipped)}): "
            f"{', '.join(Path(u).name for u in report.skipped[:8])}"
            f"{' …' if len(report.skipped) > 8 else ''}. --force reads them again."
        )
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
    mine: Annotated[
        bool,
        typer.Option(
            "--mine",
            help="These exports are yours: their owner is you, even when no account of "
            "theirs is known to be yours yet.",
        ),
    ] = False,
    force: Annotated[
        bool,
        typer.Option("--force", help="Read files an earlier import already read, byte for byte."),
    ] = False,
    layout: Annotated[
        str,
        typer.Option(
            "--layout",
            help="Layout of an edge list: auto (detected), tij (SocioPatterns 't i j' contact "
            "rows, 20 s each) or edges (source target [weight] [time] [kind]).",
        ),
    ] = "auto",
    undirected: Annotated[
        bool,
        typer.Option(
            "--undirected",
            help="An edge list names each pair once, in no particular direction.",
        ),
    ] = False,
    lake: Annotated[
        bool | None,
        typer.Option(
            "--lake/--no-lake",
            help="Send edge lists and post dumps to the market lake (Parquet beside the "
            "store) or keep them in the store; by default files of 256 MiB and more go "
            "to the lake.",
        ),
    ] = None,
    as_json: JsonOption = False,
    as_csv: CsvOption = False,
) -> None:
    """Import exports into the store: all of it in one transaction, or nothing.

    Re-importing an export adds nothing; a newer export adds only what is new. The first
    export's owner is you; a later export's owner is you when one of its accounts is yours
    (or with --mine); otherwise it is imported as its owner's, and the report says so.

    Example: salon import ~/Downloads/Basic_LinkedInDataExport.zip twitter-2024.zip
    """
    options = salon.ImportOptions(
        namespace=namespace, bodies=bodies, kind=kind, mine=mine, force=force
    )
    if layout not in salon.LAYOUTS:
        raise typer.BadParameter(f"use one of {', '.join(salon.LAYOUTS)}", param_hint="--layout")
    options = replace(options, layout=layout, undirected=undirected, lake=lake)
    with _store() as store:
        if as_json or not console.is_terminal:
            report = salon.import_paths(store, paths, source=source, options=options)
            _notice_store_bound(report, lake)
            how = salon.read_as(paths, report, options=options)
            if as_json:
                _print_json({**report.to_dict(), "read_as": how})
            else:
                _print_report(report)
                _print_how(how)
            return
        from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

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

            report = salon.import_paths(
                store, paths, source=source, options=options, progress=progress
            )
        _notice_store_bound(report, lake)
        _print_report(report)
        _print_how(salon.read_as(paths, report, options=options))


#: The importers whose files ``--lake`` sends to the market lake; the others feed the store.
LAKE_IMPORTERS = frozenset({"edges", "graphs", "posts"})


def _notice_store_bound(report: ImportReport, lake: bool | None) -> None:
    """With --lake, a one-line notice on stderr naming the files that went to the store
    instead (vCards, calendars, a service's export: people data, which the lake does not
    hold)."""
    if not lake:
        return
    stored = [
        f"'{Path(read.file).name}' ({read.importer})"
        for read in report.files
        if read.importer not in LAKE_IMPORTERS
    ]
    if stored:
        more = f" and {len(stored) - 5} more" if len(stored) > 5 else ""
        errors.print(
            f"Notice: {', '.join(stored[:5])}{more} went to the store, not the lake: the lake "
            "takes only edge lists, graph files and post dumps; --lake leaves contacts, "
            "calendars, mail and exports in the store.",
            highlight=False,
            soft_wrap=True,
        )


def _print_how(how: dict[str, str]) -> None:
    for name, words in how.items():
        console.print(f"'{Path(name).name}' {words}.")


@app.command()
def sources(as_json: JsonOption = False, as_csv: CsvOption = False) -> None:
    """List the importers and the files each reads.

    Example: salon sources
    """
    rows = [s.to_dict() for s in salon.sources()]
    if as_json:
        _print_json(rows)
        return
    _section(None, ("name", "description", "files"), [tuple(r.values()) for r in rows])


@app.command("stats")
def stats_(as_json: JsonOption = False, as_csv: CsvOption = False) -> None:
    """Rows per table, and the history of your dated follower lists.

    Example: salon stats --json
    """
    with _store() as store:
        result = salon.stats(store)
    counts, history = result.tables, result.follow_history
    if as_json:
        _print_json(result.to_dict())
        return
    _section(None, ("table", "rows"), [(k, f"{n:,}") for k, n in counts.items()], right=("rows",))
    if history:
        _section(
            "Follower and following snapshots",
            ("platform", "list", "taken", "count", "new", "lost"),
            [
                (
                    h["platform"],
                    h["list"],
                    h["taken_at"][:10],
                    *map(str, (h["count"], h["new"], h["lost"])),
                )
                for h in history
            ],
        )


@app.command()
def people(
    query: Annotated[
        str | None, typer.Option("--query", "-q", help="Text in a name, headline or identity.")
    ] = None,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="At most this many.")] = 20,
    as_json: JsonOption = False,
    as_csv: CsvOption = False,
) -> None:
    """People in the store, most active first, with their identities.

    Example: salon people --query acme --limit 5
    """
    with _store() as store:
        found = salon.people(store, query=query, limit=limit)
    if as_json:
        _print_json([p.to_dict() for p in found])
        return
    _people_table(
        found,
        empty=f"Nobody matches '{query}': try part of a name, or no --query."
        if query
        else "No people yet: run 'salon import PATH' on an export.",
    )


def _people_table(
    found: list,  # type: ignore[type-arg]
    title: str | None = None,
    empty: str | None = None,
) -> None:
    rows = [
        (
            str(p.id),
            (p.name or "—") + (" (you)" if p.is_self else ""),
            f"{p.interactions:,}",
            "; ".join(p.identities[:3]),
        )
        for p in found
    ]
    _section(title, ("id", "name", "interactions", "identities"), rows, empty=empty)


@app.command()
def export(
    directory: Annotated[Path, typer.Argument(help="Folder to write <table>.jsonl files into.")],
    levels: Annotated[
        str | None,
        typer.Option(
            "--levels",
            help="Keep only intelligence (accounts, stakeholders, notes) at these levels, e.g. "
            "'public' or 'team,public' (default: all of it, each row marked with its level).",
        ),
    ] = None,
) -> None:
    """Export everything: one JSON Lines file per table. Your data is yours to take. Your
    intelligence is marked private, team or public on every row; --levels leaves out the rest.

    Example: salon export ~/salon-backup --levels team,public
    """
    chosen = [v.strip() for v in levels.split(",") if v.strip()] if levels is not None else None
    wrong = [v for v in chosen or [] if v not in ("private", "team", "public")]
    if wrong:
        raise typer.BadParameter(
            f"'{wrong[0]}' is no level: use private, team or public.", param_hint="--levels"
        )
    with _store() as store:
        written = salon.export(store, directory, levels=chosen)
    console.print(f"Wrote {written.rows:,} rows in {len(written.tables)} files to {directory}.")
    intel = sum(written.tables.get(t, 0) for t in ("accounts", "stakeholders", "notes"))
    if intel:
        kept = ", ".join(chosen) if chosen is not None else "private, team and public"
        console.print(
            f"{intel:,} rows of intelligence ({kept}) carry their confidentiality level: "
            "keep the folder as private as the store."
        )
