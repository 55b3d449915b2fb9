"""`salon collect SOURCE …`: the only commands that reach the internet (public APIs only)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated, Any

import typer

import salon
from salon import SalonError
from salon.cli.app import JsonOption, _print_json, _section, _store, app, console, errors

collect_app = typer.Typer(
    help="Collect public market data from open networks (the only commands that use the "
    "network). Jobs resume where they stopped; answers are cached.\n\n"
    "Example: salon collect bluesky --followers-of @someone.bsky.social --depth 1 "
    "--as-segment prospects",
    no_args_is_help=True,
)
app.add_typer(collect_app, name="collect")

BaseUrl = Annotated[
    str | None,
    typer.Option("--base-url", "--instance", help="The server's API address (default: public)."),
]
MaxRequests = Annotated[
    int | None,
    typer.Option("--max-requests", min=1, help="Stop after this many requests (resumable)."),
]
Since = Annotated[
    str | None, typer.Option("--since", help="Only posts from this date on (YYYY-MM-DD).")
]
AsSegment = Annotated[
    str | None,
    typer.Option("--as-segment", help="Name the collected accounts as this segment."),
]
JobName = Annotated[
    str | None,
    typer.Option("--job", help="The job's name (default: derived from what is asked)."),
]
Restart = Annotated[
    bool, typer.Option("--restart", help="Start the job anew instead of resuming it.")
]
Concurrency = Annotated[
    int, typer.Option("--concurrency", min=1, max=64, help="Requests in flight at once.")
]
Rate = Annotated[
    float | None,
    typer.Option("--rate", min=0, help="At most this many requests a second (0: no pace)."),
]
MaxAge = Annotated[
    float,
    typer.Option(
        "--max-age", min=0, help="Reuse cached answers up to this many hours old unasked."
    ),
]
Depth = Annotated[
    int, typer.Option("--depth", min=0, max=4, help="How far to expand from the seeds.")
]
Lake = Annotated[
    bool | None,
    typer.Option(
        "--lake/--no-lake",
        help="Follows go to the market lake, not the store (default: with --depth 2 or more).",
        show_default=False,
    ),
]
FollowersOf = Annotated[
    list[str] | None,
    typer.Option("--followers-of", help="Collect the followers of this account."),
]
Follows = Annotated[
    bool, typer.Option("--follows/--no-follows", help="Collect whom each account follows.")
]


def _since(value: str | None) -> int | None:
    if not value:
        return None
    from salon.dates import parse_time

    try:
        return parse_time(value)
    except ValueError:
        raise SalonError(f"--since '{value}' is not a date (use YYYY-MM-DD).") from None


@contextmanager
def _bar() -> Iterator[Callable[[int, int, int], None]]:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    columns = (
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[records]:,} records"),
    )
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task("Collecting", total=None, records=0)

        def progress(pages: int, tasks: int, records: int) -> None:
            bar.update(task, completed=pages, total=max(tasks, pages), records=records)

        yield progress


def _command() -> str:
    """This command line as a user types it again to resume the job (without --restart)."""
    import shlex
    import sys

    return shlex.join(["salon", *(a for a in sys.argv[1:] if a != "--restart")])


def _run(
    source: str,
    seeds: list[dict[str, Any]],
    options: dict[str, Any],
    *,
    base_url: str | None,
    max_requests: int | None,
    as_segment: str | None,
    job: str | None,
    restart: bool,
    concurrency: int,
    rate: float | None,
    max_age: float,
    json_out: bool,
    lake: bool | None = None,
) -> None:
    with _store() as store, _bar() as progress:
        try:
            report = salon.collect_from(
                store,
                source,
                seeds,
                options=options,
                base_url=base_url,
                job=job,
                as_segment=as_segment,
                max_requests=max_requests,
                concurrency=concurrency,
                rate=rate,
                max_age=max_age * 3600,
                restart=restart,
                progress=progress,
                lake=lake,
                command=_command(),
            )
        except KeyboardInterrupt:
            errors.print(
                "Interrupted: what was collected up to the last page is stored; run the same "
                "command to resume."
            )
            # SystemExit, not typer.Exit: Typer would hand 130 back to the entry point,
            # which would add its own "nothing was changed" to this message.
            raise SystemExit(130) from None
    if json_out:
        _print_json(report.to_dict())
        return
    rows = [
        ("job", report.job),
        ("status", report.status),
        ("pages written", f"{report.pages:,}"),
        ("records", f"{report.records:,}"),
        ("requests sent", f"{report.requests:,}"),
        ("answered from the cache", f"{report.cached:,}"),
        ("retries", f"{report.retries:,}"),
        ("tasks left", f"{report.tasks_left:,} of {report.tasks:,}"),
        ("accounts collected", f"{report.members:,}"),
        *(
            [
                ("edges to the lake", f"{report.lake_edges:,} ({report.lake_edges_added:,} new)"),
                ("posts to the lake", f"{report.lake_posts:,} ({report.lake_posts_added:,} new)"),
            ]
            if report.lake
            else []
        ),
        ("seconds", f"{report.seconds:,.1f}"),
        ("job state", report.state),
    ]
    if report.segment:
        rows.append(("segment", report.segment))
    _section(f"Collected from {source}", ("", ""), rows)
    if report.status == "stopped":
        console.print("The budget is spent: run the same command again to continue the job.")


def _account_options(depth: int, follows: bool, posts: bool, since: str | None) -> dict[str, Any]:
    """A social network's job options (Bluesky, Mastodon): how far to expand from the seeds,
    whether to collect whom each account follows and its posts, and from when."""
    return {"depth": depth, "follows": follows, "posts": posts, "since": _since(since)}


@collect_app.command("bluesky")
def bluesky(
    actors: Annotated[
        list[str] | None, typer.Argument(help="Handles or DIDs: collect these accounts.")
    ] = None,
    followers_of: FollowersOf = None,
    follows_of: Annotated[
        list[str] | None,
        typer.Option("--follows-of", help="Collect the accounts this account follows."),
    ] = None,
    search: Annotated[
        list[str] | None, typer.Option("--search", help="Collect posts matching this query.")
    ] = None,
    thread: Annotated[
        list[str] | None, typer.Option("--thread", help="Collect a post's thread (at:// URI).")
    ] = None,
    depth: Depth = 0,
    follows: Follows = True,
    posts: Annotated[
        bool, typer.Option("--posts/--no-posts", help="Collect each account's posts.")
    ] = True,
    since: Since = None,
    base_url: BaseUrl = None,
    max_requests: MaxRequests = None,
    as_segment: AsSegment = None,
    job: JobName = None,
    restart: Restart = False,
    concurrency: Concurrency = 8,
    rate: Rate = None,
    max_age: MaxAge = 24.0,
    lake: Lake = None,
    json_out: JsonOption = False,
) -> None:
    """Bluesky accounts, follows, followers, posts, threads and searches (public AppView).

    Each account found gets its profile, whom it follows and its posts (--no-follows,
    --no-posts leave them out); --depth expands --followers-of / --follows-of further.

    Example: salon collect bluesky --followers-of @ana.bsky.social --depth 1 --as-segment prospects

    --lake sends the follows to the market lake (the default from --depth 2 on).
    """
    seeds = {
        "actors": actors or [],
        "followers_of": followers_of or [],
        "follows_of": follows_of or [],
        "search": search or [],
        "threads": thread or [],
        "depth": depth,
        "follows": follows,
        "posts": posts,
    }
    _run(
        "bluesky",
        seeds,
        _account_options(depth, follows, posts, since),
        base_url=base_url,
        max_requests=max_requests,
        as_segment=as_segment,
        job=job,
        restart=restart,
        concurrency=concurrency,
        rate=rate,
        max_age=max_age,
        json_out=json_out,
        lake=lake,
    )


@collect_app.command("mastodon")
def mastodon(
    accounts: Annotated[
        list[str] | None, typer.Argument(help="Accounts (user@host): collect these.")
    ] = None,
    followers_of: FollowersOf = None,
    following_of: Annotated[
        list[str] | None,
        typer.Option("--following-of", help="Collect the accounts this account follows."),
    ] = None,
    tag: Annotated[
        list[str] | None, typer.Option("--tag", help="Collect a hashtag's public timeline.")
    ] = None,
    depth: Depth = 0,
    follows: Follows = True,
    posts: Annotated[
        bool, typer.Option("--posts/--no-posts", help="Collect each account's statuses.")
    ] = True,
    since: Since = None,
    base_url: BaseUrl = None,
    max_requests: MaxRequests = None,
    as_segment: AsSegment = None,
    job: JobName = None,
    restart: Restart = False,
    concurrency: Concurrency = 4,
    rate: Rate = None,
    max_age: MaxAge = 24.0,
    lake: Lake = None,
    json_out: JsonOption = False,
) -> None:
    """Mastodon accounts, following, followers, statuses and hashtags (any instance).

    Accounts are looked up on --instance (default https://mastodon.social); pages follow the
    server's Link headers. --lake sends the follows to the market lake (the default from
    --depth 2 on).

    Example: salon collect mastodon --followers-of ana@fosstodon.org --depth 1
    """
    seeds = {
        "accounts": accounts or [],
        "followers_of": followers_of or [],
        "following_of": following_of or [],
        "tags": tag or [],
    }
    _run(
        "mastodon",
        seeds,
        _account_options(depth, follows, posts, since),
        base_url=base_url,
        max_requests=max_requests,
        as_segment=as_segment,
        job=job,
        restart=restart,
        concurrency=concurrency,
        rate=rate,
        max_age=max_age,
        json_out=json_out,
        lake=lake,
    )


@collect_app.command("stackexchange")
def stackexchange(
    site: Annotated[str, typer.Option("--site", help="The site: stackoverflow, datascience…")],
    what: Annotated[
        list[str] | None,
        typer.Option("--what", help="questions, answers, users (repeat; default questions)."),
    ] = None,
    tagged: Annotated[
        str | None, typer.Option("--tagged", help="Only questions with these tags (a;b).")
    ] = None,
    key: Annotated[
        str | None, typer.Option("--key", help="An API key (a larger daily quota).")
    ] = None,
    since: Since = None,
    base_url: BaseUrl = None,
    max_requests: MaxRequests = None,
    as_segment: AsSegment = None,
    job: JobName = None,
    restart: Restart = False,
    concurrency: Concurrency = 2,
    rate: Rate = None,
    max_age: MaxAge = 24.0,
    json_out: JsonOption = False,
) -> None:
    """A Stack Exchange site's questions, answers and users (API 2.x), newest first.

    Example: salon collect stackexchange --site datascience --tagged nlp --since 2024-01-01
    """
    seeds = {"site": site, "what": what or ["questions"], "tagged": tagged}
    options = {"since": _since(since), "key": key}
    _run(
        "stackexchange",
        seeds,
        options,
        base_url=base_url,
        max_requests=max_requests,
        as_segment=as_segment,
        job=job,
        restart=restart,
        concurrency=concurrency,
        rate=rate,
        max_age=max_age,
        json_out=json_out,
    )


@collect_app.command("hackernews")
def hackernews(
    users: Annotated[
        list[str] | None, typer.Argument(help="HN user ids: their profiles and submissions.")
    ] = None,
    item: Annotated[list[int] | None, typer.Option("--item", help="An item id.")] = None,
    top: Annotated[
        list[str] | None,
        typer.Option("--list", help="A story list: topstories, newstories, askstories…"),
    ] = None,
    items: Annotated[
        int, typer.Option("--items", min=1, help="Items to take from each user or list.")
    ] = 30,
    comments: Annotated[
        int, typer.Option("--comments", min=0, max=5, help="Levels of comments to follow.")
    ] = 0,
    since: Since = None,
    base_url: BaseUrl = None,
    max_requests: MaxRequests = None,
    as_segment: AsSegment = None,
    job: JobName = None,
    restart: Restart = False,
    concurrency: Concurrency = 8,
    rate: Rate = None,
    max_age: MaxAge = 24.0,
    json_out: JsonOption = False,
) -> None:
    """Hacker News users, items and story lists (the public Firebase API).

    Example: salon collect hackernews --list askstories --items 50 --comments 2
    """
    seeds = {"users": users or [], "items": item or [], "lists": top or []}
    options = {"items": items, "comments": comments, "since": _since(since)}
    _run(
        "hackernews",
        seeds,
        options,
        base_url=base_url,
        max_requests=max_requests,
        as_segment=as_segment,
        job=job,
        restart=restart,
        concurrency=concurrency,
        rate=rate,
        max_age=max_age,
        json_out=json_out,
    )


@collect_app.command("rss")
def rss(
    feeds: Annotated[list[str], typer.Argument(help="Feed addresses (RSS or Atom).")],
    since: Since = None,
    max_requests: MaxRequests = None,
    as_segment: AsSegment = None,
    job: JobName = None,
    restart: Restart = False,
    concurrency: Concurrency = 4,
    rate: Rate = None,
    max_age: MaxAge = 1.0,
    json_out: JsonOption = False,
) -> None:
    """RSS and Atom feeds (blogs, podcasts): each a channel with its posts.

    Example: salon collect rss https://dustri.org/b/atom.xml --as-segment blogs
    """
    _run(
        "rss",
        {"feeds": feeds},
        {"since": _since(since)},
        base_url=None,
        max_requests=max_requests,
        as_segment=as_segment,
        job=job,
        restart=restart,
        concurrency=concurrency,
        rate=rate,
        max_age=max_age,
        json_out=json_out,
    )


@collect_app.command("jobs")
def jobs(json_out: JsonOption = False) -> None:
    """The store's collection jobs: status, tasks left, requests spent, where the state is.

    Example: salon collect jobs
    """
    with _store() as store:
        found = salon.collect_jobs(store)
    if json_out:
        _print_json(found)
        return
    rows = [
        (
            j["job"],
            j["source"],
            f"running (process {j['pid']})"
            if j["status"] == "running" and j["pid"]
            else j["status"],
            f"{j['tasks_left']:,}",
            f"{j['requests']:,}",
        )
        for j in found
    ]
    _section(
        "Collection jobs",
        ("job", "source", "status", "tasks left", "requests"),
        rows,
        empty="No collection jobs yet: 'salon collect SOURCE SEEDS…' starts one.",
    )
    for j in found:
        if j["resume"]:
            console.print(
                f"To resume {j['job']} ({j['status']}): {j['resume']}",
                highlight=False,
                soft_wrap=True,
            )
