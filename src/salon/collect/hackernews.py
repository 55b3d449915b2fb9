"""Hacker News through its public Firebase API (``https://hacker-news.firebaseio.com/v0``).

Read: ``/user/<id>.json`` (a user's profile and submissions), ``/item/<id>.json`` (stories,
comments, Ask HN, jobs, polls) and the story lists (``/topstories.json``, ``newstories``,
``beststories``, ``askstories``, ``showstories``). A user is a person known by their HN id;
an item is a post in the ``hackernews`` channel (a story's title and text; a comment replies to
its parent); a comment is a ``reply`` to the parent's author when the parent was collected
first (comments are reached through their parents' ``kids``, ``--comments`` levels deep).

Tasks: ``{"kind": "user", "id": U}``, ``{"kind": "item", "id": N, "level": L, "parent_by":
U}``, ``{"kind": "list", "name": "topstories"}``.
"""

from __future__ import annotations

from typing import Any

from salon.collect.http import Answer, CollectError
from salon.collect.job import Page, Task
from salon.importers.mastodon import html_text
from salon.model import Interaction, Person, PersonRef, Post, identity

NAME = "hackernews"
DEFAULT_BASE = "https://hacker-news.firebaseio.com/v0"
#: Requests a second by default (the API states no limit; Salon stays modest).
RATE = 10.0
LISTS = ("topstories", "newstories", "beststories", "askstories", "showstories", "jobstories")


def seeds(users: list[str], *, items: list[int] = (), lists: list[str] = ()) -> list[Task]:  # type: ignore[assignment]
    """The first tasks of a job.

    >>> seeds(["pg"], lists=["topstories"])
    [{'kind': 'user', 'id': 'pg'}, {'kind': 'list', 'name': 'topstories'}]
    """
    tasks: list[Task] = [{"kind": "user", "id": u.strip()} for u in users]
    tasks += [{"kind": "item", "id": int(i), "level": 0} for i in items]
    for name in lists:
        if name not in LISTS:
            raise CollectError(
                f"'{name}' is not a Hacker News list: use one of {', '.join(LISTS)}."
            )
        tasks.append({"kind": "list", "name": name})
    return tasks


def request(base: str, task: Task, cursor: str | None, options: dict[str, Any]) -> tuple[str, None]:
    kind = task["kind"]
    if kind == "list":
        return f"{base}/{task['name']}.json", None
    return f"{base}/{kind}/{task['id']}.json", None


def parse(task: Task, answer: Answer, options: dict[str, Any]) -> Page:
    data = answer.json()
    kind = task["kind"]
    limit = int(options.get("items", 30))
    page = Page()
    if kind == "list":
        if not isinstance(data, list) or not all(isinstance(i, int) for i in data):
            raise _malformed(answer, "a list of item ids")
        page.children = [{"kind": "item", "id": i, "level": 0} for i in data[:limit]]
        return page
    if data is None:  # deleted, or no such user or item: the API answers null
        return page
    if not isinstance(data, dict) or "id" not in data:
        raise _malformed(answer, "an object with an 'id'")
    if kind == "user":
        ref = _ref(str(data["id"]))
        about, _ = html_text(data.get("about") or "")
        page.records.append(Person(ref, None, " ".join(about.split())[:500] or None, line=1))
        page.members.append(ref.keys[0][2])
        submitted = data.get("submitted") or []
        if not isinstance(submitted, list):
            raise _malformed(answer, "a user whose 'submitted' is a list")
        page.children = [
            {"kind": "item", "id": int(i), "level": 0}
            for i in submitted[:limit]
            if isinstance(i, int)
        ]
        return page
    if data.get("deleted") or data.get("dead") or not data.get("by"):
        return page
    at = data.get("time") if isinstance(data.get("time"), int) else None
    since = options.get("since")
    if since and at is not None and at < since:
        return page
    author = _ref(str(data["by"]))
    body, _ = html_text(data.get("text") or "")
    text = " ".join(filter(None, [data.get("title"), body])) or None
    parent = data.get("parent")
    key = str(data["id"])
    page.records.append(
        Post(
            NAME,
            key,
            author,
            at,
            text,
            NAME,
            reply_to=str(parent) if isinstance(parent, int) else None,
            url=data.get("url") if isinstance(data.get("url"), str) else None,
            line=1,
        )
    )
    parent_by = task.get("parent_by")
    if parent_by and parent_by != data["by"]:
        page.records.append(
            Interaction(author, _ref(parent_by), "reply", at, channel=NAME, ref=key, line=1)
        )
    level = int(task.get("level", 0))
    if level < int(options.get("comments", 0)):
        page.children = [
            {"kind": "item", "id": k, "level": level + 1, "parent_by": data["by"]}
            for k in data.get("kids") or []
            if isinstance(k, int)
        ]
    return page


def _ref(user: str) -> PersonRef:
    return PersonRef((identity(NAME, "id", user),), user)


def _malformed(answer: Answer, what: str) -> CollectError:
    start = answer.body[:60].decode("utf-8", "replace")
    return CollectError(
        f"The answer of {answer.url} is not {what} (it starts {start!r}). Check --base-url "
        "(https://hacker-news.firebaseio.com/v0)."
    )
