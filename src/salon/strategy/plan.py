"""``salon.plan``: from a goal to a strategy.

The plan composes the public questions (it computes no score of its own), in stages, each
timed:

1. **agenda-setters** — :func:`salon.influencers` (whom the segment listens to: be known by
   them) and **win** — :func:`salon.win` (IMM: the few whose influence reaches most of it);
2. **channels** — :func:`salon.where` for the goal's topic and :func:`salon.lead_lag` (where
   the conversation and the agenda-setters are now), **forecast** — :func:`salon.forecast`
   for the first channels (where the segment will be in 6–12 months, with intervals), and the
   channels to leave (where you post but the segment is not);
3. **budget** — the week's social time, capped at the goal's hours
   (:mod:`salon.strategy.budget`);
4. **meetings** — :func:`salon.meet` on the store's calendar, :func:`salon.nudges`,
   :func:`salon.funnel` (:mod:`salon.strategy.meetings`);
5. **accounts** — the account intelligence to gather first, only with ``include_private``
   (never in public output);
6. **milestones** — measured now (:mod:`salon.strategy.milestones`) with their history from
   ``salon progress``.

Every section leads with one sentence of advice (:mod:`salon.strategy.advice`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from salon import insights
from salon.store import memo
from salon.store.database import Store
from salon.store.facts import display_names, self_ids
from salon.store.goals import get_goal
from salon.strategy import advice, channels, meetings, milestones, plan_advice
from salon.strategy.accounts import account_section
from salon.strategy.budget import weekly_budget
from salon.strategy.goals import as_goal
from salon.strategy.results import Plan

#: Stages reported to ``progress`` and timed, in order.
STAGES = (
    "segment",
    "agenda-setters",
    "win",
    "channels",
    "forecast",
    "meetings",
    "accounts",
    "milestones",
    "budget",
)


class _Clock:
    def __init__(self, progress: Callable[[str], None] | None) -> None:
        self.progress = progress
        self.timings: dict[str, float] = {}

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        if self.progress:
            self.progress(name)
        start = time.perf_counter()
        try:
            yield
        finally:
            self.timings[name] = round(self.timings.get(name, 0.0) + time.perf_counter() - start, 3)


def plan(
    store: Store,
    goal: str,
    *,
    include_private: bool = False,
    now: float | None = None,
    progress: Callable[[str], None] | None = None,
) -> Plan:
    """The strategy for the stored goal ``goal``: whom to be known by and whom to win, the
    channels now and in 6–12 months (and those to leave), the week's time budget, the
    meetings to hold, the account intelligence to gather first (only with
    ``include_private``: it is private), and the milestones that will show it works — each
    item with its reason and evidence, each section led by a sentence of advice, and the
    seconds each stage took (``timings``). ``progress`` is called with each stage's name as
    it starts; ``now`` (Unix seconds) dates the meetings and nudges.

    Examples
    --------
    >>> import salon
    >>> store = salon.demo.sample_store()
    >>> _ = salon.add_goal(store, "qec", objective="learn",
    ...                    segment="tag:quantum-error-correction", topic="error correction")
    >>> found = salon.plan(store, "qec")
    >>> list(found.to_dict())[:4]
    ['goal', 'advice', 'you', 'segment']
    >>> len(found.agenda_setters["known_by"]), "accounts" in found.to_dict()
    (5, False)
    >>> sum(i["hours"] for i in found.budget["items"]) <= 4
    True
    """
    # The stages read the same segments, posts, events and adoption times: once each.
    with memo.scope():
        return _plan(store, goal, include_private=include_private, now=now, progress=progress)


def _plan(
    store: Store,
    goal: str,
    *,
    include_private: bool,
    now: float | None,
    progress: Callable[[str], None] | None,
) -> Plan:
    clock = _Clock(progress)
    record = get_goal(store, goal)
    notes: list[str] = []
    with clock.stage("segment"):
        members = milestones.segment_people(store, record)
        you = self_ids(store)
        me = you[0] if you else None
        you_info = {"person": me, "name": display_names(store, [me]).get(me)} if me else None
    with clock.stage("agenda-setters"):
        known = insights.influencers(store, record.segment, top=milestones.KNOWN_BY)
    with clock.stage("win"):
        won, seeds, your_seed = milestones.winners(store, record.segment, you)
    people = milestones.merge_targets(known.influencers, seeds)
    with clock.stage("channels"):
        now_rows, _, _ = channels.now_channels(store, record.segment, record.topic, notes)
    with clock.stage("forecast"):
        present = [c["channel"] for c in now_rows if c["segment_present"]]
        later = channels.later_channels(
            store, record.segment, present, record.horizon_months, notes
        )
        leave = channels.leave_channels(store, now_rows, later, me, record.topic)
    with clock.stage("meetings"):
        offline = meetings.offline(store, record.segment, now=now)
    private = None
    with clock.stage("accounts"):
        if include_private:
            private = account_section(store, record.accounts)
    with clock.stage("milestones"):
        measured, found = milestones.measure(
            store, people, members, meetings_target=max(1, len(offline["suggestions"]))
        )
        notes.extend(found)
        past = milestones.history(store, record.id)
    attention = _attention(store, people, measured)
    section1 = _agenda(known.to_dict(), won, seeds, your_seed, attention)
    section2 = {
        "advice": "",
        "topic": record.topic,
        "now": now_rows,
        "later": later,
        "leave": leave,
        "notes": [n for n in notes if n.startswith(("Channels", "No forecast", "The data of"))],
    }
    section2["advice"] = plan_advice.channels(section2, record.segment)
    with clock.stage("budget"):
        section3 = _budget(record, section2, section1, offline)
    offline["advice"] = meetings.meetings_advice(offline, record.segment, known=me is not None)
    section4 = {"advice": offline.pop("advice"), **offline}
    section6 = {
        "advice": plan_advice.milestones(measured, record.horizon_months),
        "items": measured,
    }
    section6["history"] = past
    goal_dict = as_goal(record).to_dict()
    if record.accounts and not include_private:
        # Whom you sell to is private too: named only with include_private.
        goal_dict["accounts"] = []
        notes.append(
            f"The goal names {advice.plural(len(record.accounts), 'account')}: its intelligence "
            "is private and left out (include it with --include-private)."
        )
    return Plan(
        goal=goal_dict,
        advice=plan_advice.plan(goal_dict, section1, section2, section3, section4),
        you=you_info,
        segment={
            **known.segment,
            "members": known.members,
            "members_in_graph": known.members_in_graph,
        },
        agenda_setters=section1,
        channels=section2,
        budget=section3,
        meetings=section4,
        accounts=private,
        milestones=section6,
        notes=notes + known.notes,
        timings=clock.timings,
    )


def _attention(
    store: Store, people: list[dict[str, Any]], measured: list[dict[str, Any]]
) -> dict[int, dict[str, int]]:
    """Each target's attention to you by kind (from the ``known_by`` milestone)."""
    known = next(m for m in measured if m["milestone"] == "known_by")
    out = {p["person"]: {} for p in people}
    for row in known["people"]:
        kinds = dict(row["kinds"])
        if row["meetings"]:
            kinds["meeting"] = row["meetings"]
        out[row["person"]] = kinds
    return out


