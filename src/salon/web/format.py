"""Filters and helpers the templates use: numbers, dates, people's names.

>>> number(1234567), number(0.000123), number(None), percent(0.1234)
('1,234,567', '0.000123', '—', '12.3 %')
>>> day("2018-06-19T01:53:00Z"), day(1520874045)
('2018-06-19', '2018-03-12')
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from markupsafe import Markup


def number(value: Any, digits: int = 3) -> str:
    """A number as people read it: thousands separated, small values in significant digits."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if value != value:  # NaN
            return "—"
        if value == int(value) and abs(value) < 1e15:
            return f"{int(value):,}"
        if abs(value) >= 100:
            return f"{value:,.0f}"
        return f"{value:.{digits}g}"
    return str(value)


def percent(value: Any) -> str:
    if value is None:
        return "—"
    return f"{100 * float(value):.1f} %"


def day(value: Any) -> str:
    """An ISO time or a Unix time as its day (UTC)."""
    if value is None or value == "":
        return "—"
    if isinstance(value, int | float):
        return datetime.fromtimestamp(float(value), UTC).strftime("%Y-%m-%d")
    return str(value)[:10]


def kinds(value: dict[str, Any] | None) -> str:
    """``{"reply": 3, "mention": 1}`` as ``3 reply, 1 mention``."""
    if not value:
        return "—"
    return ", ".join(f"{number(n)} {kind}" for kind, n in value.items())


def to_json(value: Any) -> Markup:
    """JSON for a ``<script type="application/json">`` island: ``<``, ``>`` and ``&`` escaped
    so that no text in it can close the element."""
    text = json.dumps(value, ensure_ascii=False, default=str)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text)


def name_of(value: str | None, pid: int | None = None) -> str:
    return value or (f"person {pid}" if pid is not None else "someone")


FILTERS = {
    "number": number,
    "percent": percent,
    "day": day,
    "kinds": kinds,
    "to_json": to_json,
}
GLOBALS = {"name_of": name_of}


def source(file: str | None, line: int | None = None) -> str:
    """Where a fact came from, short: the file's name (and the member of a zip) and line.

    >>> source("/home/me/linkedin.zip:Connections.csv", 8)
    'linkedin.zip:Connections.csv:8'
    """
    if not file:
        return ""
    short = file.rsplit("/", 1)[-1]
    return f"{short}:{line}" if line is not None else short


FILTERS["source"] = source
