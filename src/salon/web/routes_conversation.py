"""Where the conversation is: the topics found in posts, the channels ranked for a segment
and a topic (``salon.where``) with each channel's evidence, and your own conversation health
(``salon.me``) — each with its JSON twin."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

import salon
from salon.web.common import cached, call, heavy, render, state

router = APIRouter()

Topic = Annotated[
    str,
    Query(
        min_length=1,
        max_length=500,
        description="A tag (#quantum-gate), a keyword rule (words:churn) or a description.",
    ),
]
SegmentQ = Annotated[str, Query(min_length=1, max_length=500, description="A segment or rule.")]
Day = Annotated[str | None, Query(max_length=10, pattern=r"^\d{4}-\d{2}-\d{2}$")]
Top = Annotated[int, Query(ge=1, le=50)]


def where_data(
    request: Request, topic: str, segment: str, since: str | None, top: int
) -> dict[str, Any]:
    from salon.dates import parse_time

    store = state(request).store
    at = parse_time(since) if since else None
    return cached(  # type: ignore[no-any-return]
        request,
        ("where", topic, segment, since, top),
        lambda: heavy(
            request,
            lambda: call(
                lambda: salon.where(
                    store, topic, segment=segment, since=int(at) if at else None, top=top
                )
            ),
        ),
    ).to_dict()


@router.get("/api/v1/where", tags=["conversation"], summary="Where the conversation is")
def api_where(
    request: Request, topic: Topic, segment: SegmentQ, since: Day = None, top: Top = 10
) -> dict[str, Any]:
    return where_data(request, topic, segment, since, top)


def topics_data(request: Request, top: int = 20) -> dict[str, Any]:
    store = state(request).store
    return cached(request, ("topics", top), lambda: salon.topics(store, top=top)).to_dict()  # type: ignore[no-any-return]


@router.get("/api/v1/topics", tags=["conversation"], summary="The topics found in posts")
def api_topics(request: Request, top: Top = 20) -> dict[str, Any]:
    return topics_data(request, top)


def me_data(request: Request) -> dict[str, Any]:
    store = state(request).store
    return cached(request, ("me",), lambda: call(lambda: salon.me(store))).to_dict()  # type: ignore[no-any-return]


@router.get("/api/v1/me", tags=["conversation"], summary="Your own conversation health")
def api_me(request: Request) -> dict[str, Any]:
    return me_data(request)


@router.get("/where", response_class=HTMLResponse, include_in_schema=False)
def page_where(
    request: Request,
    topic: Annotated[str | None, Query(max_length=500)] = None,
    segment: Annotated[str | None, Query(max_length=500)] = None,
    since: Day = None,
    top: Top = 10,
) -> HTMLResponse:
    store = state(request).store
    data = where_data(request, topic, segment, since, top) if topic and segment else None
    segments = cached(request, ("segments",), lambda: salon.segments(store))
    query = urlencode(
        {k: v for k, v in {"topic": topic, "segment": segment, "since": since}.items() if v}
    )
    return render(
        request,
        "where.html",
        data=data,
        topics=topics_data(request),
        me=me_data(request),
        segments=segments,
        topic=topic,
        segment=segment,
        since=since,
        api=f"/api/v1/where?{query}" if data else "/api/v1/topics",
    )
