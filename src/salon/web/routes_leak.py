"""The leak guard: paste a draft post and see whether it would give away something you
keep private (``salon.check_post``): each flagged passage beside the secret it matches and
where that secret came from. The draft is checked here and never stored."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field

import salon
from salon.web.common import csrf_protect, heavy, render, state

router = APIRouter()

#: The longest draft checked.
MAX_DRAFT = 20_000


class Draft(BaseModel):
    """A draft post to check."""

    text: str = Field(min_length=1, max_length=MAX_DRAFT)


def check(request: Request, text: str) -> dict[str, Any]:
    store = state(request).store
    return heavy(request, lambda: salon.check_post(store, text)).to_dict()  # type: ignore[no-any-return]


@router.post(
    "/api/v1/check-post",
    tags=["leak guard"],
    summary="Would this draft leak something private? (nothing is stored)",
    dependencies=[Depends(csrf_protect)],
)
def api_check(request: Request, draft: Draft) -> dict[str, Any]:
    return check(request, draft.text)


@router.get("/leak", response_class=HTMLResponse, include_in_schema=False)
def page_leak(request: Request) -> HTMLResponse:
    return render(request, "leak.html", text="", result=None)


@router.post("/leak", response_class=HTMLResponse, include_in_schema=False)
def form_leak(
    request: Request,
    text: Annotated[str, Form(min_length=1, max_length=MAX_DRAFT)],
    _: None = Depends(csrf_protect),
) -> HTMLResponse:
    return render(request, "leak.html", text=text, result=check(request, text))
