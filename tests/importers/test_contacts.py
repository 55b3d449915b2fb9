import pytest
from sqlalchemy import func, select

import salon
from salon.store.schema import (
    affiliations,
    identities,
    metadata,
    notes,
    organizations,
    people,
    places,
    ties,
)
from tests.conftest import ROOT, data_counts, shared

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


# Hand-written address books in the layouts phones and services export (tests/data/SOURCE.md):
# what each adds (people include you), and a second import of the same file adds nothing.
LAYOUTS = {
    "contacts_android_v21.vcf": (7, 8, 2, 2, 6),
    "contacts_ios_v30.vcf": (6, 10, 3, 3, 5),
    "contacts_google_v30.vcf": (5, 7, 4, 4, 4),
    "contacts_google_v40.vcf": (4, 5, 1, 1, 3),
    "google_contacts_2022_keyless.csv": (5, 5, 2, 2, 4),
    "google_contacts_2024_keyless.csv": (5, 4, 2, 2, 4),
}
COUNTED = ("people", "identities", "organizations", "affiliations", "ties")


@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_address_book_layouts_import_once(fresh_store, name):
    first = salon.import_paths(fresh_store, [DATA / name])
    assert [f.importer for f in first.files] == ["contacts"]
    assert tuple(first.added[k] for k in COUNTED) == LAYOUTS[name]
    assert data_counts(fresh_store)["people"] == LAYOUTS[name][0]
    again = salon.import_paths(fresh_store, [DATA / name])
    assert again.import_id is None
    assert set(again.added.values()) == {0}


def _people(store) -> dict[str | None, set[tuple[str, str, str]]]:
    with store.engine.connect() as c:
        rows = c.execute(
            select(people.c.name, identities.c.platform, identities.c.kind, identities.c.value)
            .join(identities, identities.c.person_id == people.c.id, isouter=True)
            .where(~people.c.is_self)
        ).all()
    found: dict[str | None, set[tuple[str, str, str]]] = {}
    for name, *key in rows:
        found.setdefault(name, set())
        if key[0] is not None:
            found[name].add(tuple(key))
    return found


def _card_keys(keys: set[tuple[str, str, str]]) -> list[str]:
    return [v for p, k, v in keys if (p, k) == ("contacts", "id") and v.startswith("card:")]


def test_card_with_name_and_organisation_only(fresh_store, tmp_path):
    path = tmp_path / "one.vcf"
    path.write_text(
        "BEGIN:VCARD\nVERSION:3.0\nN:Roe;Richard;;;\nFN:Richard Roe\nORG:Acme;Sales\nEND:VCARD\n"
    )
    report = salon.import_paths(fresh_store, [path])
    assert tuple(report.added[k] for k in COUNTED) == (2, 1, 1, 1, 1)
    keys = _people(fresh_store)["Richard Roe"]
    assert len(keys) == 1 and len(_card_keys(keys)) == 1
    with fresh_store.engine.connect() as c:
        org = c.execute(select(organizations.c.name)).scalar_one()
    assert org == "Acme"
    # the same card in another export (other order, case and spacing) is the same record
    other = tmp_path / "other.vcf"
    other.write_text(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nPRODID:-//Apple Inc.//iOS 17.4//EN\r\n"
        "ORG:ACME;Sales\r\nFN:Richard  Roe\r\nN:Roe;Richard;;;\r\nEND:VCARD\r\n"
    )
    assert salon.import_paths(fresh_store, [other]).import_id is None


def test_short_codes_are_no_ones_number(fresh_store):
    names = ["contacts_android_v21.vcf", "google_contacts_2022_keyless.csv"]
    salon.import_paths(fresh_store, [DATA / n for n in names])
    found = _people(fresh_store)
    assert {v for keys in found.values() for p, k, v in keys if k == "phone"} == {
        "+491701234567",
        "+33612345678",
        "0033144556677",
        "+79123456789",
    }
    # a card whose only numbers are short codes is still one person, by its own key
    for name in ("Mailbox", "Balance", "Voicemail", "Ivo Horvat"):
        assert len(_card_keys(found[name])) == 1 == len(found[name])


