"""The goal and its plan (``salon.goals``, ``salon.add_goal``, ``salon.plan``,
``salon.progress``): the plan's sections, each item linking to its evidence — the person, the
channel's ranking, the forecast, the meeting planner, the account — with its JSON twin.

The plan is the owner's own page: it includes the accounts section (private intelligence),
marked private."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Form, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

import salon
from salon.web import answers
from salon.web.common import cached, call, changed, csrf_protect, heavy, render, state

router = APIRouter()

GoalName = Annotated[str, Path(min_length=1, max_length=100)]
Objective = Literal["reach", "speak", "sell", "hire", "learn"]


class NewGoal(BaseModel):
    """A goal to store (as ``salon goal add``)."""

    name: str = Field(min_length=1, max_length=100)
    objective: Objective
    segment: str = Field(min_length=1, max_length=500)
    topic: str | None = Field(default=None, max_length=500)
    accounts: list[str] = Field(default_factory=list, max_length=50)
    horizon_months: int = Field(default=12, ge=1, le=120)
    hours_per_week: float = Field(default=4.0, gt=0, le=80)
    replace: bool = False


def goals_data(request: Request) -> list[dict[str, Any]]:
    store = state(request).store
    return [g.to_dict() for g in cached(request, ("goals",), lambda: salon.goals(store))]


@router.get("/api/v1/goals", tags=["plan"], summary="Your goals")
def api_goals(request: Request) -> list[dict[str, Any]]:
    return goals_data(request)


def _add(request: Request, new: NewGoal) -> dict[str, Any]:
    store = state(request).store
    options = new.model_dump(exclude={"name"})
    added = call(lambda: salon.add_goal(store, new.name, **options).to_dict())
    changed(request)
    return added  # type: ignore[no-any-return]


@router.post(
    "/api/v1/goals",
    tags=["plan"],
    summary="Store a goal",
    dependencies=[Depends(csrf_protect)],
)
def api_add_goal(request: Request, new: NewGoal) -> dict[str, Any]:
    return _add(request, new)


@router.post("/plan", include_in_schema=False, dependencies=[Depends(csrf_protect)])
def form_add_goal(
    request: Request,
    name: Annotated[str, Form(min_length=1, max_length=100)],
    objective: Annotated[Objective, Form()],
    segment: Annotated[str, Form(min_length=1, max_length=500)],
    topic: Annotated[str | None, Form(max_length=500)] = None,
    hours_per_week: Annotated[float, Form(gt=0, le=80)] = 4.0,
    horizon_months: Annotated[int, Form(ge=1, le=120)] = 12,
    accounts: Annotated[list[str] | None, Form(max_length=50)] = None,
    replace: Annotated[bool, Form()] = False,
) -> RedirectResponse:
    _add(
        request,
        NewGoal(
            name=name,
            objective=objective,
            segment=segment,
            topic=topic or None,
            hours_per_week=hours_per_week,
            horizon_months=horizon_months,
            accounts=[a for a in accounts or [] if a.strip()],
            replace=replace,
        ),
    )
    return RedirectResponse(f"/plan/{name}", status_code=303)


@router.get("/plan", response_class=HTMLResponse, include_in_schema=False)
def page_goals(request: Request) -> HTMLResponse:
    goals = goals_data(request)
    if len(goals) == 1:
        return RedirectResponse(f"/plan/{goals[0]['name']}", status_code=303)  # type: ignore[return-value]
    store = state(request).store
    segments = cached(request, ("segments",), lambda: salon.segments(store))
    accounts = cached(request, ("accounts",), lambda: salon.accounts(store)).to_dict()
    return render(
        request,
        "goals.html",
        goals=goals,
        segments=segments,
        accounts=[a["name"] for a in accounts["accounts"]],
        api="/api/v1/goals",
    )


def plan_data(request: Request, goal: str) -> dict[str, Any]:
    store = state(request).store
    return cached(  # type: ignore[no-any-return]
        request,
        ("plan", goal),
        lambda: heavy(request, lambda: call(lambda: salon.plan(store, goal, include_private=True))),
    ).to_dict()


@router.get(
    "/api/v1/plan/{goal}",
    tags=["plan"],
    summary="A goal's plan: each section with its evidence (accounts are private)",
)
async def api_plan(request: Request, goal: GoalName) -> dict[str, Any]:
    return await answers.kept_json(  # type: ignore[return-value]
        request, ("plan", goal), lambda: answers.json_bytes(plan_data(request, goal))
    )


@router.get("/plan/{goal}", response_class=HTMLResponse, include_in_schema=False)
async def page_plan(request: Request, goal: GoalName) -> Response:
    def build(r: Request) -> bytes:
        data = plan_data(r, goal)
        return answers.page_bytes(r, "plan.html", plan=data, api=f"/api/v1/plan/{goal}")

    return await answers.kept_page(request, build)


def _progress(request: Request, goal: str) -> dict[str, Any]:
    store = state(request).store
    measured = call(lambda: heavy(request, lambda: salon.progress(store, goal)).to_dict())
    changed(request)
    return measured  # type: ignore[no-any-return]


@router.post(
    "/api/v1/plan/{goal}/progress",
    tags=["plan"],
    summary="Measure the goal's milestones now (recorded when something changed)",
    dependencies=[Depends(csrf_protect)],
)
def api_progress(request: Request, goal: GoalName) -> dict[str, Any]:
    return _progress(request, goal)


@router.post("/plan/{goal}/progress", include_in_schema=False, dependencies=[Depends(csrf_protect)])
def form_progress(request: Request, goal: GoalName) -> HTMLResponse:
    data = _progress(request, goal)
    return render(request, "progress.html", progress=data, goal=goal)
