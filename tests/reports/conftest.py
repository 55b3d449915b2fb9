"""The two real sets the report is tested on: the same goals as the plan's tests
(``tests/strategy/conftest.py``, whose readers of the data this reuses), each imported once
a session, yielding the store and its folder (the command-line tests open the store's file):

- higgs_twitter: the run-up to the Higgs announcement (every retweet, mention and reply
  before 2012-07-04 00:00 UTC); the segment ``early-retweeters`` is the first 500 people who
  retweeted; the goal ``higgs-early``: reach them on the Higgs discovery.
- stackexchange_quantumcomputing: the whole dump (questions, answers and comments, with their
  authors' display names), you = DaftWullie; the segment ``qec-askers`` is the people who
  asked about quantum error correction; the goal ``trusted-answerer``: become a trusted
  answerer for them.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

import salon
from salon.importers.base import ImportOptions
from tests.strategy.conftest import higgs_files, stackexchange_posts, you_on_stackexchange


@pytest.fixture(scope="session")
def higgs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[salon.Store, Path]]:
    folder = tmp_path_factory.mktemp("higgs")
    activity, segment = higgs_files(folder)
    store = salon.open_store(str(folder / "higgs.db"))
    salon.import_paths(store, [activity], options=ImportOptions(namespace="higgs"))
    salon.add_segment(store, "early-retweeters", f"file:{segment}")
    salon.add_goal(
        store,
        "higgs-early",
        objective="reach",
        segment="early-retweeters",
        topic="the Higgs discovery",
    )
    yield store, folder
    store.close()


@pytest.fixture(scope="session")
def quantum(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[salon.Store, Path]]:
    folder = tmp_path_factory.mktemp("quantum")
    store = salon.open_store(str(folder / "quantum.db"))
    salon.import_paths(
        store, [stackexchange_posts(folder)], options=ImportOptions(namespace="quantumcomputing")
    )
    you_on_stackexchange(store)
    salon.add_segment(
        store, "qec-askers", "tag:quantum-error-correction & platform:quantumcomputing"
    )
    salon.add_goal(
        store,
        "trusted-answerer",
        objective="learn",
        segment="qec-askers",
        topic="quantum error correction",
    )
    yield store, folder
    store.close()
