"""A job's ``lock`` file: the pid of the process running it, which holds a lock on the file
while it runs (POSIX ``flock``, which the system lets go when the process dies, Ctrl-C or a
kill alike). A job whose saved status says ``running`` but whose lock nobody holds was
interrupted, and can be resumed.

>>> folder = Path("job-demo")
>>> folder.mkdir()
>>> running(folder) is None
True
>>> with hold(folder / "lock", "demo"):
...     running(folder) == os.getpid()
True
>>> running(folder) is None
True
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from salon.collect.http import CollectError

#: Tries at taking a job's lock, and the seconds between two.
_TRIES, _PAUSE = 50, 0.01


def _lock(stream: IO[Any], *, shared: bool = False) -> bool:
    """Take the lock of an open file without waiting: False when another process holds it."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover (not POSIX: the pid in the file tells)
        return True
    try:
        fcntl.flock(stream.fileno(), (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _pid_in(path: Path) -> int | None:
    try:
        return int(path.read_text(encoding="utf-8").strip() or 0) or None
    except (OSError, ValueError):
        return None


@contextmanager
def hold(path: Path, job: str) -> Iterator[None]:
    """Hold the lock at ``path`` while job ``job`` runs, its pid in the file; another process
    running the same job is a :class:`CollectError`."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    with os.fdopen(fd, "r+", encoding="utf-8") as stream:
        # A listing of the jobs (:func:`running`) holds a shared lock for an instant: wait it
        # out; a running job holds its lock for as long as it runs.
        for _ in range(_TRIES):
            if _lock(stream):
                break
            time.sleep(_PAUSE)
        else:
            raise CollectError(
                f"The job '{job}' is already running (process {_pid_in(path)}): wait for it "
                "to finish, or stop it (Ctrl-C) and run this command again to resume it."
            )
        stream.seek(0)
        stream.truncate()
        stream.write(f"{os.getpid()}\n")
        stream.flush()
        try:
            yield
        finally:
            stream.seek(0)
            stream.truncate()  # the lock itself goes as the file closes


def running(folder: Path) -> int | None:
    """The pid of the process running the job in ``folder`` now, or None when none does (a
    job left ``running`` by a process that is gone was interrupted and can be resumed)."""
    path = folder / "lock"
    pid = _pid_in(path)  # a run empties the file as it ends
    if pid is None:
        return None
    try:
        import fcntl  # noqa: F401
    except ImportError:  # pragma: no cover (not POSIX)
        return pid if _alive(pid) else None
    with open(path, encoding="utf-8") as stream:
        free = _lock(stream, shared=True)  # let go as the file closes
    return None if free else pid


def _alive(pid: int) -> bool:  # pragma: no cover (not POSIX)
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    return True
