"""Post dumps Arrow reads (salon.lake.post_fast): the same posts and links, row for row, as the
posts importer's parser gives (salon.lake.post_columns), on real data (the Quantum Computing
Stack Exchange Posts.xml, a Mastodon outbox, the Higgs replies) and on hand-made records; the
importer's path for anything else, with its errors naming the line."""

from __future__ import annotations

import gzip
import html
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import salon
import salon.lake.post_fast as post_fast
from salon.errors import SalonError
from salon.importers import posts as posts_importer
from salon.importers.base import ImportOptions
from salon.importers.files import input_files
from salon.lake.layout import lake_dir
from salon.lake.post_columns import MAX_TEXT, column_chunks
from salon.lake.post_fast import NotPlain, fast_columns
from tests.conftest import shared


def _tables(chunks) -> tuple[list[dict], list[dict]]:
    chunks = list(chunks)
    return (
        pa.concat_tables(p for p, _ in chunks).to_pylist(),
        pa.concat_tables(links for _, links in chunks).to_pylist(),
    )


def _write(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


def _same(path: Path, namespace: str = "ns", *, block: int = 1 << 14) -> tuple[int, int]:
    """Fast path and importer agree on ``path`` (read in small blocks, so in several);
    the numbers of posts and links."""
    (file,) = input_files(path)
    fast = _tables(fast_columns(file, namespace, block=block))
    slow = _tables(column_chunks(posts_importer.parse(file, ImportOptions(namespace=namespace))))
    assert fast[0] == slow[0]
    assert fast[1] == slow[1]
    return len(fast[0]), len(fast[1])


def _se_text(row: ET.Element) -> str:
    body = html.unescape(re.sub(r"<[^>]+>", " ", row.get("Body", "")))
    return " ".join(f"{row.get('Title') or ''} {body}".split())


def test_stack_exchange_posts(tmp_path):
    """Questions and answers (answers reply to their question), times as Stack Exchange
    writes them (ISO without a zone, milliseconds), tags as a list, whole texts."""
    rows = ET.parse(shared("stackexchange_quantumcomputing/Posts.xml")).getroot()
    posts = [
        {
            "id": r.get("Id"),
            "author": r.get("OwnerUserId"),
            "time": r.get("CreationDate"),
            "text": _se_text(r),
            "channel": "quantumcomputing.stackexchange.com",
            "reply_to": r.get("ParentId"),
            "tags": re.findall(r"<([^>]+)>", r.get("Tags") or ""),
        }
        for r in rows
        if r.get("PostTypeId") in ("1", "2") and r.get("OwnerUserId")
    ]
    assert any(len(p["text"]) > MAX_TEXT for p in posts)
    n, links = _same(_write(tmp_path / "qc.jsonl", posts), "qc", block=1 << 18)
    assert n == len(posts) > 1600, links


def test_mastodon_outbox(tmp_path):
    """Notes and boosts of a real Mastodon archive: URLs as ids, ``Z`` times, HTML text,
    hashtags and mentions from the ActivityPub tags, reposts of posts not in the file."""
    outbox = json.loads(
        shared("exports/mastodon_archive_dealingwith/outbox.json").read_text(encoding="utf-8")
    )
    posts = []
    for item in outbox["orderedItems"]:
        if item["type"] == "Create" and isinstance(item["object"], dict):
            note = item["object"]
            tags = note.get("tag") or []
            posts.append(
                {
                    "id": note["id"],
                    "author": item["actor"],
                    "author_handle": "@dealingwith@indieweb.social",
                    "time": note["published"],
                    "text": note.get("content") or "",
                    "reply_to": note.get("inReplyTo"),
                    "url": note.get("url"),
                    "tags": [t["name"] for t in tags if t.get("type") == "Hashtag"],
                    "mentions": [t["name"] for t in tags if t.get("type") == "Mention"],
                }
            )
        elif item["type"] == "Announce":
            posts.append(
                {
                    "id": item["id"],
                    "author": item["actor"],
                    "created_at": item["published"],
                    "repost_of": item["object"],
                    "repost_of_author": "@someone",
                }
            )
    assert len(posts) > 1000
    n, links = _same(_write(tmp_path / "outbox.jsonl", posts), "mastodon")
    assert n == len(posts) and links > 100


def test_higgs_replies(tmp_path):
    """The Higgs replies as posts: whole-number ids and Unix times, each reply to the latest
    post of the person answered (named by ``reply_to_author`` when there is none)."""
    with gzip.open(shared("higgs_twitter/higgs-activity_time.txt.gz"), "rt") as f:
        rows = [line.split() for line in f]
    replies = sorted(((int(t), int(a), int(b)) for a, b, t, k in rows if k == "RE"))
    latest: dict[int, int] = {}
    posts = []
    for i, (at, a, b) in enumerate(replies):
        parent = latest.get(b)
        posts.append(
            {"id": i, "author": a, "time": at, "text": "", "tags": "reply"}
            | ({"reply_to": parent} if parent is not None else {"reply_to_author": b})
        )
        latest[a] = i
    n, links = _same(_write(tmp_path / "higgs.ndjson", posts), "higgs", block=1 << 20)
    assert n == len(replies) > 30_000 and links > 1000


HAND_MADE = [
    {"id": "1", "author": "  Ana  LEE ", "author_handle": "@Ana", "time": "2024-05-01T10:00:00Z"},
    {"id": "2", "author": "bo", "time": "2024-05-01T12:30:00+05:30", "text": "Olá @Ana, ça va? 😀"},
    {"id": "3", "author": "cy", "time": "2024-05-01T12:30:00.25-08:00", "text": ""},
    {"id": "4", "author": "cy", "timestamp": 1714557600, "tags": ["#Café", "naïve", "#ÜBER"]},
    {"id": "5", "author": "dee", "timestamp": -1.5, "tags": ["#Straße", "İstanbul", "", "#"]},
    {
        "id": "6",
        "author": "dee",
        "created_at": "1969-12-31T23:59:59.5Z",
        "text": "@ana@Fosstodon.org",
    },
    {"id": "7", "author": "eve", "date": "2024-02-29", "mentions": ["@Bo", "cy", "@"]},
    {"id": "8", "author": "eve", "time": "", "date": "2000-01-01T00:00:00", "reply_to": "1"},
    {"id": "9", "author": "fay", "reply_to": "99", "reply_to_author": "@Zed", "url": ""},
    {"id": "10", "author": "fay", "repost_of": "2", "repost_of_author": "bo", "channel": "c"},
    {"id": "11", "author": "gus", "in_reply_to_user": "Hal", "repost_of_author": "@ivy"},
    {"id": "12", "author": "gus", "platform": "bsky", "text": "mail a@b.org and @jo.bsky.social"},
    {"id": "1", "author": "ana", "text": "a repeated id", "unknown": {"nested": [1, 2]}},
    {"id": "13", "author": "hal", "text": "x" * (MAX_TEXT + 10) + " @late", "author_name": "Hal"},
    {"id": "14", "author": "ivy", "timestamp": 1714557600.999999, "text": "\u00e9\u0301 #tag"},
    {"id": "15", "author": "ivy", "time": "2024-05-01T10:00:00", "tags": ["2024-05-01"]},
    {"id": "16", "author": "jo", "date": "1714557600", "reply_to": "15"},
    {"id": "17", "author": "jo", "date": "-86400"},
    {"id": "18", "author": "jo", "date": "7"},
]


WORDS = [  # tags and mentions as words in one string (a JSON field holds one type)
    {"id": "1", "author": "a", "tags": "#Café, naïve;ÜBER|x  #\u00a0#Ñu", "mentions": "@Bo cy"},
    {"id": "2", "author": "b", "tags": "", "mentions": "", "text": "@a"},
    {"id": "3", "author": "c", "tags": "#", "text": "#tags in the text are not tags"},
]


def test_words_as_one_string(tmp_path):
    path = _write(tmp_path / "words.jsonl", WORDS)
    path.write_bytes(path.read_bytes().rstrip(b"\n"))  # no line end after the last record
    posts, links = _same(path)
    assert (posts, links) == (3, 3)


def test_an_empty_file(tmp_path):
    assert _same(_write(tmp_path / "empty.jsonl", [])) == (0, 0)


def test_hand_made_records(tmp_path):
    """Unicode, empty and missing fields, times with offsets, fractions and before 1970,
    tags as words and as a list (diacritics, ``İ``), mentions in the text and in a list,
    parent authors as handles and ids, a parent in the file, a repeated id, a long text."""
    n, links = _same(_write(tmp_path / "hand.jsonl", HAND_MADE), block=200)
    assert n == len(HAND_MADE) and links == 9
    (file,) = input_files(tmp_path / "hand.jsonl")
    posts, _ = _tables(fast_columns(file, "ns"))
    assert posts[4]["tags"] == ["straße", "i̇stanbul"] and posts[4]["at"] == -1
    assert posts[2]["at"] == 1714595400 and posts[5]["at"] == 0


NULL_WORDS = [
    {"mentions": ["@Bob", "bob", "", None]},
    {"tags": ["ai", None]},
    {"mentions": [None]},
]


@pytest.mark.parametrize(
    "rows",
    [
        [{"id": "1", "author": "a", "time": "Tue Jan 31 09:01:52 +0000 2017"}],
        [{"id": "1", "author": "a", "time": "1714557600.5"}],  # a fraction as text
        [{"id": "1", "author": "a", "time": "2024"}],  # a year
        [{"id": "1", "author": "a", "time": "2024-02-30"}],  # no such day
        [{"id": "1", "author": "a"}, {"id": 2, "author": "b"}],  # text, then a number
        [{"id": "1", "author": "a", "tags": [1]}],
        [{"id": "1", "author": "a", "text": "a\u0000b"}],
        [{"id": "1", "author": ""}],
        [{"id": 1.5, "author": "a"}],
        *([{"id": "1", "author": "a"} | words] for words in NULL_WORDS),
    ],
)
def test_what_the_fast_path_cannot_prove_is_the_importers(tmp_path, rows):
    (file,) = input_files(_write(tmp_path / "odd.jsonl", rows))
    with pytest.raises(NotPlain):
        list(fast_columns(file, "ns"))


@pytest.mark.parametrize("words", NULL_WORDS)
def test_a_null_among_words_is_the_importers_error(tmp_path, words):
    # the fast path took these lists (nulls and all) that the importer refuses
    path = _write(tmp_path / "posts.jsonl", [{"id": "1", "author": "a"} | words])
    with (
        salon.open_store(str(tmp_path / "s.db")) as store,
        pytest.raises(SalonError, match=r"posts\.jsonl.*line 1.*not a list of words"),
    ):
        salon.import_paths(store, [path], options=ImportOptions(namespace="ns", lake=True))


def test_empty_word_lists_are_plain(tmp_path):
    rows = [{"id": "1", "author": "a", "tags": [], "mentions": []}, {"id": "2", "author": "b"}]
    assert _same(_write(tmp_path / "empty.jsonl", rows)) == (2, 0)


@pytest.mark.parametrize("layout", [b"\n\n", b"\r\n", b"\n ", b"\t", b"\n\xff\n"])
def test_odd_bytes_are_the_importers(tmp_path, layout):
    path = tmp_path / "odd.jsonl"
    path.write_bytes(b'{"id": "1", "author": "a"}' + layout + b'{"id": "2", "author": "b"}\n')
    (file,) = input_files(path)
    with pytest.raises(NotPlain):
        list(fast_columns(file, "ns"))


def _lake(folder: Path) -> dict[str, list]:
    """The lake's posts (in file order) and edges (sorted: DuckDB writes them in any order),
    node codes given as ``(namespace, id)``."""
    rows = {
        table: [
            r
            for f in sorted((folder / table).rglob("*.parquet"))
            for r in pq.read_table(f).to_pylist()
        ]
        for table in ("posts", "edges", "nodes")
    }
    node = {r["code"]: (r["namespace"], r["id"]) for r in rows["nodes"]}
    posts = [r | {"author": node[r["author"]]} for r in rows["posts"]]
    edges = sorted(
        (r | {"src": node[r["src"]], "dst": node[r["dst"]]} for r in rows["edges"]), key=repr
    )
    return {"posts": posts, "edges": edges, "nodes": sorted(node.values())}


@pytest.mark.parametrize("odd", [False, True])
def test_import_lands_the_same_parquet_either_way(tmp_path, monkeypatch, odd):
    """``salon import --lake``: the Parquet rows (posts, edges, nodes) of the fast path are
    the importer's; a file with one odd record (a time in X's format, past the first block)
    goes through the importer whole."""
    rows = HAND_MADE * 3
    if odd:
        rows = [*rows, {"id": "odd", "author": "a", "time": "Tue Jan 31 09:01:52 +0000 2017"}]
    path = _write(tmp_path / "posts.jsonl", rows)
    (file,) = input_files(path)
    try:
        list(fast_columns(file, "ns", block=1024))
    except NotPlain:
        assert odd
    else:
        assert not odd
    options = ImportOptions(namespace="ns", lake=True)
    landed = {}
    for way in ("fast", "slow"):
        if way == "slow":
            monkeypatch.setattr(post_fast, "fast_columns", lambda *a, **k: None)
        db = tmp_path / way / "s.db"
        db.parent.mkdir()
        with salon.open_store(str(db)) as store:
            report = salon.import_paths(store, [path], options=options)
            folder = lake_dir(store)
        unique = {(r.get("platform", "ns"), str(r["id"])) for r in rows}
        assert report.added["lake posts"] == len(unique)  # a repeated id counts once
        landed[way] = _lake(folder)
    assert landed["fast"] == landed["slow"]
    assert landed["fast"]["posts"] and landed["fast"]["edges"]


def test_a_bad_record_is_named_by_file_and_line(tmp_path):
    rows = [*HAND_MADE, {"id": "x", "author": "a", "time": "soon"}]
    path = _write(tmp_path / "posts.jsonl", rows)
    with (
        salon.open_store(str(tmp_path / "s.db")) as store,
        pytest.raises(SalonError, match=rf"posts\.jsonl.*line {len(rows)}.*unrecognised time"),
    ):
        salon.import_paths(store, [path], options=ImportOptions(namespace="ns", lake=True))
