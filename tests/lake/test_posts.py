"""Post dumps in the market lake (`salon import --lake`, `salon.land_posts`): the same answers
as the store on a real data set (the Quantum Computing Stack Exchange dump in the posts format,
src/salon/data/quantumcomputing_posts.jsonl.gz: 1,670 posts, 342 authors)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from sqlalchemy import select

import salon
from salon.errors import SalonError
from salon.importers.base import ImportOptions
from salon.lake.graph import lake_labels
from salon.lake.layout import read_manifest
from salon.store.adoptions import adoption_times
from salon.store.schema import identities
from tests.conftest import ROOT

SAMPLE = ROOT / "src/salon/data/quantumcomputing_posts.jsonl.gz"
QC = ImportOptions(namespace="qc")


def salon_cli(*args: str, db: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "salon", "--db", str(db), *args],
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture(scope="module")
def stores(tmp_path_factory):
    """The sample imported into the store, and with --lake into another store."""
    tmp = tmp_path_factory.mktemp("posts")
    with (
        salon.open_store(str(tmp / "store.db")) as store,
        salon.open_store(str(tmp / "lake.db")) as lake,
    ):
        salon.import_paths(store, [SAMPLE], options=QC)
        report = salon.import_paths(
            lake, [SAMPLE], options=ImportOptions(namespace="qc", lake=True)
        )
        assert report.added["lake posts"] == 1670 and report.added["lake nodes"] == 342
        assert report.added["people"] == 0 and report.added["posts"] == 0
        yield store, lake


def _ids(store, people) -> list[str]:
    """Each person as the author's id (``qc:ID`` in the lake, an identity in the store)."""
    with store.engine.connect() as c:
        rows = c.execute(
            select(identities.c.person_id, identities.c.kind, identities.c.value).order_by(
                identities.c.kind.desc()  # id before handle
            )
        ).all()
    known: dict[int, str] = {}
    for person, kind, value in rows:  # a mentioned handle is the lake's node @handle
        known.setdefault(person, value if kind == "id" else "@" + value)
    labels = lake_labels(store, [p for p in people if p < 0])
    return [labels[p].partition(":")[2] if p < 0 else known[p] for p in people]


def test_where_gives_the_store_answers(stores):
    store, lake = stores
    ours = salon.where(lake, "quantum error correction", segment="tag:quantum-algorithms")
    theirs = salon.where(store, "quantum error correction", segment="tag:quantum-algorithms")
    assert ours.on_topic_posts == theirs.on_topic_posts == 116
    assert ours.channels[0]["evidence"]["participants"] == 41
    # Channels that are no community: the same posts, evidence and threads. (Leiden's
    # communities depend on node order, and market nodes have negative ids.)
    for a, b in zip(theirs.channels[:2], ours.channels[:2], strict=True):
        assert a["channel"] == b["channel"]
        assert {k: v for k, v in a["evidence"].items() if k != "communities"} == {
            k: v for k, v in b["evidence"].items() if k != "communities"
        }
        assert a["threads"] == b["threads"]
        setters = [s["id"] for s in a["agenda_setters"]], [s["id"] for s in b["agenda_setters"]]
        assert sorted(_ids(store, setters[0])) == sorted(_ids(lake, setters[1])) != []


@pytest.mark.parametrize(
    "innovation",
    ["tag:quantum-gate", "platform:qc", "channel:quantumcomputing.stackexchange.com"],
)
def test_adoption_times_and_forecast_match(stores, innovation):
    store, lake = stores
    theirs = adoption_times(store, innovation)
    ours = adoption_times(lake, innovation)
    assert sorted(zip(_ids(store, list(theirs)), theirs.values(), strict=True)) == sorted(
        zip(_ids(lake, list(ours)), ours.values(), strict=True)
    )
    assert len(ours) > 40
    a = salon.forecast(store, innovation, horizon=6)
    b = salon.forecast(lake, innovation, horizon=6)
    assert (a.adopters, a.observed, a.model, a.forecasts) == (
        b.adopters,
        b.observed,
        b.model,
        b.forecasts,
    )


def test_innovations_and_influencers_match(stores):
    store, lake = stores
    theirs = {i.name: i for i in salon.innovations(store, limit=500)}
    ours = {i.name: i for i in salon.innovations(lake, limit=500)}
    assert len(theirs) > 50
    # channel:qc differs: in the lake it counts the sources of every timed edge of the
    # namespace (replies within the file too), in the store only recorded interactions.
    assert ours.pop("channel:qc").adopters > theirs.pop("channel:qc").adopters
    assert ours == theirs
    a = salon.influencers(store, "tag:quantum-gate", top=10)
    b = salon.influencers(lake, "tag:quantum-gate", top=10)
    assert (a.nodes, a.edges) == (b.nodes, b.edges) == (330, 821)
    assert len(a.influencers) == 10
    assert _ids(store, [i["person"] for i in a.influencers]) == _ids(
        lake, [i["person"] for i in b.influencers]
    )
    for x, y in zip(a.influencers, b.influencers, strict=True):
        assert x["ppr"] == pytest.approx(y["ppr"], abs=1e-12)
        assert (x["attention_from_segment"], x["k_core"]) == (
            y["attention_from_segment"],
            y["k_core"],
        )


