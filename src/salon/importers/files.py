"""Input files: walking folders and zips, safe decoding, and errors that name the place.

Every importer reads through :class:`InputFile`, so every importer gets the same guarantees:
``.gz`` files are decompressed on the fly, zips are bounded against bombs, text is decoded
strictly (a UTF-8 or UTF-16 byte-order mark is honoured), and a problem raises
:class:`~salon.errors.ExportFormatError` naming the file and the line.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import json
import os
import tarfile
import tempfile
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC
from functools import partial
from pathlib import Path, PurePosixPath
from typing import IO, Any

from salon.errors import ExportFormatError, SalonError, UnsafeInputError

#: A whole-document file (JSON) larger than this is refused rather than read into memory.
MAX_DOCUMENT_BYTES = 512 * 1024 * 1024
#: A zip whose members expand to more than this is refused.
MAX_ZIP_EXPANDED_BYTES = 8 * 1024 * 1024 * 1024
#: A zip, tar or gzip member compressed more than this many times (and over 1 MiB expanded)
#: is refused: checked from the headers where the format gives sizes, while reading otherwise.
MAX_ZIP_RATIO = 200
_RATIO_FLOOR = 1024 * 1024
#: One CSV field may hold at most this many characters.
MAX_FIELD_CHARS = 4 * 1024 * 1024

_SKIPPED_NAMES = {".DS_Store", "Thumbs.db", "desktop.ini"}
# Media in archives (Mastodon's tar holds every image): never an export's data, never sniffed.
MEDIA_SUFFIXES = (
    ".jpg",
    ".jpeg",
    ".png",
    ".gif",
    ".webp",
    ".mp4",
    ".mov",
    ".webm",
    ".mp3",
    ".ogg",
    ".m4a",
    ".heic",
    ".avif",
    ".svg",
    ".pdf",
)
_TAR_SUFFIXES = (".tar", ".tar.gz", ".tgz")
_extracted: list[tempfile.TemporaryDirectory[str]] = []

csv.field_size_limit(MAX_FIELD_CHARS)


def expansion_limit(stored: int) -> int:
    """How far ``stored`` compressed bytes may expand before they look like a bomb."""
    return min(max(_RATIO_FLOOR, MAX_ZIP_RATIO * stored), MAX_ZIP_EXPANDED_BYTES)


class _GzipStream(io.RawIOBase):
    """A ``.gz`` stream (several members allowed) decompressed with zlib, which checks each
    member's CRC, counting what goes in and what comes out: as soon as more than
    :data:`MAX_ZIP_RATIO` times the compressed bytes read so far (and over 1 MiB) come out,
    or the whole budget is spent, it stops. One budget for data no header sizes."""

    _CHUNK = 4 * 1024

    def __init__(self, raw: IO[bytes], limit: int, display: str):
        self._raw = raw
        self._limit = limit
        self._display = display
        self._inflate = zlib.decompressobj(wbits=31)
        self._pending = b""
        self._consumed = 0
        self._produced = 0
        self._fresh = True

    def readable(self) -> bool:
        return True

    def _refill(self) -> bool:
        while not self._pending:
            data = self._inflate.unconsumed_tail
            if self._inflate.eof:  # a member ended: what follows is the next one's
                data = self._inflate.unused_data
                self._inflate = zlib.decompressobj(wbits=31)
                self._fresh = True
            if not data:
                data = self._raw.read(self._CHUNK)
                self._consumed += len(data)
            if not data:
                if not self._fresh:
                    raise EOFError("the compressed data ends early")
                return False
            self._fresh = False
            self._pending = self._inflate.decompress(data, 1 << 18)
            self._produced += len(self._pending)
            budget = min(self._limit, max(_RATIO_FLOOR, MAX_ZIP_RATIO * self._consumed))
            if self._produced > budget:
                raise UnsafeInputError(
                    f"'{self._display}' expands over {MAX_ZIP_RATIO} times its stored size, "
                    "which looks like a compression bomb. "
                    "It was not read; decompress it yourself if you trust it."
                )
        return True

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def]
        try:
            if not self._refill():
                return 0
        except zlib.error as exc:
            raise OSError(f"not valid gzip data: {exc}") from exc
        except EOFError as exc:
            raise OSError(str(exc)) from exc
        n = min(len(buffer), len(self._pending))
        buffer[:n] = self._pending[:n]
        self._pending = self._pending[n:]
        return n

    def close(self) -> None:
        self._raw.close()
        super().close()


#: What reading a damaged zip member raises (a bad header or CRC, a cut deflate stream, an
#: encrypted or unsupported member): reported like any damaged file, as :class:`OSError`.
_DAMAGED = (zipfile.BadZipFile, zlib.error, EOFError, RuntimeError, NotImplementedError)


def _damaged(exc: BaseException) -> OSError:
    return OSError(str(exc) or type(exc).__name__)


class _Counting(io.RawIOBase):
    """A read-only stream that counts the bytes read through it (for progress bars); what a
    damaged zip member raises while it is read becomes :class:`OSError`."""

    def __init__(self, raw: IO[bytes], counter: list[int]):
        self._raw = raw
        self._counter = counter

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def]
        try:
            data = self._raw.read(len(buffer))
        except _DAMAGED as exc:
            raise _damaged(exc) from exc
        n = len(data)
        buffer[:n] = data
        self._counter[0] += n
        return n

    def close(self) -> None:
        self._raw.close()
        super().close()


@dataclass
class InputFile:
    """One file of an export, on disk or inside a zip."""

    name: str
    """Path inside the export, with ``/`` separators (``data/tweets.js``)."""
    display: str
    """How messages name the file (``archive.zip:data/tweets.js`` or the path given)."""
    size: int
    mtime: float | None
    _opener: Callable[[], IO[bytes]]
    _siblings: dict[str, InputFile] = field(default_factory=dict, repr=False)
    bytes_read: list[int] = field(default_factory=lambda: [0], repr=False)
    path: Path | None = None
    """Where the file is on disk, when it is not inside an archive."""

    @property
    def basename(self) -> str:
        """The file name without folders and without a ``.gz`` suffix."""
        base = PurePosixPath(self.name).name
        return base[:-3] if base.lower().endswith(".gz") else base

    @property
    def folder(self) -> str:
        return str(PurePosixPath(self.name).parent)

    def sibling(self, basename: str) -> InputFile | None:
        """Another file of the same export in the same folder, if present."""
        return self._siblings.get(f"{self.folder}/{basename}".removeprefix("./"))

    def _stored(self) -> IO[bytes]:
        try:
            return self._opener()
        except _DAMAGED as exc:  # a zip member's header damaged, encrypted, unsupported
            raise _damaged(exc) from exc

    def open_raw(self) -> IO[bytes]:
        """The file's bytes as stored (compressed if it is a ``.gz``). A damaged file raises
        :class:`OSError` when opened or read."""
        return io.BufferedReader(_Counting(self._stored(), [0]), 1 << 16)

    def open(self) -> IO[bytes]:
        """The file's content, decompressed, counting stored bytes read into ``bytes_read``.
        A damaged file raises :class:`OSError` when opened or read."""
        raw = io.BufferedReader(_Counting(self._stored(), self.bytes_read), 1 << 16)
        if self.name.lower().endswith(".gz"):
            unpacked = _GzipStream(raw, expansion_limit(self.size), self.display)
            return io.BufferedReader(unpacked, 1 << 16)
        return raw

    def head(self, n: int = 4096) -> bytes:
        """The first ``n`` bytes of the content (decompressed), for format detection."""
        try:
            with self.open() as stream:
                return stream.read(n)
        except (OSError, EOFError, zipfile.BadZipFile):
            return b""
        finally:
            self.bytes_read[0] = 0

    def sha256(self) -> str:
        try:
            with self.open_raw() as stream:
                return hashlib.file_digest(stream, "sha256").hexdigest()
        except OSError as exc:
            raise self.error(None, f"the file is damaged ({exc})", "Download it again.") from exc

    def error(self, where: str | None, problem: str, hint: str | None = None) -> ExportFormatError:
        return ExportFormatError(self.display, where, problem, hint)


def _encoding_of(head: bytes) -> str:
    if head.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    return "utf-8"


def _decode_error(file: InputFile) -> ExportFormatError:
    """The error for undecodable text, at the line of the first bad byte."""
    encoding = _encoding_of(file.head(4))
    decoder = codecs.getincrementaldecoder(encoding)()
    line = 1
    try:
        with file.open() as raw:
            while chunk := raw.read(1 << 16):
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError as exc:
                    line += chunk[: max(exc.start, 0)].count(b"\n")
                    break
                line += chunk.count(b"\n")
    except OSError:  # damaged after the bad byte (a .gz cut short): the line found so far
        pass
    return file.error(
        f"line {line}",
        "the text is not UTF-8 or UTF-16",
        "Save the file as UTF-8 (as the service exported it) and import it again.",
    )


def _opened(file: InputFile) -> IO[bytes]:
    """``file.open()``, with a member too damaged to open (a zip's local header) reported as
    a damaged file."""
    try:
        return file.open()
    except OSError as exc:
        raise file.error("line 1", f"the file is damaged ({exc})", "Download it again.") from exc


#: One line of a line-based file may hold at most this many characters.
MAX_LINE_CHARS = 4 * 1024 * 1024


def text_lines(file: InputFile) -> Iterator[tuple[int, str]]:
    """Yield ``(line number, line without its end)``, decoding strictly, bounding line length."""
    line_no = 0
    with _opened(file) as raw:
        stream = io.TextIOWrapper(raw, encoding=_encoding_of(file.head(4)), newline="")
        try:
            while line := stream.readline(MAX_LINE_CHARS):
                line_no += 1
                if len(line) == MAX_LINE_CHARS and not line.endswith("\n"):
                    raise UnsafeInputError(
                        f"'{file.display}' line {line_no} is longer than "
                        f"{MAX_LINE_CHARS >> 20} Mi characters, which no export writes; "
                        "it was not read. Check that this is the file you meant."
                    )
                yield line_no, line.rstrip("\r\n")
        except UnicodeDecodeError as exc:
            raise _decode_error(file) from exc
        except (OSError, EOFError) as exc:
            raise file.error(f"line {line_no + 1}", f"the file is damaged ({exc})") from exc


def csv_rows(
    file: InputFile, *, skip_lines: int = 0, **fmt: Any
) -> Iterator[tuple[int, list[str]]]:
    """Yield ``(line number, row)`` for a CSV file; the line is where the row starts."""
    with _opened(file) as raw:
        stream = io.TextIOWrapper(raw, encoding=_encoding_of(file.head(4)), newline="")
        reader = csv.reader(stream, strict=True, **fmt)
        done = 0  # lines consumed before the current row
        try:
            for _ in range(skip_lines):
                stream.readline()
            for row in reader:
                yield skip_lines + done + 1, row
                done = reader.line_num
        except UnicodeDecodeError as exc:
            raise _decode_error(file) from exc
        except csv.Error as exc:
            where = f"line {skip_lines + done + 1}"
            if "field larger than field limit" in str(exc):
                raise file.error(
                    where,
                    f"a field is longer than {MAX_FIELD_CHARS >> 20} Mi characters",
                    "A quote is probably missing before it; fix that line or export again.",
                ) from exc
            raise file.error(where, f"broken CSV ({exc})") from exc
        except (OSError, EOFError) as exc:
            where = f"line {skip_lines + done + 1}"
            raise file.error(where, f"the file is damaged ({exc})") from exc


def read_bytes(file: InputFile) -> bytes:
    """The whole file, refusing files over :data:`MAX_DOCUMENT_BYTES` (before reading, where
    the size is known)."""
    if not file.name.lower().endswith(".gz") and file.size > MAX_DOCUMENT_BYTES:
        raise _too_large(file)
    try:
        with file.open() as raw:
            data = raw.read(MAX_DOCUMENT_BYTES + 1)
    except OSError as exc:
        raise file.error(None, f"the file is damaged ({exc})", "Download it again.") from exc
    if len(data) > MAX_DOCUMENT_BYTES:
        raise _too_large(file)
    return data


def _too_large(file: InputFile) -> UnsafeInputError:
    return UnsafeInputError(
        f"'{file.display}' is larger than {MAX_DOCUMENT_BYTES >> 20} MiB, "
        "too large to read as one document. Split the export and import the parts."
    )


def read_document(file: InputFile) -> str:
    """The whole file as text (see :func:`read_bytes`)."""
    data = read_bytes(file)
    try:
        return data.decode(_encoding_of(data[:4]))
    except UnicodeDecodeError as exc:
        raise _decode_error(file) from exc


def parse_json(file: InputFile, text: str, *, offset_lines: int = 0) -> Any:
    """``json.loads`` with an error that names the file and line."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise file.error(
            f"line {exc.lineno + offset_lines}",
            f"broken JSON ({exc.msg})",
            "The file looks truncated or edited; download the export again.",
        ) from exc
    except (ValueError, RecursionError) as exc:  # a number of 70,000 digits; nesting too deep
        where = f"line {offset_lines + 1}" if offset_lines else None
        problem = "a number too long" if isinstance(exc, ValueError) else "nesting too deep"
        raise file.error(
            where,
            f"JSON that no export writes ({problem})",
            "The file looks edited; download the export again.",
        ) from exc


