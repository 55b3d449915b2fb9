"""Writing what only you know, from the browser: accounts (``salon.add_account``,
``salon.remove_account``, ``salon.import_account``), their notes and stakeholders
(``salon.add_note``, ``salon.add_stakeholder``, ``salon.remove_stakeholder``), a private note
about a person, which account is you (``salon.set_you``) and removing a goal
(``salon.remove_goal``) — each a CSRF-protected form beside its JSON twin, as the CLI's
``salon account …``, ``salon note``, ``salon me --is`` and ``salon goal remove``."""

from __future__ import annotations

import tempfile
from pathlib import Path as FilePath
from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, Depends, File, Form, Path, Request, UploadFile
from fastapi.responses import RedirectResponse
from pydantic import BaseModel, Field

import salon
from salon.web.common import bad_request, call, changed, csrf_protect, state

router = APIRouter()

Level = Literal["private", "team", "public"]
NoteField = Literal[
    "note",
    "issues",
    "politics",
    "motivations",
    "decision_process",
    "criteria",
    "projects",
    "gaps",
]
Role = Literal["decision_maker", "champion", "evaluator", "procurement", "influencer", "blocker"]
Name = Annotated[str, Path(min_length=1, max_length=200, description="An account's name")]
Day = Annotated[str | None, Field(max_length=10, pattern=r"^\d{4}-\d{2}-\d{2}$")]
CSRF = [Depends(csrf_protect)]
#: The largest account plan file taken (a TOML plan is a few kilobytes).
MAX_PLAN = 4 * 1024**2


def _write(request: Request, compute: Any) -> dict[str, Any]:
    """``compute()`` as a write: its result as a dict, the store's state read again after."""
    with state(request).heavy:
        done = call(compute)
    changed(request)
    return done.to_dict()  # type: ignore[no-any-return]


def _blank(value: str | None) -> str | None:
    return value.strip() or None if value is not None else None


def _account_page(name: str) -> RedirectResponse:
    return RedirectResponse(f"/accounts/{quote(name, safe='')}", status_code=303)


# Accounts ---------------------------------------------------------------------------------


class NewAccount(BaseModel):
    """An account to add (as ``salon account add``)."""

    name: str = Field(min_length=1, max_length=200)
    domain: str | None = Field(default=None, max_length=200)
    level: Level = "private"


def _add_account(request: Request, new: NewAccount) -> dict[str, Any]:
    store = state(request).store
    return _write(
        request,
        lambda: salon.add_account(store, new.name, domain=_blank(new.domain), level=new.level),
    )


@router.post("/api/v1/accounts", tags=["accounts"], summary="Add an account", dependencies=CSRF)
def api_add_account(request: Request, new: NewAccount) -> dict[str, Any]:
    return _add_account(request, new)


@router.post("/accounts", include_in_schema=False, dependencies=CSRF)
def form_add_account(
    request: Request,
    name: Annotated[str, Form(min_length=1, max_length=200)],
    domain: Annotated[str | None, Form(max_length=200)] = None,
    level: Annotated[Level, Form()] = "private",
) -> RedirectResponse:
    done = _add_account(request, NewAccount(name=name, domain=domain, level=level))
    return _account_page(done["account"] or name)


def _remove_account(request: Request, name: str) -> dict[str, Any]:
    store = state(request).store
    return _write(request, lambda: salon.remove_account(store, name))


@router.delete(
    "/api/v1/accounts/{name}",
    tags=["accounts"],
    summary="Delete an account with its plan (the people stay)",
    dependencies=CSRF,
)
def api_remove_account(request: Request, name: Name) -> dict[str, Any]:
    return _remove_account(request, name)


@router.post("/accounts/{name}/remove", include_in_schema=False, dependencies=CSRF)
def form_remove_account(request: Request, name: Name) -> RedirectResponse:
    _remove_account(request, name)
    return RedirectResponse("/accounts", status_code=303)


def _import_account(request: Request, upload: UploadFile) -> dict[str, Any]:
    raw = upload.file.read(MAX_PLAN + 1)
    if len(raw) > MAX_PLAN:
        raise bad_request("That file is larger than an account plan can be (4 MiB).")
    if not raw:
        raise bad_request("The file is empty: choose the account plan (TOML) again.")
    name = FilePath(upload.filename or "account.toml").name or "account.toml"
    store = state(request).store
    with tempfile.TemporaryDirectory(prefix="salon-plan-") as folder:
        path = FilePath(folder) / name
        path.write_bytes(raw)
        return _write(request, lambda: salon.import_account(store, path))


