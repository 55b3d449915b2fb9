"""Display names: canonical people, nameless people by their first identity, market nodes."""

from __future__ import annotations

import gzip
from pathlib import Path

import salon
from salon.store.facts import display_names
from tests.conftest import shared


def test_display_names_of_more_ids_than_one_sql_statement_holds(tmp_path: Path):
    # Adoption asks for the names of all its adopters: tens of thousands of market nodes
    # here, 279,379 on all of higgs-activity, and SQLite takes at most 250,000 variables (32,766
    # in some builds) in one statement.
    events = tmp_path / "higgs-activity_time.txt"
    with gzip.open(shared("higgs_twitter/higgs-activity_time.txt.gz"), "rt") as src:
        events.write_text("".join(line for _, line in zip(range(60_000), src, strict=False)))
    with salon.open_store(str(tmp_path / "s.db")) as store:
        report = salon.import_paths(
            store, [events], options=salon.ImportOptions(namespace="higgs", lake=True)
        )
        salon.lake.pin(store, ["higgs:88"])
        found = salon.adoption(store, "channel:higgs")
        assert found.adopters > 32_766
        names = {row["name"] for row in found.to_dict()["people"]}
        assert "higgs:88" in names and all(n and n.startswith("higgs:") for n in names)
        assert display_names(store, range(1, 300_000)) == display_names(store, range(1, 10))
        market = display_names(store, range(-1, -300_000, -1))
        assert len(market) == report.added["lake nodes"] > len(names)  # every node, by code
