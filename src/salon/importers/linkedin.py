"""LinkedIn "Download your data" export (the 2018 layout and today's).

Files read: ``Profile.csv`` (you), ``Connections.csv`` (with or without the ``Notes:``
preamble), ``Messages.csv`` / ``messages.csv``, ``Invitations.csv``, ``Positions.csv``,
``Education.csv`` and ``Shares.csv`` (UTF-16 and tab-separated in 2018). Other files of the
export are listed in the import report as not used.

People are keyed by their profile URL and e-mail (strong keys); a name is only a weak key.
Messages and invitations of the 2018 layout name people only by name: such a name links to a
connection only when exactly one known person carries it (see :mod:`salon.store.names`), so
two connections who share a name stay two people. A message from a member who has left
LinkedIn (no name, no profile URL) is kept, from a "LinkedIn Member" of that conversation.
Your own e-mail addresses (``Email Addresses.csv``) and X handles make you recognisable
across exports; LinkedIn's brackets in ``Profile.csv`` (``[handle]``,
``[PERSONAL:https://…]``) are removed.
"""

from __future__ import annotations

import csv
import hashlib
import re
from collections.abc import Iterator

from salon.importers.base import ImportOptions, cell, header_index, time_field
from salon.importers.files import InputFile, csv_rows, text_lines
from salon.model import (
    SELF,
    Affiliation,
    Interaction,
    Notice,
    Person,
    PersonRef,
    Post,
    Record,
    Tie,
    identity,
    url_keys,
)

NAME = "linkedin"
DESCRIPTION = "LinkedIn 'Download your data' export (zip or folder)"
FILES = (
    "Profile.csv, Connections.csv, Messages.csv, Invitations.csv, Positions.csv, "
    "Education.csv, Shares.csv"
)

# File name -> the header columns that identify it (lower case).
_SIGNATURES = {
    "profile.csv": ("first name", "last name", "headline"),
    "email addresses.csv": ("email address", "primary"),
    "connections.csv": ("first name", "last name", "connected on"),
    "messages.csv": ("from", "to", "date"),
    "invitations.csv": ("from", "to", "sent at"),
    "positions.csv": ("company name", "title", "started on"),
    "education.csv": ("school name", "start date"),
    "shares.csv": ("date",),
}
# Files of the export that Salon knows and does not need.
KNOWN_UNUSED = re.compile(
    r"(skills|endorsement.*|recommendations.*|registration|logins|phonenumbers"
    r"|ad_targeting|inferences_about_you|learning|saved_jobs|job applications|searchqueries"
    r"|security challenges|rich media|member_follows|company follows|reactions|comments"
    r"|votes|events|imported contacts|languages|certifications|projects|courses|honors"
    r"|publications|patents|volunteering|causes you care about|receipts.*|invitations_.*"
    r"|coach_messages|learning_coach_messages|guide_messages|profile summary|rich_media"
    r"|whatsapp phone numbers|private_identity_asset|verifications|hashtag_follows"
    r"|saved_items|saved_job_alerts|job seeker preferences|jobs?|ad targeting|articles"
    r"|member_follows|company_follows|instant messengers|services marketplace.*"
    r"|reviews|test scores|organizations|endorsement_.*|recommendations_.*)\.csv",
    re.IGNORECASE,
)
_PREAMBLE_LINES = 10


def _header_line(file: InputFile, first_column: str) -> tuple[int, list[str]] | None:
    """Find the header row (today's Connections.csv starts with a 'Notes:' preamble)."""
    for line_no, line in text_lines(file):
        if line_no > _PREAMBLE_LINES:
            return None
        delimiter = "\t" if "\t" in line else ","
        cells = next(csv.reader([line], delimiter=delimiter), [])
        if first_column in (c.strip().lower() for c in cells):
            return line_no, cells
    return None


def detect(file: InputFile, *, forced: bool = False) -> bool:
    signature = _SIGNATURES.get(file.basename.lower())
    if signature is None:
        return False
    head = file.head(8192)
    encoding = "utf-16" if head[:2] in (b"\xff\xfe", b"\xfe\xff") else "utf-8"
    # Decoding errors are reported by parse, with their line: here only the header matters.
    lowered = head.decode(encoding, errors="replace").lower()
    return forced or all(column in lowered for column in signature)


def is_known_unused(file: InputFile) -> bool:
    return bool(KNOWN_UNUSED.fullmatch(file.basename))


def _rows(file: InputFile, required: tuple[str, ...]):  # type: ignore[no-untyped-def]
    found = _header_line(file, required[0])
    if found is None:
        raise file.error("line 1", "no header row found", "The file is empty or not this export.")
    header_at, header = found
    delimiter = "\t" if file.head(4)[:2] in (b"\xff\xfe", b"\xfe\xff") else ","
    index = header_index(file, header, required, header_at)
    width = len(header)
    for line, row in csv_rows(file, skip_lines=header_at, delimiter=delimiter):
        if not any(c.strip() for c in row):
            continue
        if len(row) < width - 1:
            raise file.error(
                f"line {line}",
                f"expected {width} columns, found {len(row)}",
                "The file looks truncated; download the export again.",
            )
        yield line, row, index


