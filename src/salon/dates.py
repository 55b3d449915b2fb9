"""Date and time parsing for export formats: every result is UTC epoch seconds."""

from __future__ import annotations

from datetime import UTC, datetime

# Formats seen in real exports, most specific first.
FORMATS = (
    "%Y-%m-%dT%H:%M:%S.%f%z",  # ISO 8601 with fraction (X manifest, ActivityStreams)
    "%Y-%m-%dT%H:%M:%S%z",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M:%S %Z",  # LinkedIn today: 2023-05-10 14:03:12 UTC
    "%Y-%m-%d %H:%M:%S",
    "%Y/%m/%d %H:%M:%S %Z",  # LinkedIn 2018 Shares: 2017/06/08 08:15:44 UTC
    "%a %b %d %H:%M:%S %z %Y",  # X: Tue Jan 31 09:01:52 +0000 2017
    "%m/%d/%y, %I:%M %p",  # LinkedIn 2018, Invitations.csv today: 1/8/18, 6:14 PM
    "%m/%d/%Y, %I:%M %p",  # the same with the full year (11/4/2018, 9:05 PM): month first too
    "%d %b %Y",  # LinkedIn today: 22 Dec 2025
    "%b %d, %Y",  # Sep 23, 1997
    "%Y-%m-%d",
    "%Y-%m",
    "%b %Y",  # Jun 2018
    "%Y",
)
#: Times outside years 1–9999 are not times (a 50-digit number, ``1e30``).
_LIMIT = 253_402_300_800


def parse_time(text: str) -> int | None:
    """Parse a timestamp in any of :data:`FORMATS`, or a number of epoch seconds.

    Naive times are taken as UTC. Returns ``None`` for an empty string and raises
    ``ValueError`` for text that matches no format.

    >>> parse_time("1/8/18, 6:14 PM")
    1515435240
    >>> parse_time("2012-07-01T00:02:52Z")
    1341100972
    >>> parse_time("2004"), parse_time("2018-06")  # years are years, not epoch seconds
    (1072915200, 1527811200)
    """
    text = text.strip()
    if not text:
        return None
    if len(text) == 4 and text.isdigit():
        return int(datetime(int(text), 1, 1, tzinfo=UTC).timestamp())  # a year, not 1970
    if len(text) <= 20 and (text.isdigit() or (text[0] == "-" and text[1:].isdigit())):
        return _bounded(int(text), text)
    try:
        number = float(text)
    except ValueError:
        pass
    else:
        if number != number or abs(number) >= _LIMIT:  # NaN, infinities, years past 9999
            raise ValueError(f"{text[:40]!r} is not a time")
        return int(number)
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    for fmt in FORMATS:
        try:
            parsed = datetime.strptime(text, fmt)
        except ValueError:
            continue
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=UTC)
        return int(parsed.timestamp())
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"unrecognised date {text!r}") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return int(parsed.timestamp())


def _bounded(value: int, text: str) -> int:
    if abs(value) >= _LIMIT:
        raise ValueError(f"{text[:40]!r} is not a time")
    return value


def from_epoch(value: float) -> int:
    """Unix seconds given as a number, as whole seconds; ``ValueError`` for NaN, infinities
    and times outside years 1–9999 (``1e30``), which no export holds.

    >>> from_epoch(1714557600.5)
    1714557600
    """
    if value != value or abs(value) >= _LIMIT:
        raise ValueError(f"{str(value)[:40]!r} is not a time")
    return int(value)


def epoch_text(text: str) -> int:
    """Unix seconds written as digits (``1341100972``), bounded like :func:`from_epoch`: a
    string of 50 digits is no time. Raises ``ValueError`` for anything else."""
    text = text.strip()
    digits = text[1:] if text[:1] == "-" else text
    if not digits.isdigit() or len(digits) > 20:
        raise ValueError(f"{text[:40]!r} is not a time")
    return _bounded(int(text), text)


def iso(epoch: int | None) -> str | None:
    """Epoch seconds as an ISO 8601 UTC string (``None`` stays ``None``)."""
    if epoch is None:
        return None
    return datetime.fromtimestamp(epoch, tz=UTC).isoformat().replace("+00:00", "Z")
