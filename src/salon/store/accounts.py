"""Account intelligence in the store: writing accounts, their stakeholders and notes
(account-plan entries and private notes about people); reading them back:
:mod:`salon.store.account_reads`.

Person ids are kept as written and read through :func:`~salon.store.merges.canonical_map`, so
a merge or an unmerge of people needs no change here. Every write runs in one transaction;
notes are keyed by a digest (:func:`note_key`), so writing the same note twice adds it once.
"""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import Connection, delete, func, select, update

from salon.errors import SalonError
from salon.store.bulk import dialect_insert, digest
from salon.store.database import Store
from salon.store.merges import canonical_map
from salon.store.profiles import resolve_person
from salon.store.schema import (
    BUYING_ROLES,
    LEVELS,
    NOTE_FIELDS,
    accounts,
    notes,
    organizations,
    stakeholders,
)
from salon.store.writer import organization_key

#: Days after which an entry of each field is stale unless its note says otherwise (None:
#: never). Issues and projects move fastest; how an account decides changes slowly.
STALE_AFTER_DAYS: dict[str, int | None] = {
    "issues": 180,
    "politics": 180,
    "motivations": 365,
    "decision_process": 365,
    "criteria": 365,
    "projects": 180,
    "gaps": 365,
    "note": None,
}


def check_level(level: str) -> str:
    if level not in LEVELS:
        raise SalonError(f"'{level}' is no confidentiality level: use one of {', '.join(LEVELS)}.")
    return level


def check_field(field: str) -> str:
    if field not in NOTE_FIELDS:
        raise SalonError(
            f"'{field}' is no account-plan field: use one of {', '.join(NOTE_FIELDS)}."
        )
    return field


def check_role(role: str | None) -> str | None:
    if role is not None and role not in BUYING_ROLES:
        raise SalonError(f"'{role}' is no buying role: use one of {', '.join(BUYING_ROLES)}.")
    return role


def note_key(*parts: object) -> bytes:
    """The 16-byte key of a note: a digest of what makes two notes the same (for a user's
    note: the account or person, the field and the text; for an importer's: its identity
    keys, file and text)."""
    return digest("note", *parts)


def account_row(connection: Connection, name: str) -> dict[str, Any]:
    """The row of the account ``name`` (any case); a :class:`SalonError` listing the accounts
    when there is none."""
    row = (
        connection.execute(select(accounts).where(func.lower(accounts.c.name) == name.lower()))
        .mappings()
        .first()
    )
    if row is None:
        known = connection.execute(select(accounts.c.name).order_by(accounts.c.name)).scalars()
        names = ", ".join(f"'{n}'" for n in list(known)[:10]) or "none yet"
        raise SalonError(
            f"No account '{name}' (accounts: {names}). Add it with 'salon account add \"{name}\"'."
        )
    return dict(row)


def organization_of(connection: Connection, name: str) -> int | None:
    """The id of the organisation named ``name``, else None."""
    return connection.execute(
        select(organizations.c.id).where(organizations.c.key == organization_key(name))
    ).scalar()


def add_account(
    store: Store,
    name: str,
    *,
    domain: str | None = None,
    level: str = "private",
    now: int | None = None,
) -> tuple[int, bool]:
    """Add the account ``name`` (linked to the imported organisation of that name, if any);
    ``(id, True)``, or ``(id, False)`` when it exists (its domain is filled in if it had none)."""
    with store.engine.begin() as c:
        return _add_account(c, name, domain=domain, level=level, now=now)


def _add_account(
    c: Connection, name: str, *, domain: str | None, level: str, now: int | None = None
) -> tuple[int, bool]:
    name = " ".join(name.split())
    if not name:
        raise SalonError("An account needs a name.")
    check_level(level)
    found = c.execute(
        select(accounts.c.id, accounts.c.domain).where(func.lower(accounts.c.name) == name.lower())
    ).first()
    if found is not None:
        if domain and not found.domain:
            c.execute(update(accounts).where(accounts.c.id == found.id).values(domain=domain))
        return found.id, False
    values = {
        "name": name,
        "domain": domain.lower().strip() if domain else None,
        "organization_id": organization_of(c, name),
        "level": level,
        "created_at": int(time.time()) if now is None else int(now),
    }
    return c.execute(accounts.insert().values(values)).inserted_primary_key[0], True


