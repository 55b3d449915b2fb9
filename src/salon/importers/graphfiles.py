"""Market data in graph file formats: GraphML, GML, Pajek (read by igraph) and GEXF (read by
:mod:`salon.importers.gexf`).

A graph file gives what an edge list of the same graph gives (:mod:`salon.importers.edges`):
people are node ids in the import's namespace (``--namespace``, by default the file's name);
an edge with a time (a ``time``, ``timestamp`` or ``start`` attribute, among the edge list's
names for a time column) is an interaction, one without a tie; ``weight`` is the weight (1
when absent); the kind comes from a ``kind``, ``type``, ``label`` or ``relation`` attribute
(``RT``, ``MT``, ``RE`` read as repost, mention, reply), else ``--kind``, else ``edge``
(directed) or ``link`` (undirected). An undirected file, or ``--undirected``, is read as an
undirected edge list is: pairs smaller id first, a kind the graph reads as directed written
both ways. Nodes without edges are left out (an edge list cannot name them either), and the
import's warnings count them.

Node ids: GraphML's and GEXF's node ``id``; in GML and Pajek, whose ids are positions, the
nodes' labels when every node has a different one (as networkx and igraph write them), else
GML's ``id`` or Pajek's vertex number. A label, or a ``name``, that is not just digits
becomes the person's name (in the store; the lake keeps ids only). The format is known by the
content: an XML root ``<graphml>`` or ``<gexf>``, GML's ``graph [``, Pajek's ``*Vertices``.
"""

from __future__ import annotations

import math
import re
import shutil
import tempfile
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from salon.dates import epoch_text, parse_time
from salon.errors import SalonError
from salon.importers.base import ImportOptions
from salon.importers.edges import (
    _ALIASES,
    BATCH,
    KIND_CODES,
    MAX_WEIGHT,
    _Events,
    _ordered,
    _pair_ties,
    _Refs,
    shown,
)
from salon.importers.files import InputFile, _opened, text_lines
from salon.model import SYMMETRIC_KINDS, Notice, Person, Record, Tie

if TYPE_CHECKING:
    import pyarrow as pa

    from salon.importers import Progress
    from salon.lake.route import LakeImport

NAME = "graphs"
DESCRIPTION = "Graph files: GraphML, GML, Pajek, GEXF (Gephi, networkx, igraph, Netzschleuder)"
FILES = "*.graphml, *.gml, *.net, *.paj, *.gexf, also as .xml or .gz (known by their content)"

_EXTENSIONS = (".graphml", ".gml", ".net", ".paj", ".pajek", ".gexf", ".xml")
_TIME_NAMES = (*_ALIASES["at"], "start")
_FIRST_TAG = re.compile(rb"<([A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)")
_SKIPPED = re.compile(rb"\s*(<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^\[>]*(\[.*?\])?\s*>)", re.S)
# Possessive quantifiers: a head of words that never reaches ``graph [`` fails in linear time
# (with backtracking, ``abc defgh`` eight times took 5 s, each more word four times longer).
_GML = re.compile(
    r"^(?:\s*+(?:#[^\n]*+|[A-Za-z]\w*+\s++(?:\"[^\"]*+\"|[^\s\[\]]++)))*+\s*+graph\s*\["
)
_PAJEK = re.compile(r"^(?:\s*+(?:%[^\n]*+|\*network\b[^\n]*+))*+\s*+\*vertices\b", re.I)
_IGRAPH_ERROR = re.compile(r"^Error at [^:]+:\d+: |\s*-- [^-]*$")
_LINE = re.compile(r",?\s*\b[Ll]ine (\d+)\b:?")
_BAD_VERTEX = re.compile(r"Invalid vertex ID \((\d+)\) in Pajek")
_LOCATION = re.compile(r"\.?\s*Location: .*$")
# A Pajek file may list fewer vertices than it declares (the rest have no label), but one
# declaring more than this many per line (and a spare thousand) cannot be using them.
_MAX_VERTICES_PER_LINE = 10
_SPARE_VERTICES = 1000
#: How each file of the latest imports was read, for :func:`describe`.
_READ_AS: dict[str, str] = {}


