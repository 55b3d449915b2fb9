"""The two real sets the report is tested on, each imported once a session with its goal:

- higgs_twitter: Twitter activity around the Higgs boson announcement (SNAP, anonymised ids).
  The store holds the run-up, every retweet, mention and reply before 2012-07-04 00:00 UTC
  (53,746 of the 563,069 rows: the whole set takes minutes); the segment is the first 500
  people who retweeted; the goal: reach them on the Higgs discovery.
- stackexchange_quantumcomputing: the Quantum Computing Stack Exchange dump (questions,
  answers and comments, with the users' display names), as posts; the segment is the people
  who asked about quantum error correction; the goal: become a trusted answerer for them.
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


def higgs_store(folder: Path) -> tuple[salon.Store, Path]:
    """The Higgs run-up imported into a store in ``folder``, and the segment's file."""
    source = shared("higgs_twitter/higgs-activity_time.txt.gz")
    kept, first_retweeters = [], []
    seen: set[str] = set()
    with gzip.open(source, "rt") as f:
        rows = sorted((line.split() for line in f), key=lambda r: int(r[2]))
    for row in rows:
        if int(row[2]) >= ANNOUNCEMENT:
            break
        kept.append(" ".join(row))
        if row[3] == "RT" and row[0] not in seen and len(first_retweeters) < HIGGS_SEGMENT:
            seen.add(row[0])
            first_retweeters.append(row[0])
    activity = folder / "higgs-activity_time.txt"
    activity.write_text("\n".join(kept) + "\n")
    segment = folder / "early-retweeters.txt"
    segment.write_text("\n".join(first_retweeters) + "\n")
    store = salon.open_store(str(folder / "higgs.db"))
    salon.import_paths(store, [activity], options=ImportOptions(namespace="higgs"))
    return store, segment


def _text(body: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def stackexchange_posts(folder: Path) -> Path:
    """The Stack Exchange dump's questions, answers and comments as posts (JSON Lines): each
    with its author's id and display name, its tags, and the post it answers."""
    root = shared("stackexchange_quantumcomputing")
    names = {u.get("Id"): u.get("DisplayName") for u in ET.parse(root / "Users.xml").getroot()}
    # An @-reply names a user by their display name without spaces: their handle, where it is
    # one user's only (so that a mention links to its author).
    handles: dict[str, list[str]] = {}
    for uid, name in names.items():
        if name:
            handles.setdefault(name.replace(" ", "").lower(), []).append(uid)
    handle = {ids[0]: key for key, ids in handles.items() if len(ids) == 1}
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
                "author_handle": handle.get(a["OwnerUserId"]),
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
                "author_handle": handle.get(a["UserId"]),
                "time": a["CreationDate"] + "Z",
                "text": _text(a.get("Text", "")),
                "channel": "quantumcomputing.stackexchange.com",
                "reply_to": a["PostId"],
            }
        )
    path = folder / "quantumcomputing_posts.jsonl"
    path.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n")
    return path


@pytest.fixture(scope="session")
def higgs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[salon.Store, Path]]:
    folder = tmp_path_factory.mktemp("higgs")
    store, segment = higgs_store(folder)
    salon.add_segment(store, "early-retweeters", f"file:{segment}")
    salon.add_goal(
        store,
        "higgs-early",
        objective="reach",
        segment="early-retweeters",
        topic="the Higgs discovery",
    )
    yield store, folder
    store.close()


@pytest.fixture(scope="session")
def quantum(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[salon.Store, Path]]:
    folder = tmp_path_factory.mktemp("quantum")
    store = salon.open_store(str(folder / "quantum.db"))
    salon.import_paths(
        store, [stackexchange_posts(folder)], options=ImportOptions(namespace="quantumcomputing")
    )
    salon.add_segment(
        store, "qec-askers", "tag:quantum-error-correction & platform:quantumcomputing"
    )
    salon.add_goal(
        store,
        "trusted-answerer",
        objective="reach",
        segment="qec-askers",
        topic="quantum error correction",
    )
    yield store, folder
    store.close()
