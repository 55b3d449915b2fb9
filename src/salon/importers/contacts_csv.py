"""Address books exported as CSV: Google Contacts (both layouts) and Outlook.

Recognised by the header row (the file's name only has to end in ``.csv``):

- Google CSV until 2022: ``Name, Given Name, Additional Name, Family Name, …, Group
  Membership, E-mail 1 - Type, E-mail 1 - Value, …, Organization 1 - Name, Organization 1 -
  Title``; since 2022: ``First Name, Middle Name, Last Name, …, Organization Name,
  Organization Title, …, Labels, E-mail 1 - Label, E-mail 1 - Value``. Several values in one
  cell are separated by `` ::: ``; groups (``Group Membership`` / ``Labels``) become
  affiliations.
- Outlook (desktop: File → Open & Export → Import/Export → Export to a file → Comma Separated
  Values; Outlook.com: Contacts → Export): ``"Title","First Name","Middle Name","Last
  Name","Suffix","Company","Department","Job Title", …, "Mobile Phone", …, "Categories", …,
  "E-mail Address","E-mail Type","E-mail Display Name","E-mail 2 Address", …, "Web Page"``.
  ``Title`` is the name's prefix (``Dr.``), ``Job Title`` the title at ``Company``;
  ``Categories`` (separated by ``;``) become groups. Exchange addresses (``/O=…``, type
  ``EX``) are no e-mail; the assistant's, the company's main number and fax numbers are not
  the person's phone.

A row gives what a vCard of the same person gives (:func:`salon.importers.contacts._card`):
a person (e-mails, phones, web pages as identities; the title; the first address's city,
region and country), an affiliation at the organisation, groups, a ``contact`` tie and a
private note from ``Notes``. A row with no e-mail, phone or link but a name or an
organisation is keyed by :func:`~salon.importers.contacts.record_key`; a row with nothing
that tells who it is is left out and counted in the report's warnings.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator

from salon.importers import contacts
from salon.importers.base import cell
from salon.importers.files import InputFile, csv_rows
from salon.model import (
    SELF,
    Affiliation,
    IdentityKey,
    Note,
    Notice,
    Person,
    PersonRef,
    Record,
    Tie,
    identity,
)

_GOOGLE_OLD = ("name", "given name", "family name", "e-mail 1 - value")
_GOOGLE_NEW = ("first name", "last name", "e-mail 1 - value")
_OUTLOOK = ("first name", "last name", "e-mail address")
_MULTI = " ::: "

# Google CSV columns that say what a contact is, for record_key (not notes, photos or labels).
_GOOGLE_FACTS = re.compile(
    r"name|given name|additional name|family name|first name|middle name|last name"
    r"|name prefix|name suffix|nickname|birthday|organization( \d+ -)? (name|title|department)"
    r"|(e-mail|phone|website|relation|event) \d+ - value"
    r"|address \d+ - (formatted|street|city|po box|region|postal code|country)"
)
_OUTLOOK_EMAIL = re.compile(r"e-mail( \d+)? address")
# The person's own numbers: not the assistant's, the company's main number, faxes or telex.
_OUTLOOK_PHONE = re.compile(
    r"(business|home|mobile|primary|other|car|radio) phone( \d+)?|pager|isdn|tty/tdd phone"
    r"|callback"
)
_OUTLOOK_WEB = re.compile(r"(personal )?web page( \d+)?")
# Outlook columns that say what a contact is, for record_key (not its defaults: Priority
# "Normal", Sensitivity, Private "False", Gender "Unspecified", Initials).
_OUTLOOK_FACTS = re.compile(
    r"title|first name|middle name|last name|suffix|nickname|company|department|job title"
    r"|birthday|(business|home|other) (street( \d)?|city|state|postal code|country(/region)?)"
    r"|e-mail( \d+)? address|" + _OUTLOOK_PHONE.pattern + "|" + _OUTLOOK_WEB.pattern
)
# Outlook writes an empty date as 0/0/00.
_NO_DATE = {"0/0/00", "0/0/0000", "00.00.00"}


def layout(file: InputFile) -> str | None:
    """``"google"`` or ``"outlook"`` for a contacts CSV (by its header row), else ``None``."""
    if not file.basename.lower().endswith(".csv"):
        return None
    head = file.head(8192).decode("utf-8", "replace").lstrip("\ufeff").splitlines()
    try:
        header = next(csv.reader(head[:1]), [])
    except csv.Error:
        return None
    names = {c.strip().lower() for c in header}
    if all(c in names for c in _GOOGLE_OLD) or all(c in names for c in _GOOGLE_NEW):
        return "google"
    if all(c in names for c in _OUTLOOK):
        return "outlook"
    return None


def parse(file: InputFile) -> Iterator[Record]:
    """The records of a Google or Outlook contacts CSV, with a notice of rows left out."""
    outlook = layout(file) == "outlook"
    rows = csv_rows(file)
    _, header = next(rows, (1, []))
    index = {name.strip().lstrip("\ufeff").lower(): i for i, name in enumerate(header)}
    left_out: list[int] = []
    for line, row in rows:
        if not any(c.strip() for c in row):
            continue
        if len(row) != len(header):
            raise file.error(
                f"line {line}",
                f"expected {len(header)} columns, found {len(row)}",
                "The file looks truncated or was edited; export the contacts again.",
            )
        records = list(_outlook_row(row, index, line) if outlook else _google_row(row, index, line))
        if not records:
            left_out.append(line)
        yield from records
    if left_out:
        lines = ", ".join(map(str, left_out[:5])) + (", …" if len(left_out) > 5 else "")
        yield Notice(
            f"'{file.display}': {len(left_out)} contact(s) with no name, e-mail, phone, "
            f"organisation or link (line {lines}) were left out: nothing tells who they are."
        )


def _multi(row: list[str], index: dict[str, int], pattern: str) -> list[str]:
    values = []
    for column, i in index.items():
        if re.fullmatch(pattern, column) and i < len(row):
            values += [v.strip() for v in row[i].split(_MULTI) if v.strip()]
    return values


def _joined(*parts: str) -> str:
    return " ".join(" ".join(p for p in parts if p).split())


def _place(row: list[str], index: dict[str, int], prefixes: tuple[str, ...]) -> str | None:
    """The first address's "city, region, country", as a vCard's ``ADR`` gives it."""
    for prefix in prefixes:
        columns = ("city", "region", "state", "country", "country/region")
        text = ", ".join(p for c in columns if (p := cell(row, index, prefix + c)))
        if text:
            return text
    return None


def _records(
    person: PersonRef,
    line: int,
    *,
    title: str,
    location: str | None,
    org: str,
    groups: list[str],
    note: str,
) -> Iterator[Record]:
    yield Person(person, person.name, title or None, location, line)
    if org:
        yield Affiliation(person, org, title or None, "work", line=line)
    for group in groups:
        if contacts._is_group(group):
            yield Affiliation(person, group.strip().lstrip("* "), None, "group", line=line)
    yield Tie(SELF, person, "contact", line=line)
    if note.strip():
        yield Note(person, note.strip(), line=line)


def _google_row(row: list[str], index: dict[str, int], line: int) -> Iterator[Record]:
    name = cell(row, index, "name") or _joined(
        cell(row, index, "name prefix"),
        cell(row, index, "first name") or cell(row, index, "given name"),
        cell(row, index, "middle name") or cell(row, index, "additional name"),
        cell(row, index, "last name") or cell(row, index, "family name"),
        cell(row, index, "name suffix"),
    )
    name = _joined(name) or _joined(cell(row, index, "nickname"))
    org = cell(row, index, "organization name") or cell(row, index, "organization 1 - name")
    title = cell(row, index, "organization title") or cell(row, index, "organization 1 - title")
    keys: list[IdentityKey] = [
        identity("", "email", e) for e in _multi(row, index, r"e-mail \d+ - value")
    ]
    keys += [k for p in _multi(row, index, r"phone \d+ - value") if (k := contacts.phone_key(p))]
    keys += [k for u in _multi(row, index, r"website \d+ - value") for k in contacts._url_keys(u)]
    if not keys:
        facts = [row[i] for c, i in index.items() if _GOOGLE_FACTS.fullmatch(c) and i < len(row)]
        if not any(f.strip() for f in facts):
            return
        keys = [contacts.record_key(name, org, facts)]
    yield from _records(
        PersonRef(tuple(dict.fromkeys(keys)), name or None),
        line,
        title=title,
        location=_place(row, index, ("address 1 - ",)),
        org=org,
        groups=(cell(row, index, "labels") or cell(row, index, "group membership")).split(_MULTI),
        note=cell(row, index, "notes"),
    )


def _outlook_row(row: list[str], index: dict[str, int], line: int) -> Iterator[Record]:
    def values(pattern: re.Pattern[str]) -> list[str]:
        return [v for c, i in index.items() if pattern.fullmatch(c) and (v := cell(row, index, c))]

    name = _joined(
        *(cell(row, index, c) for c in ("title", "first name", "middle name", "last name"))
    )
    name = _joined(name, cell(row, index, "suffix")) or _joined(cell(row, index, "nickname"))
    org = cell(row, index, "company")
    title = cell(row, index, "job title")
    keys: list[IdentityKey] = [identity("", "email", e) for e in values(_OUTLOOK_EMAIL) if "@" in e]
    keys += [k for p in values(_OUTLOOK_PHONE) if (k := contacts.phone_key(p))]
    keys += [k for u in values(_OUTLOOK_WEB) for k in contacts._url_keys(u)]
    if not keys:
        facts = [
            v
            for c, i in index.items()
            if _OUTLOOK_FACTS.fullmatch(c) and (v := cell(row, index, c)) not in _NO_DATE
        ]
        if not any(facts):
            return
        keys = [contacts.record_key(name, org, facts)]
    yield from _records(
        PersonRef(tuple(dict.fromkeys(keys)), name or None),
        line,
        title=title,
        location=_place(row, index, ("business ", "home ", "other ")),
        org=org,
        groups=cell(row, index, "categories").split(";"),
        note=cell(row, index, "notes"),
    )