@dataclass
class GraphData:
    """A graph as read: node ids and names by position, edges as positions with attribute
    columns (``None``, ``""`` or NaN: absent), each edge's direction and line (its number
    where the reader gives no line)."""

    format: str
    directed: bool
    ids: list[str]
    names: list[str | None]
    src: Sequence[int]
    dst: Sequence[int]
    columns: dict[str, list[Any]] = field(default_factory=dict)
    edge_directed: list[bool] | None = None
    lines: list[int] | None = None
    line_is_edge: bool = False

    def column(self, names: Sequence[str]) -> list[str] | None:
        """Each edge's first value (as text) among the attribute columns named ``names``
        (case-insensitively, in that order); ``None`` when no column has such a name."""
        lower = {k.lower(): k for k in self.columns}
        found = [[_text(v) for v in self.columns[lower[n]]] for n in names if n in lower]
        if len(found) < 2:
            return found[0] if found else None
        return [next((v for v in values if v), "") for values in zip(*found, strict=True)]


def format_of(file: InputFile) -> str | None:
    """``"GraphML"``, ``"GEXF"``, ``"GML"`` or ``"Pajek"`` by the file's content, else None."""
    head = file.head(8192).removeprefix(b"\xef\xbb\xbf")
    if head.lstrip().startswith(b"<"):
        position = 0
        while match := _SKIPPED.match(head, position):
            position = match.end()
        tag = _FIRST_TAG.match(head[position:].lstrip())
        name = tag.group(2).lower() if tag else b""
        return {b"graphml": "GraphML", b"gexf": "GEXF"}.get(name)
    text = head.decode("utf-8", "replace")
    if _GML.match(text):
        return "GML"
    if _PAJEK.match(text):
        return "Pajek"
    return None


def detect(file: InputFile, *, forced: bool = False) -> bool:
    return format_of(file) is not None


def why_not(file: InputFile) -> str | None:
    if format_of(file) is not None:
        return None
    return (
        "it is no GraphML or GEXF document (by its root element), GML file (opening with "
        "'graph [') or Pajek file (opening with '*Vertices')"
    )


def namespace_of(file: InputFile) -> str:
    """The default namespace: the file name without its extension (as for edge lists)."""
    name = file.basename
    for ext in _EXTENSIONS:
        if name.lower().endswith(ext):
            name = name[: -len(ext)]
            break
    return name.lower() or "graph"


def describe(file: InputFile, options: ImportOptions) -> str:
    """How ``file`` was read, in words (for the import report)."""
    return _READ_AS.get(file.display) or f"read as {format_of(file) or 'no graph format'}"


# -- reading ------------------------------------------------------------------------------------


def read_graph(file: InputFile, options: ImportOptions | None = None) -> GraphData:
    """The graph in ``file``; a broken file raises an error naming it (and the line, where the
    reader says it)."""
    kind = format_of(file)
    if kind is None:
        raise file.error(None, why_not(file) or "no graph format found")
    if kind == "GEXF":
        from salon.importers.gexf import read_gexf

        return read_gexf(file)
    if kind in ("GML", "Pajek"):
        _check_text(file, kind, undirected=bool(options and options.undirected))
    return _read_igraph(file, kind)


def _check_text(file: InputFile, kind: str, *, undirected: bool) -> None:
    """Read a GML or Pajek file whole before igraph does: text that is not UTF-8 is refused
    at its line (igraph aborts the process, uncatchably, on a string it cannot decode;
    GraphML's XML reader checks its own encoding). igraph reads a Pajek file with both arcs
    and edges with one direction for all (the last section's): such a file is refused,
    unless ``--undirected`` says how to read it. igraph makes room for the vertex count a
    Pajek file declares before reading on: a count the file could never use is refused."""
    sections = set()
    declared: tuple[int, str] | None = None  # (line, vertex count as written)
    lines = 0
    for lines, line in text_lines(file):
        if kind == "Pajek" and line.startswith("*"):
            words = line.split()
            word = words[0].lower()
            sections.add(word.removesuffix("list"))
            if word == "*vertices" and declared is None and len(words) > 1:
                declared = (lines, words[1])
    cap = _MAX_VERTICES_PER_LINE * lines + _SPARE_VERTICES
    if declared and declared[1].isdigit() and (len(declared[1]) > 18 or int(declared[1]) > cap):
        count = f"{int(declared[1]):,}" if len(declared[1]) <= 18 else shown(declared[1])
        raise file.error(
            f"line {declared[0]}",
            f"it declares {count} vertices, more than a file of {lines:,} lines can use "
            "(igraph would reserve memory for each)",
            "Check the *Vertices count, or export the file again.",
        )
    if {"*arcs", "*edges"} <= sections and not undirected:
        raise file.error(
            None,
            "it has both *Arcs (directed) and *Edges (undirected) sections, which igraph "
            "reads with one direction for all",
            "Split it into two files, or import it with --undirected.",
        )


