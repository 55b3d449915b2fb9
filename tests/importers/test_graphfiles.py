"""Graph files (GraphML, GML, Pajek, GEXF) import as the edge list of the same graph does."""

from __future__ import annotations

import gzip
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import igraph as ig
import networkx as nx
import pyarrow.parquet as pq
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import aliased

import salon
from salon.errors import ExportFormatError, SalonError
from salon.importers import graphfiles
from salon.importers.files import input_files
from salon.lake.layout import lake_dir, read_manifest
from salon.store.schema import identities, interactions, people, ties
from tests.conftest import data_counts, shared

FORMATS = ("graphml", "gml", "net", "gexf")


# -- real graphs, as edge lists and as graphs -----------------------------------------------


def _alpha(timed: bool = True) -> list[tuple[str, str, float, int | None]]:
    """Bitcoin Alpha trust ratings (weights −10..10, Unix times): the first 400."""
    rows = shared("bitcoin_trust/soc-sign-bitcoinalpha.csv").read_text().splitlines()[:400]
    return [
        (s, d, float(w), int(t) if timed else None) for s, d, w, t in (r.split(",") for r in rows)
    ]


def _email() -> list[tuple[str, str, float | None, None]]:
    """email-Eu-core's first 1,500 directed edges (no weights, no times)."""
    rows = shared("email_eu_core/email-Eu-core.txt").read_text().splitlines()
    return [(*r.split(), None, None) for r in rows if r.strip()][:1500]  # type: ignore[misc]


def _facebook() -> list[tuple[str, str, float | None, None]]:
    """Ego net 0 of SNAP's Facebook data: an undirected graph (each pair listed both ways)."""
    rows = shared("snap_ego_facebook/0.edges").read_text().splitlines()
    return [(*r.split(), None, None) for r in rows if r.strip()]  # type: ignore[misc]


def _edge_list(path: Path, rows: list) -> Path:  # type: ignore[type-arg]
    columns = [
        [s, d] + ([str(w)] if w is not None else []) + ([str(t)] if t else [])
        for s, d, w, t in rows
    ]
    path.write_text("".join(",".join(c) + "\n" for c in columns))
    return path


def _write_graph(path: Path, rows: list, directed: bool = True) -> Path:  # type: ignore[type-arg]
    """``rows`` as a graph file in ``path``'s format, written by networkx (Pajek: igraph)."""
    fmt = path.suffix.lstrip(".")
    if fmt == "net":  # igraph writes Pajek vertex labels and weights (no other attributes)
        names = sorted({n for s, d, _, _ in rows for n in (s, d)}, key=int)
        index = {n: i for i, n in enumerate(names)}
        g = ig.Graph(directed=directed)
        g.add_vertices(len(names))
        g.vs["name"] = names
        g.add_edges([(index[s], index[d]) for s, d, _, _ in rows])
        if rows[0][2] is not None:
            g.es["weight"] = [w for _, _, w, _ in rows]
        g.write_pajek(str(path))
        return path
    graph = nx.MultiDiGraph() if directed else nx.Graph()
    for s, d, w, t in rows:
        attrs = ({"weight": w} if w is not None else {}) | ({"time": t} if t else {})
        graph.add_edge(s, d, **attrs)
    {"graphml": nx.write_graphml, "gml": nx.write_gml, "gexf": nx.write_gexf}[fmt](graph, path)
    return path


def _graph(store) -> tuple[int, set, Counter]:  # type: ignore[no-untyped-def,type-arg]
    """People, ties (src, dst, kind, weight) and interactions (… , time), by node id."""
    src, dst = aliased(identities), aliased(identities)
    with store.engine.connect() as c:
        count = c.execute(
            select(func.count()).select_from(people).where(people.c.merged_into.is_(None))
        ).scalar_one()
        found_ties = set(
            c.execute(
                select(src.c.value, dst.c.value, ties.c.kind, ties.c.weight)
                .join(src, src.c.person_id == ties.c.src_id)
                .join(dst, dst.c.person_id == ties.c.dst_id)
            ).all()
        )
        found_events = Counter(
            c.execute(
                select(
                    src.c.value,
                    dst.c.value,
                    interactions.c.kind,
                    interactions.c.at,
                    interactions.c.weight,
                )
                .join(src, src.c.person_id == interactions.c.src_id)
                .join(dst, dst.c.person_id == interactions.c.dst_id)
            ).all()
        )
    return count, found_ties, found_events


