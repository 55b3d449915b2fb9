"""What happened in the store, as plain data for first-insight signals
(:mod:`salon.intel.signals`): posts, affiliations that started, meetings and messages in a
window, the people at an organisation, and every text that terms are weighed against."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import or_, select

from salon.store.database import Store
from salon.store.merges import canonical_map
from salon.store.schema import (
    affiliations,
    interactions,
    meeting_attendees,
    meetings,
    organizations,
    places,
    posts,
)
from salon.store.writer import organization_key

_MAIL = ("email", "message")


def organization_people(store: Store, names: Iterable[str]) -> dict[int, list[dict[str, Any]]]:
    """Canonical people with an affiliation at an organisation of one of ``names`` (by the
    organisation key), each with their affiliations there (title, start, end)."""
    keys = sorted({organization_key(n) for n in names if n})
    with store.engine.connect() as c:
        mapping = canonical_map(c)
        out: dict[int, list[dict[str, Any]]] = {}
        for pid, org, title, start, end in c.execute(
            select(
                affiliations.c.person_id,
                organizations.c.name,
                affiliations.c.title,
                affiliations.c.start,
                affiliations.c.end,
            )
            .join(organizations, organizations.c.id == affiliations.c.organization_id)
            .where(organizations.c.key.in_(keys))
        ):
            out.setdefault(mapping.get(pid, pid), []).append(
                {"organization": org, "title": title, "start": start, "end": end}
            )
        return out


def activity(
    store: Store, *, since: int | None = None, until: int | None = None
) -> dict[str, list[dict[str, Any]]]:
    """What happened from ``since`` to ``until`` (Unix seconds; None: no bound), as plain
    data with canonical person ids: ``posts`` (author, text), ``affiliations`` (a person's
    role that started then: organisation, title), ``meetings`` (title, kind, place,
    attendees) and ``messages`` (sender, recipient, subject: interactions of kind email or
    message)."""

    def window(column: Any) -> list[Any]:
        out = [column.is_not(None)]
        if since is not None:
            out.append(column >= since)
        if until is not None:
            out.append(column <= until)
        return out

    with store.engine.connect() as c:
        mapping = canonical_map(c)

        def canon(pid: int | None) -> int | None:
            return None if pid is None else mapping.get(pid, pid)

        found: dict[str, list[dict[str, Any]]] = {}
        found["posts"] = [
            {
                "id": r.id,
                "person": canon(r.author_id),
                "at": r.at,
                "text": r.text or "",
                "platform": r.platform,
                "url": r.url,
            }
            for r in c.execute(
                select(posts.c.id, posts.c.author_id, posts.c.at, posts.c.text, posts.c.platform)
                .add_columns(posts.c.url)
                .where(*window(posts.c.at), posts.c.author_id.is_not(None))
                .order_by(posts.c.at)
            )
        ]
        found["affiliations"] = [
            {"person": canon(pid), "at": start, "organization": org, "title": title}
            for pid, start, org, title in c.execute(
                select(
                    affiliations.c.person_id,
                    affiliations.c.start,
                    organizations.c.name,
                    affiliations.c.title,
                )
                .join(organizations, organizations.c.id == affiliations.c.organization_id)
                .where(*window(affiliations.c.start))
                .order_by(affiliations.c.start)
            )
        ]
        attendees: dict[int, set[int]] = {}
        rows = c.execute(
            select(meetings.c.id, meetings.c.title, meetings.c.kind, meetings.c.start_at)
            .add_columns(places.c.name)
            .outerjoin(places, places.c.id == meetings.c.place_id)
            .where(*window(meetings.c.start_at))
            .order_by(meetings.c.start_at)
        ).all()
        ids = [r[0] for r in rows]
        for i in range(0, len(ids), 500):
            for mid, pid in c.execute(
                select(meeting_attendees.c.meeting_id, meeting_attendees.c.person_id).where(
                    meeting_attendees.c.meeting_id.in_(ids[i : i + 500])
                )
            ):
                attendees.setdefault(mid, set()).add(canon(pid))  # type: ignore[arg-type]
        found["meetings"] = [
            {
                "id": mid,
                "title": title or "",
                "kind": kind,
                "at": at,
                "place": place,
                "attendees": sorted(attendees.get(mid, ())),
            }
            for mid, title, kind, at, place in rows
        ]
        found["messages"] = [
            {"person": canon(src), "to": canon(dst), "at": at, "subject": subject or ""}
            for src, dst, at, subject in c.execute(
                select(
                    interactions.c.src_id,
                    interactions.c.dst_id,
                    interactions.c.at,
                    interactions.c.subject,
                )
                .where(
                    *window(interactions.c.at),
                    interactions.c.kind.in_(_MAIL),
                    or_(interactions.c.subject.is_not(None), interactions.c.body.is_not(None)),
                )
                .order_by(interactions.c.at)
            )
        ]
        return found


def texts(store: Store) -> list[str]:
    """Every post's text, meeting's title and message's subject (once per message, not per
    recipient) in the store: the background against which an account's terms are weighed."""
    with store.engine.connect() as c:
        out = [t for t in c.execute(select(posts.c.text)).scalars() if t]
        out += [t for t in c.execute(select(meetings.c.title)).scalars() if t]
        out += [
            subject
            for _, _, subject in c.execute(
                select(interactions.c.src_id, interactions.c.at, interactions.c.subject)
                .distinct()
                .where(interactions.c.kind.in_(_MAIL), interactions.c.subject.is_not(None))
            )
        ]
        return out