def test_contact_with_only_a_name(fresh_store):
    salon.import_paths(fresh_store, [DATA / "google_contacts_2022_keyless.csv"])
    dad = _people(fresh_store)["Dad"]
    assert len(_card_keys(dad)) == 1 == len(dad)
    with fresh_store.engine.connect() as c:
        kinds = c.execute(
            select(ties.c.kind)
            .join(people, people.c.id == ties.c.dst_id)
            .where(
                people.c.name == "Dad",
                ties.c.src_id == select(people.c.id).where(people.c.is_self).scalar_subquery(),
            )
        ).scalars()
        groups = c.execute(
            select(organizations.c.name)
            .join(affiliations, affiliations.c.organization_id == organizations.c.id)
            .join(people, people.c.id == affiliations.c.person_id)
            .where(people.c.name == "Dad")
        ).scalars()
        assert list(kinds) == ["contact"] and list(groups) == ["Family"]


def test_android_vcard_21_quoted_printable(fresh_store):
    salon.import_paths(fresh_store, [DATA / "contacts_android_v21.vcf"])
    found = _people(fresh_store)
    with fresh_store.engine.connect() as c:
        orgs = set(c.execute(select(organizations.c.name)).scalars())
    # soft line breaks (a line ending in "=") joined; a card with N but no FN named from N
    assert set(found) == {
        "Jürgen Müller",
        "Élodie Françoise de la Tour d’Auvergne",
        "Mailbox",
        "Petra Novak",
        "Tomáš",
        "Balance",
    }
    assert found["Jürgen Müller"] == {
        ("", "email", "juergen.mueller@example.net"),
        ("", "phone", "+491701234567"),
    }
    assert orgs == {"Bäckerei Schmidt", "Stavby Novak"}


def test_ios_and_google_vcard_profiles(fresh_store):
    names = ["contacts_ios_v30.vcf", "contacts_google_v30.vcf"]
    salon.import_paths(fresh_store, [DATA / n for n in names])
    found = _people(fresh_store)
    assert ("x", "handle", "johnnyseed") in found["Johnny Appleseed"]
    assert found["Kim Lee"] == {
        ("", "url", "fosstodon.org/@kim"),
        ("mastodon", "handle", "kim@fosstodon.org"),
        ("skype", "handle", "kim.lee"),
    }
    # Google escapes the colon of URLs (https\://); myContacts and starred are not groups
    assert ("", "url", "linkedin.com/in/olu-adeyemi") in found["Olu Adeyemi"]
    with fresh_store.engine.connect() as c:
        groups = set(
            c.execute(
                select(organizations.c.name)
                .join(affiliations, affiliations.c.organization_id == organizations.c.id)
                .where(affiliations.c.kind == "group")
            ).scalars()
        )
    assert groups == {"Clients", "Friends"}


# The notes the fixtures hold, by file: (whose card, a word of the note).
NOTES = {
    "contacts_android_v21.vcf": [("Jürgen Müller", "Geheim-Notiz-Android")],
    "contacts_ios_v30.vcf": [
        ("Johnny Appleseed", "Secret-iOS-note"),
        ("Corner Bakery", "Secret-iOS-note about the bakery"),
    ],
    "contacts_google_v30.vcf": [(None, "Secret-Google-note")],
    "contacts_google_v40.vcf": [(None, "Secret-v4-note")],
    "google_contacts_2022_keyless.csv": [
        ("Olga Petrova", "Secret-CSV-note"),
        ("Dad", "Secret-CSV-note for dad"),
    ],
    "google_contacts_2024_keyless.csv": [("Nia Moreau", "Secret-CSV-note")],
}


