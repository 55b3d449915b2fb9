"""Goals and their measured milestones, in the store.

A goal names what the user is trying to achieve (an objective: reach, speak, sell, hire,
learn) with a segment, optionally a topic and accounts, over a horizon in months, spending at
most some hours a week. Its milestones are measured by :mod:`salon.strategy.milestones`;
each measurement is kept (``goal_progress``) so that ``salon progress`` shows a trend over
re-imports. This module also reads the facts milestones count: who among some people paid
attention to you (follows, lists, replies, reposts, mentions, messages) and the meetings you
held with them.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, delete, func, select

from salon.errors import SalonError
from salon.store.database import Store
from salon.store.merges import canonical_map, groups
from salon.store.relations import MAX_MEETING_SIZE
from salon.store.schema import (
    OBJECTIVES,
    accounts,
    goal_progress,
    goals,
    imports,
    interactions,
    meeting_attendees,
    meetings,
    posts,
    ties,
)
from salon.store.segments import Segment, segment_members, segment_rule

#: Bounds of a goal's horizon (months) and weekly hours.
MAX_HORIZON = 120
MAX_HOURS = 80.0


@dataclass(frozen=True)
class GoalRecord:
    """A stored goal."""

    id: int
    name: str
    objective: str
    segment: str
    topic: str | None
    accounts: list[str]
    horizon_months: int
    hours_per_week: float
    created_at: int


def _record(row: Any) -> GoalRecord:
    return GoalRecord(
        id=row.id,
        name=row.name,
        objective=row.objective,
        segment=row.segment,
        topic=row.topic,
        accounts=json.loads(row.accounts or "[]"),
        horizon_months=int(row.horizon_months),
        hours_per_week=float(row.hours_per_week),
        created_at=int(row.created_at),
    )


def check_goal(
    name: str, objective: str, horizon_months: int, hours_per_week: float
) -> tuple[str, str]:
    """The name stripped and the objective lower-cased, or a :class:`SalonError` saying
    what is wrong."""
    name = name.strip()
    if not name or len(name) > 128:
        raise SalonError("A goal's name must have 1 to 128 characters.")
    chosen = objective.strip().lower()
    if chosen not in OBJECTIVES:
        raise SalonError(
            f"'{objective}' is not an objective. Use one of {', '.join(OBJECTIVES)} "
            "(reach: be known by the segment; speak: a speaking slot; sell: buyers; hire: "
            "candidates; learn: become a trusted expert)."
        )
    if not 1 <= horizon_months <= MAX_HORIZON:
        raise SalonError(f"The horizon must be 1 to {MAX_HORIZON} months (got {horizon_months}).")
    if not 0 < hours_per_week <= MAX_HOURS:
        raise SalonError(
            f"Hours per week must be above 0 and at most {MAX_HOURS:g} (got {hours_per_week:g}): "
            "the plan caps social time, heads-down work is the default."
        )
    return name, chosen


def add_goal(
    store: Store,
    name: str,
    *,
    objective: str,
    segment: str,
    topic: str | None = None,
    account_names: Iterable[str] = (),
    horizon_months: int = 12,
    hours_per_week: float = 4.0,
    replace: bool = False,
) -> GoalRecord:
    """Store a goal once its segment resolves (a stored name, a file or a rule, evaluated
    once) and its accounts are known; nothing is stored on an error."""
    name, objective = check_goal(name, objective, horizon_months, hours_per_week)
    chosen: Segment = segment_rule(store, segment)
    segment_members(store, chosen, communities=lambda *_: set())
    wanted = [a.strip() for a in account_names if a.strip()]
    with store.engine.begin() as c:
        known = {n.lower(): n for n in c.execute(select(accounts.c.name)).scalars()}
        missing = [a for a in wanted if a.lower() not in known]
        if missing:
            listed = ", ".join(sorted(known.values())) or "none yet"
            raise SalonError(
                f"No account {', '.join(repr(a) for a in missing)} (known: {listed}). "
                "Add it with 'salon account add NAME' first."
            )
        names = list(dict.fromkeys(known[a.lower()] for a in wanted))
        exists = c.execute(select(goals.c.id).where(goals.c.name == name)).scalar()
        if exists and not replace:
            raise SalonError(f"Goal '{name}' already exists. Use --replace to change it.")
        if exists:
            c.execute(delete(goal_progress).where(goal_progress.c.goal_id == exists))
            c.execute(delete(goals).where(goals.c.id == exists))
        c.execute(
            goals.insert().values(
                name=name,
                objective=objective,
                segment=segment,
                topic=topic.strip() if topic and topic.strip() else None,
                accounts=json.dumps(names),
                horizon_months=horizon_months,
                hours_per_week=float(hours_per_week),
                created_at=int(time.time()),
            )
        )
    return get_goal(store, name)


def list_goals(store: Store) -> list[GoalRecord]:
    """Every stored goal, by name."""
    with store.engine.connect() as c:
        return [_record(r) for r in c.execute(select(goals).order_by(goals.c.name))]


def _unknown(c: Connection, name: str) -> SalonError:
    known = ", ".join(c.execute(select(goals.c.name).order_by(goals.c.name)).scalars())
    return SalonError(
        f"No goal '{name}' (known: {known or 'none yet'}). Add one with 'salon goal add "
        f"{name} --objective reach --segment SEGMENT'."
    )


def get_goal(store: Store, name: str) -> GoalRecord:
    """The stored goal ``name``, or an error listing the known ones."""
    with store.engine.connect() as c:
        row = c.execute(select(goals).where(goals.c.name == name)).first()
        if row is None:
            raise _unknown(c, name)
        return _record(row)


def remove_goal(store: Store, name: str) -> GoalRecord:
    """Delete the goal ``name`` and its measurements, in one transaction."""
    with store.engine.begin() as c:
        row = c.execute(select(goals).where(goals.c.name == name)).first()
        if row is None:
            raise _unknown(c, name)
        c.execute(delete(goal_progress).where(goal_progress.c.goal_id == row.id))
        c.execute(delete(goals).where(goals.c.id == row.id))
    return _record(row)


def last_import(store: Store) -> int | None:
    """The newest import's id: the state of the store a measurement saw."""
    with store.engine.connect() as c:
        return c.execute(select(func.max(imports.c.id))).scalar()


