"""Stack Exchange through its public API 2.x (``https://api.stackexchange.com/2.3``).

Read, for one ``--site`` (``stackoverflow``, ``datascience``…): ``/questions`` (optionally
``--tagged``), ``/answers`` and ``/users``, 100 a page (``page`` numbers while ``has_more``),
newest first, from ``--since`` on (``fromdate``). A question is a post in the site's channel
with its tags; an answer is a post replying to its question; an asker and an answerer are
people known by ``site:user_id`` (and their profile URL). The wrapper's ``quota_remaining``
is watched (0: the job stops, naming the quota) and its ``backoff`` field obeyed.

Tasks: ``{"kind": "questions" | "answers" | "users", "site": S, "tagged": T | None}``.
"""

from __future__ import annotations

import time
from typing import Any

from salon.collect.http import Answer, CollectError, QuotaSpent
from salon.collect.job import Page, Task
from salon.importers.mastodon import html_text
from salon.model import Person, PersonRef, Post, identity

NAME = "stackexchange"
DEFAULT_BASE = "https://api.stackexchange.com/2.3"
#: Requests a second: Stack Exchange refuses more than 30 a second from one address.
RATE = 5.0
PAGE = 100
KINDS = ("questions", "answers", "users")

#: ``backoff`` seconds a method must rest, per method (the API's own rule).
_REST: dict[str, float] = {}


def seeds(site: str, *, what: list[str], tagged: str | None = None) -> list[Task]:
    """The first tasks of a job: one listing per kind asked.

    >>> seeds("stackoverflow", what=["questions"], tagged="python")
    [{'kind': 'questions', 'site': 'stackoverflow', 'tagged': 'python'}]
    """
    unknown = [w for w in what if w not in KINDS]
    if unknown:
        raise CollectError(f"--what {unknown[0]}: use {', '.join(KINDS)}.")
    return [{"kind": k, "site": site, "tagged": tagged if k == "questions" else None} for k in what]


def request(
    base: str, task: Task, cursor: str | None, options: dict[str, Any]
) -> tuple[str, dict[str, Any]]:
    kind = task["kind"]
    params: dict[str, Any] = {
        "site": task["site"],
        "pagesize": PAGE,
        "page": int(cursor or 1),
        "order": "desc",
        "sort": "creation",
    }
    if kind in ("questions", "answers"):
        params["filter"] = "withbody"
    if task.get("tagged"):
        params["tagged"] = task["tagged"]
    if options.get("since"):
        params["fromdate"] = int(options["since"])
    if options.get("key"):
        params["key"] = options["key"]
    rest = _REST.get(kind, 0.0) - time.monotonic()
    if rest > 0:
        time.sleep(min(rest, 60.0))
    return f"{base}/{kind}", params


def parse(task: Task, answer: Answer, options: dict[str, Any]) -> Page:
    data = answer.json()
    kind, site = task["kind"], task["site"]
    if not isinstance(data, dict) or not isinstance(data.get("items"), list):
        raise CollectError(
            f"The answer of {answer.url} is not a Stack Exchange API answer: no 'items' list. "
            "Check --base-url (https://api.stackexchange.com/2.3)."
        )
    if isinstance(data.get("backoff"), int | float):
        _REST[kind] = time.monotonic() + float(data["backoff"])
    page = Page(cursor=None)
    for i, item in enumerate(data["items"], start=1):
        if not isinstance(item, dict):
            raise CollectError(f"The answer of {answer.url}: item {i} is not an object.")
        if kind == "users":
            ref = _user(item, site)
            if ref is not None:
                page.records.append(Person(ref, ref.name, None, _text(item.get("location")), i))
                page.members.append(ref.keys[0][2])
            continue
        owner = _user(item.get("owner"), site)
        if kind == "questions":
            if "question_id" not in item:
                raise CollectError(f"The answer of {answer.url}: question {i} has no id.")
            body, _ = html_text(item.get("body") or "")
            text = " ".join(filter(None, [_text(item.get("title")), body])) or None
            tags = tuple(str(t).lower() for t in item.get("tags") or [])
            key = f"{site}:q:{item['question_id']}"
            page.records.append(
                Post(
                    NAME,
                    key,
                    owner,
                    _int(item.get("creation_date")),
                    text,
                    site,
                    url=_text(item.get("link")),
                    tags=tags,
                    line=i,
                )
            )
        else:
            if "answer_id" not in item:
                raise CollectError(f"The answer of {answer.url}: answer {i} has no id.")
            body, _ = html_text(item.get("body") or "")
            key = f"{site}:a:{item['answer_id']}"
            question = f"{site}:q:{item['question_id']}" if "question_id" in item else None
            page.records.append(
                Post(
                    NAME,
                    key,
                    owner,
                    _int(item.get("creation_date")),
                    body or None,
                    site,
                    reply_to=question,
                    line=i,
                )
            )
        if owner is not None:
            page.members.append(owner.keys[0][2])
    if data.get("quota_remaining") == 0 and data.get("has_more"):
        raise QuotaSpent(
            f"The Stack Exchange quota is spent ({data.get('quota_max')} requests a day for "
            f"this address; {answer.url}). Run the same command tomorrow to resume, or pass "
            "an API key (--key) for a larger quota."
        )
    if data.get("has_more"):
        page.cursor = str(int(answer_page(answer)) + 1)
    return page


def answer_page(answer: Answer) -> int:
    from urllib.parse import parse_qs, urlsplit

    return int(parse_qs(urlsplit(answer.url).query).get("page", ["1"])[0])


def _user(owner: Any, site: str) -> PersonRef | None:
    if not isinstance(owner, dict) or owner.get("user_id") is None:
        return None  # a deleted or anonymous user
    keys = [identity(NAME, "id", f"{site}:{owner['user_id']}")]
    if isinstance(owner.get("link"), str):
        keys.append(identity("", "url", owner["link"]))
    name = owner.get("display_name")
    if isinstance(name, str):
        name, _ = html_text(name)
    return PersonRef(tuple(keys), name or None)


def _text(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def _int(value: Any) -> int | None:
    return int(value) if isinstance(value, int | float) else None
