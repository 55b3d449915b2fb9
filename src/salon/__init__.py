"""Salon: a private, local-first relationship and social-strategy engine.

The public API is ``salon.__all__``: open a store, import exports into it, and ask it the
questions Salon answers. Each question is a function of a store with keyword-only options
that returns a result object carrying its evidence (``to_dict()`` gives its JSON). The CLI,
and every other surface, calls only these.

>>> import salon
>>> store = salon.demo.sample_store()            # or salon.open_store("~/salon.db")
>>> found = salon.influencers(store, "tag:quantum-algorithms", top=3)
>>> len(found.influencers), sorted(found.to_dict())[:3]
(3, ['edges', 'influencers', 'members'])
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

from salon.errors import (
    ConvergenceError,
    ExportFormatError,
    SalonError,
    SchemaVersionError,
    StoreError,
    UnknownExportError,
    UnsafeInputError,
)

if TYPE_CHECKING:
    from salon import demo
    from salon.collect import collect as collect_from
    from salon.collect import jobs as collect_jobs
    from salon.identity import CANDIDATE as MIN_DUPLICATE_SCORE
    from salon.importers import ImportReport, import_paths
    from salon.importers.base import ImportOptions
    from salon.importers.edges import LAYOUTS
    from salon.insights import (
        PERIODS,
        account,
        account_gaps,
        accounts,
        add_account,
        add_note,
        add_segment,
        add_stakeholder,
        adoption,
        communities,
        components,
        duplicates,
        experts,
        export,
        forecast,
        import_account,
        imports,
        influencers,
        innovations,
        innovators,
        intelligence,
        intro,
        lead_lag,
        me,
        meet,
        merge,
        parse_weights,
        people,
        person,
        read_as,
        remove_account,
        remove_import,
        remove_segment,
        remove_stakeholder,
        segments,
        set_you,
        signals,
        sources,
        stats,
        topics,
        unmerge,
        where,
        win,
    )
    from salon.insights.offline import funnel, nudges, ties
    from salon.intel.secrets import check_post
    from salon.intel.secrets import gather as leak_secrets
    from salon.lake import check as lake_check
    from salon.lake import land
    from salon.lake import pin as lake_pin
    from salon.lake import repair_leftovers as lake_repair
    from salon.lake import summary as lake_summary
    from salon.lake.posts import land_posts
    from salon.reports import report
    from salon.store import Store, open_store
    from salon.strategy.advice import advice
    from salon.strategy.goals import add_goal, goals, remove_goal
    from salon.strategy.milestones import progress
    from salon.strategy.plan import plan

#: The questions Salon answers: each a function in :mod:`salon.insights`.
_QUESTIONS = (
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
)

#: Whom to meet: in :mod:`salon.insights.offline`.
_OFFLINE = ("funnel", "nudges", "ties")

#: From a goal to a strategy: in :mod:`salon.strategy`.
_STRATEGY = {
    "add_goal": "goals",
    "goals": "goals",
    "remove_goal": "goals",
    "plan": "plan",
    "progress": "milestones",
}

# The store, the importers and the analytics load SQLAlchemy, Alembic, numpy, scipy, igraph
# and numba: imported when first used (`salon.open_store`, `salon.influencers`), so that
# `import salon` (and the CLI) start fast.
_LAZY = {
    "ImportOptions": ("salon.importers.base", "ImportOptions"),
    "ImportReport": ("salon.importers", "ImportReport"),
    "LAYOUTS": ("salon.importers.edges", "LAYOUTS"),
    "MIN_DUPLICATE_SCORE": ("salon.identity", "CANDIDATE"),
    "PERIODS": ("salon.insights", "PERIODS"),
    "Store": ("salon.store", "Store"),
    "import_paths": ("salon.importers", "import_paths"),
    "open_store": ("salon.store", "open_store"),
    "advice": ("salon.strategy.advice", "advice"),
    "collect_from": ("salon.collect", "collect"),
    "collect_jobs": ("salon.collect", "jobs"),
    "report": ("salon.reports", "report"),
    **{name: ("salon.insights", name) for name in _QUESTIONS},
    "read_as": ("salon.importers", "read_as"),  # what salon import prints: no insights loaded
    **{name: ("salon.insights.offline", name) for name in _OFFLINE},
    **{name: (f"salon.strategy.{module}", name) for name, module in _STRATEGY.items()},
    "check_post": ("salon.intel.secrets", "check_post"),
    "leak_secrets": ("salon.intel.secrets", "gather"),
    "lake_check": ("salon.lake", "check"),
    "lake_pin": ("salon.lake", "pin"),
    "lake_repair": ("salon.lake", "repair_leftovers"),
    "lake_summary": ("salon.lake", "summary"),
    "land": ("salon.lake", "land"),
    "land_posts": ("salon.lake.posts", "land_posts"),
}
_SUBMODULES = ("demo",)


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    if name not in _LAZY:
        raise AttributeError(f"module 'salon' has no attribute {name!r}")
    module, attribute = _LAZY[name]
    value = getattr(importlib.import_module(module), attribute)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY) | set(_SUBMODULES))


__all__ = [
    "LAYOUTS",
    "MIN_DUPLICATE_SCORE",
    "PERIODS",
    "ConvergenceError",
    "ExportFormatError",
    "ImportOptions",
    "ImportReport",
    "SalonError",
    "SchemaVersionError",
    "Store",
    "StoreError",
    "UnknownExportError",
    "UnsafeInputError",
    "__version__",
    "account",
    "account_gaps",
    "accounts",
    "add_account",
    "add_goal",
    "add_note",
    "add_segment",
    "add_stakeholder",
    "adoption",
    "advice",
    "check_post",
    "collect_from",
    "collect_jobs",
    "communities",
    "components",
    "demo",
    "duplicates",
    "experts",
    "export",
    "forecast",
    "funnel",
    "goals",
    "import_account",
    "import_paths",
    "imports",
    "influencers",
    "innovations",
    "innovators",
    "intelligence",
    "intro",
    "lake_check",
    "lake_pin",
    "lake_repair",
    "lake_summary",
    "land",
    "land_posts",
    "lead_lag",
    "leak_secrets",
    "me",
    "meet",
    "merge",
    "nudges",
    "open_store",
    "parse_weights",
    "people",
    "person",
    "plan",
    "progress",
    "read_as",
    "remove_account",
    "remove_goal",
    "remove_import",
    "remove_segment",
    "remove_stakeholder",
    "report",
    "segments",
    "set_you",
    "signals",
    "sources",
    "stats",
    "ties",
    "topics",
    "unmerge",
    "where",
    "win",
]
