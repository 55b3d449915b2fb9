"""Reading edge-list files for the lake: the same columns as :mod:`salon.importers.edges`, in
bulk.

A plain edge list (one separator, ASCII, whole Unix times, no blank or comment line past the
top: most market files) is parsed by DuckDB's ``read_csv`` itself (:mod:`salon.lake.duckread`,
through :meth:`FileEdges.into`). Any other is read in blocks of lines with Arrow's compute
kernels (split, cast, match): the same columns, comment lines, header and kind codes as
:mod:`salon.importers.edges`, with no Python loop per edge. Layouts that need a row-by-row
reading (SocioPatterns ``t i j``, ``--undirected``, UTF-16 files, old Mac line ends) go through
the edge importer's own parser and come out as the same columns.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from salon.dates import epoch_text, parse_time
from salon.errors import SalonError
from salon.importers import edges as edge_list
from salon.importers.base import ImportOptions
from salon.importers.files import InputFile, _decode_error, _opened
from salon.model import InteractionBatch, Notice, Record, Tie

if TYPE_CHECKING:
    import duckdb
    import numpy as np
    import pyarrow as pa

#: Bytes of text read at a time.
BLOCK = 32 * 1024 * 1024
#: Unix seconds of years 1 and 9999 (the bounds of :func:`salon.dates.epoch_text`).
_MIN_EPOCH, _MAX_EPOCH = -62_135_596_800, 253_402_300_799
#: Lines a plain split on one separator would read differently from ``[\s,;]+``.
_MIXED = {
    " ": r"[\t\v\f\r,;]| {2}",
    "\t": r"[ \v\f\r,;]|\t{2}",
    ",": r"[\s;]|,{2}",
}
#: ``progress(lines read so far)`` while a file is read.
LineProgress = Callable[[int], None]


def _schema() -> pa.Schema:
    import pyarrow as pa

    return pa.schema(
        [
            ("src", pa.string()),
            ("dst", pa.string()),
            ("kind", pa.string()),
            ("at", pa.int64()),
            ("weight", pa.float64()),
            ("line", pa.int64()),
        ]
    )


def fast_layout(file: InputFile, options: ImportOptions) -> tuple[dict[str, int], bool] | None:
    """The edge list's columns when Arrow can read it in bulk, else ``None``."""
    if options.undirected or edge_list.is_tij(file, options):
        return None
    head = file.head(1 << 16)
    if head.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        return None
    if head.replace(b"\r\n", b"").find(b"\r") >= 0:  # lines ended by CR alone
        return None
    return edge_list._layout(file)


def _lines(file: InputFile) -> Iterator[tuple[int, pa.Array]]:
    """``(number of the block's first line, its lines)`` in blocks of about :data:`BLOCK`."""
    import pyarrow as pa
    import pyarrow.compute as pc

    first = 1
    carry = b""
    with _opened(file) as stream:
        while True:
            try:
                data = stream.read(BLOCK)
            except (OSError, EOFError) as exc:
                raise file.error(f"line {first}", f"the file is damaged ({exc})") from exc
            if not data:
                break
            data = carry + data
            cut = data.rfind(b"\n")
            if cut < 0:
                carry = data
                if len(carry) > edge_list_line_limit():
                    raise file.error(f"line {first}", "the line is too long for an edge list")
                continue
            block, carry = data[:cut], data[cut + 1 :]
            yield first, _text(file, pc.split_pattern(pa.array([block], pa.binary()), b"\n"))
            first += block.count(b"\n") + 1
    if carry:
        yield first, _text(file, pc.split_pattern(pa.array([carry], pa.binary()), b"\n"))


def edge_list_line_limit() -> int:
    from salon.importers.files import MAX_LINE_CHARS

    return MAX_LINE_CHARS


def _text(file: InputFile, lists: pa.Array) -> pa.Array:
    import pyarrow as pa

    try:
        return lists.flatten().cast(pa.string())
    except pa.ArrowInvalid:
        raise _decode_error(file) from None


