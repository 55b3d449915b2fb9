"""Mail: mbox files (Gmail's Takeout ``.mbox``, Thunderbird, Apple Mail) and Mailman archives.

Headers only by default: ``From``, ``To``, ``Cc``, ``Bcc``, ``Date``, ``Subject`` and
``Message-ID`` become people (by e-mail address) and one ``email`` interaction from the sender
to each recipient (``Bcc`` is in the sender's own copy, as Gmail keeps it in Sent).
Bodies are stored only with ``--bodies`` (the first text/plain part). The most frequent
``Delivered-To`` address is you. Gmail's messages labelled ``Spam`` are left out.

Names are decoded (RFC 2047, ``=?utf-8?q?…?=``) and each address gets the best name the file
gives it, once, at the end: a "First Last" name beats a lower-case one, ``Last, First`` is
read as "First Last", and a name that is only the address or its local part is no name.

Mailman's monthly archives (pipermail ``2024-January.txt``, also ``.txt.gz``) are mbox files
whose senders read ``From: user at example.org (Real Name)`` and which have no recipients:
each message is a post (platform ``mail``, keyed by its Message-ID, replying to its
``In-Reply-To``) in a channel named after the list (``List-Id``, else the archive's folder,
else its file name). Such files are recognised by content, never by the ``.txt`` name alone.
"""

from __future__ import annotations

import contextlib
import hashlib
import mailbox
import re
import shutil
import tempfile
import zipfile
from collections import Counter
from collections.abc import Iterator
from email.errors import MessageError
from email.header import decode_header, make_header
from email.message import Message
from email.parser import BytesParser
from email.policy import compat32
from email.utils import getaddresses, parsedate_to_datetime
from pathlib import Path, PurePosixPath

from salon.importers.base import ImportOptions
from salon.importers.files import InputFile
from salon.model import IdentityKey, Interaction, Person, PersonRef, Post, Record, identity

NAME = "mail"
DESCRIPTION = "Mail: mbox files (Gmail Takeout, Thunderbird, Apple Mail) and Mailman archives"
FILES = "*.mbox, mbox, Mailman archives (2024-January.txt, .txt.gz)"

_MAX_BODY_CHARS = 100_000
#: Mailman's obfuscated sender: ``user at example.org (Real Name)``.
_LIST_SENDER = re.compile(r"^\s*([^\s@()<>\"]+) at ([^\s@()<>\"]+)\s*(?:\((.*)\))?\s*$", re.S)
_ARCHIVE_HEAD = re.compile(rb"^From: [^\s@]+ at [^\s@]+", re.M)
_PERIOD = re.compile(r"^\d{4}")  # 2024-January, 2024q1, 20240101, 2024-January-week-1
_SUFFIXES = {"jr", "sr", "ii", "iii", "iv", "phd", "md", "esq"}


#: An mbox file's start: its first ``From `` line, after any blank lines (some tools write one).
_MBOX_START = re.compile(rb"(?:[ \t]*\r?\n)*From ")


def _is_mbox(head: bytes) -> bool:
    return _MBOX_START.match(head) is not None


def _starts_as_mbox(file: InputFile) -> bool:
    """Whether the file starts as mbox does; blank lines are looked past only when there are
    some (a larger head of a damaged ``.gz`` may read as nothing)."""
    head = file.head(5)
    if head == b"From ":
        return True
    if not head or head[:1] not in b" \t\r\n":
        return False
    return _is_mbox(file.head(4096) or file.head(256))


def _is_archive(head: bytes) -> bool:
    return _is_mbox(head) and _ARCHIVE_HEAD.search(head) is not None


def detect(file: InputFile, *, forced: bool = False) -> bool:
    base = file.basename.lower()
    if base.endswith(".mbox") or base == "mbox" or forced:
        return _starts_as_mbox(file)
    if base.endswith(".txt"):
        return _is_archive(file.head(8192))
    return False


def why_not(file: InputFile) -> str | None:
    """Why :func:`detect` refuses ``file`` even when forced (``None``: it does not)."""
    if not _starts_as_mbox(file):
        return "it does not start with 'From ' as every mbox file does"
    return None