PlanFile = Annotated[UploadFile, File(description="An account plan file (TOML)")]


@router.post(
    "/api/v1/accounts/import",
    tags=["accounts"],
    summary="Load an account plan file (TOML) in one transaction",
    dependencies=CSRF,
)
def api_import_account(request: Request, file: PlanFile) -> dict[str, Any]:
    return _import_account(request, file)


@router.post("/accounts/import", include_in_schema=False, dependencies=CSRF)
def form_import_account(request: Request, file: PlanFile) -> RedirectResponse:
    return _account_page(_import_account(request, file)["account"])


# Notes and stakeholders -------------------------------------------------------------------


class NewNote(BaseModel):
    """A note in an account's plan (as ``salon account note``)."""

    text: str = Field(min_length=1, max_length=5000)
    field: NoteField = "note"
    person: str | None = Field(default=None, max_length=200)
    source: str | None = Field(default=None, max_length=500)
    observed: Day = None
    level: Level = "private"
    stale_after_days: int | None = Field(default=None, ge=1, le=36500)


def _note(request: Request, account: str | None, new: NewNote) -> dict[str, Any]:
    store = state(request).store
    return _write(
        request,
        lambda: salon.add_note(
            store,
            new.text,
            field=new.field,
            account=account,
            person=_blank(new.person),
            source=_blank(new.source),
            observed=_blank(new.observed),
            level=new.level,
            stale_after_days=new.stale_after_days,
        ),
    )


@router.post(
    "/api/v1/accounts/{name}/notes",
    tags=["accounts"],
    summary="Write a note in an account's plan (private unless you say otherwise)",
    dependencies=CSRF,
)
def api_account_note(request: Request, name: Name, new: NewNote) -> dict[str, Any]:
    return _note(request, name, new)


TextF = Annotated[str, Form(min_length=1, max_length=5000)]
OptF = Annotated[str | None, Form(max_length=500)]
DayF = Annotated[str | None, Form(max_length=10)]


def _day(value: str | None) -> str | None:
    """A form's date field: empty is none, anything else must be a date."""
    value = _blank(value)
    if value is not None and not (len(value) == 10 and value[4] == value[7] == "-"):
        raise bad_request(f"'{value}' is no date (YYYY-MM-DD).")
    return value


@router.post("/accounts/{name}/notes", include_in_schema=False, dependencies=CSRF)
def form_account_note(
    request: Request,
    name: Name,
    text: TextF,
    field: Annotated[NoteField, Form()] = "note",
    person: OptF = None,
    source: OptF = None,
    observed: DayF = None,
    level: Annotated[Level, Form()] = "private",
) -> RedirectResponse:
    new = NewNote(text=text, field=field, person=person, source=source, level=level)
    new.observed = _day(observed)
    done = _note(request, name, new)
    return _account_page(done["account"] or name)


class PersonNote(BaseModel):
    """A private note about a person (as ``salon note PERSON TEXT``)."""

    text: str = Field(min_length=1, max_length=5000)
    source: str | None = Field(default=None, max_length=500)
    observed: Day = None
    level: Level = "private"


def _person_note(request: Request, person: str, new: PersonNote) -> dict[str, Any]:
    note = NewNote(
        text=new.text, person=person, source=new.source, observed=new.observed, level=new.level
    )
    return _note(request, None, note)


@router.post(
    "/api/v1/people/{pid}/notes",
    tags=["accounts"],
    summary="Keep a private note about a person",
    dependencies=CSRF,
)
def api_person_note(request: Request, pid: int, new: PersonNote) -> dict[str, Any]:
    return _person_note(request, str(pid), new)


@router.post("/people/{pid}/notes", include_in_schema=False, dependencies=CSRF)
def form_person_note(
    request: Request,
    pid: int,
    text: TextF,
    source: OptF = None,
    observed: DayF = None,
    level: Annotated[Level, Form()] = "private",
) -> RedirectResponse:
    new = PersonNote(text=text, source=source, level=level)
    new.observed = _day(observed)
    _person_note(request, str(pid), new)
    return RedirectResponse(f"/people/{pid}", status_code=303)


class NewStakeholder(BaseModel):
    """A stakeholder of an account (as ``salon account stakeholder``)."""

    person: str = Field(min_length=1, max_length=200, description="An id or a name")
    role: Role | None = None
    title: str | None = Field(default=None, max_length=200)
    reports_to: str | None = Field(default=None, max_length=200)
    source: str | None = Field(default=None, max_length=500)
    observed: Day = None
    level: Level | None = None


