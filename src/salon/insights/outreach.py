"""Reaching people and accounts: warm introductions (``salon intro``), what an account plan
lacks and the warmest paths to the stakeholders you have not met (``salon account gaps``),
and first-insight signals (``salon signals``).

Warm paths run over step 10's tie strength (:mod:`salon.intel.paths`,
:mod:`salon.insights.warm_paths`); signals are described in :mod:`salon.intel.signals`. The
account plans themselves: :mod:`salon.insights.accounts`.
"""

from __future__ import annotations

from typing import Any

from salon.dates import iso
from salon.errors import SalonError
from salon.insights.account_results import AccountGaps, Intro, Signals
from salon.insights.accounts import as_of, your_id
from salon.insights.warm_paths import name_paths, network, paths_to
from salon.intel.paths import MAX_HOPS
from salon.intel.plan import field_gaps, role_gaps, when
from salon.intel.signals import find_signals
from salon.offline.stages import STAGES
from salon.store import account_reads
from salon.store import signals as happenings
from salon.store.database import Store
from salon.store.facts import display_names
from salon.store.relations import person_id

_MET = STAGES.index("met")


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
    at = as_of(store, now)
    you = your_id(store)
    if you is None:
        raise SalonError(
            "The store does not know you: run 'salon me --is NAME' (or import your own export)."
        )
    plan = None
    if isinstance(who, str) and not who.isdigit():
        try:
            plan = account_reads.read_account(store, who)
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
    at = as_of(store, now)
    plan = account_reads.read_account(store, name)
    notes: list[str] = []
    you = your_id(store)
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
    latest = as_of(store, end)
    start = when(since, "--since") if isinstance(since, str) else since
    if start is None:
        start = latest - 30 * 86400
    names_wanted = [account] if account else [a["name"] for a in account_reads.list_accounts(store)]
    notes: list[str] = []
    if not names_wanted:
        notes.append("No accounts yet: add one with 'salon account add NAME'.")
    happened = happenings.activity(store, since=start, until=end)
    background = happenings.texts(store)
    you = your_id(store)
    found: list[dict[str, Any]] = []
    terms: dict[str, dict[str, float]] = {}
    for name in names_wanted:
        plan = account_reads.read_account(store, name)
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