def _on_disk(file: InputFile) -> tuple[Path, tempfile.TemporaryDirectory[str] | None]:
    """The mailbox module reads files by path: copy zip members and ``.gz`` files out."""
    if file.path is not None and not file.name.lower().endswith(".gz"):
        return file.path, None
    folder = tempfile.TemporaryDirectory(prefix="salon-mbox-")
    target = Path(folder.name) / "mail.mbox"
    try:  # a damaged .gz or a bomb refused midway: the copy goes, the error names the file
        with file.open() as src, open(target, "wb") as dst:
            shutil.copyfileobj(src, dst)
    except (OSError, EOFError, zipfile.BadZipFile) as exc:
        folder.cleanup()
        raise file.error(None, f"the file is damaged or cannot be unpacked ({exc})") from exc
    except BaseException:
        folder.cleanup()
        raise
    return target, folder


def _text(value: object) -> str:
    """A header as text: undecodable 8-bit bytes read as UTF-8, encoded words decoded."""
    text = _raw(value)
    if "=?" in text:
        # MessageError: HeaderParseError, and CharsetError for a charset name like "\ufffdtf-8"
        with contextlib.suppress(MessageError, LookupError, UnicodeError, ValueError):
            text = str(make_header(decode_header(text)))
    return text


def clean_name(raw: str, email: str) -> str | None:
    """A display name as a person's name, or ``None`` when it is no name.

    >>> clean_name("=?utf-8?q?=C3=85sa_Str=C3=B6m?=", "asa@example.org")
    'Åsa Ström'
    >>> clean_name("Ruiz, Ana", "ana@x.example"), clean_name("ana", "ana@x.example")
    ('Ana Ruiz', None)
    """
    name = " ".join(_text(raw).replace('"', " ").split()).strip(" '")
    if not name or "@" in name:
        return None
    parts = [p.strip() for p in name.split(",")]
    last_first = len(parts) == 2 and all(parts) and len(parts[1].split()) <= 2
    if last_first and parts[1].rstrip(".").lower() not in _SUFFIXES:
        name = f"{parts[1]} {parts[0]}"
    local = email.split("@")[0].lower()
    squashed = re.sub(r"\W|_", "", name.lower())
    if name.lower() == local or (name.islower() and squashed == re.sub(r"\W|_", "", local)):
        return None
    return name


def _name_rank(name: str) -> int:
    """3 for "First Last", 2 for one capitalised word, 1 for lower-case or upper-case names."""
    if name.islower() or name.isupper():
        return 1
    return 3 if len(name.split()) > 1 else 2


class _Names:
    """The names each address was given in a file, to yield the best one once."""

    def __init__(self) -> None:
        self.seen: dict[IdentityKey, Counter[str]] = {}
        self.line: dict[IdentityKey, int] = {}

    def add(self, key: IdentityKey, name: str | None, line: int) -> None:
        if name:
            self.seen.setdefault(key, Counter())[name] += 1
            self.line.setdefault(key, line)

    def people(self) -> Iterator[Person]:
        for key, names in self.seen.items():
            best = max(names, key=lambda n: (_name_rank(n), names[n]))
            yield Person(PersonRef((key,)), best, line=self.line[key])


def _address(name: str, email: str, names: _Names, line: int) -> PersonRef | None:
    email = email.strip()
    if "@" not in email:
        return None
    key = identity("", "email", email)
    names.add(key, clean_name(name, email), line)
    return PersonRef((key,))


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
                return _decoded(payload, part)[:_MAX_BODY_CHARS]
    return None


def _decoded(payload: bytes, part: Message) -> str:
    """A body's text in its declared charset; as UTF-8 when that is no charset Python knows
    (``x-unknown``) or one that cannot decode leniently (``idna``, ``undefined``)."""
    try:
        charset = part.get_content_charset() or "utf-8"
        return payload.decode(charset, errors="replace")
    except (LookupError, UnicodeError, ValueError):
        return payload.decode("utf-8", errors="replace")


