"""Market data: directed edge lists (SNAP, KONECT, CSV).

One edge a line: ``source target [weight] [timestamp] [kind]``, separated by white space,
commas, semicolons or tabs; ``#`` and ``%`` lines are comments (SNAP and KONECT headers). A
CSV header naming the columns is used when present (``source``/``src``/``from``,
``target``/``dst``/``to``, ``weight``, ``timestamp``/``time``/``ts``, ``kind``/``type``).
Without one, the columns after the first two are inferred from the first lines: integers from
10⁸ up are Unix times, other numbers weights, words kinds (``RT``, ``MT`` and ``RE`` read as
repost, mention and reply, as in SNAP's Higgs data).

Edges with a time become interactions (yielded in columns, :class:`InteractionBatch`); edges
without one become ties. People are identity keys in the import's namespace (``--namespace``,
by default the file's name).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from salon.dates import parse_time
from salon.errors import SalonError
from salon.importers.base import ImportOptions
from salon.importers.files import InputFile, text_lines
from salon.model import InteractionBatch, PersonRef, Record, Tie, identity

NAME = "edges"
DESCRIPTION = "Directed edge lists: SNAP/KONECT text or CSV (source, target, weight, time, kind)"
FILES = "*.txt, *.csv, *.tsv, *.edges, *.edgelist, out.* (optionally .gz)"

KIND_CODES = {"rt": "repost", "mt": "mention", "re": "reply"}
_ALIASES = {
    "src": ("source", "src", "from", "source_id", "sender", "user", "u"),
    "dst": ("target", "dst", "to", "target_id", "recipient", "v"),
    "weight": ("weight", "w", "rating", "count", "value"),
    "at": ("timestamp", "time", "ts", "date", "unixts", "created_at", "at"),
    "kind": ("kind", "type", "label", "relation"),
}
_EXTENSIONS = (".txt", ".csv", ".tsv", ".edges", ".edgelist", ".dat", ".ssv")
_SPLIT = re.compile(r"[\s,;]+")
_SAMPLE = 200
_MIN_TIME = 100_000_000  # 1973-03-03: integers from here on are read as Unix times
#: Timed edges are written in columns, this many at a time.
BATCH = 50_000


def namespace_of(file: InputFile) -> str:
    """The default namespace: the file name without extensions and KONECT's ``out.``."""
    name = file.basename.removeprefix("out.")
    for ext in (*_EXTENSIONS, ".jsonl", ".json", ".ndjson"):
        if name.lower().endswith(ext):
            name = name[: -len(ext)]
    return name.lower() or "edges"


def _data_lines(file: InputFile) -> Iterator[tuple[int, str]]:
    for line_no, line in text_lines(file):
        stripped = line.strip()
        if stripped and stripped[0] not in "#%":
            yield line_no, stripped


def _is_number(token: str) -> bool:
    try:
        float(token)
    except ValueError:
        return False
    return True


def _layout(file: InputFile) -> tuple[dict[str, int], bool] | None:
    """Column positions (src, dst, weight, at, kind) and whether line one is a header."""
    sample = []
    for _, line in _data_lines(file):
        sample.append(_SPLIT.split(line))
        if len(sample) >= _SAMPLE:
            break
    if not sample:
        return None
    first = [t.lower().strip('"') for t in sample[0]]
    named = {
        field: next((first.index(a) for a in names if a in first), -1)
        for field, names in _ALIASES.items()
    }
    if named["src"] >= 0 and named["dst"] >= 0:
        return {k: v for k, v in named.items() if v >= 0}, True
    rows = [r for r in sample if len(r) >= 2]
    width = len(rows[0]) if rows else 0
    if width < 2 or any(len(r) != width for r in rows) or width > 5:
        return None
    layout = {"src": 0, "dst": 1}
    for col in range(2, width):
        values = [r[col] for r in rows]
        if all(_is_number(v) for v in values):
            as_int = all(v.lstrip("-").isdigit() for v in values)
            field = "at" if as_int and min(int(v) for v in values) >= _MIN_TIME else "weight"
        elif all(re.fullmatch(r"[A-Za-z_]+", v) for v in values):
            field = "kind"
        else:
            field = "at"
        if field in layout:
            return None
        layout[field] = col
    return layout, False


def detect(file: InputFile, *, forced: bool = False) -> bool:
    base = file.basename.lower()
    if not forced and not (base.endswith(_EXTENSIONS) or base.startswith("out.")):
        return False
    try:
        return _layout(file) is not None
    except SalonError:  # undecodable or damaged: not an edge list we can sniff
        return False


def parse(file: InputFile, options: ImportOptions) -> Iterator[Record]:
    found = _layout(file)
    if found is None:
        raise file.error(
            "line 1", "no edge list layout found (source target [weight] [time] [kind])"
        )
    layout, has_header = found
    namespace = options.namespace or namespace_of(file)
    default_kind = options.kind or "edge"
    src_col, dst_col = layout["src"], layout["dst"]
    w_col, at_col, kind_col = layout.get("weight"), layout.get("at"), layout.get("kind")
    width = max(layout.values()) + 1
    refs: dict[str, PersonRef] = {}
    seen: dict[tuple[str, str, str, str], int] = {}

    def ref(token: str) -> PersonRef:
        person = refs.get(token)
        if person is None:
            person = refs[token] = PersonRef((identity(namespace, "id", token),))
        return person

    batch = InteractionBatch(namespace)
    lines = _data_lines(file)
    if has_header:
        next(lines, None)
    for line_no, line in lines:
        row = _SPLIT.split(line)
        if len(row) < width:
            raise file.error(
                f"line {line_no}",
                f"expected {width} columns, found {len(row)}",
                "The file looks truncated; download it again.",
            )
        try:
            weight = float(row[w_col]) if w_col is not None else 1.0
        except ValueError:
            raise file.error(f"line {line_no}", f"weight {row[w_col]!r} is not a number") from None
        kind = default_kind
        if kind_col is not None:
            code = row[kind_col].lower()
            kind = KIND_CODES.get(code, code)
        if at_col is None:
            yield Tie(ref(row[src_col]), ref(row[dst_col]), kind, weight=weight, line=line_no)
            continue
        raw_at = row[at_col]
        try:
            at = int(raw_at) if raw_at.isdigit() else parse_time(raw_at)
        except ValueError:
            raise file.error(f"line {line_no}", f"time {raw_at!r} is not a date") from None
        event = (row[src_col], row[dst_col], raw_at, kind)
        repeat = seen.get(event, 0)
        seen[event] = repeat + 1
        batch.src.append(row[src_col])
        batch.dst.append(row[dst_col])
        batch.kinds.append(kind)
        batch.at.append(at)
        batch.weights.append(weight)
        batch.fingerprints.append(str(repeat) if repeat else None)
        batch.lines.append(line_no)
        if batch.size >= BATCH:
            yield batch
            batch = InteractionBatch(namespace)
    if batch.size:
        yield batch
