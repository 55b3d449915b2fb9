"""People: the list (search, filters by segment, stage and community) and a person's page
(identities across sources, affiliations, ties, timeline, your stage with them, tie strength
and agenda-setter scores with their evidence), each with its JSON twin."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

import salon
from salon.errors import SalonError
from salon.web import answers, derived
from salon.web.common import (
    bad_request,
    cached,
    current_stamp,
    heavy,
    salon_error,
    state,
)

router = APIRouter()

STAGES = ("online", "conversed", "call", "met", "meal")

Q = Annotated[
    str | None,
    Query(
        max_length=200,
        description="Matches names, headlines, "
        "identity values and platforms (as `salon people --query`).",
    ),
]
Segment = Annotated[
    str | None,
    Query(
        max_length=500,
        description="Only a segment's members: a segment's name or a rule such as org:acme.",
    ),
]
Stage = Annotated[
    str | None,
    Query(
        max_length=20,
        description="Only people at this stage of your relationship: " + ", ".join(STAGES) + ".",
    ),
]
Community = Annotated[
    int | None,
    Query(
        ge=0,
        le=10**9,
        description="Only one Leiden community (numbered as `salon communities`, seed 0).",
    ),
]
Offset = Annotated[int, Query(ge=0, le=10**9)]
Limit = Annotated[int, Query(ge=1, le=500)]


def _all_people(request: Request, q: str | None) -> list[Any]:
    store = state(request).store
    return cached(  # type: ignore[no-any-return]
        request, ("people", q or None), lambda: salon.people(store, query=q or None, limit=10**9)
    )


def _stages(request: Request) -> dict[int, str]:
    store = state(request).store
    return cached(request, ("stages",), lambda: derived.stages(store))  # type: ignore[no-any-return]


def people_data(
    request: Request,
    q: str | None = None,
    segment: str | None = None,
    stage: str | None = None,
    community: int | None = None,
    offset: int = 0,
    limit: int = 50,
) -> dict[str, Any]:
    """The people list as JSON: ``salon.people`` (you first, then the most active), filtered."""
    store = state(request).store
    if stage and stage not in STAGES:
        raise bad_request(f"Unknown stage '{stage}': use one of {', '.join(STAGES)}.")
    found = _all_people(request, q)
    notes: list[str] = []
    stages = _stages(request) if stage else {}
    if segment:
        try:
            members = cached(
                request, ("members", segment), lambda: derived.segment_members(store, segment)
            )
        except SalonError as exc:
            raise salon_error(exc) from exc
        found = [p for p in found if p.id in members]
    if stage:
        if not stages:
            notes.append("The store does not know you: there are no stages of your relationships.")
        found = [p for p in found if stages.get(p.id) == stage]
    if community is not None:
        owner = cached(
            request,
            ("communities",),
            lambda: heavy(request, lambda: derived.community_members(store)),
        )
        found = [p for p in found if owner.get(p.id) == community]
    shown = found[offset : offset + limit]
    return {
        "query": q,
        "filters": {"segment": segment, "stage": stage, "community": community},
        "total": len(found),
        "offset": offset,
        "limit": limit,
        "people": [p.to_dict() for p in shown],
        "stages": {str(p.id): stages[p.id] for p in shown if p.id in stages},
        "notes": notes,
    }


@router.get("/api/v1/people", tags=["people"], summary="People, searched and filtered")
async def api_people(
    request: Request,
    q: Q = None,
    segment: Segment = None,
    stage: Stage = None,
    community: Community = None,
    offset: Offset = 0,
    limit: Limit = 50,
) -> dict[str, Any]:
    def build() -> bytes:
        data = people_data(request, q, segment, stage, community, offset, limit)
        return answers.plain_json_bytes(data)

    key = ("people", q, segment, stage, community, offset, limit)
    # A page of the kept list, unfiltered: sliced on the event loop, without a thread.
    quick = None if segment or stage or community is not None else ("people", q or None)
    return await answers.kept_json(request, key, build, quick=quick)  # type: ignore[return-value]


@router.get("/people", response_class=HTMLResponse, include_in_schema=False)
async def page_people(
    request: Request,
    q: Q = None,
    segment: Segment = None,
    stage: Stage = None,
    community: Community = None,
    offset: Offset = 0,
    limit: Limit = 50,
) -> Response:
    return await answers.kept_page(
        request, lambda r: _people_page(r, q, segment, stage, community, offset, limit)
    )


def _people_page(
    request: Request,
    q: str | None,
    segment: str | None,
    stage: str | None,
    community: int | None,
    offset: int,
    limit: int,
) -> bytes:
    data = people_data(request, q, segment or None, stage or None, community, offset, limit)
    store = state(request).store
    segments = cached(request, ("segments",), lambda: salon.segments(store))
    params = {"q": q, "segment": segment, "stage": stage, "community": community}
    kept = {k: v for k, v in params.items() if v not in (None, "")}

    def page_url(at: int) -> str:
        return "/people?" + urlencode({**kept, "offset": max(at, 0), "limit": limit})

    return answers.page_bytes(
        request,
        "people.html",
        result=data,
        notes=data["notes"],
        q=q,
        segment=segment,
        stage=stage,
        community=community,
        segments=segments,
        stages=STAGES,
        page_url=page_url,
        api="/api/v1/people?" + urlencode(kept),
    )


def person_data(request: Request, pid: int) -> dict[str, Any]:
    """One person as JSON: ``salon.person`` with your stage, your tie's strength and the
    agenda-setter scores already computed for stored segments, each with its evidence."""
    store = state(request).store
    try:
        profile = salon.person(store, pid).to_dict()
    except SalonError as exc:
        raise salon_error(exc) from exc
    stages = _stages(request)
    scores: dict[str, Any] = {"stage": stages.get(pid), "tie": None, "agenda_setter": []}
    if not profile["is_self"]:
        scores["tie"] = _your_tie(request, pid)
    scores["agenda_setter"] = list(_agenda_setters(request).get(pid, []))
    return {**profile, "scores": scores, "private_notes": _notes_on(request, profile)}


#: The answers that give agenda-setter scores.
_SCORED = ("influencers", "plan")


def _ready(request: Request) -> tuple[Any, ...]:
    """The agenda-setter answers computed so far (a person's page shows only those: it never
    waits on PageRank): part of what a kept person's answer depends on."""
    web = state(request)
    now = current_stamp(web)
    with web.lock:
        return tuple(key for key in web.cache if key[0] == now and key[1] in _SCORED)


