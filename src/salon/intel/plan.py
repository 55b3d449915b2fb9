"""Account plans: reading a plan file (TOML), and what a plan lacks (``salon account gaps``).

A plan file holds ``[account]`` (name, domain, level), ``[[stakeholders]]`` (person, role,
title, reports_to, source, observed, level) and ``[[notes]]`` (field, text, source, observed,
level, stale_after_days, person); ``src/salon/data/enron_ets_account.toml`` is an example.
Pure: no store.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from salon.dates import iso, parse_time
from salon.errors import SalonError

FIELDS = ("issues", "politics", "motivations", "decision_process", "criteria", "projects", "gaps")
ROLES = ("decision_maker", "champion", "evaluator", "procurement", "influencer", "blocker")
LEVELS = ("private", "team", "public")
DAY = 86400
_STAKEHOLDER_KEYS = {"person", "role", "title", "reports_to", "source", "observed", "level"}
_NOTE_KEYS = {"field", "text", "source", "observed", "level", "stale_after_days", "person"}


def when(value: object, what: str) -> int | None:
    """A date (TOML date or datetime, text in any format :func:`salon.dates.parse_time`
    reads, or None) as Unix seconds; a SalonError naming ``what`` otherwise.

    >>> when("2001-10-25", "observed"), when(None, "observed")
    (1003968000, None)
    """
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        value = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
        return int(value.timestamp())
    if isinstance(value, dt.date):
        return int(dt.datetime(value.year, value.month, value.day, tzinfo=dt.UTC).timestamp())
    try:
        return parse_time(str(value))
    except ValueError:
        raise SalonError(f"{what}: '{value}' is no date (e.g. 2001-10-25)") from None


def _text(record: Mapping[str, Any], key: str, where: str, *, required: bool = False) -> Any:
    value = record.get(key)
    if value is None:
        if required:
            raise SalonError(f"{where}: '{key}' is missing")
        return None
    if isinstance(value, int | str) and not isinstance(value, bool):
        return value if key in ("person", "reports_to") else str(value)
    raise SalonError(f"{where}: '{key}' should be text, not {value!r}")


def _choice(value: str | None, allowed: Iterable[str], what: str, where: str) -> str | None:
    allowed = tuple(allowed)
    if value is not None and value not in allowed:
        raise SalonError(f"{where}: '{value}' is no {what}; use one of {', '.join(allowed)}")
    return value


def read_plan(path: str | Path) -> dict[str, Any]:
    """Read and check a plan file; the plan as :func:`salon.store.accounts.import_plan`
    takes it. A SalonError names the file, the record and what is wrong."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SalonError(f"No file '{path}'.") from None
    except (UnicodeDecodeError, IsADirectoryError) as exc:
        raise SalonError(f"Could not read '{path}': {exc}.") from None
    except tomllib.TOMLDecodeError as exc:
        raise SalonError(f"Could not read '{path}': it is not valid TOML ({exc}).") from None
    head = data.get("account")
    if not isinstance(head, dict) or not str(head.get("name", "")).strip():
        raise SalonError(f"'{path}': an [account] table with a name is missing.")
    where = f"'{path}' [account]"
    account = {
        "name": str(head["name"]),
        "domain": _text(head, "domain", where),
        "level": _choice(_text(head, "level", where) or "private", LEVELS, "level", where),
    }
    stakeholders = []
    for i, item in enumerate(data.get("stakeholders", []), start=1):
        where = f"'{path}' stakeholder {i}"
        if not isinstance(item, dict):
            raise SalonError(f"{where}: use [[stakeholders]] tables")
        if unknown := set(item) - _STAKEHOLDER_KEYS:
            raise SalonError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
        person = _text(item, "person", where, required=True)
        where = f"'{path}' stakeholder {i} ({person})"
        stakeholders.append(
            {
                "person": person,
                "role": _choice(_text(item, "role", where), ROLES, "buying role", where),
                "title": _text(item, "title", where),
                "reports_to": _text(item, "reports_to", where),
                "source": _text(item, "source", where),
                "observed_at": when(item.get("observed"), where),
                "level": _choice(_text(item, "level", where), LEVELS, "level", where),
                "where": where,
            }
        )
    notes = []
    for i, item in enumerate(data.get("notes", []), start=1):
        where = f"'{path}' note {i}"
        if not isinstance(item, dict):
            raise SalonError(f"{where}: use [[notes]] tables")
        if unknown := set(item) - _NOTE_KEYS:
            raise SalonError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
        field = _choice(
            _text(item, "field", where, required=True), (*FIELDS, "note"), "field", where
        )
        stale = item.get("stale_after_days")
        if stale is not None and (
            not isinstance(stale, int) or isinstance(stale, bool) or stale < 1
        ):
            raise SalonError(f"{where}: stale_after_days should be a whole number from 1 up")
        notes.append(
            {
                "field": field,
                "text": " ".join(str(_text(item, "text", where, required=True)).split()),
                "source": _text(item, "source", where),
                "observed_at": when(item.get("observed"), where),
                "level": _choice(_text(item, "level", where) or "private", LEVELS, "level", where),
                "stale_after_days": stale,
                "person": _text(item, "person", where),
                "where": where,
            }
        )
    return {"account": account, "stakeholders": stakeholders, "notes": notes}


def _observed(note: Mapping[str, Any]) -> int | None:
    found = note.get("observed_at")
    return note.get("created_at") if found is None else found


def stale_at(note: Mapping[str, Any]) -> int | None:
    """When a note goes stale: observed (else written) + its staleness rule; None: never."""
    days = note.get("stale_after_days")
    start = _observed(note)
    return None if days is None or start is None else int(start) + int(days) * DAY


def field_gaps(notes: Iterable[Mapping[str, Any]], now: int) -> list[dict[str, Any]]:
    """Each plan field with no entry (``empty``) or only stale ones (``stale``: the freshest
    entry's date and when it went stale), in the order of :data:`FIELDS`.

    >>> field_gaps([{"field": "issues", "observed_at": 0, "stale_after_days": 1}], 2 * DAY)[:2]
    ... # doctest: +NORMALIZE_WHITESPACE
    [{'field': 'issues', 'gap': 'stale', 'entries': 1, 'newest': '1970-01-01T00:00:00Z',
      'stale_since': '1970-01-02T00:00:00Z'},
     {'field': 'politics', 'gap': 'empty', 'entries': 0, 'newest': None, 'stale_since': None}]
    """
    by_field: dict[str, list[Mapping[str, Any]]] = {}
    for note in notes:
        by_field.setdefault(note["field"], []).append(note)
    out = []
    for field in FIELDS:
        entries = by_field.get(field, [])
        if not entries:
            out.append(
                {"field": field, "gap": "empty", "entries": 0, "newest": None, "stale_since": None}
            )
            continue
        ends = [stale_at(n) for n in entries]
        if any(end is None or end > now for end in ends):
            continue
        newest = max(entries, key=lambda n: _observed(n) or 0)
        out.append(
            {
                "field": field,
                "gap": "stale",
                "entries": len(entries),
                "newest": iso(_observed(newest)),
                "stale_since": iso(max(e for e in ends if e is not None)),
            }
        )
    return out


def role_gaps(stakeholders: Iterable[Mapping[str, Any]]) -> list[str]:
    """The buying roles no stakeholder has.

    >>> role_gaps([{"role": "champion"}, {"role": None}])
    ['decision_maker', 'evaluator', 'procurement', 'influencer', 'blocker']
    """
    held = {s.get("role") for s in stakeholders}
    return [r for r in ROLES if r not in held]
