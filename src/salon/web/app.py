"""`salon serve`: the FastAPI app. Pages are rendered on the server (Jinja2, autoescaped);
each has its JSON twin under ``/api/v1/…``, described by the OpenAPI document at
``/api/v1/openapi.json``. Every route calls the public API (``salon.people``,
``salon.influencers``, …) as the CLI does.

>>> import salon
>>> app = create_app(salon.demo.sample_store(), token="t" * 32)
>>> paths = app.openapi()["paths"]
>>> "/api/v1/people" in paths, "/people" in paths   # pages are not in the API's document
(True, False)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from pydantic import BaseModel
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.trustedhost import TrustedHostMiddleware

from salon import __version__
from salon.errors import SalonError
from salon.web import security
from salon.web.common import TEMPLATES, WebState, render, salon_error, wants_json

if TYPE_CHECKING:
    from salon.store import Store


class ErrorBody(BaseModel):
    """Every error of the API: ``{"ok": false, "error": MESSAGE, "status": CODE}``."""

    ok: bool = False
    error: str
    status: int


#: The errors every endpoint may answer, with what each means.
ERRORS = {
    400: "A question Salon cannot answer as asked (the message says why and what to do)",
    401: "No access token, or a wrong one",
    403: "A form or script without its CSRF token",
    404: "Nobody, or no segment, by that name or id",
    422: "A parameter of the wrong type or out of range",
}


#: The route modules, one a theme, in the order of the OpenAPI document.
ROUTES = (
    "routes_home",
    "routes_people",
    "routes_identity",
    "routes_segment",
    "routes_conversation",
    "routes_diffusion",
    "routes_meet",
    "routes_data",
    "routes_plan",
    "routes_accounts",
    "routes_leak",
    "routes_write",
    "routes_files",
    "routes_collect",
    "routes_lake",
    "static",
)

#: Paths served without the token: nothing private.
OPEN_PATHS = frozenset({"/favicon.ico"})


def _environment() -> Any:
    from jinja2 import Environment, FileSystemLoader

    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=True,  # every value is escaped unless a template marks it safe
        trim_blocks=True,
        lstrip_blocks=True,
    )
    from salon.web import format as fmt

    env.filters.update(fmt.FILTERS)
    env.globals.update(fmt.GLOBALS)
    return env


def create_app(
    store: Store | str | None = None,
    *,
    token: str | None = None,
    port: int | None = None,
    allowed_hosts: tuple[str, ...] = ("127.0.0.1", "localhost", "[::1]", "testserver"),
    include_private: bool = False,
) -> FastAPI:
    """The web app over ``store`` (a Store, or a database URL or path; the default store
    when None). ``token`` is the access token (a random one when None: read it back from
    ``app.state.salon.token``); ``port`` names the cookies; ``include_private`` shows
    private intelligence (account notes) — the pages mark it private either way."""
    import salon

    opened = store if store is not None and not isinstance(store, str) else None
    if opened is None:
        opened = salon.open_store(store)  # type: ignore[arg-type]
    token_cookie, csrf_cookie = security.cookie_names(port)
    web = WebState(
        store=opened,
        token=token or security.new_token(),
        token_cookie=token_cookie,
        csrf_cookie=csrf_cookie,
        include_private=include_private,
        env=_environment(),
    )
    app = FastAPI(
        title="Salon",
        version=__version__,
        description="Salon's questions, as JSON: each endpoint calls the public function "
        "the CLI calls and returns its result with the evidence (`to_dict()`). Send the "
        "access token `salon serve` printed as `Authorization: Bearer TOKEN`. Errors are "
        '`{"ok": false, "error": MESSAGE, "status": CODE}`.',
        openapi_url="/api/v1/openapi.json",
        responses={code: {"model": ErrorBody, "description": why} for code, why in ERRORS.items()},
        docs_url=None,
        redoc_url=None,
    )
    app.state.salon = web
    _install_errors(app)
    _install_guard(app, web)
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=list(allowed_hosts))
    _install_routes(app)
    return app


def _install_routes(app: FastAPI) -> None:
    import importlib

    for name in ROUTES:
        app.include_router(importlib.import_module(f"salon.web.{name}").router)


def _error_response(request: Request, status: int, message: str) -> Response:
    if wants_json(request):
        return JSONResponse({"ok": False, "error": message, "status": status}, status_code=status)
    try:
        return render(request, "error.html", status=status, status_code=status, message=message)
    except Exception:  # the error page itself failed: plain text, never a traceback
        return HTMLResponse(f"<h1>{status}</h1>", status_code=status)


def _install_errors(app: FastAPI) -> None:
    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        message = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        if exc.status_code == 404 and message == "Not Found":
            message = f"There is no page at {request.url.path}."
        if exc.status_code == 405:
            message = f"{request.method} is not allowed on {request.url.path}."
        return _error_response(request, exc.status_code, message)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        parts = []
        for error in exc.errors():
            where = ".".join(str(x) for x in error.get("loc", ()) if x not in ("query", "body"))
            parts.append(f"{where}: {error.get('msg', 'invalid')}" if where else error["msg"])
        return _error_response(request, 422, "; ".join(parts) or "Invalid request.")

    @app.exception_handler(SalonError)
    async def salon_failed(request: Request, exc: SalonError) -> Response:
        http = salon_error(exc)
        return _error_response(request, http.status_code, str(http.detail))

    @app.exception_handler(Exception)
    async def failed(request: Request, exc: Exception) -> Response:
        return _error_response(
            request,
            500,
            f"Salon failed on this request ({type(exc).__name__}). Run the same question with "
            "the CLI and --traceback to see why.",
        )


def _install_guard(app: FastAPI, web: WebState) -> None:
    app.add_middleware(_Guard, web=web)


class _Guard:
    """The token check, the CSRF cookie and the security headers, as plain ASGI middleware
    (cheaper per request than Starlette's BaseHTTPMiddleware)."""

    def __init__(self, app: Any, web: WebState) -> None:
        self.app = app
        self.web = web

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        early = _authenticate(request, self.web)
        fresh_csrf: str | None = None
        if early is None:
            csrf = request.cookies.get(self.web.csrf_cookie)
            if csrf is None:
                fresh_csrf = csrf = security.new_token()
            request.state.csrf = csrf
        page = not request.url.path.startswith(("/api/", "/static/"))

        async def send_with_headers(message: Any) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in security.SECURITY_HEADERS.items():
                    if name not in headers:
                        headers.append(name, value)
                if page and "cache-control" not in headers:
                    headers.append("Cache-Control", "no-store")
                if fresh_csrf is not None:
                    cookie = Response()
                    _set_csrf(cookie, self.web, fresh_csrf)
                    headers.append("set-cookie", cookie.headers["set-cookie"])
            await send(message)

        if early is not None:
            await early(scope, receive, send_with_headers)
            return
        await self.app(scope, receive, send_with_headers)


def _authenticate(request: Request, web: WebState) -> Response | None:
    """None when the request carries the token (``request.state.auth`` says how), else the
    response to send instead: the redirect that keeps the printed URL's token in a cookie, or
    the refusal."""
    path = request.url.path
    if path in OPEN_PATHS:
        request.state.auth = "open"
        return None
    given = request.query_params.get("token")
    if given is not None and security.same(given, web.token) and not wants_json(request):
        # The printed URL: keep the token in a cookie and show the URL without it.
        rest = [(k, v) for k, v in request.query_params.multi_items() if k != "token"]
        target = path + ("?" + urlencode(rest) if rest else "")
        response: Response = RedirectResponse(target, status_code=303)
        _set_cookies(response, web, request)
        return response
    header = security.bearer(request.headers.get("authorization"))
    if security.same(header, web.token) or (given is not None and security.same(given, web.token)):
        request.state.auth = "header"
    elif security.same(request.cookies.get(web.token_cookie), web.token):
        request.state.auth = "cookie"
    else:
        request.state.csrf = ""
        return _error_response(
            request,
            401,
            "This Salon needs its access token: open the URL 'salon serve' printed "
            "(with ?token=…), or send 'Authorization: Bearer TOKEN'.",
        )
    return None


def _set_cookies(response: Response, web: WebState, request: Request) -> None:
    response.set_cookie(
        web.token_cookie, web.token, httponly=True, samesite="strict", path="/", max_age=None
    )
    _set_csrf(response, web, request.cookies.get(web.csrf_cookie) or security.new_token())


def _set_csrf(response: Response, web: WebState, value: str) -> None:
    response.set_cookie(web.csrf_cookie, value, httponly=True, samesite="strict", path="/")