# -- walking inputs ---------------------------------------------------------------------------


def _skip(name: str) -> bool:
    parts = PurePosixPath(name).parts
    return (
        not parts
        or any(p.startswith(".") or p == "__MACOSX" for p in parts)
        or parts[-1] in _SKIPPED_NAMES
        or parts[-1].lower().endswith(MEDIA_SUFFIXES)
    )


def _tar_folder(path: Path) -> Path:
    """Extract a tar's data files (not its media) to a temporary folder, within the bounds."""
    target = tempfile.TemporaryDirectory(prefix="salon-tar-")
    _extracted.append(target)
    total = 0
    try:
        limit = expansion_limit(path.stat().st_size)
        with tarfile.open(path, "r:*") as archive:
            for member in archive:
                if not member.isfile() or _skip(member.name):
                    continue
                total += member.size  # from the member's header, before it is read
                if total > limit:
                    raise UnsafeInputError(
                        f"'{path}' expands to over {limit >> 20} MiB of data files, "
                        f"{total // max(path.stat().st_size, 1)} times its size. "
                        "Unpack it yourself and import the folder."
                    )
                archive.extract(member, target.name, filter="data")
    except (tarfile.TarError, EOFError, OSError) as exc:
        raise ExportFormatError(
            str(path), None, f"not a readable tar archive ({exc})", "Download it again."
        ) from exc
    return Path(target.name)


