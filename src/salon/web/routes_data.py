"""Imports: the imports the store holds (``salon.imports``), taking one back, and importing
an export file dropped on the page (``salon.import_paths``, with its progress and report).

An uploaded file is kept (the store's imports name the files they read, and a file imported
before is recognised by its bytes): under ``$SALON_UPLOADS``, else ``uploads/`` beside a
SQLite store, else ``$XDG_DATA_HOME/salon/uploads``.
"""

from __future__ import annotations

import os
import re
import threading
import time
import uuid
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse

import salon
from salon.errors import SalonError
from salon.web.common import (
    WebState,
    bad_request,
    cached,
    changed,
    csrf_protect,
    not_found,
    render,
    salon_error,
    state,
)

router = APIRouter()

#: The largest upload taken (the importers have their own limits on what a file expands to).
MAX_UPLOAD = 2 * 1024**3


def uploads_dir(web: WebState) -> Path:
    """Where uploaded exports are kept."""
    if env := os.environ.get("SALON_UPLOADS"):
        return Path(env)
    database = web.store.engine.url.database
    if web.store.engine.dialect.name == "sqlite" and database not in (None, "", ":memory:"):
        return Path(str(database)).resolve().parent / "uploads"
    base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "salon" / "uploads"


def _safe_name(name: str | None) -> str:
    """A file name without folders or odd characters (the importers read names and suffixes).

    >>> _safe_name("../../etc/Connections.csv"), _safe_name("twitter 2023.zip"), _safe_name("")
    ('Connections.csv', 'twitter_2023.zip', 'upload')
    """
    base = re.split(r"[\\/]", name or "")[-1]
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "_", base).strip("._")
    return cleaned[:120] or "upload"


def imports_data(request: Request) -> list[dict[str, Any]]:
    store = state(request).store
    return [i.to_dict() for i in cached(request, ("imports",), lambda: salon.imports(store))]


@router.get("/api/v1/imports", tags=["imports"], summary="The imports the store holds")
def api_imports(request: Request) -> list[dict[str, Any]]:
    return imports_data(request)


@router.get("/imports", response_class=HTMLResponse, include_in_schema=False)
def page_imports(request: Request) -> HTMLResponse:
    store = state(request).store
    sources = cached(request, ("sources",), lambda: salon.sources())
    del store
    return render(
        request,
        "imports.html",
        imports=imports_data(request),
        sources=[s.to_dict() for s in sources],
        jobs=list(state(request).imports.values())[-5:],
        api="/api/v1/imports",
    )


