"""``salon meet`` gives the same answers as before it was made fast.

A small store is generated (a Google Contacts CSV of 400 people with location texts of every
kind: names in any case and with or without accents, alternate names, namesakes with and
without a country, airport codes, coordinates, countries alone, text that names no city;
a calendar of meetings with some of them, in your city and elsewhere; an mbox of messages)
and ``salon.meet`` is run for a few cities and for the trips in the store's own calendar.
``meet_answers.json`` holds the answers of the code before the speed-up (commit b691af6),
computed on this store: every suggestion, every unplaced person, the home, the curve.
Regenerate it only when an answer is meant to change: ``python tests/offline/test_meet_answers.py``.
"""

from __future__ import annotations

import csv
import json
import time
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path

import numpy as np
import pytest

import salon

FIXTURE = Path(__file__).with_name("meet_answers.json")
NOW = 1_735_689_600  # 2025-01-01
TEXTS = [
    "Vienna",
    "Vienna, Austria",
    "Wien",
    "wien",
    "WIEN, AT",
    "Klosterneuburg",
    "Graz",
    "Graz, Austria",
    "Linz",
    "Bratislava",
    "Brno",
    "Budapest",
    "Prague",
    "Praha",
    "München",
    "Muenchen",
    "Munich, Germany",
    "Köln",
    "Cologne",
    "Berlin",
    "Paris, France",
    "London",
    "Greater London Area",
    "Manchester MAN",
    "Cambridge",
    "Cambridge, US",
    "Valencia",
    "Valencia, Spain",
    "Delhi Area, India",
    "New York",
    "San Francisco Bay Area",
    "Tokyo",
    "Sydney",
    "Graz@47.07\\,15.44",
    "geo:48.21,16.37",
    "Austria",
    "India",
    "TBD",
    "Remote",
    "Stadt- u. Landesbibliothek Potsdam im Bildungsforum",
    "Chorley Fitness, 69 Chapel Street, Chorley, PR7 1BS",
    "",
]
MEETING_PLACES = ["Vienna", "Wien", "Graz", "Bratislava", "Budapest", "Berlin", "London", "TBD"]
QUERIES = [
    {"city": "Vienna, Austria"},
    {"city": "Graz"},
    {"city": "Bratislava", "top": 5},
    {"city": "London, UK", "top": 20},
    {"city": "Delhi"},
    {"since": 0},
]


def generate(folder: Path, n: int = 400, seed: int = 3) -> list[Path]:
    """The contacts CSV, the calendar and the mbox of the store."""
    rng = np.random.default_rng(seed)
    where = rng.choice(len(TEXTS), size=n)
    contacts = folder / "contacts.csv"
    with open(contacts, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["Name", "Given Name", "Family Name", "E-mail 1 - Value", "Address 1 - City"])
        for i in range(n):
            w.writerow([f"Person {i}", "Person", str(i), f"p{i}@ex.example", TEXTS[where[i]]])
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//t//EN", "X-WR-CALNAME:me@home.example"]
    t0 = 1_600_000_000
    # Mostly people in and around Vienna, so the fitted curve falls with distance.
    near = np.array(
        [TEXTS[w].lower().startswith(("vienna", "wien", "geo:", "kloster")) for w in where]
    )
    weight = np.where(near, 12.0, 1.0)
    for uid in range(70):
        start = t0 + int(rng.integers(0, 5 * 365 * 86400))
        place = MEETING_PLACES[int(rng.choice(len(MEETING_PLACES), p=[0.4, 0.2] + [0.4 / 6] * 6))]
        size = int(rng.integers(1, 4))
        people = rng.choice(n, size=size, replace=False, p=weight / weight.sum())
        hours = 30 if rng.random() < 0.05 else 1
        lines += [
            "BEGIN:VEVENT",
            f"UID:{uid}@t",
            f"DTSTAMP:{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime(start))}",
            f"DTSTART:{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime(start))}",
            f"DTEND:{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime(start + hours * 3600))}",
            f"SUMMARY:{rng.choice(['Lunch', 'Coffee', 'Meeting', 'Dinner', 'Call'])}",
            f"LOCATION:{place}",
            "ORGANIZER:mailto:me@home.example",
            *[f"ATTENDEE:mailto:p{p}@ex.example" for p in people],
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    ics = folder / "calendar.ics"
    ics.write_text("\r\n".join(lines) + "\r\n")
    mails = []
    for k in range(300):
        a = int(rng.integers(0, n))
        mine = rng.random() < 0.5
        sender, to = (
            ("me@home.example", f"p{a}@ex.example")
            if mine
            else (f"p{a}@ex.example", "me@home.example")
        )
        if rng.random() < 0.2:
            to = f"p{int(rng.integers(0, n))}@ex.example"
        when = datetime.fromtimestamp(t0 + int(rng.integers(0, 4 * 365 * 86400)), UTC)
        mails.append(
            f"From {sender} {when.strftime('%a %b %d %H:%M:%S %Y')}\n"
            f"From: {sender}\nTo: {to}\nSubject: note {k}\nDate: {format_datetime(when)}\n"
            f"Message-ID: <m{k}@t>\n\nHello.\n"
        )
    mbox = folder / "mail.mbox"
    mbox.write_text("\n".join(mails))
    return [ics, contacts, mbox]


def answers(folder: Path) -> list[dict]:
    store = salon.open_store(str(folder / "s.db"))
    salon.import_paths(store, generate(folder))
    out = []
    for query in QUERIES:
        plan = salon.meet(store, now=NOW, **query).to_dict()
        out.append({"query": query, "plan": plan})
    store.close()
    return json.loads(json.dumps(out))


def _close(a, b, path="") -> None:
    """Equal, floats to 1e-9 relative (the same sums in another order)."""
    if isinstance(a, float) or isinstance(b, float):
        assert a == pytest.approx(b, rel=1e-9, abs=1e-12), path
    elif isinstance(a, dict):
        assert sorted(a) == sorted(b), path
        for k in a:
            _close(a[k], b[k], f"{path}.{k}")
    elif isinstance(a, list):
        assert len(a) == len(b), path
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            _close(x, y, f"{path}[{i}]")
    else:
        assert a == b, path


def test_meet_answers_as_before(tmp_path):
    before = json.loads(FIXTURE.read_text())
    now = answers(tmp_path)
    assert [q["query"] for q in now] == [q["query"] for q in before]
    for old, new in zip(before, now, strict=True):
        assert old["plan"]["plans"], old["query"]
        _close(new["plan"], old["plan"], str(old["query"]))


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        FIXTURE.write_text(json.dumps(answers(Path(tmp)), indent=1, ensure_ascii=False) + "\n")
