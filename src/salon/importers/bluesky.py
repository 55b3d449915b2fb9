"""Bluesky repository export (``.car``: AT Protocol CAR v1 with DAG-CBOR records).

Decoded with libipld. The repository's signed commit names its owner (a DID); its Merkle
search tree names every record (``collection/rkey``). Read: ``app.bsky.feed.post`` (posts,
replies, quotes, mentions and tags from facets), ``app.bsky.graph.follow``,
``app.bsky.feed.like``, ``app.bsky.feed.repost`` and ``app.bsky.actor.profile``. People are
known by their DID; the owner is the commit's DID from the first record on (with or without a
profile record). Replies to, quotes, mentions, likes and reposts of the owner's own posts are
kept as posts, never as interactions.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from salon.dates import parse_time
from salon.importers.base import ImportOptions
from salon.importers.files import InputFile, read_bytes
from salon.model import Interaction, Person, PersonRef, Post, Record, Tie, identity

NAME = "bluesky"
DESCRIPTION = "Bluesky repository export (.car, from Settings → Export my data)"
FILES = "*.car"

_MAX_DEPTH = 64


def detect(file: InputFile, *, forced: bool = False) -> bool:
    return file.basename.lower().endswith(".car")


def _did_of(uri: str) -> str | None:
    """The DID in an ``at://did:…/collection/rkey`` URI."""
    if not uri.startswith("at://"):
        return None
    did = uri[5:].split("/", 1)[0]
    return did if did.startswith("did:") else None


def _person(did: str | None) -> PersonRef | None:
    return PersonRef((identity("bluesky", "id", did),)) if did else None


def _records(file: InputFile) -> tuple[str, list[tuple[str, dict[str, Any]]]]:
    """The repository's owner DID and its records as ``(collection/rkey, record)``."""
    import libipld  # here, not at the top: only a Bluesky import pays for it

    data = read_bytes(file)
    try:
        header, blocks = libipld.decode_car(data)
    except (ValueError, TypeError, KeyError) as exc:
        raise _broken(file, data, exc) from exc
    roots = header.get("roots") if isinstance(header, dict) else None
    commit = blocks.get(roots[0]) if roots else None
    if not isinstance(commit, dict) or "did" not in commit or "data" not in commit:
        raise file.error(
            None,
            "a CAR file, but not a Bluesky repository (no signed commit)",
            "Export the repository again from Bluesky's settings.",
        )
    out: list[tuple[str, dict[str, Any]]] = []
    try:
        _walk(file, blocks, commit["data"], out, 0)
    except (KeyError, TypeError, AttributeError, UnicodeDecodeError) as exc:
        # an entry without its prefix length or key, a key that is not bytes or not UTF-8
        raise file.error(
            None,
            f"the repository's tree is damaged ({type(exc).__name__}: {str(exc)[:100]})",
            "Export the repository again from Bluesky's settings.",
        ) from exc
    if not isinstance(commit["did"], str):
        raise file.error(None, "the repository's commit names no DID")
    return commit["did"], out


def _varint(data: bytes, pos: int) -> tuple[int, int] | None:
    """An unsigned LEB128 varint at ``pos``: ``(value, position after it)``, or ``None`` when
    the data ends inside it."""
    value = shift = 0
    while pos < len(data):
        byte = data[pos]
        value |= (byte & 0x7F) << shift
        pos += 1
        if not byte & 0x80:
            return value, pos
        shift += 7
    return None


def _header_end(data: bytes) -> int | None:
    """Where a CAR v1 header (a varint length, then DAG-CBOR ``{version: 1, roots}``) ends;
    ``None`` when the data does not start with one."""
    import libipld

    found = _varint(data, 0)
    if found is None or found[1] + found[0] > len(data):
        return None
    length, pos = found
    try:
        header = libipld.decode_dag_cbor(data[pos : pos + length])
    except (ValueError, TypeError, KeyError):
        return None
    if not isinstance(header, dict) or header.get("version") != 1 or "roots" not in header:
        return None
    return pos + length


def _cut_block(data: bytes, pos: int) -> int | None:
    """The offset of the first block (a varint length, then that many bytes) that runs past
    the end of the data, ``None`` when every block ends within it."""
    while pos < len(data):
        found = _varint(data, pos)
        if found is None or found[1] + found[0] > len(data):
            return pos
        pos = found[1] + found[0]
    return None


def _broken(file: InputFile, data: bytes, exc: Exception) -> Exception:
    """The error for a file libipld cannot read: not a CAR file, or a CAR file (its header is
    valid) that is cut short or damaged, naming the byte where it breaks."""
    again = "Export the repository again from Bluesky's settings."
    start = _header_end(data)
    if start is None:
        return file.error(None, f"not a CAR file ({exc})", again)
    cut = _cut_block(data, start)
    if cut is not None:
        return file.error(
            None,
            f"the CAR file is truncated: the block at byte {cut:,} runs past its end "
            f"({len(data):,} bytes); the download or copy did not finish",
            again,
        )
    return file.error(None, f"the CAR file is damaged ({exc})", again)


