"""Address books: vCard 2.1/3.0/4.0 (``.vcf``, many cards a file) and Google Contacts CSV.

vCards are parsed with vobject (vCard 2.1's quoted-printable values, soft line breaks
included, are decoded). An individual's card gives a person (identities from ``UID``,
``EMAIL``, ``TEL``, ``URL``, ``IMPP`` and ``X-SOCIALPROFILE``), an affiliation from ``ORG`` and
``TITLE``, a location from ``ADR``, and a ``contact`` tie from you. A group card
(``KIND:group``) makes each ``MEMBER`` an affiliate of the group; a location card a place.
``NOTE`` is what the user keeps about the person: a :class:`~salon.model.Note`, stored as a
private note on that person (the ``notes`` table, field ``note``), which the leak guard keeps
out of public posts; it is never part of a person's facts or of the card's key.

Google Contacts CSV (both layouts) and Outlook CSV are read by :mod:`salon.importers.contacts_csv`
into the records a vCard of the same person gives.

Every card or row is a record, even one with no e-mail, personal phone or link (a name, an
organisation, a short code such as ``121``): it is keyed by :func:`record_key`, a digest of
what it holds, so importing the same file again adds nothing.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import unquote

from salon.errors import ExportFormatError
from salon.importers.base import ImportOptions
from salon.importers.files import InputFile, read_bytes, read_document
from salon.model import (
    SELF,
    Affiliation,
    IdentityKey,
    Note,
    Person,
    PersonRef,
    Place,
    Record,
    Tie,
    identity,
    url_keys,
)

NAME = "contacts"
DESCRIPTION = "Address books: vCard 2.1/3.0/4.0 (.vcf), Google Contacts CSV and Outlook CSV"
FILES = "*.vcf, contacts.csv (Google, both layouts; Outlook)"

_SYSTEM_GROUPS = {"mycontacts", "starred", "other contacts"}
# Social profile types (iOS ``X-SOCIALPROFILE;type=…``) whose platform has another name here.
_PLATFORMS = {"twitter": "x", "bsky": "bluesky"}


@functools.cache
def _vobject() -> Any:
    """vobject, with ``NOTE`` read as one text (imported when a vCard is first read, so that
    an import of anything else does not pay for it): vobject's text behaviour keeps only what
    comes before the first unescaped comma, and vCard 2.1 does not escape commas ("50 €, nicht
    erwähnen")."""
    import vobject
    from vobject.icalendar import stringToTextValues

    class _NoteText(vobject.vcard.VCardTextBehavior):
        @classmethod
        def decode(cls, line: Any) -> None:
            plain = (
                not getattr(line, "encoding_param", None) and "BASE64" not in line.singletonparams
            )
            if line.encoded and plain:
                line.value = ",".join(stringToTextValues(line.value))
                line.encoded = False
                return
            super().decode(line)

    vobject.base.registerBehavior(_NoteText, "NOTE", default=True)
    vobject.vcard.VCard3_0.knownChildren.setdefault("NOTE", (0, None, None))
    return vobject


def detect(file: InputFile, *, forced: bool = False) -> bool:
    base = file.basename.lower()
    if base.endswith((".vcf", ".vcard")):
        return forced or b"BEGIN:VCARD" in file.head(4096).upper()
    from salon.importers import contacts_csv

    return contacts_csv.layout(file) is not None


def phone_key(number: str) -> IdentityKey | None:
    """A phone number as an identity: its digits, with ``+`` kept for international form.

    Short codes and service codes (``121``, ``112``, ``*123#``) are no one's number: ``None``.
    """
    number = number.removeprefix("tel:").strip()
    digits = re.sub(r"\D", "", number.split(";", 1)[0])
    if len(digits) < 5 or "*" in number or "#" in number:
        return None
    return identity("", "phone", ("+" if number.startswith("+") else "") + digits)


def record_key(name: str | None, organization: str | None, values: Iterable[str]) -> IdentityKey:
    """The key of a card or row without a strong one: a digest of what it holds.

    Names and values are compared as the identity keys are (case and spacing aside), and the
    values' order does not matter, so the same card gives the same key on every import.
    """
    facts = sorted({_norm(v) for v in values} - {""})
    text = json.dumps([_norm(name or ""), _norm(organization or ""), facts], ensure_ascii=False)
    return identity(NAME, "id", "card:" + hashlib.sha256(text.encode()).hexdigest()[:32])


def _norm(value: str) -> str:
    return " ".join(str(value).split()).casefold()


def _unescape(value: str) -> str:
    """vCard text escapes left in URI values (Google writes ``https\\://``)."""
    return re.sub(r"\\([:;,\\])", r"\1", value).strip()


def _url_keys(value: str) -> tuple[IdentityKey, ...]:
    value = _unescape(value)
    if "://" in value:
        return url_keys(value)
    key = _url_key(value)
    return (key,) if key else ()


def _url_key(value: str) -> IdentityKey | None:
    value = value.strip()
    if value.startswith("mailto:"):
        return identity("", "email", value[7:])
    if value.startswith("urn:uuid:"):
        return identity("vcard", "id", value)
    if value.startswith("xmpp:"):
        return identity("xmpp", "handle", value[5:])
    if value.startswith("skype:"):
        return identity("skype", "handle", value[6:].split("?", 1)[0])
    return None


def _social_keys(prop: Any) -> tuple[IdentityKey, ...]:
    """``X-SOCIALPROFILE``: a profile URL, iOS's ``x-apple:handle`` or its ``x-user`` parameter."""
    value = _unescape(str(prop.value))
    kinds = [t for p in ("SERVICE-TYPE", "X-SERVICE-TYPE", "TYPE") for t in prop.params.get(p, [])]
    kind = next((t.strip().lower() for t in kinds if t.strip().lower() != "pref"), "")
    platform = _PLATFORMS.get(kind, kind)
    user = unquote(next(iter(prop.params.get("X-USER", [])), "")).strip()
    if value.lower().startswith("x-apple:"):
        user, value = user or unquote(value[8:]).strip(), ""
    keys = _url_keys(value) if "://" in value else ()
    if user and platform and not any(k[0] == platform for k in keys):
        if platform == "linkedin":
            keys += url_keys("https://www.linkedin.com/in/" + user.strip("/"))
        else:
            keys += (identity(platform, "handle", user),)
    return keys


def parse(file: InputFile, options: ImportOptions) -> Iterator[Record]:
    if file.basename.lower().endswith(".csv"):
        from salon.importers import contacts_csv

        yield from contacts_csv.parse(file)
    else:
        yield from _vcards(file)


#: A vCard 2.1 property's declared character set (``N;CHARSET=Windows-1252:Müller``).
_CHARSET = re.compile(rb";CHARSET=\"?([\w.-]+)", re.IGNORECASE)


def _vcard_text(file: InputFile) -> str:
    """The address book's text: UTF-8 (or UTF-16), else the one 8-bit character set its cards
    declare. Outlook and older phones write vCard 2.1 in Windows-1252 or ISO-8859-1, saying so
    in ``CHARSET=`` parameters; an undeclared 8-bit file stays an error naming the line."""
    try:
        return read_document(file)
    except ExportFormatError:
        declared = {m.decode().lower() for m in _CHARSET.findall(read_bytes(file))}
        declared -= {"utf-8", "utf8", "us-ascii"}
        if len(declared) != 1:
            raise
        charset = declared.pop()
        try:
            return read_bytes(file).decode(charset)
        except (LookupError, UnicodeError, ValueError):  # no such codec, idna, base64…
            raise file.error(
                None,
                f"the text is neither UTF-8 nor {charset!r}, the character set its cards declare",
                "Export the address book again, as UTF-8 if the application offers it.",
            ) from None


def _vcards(file: InputFile) -> Iterator[Record]:
    text = _vcard_text(file)
    starts = [i + 1 for i, line in enumerate(text.splitlines()) if line.upper() == "BEGIN:VCARD"]
    vobject = _vobject()
    cards = vobject.readComponents(text, ignoreUnreadable=False, allowQP=True)
    for number in range(1, 1_000_000_000):
        try:
            card = next(cards)
        except StopIteration:
            return
        except (vobject.base.ParseError, ValueError, AttributeError, TypeError, LookupError) as exc:
            raise file.error(
                _where(text, exc, starts, number),
                f"broken vCard ({_reason(exc)})",
                "Export the address book again, or fix that line.",
            ) from exc
        line = starts[number - 1] if number <= len(starts) else number
        yield from _card(card, line)


def _reason(exc: Exception) -> str:
    match = re.search(r"Failed to parse line: (.*)$", str(exc))
    return match.group(1).strip() if match else str(exc)


def _where(text: str, exc: Exception, starts: list[int], number: int) -> str:
    match = re.search(r"Failed to parse line: (.*)$", str(exc))
    if match:
        bad = match.group(1).strip()
        for i, line in enumerate(text.splitlines(), start=1):
            if line.strip() == bad:
                return f"line {i}"
    return f"line {starts[number - 1]}" if number <= len(starts) else f"card {number}"


def _values(card: Any, name: str) -> list[str]:
    return [str(v.value) for v in card.contents.get(name, []) if v.value]


def _card_name(card: Any) -> str | None:
    """``FN``, else the parts of ``N`` (vCard 2.1 may lack ``FN``), else ``NICKNAME``."""
    name = " ".join((_values(card, "fn") or [""])[0].split())
    if not name:
        for n in card.contents.get("n", []):
            parts = [getattr(n.value, p, "") for p in ("prefix", "given", "additional", "family")]
            parts.append(getattr(n.value, "suffix", ""))
            words = [" ".join(p) if isinstance(p, list) else str(p) for p in parts]
            name = " ".join(" ".join(words).split())
            if name:
                break
    return name or " ".join((_values(card, "nickname") or [""])[0].split()) or None


def _card(card: Any, line: int) -> Iterator[Record]:
    kind = (_values(card, "kind") or ["individual"])[0].lower()
    name = _card_name(card)
    if kind == "group":
        members = [k for v in _values(card, "member") if (k := _url_key(v))]
        for member in members:
            yield Affiliation(PersonRef((member,)), name or "group", None, "group", line=line)
        return
    if kind == "location":
        geo = _geo(card)
        yield Place(
            name or _address(card) or "place",
            geo[0] if geo else None,
            geo[1] if geo else None,
            line=line,
        )
        return
    if kind == "org":
        return
    title = (_values(card, "title") or [None])[0]
    orgs = [str(u[0]).strip() for o in card.contents.get("org", []) if (u := _units(o.value))]
    orgs = [o for o in orgs if o]
    keys: list[IdentityKey] = []
    keys += [identity("vcard", "id", v) for v in _values(card, "uid")]
    keys += [identity("", "email", v) for v in _values(card, "email")]
    keys += [k for v in _values(card, "tel") if (k := phone_key(v))]
    links = _values(card, "url") + _values(card, "impp")
    keys += [k for v in links for k in _url_keys(v)]
    profiles = card.contents.get("x-socialprofile", []) + card.contents.get("socialprofile", [])
    keys += [k for p in profiles for k in _social_keys(p)]
    if not keys:
        facts = [str(v) for f in _FACTS for v in _values(card, f)] + [_full_address(card)]
        if not name and not orgs and not any(f.strip() for f in facts):
            return
        keys = [record_key(name, orgs[0] if orgs else None, facts)]
    person = PersonRef(tuple(dict.fromkeys(keys)), name)
    yield Person(person, name, title, _address(card), line)
    for org in orgs:
        yield Affiliation(person, org, title, "work", line=line)
    for category in card.contents.get("categories", []):
        for group in _units(category.value):
            if _is_group(str(group)):
                yield Affiliation(person, str(group).strip().lstrip("* "), None, "group", line=line)
    yield Tie(SELF, person, "contact", line=line)
    for note in _values(card, "note"):
        if note.strip():
            yield Note(person, note.strip(), line=line)


# What a card holds, for record_key: never NOTE (private), PHOTO, REV or vendor fields.
_FACTS = ("email", "tel", "url", "impp", "x-socialprofile", "title", "nickname", "bday")


def _units(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _is_group(name: str) -> bool:
    name = name.strip().lstrip("* ").strip()
    return bool(name) and name.lower() not in _SYSTEM_GROUPS


def _full_address(card: Any) -> str:
    return " | ".join(str(adr.value) for adr in card.contents.get("adr", []))


def _address(card: Any) -> str | None:
    for adr in card.contents.get("adr", []):
        value = adr.value
        parts = [
            getattr(value, "city", ""),
            getattr(value, "region", ""),
            getattr(value, "country", ""),
        ]
        text = ", ".join(p.strip() for p in parts if isinstance(p, str) and p.strip())
        if text:
            return text
    return None


def _geo(card: Any) -> tuple[float, float] | None:
    for geo in _values(card, "geo"):
        numbers = re.findall(r"-?\d+(?:\.\d+)?", geo)
        if len(numbers) >= 2:
            return float(numbers[0]), float(numbers[1])
    return None
