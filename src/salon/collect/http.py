"""The polite HTTP client of ``salon collect``: the only code in Salon that opens a connection.

One :class:`Fetcher` per job: an ``httpx.AsyncClient`` with a bounded pool (``concurrency``
requests in flight), a pace (at most ``rate`` requests a second), the servers' own limits
honoured (``Retry-After`` on 429 and 503; ``RateLimit-*`` / ``X-RateLimit-*`` headers: when
the window is nearly spent it waits for the reset), retries of 5xx answers and dropped
connections with exponential backoff and jitter, the HTTP cache (:mod:`salon.collect.cache`),
a budget of requests, and an identifying ``User-Agent``. Every failure is a
:class:`CollectError` that names the URL and what went wrong.
"""

from __future__ import annotations

import asyncio
import email.utils
import json
import random
import time
from dataclasses import dataclass, field
from typing import Any

import httpx

from salon import __version__
from salon.collect.cache import HttpCache
from salon.errors import SalonError

#: Where Salon says it comes from, in every request's User-Agent.
PROJECT_URL = "https://github.com/salon-engine/salon"
USER_AGENT = f"Salon/{__version__} (+{PROJECT_URL})"

#: Retries of one request after a 5xx answer or a dropped connection.
RETRIES = 4
#: Longest wait for a server's ``Retry-After`` or rate-limit reset before the job stops
#: (and can be resumed later).
MAX_WAIT = 300.0


class CollectError(SalonError):
    """A collection failed: the server is unreachable, refused, or answered nonsense."""


class BudgetSpent(Exception):
    """The job's ``--max-requests`` are used: it stops here and can be resumed."""


class QuotaSpent(CollectError):
    """The server's quota for this client is spent (Stack Exchange ``quota_remaining`` 0)."""


@dataclass
class Answer:
    """One answer: the URL asked, its status, headers (lower-case names), body, when it was
    fetched (Unix seconds) and whether the cache answered it."""

    url: str
    status: int
    headers: dict[str, str]
    body: bytes
    fetched_at: float
    cached: bool = False

    def json(self) -> Any:
        """The body as JSON, or a :class:`CollectError` naming the URL and the problem."""
        try:
            return json.loads(self.body)
        except ValueError as exc:
            start = self.body[:60].decode("utf-8", "replace")
            raise CollectError(
                f"The answer of {self.url} is not JSON ({exc}; it starts {start!r}). "
                "Check --base-url: it should be the server's API, not a web page."
            ) from None


@dataclass
class Counters:
    requests: int = 0
    cached: int = 0
    revalidated: int = 0
    retries: int = 0
    waited: float = 0.0
    by_status: dict[int, int] = field(default_factory=dict)


def retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` value (seconds, or an HTTP date).

    >>> retry_after("2"), retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412470.0)
    (2.0, 10.0)
    >>> retry_after("soon") is None
    True
    """
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError):
        return None
    return max(0.0, when - (time.time() if now is None else now))


def reset_in(headers: dict[str, str], now: float | None = None) -> float | None:
    """Seconds until a rate-limit window resets, from ``RateLimit-Reset`` (seconds left, or a
    Unix time as Bluesky sends) or ``X-RateLimit-Reset`` (an ISO time, as Mastodon sends).

    >>> reset_in({"ratelimit-reset": "1747676784"}, now=1747676700.0)
    84.0
    >>> reset_in({"x-ratelimit-reset": "2025-07-17T13:45:00Z"}, now=1752759840.0)
    60.0
    >>> reset_in({"ratelimit-reset": "30"})
    30.0
    """
    now = time.time() if now is None else now
    value = headers.get("ratelimit-reset") or headers.get("x-ratelimit-reset")
    if not value:
        return None
    try:
        number = float(value)
    except ValueError:
        from salon.dates import parse_time

        try:
            return max(0.0, parse_time(value) - now)
        except ValueError:
            return None
    return max(0.0, number - now) if number > 1e9 else max(0.0, number)


def remaining(headers: dict[str, str]) -> int | None:
    value = headers.get("ratelimit-remaining") or headers.get("x-ratelimit-remaining")
    try:
        return int(float(value)) if value is not None else None
    except ValueError:
        return None


class Fetcher:
    """Fetches URLs politely; one per job (see the module's docstring).

    ``max_requests`` counts requests sent to the server (answers from the cache are free);
    ``max_age`` is how old a cached answer may be to be reused without asking (seconds;
    ``0`` always revalidates); ``backoff`` is the first retry's wait in seconds.
    """

    def __init__(
        self,
        *,
        cache: HttpCache | None,
        concurrency: int = 8,
        rate: float = 10.0,
        max_requests: int | None = None,
        max_age: float = 86400.0,
        backoff: float = 1.0,
        timeout: float = 30.0,
        max_wait: float = MAX_WAIT,
    ):
        self.cache = cache
        self.concurrency = concurrency
        self.rate = rate
        self.max_requests = max_requests
        self.max_age = max_age
        self.backoff = backoff
        self.max_wait = max_wait
        self.counters = Counters()
        self._timeout = timeout
        self._client: httpx.AsyncClient | None = None
        self._pace = asyncio.Lock()
        self._next_start = 0.0
        self._paused_until = 0.0
        self._slots = asyncio.Semaphore(concurrency)
        self._fresh: list[Answer] = []

    async def __aenter__(self) -> Fetcher:
        self._client = httpx.AsyncClient(
            headers={"User-Agent": USER_AGENT, "Accept": "application/json, */*;q=0.5"},
            timeout=self._timeout,
            limits=httpx.Limits(
                max_connections=self.concurrency, max_keepalive_connections=self.concurrency
            ),
            follow_redirects=True,
            trust_env=False,
        )
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.keep()
        if self._client is not None:
            await self._client.aclose()

    @property
    def spent(self) -> bool:
        return self.max_requests is not None and self.counters.requests >= self.max_requests

    async def get(self, url: str, params: dict[str, Any] | None = None) -> Answer:
        """The answer of ``url`` (with ``params``), from the cache when fresh enough."""
        full = str(httpx.URL(url, params=params)) if params else url
        kept = self.cache.get(full) if self.cache is not None else None
        now = time.time()
        if kept is not None and now - kept.fetched_at <= self.max_age:
            self.counters.cached += 1
            return Answer(full, kept.status, kept.headers, kept.body, kept.fetched_at, True)
        headers = {}
        if kept is not None:
            if etag := kept.headers.get("etag"):
                headers["If-None-Match"] = etag
            if modified := kept.headers.get("last-modified"):
                headers["If-Modified-Since"] = modified
        async with self._slots:
            response = await self._send(full, headers)
        fetched = time.time()
        if response.status_code == 304 and kept is not None:
            self.counters.revalidated += 1
            if self.cache is not None:
                self.cache.touch(full, fetched)
            return Answer(full, kept.status, kept.headers, kept.body, fetched, True)
        answer = Answer(
            full,
            response.status_code,
            {k.lower(): v for k, v in response.headers.items()},
            response.content,
            fetched,
        )
        self._fresh.append(answer)
        return answer

    def keep(self) -> None:
        """Write the answers fetched since the last call to the cache, in one transaction."""
        fresh, self._fresh = self._fresh, []
        if self.cache is not None and fresh:
            self.cache.put_many([(a.url, a.status, a.headers, a.body, a.fetched_at) for a in fresh])

    async def _wait_turn(self) -> None:
        """Pace request starts at ``rate`` a second, and wait out a pause the server asked."""
        async with self._pace:
            now = time.monotonic()
            start = max(now, self._next_start, self._paused_until)
            if self.rate > 0:
                self._next_start = start + 1.0 / self.rate
            if start > now:
                self.counters.waited += start - now
                await asyncio.sleep(start - now)

    def _pause(self, seconds: float, url: str, why: str) -> None:
        if seconds > self.max_wait:
            raise CollectError(
                f"{why} ({url}) for {seconds:.0f} s, longer than Salon waits "
                f"({self.max_wait:.0f} s). Run the same command later: the job resumes "
                "where it stopped."
            )
        self._paused_until = max(self._paused_until, time.monotonic() + seconds)

    async def _send(self, url: str, headers: dict[str, str]) -> httpx.Response:
        assert self._client is not None, "use the Fetcher in 'async with'"
        attempt = 0
        while True:
            if self.spent and attempt == 0:  # a request begun may finish its retries
                raise BudgetSpent
            await self._wait_turn()
            self.counters.requests += 1
            try:
                response = await self._client.get(url, headers=headers)
            except httpx.HTTPError as exc:
                if attempt >= RETRIES:
                    raise CollectError(
                        f"Could not reach {url}: {type(exc).__name__} {exc} (tried "
                        f"{attempt + 1} times). Check the address (--base-url / --instance) "
                        "and your connection."
                    ) from None
                attempt += 1
                self.counters.retries += 1
                await self._backoff(attempt)
                continue
            status = response.status_code
            self.counters.by_status[status] = self.counters.by_status.get(status, 0) + 1
            lowered = {k.lower(): v for k, v in response.headers.items()}
            left = remaining(lowered)
            if left is not None and left <= 1 and status < 400:
                wait = reset_in(lowered)
                if wait:
                    self._pause(wait, url, "The server's rate limit is spent")
            if status in (429, 503) and attempt < RETRIES:
                wait = retry_after(lowered.get("retry-after"))
                if wait is None:
                    wait = reset_in(lowered)
                if wait is None:
                    wait = self.backoff * 2**attempt
                self._pause(wait, url, f"The server asked Salon to wait (HTTP {status})")
                attempt += 1
                self.counters.retries += 1
                continue
            if status >= 500 and attempt < RETRIES:
                attempt += 1
                self.counters.retries += 1
                await self._backoff(attempt)
                continue
            if status >= 400 and status != 304:
                raise CollectError(_refusal(url, status, response.content, attempt))
            return response

    async def _backoff(self, attempt: int) -> None:
        """Exponential backoff with full jitter: up to ``backoff * 2**(attempt-1)`` seconds."""
        wait = self.backoff * 2 ** (attempt - 1) * (0.5 + random.random() / 2)
        self.counters.waited += wait
        await asyncio.sleep(wait)


def _refusal(url: str, status: int, body: bytes, attempt: int) -> str:
    """The message for a 4xx or a 5xx after its retries: the server's own words if any."""
    said = ""
    try:
        data = json.loads(body)
    except ValueError:
        data = None
    if isinstance(data, dict):
        words = [
            str(data[k])
            for k in ("error", "message", "error_message", "error_name", "error_description")
            if isinstance(data.get(k), str | int) and data.get(k) != ""
        ]
        said = ": " + " — ".join(dict.fromkeys(words)) if words else ""
    if status == 404:
        hint = "Check the account, tag or item named, and --base-url / --instance."
    elif status in (401, 403):
        hint = "Salon only reads public endpoints; this one needs an account."
    elif status == 429:
        hint = "The server keeps refusing for too many requests; run the same command later."
    elif status >= 500:
        hint = f"The server failed {attempt + 1} times; run the same command later to resume."
    else:
        hint = "Check the options given."
    return f"{url} answered HTTP {status}{said}. {hint}"