def read_columns(
    file: InputFile,
    options: ImportOptions,
    layout: tuple[dict[str, int], bool],
    progress: LineProgress | None = None,
) -> Iterator[pa.Table]:
    """The edges of ``file`` as Arrow tables (src, dst lower-cased ids; kind; at; weight;
    line), one per block of lines; a bad cell raises the edge importer's own error."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    columns, has_header = layout
    width = max(columns.values()) + 1
    default_kind = options.kind or "edge"
    skip_header = has_header
    for first, lines in _lines(file):
        numbers = np.arange(first, first + len(lines), dtype=np.int64)
        stripped = pc.utf8_trim_whitespace(lines)
        keep = pc.and_(
            pc.greater(pc.utf8_length(stripped), 0),
            pc.invert(pc.or_(pc.starts_with(stripped, "#"), pc.starts_with(stripped, "%"))),
        )
        data = pc.filter(stripped, keep)
        numbers = numbers[np.asarray(keep.to_numpy(zero_copy_only=False), dtype=bool)]
        if skip_header and len(data):
            data, numbers, skip_header = data[1:], numbers[1:], False
        if not len(data):
            continue
        # One separator between fields (SNAP's single spaces, a CSV's commas): a plain split,
        # several times faster than the importer's pattern, which the rest still gets.
        plain = next((c for c in (" ", "\t", ",") if c in data[0].as_py()), None)
        mixed = plain is None or pc.any(pc.match_substring_regex(data, _MIXED[plain])).as_py()
        tokens = (
            pc.split_pattern_regex(data, r"[\s,;]+") if mixed else pc.split_pattern(data, plain)
        )
        short = np.flatnonzero(pc.list_value_length(tokens).to_numpy() < width)
        if len(short):
            found = len(tokens[int(short[0])])
            raise file.error(
                f"line {numbers[short[0]]}",
                f"expected {width} columns, found {found}",
                "The file looks truncated; download it again.",
            )

        def col(name: str, tokens: pa.Array = tokens) -> pa.Array:
            return pc.list_element(tokens, columns[name])

        src, dst = pc.utf8_lower(col("src")), pc.utf8_lower(col("dst"))
        weight = _weights(file, col("weight"), numbers) if "weight" in columns else None
        at = _times(file, col("at"), numbers) if "at" in columns else None
        kind = _kinds(col("kind")) if "kind" in columns else None
        n = len(data)
        yield pa.table(
            {
                "src": src,
                "dst": dst,
                "kind": kind
                if kind is not None
                else pa.array([default_kind] * 1).take(np.zeros(n, np.int64)),
                "at": at if at is not None else pa.nulls(n, pa.int64()),
                "weight": weight if weight is not None else pa.array(np.ones(n)),
                "line": pa.array(numbers),
            },
            schema=_schema(),
        )
        if progress:
            progress(int(numbers[-1]))


def _weights(file: InputFile, text: pa.Array, numbers: np.ndarray) -> pa.Array:
    import numpy as np
    import pyarrow as pa

    try:
        values = text.cast(pa.float64()).to_numpy(zero_copy_only=False)
    except pa.ArrowInvalid:
        values = np.array([_float(t) for t in text.to_pylist()])
    bad = np.flatnonzero(~np.isfinite(values) | (np.abs(values) > edge_list.MAX_WEIGHT))
    if len(bad):
        edge_list._weight(file, int(numbers[bad[0]]), text[int(bad[0])].as_py())
    return pa.array(values)


def _float(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        return float("nan")


def _times(file: InputFile, text: pa.Array, numbers: np.ndarray) -> pa.Array:
    """Unix seconds (digits) or dates, each bounded to years 1–9999 as the importer does."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    digits = pc.match_substring_regex(text, r"^-?[0-9]{1,18}$").to_numpy(zero_copy_only=False)
    out = np.zeros(len(text), np.int64)
    if digits.any():
        values = pc.filter(text, pa.array(digits)).cast(pa.int64()).to_numpy()
        outside = np.flatnonzero((values < _MIN_EPOCH) | (values > _MAX_EPOCH))
        if len(outside):
            where = np.flatnonzero(digits)[outside[0]]
            edge_list._time(file, int(numbers[where]), text[int(where)].as_py())
        out[digits] = values
    others = np.flatnonzero(~digits)
    if len(others):
        parsed: dict[str, int | None] = {}
        for i in others.tolist():
            raw = text[i].as_py()
            if raw not in parsed:
                try:
                    parsed[raw] = epoch_text(raw) if raw.lstrip("-").isdigit() else parse_time(raw)
                except ValueError:
                    edge_list._time(file, int(numbers[i]), raw)  # raises, naming the line
            value = parsed[raw]
            out[i] = value if value is not None else 0
    return pa.array(out)


