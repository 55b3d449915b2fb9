"""`salon mcp`: Salon's questions for your own AI assistant, over the Model Context Protocol
(stdio, the ``mcp`` SDK's FastMCP).

Each tool calls the public function the CLI calls and returns its ``to_dict()``: the answer
with its evidence. The server is read-only: no tool writes to the store. Private
intelligence (notes on people and accounts, account plans) is never returned unless the
server was started with ``include_private`` (``salon mcp --include-private``); without it,
the tools that would show it are not offered at all, and any ``notes`` on a person are
removed from the answer.

>>> import asyncio, salon
>>> server = build_server(store=salon.demo.sample_store())
>>> names = {tool.name for tool in asyncio.run(server.list_tools())}
>>> sorted(names & {"who_matters", "where_conversation", "whom_to_meet", "person_timeline"})
['person_timeline', 'where_conversation', 'who_matters', 'whom_to_meet']
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import salon
from salon.errors import SalonError

if TYPE_CHECKING:
    from mcp.server.fastmcp import FastMCP

    from salon.store import Store

#: Keys of private intelligence, removed from every answer without ``include_private``.
PRIVATE_KEYS = frozenset({"notes_private", "private_notes", "intelligence"})

INSTRUCTIONS = (
    "Salon holds the user's own network (their exports: LinkedIn, X, Mastodon, Bluesky, "
    "contacts, calendars, mail) in a private store on their machine. Ask it who matters to a "
    "segment of their buyers, where the conversation on a topic is, whom to meet in a city, "
    "a person's timeline, and the plan. Every answer carries its evidence; cite it."
)


def _available(name: str) -> bool:
    return name in salon.__all__


def _strip_private(value: Any) -> Any:
    """Remove private intelligence from an answer: person notes (a list of dicts under
    ``notes`` whose items have a ``level`` or ``confidentiality``) and :data:`PRIVATE_KEYS`.

    >>> _strip_private({"name": "Ana", "notes": [{"text": "x", "level": "private"}],
    ...                 "warnings": ["a note"]})
    {'name': 'Ana', 'warnings': ['a note']}
    """
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if key in PRIVATE_KEYS:
                continue
            if key == "notes" and isinstance(item, list) and any(isinstance(n, dict) for n in item):
                continue  # notes as records are intelligence; notes as sentences are caveats
            out[key] = _strip_private(item)
        return out
    if isinstance(value, list):
        return [_strip_private(item) for item in value]
    return value


def build_server(
    db: str | None = None, *, store: Store | None = None, include_private: bool = False
) -> FastMCP:
    """The MCP server over ``store`` (or the store at ``db``; the default store when None)."""
    from mcp.server.fastmcp import FastMCP

    opened = store if store is not None else salon.open_store(db)
    server = FastMCP("salon", instructions=INSTRUCTIONS)

    def answer(result: Any) -> dict[str, Any] | list[Any]:
        data = result.to_dict() if hasattr(result, "to_dict") else result
        if isinstance(data, list):
            data = [d.to_dict() if hasattr(d, "to_dict") else d for d in data]
        return data if include_private else _strip_private(data)

    def ask(compute: Any) -> Any:
        try:
            return answer(compute())
        except SalonError as exc:  # the assistant reads the message: what is wrong, what to do
            raise ValueError(str(exc)) from None

    @server.tool()
    def find_people(query: str = "", limit: int = 20) -> list[Any]:
        """People in the user's store (the user first, then the most active) whose name,
        headline, handle, e-mail or platform contains `query`, with their identities."""
        return ask(lambda: salon.people(opened, query=query or None, limit=min(limit, 200)))  # type: ignore[no-any-return]

    @server.tool()
    def segments() -> list[Any]:
        """The user's stored segments (named sets of people such as their buyers): name,
        rule and size. Use a name as `segment` in the other tools."""
        return ask(lambda: salon.segments(opened))  # type: ignore[no-any-return]

    @server.tool()
    def who_matters(segment: str, top: int = 10) -> dict[str, Any]:
        """Who matters to a segment: its agenda-setters (personalised PageRank, lift over
        global PageRank, the attention they get from members by kind) and its heads-down
        experts (substance against visibility, with the evidence). `segment` is a stored
        segment's name or a rule such as 'org:acme & title:cto'."""
        top = max(1, min(top, 100))
        return {
            "agenda_setters": ask(lambda: salon.influencers(opened, segment, top=top)),
            "experts": ask(lambda: salon.experts(opened, segment, top=top)),
        }

    @server.tool()
    def where_conversation(
        topic: str, segment: str, since: str | None = None, top: int = 5
    ) -> dict[str, Any]:
        """Where the conversation on `topic` (a #tag, 'words:a b', or a description) is for
        `segment`: channels ranked by the segment's presence, its agenda-setters, depth,
        breadth and growth, each with its evidence and example threads. `since`: YYYY-MM-DD."""
        from salon.dates import parse_time

        at = parse_time(since) if since else None
        return ask(  # type: ignore[no-any-return]
            lambda: salon.where(
                opened, topic, segment=segment, since=int(at) if at else None, top=min(top, 50)
            )
        )

    @server.tool()
    def whom_to_meet(
        city: str,
        from_date: str | None = None,
        to_date: str | None = None,
        segment: str | None = None,
        top: int = 10,
    ) -> dict[str, Any]:
        """Whom to meet in `city` (e.g. 'Graz, Austria'), from `from_date` to `to_date`
        (YYYY-MM-DD), where and in what form (coffee, lunch, dinner), with each suggestion's
        score, its parts and the reasons; people worth meeting whose place is unknown apart."""
        from salon.dates import parse_time

        since = parse_time(from_date) if from_date else None
        until = parse_time(to_date) if to_date else None
        return ask(  # type: ignore[no-any-return]
            lambda: salon.meet(
                opened,
                city=city,
                since=int(since) if since else None,
                until=int(until) if until else None,
                segment=segment,
                top=min(top, 100),
            )
        )

    @server.tool()
    def person_timeline(person: str) -> dict[str, Any]:
        """One person across every source, by id or name: identities, affiliations, ties,
        merges and the timeline of interactions and meetings, each with the file and line
        it came from."""
        return ask(lambda: salon.person(opened, person))  # type: ignore[no-any-return]

    if _available("plan"):

        @server.tool()
        def plan(goal: str | None = None) -> dict[str, Any]:
            """The plan for one of the user's goals (their only goal when `goal` is omitted):
            whom to be known by, where to be now and later, the week's hours, whom to meet,
            milestones — each item with its evidence."""

            def compute() -> Any:
                chosen = goal
                if chosen is None:
                    names = [g.name for g in salon.goals(opened)]
                    if len(names) != 1:
                        raise SalonError(
                            "Name the goal: "
                            + (", ".join(names) if names else "the user has no goal yet")
                            + "."
                        )
                    chosen = names[0]
                return salon.plan(opened, chosen, include_private=include_private)

            return ask(compute)  # type: ignore[no-any-return]

    if include_private and _available("account"):

        @server.tool()
        def account_plan(name: str) -> dict[str, Any]:
            """PRIVATE: an account's plan — stakeholders with buying roles, notes with their
            source, date and level. Only offered when the user started Salon with
            --include-private; never quote it outside the user's own conversation."""
            return ask(lambda: salon.account(opened, name))  # type: ignore[no-any-return]

    return server


def serve_stdio(db: str | None = None, *, include_private: bool = False) -> None:
    """Run the server over stdio until the client closes it."""
    build_server(db, include_private=include_private).run("stdio")
