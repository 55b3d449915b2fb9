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

SocioPatterns contact lists (``t i j``: one row per 20-second window in which badges ``i`` and
``j`` faced each other, ``t`` in seconds from the start of the study) are detected (three
integer columns, the first non-decreasing, below Unix times and in steps of 20 s) or declared
(``--layout tij``). Their rows are summed per unordered pair into one ``contact`` tie whose
weight is the contact time in seconds (rows × 20 s); ``t`` is no calendar time, so it is not
kept. ``--undirected`` reads any edge list as naming each pair once, in no particular
direction: pairs are written smaller id first, as a ``link`` unless ``--kind`` names another
relation (a kind the snapshot reads as directed is then written both ways).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from itertools import pairwise

from salon.dates import epoch_text, parse_time
from salon.errors import SalonError, UnsafeInputError
from salon.importers.base import ImportOptions
from salon.importers.files import InputFile, text_lines
from salon.model import SYMMETRIC_KINDS, InteractionBatch, PersonRef, Record, Tie, identity

NAME = "edges"
DESCRIPTION = (
    "Edge lists: SNAP/KONECT text or CSV (source, target, weight, time, kind); "
    "SocioPatterns t i j contacts"
)
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
#: Seconds each row of a SocioPatterns ``t i j`` file stands for (the badges' resolution).
TIJ_STEP = 20
#: ``--layout`` values: detected, SocioPatterns contact rows, plain edges.
LAYOUTS = ("auto", "tij", "edges")
_NAMES = {"src": "source", "dst": "target", "weight": "weight", "at": "time", "kind": "kind"}
#: Weights beyond this are no weights (an overflowed counter, a digit string gone wrong): the
#: attention graph sums them, and a sum must stay finite.
MAX_WEIGHT = 1e12
#: Digits an integer column may have to be read as an integer (longer ones are no time or id
#: order; Python refuses to convert more than 4,300 digits).
_MAX_DIGITS = 18


def shown(value: object, limit: int = 40) -> str:
    """A value for a message, quoted and cut to ``limit`` characters (a 50 MB cell is not
    repeated back)."""
    text = str(value)
    return (
        repr(text) if len(text) <= limit else repr(text[:limit]) + f"… ({len(text):,} characters)"
    )


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


def _sample(file: InputFile) -> list[list[str]]:
    sample = []
    for _, line in _data_lines(file):
        sample.append(_SPLIT.split(line))
        if len(sample) >= _SAMPLE:
            break
    return sample


def _looks_tij(sample: list[list[str]]) -> bool:
    """Three integer columns, the first a non-decreasing time in 20 s steps from the study's
    start (far below Unix times), two different people on each row: SocioPatterns ``t i j``."""
    if not sample or any(len(r) != 3 or not all(t.isdigit() for t in r) for r in sample):
        return False
    if any(len(r[0]) > _MAX_DIGITS for r in sample):
        return False
    times = [int(r[0]) for r in sample]
    return (
        all(a <= b for a, b in pairwise(times))
        and times[-1] < _MIN_TIME
        and len(set(times)) > 1
        and all(t % TIJ_STEP == 0 for t in times)
        and all(r[1] != r[2] for r in sample)
    )


def is_tij(file: InputFile, options: ImportOptions | None = None) -> bool:
    """Whether ``file`` is read as SocioPatterns ``t i j`` rows (declared, else detected)."""
    layout = (options.layout if options else None) or "auto"
    if layout != "auto":
        return layout == "tij"
    return _looks_tij(_sample(file))


def _layout(file: InputFile) -> tuple[dict[str, int], bool] | None:
    """Column positions (src, dst, weight, at, kind) and whether line one is a header."""
    sample = _sample(file)
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
            as_int = all(v.lstrip("-").isdigit() and len(v) <= _MAX_DIGITS for v in values)
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
    except UnsafeInputError:
        raise  # a bomb or a runaway line is refused, not passed over
    except SalonError:  # undecodable or damaged: not an edge list we can sniff
        return False


