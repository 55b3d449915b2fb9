"""What only you know: `salon account …` (plans, stakeholders, notes, gaps), `salon intro`
(warm paths) and `salon signals` (first-insight signals)."""

from __future__ import annotations

from typing import Annotated, Any

import typer

import salon
from salon.cli.app import JsonOption, _print_json, _section, _store, _who, app, busy, console

account_app = typer.Typer(
    help="Your accounts: the organisations you sell to or serve, with their plans (private)."
)
app.add_typer(account_app, name="account")

LevelOption = Annotated[
    str,
    typer.Option("--level", help="Confidentiality: private (default), team or public."),
]
SourceOption = Annotated[
    str | None, typer.Option("--source", help="Where you learnt it (a meeting, a mail, a call).")
]
ObservedOption = Annotated[
    str | None, typer.Option("--observed", help="The day you learnt it (e.g. 2001-10-25).")
]


def _notes(result: dict[str, Any]) -> None:
    for note in result.get("notes", []):
        if isinstance(note, str):
            console.print(f"[yellow]{note}[/yellow]")


def _day(value: str | None) -> str:
    return value[:10] if value else "—"


@account_app.command("add")
def account_add(
    name: Annotated[str, typer.Argument(help="The account's name (an organisation).")],
    domain: Annotated[str | None, typer.Option("--domain", help="Its web domain.")] = None,
    level: LevelOption = "private",
) -> None:
    """Add an account: an organisation you sell to or serve.

    Example: salon account add "Enron Transportation Services" --domain enron.com
    """
    with _store() as store:
        done = salon.add_account(store, name, domain=domain, level=level)
    console.print(
        f"Added account '{done.account}'." if done.added else f"'{done.account}' exists already."
    )


@account_app.command("list")
def account_list(as_json: JsonOption = False) -> None:
    """List your accounts with their stakeholders and notes.

    Example: salon account list
    """
    with _store() as store:
        found = salon.accounts(store).to_dict()
    if as_json:
        _print_json(found)
        return
    _section(
        "Accounts",
        ("name", "domain", "level", "stakeholders", "notes"),
        [
            (a["name"], a["domain"] or "—", a["level"], str(a["stakeholders"]), str(a["notes"]))
            for a in found["accounts"]
        ],
        empty="No accounts yet. Add one with 'salon account add NAME'.",
        right=("stakeholders", "notes"),
    )


@account_app.command("show")
def account_show(
    name: Annotated[str, typer.Argument(help="The account's name.")],
    as_json: JsonOption = False,
) -> None:
    """Show an account's plan: stakeholders (buying role, title, reporting line, your stage
    with them) and notes by field (source, observed, level, stale or not).

    Example: salon account show "Enron Transportation Services"
    """
    with _store() as store, busy("Reading the plan…"):
        found = salon.account(store, name).to_dict()
    if as_json:
        _print_json(found)
        return
    org = f", organisation {found['organization']}" if found["organization"] else ""
    console.print(
        f"[bold]{found['name']}[/] ({found['level']}{org}) as of {_day(found['now'])}; "
        "nothing here leaves this machine."
    )
    _section(
        "Stakeholders",
        ("name", "role", "title", "reports to", "your stage", "level"),
        [
            (
                _who(s["name"], s["person"]),
                s["role"] or "—",
                s["title"] or "—",
                s["reports_to_name"] or "—",
                s["stage"],
                s["level"],
            )
            for s in found["stakeholders"]
        ],
        empty="No stakeholders yet: 'salon account stakeholder NAME PERSON --role ROLE'.",
    )
    _section(
        "Plan",
        ("field", "note", "source", "observed", "level", "stale"),
        [
            (
                n["field"],
                n["text"],
                n["source"] or "—",
                _day(n["observed"]),
                n["level"],
                "stale" if n["stale"] else "",
            )
            for n in found["notes"]
        ],
        empty="No notes yet: 'salon account note NAME --field issues TEXT'.",
    )