def _agenda(
    known: dict[str, Any],
    won: dict[str, Any],
    kept: list[dict[str, Any]],
    yours: dict[str, Any] | None,
    attention: dict[int, dict[str, int]],
) -> dict[str, Any]:
    rows = []
    for r in known["influencers"]:
        kinds = advice.join(
            advice.plural(n, k) for k, n in list(r["attention_from_segment"].items())[:3]
        )
        already = attention.get(r["person"]) or {}
        to_you = (
            "; already pays you attention: "
            + advice.join(advice.plural(n, k) for k, n in already.items())
            if already
            else ""
        )
        rows.append(
            {
                **{k: r[k] for k in ("rank", "person", "name", "ppr", "lift")},
                "attention_from_segment": r["attention_from_segment"],
                "segment_members_attending": r["segment_members_attending"],
                "followers": r["followers"],
                "k_core": r["k_core"],
                "attention_to_you": already,
                "reason": f"{r['segment_members_attending']:,} of the segment's "
                f"{known['members_in_graph']:,} people attend to them"
                + (f" ({kinds})" if kinds else "")
                + f"; {r['lift']:.1f}× their weight in the whole network{to_you}",
            }
        )
    seeds = []
    for s in kept:
        seeds.append(
            {
                **s,
                "reason": f"adds {s['marginal_gain']:.1f} people of the segment reached "
                f"(expected); with those before, {s['cumulative_share']:.0%} of it"
                + ("; in the segment" if s["in_segment"] else ""),
            }
        )
    section = {
        "advice": "",
        "known_by": rows,
        "to_win": seeds,
        "reach": _reach(won, kept),
        "your_seed": yours,
        "notes": known["notes"],
    }
    section["advice"] = plan_advice.agenda(section, known["segment"]["name"])
    return section


def _reach(won: dict[str, Any], kept: list[dict[str, Any]]) -> dict[str, Any]:
    """The reach of the seeds kept: IMM's own figures when they are all it chose; else their
    cumulative share (IMM's guarantee is for the seeds it chose, so it is None)."""
    whole = len(kept) == len(won["seeds"])
    share = kept[-1]["cumulative_share"] if kept else 0.0
    return {
        "expected_reach": won["expected_reach"] if whole else share * won["segment_in_graph"],
        "expected_share": won["expected_share"] if whole else share,
        "segment_in_graph": won["segment_in_graph"],
        "guaranteed_reach": won["guaranteed_reach"] if whole else None,
        "bound_holds": won["bound_holds"] if whole else None,
    }


def _budget(
    record: Any, ch: dict[str, Any], agenda: dict[str, Any], offline: dict[str, Any]
) -> dict[str, Any]:
    chosen = [c for c in ch["now"] if c["segment_present"]][:3]
    weights = [
        (c["channel"], float(c["score"]) if c["score"] is not None else 0.0, c["reason"])
        for c in chosen
    ]
    talk: list[tuple[int, str, str]] = []
    seen: set[int] = set()
    for row in [*agenda["to_win"], *agenda["known_by"]]:
        if row["person"] in seen:
            continue
        seen.add(row["person"])
        talk.append((row["person"], advice.who(row), row["reason"]))
    meet: list[tuple[int | None, str, str]] = [
        (
            s["person"],
            f"{s['form'].capitalize()} with {advice.who(s)} in {s['city']}",
            "; ".join(s["why"]),
        )
        for s in offline["suggestions"][:3]
    ]
    meet += [
        (r["person"], f"Get back in touch with {advice.who(r)}", r["reason"])
        for r in offline["reconnect"][:2]
    ]
    found = weekly_budget(
        record.hours_per_week, record.objective, channels=weights, people=talk[:5], offline=meet
    )
    return {"advice": plan_advice.budget(found), **found}
