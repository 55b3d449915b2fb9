"""What only you know: account plans (``salon account``), their notes and stakeholders, and
everything you keep private (:func:`intelligence`, for the leak guard).

An account is an organisation you sell to or serve; its plan holds stakeholders with buying
roles and reporting lines, and notes in the fields of a key-account plan (issues, politics,
motivations, decision process, criteria, projects, gaps), each with its source, the day it
was observed, a confidentiality level (private, team, public; private by default) and a
staleness rule (:data:`salon.store.accounts.STALE_AFTER_DAYS`). Warm introductions, an
account plan's gaps and first-insight signals: :mod:`salon.insights.outreach`.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from salon.dates import iso
from salon.errors import SalonError
from salon.insights.account_results import (
    Account,
    Accounts,
    ImportedAccount,
    Intelligence,
    Removed,
    Written,
)
from salon.insights.warm_paths import network, stage_with
from salon.intel.plan import read_plan, stale_at, when
from salon.store import account_reads
from salon.store import accounts as db
from salon.store.database import Store
from salon.store.facts import self_ids
from salon.store.relations import latest_time, person_id


def as_of(store: Store, now: str | int | None) -> int:
    """``now`` as Unix seconds: given, else the store's latest record (no later than the
    clock), else the clock."""
    if now is not None:
        found = when(now, "now") if isinstance(now, str) else int(now)
        if found is None:
            raise SalonError("'now' is empty.")
        return found
    latest = latest_time(store)
    return int(min(latest, time.time())) if latest else int(time.time())


def your_id(store: Store) -> int | None:
    """Your person id (the first the store marks as you), else None."""
    yours = self_ids(store)
    return yours[0] if yours else None


def account(store: Store, name: str, *, now: str | int | None = None) -> Account:
    """An account's plan: stakeholders with their buying role, title, whom they report to
    and your relationship stage with them; notes with source, observed date, level and
    whether they are stale as of ``now`` (default: the store's latest record).

    Examples
    --------
    >>> import salon
    >>> store = salon.demo.sample_store()
    >>> _ = salon.add_account(store, "Quantum Labs", domain="quantum.example")
    >>> _ = salon.add_note(store, "Budget frozen until Q3", field="issues",
    ...     account="Quantum Labs", observed="2018-06-01")
    >>> plan = salon.account(store, "quantum labs")
    >>> plan.name, [(n["field"], n["level"], n["stale"]) for n in plan.notes]
    ('Quantum Labs', [('issues', 'private', False)])
    """
    at = as_of(store, now)
    found = account_reads.read_account(store, name)
    you = your_id(store)
    graph = network(store, at) if found["stakeholders"] and you is not None else None
    people = []
    for s in found["stakeholders"]:
        people.append(
            {
                "person": s["person"],
                "name": s["name"],
                "role": s["role"],
                "title": s["title"],
                "reports_to": s["reports_to"],
                "reports_to_name": s["reports_to_name"],
                "stage": stage_with(graph, you, s["person"]),
                "source": s["source"],
                "observed": iso(s["observed_at"]),
                "level": s["level"],
            }
        )
    return Account(
        name=found["name"],
        domain=found["domain"],
        level=found["level"],
        organization=found["organization"],
        now=iso(at) or "",
        stakeholders=people,
        notes=[_note(n, at) for n in found["notes"]],
    )


def _note(note: dict[str, Any], now: int) -> dict[str, Any]:
    end = stale_at(note)
    return {
        "id": note["id"],
        "field": note["field"],
        "text": note["text"],
        "person": note["person_id"],
        "source": note["source"],
        "observed": iso(note["observed_at"]),
        "level": note["level"],
        "stale_after_days": note["stale_after_days"],
        "stale": end is not None and end <= now,
        "imported": note["import_id"] is not None,
    }


def accounts(store: Store) -> Accounts:
    """Every account, by name, with its number of stakeholders and notes.

    Examples
    --------
    >>> import salon
    >>> store = salon.demo.sample_store()
    >>> _ = salon.add_account(store, "Quantum Labs")
    >>> [a["name"] for a in salon.accounts(store).accounts]
    ['Quantum Labs']
    """
    return Accounts(accounts=account_reads.list_accounts(store))


def add_account(
    store: Store, name: str, *, domain: str | None = None, level: str = "private"
) -> Written:
    """Add an account (an organisation you sell to or serve); linked to the imported
    organisation of the same name when there is one. Adding it again changes nothing.

    Examples
    --------
    >>> import salon
    >>> store = salon.demo.sample_store()
    >>> [salon.add_account(store, "Quantum Labs").added for _ in range(2)]
    [True, False]
    """
    _, added = db.add_account(store, name, domain=domain, level=level)
    return Written(account=" ".join(name.split()), what="account", added=added, detail={})


def add_note(
    store: Store,
    text: str,
    *,
    field: str = "note",
    account: str | None = None,
    person: str | int | None = None,
    source: str | None = None,
    observed: str | None = None,
    level: str = "private",
    stale_after_days: int | None = None,
) -> Written:
    """Write intelligence: a note in an account plan's ``field`` (issues, politics,
    motivations, decision_process, criteria, projects, gaps) or a private ``note`` about a
    person (an id or a name), with its source, the day observed (default: unknown), a level
    (private by default) and after how many days it is stale (default: the field's rule).
    The same text in the same place is kept once.

    Examples
    --------
    >>> import salon
    >>> store = salon.demo.sample_store()
    >>> _ = salon.add_account(store, "Quantum Labs")
    >>> salon.add_note(store, "Wants error-corrected qubits by 2020", field="projects",
    ...     account="Quantum Labs", level="team").detail["level"]
    'team'
    """
    pid = person_id(store, person) if person is not None else None
    observed_at = when(observed, "--observed")
    added = db.add_note(
        store,
        text,
        field=field,
        account=account,
        person=pid,
        source=source,
        observed_at=observed_at,
        level=level,
        stale_after_days=stale_after_days,
    )
    detail = {"field": field, "level": level, "person": pid, "observed": iso(observed_at)}
    return Written(account=account, what="note", added=added, detail=detail)


def add_stakeholder(
    store: Store,
    account: str,
    person: str | int,
    *,
    role: str | None = None,
    title: str | None = None,
    reports_to: str | int | None = None,
    source: str | None = None,
    observed: str | None = None,
    level: str | None = None,
) -> Written:
    """Add a person (an id or a name) to an account's stakeholders with a buying role
    (decision_maker, champion, evaluator, procurement, influencer, blocker), a title and
    whom they report to, private unless ``level`` says otherwise; adding them again updates
    what is given.

    Examples
    --------
    >>> import salon
    >>> store = salon.demo.sample_store()
    >>> _ = salon.add_account(store, "Quantum Labs")
    >>> someone = salon.people(store, limit=2)[1].id
    >>> salon.add_stakeholder(store, "Quantum Labs", someone, role="champion").added
    True
    """
    pid = person_id(store, person)
    boss = person_id(store, reports_to) if reports_to is not None else None
    added = db.add_stakeholder(
        store,
        account,
        pid,
        role=role,
        title=title,
        reports_to=boss,
        source=source,
        observed_at=when(observed, "--observed"),
        level=level,
    )
    detail = {"person": pid, "role": role, "title": title, "reports_to": boss}
    return Written(account=account, what="stakeholder", added=added, detail=detail)


def remove_stakeholder(store: Store, account: str, person: str | int) -> Removed:
    """Take a person (an id or a name) off an account's stakeholders and its reporting lines;
    the person and your notes about them stay.

    Examples
    --------
    >>> import salon
    >>> store = salon.demo.sample_store()
    >>> _ = salon.add_account(store, "Cardnest")
    >>> _ = salon.add_stakeholder(store, "Cardnest", "Sameer Jadhav", role="champion")
    >>> salon.remove_stakeholder(store, "Cardnest", "Sameer Jadhav").removed
    {'stakeholders': 1}
    """
    pid = person_id(store, person)
    gone = db.remove_stakeholder(store, account, pid)
    return Removed(account=account, what="stakeholder", removed={"stakeholders": gone})


def remove_account(store: Store, name: str) -> Removed:
    """Delete an account with its plan (stakeholders and notes); the people stay.

    Examples
    --------
    >>> import salon
    >>> store = salon.demo.sample_store()
    >>> _ = salon.add_account(store, "Cardnest")
    >>> _ = salon.add_note(store, "Seed round closing", field="projects", account="Cardnest")
    >>> salon.remove_account(store, "cardnest").removed
    {'accounts': 1, 'stakeholders': 0, 'notes': 1}
    """
    return Removed(account=name, what="account", removed=db.remove_account(store, name))


def import_account(store: Store, path: str | Path) -> ImportedAccount:
    """Load an account plan file (TOML: ``[account]``, ``[[stakeholders]]``, ``[[notes]]``;
    see ``src/salon/data/enron_ets_account.toml``) in one transaction: a bad record stops it
    with a message naming the file and the record, and nothing is written. Loading it again
    adds nothing.

    Examples
    --------
    >>> import salon, tempfile, pathlib
    >>> store = salon.demo.sample_store()
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     plan = pathlib.Path(folder) / "plan.toml"
    ...     _ = plan.write_text('[account]\\nname = "Quantum Labs"\\n[[notes]]\\n'
    ...                         'field = "criteria"\\ntext = "Price per qubit"\\n')
    ...     salon.import_account(store, plan).added
    {'accounts': 1, 'stakeholders': 0, 'notes': 1}
    """
    plan = read_plan(path)
    added = db.import_plan(store, plan)
    return ImportedAccount(file=str(path), account=plan["account"]["name"], added=added)


def intelligence(store: Store, *, levels: tuple[str, ...] = ("private", "team")) -> Intelligence:
    """Everything you keep at ``levels`` (default private and team): notes (account plans'
    and about people, imported ones too), accounts and stakeholders, with names. The leak
    guard checks drafts against it; public reports leave it out.

    Examples
    --------
    >>> import salon
    >>> store = salon.demo.sample_store()
    >>> _ = salon.add_account(store, "Quantum Labs")
    >>> _ = salon.add_note(store, "Budget frozen", field="issues", account="Quantum Labs")
    >>> [(n["account"], n["text"]) for n in salon.intelligence(store).notes]
    [('Quantum Labs', 'Budget frozen')]
    """
    found = account_reads.intelligence(store, levels=levels)
    for note in found["notes"]:
        note["observed_at"] = iso(note["observed_at"])
        note["created_at"] = iso(note["created_at"])
    return Intelligence(levels=list(levels), **found)
