"""What every route module shares: the app's state, rendering a page, caching an answer per
state of the store, and the errors a route raises."""

from __future__ import annotations

import json
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fastapi import HTTPException, Request
from fastapi.responses import HTMLResponse

from salon.errors import SalonError

if TYPE_CHECKING:
    from jinja2 import Environment

    from salon.store import Store

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"


@dataclass
class WebState:
    """The app's state: its store, token, cookie names, the answers cached per store state."""

    store: Store
    token: str
    token_cookie: str
    csrf_cookie: str
    include_private: bool = False
    env: Environment | None = None
    cache: OrderedDict[Any, Any] = field(default_factory=OrderedDict)
    cache_size: int = 64
    lock: threading.Lock = field(default_factory=threading.Lock)
    #: One analysis at a time: the heavy ones use every core already.
    heavy: threading.Lock = field(default_factory=threading.Lock)
    imports: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: The store's state and when it was read: read again after :data:`STAMP_SECONDS`, or
    #: at once after a change made through the app (:func:`changed`).
    stamp: tuple[str, float] = ("", 0.0)
    pending: dict[Any, threading.Lock] = field(default_factory=dict)
    #: Files made for download (exports, reports, invitations): id -> (path, name, type).
    downloads: dict[str, tuple[Path, str, str]] = field(default_factory=dict)
    #: Collection jobs started from the browser while the server runs.
    collects: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: Writes made through the app: part of the store's state as the cache sees it.
    writes: int = 0
    #: Held by the one thread reading the store's state (the others keep the last one).
    stamp_lock: threading.Lock = field(default_factory=threading.Lock)
    #: Finished answers (JSON or pages, bytes) per store state: see :mod:`salon.web.answers`.
    bodies: OrderedDict[Any, bytes] = field(default_factory=OrderedDict)
    body_bytes: int = 0
    #: The event loop and its limit on threads for per-request reads (answers.limiter).
    limiter: tuple[Any, Any] | None = None


def state(request: Request) -> WebState:
    return request.app.state.salon  # type: ignore[no-any-return]


def store_stamp(store: Store) -> str:
    """What changes whenever the store's answers may: imports, merges, segments, notes."""
    from sqlalchemy import func, select

    from salon.graph.snapshot import store_state
    from salon.store.schema import accounts, goals, notes, segments, stakeholders

    with store.engine.connect() as connection:
        base = store_state(connection)
        seg = connection.execute(select(func.count(), func.max(segments.c.id))).one()
        # What only you know, and your goals: written by the CLI or by the app.
        written = [
            connection.execute(select(func.count(), func.max(table.c.id))).one()
            for table in (accounts, stakeholders, notes, goals)
        ]
    return json.dumps([base, *seg, *(list(row) for row in written)])


#: How long a read of the store's state holds: a change made by another process (the CLI)
#: shows within this; one made through the app at once.
STAMP_SECONDS = 1.0


def current_stamp(web: WebState) -> str:
    """The store's state as the cache sees it. When a read is due, one thread reads it; the
    others go on with the last one meanwhile if it is recent (a read was due within
    :data:`STAMP_SECONDS`), else — at the start, after a change made through the app, or after
    an idle spell, when the last read may predate a change the CLI made — they wait for it."""
    stamp, at = web.stamp
    age = time.monotonic() - at
    fresh = bool(stamp) and age <= 2 * STAMP_SECONDS
    if age > STAMP_SECONDS and web.stamp_lock.acquire(blocking=not fresh):
        try:
            stamp, at = web.stamp
            if time.monotonic() - at > STAMP_SECONDS:
                stamp = store_stamp(web.store)
                web.stamp = (stamp, time.monotonic())
        finally:
            web.stamp_lock.release()
    return f"{stamp}#{web.writes}"


