"""Reading account intelligence from the store: an account's plan (:func:`read_account`),
the accounts (:func:`list_accounts`), and everything kept at some confidentiality levels
(:func:`intelligence`, for the leak guard and reports). People are read through
:func:`~salon.store.merges.canonical_map`, so merged people appear once, by their canonical
id. The writes: :mod:`salon.store.accounts`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, func, select

from salon.store.accounts import account_row, check_level, organization_of
from salon.store.database import Store
from salon.store.merges import canonical_map, groups
from salon.store.schema import accounts, notes, organizations, people, stakeholders


def _names(c: Connection, ids: Iterable[int], mapping: dict[int, int]) -> dict[int, str]:
    wanted = set(ids)
    everyone = [m for group in groups(mapping, wanted).values() for m in group]
    out: dict[int, str] = {}
    for pid, name in c.execute(select(people.c.id, people.c.name).where(people.c.id.in_(everyone))):
        if name:
            out.setdefault(mapping.get(pid, pid), name)
    return out


def _note_rows(c: Connection, query: Any, mapping: dict[int, int]) -> list[dict[str, Any]]:
    out = []
    for row in c.execute(query.order_by(notes.c.id)).mappings():
        note = {k: v for k, v in dict(row).items() if k not in ("key", "file_id")}
        if note["person_id"] is not None:
            note["person_id"] = mapping.get(note["person_id"], note["person_id"])
        out.append(note)
    return out


def read_account(store: Store, name: str) -> dict[str, Any]:
    """An account as plain data: its row, organisation name, stakeholders (canonical people,
    with names, role, title and whom they report to) and notes, oldest first."""
    with store.engine.connect() as c:
        account = account_row(c, name)
        mapping = canonical_map(c)
        org_id = account["organization_id"] or organization_of(c, account["name"])
        account["organization"] = (
            c.execute(select(organizations.c.name).where(organizations.c.id == org_id)).scalar()
            if org_id
            else None
        )
        account["organization_id"] = org_id
        rows = c.execute(
            select(stakeholders)
            .where(stakeholders.c.account_id == account["id"])
            .order_by(stakeholders.c.id)
        ).mappings()
        people_rows: dict[int, dict[str, Any]] = {}
        for row in rows:
            pid = mapping.get(row["person_id"], row["person_id"])
            boss = row["reports_to"]
            entry = people_rows.setdefault(pid, {"person": pid})
            for key in ("role", "title", "source", "observed_at", "level"):
                if entry.get(key) is None:
                    entry[key] = row[key]
            if boss is not None and entry.get("reports_to") is None:
                entry["reports_to"] = mapping.get(boss, boss)
        ids = set(people_rows) | {
            e["reports_to"] for e in people_rows.values() if e.get("reports_to")
        }
        names = _names(c, ids, mapping)
        listed = []
        for entry in people_rows.values():
            entry.setdefault("reports_to", None)
            entry["name"] = names.get(entry["person"])
            entry["reports_to_name"] = (
                names.get(entry["reports_to"]) if entry["reports_to"] else None
            )
            listed.append(entry)
        account["stakeholders"] = listed
        account["notes"] = _note_rows(
            c, select(notes).where(notes.c.account_id == account["id"]), mapping
        )
        return account


def list_accounts(store: Store) -> list[dict[str, Any]]:
    """Every account with its number of stakeholders and notes, by name."""
    with store.engine.connect() as c:
        counts = {}
        for table in (stakeholders, notes):
            counts[table.name] = dict(
                c.execute(
                    select(table.c.account_id, func.count())
                    .where(table.c.account_id.is_not(None))
                    .group_by(table.c.account_id)
                ).all()
            )
        return [
            {
                "name": row.name,
                "domain": row.domain,
                "level": row.level,
                "stakeholders": counts["stakeholders"].get(row.id, 0),
                "notes": counts["notes"].get(row.id, 0),
            }
            for row in c.execute(select(accounts).order_by(accounts.c.name))
        ]


def intelligence(
    store: Store, *, levels: Iterable[str] = ("private", "team")
) -> dict[str, list[dict[str, Any]]]:
    """Everything kept at ``levels``, for the leak guard and for reports: ``notes`` (each with
    its account's and person's names), ``accounts`` (name, domain) and ``stakeholders`` (name,
    title, account) — the names and words that must not appear in a public post."""
    wanted = [check_level(level) for level in levels]
    with store.engine.connect() as c:
        mapping = canonical_map(c)
        account_names = dict(c.execute(select(accounts.c.id, accounts.c.name)).all())
        rows = _note_rows(c, select(notes).where(notes.c.level.in_(wanted)), mapping)
        found = c.execute(
            select(
                stakeholders.c.person_id,
                stakeholders.c.title,
                stakeholders.c.account_id,
                stakeholders.c.role,
            ).where(stakeholders.c.level.in_(wanted))
        ).all()
        ids = {r["person_id"] for r in rows if r["person_id"] is not None}
        ids |= {mapping.get(p, p) for p, *_ in found}
        names = _names(c, ids, mapping)
        for row in rows:
            row["account"] = account_names.get(row["account_id"])
            row["person"] = names.get(row["person_id"]) if row["person_id"] else None
        return {
            "notes": rows,
            "accounts": [
                {"name": r.name, "domain": r.domain}
                for r in c.execute(select(accounts).where(accounts.c.level.in_(wanted)))
            ],
            "stakeholders": [
                {
                    "person_id": mapping.get(p, p),
                    "name": names.get(mapping.get(p, p)),
                    "title": title,
                    "role": role,
                    "account": account_names.get(a),
                }
                for p, title, a, role in found
            ],
        }
