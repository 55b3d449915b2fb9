"""Bluesky through the public AppView's XRPC API (``https://public.api.bsky.app``).

Read: ``app.bsky.actor.getProfiles`` (25 actors a request), ``app.bsky.graph.getFollows`` and
``getFollowers`` (100 a page, ``cursor`` pagination), ``app.bsky.feed.getAuthorFeed``,
``getPostThread`` and ``searchPosts``. People are known by their DID and handle (as the
repository importer knows them); a follow is a ``follow`` tie seen when fetched; posts,
replies, quotes, mentions and tags are read as the importer reads a repository's posts, and a
repost in an author feed is a ``repost``.

Tasks: ``{"kind": "profiles", "actors": [...]}``, ``{"kind": "follows" | "followers",
"actor": A, "level": L, "grow": bool}`` (a growing listing's accounts are collected, at level
``L + 1``, up to ``--depth``), ``{"kind": "feed", "actor": A}``, ``{"kind": "thread", "uri":
U}``, ``{"kind": "search", "q": Q}``.
"""

from __future__ import annotations

from typing import Any

from salon.collect.http import Answer, CollectError
from salon.collect.job import Page, Task
from salon.dates import parse_time
from salon.importers.bluesky import _post
from salon.model import Interaction, Person, PersonRef, Post, Record, Tie, identity

NAME = "bluesky"
DEFAULT_BASE = "https://public.api.bsky.app"
#: Requests a second by default: the AppView allows 3000 per 5 minutes (10 a second).
RATE = 8.0
PAGE = 100

_METHODS = {
    "profiles": "app.bsky.actor.getProfiles",
    "follows": "app.bsky.graph.getFollows",
    "followers": "app.bsky.graph.getFollowers",
    "feed": "app.bsky.feed.getAuthorFeed",
    "thread": "app.bsky.feed.getPostThread",
    "search": "app.bsky.feed.searchPosts",
}


def actor(text: str) -> str:
    """A handle as the API takes it (no ``@``), or a DID.

    >>> actor("@Someone.bsky.social"), actor("did:plc:abc")
    ('someone.bsky.social', 'did:plc:abc')
    """
    text = text.strip()
    return text if text.startswith("did:") else text.lstrip("@").lower()


def seeds(
    actors: list[str],
    *,
    followers_of: list[str] = (),  # type: ignore[assignment]
    follows_of: list[str] = (),  # type: ignore[assignment]
    search: list[str] = (),  # type: ignore[assignment]
    threads: list[str] = (),  # type: ignore[assignment]
    depth: int = 0,
    follows: bool = True,
    posts: bool = True,
) -> list[Task]:
    """The first tasks of a job (see the module's docstring)."""
    tasks: list[Task] = []
    named = [actor(a) for a in actors]
    for i in range(0, len(named), 25):
        tasks.append({"kind": "profiles", "actors": named[i : i + 25]})
    for a in named:
        if follows or depth > 0:
            tasks.append({"kind": "follows", "actor": a, "level": 0, "grow": depth > 0})
        if posts:
            tasks.append({"kind": "feed", "actor": a})
    for a in followers_of:
        tasks.append({"kind": "followers", "actor": actor(a), "level": 0, "grow": True})
    for a in follows_of:
        tasks.append({"kind": "follows", "actor": actor(a), "level": 0, "grow": True})
    tasks.extend({"kind": "search", "q": q} for q in search)
    tasks.extend({"kind": "thread", "uri": u} for u in threads)
    return tasks


def request(
    base: str, task: Task, cursor: str | None, options: dict[str, Any]
) -> tuple[str, dict[str, Any]]:
    """The URL and query of a task's page."""
    kind = task["kind"]
    url = f"{base}/xrpc/{_METHODS[kind]}"
    if kind == "profiles":
        return url, {"actors": task["actors"]}
    if kind == "thread":
        return url, {"uri": task["uri"], "depth": 10, "parentHeight": 10}
    params: dict[str, Any] = {"limit": PAGE}
    if kind == "search":
        params["q"] = task["q"]
        if options.get("since"):
            params["since"] = _iso(options["since"])
    else:
        params["actor"] = task["actor"]
    if cursor:
        params["cursor"] = cursor
    return url, params


