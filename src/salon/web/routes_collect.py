"""Collecting public market data from the browser (``salon.collect_from``, as ``salon collect
SOURCE …``): the one action of the web app that uses the network, started only by the user's
click on the form (or a POST to its JSON twin), run on in the background, with the store's
jobs (``salon.collect_jobs``) and this session's progress."""

from __future__ import annotations

import threading
import time
import uuid
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Form, Path, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from pydantic import BaseModel, Field, ValidationError

import salon
from salon.errors import SalonError
from salon.web.common import bad_request, csrf_protect, not_found, render, state

router = APIRouter()

Source = Literal["bluesky", "mastodon", "stackexchange", "hackernews", "rss"]
#: What each source collects from: the CLI's arguments and options naming seeds.
KINDS: dict[str, tuple[str, ...]] = {
    "bluesky": ("actors", "followers_of", "follows_of", "search", "threads"),
    "mastodon": ("accounts", "followers_of", "following_of", "tags"),
    "stackexchange": ("questions", "answers", "users"),
    "hackernews": ("users", "items", "lists"),
    "rss": ("feeds",),
}


class CollectAsked(BaseModel):
    """A collection job (as ``salon collect SOURCE``): ``kind`` says what the ``targets`` are
    (for stackexchange, the kind of record and the one target is the site)."""

    source: Source
    kind: str = Field(min_length=1, max_length=20)
    targets: list[str] = Field(min_length=1, max_length=100)
    depth: int = Field(default=0, ge=0, le=4)
    since: str | None = Field(default=None, pattern=r"^\d{4}-\d{2}-\d{2}$")
    tagged: str | None = Field(default=None, max_length=200)
    base_url: str | None = Field(default=None, max_length=500, pattern=r"^https?://")
    max_requests: int | None = Field(default=None, ge=1)
    as_segment: str | None = Field(default=None, max_length=100)
    job: str | None = Field(default=None, max_length=100)
    restart: bool = False
    concurrency: int = Field(default=4, ge=1, le=64)
    rate: float | None = Field(default=None, ge=0)
    max_age_hours: float = Field(default=24.0, ge=0)
    follows: bool = Field(default=True, description="bluesky, mastodon: whom each account follows")
    posts: bool = Field(default=True, description="bluesky, mastodon: each account's posts")
    items: int = Field(default=30, ge=1, description="hackernews: items from each user or list")
    comments: int = Field(default=0, ge=0, le=5, description="hackernews: levels of comments")
    key: str | None = Field(default=None, max_length=200, description="stackexchange: API key")
    lake: bool | None = Field(
        default=None,
        description="bluesky, mastodon: follows go to the market lake (null: from depth 2 on)",
    )


def _seeds(asked: CollectAsked) -> tuple[dict[str, Any], dict[str, Any]]:
    """The seeds and options the CLI passes for the same command."""
    if asked.kind not in KINDS[asked.source]:
        raise bad_request(
            f"{asked.source} collects from {', '.join(KINDS[asked.source])}, not '{asked.kind}'."
        )
    targets = [t.strip() for t in asked.targets if t.strip()]
    if not targets:
        raise bad_request(f"Name what to collect from {asked.source} (one a line).")
    since = None
    if asked.since:
        since = int(datetime.strptime(asked.since, "%Y-%m-%d").replace(tzinfo=UTC).timestamp())
    follows = {"depth": asked.depth, "follows": asked.follows, "posts": asked.posts, "since": since}
    if asked.source == "stackexchange":
        seeds = {"site": targets[0], "what": [asked.kind], "tagged": asked.tagged or None}
        return seeds, {"since": since, "key": asked.key or None}
    if asked.source == "rss":
        return {"feeds": targets}, {"since": since}
    if asked.source == "hackernews":
        hn: dict[str, Any] = {"users": [], "items": [], "lists": []}
        if asked.kind == "items":
            if not all(t.isdigit() for t in targets):
                raise bad_request("Hacker News items are numbers (an item id a line).")
            hn["items"] = [int(t) for t in targets]
        else:
            hn[asked.kind] = targets
        return hn, {"items": asked.items, "comments": asked.comments, "since": since}
    seeds = {kind: [] for kind in KINDS[asked.source]}
    seeds[asked.kind] = targets
    if asked.source == "bluesky":
        seeds.update(depth=asked.depth, follows=asked.follows, posts=asked.posts)
    return seeds, follows