def test_reimport_adds_nothing_and_the_lake_covers_stats_export_remove(tmp_path):
    db = tmp_path / "s.db"
    first = salon_cli("import", "--lake", "--namespace", "qc", str(SAMPLE), db=db)
    assert first.returncode == 0, first.stderr
    again = salon_cli("import", "--lake", "--force", "--namespace", "qc", str(SAMPLE), db=db)
    assert "Nothing new" in again.stdout
    summary = json.loads(salon_cli("lake", "--json", db=db).stdout)
    assert (summary["posts"], summary["nodes"], len(summary["partitions"])) == (1670, 342, 1)
    assert "1,670" in salon_cli("lake", db=db).stdout
    stats = json.loads(salon_cli("stats", "--json", db=db).stdout)["tables"]
    assert stats["lake posts"] == 1670 and stats["posts"] == 0
    out = tmp_path / "export"
    assert salon_cli("export", str(out), db=db).returncode == 0
    exported = pq.read_table(out / "lake_posts.parquet")
    assert exported.num_rows == 1670
    first_row = exported.slice(0, 1).to_pylist()[0]
    assert (first_row["namespace"], first_row["id"], first_row["author"]) == ("qc", "1", "7")
    assert first_row["tags"] == ["simulation", "quantum-turing-machine"]
    assert first_row["line"] == 1 and len(first_row["file_sha256"]) == 64
    assert salon_cli("lake", "check", db=db).returncode == 0
    removed = salon_cli("imports", "remove", "1", db=db)
    assert removed.returncode == 0, removed.stderr
    assert json.loads(salon_cli("lake", "--json", db=db).stdout)["posts"] == 0
    assert not list((Path(summary["folder"]) / "posts").glob("import=*/*.parquet"))


def test_a_damaged_posts_partition_is_named(tmp_path):
    db = tmp_path / "s.db"
    assert salon_cli("import", "--lake", "--namespace", "qc", str(SAMPLE), db=db).returncode == 0
    folder = Path(json.loads(salon_cli("lake", "--json", db=db).stdout)["folder"])
    part = next(folder.glob("posts/import=1/*.parquet"))
    part.write_bytes(part.read_bytes()[:-100])
    where = salon_cli("where", "#qubit", "-s", "platform:qc", db=db)
    assert where.returncode == 1 and "Traceback" not in where.stderr
    assert str(part) in where.stderr and "salon lake check" in where.stderr
    check = salon_cli("lake", "check", db=db)
    assert check.returncode == 1 and str(part) in check.stdout + check.stderr


def test_a_bad_line_leaves_the_lake_as_it_was(tmp_path, fresh_store):
    good = tmp_path / "good.jsonl"
    good.write_text('{"id": "1", "author": "ana", "time": 1700000000}\n')
    salon.import_paths(fresh_store, [good], options=ImportOptions(lake=True))
    folder = Path(salon.lake_summary(fresh_store).folder)
    before = (folder / "manifest.json").read_bytes()
    bad = tmp_path / "bad.jsonl"
    bad.write_text(
        '{"id": "2", "author": "bo", "reply_to": "1", "time": 1700000100}\n'
        '{"id": "3", "author": "cy", "time": "yesterday-ish"}\n'
    )
    with pytest.raises(SalonError, match=r"bad.jsonl.*line 2.*unrecognised time"):
        salon.import_paths(fresh_store, [bad], options=ImportOptions(lake=True))
    assert (folder / "manifest.json").read_bytes() == before
    assert not list(folder.glob(".staging-*"))
    assert salon.lake_summary(fresh_store).posts == 1