def _both(tmp_path: Path, rows: list, fmt: str, *, directed: bool = True, undirected: bool = False):  # type: ignore[no-untyped-def,type-arg]
    """(edge list's graph, graph file's graph), each imported into a store of its own: the
    edge list of an undirected graph is read with --undirected, the graph file as it says."""
    edge_list = _edge_list(tmp_path / "market.csv", rows)
    graph_file = _write_graph(tmp_path / f"market.{fmt}", rows, directed)
    out = []
    for n, (path, importer) in enumerate([(edge_list, "edges"), (graph_file, "graphs")]):
        told = undirected or (not directed and importer == "edges")
        options = salon.ImportOptions(namespace="m", undirected=told)
        with salon.open_store(str(tmp_path / f"s{n}.db")) as store:
            report = salon.import_paths(store, [path], options=options)
            assert report.files[0].importer == importer
            out.append(_graph(store))
    return out


@pytest.mark.parametrize("fmt", FORMATS)
def test_weighted_timed_ratings_match_the_edge_list(tmp_path, fmt):
    rows = _alpha(timed=fmt != "net")  # Pajek keeps weights, not times
    from_edges, from_graph = _both(tmp_path, rows, fmt)
    assert from_graph == from_edges
    people_count, found_ties, events = from_graph
    assert people_count == len({n for s, d, _, _ in rows for n in (s, d)})
    if fmt == "net":
        assert {(s, d, w) for s, d, _, w in found_ties} == {(s, d, w) for s, d, w, _ in rows}
    else:
        assert not found_ties
        assert events == Counter((s, d, "edge", t, w) for s, d, w, t in rows)


@pytest.mark.parametrize("fmt", FORMATS)
def test_directed_ties_match_the_edge_list(tmp_path, fmt):
    rows = _email()
    from_edges, from_graph = _both(tmp_path, rows, fmt)
    assert from_graph == from_edges
    assert from_graph[1] == {(s, d, "edge", 1.0) for s, d, _, _ in rows}


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_undirected_file_reads_as_an_undirected_edge_list(tmp_path, fmt):
    rows = _facebook()
    from_edges, from_graph = _both(tmp_path, rows, fmt, directed=False)
    assert from_graph == from_edges
    pairs = {tuple(sorted((s, d), key=int)) for s, d, _, _ in rows}
    assert from_graph[1] == {(s, d, "link", 1.0) for s, d in pairs}


def test_undirected_option_reads_a_directed_file_undirected(tmp_path):
    from_edges, from_graph = _both(tmp_path, _email(), "graphml", undirected=True)
    assert from_graph == from_edges
    assert {k for _, _, k, _ in from_graph[1]} == {"link"}


def _gexf13(path: Path, rows: list, how: str) -> Path:  # type: ignore[type-arg]
    """``rows`` as Gephi 0.10 writes GEXF 1.3, each edge's time given ``how``: as the edge's
    ``timestamp``, its ``timestamps`` (the first is the time) or a spell's ``timestamp``."""
    nodes = sorted({n for s, d, _, _ in rows for n in (s, d)}, key=int)

    def edge(s: str, d: str, w: float, t: int) -> str:
        when = {
            "timestamp": f' timestamp="{t}"',
            "timestamps": f' timestamps="&lt;[{t}, {t + 86400}]&gt;"',
            "spell": "",
        }[how]
        spells = f'<spells><spell timestamp="{t}"/></spells>' if how == "spell" else ""
        return f'<edge source="{s}" target="{d}" weight="{w}"{when}>{spells}</edge>\n'

    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<gexf xmlns="http://gexf.net/1.3" '
        'version="1.3">\n<graph defaultedgetype="directed" timeformat="integer" '
        'timerepresentation="timestamp">\n<nodes>\n'
        + "".join(f'<node id="{n}" label="{n}"/>\n' for n in nodes)
        + "</nodes>\n<edges>\n"
        + "".join(edge(*row) for row in rows)
        + "</edges>\n</graph>\n</gexf>\n"
    )
    return path


@pytest.mark.parametrize("how", ["timestamp", "timestamps", "spell"])
def test_gexf_1_3_timestamps_are_the_times(tmp_path, how):
    # Gephi 0.10 writes timestamp(s), not start: the times were silently lost
    rows = _alpha()[:100]
    found = []
    for n, path in enumerate(
        [_edge_list(tmp_path / "m.csv", rows), _gexf13(tmp_path / "m.gexf", rows, how)]
    ):
        with salon.open_store(str(tmp_path / f"s{n}.db")) as store:
            salon.import_paths(store, [path], options=salon.ImportOptions(namespace="m"))
            found.append(_graph(store))
    assert found[1] == found[0]
    assert found[1][2] == Counter((s, d, "edge", t, w) for s, d, w, t in rows)


