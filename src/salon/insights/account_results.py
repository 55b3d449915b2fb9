"""The answers of the account questions (accounts, gaps, warm paths, signals): frozen
dataclasses that carry their evidence, as :mod:`salon.insights.results` (standard library
only: the CLI loads it at no cost)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from salon.insights.results import Result


@dataclass(frozen=True)
class Account(Result):
    """An account's plan: its stakeholders (buying role, title, reporting line, your stage
    with them) and its notes (source, observed, level, stale or not), as of ``now``."""

    name: str
    domain: str | None
    level: str
    organization: str | None
    now: str
    stakeholders: list[dict[str, Any]]
    notes: list[dict[str, Any]]


@dataclass(frozen=True)
class Accounts(Result):
    """Every account, with its number of stakeholders and notes."""

    accounts: list[dict[str, Any]]


@dataclass(frozen=True)
class Written(Result):
    """What a write did: ``added`` is False when the store had it already (a stakeholder's
    details are then updated)."""

    account: str | None
    what: str
    added: bool
    detail: dict[str, Any]


@dataclass(frozen=True)
class Removed(Result):
    """What a removal deleted, rows per table (people always stay)."""

    account: str
    what: str
    removed: dict[str, int]


@dataclass(frozen=True)
class ImportedAccount(Result):
    """An account plan file written to the store: rows added per table."""

    file: str
    account: str
    added: dict[str, int]


@dataclass(frozen=True)
class AccountGaps(Result):
    """What an account plan lacks as of ``now``: fields empty or stale, buying roles with
    no known person, and stakeholders you have never met, each with warm paths to them."""

    account: str
    now: str
    fields: list[dict[str, Any]]
    roles: list[str]
    unmet: list[dict[str, Any]]
    notes: list[str]


@dataclass(frozen=True)
class Intro(Result):
    """Warm introductions: for each target (a person, or an account's stakeholders), your
    direct tie if any and the best paths through your contacts, each tie with its evidence
    and a suggested message."""

    asked: str
    account: str | None
    now: str
    targets: list[dict[str, Any]]
    notes: list[str]


@dataclass(frozen=True)
class Signals(Result):
    """First-insight signals from ``since`` to ``until``: posts, job changes, meetings and
    messages touching an account, best first, each with its evidence and a next step."""

    since: str | None
    until: str | None
    accounts: list[str]
    terms: dict[str, dict[str, float]]
    signals: list[dict[str, Any]]
    notes: list[str]


@dataclass(frozen=True)
class Intelligence(Result):
    """What you keep at the given levels: notes, accounts and stakeholders (for the leak
    guard, and to leave out of public reports)."""

    levels: list[str]
    notes: list[dict[str, Any]]
    accounts: list[dict[str, Any]]
    stakeholders: list[dict[str, Any]]