def _read_igraph(file: InputFile, kind: str) -> GraphData:
    import igraph

    reader = {
        "GraphML": igraph.Graph.Read_GraphML,
        "GML": igraph.Graph.Read_GML,
        "Pajek": igraph.Graph.Read_Pajek,
    }[kind]
    with tempfile.TemporaryDirectory(prefix="salon-graph-") as scratch:
        path = file.path
        if path is None or file.name.lower().endswith(".gz"):  # in a zip, or compressed
            path = Path(scratch) / "graph"
            try:
                with _opened(file) as source, path.open("wb") as target:
                    shutil.copyfileobj(source, target, 1 << 20)
            except OSError as exc:
                raise file.error(
                    None, f"the file is damaged ({exc})", "Download it again."
                ) from exc
        with warnings.catch_warnings(record=True) as said:
            warnings.simplefilter("always")
            try:
                graph = reader(str(path))
            except MemoryError:
                raise file.error(
                    None,
                    f"igraph ran out of memory reading this {kind} file",
                    "Check that the file is what you meant; a graph this large reads better "
                    "as an edge list.",
                ) from None
            except (igraph.InternalError, UnicodeDecodeError, OSError, ValueError) as exc:
                raise _broken(file, kind, exc, _pajek_line(file, str(exc))) from None
        for warning in said:
            if (
                "entity" in (said_text := str(warning.message)).lower()
            ):  # &name; the file never defined
                raise file.error(
                    None,
                    f"an XML entity igraph does not expand ({_LOCATION.sub('', said_text)})",
                    "Write the text in place of the entity, or export the file again.",
                )
        try:
            return _from_igraph(graph, kind)
        except UnicodeDecodeError as exc:
            raise _broken(file, kind, exc) from None


def _pajek_line(file: InputFile, message: str) -> int | None:
    """The line of the first arc or edge naming the vertex igraph calls invalid (igraph says
    which vertex, not where)."""
    found = _BAD_VERTEX.search(message)
    if found is None:
        return None
    edges = False
    for number, line in text_lines(file):
        words = line.split()
        if line.startswith("*"):
            edges = words[0].lower().startswith(("*arcs", "*edges"))
        elif edges and found.group(1) in words[:2]:
            return number
    return None


def _broken(file: InputFile, kind: str, exc: Exception, line: int | None = None) -> SalonError:
    message = _IGRAPH_ERROR.sub("", str(exc)).strip().rstrip(".")
    found = _LINE.search(message)
    if found:
        message = _LINE.sub("", message, count=1).strip(" :.,") or message
        line = int(found.group(1))
    return file.error(
        f"line {line}" if line else None,
        f"broken {kind} ({message})",
        "The file looks truncated or edited; export it again.",
    )


