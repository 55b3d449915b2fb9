"""Reads kept for one job (:mod:`salon.store.memo`, what ``salon.plan`` runs in): inside a scope
the whole-store reads give the answers they give outside it (channels read in one scan, tag
spans grouped in NumPy, posts read in bulk), and a scope never outlives its job. On the Quantum
Computing Stack Exchange sample (1,670 posts, 342 authors), two of its authors merged."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

import salon
from salon.conversation.table import load_posts
from salon.store import memo
from salon.store.adoptions import adoption_times, list_innovations, place_innovations
from salon.store.facts import person_evidence
from salon.store.relations import relation_events
from salon.store.schema import posts
from salon.store.segments import Segment, segment_members
from tests.conftest import ROOT

SAMPLE = ROOT / "src/salon/data/quantumcomputing_posts.jsonl.gz"
SITE = "channel:quantumcomputing.stackexchange.com"


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("memo")
    with salon.open_store(str(tmp / "store.db")) as opened:
        salon.import_paths(opened, [SAMPLE], options=salon.ImportOptions(namespace="qc"))
        with opened.engine.connect() as c:  # the two most prolific authors become one
            a, b = (
                c.execute(
                    select(posts.c.author_id)
                    .group_by(posts.c.author_id)
                    .order_by(func.count().desc(), posts.c.author_id)
                    .limit(2)
                )
                .scalars()
                .all()
            )
        salon.merge(opened, a, b)
        yield opened


def _firsts_by_hand(store, where) -> dict[int, float]:  # type: ignore[no-untyped-def]
    """Each canonical author's first post time among the posts ``where`` keeps, row by row."""
    from salon.store.merges import canonical_map

    with store.engine.connect() as c:
        mapping = canonical_map(c)
        rows = c.execute(select(posts.c.author_id, posts.c.at, posts.c.tags, posts.c.channel))
        out: dict[int, float] = {}
        for author, at, tags, channel in rows:
            if author is None or at is None or not where(tags or "", channel):
                continue
            person = mapping.get(author, author)
            out[person] = min(float(at), out.get(person, float(at)))
    return out


def test_adoption_times_in_a_scope_are_those_outside(store):
    outside = {name: adoption_times(store, name) for name in (SITE, "tag:quantum-gate")}
    assert outside[SITE] == _firsts_by_hand(store, lambda _, ch: ch == SITE.split(":", 1)[1])
    assert outside["tag:quantum-gate"] == _firsts_by_hand(
        store, lambda tags, _: '"quantum-gate"' in tags
    )
    # 332 dated authors on the site (as salon innovations counts them), two of them one now.
    assert len(outside[SITE]) == 331
    innovations = [i.to_dict() for i in list_innovations(store, limit=500)]
    with memo.scope():
        for name, times in outside.items():
            kept = adoption_times(store, name)
            assert kept == times and list(kept) == list(times)  # the same order too
            kept.clear()  # a caller's copy: the next call is whole again
            assert adoption_times(store, name) == times
        assert [i.to_dict() for i in list_innovations(store, limit=500)] == innovations


def test_tag_spans_against_the_posts(store):
    """Each tag's adopters, first and last adoption from the per-tag firsts."""
    found = {i.name: i for i in list_innovations(store, limit=500)}
    for name in ("tag:quantum-gate", "tag:qiskit", "tag:quantum-algorithms"):
        tag = name.split(":", 1)[1]
        firsts = _firsts_by_hand(store, lambda tags, _, t=tag: f'"{t}"' in tags)
        assert (found[name].adopters, found[name].first, found[name].last) == (
            len(firsts),
            int(min(firsts.values())),
            int(max(firsts.values())),
        )


def test_posts_and_answers_in_a_scope(store):
    table = load_posts(store)
    assert table.n == 1670 and (table.parents >= 0).sum() > 0
    with memo.scope():
        kept = load_posts(store)
        assert kept.keys == table.keys and kept.tags == table.tags
        assert (kept.authors == table.authors).all() and (kept.parents == table.parents).all()
        assert load_posts(store) is kept  # read once
        where = salon.where(store, "#quantum-gate", segment="tag:quantum-algorithms").to_dict()
        lag = salon.lead_lag(store, "tag:quantum-algorithms", setters=5, min_adopters=1)
        funnel = salon.funnel(store, segment="tag:quantum-algorithms").to_dict()
        assert relation_events(store) is relation_events(store)
    assert where == salon.where(store, "#quantum-gate", segment="tag:quantum-algorithms").to_dict()
    assert (
        lag.to_dict()
        == salon.lead_lag(store, "tag:quantum-algorithms", setters=5, min_adopters=1).to_dict()
    )
    assert funnel == salon.funnel(store, segment="tag:quantum-algorithms").to_dict()
    assert [c["channel"] for c in lag.channels] == [SITE, "platform:qc"]


def test_a_scope_ends_with_its_job(store, tmp_path):
    rule = Segment("gates", "tag:quantum-gate")
    members = segment_members(store, rule)
    assert len(members) > 40
    with memo.scope():
        assert segment_members(store, rule) == members
        with memo.scope():  # a nested scope shares the outer one
            assert load_posts(store) is load_posts(store)
    assert not memo.active()
    assert load_posts(store) is not load_posts(store)  # outside: read afresh each time


@pytest.mark.parametrize(("limit", "kept"), [(500, 3), (33, 3), (32, 2), (2, 2)])
def test_place_innovations_are_those_of_the_list(store, limit, kept):
    """lead_lag's platforms and channels: those salon innovations lists at the same limit
    (500: no tag can push one out; below 33, the 31 tags with more adopters push channel:qc,
    the 33rd of the 89 innovations, out)."""
    listed = list_innovations(store, min_adopters=3, limit=limit)
    places = [i.name for i in listed if i.name.startswith(("platform:", "channel:"))]
    assert sorted(place_innovations(store, min_adopters=3, limit=limit)) == sorted(places)
    assert len(places) == kept


def test_bulk_reads_on_both_databases(any_store):
    """The bulk reads (fetch_chunks' SQL) on SQLite and PostgreSQL alike."""
    salon.import_paths(any_store, [SAMPLE], options=salon.ImportOptions(namespace="qc"))
    site = adoption_times(any_store, SITE)
    assert site == _firsts_by_hand(any_store, lambda _, ch: ch == SITE.split(":", 1)[1])
    assert len(site) == 332
    listed = [i.to_dict() for i in list_innovations(any_store, limit=500)]
    assert listed[:2] == [
        {
            "name": name,
            "adopters": 332,
            "first": int(min(site.values())),
            "last": int(max(site.values())),
        }
        for name in (SITE, "platform:qc")
    ]
    with memo.scope():
        assert adoption_times(any_store, SITE) == site
        assert [i.to_dict() for i in list_innovations(any_store, limit=500)] == listed
        assert sorted(place_innovations(any_store, min_adopters=3, limit=500)) == [
            "channel:qc",
            SITE,
            "platform:qc",
        ]
    assert load_posts(any_store).n == 1670
    with any_store.engine.connect() as c:
        authored = c.execute(select(func.count()).where(posts.c.author_id.is_not(None))).scalar()
    assert sum(person_evidence(any_store)["posts"].values()) == authored
