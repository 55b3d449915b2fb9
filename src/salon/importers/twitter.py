"""X (Twitter) "Your archive" export, and API v1.1 tweet dumps.

Archive files are JavaScript: ``window.YTD.<name>.part0 = [ ... ]``. Read: ``account.js``,
``manifest.js`` (the archive's owner and generation date), ``profile.js``, ``tweets.js`` /
``tweet.js`` (and ``tweets-partN.js``), ``follower.js``, ``following.js`` and ``like.js``.
Other ``.js`` files of the archive are listed as not used.

Follower and following lists are snapshots: each is dated by the archive's generation date
(``manifest.js``), else by a ``YYYY-MM-DD`` date in its path, else by the file's time. Importing
several archives of one account dates each new follower between two snapshots.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from salon.dates import parse_time
from salon.importers.base import ImportOptions
from salon.importers.files import InputFile, parse_json, read_document
from salon.model import SELF, Interaction, Person, PersonRef, Post, Record, Snapshot, Tie, identity

NAME = "x"
DESCRIPTION = "X/Twitter archive (zip or its data/ folder) and API v1.1 tweet JSON"
FILES = "account.js, manifest.js, profile.js, tweets.js, follower.js, following.js, like.js"

_PREFIX = re.compile(rb"^\s*window\.(YTD\.\w+\.part\d+|__THAR_CONFIG)\s*=\s*")
_TWEETS = re.compile(r"tweets?(-part\d+)?\.js", re.IGNORECASE)
_PATH_DATE = re.compile(r"(?<!\d)(\d{4}-\d{2}-\d{2})(?!\d)")
_READ = {"account.js", "manifest.js", "profile.js", "follower.js", "following.js", "like.js"}
# Twitter snowflake ids carry their creation time (ms since this epoch) in the high bits.
_SNOWFLAKE_EPOCH_MS = 1288834974657


def _kind(file: InputFile) -> str | None:
    base = file.basename.lower()
    if _TWEETS.fullmatch(base):
        return "tweets"
    return base if base in _READ else None


def detect(file: InputFile, *, forced: bool = False) -> bool:
    base = file.basename.lower()
    if base.endswith(".json"):
        head = file.head(65536).lstrip()
        return head.startswith(b"[") and b'"id_str"' in head and b'"user"' in head
    if _kind(file) is None:
        return False
    return forced or bool(_PREFIX.match(file.head(256)))


def is_known_unused(file: InputFile) -> bool:
    return file.basename.endswith(".js") and bool(_PREFIX.match(file.head(256)))


def _document(file: InputFile) -> Any:
    text = read_document(file)
    match = _PREFIX.match(text.encode()[:256])
    body = text[len(match.group(0).decode()) :] if match else text
    return parse_json(file, body)


def _entries(file: InputFile, key: str) -> Iterator[tuple[int, dict[str, Any]]]:
    data = _document(file)
    if not isinstance(data, list):
        raise file.error(None, "expected a list of entries", "Import the file as X exported it.")
    for i, entry in enumerate(data, start=1):
        item = entry.get(key) if isinstance(entry, dict) else None
        if not isinstance(item, dict):
            raise file.error(f"record {i}", f"expected an object with '{key}'")
        yield i, item


def _user(user_id: Any, handle: Any = None, name: Any = None) -> PersonRef:
    keys = []
    if user_id not in (None, ""):
        keys.append(identity("x", "id", str(user_id)))
    if handle:
        keys.append(identity("x", "handle", str(handle)))
    return PersonRef(tuple(keys), str(name) if name else None)


def _owner(file: InputFile) -> PersonRef:
    """The archive's owner, with the keys ``manifest.js`` gives when it is present."""
    manifest = file.sibling("manifest.js")
    if manifest is None:
        return SELF
    info = _document(manifest).get("userInfo") or {}
    ref = _user(info.get("accountId"), info.get("userName"), info.get("displayName"))
    return PersonRef(ref.keys, ref.name, is_self=True)


def archive_date(file: InputFile) -> int:
    """When the archive holding ``file`` was made (see the module's docstring)."""
    manifest = file.sibling("manifest.js")
    if manifest is not None:
        generated = (_document(manifest).get("archiveInfo") or {}).get("generationDate")
        if generated:
            return int(parse_time(generated) or 0)
    if match := _PATH_DATE.search(file.display):
        return int(parse_time(match.group(1)) or 0)
    return int(file.mtime or 0)


