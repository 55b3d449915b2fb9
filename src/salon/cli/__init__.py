"""`salon …`: a thin command line over the public API (Typer + Rich).

One module a theme: ``app`` (the app, global options, output helpers), ``data``,
``identity``, ``analytics``, ``diffusion``, … (each registers its commands on import; a run
imports only the module of the command it runs).
"""

from __future__ import annotations

import gc
import importlib
import os
import sys

import typer

from salon import SalonError
from salon.cli.app import _state, errors
from salon.reporting import noticing

__all__ = ["COMMANDS", "app", "command_of", "load", "main"]

#: The command modules, in the order `salon --help` lists their commands. Importing one
#: registers its commands on the app.
MODULES = (
    "data",
    "demo",
    "history",
    "lake",
    "identity",
    "analytics",
    "diffusion",
    "conversation",
    "meet",
    "offline",
    "accounts",
    "leak",
    "plan",
    "report",
    "serve",
    "collect",
)

#: Each command (or group of commands) and the module that registers it: `salon import …`
#: loads salon.cli.data alone, not every command's module (start-up time).
#: tests/cli/test_startup.py checks this against what each module registers.
COMMANDS = {
    **dict.fromkeys(("import", "sources", "stats", "people", "export"), "data"),
    "demo": "demo",
    "imports": "history",
    "lake": "lake",
    **dict.fromkeys(("person", "duplicates", "merge", "unmerge"), "identity"),
    **dict.fromkeys(
        ("influencers", "communities", "components", "experts", "segment"), "analytics"
    ),
    **dict.fromkeys(
        ("innovations", "adoption", "innovators", "forecast", "win", "lead-lag"), "diffusion"
    ),
    **dict.fromkeys(("topics", "where", "me"), "conversation"),
    "meet": "meet",
    **dict.fromkeys(("ties", "funnel", "nudges"), "offline"),
    **dict.fromkeys(("account", "note", "intro", "signals"), "accounts"),
    "check-post": "leak",
    **dict.fromkeys(("plan", "progress", "goal"), "plan"),
    "report": "report",
    **dict.fromkeys(("serve", "mcp"), "serve"),
    "collect": "collect",
}

#: Global options that take a value: the word after one is not the command.
_VALUED = frozenset({"--db", "--engine", "--master"})

# Importing salon.cli.app bound its name here to the module; ``app`` is the Typer app with
# every command (see __getattr__), as it was when this package imported them all.
del globals()["app"]


def load(command: str | None = None) -> typer.Typer:
    """The app with ``command``'s module registered (every module when ``command`` names
    none of :data:`COMMANDS`: for help, or an unknown name that Click then reports)."""
    for module in (COMMANDS[command],) if command in COMMANDS else MODULES:
        importlib.import_module(f"{__name__}.{module}")
    from salon.cli.app import app

    return app


def __getattr__(name: str) -> typer.Typer:
    if name == "app":
        return load()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def command_of(argv: list[str]) -> str | None:
    """The command ``argv`` runs (its first word after the global options), or None when it
    asks for the overall help first or names none."""
    words = iter(argv)
    for word in words:
        if word in ("--help", "-h", "--"):
            return None
        if word in _VALUED:
            next(words, None)
        elif not word.startswith("-"):
            return word
    return None


def main() -> None:
    """Entry point: run the app; SalonErrors become one message and exit code 1."""
    try:
        _run()
    finally:
        # The process ends here: what is left is freed with it. Frozen, the objects of
        # SQLAlchemy, Typer, DuckDB, … are not walked by the collections Python runs while
        # it exits (about 0.1 s of every command); atexit handlers, flushing and closing
        # run as before.
        gc.freeze()


def _warn(text: str, said: set[str] = set()) -> None:  # noqa: B006 (once a process)
    """A notice from deep inside the library (:func:`salon.reporting.notice`): a warning on
    stderr, once however often the work that finds it runs."""
    if text not in said:
        said.add(text)
        errors.print(f"[yellow]Warning:[/] {text}", highlight=False, soft_wrap=True)


def _run() -> None:
    os.umask(0o077)  # whatever Salon writes (store, exports, caches, charts) is the user's only
    try:
        with noticing(_warn):
            code = load(command_of(sys.argv[1:]))(standalone_mode=False)
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
    # Typer reports Ctrl-C (and a command's own exit code) by return value, not by raising.
    if code == 130:
        errors.print("Interrupted: nothing was changed.")
    sys.exit(code if isinstance(code, int) else 0)