def _person(first: str, last: str, *, email: str = "", url: str = "") -> PersonRef:
    name = " ".join(f"{first} {last}".split())
    keys = []
    if url:
        keys.append(identity("", "url", url))
    if email.startswith("urn:li:member:"):
        keys.append(identity("linkedin", "id", email.removeprefix("urn:li:member:")))
    elif "@" in email:
        keys.append(identity("", "email", email))
    if name:
        keys.append(identity("linkedin", "name", name))
    return PersonRef(tuple(keys), name or None)


def _named(name: str, url: str = "") -> PersonRef:
    return _person(name, "", url=url)


def _departed(conversation: str, line: int) -> PersonRef:
    """A member who has left LinkedIn: no name, no URL; one per conversation."""
    key = identity("linkedin", "member", conversation or f"line {line}")
    return PersonRef((key,), "LinkedIn Member")


def _unbracket(value: str) -> str:
    """LinkedIn writes handles and sites in brackets: ``[ana]``, ``[PERSONAL:https://…]``."""
    return value.strip().strip("[]").strip()


def parse(file: InputFile, options: ImportOptions) -> Iterator[Record]:
    parser = {
        "profile.csv": _profile,
        "email addresses.csv": _emails,
        "connections.csv": _connections,
        "messages.csv": _messages,
        "invitations.csv": _invitations,
        "positions.csv": _positions,
        "education.csv": _education,
        "shares.csv": _shares,
    }[file.basename.lower()]
    yield from parser(file, options)


def _own_emails(file: InputFile) -> list[str]:
    """Your addresses from ``Email Addresses.csv`` beside ``Profile.csv``, if present."""
    sibling = file.sibling("Email Addresses.csv")
    if sibling is None:
        return []
    return [e for _, e in _email_rows(sibling)]


def _email_rows(file: InputFile) -> Iterator[tuple[int, str]]:
    for line, row, ix in _rows(file, ("email address",)):
        if "@" in (address := cell(row, ix, "email address")):
            yield line, address


def _emails(file: InputFile, options: ImportOptions) -> Iterator[Record]:
    for line, address in _email_rows(file):
        yield Person(PersonRef((identity("", "email", address),), is_self=True), line=line)


def _profile(file: InputFile, options: ImportOptions) -> Iterator[Record]:
    for line, row, ix in _rows(file, ("first name", "last name")):
        me = _person(cell(row, ix, "first name"), cell(row, ix, "last name"))
        keys = [identity("", "email", e) for e in _own_emails(file)]
        for handle in re.split(r"[,\s]+", cell(row, ix, "twitter handles")):
            if handle := _unbracket(handle):
                keys.append(identity("x", "handle", handle))
        for site in cell(row, ix, "websites").split(","):
            site = _unbracket(site)
            url = site.split(":", 1)[1] if re.match(r"^[A-Za-z_]+:(?!//)", site) else site
            if url.strip():
                keys.extend(url_keys(url.strip()))
        location = cell(row, ix, "geo location") or cell(row, ix, "location")
        ref = PersonRef((*keys, *me.keys), me.name, is_self=True)
        yield Person(ref, me.name, cell(row, ix, "headline") or None, location or None, line)


def _connections(file: InputFile, options: ImportOptions) -> Iterator[Record]:
    nameless: list[int] = []
    for line, row, ix in _rows(file, ("first name", "last name", "connected on")):
        person = _person(
            cell(row, ix, "first name"),
            cell(row, ix, "last name"),
            email=cell(row, ix, "email address"),
            url=cell(row, ix, "url"),
        )
        if not person.keys:
            nameless.append(line)
            continue
        since = time_field(file, line, "Connected On", cell(row, ix, "connected on"))
        yield Person(person, person.name, line=line)
        if company := cell(row, ix, "company"):
            title = cell(row, ix, "position") or None
            yield Affiliation(person, company, title, "work", line=line)
        yield Tie(SELF, person, "connection", since=since, line=line)
    if nameless:
        lines = ", ".join(map(str, nameless[:5])) + (", …" if len(nameless) > 5 else "")
        yield Notice(
            f"'{file.display}': {len(nameless)} connection(s) with no name, profile URL or "
            f"e-mail (line {lines}) were left out: nothing tells who they are."
        )


def _direction_refs(src: PersonRef, dst: PersonRef, direction: str) -> tuple[PersonRef, PersonRef]:
    if direction == "OUTGOING":
        src = PersonRef(src.keys, src.name, is_self=True)
    elif direction == "INCOMING":
        dst = PersonRef(dst.keys, dst.name, is_self=True)
    return src, dst


