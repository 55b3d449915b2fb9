"""`salon lake`: what the market lake holds, checking it, and pinning market nodes."""

from __future__ import annotations

from typing import Annotated

import typer

import salon
from salon.cli.app import CsvOption, JsonOption, _print_json, _section, _store, app, console

lake_app = typer.Typer(
    help="The market lake: bulk market edges and posts as Parquet beside the store (see the "
    "README's 'Two homes of data')."
)
app.add_typer(lake_app, name="lake")


@lake_app.callback(invoke_without_command=True)
def lake(ctx: typer.Context, as_json: JsonOption = False, as_csv: CsvOption = False) -> None:
    """Where the lake is and what it holds: edges, nodes, posts and bytes per import.

    Example: salon lake
    """
    if ctx.invoked_subcommand is not None:
        return
    with _store() as store:
        found = salon.lake_summary(store)
    if as_json:
        _print_json(found.to_dict())
        return
    console.print(f"Lake: {found.folder}")
    _section(
        None,
        ("import", "edges", "nodes", "posts", "bytes", "from"),
        [
            (
                str(p["import"]),
                f"{p['edges']:,}",
                f"{p['nodes']:,}",
                f"{p.get('posts', 0):,}",
                f"{p['bytes']:,}",
                ", ".join(f"{s['name']} ({s['namespace']})" for s in p["sources"]),
            )
            for p in found.partitions
        ],
        empty="The lake is empty: import an edge list with 'salon import --lake FILE'.",
        right=("edges", "nodes", "posts", "bytes"),
    )
    if found.partitions:
        per_edge = (
            f" ({found.bytes / max(found.edges, 1):.1f} bytes an edge on disk)"
            if not found.posts
            else ""
        )
        console.print(
            f"{found.edges:,} edges, {found.nodes:,} nodes, {found.posts:,} posts, "
            f"{found.bytes:,} bytes{per_edge}."
        )


@lake_app.command("check")
def check(
    repair: Annotated[
        bool,
        typer.Option(
            "--repair",
            help="Delete what interrupted imports left (never a named partition), and say "
            "what each was and what to import again.",
        ),
    ] = False,
    quick: Annotated[
        bool, typer.Option("--quick", help="Sizes and row counts only; no SHA-256 of each file.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Find missing, damaged or stray lake partitions; each problem names the repair.

    Exits 1 when a problem is found.

    Example: salon lake check
    """
    with _store() as store:
        removed = salon.lake_repair(store) if repair else []
        problems = salon.lake_check(store, full=not quick)
    if as_json:
        found = [p.to_dict() for p in problems]
        _print_json(
            {"removed": [r.to_dict() for r in removed], "problems": found} if repair else found
        )
    else:
        for gone in removed:
            console.print(f"[yellow]Removed:[/] {gone}", highlight=False, soft_wrap=True)
        if repair and not removed:
            console.print("Nothing to remove: no import left a partition behind.")
        for problem in problems:
            console.print(f"[red]Problem:[/] {problem}", highlight=False, soft_wrap=True)
        if not problems:
            console.print("The lake is intact: every partition is there, whole and named.")
    if problems:
        raise typer.Exit(1)


@lake_app.command("pin")
def pin(
    nodes: Annotated[list[str], typer.Argument(help="Market nodes, written namespace:id.")],
    as_json: JsonOption = False,
) -> None:
    """Make market nodes people rows (to name, merge and follow them like anyone else).

    Example: salon lake pin higgs:12345
    """
    with _store() as store:
        ids = salon.lake_pin(store, nodes)
    if as_json:
        _print_json(dict(zip(nodes, ids, strict=True)))
        return
    for node, pid in zip(nodes, ids, strict=True):
        console.print(f"{node} is person {pid}.")
