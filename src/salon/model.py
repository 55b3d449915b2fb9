"""Domain records: what importers produce and the store writes.

Importers never touch the database: they yield these records, each carrying the line (or
record number) of the file it came from. The store's writer resolves every
:class:`PersonRef` to a person through exact identity keys and upserts rows on stable keys.

Times are integer seconds since the Unix epoch, UTC.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import NamedTuple

#: An identity key: (platform, kind, value). ``platform`` is "" for platform-free keys
#: (e-mail, phone, web URL); ``kind`` is one of :data:`IDENTITY_KINDS`.
IdentityKey = tuple[str, str, str]

IDENTITY_KINDS = ("id", "handle", "email", "url", "phone", "name")

#: Identity kinds that are weak: a name links a record to a person only when exactly one
#: known person carries it (see ``salon.store.names``); it never joins two strong keys.
WEAK_KINDS = frozenset({"name"})

#: Hosts whose profile URLs name one account of one person (two of them are two people).
PROFILE_HOSTS = frozenset(
    {
        "linkedin.com",
        "twitter.com",
        "x.com",
        "github.com",
        "facebook.com",
        "instagram.com",
        "bsky.app",
        "youtube.com",
        "tiktok.com",
        "medium.com",
        "xing.com",
    }
)
#: Platforms whose ids are per record, not per account (an address book's card UID).
RECORD_ID_PLATFORMS = frozenset({"vcard", "contacts"})
#: Kinds of tie or interaction that are symmetric by nature: a pair is named once, in an
#: arbitrary direction, and the graph snapshot reads it both ways (``link`` is an edge list's
#: undirected edge).
SYMMETRIC_KINDS = frozenset({"met", "contact", "co-attendance", "connection", "meeting", "link"})


def identity(platform: str, kind: str, value: str) -> IdentityKey:
    """Build a normalised identity key (values compared case-insensitively, trimmed).

    >>> identity("x", "handle", " @SimonW ")
    ('x', 'handle', 'simonw')
    """
    value = " ".join(value.split()).lower()
    if kind == "handle":
        value = value.lstrip("@")
    elif kind == "url":
        value = value.rstrip("/")
        for prefix in ("https://", "http://"):
            if value.startswith(prefix):
                value = value[len(prefix) :]
        value = value.removeprefix("www.")
    return (platform, kind, value)


_PROFILE_PATTERNS = (
    # (platform, pattern on a normalised URL, how the handle is made)
    (
        "x",
        re.compile(r"^(?:mobile\.)?(?:twitter|x)\.com/(?!intent|i/|home)([a-z0-9_]{1,15})$"),
        "{0}",
    ),
    ("mastodon", re.compile(r"^([a-z0-9.-]+\.[a-z]+)/@([a-z0-9_]+)$"), "{1}@{0}"),
    ("mastodon", re.compile(r"^([a-z0-9.-]+\.[a-z]+)/users/([a-z0-9_]+)$"), "{1}@{0}"),
    ("bluesky", re.compile(r"^bsky\.app/profile/([a-z0-9.:-]+)$"), "{0}"),
)


def url_keys(url: str) -> tuple[IdentityKey, ...]:
    """A web address as identity keys: the URL, and the handle it names on a known platform.

    So a profile that links to ``https://fosstodon.org/@chenwei`` and a Mastodon account
    ``chenwei@fosstodon.org`` are known to be one person.

    >>> url_keys("https://fosstodon.org/@chenwei")
    (('', 'url', 'fosstodon.org/@chenwei'), ('mastodon', 'handle', 'chenwei@fosstodon.org'))
    """
    key = identity("", "url", url)
    for platform, pattern, template in _PROFILE_PATTERNS:
        if match := pattern.match(key[2]):
            kind = "id" if platform == "bluesky" and match.group(1).startswith("did:") else "handle"
            return key, identity(platform, kind, template.format(*match.groups()))
    return (key,)


def is_weak(key: IdentityKey) -> bool:
    """Whether a key only hints at a person (a name) rather than naming one.

    >>> is_weak(identity("linkedin", "name", "Ana Ruiz")), is_weak(identity("", "email", "a@b.c"))
    (True, False)
    """
    return key[1] in WEAK_KINDS


def account_slot(key: IdentityKey) -> str | None:
    """The slot of a key that a person holds at most once: an account id or handle on one
    platform, a profile URL on one site. Two people holding different keys in one slot are
    two people (the cannot-link rule); ``None`` for keys a person may hold several of.

    >>> account_slot(identity("", "url", "https://www.linkedin.com/in/ana-ruiz"))
    'url:linkedin.com'
    >>> account_slot(identity("x", "handle", "ana")), account_slot(identity("", "phone", "+1"))
    ('x:handle', None)
    """
    platform, kind, value = key
    if kind in ("id", "handle") and platform and platform not in RECORD_ID_PLATFORMS:
        return f"{platform}:{kind}"
    if kind == "url":
        host = value.split("/", 1)[0].removeprefix("www.").removeprefix("m.")
        host = ".".join(host.split(".")[-2:]) if host.count(".") > 1 else host
        if host in PROFILE_HOSTS and "/" in value:
            return f"url:{host}"
    return None


class PersonRef(NamedTuple):
    """How a record names a person: identity keys (strongest first) and a display name.

    ``is_self`` marks the owner of the export: the store has exactly one such person.
    (A named tuple: hashed in C, since the writer looks up every reference of every record.)
    """

    keys: tuple[IdentityKey, ...] = ()
    name: str | None = None
    is_self: bool = False


SELF = PersonRef(is_self=True)


@dataclass(slots=True)
class Person:
    """Facts about a person from a profile or a contact row."""

    ref: PersonRef
    name: str | None = None
    headline: str | None = None
    location: str | None = None
    line: int = 0


@dataclass(slots=True)
class Affiliation:
    """A person's role at an organisation (work) or school (education)."""

    person: PersonRef
    organization: str
    title: str | None = None
    kind: str = "work"
    start: int | None = None
    end: int | None = None
    location: str | None = None
    line: int = 0


