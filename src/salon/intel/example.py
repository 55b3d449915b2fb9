"""The example account shipped with Salon: Enron Transportation Services (ETS), kept by Jeff
Dasovich (Director, Regulatory and Government Affairs) in early 2002.

Its data are real: 5,342 messages among ETS, Regulatory and Government Affairs and Enron's
executive office (headers of the Perry & Wolfe table of the Enron corpus, rebuilt by
``scripts/make_enron_account.py``), and one lunch in Jeff's calendar; its plan
(``enron_ets_account.toml``: real titles and mail subjects, notes written for the example)
has gaps and its mail holds signals. ``salon demo`` and the tests use it.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

#: The example account's name.
NAME = "Enron Transportation Services"
#: When its signals are read from (the mail runs to March 2002).
SINCE = "2001-10-01"
FILES = ("enron_ets.mbox.gz", "enron_ets_calendar.ics")
PLAN = "enron_ets_account.toml"


def path(name: str) -> Path:
    """A file of the example in the installed package."""
    return Path(str(resources.files("salon") / "data" / name))


@dataclass(frozen=True)
class ExampleAccount:
    """The example account as the demo shows it: its plan, gaps, signals and warm paths."""

    name: str
    plan: Any
    gaps: Any
    signals: Any
    intro: Any


def load_example(store: Any, *, mine: bool = False) -> dict[str, int]:
    """Import the example's mail and calendar into ``store`` and load its plan; rows the plan
    added. Their owner, Jeff Dasovich, is you in an empty store; in a store that knows you
    already his mail is his (warm paths start from you, who knows none of his colleagues)
    unless ``mine`` makes it yours (``salon import --mine``: he is merged into you)."""
    import salon

    options = salon.ImportOptions(mine=mine)
    salon.import_paths(store, [path(f) for f in FILES], options=options)
    return salon.import_account(store, path(PLAN)).added


def example_store() -> Any:
    """A store in memory holding the example (for the demo, examples and tests).

    Examples
    --------
    >>> store = example_store()
    >>> import salon
    >>> [a["name"] for a in salon.accounts(store).accounts]
    ['Enron Transportation Services']
    """
    import salon

    store = salon.open_store("sqlite://")
    load_example(store)
    return store


def example_account(store: Any, *, top: int = 5) -> ExampleAccount:
    """The example account's plan, gaps, ``top`` signals since :data:`SINCE` and the warm
    paths to its decision maker, from a store :func:`load_example` filled."""
    import salon

    plan = salon.account(store, NAME)
    decider = next(s for s in plan.stakeholders if s["role"] == "decision_maker")
    return ExampleAccount(
        name=NAME,
        plan=plan,
        gaps=salon.account_gaps(store, NAME),
        signals=salon.signals(store, account=NAME, since=SINCE, top=top),
        intro=salon.intro(store, decider["person"], top=1),
    )