# -- what graph files add: names, kinds, detection by content ------------------------------

GRAPHML = """<?xml version="1.0" encoding="UTF-8"?>
<graphml xmlns="http://graphml.graphdrawing.org/xmlns">
  <key id="n0" for="node" attr.name="label" attr.type="string"/>
  <key id="e0" for="edge" attr.name="kind" attr.type="string"/>
  <key id="e1" for="edge" attr.name="weight" attr.type="double"/>
  <graph edgedefault="directed">
    <node id="u1"><data key="n0">Ana Ruiz</data></node>
    <node id="u2"><data key="n0">u2</data></node>
    <node id="u3"/>
    <node id="lonely"/>
    <edge source="u1" target="u2"><data key="e0">RT</data><data key="e1">3</data></edge>
    <edge source="u2" target="u3"><data key="e0">follow</data></edge>
  </graph>
</graphml>
"""


def test_labels_become_names_kinds_are_read_and_lonely_nodes_are_counted(fresh_store, tmp_path):
    path = tmp_path / "net.xml"  # GraphML known by its root element, whatever the extension
    path.write_text(GRAPHML)
    report = salon.import_paths(fresh_store, [path])
    assert report.files[0].importer == "graphs"
    assert report.added["people"] == 3
    assert any("1 node(s) without edges" in w for w in report.warnings)
    with fresh_store.engine.connect() as c:
        names = set(c.execute(select(people.c.name)).scalars())
    assert names == {"Ana Ruiz", None}  # a label equal to the id is no name
    assert _graph(fresh_store)[1] == {("u1", "u2", "repost", 3.0), ("u2", "u3", "follow", 1.0)}
    assert salon.read_as([path], report) == {str(path): "read as GraphML, directed"}


