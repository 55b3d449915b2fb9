"""The market lake from the browser (``salon.lake_summary``, ``salon.lake_check``,
``salon.lake_pin``, as ``salon lake``, ``salon lake check [--repair] [--quick]`` and
``salon lake pin``): what it holds, its problems with their repairs, and market nodes made
people — the writes CSRF-protected, each with its JSON twin."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field

import salon
from salon.web.common import (
    bad_request,
    cached,
    call,
    changed,
    csrf_protect,
    render,
    state,
)

router = APIRouter()

#: A market node: ``namespace:id``.
NODE = r"^[^:\s]+:\S+$"


def lake_data(request: Request) -> dict[str, Any]:
    store = state(request).store
    return cached(request, ("lake",), lambda: call(lambda: salon.lake_summary(store))).to_dict()  # type: ignore[no-any-return]


def _check(request: Request, *, repair: bool, full: bool) -> list[dict[str, str]]:
    web = state(request)
    with web.heavy:
        problems = call(lambda: salon.lake_check(web.store, repair=repair, full=full))
    if repair:
        changed(request)
    return [p.to_dict() for p in problems]


@router.get("/api/v1/lake", tags=["lake"], summary="What the market lake holds, per import")
def api_lake(request: Request) -> dict[str, Any]:
    return lake_data(request)


@router.get(
    "/api/v1/lake/check",
    tags=["lake"],
    summary="Missing, damaged or stray lake partitions, each with its repair",
)
def api_check(
    request: Request,
    quick: Annotated[bool, Query(description="Sizes and row counts only")] = False,
) -> list[dict[str, str]]:
    return _check(request, repair=False, full=not quick)


@router.post(
    "/api/v1/lake/repair",
    tags=["lake"],
    summary="Delete what interrupted imports left (never a named partition); what remains",
    dependencies=[Depends(csrf_protect)],
)
def api_repair(request: Request) -> list[dict[str, str]]:
    return _check(request, repair=True, full=True)


class Pin(BaseModel):
    """Market nodes to make people rows, written ``namespace:id``."""

    nodes: list[Annotated[str, Field(max_length=300, pattern=NODE)]] = Field(
        min_length=1, max_length=1000
    )


def _pin(request: Request, nodes: list[str]) -> dict[str, int]:
    web = state(request)
    with web.heavy:
        ids = call(lambda: salon.lake_pin(web.store, nodes))
    changed(request)
    return dict(zip(nodes, ids, strict=True))


@router.post(
    "/api/v1/lake/pin",
    tags=["lake"],
    summary="Make market nodes people rows: node -> person id",
    dependencies=[Depends(csrf_protect)],
)
def api_pin(request: Request, pin: Pin) -> dict[str, int]:
    return _pin(request, pin.nodes)


def _page(request: Request, **more: Any) -> HTMLResponse:
    return render(request, "lake.html", lake=lake_data(request), api="/api/v1/lake", **more)


@router.get("/lake", response_class=HTMLResponse, include_in_schema=False)
def page_lake(request: Request, check: bool = False, quick: bool = False) -> HTMLResponse:
    problems = _check(request, repair=False, full=not quick) if check else None
    return _page(request, problems=problems)


@router.post("/lake/repair", include_in_schema=False, dependencies=[Depends(csrf_protect)])
def form_repair(request: Request) -> HTMLResponse:
    return _page(request, problems=_check(request, repair=True, full=True), repaired=True)


@router.post("/lake/pin", include_in_schema=False, dependencies=[Depends(csrf_protect)])
def form_pin(
    request: Request, nodes: Annotated[str, Form(min_length=1, max_length=100_000)]
) -> HTMLResponse:
    try:
        pin = Pin(nodes=nodes.split())
    except ValueError:
        raise bad_request("Write each market node as namespace:id (e.g. higgs:12345).") from None
    return _page(request, pinned=_pin(request, pin.nodes))