def _list_name(file: InputFile) -> str:
    """An archive's list when it has no ``List-Id``: its folder for a monthly file name."""
    stem = file.basename.removesuffix(".txt").removesuffix(".TXT")
    if _PERIOD.match(stem):
        folder = (
            file.path.parent.name if file.path is not None else PurePosixPath(file.name).parent.name
        )
        return folder or stem
    return stem


def parse(file: InputFile, options: ImportOptions) -> Iterator[Record]:
    archive = _list_name(file) if _is_archive(file.head(8192)) else None
    path, folder = _on_disk(file)
    box = mailbox.mbox(path, create=False)
    names = _Names()
    try:
        parser = BytesParser(policy=compat32)
        owners: Counter[str] = Counter()
        for number, key in enumerate(box.iterkeys(), start=1):
            data = box.get_bytes(key)
            if options.bodies:
                message = parser.parsebytes(data)
            else:
                message = parser.parsebytes(data, headersonly=True)
            labels = _text(message.get("X-Gmail-Labels", "")).lower().split(",")
            if "spam" in (label.strip() for label in labels):
                continue
            owners.update(a.lower() for _, a in getaddresses(message.get_all("Delivered-To", [])))
            if archive is not None:
                yield from _post(message, number, options, archive, names)
            else:
                yield from _message(message, number, options, names)
        yield from names.people()
        if owners:
            owner = owners.most_common(1)[0][0]
            yield Person(PersonRef((identity("", "email", owner),), is_self=True), line=1)
    finally:
        box.close()
        if folder is not None:
            folder.cleanup()


def _message(
    message: Message, number: int, options: ImportOptions, names: _Names
) -> Iterator[Record]:
    found = getaddresses([_raw(v) for v in message.get_all("From", [])])
    senders = [r for n, a in found if (r := _address(n, a, names, number))]
    if not senders:
        return
    sender = senders[0]
    # Bcc is in the sender's own copy only (Gmail keeps it in Sent): its people were written to.
    headers = message.get_all("To", []) + message.get_all("Cc", []) + message.get_all("Bcc", [])
    recipients = [
        r
        for n, a in getaddresses([_raw(v) for v in headers])
        if (r := _address(n, a, names, number))
    ]
    at = _time(message)
    subject = " ".join(_text(message.get("Subject", "")).split()) or None
    ref = str(message.get("Message-ID", "")).strip() or None
    body = _body(message) if options.bodies else None
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


def _raw(value: object) -> str:
    """A header's text for address parsing: encoded words stay encoded until split."""
    text = str(value)
    if any("\udc80" <= c <= "\udcff" for c in text):
        text = text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    return text


def _list_sender(message: Message, names: _Names, number: int) -> PersonRef | None:
    raw = _raw(message.get("From", ""))
    if match := _LIST_SENDER.match(raw):
        user, domain, name = match.groups()
        return _address(name or "", f"{user}@{domain}", names, number)
    found = [r for n, a in getaddresses([raw]) if (r := _address(n, a, names, number))]
    return found[0] if found else None


def _post(
    message: Message, number: int, options: ImportOptions, archive: str, names: _Names
) -> Iterator[Record]:
    sender = _list_sender(message, names, number)
    if sender is None:
        return
    at = _time(message)
    subject = " ".join(_text(message.get("Subject", "")).split()) or None
    list_id = re.search(r"<([^<>]+)>", _text(message.get("List-Id", "")))
    key = str(message.get("Message-ID", "")).strip().strip("<>")
    if not key:
        seed = f"{sender.keys[0][2]}\x1f{message.get('Date', '')}\x1f{subject}"
        key = "sha1:" + hashlib.sha1(seed.encode()).hexdigest()
    reply_to = str(message.get("In-Reply-To", "")).strip()
    reply = re.search(r"<([^<>]+)>", reply_to)
    body = _body(message) if options.bodies else None
    text = "\n\n".join(t for t in (subject, body) if t) or None
    yield Post(
        "mail",
        key,
        sender,
        at,
        text=text,
        channel=list_id.group(1) if list_id else archive,
        reply_to=reply.group(1) if reply else (reply_to or None),
        line=number,
    )