@pytest.mark.parametrize("name", sorted(NOTES))
def test_a_contacts_note_is_a_private_note_on_that_person(fresh_store, name):
    salon.import_paths(fresh_store, [DATA / name])
    with fresh_store.engine.connect() as c:
        rows = c.execute(
            select(notes.c.text, notes.c.level, notes.c.field, people.c.name, notes.c.line)
            .join(people, people.c.id == notes.c.person_id)
            .order_by(notes.c.line)
        ).all()
        # Nowhere else: no other table holds the note's words.
        for table in metadata.sorted_tables:
            if table.name == "notes":
                continue
            for row in c.execute(select(table)).all():
                for value in row:
                    assert "secret" not in str(value).lower(), (table.name, row)
                    assert "geheim" not in str(value).lower(), (table.name, row)
    assert len(rows) == len(NOTES[name])
    for (who, words), row in zip(NOTES[name], rows, strict=True):
        assert words in row.text and row.level == "private" and row.field == "note"
        assert who is None or row.name == who
        assert row.line > 0
    # The same file again (forced) adds no second copy of a note.
    salon.import_paths(fresh_store, [DATA / name], options=salon.ImportOptions(force=True))
    with fresh_store.engine.connect() as c:
        assert c.execute(select(func.count()).select_from(notes)).scalar() == len(NOTES[name])


def test_a_quoted_printable_note_is_decoded(fresh_store):
    salon.import_paths(fresh_store, [DATA / "contacts_android_v21.vcf"])
    with fresh_store.engine.connect() as c:
        text = c.execute(select(notes.c.text)).scalar_one()
    assert text.startswith("Schuldet mir 50 €, nicht erwähnen.")


# Outlook's "Save as vCard" and older phones write vCard 2.1 in Windows-1252 / ISO-8859-1,
# 8-bit, declaring it on each property (RFC 2426's predecessor, vCard 2.1 §2.1.5 "CHARSET").
_OUTLOOK_21 = (
    "BEGIN:VCARD\r\nVERSION:2.1\r\nN;LANGUAGE=de;CHARSET=Windows-1252:Müller;Jürgen\r\n"
    "FN;CHARSET=Windows-1252:Jürgen Müller\r\nORG;CHARSET=Windows-1252:Bäckerei Groß\r\n"
    "EMAIL;PREF;INTERNET:juergen@baeckerei.example\r\nEND:VCARD\r\n"
    "BEGIN:VCARD\r\nVERSION:2.1\r\nN;CHARSET=Windows-1252:Øst;Åsa\r\n"
    "FN;CHARSET=Windows-1252:Åsa Øst\r\nTEL;CELL:+46 70 123 45 67\r\nEND:VCARD\r\n"
)


def test_outlook_vcard_21_in_windows_1252(fresh_store, tmp_path):
    path = tmp_path / "Outlook.vcf"
    path.write_bytes(_OUTLOOK_21.encode("cp1252"))
    report = salon.import_paths(fresh_store, [path])
    assert report.added["ties"] == 2
    with fresh_store.engine.connect() as c:
        names = set(c.execute(select(people.c.name)).scalars())
        orgs = set(c.execute(select(organizations.c.name)).scalars())
    assert {"Jürgen Müller", "Åsa Øst"} <= names and orgs == {"Bäckerei Groß"}


def test_an_undeclared_8_bit_vcard_names_its_line(fresh_store, tmp_path):
    path = tmp_path / "Outlook.vcf"
    path.write_bytes(_OUTLOOK_21.replace(";CHARSET=Windows-1252", "").encode("cp1252"))
    with pytest.raises(salon.ExportFormatError, match="line 3: the text is not UTF-8"):
        salon.import_paths(fresh_store, [path])
    assert not any(data_counts(fresh_store).values())


def test_a_vcard_in_no_character_set_it_declares_says_so(fresh_store, tmp_path):
    path = tmp_path / "odd.vcf"
    path.write_bytes(b"BEGIN:VCARD\r\nVERSION:2.1\r\nFN;CHARSET=idna:\xff\xfe\r\nEND:VCARD\r\n")
    with pytest.raises(salon.ExportFormatError, match="neither UTF-8 nor 'idna'"):
        salon.import_paths(fresh_store, [path])
    assert not any(data_counts(fresh_store).values())
