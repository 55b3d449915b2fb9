"""The questions Salon answers, each a function of a store: who matters to a segment, which
communities there are, and who the heads-down experts are. The CLI and the demo call these;
they combine snapshots (:mod:`salon.graph.snapshot`), segments and the pure analytics.

Each function's module (and numpy, scipy, igraph, numba behind it) is imported when the
function is first used, so that importing the package (as the CLI does) costs nothing."""

from __future__ import annotations

import importlib
import sys
import types
from typing import TYPE_CHECKING, Any

#: The units of time of the adoption models, in seconds.
PERIODS = {"day": 86400.0, "week": 7 * 86400.0, "month": 30.4375 * 86400.0}

if TYPE_CHECKING:
    from salon.insights.adoption import adoption, forecast, innovators, lead_lag, win
    from salon.insights.conversation import me, topics, where
    from salon.insights.who import communities, context, experts, influencers, names_of

_MODULES = {
    "adoption": ("adoption", "forecast", "innovators", "lead_lag", "win"),
    "conversation": ("me", "topics", "where"),
    "who": ("communities", "context", "experts", "influencers", "names_of"),
}
_HOME = {name: module for module, names in _MODULES.items() for name in names}


def __getattr__(name: str) -> Any:
    module = _HOME.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    loaded = importlib.import_module(f"{__name__}.{module}")
    for each in _MODULES[module]:
        globals()[each] = getattr(loaded, each)
    return globals()[name]


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_HOME))


class _Package(types.ModuleType):
    """``insights.adoption`` is the function, as it was when this package imported it eagerly:
    loading the submodule of the same name does not replace it."""

    def __setattr__(self, name: str, value: object) -> None:
        if name in _HOME and isinstance(value, types.ModuleType):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package

__all__ = [
    "PERIODS",
    "adoption",
    "communities",
    "context",
    "experts",
    "forecast",
    "influencers",
    "innovators",
    "lead_lag",
    "me",
    "names_of",
    "topics",
    "where",
    "win",
]
