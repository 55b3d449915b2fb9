"""Merging people, reversibly: ``people.merged_into`` points a merged person at the one kept.

Rows keep the person ids they were written with; readers map every id to its canonical
person (:func:`canonical_map`). So a merge moves nothing, an unmerge restores exactly what was,
and a re-import — which resolves identity keys to the original people — keeps the merge.
Every merge is a row of ``merges`` with its reason, score and evidence; an undone merge is
never redone automatically.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, or_, select, update

from salon.errors import SalonError
from salon.identity import (
    AUTO_MERGE,
    CANDIDATE,
    Candidate,
    PersonFacts,
    duplicate_candidates,
    merge_plan,
)
from salon.model import account_slot
from salon.store.database import Store
from salon.store.schema import affiliations, identities, merges, organizations, people

if TYPE_CHECKING:
    import numpy as np


def canonical_map(connection: Connection) -> dict[int, int]:
    """``{person: kept person}`` for every merged person (others map to themselves)."""
    rows = connection.execute(
        select(people.c.id, people.c.merged_into).where(people.c.merged_into.is_not(None))
    )
    return {pid: kept for pid, kept in rows}


def canonical_ids(ids: np.ndarray, mapping: dict[int, int]) -> np.ndarray:
    """An int64 array of person ids with each merged person replaced by the person kept
    (a copy; ``ids`` itself when nobody is merged)."""
    import numpy as np  # here: an import's start-up needs no numpy

    if not mapping or not len(ids):
        return ids
    merged = np.fromiter(mapping.keys(), np.int64, len(mapping))
    kept = np.fromiter(mapping.values(), np.int64, len(mapping))
    order = np.argsort(merged)
    merged, kept = merged[order], kept[order]
    pos = np.clip(np.searchsorted(merged, ids), 0, len(merged) - 1)
    hit = merged[pos] == ids
    out = ids.copy()
    out[hit] = kept[pos[hit]]
    return out


def groups(mapping: dict[int, int], ids: set[int]) -> dict[int, list[int]]:
    """Each canonical person of ``ids`` with every person merged into it (itself first)."""
    members: dict[int, list[int]] = {i: [i] for i in ids}
    for pid, kept in mapping.items():
        if kept in members:
            members[kept].append(pid)
    return members


def canonical(connection: Connection, person: int) -> int:
    kept = connection.execute(select(people.c.merged_into).where(people.c.id == person)).scalar()
    return kept or person


def _exists(connection: Connection, person: int) -> None:
    if connection.execute(select(people.c.id).where(people.c.id == person)).scalar() is None:
        raise SalonError(f"No person {person}. Run 'salon people' to see their ids.")


def merge_in(
    connection: Connection,
    keep: int,
    other: int,
    *,
    reason: str,
    score: float | None = None,
    evidence: dict[str, Any] | None = None,
    import_id: int | None = None,
) -> int:
    """Merge ``other`` (and all merged into it) into ``keep``; returns the merge's id.

    ``import_id`` names the import that made an automatic merge (``salon imports remove``
    undoes it with the import)."""
    for person in (keep, other):
        _exists(connection, person)
    kept, gone = canonical(connection, keep), canonical(connection, other)
    if kept == gone:
        raise SalonError(f"People {keep} and {other} are already one person ({kept}).")
    is_self = dict(
        connection.execute(
            select(people.c.id, people.c.is_self).where(people.c.id.in_([kept, gone]))
        ).all()
    )
    if is_self.get(gone):
        kept, gone = gone, kept  # you stay yourself
    moved = [
        gone,
        *connection.execute(select(people.c.id).where(people.c.merged_into == gone)).scalars(),
    ]
    connection.execute(update(people).where(people.c.id.in_(moved)).values(merged_into=kept))
    return connection.execute(
        merges.insert().values(
            kept_id=kept,
            merged_id=gone,
            reason=reason,
            score=score,
            evidence=json.dumps(evidence or {}, ensure_ascii=False),
            moved=json.dumps(moved),
            created_at=int(time.time()),
            import_id=import_id,
        )
    ).inserted_primary_key[0]


def merge_people(store: Store, keep: int, other: int) -> int:
    """`salon merge A B`: make B part of A (you always stay the kept person)."""
    with store.engine.begin() as connection:
        return merge_in(connection, keep, other, reason="manual")


def unmerge_person(store: Store, person: int) -> list[int]:
    """Undo the merge that made ``person`` part of another, or every merge into ``person``.

    Returns the ids of the undone merges. An undone pair is never merged again automatically.
    """
    with store.engine.begin() as connection:
        _exists(connection, person)
        active = merges.c.undone_at.is_(None)
        own = (
            connection.execute(
                select(merges)
                .where(active, merges.c.merged_id == person)
                .order_by(merges.c.id.desc())
            )
            .mappings()
            .first()
        )
        rows = (
            [own]
            if own
            else connection.execute(select(merges).where(active, merges.c.kept_id == person))
            .mappings()
            .all()
        )
        if not rows:
            raise SalonError(f"Person {person} is not merged with anyone.")
        for row in rows:
            moved = json.loads(row["moved"])
            connection.execute(
                update(people).where(people.c.id == row["merged_id"]).values(merged_into=None)
            )
            rest = [m for m in moved if m != row["merged_id"]]
            if rest:
                connection.execute(
                    update(people).where(people.c.id.in_(rest)).values(merged_into=row["merged_id"])
                )
            connection.execute(
                update(merges).where(merges.c.id == row["id"]).values(undone_at=int(time.time()))
            )
        return [row["id"] for row in rows]


def _facts(connection: Connection) -> list[PersonFacts]:
    """Names, organisations, e-mails and platform ids of every canonical named person."""
    mapping = canonical_map(connection)
    names: dict[int, str] = {}
    for pid, name in connection.execute(
        select(people.c.id, people.c.name).where(people.c.name.is_not(None))
    ):
        names.setdefault(mapping.get(pid, pid), name)
    orgs: dict[int, set[str]] = {}
    for pid, org in connection.execute(
        select(affiliations.c.person_id, organizations.c.name)
        .join(organizations, organizations.c.id == affiliations.c.organization_id)
        .where(affiliations.c.kind == "work")
    ):
        orgs.setdefault(mapping.get(pid, pid), set()).add(org)
    emails: dict[int, set[str]] = {}
    ids: dict[int, set[tuple[str, str]]] = {}
    for pid, platform, kind, value in connection.execute(
        select(identities.c.person_id, identities.c.platform, identities.c.kind, identities.c.value)
        # Only named (or merged) people are compared: nameless market-data ids need no loading.
        .join(people, people.c.id == identities.c.person_id)
        .where(
            or_(people.c.name.is_not(None), people.c.merged_into.is_not(None)),
            identities.c.kind.in_(("email", "id", "handle", "url")),
        )
    ):
        pid = mapping.get(pid, pid)
        if kind == "email":
            emails.setdefault(pid, set()).add(value)
        elif slot := account_slot((platform, kind, value)):
            ids.setdefault(pid, set()).add((slot, value))
    return [
        PersonFacts(
            pid,
            name,
            tuple(sorted(orgs.get(pid, ()))),
            tuple(sorted(emails.get(pid, ()))),
            tuple(sorted(ids.get(pid, ()))),
        )
        for pid, name in names.items()
    ]


def undone_pairs(connection: Connection) -> set[tuple[int, int]]:
    rows = connection.execute(
        select(merges.c.kept_id, merges.c.merged_id).where(merges.c.undone_at.is_not(None))
    )
    return {(min(a, b), max(a, b)) for a, b in rows}


@dataclass(frozen=True)
class Duplicate:
    """A candidate pair for `salon duplicates`, with names for display."""

    a: int
    b: int
    name_a: str
    name_b: str
    score: float
    evidence: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return self.__dict__.copy()


def find_duplicates_in(connection: Connection, *, min_score: float = CANDIDATE) -> list[Candidate]:
    blocked = undone_pairs(connection)
    return [
        c
        for c in duplicate_candidates(_facts(connection), min_score=min_score)
        if (c.a, c.b) not in blocked
    ]


def find_duplicates(store: Store, *, min_score: float = CANDIDATE) -> list[Duplicate]:
    """Candidate pairs below the automatic threshold (and above it, if any were left)."""
    with store.engine.connect() as connection:
        found = find_duplicates_in(connection, min_score=min_score)
        ids = {i for c in found for i in (c.a, c.b)}
        names = (
            dict(
                connection.execute(
                    select(people.c.id, people.c.name).where(people.c.id.in_(ids))
                ).all()
            )
            if ids
            else {}
        )
        weak = _name_only(connection, ids)
    return [
        Duplicate(
            c.a, c.b, names.get(c.a) or "", names.get(c.b) or "", c.score, {**c.evidence, **why}
        )
        for c in found
        for why in [weak.get(c.a) or weak.get(c.b) or {}]
    ]


def _name_only(connection: Connection, ids: set[int]) -> dict[int, dict[str, str]]:
    """Why a person known only by a name was not linked: how many people carry the name."""
    from salon.store.names import carriers, placeholders

    held = {pid: name for pid, name in placeholders(connection).items() if pid in ids}
    found = carriers(connection, held)
    return {
        pid: {"reason": f"known only by the name, which {len(found.get(name, ()))} people carry"}
        for pid, name in held.items()
    }


def auto_merge(
    connection: Connection, *, threshold: float = AUTO_MERGE, import_id: int | None = None
) -> int:
    """Merge every pair the plan takes at or above ``threshold``; returns how many merges."""
    facts = _facts(connection)
    blocked = undone_pairs(connection)
    candidates = [
        c for c in duplicate_candidates(facts, min_score=threshold) if (c.a, c.b) not in blocked
    ]
    done = 0
    for candidate in merge_plan(facts, candidates, threshold=threshold):
        if canonical(connection, candidate.a) == canonical(connection, candidate.b):
            continue
        merge_in(
            connection,
            candidate.a,
            candidate.b,
            reason="fuzzy",
            score=candidate.score,
            evidence=candidate.evidence,
            import_id=import_id,
        )
        done += 1
    return done
