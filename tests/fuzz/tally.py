"""Examples run per importer in this process, written after each one where the campaign asks
(``SALON_FUZZ_STATS``), so a run stopped at the end of its time still counts."""

from __future__ import annotations

import json
import os

EXECUTIONS: dict[str, int] = {}


def count(importer: str) -> None:
    EXECUTIONS[importer] = EXECUTIONS.get(importer, 0) + 1
    path = os.environ.get("SALON_FUZZ_STATS")
    if path:  # written aside and renamed: a run stopped mid-write leaves the last count
        with open(f"{path}.part", "w", encoding="utf-8") as out:
            json.dump(EXECUTIONS, out)
        os.replace(f"{path}.part", path)
