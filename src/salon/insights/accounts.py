"""What only you know: account plans (``salon account``), warm introductions (``salon
intro``) and first-insight signals (``salon signals``).

An account is an organisation you sell to or serve; its plan holds stakeholders with buying
roles and reporting lines, and notes in the fields of a key-account plan (issues, politics,
motivations, decision process, criteria, projects, gaps), each with its source, the day it
was observed, a confidentiality level (private, team, public; private by default) and a
staleness rule (:data:`salon.store.accounts.STALE_AFTER_DAYS`). Warm paths run over step 10's
tie strength (:mod:`salon.intel.paths`); signals are described in :mod:`salon.intel.signals`.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from salon.dates import iso
from salon.errors import SalonError
from salon.insights.account_results import (
    Account,
    AccountGaps,
    Accounts,
    ImportedAccount,
    Intelligence,
    Intro,
    Removed,
    Signals,
    Written,
)
from salon.insights.warm_paths import name_paths, network, paths_to, stage_with
from salon.intel.paths import MAX_HOPS
from salon.intel.plan import field_gaps, read_plan, role_gaps, stale_at, when
from salon.intel.signals import find_signals
from salon.offline.stages import STAGES
from salon.store import accounts as db
from salon.store import signals as happenings
from salon.store.database import Store
from salon.store.facts import display_names, self_ids
from salon.store.relations import latest_time, person_id

_MET = STAGES.index("met")


def _now(store: Store, now: str | int | None) -> int:
    """``now`` as Unix seconds: given, else the store's latest record (no later than the
    clock), else the clock."""
    if now is not None:
        found = when(now, "now") if isinstance(now, str) else int(now)
        if found is None:
            raise SalonError("'now' is empty.")
        return found
    latest = latest_time(store)
    return int(min(latest, time.time())) if latest else int(time.time())


def _you(store: Store) -> int | None:
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
    at = _now(store, now)
    found = db.read_account(store, name)
    you = _you(store)
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
    return Accounts(accounts=db.list_accounts(store))


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


def intro(
    store: Store,
    who: str | int,
    *,
    top: int = 3,
    max_hops: int = MAX_HOPS,
    now: str | int | None = None,
) -> Intro:
    """Who can introduce you to a person, or to each stakeholder of an account (``who`` is
    an account's name, else a person's id or name): the warmest paths through your contacts
    over tie strength (recent, reciprocal and in-person ties are warmest; see
    :mod:`salon.intel.paths`), at most ``top`` introducers each and ``max_hops`` ties long,
    each tie with its evidence and a suggested message that quotes none of your notes.

    Examples
    --------
    >>> import salon
    >>> store = salon.demo.sample_store()
    >>> found = salon.intro(store, "Rajat Hegde")
    >>> found.targets[0]["stage"], found.targets[0]["paths"]  # your contacts do not know Rajat
    ('conversed', [])
    """
    if top < 1 or max_hops < 2:
        raise SalonError("top must be 1 or more and max_hops 2 or more.")
    at = _now(store, now)
    you = _you(store)
    if you is None:
        raise SalonError(
            "The store does not know you: run 'salon me --is NAME' (or import your own export)."
        )
    plan = None
    if isinstance(who, str) and not who.isdigit():
        try:
            plan = db.read_account(store, who)
        except SalonError:
            plan = None
    notes: list[str] = []
    graph = network(store, at)
    if plan is not None:
        targets = [(s["person"], s["title"]) for s in plan["stakeholders"] if s["person"] != you]
        if not targets:
            notes.append(f"Account '{plan['name']}' has no stakeholders yet.")
    else:
        targets = [(person_id(store, who), None)]
    if targets and targets[0][0] == you and plan is None:
        raise SalonError("That is you: ask for someone else.")
    ids = {you, *(t for t, _ in targets)}
    names = display_names(store, ids)
    rows = []
    for target, title in targets:
        row = paths_to(
            graph,
            you,
            target,
            names,
            title=title,
            at=plan["name"] if plan else None,
            top=top,
            max_hops=max_hops,
        )
        rows.append(row)
    name_paths(store, rows, names, plan["name"] if plan else None)
    for r in rows:
        if not r["paths"] and not r["direct"]:
            notes.append(f"No warm path to {r['name']} within {max_hops} ties.")
    return Intro(
        asked=str(who),
        account=plan["name"] if plan else None,
        now=iso(at) or "",
        targets=rows,
        notes=notes,
    )


def account_gaps(
    store: Store, name: str, *, now: str | int | None = None, top: int = 1
) -> AccountGaps:
    """What an account plan lacks as of ``now`` (default: the store's latest record):
    fields with no entry or only stale ones, buying roles no stakeholder has, and
    stakeholders you have never met (stage below ``met``: online, conversed, call, or no
    tie at all), each with its ``top`` warmest introduction paths.

    Examples
    --------
    >>> import salon
    >>> store = salon.demo.sample_store()
    >>> _ = salon.add_account(store, "Quantum Labs")
    >>> gaps = salon.account_gaps(store, "Quantum Labs")
    >>> len(gaps.fields), gaps.roles[:2]
    (7, ['decision_maker', 'champion'])
    """
    at = _now(store, now)
    plan = db.read_account(store, name)
    notes: list[str] = []
    you = _you(store)
    unmet = []
    if plan["stakeholders"]:
        if you is None:
            notes.append("The store does not know you: who you have met is unknown.")
        else:
            graph = network(store, at)
            ids = {you, *(s["person"] for s in plan["stakeholders"])}
            names = display_names(store, ids)
            for s in plan["stakeholders"]:
                if s["person"] == you:
                    continue
                row = paths_to(
                    graph,
                    you,
                    s["person"],
                    names,
                    title=s["title"],
                    at=plan["name"],
                    top=top,
                    max_hops=MAX_HOPS,
                )
                if row["stage"] in ("met", "meal"):
                    continue
                row["role"] = s["role"]
                unmet.append(row)
            name_paths(store, unmet, names, plan["name"])
    return AccountGaps(
        account=plan["name"],
        now=iso(at) or "",
        fields=field_gaps(plan["notes"], at),
        roles=role_gaps(plan["stakeholders"]),
        unmet=unmet,
        notes=notes,
    )


def signals(
    store: Store,
    *,
    account: str | None = None,
    since: str | int | None = None,
    until: str | int | None = None,
    top: int | None = 20,
) -> Signals:
    """First-insight signals: posts, job changes (affiliations that started), meetings and
    messages from ``since`` to ``until`` that touch an account's issues, projects or
    stakeholders (every account, or ``account``), best first, each with its matching evidence
    (terms and the notes they come from, the stakeholders and their roles) and a suggested
    next step. ``since`` defaults to 30 days before the store's latest record.

    Examples
    --------
    >>> import salon
    >>> store = salon.demo.sample_store()
    >>> _ = salon.add_account(store, "Quantum Labs")
    >>> _ = salon.add_note(store, "Their team studies Grover search for databases",
    ...     field="projects", account="Quantum Labs")
    >>> found = salon.signals(store, since="2018-01-01")
    >>> found.signals[0]["kind"], found.signals[0]["terms"]
    ('post', ['grover search'])
    """
    if top is not None and top < 1:
        raise SalonError("top must be 1 or more.")
    end = when(until, "--until") if isinstance(until, str) else until
    latest = _now(store, end)
    start = when(since, "--since") if isinstance(since, str) else since
    if start is None:
        start = latest - 30 * 86400
    names_wanted = [account] if account else [a["name"] for a in db.list_accounts(store)]
    notes: list[str] = []
    if not names_wanted:
        notes.append("No accounts yet: add one with 'salon account add NAME'.")
    happened = happenings.activity(store, since=start, until=end)
    background = happenings.texts(store)
    you = _you(store)
    found: list[dict[str, Any]] = []
    terms: dict[str, dict[str, float]] = {}
    for name in names_wanted:
        plan = db.read_account(store, name)
        plan["stakeholders"] = [dict(s) for s in plan["stakeholders"]]
        at_account = happenings.organization_people(
            store, [plan["name"], *([plan["organization"]] if plan["organization"] else [])]
        )
        ids = {s["person"] for s in plan["stakeholders"]} | set(at_account)
        for kind in happened.values():
            for item in kind:
                ids.update(p for p in (item.get("person"), *item.get("attendees", [])) if p)
        mine, used = find_signals(
            plan,
            happened,
            at_account=at_account,
            names=display_names(store, ids),
            you=you,
            background=background,
        )
        for s in mine:
            s["account"] = plan["name"]
        found.extend(mine)
        terms[plan["name"]] = {t: round(v, 3) for t, v in used.items()}
    found.sort(key=lambda s: s["at"] or "", reverse=True)  # the newest first on equal scores
    found.sort(key=lambda s: -s["score"])
    return Signals(
        since=iso(start),
        until=iso(end),
        accounts=names_wanted,
        terms=terms,
        signals=found[:top] if top is not None else found,
        notes=notes,
    )


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
    found = db.intelligence(store, levels=levels)
    for note in found["notes"]:
        note["observed_at"] = iso(note["observed_at"])
        note["created_at"] = iso(note["created_at"])
    return Intelligence(levels=list(levels), **found)