def parse(task: Task, answer: Answer, options: dict[str, Any]) -> Page:
    """The records, next cursor, new tasks and collected accounts of one answer."""
    data = answer.json()
    kind = task["kind"]
    if not isinstance(data, dict):
        raise _malformed(answer, kind, "the body is not a JSON object")
    if kind == "profiles":
        found = _list(answer, data, "profiles", kind)
        page = Page([Person(_ref(answer, p), *_facts(p), line=i) for i, p in _items(found)])
        page.members = [p["did"] for p in found]
        return page
    if kind in ("follows", "followers"):
        return _listing(task, answer, data, options)
    if kind == "feed":
        return _feed(task, answer, data, options)
    if kind == "search":
        page = Page(cursor=_cursor(data))
        for i, post in _items(_list(answer, data, "posts", kind)):
            page.records.extend(_post_view(answer, post, i))
        return _grow_authors(page, options)
    thread = data.get("thread")
    if not isinstance(thread, dict):
        raise _malformed(answer, kind, "no 'thread' object")
    page = Page()
    _walk_thread(answer, thread, page.records, 0)
    return page


def _listing(task: Task, answer: Answer, data: dict[str, Any], options: dict[str, Any]) -> Page:
    kind = task["kind"]
    subject = data.get("subject")
    if not isinstance(subject, dict) or not isinstance(subject.get("did"), str):
        raise _malformed(answer, kind, "no 'subject' with a 'did'")
    owner = _ref(answer, subject)
    page = Page([Person(owner, *_facts(subject), line=0)], cursor=_cursor(data))
    level = int(task.get("level", 0)) + 1
    depth = int(options.get("depth", 0))
    grow = bool(task.get("grow")) and level <= depth
    seen = int(answer.fetched_at)
    for i, item in _items(_list(answer, data, kind, kind)):
        ref = _ref(answer, item)
        page.records.append(Person(ref, *_facts(item), line=i))
        src, dst = (owner, ref) if kind == "follows" else (ref, owner)
        page.records.append(Tie(src, dst, "follow", observed_at=seen, line=i))
        if grow:
            page.members.append(item["did"])
            page.children.extend(_about(item["did"], kind, level, depth, options))
    return page


def _about(did: str, relation: str, level: int, depth: int, options: dict[str, Any]) -> list[Task]:
    """What is collected about an account found at ``level``: whom it follows, its posts, and
    (below ``depth``) the next level of the relation being expanded."""
    tasks: list[Task] = []
    if relation == "follows" and level < depth:
        tasks.append({"kind": "follows", "actor": did, "level": level, "grow": True})
    elif options.get("follows", True):
        tasks.append({"kind": "follows", "actor": did, "level": level, "grow": False})
    if relation == "followers" and level < depth:
        tasks.append({"kind": "followers", "actor": did, "level": level, "grow": True})
    if options.get("posts", True):
        tasks.append({"kind": "feed", "actor": did})
    return tasks


def _grow_authors(page: Page, options: dict[str, Any]) -> Page:
    """Search results: their authors are collected (and, with ``--depth 1``, their follows
    and posts)."""
    authors = [r.author for r in page.records if isinstance(r, Post) and r.author is not None]
    dids = list(dict.fromkeys(ref.keys[0][2] for ref in authors))
    page.members = dids
    if int(options.get("depth", 0)) >= 1:
        for did in dids:
            page.children.extend(_about(did, "search", 1, 1, options))
    return page


def _feed(task: Task, answer: Answer, data: dict[str, Any], options: dict[str, Any]) -> Page:
    since = options.get("since")
    page = Page(cursor=_cursor(data))
    for i, item in _items(_list(answer, data, "feed", "feed")):
        post = item.get("post")
        if not isinstance(post, dict):
            raise _malformed(answer, "feed", f"item {i} has no 'post'")
        reason = item.get("reason")
        if isinstance(reason, dict) and "reasonRepost" in str(reason.get("$type")):
            at = _time(answer, reason.get("indexedAt"))
            if since and at is not None and at < since:
                page.cursor = None
                break
            by = reason.get("by")
            if isinstance(by, dict) and isinstance(by.get("did"), str):
                who = _ref(answer, by)
                author = _ref(answer, post.get("author") or {})
                page.records.append(
                    Post(
                        "bluesky",
                        post.get("uri", ""),
                        author,
                        _time(answer, _created(post)),
                        _text(post),
                        "bluesky",
                        line=i,
                    )
                )
                if who.keys[0] != author.keys[0]:
                    page.records.append(
                        Interaction(
                            who,
                            author,
                            "repost",
                            at,
                            channel="bluesky",
                            ref=post.get("uri"),
                            line=i,
                        )
                    )
            continue
        at = _time(answer, _created(post))
        if since and at is not None and at < since:
            if (post.get("author") or {}).get("did") == task.get("actor"):
                page.cursor = None  # an author feed is newest first (pinned posts aside)
            continue
        page.records.extend(_post_view(answer, post, i))
    return page