@account_app.command("note")
def account_note(
    name: Annotated[str, typer.Argument(help="The account's name.")],
    text: Annotated[str, typer.Argument(help="What you know.")],
    field: Annotated[
        str,
        typer.Option(
            "--field",
            "-f",
            help="issues, politics, motivations, decision_process, criteria, projects, gaps "
            "or note.",
        ),
    ] = "note",
    person: Annotated[
        str | None, typer.Option("--person", help="Whom it is about (an id or a name).")
    ] = None,
    source: SourceOption = None,
    level: LevelOption = "private",
    observed: ObservedOption = None,
    stale_after: Annotated[
        int | None,
        typer.Option("--stale-after", min=1, help="Days until it is stale (default: the field's)."),
    ] = None,
) -> None:
    """Write a note in an account's plan (private unless you say otherwise).

    Example: salon account note "Enron Transportation Services" --field issues "CPUC asks about
    capacity" --source "call with Shelley" --observed 2001-10-25
    """
    with _store() as store:
        done = salon.add_note(
            store,
            text,
            field=field,
            account=name,
            person=person,
            source=source,
            observed=observed,
            level=level,
            stale_after_days=stale_after,
        )
    console.print(
        f"Noted in {done.account} ({field}, {level})."
        if done.added
        else f"{done.account} has this note already."
    )


@app.command("note")
def person_note(
    person: Annotated[str, typer.Argument(help="Whom it is about: an id or a name.")],
    text: Annotated[str, typer.Argument(help="What you know about them.")],
    source: SourceOption = None,
    level: LevelOption = "private",
    observed: ObservedOption = None,
) -> None:
    """Keep a private note about a person (never shown in their public facts; 'salon
    check-post' keeps it out of your posts).

    Example: salon note "Rod Hayslett" "Prefers numbers before the meeting" --observed 2002-02-12
    """
    with _store() as store:
        done = salon.add_note(
            store, text, person=person, source=source, observed=observed, level=level
        )
    console.print(
        f"Noted about person {done.detail['person']} ({level})."
        if done.added
        else "That note is kept already."
    )


@account_app.command("stakeholder")
def account_stakeholder(
    name: Annotated[str, typer.Argument(help="The account's name.")],
    person: Annotated[str, typer.Argument(help="The stakeholder: an id or a name.")],
    role: Annotated[
        str | None,
        typer.Option(
            "--role",
            "-r",
            help="decision_maker, champion, evaluator, procurement, influencer or blocker.",
        ),
    ] = None,
    title: Annotated[str | None, typer.Option("--title", help="Their job title.")] = None,
    reports_to: Annotated[
        str | None, typer.Option("--reports-to", help="Whom they report to (an id or a name).")
    ] = None,
    source: SourceOption = None,
    observed: ObservedOption = None,
    level: Annotated[
        str | None,
        typer.Option("--level", help="private (a new stakeholder's default), team or public."),
    ] = None,
) -> None:
    """Add a stakeholder to an account (or update their role, title and reporting line).

    Example: salon account stakeholder "Enron Transportation Services" "Stanley Horton"
    --role decision_maker --title "President & CEO"
    """
    with _store() as store:
        done = salon.add_stakeholder(
            store,
            name,
            person,
            role=role,
            title=title,
            reports_to=reports_to,
            source=source,
            observed=observed,
            level=level,
        )
    verb = "Added" if done.added else "Updated"
    console.print(f"{verb} stakeholder {done.detail['person']} of {done.account}.")


@account_app.command("remove")
def account_remove(
    name: Annotated[str, typer.Argument(help="The account's name.")],
    stakeholder: Annotated[
        str | None,
        typer.Option("--stakeholder", help="Only take this person (an id or a name) off it."),
    ] = None,
) -> None:
    """Delete an account and its plan, or only take one stakeholder off it (people stay).

    Example: salon account remove "Enron Transportation Services" --stakeholder "Lynn Blair"
    """
    with _store() as store:
        if stakeholder is not None:
            done = salon.remove_stakeholder(store, name, stakeholder)
        else:
            done = salon.remove_account(store, name)
    removed = ", ".join(f"{n} {k}" for k, n in done.removed.items())
    console.print(f"Removed from '{done.account}': {removed}.")


@account_app.command("import")
def account_import(
    file: Annotated[str, typer.Argument(help="An account plan file (TOML).")],
    as_json: JsonOption = False,
) -> None:
    """Load an account plan file ([account], [[stakeholders]], [[notes]]) in one transaction.

    Example: salon account import src/salon/data/enron_ets_account.toml
    """
    with _store() as store:
        done = salon.import_account(store, file).to_dict()
    if as_json:
        _print_json(done)
        return
    added = ", ".join(f"{n} {k}" for k, n in done["added"].items())
    console.print(f"Loaded '{done['account']}' from {done['file']}: added {added}.")


def _path_rows(targets: list[dict[str, Any]]) -> list[tuple[str, ...]]:
    rows = []
    for t in targets:
        for path in t["paths"]:
            ties = "; ".join(
                f"{tie['stage']}, {tie['frequency']} events, last {_day(tie['last'])}"
                for tie in path["ties"]
            )
            rows.append(
                (
                    _who(t["name"], t["person"]),
                    ", ".join(x for x in (t.get("role"), t["stage"]) if x),
                    " → ".join(n or "?" for n in path["names"]),
                    str(path["hops"]),
                    ties,
                )
            )
    return rows


