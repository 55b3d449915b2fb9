"""The Typer app, global options, and the output helpers every command shares."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

import salon
from salon import __version__

if TYPE_CHECKING:
    from salon.store import Store

# Start-up: this module and every command module import only Typer, Rich, the standard
# library and `salon` at the top. Commands call the public API (`salon.influencers`, …), which
# loads the store (SQLAlchemy, Alembic), the importers and the analytics (numpy, scipy,
# igraph, numba) when first used, so that `salon --help` and a command that needs none of them
# start in a fraction of a second.

app = typer.Typer(
    name="salon",
    help="Salon: your relationships, from your own exports, on your own machine.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


console = Console()


errors = Console(stderr=True)


_state: dict[str, Any] = {"db": None, "traceback": False, "csv": False, "tables": 0}


JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def _csv_mode(value: bool) -> bool:
    """--csv: tables go to stdout as CSV (through :func:`_section`); sentences go to stderr."""
    _state["csv"] = value
    if value:
        console.file = sys.stderr
    return value


CsvOption = Annotated[
    bool,
    typer.Option(
        "--csv",
        callback=_csv_mode,
        help="Print CSV instead of a table: a header row, then the rows, no markup (several "
        "tables follow one another, a blank line between them). Sentences go to stderr.",
    ),
]


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


PeriodOption = Annotated[
    str, typer.Option("--period", help="day, week or month: the unit of time of the model.")
]


def _version(value: bool) -> None:
    """--version prints the version and stops (before any command is needed)."""
    if value:
        console.print(f"salon {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    ctx: typer.Context,
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            envvar="SALON_DB",
            show_envvar=True,
            help="Store: a SQLite file path or a SQLAlchemy URL (postgresql+psycopg://…). "
            "Default: ~/.local/share/salon/salon.db ($XDG_DATA_HOME/salon/salon.db).",
        ),
    ] = None,
    traceback: Annotated[
        bool, typer.Option("--traceback", help="Show the full traceback of an error.")
    ] = False,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version."),
    ] = False,
    engine: Annotated[
        str | None,
        typer.Option(
            "--engine",
            envvar="SALON_ENGINE",
            help="local (NumPy/SciPy, the default) or spark: snapshots, PageRank and adoption "
            "times run on Apache Spark over the market lake (pip install 'salon[spark]').",
        ),
    ] = None,
    master: Annotated[
        str | None,
        typer.Option(
            "--master",
            envvar="SALON_SPARK_MASTER",
            help="With --engine spark: the Spark master (default local[2]; spark://host:7077, "
            "yarn, k8s://… for a cluster, which must be able to read the lake).",
        ),
    ] = None,
) -> None:
    """Salon keeps your network in a private store on this machine; nothing leaves it."""
    _state["db"] = db
    _state["traceback"] = traceback
    import os

    if engine is not None:
        if engine.lower() not in ("local", "spark"):
            raise typer.BadParameter("use local or spark", param_hint="--engine")
        os.environ["SALON_ENGINE"] = engine.lower()
    if master is not None:
        # Given on the command line, --master without the Spark engine is a mistake (the
        # local engine would ignore it); from $SALON_SPARK_MASTER it waits for --engine spark.
        spark = (engine or os.environ.get("SALON_ENGINE") or "local").lower() == "spark"
        source = ctx.get_parameter_source("master")  # Click's, or Typer's vendored Click's
        typed = getattr(source, "name", None) == "COMMANDLINE"
        if typed and not spark:
            ctx.fail(
                f"--master needs --engine spark (got --master {master} with the local engine, "
                "which runs on this machine): add --engine spark, or drop --master."
            )
        os.environ["SALON_SPARK_MASTER"] = master


def _store() -> Store:
    return salon.open_store(_state["db"])


@contextmanager
def busy(message: str) -> Iterator[None]:
    """A spinner on the terminal while long work runs, turning into a bar while a long stage
    reports how far it has come (:mod:`salon.reporting`); nothing when output is piped."""
    if not console.is_terminal:
        yield
        return
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from salon.reporting import reporting

    columns = (
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.fields[count]}"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task(message, total=None, count="")

        def show(stage: str, done: int, total: int) -> None:
            count = f"{done:,} of {total:,}" if total else (f"{done:,}" if done else "")
            bar.update(
                task,
                description=f"{message} {stage}",
                completed=done,
                total=total or None,
                count=count,
            )

        with reporting(show):
            yield


def _print_json(value: Any) -> None:
    sys.stdout.write(json.dumps(value, indent=2, ensure_ascii=False) + "\n")


#: Columns that hold names: kept whole on one line (the other columns wrap or fold).
NAME_COLUMNS = frozenset({"who", "name", "a", "b", "with", "innovation"})


def _section(
    title: str | None,
    columns: tuple[str, ...],
    rows: list[tuple[str, ...]],
    *,
    empty: str | None = None,
    right: tuple[str, ...] = (),
) -> None:
    """Print a table: as CSV with --csv, else with Rich. Names are never cut (their columns
    keep them on one line; the others wrap, folding a long word). No rows prints ``empty``, one
    sentence saying there is nothing and what to do (nothing when ``empty`` is None: a part
    of a page that may be absent)."""
    if _state["csv"]:
        _write_csv(columns, rows)
    elif rows:
        table = Table(title=title, show_edge=False, title_justify="left")
        for column in columns:
            name = column in NAME_COLUMNS
            table.add_column(
                column,
                justify="right" if column in right else "left",
                no_wrap=name,
                overflow="ellipsis" if name else "fold",
            )
        for row in rows:
            table.add_row(*row)
        console.print(table)
    if not rows and empty:
        console.print(empty)


def _write_csv(columns: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
    if _state["tables"]:
        sys.stdout.write("\n")
    _state["tables"] += 1
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(rows)


def _who(name: str | None, pid: int, member: bool = False) -> str:
    return f"{name or 'person'} ({pid})" + (" *" if member else "")


def plural(count: float, word: str, many: str | None = None) -> str:
    """As :func:`salon.diffusion.plot.plural` (whose module loads numpy and scipy):
    ``1 week``, ``2 weeks``, ``1,234 people`` (``many`` when the plural is irregular)."""
    return f"{count:,.0f} {word if round(count) == 1 else many or word + 's'}"


def _weights(text: str | None) -> dict[str, float]:
    """--weights as a mapping for ``weights=`` (:func:`salon.parse_weights`); an unknown
    kind, or a weight that is no finite number from 0 up, is a usage error (exit code 2)."""
    try:
        return salon.parse_weights(text)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--weights") from None


def advise(question: str, result: dict[str, Any]) -> None:
    """The sentence of advice that leads a command's human output (:func:`salon.advice`): what
    the result means and what to do next. With --csv it goes to stderr, as sentences do."""
    console.print(
        f"[bold]{salon.advice(question, result)}[/bold]", highlight=False, soft_wrap=False
    )