def _zip_files(path: Path) -> list[InputFile]:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
        raise ExportFormatError(
            str(path), None, "not a readable zip file", "Download it again."
        ) from exc
    members = [m for m in archive.infolist() if not m.is_dir() and not _skip(m.filename)]
    expanded = sum(m.file_size for m in members)
    if expanded > MAX_ZIP_EXPANDED_BYTES:
        raise UnsafeInputError(
            f"'{path}' expands to {expanded >> 20} MiB, over the "
            f"{MAX_ZIP_EXPANDED_BYTES >> 30} GiB limit. Unzip it yourself and import the folder."
        )
    for m in members:
        if m.file_size > expansion_limit(m.compress_size):
            raise UnsafeInputError(
                f"'{path}:{m.filename}' expands {m.file_size // max(m.compress_size, 1)} times "
                "its stored size, which looks like a zip bomb. It was not read."
            )

    def opener(member: zipfile.ZipInfo) -> Callable[[], IO[bytes]]:
        return lambda: zipfile.ZipFile(path).open(member)

    siblings: dict[str, InputFile] = {}
    out = []
    for m in members:
        mtime = _zip_mtime(m)
        f = InputFile(m.filename, f"{path}:{m.filename}", m.file_size, mtime, opener(m), siblings)
        siblings[m.filename] = f
        out.append(f)
    return out