def _start(
    request: Request,
    upload: UploadFile,
    source: str | None,
    namespace: str | None,
    mine: bool,
    more: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Keep the upload and import it in the background; ``more`` holds the rest of
    ``salon import``'s options (kind, bodies, force, layout, undirected, lake)."""
    from salon.importers.edges import LAYOUTS

    more = {k: v for k, v in (more or {}).items() if v is not None}
    if more.get("layout", "auto") not in LAYOUTS:
        raise bad_request(f"'{more['layout']}' is no layout: use {', '.join(LAYOUTS)}.")
    web = state(request)
    name = _safe_name(upload.filename)
    folder = uploads_dir(web) / time.strftime("%Y%m%d-%H%M%S") / uuid.uuid4().hex[:8]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    written = 0
    with path.open("wb") as out:
        while chunk := upload.file.read(1 << 20):
            written += len(chunk)
            if written > MAX_UPLOAD:
                out.close()
                path.unlink()
                raise bad_request(f"'{name}' is larger than {MAX_UPLOAD >> 30} GiB.")
            out.write(chunk)
    if written == 0:
        path.unlink()
        raise bad_request(f"'{name}' is empty: choose the export file again.")
    job: dict[str, Any] = {
        "id": uuid.uuid4().hex[:12],
        "file": name,
        "state": "running",
        "done": 0,
        "total": written,
        "reading": name,
        "started": time.time(),
        "report": None,
        "error": None,
    }
    web.imports[job["id"]] = job

    def run() -> None:
        from salon.importers.base import ImportOptions

        def progress(done: int, total: int, reading: str) -> None:
            job.update(done=done, total=max(total, 1), reading=reading.rsplit("/", 1)[-1])

        options = ImportOptions(namespace=namespace or None, mine=mine, **more)
        try:
            with web.heavy:
                report = salon.import_paths(
                    web.store, [path], source=source or None, options=options, progress=progress
                )
            job.update(state="done", report=report.to_dict(), done=job["total"])
            web.stamp = ("", 0.0)  # the store changed: read its state again
        except SalonError as exc:
            job.update(state="failed", error=str(exc))
        except Exception as exc:  # reported on the page; never a silent thread death
            job.update(state="failed", error=f"The import failed ({type(exc).__name__}: {exc}).")
        job["seconds"] = round(time.time() - job["started"], 2)

    threading.Thread(target=run, name=f"salon-import-{job['id']}", daemon=True).start()
    return job


Upload = Annotated[UploadFile, File(description="An export: a zip, a folder's file, .gz…")]
SourceF = Annotated[str | None, Form(max_length=40, description="Force an importer")]
NamespaceF = Annotated[str | None, Form(max_length=200, description="Market data's namespace")]
MineF = Annotated[bool, Form(description="This export is yours")]
KindF = Annotated[
    str | None, Form(max_length=40, description="An edge list's relation without a kind column")
]
BodiesF = Annotated[bool, Form(description="Keep message bodies (else only headers)")]
ForceF = Annotated[bool, Form(description="Read a file an earlier import already read")]
LayoutF = Annotated[str, Form(max_length=10, description="An edge list's layout: auto, tij, edges")]
UndirectedF = Annotated[bool, Form(description="An edge list names each pair once")]
LakeF = Annotated[
    Literal["auto", "lake", "store"],
    Form(description="Edge lists to the market lake, to the store, or by size (auto)"),
]


def _more(
    kind: str | None, bodies: bool, force: bool, layout: str, undirected: bool, lake: str
) -> dict[str, Any]:
    return {
        "kind": kind or None,
        "bodies": bodies,
        "force": force,
        "layout": layout or "auto",
        "undirected": undirected,
        "lake": {"lake": True, "store": False}.get(lake),
    }


@router.post(
    "/api/v1/imports",
    tags=["imports"],
    summary="Import an export file (the import runs on; poll its job)",
    status_code=202,
    dependencies=[Depends(csrf_protect)],
)
def api_import(
    request: Request,
    file: Upload,
    source: SourceF = None,
    namespace: NamespaceF = None,
    mine: MineF = False,
    kind: KindF = None,
    bodies: BodiesF = False,
    force: ForceF = False,
    layout: LayoutF = "auto",
    undirected: UndirectedF = False,
    lake: LakeF = "auto",
) -> dict[str, Any]:
    more = _more(kind, bodies, force, layout, undirected, lake)
    return _public(_start(request, file, source, namespace, mine, more))


@router.post("/imports", include_in_schema=False, dependencies=[Depends(csrf_protect)])
def form_import(
    request: Request,
    file: Upload,
    source: SourceF = None,
    namespace: NamespaceF = None,
    mine: MineF = False,
    kind: KindF = None,
    bodies: BodiesF = False,
    force: ForceF = False,
    layout: LayoutF = "auto",
    undirected: UndirectedF = False,
    lake: LakeF = "auto",
) -> RedirectResponse:
    more = _more(kind, bodies, force, layout, undirected, lake)
    job = _start(request, file, source, namespace, mine, more)
    return RedirectResponse(f"/imports/jobs/{job['id']}", status_code=303)


def _public(job: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in job.items() if k != "started"}


def _job(request: Request, job_id: str) -> dict[str, Any]:
    job = state(request).imports.get(job_id)
    if job is None:
        raise not_found(f"No import job {job_id} (jobs last while the server runs).")
    return job


@router.get("/api/v1/imports/jobs/{job_id}", tags=["imports"], summary="An import's progress")
def api_job(request: Request, job_id: str) -> JSONResponse:
    return JSONResponse(_public(_job(request, job_id)))


@router.get("/imports/jobs/{job_id}", response_class=HTMLResponse, include_in_schema=False)
def page_job(request: Request, job_id: str) -> HTMLResponse:
    job = _job(request, job_id)
    return render(
        request, "import_job.html", job=_public(job), api=f"/api/v1/imports/jobs/{job_id}"
    )


def _remove(request: Request, import_id: int) -> dict[str, Any]:
    web = state(request)
    try:
        with web.heavy:
            removed = salon.remove_import(web.store, import_id).to_dict()
        changed(request)
        return removed  # type: ignore[no-any-return]
    except SalonError as exc:
        raise salon_error(exc) from exc


@router.delete(
    "/api/v1/imports/{import_id}",
    tags=["imports"],
    summary="Take an import back (as imports remove)",
    dependencies=[Depends(csrf_protect)],
)
def api_remove(request: Request, import_id: int) -> dict[str, Any]:
    return _remove(request, import_id)


@router.post(
    "/imports/{import_id}/remove", include_in_schema=False, dependencies=[Depends(csrf_protect)]
)
def form_remove(request: Request, import_id: int) -> RedirectResponse:
    _remove(request, import_id)
    return RedirectResponse("/imports", status_code=303)