def _start(request: Request, asked: CollectAsked) -> dict[str, Any]:
    web = state(request)
    seeds, options = _seeds(asked)
    job: dict[str, Any] = {
        "id": uuid.uuid4().hex[:12],
        "source": asked.source,
        "asked": f"{asked.kind}: {', '.join(asked.targets)}",
        "state": "running",
        "pages": 0,
        "tasks": 0,
        "records": 0,
        "started": time.time(),
        "report": None,
        "error": None,
    }
    web.collects[job["id"]] = job

    def progress(pages: int, tasks: int, records: int) -> None:
        job.update(pages=pages, tasks=tasks, records=records)

    def run() -> None:
        try:
            report = salon.collect_from(
                web.store,
                asked.source,
                seeds,
                options=options,
                base_url=asked.base_url or None,
                job=asked.job or None,
                as_segment=asked.as_segment or None,
                max_requests=asked.max_requests,
                concurrency=asked.concurrency,
                rate=asked.rate,
                max_age=asked.max_age_hours * 3600,
                restart=asked.restart,
                progress=progress,
                lake=asked.lake,
            )
            job.update(state="done", report=report.to_dict())
            web.writes += 1  # the store changed: read its state again
            web.stamp = ("", 0.0)
        except SalonError as exc:
            job.update(state="failed", error=str(exc))
        except Exception as exc:  # reported on the page; never a silent thread death
            failed = f"The collection failed ({type(exc).__name__}: {exc})."
            job.update(state="failed", error=failed)
        job["seconds"] = round(time.time() - job["started"], 2)

    threading.Thread(target=run, name=f"salon-collect-{job['id']}", daemon=True).start()
    return job


def _public(job: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in job.items() if k != "started"}


def _job(request: Request, job_id: str) -> dict[str, Any]:
    job = state(request).collects.get(job_id)
    if job is None:
        raise not_found(f"No collection job {job_id} (this list lasts while the server runs).")
    return job


def jobs_data(request: Request) -> dict[str, Any]:
    web = state(request)
    return {
        "running": [_public(j) for j in web.collects.values()],
        "stored": salon.collect_jobs(web.store),
    }


@router.get("/api/v1/collect/jobs", tags=["collect"], summary="Collection jobs: stored and running")
def api_jobs(request: Request) -> dict[str, Any]:
    return jobs_data(request)


@router.post(
    "/api/v1/collect",
    tags=["collect"],
    summary="Start (or resume) a collection job: the only request that uses the network",
    status_code=202,
    dependencies=[Depends(csrf_protect)],
)
def api_collect(request: Request, asked: CollectAsked) -> dict[str, Any]:
    return _public(_start(request, asked))


@router.get("/api/v1/collect/jobs/{job_id}", tags=["collect"], summary="A collection's progress")
def api_job(request: Request, job_id: Annotated[str, Path(max_length=32)]) -> JSONResponse:
    return JSONResponse(_public(_job(request, job_id)))


@router.get("/collect", response_class=HTMLResponse, include_in_schema=False)
def page_collect(request: Request) -> HTMLResponse:
    return render(
        request, "collect.html", data=jobs_data(request), kinds=KINDS, api="/api/v1/collect/jobs"
    )


@router.post("/collect", include_in_schema=False, dependencies=[Depends(csrf_protect)])
def form_collect(
    request: Request,
    kind: Annotated[str, Form(max_length=40)],
    targets: Annotated[str, Form(min_length=1, max_length=20000)],
    depth: Annotated[int, Form(ge=0, le=4)] = 0,
    since: Annotated[str | None, Form(max_length=10)] = None,
    tagged: Annotated[str | None, Form(max_length=200)] = None,
    base_url: Annotated[str | None, Form(max_length=500)] = None,
    max_requests: Annotated[str | None, Form(max_length=12)] = None,
    as_segment: Annotated[str | None, Form(max_length=100)] = None,
    restart: Annotated[bool, Form()] = False,
    no_follows: Annotated[bool, Form()] = False,
    no_posts: Annotated[bool, Form()] = False,
    items: Annotated[int, Form(ge=1)] = 30,
    comments: Annotated[int, Form(ge=0, le=5)] = 0,
    lake: Annotated[str | None, Form(max_length=5)] = None,
) -> RedirectResponse:
    source, _, kind = kind.partition(":")  # the form's select names both: "rss:feeds"
    try:
        asked = CollectAsked(
            source=source,  # type: ignore[arg-type]
            kind=kind,
            targets=[t for t in targets.splitlines() if t.strip()] or [""],
            depth=depth,
            since=since or None,
            tagged=tagged or None,
            base_url=base_url or None,
            max_requests=int(max_requests) if max_requests and max_requests.isdigit() else None,
            as_segment=as_segment or None,
            restart=restart,
            follows=not no_follows,
            posts=not no_posts,
            items=items,
            comments=comments,
            lake={"lake": True, "store": False}.get(lake or ""),
        )
    except ValidationError as exc:
        wrong = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise bad_request(f"The collection cannot start: {wrong}.") from None
    job = _start(request, asked)
    return RedirectResponse(f"/collect/jobs/{job['id']}", status_code=303)


@router.get("/collect/jobs/{job_id}", response_class=HTMLResponse, include_in_schema=False)
def page_job(request: Request, job_id: Annotated[str, Path(max_length=32)]) -> HTMLResponse:
    job = _job(request, job_id)
    return render(
        request, "collect_job.html", job=_public(job), api=f"/api/v1/collect/jobs/{job_id}"
    )
