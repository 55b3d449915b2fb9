"""Progress of long stages deep inside the library (reading 10^8 lake edges, peeling core
numbers), reported to whoever is listening: the CLI draws a Rich bar, the library alone
reports to nobody.

>>> seen = []
>>> with reporting(lambda stage, done, total: seen.append((stage, done, total))):
...     report("reading", 5, 10)
>>> report("nobody listens", 1, 1)
>>> seen
[('reading', 5, 10)]

Warnings found deep inside the library (a segment file with lines that match nobody) go the
same way to whoever listens for notices: the CLI prints them on stderr.

>>> said = []
>>> with noticing(said.append):
...     notice("3 lines match nobody")
>>> notice("nobody listens")
>>> said
['3 lines match nobody']
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

#: ``(stage, done, total)``; ``total`` 0 when unknown.
Reporter = Callable[[str, int, int], None]

_listener: ContextVar[Reporter | None] = ContextVar("salon_reporting", default=None)


@contextmanager
def reporting(listener: Reporter) -> Iterator[None]:
    """Send the stages reported inside the block to ``listener``."""
    token = _listener.set(listener)
    try:
        yield
    finally:
        _listener.reset(token)


def report(stage: str, done: int, total: int) -> None:
    """Say how far a long stage has come (nothing happens when nobody listens)."""
    listener = _listener.get()
    if listener is not None:
        listener(stage, done, total)


#: ``(sentence)``: a warning the user should see, the answer still given.
Noticer = Callable[[str], None]

_noticer: ContextVar[Noticer | None] = ContextVar("salon_notices", default=None)


@contextmanager
def noticing(listener: Noticer) -> Iterator[None]:
    """Send the notices given inside the block to ``listener``."""
    token = _noticer.set(listener)
    try:
        yield
    finally:
        _noticer.reset(token)


def notice(text: str) -> None:
    """Tell the user a warning (nothing happens when nobody listens)."""
    listener = _noticer.get()
    if listener is not None:
        listener(text)