def changed(request: Request) -> None:
    """The app changed the store: read its state again on the next request (and count the
    write, for changes no count or id shows: a stakeholder's new role, a goal replaced)."""
    web = state(request)
    web.writes += 1
    web.stamp = ("", 0.0)


def cached(request: Request, key: tuple[Any, ...], compute: Callable[[], Any]) -> Any:
    """``compute()``, kept while the store stays as it is (at most ``cache_size`` answers);
    two requests for one answer at once compute it once."""
    web = state(request)
    full = (current_stamp(web), *key)
    with web.lock:
        if full in web.cache:
            web.cache.move_to_end(full)
            return web.cache[full]
        gate = web.pending.setdefault(full, threading.Lock())
    with gate:
        with web.lock:
            if full in web.cache:
                return web.cache[full]
        started = time.perf_counter()
        try:
            value = compute()
        finally:
            with web.lock:
                web.pending.pop(full, None)
        if time.perf_counter() - started > LONG_SECONDS:
            settle()
        with web.lock:
            web.cache[full] = value
            while len(web.cache) > web.cache_size:
                web.cache.popitem(last=False)
    return value


#: An answer that took this long is large: :func:`settle` after it.
LONG_SECONDS = 0.25


def settle() -> None:
    """Collect the garbage, then leave what lives on (the kept answers: often a million
    objects) out of the collector's later full passes (``gc.freeze``): each pass over them
    took 0.3-0.4 s, and stopped every request meanwhile."""
    import gc

    gc.unfreeze()  # what an earlier freeze kept and has since been dropped is collected too
    gc.collect()
    gc.freeze()


def heavy(request: Request, compute: Callable[[], Any]) -> Any:
    """Run an analysis that uses every core, one at a time."""
    with state(request).heavy:
        return compute()


def render(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    """A page: ``template`` with ``context``, the CSRF token, the navigation and the API twin."""
    web = state(request)
    assert web.env is not None
    page = web.env.get_template(template).render(
        request=request,
        csrf=getattr(request.state, "csrf", ""),
        path=request.url.path,
        include_private=web.include_private,
        **context,
    )
    return HTMLResponse(page, status_code=status)


def not_found(message: str) -> HTTPException:
    return HTTPException(status_code=404, detail=message)


def bad_request(message: str) -> HTTPException:
    return HTTPException(status_code=400, detail=message)


def salon_error(exc: Exception) -> HTTPException:
    """A SalonError as the HTTP error it is: an unknown person is 404, the rest 400."""
    text = str(exc)
    missing = text.startswith(
        ("No person", "Nobody called", "No segment", "No import", "No goal", "No account")
    )
    return HTTPException(status_code=404 if missing else 400, detail=text)


def call(compute: Callable[[], Any]) -> Any:
    """``compute()`` with a SalonError (or a bad option's ValueError, as the CLI's usage
    errors) turned into its HTTP error."""
    try:
        return compute()
    except SalonError as exc:
        raise salon_error(exc) from exc
    except ValueError as exc:
        raise salon_error(SalonError(str(exc))) from exc


def wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/")


async def csrf_protect(request: Request) -> None:
    """Refuse a state-changing request authenticated by the cookie unless it repeats the CSRF
    cookie's value (form field ``csrf`` or header ``X-CSRF-Token``): 403."""
    from salon.web.security import SAFE_METHODS, same

    if request.method in SAFE_METHODS or getattr(request.state, "auth", None) != "cookie":
        return
    expected = request.cookies.get(state(request).csrf_cookie)
    given = request.headers.get("x-csrf-token")
    if given is None and request.headers.get("content-type", "").startswith(
        ("multipart/form-data", "application/x-www-form-urlencoded")
    ):
        form = await request.form()
        value = form.get("csrf")
        given = value if isinstance(value, str) else None
    if not same(given, expected):
        raise HTTPException(
            status_code=403,
            detail="This form's security token is missing or stale (a request from another "
            "site, or an old page): reload the page and send it again.",
        )
