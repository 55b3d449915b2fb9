"""Finished answers kept per state of the store: the bytes of a JSON answer or of a page,
served from the event loop when kept (no thread, no template, no encoder), built in a worker
thread when not.

A page is kept with a placeholder where its CSRF token goes, and each request gets the page
with its own token put there (escaped as the template would escape it): a kept page never
carries another client's token.

The store's state is read at most once a second (:func:`salon.web.common.current_stamp`); when
it is due, a worker thread reads it, never the event loop.
"""

from __future__ import annotations

import asyncio
import secrets
import threading
from collections.abc import Callable
from typing import Any

from fastapi import Request
from fastapi.responses import Response
from markupsafe import escape
from starlette.concurrency import run_in_threadpool

from salon.web import common
from salon.web.common import WebState, current_stamp, render, state

#: Where a kept page's CSRF token goes: random per process, so no data can carry it.
CSRF_SLOT = "csrf-slot-" + secrets.token_hex(16)
_SLOT = CSRF_SLOT.encode()

#: At most this many bytes of answers are kept (and at most :data:`MOST` answers).
BUDGET = 64 * 2**20
MOST = 4096

JSON = "application/json"
HTML = "text/html; charset=utf-8"


def stamp_is_fresh(web: WebState) -> bool:
    """Whether the store's state was read less than a second ago (no read is due)."""
    import time

    stamp, at = web.stamp
    return bool(stamp) and time.monotonic() - at <= common.STAMP_SECONDS


async def stamp_now(web: WebState) -> str:
    """The store's state as the cache sees it; read in a worker thread when it is due."""
    if stamp_is_fresh(web):
        return current_stamp(web)
    return await run_in_threadpool(current_stamp, web)


def _lookup(web: WebState, full: tuple[Any, ...]) -> bytes | None:
    with web.lock:
        body = web.bodies.get(full)
        if body is not None:
            web.bodies.move_to_end(full)
        return body


def _keep(web: WebState, full: tuple[Any, ...], body: bytes) -> None:
    with web.lock:
        old = web.bodies.pop(full, None)
        web.body_bytes -= len(old) if old is not None else 0
        web.bodies[full] = body
        web.body_bytes += len(body)
        while web.bodies and (web.body_bytes > BUDGET or len(web.bodies) > MOST):
            _, dropped = web.bodies.popitem(last=False)
            web.body_bytes -= len(dropped)


def _build(web: WebState, full: tuple[Any, ...], build: Callable[[], bytes]) -> bytes:
    """``build()`` once for ``full`` even when many requests miss at once."""
    with web.lock:
        gate = web.pending.setdefault(("body", full), threading.Lock())
    with gate:
        kept = _lookup(web, full)
        if kept is not None:
            return kept
        try:
            body = build()
        finally:
            with web.lock:
                web.pending.pop(("body", full), None)
    _keep(web, full, body)
    return body


async def kept_body(
    request: Request,
    key: tuple[Any, ...],
    build: Callable[[], bytes],
    limiter: Any | None = None,
    quick: tuple[Any, ...] | None = None,
) -> bytes:
    """The bytes ``build()`` makes for ``key``, kept while the store stays as it is; built in
    a worker thread (through ``limiter``, an anyio CapacityLimiter, when given), or on the
    event loop when the answer ``quick`` names is kept already (a page of a kept list)."""
    web = state(request)
    stamp = await stamp_now(web)
    full = (stamp, *key)
    body = _lookup(web, full)
    if body is not None:
        return body
    if quick is not None:
        with web.lock:
            ready = (stamp, *quick) in web.cache
        if ready:
            body = build()
            _keep(web, full, body)
            return body
    if limiter is None:
        return await run_in_threadpool(_build, web, full, build)
    import anyio.to_thread

    return await anyio.to_thread.run_sync(_build, web, full, build, limiter=limiter)


def json_bytes(data: Any) -> bytes:
    """``data`` as FastAPI sends a route's answer (pydantic's JSON mode, then Starlette's
    compact JSON): the bytes a route returning ``data`` sent before it was kept."""
    from fastapi.responses import JSONResponse
    from pydantic import TypeAdapter

    return bytes(JSONResponse(TypeAdapter(Any).dump_python(data, mode="json")).body)


def plain_json_bytes(data: Any) -> bytes:
    """``data``, plain JSON values already (Starlette's JSONResponse; FastAPI's encoder would
    walk every value first: slow for long lists of plain data)."""
    from fastapi.responses import JSONResponse

    return bytes(JSONResponse(data).body)


async def kept_json(
    request: Request,
    key: tuple[Any, ...],
    build: Callable[[], bytes],
    limiter: Any | None = None,
    quick: tuple[Any, ...] | None = None,
) -> Response:
    """A JSON answer kept as bytes (see :func:`kept_body`)."""
    body = await kept_body(request, ("json", *key), build, limiter, quick)
    return Response(body, media_type=JSON)


def page_bytes(request: Request, template: str, **context: Any) -> bytes:
    """A page rendered with :data:`CSRF_SLOT` for its CSRF token, to be kept."""
    request.state.csrf = CSRF_SLOT
    return bytes(render(request, template, **context).body)


async def kept_page(
    request: Request, build: Callable[[Request], bytes], key: tuple[Any, ...] = ()
) -> Response:
    """A page kept per path and query (and ``key``), with this request's own CSRF token.

    ``build(request)`` renders it (:func:`page_bytes`) in a worker thread on a miss."""
    token = getattr(request.state, "csrf", "")
    full = ("page", request.url.path, request.url.query, *key)

    def make() -> bytes:
        try:
            return build(request)
        finally:
            request.state.csrf = token

    body = await kept_body(request, full, make)
    return Response(with_token(body, token), media_type=HTML)


def with_token(body: bytes, token: str) -> bytes:
    """A kept page with ``token`` where its CSRF token goes, escaped as in the template."""
    return body.replace(_SLOT, str(escape(token)).encode())


def limiter(web: WebState, size: int = 4) -> Any:
    """A fair (first come, first served) limit on threads for answers that read the store
    per request: more threads only wait on the GIL and on the database's connections."""
    import anyio

    loop = asyncio.get_running_loop()
    if web.limiter is None or web.limiter[0] is not loop:
        web.limiter = (loop, anyio.CapacityLimiter(size))
    return web.limiter[1]
