import pytest
from sqlalchemy import select

import salon
from salon.store.merges import find_duplicates, merge_people, unmerge_person
from salon.store.profiles import person_profile
from salon.store.queries import find_people
from salon.store.schema import identities, people
from tests.conftest import ROOT, shared

DATA = ROOT / "tests" / "data"


def _sources(store):
    return [
        shared("exports/linkedin_export_2018_pseudonymised"),
        DATA / "sample.mbox",
        DATA / "contacts.vcf",
        DATA / "google_contacts_2024.csv",
        DATA / "following_accounts.csv",
    ]


def test_one_person_across_sources(any_store):
    report = salon.import_paths(any_store, _sources(any_store))
    assert report.added["merges"] >= 2  # you (mbox owner), and Henrik's second address book entry
    profile = person_profile(any_store, "Henrik Dahlgaard")
    files = {i["file"].rsplit("/", 1)[-1] for i in profile["identities"]}
    assert {"Connections.csv", "contacts.vcf", "google_contacts_2024.csv"} <= files
    assert any(e["file"].endswith("sample.mbox") for e in profile["timeline"])
    assert any(
        t["kind"] == "follow" and t["file"].endswith("following_accounts.csv")
        for t in profile["ties"]
    )  # the vCard's Mastodon URL named that handle
    fuzzy = [m for m in profile["merges"] if m["reason"] == "fuzzy"]
    assert fuzzy and fuzzy[0]["evidence"]["organisation"] == "both at signoffly"


def test_unmerge_restores_and_survives_reimport(any_store):
    salon.import_paths(any_store, _sources(any_store))
    kept = person_profile(any_store, "Henrik Dahlgaard")
    (merged,) = kept["merged_people"]
    unmerge_person(any_store, merged)
    names = [p.name for p in find_people(any_store, query="dahlgaard")]
    assert names == ["Henrik Dahlgaard", "Henrik Dahlgaard"]
    # the undone pair is not merged again by a later import, and is not even proposed
    again = salon.import_paths(any_store, _sources(any_store))
    assert again.import_id is None
    assert [(d.a, d.b) for d in find_duplicates(any_store)] == []
    merge_people(any_store, kept["id"], merged)
    salon.import_paths(any_store, [DATA / "google_contacts_2022.csv"])
    assert len(find_people(any_store, query="dahlgaard")) == 1


def test_merge_errors(fresh_store):
    salon.import_paths(fresh_store, [DATA / "google_contacts_2022.csv"])
    with fresh_store.engine.connect() as c:
        ana = c.execute(
            select(identities.c.person_id).where(identities.c.value == "ana@acme.example")
        ).scalar_one()
        ben = c.execute(select(people.c.id).where(people.c.name == "Ben Okafor")).scalar_one()
    with pytest.raises(salon.SalonError, match="No person 999"):
        merge_people(fresh_store, ana, 999)
    merge_people(fresh_store, ana, ben)
    with pytest.raises(salon.SalonError, match="already one person"):
        merge_people(fresh_store, ben, ana)
    unmerge_person(fresh_store, ben)
    with pytest.raises(salon.SalonError, match="is not merged with anyone"):
        unmerge_person(fresh_store, ben)
