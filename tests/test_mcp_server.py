"""`salon mcp` driven by the MCP SDK's own client over stdio: the tools are listed and
called, each answer is the public function's ``to_dict()`` with its evidence, nothing is
written, and private intelligence stays out unless the server was started with
``--include-private``."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path
from typing import Any

import pytest
from mcp import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client

import salon
from salon.importers.base import ImportOptions


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped LinkedIn export and Q&A posts in a SQLite file, with a segment."""
    path = tmp_path_factory.mktemp("mcp") / "salon.db"
    with salon.open_store(str(path)) as store:
        for sample, namespace, _ in salon.demo.sample_paths():
            if namespace != "radoslaw":
                salon.import_paths(store, [sample], options=ImportOptions(namespace=namespace))
        salon.add_segment(
            store, "quantum-algorithms", "tag:quantum-algorithms & platform:quantumcomputing"
        )
    return path


async def _session(db: Path, *extra: str, calls: list[tuple[str, dict[str, Any]]]) -> Any:
    env = {**os.environ, "SALON_DB": str(db)}
    params = StdioServerParameters(
        command=sys.executable, args=["-m", "salon", "mcp", *extra], env=env
    )
    async with (
        stdio_client(params) as (read, write),
        ClientSession(read, write) as session,
    ):
        await session.initialize()
        tools = await session.list_tools()
        results = []
        for name, arguments in calls:
            result = await session.call_tool(name, arguments)
            results.append(result)
        return {t.name: t for t in tools.tools}, results


def _json(result: Any) -> Any:
    assert not result.isError, result.content
    if result.structuredContent is not None:
        data = result.structuredContent
        return data.get("result", data) if set(data) == {"result"} else data
    return json.loads(result.content[0].text)


def test_tools_listed_and_answers_carry_evidence(demo_db: Path) -> None:
    before = demo_db.stat().st_mtime_ns
    calls = [
        ("person_timeline", {"person": "Faisal Qureshi"}),
        ("who_matters", {"segment": "quantum-algorithms", "top": 3}),
        (
            "where_conversation",
            {"topic": "quantum error correction", "segment": "quantum-algorithms", "top": 2},
        ),
        ("whom_to_meet", {"city": "Delhi", "top": 3}),
        ("find_people", {"query": "kabir"}),
        ("person_timeline", {"person": "nobody-at-all"}),
    ]
    tools, results = asyncio.run(_session(demo_db, calls=calls))
    assert {"who_matters", "where_conversation", "whom_to_meet", "person_timeline"} <= set(tools)
    assert "account_plan" not in tools  # private intelligence is not offered by default
    person = _json(results[0])
    assert person["name"] == "Faisal Qureshi"
    # The same answer as the public function, with the file and line of every fact.
    with salon.open_store(str(demo_db)) as store:
        expected = salon.person(store, "Faisal Qureshi").to_dict()
        leaders = salon.influencers(store, "quantum-algorithms", top=3).to_dict()
    assert person["timeline"] == expected["timeline"]
    assert person["timeline"][0]["file"].endswith("Messages.csv")
    who = _json(results[1])
    assert [a["person"] for a in who["agenda_setters"]["influencers"]] == [
        a["person"] for a in leaders["influencers"]
    ]
    assert who["agenda_setters"]["influencers"][0]["attention_from_segment"]
    where = _json(results[2])
    assert where["channels"][0]["evidence"]["posts"] > 0
    meet = _json(results[3])
    assert meet["home"]["name"] == "Delhi"
    found = _json(results[4])
    assert found[0]["is_self"] and found[0]["name"] == "Kabir Mehta"
    assert results[5].isError and "Nobody called 'nobody-at-all'" in results[5].content[0].text
    assert demo_db.stat().st_mtime_ns == before  # read-only


@pytest.mark.skipif("account" not in salon.__all__, reason="account plans are not in this Salon")
def test_private_intelligence_only_with_include_private(demo_db: Path) -> None:
    with salon.open_store(str(demo_db)) as store:
        salon.add_account(store, "Quantum Labs")
        salon.add_note(store, "Budget frozen until Q3", field="issues", account="Quantum Labs")
    tools, _ = asyncio.run(_session(demo_db, calls=[]))
    assert "account_plan" not in tools
    tools, results = asyncio.run(
        _session(demo_db, "--include-private", calls=[("account_plan", {"name": "Quantum Labs"})])
    )
    assert "account_plan" in tools
    assert "Budget frozen until Q3" in json.dumps(_json(results[0]))
