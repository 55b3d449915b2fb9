"""Adoption and forecasts: what the store can date, an innovation's adopters by Rogers'
stage, and the segment's adopters forecast with their intervals (an interactive plot) —
each with its JSON twin (``salon.innovations``, ``salon.adoption``, ``salon.forecast``)."""

from __future__ import annotations

from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

import salon
from salon.web.common import cached, call, heavy, render, state

router = APIRouter()

Innovation = Annotated[
    str,
    Query(
        min_length=1,
        max_length=500,
        description="What was adopted, as `salon innovations` names it (tag:NAME, platform:NAME, "
        "channel:NAME, follows:WHO).",
    ),
]
SegmentQ = Annotated[str | None, Query(max_length=500, description="A segment's name or rule.")]
Period = Literal["day", "week", "month"]


def innovations_data(request: Request, limit: int = 30) -> list[dict[str, Any]]:
    store = state(request).store
    found = cached(request, ("innovations", limit), lambda: salon.innovations(store, limit=limit))
    return [i.to_dict() for i in found]


@router.get("/api/v1/innovations", tags=["adoption"], summary="What the store can date")
def api_innovations(
    request: Request, limit: Annotated[int, Query(ge=1, le=500)] = 30
) -> list[dict[str, Any]]:
    return innovations_data(request, limit)


def adoption_data(
    request: Request, innovation: str, segment: str | None, period: str
) -> dict[str, Any]:
    store = state(request).store
    return cached(  # type: ignore[no-any-return]
        request,
        ("adoption", innovation, segment, period),
        lambda: heavy(
            request,
            lambda: call(
                lambda: salon.adoption(store, innovation, segment=segment or None, period=period)
            ),
        ),
    ).to_dict()


@router.get("/api/v1/adoption", tags=["adoption"], summary="Adopters by Rogers' stage")
def api_adoption(
    request: Request, innovation: Innovation, segment: SegmentQ = None, period: Period = "month"
) -> dict[str, Any]:
    return adoption_data(request, innovation, segment, period)


@router.get("/adoption", response_class=HTMLResponse, include_in_schema=False)
def page_adoption(
    request: Request,
    innovation: Annotated[str | None, Query(max_length=500)] = None,
    segment: SegmentQ = None,
    period: Period = "month",
) -> HTMLResponse:
    found = innovations_data(request)
    data = adoption_data(request, innovation, segment, period) if innovation else None
    query = urlencode({"innovation": innovation or "", "segment": segment or "", "period": period})
    return render(
        request,
        "adoption.html",
        innovations=found,
        data=data,
        innovation=innovation,
        segment=segment,
        period=period,
        query=query,
        api=f"/api/v1/adoption?{query}" if innovation else "/api/v1/innovations",
    )


def forecast_data(
    request: Request,
    innovation: str,
    segment: str | None,
    period: str,
    horizon: int,
    backtest: int = 0,
) -> dict[str, Any]:
    store = state(request).store
    return cached(  # type: ignore[no-any-return]
        request,
        ("forecast", innovation, segment, period, horizon, backtest),
        lambda: heavy(
            request,
            lambda: call(
                lambda: salon.forecast(
                    store,
                    innovation,
                    segment=segment or None,
                    period=period,
                    horizon=horizon,
                    backtest_periods=backtest,
                )
            ),
        ),
    ).to_dict()


@router.get(
    "/api/v1/forecast", tags=["adoption"], summary="The segment's adopters forecast, intervals"
)
def api_forecast(
    request: Request,
    innovation: Innovation,
    segment: SegmentQ = None,
    period: Period = "month",
    horizon: Annotated[int, Query(ge=6, le=120)] = 12,
    backtest: Annotated[int, Query(ge=0, le=120)] = 0,
) -> dict[str, Any]:
    return forecast_data(request, innovation, segment, period, horizon, backtest)


@router.get("/forecast", response_class=HTMLResponse, include_in_schema=False)
def page_forecast(
    request: Request,
    innovation: Innovation,
    segment: SegmentQ = None,
    period: Period = "month",
    horizon: Annotated[int, Query(ge=6, le=120)] = 12,
) -> HTMLResponse:
    from salon.web.static import vendor_ready

    data = forecast_data(request, innovation, segment, period, horizon)
    query = urlencode(
        {"innovation": innovation, "segment": segment or "", "period": period, "horizon": horizon}
    )
    return render(
        request,
        "forecast.html",
        data=data,
        plot=_plot(data),
        ready=vendor_ready(),
        innovation=innovation,
        segment=segment,
        period=period,
        horizon=horizon,
        api=f"/api/v1/forecast?{query}",
    )


def _plot(data: dict[str, Any]) -> dict[str, Any]:
    """The series the chart draws: cumulative adopters per period, and the forecast's point
    and 90 % interval at each horizon, joined to the last period seen.

    >>> found = _plot({"observed": [2, 3], "forecasts": [
    ...     {"horizon": 6, "adopters": 9.0, "low": 7.0, "high": 12.0}], "period": "week"})
    >>> found["x"], found["observed"], found["forecast"], found["low"]
    ([0, 1, 7], [2.0, 5.0, None], [None, 5.0, 9.0], [None, 5.0, 7.0])
    """
    observed = [float(x) for x in data.get("observed") or []]
    cumulative: list[float] = []
    total = 0.0
    for count in observed:
        total += count
        cumulative.append(total)
    last = len(cumulative) - 1
    xs = list(range(len(cumulative)))
    seen: list[float | None] = list(cumulative)
    mid: list[float | None] = [None] * len(cumulative)
    low: list[float | None] = [None] * len(cumulative)
    high: list[float | None] = [None] * len(cumulative)
    if cumulative:
        mid[last] = low[last] = high[last] = cumulative[last]
    for row in data.get("forecasts") or []:
        xs.append(last + int(row["horizon"]))
        seen.append(None)
        mid.append(float(row["adopters"]))
        low.append(float(row["low"]) if row.get("low") is not None else None)
        high.append(float(row["high"]) if row.get("high") is not None else None)
    return {
        "x": xs,
        "observed": seen,
        "forecast": mid,
        "low": low,
        "high": high,
        "period": data.get("period"),
    }