def _stakeholder(request: Request, account: str, new: NewStakeholder) -> dict[str, Any]:
    store = state(request).store
    return _write(
        request,
        lambda: salon.add_stakeholder(
            store,
            account,
            new.person.strip(),
            role=new.role,
            title=_blank(new.title),
            reports_to=_blank(new.reports_to),
            source=_blank(new.source),
            observed=_blank(new.observed),
            level=new.level,
        ),
    )


@router.post(
    "/api/v1/accounts/{name}/stakeholders",
    tags=["accounts"],
    summary="Add a stakeholder to an account (or update their role, title, reporting line)",
    dependencies=CSRF,
)
def api_stakeholder(request: Request, name: Name, new: NewStakeholder) -> dict[str, Any]:
    return _stakeholder(request, name, new)


@router.post("/accounts/{name}/stakeholders", include_in_schema=False, dependencies=CSRF)
def form_stakeholder(
    request: Request,
    name: Name,
    person: Annotated[str, Form(min_length=1, max_length=200)],
    role: Annotated[str | None, Form(max_length=20)] = None,
    title: OptF = None,
    reports_to: OptF = None,
    source: OptF = None,
    observed: DayF = None,
    level: Annotated[str | None, Form(max_length=10)] = None,
) -> RedirectResponse:
    try:
        new = NewStakeholder(
            person=person,
            role=_blank(role),  # type: ignore[arg-type]
            title=title,
            reports_to=reports_to,
            source=source,
            level=_blank(level),  # type: ignore[arg-type]
        )
    except ValueError as exc:
        raise bad_request(f"A role or level Salon does not know: {exc}") from None
    new.observed = _day(observed)
    done = _stakeholder(request, name, new)
    return _account_page(done["account"] or name)


def _unstake(request: Request, account: str, person: str) -> dict[str, Any]:
    store = state(request).store
    return _write(request, lambda: salon.remove_stakeholder(store, account, person))


@router.delete(
    "/api/v1/accounts/{name}/stakeholders/{person}",
    tags=["accounts"],
    summary="Take a person off an account's stakeholders (the person stays)",
    dependencies=CSRF,
)
def api_unstake(
    request: Request, name: Name, person: Annotated[str, Path(max_length=200)]
) -> dict[str, Any]:
    return _unstake(request, name, person)


@router.post(
    "/accounts/{name}/stakeholders/{person}/remove", include_in_schema=False, dependencies=CSRF
)
def form_unstake(
    request: Request, name: Name, person: Annotated[str, Path(max_length=200)]
) -> RedirectResponse:
    done = _unstake(request, name, person)
    return _account_page(done["account"] or name)


# You and your goals -----------------------------------------------------------------------


class YourAccount(BaseModel):
    """Which account is yours (as ``salon me --is``): a handle, an address, a profile URL, a
    person id or name."""

    account: str = Field(min_length=1, max_length=500)


def _set_you(request: Request, mine: YourAccount) -> dict[str, Any]:
    store = state(request).store
    return _write(request, lambda: salon.set_you(store, mine.account.strip()))


@router.post("/api/v1/me", tags=["people"], summary="Say which account is you", dependencies=CSRF)
def api_set_you(request: Request, mine: YourAccount) -> dict[str, Any]:
    return _set_you(request, mine)


@router.post("/me", include_in_schema=False, dependencies=CSRF)
def form_set_you(
    request: Request, account: Annotated[str, Form(min_length=1, max_length=500)]
) -> RedirectResponse:
    done = _set_you(request, YourAccount(account=account))
    return RedirectResponse(f"/people/{done['you']}", status_code=303)


GoalName = Annotated[str, Path(min_length=1, max_length=100)]


def _remove_goal(request: Request, goal: str) -> dict[str, Any]:
    store = state(request).store
    return _write(request, lambda: salon.remove_goal(store, goal))


@router.delete(
    "/api/v1/goals/{goal}",
    tags=["plan"],
    summary="Delete a goal and its measured progress",
    dependencies=CSRF,
)
def api_remove_goal(request: Request, goal: GoalName) -> dict[str, Any]:
    return _remove_goal(request, goal)


@router.post("/plan/{goal}/remove", include_in_schema=False, dependencies=CSRF)
def form_remove_goal(request: Request, goal: GoalName) -> RedirectResponse:
    _remove_goal(request, goal)
    return RedirectResponse("/plan", status_code=303)
