"""`salon report` on two real sets (higgs_twitter, stackexchange_quantumcomputing): every
section is there, and the numbers and names each shows are the plan's (its ``to_dict()``);
the page loads nothing; private intelligence only with ``include_private``."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

import salon
from salon.reports.blocks import number, people_words
from salon.reports.pdf import find_chromium
from tests.conftest import run_cli

pytestmark = pytest.mark.slow

SECTIONS = ["agenda", "win", "channels", "map", "budget", "meetings", "milestones"]


class _Sections(HTMLParser):
    """The text of each ``<section id>`` of a page, and of its header, as a reader sees it."""

    def __init__(self) -> None:
        super().__init__()
        self.text: dict[str, list[str]] = {"": []}
        self.current = ""
        self.depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "section":
            self.current = dict(attrs).get("id") or ""
            self.text.setdefault(self.current, [])
        if tag in ("td", "th", "li", "p", "text", "h2", "h3", "div"):
            self.text[self.current].append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag == "section":
            self.current = ""

    def handle_data(self, data: str) -> None:
        self.text[self.current].append(data)


def cells(*parts: object) -> str:
    """Table cells as :func:`sections_of` reads them: one space between non-empty ones."""
    return " ".join(str(p) for p in parts if str(p))


def sections_of(page: str) -> dict[str, str]:
    parser = _Sections()
    parser.feed(page)
    return {k: " ".join("".join(v).split()) for k, v in parser.text.items()}


def _written(store: salon.Store, goal: str, folder: Path) -> tuple[Any, dict[str, Any], str]:
    written = salon.report(store, goal, folder, pdf=find_chromium() is not None)
    assert written.plan is not None
    return written, written.plan.to_dict(), Path(written.html).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def higgs_report(higgs, tmp_path_factory):
    store = higgs
    return _written(store, "higgs-early", tmp_path_factory.mktemp("higgs-report"))


@pytest.fixture(scope="module")
def quantum_report(quantum, tmp_path_factory):
    store = quantum
    return _written(store, "trusted-answerer", tmp_path_factory.mktemp("quantum-report"))


@pytest.fixture(params=["higgs", "quantum"])
def report(request, higgs_report, quantum_report):
    return {"higgs": higgs_report, "quantum": quantum_report}[request.param]


def test_every_section_is_there_in_order(report):
    written, plan, page = report
    assert [s for s in written.sections if s in SECTIONS] == SECTIONS
    assert "accounts" not in written.sections and "PRIVATE" not in page
    text = sections_of(page)
    assert plan["advice"] and plan["advice"] in text[""]  # the one sentence, on top
    pairs = {"agenda": "agenda_setters", "channels": "channels", "budget": "budget"}
    pairs |= {"meetings": "meetings", "milestones": "milestones"}
    for section, key in pairs.items():
        assert plan[key]["advice"] in text[section], section


def test_agenda_setters_and_people_to_win_are_the_plans(report):
    _, plan, page = report
    text = sections_of(page)
    agenda = plan["agenda_setters"]
    for row in agenda["known_by"]:
        shown = cells(row["rank"], row["name"], row["reason"], row["segment_members_attending"])
        assert f"{shown} {row['lift']:.1f}×" in text["agenda"], shown
    reach = agenda["reach"]
    assert (
        f"expected to reach {reach['expected_reach']:,.0f} of the segment's "
        f"{reach['segment_in_graph']:,} ({reach['expected_share']:.0%})" in text["win"]
    )
    for seed in agenda["to_win"]:
        assert cells(seed["name"], seed["reason"], f"{seed['marginal_gain']:.1f}") in text["win"]
    assert f"{agenda['to_win'][-1]['cumulative_share']:.0%}" in text["win"]


def test_channels_and_forecasts_with_their_intervals(report):
    _, plan, page = report
    text = sections_of(page)["channels"]
    for channel in plan["channels"]["now"]:
        name = channel["channel"].split(":", 1)[-1]
        assert cells(name, channel["reason"]) in text
    for row in plan["channels"]["later"]:
        for f in row["forecasts"]:
            ahead = f"+{f['months']:g} months"
            assert (
                cells(ahead, f"{f['adopters']:,.0f}", f"{f['low']:,.0f}–{f['high']:,.0f}") in text
            )
    for row in plan["channels"]["leave"]:
        assert row["reason"] in text


def test_the_week_meetings_and_milestones_are_the_plans(report):
    _, plan, page = report
    text = sections_of(page)
    budget = plan["budget"]
    for item in budget["items"]:
        assert (
            cells(item["what"], item["reason"], item["kind"], f"{item['hours']:g}")
            in text["budget"]
        )
    assert sum(i["hours"] for i in budget["items"]) <= budget["hours_per_week"]
    for part, hours in budget["split"].items():
        if hours:
            assert f"{part}: {hours:g} h" in text["budget"]  # the chart's legend
    for m in plan["milestones"]["items"]:
        # who counts, with what they did, in place of the reason's list of names
        count, colon, _ = m["reason"].partition(":")
        who = people_words(m["people"])
        why = (f"{count}: {who}" if colon else f"{m['reason']} — {who}") if who else m["reason"]
        assert cells(m["label"], why, number(m["value"]), number(m["target"])) in text["milestones"]


def test_the_attention_map_draws_the_named_people_and_the_segment(report):
    _, plan, page = report
    svg = re.search(r'<section id="map".*?(<svg.*?</svg>)', page, re.S)
    assert svg
    drawn = svg.group(1)
    agenda = plan["agenda_setters"]
    for row in agenda["known_by"] + agenda["to_win"]:
        label = row["name"] if len(row["name"]) <= 26 else row["name"][:25] + "…"
        assert f">{label}</text>" in drawn
    members = re.search(r"Outer ring: ([\d,]+) of the segment's", sections_of(page)["map"])
    assert members
    # one grey dot a member shown, and one in the legend
    assert drawn.count('r="4" fill="#999999"') == int(members.group(1).replace(",", "")) + 1


def test_the_page_loads_nothing(report):
    _, _, page = report
    assert "<script" not in page and "<link" not in page and "<img" not in page
    assert "@import" not in page and "url(" not in page
    assert "default-src 'none'" in page  # and the browser is told so
    assert not re.search(r'(?:src|href)="(?!#)', page)


def test_private_intelligence_only_with_include_private(tmp_path):
    """The Enron example account (real mail and titles): its gaps are in the report only when
    asked for, marked private; the public report holds none of them."""
    from salon.intel.example import NAME, example_store

    store = example_store()
    salon.add_segment(store, "ets-mail", "all")
    salon.add_goal(store, "win-ets", objective="sell", segment="ets-mail", accounts=[NAME])
    private = salon.report(store, "win-ets", tmp_path / "private", include_private=True, pdf=False)
    public = salon.report(store, "win-ets", tmp_path / "public", pdf=False)
    assert "accounts" in private.sections and "accounts" not in public.sections
    assert private.plan is not None
    gaps = private.plan.to_dict()["accounts"]["gaps"]
    assert len(gaps) >= 5 and {g["kind"] for g in gaps} >= {"field", "stakeholder"}
    shown = sections_of(Path(private.html).read_text(encoding="utf-8"))
    page = Path(public.html).read_text(encoding="utf-8")
    assert "PRIVATE" in shown["accounts"]
    for gap in gaps:
        assert cells(gap["what"], gap["reason"], gap["kind"], gap["account"]) in shown["accounts"]
        assert gap["what"] not in page
    assert "PRIVATE" not in page and "Account intelligence" not in page


def test_salon_report_command(quantum, tmp_path, monkeypatch):
    out = tmp_path / "out"
    db = quantum.engine.url.database
    done = run_cli("report", "trusted-answerer", "--out", str(out), "--no-pdf", "--json", db=db)
    assert done.returncode == 0, done.stderr
    written = json.loads(done.stdout)
    assert written["html"] == str(out / "report.html") and written["pdf"] is None
    assert written["sections"][:3] == ["agenda", "win", "channels"]
    assert "plan: agenda-setters…" in done.stderr  # where it is, on stderr
    assert (out / "report.html").is_file() and not (out / "report.pdf").exists()
    # An unknown goal is said first, even where no Chromium could print the PDF.
    monkeypatch.setenv("SALON_CHROMIUM", str(tmp_path / "no-chromium"))
    missing = run_cli("report", "no-such-goal", "--out", str(out), db=db)
    assert missing.returncode == 1 and "Traceback" not in missing.stderr
    assert "no-such-goal" in missing.stderr
