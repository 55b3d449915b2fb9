# ruff: noqa: I001 (command modules are imported in the order `salon --help` lists them)
"""`salon …`: a thin command line over the public API (Typer + Rich).

One module a theme: ``app`` (the app, global options, output helpers), ``data``,
``identity``, ``analytics`` and ``diffusion`` (each registers its commands on import).
"""

from __future__ import annotations

import os
import sys

import typer

# Importing a module registers its commands; the order here is the order of `salon --help`.
from salon.cli import data  # noqa: F401
from salon.cli import demo  # noqa: F401
from salon.cli import history  # noqa: F401
from salon.cli import lake  # noqa: F401
from salon.cli import identity  # noqa: F401
from salon.cli import analytics  # noqa: F401
from salon.cli import diffusion  # noqa: F401
from salon.cli import conversation  # noqa: F401
from salon.cli import meet  # noqa: F401
from salon.cli import offline  # noqa: F401
from salon.cli import accounts  # noqa: F401
from salon.cli import leak  # noqa: F401
from salon.cli import plan  # noqa: F401
from salon.cli import report  # noqa: F401
from salon.cli import serve  # noqa: F401
from salon.cli import collect  # noqa: F401
from salon.cli.app import _state, app, errors
from salon import SalonError

__all__ = ["app", "main"]


def main() -> None:
    """Entry point: run the app; SalonErrors become one message and exit code 1."""
    os.umask(0o077)  # whatever Salon writes (store, exports, caches, charts) is the user's only
    try:
        code = app(standalone_mode=False)
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