def why_not(file: InputFile) -> str | None:
    """Why :func:`detect` refuses ``file`` even when forced, in words (``None``: it does not)."""
    try:
        sample = _sample(file)
    except UnsafeInputError:
        raise
    except SalonError:
        return "it cannot be read as text (UTF-8 or UTF-16)"
    if not sample:
        return "it has no line that is not a comment"
    if _layout(file) is not None:
        return None
    widths = sorted({len(r) for r in sample})
    if len(widths) > 1:
        return f"its lines have different numbers of columns ({widths[0]} to {widths[-1]})"
    if widths[0] < 2 or widths[-1] > 5:
        return (
            f"its lines have {widths[0]} column(s), not 2 to 5 "
            "(source target [weight] [time] [kind])"
        )
    return "its columns after source and target are neither weights, Unix times nor kinds"


def describe(file: InputFile, options: ImportOptions) -> str:
    """How ``file`` is read, in words (for the import report)."""
    if is_tij(file, options):
        return f"read as SocioPatterns t i j, {TIJ_STEP} s per row, undirected"
    found = _layout(file)
    if found is None:
        return "not read: no edge list layout found"
    layout, has_header = found
    columns = " ".join(_NAMES[f] for f, _ in sorted(layout.items(), key=lambda item: item[1]))
    kind = options.kind or ("link" if options.undirected else "edge")
    if options.undirected:
        way = "undirected"
    elif "kind" not in layout and kind in SYMMETRIC_KINDS:
        way = f"undirected ({kind} is symmetric)"
    else:
        way = "directed"
    return f"read as {columns}{' (header row)' if has_header else ''}, {way}"


def _ordered(a: str, b: str) -> tuple[str, str]:
    """A pair in one order whatever the file's: the smaller id first (as numbers if both are)."""
    if a.isdigit() and b.isdigit():  # as numbers, without converting (ids may be long)
        key_a, key_b = (
            (len(a.lstrip("0")), a.lstrip("0"), a),
            (len(b.lstrip("0")), b.lstrip("0"), b),
        )
        return (a, b) if key_a <= key_b else (b, a)
    return (a, b) if a <= b else (b, a)


def _pair_ties(a: PersonRef, b: PersonRef, kind: str, weight: float, line: int) -> Iterator[Tie]:
    """An undirected pair: one tie of a symmetric kind, else a tie each way."""
    yield Tie(a, b, kind, weight=weight, line=line)
    if kind not in SYMMETRIC_KINDS:
        yield Tie(b, a, kind, weight=weight, line=line)


class _Refs(dict[str, PersonRef]):
    """People by id in one namespace, each reference made once."""

    def __init__(self, namespace: str) -> None:
        super().__init__()
        self.namespace = namespace

    def __missing__(self, token: str) -> PersonRef:
        person = self[token] = PersonRef((identity(self.namespace, "id", token),))
        return person


def parse(file: InputFile, options: ImportOptions) -> Iterator[Record]:
    if is_tij(file, options):
        yield from _parse_tij(file, options)
    else:
        yield from _parse_edges(file, options)


def _parse_tij(file: InputFile, options: ImportOptions) -> Iterator[Record]:
    """SocioPatterns ``t i j``: one tie per unordered pair, weighted by seconds of contact."""
    pairs: dict[tuple[str, str], list[int]] = {}  # pair -> [rows, first line]
    for line_no, line in _data_lines(file):
        row = _SPLIT.split(line)
        if len(row) != 3 or not all(t.isdigit() for t in row):
            raise file.error(
                f"line {line_no}",
                f"expected three whole numbers 't i j', found {line[:60]!r}",
                "This is no SocioPatterns contact list; import it without --layout tij.",
            )
        if row[1] != row[2]:
            pairs.setdefault(_ordered(row[1], row[2]), [0, line_no])[0] += 1
    refs = _Refs(options.namespace or namespace_of(file))
    kind = options.kind or "contact"
    for (a, b), (rows, line_no) in pairs.items():
        yield from _pair_ties(refs[a], refs[b], kind, float(rows * TIJ_STEP), line_no)


