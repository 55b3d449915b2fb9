"""What will show that a plan works: milestones measured in the store, now and over
re-imports (``salon progress``).

The targets are the plan's agenda-setters to be known by and the people to win
(:func:`targets`); their milestones count who among them pays attention to you — follows
you, lists you, replies to, reposts or mentions you, converses with you — and the meetings
you held with them; the segment's count how many of its people pay attention to you and how
many you answered. A measurement keeps the targets it used, and later measurements use the
same ones, so a trend compares like with like.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any

from salon import insights
from salon.dates import iso
from salon.store.database import Store
from salon.store.facts import display_names, self_ids
from salon.store.goals import (
    ENGAGE_KINDS,
    FOLLOW_KINDS,
    LIST_KINDS,
    MESSAGE_KINDS,
    GoalRecord,
    attention_to_you,
    get_goal,
    measurements,
    record_measurements,
)
from salon.strategy import advice
from salon.strategy.results import Progress

#: Agenda-setters to be known by, and people to win, per plan.
KNOWN_BY = 5
TO_WIN = 5
#: IMM's ε and Monte-Carlo check for the plan: a (1 − 1/e − 0.3) guarantee finds the few to
#: win with a ninth of the reverse-reachable sets of ``salon win``'s 0.1 (their reach is still
#: estimated on independent sets); ``salon win`` gives the tighter answer.
EPSILON = 0.3
CHECK_RUNS = 50
#: People listed in a milestone's evidence.
SHOWN = 20

#: milestone → what it counts (the label), in the order shown.
LABELS = {
    "known_by": "agenda-setters and people to win who pay you any attention",
    "followed_by": "of them who follow you",
    "listed_by": "of them who list you",
    "engaged_by": "of them who replied to, reposted or mentioned you",
    "conversed_with": "of them you conversed with (both ways)",
    "meetings_held": "meetings held with them or the segment",
    "segment_reached": "people of the segment who pay you any attention",
    "segment_answered": "people of the segment you replied to or wrote to",
}
_ANSWER_KINDS = ("reply", "message", "email", "mention", "quote")


def winners(
    store: Store, segment: str, you: list[int]
) -> tuple[dict[str, Any], list[dict[str, Any]], dict[str, Any] | None]:
    """:func:`salon.win` for :data:`TO_WIN` people, you left out: the answer, its seeds
    without you, and your own seed (None when you are not one). When the store knows you,
    IMM picks one more and you (or the last) are dropped: greedy seeds keep their order, so
    the others' gains and shares are IMM's."""
    won = insights.win(
        store, segment, k=TO_WIN + (1 if you else 0), epsilon=EPSILON, check_runs=CHECK_RUNS
    ).to_dict()
    mine = [s for s in won["seeds"] if s["person"] in set(you)]
    seeds = [s for s in won["seeds"] if s["person"] not in set(you)][:TO_WIN]
    return won, seeds, (mine[0] if mine else None)


def targets(store: Store, segment: str) -> list[dict[str, Any]]:
    """The plan's people: :func:`salon.influencers` (top :data:`KNOWN_BY`, you left out)
    and :func:`winners`, merged as ``[{"person", "name", "role"}]`` (agenda-setters
    first)."""
    known = insights.influencers(store, segment, top=KNOWN_BY)
    return merge_targets(known.influencers, winners(store, segment, self_ids(store))[1])


def merge_targets(
    known: Iterable[dict[str, Any]], won: Iterable[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Agenda-setters, then the people to win not among them."""
    out: dict[int, dict[str, Any]] = {}
    for row in known:
        out[row["person"]] = {"person": row["person"], "name": row["name"], "role": "agenda-setter"}
    for row in won:
        out.setdefault(
            row["person"], {"person": row["person"], "name": row["name"], "role": "to win"}
        )
    return list(out.values())


def _has(kinds: dict[str, int], wanted: tuple[str, ...]) -> bool:
    return any(kinds.get(k) for k in wanted)


def measure(
    store: Store,
    people: list[dict[str, Any]],
    members: list[int],
    *,
    meetings_target: int | None = None,
) -> tuple[list[dict[str, Any]], list[str]]:
    """The milestones for these targets (``people``) and segment ``members``: rows of
    ``milestone, label, value, target, people, reason``, and notes."""
    you = self_ids(store)
    notes: list[str] = []
    if not you:
        notes.append(
            "The store does not know you, so nothing can count towards you: import your own "
            "export or say which account is yours ('salon me --is ACCOUNT')."
        )
    ids = [p["person"] for p in people]
    everyone = sorted(set(ids) | set(members))
    seen = attention_to_you(store, you, everyone)
    names = {p["person"]: p["name"] for p in people}

    def who(pids: list[int], field: str = "kinds") -> list[dict[str, Any]]:
        missing = [p for p in pids[:SHOWN] if p not in names]
        names.update(display_names(store, missing) if missing else {})
        return [
            {
                "person": p,
                "name": names.get(p),
                "kinds": seen[p][field],
                "meetings": seen[p]["meetings"],
                "last": iso(seen[p]["last"]),
            }
            for p in pids[:SHOWN]
        ]

    def rows_where(pids: list[int], test: Any) -> list[int]:
        return [p for p in pids if test(seen[p])]

    known = rows_where(ids, lambda s: s["kinds"] or s["meetings"])
    follows = rows_where(ids, lambda s: _has(s["kinds"], FOLLOW_KINDS))
    lists = rows_where(ids, lambda s: _has(s["kinds"], LIST_KINDS))
    engaged = rows_where(ids, lambda s: _has(s["kinds"], ENGAGE_KINDS))
    talk = (*MESSAGE_KINDS, "reply")
    conversed = rows_where(ids, lambda s: _has(s["kinds"], talk) and _has(s["from_you"], talk))
    met_people = sorted(set(ids) | set(members))
    met = rows_where(met_people, lambda s: s["meetings"] > 0)
    meetings = sum(seen[p]["meetings"] for p in met)
    member_set = [p for p in members if p not in set(you)]
    reached = rows_where(member_set, lambda s: s["kinds"] or s["meetings"])
    answered = rows_where(member_set, lambda s: _has(s["from_you"], _ANSWER_KINDS))
    n = len(ids)
    values: list[tuple[str, float, int | None, list[dict[str, Any]]]] = [
        ("known_by", len(known), n, who(known)),
        ("followed_by", len(follows), n, who(follows)),
        ("listed_by", len(lists), n, who(lists)),
        ("engaged_by", len(engaged), n, who(engaged)),
        ("conversed_with", len(conversed), n, who(conversed)),
        ("meetings_held", meetings, meetings_target, who(met)),
        ("segment_reached", len(reached), None, who(reached)),
        ("segment_answered", len(answered), None, who(answered, "from_you")),
    ]
    out = []
    for name, value, target, shown in values:
        out.append(
            {
                "milestone": name,
                "label": LABELS[name],
                "value": value,
                "target": target,
                "people": shown,
                "reason": _reason(name, value, target, shown, len(member_set)),
            }
        )
    return out, notes


