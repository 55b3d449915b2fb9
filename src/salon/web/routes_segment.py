"""Segments: the list (add and remove one), a segment's agenda-setters, heads-down experts
and the people to win, and its attention map — each with its JSON twin."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import BaseModel, Field

import salon
from salon.web.common import cached, call, changed, csrf_protect, heavy, render, state

router = APIRouter()

Name = Annotated[str, Path(min_length=1, max_length=500, description="A segment's name or a rule")]
Top = Annotated[int, Query(ge=1, le=200)]


class NewSegment(BaseModel):
    """A segment to store: its name and rule (``KIND:VALUE``, several joined by `` & ``)."""

    name: str = Field(min_length=1, max_length=100)
    rule: str = Field(min_length=1, max_length=2000)
    replace: bool = False
    seed: int = Field(default=0, ge=0, description="The communities' seed, for community:N")
    resolution: float = Field(default=1.0, ge=0.01, description="Their resolution")


@router.get("/segments", response_class=HTMLResponse, include_in_schema=False)
def page_segments(request: Request) -> HTMLResponse:
    store = state(request).store
    found = cached(request, ("segments",), lambda: salon.segments(store))
    return render(request, "segments.html", segments=found, api="/api/v1/segments")


def _add(request: Request, new: NewSegment) -> dict[str, Any]:
    store = state(request).store
    added = call(
        lambda: salon.add_segment(
            store,
            new.name,
            new.rule,
            replace=new.replace,
            seed=new.seed,
            resolution=new.resolution,
        ).to_dict()
    )
    changed(request)
    return added  # type: ignore[no-any-return]


@router.post("/api/v1/segments", tags=["segments"], summary="Store a segment (as segment add)")
def api_add_segment(
    request: Request, new: NewSegment, _: None = Depends(csrf_protect)
) -> dict[str, Any]:
    return _add(request, new)


@router.post("/segments", include_in_schema=False, dependencies=[Depends(csrf_protect)])
def form_add_segment(
    request: Request,
    name: Annotated[str, Form(min_length=1, max_length=100)],
    rule: Annotated[str, Form(min_length=1, max_length=2000)],
    replace: Annotated[bool, Form()] = False,
    seed: Annotated[int, Form(ge=0)] = 0,
    resolution: Annotated[float, Form(ge=0.01)] = 1.0,
) -> RedirectResponse:
    new = NewSegment(name=name, rule=rule, replace=replace, seed=seed, resolution=resolution)
    _add(request, new)
    return RedirectResponse(f"/segments/{name}", status_code=303)


@router.post(
    "/segments/{name}/remove", include_in_schema=False, dependencies=[Depends(csrf_protect)]
)
def form_remove_segment(request: Request, name: Name) -> RedirectResponse:
    _remove(request, name)
    return RedirectResponse("/segments", status_code=303)


def _remove(request: Request, name: str) -> dict[str, Any]:
    store = state(request).store
    removed = call(lambda: salon.remove_segment(store, name).to_dict())
    changed(request)
    return removed  # type: ignore[no-any-return]


@router.delete(
    "/api/v1/segments/{name}",
    tags=["segments"],
    summary="Delete a stored segment (the people stay)",
    dependencies=[Depends(csrf_protect)],
)
def api_remove_segment(request: Request, name: Name) -> dict[str, Any]:
    return _remove(request, name)


def segment_data(request: Request, name: str, top: int = 20) -> dict[str, Any]:
    """``salon.influencers`` and ``salon.experts`` for a segment, with their evidence."""
    store = state(request).store
    leaders = cached(
        request,
        ("influencers", name, top),
        lambda: heavy(request, lambda: call(lambda: salon.influencers(store, name, top=top))),
    )
    experts = cached(
        request,
        ("experts", name, top),
        lambda: heavy(request, lambda: call(lambda: salon.experts(store, name, top=top))),
    )
    return {"influencers": leaders.to_dict(), "experts": experts.to_dict()}


@router.get(
    "/api/v1/segments/{name}", tags=["segments"], summary="A segment's agenda-setters and experts"
)
def api_segment(request: Request, name: Name, top: Top = 20) -> dict[str, Any]:
    return segment_data(request, name, top)


@router.get("/segments/{name}", response_class=HTMLResponse, include_in_schema=False)
def page_segment(request: Request, name: Name, top: Top = 20) -> HTMLResponse:
    data = segment_data(request, name, top)
    return render(
        request, "segment.html", name=name, data=data, api=f"/api/v1/segments/{name}?top={top}"
    )


def win_data(request: Request, name: str, k: int = 10, exclude_known: bool = False) -> Any:
    store = state(request).store
    return cached(
        request,
        ("win", name, k, exclude_known),
        lambda: heavy(
            request,
            lambda: call(lambda: salon.win(store, name, k=k, exclude_known=exclude_known)),
        ),
    ).to_dict()


@router.get("/api/v1/segments/{name}/win", tags=["segments"], summary="Whom to win (IMM)")
def api_win(
    request: Request,
    name: Name,
    k: Annotated[int, Query(ge=1, le=50)] = 10,
    exclude_known: bool = False,
) -> dict[str, Any]:
    return win_data(request, name, k, exclude_known)  # type: ignore[no-any-return]


@router.get("/segments/{name}/win", response_class=HTMLResponse, include_in_schema=False)
def page_win(
    request: Request,
    name: Name,
    k: Annotated[int, Query(ge=1, le=50)] = 10,
    exclude_known: bool = False,
) -> HTMLResponse:
    data = win_data(request, name, k, exclude_known)
    return render(
        request,
        "win.html",
        name=name,
        data=data,
        k=k,
        exclude_known=exclude_known,
        api=f"/api/v1/segments/{name}/win?k={k}&exclude_known={str(exclude_known).lower()}",
    )


def map_data(request: Request, name: str, setters: int = 20) -> dict[str, Any]:
    from salon.web.attention import attention_map

    store = state(request).store
    return cached(  # type: ignore[no-any-return]
        request,
        ("map", name, setters),
        lambda: heavy(request, lambda: call(lambda: attention_map(store, name, setters=setters))),
    )


@router.get(
    "/api/v1/segments/{name}/map",
    tags=["segments"],
    summary="The attention map: members, agenda-setters and you, with positions",
)
def api_map(request: Request, name: Name, setters: Top = 20) -> dict[str, Any]:
    return map_data(request, name, setters)


@router.get("/segments/{name}/map", response_class=HTMLResponse, include_in_schema=False)
def page_map(request: Request, name: Name, setters: Top = 20) -> HTMLResponse:
    from salon.web.static import vendor_ready

    data = map_data(request, name, setters)
    return render(
        request,
        "map.html",
        name=name,
        data=data,
        ready=vendor_ready(),
        api=f"/api/v1/segments/{name}/map?setters={setters}",
    )
