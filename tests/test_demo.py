"""`salon demo`: the main job on the shipped sample, end to end, as a new user runs it."""

from __future__ import annotations

import re
import time

import salon
from salon.demo import GOAL, SEGMENT, run_demo
from tests.conftest import run_cli

#: A person shown by a bare market id (``quantumcomputing:418``) instead of a name.
BARE_ID = re.compile(r"quantumcomputing:\d+")


def test_salon_demo_imports_plans_and_writes_the_report(tmp_path):
    out = tmp_path / "report"
    started = time.perf_counter()
    result = run_cli("demo", "--out", str(out), cwd=tmp_path)
    seconds = time.perf_counter() - started
    assert result.returncode == 0, result.stderr
    text = result.stdout
    # where it is: a line per stage, imports first, the plan's stages, the report's
    stages = re.findall(r"✓ (.+?) \d+\.\d s", text)
    assert stages[:3] == [
        "import your LinkedIn export (pseudonymised, 2018 layout)",
        "import a company's internal e-mail (KONECT, CC BY-SA)",
        "import posts of a Q&A community (Stack Exchange, CC BY-SA)",
    ]
    assert stages[3] == "goal" and "plan: agenda-setters" in stages and "HTML" in stages
    assert "82,927 interactions" in text and "1,670 posts" in text
    assert f"Goal '{GOAL}'" in text and SEGMENT[1] in text
    # people have names: the Stack Exchange sample carries its users' display names
    known_by = re.search(r"Whom to be known by: (.+)", text)
    assert known_by and not BARE_ID.search(known_by.group(1))
    html = (out / "report.html").read_text()
    assert "Whom to be known by" in html and "The segment&#39;s attention map" in html
    assert f"{out / 'report.html'}" in text.replace("\n", "")
    assert seconds < 60, f"the demo took {seconds:.0f} s (the target is under 60 s)"


def test_run_demo_without_a_folder_makes_the_plan_only(tmp_path):
    stages: list[str] = []
    with salon.open_store(str(tmp_path / "demo.db")) as store:
        result = run_demo(store, progress=stages.append)
    assert result.report is None and not list(tmp_path.glob("*.html"))
    plan = result.plan.to_dict()
    assert plan["goal"]["name"] == GOAL and plan["segment"]["members"] == 24
    names = [r["name"] for r in plan["agenda_setters"]["known_by"]]
    assert len(names) == 5 and all(n and not BARE_ID.fullmatch(n) for n in names)
    assert stages[0].startswith("import ") and "plan: win" in stages
    assert list(result.timings) == stages