def record_measurements(
    store: Store, goal_id: int, rows: list[tuple[str, float, dict[str, Any]]], *, at: int
) -> bool:
    """Keep one measurement of each milestone ``(milestone, value, evidence)``; nothing is
    written when the store has not changed since the goal's last measurement and every value
    is the same (a repeated ``salon progress`` adds no point to the trend). True when
    written."""
    with store.engine.begin() as c:
        newest = c.execute(select(func.max(imports.c.id))).scalar()
        latest = c.execute(
            select(func.max(goal_progress.c.measured_at)).where(goal_progress.c.goal_id == goal_id)
        ).scalar()
        if latest is not None:
            before = c.execute(
                select(
                    goal_progress.c.milestone, goal_progress.c.value, goal_progress.c.last_import
                ).where(goal_progress.c.goal_id == goal_id, goal_progress.c.measured_at == latest)
            ).all()
            same_store = all(r.last_import == newest for r in before)
            if same_store and {(r.milestone, r.value) for r in before} == {
                (m, float(v)) for m, v, _ in rows
            }:
                return False
        if latest is not None and at <= latest:
            at = latest + 1  # measurements keep their order even within one second
        c.execute(
            goal_progress.insert(),
            [
                {
                    "goal_id": goal_id,
                    "measured_at": at,
                    "milestone": m,
                    "value": float(v),
                    "evidence": json.dumps(e, sort_keys=True),
                    "last_import": newest,
                }
                for m, v, e in rows
            ],
        )
    return True


def measurements(store: Store, goal_id: int) -> list[dict[str, Any]]:
    """Every measurement of the goal, oldest first: ``milestone``, ``measured_at`` (Unix
    seconds), ``value``, ``evidence`` and ``last_import``."""
    with store.engine.connect() as c:
        rows = c.execute(
            select(goal_progress)
            .where(goal_progress.c.goal_id == goal_id)
            .order_by(goal_progress.c.measured_at, goal_progress.c.id)
        )
        return [
            {
                "milestone": r.milestone,
                "measured_at": int(r.measured_at),
                "value": float(r.value),
                "evidence": json.loads(r.evidence),
                "last_import": r.last_import,
            }
            for r in rows
        ]


#: Attention kinds a milestone counts, by what they say.
FOLLOW_KINDS = ("follow",)
LIST_KINDS = ("list",)
ENGAGE_KINDS = ("reply", "repost", "quote", "mention")
MESSAGE_KINDS = ("message", "email")