def _print_messages(targets: list[dict[str, Any]]) -> None:
    for t in targets:
        if t["paths"]:
            console.print(f"\n[bold]To reach {t['name']}[/], ask {t['paths'][0]['names'][1]}:")
            console.print(f"  {t['paths'][0]['message']}", highlight=False)


@account_app.command("gaps")
def account_gaps(
    name: Annotated[str, typer.Argument(help="The account's name.")],
    as_json: JsonOption = False,
) -> None:
    """What an account plan lacks: empty or stale fields, buying roles with no known person,
    and stakeholders you have never met, each with the warmest introduction path.

    Example: salon account gaps "Enron Transportation Services"
    """
    with _store() as store, busy("Looking for gaps…"):
        found = salon.account_gaps(store, name).to_dict()
    if as_json:
        _print_json(found)
        return
    console.print(f"[bold]Gaps in {found['account']}[/] as of {_day(found['now'])}")
    _notes(found)
    _section(
        "Fields",
        ("field", "gap", "entries", "newest", "stale since"),
        [
            (f["field"], f["gap"], str(f["entries"]), _day(f["newest"]), _day(f["stale_since"]))
            for f in found["fields"]
        ],
        empty="Every field has a current entry.",
    )
    if found["roles"]:
        console.print("Buying roles with no known person: " + ", ".join(found["roles"]))
    _section(
        "Stakeholders you have never met, and who can introduce you",
        ("who", "role", "path", "hops", "ties"),
        _path_rows(found["unmet"]),
        empty="You have met every stakeholder (or none has a warm path).",
        right=("hops",),
    )
    _print_messages(found["unmet"])


@app.command()
def intro(
    who: Annotated[str, typer.Argument(help="A person (an id or a name) or an account's name.")],
    top: Annotated[int, typer.Option("--top", "-n", min=1, help="Introducers per person.")] = 3,
    as_json: JsonOption = False,
) -> None:
    """Who in your network can introduce you: the warmest paths over tie strength (recent,
    reciprocal and in-person ties count most), each tie's evidence and a suggested message.

    Example: salon intro "Stanley Horton"
    """
    with _store() as store, busy("Finding warm paths…"):
        found = salon.intro(store, who, top=top).to_dict()
    if as_json:
        _print_json(found)
        return
    what = f"the stakeholders of {found['account']}" if found["account"] else found["asked"]
    console.print(f"Warm paths to {what} as of {_day(found['now'])}")
    for t in found["targets"]:
        if t["direct"]:
            d = t["direct"]
            console.print(
                f"You know {t['name']} already: {d['stage']}, {d['frequency']} events, "
                f"last {_day(d['last'])}."
            )
    _notes(found)
    _section(
        "Paths, warmest first",
        ("who", "stage", "path", "hops", "ties"),
        _path_rows(found["targets"]),
        right=("hops",),
    )
    _print_messages(found["targets"])


@app.command()
def signals(
    account: Annotated[
        str | None, typer.Option("--account", "-a", help="Only this account.")
    ] = None,
    since: Annotated[
        str | None,
        typer.Option("--since", help="From this day (default: 30 days before the latest record)."),
    ] = None,
    until: Annotated[str | None, typer.Option("--until", help="Up to this day.")] = None,
    top: Annotated[int, typer.Option("--top", "-n", min=1, help="How many to show.")] = 20,
    as_json: JsonOption = False,
) -> None:
    """First-insight signals: new posts, job changes, meetings and messages that touch your
    accounts' issues, projects or stakeholders, with the evidence and a next step.

    Example: salon signals --account "Enron Transportation Services" --since 2001-10-01
    """
    with _store() as store, busy("Looking for signals…"):
        found = salon.signals(store, account=account, since=since, until=until, top=top).to_dict()
    if as_json:
        _print_json(found)
        return
    console.print(f"Signals since {_day(found['since'])}")
    _notes(found)
    _section(
        None,
        ("when", "kind", "what", "who", "matches", "next step"),
        [
            (
                _day(s["at"]),
                s["kind"],
                s["text"][:80],
                ", ".join(f"{p['name']} ({p['role'] or 'at the account'})" for p in s["people"]),
                ", ".join(s["terms"][:4]),
                s["next_step"],
            )
            for s in found["signals"]
        ],
        empty="No signals in that window: try an earlier --since.",
    )
