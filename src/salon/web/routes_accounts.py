"""Accounts with their intelligence (``salon.accounts``, ``salon.account``,
``salon.account_gaps``), signals (``salon.signals``) and warm introduction paths
(``salon.intro``) — every page of it marked private — with their JSON twins."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse

import salon
from salon.web.common import cached, call, heavy, render, state

router = APIRouter()

Name = Annotated[str, Path(min_length=1, max_length=200, description="An account's name")]
Day = Annotated[str | None, Query(max_length=10, pattern=r"^\d{4}-\d{2}-\d{2}$")]


def accounts_data(request: Request) -> dict[str, Any]:
    store = state(request).store
    return cached(request, ("accounts",), lambda: salon.accounts(store)).to_dict()  # type: ignore[no-any-return]


@router.get("/api/v1/accounts", tags=["accounts"], summary="Your accounts (private)")
def api_accounts(request: Request) -> dict[str, Any]:
    return accounts_data(request)


def signals_data(
    request: Request, account: str | None, since: str | None, until: str | None, top: int
) -> dict[str, Any]:
    store = state(request).store
    return cached(  # type: ignore[no-any-return]
        request,
        ("signals", account, since, until, top),
        lambda: heavy(
            request,
            lambda: call(
                lambda: salon.signals(store, account=account, since=since, until=until, top=top)
            ),
        ),
    ).to_dict()


@router.get("/api/v1/signals", tags=["accounts"], summary="Signals touching your accounts")
def api_signals(
    request: Request,
    account: Annotated[str | None, Query(max_length=200)] = None,
    since: Day = None,
    until: Day = None,
    top: Annotated[int, Query(ge=1, le=200)] = 20,
) -> dict[str, Any]:
    return signals_data(request, account, since, until, top)


@router.get("/accounts", response_class=HTMLResponse, include_in_schema=False)
def page_accounts(request: Request, since: Day = None, until: Day = None) -> HTMLResponse:
    data = accounts_data(request)
    signals = signals_data(request, None, since, until, 20) if data["accounts"] else None
    return render(
        request,
        "accounts.html",
        data=data,
        signals=signals,
        since=since,
        until=until,
        api="/api/v1/accounts",
    )


def account_data(request: Request, name: str) -> dict[str, Any]:
    store = state(request).store

    def compute() -> dict[str, Any]:
        return {
            "account": salon.account(store, name).to_dict(),
            "gaps": salon.account_gaps(store, name, top=2).to_dict(),
        }

    return cached(request, ("account", name), lambda: heavy(request, lambda: call(compute)))  # type: ignore[no-any-return]


@router.get(
    "/api/v1/accounts/{name}",
    tags=["accounts"],
    summary="An account's plan and its gaps, with warm paths to the unmet (private)",
)
def api_account(request: Request, name: Name) -> dict[str, Any]:
    return account_data(request, name)


@router.get("/accounts/{name}", response_class=HTMLResponse, include_in_schema=False)
def page_account(request: Request, name: Name, since: Day = None) -> HTMLResponse:
    data = account_data(request, name)
    signals = signals_data(request, data["account"]["name"], since, None, 20)
    return render(
        request,
        "account.html",
        a=data["account"],
        gaps=data["gaps"],
        signals=signals,
        since=since,
        api=f"/api/v1/accounts/{name}",
    )


def intro_data(request: Request, pid: int) -> dict[str, Any]:
    store = state(request).store
    return cached(  # type: ignore[no-any-return]
        request,
        ("intro", pid),
        lambda: heavy(request, lambda: call(lambda: salon.intro(store, pid, top=3))),
    ).to_dict()


@router.get(
    "/api/v1/people/{pid}/intro", tags=["accounts"], summary="Warm introduction paths to someone"
)
def api_intro(request: Request, pid: int) -> dict[str, Any]:
    return intro_data(request, pid)


@router.get("/people/{pid}/intro", response_class=HTMLResponse, include_in_schema=False)
def page_intro(request: Request, pid: int) -> HTMLResponse:
    return render(
        request, "intro.html", data=intro_data(request, pid), api=f"/api/v1/people/{pid}/intro"
    )
