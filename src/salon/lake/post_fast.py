"""Post dumps Arrow reads itself: JSON Lines files whose every record Arrow provably reads the
way the posts importer's parser does (:mod:`salon.importers.posts`).

:func:`salon.lake.post_columns.column_chunks` turns the importer's records into the lake's
columns, one Python call chain per post. For a plain dump, :func:`fast_columns` gets the same
two tables (posts, links: row for row, in the same order) from PyArrow's JSON reader and
compute kernels. A dump is plain when:

- it is UTF-8 JSON Lines without a byte order mark, with no control byte but ``\\n`` (so no
  ``\\r`` that would start a new line for the importer, no tab), no blank line and no line
  that starts with a space, exactly one object on each line, and no line of
  :data:`~salon.importers.files.MAX_LINE_CHARS` or more;
- each field the importer reads has one JSON type over the block (about :data:`_BLOCK`
  bytes): ids text or whole numbers, text fields text, ``tags`` and ``mentions`` a list of
  strings or a string of words, times text or numbers; any other field (the importer ignores
  it) one type too, as Arrow infers a column of it;
- no record has a problem the importer reports (no ``id`` or ``author``, a NUL character, a
  platform name too long, a wrong type);
- its times (the first of ``time``, ``created_at``, ``timestamp``, ``date`` given) are whole
  or fractional Unix seconds as JSON numbers, whole Unix seconds as text (``"1714557600"``;
  four digits are a year, which the importer reads), or ISO 8601 ``YYYY-MM-DD`` or
  ``YYYY-MM-DDTHH:MM:SS[.ffffff][Z|±HH:MM]`` with years 2 to 9998 (any other form, however
  valid, is the importer's: it knows many).

Authors, handles and parent authors go through :func:`salon.model.identity` per distinct
value, tags through the importer's word splitting per post, mentions through its pattern per
post that holds an ``@`` or a ``mentions`` field, so those are the importer's by
construction; the times, texts (cut at :data:`~salon.lake.post_columns.MAX_TEXT`
characters), channels, parents and line numbers are Arrow's, proved equal by the rules above.

The blocks are yielded as they are read (the lake's DuckDB takes them in). At the first block
that is not plain the iterator raises :class:`NotPlain`; the caller
(:meth:`salon.lake.route.LakeImport.add_posts`) then drops what it took and reads the whole
file with the importer's parser, which gives the same rows or its error naming the line.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pyarrow as pa

    from salon.importers.files import InputFile

#: Bytes parsed at a time (cut at a line end).
_BLOCK = 8 * 1024 * 1024
#: Control bytes (no plain block holds one but ``\n``).
_CONTROL = bytes(b for b in range(0x20) if b != 0x0A)
#: What no plain block holds: a blank line, a line that starts with a space (it may be blank).
_BLANK = re.compile(rb"\n[\n ]")
#: Unix seconds as text (:func:`salon.dates.parse_time` reads up to 20 characters so).
_DIGITS = r"^-?[0-9]{1,18}$"
_ISO = (
    r"^(?P<y>\d{4})-(?P<mo>\d{2})-(?P<d>\d{2})"
    r"(?:T(?P<h>[01]\d|2[0-3]):(?P<mi>[0-5]\d):(?P<s>[0-5]\d)(?:\.(?P<f>\d{1,6}))?"
    r"(?P<z>Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)?)?$"
)
_ID_FIELDS = ("id", "author", "reply_to", "repost_of", "reply_to_author", "in_reply_to_user")
_ID_FIELDS += ("repost_of_author",)
_TEXT_FIELDS = ("author_name", "author_handle", "text", "channel", "url", "platform")
_LIST_FIELDS = ("tags", "mentions")
_TIME_KEYS = ("time", "created_at", "timestamp", "date")
_LIMIT = 253_402_300_800
#: The fields the importer reads.
_FIELDS = {*_ID_FIELDS, *_TEXT_FIELDS, *_LIST_FIELDS, *_TIME_KEYS}


class NotPlain(Exception):
    """A block is not provably read the importer's way: read the file with the importer."""