def test_land_posts_links_replies_reposts_and_mentions(fresh_store):
    first = salon.land_posts(
        fresh_store,
        "bsky",
        {
            "id": ["p1", "p2"],
            "author": ["did:ana", "did:bo"],
            "author_handle": ["ana.bsky.social", "bo.bsky.social"],
            "time": [1700000000, 1700000100],
            "text": ["hello", "hi @ana.bsky.social and @cy.bsky.social"],
            "tags": [["ai"], "ai gtm"],
        },
        source="getAuthorFeed",
    )
    assert (first.posts, first.nodes, first.edges) == (2, 3, 2)  # two mentions
    later = salon.land_posts(
        fresh_store,
        "bsky",
        [
            {"id": "p3", "author": "did:cy", "reply_to": "p1", "at": 1700000200},
            {"id": "p4", "author": "did:ana", "reply_to": "p1", "at": 1700000300},  # self
            {"id": "p5", "author": "did:bo", "repost_of": "x9", "repost_of_author": "did:dee"},
            {"id": "p1", "author": "did:ana", "time": 1700000000},  # already in the lake
        ],
        source="getTimeline",
    )
    assert (later.read, later.posts, later.edges) == (4, 3, 2)
    manifest = read_manifest(Path(salon.lake_summary(fresh_store).folder))
    import duckdb

    folder = Path(salon.lake_summary(fresh_store).folder)
    edges = ", ".join(f"'{folder / p}'" for p in manifest.paths("edges"))
    nodes = ", ".join(f"'{folder / p}'" for p in manifest.paths("nodes"))
    rows = duckdb.sql(
        f"SELECT s.id, d.id, e.kind FROM read_parquet([{edges}]) e "
        f"JOIN read_parquet([{nodes}]) s ON s.code = e.src "
        f"JOIN read_parquet([{nodes}]) d ON d.code = e.dst ORDER BY e.line, e.kind, d.id"
    ).fetchall()
    assert sorted(rows) == sorted(
        [
            ("did:bo", "did:ana", "mention"),
            ("did:bo", "@cy.bsky.social", "mention"),
            ("did:cy", "did:ana", "reply"),
            ("did:bo", "did:dee", "repost"),
        ]
    )
    tags = adoption_times(fresh_store, "tag:gtm")
    assert list(tags.values()) == [1700000100.0]
    with pytest.raises(SalonError, match="Could not read 'getFeed' record 1: a post needs both"):
        salon.land_posts(fresh_store, "bsky", [{"id": "p9"}], source="getFeed")


def test_adoption_window_and_experts_match(stores):
    """Adoption stages (their window from the posts' span) and experts (posts and links per
    author from the lake's posts) give the store's answers."""
    store, lake = stores
    a, b = salon.adoption(store, "tag:qubit").to_dict(), salon.adoption(lake, "tag:qubit").to_dict()
    assert a.pop("censoring") == b.pop("censoring") != {}
    people = a.pop("people"), b.pop("people")
    assert a == b and a["adopters"] == 49
    assert len(people[0]) == len(people[1])
    x = salon.experts(store, "tag:quantum-gate", top=8).to_dict()["experts"]
    y = salon.experts(lake, "tag:quantum-gate", top=8).to_dict()["experts"]

    # Equal substance is ordered by person id, which differs (market nodes are negative).
    def ranked(store, experts):
        ids = _ids(store, [e["person"] for e in experts])
        rows = [
            (e["substance"], i, json.dumps(e["evidence"], sort_keys=True))
            for e, i in zip(experts, ids, strict=True)
        ]
        return sorted(rows, key=lambda r: (-r[0], r[1]))

    assert ranked(store, x) == ranked(lake, y)
    assert sum(e["evidence"]["posts"] for e in y) > 0


def test_ctrl_c_while_posts_land_leaves_the_lake_as_it_was(tmp_path, fresh_store, monkeypatch):
    import salon.lake.posts as lake_posts

    salon.import_paths(fresh_store, [SAMPLE], options=ImportOptions(namespace="qc", lake=True))
    folder = Path(salon.lake_summary(fresh_store).folder)
    before = (folder / "manifest.json").read_bytes()
    more = tmp_path / "more.jsonl"
    more.write_text('{"id": "new-1", "author": "7", "reply_to": "1", "time": 1700000000}\n')

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(lake_posts, "_write_posts", interrupted)
    with pytest.raises(KeyboardInterrupt):
        salon.import_paths(fresh_store, [more], options=ImportOptions(namespace="qc", lake=True))
    assert (folder / "manifest.json").read_bytes() == before
    assert not list(folder.glob(".staging-*")) and salon.lake_check(fresh_store) == []
    assert [i.id for i in salon.imports(fresh_store)] == [1]


def test_posts_that_imply_no_edge_leave_a_lake_every_reader_opens(tmp_path, fresh_store):
    posts = {"id": ["1", "2"], "author": ["ana", "bo"], "tags": [["ai"], ["ai"]]}
    landed = salon.land_posts(fresh_store, "x", posts, source="two posts")
    assert (landed.posts, landed.edges, landed.nodes) == (2, 0, 2)
    written = salon.export(fresh_store, tmp_path / "out").to_dict()
    assert pq.read_table(tmp_path / "out" / "lake_edges.parquet").num_rows == 0
    assert pq.read_table(tmp_path / "out" / "lake_posts.parquet").num_rows == 2, written
    with pytest.raises(SalonError, match="none of them in the attention graph"):
        salon.influencers(fresh_store, "tag:ai")
    assert salon.lake_check(fresh_store) == []
