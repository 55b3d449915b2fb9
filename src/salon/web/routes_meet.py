"""Whom to meet: the funnel of your relationships, nudges, and the meeting planner (whom to
meet in a city, where and in what form, with the invitations as an .ics download) — each
with its JSON twin (``salon.funnel``, ``salon.nudges``, ``salon.meet``)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

import salon
from salon.web.common import bad_request, cached, call, heavy, render, state

router = APIRouter()

City = Annotated[
    str, Query(min_length=1, max_length=200, description="A city, e.g. 'Graz, Austria'.")
]
Day = Annotated[str | None, Query(max_length=10, pattern=r"^\d{4}-\d{2}-\d{2}$")]
SegmentQ = Annotated[str | None, Query(max_length=500)]
Top = Annotated[int, Query(ge=1, le=100)]


def _epoch(value: str | None, name: str) -> int | None:
    if not value:
        return None
    try:
        return int(datetime.strptime(value, "%Y-%m-%d").replace(tzinfo=UTC).timestamp())
    except ValueError:
        raise bad_request(f"'{value}' is no date for {name} (YYYY-MM-DD).") from None


def funnel_data(request: Request, segment: str | None, since: str | None) -> dict[str, Any]:
    store = state(request).store
    return cached(  # type: ignore[no-any-return]
        request,
        ("funnel", segment, since),
        lambda: call(lambda: salon.funnel(store, segment=segment or None, since=since or None)),
    ).to_dict()


@router.get("/api/v1/funnel", tags=["meet"], summary="Your relationships by stage")
def api_funnel(request: Request, segment: SegmentQ = None, since: Day = None) -> dict[str, Any]:
    return funnel_data(request, segment, since)


def nudges_data(request: Request, top: int = 20) -> dict[str, Any]:
    store = state(request).store
    return cached(  # type: ignore[no-any-return]
        request, ("nudges", top), lambda: call(lambda: salon.nudges(store, top=top))
    ).to_dict()


@router.get("/api/v1/nudges", tags=["meet"], summary="Whom to get back in touch with")
def api_nudges(request: Request, top: Top = 20) -> dict[str, Any]:
    return nudges_data(request, top)


@router.get("/funnel", response_class=HTMLResponse, include_in_schema=False)
def page_funnel(request: Request, segment: SegmentQ = None, since: Day = None) -> HTMLResponse:
    data = funnel_data(request, segment, since)
    nudges = nudges_data(request)
    query = urlencode({k: v for k, v in {"segment": segment, "since": since}.items() if v})
    return render(
        request,
        "funnel.html",
        data=data,
        nudges=nudges,
        segment=segment,
        since=since,
        api="/api/v1/funnel" + (f"?{query}" if query else ""),
    )


def _plan(
    request: Request,
    city: str,
    start: str | None,
    end: str | None,
    segment: str | None,
    top: int,
) -> Any:
    store = state(request).store
    since, until = _epoch(start, "from"), _epoch(end, "to")
    return cached(
        request,
        ("meet", city, since, until, segment, top),
        lambda: heavy(
            request,
            lambda: call(
                lambda: salon.meet(
                    store, city=city, since=since, until=until, segment=segment or None, top=top
                )
            ),
        ),
    )


@router.get("/api/v1/meet", tags=["meet"], summary="Whom to meet in a city, where and how")
def api_meet(
    request: Request,
    city: City,
    start: Annotated[Day, Query(alias="from")] = None,
    end: Annotated[Day, Query(alias="to")] = None,
    segment: SegmentQ = None,
    top: Top = 10,
) -> dict[str, Any]:
    return _plan(request, city, start, end, segment, top).to_dict()  # type: ignore[no-any-return]


@router.get(
    "/api/v1/meet.ics",
    tags=["meet"],
    summary="The plan's invitations as iCalendar (nothing is sent)",
    response_class=Response,
    responses={200: {"content": {"text/calendar": {}}}},
)
def api_meet_ics(
    request: Request,
    city: City,
    start: Annotated[Day, Query(alias="from")] = None,
    end: Annotated[Day, Query(alias="to")] = None,
    segment: SegmentQ = None,
    top: Top = 10,
) -> Response:
    plan = _plan(request, city, start, end, segment, top)
    body = plan.ics()
    name = "".join(c if c.isalnum() else "-" for c in city.lower()).strip("-") or "plan"
    return Response(
        body,
        media_type="text/calendar",
        headers={"Content-Disposition": f'attachment; filename="salon-meet-{name}.ics"'},
    )


@router.get("/meet", response_class=HTMLResponse, include_in_schema=False)
def page_meet(
    request: Request,
    city: Annotated[str | None, Query(max_length=200)] = None,
    start: Annotated[Day, Query(alias="from")] = None,
    end: Annotated[Day, Query(alias="to")] = None,
    segment: SegmentQ = None,
    top: Top = 10,
) -> HTMLResponse:
    data = _plan(request, city, start, end, segment, top).to_dict() if city else None
    query = urlencode(
        {
            k: v
            for k, v in {
                "city": city,
                "from": start,
                "to": end,
                "segment": segment,
                "top": top,
            }.items()
            if v
        }
    )
    invitations = sum(len(p["suggestions"]) for p in data["plans"]) if data else 0
    return render(
        request,
        "meet.html",
        data=data,
        city=city,
        start=start,
        end=end,
        segment=segment,
        top=top,
        query=query,
        invitations=invitations,
        api=f"/api/v1/meet?{query}" if city else None,
    )