def fast_columns(
    file: InputFile, namespace: str, *, block: int = _BLOCK
) -> Iterator[tuple[pa.Table, pa.Table]] | None:
    """The ``(posts, links)`` tables :func:`~salon.lake.post_columns.column_chunks` gives for
    ``file`` read by the posts importer, a block of about ``block`` bytes at a time; ``None``
    when the file is no UTF-8 JSON Lines. The iterator raises :class:`NotPlain` at the first
    block that is not plain (see the module's notes; nothing is yielded after it)."""
    from salon.importers.files import _encoding_of
    from salon.importers.posts import _is_jsonl

    if not _is_jsonl(file) or _encoding_of(file.head(4)) != "utf-8":
        return None
    return _read(file, namespace, block)


def _read(file: InputFile, namespace: str, size: int) -> Iterator[tuple[pa.Table, pa.Table]]:
    import pyarrow as pa
    import pyarrow.compute as pc

    from salon.importers.files import MAX_LINE_CHARS
    from salon.lake.post_columns import raw_links_schema, raw_posts_schema

    keys: list[pa.Array] = []  # "namespace\x1fid" of each block's posts
    waiting: list[tuple[Any, ...]] = []
    line = 1
    try:
        with file.open() as raw:
            rest = b""
            while True:
                data = raw.read(size)
                block = rest + data
                if not data:
                    rest = b""
                else:
                    cut = block.rfind(b"\n") + 1
                    if not cut:
                        if len(block) >= MAX_LINE_CHARS:
                            raise NotPlain
                        rest = block
                        continue
                    block, rest = block[:cut], block[cut:]
                if block:
                    posts, links, parents = _block(block, namespace, line)
                    line += posts.num_rows
                    waiting += parents
                    keys.append(_keys(posts["namespace"], posts["id"]))
                    yield posts, links
                if not data:
                    break
    except (OSError, EOFError) as exc:
        raise NotPlain from exc
    if not keys:  # an empty file: the importer's empty tables
        yield raw_posts_schema().empty_table(), raw_links_schema().empty_table()
    # Replies and reposts whose parent post is not in the file, to the parent's author (the
    # importer yields those last).
    if waiting:
        wanted = pa.array({_key(w[0], w[1]) for w in waiting if w[1]}, pa.string())
        seen = {
            k for ids in keys for k in pc.filter(ids, pc.is_in(ids, value_set=wanted)).to_pylist()
        }
        orphans = [w[:1] + w[2:] for w in waiting if not w[1] or _key(w[0], w[1]) not in seen]
        columns = list(zip(*orphans, strict=True)) or [[]] * 5
        links = pa.table(
            dict(zip(raw_links_schema().names, columns, strict=True)), schema=raw_links_schema()
        )
        yield raw_posts_schema().empty_table(), links


def _key(namespace: str, post: str) -> str:
    return f"{namespace}\x1f{post}"


def _keys(namespaces: pa.ChunkedArray, ids: pa.ChunkedArray) -> pa.Array:
    import pyarrow.compute as pc

    return pc.binary_join_element_wise(namespaces, ids, "\x1f").combine_chunks()


def _block(
    block: bytes, namespace: str, first_line: int
) -> tuple[pa.Table, pa.Table, list[tuple[Any, ...]]]:

    from salon.importers.files import MAX_LINE_CHARS

    body = block[:-1] if block.endswith(b"\n") else block
    if (
        len(body.translate(None, _CONTROL)) != len(body)
        or body.startswith((b"\n", b" "))
        or _BLANK.search(body)
    ):
        raise NotPlain
    try:  # strict UTF-8, as the importer decodes (Arrow checks only what it keeps)
        body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise NotPlain from exc
    lines = body.count(b"\n") + 1
    if len(block) >= MAX_LINE_CHARS and _long_line(body):
        raise NotPlain
    table = _parsed(block)
    if table.num_rows != lines:
        raise NotPlain
    return _columns(table, namespace, first_line)


