"""Warm introductions for :mod:`salon.insights.outreach`: your network as a graph of tie
strengths with each pair's relationship stage (step 10), the best paths to a person
(:mod:`salon.intel.paths`), their names and a suggested message that quotes no private note."""

from __future__ import annotations

from typing import Any

import numpy as np

from salon.intel.paths import TieGraph, tie_graph, warm_paths
from salon.offline.stages import relationship_stages
from salon.store.database import Store
from salon.store.facts import display_names
from salon.store.relations import relation_events


def network(store: Store, now: int) -> TieGraph:
    """Your network as a graph of tie strengths, each pair with its relationship stage."""
    from salon.insights.offline import store_ties

    events = relation_events(store)
    ties = store_ties(store, events=events, now=now)
    stages = relationship_stages(
        events.src, events.dst, events.kind, events.at, kinds=events.kinds, began=events.dated
    )
    stage = np.zeros(len(ties), np.int64)
    if len(ties) and len(stages):
        base = int(max(ties.pairs.max(), stages.pairs.max())) + 1
        keys = stages.pairs[:, 0] * base + stages.pairs[:, 1]
        wanted = ties.pairs[:, 0] * base + ties.pairs[:, 1]
        at = np.clip(np.searchsorted(keys, wanted), 0, len(keys) - 1)
        hit = keys[at] == wanted
        stage[hit] = stages.stage[at[hit]]
    return tie_graph(ties, stage)


def stage_with(graph: TieGraph | None, you: int | None, person: int) -> str:
    if graph is None or you is None:
        return "unknown"
    tie = graph.tie(you, person)
    return str(tie["stage"]) if tie else "none"


def _describe(tie: dict[str, Any], a: str, b: str) -> str:
    """A tie in words, for a message: how close, how often, how lately."""
    stage = tie["stage"]
    how = {
        "meal": "have shared a meal",
        "met": "have met in person",
        "call": "have talked on the phone",
        "conversed": "write to each other",
        "online": "are in touch online",
    }[stage]
    last = f", last on {str(tie['last'])[:10]}" if tie.get("last") else ""
    return f"{a} and {b} {how} ({tie['frequency']} interactions{last})"


def _first(name: str | None) -> str:
    return (name or "there").split()[0]


def _message(names: dict[int, str], path: dict[str, Any], title: str | None, at: str | None) -> str:
    """A suggested introduction request; it quotes no private note."""
    people = path["people"]
    introducer, target = names.get(people[1]), names.get(people[-1], "them")
    who = target + (f" ({title}{', ' + at if at else ''})" if title else f" at {at}" if at else "")
    if len(people) == 3:
        ask = f"could you introduce me to {who}?"
    else:
        middle = names.get(people[2], "a colleague")
        ask = f"could you put me in touch with {middle}, who knows {who}?"
    why = _describe(path["ties"][1], "you", _first(names.get(people[2])))
    return (
        f"Hi {_first(introducer)}, {ask} I have an idea that could help them and would value "
        f"twenty minutes; {why}, so a word from you would mean a lot. Happy to send a short "
        "note you can forward."
    )


def name_paths(
    store: Store, rows: list[dict[str, Any]], names: dict[int, str], at: str | None
) -> None:
    """Names every path's people and writes its suggested message."""
    more = {p for r in rows for path in r["paths"] for p in path["people"]} - set(names)
    if more:
        names.update(display_names(store, more))
    for r in rows:
        for path in r["paths"]:
            path["names"] = [names.get(p) for p in path["people"]]
            path["introducer"] = path["people"][1]
            path["message"] = _message(names, path, r["title"], at)


def paths_to(
    graph: TieGraph,
    you: int,
    target: int,
    names: dict[int, str],
    *,
    title: str | None,
    at: str | None,
    top: int,
    max_hops: int,
) -> dict[str, Any]:
    direct = graph.tie(you, target)
    found = warm_paths(graph, you, target, top=top, max_hops=max_hops)
    return {
        "person": target,
        "name": names.get(target),
        "title": title,
        "stage": direct["stage"] if direct else "none",
        "direct": direct,
        "paths": found,
    }