def _kinds(text: pa.Array) -> pa.Array:
    import pyarrow as pa
    import pyarrow.compute as pc

    coded = pc.dictionary_encode(pc.utf8_lower(text))
    names = [edge_list.KIND_CODES.get(v, v) for v in coded.dictionary.to_pylist()]
    return pa.DictionaryArray.from_arrays(coded.indices, pa.array(names, pa.string())).cast(
        pa.string()
    )


def records_as_columns(file: InputFile, options: ImportOptions) -> Iterator[pa.Table]:
    """The edge importer's own records (for layouts read row by row) as the same columns."""
    return columns_of(edge_list.parse(file, options))


def columns_of(
    records: Iterable[Record], notices: list[Notice] | None = None
) -> Iterator[pa.Table]:
    """An edge importer's records (interaction batches, ties) as the lake's columns (src,
    dst, kind, at, weight, line: ids only, no names); its notices go to ``notices``."""
    import pyarrow as pa

    from salon.model import identity

    ties: dict[str, list[Any]] = {k: [] for k in ("src", "dst", "kind", "at", "weight", "line")}
    for record in records:
        if isinstance(record, InteractionBatch):
            yield pa.table(
                {
                    "src": [identity("", "id", s)[2] for s in record.src],
                    "dst": [identity("", "id", d)[2] for d in record.dst],
                    "kind": record.kinds,
                    "at": pa.array(record.at, pa.int64()),
                    "weight": pa.array(record.weights, pa.float64()),
                    "line": pa.array(record.lines, pa.int64()),
                },
                schema=_schema(),
            )
        elif isinstance(record, Notice) and notices is not None:
            notices.append(record)
        elif isinstance(record, Tie):
            ties["src"].append(record.src.keys[0][2])
            ties["dst"].append(record.dst.keys[0][2])
            ties["kind"].append(record.kind)
            ties["at"].append(None)
            ties["weight"].append(record.weight)
            ties["line"].append(record.line)
    if ties["src"]:
        yield pa.table(ties, schema=_schema())


class FileEdges:
    """The edges of one edge list: iterated, Arrow tables (:func:`read_columns`, or the edge
    importer's records); :meth:`into` has DuckDB parse a plain file itself (much faster)."""

    def __init__(
        self, file: InputFile, options: ImportOptions, progress: LineProgress | None = None
    ) -> None:
        self.file, self.options, self.progress = file, options, progress
        self.layout = fast_layout(file, options)
        if (
            self.layout is None
            and edge_list._layout(file) is None
            and not edge_list.is_tij(file, options)
        ):
            raise SalonError(
                f"'{file.display}' is not an edge list the lake reads: "
                f"{edge_list.why_not(file) or 'no layout found'}."
            )

    def __iter__(self) -> Iterator[pa.Table]:
        if self.layout is not None:
            return read_columns(self.file, self.options, self.layout, self.progress)
        return records_as_columns(self.file, self.options)

    def into(self, db: duckdb.DuckDBPyConnection, scratch: Path) -> int | None:
        """Rows DuckDB parsed into ``raw`` itself, or ``None``: iterate instead."""
        from salon.lake.duckread import fill

        if self.layout is None:
            return None
        columns, has_header = self.layout
        read = fill(
            db, self.file, columns, has_header, self.options.kind or "edge", scratch, self.progress
        )
        if read is not None and self.progress:
            self.progress(read)
        return read


def file_tables(
    file: InputFile, options: ImportOptions, progress: LineProgress | None = None
) -> FileEdges:
    """The edges of an edge list, read in bulk where the layout allows."""
    return FileEdges(file, options, progress)