def _zip_mtime(member: zipfile.ZipInfo) -> float | None:
    from datetime import datetime

    try:
        return datetime(*member.date_time, tzinfo=UTC).timestamp()
    except ValueError:
        return None


def _disk_file(path: Path, name: str, display: str, siblings: dict[str, InputFile]) -> InputFile:
    stat = path.stat()
    opener = partial(open, path, "rb")
    f = InputFile(name, display, stat.st_size, stat.st_mtime, opener, siblings, path=path)
    siblings[name] = f
    return f


def _folder_files(folder: Path, shown_as: Path) -> list[InputFile]:
    siblings: dict[str, InputFile] = {}
    out = []
    for p in sorted(folder.rglob("*")):
        rel = p.relative_to(folder).as_posix()
        if p.is_file() and not _skip(rel):
            display = str(p) if folder == shown_as else f"{shown_as}:{rel}"
            out.append(_disk_file(p, rel, display, siblings))
    return out


def input_files(path: str | os.PathLike[str]) -> list[InputFile]:
    """The files an import path holds: a folder (recursively), a zip, or one file."""
    path = Path(path)
    if not path.exists():
        raise SalonError(f"No such file or folder: '{path}'. Check the path and try again.")
    if path.is_dir():
        return _folder_files(path, path)
    if path.name.lower().endswith(_TAR_SUFFIXES):
        return _folder_files(_tar_folder(path), path)
    if path.suffix.lower() == ".zip" or zipfile.is_zipfile(path):
        return _zip_files(path)
    siblings: dict[str, InputFile] = {}
    for p in path.parent.iterdir():
        if p.is_file() and p != path:
            _disk_file(p, p.name, str(p), siblings)
    return [_disk_file(path, path.name, str(path), siblings)]
