"""``salon collect``: public market data from open networks, on the user's explicit request.

The only part of Salon that opens network connections. One module a source —
:mod:`~salon.collect.bluesky` (public AppView XRPC), :mod:`~salon.collect.mastodon` (any
instance's REST API), :mod:`~salon.collect.stackexchange` (API 2.x),
:mod:`~salon.collect.hackernews` (Firebase API) and :mod:`~salon.collect.rss` (RSS/Atom
through feedparser) — each with ``NAME``, ``DEFAULT_BASE``, ``RATE``, ``seeds(…)``, ``request``
and ``parse``; the polite client in :mod:`~salon.collect.http`, the HTTP cache in
:mod:`~salon.collect.cache`, resumable jobs in :mod:`~salon.collect.job`.

Where things live (``<data>`` is ``$XDG_DATA_HOME/salon``, else ``~/.local/share/salon``;
``<uuid>`` the store's identity from ``store_meta``, so each store, SQLite or PostgreSQL, has
its own)::

    <data>/collect/<uuid>/http-cache.sqlite     answers kept (URL → body, validators)
    <data>/collect/<uuid>/jobs/<job>/job.json   a job's cursors, budget used, status
    <data>/collect/<uuid>/segments/<name>.txt   accounts of a segment named --as-segment
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from pathlib import Path
from types import ModuleType
from typing import Any

from salon.store import Store

SOURCES = ("bluesky", "mastodon", "stackexchange", "hackernews", "rss")


def source(name: str) -> ModuleType:
    """The module of a source by name."""
    from salon.errors import SalonError

    if name not in SOURCES:
        raise SalonError(f"Unknown source '{name}'. Salon collects from {', '.join(SOURCES)}.")
    return importlib.import_module(f"salon.collect.{name}")


def collect(
    store: Store,
    source_name: str,
    seeds: Mapping[str, Any] | list[dict[str, Any]],
    *,
    options: dict[str, Any] | None = None,
    base_url: str | None = None,
    job: str | None = None,
    as_segment: str | None = None,
    max_requests: int | None = None,
    concurrency: int = 8,
    rate: float | None = None,
    max_age: float = 86400.0,
    backoff: float = 1.0,
    restart: bool = False,
    progress: Callable[[int, int, int], None] | None = None,
    lake: bool | None = None,
    command: str | None = None,
) -> Any:
    """Run (or resume) a collection job and name its accounts as a segment; returns the
    :class:`~salon.collect.job.CollectReport`.

    ``seeds`` are the keyword arguments of the source's ``seeds`` function (e.g. Bluesky's
    ``{"followers_of": ["@ana.bsky.social"], "depth": 1}``), or the tasks it made.
    ``lake``: the follows collected go to the market lake, not the store (``None``: when the
    job is a market crawl, ``depth`` 2 or more; see :mod:`salon.collect.lake`).
    ``command``: the command line that resumes the job, which :func:`jobs` shows for one
    that was interrupted.

    Examples
    --------
    >>> import salon
    >>> store = salon.open_store(":memory:")
    >>> salon.collect_from(store, "rss", {"feeds": []})
    Traceback (most recent call last):
    ...
    salon.errors.SalonError: Nothing to collect: name what to collect from rss (see --help).
    """
    from salon.collect.job import Job
    from salon.errors import SalonError

    module = source(source_name)
    tasks = module.seeds(**seeds) if isinstance(seeds, Mapping) else list(seeds)
    if not tasks:
        raise SalonError(
            f"Nothing to collect: name what to collect from {source_name} (see --help)."
        )
    from salon.collect.lake import market_crawl

    options = dict(options or {})
    if market_crawl(options) if lake is None else lake:
        options["lake"] = True
    runner = Job(
        store, module, tasks, options=options, base_url=base_url, name=job, command=command
    )
    report = runner.run(
        max_requests=max_requests,
        concurrency=concurrency,
        rate=rate,
        max_age=max_age,
        backoff=backoff,
        restart=restart,
        progress=progress,
    )
    if as_segment:
        name_segment(store, runner.members(), as_segment, runner.root.parent)
        report.segment = as_segment
    return report


def name_segment(store: Store, members: list[str], name: str, folder: Path) -> Any:
    """Store the segment ``name``: the accounts listed in ``<folder>/segments/<name>.txt``."""
    import salon
    from salon.collect.job import write_atomic
    from salon.errors import SalonError
    from salon.private import private_dir

    if not members:
        raise SalonError(
            f"The job collected no accounts yet, so there is no segment '{name}' to name. "
            "Run it (longer) first."
        )
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in name)
    path = private_dir(folder / "segments") / f"{safe}.txt"
    write_atomic(path, "".join(f"{m}\n" for m in members))
    return salon.add_segment(store, name, f"file:{path}", replace=True)


def jobs(store: Store) -> list[dict[str, Any]]:
    """The store's collection jobs: name, source, status, tasks, requests, last update.

    ``status`` is ``running`` only while a process runs the job (``pid``); a job whose run
    was interrupted (Ctrl-C, a kill) is ``interrupted``. ``resume``: the command that goes
    on with a job that is not done and not running (the one that started it, where known).

    Examples
    --------
    >>> import salon
    >>> salon.collect_jobs(salon.open_store(":memory:"))
    []
    """
    import json

    from salon.collect.job import collect_dir
    from salon.collect.lock import running

    found = []
    for path in sorted((collect_dir(store) / "jobs").glob("*/job.json")):
        state = json.loads(path.read_text(encoding="utf-8"))
        status = state.get("status")
        pid = running(path.parent)
        if status == "running" and pid is None:
            status = "interrupted"
        resume = None
        if status in ("interrupted", "stopped", "failed"):
            resume = state.get("command") or (
                f"the command that started it, again (salon collect {state.get('source')} "
                f"… --job {path.parent.name})"
            )
        found.append(
            {
                "job": path.parent.name,
                "source": state.get("source"),
                "base_url": state.get("base_url"),
                "status": status,
                "pid": pid,
                "tasks": state.get("tasks"),
                "tasks_left": state.get("tasks", 0)
                - state.get("next", 0)
                + len(state.get("active", {})),
                "requests": state.get("requests"),
                "updated_at": state.get("updated_at"),
                "resume": resume,
                "state": str(path),
            }
        )
    return found