def _parsed(block: bytes) -> pa.Table:
    """The block's records; a field the importer reads that Arrow took for a timestamp (it
    reads ISO 8601 text as one) is read again as text."""
    import pyarrow as pa
    import pyarrow.json as pj

    read = pj.ReadOptions(block_size=max(1 << 20, min(len(block), 1 << 30)))
    forced: dict[str, pa.DataType] = {}
    for _ in range(2):
        parse = pj.ParseOptions(
            explicit_schema=pa.schema(list(forced.items())), unexpected_field_behavior="infer"
        )
        try:
            table = pj.read_json(io.BytesIO(block), read_options=read, parse_options=parse)
        except (pa.ArrowInvalid, UnicodeDecodeError, ValueError) as exc:
            raise NotPlain from exc
        stamps = {
            name: pa.list_(pa.string()) if pa.types.is_list(kind) else pa.string()
            for name, kind in zip(table.column_names, table.schema.types, strict=True)
            if name in _FIELDS and name not in forced and _temporal(kind)
        }
        if not stamps:
            return table
        forced |= stamps
    raise NotPlain


def _temporal(kind: pa.DataType) -> bool:
    import pyarrow as pa

    if pa.types.is_list(kind):
        kind = kind.value_type
    return pa.types.is_temporal(kind)


def _long_line(body: bytes) -> bool:
    """Whether ``body`` may hold a line of ``MAX_LINE_CHARS`` bytes or more: each aligned
    stretch of half that holds a line end (a line that long would cover one of them)."""
    from salon.importers.files import MAX_LINE_CHARS

    half = MAX_LINE_CHARS // 2
    return any(body.find(b"\n", i, i + half) < 0 for i in range(0, len(body) - half + 1, half))


def _column(table: pa.Table, name: str, kinds: tuple[str, ...]) -> pa.ChunkedArray:
    """``name`` as text (ids: whole numbers written as text), null where absent; raises
    :class:`NotPlain` for any other JSON type or a NUL character."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if name not in table.column_names:
        return pa.chunked_array([pa.nulls(table.num_rows, pa.string())])
    column = table[name]
    kind = column.type
    if pa.types.is_null(kind):
        return column.cast(pa.string())
    if pa.types.is_string(kind) and "text" in kinds:
        pass
    elif pa.types.is_int64(kind) and "int" in kinds:
        column = column.cast(pa.string())
    else:
        raise NotPlain
    if pc.any(pc.match_substring(column, "\x00")).as_py():
        raise NotPlain
    return column


def _words_column(table: pa.Table, name: str) -> list[Any]:
    """``tags`` or ``mentions`` as Python values (a list of strings, a string or ``None``)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if name not in table.column_names:
        return [None] * table.num_rows
    column = table[name]
    kind = column.type
    if pa.types.is_null(kind):
        return [None] * table.num_rows
    if pa.types.is_list(kind) and (
        pa.types.is_string(kind.value_type) or pa.types.is_null(kind.value_type)
    ):
        words = pc.list_flatten(column)
        if words.null_count:  # a null among the words: the importer's error names it
            raise NotPlain
    elif pa.types.is_string(kind):
        words = column
    else:
        raise NotPlain
    if pa.types.is_string(words.type) and pc.any(pc.match_substring(words, "\x00")).as_py():
        raise NotPlain
    return column.to_pylist()