def _reason(
    name: str, value: float, target: int | None, shown: list[dict[str, Any]], members: int
) -> str:
    first = advice.join(advice.who(p) for p in shown[:3])
    if name.startswith("segment_"):
        of = f"{value:,.0f} of {members:,}"
        return f"{of}: {first}" + (" …" if value > 3 else "") if value else f"0 of {members:,} yet"
    goal = f" of {target}" if target is not None else ""
    if not value:
        return f"0{goal} yet"
    return f"{value:,.0f}{goal}: {first}" + (" …" if len(shown) > 3 else "")


def history(store: Store, goal_id: int) -> dict[str, list[dict[str, Any]]]:
    """Each milestone's measurements, oldest first."""
    out: dict[str, list[dict[str, Any]]] = {}
    for row in measurements(store, goal_id):
        out.setdefault(row["milestone"], []).append(
            {
                "measured_at": iso(row["measured_at"]),
                "value": row["value"],
                "last_import": row["last_import"],
            }
        )
    return out


def pinned_targets(store: Store, goal_id: int) -> list[dict[str, Any]] | None:
    """The targets of the goal's first measurement (None before the first)."""
    for row in measurements(store, goal_id):
        if row["milestone"] == "known_by" and "targets" in row["evidence"]:
            return list(row["evidence"]["targets"])
    return None


def progress(store: Store, goal: str, *, now: float | None = None) -> Progress:
    """Measure the goal's milestones now, keep the measurement (unless nothing changed
    since the last one) and show each beside its earlier values. The targets are those of
    the goal's first measurement (the plan's agenda-setters and people to win then), so a
    trend compares the same people.

    Examples
    --------
    >>> import salon
    >>> store = salon.demo.sample_store()
    >>> _ = salon.add_goal(store, "qec", objective="learn",
    ...                    segment="tag:quantum-error-correction")
    >>> first = salon.progress(store, "qec")
    >>> first.recorded, [m["milestone"] for m in first.milestones][:3]
    (True, ['known_by', 'followed_by', 'listed_by'])
    >>> salon.progress(store, "qec").recorded  # nothing new was imported
    False
    """
    record = get_goal(store, goal)
    members = segment_people(store, record)
    people = pinned_targets(store, record.id)
    notes: list[str] = []
    if people is None:
        people = targets(store, record.segment)
    rows, found = measure(store, people, members)
    notes.extend(found)
    at = int(time.time() if now is None else now)
    recorded = record_measurements(
        store,
        record.id,
        [
            (
                r["milestone"],
                r["value"],
                {
                    "people": r["people"],
                    **({"targets": people} if r["milestone"] == "known_by" else {}),
                },
            )
            for r in rows
        ],
        at=at,
    )
    past = history(store, record.id)
    for r in rows:
        points = past.get(r["milestone"], [])
        # The last point is this measurement (or one equal to it, when nothing changed).
        before = points[-2]["value"] if len(points) >= 2 else None
        r["previous"] = before
        r["change"] = None if before is None else r["value"] - before
    return Progress(
        goal=record.name,
        advice=advice_of_progress(record, rows),
        measured_at=iso(at) or "",
        recorded=recorded,
        milestones=rows,
        history=past,
        notes=notes,
    )


def segment_people(store: Store, record: GoalRecord) -> list[int]:
    """The canonical ids of the goal's segment (as every analytics command resolves it)."""
    return [int(p) for p in insights.context(store, record.segment).members.tolist()]


def advice_of_progress(record: GoalRecord, rows: list[dict[str, Any]]) -> str:
    """The sentence leading ``salon progress``."""
    by = {r["milestone"]: r for r in rows}
    known = by["known_by"]
    moved = [r for r in rows if r.get("change")]
    if moved:
        best = max(moved, key=lambda r: r["change"])
        trend = (
            f"{best['label'].replace('of them', 'targets')} went from {best['previous']:,.0f} to "
            f"{best['value']:,.0f} since the last import"
        )
    else:
        trend = "nothing moved since the last measurement"
    if not known["value"]:
        return (
            f"None of the {known['target']} people goal '{record.name}' needs pays you attention "
            f"yet ({trend}): start with the first agenda-setter of 'salon plan {record.name}'."
        )
    return (
        f"{known['value']:,.0f} of the {known['target']} people goal '{record.name}' needs pay "
        f"you attention ({trend})."
    )
