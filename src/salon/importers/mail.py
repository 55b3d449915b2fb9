"""Mail: mbox files (Gmail's Takeout ``.mbox``, Thunderbird, Apple Mail), read with the stdlib.

Headers only by default: ``From``, ``To``, ``Cc``, ``Date``, ``Subject`` and ``Message-ID`` become
people (by e-mail address, with their display names) and one ``email`` interaction from the
sender to each recipient. Bodies are stored only with ``--bodies`` (the first text/plain part).
The most frequent ``Delivered-To`` address is you.
"""

from __future__ import annotations

import mailbox
import shutil
import tempfile
from collections import Counter
from collections.abc import Iterator
from email.message import Message
from email.parser import BytesParser
from email.policy import compat32
from email.utils import getaddresses, parsedate_to_datetime
from pathlib import Path

from salon.importers.base import ImportOptions
from salon.importers.files import InputFile
from salon.model import Interaction, Person, PersonRef, Record, identity

NAME = "mail"
DESCRIPTION = "Mail: mbox files (Gmail Takeout, Thunderbird, Apple Mail); headers only by default"
FILES = "*.mbox, mbox"

_MAX_BODY_CHARS = 100_000


def detect(file: InputFile, *, forced: bool = False) -> bool:
    base = file.basename.lower()
    if not (base.endswith(".mbox") or base == "mbox" or forced):
        return False
    return file.head(5) == b"From "


def _on_disk(file: InputFile) -> tuple[Path, tempfile.TemporaryDirectory[str] | None]:
    """The mailbox module reads files by path: copy zip members and ``.gz`` files out."""
    if file.path is not None and not file.name.lower().endswith(".gz"):
        return file.path, None
    folder = tempfile.TemporaryDirectory(prefix="salon-mbox-")
    target = Path(folder.name) / "mail.mbox"
    with file.open() as src, open(target, "wb") as dst:
        shutil.copyfileobj(src, dst)
    return target, folder


def _address(name: str, email: str) -> PersonRef | None:
    email = email.strip()
    if "@" not in email:
        return None
    name = " ".join(name.replace('"', "").split())
    return PersonRef((identity("", "email", email),), name if name and "@" not in name else None)


def _time(message: Message) -> int | None:
    raw = message.get("Date")
    if not raw:
        return None
    try:
        return int(parsedate_to_datetime(str(raw)).timestamp())
    except (TypeError, ValueError, IndexError):
        return None  # a malformed Date header is common in real mail: keep the message


def _body(message: Message) -> str | None:
    for part in message.walk():
        if part.get_content_type() == "text/plain" and not part.is_multipart():
            payload = part.get_payload(decode=True)
            if isinstance(payload, bytes):
                charset = part.get_content_charset() or "utf-8"
                return payload.decode(charset, errors="replace")[:_MAX_BODY_CHARS]
    return None


def parse(file: InputFile, options: ImportOptions) -> Iterator[Record]:
    path, folder = _on_disk(file)
    box = mailbox.mbox(path, create=False)
    try:
        headers_only = BytesParser(policy=compat32)
        owners: Counter[str] = Counter()
        for number, key in enumerate(box.iterkeys(), start=1):
            data = box.get_bytes(key)
            message = (
                BytesParser(policy=compat32).parsebytes(data)
                if options.bodies
                else headers_only.parsebytes(data, headersonly=True)
            )
            owners.update(a.lower() for _, a in getaddresses(message.get_all("Delivered-To", [])))
            yield from _message(message, number, options)
        if owners:
            owner = owners.most_common(1)[0][0]
            yield Person(PersonRef((identity("", "email", owner),), is_self=True), line=1)
    finally:
        box.close()
        if folder is not None:
            folder.cleanup()


def _message(message: Message, number: int, options: ImportOptions) -> Iterator[Record]:
    senders = [r for n, a in getaddresses(message.get_all("From", [])) if (r := _address(n, a))]
    if not senders:
        return
    sender = senders[0]
    recipients = [
        r
        for n, a in getaddresses(message.get_all("To", []) + message.get_all("Cc", []))
        if (r := _address(n, a))
    ]
    at = _time(message)
    subject = " ".join(str(message.get("Subject", "")).split()) or None
    ref = str(message.get("Message-ID", "")).strip() or None
    body = _body(message) if options.bodies else None
    for person in (sender, *recipients):
        if person.name:
            yield Person(person, person.name, line=number)
    for recipient in dict.fromkeys(recipients):
        if recipient.keys != sender.keys:
            yield Interaction(
                sender,
                recipient,
                "email",
                at,
                channel="email",
                subject=subject,
                body=body,
                ref=ref,
                line=number,
            )
