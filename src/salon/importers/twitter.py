"""X (Twitter) "Your archive" export, and API v1.1 tweet dumps.

Archive files are JavaScript: ``window.YTD.<name>.part0 = [ ... ]``. Read: ``account.js``,
``manifest.js`` (the archive's owner and generation date), ``profile.js``, ``tweets.js`` /
``tweet.js``, ``follower.js``, ``following.js``, ``like.js`` and ``direct-messages.js`` /
``direct-messages-group.js`` (one ``message`` interaction from the sender to each other member
of the conversation; the text only with ``--bodies``), and the further parts a large
archive splits them into (``tweets-part1.js``, ``follower-part1.js``, ``like-part2.js``…:
``window.YTD.<name>.partN``, each listed under its data type's ``files`` in ``manifest.js``).
Other ``.js`` files of the archive are listed as not used. ``tweet.js`` (archives until 2022,
``window.YTD.tweet.part0``; in 2019 the entries are the tweets themselves) and ``tweets.js``
(``window.YTD.tweets.part0``, entries ``{"tweet": {...}}``) are read alike.

The owner is keyed by ``account.js`` or ``manifest.js`` beside the file, else by the tweets
themselves (whom replies to the archive's own tweets answer, whose status its quotes link),
so the owner is one person; replies, mentions and retweets of the owner's own account are
kept as posts, never as interactions.

Follower and following lists are snapshots: each is dated by the archive's generation date
(``manifest.js``), else by a ``YYYY-MM-DD`` date in its path, else by the file's time. Importing
several archives of one account dates each new follower between two snapshots.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Iterator
from typing import Any

from salon.dates import parse_time
from salon.importers.base import ImportOptions
from salon.importers.files import InputFile, parse_json, read_document
from salon.model import SELF, Interaction, Person, PersonRef, Post, Record, Snapshot, Tie, identity

NAME = "x"
DESCRIPTION = "X/Twitter archive (zip or its data/ folder) and API v1.1 tweet JSON"
FILES = (
    "account.js, manifest.js, profile.js, tweets.js, follower.js, following.js, like.js, "
    "direct-messages.js, direct-messages-group.js (and their -partN.js)"
)

_PREFIX = re.compile(rb"^(?:\xef\xbb\xbf)?\s*window\.(YTD\.\w+\.part\d+|__THAR_CONFIG)\s*=\s*")
_TWEETS = re.compile(r"tweets?(-part\d+)?\.js", re.IGNORECASE)
_STATUS_URL = re.compile(r"(?:twitter|x)\.com/(\w{1,15})/status(?:es)?/(\d+)", re.IGNORECASE)
_PATH_DATE = re.compile(r"(?<!\d)(\d{4}-\d{2}-\d{2})(?!\d)")
_READ = {"account.js", "manifest.js", "profile.js"}
# Direct messages: ``direct-messages.js`` (``direct-message.js`` in 2019), group conversations
# in ``direct-messages-group.js``, each maybe in parts; ``…-headers.js`` repeat them untexted.
_MESSAGES = re.compile(r"direct-messages?(-group)?(-part\d+)?\.js", re.IGNORECASE)
# Lists a large archive splits into parts: ``follower.js``, ``follower-part1.js``, …
_PARTED = re.compile(r"(follower|following|like)(?:-part(\d+))?\.js", re.IGNORECASE)
# Twitter snowflake ids carry their creation time (ms since this epoch) in the high bits.
_SNOWFLAKE_EPOCH_MS = 1288834974657


def _kind(file: InputFile) -> str | None:
    base = file.basename.lower()
    if _TWEETS.fullmatch(base):
        return "tweets"
    if _MESSAGES.fullmatch(base):
        return "direct-messages"
    if parted := _PARTED.fullmatch(base):
        return parted.group(1) + ".js"
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
        if item is None and key == "tweet" and isinstance(entry, dict) and "id_str" in entry:
            item = entry  # archives of 2019 list the tweets themselves, unwrapped
        if not isinstance(item, dict):
            raise file.error(f"record {i}", f"expected an object with '{key}'")
        yield i, item


def _obj(value: Any) -> dict[str, Any]:
    """A JSON value that should be an object; anything else (an edited archive) reads as an
    empty one, as if the field were absent."""
    return value if isinstance(value, dict) else {}


def _objs(value: Any) -> list[dict[str, Any]]:
    """The objects of a JSON list that should hold objects."""
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _text(value: Any) -> str | None:
    """A JSON value that should be text (ids may be numbers); ``None`` for anything else."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        return None
    return str(value)


def _time(file: InputFile, i: int, value: Any) -> int | None:
    try:
        return parse_time(value) if isinstance(value, str) else None
    except ValueError:
        raise file.error(f"record {i}", f"unrecognised time {value[:40]!r}") from None