def _agenda_setters(request: Request) -> dict[int, list[dict[str, Any]]]:
    """Each person's rows in the agenda-setter answers computed so far, by person id."""
    web = state(request)
    now = current_stamp(web)  # answers of a state the store has left are not shown
    with web.lock:
        kept = [(key, value) for key, value in web.cache.items() if key[0] == now]
    ready = [(key, value) for key, value in kept if key[1] == "influencers"]
    plans = [(key, value) for key, value in kept if key[1] == "plan"]

    def index() -> dict[int, list[dict[str, Any]]]:
        found: dict[int, list[dict[str, Any]]] = {}
        for key, value in ready:
            for row in value.to_dict()["influencers"]:
                found.setdefault(row["person"], []).append({"segment": key[2], **row})
        for key, value in plans:
            plan = value.to_dict()
            for row in plan["agenda_setters"].get("known_by", []):
                entry = {"segment": plan["segment"]["name"], "goal": key[2], **row}
                found.setdefault(row["person"], []).append(entry)
        return found

    keys = tuple(key for key, _ in ready) + tuple(key for key, _ in plans)
    return cached(request, ("agenda-setters", keys), index)  # type: ignore[no-any-return]


def _notes_on(request: Request, profile: dict[str, Any]) -> list[dict[str, Any]]:
    """Your private and team notes on this person (``salon.intelligence``): the owner's own
    page shows them, marked private."""
    store = state(request).store
    ids = {profile["id"], *profile["merged_people"]}
    found = cached(
        request,
        ("intelligence-notes",),
        lambda: cached(request, ("intelligence",), lambda: salon.intelligence(store)).to_dict()[
            "notes"
        ],
    )
    return [n for n in found if n.get("person_id") in ids]


def _your_tie(request: Request, pid: int) -> dict[str, Any] | None:
    store = state(request).store

    def every_tie() -> dict[int, dict[str, Any]]:
        from salon.insights.who import yourself

        yours = yourself(store)
        if not yours:
            return {}
        found = salon.ties(store, yours[0], top=None).to_dict()
        return {int(row["person"]): row for row in found["ties"]}

    return cached(request, ("your-ties",), every_tie).get(pid)  # type: ignore[no-any-return]


@router.get("/api/v1/people/{pid}", tags=["people"], summary="One person across every source")
async def api_person(request: Request, pid: int) -> dict[str, Any]:
    web = state(request)
    return await answers.kept_json(  # type: ignore[return-value]
        request,
        ("person", pid, _ready(request)),
        lambda: answers.plain_json_bytes(person_data(request, pid)),
        answers.limiter(web),
    )


@router.get("/people/{pid}", response_class=HTMLResponse, include_in_schema=False)
async def page_person(request: Request, pid: int) -> Response:
    def build(r: Request) -> bytes:
        data = person_data(r, pid)
        return answers.page_bytes(r, "person.html", p=data, api=f"/api/v1/people/{pid}")

    return await answers.kept_page(request, build, (_ready(request),))
