"""`salon import --lake`, `salon lake`, `salon lake check`, `salon lake pin`, `--engine`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path


def salon(*args: str, db: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "salon", "--db", str(db), *args],
        capture_output=True,
        text=True,
        check=False,
    )


def test_lake_commands(tmp_path):
    db = tmp_path / "s.db"
    edges = tmp_path / "market.txt"
    edges.write_text(
        "# who reposts whom\n1 2 1341100972 RT\n2 3 1341100973 MT\n3 1 1341100974 RE\n"
    )
    done = salon("import", "--lake", "--namespace", "m", str(edges), db=db)
    assert done.returncode == 0, done.stderr
    assert "lake edges" in done.stdout
    found = json.loads(salon("lake", "--json", db=db).stdout)
    assert (found["edges"], found["nodes"], found["namespaces"]) == (3, 3, ["m"])
    assert found["folder"].startswith(str(tmp_path / "lake"))
    stats = json.loads(salon("stats", "--json", db=db).stdout)
    assert stats["tables"]["lake edges"] == 3 and stats["tables"]["people"] == 0
    assert salon("lake", "check", db=db).returncode == 0
    pinned = salon("lake", "pin", "m:2", "--json", db=db)
    assert pinned.returncode == 0 and json.loads(pinned.stdout)["m:2"] > 0
    part = next(Path(found["folder"]).glob("edges/import=1/*.parquet"))
    part.write_bytes(part.read_bytes()[:-20])
    check = salon("lake", "check", db=db)
    assert check.returncode == 1
    assert str(part) in check.stdout.replace("\n", "") and "salon imports remove 1" in check.stdout
    ranked = salon("influencers", "--segment", "namespace:m", db=db)
    assert ranked.returncode == 1 and "Traceback" not in ranked.stderr
    assert "salon lake check" in ranked.stderr


def test_engine_must_be_known(tmp_path):
    done = salon("--engine", "hadoop", "stats", db=tmp_path / "s.db")
    assert done.returncode == 2 and "use local or spark" in done.stderr
