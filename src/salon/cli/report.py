"""`salon report`: a goal's plan as a self-contained HTML page and a PDF."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

import salon
from salon.cli.app import JsonOption, _print_json, _store, app, console, errors


@contextmanager
def stages(first: str) -> Iterator[Callable[[str], None]]:
    """A spinner naming the step under way (a line per step on stderr when output is piped,
    so that --json stays JSON); yields the function to call as each step starts."""
    if console.is_terminal:
        with console.status(first) as status:
            yield lambda step: status.update(f"{step}…")
    else:
        yield lambda step: errors.print(f"{step}…", highlight=False)


@app.command()
def report(
    goal: Annotated[str, typer.Argument(help="The goal's name (see 'salon goal list').")],
    out: Annotated[
        Path,
        typer.Option("--out", "-o", help="Folder to write report.html (and report.pdf) into."),
    ],
    include_private: Annotated[
        bool,
        typer.Option(
            "--include-private",
            help="Put the account intelligence to gather in (left out by default: the report "
            "may be shared).",
        ),
    ] = False,
    pdf: Annotated[
        bool,
        typer.Option(
            "--pdf/--no-pdf",
            help="Also print report.pdf with headless Chromium (chromium on the PATH or "
            "SALON_CHROMIUM).",
        ),
    ] = True,
    as_json: JsonOption = False,
) -> None:
    """Write the plan of GOAL as a report: one HTML page that needs nothing else (charts
    inline, no request to anywhere) — the advice, whom to be known by and to win, channels
    now and forecast with intervals, the segment's attention map, your week, meetings, the
    funnel and milestones — and the same as a PDF. Private account intelligence only with
    --include-private.

    Example: salon report speak-at-qconf --out ~/reports/qconf
    """
    with _store() as store, stages("plan…") as tell:
        written = salon.report(
            store, goal, out, include_private=include_private, pdf=pdf, progress=tell
        )
    if as_json:
        _print_json(written.to_dict())
        return
    console.print(f"[bold]{written.advice}[/]", highlight=False)
    console.print(f"Report: {written.html}", highlight=False, soft_wrap=True)
    if written.pdf:
        console.print(f"PDF:    {written.pdf}", highlight=False, soft_wrap=True)
    if not include_private:
        console.print("[dim]Private account intelligence left out (--include-private).[/]")
