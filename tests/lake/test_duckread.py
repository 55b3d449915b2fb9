"""DuckDB's own reading of plain edge lists lands exactly what the Arrow reader lands."""

from __future__ import annotations

import gzip
from pathlib import Path

import duckdb
import pytest

import salon
from salon.errors import ExportFormatError
from salon.importers.files import input_files
from salon.lake import duckread, ingest
from tests.conftest import shared

OPTIONS = salon.ImportOptions(namespace="n", lake=True)
#: More lines than the edge importer samples for its layout.
_EVENTS = "".join(f"{i} {i + 1} {1341100972 + i} RT\n" for i in range(300))


def _landed(path: Path, folder: Path, *, arrow: bool) -> tuple[list[tuple], list[tuple], bool]:
    """Edges and nodes one import of ``path`` writes, and whether DuckDB parsed the file."""
    file = input_files(path)[0]
    writer = ingest.LakeWriter(folder, 1)
    edges = ingest.file_tables(file, OPTIONS)
    parsed: list[int | None] = []
    into = edges.into
    edges.into = lambda db, scratch: parsed.append(into(db, scratch)) or parsed[-1]  # type: ignore[method-assign]
    writer.land(list(edges) if arrow else edges, name=path.name, sha256="s", namespace="n")
    direct = bool(parsed) and parsed[0] is not None
    writer.publish()
    read = duckdb.connect()
    rows = read.execute(
        f"SELECT * FROM read_parquet('{folder}/edges/*/*.parquet') ORDER BY line"
    ).fetchall()
    nodes = read.execute(
        f"SELECT * FROM read_parquet('{folder}/nodes/*/*.parquet') ORDER BY code"
    ).fetchall()
    return rows, nodes, direct


def _same(tmp_path: Path, text: str | bytes, name: str = "e.txt") -> tuple[list[tuple], bool]:
    path = tmp_path / name
    data = text.encode() if isinstance(text, str) else text
    path.write_bytes(gzip.compress(data) if name.endswith(".gz") else data)
    fast = _landed(path, tmp_path / "fast", arrow=False)
    slow = _landed(path, tmp_path / "slow", arrow=True)
    assert fast[:2] == slow[:2]
    assert not list((tmp_path / "fast").glob(".staging-*"))  # the scratch copy is gone
    return fast[0], fast[2]


def test_a_higgs_slice_is_read_by_duckdb_with_its_line_numbers(tmp_path):
    with gzip.open(shared("higgs_twitter/higgs-activity_time.txt.gz"), "rt") as src:
        lines = [next(src) for _ in range(3_000)]
    text = "# SNAP activity\n%\n\n" + "".join(lines)
    rows, direct = _same(tmp_path, text, "a.txt.gz")
    assert direct
    assert len(rows) == 3_000
    first = lines[0].split()
    assert rows[0][2:4] == (
        {"RT": "repost", "MT": "mention", "RE": "reply"}[first[3]],
        int(first[2]),
    )
    assert rows[0][-1] == 4 and rows[-1][-1] == 3_003  # lines counted from the file's top


@pytest.mark.parametrize(
    ("text", "direct"),
    [
        ("source,target,kind\nA,b,follow\nc,D,RT\n", True),  # a header, upper-case ids
        ("1 2 1341100972\n1 2 1341100972\n2 1 1341100973\n", True),  # repeated events
        ("1\t2\n2\t3\n1\t2\n", True),  # ties: a repeat is kept once
        ("1 2 1341100972 RT\n\n3 4 1341100973 MT\n", False),  # a blank line
        ("1 2 1341100972 RT\n3 4  1341100973 MT\n", False),  # a doubled separator
        ("1 2 1341100972 RT\r\n3 4 1341100973 MT\r\n", False),  # Windows line ends
        ("1 2 2012-07-01 RT\n3 4 2012-07-02 MT\n", False),  # dates
        ("1 2 0.5\n3 4 2\n", False),  # weights
        ("1 2 1341100972 RT\n3 4 1341100973 MT \n", False),  # a padded line
        ("1 2 1341100972 RT\n# c\n3 4 1341100973 MT", False),  # a comment inside
        (_EVENTS + "3 4 1341100973 MT 9\n", False),  # an extra column past the sample
        ("ä 2 1341100972 RT\n3 Ö 1341100973 MT\n", False),  # not ASCII
        ("a#1 2 1341100972 RT\n3 b%2 1341100973 MT\n", False),  # comment marks in ids
    ],
)
def test_duckdb_reads_only_what_it_reads_as_arrow_does(tmp_path, text, direct):
    assert _same(tmp_path, text)[1] is direct


def test_a_short_line_is_still_named_by_line(tmp_path):
    path = tmp_path / "e.txt"
    path.write_text(_EVENTS + "5 6\n")
    with (
        salon.open_store(str(tmp_path / "s.db")) as store,
        pytest.raises(ExportFormatError, match=r"line 301.*expected 4 columns, found 2"),
    ):
        salon.import_paths(store, [path], options=OPTIONS)


def test_plain_text(tmp_path):
    assert duckread.is_plain(b"a,b\nc,d", ",")
    assert not duckread.is_plain(b"a,b\n,d", ",")
    assert not duckread.is_plain(b"a b\nc\td", " ")
    assert not duckread.is_plain(b'a "b"\nc d', " ")
