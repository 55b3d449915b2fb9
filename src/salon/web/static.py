"""Static files: Salon's own CSS and JavaScript (``static/``), and the third-party libraries
the pages use, served from where their package manager installed them — never copied into
the repository, never loaded from the internet.

The graph and plot libraries are npm packages declared in ``package.json`` with their exact
versions in ``package-lock.json`` (beside this module); ``make web`` runs ``npm ci`` to
install them into ``node_modules/`` here (ignored by git). Only the files in :data:`VENDOR`
are served.
"""

from __future__ import annotations

import os
from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse, Response

from salon.web.common import STATIC, not_found

router = APIRouter(include_in_schema=False)

#: Where npm installed the packages: beside this module, or $SALON_WEB_MODULES.
MODULES = Path(os.environ.get("SALON_WEB_MODULES", Path(__file__).parent / "node_modules"))

#: The third-party files served, by the name the pages use: (package, path in it).
VENDOR = {
    "graphology.js": ("graphology", "dist/graphology.umd.min.js"),
    "sigma.js": ("sigma", "dist/sigma.min.js"),
    "uplot.js": ("uplot", "dist/uPlot.iife.min.js"),
    "uplot.css": ("uplot", "dist/uPlot.min.css"),
}

_TYPES = {
    ".js": "text/javascript",
    ".css": "text/css",
    ".svg": "image/svg+xml",
    ".png": "image/png",
}


def vendor_path(name: str) -> Path | None:
    """The installed file behind ``/static/vendor/NAME``; None when npm has not installed it.

    >>> vendor_path("nothing.js") is None
    True
    """
    if name not in VENDOR:
        return None
    package, inside = VENDOR[name]
    path = MODULES / package / inside
    return path if path.is_file() else None


def vendor_ready() -> bool:
    """Whether every third-party file is installed (``make web``)."""
    return all(vendor_path(name) for name in VENDOR)


@router.get("/static/vendor/{name}")
def vendor(name: str) -> Response:
    path = vendor_path(name)
    if path is None:
        raise not_found(
            f"'{name}' is not installed: run 'make web' (npm ci in src/salon/web) once."
        )
    return FileResponse(path, media_type=_TYPES.get(path.suffix), headers=_CACHE)


@router.get("/static/{name}")
def own(name: str) -> Response:
    path = STATIC / name
    if "/" in name or name.startswith(".") or not path.is_file():
        raise not_found(f"There is no file {name}.")
    return FileResponse(path, media_type=_TYPES.get(path.suffix), headers=_CACHE)


_CACHE = {"Cache-Control": "private, max-age=3600"}
