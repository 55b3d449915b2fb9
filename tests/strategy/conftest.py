"""The real sets the plan is tested on, as the report's tests read them (tests/reports):

- higgs_twitter (SNAP, anonymised ids): the run-up to the Higgs announcement, every retweet,
  mention and reply before 2012-07-04 00:00 UTC (53,746 of the 563,069 rows); the segment is
  the first 500 people who retweeted; the goal: reach them on the Higgs discovery.
- stackexchange_quantumcomputing: the Quantum Computing Stack Exchange dump (questions,
  answers and comments with their authors' display names) as posts; the segment is the
  people who asked about quantum error correction; the goal: become a trusted answerer for
  them, as DaftWullie (an answerer who joined five weeks after the launch).
"""

from __future__ import annotations

import gzip
import html
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import salon
from salon.importers.base import ImportOptions
from tests.conftest import shared

#: 2012-07-04 00:00 UTC, the day CERN announced the Higgs boson.
ANNOUNCEMENT = 1341360000
HIGGS_SEGMENT = 500


def higgs_files(folder: Path) -> tuple[Path, Path]:
    """The Higgs run-up as an edge list, and the file of its first 500 retweeters."""
    source = shared("higgs_twitter/higgs-activity_time.txt.gz")
    kept: list[str] = []
    first: list[str] = []
    seen: set[str] = set()
    with gzip.open(source, "rt") as f:
        rows = sorted((line.split() for line in f), key=lambda r: int(r[2]))
    for row in rows:
        if int(row[2]) >= ANNOUNCEMENT:
            break
        kept.append(" ".join(row))
        if row[3] == "RT" and row[0] not in seen and len(first) < HIGGS_SEGMENT:
            seen.add(row[0])
            first.append(row[0])
    activity = folder / "higgs-activity_time.txt"
    activity.write_text("\n".join(kept) + "\n")
    segment = folder / "early-retweeters.txt"
    segment.write_text("\n".join(first) + "\n")
    return activity, segment


def _text(body: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())[:400]


def _handle(name: str | None) -> str | None:
    """Stack Exchange's @-mentions name a user by display name without spaces."""
    return name.replace(" ", "") if name else None


def you_on_stackexchange(store: salon.Store) -> int:
    """Make DaftWullie (user 1837) "you"; their person id."""
    found = [
        p for p in salon.people(store, query="1837") if "quantumcomputing id: 1837" in p.identities
    ]
    salon.set_you(store, str(found[0].id))
    return found[0].id


def stackexchange_posts(folder: Path, *, before: str | None = None, name: str = "qc") -> Path:
    """Questions, answers and comments as posts (JSON Lines), each with its author's id and
    display name, its tags and the post it answers; only those created before ``before``
    (an ISO date) when given."""
    root = shared("stackexchange_quantumcomputing")
    names = {u.get("Id"): u.get("DisplayName") for u in ET.parse(root / "Users.xml").getroot()}
    lines: list[dict[str, Any]] = []
    for row in ET.parse(root / "Posts.xml").getroot():
        a = row.attrib
        if a.get("PostTypeId") not in ("1", "2") or not a.get("OwnerUserId"):
            continue
        lines.append(
            {
                "id": a["Id"],
                "author": a["OwnerUserId"],
                "author_name": names.get(a["OwnerUserId"]),
                "author_handle": _handle(names.get(a["OwnerUserId"])),
                "time": a["CreationDate"] + "Z",
                "text": _text((a.get("Title") or "") + " " + a.get("Body", "")),
                "channel": "quantumcomputing.stackexchange.com",
                "reply_to": a.get("ParentId"),
                "tags": re.findall(r"<([^>]+)>", a.get("Tags", "")),
            }
        )
    for row in ET.parse(root / "Comments.xml").getroot():
        a = row.attrib
        if not a.get("UserId"):
            continue
        lines.append(
            {
                "id": f"c{a['Id']}",
                "author": a["UserId"],
                "author_name": names.get(a["UserId"]),
                "author_handle": _handle(names.get(a["UserId"])),
                "time": a["CreationDate"] + "Z",
                "text": _text(a.get("Text", "")),
                "channel": "quantumcomputing.stackexchange.com",
                "reply_to": a["PostId"],
            }
        )
    if before:
        lines = [x for x in lines if x["time"] < before]
    path = folder / f"{name}.jsonl"
    path.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n")
    return path


@pytest.fixture(scope="session")
def higgs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[salon.Store]:
    """The Higgs run-up with the goal 'higgs-early' (reach the first 500 retweeters on the
    Higgs discovery)."""
    folder = tmp_path_factory.mktemp("higgs")
    activity, segment = higgs_files(folder)
    store = salon.open_store(str(folder / "higgs.db"))
    salon.import_paths(store, [activity], options=ImportOptions(namespace="higgs"))
    salon.add_segment(store, "early-retweeters", f"file:{segment}")
    salon.add_goal(
        store,
        "higgs-early",
        objective="reach",
        segment="early-retweeters",
        topic="the Higgs discovery",
    )
    yield store
    store.close()


@pytest.fixture(scope="session")
def quantum(tmp_path_factory: pytest.TempPathFactory) -> Iterator[salon.Store]:
    """The whole Stack Exchange dump, you = DaftWullie, with the goal 'trusted-answerer'
    (learn: become a trusted answerer for the people who asked about error correction)."""
    folder = tmp_path_factory.mktemp("quantum")
    store = salon.open_store(str(folder / "quantum.db"))
    salon.import_paths(
        store, [stackexchange_posts(folder)], options=ImportOptions(namespace="quantumcomputing")
    )
    you_on_stackexchange(store)
    salon.add_segment(
        store, "qec-askers", "tag:quantum-error-correction & platform:quantumcomputing"
    )
    salon.add_goal(
        store,
        "trusted-answerer",
        objective="learn",
        segment="qec-askers",
        topic="quantum error correction",
    )
    yield store
    store.close()