def _text(value: Any) -> str:
    """An attribute value as text: integers without ``.0``; absent as ``""``."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**63:
        return str(int(value))
    return str(value).strip()


def _labels(graph: Any, names: Sequence[str]) -> list[str] | None:
    """The first vertex attribute of ``names`` that every vertex has, each different."""
    for name in names:
        if name in graph.vs.attributes():
            values = [_text(v) for v in graph.vs[name]]
            if all(values) and len(set(values)) == len(values):
                return values
    return None


def _from_igraph(graph: Any, kind: str) -> GraphData:
    count = graph.vcount()
    attributes = graph.vs.attributes()
    if kind == "GraphML":
        ids = [_text(v) for v in graph.vs["id"]] if "id" in attributes else None
    elif kind == "GML":
        ids = _labels(graph, ("label", "name", "id"))
    else:  # Pajek: igraph keeps the vertex label as ``name``
        ids = _labels(graph, ("name",))
    ids = ids or [str(i + (kind == "Pajek")) for i in range(count)]
    texts = [[_text(v) for v in graph.vs[a]] for a in ("name", "label") if a in attributes]
    names = [next((t[i] for t in texts if t[i]), None) for i in range(count)]
    edges = graph.get_edgelist()
    return GraphData(
        format=kind,
        directed=graph.is_directed(),
        ids=ids,
        names=names,
        src=[e[0] for e in edges],
        dst=[e[1] for e in edges],
        columns={a: graph.es[a] for a in graph.es.attributes()},
        line_is_edge=True,
    )


# -- records ------------------------------------------------------------------------------------


def parse(file: InputFile, options: ImportOptions) -> Iterator[Record]:
    graph = read_graph(file, options)
    namespace = options.namespace or namespace_of(file)
    refs = _Refs(namespace)
    events = _Events(namespace)
    weights = graph.column(_ALIASES["weight"])
    times = graph.column(_TIME_NAMES)
    kinds = graph.column(_ALIASES["kind"])
    where = "edge" if graph.line_is_edge else "line"
    used = bytearray(len(graph.ids))
    for n, (s, d) in enumerate(zip(graph.src, graph.dst, strict=True)):
        line = graph.lines[n] if graph.lines else n + 1
        at_ = f"{where} {line}"
        used[s] = used[d] = 1
        weight = _weight(file, at_, weights[n]) if weights else 1.0
        undirected = options.undirected or not (
            graph.edge_directed[n] if graph.edge_directed else graph.directed
        )
        kind = options.kind or ("link" if undirected else "edge")
        if kinds and (code := kinds[n].lower()):
            kind = KIND_CODES.get(code, code)
        src, dst = graph.ids[s], graph.ids[d]
        if undirected:
            src, dst = _ordered(src, dst)
        raw_at = times[n] if times else ""
        if not raw_at:
            if undirected:
                yield from _pair_ties(refs[src], refs[dst], kind, weight, line)
            else:
                yield Tie(refs[src], refs[dst], kind, weight=weight, line=line)
            continue
        at = _time(file, at_, raw_at)
        events.add(src, dst, kind, at, raw_at, weight, line)
        if undirected and kind not in SYMMETRIC_KINDS:
            events.add(dst, src, kind, at, raw_at, weight, line)
        if events.batch.size >= BATCH:
            yield events.take()
    if events.batch.size:
        yield events.take()
    for i, name in enumerate(graph.names):
        if used[i] and name and not name.isdigit() and name != graph.ids[i]:
            yield Person(refs[graph.ids[i]], name)
    alone = len(used) - sum(used)
    if alone:
        yield Notice(
            f"'{file.display}': {alone:,} node(s) without edges were left out "
            "(an edge list cannot name them either)."
        )
    ways = {graph.directed} if graph.edge_directed is None else set(graph.edge_directed)
    way = "undirected" if options.undirected or ways == {False} else "directed"
    if not options.undirected and len(ways) > 1:
        way = "directed and undirected edges"
    _READ_AS[file.display] = f"read as {graph.format}, {way}"


def _weight(file: InputFile, where: str, text: str) -> float:
    """A weight: a finite number no larger than :data:`~salon.importers.edges.MAX_WEIGHT`
    (absent: 1)."""
    if not text:
        return 1.0
    try:
        weight = float(text)
    except ValueError:
        weight = math.nan
    if not math.isfinite(weight) or abs(weight) > MAX_WEIGHT:
        problem = "is not a finite number" if not math.isfinite(weight) else "is too large"
        raise file.error(
            where,
            f"weight {shown(text)} {problem}",
            "Write weights as plain numbers such as 1 or 2.5 (at most 10^12).",
        )
    return weight


def _time(file: InputFile, where: str, text: str) -> int | None:
    """A time: digits are Unix seconds, anything else a date (years 1–9999)."""
    try:
        if text.lstrip("-").isdigit():
            return epoch_text(text)
        return parse_time(text)
    except ValueError:
        raise file.error(
            where,
            f"time {shown(text)} is not a date",
            "Write times as Unix seconds or ISO 8601 dates (years 1 to 9999).",
        ) from None


# -- the market lake ----------------------------------------------------------------------------


def lake_tables(
    file: InputFile, options: ImportOptions, notices: list[Notice] | None = None
) -> Iterator[pa.Table]:
    """The edges as the lake's Arrow columns (src, dst, kind, at, weight, line): what
    :func:`parse` gives, without names (the lake holds ids only); its notices are added to
    ``notices``."""
    from salon.lake.edgefiles import columns_of

    return columns_of(parse(file, options), notices)


def to_lake(
    lake: LakeImport,
    file: InputFile,
    options: ImportOptions,
    sha256: str,
    progress: Progress | None = None,
    done: int = 0,
    total: int = 1,
) -> Iterator[Person | Notice]:
    """Stage a graph file's edges in the import's lake partition, as
    :meth:`~salon.lake.route.LakeImport.add_file` stages an edge list; yields the people the
    promotion rule asks for, and the file's notices."""
    from salon.lake.route import known_ids
    from salon.model import PersonRef, identity

    namespace = options.namespace or namespace_of(file)
    notices: list[Notice] = []
    landed = lake.writer.land(
        lake_tables(file, options, notices),
        name=file.display,
        sha256=sha256,
        namespace=namespace,
        known=lambda: known_ids(lake.connection, namespace),
    )
    if progress:
        progress(done + file.size, total, file.display)
    lake.read = landed.read
    for node in landed.promoted:
        yield Person(PersonRef((identity(namespace, "id", node),)))
    yield from notices
