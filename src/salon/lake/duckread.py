"""Edge lists DuckDB reads itself: plain files whose every line Arrow would read the same way.

The lake's Arrow reader (:func:`salon.lake.edgefiles.read_columns`) handles every layout the edge
importer knows, one kernel pass per step. Most market files are simpler: one separator, ASCII,
no blank or comment lines after the first data line, whole Unix times. For those, one pass
over the bytes proves the file is plain (the bytes allowed, no doubled separator, no blank,
comment or padded line), and DuckDB's ``read_csv`` parses it straight into a table, its line
numbers being the row's position after the lines skipped at the top. Anything the proof or
DuckDB rejects goes back to the Arrow reader, which gives the same rows or the same error, so
this is only a faster way to the same table.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from salon.errors import SalonError
from salon.importers import edges as edge_list
from salon.importers.files import InputFile, _opened

if TYPE_CHECKING:
    import duckdb

#: Bytes read at a time while the file is checked (and copied, when DuckDB cannot open it).
_BLOCK = 32 * 1024 * 1024
#: Per separator, the bytes a plain line holds: printable ASCII but other separators, quotes,
#: backslashes and comment marks (a control byte, other whitespace or a non-ASCII byte is not
#: plain; an id with ``#`` or ``%`` in it goes to the Arrow reader, which tells it from a
#: comment line).
_PLAIN = {
    sep: bytes(b for b in range(0x21, 0x7F) if chr(b) not in ",;\"'\\#%") + sep.encode() + b"\n"
    for sep in (" ", "\t", ",")
}


def _bad(sep: str) -> tuple[bytes, ...]:
    """What no plain text holds: a doubled separator; a blank or padded line."""
    s = sep.encode()
    return (s + s, b"\n\n", b"\n" + s, s + b"\n")


def is_plain(text: bytes, sep: str) -> bool:
    """Whether ``text`` (whole lines after the first data line) is plain for ``sep``.

    >>> is_plain(b"1 2 1341100972 RT\\n3 4 1341100973 MT", " ")
    True
    >>> is_plain(b"1 2\\n3  4", " "), is_plain(b"1 2\\n\\n3 4", " "), is_plain(b"1,2", " ")
    (False, False, False)
    """
    if text.translate(None, _PLAIN[sep]):
        return False
    return not any(bad in text for bad in _bad(sep))


#: The table the Arrow reader's blocks go into.
RAW = (
    'CREATE TABLE raw (src VARCHAR, dst VARCHAR, kind VARCHAR, "at" BIGINT, weight DOUBLE, '
    "line BIGINT)"
)
#: Unix seconds of years 1 and 9999 (as :mod:`salon.lake.edgefiles` bounds them).
_MIN_EPOCH, _MAX_EPOCH = -62_135_596_800, 253_402_300_799


def _prefix(head: bytes, has_header: bool) -> tuple[int, int, bytes] | None:
    """``(lines to skip, byte offset of the first data line, that line)``: blank and comment
    lines at the top, and the header, are skipped; ``None`` when the head holds no data line."""
    offset = 0
    lines = 0
    header = has_header
    while True:
        end = head.find(b"\n", offset)
        if end < 0:
            return None
        text = head[offset:end].strip(b" \t\r\x0b\x0c\x1c\x1d\x1e\x1f")
        if not text or text.startswith((b"#", b"%")):
            lines, offset = lines + 1, end + 1
            continue
        if header:
            header = False
            lines, offset = lines + 1, end + 1
            continue
        return lines, offset, head[offset:end]


def plain_copy(
    file: InputFile,
    has_header: bool,
    scratch: Path,
    progress: Callable[[int], None] | None = None,
) -> tuple[Path, str, int] | None:
    """``(path DuckDB reads, separator, lines to skip)`` when every data line of ``file`` is
    plain, else ``None``. A file DuckDB cannot open itself (compressed, in an archive) is
    copied, decompressed through Salon's guarded reader, into ``scratch``."""
    found = _prefix(file.head(1 << 16), has_header)
    if found is None:
        return None
    skip, offset, first = found
    sep = next((c for c in (" ", "\t", ",") if c.encode() in first), None)
    if sep is None:
        return None
    direct = file.path is not None and not file.name.lower().endswith(".gz")
    target = Path(file.path) if direct and file.path is not None else scratch / "edges.txt"
    out = None if direct else open(target, "wb")  # noqa: SIM115 - closed below
    plain = False
    try:
        with _opened(file) as stream:
            tail = b"\n"  # the byte before the block, for patterns that start at a line end
            start = offset
            while data := stream.read(_BLOCK):
                if out is not None:
                    out.write(data)
                body = data[start:]
                start = max(0, start - len(data))
                if body and not is_plain(tail + body, sep):
                    return None
                if body:
                    tail = body[-1:]
                if progress:
                    progress(0)  # the bar follows the bytes read (file.bytes_read)
        plain = tail != sep.encode()  # the last line ends with no separator
        return (target, sep, skip) if plain else None
    except (OSError, EOFError, SalonError):  # damaged, or a bomb: the Arrow reader says so
        return None
    finally:
        if out is not None:
            out.close()
            if not plain:
                target.unlink(missing_ok=True)