def parse(file: InputFile, options: ImportOptions) -> Iterator[Record]:
    if file.basename.lower().endswith(".json"):
        yield from _api_tweets(file)
        return
    kind = _kind(file)
    if kind == "tweets":
        yield from _tweets(file, _owner(file))
    elif kind == "account.js":
        for i, account in _entries(file, "account"):
            user = _user(account.get("accountId"), account.get("username"))
            keys = user.keys
            if account.get("email"):
                keys += (identity("", "email", account["email"]),)
            name = account.get("accountDisplayName")
            yield Person(PersonRef(keys, name, is_self=True), name, line=i)
    elif kind == "manifest.js":
        owner = _owner(file)
        yield Person(owner, owner.name, line=1)
    elif kind == "profile.js":
        for i, profile in _entries(file, "profile"):
            description = profile.get("description") or {}
            yield Person(
                _owner(file),
                headline=description.get("bio") or None,
                location=description.get("location") or None,
                line=i,
            )
    elif kind in ("follower.js", "following.js"):
        yield from _follows(file, kind.removesuffix(".js"))
    elif kind == "like.js":
        owner = _owner(file)
        for i, like in _entries(file, "like"):
            tweet_id = str(like.get("tweetId") or "")
            if not tweet_id:
                raise file.error(f"record {i}", "a like without 'tweetId'")
            at = _snowflake_time(tweet_id)
            text = like.get("fullText")
            yield Post("x", tweet_id, None, at, text, "x", url=like.get("expandedUrl"), line=i)
            yield Interaction(owner, None, "like", None, channel="x", ref=tweet_id, line=i)


def _follows(file: InputFile, which: str) -> Iterator[Record]:
    owner = _owner(file)
    taken = archive_date(file)
    count = 0
    for i, entry in _entries(file, which):
        account = _user(entry.get("accountId"))
        if not account.keys:
            raise file.error(f"record {i}", "an entry without 'accountId'")
        count += 1
        if which == "follower":
            yield Tie(account, owner, "follow", observed_at=taken, line=i)
        else:
            yield Tie(owner, account, "follow", observed_at=taken, line=i)
    yield Snapshot(owner, "x", which, taken, count, line=0)


def _snowflake_time(tweet_id: str) -> int | None:
    if not tweet_id.isdigit() or int(tweet_id) < (1 << 40):
        return None
    return ((int(tweet_id) >> 22) + _SNOWFLAKE_EPOCH_MS) // 1000


def _tweet_records(
    file: InputFile, i: int, tweet: dict[str, Any], author: PersonRef
) -> Iterator[Record]:
    tweet_id = str(tweet.get("id_str") or tweet.get("id") or "")
    if not tweet_id:
        raise file.error(f"record {i}", "a tweet without 'id_str'")
    created = tweet.get("created_at")
    at = parse_time(created) if created else _snowflake_time(tweet_id)
    text = tweet.get("full_text") or tweet.get("text") or ""
    entities = tweet.get("entities") or {}
    tags = tuple(str(h.get("text", "")).lower() for h in entities.get("hashtags") or [])
    reply_to = tweet.get("in_reply_to_status_id_str") or None
    yield Post("x", tweet_id, author, at, text, "x", reply_to=reply_to, tags=tags, line=i)

    mentions = [
        _user(m.get("id_str"), m.get("screen_name"), m.get("name"))
        for m in entities.get("user_mentions") or []
    ]
    reposted = None
    if text.startswith("RT @") and mentions:
        reposted = mentions.pop(0)
        yield Interaction(author, reposted, "repost", at, channel="x", ref=tweet_id, line=i)
    replied = None
    if tweet.get("in_reply_to_user_id_str") or tweet.get("in_reply_to_screen_name"):
        replied = _user(tweet.get("in_reply_to_user_id_str"), tweet.get("in_reply_to_screen_name"))
        yield Interaction(author, replied, "reply", at, channel="x", ref=tweet_id, line=i)
    for mention in mentions:
        if replied is not None and mention.keys[:1] == replied.keys[:1]:
            continue
        yield Interaction(author, mention, "mention", at, channel="x", ref=tweet_id, line=i)


def _tweets(file: InputFile, owner: PersonRef) -> Iterator[Record]:
    for i, tweet in _entries(file, "tweet"):
        yield from _tweet_records(file, i, tweet, owner)


def _api_tweets(file: InputFile) -> Iterator[Record]:
    data = _document(file)
    if not isinstance(data, list):
        raise file.error(None, "expected a JSON list of tweets")
    for i, tweet in enumerate(data, start=1):
        if not isinstance(tweet, dict) or not isinstance(tweet.get("user"), dict):
            raise file.error(f"record {i}", "a tweet without its 'user'")
        user = tweet["user"]
        author = _user(user.get("id_str"), user.get("screen_name"), user.get("name"))
        yield Person(
            author,
            user.get("name"),
            user.get("description") or None,
            user.get("location") or None,
            line=i,
        )
        yield from _tweet_records(file, i, tweet, author)
