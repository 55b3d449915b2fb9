"""The building blocks of the report's sections, and the words they use for numbers and
people.

A block is a dict: ``{"kind": "text"|"note"|"heading", "text"}``, ``{"kind": "list",
"items"}``, ``{"kind": "figure", "svg", "caption"}`` or ``{"kind": "table", "columns",
"rows", "numeric", "why_column"}`` (rows are dicts by column; ``_why`` is drawn small under
the ``why_column`` cell).

>>> kinds({"reply": 3, "mention": 1})
'3 replies, 1 mention'
>>> people_words([{"name": "Ana", "kinds": {"repost": 2}}, {"person": 7}])
'Ana (2 reposts), person 7'
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from markupsafe import Markup

Block = dict[str, Any]
Section = dict[str, Any]

_PLURAL = {"reply": "replies", "person": "people", "email": "e-mails", "list": "lists"}


def plural(count: float, word: str) -> str:
    """``1 reply``, ``3 replies``, ``1,200 posts``."""
    return f"{count:,.0f} {word if round(count) == 1 else _PLURAL.get(word, word + 's')}"


def kinds(attention: Mapping[str, Any] | None) -> str:
    """``{"reply": 3, "mention": 1}`` → ``3 replies, 1 mention`` (most first)."""
    items = sorted((attention or {}).items(), key=lambda kv: -float(kv[1]))
    return ", ".join(plural(float(n), k) for k, n in items if n)


def who(row: Mapping[str, Any]) -> str:
    """A person's name, else ``person 12``."""
    if row.get("name"):
        return str(row["name"])
    pid = row.get("person", row.get("id"))
    return f"person {pid}" if pid is not None else "someone"


def people_words(people: Any) -> str:
    """People as words: names (with their kinds when given), from a list of dicts, names or
    ids."""
    if not people:
        return ""
    if isinstance(people, Mapping):
        people = [{"name": k, "kinds": v} for k, v in people.items()]
    words = []
    for p in people:
        if isinstance(p, Mapping):
            detail = p.get("kinds") or p.get("attention")
            text = who(p)
            if isinstance(detail, Mapping) and detail:
                text += f" ({kinds(detail)})"
            elif isinstance(detail, Sequence) and not isinstance(detail, str) and detail:
                text += f" ({', '.join(map(str, detail))})"
            words.append(text)
        else:
            words.append(str(p))
    return ", ".join(words)


def num(value: Any) -> float:
    """A value as a float: 0 for None (a number the plan could not compute).

    >>> num(None), num(2), num("1.5")
    (0.0, 2.0, 1.5)
    """
    return 0.0 if value is None else float(value)


def number(value: Any, digits: int = 0) -> str:
    """A number with thousands separators (``digits`` decimals; 2 for a fraction when
    ``digits`` is 0), or the value as it is when not a number.

    >>> number(1234), number(12.0), number(0.25), number(3.14159, 1), number("n/a")
    ('1,234', '12', '0.25', '3.1', 'n/a')
    """
    if isinstance(value, bool) or value is None:
        return "" if value is None else str(value)
    if isinstance(value, float) and not digits and not value.is_integer():
        digits = 2
    if isinstance(value, int | float):
        return f"{value:,.{digits}f}"
    return str(value)


def figure(svg: str, caption: str = "", *, wide: bool = False) -> Block:
    """A figure block: ``svg`` is markup made by :mod:`salon.reports.charts` (labels escaped);
    a ``wide`` one is drawn across the page."""
    return {"kind": "figure", "svg": Markup(svg), "caption": caption, "wide": wide}


def table(
    columns: list[str],
    rows: list[dict[str, Any]],
    *,
    numeric: tuple[str, ...] = (),
    why_column: str | None = None,
    nowrap: tuple[str, ...] = (),
) -> Block:
    """A table block: ``numeric`` columns right-aligned, ``nowrap`` ones kept on one line."""
    return {
        "kind": "table",
        "columns": columns,
        "rows": rows,
        "numeric": numeric,
        "why_column": why_column,
        "nowrap": nowrap,
    }


def notes(texts: Sequence[str] | None) -> list[Block]:
    return [{"kind": "note", "text": str(t)} for t in texts or []]
