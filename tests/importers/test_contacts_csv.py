"""Contacts exported as CSV (Google, Outlook) give what a vCard of the same person gives."""

from pathlib import Path

import pytest

import salon
from salon.importers import contacts
from salon.importers.base import ImportOptions
from salon.importers.files import input_files
from salon.model import Affiliation, Note, Person, Tie
from tests.conftest import ROOT

DATA = ROOT / "tests" / "data"

VCARD = """BEGIN:VCARD
VERSION:3.0
FN:Dr. Ana Ruiz
N:Ruiz;Ana;;Dr.;
ORG:Acme Robotics;Sales
TITLE:VP Sales
EMAIL;TYPE=INTERNET:ana@acme.example
EMAIL;TYPE=INTERNET:ana.ruiz@example.net
TEL;TYPE=CELL:+34 600 123 456
ADR;TYPE=WORK:;;;Madrid;;;Spain
URL:https://www.linkedin.com/in/ana-ruiz-acme
CATEGORIES:Clients,Madrid trip
NOTE:Prefers calls; met at MWC 2024
END:VCARD
BEGIN:VCARD
VERSION:3.0
FN:Ben Okafor
N:Okafor;Ben;;;
ORG:Acme Robotics
TITLE:Engineer
TEL;TYPE=WORK:+1 555 0100 123
END:VCARD
"""

GOOGLE_2024 = (
    "First Name,Middle Name,Last Name,Name Prefix,Name Suffix,Nickname,Organization Name,"
    "Organization Title,Organization Department,Notes,Labels,E-mail 1 - Label,E-mail 1 - Value,"
    "Phone 1 - Label,Phone 1 - Value,Address 1 - Label,Address 1 - City,Address 1 - Region,"
    "Address 1 - Country,Website 1 - Label,Website 1 - Value\n"
    'Ana,,Ruiz,Dr.,,,Acme Robotics,VP Sales,Sales,"Prefers calls; met at MWC 2024",'
    "Clients ::: Madrid trip ::: * myContacts,Work,ana@acme.example ::: ana.ruiz@example.net,"
    "Mobile,+34 600 123 456,Work,Madrid,,Spain,Profile,https://www.linkedin.com/in/ana-ruiz-acme\n"
    "Ben,,Okafor,,,,Acme Robotics,Engineer,,,* myContacts,,,Work,+1 555 0100 123,,,,,,\n"
)

GOOGLE_2022 = (
    "Name,Given Name,Additional Name,Family Name,Name Prefix,Notes,Group Membership,"
    "E-mail 1 - Type,E-mail 1 - Value,Phone 1 - Type,Phone 1 - Value,Organization 1 - Name,"
    "Organization 1 - Title,Address 1 - City,Address 1 - Country,Website 1 - Value\n"
    'Dr. Ana Ruiz,Ana,,Ruiz,Dr.,"Prefers calls; met at MWC 2024",'
    "* myContacts ::: Clients ::: Madrid trip,* Work,ana@acme.example ::: ana.ruiz@example.net,"
    "Mobile,+34 600 123 456,Acme Robotics,VP Sales,Madrid,Spain,"
    "https://www.linkedin.com/in/ana-ruiz-acme\n"
    "Ben Okafor,Ben,,Okafor,,,* myContacts,,,Work,+1 555 0100 123,Acme Robotics,Engineer,,,\n"
)


def _records(path: Path) -> set[tuple]:
    """What the contacts importer makes of a file, with the order of keys and lines aside."""
    out: set[tuple] = set()
    for r in contacts.parse(input_files(path)[0], ImportOptions()):
        if isinstance(r, Person):
            out.add(("person", frozenset(r.ref.keys), r.ref.name, r.name, r.headline, r.location))
        elif isinstance(r, Affiliation):
            out.add(("affiliation", frozenset(r.person.keys), r.organization, r.title, r.kind))
        elif isinstance(r, Tie):
            out.add(("tie", r.src.is_self, frozenset(r.dst.keys), r.kind))
        elif isinstance(r, Note):
            out.add(("note", frozenset(r.person.keys), r.text, r.level))
    return out


def test_google_and_outlook_csv_give_what_the_vcard_gives(tmp_path):
    (tmp_path / "a.vcf").write_text(VCARD)
    (tmp_path / "google_2024.csv").write_text(GOOGLE_2024)
    (tmp_path / "google_2022.csv").write_text(GOOGLE_2022)
    card = _records(tmp_path / "a.vcf")
    assert len([r for r in card if r[0] == "person"]) == 2
    assert _records(tmp_path / "google_2024.csv") == card
    assert _records(tmp_path / "google_2022.csv") == card
    # Outlook's file holds Ana and Ben as the card does, and three rows more
    outlook = _records(DATA / "outlook_contacts.csv")
    assert card < outlook


def test_outlook_csv_import(fresh_store):
    report = salon.import_paths(fresh_store, [DATA / "outlook_contacts.csv"])
    assert [f.importer for f in report.files] == ["contacts"]
    # Ana, Ben, Globex's row, Ivo (short code: keyed by what the row holds); the row of
    # Outlook's defaults only is left out, and said so
    assert report.added["people"] == 4 + 1  # and you
    assert report.added["ties"] == 4
    assert any(
        "outlook_contacts.csv': 1 contact(s) with no name, e-mail, phone, organisation or link "
        "(line 5) were left out" in w
        for w in report.warnings
    )
    records = _records(DATA / "outlook_contacts.csv")
    keys = {k for r in records if r[0] == "person" for k in r[1]}
    values = {v for _, _, v in keys}
    # the Exchange address, the assistant's, company's and fax numbers name nobody here
    assert not any(v.startswith("/o=") or "0100100" in v or "910000" in v for v in values)
    assert ("", "phone", "+15550100123") in keys
    assert {r[2] for r in records if r[0] == "affiliation" and r[4] == "group"} == {
        "Clients",
        "Madrid trip",
    }


def test_a_csv_row_of_the_wrong_width_names_its_line(fresh_store, tmp_path):
    lines = (DATA / "outlook_contacts.csv").read_text().splitlines()
    broken = tmp_path / "contacts.csv"
    broken.write_text("\n".join([*lines[:2], lines[2].rsplit(",", 3)[0], *lines[3:]]) + "\n")
    with pytest.raises(salon.ExportFormatError) as error:
        salon.import_paths(fresh_store, [broken])
    assert str(error.value).startswith(f"Could not read '{broken}' line 3: expected 92 columns")


def test_a_google_row_that_names_nobody_is_counted(fresh_store, tmp_path):
    path = tmp_path / "contacts.csv"
    path.write_text(
        "First Name,Last Name,Labels,Notes,E-mail 1 - Value\n"
        "Ana,Ruiz,,,ana@example.org\n"
        ",,* myContacts,,\n"
        ",,Family,only a note,\n"
    )
    report = salon.import_paths(fresh_store, [path])
    assert report.added["people"] == 2
    assert any("2 contact(s) with no name" in w and "(line 3, 4)" in w for w in report.warnings)