def _user(user_id: Any, handle: Any = None, name: Any = None) -> PersonRef:
    keys = []
    user_id, handle, name = _text(user_id), _text(handle), _text(name)
    if user_id:
        keys.append(identity("x", "id", user_id))
    if handle:
        keys.append(identity("x", "handle", handle))
    return PersonRef(tuple(keys), name or None)


def _owner(file: InputFile) -> PersonRef:
    """The archive's owner, keyed by ``account.js`` or ``manifest.js`` when one is beside."""
    if (account := file.sibling("account.js")) is not None:
        for _, entry in _entries(account, "account"):
            name = entry.get("accountDisplayName")
            return _me(_user(entry.get("accountId"), entry.get("username"), name))
    if (manifest := file.sibling("manifest.js")) is not None:
        info = _obj(_obj(_document(manifest)).get("userInfo"))
        return _me(_user(info.get("accountId"), info.get("userName"), info.get("displayName")))
    return SELF


def _me(ref: PersonRef) -> PersonRef:
    return PersonRef(ref.keys, ref.name, is_self=True)


def _same(a: PersonRef | None, b: PersonRef | None) -> bool:
    """Whether two refs share a key: the same account."""
    return a is not None and b is not None and not set(a.keys).isdisjoint(b.keys)


def owner_in_tweets(tweets: list[dict[str, Any]]) -> PersonRef:
    """The owner named inside the archive's own tweets, without ``account.js`` or
    ``manifest.js``: who the replies to its own tweets (threads) reply to, whose status URL
    its quotes of its own tweets link, whose its retweeted or quoted own statuses are."""
    own = {str(t.get("id_str") or t.get("id") or "") for t in tweets}
    ids: Counter[str] = Counter()
    handles: Counter[str] = Counter()
    for tweet in tweets:
        if str(tweet.get("in_reply_to_status_id_str") or "") in own:
            ids[str(tweet.get("in_reply_to_user_id_str") or "")] += 1
            handles[str(tweet.get("in_reply_to_screen_name") or "").lower()] += 1
        for url in _objs(_obj(tweet.get("entities")).get("urls")):
            match = _STATUS_URL.search(str(url.get("expanded_url") or ""))
            if match and match.group(2) in own:
                handles[match.group(1).lower()] += 1
        for field in ("retweeted_status", "quoted_status"):
            status = tweet.get(field)
            if isinstance(status, dict) and str(status.get("id_str")) in own:
                user = _obj(status.get("user"))
                ids[str(user.get("id_str") or "")] += 1
                handles[str(user.get("screen_name") or "").lower()] += 1
    ids.pop("", None)
    handles.pop("", None)
    if not ids and not handles:
        return SELF
    return _me(_user(_most(ids), _most(handles)))


def _most(counts: Counter[str]) -> str | None:
    return counts.most_common(1)[0][0] if counts else None


def archive_date(file: InputFile) -> int:
    """When the archive holding ``file`` was made (see the module's docstring)."""
    manifest = file.sibling("manifest.js")
    if manifest is not None:
        generated = _obj(_obj(_document(manifest)).get("archiveInfo")).get("generationDate")
        if generated:
            return int(_time(manifest, 1, generated) or 0)
    if match := _PATH_DATE.search(file.display):
        return int(parse_time(match.group(1)) or 0)
    return int(file.mtime or 0)


def parse(file: InputFile, options: ImportOptions) -> Iterator[Record]:
    if file.basename.lower().endswith(".json"):
        yield from _api_tweets(file)
        return
    kind = _kind(file)
    if kind == "tweets":
        yield from _tweets(file)
    elif kind == "account.js":
        for i, account in _entries(file, "account"):
            user = _user(account.get("accountId"), account.get("username"))
            keys = user.keys
            if email := _text(account.get("email")):
                keys += (identity("", "email", email),)
            name = _text(account.get("accountDisplayName"))
            yield Person(_me(PersonRef(keys, name)), name, line=i)
    elif kind == "manifest.js":
        owner = _owner(file)
        yield Person(owner, owner.name, line=1)
    elif kind == "profile.js":
        for i, profile in _entries(file, "profile"):
            description = _obj(profile.get("description"))
            yield Person(
                _owner(file),
                headline=_text(description.get("bio")) or None,
                location=_text(description.get("location")) or None,
                line=i,
            )
    elif kind in ("follower.js", "following.js"):
        yield from _follows(file, kind.removesuffix(".js"))
    elif kind == "direct-messages":
        yield from _direct_messages(file, options)
    elif kind == "like.js":
        owner = _owner(file)
        for i, like in _entries(file, "like"):
            tweet_id = _text(like.get("tweetId"))
            if not tweet_id:
                raise file.error(f"record {i}", "a like without 'tweetId'")
            at = _snowflake_time(tweet_id)
            text, url = _text(like.get("fullText")), _text(like.get("expandedUrl"))
            yield Post("x", tweet_id, None, at, text, "x", url=url, line=i)
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
    if file.basename.lower() != f"{which}.js":
        return  # a further part: the list's snapshot is counted by its first part
    for number in range(1, 10_000):
        if (part := file.sibling(f"{which}-part{number}.js")) is None:
            break
        count += sum(1 for _ in _entries(part, which))
    yield Snapshot(owner, "x", which, taken, count, line=0)


