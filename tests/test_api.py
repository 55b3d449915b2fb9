import ast
import doctest
import inspect
import os
from pathlib import Path

import pytest

import salon
import salon.dates
import salon.model
from salon.importers.base import ImportOptions
from tests.conftest import ROOT, shared

#: The public API, pinned: a name added or removed here is a decision, not an accident.
PUBLIC = [
    "ConvergenceError",
    "ExportFormatError",
    "ImportOptions",
    "ImportReport",
    "LAYOUTS",
    "MIN_DUPLICATE_SCORE",
    "PERIODS",
    "SalonError",
    "SchemaVersionError",
    "Store",
    "StoreError",
    "UnknownExportError",
    "UnsafeInputError",
    "__version__",
    "account",
    "account_gaps",
    "accounts",
    "add_account",
    "add_goal",
    "add_note",
    "add_segment",
    "add_stakeholder",
    "adoption",
    "advice",
    "check_post",
    "collect_from",
    "collect_jobs",
    "communities",
    "components",
    "demo",
    "duplicates",
    "experts",
    "export",
    "forecast",
    "funnel",
    "goals",
    "import_account",
    "import_paths",
    "imports",
    "influencers",
    "innovations",
    "innovators",
    "intelligence",
    "intro",
    "lake_check",
    "lake_pin",
    "lake_repair",
    "lake_summary",
    "land",
    "land_posts",
    "lead_lag",
    "leak_secrets",
    "me",
    "meet",
    "merge",
    "nudges",
    "open_store",
    "parse_weights",
    "people",
    "person",
    "plan",
    "progress",
    "read_as",
    "remove_account",
    "remove_goal",
    "remove_import",
    "remove_segment",
    "remove_stakeholder",
    "report",
    "segments",
    "set_you",
    "signals",
    "sources",
    "stats",
    "ties",
    "topics",
    "unmerge",
    "where",
    "win",
]

#: The questions Salon answers: the functions of the public API that take a store.
QUESTIONS = [
    name
    for name in PUBLIC
    if name[0].islower() and name not in ("demo", "import_paths", "open_store", "__version__")
]


def test_public_api():
    assert sorted(salon.__all__) == sorted(PUBLIC)
    for name in salon.__all__:
        assert hasattr(salon, name)
    assert set(dir(salon)) >= set(PUBLIC)


@pytest.mark.parametrize("name", QUESTIONS)
def test_each_question_has_a_runnable_example(name, tmp_path, monkeypatch):
    function = getattr(salon, name)
    doc = inspect.getdoc(function) or ""
    assert "Examples\n--------\n>>> " in doc, f"salon.{name} has no Examples section"
    monkeypatch.chdir(tmp_path)  # whatever an example writes stays in the test's folder
    tests = doctest.DocTestFinder(recurse=False).find(function, f"salon.{name}", globs={})
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    for test in tests:
        runner.run(test)
    assert runner.summarize(verbose=False).failed == 0
    assert os.listdir(tmp_path) == []  # the examples' stores are in memory


#: What a question is about, when it may be left out: ``salon.ties(store)`` is your ties,
#: ``salon.ties(store, "Ana")`` Ana's. Not an option: it stays positional.
OPTIONAL_SUBJECTS = {("ties", "person")}


@pytest.mark.parametrize("name", QUESTIONS)
def test_options_are_keyword_only(name):
    for parameter in inspect.signature(getattr(salon, name)).parameters.values():
        if (name, parameter.name) in OPTIONAL_SUBJECTS:
            continue
        if parameter.default is not inspect.Parameter.empty:
            assert parameter.kind is inspect.Parameter.KEYWORD_ONLY, (name, parameter.name)


def test_doctests():
    for module in (salon, salon.dates, salon.model, salon.demo):
        assert doctest.testmod(module).failed == 0


def test_results_are_frozen_and_their_json_has_no_private_keys():
    store = salon.demo.sample_store()
    outlook = salon.forecast(store, "tag:quantum-algorithms", period="week", backtest_periods=2)
    data = outlook.to_dict()
    assert not [k for k in data if k.startswith("_")] and "fit" not in data
    assert data["backtest"]["hidden"] == 2 and outlook["backtest"] == data["backtest"]
    assert outlook.fit is not None and outlook.fit.observed.tolist() == data["observed"]
    with pytest.raises(AttributeError):
        outlook.horizon = 3  # type: ignore[misc]
    assert "backtest" not in salon.forecast(store, "tag:quantum-algorithms").to_dict()


def test_an_in_memory_store_leaves_no_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with salon.open_store(":memory:") as store:
        assert salon.stats(store).tables["people"] == 0
    assert os.listdir(tmp_path) == []


def _imports(path: Path) -> list[tuple[str, list[str], int]]:
    """(module, names, line) of every import outside ``if TYPE_CHECKING:``."""
    tree = ast.parse(path.read_text())
    typing_only = {
        id(node)
        for block in ast.walk(tree)
        if isinstance(block, ast.If) and "TYPE_CHECKING" in ast.unparse(block.test)
        for node in ast.walk(block)
    }
    out = []
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.ImportFrom) and node.module:
            out.append((node.module, [a.name for a in node.names], node.lineno))
        elif isinstance(node, ast.Import):
            out.extend((a.name, [], node.lineno) for a in node.names)
    return out


def test_the_cli_calls_only_the_public_api():
    # formatting of times (no store, no analytics), listening to long stages' progress, and
    # the two other surfaces the CLI starts
    allowed = {
        "salon.dates",
        "salon.reporting",
        "salon.web.app",
        "salon.web.security",
        "salon.mcp_server",
    }
    for path in sorted((ROOT / "src/salon/cli").glob("*.py")):
        for module, names, line in _imports(path):
            where = f"{path.name}:{line}"
            if module == "salon":
                assert set(names) <= set(salon.__all__), where
            elif module.startswith("salon."):
                assert module.startswith("salon.cli") or module in allowed, where
        tree = ast.parse(path.read_text())
        used = {
            node.attr
            for node in ast.walk(tree)
            if isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id == "salon"
        }
        assert used <= set(salon.__all__), (path.name, used - set(salon.__all__))
        assert '"_' not in path.read_text().replace('"__', "")  # no private keys popped


def test_sql_lives_in_the_store():
    outside = [ROOT / "src/salon/graph/features.py", *(ROOT / "src/salon/insights").glob("*.py")]
    for path in outside:
        modules = [m for m, _, _ in _imports(path)]
        assert not [m for m in modules if m.startswith("sqlalchemy")], path.name
        assert "salon.store.schema" not in modules, path.name


def test_errors_form_one_tree():
    for error in (
        salon.ExportFormatError,
        salon.UnknownExportError,
        salon.UnsafeInputError,
        salon.SchemaVersionError,
        salon.StoreError,
        salon.ConvergenceError,
    ):
        assert issubclass(error, salon.SalonError)


def test_a_file_read_before_is_skipped_unless_forced(fresh_store):
    vcards = shared("exports/vcard_vobject")
    first = salon.import_paths(fresh_store, [vcards])
    again = salon.import_paths(fresh_store, [vcards])
    assert again.import_id is None and again.files == []
    assert sorted(again.skipped) == sorted(f.file for f in first.files)
    forced = salon.import_paths(fresh_store, [vcards], options=ImportOptions(force=True))
    assert len(forced.files) == len(first.files) and forced.import_id is None