def attention_to_you(store: Store, you: list[int], people: list[int]) -> dict[int, dict[str, Any]]:
    """What each of ``people`` (canonical ids) did towards you: ``kinds`` counts their ties
    and interactions to you by kind (follow, list, reply, repost, mention, message, …, with
    replies and reposts of your posts), ``from_you`` counts yours to them by kind,
    ``meetings`` the meetings of at most :data:`MAX_MEETING_SIZE` people you both attended,
    and ``last`` the time of the latest (Unix seconds, or None). Merged people count as one.
    Only rows that touch you are read, whatever the number of people."""
    out: dict[int, dict[str, Any]] = {
        p: {"kinds": {}, "from_you": {}, "meetings": 0, "last": None} for p in people
    }
    if not you or not people:
        return out
    with store.engine.connect() as c:
        mapping = canonical_map(c)
        mine = sorted({m for g in groups(mapping, set(you)).values() for m in g} | set(you))
        member_of = {m: p for p, g in groups(mapping, set(people)).items() for m in g}

        def count(other: int, to_you: bool, kind: str, at: int | None) -> None:
            person = member_of.get(other)
            if person is None:
                return
            row = out[person]
            key = "kinds" if to_you else "from_you"
            row[key][kind] = row[key].get(kind, 0) + 1
            if to_you and at is not None and (row["last"] is None or at > row["last"]):
                row["last"] = int(at)

        refs: set[tuple[int, str, str]] = set()
        for table, at in ((ties, ties.c.last_seen), (interactions, None)):
            when = interactions.c.at if at is None else at
            ref = interactions.c.ref if table is interactions else None
            columns = [table.c.src_id, table.c.dst_id, table.c.kind, when]
            query = select(*columns, *([ref] if ref is not None else []))
            for row in c.execute(query.where(table.c.dst_id.in_(mine))):
                count(row[0], True, row[2], row[3])
                if ref is not None and row[4] is not None:
                    refs.add((row[0], row[2], row[4]))
            for row in c.execute(select(*columns).where(table.c.src_id.in_(mine))):
                if row[1] is not None:
                    count(row[1], False, row[2], None)
        _post_attention(c, mine, count, refs)
        _meetings_with(c, mine, member_of, out)
    return out


def _post_attention(
    c: Connection, mine: list[int], count: Any, refs: set[tuple[int, str, str]]
) -> None:
    """Replies and reposts of your posts (unless an export recorded them as interactions
    already), and yours of theirs. Your posts are read by author (indexed); the posts
    answering them in one pass over the answers, matched in memory (a join on the parent's
    key would look each answer's parent up)."""
    query = select(posts.c.platform, posts.c.post_key).where(posts.c.author_id.in_(mine))
    yours = {(platform, key) for platform, key in c.execute(query)}
    if not yours:
        return
    parent = posts.alias("parent")
    for column, kind in ((posts.c.reply_to, "reply"), (posts.c.repost_of, "repost")):
        query = select(
            posts.c.author_id, posts.c.at, posts.c.post_key, posts.c.platform, column
        ).where(column.is_not(None), posts.c.author_id.is_not(None))
        for author, at, key, platform, ref in c.execute(query):
            if (platform, ref) not in yours:
                continue
            if (author, kind, key) not in refs and (author, kind, ref) not in refs:
                count(author, True, kind, at)
        joined = (parent.c.platform == posts.c.platform) & (parent.c.post_key == column)
        query = (
            select(parent.c.author_id)
            .select_from(posts)
            .join(parent, joined)
            .where(posts.c.author_id.in_(mine), parent.c.author_id.is_not(None))
        )
        for (author,) in c.execute(query):
            count(author, False, kind, None)


def _meetings_with(
    c: Connection, mine: list[int], member_of: dict[int, int], out: dict[int, dict[str, Any]]
) -> None:
    """Meetings of at most :data:`MAX_MEETING_SIZE` people that you and they attended."""
    attended = select(meeting_attendees.c.meeting_id).where(meeting_attendees.c.person_id.in_(mine))
    size = (
        select(func.count())
        .where(meeting_attendees.c.meeting_id == meetings.c.id)
        .correlate(meetings)
        .scalar_subquery()
    )
    rows = c.execute(
        select(meeting_attendees.c.person_id, meetings.c.id, meetings.c.start_at)
        .join(meetings, meetings.c.id == meeting_attendees.c.meeting_id)
        .where(meeting_attendees.c.meeting_id.in_(attended), size <= MAX_MEETING_SIZE)
    )
    seen: set[tuple[int, int]] = set()
    for person, meeting, start in rows:
        who = member_of.get(person)
        if who is None or (who, meeting) in seen:
            continue
        seen.add((who, meeting))
        out[who]["meetings"] += 1
        if start is not None and (out[who]["last"] is None or start > out[who]["last"]):
            out[who]["last"] = int(start)


def your_channels(store: Store, you: list[int]) -> dict[str, int]:
    """Your posts per channel (a post's channel, else its platform, as
    :func:`salon.me` names them), most first."""
    if not you:
        return {}
    with store.engine.connect() as c:
        mapping = canonical_map(c)
        mine = sorted({m for g in groups(mapping, set(you)).values() for m in g} | set(you))
        name = func.coalesce(posts.c.channel, posts.c.platform)
        rows = c.execute(
            select(name, func.count()).where(posts.c.author_id.in_(mine)).group_by(name)
        ).all()
    return dict(sorted(((str(k), int(n)) for k, n in rows), key=lambda kv: (-kv[1], kv[0])))
