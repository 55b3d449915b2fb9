"""`salon demo`: the main job on the shipped sample — import, a goal, its plan, its report."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

import salon
from salon.cli.app import app, console

if TYPE_CHECKING:
    from rich.status import Status


class _Progress:
    """A line per finished stage with its seconds; a spinner on the one under way."""

    def __init__(self, status: Status | None) -> None:
        self.status = status
        self.current: tuple[str, float] | None = None

    def __call__(self, name: str) -> None:
        self.done()
        self.current = (name, time.perf_counter())
        if self.status is not None:
            self.status.update(f"{name}…")

    def done(self) -> None:
        if self.current is not None:
            name, started = self.current
            seconds = time.perf_counter() - started
            console.print(f"  [green]✓[/] {name} [dim]{seconds:.1f} s[/]", highlight=False)
            self.current = None


def _names(rows: list[dict[str, Any]], top: int = 5) -> str:
    return ", ".join(str(r.get("name") or f"person {r.get('person')}") for r in rows[:top])


def _bare(channel: str) -> str:
    kind, _, value = channel.partition(":")
    return value if kind in ("channel", "platform") and value else channel


@app.command()
def demo(
    out: Annotated[
        Path,
        typer.Option("--out", "-o", help="Folder to write the report into."),
    ] = Path("salon-demo"),
    pdf: Annotated[
        bool | None,
        typer.Option(
            "--pdf/--no-pdf",
            help="Print the report as a PDF too (default: when Chromium is found).",
        ),
    ] = None,
) -> None:
    """Salon's main job on the real sample it ships (your pseudonymised LinkedIn export, a
    company's e-mail, a Q&A community's first six months): import it into a fresh store
    (OUT/demo.db, replaced at each run, to explore afterwards), add a goal (become a trusted
    answerer for the people asking about quantum error correction), make the plan and write
    its report (HTML, and PDF), showing each stage.

    Example: salon demo --out ~/salon-demo
    """
    started = time.perf_counter()
    out.mkdir(parents=True, exist_ok=True)
    db = out / "demo.db"
    for stale in (db, db.with_name("demo.db-wal"), db.with_name("demo.db-shm")):
        stale.unlink(missing_ok=True)
    console.print(f"[bold]Salon demo[/] — a fresh store in {db}", highlight=False)
    with salon.open_store(str(db)) as store:
        if console.is_terminal:
            with console.status("starting…") as status:
                progress = _Progress(status)
                result = salon.demo.run_demo(store, out, pdf=pdf, progress=progress)
                progress.done()
        else:
            progress = _Progress(None)
            result = salon.demo.run_demo(store, out, pdf=pdf, progress=progress)
            progress.done()
    _summary(result)
    console.print(
        f"\nDone in {time.perf_counter() - started:.1f} s. Explore the demo's store: 'salon --db "
        f"{db} serve' (in the browser) or 'salon --db {db} people'. Run 'salon import PATH' on "
        "your own exports, then 'salon goal add' and 'salon report', to make yours.",
        highlight=False,
    )


def _summary(result: Any) -> None:
    for what, report in result.reports:
        added = ", ".join(f"{n:,} {table}" for table, n in report.added.items() if n)
        console.print(f"Imported {what}: {added}.", highlight=False)
    plan = result.plan.to_dict()
    goal, segment = plan["goal"], plan["segment"]
    console.print(
        f"\n[bold]Goal '{goal['name']}'[/]: {goal['objective']} the {segment['members']:,} "
        f"people of {segment['name']} ({segment['rule']}), on '{goal['topic']}', "
        f"{goal['hours_per_week']:g} h a week.",
        highlight=False,
    )
    console.print(f"\n[bold]{plan['advice']}[/]\n", highlight=False)
    agenda = plan["agenda_setters"]
    console.print(f"Whom to be known by: {_names(agenda['known_by'])}", highlight=False)
    console.print(f"The few to win: {_names(agenda['to_win'])}", highlight=False)
    now = [_bare(c["channel"]) for c in plan["channels"]["now"][:3]]
    console.print(f"Channels now: {', '.join(now) or '—'}", highlight=False)
    split = plan["budget"]["split"]
    week = ", ".join(f"{hours:g} h {kind}" for kind, hours in split.items() if hours)
    console.print(f"Your week: {week or 'heads down'}", highlight=False)
    if result.account is not None:
        _account(result.account, result.leak)
    if result.report is not None:
        console.print(f"\nReport: {Path(result.report.html).resolve()}", highlight=False)
        if result.report.pdf:
            console.print(f"PDF:    {Path(result.report.pdf).resolve()}", highlight=False)
        else:
            console.print(
                "[dim]No PDF: no Chromium found (install chromium, or set SALON_CHROMIUM).[/]"
            )


def _account(account: Any, leak: Any) -> None:
    """The example account: private, so shown here and never in the report."""
    console.print(
        f"\n[bold]Account intelligence (private: never in the report without "
        f"--include-private)[/]: {account.name}",
        highlight=False,
    )
    gaps = account.gaps.to_dict()
    missing = [f"{f['field']} ({f['gap']})" for f in gaps["fields"]]
    console.print(f"  Gaps to fill first: {', '.join(missing) or 'none'}", highlight=False)
    unmet = [f"{u['name']} ({u['role'].replace('_', ' ')})" for u in gaps["unmet"][:3]]
    if unmet:
        console.print(f"  Stakeholders you have not met: {', '.join(unmet)}", highlight=False)
    if gaps["roles"]:
        console.print(f"  Roles nobody fills: {', '.join(gaps['roles'])}", highlight=False)
    signals = account.signals.to_dict()["signals"]
    if signals:
        first = signals[0]
        console.print(
            f"  Signal: '{first['text']}' ({first['at'][:10]}): {first['next_step']}",
            highlight=False,
        )
    if leak is not None:
        found = leak.to_dict()
        verdict = "[red]blocked[/]" if found["leaks"] else "[green]clear[/]"
        console.print(f"  Leak guard on a draft post: {verdict}", highlight=False)
        for flag in found["flags"][:2]:
            secret = flag["secret"]
            console.print(
                f"    it retells a {secret['level']} note ({secret['source']}) "
                f'by {flag["method"]}: "{flag["passage"][:90]}…"',
                highlight=False,
            )
