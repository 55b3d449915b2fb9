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


def test_repair_says_what_it_removed_and_what_to_import_again(tmp_path):
    db = tmp_path / "s.db"
    edges = tmp_path / "market.txt"
    edges.write_text("1 2\n2 3\n")
    assert salon("import", "--lake", "--namespace", "m", str(edges), db=db).returncode == 0
    folder = Path(json.loads(salon("lake", "--json", db=db).stdout)["folder"])
    # import 1 was interrupted after its partition moved into place, before the manifest named
    # it; another import, never stored, was interrupted while it was writing
    manifest = json.loads((folder / "manifest.json").read_text())
    (folder / "manifest.json").write_text(json.dumps({**manifest, "partitions": []}))
    staging = folder / ".staging-1-2" / "edges" / "import=9"
    staging.mkdir(parents=True)
    (staging / "part-0.parquet").write_bytes(b"PAR1")
    done = salon("lake", "check", "--repair", db=db)
    lines = done.stdout.splitlines()
    said = [line.removeprefix("Removed: ") for line in lines if line.startswith("Removed: ")]
    assert said == [
        f"{folder / '.staging-1-2'}: a partition an import was writing when it was interrupted "
        "(never stored). Nothing to remove from the store: run that import again",
        *(
            f"{folder / table / 'import=1'}: import 1's partition, which the lake's manifest "
            "does not name (the import was interrupted). Import again: salon imports remove 1, "
            f"then salon import --lake --force '{edges}' (with the --namespace it had)"
            for table in ("edges", "nodes")
        ),
    ]
    assert not (folder / ".staging-1-2").exists() and not (folder / "edges" / "import=1").exists()
    assert done.returncode == 1  # the store still claims import 1's edges: that is for the user
    again = salon("lake", "check", "--repair", "--json", db=db)
    assert json.loads(again.stdout)["removed"] == []


def test_repair_removes_a_stray_file_not_the_named_partition_beside_it(tmp_path):
    db = tmp_path / "s.db"
    edges = tmp_path / "market.txt"
    edges.write_text("1 2\n2 3\n")
    assert salon("import", "--lake", "--namespace", "m", str(edges), db=db).returncode == 0
    folder = Path(json.loads(salon("lake", "--json", db=db).stdout)["folder"])
    (part,) = (folder / "edges" / "import=1").glob("*.parquet")
    stray = part.with_name("part-9.parquet")
    stray.write_bytes(part.read_bytes())
    checked = salon("lake", "check", "--json", db=db)
    (problem,) = json.loads(checked.stdout)
    # The hint deletes the stray file, not the folder that holds the named partition too.
    assert problem["repair"].endswith(f"rm '{stray}'"), problem
    done = salon("lake", "check", "--repair", "--json", db=db)
    assert done.returncode == 0, done.stdout
    (removed,) = json.loads(done.stdout)["removed"]
    assert removed["path"] == str(stray) and "stray file beside import 1" in removed["what"]
    assert part.exists() and not stray.exists()
