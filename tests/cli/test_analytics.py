"""Analytics commands' output (src/salon/cli/analytics.py)."""

from __future__ import annotations

import csv
import io

from tests.conftest import run_cli


def test_components_csv_carries_raw_numbers(tmp_path):
    db = tmp_path / "s.db"
    edges = tmp_path / "chain.txt"
    edges.write_text("".join(f"{i} {i + 1}\n" for i in range(1200)) + "5000 5001\n")
    assert run_cli("import", "--lake", "--namespace", "m", str(edges), db=db).returncode == 0
    done = run_cli("components", "--csv", "--segment", "namespace:m", "--names", "1", db=db)
    assert done.returncode == 0, done.stderr
    header, first, second = list(csv.reader(io.StringIO(done.stdout)))
    assert header == ["#", "size", "share", "segment", "who", "edges edge"]
    assert first[:4] == ["1", "1201", repr(1201 / 1203), "1201"]
    assert first[5] == "1200"
    assert second[:4] == ["2", "2", repr(2 / 1203), "2"] and second[5] == "1"
    assert "1,201" in done.stderr  # the sentences, for a person, keep their separators