def _text(value: Any) -> str | None:
    """A field that should be text; anything else (a damaged record) reads as absent."""
    return value if isinstance(value, str) else None


def _time(file: InputFile, i: int, value: Any) -> int | None:
    try:
        return parse_time(value) if isinstance(value, str) else None
    except ValueError:
        raise file.error(f"record {i}", f"unrecognised time {value[:40]!r}") from None


def _walk(file: InputFile, blocks: dict, cid: bytes, out: list, depth: int) -> None:  # type: ignore[type-arg]
    """In-order walk of the Merkle search tree (keys are prefix-compressed)."""
    if depth > _MAX_DEPTH:
        raise file.error(None, "the repository's tree is too deep; the file is damaged")
    node = blocks.get(cid)
    if not isinstance(node, dict):
        raise file.error(
            None,
            "the repository's tree refers to a missing block",
            "The export is incomplete; export it again.",
        )
    if node.get("l"):
        _walk(file, blocks, node["l"], out, depth + 1)
    key = b""
    for entry in node.get("e") or []:
        key = key[: entry["p"]] + entry["k"]
        record = blocks.get(entry["v"])
        if isinstance(record, dict):
            out.append((key.decode(), record))
        if entry.get("t"):
            _walk(file, blocks, entry["t"], out, depth + 1)


def parse(file: InputFile, options: ImportOptions) -> Iterator[Record]:
    did, records = _records(file)
    me = PersonRef((identity("bluesky", "id", did),), is_self=True)
    for i, (path, record) in enumerate(records, start=1):
        collection = path.partition("/")[0]
        at = _time(file, i, record.get("createdAt"))
        uri = f"at://{did}/{path}"
        if collection == "app.bsky.feed.post":
            yield from _post(uri, me, did, at, record, i)
        elif collection == "app.bsky.graph.follow":
            subject = record.get("subject")
            if isinstance(subject, str) and subject.startswith("did:") and subject != did:
                yield Tie(me, _person(subject), "follow", since=at, line=i)  # type: ignore[arg-type]
        elif collection in ("app.bsky.feed.like", "app.bsky.feed.repost"):
            subject = record.get("subject") or {}
            target = _text(subject.get("uri")) if isinstance(subject, dict) else None
            if target:
                kind = "like" if collection.endswith("like") else "repost"
                author_did = _did_of(target)
                author = me if author_did == did else _person(author_did)
                yield Post("bluesky", target, author, None, channel="bluesky", line=i)
                if author is not me:
                    yield Interaction(me, author, kind, at, channel="bluesky", ref=target, line=i)
        elif collection == "app.bsky.actor.profile":
            name = _text(record.get("displayName")) or None
            yield Person(me, name, _text(record.get("description")) or None, line=i)


def _post(
    uri: str, me: PersonRef, did: str, at: int | None, record: dict[str, Any], i: int
) -> Iterator[Record]:
    """A post, and its replies, quotes and mentions of others (never of its owner ``did``)."""
    reply = record.get("reply")
    parent = reply.get("parent") if isinstance(reply, dict) else None
    parent = _text(parent.get("uri")) if isinstance(parent, dict) else None
    quoted = _quoted(record.get("embed") or {})
    tags: list[str] = [str(t).lower() for t in _list(record.get("tags"))]
    mentions: list[str] = []
    for facet in _list(record.get("facets")):
        for feature in _list(facet.get("features") if isinstance(facet, dict) else None):
            if not isinstance(feature, dict):
                continue
            if feature.get("$type") == "app.bsky.richtext.facet#mention" and _text(
                feature.get("did")
            ):
                mentions.append(feature["did"])
            elif feature.get("$type") == "app.bsky.richtext.facet#tag" and feature.get("tag"):
                tags.append(str(feature["tag"]).lower())
    yield Post(
        "bluesky",
        uri,
        me,
        at,
        _text(record.get("text")) or None,
        "bluesky",
        reply_to=parent,
        repost_of=quoted,
        tags=tuple(dict.fromkeys(tags)),
        line=i,
    )
    replied = _did_of(parent) if parent else None
    if replied and replied != did:
        yield Interaction(me, _person(replied), "reply", at, channel="bluesky", ref=uri, line=i)
    if quoted and (author := _did_of(quoted)) and author != did:
        yield Interaction(me, _person(author), "quote", at, channel="bluesky", ref=uri, line=i)
    for other in dict.fromkeys(mentions):
        if other not in (replied, did):
            yield Interaction(me, _person(other), "mention", at, channel="bluesky", ref=uri, line=i)


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _quoted(embed: Any) -> str | None:
    if not isinstance(embed, dict):
        return None
    record = embed.get("record")
    if isinstance(record, dict):
        inner = record.get("record")
        if isinstance(inner, dict) and _text(inner.get("uri")):
            return inner["uri"]
        if _text(record.get("uri")):
            return record["uri"]
    return None
