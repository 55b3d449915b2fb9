"""The Stack Exchange data dump (archive.org/details/stackexchange): one site's XML files.

A site's dump is a folder (the site's ``.7z`` extracted), a zip of its files, or the files
themselves; each file is ``<root><row Attr="…" …/>…</root>`` and is recognised by its root
element, whatever its name. Read:

- ``Users.xml`` (``<users>``): a person per user: ``DisplayName``, ``Location``, ``WebsiteUrl``
  (a URL identity). The user's ``Id`` is an identity on the site's platform (``quantumcomputing``,
  ``stackoverflow``), and also ``stackexchange``/``SITE:ID``, the key
  :mod:`salon.collect.stackexchange` gives the same user. ``Community`` (``Id`` -1, the site's
  background process) is no person.
- ``Posts.xml`` (``<posts>``): questions (``PostTypeId`` 1: title and body as plain text, tags
  from ``Tags`` as ``<a><b>`` or ``|a|b|``) and answers (``PostTypeId`` 2: body, replying to their
  question ``ParentId``, with its tags), keyed by ``Id``, in the site's channel (its host,
  ``quantumcomputing.stackexchange.com``). Tag wikis and other post types are not read.
- ``Comments.xml`` (``<comments>``): each comment a post ``c<Id>`` replying to its post.

A reply (an answer, a comment) is attention from its author to the author of the post it
answers: the graph reads it from the posts, as for every post dump (no interaction is written,
which would count it twice). ``Votes.xml`` names no voter (bar favourites and bounties),
``Tags.xml`` only counts tags, and ``Badges.xml``, ``PostLinks.xml`` and ``PostHistory.xml``
have nothing the model holds: they are listed as known but not used.

The site's name is ``--namespace``, else the dump's folder or zip name
(``quantumcomputing.stackexchange.com``, ``stackoverflow.com``, ``stackexchange_quantumcomputing``).

Files are read with :class:`xml.etree.ElementTree.XMLPullParser` (the parser behind
``iterparse``), fed one line at a time so that an error names its line, each row dropped once
read. A document type declaration (where entities are declared) is refused: dumps never have
one.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from pathlib import PurePosixPath

from salon.dates import parse_time
from salon.importers.base import ImportOptions
from salon.importers.files import InputFile
from salon.importers.mastodon import html_text
from salon.model import Person, PersonRef, Post, Record, identity

NAME = "stackexchange"
DESCRIPTION = "A Stack Exchange site's data dump (users, questions, answers, comments)"
FILES = "Posts.xml, Users.xml, Comments.xml of a site's dump (folder or zip; by content)"

#: Root elements of the files read, and of the dump's files known but not used.
READ = ("posts", "users", "comments")
UNUSED = ("tags", "votes", "badges", "postlinks", "posthistory")
#: ``<?xml …?>`` (and a byte-order mark), the root element, then a ``<row`` or its end.
_HEAD = re.compile(
    rb"^(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]*\?>)?\s*<([a-z]+)\s*>\s*(?:<row\s|</\1\s*>)", re.S
)
_OLD_TAGS = re.compile(r"<([^<>]+)>")
#: The company's own sites, not subdomains of stackexchange.com.
_OWN_HOSTS = {
    "stackoverflow": "stackoverflow.com",
    "superuser": "superuser.com",
    "serverfault": "serverfault.com",
    "askubuntu": "askubuntu.com",
    "stackapps": "stackapps.com",
    "mathoverflow": "mathoverflow.net",
}
_ARCHIVE = re.compile(r"\.(?:7z|zip|tar|tar\.gz|tgz)$")
COMMUNITY = "-1"
#: Longest piece of a line fed to the parser at once (a longer line is fed in pieces).
_PIECE = 1 << 20


def root_of(file: InputFile) -> str | None:
    """The root element of a dump file (``posts``, ``users``…), ``None`` for anything else."""
    match = _HEAD.match(file.head(4096))
    if match is None:
        return None
    root = match.group(1).decode()
    return root if root in READ + UNUSED else None


def detect(file: InputFile, *, forced: bool = False) -> bool:
    return root_of(file) in READ


def is_known_unused(file: InputFile) -> bool:
    return root_of(file) in UNUSED


def why_not(file: InputFile) -> str | None:
    root = root_of(file)
    if root in READ:
        return None
    if root is not None:
        return f"it is the dump's <{root}> file, which holds nothing Salon keeps"
    return "it is no Stack Exchange dump file (<posts>, <users> or <comments> of <row …/>)"


def site_of(file: InputFile, options: ImportOptions) -> tuple[str, str]:
    """The site's name and host: from ``--namespace``, else the dump's folder or zip name.

    >>> site_of(InputFile("x/Posts.xml", "", 0, None, bytes), ImportOptions("qc.stackexchange.com"))
    ('qc', 'qc.stackexchange.com')
    """
    name = options.namespace
    if not name:
        inside = PurePosixPath(file.name).parent
        if inside.name:
            name = inside.name
        elif file.path is not None:
            name = file.path.parent.resolve().name
        else:  # a zip's member at its top: the zip's name
            name = PurePosixPath(file.display[: -len(file.name) - 1]).name
    name = _ARCHIVE.sub("", name.strip().lower())
    for prefix in ("stackexchange_", "stackexchange-", "stackexchange."):
        name = name.removeprefix(prefix)
    if name.endswith(".stackexchange.com"):
        site = name.removesuffix(".stackexchange.com")
        return site, name
    site = re.sub(r"\.(?:com|net)$", "", name) or "stackexchange"
    return site, _OWN_HOSTS.get(site, f"{site}.stackexchange.com")


def describe(file: InputFile, options: ImportOptions) -> str:
    """How the file was read: which site (``--namespace`` names another)."""
    site, host = site_of(file, options)
    return f"Stack Exchange site '{site}' ({host})"


def _rows(file: InputFile) -> Iterator[tuple[int, dict[str, str]]]:
    """``(line, attributes)`` of each ``<row>`` of the file, streaming."""
    parser = ET.XMLPullParser(events=("start", "end"))
    root: ET.Element | None = None
    depth, line = 0, 1
    try:
        with file.open() as raw:
            while piece := raw.readline(_PIECE):
                if root is None and (b"<!DOCTYPE" in piece or b"<!ENTITY" in piece):
                    raise file.error(
                        f"line {line}",
                        "it declares a document type, which no dump does",
                        "Import the file as Stack Exchange published it.",
                    )
                parser.feed(piece)
                for event, element in parser.read_events():
                    if event == "start":
                        depth += 1
                        root = element if root is None else root
                        continue
                    depth -= 1
                    if depth == 1 and element.tag == "row":
                        yield line, dict(element.attrib)
                        root.clear()  # type: ignore[union-attr]
                line += piece.endswith(b"\n")
            parser.close()
    except ET.ParseError as exc:
        at, _ = exc.position
        raise file.error(
            f"line {at}",
            f"the XML is broken ({str(exc).split(':')[0]})",
            "The file looks truncated or damaged; extract the site's archive again.",
        ) from None
    except OSError as exc:
        raise file.error(
            f"line {line}", f"the file is damaged ({exc})", "Download it again."
        ) from exc


def _where(line: int, row: dict[str, str]) -> str:
    return f"line {line} (row Id {row['Id']})" if row.get("Id") else f"line {line}"


def _time(file: InputFile, line: int, row: dict[str, str]) -> int | None:
    text = row.get("CreationDate", "")
    try:
        return parse_time(text)
    except ValueError:
        raise file.error(
            _where(line, row),
            f"unrecognised date {text[:40]!r} in CreationDate",
            "Import the file as Stack Exchange published it.",
        ) from None


def _author(site: str, user: str | None) -> PersonRef | None:
    """A user by id (``None`` for none, and for ``Community``)."""
    if not user or user == COMMUNITY:
        return None
    return PersonRef((identity(site, "id", user), identity(NAME, "id", f"{site}:{user}")))


def tags_of(value: str | None) -> tuple[str, ...]:
    """A post's ``Tags``, in the old ``<a><b>`` form or today's ``|a|b|``.

    >>> tags_of("<quantum-gate><Qubit>"), tags_of("|quantum-gate|qubit|"), tags_of(None)
    (('quantum-gate', 'qubit'), ('quantum-gate', 'qubit'), ())
    """
    if not value:
        return ()
    found = _OLD_TAGS.findall(value) if "<" in value else value.split("|")
    return tuple(dict.fromkeys(t.strip().lower() for t in found if t.strip()))


def _website(value: str | None) -> str | None:
    """A user's website when it names a host (``http://none`` does not)."""
    host = re.sub(r"^https?://", "", (value or "").strip().lower()).split("/", 1)[0]
    return value.strip() if value and "." in host.strip(".") else None