def _direct_messages(file: InputFile, options: ImportOptions) -> Iterator[Record]:
    """One ``message`` interaction from the sender to each other member of the conversation
    (the recipient of a one-to-one message; those who wrote or joined, in a group)."""
    owner = _owner(file)
    for i, conversation in _entries(file, "dmConversation"):
        events = [_obj(e) for e in _objs(conversation.get("messages"))]
        members = {_text(_obj(e.get("messageCreate")).get("senderId")) for e in events}
        for event in events:  # a group's members: who started, was in or joined it
            join = _obj(event.get("joinConversation") or event.get("participantsJoin"))
            members.add(_text(join.get("initiatingUserId")))
            for field in ("participantsSnapshot", "userIds"):
                value = join.get(field)
                members.update(_text(u) for u in (value if isinstance(value, list) else []))
        for event in events:
            message = event.get("messageCreate")
            if message is None:
                continue  # a reaction, a join, a name change: no message
            message = _obj(message)
            sender = _text(message.get("senderId"))
            if not sender:
                raise file.error(f"record {i}", "a direct message without 'senderId'")
            to = _text(message.get("recipientId"))
            recipients = [to] if to else sorted(m for m in members if m and m != sender)
            at = _time(file, i, message.get("createdAt"))
            text = _text(message.get("text")) if options.bodies else None
            for recipient in recipients:
                yield Interaction(
                    _known(owner, sender),
                    _known(owner, recipient),
                    "message",
                    at,
                    channel="x",
                    body=html.unescape(text) if text else None,
                    ref=_text(message.get("id")),
                    line=i,
                )


def _known(owner: PersonRef, user_id: str) -> PersonRef:
    """The account of an id: the owner's own ref when it is the owner's."""
    user = _user(user_id)
    return owner if _same(user, owner) else user


def _snowflake_time(tweet_id: str) -> int | None:
    if not (tweet_id.isascii() and tweet_id.isdigit()) or len(tweet_id) > 20:
        return None  # not a snowflake (and no 70,000-digit number is converted)
    if int(tweet_id) < (1 << 40):
        return None
    return ((int(tweet_id) >> 22) + _SNOWFLAKE_EPOCH_MS) // 1000


def _tweet_records(
    file: InputFile, i: int, tweet: dict[str, Any], author: PersonRef
) -> Iterator[Record]:
    tweet_id = _text(tweet.get("id_str")) or _text(tweet.get("id"))
    if not tweet_id:
        raise file.error(f"record {i}", "a tweet without 'id_str'")
    created = tweet.get("created_at")
    at = _time(file, i, created) if created else _snowflake_time(tweet_id)
    # X writes tweet text HTML-escaped (&amp; &lt; &gt;), as its API does.
    text = html.unescape(_text(tweet.get("full_text")) or _text(tweet.get("text")) or "")
    entities = _obj(tweet.get("entities"))
    tags = tuple(str(h.get("text", "")).lower() for h in _objs(entities.get("hashtags")))
    reply_to = _text(tweet.get("in_reply_to_status_id_str")) or None
    yield Post("x", tweet_id, author, at, text, "x", reply_to=reply_to, tags=tags, line=i)

    mentions = [
        _user(m.get("id_str"), m.get("screen_name"), m.get("name"))
        for m in _objs(entities.get("user_mentions"))
    ]
    named = [author]  # nobody is an interaction twice in one tweet, nor the author ever
    if text.startswith("RT @") and mentions:
        reposted = mentions.pop(0)
        if not _same(reposted, author):
            yield Interaction(author, reposted, "repost", at, channel="x", ref=tweet_id, line=i)
        named.append(reposted)
    if tweet.get("in_reply_to_user_id_str") or tweet.get("in_reply_to_screen_name"):
        replied = _user(tweet.get("in_reply_to_user_id_str"), tweet.get("in_reply_to_screen_name"))
        if not any(_same(replied, n) for n in named):
            yield Interaction(author, replied, "reply", at, channel="x", ref=tweet_id, line=i)
        named.append(replied)
    for mention in mentions:
        if not any(_same(mention, n) for n in named):
            yield Interaction(author, mention, "mention", at, channel="x", ref=tweet_id, line=i)
        named.append(mention)


def _tweets(file: InputFile) -> Iterator[Record]:
    entries = list(_entries(file, "tweet"))
    owner = _owner(file)
    if not owner.keys:
        owner = owner_in_tweets([tweet for _, tweet in entries])
    for i, tweet in entries:
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
            _text(user.get("name")),
            _text(user.get("description")) or None,
            _text(user.get("location")) or None,
            line=i,
        )
        yield from _tweet_records(file, i, tweet, author)
