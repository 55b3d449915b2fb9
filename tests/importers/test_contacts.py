import pytest
from sqlalchemy import func, select

import salon
from salon.store.schema import affiliations, identities, organizations, people, places, ties
from tests.conftest import ROOT, shared

DATA = ROOT / "tests" / "data"


def test_vobject_fixtures(fresh_store):
    report = salon.import_paths(fresh_store, [shared("exports/vcard_vobject")])
    assert len(report.files) == 7
    with fresh_store.engine.connect() as c:
        names = set(c.execute(select(people.c.name).where(~people.c.is_self)).scalars())
        john = c.execute(
            select(identities.c.person_id).where(identities.c.value == "john.public@example.com")
        ).scalar_one()
        john_ids = set(
            c.execute(select(identities.c.value).where(identities.c.person_id == john)).scalars()
        )
        place = c.execute(select(places.c.name, places.c.latitude)).one()
    # vcard40_simple and vcard40_full share a UID: one person
    assert "Dr. John Q. Public, III" in names and "Given Family" in names
    assert {
        "+15555555555",
        "urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6",
        "example.com/~jqpublic",
    } <= john_ids
    assert place == ("Empire State Building", 40.748817)


def test_group_members_become_affiliates(fresh_store):
    salon.import_paths(fresh_store, [shared("exports/vcard_vobject/vcard40_group.vcf")])
    with fresh_store.engine.connect() as c:
        rows = c.execute(
            select(organizations.c.name, func.count())
            .join(affiliations, affiliations.c.organization_id == organizations.c.id)
            .group_by(organizations.c.name)
        ).all()
    assert rows == [("The Doe Family", 3)]


def test_google_csv_both_layouts(fresh_store):
    report = salon.import_paths(
        fresh_store, [DATA / "google_contacts_2022.csv", DATA / "google_contacts_2024.csv"]
    )
    assert [f.importer for f in report.files] == ["contacts", "contacts"]
    with fresh_store.engine.connect() as c:
        ana = c.execute(
            select(identities.c.person_id).where(identities.c.value == "ana@acme.example")
        ).scalar_one()
        values = set(
            c.execute(select(identities.c.value).where(identities.c.person_id == ana)).scalars()
        )
        groups = set(
            c.execute(
                select(organizations.c.name)
                .join(affiliations, affiliations.c.organization_id == organizations.c.id)
                .where(affiliations.c.kind == "group")
            ).scalars()
        )
        contacts = c.execute(select(func.count()).where(ties.c.kind == "contact")).scalar()
    # " ::: " splits both e-mails; the LinkedIn URL is an identity; system groups are left out
    assert {
        "ana@acme.example",
        "ana.ruiz@example.net",
        "+34600123456",
        "linkedin.com/in/ana-ruiz-acme",
    } <= values
    assert groups == {"Clients", "Investors"}
    assert contacts == 4


def test_broken_vcard_line(fresh_store, tmp_path):
    broken = tmp_path / "contacts.vcf"
    broken.write_text(
        "BEGIN:VCARD\nVERSION:3.0\nFN:Ana\nEMAIL:ana@example.org\n"
        "END:VCARD\nBEGIN:VCARD\nVERSION:3.0\nFN:Ben\nthis line is broken\n"
        "END:VCARD\n"
    )
    with pytest.raises(salon.ExportFormatError) as error:
        salon.import_paths(fresh_store, [broken])
    assert str(error.value) == (
        f"Could not read '{broken}' line 9: broken vCard (this line is broken). "
        "Export the address book again, or fix that line."
    )
