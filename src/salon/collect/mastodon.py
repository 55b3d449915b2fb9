"""Mastodon through the public REST API of any instance (``--instance``, default
``https://mastodon.social``).

Read: ``/api/v1/accounts/lookup`` (an account by ``user@host``), ``/api/v1/accounts/:id/
following`` and ``/followers`` (80 a page), ``/api/v1/accounts/:id/statuses`` (40 a page) and
``/api/v1/timelines/tag/:tag``; every listing pages through its ``Link: <…>; rel="next"``
header. People are known by ``user@host`` and their profile URL (as the export importer knows
them); a status is a post (its ActivityPub URI its key) with its tags, mentions, the reply to a
mentioned account, and a boost is a ``repost``.

Tasks: ``{"kind": "lookup", "acct": A, "role": "member" | "followers" | "following"}``,
``{"kind": "following" | "followers", "id": ID, "owner": ACCOUNT, "level": L, "grow": bool}``,
``{"kind": "statuses", "id": ID}``, ``{"kind": "tag", "tag": T}``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

import httpx

from salon.collect.http import Answer, CollectError
from salon.collect.job import Page, Task
from salon.dates import parse_time
from salon.importers.mastodon import html_text
from salon.model import Interaction, Person, PersonRef, Post, Record, Tie, identity

NAME = "mastodon"
DEFAULT_BASE = "https://mastodon.social"
#: Requests a second by default: Mastodon allows 300 per 5 minutes per client address.
RATE = 1.0
PAGES = {"following": 80, "followers": 80, "statuses": 40, "tag": 40}


def acct(text: str) -> str:
    """An account as ``user@host`` or ``user`` (no leading ``@``, lower case).

    >>> acct("@Ana@Fosstodon.org")
    'ana@fosstodon.org'
    """
    return text.strip().lstrip("@").lower()


def seeds(
    accounts: list[str],
    *,
    followers_of: list[str] = (),  # type: ignore[assignment]
    following_of: list[str] = (),  # type: ignore[assignment]
    tags: list[str] = (),  # type: ignore[assignment]
) -> list[Task]:
    """The first tasks of a job (see the module's docstring)."""
    tasks: list[Task] = [{"kind": "lookup", "acct": acct(a), "role": "member"} for a in accounts]
    tasks += [{"kind": "lookup", "acct": acct(a), "role": "followers"} for a in followers_of]
    tasks += [{"kind": "lookup", "acct": acct(a), "role": "following"} for a in following_of]
    tasks += [{"kind": "tag", "tag": t.lstrip("#")} for t in tags]
    return tasks


def request(
    base: str, task: Task, cursor: str | None, options: dict[str, Any]
) -> tuple[str, dict[str, Any] | None]:
    """The URL and query of a task's page (a later page: the server's own ``next`` link)."""
    if cursor:
        return cursor, None
    kind = task["kind"]
    if kind == "lookup":
        return f"{base}/api/v1/accounts/lookup", {"acct": task["acct"]}
    if kind == "tag":
        return f"{base}/api/v1/timelines/tag/{task['tag']}", {"limit": PAGES["tag"]}
    return f"{base}/api/v1/accounts/{task['id']}/{kind}", {"limit": PAGES[kind]}


def parse(task: Task, answer: Answer, options: dict[str, Any]) -> Page:
    """The records, next link, new tasks and collected accounts of one answer."""
    data = answer.json()
    kind = task["kind"]
    host = urlparse(answer.url).hostname or ""
    if kind == "lookup":
        if not isinstance(data, dict):
            raise _malformed(answer, "an account", "the body is not a JSON object")
        ref = _ref(answer, data, host)
        page = Page([Person(ref, *_facts(data), line=1)])
        role, depth = task.get("role", "member"), int(options.get("depth", 0))
        if role == "member":
            page.members.append(_key(data, host))
            page.children += _about(data, host, 0, depth, options, grow="following")
        else:
            page.children.append(_listing(role, data, host, 0, True))
        return page
    if not isinstance(data, list):
        raise _malformed(
            answer,
            f"a list of {'statuses' if kind in ('statuses', 'tag') else 'accounts'}",
            "the body is not a JSON list",
        )
    page = Page(cursor=_next(answer) if data else None)
    if kind in ("following", "followers"):
        owner = _ref(answer, task["owner"], host)
        level = int(task.get("level", 0)) + 1
        depth = int(options.get("depth", 0))
        grow = bool(task.get("grow")) and level <= depth
        seen = int(answer.fetched_at)
        for i, account in enumerate(data, start=1):
            ref = _ref(answer, account, host)
            page.records.append(Person(ref, *_facts(account), line=i))
            src, dst = (owner, ref) if kind == "following" else (ref, owner)
            page.records.append(Tie(src, dst, "follow", observed_at=seen, line=i))
            if grow:
                page.members.append(_key(account, host))
                page.children += _about(account, host, level, depth, options, grow=kind)
        return page
    since = options.get("since")
    for i, status in enumerate(data, start=1):
        records = _status(answer, status, host, i)
        at = next((r.at for r in records if isinstance(r, Post | Interaction)), None)
        if since and at is not None and at < since:
            if kind == "statuses" and not status.get("pinned"):
                page.cursor = None  # newest first: the rest is older
            continue
        page.records += records
        if kind == "tag" and isinstance(status.get("account"), dict):
            page.members.append(_key(status["account"], host))
    return page


def _listing(kind: str, account: dict[str, Any], host: str, level: int, grow: bool) -> Task:
    owner = {k: account.get(k) for k in ("id", "acct", "url", "display_name")}
    return {"kind": kind, "id": str(account["id"]), "owner": owner, "level": level, "grow": grow}


def _about(
    account: dict[str, Any], host: str, level: int, depth: int, options: dict[str, Any], grow: str
) -> list[Task]:
    """What is collected about an account found at ``level``: whom it follows, its statuses,
    and (below ``depth``) the next level of the relation being expanded."""
    tasks: list[Task] = []
    if grow == "following" and level < depth:
        tasks.append(_listing("following", account, host, level, True))
    elif options.get("follows", True):
        tasks.append(_listing("following", account, host, level, False))
    if grow == "followers" and level < depth:
        tasks.append(_listing("followers", account, host, level, True))
    if options.get("posts", True):
        tasks.append({"kind": "statuses", "id": str(account["id"])})
    return tasks


def _status(answer: Answer, status: Any, host: str, i: int) -> list[Record]:
    if not isinstance(status, dict) or not isinstance(status.get("account"), dict):
        raise _malformed(answer, "a status", f"status {i} has no 'account'")
    author = _ref(answer, status["account"], host)
    at = _time(answer, status.get("created_at"))
    boosted = status.get("reblog")
    if isinstance(boosted, dict):
        records = _status(answer, boosted, host, i)
        original = next((r for r in records if isinstance(r, Post)), None)
        if original is not None and original.author is not None:
            records.append(
                Interaction(
                    author, original.author, "repost", at, channel=NAME, ref=original.key, line=i
                )
            )
        return records
    key = status.get("uri") or status.get("url")
    if not isinstance(key, str):
        raise _malformed(answer, "a status", f"status {i} has no 'uri'")
    text, _ = html_text(status.get("content") or "")
    tags = tuple(
        dict.fromkeys(
            str(t["name"]).lower()
            for t in status.get("tags") or []
            if isinstance(t, dict) and t.get("name")
        )
    )
    records: list[Record] = [
        Post(NAME, key, author, at, text or None, NAME, url=status.get("url"), tags=tags, line=i)
    ]
    replied_id = status.get("in_reply_to_account_id")
    for mention in status.get("mentions") or []:
        if not isinstance(mention, dict) or not mention.get("acct"):
            continue
        who = _ref(answer, mention, host)
        if who.keys[0] == author.keys[0]:
            continue
        kind = "reply" if str(mention.get("id")) == str(replied_id) else "mention"
        records.append(Interaction(author, who, kind, at, channel=NAME, ref=key, line=i))
    return records


def _next(answer: Answer) -> str | None:
    """The ``rel="next"`` URL of the ``Link`` header (httpx reads it)."""
    link = answer.headers.get("link")
    if not link:
        return None
    response = httpx.Response(200, headers={"link": link})
    url = response.links.get("next", {}).get("url")
    return url or None


def _key(account: dict[str, Any], host: str) -> str:
    """``user@host``: a local account's ``acct`` lacks the host (its profile URL has it)."""
    name = str(account.get("acct") or account.get("username") or "").lower()
    if "@" in name:
        return name
    home = urlparse(str(account.get("url") or "")).hostname or host
    return f"{name}@{home.lower()}"


def _ref(answer: Answer, account: Any, host: str) -> PersonRef:
    if not isinstance(account, dict) or not (account.get("acct") or account.get("username")):
        raise _malformed(answer, "an account", f"an account without 'acct' ({str(account)[:80]})")
    keys = [identity("mastodon", "handle", _key(account, host))]
    if isinstance(account.get("url"), str) and account["url"]:
        keys.append(identity("", "url", account["url"]))
    name = account.get("display_name")
    return PersonRef(tuple(keys), name.strip() or None if isinstance(name, str) else None)


def _facts(account: dict[str, Any]) -> tuple[str | None, str | None]:
    name = account.get("display_name")
    name = name.strip() or None if isinstance(name, str) else None
    note, _ = html_text(account.get("note") or "")
    return name, " ".join(note.split())[:500] or None


def _time(answer: Answer, value: Any) -> int | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return parse_time(value)
    except ValueError:
        raise _malformed(answer, "a status", f"unrecognised time {value[:40]!r}") from None


def _malformed(answer: Answer, what: str, problem: str) -> CollectError:
    return CollectError(
        f"The answer of {answer.url} is not {what}: {problem}. Check --instance: it should be "
        "a Mastodon server (https://mastodon.social)."
    )
