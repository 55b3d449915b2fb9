"""Whole-store reads computed once per job: inside :func:`scope` (``salon.plan``, which reads
the store and writes nothing to it), the reads that several of its stages repeat — a segment
rule's people, the relationship events, the posts table, an innovation's adoption times and
window, the innovations — are computed on their first call and handed back after. Outside a
scope every call computes afresh, as it always did, so a command that writes between two
reads never sees a stale answer.

What is kept is shared: callers must not change it (each memoised function says what it
hands back a copy of).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from salon.store.database import Store

T = TypeVar("T")

_kept: ContextVar[dict[Hashable, Any] | None] = ContextVar("salon_memo", default=None)


@contextmanager
def scope() -> Iterator[None]:
    """Keep the memoised reads until the block ends (nested scopes share the outer one)."""
    if _kept.get() is not None:
        yield
        return
    token = _kept.set({})
    try:
        yield
    finally:
        _kept.reset(token)


def active() -> bool:
    """Whether a :func:`scope` is open (a read may then fetch more at once, for later calls)."""
    return _kept.get() is not None


def once(store: Store, key: Hashable, compute: Callable[[], T]) -> T:
    """``compute()``, or inside a :func:`scope` the answer it gave for ``store`` and ``key``."""
    kept = _kept.get()
    if kept is None:
        return compute()
    full = (store.url, key)
    if full not in kept:
        kept[full] = compute()
    return kept[full]  # type: ignore[no-any-return]
