"""`salon demo`: Salon's main job on the shipped real sample — import it, add a goal, make the
plan and write its report — telling where it is at each stage.

The sample (``src/salon/data``, cited in ``SOURCES.md``): your LinkedIn export (pseudonymised,
with names), a company's internal e-mail (KONECT) and the first six months of Quantum
Computing Stack Exchange (its users' display names kept). The goal: become a trusted answerer
for the people asking about quantum error correction. Then the private side: the example
account (Enron Transportation Services, from the Enron mail) with its gaps and signals, and a
draft post the leak guard blocks.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from salon.graph.snapshot import forget_store
from salon.importers import ImportReport, import_paths
from salon.importers.base import ImportOptions
from salon.store import Store, open_store
from salon.store.queries import stats
from salon.store.segments import add_segment

if TYPE_CHECKING:
    from salon.intel.example import ExampleAccount
    from salon.intel.secrets import LeakReport
    from salon.reports import Report
    from salon.strategy.results import Plan

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

#: The demo's segment: the people who asked about quantum error correction on the Q&A site.
SEGMENT = ("qec-askers", "tag:quantum-error-correction & platform:quantumcomputing")
#: The demo's topic, described in words.
TOPIC = "quantum error correction"
#: The demo's goal: become a trusted answerer for that segment (to be known by it: reach).
GOAL = "trusted-answerer"
OBJECTIVE = "reach"
#: The demo's week: heads down, 4 hours of social work at most.
HOURS_PER_WEEK = 4.0
#: A draft post the leak guard blocks: it retells a private note on the example account
#: (who in its legal team holds deals back) without naming anyone.
LEAKY_DRAFT = (
    "Lesson from a week with pipeline people: when legal sends contracts back more often than "
    "the commercial team would like, legal becomes the brake on every new deal."
)


@dataclass
class DemoResult:
    """What the demo did: the imports, the store's rows, the goal's plan and its report
    (None when no folder was given), the example account (its gaps, signals and warm paths:
    private, never in the report) with a draft the leak guard blocked, and the seconds each
    stage took, in order."""

    reports: list[tuple[str, ImportReport]]
    counts: dict[str, int]
    plan: Plan
    report: Report | None = None
    account: ExampleAccount | None = None
    leak: LeakReport | None = None
    timings: dict[str, float] = field(default_factory=dict)


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


class _Stages:
    """Times each stage and tells ``progress`` as it starts."""

    def __init__(self, progress: Callable[[str], None] | None) -> None:
        self.progress = progress or (lambda _stage: None)
        self.timings: dict[str, float] = {}
        self._current: tuple[str, float] | None = None

    def start(self, name: str) -> None:
        self.stop()
        self.progress(name)
        self._current = (name, time.perf_counter())

    def stop(self) -> None:
        if self._current is not None:
            name, started = self._current
            self.timings[name] = round(time.perf_counter() - started, 3)
            self._current = None

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        self.start(name)
        try:
            yield
        finally:
            self.stop()


def run_demo(
    store: Store,
    out_dir: str | Path | None = None,
    *,
    pdf: bool | None = None,
    progress: Callable[[str], None] | None = None,
) -> DemoResult:
    """Import the samples into ``store`` (a temporary one), add the demo's goal, make its
    plan and, with ``out_dir``, write its report there, with its PDF when ``pdf`` (None: when
    a Chromium is found). ``progress`` is told each stage's name as it starts (``import …``,
    ``goal``, the plan's stages, the report's). The store's cached snapshots are deleted at
    the end: the store goes away with the demo."""
    if pdf is None:
        from salon.reports.pdf import find_chromium

        pdf = out_dir is not None and find_chromium() is not None
    try:
        return _run(store, out_dir, pdf=pdf, stages=_Stages(progress))
    finally:
        forget_store(store)


def _run(store: Store, out_dir: str | Path | None, *, pdf: bool, stages: _Stages) -> DemoResult:
    import salon

    reports = []
    for path, namespace, what in sample_paths():
        with stages.stage(f"import {what}"):
            report = import_paths(store, [path], options=ImportOptions(namespace=namespace))
        reports.append((what, report))
    with stages.stage("goal"):
        add_segment(store, *SEGMENT)
        salon.add_goal(
            store,
            GOAL,
            objective=OBJECTIVE,
            segment=SEGMENT[0],
            topic=TOPIC,
            hours_per_week=HOURS_PER_WEEK,
        )
    written = None
    if out_dir is None:
        plan = salon.plan(store, GOAL, progress=lambda name: stages.start(f"plan: {name}"))
    else:
        written = salon.report(store, GOAL, out_dir, pdf=pdf, progress=stages.start)
        plan = written.plan or salon.plan(store, GOAL)
    stages.stop()
    account, leak = _account(store, stages)
    return DemoResult(reports, stats(store), plan, written, account, leak, stages.timings)


def _account(store: Store, stages: _Stages) -> tuple[ExampleAccount, LeakReport]:
    """The example account (Enron Transportation Services: its mail, a lunch, its plan),
    what to learn about it first and what is happening there, and a draft post checked."""
    import salon
    from salon.intel.example import example_account, load_example

    with stages.stage("account: import the example (Enron's mail, its plan)"):
        load_example(store, mine=True)  # the demo user's own mailbox: warm paths from you
    with stages.stage("account: gaps, signals, warm paths"):
        account = example_account(store, top=3)
    with stages.stage("leak guard: check a draft post"):
        leak = salon.check_post(store, LEAKY_DRAFT)
    return account, leak
