"""GEXF (Gephi's format) read with the standard library's expat parser, for
:mod:`salon.importers.graphfiles`.

igraph reads no GEXF, and networkx refuses files that mix directed and undirected edges, so
the few elements a network needs are read here, streaming, with the line of each edge: the
graph's ``defaultedgetype``, node ``id`` and ``label``, edge ``source``, ``target``, ``type``
(``directed``, ``undirected``, ``mutual``), ``weight``, ``kind``, ``label``, the time
(``start``, or GEXF 1.3's ``timestamp`` or first of ``timestamps``; also of an edge's first
``spell``), and the ``attvalue`` of each declared edge attribute (by its title). Nested
graphs (hierarchies) and node attributes other than the label are not read. A document type
declaration (which no GEXF writer emits: an entity bomb's carrier) is refused.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from xml.parsers import expat

from salon.importers.files import InputFile, _opened

if TYPE_CHECKING:
    from salon.importers.graphfiles import GraphData

_CHUNK = 1 << 20
#: The edge attributes read from an edge element itself (``type`` is GEXF's direction).
_EDGE_XML = ("weight", "kind", "label")
#: GEXF 1.3's list of times, as Gephi writes it: ``<[2001, 2005]>``; its first is the time.
_TIMES = re.compile(r"[\s<>\[\]()]*([^\s<>\[\](),;]+)")


def _start(attrs: dict[str, str]) -> str | None:
    """An edge's or spell's time: its ``start``, ``timestamp`` (GEXF 1.3) or the first of its
    ``timestamps`` (GEXF 1.3)."""
    first = _TIMES.match(attrs.get("timestamps", ""))
    return attrs.get("start") or attrs.get("timestamp") or (first.group(1) if first else None)


class _Refused(Exception):
    """A GEXF feature refused (a DTD), with the line."""


def _local(name: str) -> str:
    return name.rsplit(":", 1)[-1]


class _Reader:
    def __init__(self) -> None:
        self.directed = False
        self.depth = 0  # nesting of <graph> elements
        self.section = ""  # class of the <attributes> being read
        self.titles: dict[str, str] = {}  # edge attribute id -> title
        self.ids: list[str] = []
        self.names: list[str | None] = []
        self.index: dict[str, int] = {}
        self.edges: list[tuple[str, str, dict[str, str], bool | None, int]] = []
        self.edge: dict[str, str] | None = None
        self.edge_head: tuple[str, str, bool | None, int] | None = None
        self.parser = expat.ParserCreate()
        self.parser.StartElementHandler = self.start
        self.parser.EndElementHandler = self.end
        self.parser.StartDoctypeDeclHandler = self.doctype

    def doctype(self, *_: object) -> None:
        raise _Refused(f"line {self.parser.CurrentLineNumber}")

    def start(self, name: str, attrs: dict[str, str]) -> None:
        tag = _local(name)
        line = self.parser.CurrentLineNumber
        if tag == "graph":
            self.depth += 1
            if self.depth == 1:
                self.directed = attrs.get("defaultedgetype", "undirected") == "directed"
        elif self.depth != 1:
            return
        elif tag == "attributes":
            self.section = attrs.get("class", "")
        elif tag == "attribute" and self.section == "edge":
            key = attrs.get("id", "")
            self.titles[key] = attrs.get("title") or key
        elif tag == "node" and self.edge is None:
            node = attrs.get("id")
            if node is not None and node not in self.index:
                self.index[node] = len(self.ids)
                self.ids.append(node)
                self.names.append(attrs.get("label"))
        elif tag == "edge":
            way = attrs.get("type")
            directed = None if way is None else way == "directed"
            self.edge = {k: attrs[k] for k in _EDGE_XML if attrs.get(k)}
            if at := _start(attrs):
                self.edge["start"] = at
            self.edge_head = (attrs.get("source", ""), attrs.get("target", ""), directed, line)
        elif tag == "attvalue" and self.edge is not None:
            title = self.titles.get(attrs.get("for", attrs.get("id", "")))
            if title and attrs.get("value") is not None:
                self.edge.setdefault(title, attrs["value"])
        elif tag == "spell" and self.edge is not None and (at := _start(attrs)):
            self.edge.setdefault("start", at)

    def end(self, name: str) -> None:
        tag = _local(name)
        if tag == "graph":
            self.depth -= 1
        elif tag == "edge" and self.depth == 1 and self.edge is not None:
            assert self.edge_head is not None
            src, dst, directed, line = self.edge_head
            self.edges.append((src, dst, self.edge, directed, line))
            self.edge = self.edge_head = None


def read_gexf(file: InputFile) -> GraphData:
    """The nodes and edges of a GEXF file; an error names the line where it is broken."""
    from salon.importers.graphfiles import GraphData

    reader = _Reader()
    try:
        with _opened(file) as stream:
            while chunk := stream.read(_CHUNK):
                reader.parser.Parse(chunk, False)
            reader.parser.Parse(b"", True)
    except expat.ExpatError as exc:
        raise file.error(
            f"line {exc.lineno}",
            f"broken GEXF ({expat.ErrorString(exc.code)})",
            "The file looks truncated or edited; export it again.",
        ) from None
    except _Refused as exc:
        raise file.error(
            str(exc),
            "a document type declaration (<!DOCTYPE>), which no GEXF writer emits",
            "Remove it, or export the file again from Gephi.",
        ) from None
    except OSError as exc:
        raise file.error(None, f"the file is damaged ({exc})", "Download it again.") from None
    src, dst, attrs, directed, lines = [], [], [], [], []
    for a, b, values, way, line in reader.edges:
        for end in (a, b):
            if end not in reader.index:
                raise file.error(
                    f"line {line}",
                    f"an edge names node {end[:40]!r}, which the file does not declare"
                    if end
                    else "an edge without its source or target",
                    "The file looks truncated or edited; export it again.",
                )
        src.append(reader.index[a])
        dst.append(reader.index[b])
        attrs.append(values)
        directed.append(reader.directed if way is None else way)
        lines.append(line)
    return GraphData(
        format="GEXF",
        directed=reader.directed,
        ids=reader.ids,
        names=reader.names,
        src=src,
        dst=dst,
        columns={k: [v.get(k) for v in attrs] for k in {k for v in attrs for k in v}},
        edge_directed=directed,
        lines=lines,
    )