def fill(
    db: duckdb.DuckDBPyConnection,
    file: InputFile,
    columns: dict[str, int],
    has_header: bool,
    default_kind: str,
    scratch: Path,
    progress: Callable[[int], None] | None = None,
) -> int | None:
    """Parse ``file`` into the table ``raw`` (src, dst, kind, at, weight, line) with DuckDB;
    the rows read, or ``None`` (``raw`` left empty) when the Arrow reader must read it."""
    import duckdb

    from salon.lake.layout import sql_path

    if "weight" in columns:  # Arrow's and DuckDB's number formats differ at the edges
        return None
    found = plain_copy(file, has_header, scratch, progress)
    if found is None:
        return None
    path, sep, skip = found
    width = max(columns.values()) + 1
    names = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(width))
    at = f"c{columns['at']}" if "at" in columns else None
    kind = f"c{columns['kind']}" if "kind" in columns else None
    codes = " ".join(
        f"WHEN {_literal(k)} THEN {_literal(v)}" for k, v in sorted(edge_list.KIND_CODES.items())
    )
    kind_sql = (
        f"CASE lower({kind}) {codes} ELSE lower({kind}) END"
        if kind is not None
        else _literal(default_kind)
    )
    # A time Arrow would not read as whole seconds in range fails the statement (error()).
    at_sql = (
        f"""CASE WHEN regexp_full_match({at}, '-?[0-9]{{1,18}}')
            AND {at}::BIGINT BETWEEN {_MIN_EPOCH} AND {_MAX_EPOCH}
            THEN {at}::BIGINT ELSE error('not whole seconds') END"""
        if at is not None
        else "NULL::BIGINT"
    )
    try:
        drop_raw(db)
        db.execute("SET preserve_insertion_order = true")  # rowid is the order of the lines
        db.execute(
            f"""CREATE TABLE parsed AS SELECT lower(c{columns["src"]}) AS src,
                lower(c{columns["dst"]}) AS dst, {kind_sql} AS kind, {at_sql} AS "at"
            FROM read_csv({sql_path(path)}, delim={_literal(sep)}, quote='', escape='',
                header=false, auto_detect=false, skip={skip}, new_line='\\n',
                columns={{{names}}})"""
        )
        db.execute(
            f"""CREATE VIEW raw AS SELECT src, dst, kind, "at", 1.0::DOUBLE AS weight,
                rowid + {skip + 1} AS line FROM parsed"""
        )
        return db.execute("SELECT count(*) FROM parsed").fetchall()[0][0]
    except duckdb.InterruptException:  # Ctrl-C stops the import, not just DuckDB's reading
        raise
    except duckdb.Error:  # a short or long row, a bad byte: the Arrow reader names it
        drop_raw(db)
        db.execute(RAW)
        return None
    finally:
        db.execute("SET preserve_insertion_order = false")
        if file.path is None or path != Path(file.path):
            path.unlink(missing_ok=True)


def drop_raw(db: duckdb.DuckDBPyConnection) -> None:
    """Drop ``raw`` (a table, or the view :func:`fill` made) and what it read."""
    import duckdb

    db.execute("DROP TABLE IF EXISTS parsed")
    for kind in ("VIEW", "TABLE"):
        with contextlib.suppress(duckdb.CatalogException):
            db.execute(f"DROP {kind} IF EXISTS raw")


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
