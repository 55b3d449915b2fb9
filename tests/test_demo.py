"""`salon demo`: the main job on the shipped sample, end to end, as a new user runs it."""

from __future__ import annotations

import re
import time

from salon.demo import GOAL, SEGMENT
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
    # the private side: the example account and a draft the leak guard blocks
    assert "Account intelligence (private" in text and "Enron Transportation Services" in text
    assert "Leak guard on a draft post: blocked" in text
    assert "Account intelligence" not in html  # never in the report itself
    assert seconds < 60, f"the demo took {seconds:.0f} s (the target is under 60 s)"
    # the demo's store stays to explore, with the account's warm paths starting from you
    import salon

    with salon.open_store(str(out / "demo.db")) as store:
        gaps = salon.account_gaps(store, "Enron Transportation Services").to_dict()
    assert gaps["unmet"] and all(target["paths"] for target in gaps["unmet"])
    assert all(p["hops"] >= 2 for t in gaps["unmet"] for p in t["paths"])
