"""A collection job: a queue of tasks, their cursors, and the pages written to the store.

A job lives in a folder under :func:`collect_dir` (``jobs/NAME/``):

``job.json``      what was asked (source, base URL, options), the tasks started with their
                  cursors, how far the queue was taken, requests spent, status; written
                  atomically (a temporary file renamed over it) after each wave's records are
                  committed, never before
``tasks.jsonl``   the queue, one task a line (seeds first, then the accounts found when
                  expanding to ``--depth``); lines past the count ``job.json`` knows are
                  dropped when the job resumes
``members.txt``   the identity values of the accounts collected (``--as-segment``)
``lake/``         with ``--lake``: what is bound for the market lake (:mod:`salon.collect.lake`)
``lock``          the pid of the process running the job, which holds a lock on the file
                  while it runs (a job whose status says ``running`` but whose lock nobody
                  holds was interrupted: Ctrl-C, a kill; see :func:`running`)

A wave fetches up to ``4 × concurrency`` tasks' next pages at once, writes their records
through the store's :class:`~salon.store.writer.Writer` in one transaction
(:mod:`salon.collect.page_writer`: one import row a run; each page a ``files`` row named by
its URL and fetch time, keyed by its content hash; ``line`` the record's index in the page),
commits, and only then saves the cursors. A job killed at any moment resumes from its last
saved wave; a page written twice changes nothing (rows are upserted on stable keys).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from salon.collect.cache import HttpCache
from salon.collect.http import Answer, BudgetSpent, CollectError, Fetcher
from salon.collect.lake import LakeSpool
from salon.collect.lock import hold
from salon.collect.page_writer import page_writer
from salon.model import Record
from salon.private import open_private, private_dir
from salon.store import Store

Task = dict[str, Any]
#: ``progress(pages_done, tasks_known, records_written)``
Progress = Callable[[int, int, int], None]


@dataclass
class Page:
    """What a source reads from one answer: records, the next cursor (``None``: the task is
    done), tasks it adds (accounts found, to the job's depth) and accounts collected."""

    records: list[Record] = field(default_factory=list)
    cursor: str | None = None
    children: list[Task] = field(default_factory=list)
    members: list[str] = field(default_factory=list)


@dataclass
class CollectReport:
    """What a run did: the job, its status (``done``; ``stopped``: the budget was spent),
    pages and records written, requests sent, answers from the cache, retries, the import
    row, the segment named, where the job's state lives."""

    job: str
    source: str
    status: str = "running"
    pages: int = 0
    records: int = 0
    requests: int = 0
    cached: int = 0
    retries: int = 0
    waited_s: float = 0.0
    tasks: int = 0
    tasks_left: int = 0
    members: int = 0
    import_id: int | None = None
    lake: bool = False
    lake_edges: int = 0
    lake_edges_added: int = 0
    lake_posts: int = 0
    lake_posts_added: int = 0
    segment: str | None = None
    state: str = ""
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def data_dir() -> Path:
    """Salon's data folder, beside the default store: ``$XDG_DATA_HOME/salon`` or
    ``~/.local/share/salon``."""
    base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "salon"


def collect_dir(store: Store) -> Path:
    """``<data dir>/collect/<store UUID>``: jobs and the HTTP cache of one store (its UUID from
    ``store_meta``, so a PostgreSQL store has its own too)."""
    from salon.graph.snapshot import store_identity

    with store.engine.connect() as connection:
        uuid = store_identity(connection) or hashlib.sha256(store.url.encode()).hexdigest()[:32]
    return data_dir() / "collect" / uuid


def job_name(source: str, seeds: list[Task], options: dict[str, Any], base: str) -> str:
    """A job's default name: the source and a digest of what it asks (same ask, same job).

    >>> job_name("bluesky", [{"kind": "profile", "actor": "a"}], {}, "https://x")[:8]
    'bluesky-'
    """
    text = json.dumps([source, base, seeds, options], sort_keys=True)
    return f"{source}-{hashlib.sha256(text.encode()).hexdigest()[:10]}"


def _key(task: Task) -> str:
    """A task's identity: what it asks, whatever level it was found at (first found wins)."""
    return json.dumps({k: v for k, v in task.items() if k not in ("level", "grow")}, sort_keys=True)


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to a temporary file beside ``path``, flush it to disk, rename it over."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open_private(temporary, "w", encoding="utf-8") as out:
        out.write(text)
        out.flush()
        os.fsync(out.fileno())
    os.replace(temporary, path)


class Job:
    """One collection job of ``source`` (a module of :mod:`salon.collect`) on ``store``."""

    def __init__(
        self,
        store: Store,
        source: ModuleType,
        seeds: list[Task],
        *,
        options: dict[str, Any] | None = None,
        base_url: str | None = None,
        name: str | None = None,
        command: str | None = None,
    ):
        self.store = store
        self.command = command  # the command line that resumes the job (the one that ran it)
        self.source = source
        self.options = options or {}
        self.base = (base_url or source.DEFAULT_BASE).rstrip("/")
        self.name = name or job_name(source.NAME, seeds, self.options, self.base)
        self.root = private_dir(private_dir(collect_dir(store)) / "jobs")
        self.dir = private_dir(self.root / self.name)
        self.seeds = seeds
        self.state_path = self.dir / "job.json"
        self.tasks_path = self.dir / "tasks.jsonl"
        self.members_path = self.dir / "members.txt"
        self.tasks: list[Task] = []
        self.seen: set[str] = set()
        self.state: dict[str, Any] = {}
        self.lake: LakeSpool | None = None
        #: What the job's import rows (and lake imports) are named.
        self.label = f"salon collect {source.NAME} {self.base} (job {self.name})"
        if self.options.get("lake"):
            self.lake = LakeSpool(store, self.dir / "lake", source.NAME, self.label)

    # -- state ---------------------------------------------------------------------------

    def _load(self, restart: bool) -> bool:
        """Load the saved state (True: resuming) or start anew."""
        if self.state_path.exists() and not restart:
            state = json.loads(self.state_path.read_text(encoding="utf-8"))
            if state.get("status") != "done":
                self.state = state
                self.tasks = self._read_tasks(state["tasks"])
                self._truncate(self.members_path, state["members"])
                self.seen = {_key(t) for t in self.tasks}
                if self.lake is not None:
                    self.lake.start(state.get("lake"))
                return True
        self.state = {
            "source": self.source.NAME,
            "base_url": self.base,
            "options": self.options,
            "seeds": len(self.seeds),
            "next": 0,
            "active": {},
            "tasks": 0,
            "members": 0,
            "requests": 0,
            "status": "running",
            "created_at": int(time.time()),
        }
        if self.command:
            self.state["command"] = self.command
        self.tasks, self.seen = [], set()
        with open_private(self.tasks_path, "w", encoding="utf-8"):
            pass
        with open_private(self.members_path, "w", encoding="utf-8"):
            pass
        self._add_tasks(self.seeds)
        if self.lake is not None:
            self.lake.start(None)
            self.state["lake"] = self.lake.state()
        self._save()
        return False

    def _read_tasks(self, count: int) -> list[Task]:
        tasks = []
        with open(self.tasks_path, encoding="utf-8") as stream:
            for line in stream:
                if len(tasks) == count:
                    break
                tasks.append(json.loads(line))
        if len(tasks) < count:
            raise CollectError(
                f"The job '{self.name}' is damaged: {self.tasks_path} holds {len(tasks)} "
                f"tasks, its state {count}. Start it anew with --restart."
            )
        self._truncate(self.tasks_path, count)
        return tasks

    @staticmethod
    def _truncate(path: Path, lines: int) -> None:
        """Keep the first ``lines`` lines (those the saved state knows of)."""
        if not path.exists():
            return
        with open(path, "rb+") as stream:
            for _ in range(lines):
                if not stream.readline():
                    break
            stream.truncate()

    def _add_tasks(self, tasks: list[Task]) -> None:
        new = []
        for task in tasks:
            key = _key(task)
            if key not in self.seen:
                self.seen.add(key)
                new.append(task)
        if new:
            with open(self.tasks_path, "a", encoding="utf-8") as out:
                out.writelines(json.dumps(t, sort_keys=True) + "\n" for t in new)
            self.tasks.extend(new)
        self.state["tasks"] = len(self.tasks)

    def _add_members(self, members: list[str]) -> None:
        if members:
            with open(self.members_path, "a", encoding="utf-8") as out:
                out.writelines(m + "\n" for m in members)
            self.state["members"] += len(members)

    def _save(self, state: dict[str, Any] | None = None) -> None:
        state = self.state if state is None else state
        state["updated_at"] = int(time.time())
        write_atomic(self.state_path, json.dumps(state, indent=1, sort_keys=True))
        if self.lake is not None and "lake" in state:
            self.lake.clean(state["lake"]["part"])

    def members(self) -> list[str]:
        """The identity values of every account the job collected, once each."""
        if not self.members_path.exists():
            return []
        lines = self.members_path.read_text(encoding="utf-8").splitlines()
        return list(dict.fromkeys(m for m in lines if m))

    # -- running -------------------------------------------------------------------------

    def run(
        self,
        *,
        max_requests: int | None = None,
        concurrency: int = 8,
        rate: float | None = None,
        max_age: float = 86400.0,
        backoff: float = 1.0,
        restart: bool = False,
        progress: Progress | None = None,
        merge: bool = True,
    ) -> CollectReport:
        """Run (or resume) the job until its queue is empty or ``max_requests`` are spent."""
        with hold(self.dir / "lock", self.name):
            return self._run(
                max_requests=max_requests,
                concurrency=concurrency,
                rate=rate,
                max_age=max_age,
                backoff=backoff,
                restart=restart,
                progress=progress,
                merge=merge,
            )

    def _run(
        self,
        *,
        max_requests: int | None,
        concurrency: int,
        rate: float | None,
        max_age: float,
        backoff: float,
        restart: bool,
        progress: Progress | None,
        merge: bool,
    ) -> CollectReport:
        started = time.time()
        resumed = self._load(restart)
        if self.command and self.state.get("command") is None:
            self.state["command"] = self.command
        report = CollectReport(self.name, self.source.NAME, state=str(self.dir))
        cache = HttpCache(self.root.parent / "http-cache.sqlite")
        try:
            fetcher = Fetcher(
                cache=cache,
                concurrency=concurrency,
                rate=self.source.RATE if rate is None else rate,
                max_requests=max_requests,
                max_age=max_age,
                backoff=backoff,
            )
            writing = page_writer(
                self.store,
                report,
                source=self.source.NAME,
                label=self.label,
                lake=self.lake,
                resumed=resumed,
            )
            with writing as write:
                executor = ThreadPoolExecutor(1, thread_name_prefix="salon-collect-writer")
                try:
                    asyncio.run(self._loop(fetcher, write, concurrency, report, progress, executor))
                finally:
                    executor.shutdown(wait=True)  # a wave being written is committed first
                if merge and report.import_id is not None:
                    write(None)  # names linked, duplicates merged
                self._count(report, fetcher, started)
        finally:
            cache.close()
            self._count(report, fetcher, started)
        return report

    def _count(self, report: CollectReport, fetcher: Fetcher, started: float) -> None:
        c = fetcher.counters
        report.requests, report.cached, report.retries = c.requests, c.cached, c.retries
        report.waited_s = round(c.waited, 3)
        report.tasks = len(self.tasks)
        report.tasks_left = len(self.tasks) - self.state["next"] + len(self.state["active"])
        report.members = len(self.members())
        if self.lake is not None:
            report.lake = True
            for name in ("edges", "edges_added", "posts", "posts_added"):
                setattr(report, f"lake_{name}", self.lake.counts[name])
        report.seconds = round(time.time() - started, 3)

    async def _loop(
        self,
        fetcher: Fetcher,
        write: Callable[[list[tuple[Answer, Page]] | None], None],
        concurrency: int,
        report: CollectReport,
        progress: Progress | None,
        executor: ThreadPoolExecutor,
    ) -> None:
        """Waves of pages: while one wave's records are written and committed (in the writer
        thread), the next wave is fetched; a wave's state is saved once it is committed."""
        wave = max(1, 4 * concurrency)
        loop = asyncio.get_running_loop()
        writing: asyncio.Future[None] | None = None
        snapshot: dict[str, Any] = {}
        sent = self.state["requests"]

        async def settle() -> None:
            nonlocal writing
            if writing is not None:
                try:
                    await writing
                finally:
                    writing = None
                if self.lake is not None:
                    snapshot["lake"] = self.state["lake"] = self.lake.state()
                self._save(snapshot)
                if progress:
                    progress(report.pages, len(self.tasks), report.records)

        async with fetcher:
            while True:
                active: dict[str, str | None] = self.state["active"]
                while len(active) < wave and self.state["next"] < len(self.tasks):
                    active[str(self.state["next"])] = None
                    self.state["next"] += 1
                if not active:
                    await settle()
                    self._land()
                    self.state["status"] = report.status = "done"
                    self._save()
                    return
                chosen = list(active.items())[:wave]
                fetching = asyncio.gather(
                    *(self._page(fetcher, int(i), cursor) for i, cursor in chosen),
                    return_exceptions=True,
                )
                # Cancelled by Ctrl-C, its CancelledError is read here, not reported by
                # asyncio as never retrieved.
                fetching.add_done_callback(lambda f: f.cancelled() or f.exception())
                try:
                    await settle()
                except BaseException:
                    fetching.cancel()
                    raise
                results = await fetching
                fetcher.keep()
                pages = [(i, r) for (i, _), r in zip(chosen, results, strict=True)]
                done = [(i, r) for i, r in pages if isinstance(r, tuple)]
                failure = next((r for _, r in pages if isinstance(r, BaseException)), None)
                for i, (_answer, page) in done:
                    if page.cursor is None:
                        del active[i]
                    else:
                        active[i] = page.cursor
                    self._add_tasks(page.children)
                    self._add_members(page.members)
                    report.pages += 1
                    report.records += len(page.records)
                self.state["requests"] = sent + fetcher.counters.requests
                snapshot = json.loads(json.dumps(self.state))
                if done:
                    writing = loop.run_in_executor(executor, write, [r for _, r in done])
                if failure is None:
                    continue
                await settle()
                self._land()
                if isinstance(failure, BudgetSpent):
                    self.state["status"] = report.status = "stopped"
                    self._save()
                    return
                self.state["status"] = "failed"
                self._save()
                raise failure

    def _land(self) -> None:
        """Land what the lake spool holds (the job stops here: done, budget, failure)."""
        if self.lake is not None:
            self.lake.land()
            self.state["lake"] = self.lake.state()

    async def _page(self, fetcher: Fetcher, index: int, cursor: str | None) -> tuple[Answer, Page]:
        task = self.tasks[index]
        url, params = self.source.request(self.base, task, cursor, self.options)
        answer = await fetcher.get(url, params)
        page = self.source.parse(task, answer, self.options)
        if page.cursor is not None and page.cursor == cursor:
            page.cursor = None  # a server repeating its cursor would loop forever
        return answer, page
