"""Where the conversation is: topics, where, me."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

import salon
from salon import SalonError
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
from salon.dates import parse_time

if TYPE_CHECKING:
    from salon.insights.results import Where


@app.command()
def topics(top: TopOption = 20, as_json: JsonOption = False, as_csv: CsvOption = False) -> None:
    """The topics found in posts (their tags), with their volume per month.

    Example: salon topics --top 10
    """
    with _store() as store, busy("Reading posts…"):
        result = salon.topics(store, top=top).to_dict()
    if as_json:
        _print_json(result)
        return
    advise("topics", result)
    shown = result["months"][-12:]
    label = f"posts per month, {shown[0]} … {shown[-1]}" if shown else "posts per month"
    _section(
        f"Topics in {result['posts']:,} posts",
        ("topic", "posts", label),
        [
            (t["topic"], f"{t['posts']:,}", " ".join(f"{n:>2}" for n in t["per_month"][-12:]))
            for t in result["topics"]
        ],
        empty="No topics: no post has a tag (import posts with 'salon import PATH').",
    )


@app.command()
def where(
    topic: Annotated[str, typer.Argument(help="#tag, 'words:a b \"c d\"', or a description.")],
    segment: SegmentOption,
    since: Annotated[str | None, typer.Option("--since", help="Only posts from this date.")] = None,
    top: TopOption = 10,
    embeddings: Annotated[
        bool,
        typer.Option(
            "--embeddings",
            help="Match a description with sentence embeddings (the embeddings "
            "extra) instead of TF-IDF.",
        ),
    ] = False,
    weights: WeightsOption = None,
    as_json: JsonOption = False,
    as_csv: CsvOption = False,
) -> None:
    """Where the conversation is: channels ranked for a segment and a topic, each score broken
    into segment, agenda-setters, depth, breadth and growth, with the agenda-setters present
    and three example threads.

    Example: salon where "quantum error correction" --segment buyers --since 2018-06-01
    """
    try:
        start = parse_time(since) if since else None
    except ValueError:
        raise SalonError(f"--since '{since}' is not a date (use YYYY-MM-DD).") from None
    with _store() as store, busy("Ranking channels…"):
        found = salon.where(
            store,
            topic,
            segment=segment,
            since=start,
            top=top,
            embeddings=embeddings,
            weights=_weights(weights),
        )
    if as_json:
        _print_json(found.to_dict())
        return
    _print_where(found)


def _print_where(found: Where) -> None:
    result = found.to_dict()
    advise("where", result)
    topic = result["topic"]
    console.print(
        f"{plural(result['on_topic_posts'], 'post')} on '{topic}' (by {result['method']}); "
        f"segment {result['segment']['name']} of "
        f"{plural(result['segment_size'], 'person', 'people')}."
    )
    for note in result.get("notes", []):
        console.print(f"[yellow]{note}[/yellow]")
    absent = [c["channel"] for c in result["channels"] if not c.get("segment_present", True)]
    if absent and len(absent) == len(result["channels"]):
        console.print(
            f"[yellow]Segment {result['segment']['name']} has no post on '{topic}' in any of "
            "these channels: they rank the conversation without it.[/yellow]"
        )
    elif absent:
        console.print(
            f"Segment {result['segment']['name']} has no post on '{topic}' in "
            f"{plural(len(absent), 'channel')} (marked absent): ranked after the channels "
            "where it is present."
        )
    rows = []
    for c in result["channels"]:
        p, e = c["parts"], c["evidence"]
        seg = f"{e['segment_posts']}" if c.get("segment_present", True) else "absent"
        rows.append(
            (
                c["channel"],
                f"{c['score']:+.2f}",
                f"seg {p['segment']:+.1f} ({seg}), set {p['agenda_setters']:+.1f}, "
                f"depth {p['depth']:+.1f} ({e['reply_share']:.0%} replies), breadth "
                f"{p['breadth']:+.1f} ({plural(e['participants'], 'person', 'people')}), "
                f"growth {p['growth']:+.1f}",
                ", ".join(_who(s["name"], s["id"]) for s in c["agenda_setters"][:2]) or "—",
            )
        )
    _section(
        "Channels",
        ("channel", "score", "why", "agenda-setters there"),
        rows,
        empty="No channel has posts on this topic: try other words, or an earlier --since.",
    )
    if result["channels"]:
        best = result["channels"][0]
        _section(
            f"Threads in {best['channel']}",
            ("posts", "people", "thread"),
            [(str(t["posts"]), str(t["participants"]), t["text"][:70]) for t in best["threads"]],
        )


@app.command()
def me(
    is_: Annotated[
        str | None,
        typer.Option(
            "--is",
            help="Say which account is yours (a handle, address, profile URL or person id): "
            "its person, and every export it owns, becomes you.",
        ),
    ] = None,
    as_json: JsonOption = False,
    as_csv: CsvOption = False,
) -> None:
    """Your own conversation health: how much of your posting is conversation (replies, posts
    others answered) rather than broadcast or self-promotion, per channel.

    Example: salon me --is @larsbrinkhoff
    """
    if is_ is not None:
        with _store() as store:
            said = salon.set_you(store, is_)
        if said.merged is None:
            console.print(f"Person {said.you} is you.")
        else:
            console.print(
                f"Person {said.merged} is now part of you (person {said.you}); "
                f"'salon unmerge {said.merged}' undoes it."
            )
    with _store() as store, busy("Reading your posts…"):
        result = salon.me(store).to_dict()
    if as_json:
        _print_json(result)
        return
    share = result["conversation_share"]
    console.print(
        f"{result['posts']:,} posts of yours; "
        + (f"{share:.0%} of them conversation." if share is not None else "none yet.")
    )
    _section(
        "Per channel",
        ("channel", "posts", "replies", "answered", "broadcast", "links, unanswered"),
        [
            (
                r["channel"],
                f"{r['posts']:,}",
                f"{r['replies']:,}",
                f"{r['answered']:,}",
                f"{r['broadcast']:,}",
                f"{r['self_promotion_share']:.0%}",
            )
            for r in result["channels"]
        ],
        empty="No posts of yours: import your own exports, or name your account with --is.",
    )
