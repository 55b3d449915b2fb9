"""The questions Salon answers, each a function of a store: who matters to a segment, which
communities there are, and who the heads-down experts are. The CLI and the demo call these;
they combine snapshots (:mod:`salon.graph.snapshot`), segments and the pure analytics."""

from salon.insights.adoption import (
    PERIODS,
    adoption,
    forecast,
    innovators,
    lead_lag,
    win,
)
from salon.insights.conversation import me, topics, where
from salon.insights.who import communities, context, experts, influencers, names_of

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