def _post_view(answer: Answer, post: dict[str, Any], i: int) -> list[Record]:
    """A ``postView``: the post with its replies, quotes, mentions and tags."""
    author = post.get("author")
    record = post.get("record")
    uri = post.get("uri")
    if not isinstance(author, dict) or not isinstance(record, dict) or not isinstance(uri, str):
        raise _malformed(answer, "post", f"post {i} lacks its 'uri', 'author' or 'record'")
    ref = _ref(answer, author)
    return list(_post(uri, ref, author["did"], _time(answer, record.get("createdAt")), record, i))


def _walk_thread(answer: Answer, node: dict[str, Any], out: list[Record], depth: int) -> None:
    if depth > 200:
        return
    if isinstance(node.get("post"), dict):
        out.extend(_post_view(answer, node["post"], len(out)))
    parent = node.get("parent")
    if isinstance(parent, dict) and depth == 0:
        _walk_thread(answer, parent, out, depth + 1)
    for reply in node.get("replies") or []:
        if isinstance(reply, dict):
            _walk_thread(answer, reply, out, depth + 1)


# -- small readers -----------------------------------------------------------------------------


def _malformed(answer: Answer, kind: str, problem: str) -> CollectError:
    return CollectError(
        f"The answer of {answer.url} is not a {_METHODS.get(kind, kind)} answer: {problem}. "
        "Check --base-url: it should be a Bluesky AppView (https://public.api.bsky.app)."
    )


def _list(answer: Answer, data: dict[str, Any], field: str, kind: str) -> list[dict[str, Any]]:
    items = data.get(field)
    if not isinstance(items, list):
        raise _malformed(answer, kind, f"no '{field}' list")
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            raise _malformed(answer, kind, f"item {i + 1} of '{field}' is not an object")
        if field in ("follows", "followers", "profiles") and not isinstance(item.get("did"), str):
            raise _malformed(answer, kind, f"item {i + 1} of '{field}' has no 'did'")
    return items


def _items(items: list[dict[str, Any]]) -> list[tuple[int, dict[str, Any]]]:
    return list(enumerate(items, start=1))


def _cursor(data: dict[str, Any]) -> str | None:
    cursor = data.get("cursor")
    return str(cursor) if isinstance(cursor, str | int) and cursor != "" else None


def _ref(answer: Answer, profile: dict[str, Any]) -> PersonRef:
    did = profile.get("did")
    if not isinstance(did, str) or not did.startswith("did:"):
        raise _malformed(answer, "profile", f"an account without a DID ({str(profile)[:80]})")
    keys = [identity("bluesky", "id", did)]
    handle = profile.get("handle")
    if isinstance(handle, str) and handle and handle != "handle.invalid":
        keys.append(identity("bluesky", "handle", handle))
    name = profile.get("displayName")
    return PersonRef(tuple(keys), name.strip() or None if isinstance(name, str) else None)


def _facts(profile: dict[str, Any]) -> tuple[str | None, str | None]:
    """A profile's display name and description (its headline)."""
    name = profile.get("displayName")
    about = profile.get("description")
    name = name.strip() or None if isinstance(name, str) else None
    about = " ".join(about.split())[:500] or None if isinstance(about, str) else None
    return name, about


def _created(post: dict[str, Any]) -> Any:
    record = post.get("record")
    return record.get("createdAt") if isinstance(record, dict) else post.get("indexedAt")


def _text(post: dict[str, Any]) -> str | None:
    record = post.get("record")
    text = record.get("text") if isinstance(record, dict) else None
    return text or None if isinstance(text, str) else None


def _time(answer: Answer, value: Any) -> int | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return parse_time(value)
    except ValueError:
        raise _malformed(answer, "post", f"unrecognised time {value[:40]!r}") from None


def _iso(seconds: int) -> str:
    import datetime

    return datetime.datetime.fromtimestamp(seconds, datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