@pytest.mark.parametrize(
    ("name", "text"),
    [
        (
            "a.txt",
            'Creator "igraph"\nVersion 1\ngraph\n[\n directed 1\n node [ id 0 ]\n'
            " node [ id 1 ]\n edge [ source 0 target 1 ]\n]\n",
        ),
        ("b.txt", '%comment\n*Vertices 2\n1 "x"\n2 "y"\n*Arcs\n1 2\n'),
        (
            "c.data",
            '<?xml version="1.0"?>\n<!-- gephi -->\n<gexf version="1.3">'
            '<graph defaultedgetype="directed"><nodes><node id="x"/><node id="y"/></nodes>'
            '<edges><edge source="x" target="y"/></edges></graph></gexf>\n',
        ),
    ],
)
def test_formats_are_known_by_their_content(fresh_store, tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    report = salon.import_paths(fresh_store, [path])
    assert report.files[0].importer == "graphs"
    assert report.added["ties"] == 1


def test_lonely_nodes_are_counted_in_the_lake_too(fresh_store, tmp_path):
    path = tmp_path / "net.graphml"
    path.write_text(GRAPHML)
    report = salon.import_paths(fresh_store, [path], options=salon.ImportOptions(lake=True))
    assert report.added["lake edges"] == 2 and report.added["people"] == 0
    assert any("1 node(s) without edges" in w for w in report.warnings)


@pytest.mark.parametrize("text", ["abc defgh " * 8, "%" * 26 + "\n1 2\n"])
def test_sniffing_a_file_of_words_takes_no_time(tmp_path, text):
    path = tmp_path / "words.txt"
    path.write_text(text)
    started = time.perf_counter()
    assert graphfiles.format_of(input_files(path)[0]) is None
    assert time.perf_counter() - started < 0.5  # backtracking took 5 s and more


def test_a_gzipped_graph_is_read(fresh_store, tmp_path):
    path = tmp_path / "g.graphml.gz"
    path.write_bytes(gzip.compress(GRAPHML.encode()))
    report = salon.import_paths(fresh_store, [path])
    assert report.added["ties"] == 2
    assert graphfiles.namespace_of(input_files(path)[0]) == "g"


def test_a_reimport_adds_nothing(fresh_store, tmp_path):
    path = _write_graph(tmp_path / "a.gexf", _alpha())
    first = salon.import_paths(fresh_store, [path])
    assert first.added["interactions"] == 400
    before = data_counts(fresh_store)
    again = salon.import_paths(fresh_store, [path], options=salon.ImportOptions(force=True))
    assert again.import_id is None and not any(again.added.values())
    assert data_counts(fresh_store) == before


# -- broken files ----------------------------------------------------------------------------


def _broken(tmp_path: Path) -> dict[str, tuple[str, str]]:
    """name -> (content, what the error must say)."""
    gml = Path(_write_graph(tmp_path / "ok.gml", _email()[:5])).read_text()
    gexf = Path(_write_graph(tmp_path / "ok.gexf", _email()[:5])).read_text()
    return {
        "cut.xml": (GRAPHML[:420], r"'.*cut\.xml' line \d+: broken GraphML"),
        "bad.gml": (gml.replace("target", "target [", 1), r"'.*bad\.gml' line \d+: broken GML \("),
        "bad.net": (
            '*Vertices 2\n1 "a"\n2 "b"\n*Arcs\n1 2\n2 7\n',
            r"'.*bad\.net' line 6: broken Pajek \(Invalid vertex ID \(7\)",
        ),
        "cut.gexf": (gexf[: len(gexf) // 2], r"'.*cut\.gexf' line \d+: broken GEXF"),
        "ghost.gexf": (
            gexf.replace('target="', 'target="ghost', 1),
            r"'.*ghost\.gexf' line \d+: an edge names node 'ghost",
        ),
        "mixed.net": (
            '*Vertices 3\n1 "a"\n2 "b"\n3 "c"\n*Arcs\n1 2\n*Edges\n2 3\n',
            r"'.*mixed\.net': it has both \*Arcs .* --undirected",
        ),
        "entity.graphml": (
            GRAPHML.replace("<graphml", '<!DOCTYPE g [<!ENTITY x "ha">]>\n<graphml', 1).replace(
                "Ana Ruiz", "&x;"
            ),
            r"'.*entity\.graphml': an XML entity igraph does not expand",
        ),
        "dtd.gexf": (
            gexf.replace("<gexf", "<!DOCTYPE gexf>\n<gexf", 1),
            r"'.*dtd\.gexf' line 2: a document type declaration",
        ),
        "weight.graphml": (
            GRAPHML.replace(">3<", ">inf<"),
            r"edge 1: weight 'inf' is not a finite",
        ),
    }


def test_broken_files_are_named_with_the_line_and_change_nothing(fresh_store, tmp_path):
    salon.import_paths(fresh_store, [_write_graph(tmp_path / "first.graphml", _email()[:50])])
    before = data_counts(fresh_store)
    for name, (text, said) in _broken(tmp_path).items():
        path = tmp_path / name
        path.write_text(text)
        with pytest.raises(ExportFormatError, match=said):
            salon.import_paths(fresh_store, [path])
        assert data_counts(fresh_store) == before, name


_LATIN1 = {  # name -> (bytes with one Latin-1 byte, its line)
    "name.gml": (
        b'graph [\n node [ id 1 label "Jos\xe9" ]\n node [ id 2 label "b" ]\n'
        b" edge [ source 1 target 2 ]\n]\n",
        2,
    ),
    "kind.gml": (
        b'graph [\n node [ id 1 label "a" ]\n node [ id 2 label "b" ]\n'
        b' edge [ source 1 target 2 kind "R\xe9" ]\n]\n',
        4,
    ),
    "name.net": (b'*Vertices 2\n1 "Jos\xe9"\n2 "b"\n*Arcs\n1 2\n', 2),
}


@pytest.mark.parametrize("name", sorted(_LATIN1))
@pytest.mark.parametrize("how", [[], ["--lake"], ["--undirected"]])
def test_a_latin1_byte_is_a_clear_error_not_an_abort(tmp_path, name, how):
    # igraph called abort() on a string it could not decode (rc 134): no except catches that
    data, line = _LATIN1[name]
    path = tmp_path / name
    path.write_bytes(data)
    done = subprocess.run(
        [sys.executable, "-m", "salon", "--db", str(tmp_path / "s.db"), "import", *how, str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    assert f"{name}' line {line}: the text is not UTF-8" in done.stderr
    assert "Traceback" not in done.stderr and "UnicodeDecodeError" not in done.stderr


@pytest.mark.parametrize(
    ("text", "line", "count"),
    [
        ("*Vertices 300000000\n*Arcs\n1 2\n", 1, "300,000,000"),
        ("% two-mode\n*vertices 5000 20\n*Edges\n1 2\n", 2, "5,000"),
    ],
)
def test_a_pajek_file_declaring_more_vertices_than_it_can_hold_is_refused(
    fresh_store, tmp_path, monkeypatch, text, line, count
):
    # igraph reserved tens of GB for a 30-byte file: it must not be asked to
    def never(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("igraph was asked to read it")

    monkeypatch.setattr(ig.Graph, "Read_Pajek", never)
    path = tmp_path / "huge.net"
    path.write_text(text)
    said = rf"'.*huge\.net' line {line}: it declares {count} vertices"
    with pytest.raises(ExportFormatError, match=said):
        salon.import_paths(fresh_store, [path], options=salon.ImportOptions(undirected=True))


def test_a_pajek_file_with_many_vertices_and_few_lines_is_read(fresh_store, tmp_path):
    path = tmp_path / "sparse.net"
    path.write_text("*Vertices 1000\n*Arcs\n1 1000\n")
    report = salon.import_paths(fresh_store, [path])
    assert report.added["ties"] == 1


def test_igraph_running_out_of_memory_is_a_file_error(fresh_store, tmp_path, monkeypatch):
    def out_of_memory(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise MemoryError("Error at src/core/vector.c:485: Cannot reserve space -- Out of memory")

    monkeypatch.setattr(ig.Graph, "Read_GML", out_of_memory)
    path = _write_graph(tmp_path / "g.gml", _email()[:5])
    with pytest.raises(ExportFormatError, match=r"'.*g\.gml': igraph ran out of memory"):
        salon.import_paths(fresh_store, [path])


def test_a_mixed_pajek_file_reads_with_undirected(fresh_store, tmp_path):
    path = tmp_path / "mixed.net"
    path.write_text('*Vertices 3\n1 "a"\n2 "b"\n3 "c"\n*Arcs\n1 2\n*Edges\n3 2\n')
    salon.import_paths(fresh_store, [path], options=salon.ImportOptions(undirected=True))
    assert _graph(fresh_store)[1] == {("a", "b", "link", 1.0), ("b", "c", "link", 1.0)}


def test_a_file_of_no_graph_format_is_refused_by_name(fresh_store, tmp_path):
    path = tmp_path / "notes.xml"
    path.write_text("<notes><note>hi</note></notes>\n")
    with pytest.raises(SalonError, match=r"'graphs' importer cannot read .*notes\.xml.*root"):
        salon.import_paths(fresh_store, [path], source="graphs")


# -- the market lake --------------------------------------------------------------------------


def _lake_edges(store) -> Counter:  # type: ignore[no-untyped-def,type-arg]
    folder = lake_dir(store)
    manifest = read_manifest(folder)
    codes = {}
    for p in manifest.paths("nodes"):
        t = pq.read_table(folder / p).to_pylist()
        codes.update({r["code"]: r["id"] for r in t})
    rows = [r for p in manifest.paths("edges") for r in pq.read_table(folder / p).to_pylist()]
    return Counter(
        (codes[r["src"]], codes[r["dst"]], r["kind"], r["at"], r["weight"]) for r in rows
    )


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_lake_takes_graph_files_as_it_takes_edge_lists(tmp_path, fmt):
    rows = _alpha()[:200] + [(s, d, None, None) for s, d, _, _ in _email()[:100]]
    rows = [(s, d, w if w is not None else 1.0, t) for s, d, w, t in rows]
    edge_list = tmp_path / "m.txt"
    edge_list.write_text("".join(f"{s} {d} {w} {t}\n" for s, d, w, t in rows[:200]))
    untimed = tmp_path / "u.txt"
    untimed.write_text("".join(f"{s} {d} {w}\n" for s, d, w, _ in rows[200:]))
    graph_file = _write_graph(tmp_path / f"m.{fmt}", rows)
    found = []
    for n, paths in enumerate([[edge_list, untimed], [graph_file]]):
        with salon.open_store(str(tmp_path / f"s{n}.db")) as store:
            opts = salon.ImportOptions(namespace="m", lake=True)
            report = salon.import_paths(store, paths, options=opts)
            assert report.added["people"] == 0
            found.append((report.added["lake edges"], _lake_edges(store)))
            forced = salon.ImportOptions(namespace="m", lake=True, force=True)
            again = salon.import_paths(store, paths, options=forced)
            assert not again.added.get("lake edges")
    assert found[0] == found[1]
    assert found[1][0] == 300 - (len(rows[200:]) - len({(s, d) for s, d, _, _ in rows[200:]}))