def write_note(connection: Connection, row: dict[str, Any]) -> bool:
    """Insert one note (a dict of :data:`~salon.store.schema.notes` columns; ``key``,
    ``created_at``, ``level`` and ``stale_after_days`` are filled in when missing) unless a note
    with its key exists; True when added. For importers: pass ``import_id``, ``file_id`` and
    ``line`` (a contact's vCard NOTE is ``field="note"``, ``person_id`` set)."""
    row = dict(row)
    check_field(row["field"])
    check_level(row.setdefault("level", "private"))
    row.setdefault("created_at", int(time.time()))
    row.setdefault("stale_after_days", STALE_AFTER_DAYS.get(row["field"]))
    if row.get("key") is None:
        row["key"] = note_key(
            row.get("account_id"), row.get("person_id"), row["field"], row["text"]
        )
    stmt = dialect_insert(connection, notes).values(row).on_conflict_do_nothing()
    return connection.execute(stmt.returning(notes.c.id)).first() is not None


def add_note(
    store: Store,
    text: str,
    *,
    field: str,
    account: str | None = None,
    person: int | None = None,
    source: str | None = None,
    observed_at: int | None = None,
    level: str = "private",
    stale_after_days: int | None = None,
) -> bool:
    """Write a note on an account's plan (``account``) or about a person (``person``), or
    both; True when new (the same text in the same field is kept once)."""
    with store.engine.begin() as c:
        return _add_note(
            c,
            text,
            field=field,
            account=account,
            person=person,
            source=source,
            observed_at=observed_at,
            level=level,
            stale_after_days=stale_after_days,
        )


def _add_note(
    c: Connection,
    text: str,
    *,
    field: str,
    account: str | None,
    person: int | None,
    source: str | None,
    observed_at: int | None,
    level: str,
    stale_after_days: int | None,
) -> bool:
    text = text.strip()
    if not text:
        raise SalonError("A note needs some text.")
    if account is None and person is None:
        raise SalonError("A note is about an account or a person: give one.")
    if stale_after_days is not None and stale_after_days < 1:
        raise SalonError(f"The staleness rule must be 1 day or more, not {stale_after_days}.")
    account_id = account_row(c, account)["id"] if account is not None else None
    row = {
        "account_id": account_id,
        "person_id": person,
        "field": check_field(field),
        "text": text,
        "source": source,
        "observed_at": observed_at,
        "level": check_level(level),
    }
    if stale_after_days is not None:
        row["stale_after_days"] = stale_after_days
    return write_note(c, row)


def add_stakeholder(
    store: Store,
    account: str,
    person: int,
    *,
    role: str | None = None,
    title: str | None = None,
    reports_to: int | None = None,
    source: str | None = None,
    observed_at: int | None = None,
    level: str | None = None,
) -> bool:
    """Add ``person`` to ``account``'s stakeholders, or update their role, title, reporting
    line, source and level (what is given replaces what was; a new stakeholder is private
    unless ``level`` says otherwise); True when new."""
    with store.engine.begin() as c:
        return _add_stakeholder(
            c,
            account,
            person,
            role=role,
            title=title,
            reports_to=reports_to,
            source=source,
            observed_at=observed_at,
            level=level,
        )


def _add_stakeholder(
    c: Connection,
    account: str,
    person: int,
    *,
    role: str | None,
    title: str | None,
    reports_to: int | None,
    source: str | None,
    observed_at: int | None,
    level: str | None,
) -> bool:
    check_role(role)
    if level is not None:
        check_level(level)
    mapping = canonical_map(c)
    if reports_to is not None and mapping.get(reports_to, reports_to) == mapping.get(
        person, person
    ):
        raise SalonError("A stakeholder cannot report to themselves.")
    account_id = account_row(c, account)["id"]
    current = {
        mapping.get(p, p): sid
        for sid, p in c.execute(
            select(stakeholders.c.id, stakeholders.c.person_id).where(
                stakeholders.c.account_id == account_id
            )
        )
    }
    given = {
        "role": role,
        "title": title,
        "reports_to": reports_to,
        "source": source,
        "observed_at": observed_at,
        "level": level,
    }
    values = {k: v for k, v in given.items() if v is not None}
    existing = current.get(mapping.get(person, person))
    if existing is not None:
        if values:
            c.execute(update(stakeholders).where(stakeholders.c.id == existing).values(**values))
        return False
    values.setdefault("level", "private")
    c.execute(
        stakeholders.insert().values(
            account_id=account_id, person_id=person, created_at=int(time.time()), **values
        )
    )
    return True


