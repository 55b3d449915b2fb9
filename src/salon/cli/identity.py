"""Commands about one person and who is whom: person, duplicates, merge, unmerge."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

import salon
from salon.cli.app import (
    CsvOption,
    JsonOption,
    _print_json,
    _section,
    _store,
    app,
    console,
)


@app.command()
def person(
    who: Annotated[str, typer.Argument(help="A person's id, or a name (or part of one).")],
    as_json: JsonOption = False,
    as_csv: CsvOption = False,
) -> None:
    """One person across every source: identities, affiliations, ties and the timeline, each
    with the file and line it came from.

    Example: salon person "Ana Ruiz"
    """
    with _store() as store:
        profile = salon.person(store, who).to_dict()
    if as_json:
        _print_json(profile)
        return
    title = f"{profile['name'] or '—'} (person {profile['id']})" + (
        " — you" if profile["is_self"] else ""
    )
    console.print(f"[bold]{title}[/]")
    if profile["headline"]:
        console.print(profile["headline"])
    if profile["merged_people"]:
        console.print(
            f"Merged with people {', '.join(map(str, profile['merged_people']))} "
            "('salon unmerge ID' undoes it)."
        )
    _section(
        "Identities",
        ("identity", "source"),
        [
            (f"{i['platform'] + ' ' if i['platform'] else ''}{i['kind']}: {i['value']}", _where(i))
            for i in profile["identities"]
        ],
    )
    _section(
        "Affiliations",
        ("organization", "kind", "title", "source"),
        [
            (a["organization"], a["kind"], a["title"] or "", _where(a))
            for a in profile["affiliations"]
        ],
    )
    _section(
        "Ties",
        ("kind", "with", "since / seen", "source"),
        [
            (
                f"{t['kind']} ({t['direction']})",
                t["with"] or "",
                (t["since"] or t["first_seen"] or "")[:10],
                _where(t),
            )
            for t in profile["ties"]
        ][:30],
    )
    _section(
        "Timeline (latest 30)",
        ("when", "what", "with", "subject", "source"),
        [
            (
                (e["at"] or "")[:16],
                f"{e['kind']} ({e['direction']})",
                e["with"] or "",
                (e["subject"] or "")[:40],
                _where(e),
            )
            for e in profile["timeline"][-30:]
        ],
    )


def _where(item: dict) -> str:  # type: ignore[type-arg]
    return f"{Path(item['file']).name}:{item['line']}"


@app.command()
def duplicates(
    min_score: Annotated[
        float,
        typer.Option("--min-score", min=0.0, max=1.0, help="Show pairs scoring at least this."),
    ] = salon.MIN_DUPLICATE_SCORE,
    as_json: JsonOption = False,
    as_csv: CsvOption = False,
) -> None:
    """People who are probably one person, with the score and its evidence. Pairs scoring
    0.93 or more were merged at import; merge others with 'salon merge A B'.

    Example: salon duplicates --min-score 0.85
    """
    with _store() as store:
        found = salon.duplicates(store, min_score=min_score)
    if as_json:
        _print_json([d.to_dict() for d in found])
        return
    rows = [
        (
            f"{d.a} {d.name_a}",
            f"{d.b} {d.name_b}",
            f"{d.score:.2f}",
            f"names {d.evidence['name_similarity']:.2f}; {d.evidence['organisation']}",
        )
        for d in found
    ]
    _section(
        None,
        ("a", "b", "score", "evidence"),
        rows,
        empty="No likely duplicates (a lower --min-score shows weaker pairs).",
    )


@app.command()
def merge(
    keep: Annotated[int, typer.Argument(help="The person to keep.")],
    other: Annotated[int, typer.Argument(help="The person who is the same as KEEP.")],
) -> None:
    """Merge two people into one (reversible with 'salon unmerge'; survives re-imports).

    Example: salon merge 12 48
    """
    with _store() as store:
        done = salon.merge(store, keep, other)
    console.print(f"Merged person {other} into {keep} (merge {done.merge}).")


@app.command()
def unmerge(
    who: Annotated[int, typer.Argument(help="A person merged into another, or one kept.")],
) -> None:
    """Undo merges: separate a person from the one they were merged into (or, for a kept
    person, undo every merge into them). Undone pairs are never merged automatically again.

    Example: salon unmerge 48
    """
    with _store() as store:
        undone = salon.unmerge(store, who).undone
    console.print(f"Undid {len(undone)} merge(s): {', '.join(map(str, undone))}.")