def _parse_edges(file: InputFile, options: ImportOptions) -> Iterator[Record]:
    found = _layout(file)
    if found is None:
        raise file.error(
            "line 1", "no edge list layout found (source target [weight] [time] [kind])"
        )
    layout, has_header = found
    namespace = options.namespace or namespace_of(file)
    undirected = options.undirected
    default_kind = options.kind or ("link" if undirected else "edge")
    src_col, dst_col = layout["src"], layout["dst"]
    w_col, at_col, kind_col = layout.get("weight"), layout.get("at"), layout.get("kind")
    width = max(layout.values()) + 1
    refs = _Refs(namespace)
    events = _Events(namespace)
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
        weight = _weight(file, line_no, row[w_col]) if w_col is not None else 1.0
        kind = default_kind
        if kind_col is not None:
            code = row[kind_col].lower()
            kind = KIND_CODES.get(code, code)
        src, dst = row[src_col], row[dst_col]
        if undirected:
            src, dst = _ordered(src, dst)
        if at_col is None:
            if undirected:
                yield from _pair_ties(refs[src], refs[dst], kind, weight, line_no)
            else:
                yield Tie(refs[src], refs[dst], kind, weight=weight, line=line_no)
            continue
        raw_at = row[at_col]
        at = _time(file, line_no, raw_at)
        events.add(src, dst, kind, at, raw_at, weight, line_no)
        if undirected and kind not in SYMMETRIC_KINDS:
            events.add(dst, src, kind, at, raw_at, weight, line_no)
        if events.batch.size >= BATCH:
            yield events.take()
    if events.batch.size:
        yield events.take()


def _weight(file: InputFile, line: int, text: str) -> float:
    """A weight cell: a finite number no larger than :data:`MAX_WEIGHT`."""
    try:
        weight = float(text)
    except ValueError:
        weight = math.nan
    if not math.isfinite(weight) or abs(weight) > MAX_WEIGHT:
        problem = "is not a finite number" if not math.isfinite(weight) else "is too large"
        raise file.error(
            f"line {line}",
            f"weight {shown(text)} {problem}",
            "Write weights as plain numbers such as 1 or 2.5 (at most 10^12); fix that line.",
        )
    return weight


def _time(file: InputFile, line: int, text: str) -> int | None:
    """A time cell: digits are Unix seconds (never a year), anything else a date; both within
    years 1–9999."""
    try:
        if text.lstrip("-").isdigit():
            return epoch_text(text)
        return parse_time(text)
    except ValueError:
        raise file.error(
            f"line {line}",
            f"time {shown(text)} is not a date",
            "Write times as Unix seconds or ISO 8601 dates (years 1 to 9999); fix that line.",
        ) from None


class _Events:
    """Timed edges in columns; repeated identical lines are told apart by a count."""

    def __init__(self, namespace: str) -> None:
        self.namespace = namespace
        self.batch = InteractionBatch(namespace)
        self.seen: dict[tuple[str, str, str, str], int] = {}

    def add(
        self, src: str, dst: str, kind: str, at: int | None, raw_at: str, weight: float, line: int
    ) -> None:
        event = (src, dst, raw_at, kind)
        repeat = self.seen.get(event, 0)
        self.seen[event] = repeat + 1
        batch = self.batch
        batch.src.append(src)
        batch.dst.append(dst)
        batch.kinds.append(kind)
        batch.at.append(at)
        batch.weights.append(weight)
        batch.fingerprints.append(str(repeat) if repeat else None)
        batch.lines.append(line)

    def take(self) -> InteractionBatch:
        batch, self.batch = self.batch, InteractionBatch(self.namespace)
        return batch
