"""``salon report``: a goal's plan as a report people would rather look at than read — one
self-contained HTML page (CSS inline, charts as inline SVG, no script, nothing loaded from
anywhere) and the same as a PDF printed by headless Chromium.

Sections, in order: the plan's one sentence of advice; whom to be known by and the few to
win; channels now and forecast 6–12 months ahead with 90 % intervals; the segment's attention
map; the weekly time budget; meetings; the funnel; milestones; and, only with
``include_private``, the account intelligence to gather first. Charts: :mod:`.charts` (pure
functions, reusable); sections from the plan's JSON: :mod:`.sections` (the channels
section: :mod:`.channels`); the page: :mod:`.render`; the PDF: :mod:`.pdf`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from salon.insights.results import Result

if TYPE_CHECKING:
    from salon.store import Store
    from salon.strategy.results import Plan

_INTERNAL = {"internal": True}

#: The files a report writes in its folder.
HTML_NAME, PDF_NAME = "report.html", "report.pdf"

_OBJECTIVES = {
    "reach": "reach",
    "speak": "a speaking slot",
    "sell": "sell",
    "hire": "hire",
    "learn": "learn",
}


@dataclass(frozen=True)
class Report(Result):
    """A written report: its files, its sections (ids, in order), whether it holds private
    intelligence, and the seconds each step took; ``plan`` is the plan it shows (not in the
    JSON)."""

    goal: str
    html: str
    pdf: str | None
    sections: list[str]
    include_private: bool
    advice: str
    notes: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    plan: Plan | None = field(default=None, metadata=_INTERNAL, repr=False, compare=False)


def build_sections(
    plan: Mapping[str, Any], *, attention: Mapping[str, Any] | None = None
) -> list[dict[str, Any]]:
    """The report's sections from a plan's JSON (and the attention map's data, when drawn).

    The accounts section is there only when the plan has one (``include_private``)."""
    from salon.reports import sections as s
    from salon.reports.channels import channels

    agenda = plan.get("agenda_setters") or {}
    segment = plan.get("segment") or {}
    out = [s.known_by(agenda, segment), s.to_win(agenda), channels(plan.get("channels") or {})]
    if attention is not None:
        out.append(s.attention_map(attention, segment=str(segment.get("name", ""))))
    out.append(s.budget(plan.get("budget") or {}))
    meetings = plan.get("meetings") or {}
    out.append(s.meetings(meetings))
    if (meetings.get("funnel") or {}).get("reached", meetings.get("funnel")):
        out.append(s.funnel(meetings["funnel"]))
    if plan.get("accounts") is not None:
        out.append(s.accounts(plan["accounts"]))
    out.append(s.milestones(plan.get("milestones") or {}))
    if plan.get("notes") or plan.get("timings"):
        out.append(s.about(plan))
    return out


def facts(plan: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The lines under the title: objective, segment, topic, horizon, hours, you."""
    goal = plan.get("goal") or {}
    segment = plan.get("segment") or {}
    out = [("objective", _OBJECTIVES.get(goal.get("objective", ""), goal.get("objective", "")))]
    members = segment.get("members")
    size = f" ({members:,} people)" if isinstance(members, int) else ""
    out.append(("segment", f"{segment.get('name', goal.get('segment', ''))}{size}"))
    if goal.get("topic"):
        out.append(("topic", str(goal["topic"])))
    out.append(("horizon", f"{goal.get('horizon_months', 12)} months"))
    out.append(("time", f"{float(goal.get('hours_per_week', 4)):g} h a week"))
    you = plan.get("you")
    if you:
        out.append(("you", str(you.get("name") or f"person {you.get('person')}")))
    return out


def render_plan(
    plan: Mapping[str, Any],
    *,
    attention: Mapping[str, Any] | None = None,
    sections: list[dict[str, Any]] | None = None,
    include_private: bool = False,
    store: str = "",
) -> str:
    """The report's HTML for a plan's JSON (:class:`salon.strategy.results.Plan`): its
    ``sections`` when built already, else built here (with the attention map's data)."""
    from salon.reports.render import render_html

    goal = plan.get("goal") or {}
    return render_html(
        title=str(goal.get("name", "Plan")),
        advice=str(plan.get("advice", "")),
        sections=sections if sections is not None else build_sections(plan, attention=attention),
        facts=facts(plan),
        include_private=include_private,
        store=store,
    )


def report(
    store: Store,
    goal: str,
    out_dir: str | Path,
    *,
    include_private: bool = False,
    pdf: bool = True,
    progress: Callable[[str], None] | None = None,
) -> Report:
    """Write the plan of ``goal`` as ``out_dir/report.html`` (self-contained) and, with
    ``pdf``, ``out_dir/report.pdf`` (headless Chromium; see :mod:`salon.reports.pdf`). The
    account intelligence is left out unless ``include_private``. ``progress`` is told each
    step's name as it starts. Files are private (0600, the folder 0700 when made here).

    Raises :class:`~salon.errors.SalonError` for an unknown goal, or with ``pdf`` when no
    Chromium is found (before anything is written).

    Examples
    --------
    >>> import salon, tempfile
    >>> from pathlib import Path
    >>> store = salon.demo.sample_store()
    >>> _ = salon.add_goal(store, "qec", objective="learn",
    ...                    segment="tag:quantum-error-correction", topic="error correction")
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     written = salon.report(store, "qec", folder, pdf=False)
    ...     page = Path(written.html).read_text(encoding="utf-8")
    >>> written.sections[:4], written.pdf
    (['agenda', 'win', 'channels', 'map'], None)
    >>> "<svg" in page, "<script" in page, "accounts" in written.sections
    (True, False, False)
    """
    import salon
    from salon.private import private_dir, write_private_text
    from salon.reports.attention import attention_map_data
    from salon.reports.pdf import html_to_pdf, require_chromium
    from salon.store.goals import get_goal

    tell = progress or (lambda _step: None)
    get_goal(store, goal)  # an unknown goal is the first thing to say, before any browser
    browser = require_chromium() if pdf else None
    timings: dict[str, float] = {}
    started = time.perf_counter()
    made = salon.plan(
        store, goal, include_private=include_private, progress=lambda s: tell(f"plan: {s}")
    )
    plan = made.to_dict()
    timings["plan"] = time.perf_counter() - started
    tell("adoption curves")
    started = time.perf_counter()
    plan = with_history(store, plan)
    timings["adoption curves"] = time.perf_counter() - started
    tell("attention map")
    started = time.perf_counter()
    agenda = plan.get("agenda_setters") or {}
    attention = attention_map_data(
        store,
        str(plan["goal"]["segment"]),
        setters=[int(r["person"]) for r in agenda.get("known_by") or []],
        to_win=[int(r["person"]) for r in agenda.get("to_win") or []],
    )
    timings["attention map"] = time.perf_counter() - started
    tell("HTML")
    started = time.perf_counter()
    folder = private_dir(out_dir)
    built = build_sections(plan, attention=attention)
    html = render_plan(plan, sections=built, include_private=include_private, store=_where(store))
    html_path = folder / HTML_NAME
    write_private_text(html_path, html)
    timings["html"] = time.perf_counter() - started
    pdf_path = None
    if pdf:
        tell("PDF")
        started = time.perf_counter()
        pdf_path = html_to_pdf(html_path, folder / PDF_NAME, browser=browser)
        timings["pdf"] = time.perf_counter() - started
    return Report(
        goal=str(plan["goal"]["name"]),
        html=str(html_path),
        pdf=str(pdf_path) if pdf_path else None,
        sections=[s["id"] for s in built],
        include_private=include_private,
        advice=str(plan.get("advice", "")),
        notes=list(plan.get("notes") or []),
        timings=timings,
        plan=made,
    )


def with_history(store: Store, plan: Mapping[str, Any]) -> dict[str, Any]:
    """The plan with each forecast channel's history (``observed``: the segment's adoptions
    per period) and its forecasts 1..h periods ahead (``path``), to draw the adoption curves:
    the same forecast again (:func:`salon.forecast`, same channel, segment, period and
    horizon). The path is kept only when it agrees with the plan's forecasts."""
    import salon
    from salon.errors import SalonError

    channels = dict(plan.get("channels") or {})
    later = []
    for row in channels.get("later") or []:
        row = dict(row)
        points = row.get("forecasts") or []
        if "observed" not in row and points:
            try:
                again = salon.forecast(
                    store,
                    row["channel"],
                    segment=str(plan["goal"]["segment"]),
                    period=row["period"],
                    horizon=max(int(p["horizon"]) for p in points),
                )
            except SalonError:
                again = None
            if again is not None:
                row["observed"] = list(again.observed)
                if _agree(again.forecasts, points):
                    row["path"] = [dict(p) for p in again.path]
        later.append(row)
    channels["later"] = later
    return {**plan, "channels": channels}


def _agree(mine: list[dict[str, Any]], theirs: list[dict[str, Any]]) -> bool:
    """The same forecasts, to the plan's rounding (0.1 adopter)."""
    return len(mine) == len(theirs) and all(
        abs(float(a["adopters"]) - float(b["adopters"])) <= 0.051
        for a, b in zip(mine, theirs, strict=True)
    )


def _where(store: Store) -> str:
    """The store's URL without a password (the report names where its data came from)."""
    from sqlalchemy.engine import make_url

    return make_url(store.url).render_as_string(hide_password=True)
