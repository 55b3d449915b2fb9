"""The questions Salon answers, each a function of a store: who matters to a segment
(:mod:`~salon.insights.who`), where buyers will be (:mod:`~salon.insights.adoption`), where
the conversation is (:mod:`~salon.insights.conversation`), and the store's own questions
(:mod:`~salon.insights.records`). They are the public API (``salon.__all__``): the CLI and
the demo call them; they combine snapshots (:mod:`salon.graph.snapshot`), segments and the
pure analytics, and return result objects (:mod:`~salon.insights.results`).

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
    from salon.insights.accounts import (
        account,
        accounts,
        add_account,
        add_note,
        add_stakeholder,
        import_account,
        intelligence,
        remove_account,
        remove_stakeholder,
    )
    from salon.insights.adoption import adoption, forecast, innovators, lead_lag, win
    from salon.insights.components import components
    from salon.insights.conversation import me, topics, where
    from salon.insights.meetings import meet
    from salon.insights.outreach import account_gaps, intro, signals
    from salon.insights.records import (
        add_segment,
        duplicates,
        export,
        imports,
        innovations,
        merge,
        people,
        person,
        read_as,
        remove_import,
        remove_segment,
        segments,
        set_you,
        sources,
        stats,
        unmerge,
    )
    from salon.insights.who import (
        communities,
        context,
        experts,
        influencers,
        names_of,
        parse_weights,
    )

_MODULES = {
    "accounts": (
        "account",
        "accounts",
        "add_account",
        "add_note",
        "add_stakeholder",
        "import_account",
        "intelligence",
        "remove_account",
        "remove_stakeholder",
    ),
    "adoption": ("adoption", "forecast", "innovators", "lead_lag", "win"),
    "components": ("components",),
    "conversation": ("me", "topics", "where"),
    "meetings": ("meet",),
    "outreach": ("account_gaps", "intro", "signals"),
    "records": (
        "add_segment",
        "duplicates",
        "export",
        "imports",
        "innovations",
        "merge",
        "people",
        "person",
        "read_as",
        "remove_import",
        "remove_segment",
        "segments",
        "set_you",
        "sources",
        "stats",
        "unmerge",
    ),
    "who": ("communities", "context", "experts", "influencers", "names_of", "parse_weights"),
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
    "account",
    "account_gaps",
    "accounts",
    "add_account",
    "add_note",
    "add_segment",
    "add_stakeholder",
    "adoption",
    "communities",
    "components",
    "context",
    "duplicates",
    "experts",
    "export",
    "forecast",
    "import_account",
    "imports",
    "influencers",
    "innovations",
    "innovators",
    "intelligence",
    "intro",
    "lead_lag",
    "me",
    "meet",
    "merge",
    "names_of",
    "parse_weights",
    "people",
    "person",
    "read_as",
    "remove_account",
    "remove_import",
    "remove_segment",
    "remove_stakeholder",
    "segments",
    "set_you",
    "signals",
    "sources",
    "stats",
    "topics",
    "unmerge",
    "where",
    "win",
]
