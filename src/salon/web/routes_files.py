"""Files from the browser: the export as a zip (``salon.export``, with the levels of
intelligence to keep: private notes only when asked), the plan's report (``salon.report``:
report.html, and report.pdf when Chromium is there) and the meeting planner on an uploaded
calendar (``salon.meet(calendar=…)``, with its invitations) — each a CSRF-protected form
beside its JSON twin, as ``salon export``, ``salon report`` and ``salon meet --calendar``.

Files made for download are kept in a private temporary folder (0700) while the server runs
and are served only with the access token.
"""

from __future__ import annotations

import shutil
import tempfile
import uuid
import zipfile
from datetime import UTC, datetime
from pathlib import Path as FilePath
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, Form, Path, Request, UploadFile
from fastapi.responses import FileResponse, HTMLResponse
from pydantic import BaseModel, Field
from starlette.background import BackgroundTask

import salon
from salon.web.common import (
    WebState,
    bad_request,
    call,
    csrf_protect,
    not_found,
    render,
    state,
)

router = APIRouter()

CSRF = [Depends(csrf_protect)]
Level = Literal["private", "team", "public"]
#: What an export keeps unless asked for more: intelligence marked private stays home.
SHARED_LEVELS: tuple[Level, ...] = ("team", "public")
GoalName = Annotated[str, Path(min_length=1, max_length=100)]
#: The largest calendar taken (a year of a busy calendar is a few megabytes).
MAX_ICS = 64 * 1024**2


def _private_folder(prefix: str) -> FilePath:
    folder = FilePath(tempfile.mkdtemp(prefix=prefix))
    folder.chmod(0o700)
    return folder


#: Files kept for download at once: past this, the oldest goes (with its folder, once empty).
KEEP = 32


def _offer(web: WebState, path: FilePath, name: str, media_type: str) -> str:
    """Keep ``path`` for download as ``name``: its id."""
    key = uuid.uuid4().hex
    with web.lock:
        web.downloads[key] = (path, name, media_type)
        while len(web.downloads) > KEEP:
            old = web.downloads.pop(next(iter(web.downloads)))[0]
            old.unlink(missing_ok=True)
            if not any(old.parent.iterdir()):
                old.parent.rmdir()
    return key


def _download(request: Request, key: str) -> FileResponse:
    kept = state(request).downloads.get(key)
    if kept is None or not kept[0].exists():
        raise not_found(f"No file {key} to download (files last while the server runs).")
    path, name, media_type = kept
    return FileResponse(path, media_type=media_type, filename=name)


@router.get(
    "/api/v1/downloads/{key}",
    tags=["files"],
    summary="A file made for download (a report, invitations)",
    response_class=FileResponse,
)
def api_download(request: Request, key: Annotated[str, Path(max_length=64)]) -> FileResponse:
    return _download(request, key)


@router.get("/downloads/{key}", include_in_schema=False)
def page_download(request: Request, key: Annotated[str, Path(max_length=64)]) -> FileResponse:
    return _download(request, key)


# Export -----------------------------------------------------------------------------------


class ExportAsked(BaseModel):
    """What to export: intelligence (accounts, stakeholders, notes) at these ``levels`` (the
    rest of the store always). Private intelligence only when ``private`` is among them."""

    levels: list[Level] = Field(default_factory=lambda: list(SHARED_LEVELS), max_length=3)


def _export(request: Request, levels: list[Level]) -> FileResponse:
    web = state(request)
    folder = _private_folder("salon-export-")
    try:
        target = folder / "salon-export"
        with web.heavy:
            call(lambda: salon.export(web.store, target, levels=tuple(levels)))
        archive = folder / "salon-export.zip"
        with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as out:
            for path in sorted(p for p in target.rglob("*") if p.is_file()):
                out.write(path, f"salon-export/{path.relative_to(target).as_posix()}")
        archive.chmod(0o600)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return FileResponse(
        archive,
        media_type="application/zip",
        filename="salon-export.zip",
        headers={"X-Salon-Levels": ",".join(levels) or "none"},
        background=BackgroundTask(shutil.rmtree, folder, ignore_errors=True),
    )


@router.post(
    "/api/v1/export",
    tags=["files"],
    summary="Everything as JSON Lines in a zip (as salon export); private notes only if asked",
    response_class=FileResponse,
    responses={200: {"content": {"application/zip": {}}}},
    dependencies=CSRF,
)
def api_export(request: Request, asked: ExportAsked) -> FileResponse:
    return _export(request, list(dict.fromkeys(asked.levels)))


@router.get("/export", response_class=HTMLResponse, include_in_schema=False)
def page_export(request: Request) -> HTMLResponse:
    return render(request, "export.html", shared=SHARED_LEVELS)


@router.post("/export", include_in_schema=False, dependencies=CSRF)
def form_export(
    request: Request, levels: Annotated[list[Level] | None, Form()] = None
) -> FileResponse:
    return _export(request, list(dict.fromkeys(levels or [])))