@dataclass(slots=True)
class Tie:
    """A standing relationship: src follows, is connected to, or trusts dst.

    ``since`` is when the source says it began; ``observed_at`` when a snapshot saw it.
    """

    src: PersonRef
    dst: PersonRef
    kind: str
    weight: float = 1.0
    since: int | None = None
    observed_at: int | None = None
    line: int = 0


@dataclass(slots=True)
class Interaction:
    """A timed act of attention from src to dst (a message, a mention, a repost, a like)."""

    src: PersonRef
    dst: PersonRef | None
    kind: str
    at: int | None
    channel: str | None = None
    subject: str | None = None
    body: str | None = None
    ref: str | None = None
    weight: float = 1.0
    fingerprint: str | None = None
    """Extra text that tells two otherwise equal events apart (not stored, only keyed)."""
    line: int = 0


@dataclass(slots=True)
class Post:
    """A public post, with what it replies to or reposts (keys on the same platform)."""

    platform: str
    key: str
    author: PersonRef | None
    at: int | None
    text: str | None = None
    channel: str | None = None
    reply_to: str | None = None
    repost_of: str | None = None
    url: str | None = None
    tags: tuple[str, ...] = field(default=())
    line: int = 0


@dataclass(slots=True)
class Snapshot:
    """One dated copy of a follower or following list (dates new and lost ties)."""

    owner: PersonRef
    platform: str
    list: str
    taken_at: int
    count: int
    line: int = 0


@dataclass(slots=True)
class Place:
    """A named place; coordinates when the source gives them."""

    name: str
    latitude: float | None = None
    longitude: float | None = None
    country: str | None = None
    line: int = 0


@dataclass(slots=True)
class Meeting:
    """A calendar event: one occurrence, with its organiser and attendees.

    ``key`` is stable across re-imports (the event's UID and the occurrence's start). What
    follows an event across exports: its ``calendar``, its ``event`` (UID, or UID@original
    start for an occurrence of a series) and ``modified`` (LAST-MODIFIED).
    """

    key: str
    title: str | None
    kind: str
    start: int | None
    end: int | None
    place: str | None = None
    organizer: PersonRef | None = None
    attendees: tuple[tuple[PersonRef, str | None], ...] = ()
    line: int = 0
    calendar: str | None = None
    event: str | None = None
    modified: int | None = None


@dataclass(slots=True)
class InteractionBatch:
    """Many timed interactions between people of one namespace, in columns (edge lists).

    The same events as :class:`Interaction` records, written in bulk: row ``i`` is
    ``src[i] → dst[i]`` of kind ``kinds[i]`` at ``at[i]`` from line ``lines[i]``.
    """

    namespace: str
    src: list[str] = field(default_factory=list)
    dst: list[str] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    at: list[int | None] = field(default_factory=list)
    weights: list[float] = field(default_factory=list)
    fingerprints: list[str | None] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    line: int = 0

    @property
    def size(self) -> int:
        return len(self.src)


@dataclass(slots=True)
class Note:
    """What the user keeps about a person in their own sources (a contact's vCard ``NOTE``,
    a Google contact's ``Notes``): private by default, written to the ``notes`` table (field
    ``note``), never to a public output."""

    person: PersonRef
    text: str
    level: str = "private"
    line: int = 0


@dataclass(slots=True)
class Notice:
    """Something the import report should say about the file (not data): a series cut at its
    cap, a record left out and why."""

    text: str
    line: int = 0


Record = (
    Person
    | Affiliation
    | Tie
    | Interaction
    | Post
    | Snapshot
    | Place
    | Meeting
    | InteractionBatch
    | Note
    | Notice
)
