"""One person across sources, by hand: the probable duplicates with their evidence
(``salon.duplicates``), merging two people and undoing a merge (``salon.merge``,
``salon.unmerge``); the segment's innovators and how far it lags its agenda-setters
(``salon.innovators``, ``salon.lead_lag``); the communities (``salon.communities``); tie
strength (``salon.ties``) — each with its JSON twin."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import BaseModel, Field

import salon
from salon.web.common import cached, call, changed, csrf_protect, heavy, render, state

router = APIRouter()

Score = Annotated[float, Query(ge=0.5, le=1.0)]
Name = Annotated[str, Path(min_length=1, max_length=500)]


class MergeRequest(BaseModel):
    """Merge ``other`` into ``keep`` (as ``salon merge KEEP OTHER``)."""

    keep: int = Field(ge=1)
    other: int = Field(ge=1)


def duplicates_data(request: Request, min_score: float) -> list[dict[str, Any]]:
    store = state(request).store
    found = cached(
        request,
        ("duplicates", min_score),
        lambda: heavy(request, lambda: salon.duplicates(store, min_score=min_score)),
    )
    return [d.to_dict() for d in found]


@router.get("/api/v1/duplicates", tags=["identity"], summary="People who are probably one")
def api_duplicates(request: Request, min_score: Score = 0.8) -> list[dict[str, Any]]:
    return duplicates_data(request, min_score)


@router.get("/duplicates", response_class=HTMLResponse, include_in_schema=False)
def page_duplicates(request: Request, min_score: Score = 0.8) -> HTMLResponse:
    return render(
        request,
        "duplicates.html",
        found=duplicates_data(request, min_score),
        min_score=min_score,
        api=f"/api/v1/duplicates?min_score={min_score}",
    )


def _merge(request: Request, keep: int, other: int) -> dict[str, Any]:
    store = state(request).store
    done = call(lambda: heavy(request, lambda: salon.merge(store, keep, other)).to_dict())
    changed(request)
    return done  # type: ignore[no-any-return]


def _unmerge(request: Request, pid: int) -> dict[str, Any]:
    store = state(request).store
    done = call(lambda: heavy(request, lambda: salon.unmerge(store, pid)).to_dict())
    changed(request)
    return done  # type: ignore[no-any-return]


@router.post(
    "/api/v1/merge",
    tags=["identity"],
    summary="Merge two people (undone by unmerge)",
    dependencies=[Depends(csrf_protect)],
)
def api_merge(request: Request, pair: MergeRequest) -> dict[str, Any]:
    return _merge(request, pair.keep, pair.other)


@router.post(
    "/api/v1/people/{pid}/unmerge",
    tags=["identity"],
    summary="Undo the merges of a person",
    dependencies=[Depends(csrf_protect)],
)
def api_unmerge(request: Request, pid: int) -> dict[str, Any]:
    return _unmerge(request, pid)


@router.post("/merge", include_in_schema=False, dependencies=[Depends(csrf_protect)])
def form_merge(
    request: Request, keep: Annotated[int, Form(ge=1)], other: Annotated[int, Form(ge=1)]
) -> RedirectResponse:
    _merge(request, keep, other)
    return RedirectResponse(f"/people/{keep}", status_code=303)


@router.post("/people/{pid}/unmerge", include_in_schema=False, dependencies=[Depends(csrf_protect)])
def form_unmerge(request: Request, pid: int) -> RedirectResponse:
    _unmerge(request, pid)
    return RedirectResponse(f"/people/{pid}", status_code=303)


def diffusion_data(request: Request, name: str) -> dict[str, Any]:
    store = state(request).store

    def compute() -> dict[str, Any]:
        return {
            "innovators": salon.innovators(store, name, top=20).to_dict(),
            "lead_lag": salon.lead_lag(store, name).to_dict(),
        }

    return cached(
        request, ("segment-diffusion", name), lambda: heavy(request, lambda: call(compute))
    )  # type: ignore[no-any-return]


@router.get(
    "/api/v1/segments/{name}/adoption",
    tags=["segments"],
    summary="The segment's innovators and its lag behind its agenda-setters",
)
def api_segment_adoption(request: Request, name: Name) -> dict[str, Any]:
    return diffusion_data(request, name)


@router.get("/segments/{name}/adoption", response_class=HTMLResponse, include_in_schema=False)
def page_segment_adoption(request: Request, name: Name) -> HTMLResponse:
    return render(
        request,
        "segment_adoption.html",
        name=name,
        data=diffusion_data(request, name),
        api=f"/api/v1/segments/{name}/adoption",
    )


def communities_data(request: Request, segment: str | None) -> dict[str, Any]:
    store = state(request).store
    return cached(  # type: ignore[no-any-return]
        request,
        ("communities-page", segment),
        lambda: heavy(
            request, lambda: call(lambda: salon.communities(store, segment=segment or None))
        ),
    ).to_dict()


@router.get("/api/v1/communities", tags=["segments"], summary="Leiden communities")
def api_communities(
    request: Request, segment: Annotated[str | None, Query(max_length=500)] = None
) -> dict[str, Any]:
    return communities_data(request, segment)


@router.get("/communities", response_class=HTMLResponse, include_in_schema=False)
def page_communities(
    request: Request, segment: Annotated[str | None, Query(max_length=500)] = None
) -> HTMLResponse:
    return render(
        request,
        "communities.html",
        data=communities_data(request, segment),
        segment=segment,
        api="/api/v1/communities" + (f"?segment={segment}" if segment else ""),
    )


def ties_data(request: Request, person: str | None, top: int) -> dict[str, Any]:
    store = state(request).store
    return cached(  # type: ignore[no-any-return]
        request,
        ("ties-page", person, top),
        lambda: heavy(request, lambda: call(lambda: salon.ties(store, person or None, top=top))),
    ).to_dict()


@router.get("/api/v1/ties", tags=["meet"], summary="Tie strength, strongest first, with evidence")
def api_ties(
    request: Request,
    person: Annotated[str | None, Query(max_length=200)] = None,
    top: Annotated[int, Query(ge=1, le=500)] = 20,
) -> dict[str, Any]:
    return ties_data(request, person, top)


@router.get("/ties", response_class=HTMLResponse, include_in_schema=False)
def page_ties(
    request: Request,
    person: Annotated[str | None, Query(max_length=200)] = None,
    top: Annotated[int, Query(ge=1, le=500)] = 20,
) -> HTMLResponse:
    return render(
        request,
        "ties.html",
        data=ties_data(request, person, top),
        person=person,
        top=top,
        api="/api/v1/ties" + (f"?person={person}" if person else ""),
    )