def _present(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """Where a text column holds something (not null, not ``""``)."""
    import pyarrow.compute as pc

    return pc.fill_null(pc.not_equal(column, ""), False)


def _times(table: pa.Table) -> pa.Array:
    """Unix seconds of each record's first time field given, as the importer reads it."""
    import numpy as np
    import pyarrow as pa

    n = table.num_rows
    at = np.zeros(n, dtype=np.int64)
    known = np.zeros(n, dtype=bool)
    for key in _TIME_KEYS:
        if key not in table.column_names:
            continue
        column = table[key].combine_chunks()
        kind = column.type
        if pa.types.is_null(kind):
            continue
        if pa.types.is_string(kind):
            here = np.asarray(_present(column)) & ~known
            if here.any():
                at[here] = _text_seconds(column.filter(pa.array(here)))
        elif pa.types.is_int64(kind) or pa.types.is_float64(kind):
            here = np.asarray(column.is_valid()) & ~known
            values = np.asarray(column.fill_null(0))[here]
            if not np.all(np.isfinite(values)) or np.any(np.abs(values) >= _LIMIT):
                raise NotPlain
            at[here] = np.trunc(values).astype(np.int64)
        else:
            raise NotPlain
        known |= here
    return pa.array(at, mask=~known)


def _text_seconds(column: pa.Array) -> Any:
    """Unix seconds of times written as text, as :func:`salon.dates.parse_time` reads them:
    digits (but four, a year) as Unix seconds, else ISO 8601."""
    import numpy as np
    import pyarrow.compute as pc

    number = pc.and_(
        pc.match_substring_regex(column, _DIGITS),
        pc.invert(pc.match_substring_regex(column, "^[0-9]{4}$")),
    )
    if not pc.any(number).as_py():
        return _iso_seconds(column)
    mask = np.asarray(number)
    seconds = np.zeros(len(column), dtype=np.int64)
    values = np.asarray(column.filter(number).cast("int64"))
    if np.any(np.abs(values) >= _LIMIT):
        raise NotPlain
    seconds[mask] = values
    if not mask.all():
        seconds[~mask] = _iso_seconds(column.filter(pc.invert(number)))
    return seconds


def _iso_seconds(column: pa.Array) -> Any:
    """Unix seconds of ISO 8601 texts as :func:`salon.dates.parse_time` gives them."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    if not pc.all(pc.match_substring_regex(column, _ISO)).as_py():
        raise NotPlain
    parts = pc.extract_regex(column, _ISO)

    def number(name: str, default: int = 0) -> Any:
        text = pc.struct_field(parts, name)
        text = pc.if_else(pc.equal(text, ""), str(default), text)
        return np.asarray(text.cast("int64"))

    y, mo, d = number("y"), number("mo"), number("d")
    h, mi, s = number("h"), number("mi"), number("s")
    if np.any((y < 2) | (y > 9998) | (mo < 1) | (mo > 12) | (d < 1)):
        raise NotPlain
    leap = ((y % 4 == 0) & (y % 100 != 0)) | (y % 400 == 0)
    month_days = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])[mo] + (
        leap & (mo == 2)
    )
    if np.any(d > month_days):
        raise NotPlain
    yy = y - (mo <= 2)
    era = yy // 400
    yoe = yy - era * 400
    doy = (153 * np.where(mo > 2, mo - 3, mo + 9) + 2) // 5 + d - 1
    days = era * 146097 + yoe * 365 + yoe // 4 - yoe // 100 + doy - 719468
    seconds = days * 86400 + h * 3600 + mi * 60 + s
    zone = pc.struct_field(parts, "z")
    shifted = pc.invert(pc.is_in(zone, pa.array(["", "Z"])))
    if pc.any(shifted).as_py():
        zone = pc.if_else(shifted, zone, "+00:00")
        sign = np.where(np.asarray(pc.starts_with(zone, "-")), -1, 1)
        hours = np.asarray(pc.utf8_slice_codeunits(zone, 1, 3).cast("int64"))
        minutes = np.asarray(pc.utf8_slice_codeunits(zone, 4, 6).cast("int64"))
        seconds = seconds - sign * (hours * 3600 + minutes * 60)
    fraction = pc.struct_field(parts, "f")
    micro = np.asarray(pc.utf8_rpad(fraction, 6, "0").cast("int64"))
    if micro.any():
        # int(datetime.timestamp()): the microseconds divided as Python divides two ints
        # (exact below 2**53), then cut toward zero.
        total = seconds * 1_000_000 + micro
        if np.any(np.abs(total[micro > 0]) >= 2**53):
            raise NotPlain
        seconds = np.where(micro > 0, np.trunc(total / 1e6).astype(np.int64), seconds)
    return seconds


def _normalised(column: pa.ChunkedArray, how: Any) -> pa.Array:
    """``how`` applied to each distinct value of ``column`` (nulls stay null)."""
    import pyarrow as pa

    coded = column.combine_chunks().dictionary_encode()
    values = pa.array([how(v) for v in coded.dictionary.to_pylist()], pa.string())
    return pa.DictionaryArray.from_arrays(coded.indices, values).cast(pa.string())


def _columns(
    table: pa.Table, namespace: str, first_line: int
) -> tuple[pa.Table, pa.Table, list[tuple[Any, ...]]]:
    import pyarrow as pa
    import pyarrow.compute as pc

    from salon.importers.posts import _MENTION, MAX_PLATFORM, _person, _words
    from salon.lake.post_columns import MAX_TEXT, raw_links_schema, raw_posts_schema
    from salon.model import identity

    n = table.num_rows
    ids = {k: _column(table, k, ("text", "int")) for k in _ID_FIELDS}
    texts = {k: _column(table, k, ("text",)) for k in _TEXT_FIELDS}
    words = {k: _words_column(table, k) for k in _LIST_FIELDS}
    for key in ("id", "author"):
        if not pc.all(_present(ids[key])).as_py():
            raise NotPlain
    platform = texts["platform"]
    if pc.any(pc.greater(pc.utf8_length(platform), MAX_PLATFORM)).as_py():
        raise NotPlain
    platform = pc.if_else(_present(platform), platform, namespace)

    def empty_null(column: pa.ChunkedArray) -> pa.ChunkedArray:
        return pc.if_else(_present(column), column, pa.scalar(None, pa.string()))

    text = empty_null(texts["text"])
    posts = pa.table(
        {
            "namespace": platform,
            "id": ids["id"],
            "author": _normalised(ids["author"], lambda v: identity("", "id", v)[2]),
            "author_handle": _normalised(
                empty_null(texts["author_handle"]), lambda v: identity("", "handle", v)[2]
            ),
            "at": _times(table),
            "channel": empty_null(texts["channel"]),
            "tags": pa.array(
                [
                    tuple(t for w in _words(v) if (t := w.lstrip("#").lower()))
                    for v in words["tags"]
                ],
                pa.list_(pa.string()),
            ),
            "reply_to": empty_null(ids["reply_to"]),
            "repost_of": empty_null(ids["repost_of"]),
            "url": empty_null(texts["url"]),
            "text": pc.utf8_slice_codeunits(text, 0, MAX_TEXT),
            "line": pa.array(range(first_line, first_line + n), pa.int64()),
        },
        schema=raw_posts_schema(),
    )
    # Mentions: the posts with an '@' in their text or a 'mentions' field, in file order.
    links: dict[str, list[Any]] = {name: [] for name in raw_links_schema().names}
    named = pc.fill_null(pc.match_substring(text, "@"), False)
    pairs = zip(named.to_pylist(), words["mentions"], strict=True)
    rows = [i for i, (has, mentions) in enumerate(pairs) if has or mentions]
    if rows:
        take = pa.array(rows, pa.int64())
        for i, body, where, key in zip(
            rows,
            pc.take(text, take).to_pylist(),
            pc.take(platform, take).to_pylist(),
            pc.take(ids["id"], take).to_pylist(),
            strict=True,
        ):
            found = _MENTION.findall(body or "") + _words(words["mentions"][i])
            for handle in dict.fromkeys(h.lstrip("@").lower() for h in found if h.lstrip("@")):
                links["namespace"].append(where)
                links["ref"].append(key)
                links["kind"].append("mention")
                links["dst_kind"].append("handle")
                links["dst"].append(identity(where, "handle", handle)[2])
    # Parent authors: kept until the file's posts are all known (the importer's orphans).
    waiting: list[tuple[Any, ...]] = []
    reply_whom = pc.coalesce(
        empty_null(ids["reply_to_author"]), empty_null(ids["in_reply_to_user"])
    )
    repost_whom = empty_null(ids["repost_of_author"])
    has = pc.or_(pc.is_valid(reply_whom), pc.is_valid(repost_whom))
    rows = [i for i, x in enumerate(has.to_pylist()) if x]
    if rows:
        take = pa.array(rows, pa.int64())
        columns = [
            pc.take(c, take).to_pylist()
            for c in (platform, ids["id"], posts["reply_to"], reply_whom, posts["repost_of"])
        ] + [pc.take(repost_whom, take).to_pylist()]
        for where, key, reply_to, r_whom, repost_of, p_whom in zip(*columns, strict=True):
            for kind, parent, whom in (("reply", reply_to, r_whom), ("repost", repost_of, p_whom)):
                if whom is not None:
                    _, dst_kind, dst = _person(where, whom).keys[0]
                    waiting.append((where, parent or "", key, kind, dst_kind, dst))
    return posts, pa.table(links, schema=raw_links_schema()), waiting
