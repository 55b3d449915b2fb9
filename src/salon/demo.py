"""`salon demo`: import the shipped sample data into a temporary store and show what it holds."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from salon import insights
from salon.graph.snapshot import forget_store
from salon.importers import ImportReport, import_paths
from salon.importers.base import ImportOptions
from salon.insights.meetings import MeetingPlan
from salon.insights.results import Experts, Forecast, Influencers, Innovators, Where, Win
from salon.store import Store, open_store
from salon.store.queries import PersonSummary, find_people, stats
from salon.store.segments import add_segment

#: (file in salon/data, namespace for market data, what it is)
SAMPLES = (
    ("linkedin_export_2018.zip", None, "your LinkedIn export (pseudonymised, 2018 layout)"),
    ("radoslaw_email.txt.gz", "radoslaw", "a company's internal e-mail (KONECT, CC BY-SA)"),
    (
        "quantumcomputing_posts.jsonl.gz",
        "quantumcomputing",
        "posts of a Q&A community (Stack Exchange, CC BY-SA)",
    ),
)


#: The demo's segment: people who asked about quantum algorithms on the Q&A site.
SEGMENT = ("quantum-algorithms", "tag:quantum-algorithms & platform:quantumcomputing")
#: The demo's topic, described in words.
TOPIC = "quantum error correction"
#: The demo's meeting plan: your own city (the LinkedIn profile's location).
CITY = "Delhi"


@dataclass
class DemoResult:
    reports: list[tuple[str, ImportReport]]
    counts: dict[str, int]
    you: list[PersonSummary]
    contacts: list[PersonSummary]
    market: list[PersonSummary]
    influencers: Influencers
    experts: Experts
    innovators: Innovators
    forecast: Forecast
    win: Win
    where: Where
    meet: MeetingPlan | None = None


def sample_paths() -> list[tuple[Path, str | None, str]]:
    """The shipped samples: ``(path, namespace, what it is)`` each."""
    base = resources.files("salon") / "data"
    return [(Path(str(base / name)), ns, what) for name, ns, what in SAMPLES]


def sample_store() -> Store:
    """A store in memory holding two of the samples (the LinkedIn export, whose owner is
    you, and the Q&A community's posts as ``quantumcomputing``): for examples and tests.

    Examples
    --------
    >>> import salon
    >>> store = salon.demo.sample_store()
    >>> [i.added["posts"] for i in salon.imports(store)]
    [5, 1670]
    """
    store = open_store("sqlite://")
    for path, namespace, _ in sample_paths():
        if namespace != "radoslaw":
            import_paths(store, [path], options=ImportOptions(namespace=namespace))
    return store


def run_demo(store: Store) -> DemoResult:
    """Import the samples into ``store`` (a temporary one) and run every analysis on them; the
    store's cached snapshots are deleted at the end, since the store goes away with the demo."""
    try:
        return _run(store)
    finally:
        forget_store(store)


def _run(store: Store) -> DemoResult:
    reports = []
    for path, namespace, what in sample_paths():
        report = import_paths(store, [path], options=ImportOptions(namespace=namespace))
        reports.append((what, report))
    people = find_people(store, limit=6)
    you = [p for p in people if p.is_self]
    contacts = [p for p in find_people(store, query="linkedin", limit=6) if not p.is_self][:5]
    market = find_people(store, query="radoslaw", limit=5)
    add_segment(store, *SEGMENT)
    leaders = insights.influencers(store, SEGMENT[0], top=5)
    heads_down = insights.experts(store, SEGMENT[0], top=5)
    early = insights.innovators(store, "platform:quantumcomputing", top=5)
    outlook = insights.forecast(store, "tag:quantum-algorithms", period="week", horizon=12)
    to_win = insights.win(store, SEGMENT[0], k=5)
    conversation = insights.where(store, TOPIC, segment=SEGMENT[0], top=3)
    plan = insights.meet(store, city=CITY, top=3)
    return DemoResult(
        reports,
        stats(store),
        you,
        contacts,
        market,
        leaders,
        heads_down,
        early,
        outlook,
        to_win,
        conversation,
        plan,
    )