def _users(file: InputFile, site: str) -> Iterator[Record]:
    """The site's users. A website is an identity only when one user gives it: one that
    several give (www.google.com, stackoverflow.com) identifies none of them, and would join
    whoever else names it to the first (read in a first pass)."""
    claims = Counter(
        identity("", "url", website)
        for _, row in _rows(file)
        if row.get("Id") != COMMUNITY and (website := _website(row.get("WebsiteUrl")))
    )
    for line, row in _rows(file):
        user = row.get("Id")
        if not user:
            raise file.error(_where(line, row), "a user row has no Id", _AS_PUBLISHED)
        ref = _author(site, user)
        if ref is None:
            continue
        keys = ref.keys
        if website := _website(row.get("WebsiteUrl")):
            url = identity("", "url", website)
            keys += (url,) if claims[url] == 1 else ()
        name = " ".join(row.get("DisplayName", "").split()) or None
        location = " ".join(row.get("Location", "").split()) or None
        yield Person(PersonRef(keys, name), name, None, location, line)


def _posts(file: InputFile, site: str, host: str) -> Iterator[Record]:
    """Questions and answers; an answer carries its question's tags (the dump gives them only
    on the question), so answering in a tag adopts it as asking does. An answer met before its
    question (the dump orders by ``Id``, so rarely) waits for it."""
    tags: dict[str, tuple[str, ...]] = {}
    waiting: dict[str, list[Post]] = {}
    for line, row in _rows(file):
        post_id = row.get("Id")
        if not post_id:
            raise file.error(_where(line, row), "a post row has no Id", _AS_PUBLISHED)
        kind = row.get("PostTypeId")
        if kind not in ("1", "2"):
            continue  # tag wikis, moderator nominations…
        at = _time(file, line, row)
        body = " ".join(html_text(row.get("Body", ""))[0].split())
        question = kind == "1"
        title = " ".join(row.get("Title", "").split()) if question else ""
        parent = None if question else row.get("ParentId") or None
        post = Post(
            site,
            post_id,
            _author(site, row.get("OwnerUserId")),
            at,
            " ".join(filter(None, (title, body))) or None,
            host,
            parent,
            url=f"https://{host}/{'q' if question else 'a'}/{post_id}",
            tags=tags_of(row.get("Tags")) if question else tags.get(parent or "", ()),
            line=line,
        )
        if question:
            tags[post_id] = post.tags
            for answer in waiting.pop(post_id, ()):
                yield replace(answer, tags=post.tags)
        elif parent is not None and parent not in tags:
            waiting.setdefault(parent, []).append(post)
            continue
        yield post
    for answers in waiting.values():  # their question is not in the dump
        yield from answers


def _comments(file: InputFile, site: str, host: str) -> Iterator[Record]:
    for line, row in _rows(file):
        comment = row.get("Id")
        if not comment:
            raise file.error(_where(line, row), "a comment row has no Id", _AS_PUBLISHED)
        yield Post(
            site,
            f"c{comment}",
            _author(site, row.get("UserId")),
            _time(file, line, row),
            " ".join(row.get("Text", "").split()) or None,
            host,
            row.get("PostId") or None,
            url=f"https://{host}/posts/comments/{comment}",
            line=line,
        )


_AS_PUBLISHED = "Import the file as Stack Exchange published it."


def parse(file: InputFile, options: ImportOptions) -> Iterator[Record]:
    site, host = site_of(file, options)
    root = root_of(file)
    if root == "users":
        yield from _users(file, site)
    elif root == "posts":
        yield from _posts(file, site, host)
    elif root == "comments":
        yield from _comments(file, site, host)
