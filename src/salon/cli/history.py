"""`salon imports`: the imports a store holds, and `imports remove ID` to take one back."""

from __future__ import annotations

from typing import Annotated

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
    plural,
)

imports_app = typer.Typer(help="The imports the store holds; remove one exactly.")
app.add_typer(imports_app, name="imports")


@imports_app.callback(invoke_without_command=True)
def imports(ctx: typer.Context, as_json: JsonOption = False, as_csv: CsvOption = False) -> None:
    """List the imports kept, oldest first: when, the files read and what each added.

    Example: salon imports
    """
    if ctx.invoked_subcommand is not None:
        return
    with _store() as store:
        rows = [i.to_dict() for i in salon.imports(store)]
    if as_json:
        _print_json(rows)
        return
    _section(
        "Imports",
        ("id", "started", "files", "added"),
        [
            (
                str(r["id"]),
                r["started_at"],
                f"{len(r['files'])}: " + ", ".join(f.rsplit("/", 1)[-1] for f in r["files"][:3]),
                ", ".join(f"{k} {v:,}" for k, v in r["added"].items()),
            )
            for r in rows
        ],
        empty="No imports yet. Run 'salon import PATH' on an export.",
    )


@imports_app.command("remove")
def imports_remove(
    import_id: Annotated[int, typer.Argument(help="The import's id (see 'salon imports').")],
    as_json: JsonOption = False,
) -> None:
    """Remove exactly what one import added, in one transaction (refused while a later import
    uses people it added: remove the later one first).

    Example: salon imports remove 3
    """
    with _store() as store:
        result = salon.remove_import(store, import_id)
    removed = result.removed
    if as_json:
        _print_json(result.to_dict())
        return
    stored = {k: v for k, v in removed.items() if not k.startswith("lake ")}
    lake = [plural(v, k.removeprefix("lake ")[:-1]) for k, v in removed.items() if k[:5] == "lake "]
    shown = ", ".join(f"{k} {v:,}" for k, v in stored.items()) or "nothing from the store"
    if lake:
        shown += f"; from the market lake, its partition: {', '.join(lake)}"
    console.print(f"Import {import_id} removed: {shown}.")
