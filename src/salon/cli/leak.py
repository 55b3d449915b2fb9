"""The leak guard: `salon check-post`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

import salon
from salon import SalonError
from salon.cli.app import JsonOption, _print_json, _store, app, busy, console

if TYPE_CHECKING:
    from salon.intel.leak import Flag, LeakReport

#: The exit code when something private or team-only would leak.
LEAK_EXIT = 3


def _read(source: str) -> str:
    if source == "-":
        return sys.stdin.read()
    path = Path(source).expanduser()
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SalonError(
            f"No file '{source}': give a draft's file, or - to read it from stdin."
        ) from None
    except IsADirectoryError:
        raise SalonError(f"'{source}' is a folder: give a draft's file.") from None
    except UnicodeDecodeError as exc:
        raise SalonError(
            f"Could not read '{source}': it is not UTF-8 text (byte {exc.start})."
        ) from None
    except OSError as exc:
        raise SalonError(f"Could not read '{source}': {exc.strerror}.") from None


def _where(text: str, start: int) -> str:
    line = text.count("\n", 0, start) + 1
    column = start - (text.rfind("\n", 0, start) + 1) + 1
    return f"line {line}, column {column}"


def _describe(flag: Flag) -> str:
    secret = flag.secret
    what = secret.what or secret.kind
    if secret.kind == "name":
        head = f"the {what} name '{secret.text}'"
    else:
        head = f"{secret.kind} ({what})"
    about = ", ".join(x for x in (secret.account, secret.person) if x)
    return f"{head} [{secret.level}]" + (f", about {about}" if about else "")


def _print_report(text: str, report: LeakReport) -> None:
    if not report.flags:
        console.print(
            f"Clean: no passage reveals private or team intelligence "
            f"(checked against {report.secrets} secrets).",
            highlight=False,
        )
    else:
        n = len(report.flags)
        console.print(
            f"[bold red]Would leak:[/] {n} passage{'s' if n > 1 else ''} reveal private or "
            f"team intelligence (checked against {report.secrets} secrets).\n",
            highlight=False,
        )
    for i, flag in enumerate(report.flags, start=1):
        console.print(
            f"{i}. {_where(text, flag.start)}: [bold]{escape(flag.passage)}[/]", highlight=False
        )
        console.print(f"   reveals {escape(_describe(flag))}", highlight=False)
        console.print(f"   source: {escape(flag.secret.source or '—')}", highlight=False)
        if flag.secret.kind != "name":
            console.print(f"   note: {escape(flag.matched)}", highlight=False, soft_wrap=True)
        shared = f"; shared words: {', '.join(flag.shared)}" if flag.shared else ""
        console.print(
            f"   match: {flag.method}, similarity {flag.similarity:.2f}{escape(shared)}",
            highlight=False,
        )
    for note in report.notes:
        console.print(note, highlight=False)


@app.command("check-post")
def check_post(
    draft: Annotated[
        str, typer.Argument(help="The draft post: a text file, or - to read standard input.")
    ],
    as_json: JsonOption = False,
) -> None:
    """Check a draft post before publishing it: every passage that reveals private or team
    intelligence (a stakeholder's, account's or project's name; a close paraphrase of a
    private note, a contact's note, a private message or a meeting) is shown with the note it
    matches. Exit code 3 when something would leak, 0 when the draft is clean, so a
    publishing script can stop on it.

    Example: salon check-post draft.md && ./publish.sh draft.md
    """
    text = _read(draft)
    if not text.strip():
        raise SalonError(f"The draft '{draft}' is empty.")
    with _store() as store, busy("Checking the draft…"):
        report = salon.check_post(store, text)
    if as_json:
        _print_json(report.to_dict())
    else:
        _print_report(text, report)
    if report.leaks:
        raise typer.Exit(LEAK_EXIT)
