"""The answers of the public API: frozen dataclasses that carry their evidence.

``to_dict()`` gives the JSON the CLI prints with ``--json`` (fields in order; a field marked
``internal`` — the fitted model behind a forecast — stays out of it, and one marked
``optional`` is left out when None). ``result["key"]`` reads a field as ``to_dict()`` would
show it. This module imports only the standard library: the CLI loads it at no cost.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from salon.diffusion.bass import BassFit

_INTERNAL = {"internal": True}
_OPTIONAL = {"optional": True}


@dataclass(frozen=True)
class Result:
    """Base of every result: ``to_dict()`` for JSON, ``result[key]`` for one field."""

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if f.metadata.get("internal") or (f.metadata.get("optional") and value is None):
                continue
            out[f.metadata.get("key", f.name)] = value
        return out

    def __getitem__(self, key: str) -> Any:
        return self.to_dict()[key]


@dataclass(frozen=True)
class Influencers(Result):
    """Agenda-setters of a segment: each with PPR, lift, k-core and attention by kind."""

    segment: dict[str, str]
    members: int
    members_in_graph: int
    nodes: int
    edges: int
    influencers: list[dict[str, Any]]
    notes: list[str]


@dataclass(frozen=True)
class Communities(Result):
    """A Leiden partition: its size, modularity and the communities shown."""

    communities: int
    modularity: float
    seed: int
    resolution: float
    nodes: int
    shown: list[dict[str, Any]]


@dataclass(frozen=True)
class Experts(Result):
    """Heads-down experts, with the evidence used and the evidence the store lacks."""

    segment: dict[str, str]
    candidates: int
    ranked: bool
    substance_from: list[str]
    visibility_from: list[str]
    missing: dict[str, str]
    notes: list[str]
    experts: list[dict[str, Any]]


@dataclass(frozen=True)
class Adoption(Result):
    """Every adopter's Rogers stage, the Bass fit behind it and the censoring windows."""

    innovation: str
    segment: dict[str, str] | None
    adopters: int
    segment_size: int | None
    method: str
    bass: dict[str, Any] | None
    shares: dict[str, float]
    censoring: dict[str, Any] | None
    notes: list[str]
    people: list[dict[str, Any]]


@dataclass(frozen=True)
class Forecast(Result):
    """A forecast by the model that forecast the series' held-out tail best (``model``: which,
    why, the held-out errors), with calibrated 90 % intervals, the Bass fit, and an optional
    backtest; ``fit`` is the Bass fit itself and ``path`` the forecasts 1..``horizon`` periods
    ahead (not in the JSON), ``horizon`` the periods ahead asked for."""

    innovation: str
    segment: dict[str, str] | None
    period: str
    adopters: int
    segment_size: int | None
    observed: list[float]
    model: dict[str, Any]
    forecasts: list[dict[str, Any]]
    bass: dict[str, Any] | None
    censoring: dict[str, Any] | None
    notes: list[str] = field(default_factory=list)
    backtest: dict[str, Any] | None = field(default=None, metadata=_OPTIONAL)
    fit: BassFit | None = field(default=None, metadata=_INTERNAL, repr=False, compare=False)
    path: list[dict[str, Any]] = field(
        default_factory=list, metadata=_INTERNAL, repr=False, compare=False
    )
    horizon: int = field(default=12, metadata=_INTERNAL)

    def labels(self) -> list[str]:
        """``+6 weeks: 480 adopters (90% 451–480)``: each forecast in words."""
        from salon.diffusion.plot import forecast_label

        return [forecast_label(f, self.period) for f in self.forecasts]

    def svg(self, *, title: str | None = None) -> str:
        """The chart of the fit and its forecasts, 1 to ``horizon`` periods ahead."""
        from salon.diffusion.plot import forecast_svg

        return forecast_svg(
            self.observed,
            self.path,
            fit=self.fit,
            horizons=[f["horizon"] for f in self.forecasts],
            period=self.period,
            title=title or f"{self.innovation}: adopters and {self.model['chosen']} forecast",
        )

    def write_svg(self, path: str | Path, *, title: str | None = None) -> Path:
        """Write :meth:`svg` to ``path``, 0600 (the chart shows who adopted when)."""
        from salon.private import write_private_text

        write_private_text(Path(path), self.svg(title=title))
        return Path(path)