def _owner_url(file: InputFile) -> str | None:
    """Your profile URL in today's layout (no DIRECTION column): the one URL present in
    more than half of the conversations (at least two); None in the 2018 layout."""
    seen: dict[str, set[str]] = {}
    conversations: set[str] = set()
    for _, row, ix in _rows(file, ("from", "to", "date")):
        if "direction" in ix or "conversation id" not in ix:
            return None
        conversation = cell(row, ix, "conversation id")
        conversations.add(conversation)
        urls = [cell(row, ix, "sender profile url")]
        urls += cell(row, ix, "recipient profile urls").split(",")
        for url in filter(None, (u.strip() for u in urls)):
            seen.setdefault(url, set()).add(conversation)
    if not seen:
        return None
    url, where = max(seen.items(), key=lambda item: len(item[1]))
    return url if len(where) >= 2 and len(where) * 2 > len(conversations) else None


def _messages(file: InputFile, options: ImportOptions) -> Iterator[Record]:
    mine = _owner_url(file)
    for line, row, ix in _rows(file, ("from", "to", "date")):
        at = time_field(file, line, "Date", cell(row, ix, "date"))
        conversation = cell(row, ix, "conversation id")
        sender = cell(row, ix, "sender profile url")
        src = _named(cell(row, ix, "from"), sender)
        if not src.keys:
            src = _departed(conversation, line)
        elif mine and sender == mine:
            src = PersonRef(src.keys, src.name, is_self=True)
        urls = cell(row, ix, "recipient profile urls").split(",")
        names = [n for n in cell(row, ix, "to").split(",") if n.strip()] if urls[0] else []
        if not names:
            names = [cell(row, ix, "to")]
        content = cell(row, ix, "content")
        digest = hashlib.blake2b(content.encode(), digest_size=8).hexdigest()
        for i, name in enumerate(names):
            url = urls[i].strip() if i < len(urls) and len(urls) == len(names) else ""
            dst = _named(name, url) if name.strip() or url else _departed(conversation, line)
            if mine and url == mine:
                dst = PersonRef(dst.keys, dst.name, is_self=True)
            a, b = _direction_refs(src, dst, cell(row, ix, "direction"))
            yield Interaction(
                a,
                b,
                "message",
                at,
                channel="linkedin",
                subject=cell(row, ix, "subject") or None,
                body=(content or None) if options.bodies else None,
                ref=conversation or None,
                fingerprint=digest,
                line=line,
            )


def _invitations(file: InputFile, options: ImportOptions) -> Iterator[Record]:
    for line, row, ix in _rows(file, ("from", "to", "sent at")):
        at = time_field(file, line, "Sent At", cell(row, ix, "sent at"))
        src = _named(cell(row, ix, "from"), cell(row, ix, "inviterprofileurl"))
        dst = _named(cell(row, ix, "to"), cell(row, ix, "inviteeprofileurl"))
        src, dst = _direction_refs(src, dst, cell(row, ix, "direction"))
        message = cell(row, ix, "message")
        yield Interaction(
            src,
            dst,
            "invitation",
            at,
            channel="linkedin",
            body=(message or None) if options.bodies else None,
            line=line,
        )


def _positions(file: InputFile, options: ImportOptions) -> Iterator[Record]:
    for line, row, ix in _rows(file, ("company name", "title")):
        yield Affiliation(
            SELF,
            cell(row, ix, "company name"),
            cell(row, ix, "title") or None,
            "work",
            time_field(file, line, "Started On", cell(row, ix, "started on")),
            time_field(file, line, "Finished On", cell(row, ix, "finished on")),
            cell(row, ix, "location") or None,
            line,
        )


def _education(file: InputFile, options: ImportOptions) -> Iterator[Record]:
    for line, row, ix in _rows(file, ("school name",)):
        yield Affiliation(
            SELF,
            cell(row, ix, "school name"),
            cell(row, ix, "degree name") or None,
            "education",
            time_field(file, line, "Start Date", cell(row, ix, "start date")),
            time_field(file, line, "End Date", cell(row, ix, "end date")),
            line=line,
        )


def _shares(file: InputFile, options: ImportOptions) -> Iterator[Record]:
    for line, row, ix in _rows(file, ("date",)):
        link = cell(row, ix, "share link") or cell(row, ix, "sharelink")
        text = cell(row, ix, "share commentary") or cell(row, ix, "sharecommentary")
        at = time_field(file, line, "Date", cell(row, ix, "date"))
        key = link or f"share:{at}"
        shared = cell(row, ix, "shared url") or cell(row, ix, "sharedurl")
        yield Post(
            "linkedin", key, SELF, at, text or None, "linkedin", url=shared or link, line=line
        )