# Report -----------------------------------------------------------------------------------


def _report(request: Request, goal: str, include_private: bool, pdf: bool) -> dict[str, Any]:
    web = state(request)
    folder = _private_folder("salon-report-")
    try:
        with web.heavy:
            written = call(
                lambda: salon.report(
                    web.store, goal, folder, include_private=include_private, pdf=pdf
                )
            )
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    done = written.to_dict()
    stem = "".join(c if c.isalnum() else "-" for c in goal.lower()).strip("-") or "plan"
    done["downloads"] = {
        "html": _offer(web, FilePath(written.html), f"salon-{stem}.html", "text/html"),
        "pdf": _offer(web, FilePath(written.pdf), f"salon-{stem}.pdf", "application/pdf")
        if written.pdf
        else None,
    }
    del done["html"], done["pdf"]  # paths on the server: the downloads stand for them
    return done


class ReportAsked(BaseModel):
    """The report to write (as ``salon report``): private intelligence only when asked."""

    include_private: bool = False
    pdf: bool = False


@router.post(
    "/api/v1/plan/{goal}/report",
    tags=["plan"],
    summary="Write the plan's report; fetch it from /api/v1/downloads/{key}",
    dependencies=CSRF,
)
def api_report(request: Request, goal: GoalName, asked: ReportAsked) -> dict[str, Any]:
    return _report(request, goal, asked.include_private, asked.pdf)


@router.post("/plan/{goal}/report", include_in_schema=False, dependencies=CSRF)
def form_report(
    request: Request,
    goal: GoalName,
    include_private: Annotated[bool, Form()] = False,
    pdf: Annotated[bool, Form()] = False,
) -> HTMLResponse:
    done = _report(request, goal, include_private, pdf)
    return render(request, "report.html", report=done, goal=goal)


# The meeting planner on a calendar ----------------------------------------------------------


def _epoch(value: str | None, name: str) -> int | None:
    """A day (YYYY-MM-DD) as Unix seconds at its start, UTC."""
    if not value:
        return None
    try:
        return int(datetime.strptime(value, "%Y-%m-%d").replace(tzinfo=UTC).timestamp())
    except ValueError:
        raise bad_request(f"'{value}' is no date for {name} (YYYY-MM-DD).") from None


def _meet_calendar(
    request: Request,
    upload: UploadFile,
    segment: str | None,
    top: int,
    start: str | None = None,
    end: str | None = None,
) -> dict[str, Any]:
    web = state(request)
    since, until = _epoch(start, "from"), _epoch(end, "to")
    raw = upload.file.read(MAX_ICS + 1)
    if len(raw) > MAX_ICS:
        raise bad_request("That calendar is larger than 64 MiB.")
    if not raw:
        raise bad_request("The calendar is empty: choose the .ics file again.")
    folder = _private_folder("salon-meet-")
    calendar = folder / "calendar.ics"
    calendar.write_bytes(raw)
    try:
        with web.heavy:
            plan = call(
                lambda: salon.meet(
                    web.store,
                    calendar=calendar,
                    since=since,
                    until=until,
                    segment=segment or None,
                    top=top,
                )
            )
        invitations = folder / "invitations.ics"
        invitations.write_bytes(plan.ics())
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    calendar.unlink()
    done = plan.to_dict()
    done["ics"] = _offer(web, invitations, "salon-meet-calendar.ics", "text/calendar")
    return done


Calendar = Annotated[UploadFile, File(description="Your calendar (.ics) with the trips")]
SegmentF = Annotated[str | None, Form(max_length=500)]
TopF = Annotated[int, Form(ge=1, le=100)]
FromF = Annotated[str | None, Form(alias="from", max_length=10, description="YYYY-MM-DD")]
ToF = Annotated[str | None, Form(alias="to", max_length=10, description="YYYY-MM-DD")]


@router.post(
    "/api/v1/meet/calendar",
    tags=["meet"],
    summary="Whom to meet on the trips in an uploaded calendar (as meet --calendar)",
    dependencies=CSRF,
)
def api_meet_calendar(
    request: Request,
    file: Calendar,
    segment: SegmentF = None,
    top: TopF = 10,
    start: FromF = None,
    end: ToF = None,
) -> dict[str, Any]:
    return _meet_calendar(request, file, segment, top, start, end)


@router.post("/meet/calendar", include_in_schema=False, dependencies=CSRF)
def form_meet_calendar(
    request: Request,
    file: Calendar,
    segment: SegmentF = None,
    top: TopF = 10,
    start: FromF = None,
    end: ToF = None,
) -> HTMLResponse:
    data = _meet_calendar(request, file, segment, top, start, end)
    return render(
        request,
        "meet.html",
        data=data,
        city=None,
        start=start,
        end=end,
        segment=segment,
        top=top,
        query="",
        ics_url=f"/downloads/{data['ics']}",
        invitations=sum(len(p["suggestions"]) for p in data["plans"]),
        api=None,
    )