@dataclass(frozen=True)
class Innovators(Result):
    """The segment's most innovative people, over the innovations counted."""

    segment: dict[str, str]
    innovations: int
    innovators: list[dict[str, Any]]


@dataclass(frozen=True)
class Win(Result):
    """Whom to win (IMM): the seeds, the expected reach, its check and the guarantee."""

    segment: dict[str, str]
    segment_in_graph: int
    k: int
    epsilon: float
    rr_sets: int
    rr_bytes: int
    expected_reach: float
    expected_share: float
    selection_reach: float
    monte_carlo_reach: float
    excluded: int
    opt_lower_bound: float
    guaranteed_reach: float
    bound_holds: bool
    seeds: list[dict[str, Any]]


@dataclass(frozen=True)
class LeadLag(Result):
    """Per platform and channel, how many months after its agenda-setters the segment came."""

    segment: dict[str, str]
    agenda_setters: int
    channels: list[dict[str, Any]]


@dataclass(frozen=True)
class Topics(Result):
    """The tags found in posts, with their posts per calendar month (``months``)."""

    posts: int
    months: list[str]
    topics: list[dict[str, Any]]


@dataclass(frozen=True)
class Where(Result):
    """Channels ranked for a segment and a topic, each with its parts and evidence."""

    topic: str
    method: str
    on_topic_posts: int
    segment: dict[str, str]
    segment_size: int
    notes: list[str]
    channels: list[dict[str, Any]]


@dataclass(frozen=True)
class Me(Result):
    """Your conversation health: posts, the share that is conversation, per channel."""

    you: int
    posts: int
    conversation_share: float | None
    channels: list[dict[str, Any]]


@dataclass(frozen=True)
class You(Result):
    """Who you are after :func:`salon.set_you`: ``merged`` is the person merged into you
    (None when the account's person simply became you), ``merge`` that merge's id."""

    you: int
    merged: int | None
    merge: int | None = field(default=None, metadata=_OPTIONAL)


@dataclass(frozen=True)
class Profile(Result):
    """One person across every source, each item with the file and line it came from."""

    id: int
    name: str | None
    headline: str | None
    location: str | None
    is_self: bool
    merged_people: list[int]
    identities: list[dict[str, Any]]
    affiliations: list[dict[str, Any]]
    ties: list[dict[str, Any]]
    timeline: list[dict[str, Any]]
    posts: int
    merges: list[dict[str, Any]]


@dataclass(frozen=True)
class Merge(Result):
    """A merge made by hand: ``other`` now points at ``keep``."""

    merge: int
    keep: int
    other: int


@dataclass(frozen=True)
class Unmerge(Result):
    """The merges undone for ``person``."""

    person: int
    undone: list[int]


@dataclass(frozen=True)
class SegmentInfo(Result):
    """A segment as stored, with its size now (None for a rule of communities, which needs a
    partition to count) or the error its rule gives now (a file since moved)."""

    name: str
    rule: str
    people: int | None = None
    error: str | None = None


@dataclass(frozen=True)
class Export(Result):
    """An export: the folder and the rows written per table (``<table>.jsonl``)."""

    directory: str
    tables: dict[str, int]

    @property
    def rows(self) -> int:
        return sum(self.tables.values())


@dataclass(frozen=True)
class ImportRecord(Result):
    """One import kept in the store: when, the paths given, the files read, rows added."""

    id: int
    started_at: str | None
    paths: list[str]
    files: list[str]
    added: dict[str, int]


@dataclass(frozen=True)
class RemovedImport(Result):
    """What taking an import back removed, per table."""

    import_id: int = field(metadata={"key": "import"})
    removed: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Stats(Result):
    """Rows per table, and the history of your dated follower and following lists."""

    tables: dict[str, int]
    follow_history: list[dict[str, Any]]


@dataclass(frozen=True)
class Source(Result):
    """An importer: its name, what it reads, and the files it takes."""

    name: str
    description: str
    files: str
