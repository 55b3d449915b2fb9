"""Start-up: a command loads its own module of commands and what it uses, nothing more."""

import json
import re
import subprocess
import sys

import pytest

from salon.cli import COMMANDS, command_of

_REGISTERED = """
import importlib, json
import typer.main
from salon.cli.app import app

def names():
    return list(typer.main.get_command(app).commands)

found = {}
for module in MODULES:
    before = set(names())
    importlib.import_module(f"salon.cli.{module}")
    found.update(dict.fromkeys([n for n in names() if n not in before], module))
print(json.dumps(found))
"""


def test_each_command_is_registered_by_the_module_commands_names():
    done = subprocess.run(
        [sys.executable, "-c", f"from salon.cli import MODULES\n{_REGISTERED}"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    registered = json.loads(done.stdout)
    assert registered == COMMANDS
    assert {"import", "lake", "segment", "collect", "check-post"} <= set(registered)


def test_the_full_app_still_has_every_command():
    import typer.main

    from salon.cli import app

    assert sorted(typer.main.get_command(app).commands) == sorted(COMMANDS)


@pytest.mark.parametrize(
    ("argv", "command"),
    [
        (["import", "--lake", "x.txt"], "import"),
        (["--db", "import", "stats"], "stats"),  # a store file named 'import'
        (["--db=/tmp/s.db", "--traceback", "lake", "check"], "lake"),
        (["--engine", "spark", "--master", "local[2]", "influencers"], "influencers"),
        (["--help", "import"], None),  # the overall help lists every command
        (["--traceback"], None),
        ([], None),
    ],
)
def test_the_command_is_the_first_word_after_the_global_options(argv, command):
    assert command_of(argv) == command


_RUN = """
import json, pathlib, sys
from salon.cli import main
out = pathlib.Path(sys.argv[1])
sys.argv = ["salon", *sys.argv[2:]]
code = 0
try:
    main()
except SystemExit as exc:
    code = exc.code
out.write_text(json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""


def test_a_lake_import_loads_only_what_it_uses(tmp_path):
    edges = tmp_path / "edges.txt"
    edges.write_text("".join(f"{i} {i + 1} {1341100972 + i} RT\n" for i in range(200)))
    out = tmp_path / "modules.json"
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            _RUN,
            str(out),
            "--db",
            str(tmp_path / "new.db"),
            "import",
            "--lake",
            "--namespace",
            "t",
            str(edges),
        ],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(out.read_text())
    assert result["code"] == 0, done.stdout + done.stderr
    assert re.search(r"lake edges\s*│\s*200\b", done.stdout), done.stdout
    loaded = set(result["modules"])
    tops = {m.split(".")[0] for m in loaded}
    assert {"salon.cli.data", "salon.importers.edges", "salon.lake.ingest", "duckdb"} <= loaded
    # never for an import: the other commands, Alembic on a new store, the importers' parsers
    # for other formats, the analytics, the insights, the PostgreSQL dialect
    assert (
        not {
            "alembic",
            "icalendar",
            "recurring_ical_events",
            "vobject",
            "libipld",
            "pandas",
            "scipy",
            "igraph",
            "numba",
            "pyspark",
            "fastapi",
            "matplotlib",
        }
        & tops
    )
    assert (
        not {
            "salon.cli.analytics",
            "salon.cli.lake",
            "salon.cli.collect",
            "salon.insights",
            "salon.insights.records",
            "salon.graph",
            "sqlalchemy.dialects.postgresql",
        }
        & loaded
    )


def test_the_objects_left_at_exit_are_not_collected_one_by_one():
    """main() freezes what is left when the command is done: Python's collections at exit
    then skip it (about 0.1 s of every command), and the exit code is the command's."""
    code = (
        "import gc, sys\nfrom salon.cli import main\nsys.argv = ['salon', 'statz']\n"
        "try:\n    main()\nexcept SystemExit as exc:\n"
        "    print(exc.code, gc.get_freeze_count() > 1000)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.stdout.split() == ["2", "True"], done.stderr
    assert "No such command 'statz'" in done.stderr
