"""Who matters: segments, influencers, communities, experts."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated

import typer

import salon
from salon.cli.app import (
    CsvOption,
    JsonOption,
    SegmentOption,
    TopOption,
    WeightsOption,
    _print_json,
    _section,
    _store,
    _weights,
    _who,
    advise,
    app,
    busy,
    console,
    plural,
)

if TYPE_CHECKING:
    from salon.graph.communities import Progress
    from salon.insights.results import Experts, Influencers

segment_app = typer.Typer(
    help="Named sets of people (buyers, a target account, a list).", no_args_is_help=True
)
app.add_typer(segment_app, name="segment")


@segment_app.command("add")
def segment_add(
    name: Annotated[str, typer.Argument(help="The segment's name.")],
    rule: Annotated[
        str,
        typer.Argument(
            help="KIND:VALUE, several joined by ' & ': org:TEXT, "
            "title:TEXT, location:TEXT, platform:NAME, "
            "followers:WHO, tag:TAG, community:N, "
            "file:PATH, all."
        ),
    ],
    replace: Annotated[bool, typer.Option("--replace", help="Change an existing segment.")] = False,
    seed: Annotated[
        int, typer.Option("--seed", help="The communities' seed, for community:N rules.")
    ] = 0,
    resolution: Annotated[
        float,
        typer.Option(
            "--resolution", min=0.01, help="The communities' resolution, for community:N."
        ),
    ] = 1.0,
) -> None:
    """Define a segment by a rule, for --segment on every analytics command. A community:N
    rule is stored with the seed and resolution of the communities it means.

    Example: salon segment add buyers "title:cto & org:acme"
    """
    with _store() as store:
        segment = salon.add_segment(
            store, name, rule, replace=replace, seed=seed, resolution=resolution
        )
    count = "" if segment.people is None else f": {_people(segment.people)}"
    console.print(f"Segment '{name}' = {segment.rule}{count}.")


@segment_app.command("list")
def segment_list(as_json: JsonOption = False, as_csv: CsvOption = False) -> None:
    """List the segments with their rules and sizes; a rule that no longer works (a file
    since moved) is listed with its error.

    Example: salon segment list
    """
    with _store() as store:
        rows = [s.to_dict() for s in salon.segments(store)]
    if as_json:
        _print_json(rows)
        return
    _section(
        "Segments",
        ("name", "rule", "people"),
        [(r["name"], r["rule"], _size(r)) for r in rows],
        empty="No segments yet. Add one with 'salon segment add NAME RULE'.",
    )


def _size(row: dict) -> str:  # type: ignore[type-arg]
    if row["error"]:
        return f"error: {row['error']}"
    return "—" if row["people"] is None else f"{row['people']:,}"


@segment_app.command("remove")
def segment_remove(
    name: Annotated[str, typer.Argument(help="The segment's name.")],
) -> None:
    """Delete a stored segment (the people stay; only the name and rule go).

    Example: salon segment remove buyers
    """
    with _store() as store:
        segment = salon.remove_segment(store, name)
    console.print(f"Removed segment '{name}' ({segment.rule}).")


@app.command()
def influencers(
    segment: SegmentOption,
    top: TopOption = 20,
    members: Annotated[
        bool, typer.Option("--members", help="Rank the segment's own members too.")
    ] = False,
    include_you: Annotated[
        bool, typer.Option("--include-you", help="Rank yourself too (left out by default).")
    ] = False,
    weights: WeightsOption = None,
    as_json: JsonOption = False,
    as_csv: CsvOption = False,
) -> None:
    """Who sets the agenda for a segment: personalised PageRank restarting on it, the lift
    over global PageRank, and the attention each receives from the segment, by kind.

    Example: salon influencers --segment buyers --top 10
    """
    with _store() as store, busy("Ranking agenda-setters…"):
        found = salon.influencers(
            store,
            segment,
            top=top,
            include_members=members,
            include_self=include_you,
            weights=_weights(weights),
        )
    if as_json:
        _print_json(found.to_dict())
        return
    _print_influencers(found, "Agenda-setters")


def _print_influencers(found: Influencers, title: str) -> None:
    result = found.to_dict()
    advise("influencers", result)
    console.print(
        f"Segment {result['segment']['name']}: {_people(result['members'])}, "
        f"{result['members_in_graph']:,} in a graph of {_people(result['nodes'])} "
        f"and {plural(result['edges'], 'edge')} (* = in the segment)."
    )
    _notes(result)
    rows = [
        (
            str(r["rank"]),
            _who(r["name"], r["person"], r["in_segment"]),
            score(r["ppr"]),
            lift(r["lift"]),
            _attention(r),
            f"{r['followers']:,}",
        )
        for r in result["influencers"]
    ]
    _section(
        title,
        ("#", "who", "PPR", "lift", "attention from the segment", "followers"),
        rows,
        empty="No agenda-setters to show: nobody outside the segment gets its attention "
        "(try --members, or a larger segment).",
    )


def _people(count: int) -> str:
    return plural(count, "person", "people")


def _notes(result: dict) -> None:  # type: ignore[type-arg]
    for note in result.get("notes", []):
        console.print(f"[yellow]{note}[/yellow]")


def score(value: float) -> str:
    """A probability-sized score: 0.0123, or 4.56e-07 when small (never 0.0000 for a
    non-zero value)."""
    if value == 0:
        return "0"
    return f"{value:.4f}" if abs(value) >= 0.001 else f"{value:.2e}"


def lift(value: float) -> str:
    """A ratio: 3.2x, or 0.043x when below 0.1 (never 0.0x for a non-zero value)."""
    if value == 0:
        return "0x"
    return f"{value:.1f}x" if value >= 0.1 else f"{value:.2g}x"


_PLURALS = {"reply": "replies", "email": "e-mails", "co-attendance": "co-attendances"}


def _attention(row: dict) -> str:  # type: ignore[type-arg]
    kinds = ", ".join(
        plural(n, k, _PLURALS.get(k)) for k, n in list(row["attention_from_segment"].items())[:3]
    )
    attending = _people(row["segment_members_attending"])
    return f"{attending}: {kinds}" if kinds else "—"


@app.command()
def communities(
    seed: Annotated[int, typer.Option("--seed", help="Random seed (same seed, same result).")] = 0,
    resolution: Annotated[
        float,
        typer.Option("--resolution", min=0.01, help="Higher finds more, smaller communities."),
    ] = 1.0,
    segment: Annotated[
        str | None,
        typer.Option("--segment", "-s", help="Show this segment's share of each community."),
    ] = None,
    top: TopOption = 20,
    members: Annotated[
        bool,
        typer.Option("--members", help="Every community with every member (the whole partition)."),
    ] = False,
    weights: WeightsOption = None,
    as_json: JsonOption = False,
    as_csv: CsvOption = False,
) -> None:
    """Communities of the interaction graph (Leiden, deterministic with --seed): size, most
    central members, and the segment's share.

    Example: salon communities --segment buyers --seed 1
    """
    with _store() as store, _runs("Finding communities…") as progress:
        result = salon.communities(
            store,
            seed=seed,
            resolution=resolution,
            segment=segment,
            limit=top,
            members=members,
            weights=_weights(weights),
            progress=progress,
        ).to_dict()
    if as_json:
        _print_json(result)
        return
    console.print(
        f"{plural(result['communities'], 'community', 'communities')} among "
        f"{plural(result['nodes'], 'person', 'people')} (modularity {result['modularity']:.3f})."
    )
    _section(
        "Communities",
        ("#", "size", "segment", "most central"),
        [
            (
                str(r["community"]),
                f"{r['size']:,}",
                f"{r['segment_members']:,} ({r['segment_share']:.0%})" if segment else "—",
                ", ".join(_who(m["name"], m["id"]) for m in r["top_members"][:3]),
            )
            for r in result["shown"][:top]
        ],
        empty="No communities: the store holds no interactions yet (run 'salon import PATH').",
    )
    if members:
        for r in result["shown"]:
            who = ", ".join(_who(m["name"], m["id"]) for m in r["members"])
            console.print(f"Community {r['community']} ({plural(r['size'], 'member')}): {who}")


@app.command()
def components(
    segment: Annotated[
        str | None,
        typer.Option("--segment", "-s", help="Count this segment's people in each component."),
    ] = None,
    kinds: Annotated[
        str | None,
        typer.Option("--kinds", help="Only edges of these kinds, comma-separated (follow,repost)."),
    ] = None,
    strong: Annotated[
        bool,
        typer.Option("--strong", help="Strongly connected: everyone reaches everyone one way."),
    ] = False,
    top: TopOption = 10,
    names: Annotated[
        int, typer.Option("--names", min=0, help="Best-connected members named per component.")
    ] = 3,
    weights: WeightsOption = None,
    as_json: JsonOption = False,
    as_csv: CsvOption = False,
) -> None:
    """Connected components of the attention graph (weak; --strong for strongly connected),
    largest first: size, best-connected members, the segment's people in each, and the ties
    and events of each kind inside. Runs on Spark (GraphX) with 'salon --engine spark'.

    Example: salon components --segment buyers --top 5
    """
    with _store() as store, busy("Finding components…"):
        found = salon.components(
            store,
            segment=segment,
            kinds=None if kinds is None else kinds.split(","),
            strong=strong,
            top=top,
            names=names,
            weights=_weights(weights),
        )
    result = found.to_dict()
    if as_json:
        _print_json(result)
        return
    advise("components", result)
    kind = "strongly connected component" if strong else "component"
    console.print(
        f"{plural(result['components'], kind)} among {_people(result['nodes'])} and "
        f"{plural(result['edges'], 'edge')}; the largest holds {result['largest_share']:.0%}."
    )
    _notes(result)
    if as_csv:
        _components_csv(result, segment is not None)
        return
    columns = ("#", "size", "share", *(("segment",) if segment else ()), "who", "edges inside")
    rows = [
        (
            str(r["component"]),
            f"{r['size']:,}",
            f"{r['share']:.1%}",
            *((f"{r['segment_members']:,}",) if segment else ()),
            "\n".join(_who(m["name"], m["id"]) for m in r["top_members"]),  # a name a line
            ", ".join(plural(n, k, _PLURALS.get(k)) for k, n in r["edges"].items()) or "—",
        )
        for r in result["shown"]
    ]
    empty = "No components: the store holds no interactions yet (run 'salon import PATH')."
    _section("Components", columns, rows, empty=None if result["kinds"] else empty)


def _components_csv(result: dict, segment: bool) -> None:  # type: ignore[type-arg]
    """The components as CSV: raw numbers (no separators, share a fraction), the names in one
    cell, and a column of edges inside for each kind."""
    kinds = sorted({k for r in result["shown"] for k in r["edges"]})
    columns = (
        "#",
        "size",
        "share",
        *(("segment",) if segment else ()),
        "who",
        *(f"edges {k}" for k in kinds),
    )
    rows = [
        (
            str(r["component"]),
            str(r["size"]),
            repr(r["share"]),
            *((str(r["segment_members"]),) if segment else ()),
            "; ".join(_who(m["name"], m["id"]) for m in r["top_members"]),
            *(str(r["edges"].get(k, 0)) for k in kinds),
        )
        for r in result["shown"]
    ]
    _section("Components", columns, rows)


@contextmanager
def _runs(message: str) -> Iterator[Progress]:
    """A spinner that says which Leiden run is going (nothing when output is piped)."""
    if not console.is_terminal:
        yield lambda run, runs: None
        return
    with console.status(message) as status:
        yield lambda run, runs: status.update(f"{message} Leiden run {run} of {runs}")


@app.command()
def experts(
    segment: SegmentOption,
    top: TopOption = 20,
    weights: WeightsOption = None,
    as_json: JsonOption = False,
    as_csv: CsvOption = False,
) -> None:
    """Heads-down experts around a segment: high substance (tenure, roles, meetings,
    introductions, engagement earned from agenda-setters per post), low visibility (posts,
    followers, link-pushing).

    Example: salon experts --segment buyers
    """
    with _store() as store, busy("Scoring substance…"):
        found = salon.experts(store, segment, top=top, weights=_weights(weights))
    if as_json:
        _print_json(found.to_dict())
        return
    _print_experts(found, "Heads-down experts")


def _print_experts(found: Experts, title: str) -> None:
    result = found.to_dict()
    advise("experts", result)
    rows = [
        (
            str(r["rank"]),
            _who(r["name"], r["person"]),
            f"{r['substance']:+.2f}",
            f"{r['visibility']:+.2f}",
            _evidence(r["evidence"]),
        )
        for r in result["experts"]
    ]
    _notes(result)
    missing = result.get("missing", {})
    if missing:
        console.print(
            "Missing evidence: "
            + "; ".join(f"{k.replace('_', ' ')} ({why})" for k, why in missing.items())
            + "."
        )
    _section(
        title,
        ("#", "who", "substance", "visibility", "evidence"),
        rows,
    )
    if rows:
        return
    if not result.get("ranked", True):
        console.print(
            "Nobody is ranked: without evidence of doing or of talking, a low score would be "
            "a missing signal, not a heads-down expert."
        )
    else:
        console.print(
            f"No heads-down experts among {_people(result.get('candidates', 0))} around this "
            "segment: nobody with substance in the top quarter talks less than the median."
        )


def _evidence(values: dict) -> str:  # type: ignore[type-arg]
    return ", ".join(f"{k.replace('_', ' ')} {v:g}" for k, v in values.items() if v)
