"""The start page: what the store holds, the segments, and where to go next."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

import salon
from salon.web.common import cached, render, state

router = APIRouter()


def home_data(request: Request) -> dict[str, Any]:
    store = state(request).store
    stats = cached(request, ("stats",), lambda: salon.stats(store))
    segments = cached(request, ("segments",), lambda: salon.segments(store))
    you = [
        p.to_dict()
        for p in cached(request, ("people", None), lambda: salon.people(store, limit=10**9))[:1]
        if p.is_self
    ]
    return {
        "you": you[0] if you else None,
        "stats": stats.to_dict(),
        "segments": [s.to_dict() for s in segments],
    }


@router.get("/api/v1/stats", tags=["store"], summary="Rows per table and your follower history")
def api_stats(request: Request) -> dict[str, Any]:
    return home_data(request)


@router.get("/api/v1/segments", tags=["segments"], summary="The stored segments")
def api_segments(request: Request) -> list[dict[str, Any]]:
    store = state(request).store
    return [s.to_dict() for s in cached(request, ("segments",), lambda: salon.segments(store))]


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def page_home(request: Request) -> HTMLResponse:
    return render(request, "home.html", data=home_data(request), api="/api/v1/stats")
