"""Names as weak links: a record that names someone only by name (LinkedIn's 2018 messages,
a calendar attendee without an address) is a placeholder person held by a name key. After each
import, a placeholder is merged into the one known person who carries that name, reversibly
(reason ``name``); when several people carry it, it stays apart and `salon duplicates` lists
the candidates with the reason. A name never joins two people who have strong keys.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import Connection, select

from salon.model import WEAK_KINDS, identity
from salon.store.merges import canonical_map, merge_in, undone_pairs
from salon.store.schema import identities, people


def name_text(name: str) -> str:
    """A name as weak keys compare it: trimmed, single-spaced, lower case."""
    return identity("", "name", name)[2]


def placeholders(connection: Connection) -> dict[int, str]:
    """``{person: name}`` for people known only by a name key (no strong identity)."""
    weak: dict[int, str] = {}
    strong: set[int] = set()
    rows = connection.execute(
        select(identities.c.person_id, identities.c.kind, identities.c.value).where(
            identities.c.person_id.in_(
                select(identities.c.person_id).where(identities.c.kind.in_(sorted(WEAK_KINDS)))
            )
        )
    )
    for pid, kind, value in rows:
        if kind in WEAK_KINDS:
            weak.setdefault(pid, value)
        else:
            strong.add(pid)
    return {pid: value for pid, value in weak.items() if pid not in strong}


def carriers(connection: Connection, held: dict[int, str]) -> dict[str, set[int]]:
    """For each name of ``held``: the canonical people, placeholders aside, who carry it."""
    wanted = set(held.values())
    mapping = canonical_map(connection)
    out: dict[str, set[int]] = defaultdict(set)
    for pid, name in connection.execute(
        select(people.c.id, people.c.name).where(people.c.name.is_not(None))
    ):
        text = name_text(name)
        if text in wanted and pid not in held:
            out[text].add(mapping.get(pid, pid))
    return out


def link_names(connection: Connection, *, import_id: int | None = None) -> int:
    """Merge each placeholder into the one person carrying its name; returns how many."""
    held = placeholders(connection)
    if not held:
        return 0
    found = carriers(connection, held)
    mapping = canonical_map(connection)
    blocked = undone_pairs(connection)
    done = 0
    for pid, text in sorted(held.items()):
        if pid in mapping:  # merged already (by an earlier import, or by hand)
            continue
        people_with_it = found.get(text, set())
        if len(people_with_it) != 1:
            continue
        (kept,) = people_with_it
        if (min(kept, pid), max(kept, pid)) in blocked:
            continue
        merge_in(
            connection,
            kept,
            pid,
            reason="name",
            score=1.0,
            evidence={"name": text, "people carrying it": 1},
            import_id=import_id,
        )
        done += 1
    return done
