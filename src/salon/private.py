"""Files only their owner can read: folders 0700, files 0600, whatever the umask.

Salon writes people's relationships; the store, its exports, cached snapshots and charts
are created private explicitly, so the library API is as careful as the command line
(which also sets the umask to 077 for anything else it writes).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import IO, Any

FOLDER_MODE = 0o700
FILE_MODE = 0o600


def private_dir(path: str | Path) -> Path:
    """Create ``path`` (and missing parents) if needed; a folder Salon creates is 0700.

    An existing folder is left as it is: it is the user's (``salon export ~/backup``).
    """
    path = Path(path)
    if not path.is_dir():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            path.mkdir(mode=FOLDER_MODE)
        except FileExistsError:
            if not path.is_dir():
                raise
        else:
            os.chmod(path, FOLDER_MODE)  # mkdir's mode is masked by the umask; be exact
    return path


def create_private_file(path: str | Path) -> bool:
    """Create an empty file 0600 unless ``path`` exists; True when it was created."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    except FileExistsError:
        return False
    os.fchmod(fd, FILE_MODE)
    os.close(fd)
    return True


def open_private(path: str | Path, mode: str = "w", **kwargs: Any) -> IO[Any]:
    """``open(path, mode)`` for writing ("w" or "wb"), the file made 0600 (also when it
    existed: an export written again over an old one becomes private too)."""
    if mode not in ("w", "wb"):
        raise ValueError(f"open_private writes files ('w' or 'wb'), not {mode!r}")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    try:
        os.fchmod(fd, FILE_MODE)
        return os.fdopen(fd, mode, **kwargs)
    except BaseException:
        os.close(fd)
        raise


def write_private_text(path: str | Path, text: str, encoding: str = "utf-8") -> None:
    """``Path(path).write_text(text)``, the file 0600."""
    with open_private(path, "w", encoding=encoding) as out:
        out.write(text)


def exposed_mode(path: str | Path) -> int | None:
    """The permission bits of ``path`` when group or others may read it, else None."""
    try:
        mode = os.stat(path).st_mode & 0o777
    except OSError:
        return None
    return mode if mode & 0o044 else None