def remove_stakeholder(store: Store, account: str, person: int) -> int:
    """Take ``person`` (and anyone merged with them) off ``account``'s stakeholders, and out of
    its reporting lines; the rows removed (a SalonError when they were not one)."""
    with store.engine.begin() as c:
        account_id = account_row(c, account)["id"]
        mapping = canonical_map(c)
        who = mapping.get(person, person)
        rows = c.execute(
            select(stakeholders.c.id, stakeholders.c.person_id, stakeholders.c.reports_to).where(
                stakeholders.c.account_id == account_id
            )
        ).all()
        gone = [sid for sid, p, _ in rows if mapping.get(p, p) == who]
        if not gone:
            raise SalonError(f"Person {person} is no stakeholder of '{account}'.")
        bosses = [sid for sid, _, b in rows if b is not None and mapping.get(b, b) == who]
        if bosses:
            c.execute(
                update(stakeholders).where(stakeholders.c.id.in_(bosses)).values(reports_to=None)
            )
        c.execute(delete(stakeholders).where(stakeholders.c.id.in_(gone)))
        return len(gone)


def remove_account(store: Store, name: str) -> dict[str, int]:
    """Delete an account with its stakeholders and notes (people stay); rows removed."""
    with store.engine.begin() as c:
        account_id = account_row(c, name)["id"]
        removed = {}
        for table in (stakeholders, notes):
            result = c.execute(delete(table).where(table.c.account_id == account_id))
            removed[table.name] = result.rowcount
        c.execute(delete(accounts).where(accounts.c.id == account_id))
        return {"accounts": 1, **removed}


def import_plan(store: Store, plan: dict[str, Any]) -> dict[str, int]:
    """Write an account plan in one transaction (all or nothing): ``plan`` holds ``account``
    (name, domain, level), ``stakeholders`` (person as an id or a name, role, title,
    reports_to, source, observed_at, level, ``where``) and ``notes`` (field, text, source,
    observed_at, level, stale_after_days, person, ``where``); ``where`` names the record in
    error messages. Returns what was added."""
    head = plan["account"]
    added = {"accounts": 0, "stakeholders": 0, "notes": 0}
    with store.engine.begin() as c:
        _, new = _add_account(
            c, head["name"], domain=head.get("domain"), level=head.get("level", "private")
        )
        added["accounts"] += new
        for item in plan.get("stakeholders", []):
            try:
                person = resolve_person(c, str(item["person"]))
                boss = item.get("reports_to")
                boss_id = resolve_person(c, str(boss)) if boss is not None else None
                added["stakeholders"] += _add_stakeholder(
                    c,
                    head["name"],
                    person,
                    role=item.get("role"),
                    title=item.get("title"),
                    reports_to=boss_id,
                    source=item.get("source"),
                    observed_at=item.get("observed_at"),
                    level=item.get("level"),
                )
            except SalonError as exc:
                raise SalonError(f"{item['where']}: {exc}") from exc
        for item in plan.get("notes", []):
            try:
                who = item.get("person")
                added["notes"] += _add_note(
                    c,
                    item["text"],
                    field=item["field"],
                    account=head["name"],
                    person=resolve_person(c, str(who)) if who is not None else None,
                    source=item.get("source"),
                    observed_at=item.get("observed_at"),
                    level=item.get("level", "private"),
                    stale_after_days=item.get("stale_after_days"),
                )
            except SalonError as exc:
                raise SalonError(f"{item['where']}: {exc}") from exc
    return added
