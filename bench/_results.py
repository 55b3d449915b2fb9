"""What every benchmark shares: a header line and bench/results/NAME.txt.

A script wraps its work in :func:`recorded`; everything it prints goes to the terminal and,
when the script finishes without an error, to ``bench/results/NAME.txt`` (NAME: the script's
name), after a header line: the name, the date, the cores (``nproc``), the commit
(``git rev-parse --short HEAD``, ``-dirty`` when ``src/`` or ``bench/`` has uncommitted
changes), the Python version and any arguments. ``SALON_BENCH_SAVE=0`` (or ``save=False``)
prints without writing the file, for development runs.
"""

from __future__ import annotations

import datetime
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stdout
from pathlib import Path
from typing import TextIO

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"


def commit() -> str:
    """The short commit, with ``-dirty`` when src/ or bench/ differ from it."""
    try:
        short = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        ).stdout.strip()
        changed = subprocess.run(
            ["git", "status", "--porcelain", "--", "src", "bench"],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return f"{short}-dirty" if changed else short


def cores() -> int:
    """What ``nproc`` prints: the CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def header(name: str, argv: list[str] | None = None) -> str:
    argv = sys.argv[1:] if argv is None else argv
    line = (
        f"{name} {datetime.date.today().isoformat()} · {cores()} cores · commit {commit()} · "
        f"Python {sys.version.split()[0]}"
    )
    return line + (f" · args {' '.join(argv)}" if argv else "")


class _Tee:
    """A text stream writing to the terminal and keeping a copy."""

    def __init__(self, terminal: TextIO) -> None:
        self.terminal = terminal
        self.parts: list[str] = []

    def write(self, text: str) -> int:
        self.parts.append(text)
        return self.terminal.write(text)

    def flush(self) -> None:
        self.terminal.flush()

    def text(self) -> str:
        return "".join(self.parts)


@contextmanager
def recorded(script: str, *, save: bool = True, name: str | None = None) -> Iterator[Path]:
    """Print the header, then tee stdout; write bench/results/NAME.txt if no error escaped
    (NAME: the script's, unless ``name`` says another, for a part of a long benchmark)."""
    name = name or Path(script).stem
    path = RESULTS / f"{name}.txt"
    tee = _Tee(sys.stdout)
    with redirect_stdout(tee):
        print(header(name), flush=True)
        yield path
    if save and os.environ.get("SALON_BENCH_SAVE", "1") != "0":
        RESULTS.mkdir(parents=True, exist_ok=True)
        text = tee.text()
        path.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
        print(f"(written to {path.relative_to(ROOT)})")


def ratio(peer: float | None, salon: float | None) -> str:
    """``peer time / Salon time``, as printed beside the times (— when either is missing)."""
    if peer is None or salon is None or salon <= 0:
        return "—"
    return f"{peer / salon:.2f}"
