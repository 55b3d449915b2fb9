"""One plain sentence of advice per answer: what the result means and what to do next.

Every function takes an answer's ``to_dict()`` (so the CLI, the web app and the report say
the same thing) and computes the sentence from it: names, counts and shares come from the
data, never from a canned line. The plan's sections have theirs in
:mod:`salon.strategy.plan_advice`. Standard library only: the CLI imports this at no cost.

>>> print(influencers({"segment": {"name": "buyers"}, "members_in_graph": 40, "influencers": [
...     {"name": "Ana", "person": 1, "segment_members_attending": 12, "lift": 3.2,
...      "attention_from_segment": {"repost": 9}}]}))  # doctest: +NORMALIZE_WHITESPACE
Get known by Ana first: Ana draws the attention of 12 of the 40 people of buyers (3.2× what
the whole network gives them), mostly by reposts.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

_PLURALS = {"reply": "replies", "person": "people", "email": "e-mails"}


def plural(count: float, word: str, many: str | None = None) -> str:
    """``1 person``, ``3 people``, ``1,200 posts``."""
    other = many or _PLURALS.get(word) or word + "s"
    return f"{count:,.0f} {word if round(count) == 1 else other}"


def months(value: float) -> str:
    """``1 month``, ``0.5 months``, ``1.2 months``."""
    return f"{value:g} month{'' if value == 1 else 's'}"


def join(items: Iterable[str]) -> str:
    """``A``, ``A and B``, ``A, B and C``."""
    names = [i for i in items if i]
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


def who(row: Mapping[str, Any]) -> str:
    """A person's name, else ``person 12``."""
    name = row.get("name")
    pid = row.get("person", row.get("id"))
    return str(name) if name else f"person {pid}"


def _segment(result: Mapping[str, Any]) -> str:
    segment = result.get("segment") or {}
    return str(segment.get("name", "the segment")) if isinstance(segment, Mapping) else "it"


def _share(part: float, whole: float) -> str:
    return f"{part / whole:.0%}" if whole else "0%"


def _kind_word(kinds: Mapping[str, int]) -> str:
    if not kinds:
        return ""
    kind = max(kinds, key=lambda k: kinds[k])
    return plural(2, kind).split(" ", 1)[1]


def influencers(result: Mapping[str, Any]) -> str:
    """Whom to get known by, from :func:`salon.influencers`."""
    rows = result.get("influencers") or []
    seg = _segment(result)
    if not rows:
        return (
            f"Nobody outside {seg} draws its attention yet, so there is no agenda-setter to "
            "win over: talk with its members directly."
        )
    top = rows[0]
    kinds = _kind_word(top.get("attention_from_segment") or {})
    by = f", mostly by {kinds}" if kinds else ""
    return (
        f"Get known by {join(who(r) for r in rows[:3])} first: {who(top)} draws the attention "
        f"of {top['segment_members_attending']:,} of the {result.get('members_in_graph', 0):,} "
        f"people of {seg} ({top['lift']:.1f}× what the whole network gives them){by}."
    )


def experts(result: Mapping[str, Any]) -> str:
    """Who does more than they say, from :func:`salon.experts`."""
    rows = result.get("experts") or []
    seg = _segment(result)
    if not rows:
        if not result.get("ranked", True):
            return (
                f"The store lacks the evidence to tell who around {seg} is heads-down: "
                "import meetings, e-mail or posts first."
            )
        return (
            f"Nobody around {seg} does much while saying little: of "
            f"{plural(result.get('candidates', 0), 'person')}, the ones with substance also "
            "talk; their agenda-setters are the people to follow."
        )
    top = rows[0]
    return (
        f"Ask {join(who(r) for r in rows[:3])} for their view before the loud voices: "
        f"{who(top)} shows substance {top['substance']:+.2f} with visibility "
        f"{top['visibility']:+.2f} — worth more than their audience says."
    )


def win(result: Mapping[str, Any]) -> str:
    """Whom to win, from :func:`salon.win`."""
    seeds = result.get("seeds") or []
    seg = _segment(result)
    if not seeds:
        return f"Nobody's influence reaches {seg}: there is nobody to win first."
    inside = sum(1 for s in seeds if s.get("in_segment"))
    where = (
        f"; {inside} of them {'is' if inside == 1 else 'are'} in the segment itself"
        if inside
        else ""
    )
    return (
        f"Win {join(who(s) for s in seeds[:5])} first: together they are expected to reach "
        f"{result['expected_share']:.0%} of {seg} ({result['expected_reach']:,.0f} of "
        f"{result['segment_in_graph']:,} people){where}."
    )


def where(result: Mapping[str, Any]) -> str:
    """Where to spend time, from :func:`salon.where`."""
    rows = result.get("channels") or []
    seg = _segment(result)
    present = [r for r in rows if r.get("segment_present")]
    if not present:
        return (
            f"{seg} does not talk about {result.get('topic')} in any channel Salon sees: "
            "ask its members where they discuss it before posting anywhere."
        )
    top = present[0]
    ev = top.get("evidence") or {}
    setters = join(who(s) for s in (top.get("agenda_setters") or [])[:2])
    also = f", where {setters} also post" if setters else ""
    absent = [r["channel"] for r in rows if not r.get("segment_present")]
    skip = f"; skip {join(absent[:2])}, where the segment is absent" if absent else ""
    return (
        f"Spend your time in {top['channel']}: {ev.get('segment_posts', 0):,} of the "
        f"segment's posts on {result.get('topic')} are there{also}{skip}."
    )


def _period(result: Mapping[str, Any], count: float) -> str:
    return plural(count, str(result.get("period", "month")))


def forecast(result: Mapping[str, Any]) -> str:
    """What the forecast means, from :func:`salon.forecast`."""
    rows = result.get("forecasts") or []
    now = float(result.get("adopters", 0))
    name = result.get("innovation")
    if not rows:
        return f"{name} has {plural(now, 'adopter')} and no forecast."
    last = rows[-1]
    gain = float(last["adopters"]) - now
    when = _period(result, last["horizon"])
    if gain < 0.5:
        return (
            f"Expect no new adopters of {name} within {when} (now {now:,.0f}; at most "
            f"{last['high']:,.0f}): whoever will be there already is; win them where they are."
        )
    return (
        f"Expect {name} to grow from {now:,.0f} to about {last['adopters']:,.0f} adopters "
        f"within {when} (90% {last['low']:,.0f}–{last['high']:,.0f}): be known there before "
        "the newcomers arrive."
    )


def _stage(shares: Mapping[str, float], stage: str) -> float:
    """A stage's share, whether keyed in the singular (as :func:`salon.adoption`) or not."""
    return float(shares.get(stage, shares.get(stage + "s", 0.0)))


def adoption(result: Mapping[str, Any]) -> str:
    """Where an innovation is in its lifecycle, from :func:`salon.adoption`."""
    shares = result.get("shares") or {}
    name = result.get("innovation")
    n = result.get("adopters", 0)
    if not shares or not n:
        return f"Nobody has adopted {name} yet: there is no lifecycle to read."
    early = _stage(shares, "innovator") + _stage(shares, "early adopter")
    late = _stage(shares, "late majority") + _stage(shares, "laggard")
    if late > early:
        return (
            f"{name} is past its early days: {late:.0%} of its {plural(n, 'adopter')} came late "
            f"(late majority and laggards) against {early:.0%} early — follow the early ones to "
            "what they adopt next."
        )
    return (
        f"{name} is still early: {early:.0%} of its {plural(n, 'adopter')} are innovators or "
        "early adopters — join now to be known before the majority arrives."
    )


def innovators(result: Mapping[str, Any]) -> str:
    """Whom to watch, from :func:`salon.innovators`."""
    rows = result.get("innovators") or []
    if not rows:
        return f"No one in {_segment(result)} adopts early enough to watch yet."
    return (
        f"Watch {join(who(r) for r in rows[:3])}: across "
        f"{plural(result.get('innovations', 0), 'innovation')} "
        f"they adopt before the rest of {_segment(result)}, so what they pick up next is where "
        "the segment will go."
    )


def lead_lag(result: Mapping[str, Any]) -> str:
    """How far ahead the agenda-setters are, from :func:`salon.lead_lag`."""
    rows = [r for r in result.get("channels") or [] if r.get("lag_months") is not None]
    if not rows:
        return f"No channel has both {_segment(result)} and its agenda-setters yet."
    top = max(rows, key=lambda r: r["lag_months"])
    if top["lag_months"] <= 0:
        return (
            f"{_segment(result)} arrives with its agenda-setters, not after them: go where the "
            "segment already is."
        )
    return (
        f"Be in {top['channel']} now: the agenda-setters got there {months(top['lag_months'])} "
        f"before {_segment(result)} did ({top['segment_there']:,} of its people "
        "followed)."
    )


def components(result: Mapping[str, Any]) -> str:
    """Who can reach whom at all, from :func:`salon.components`."""
    rows = result.get("shown") or []
    nodes = result.get("nodes", 0)
    if not rows or not nodes:
        if result.get("kinds"):
            return (
                f"No {join(result['kinds'])} edges in the graph: ask without --kinds, or "
                "import them first."
            )
        return "There is no graph to split yet: import interactions first, then ask again."
    strong = result.get("connection") == "strong"
    unit = "strongly connected component" if strong else "component"
    largest = rows[0]
    kinds = _kind_word(largest.get("edges") or {})
    held = f", held together mostly by {kinds}" if kinds else ""
    around = join(who(m) for m in (largest.get("top_members") or [])[:2])
    if result.get("segment") is not None:
        seg = _segment(result)
        inside = result.get("members_in_graph", 0)
        parts = result.get("segment_components", 0)
        if not inside:
            return (
                f"None of the {plural(result.get('members', 0), 'person')} of {seg} has an edge "
                "in this graph: reach them directly, not through the network."
            )
        home = max(rows, key=lambda r: r.get("segment_members", 0))
        names = join(who(m) for m in (home.get("top_members") or [])[:2])
        if parts == 1:
            return (
                f"All {plural(inside, 'person')} of {seg} in the graph sit in one {unit} of "
                f"{plural(home['size'], 'person')}{held if home is largest else ''}: "
                f"word can reach each of them through the network, starting from {names}."
            )
        return (
            f"{seg} is split across {parts:,} {unit}s: the largest part, "
            f"{home['segment_members']:,} of its {inside:,} people in the graph, is with "
            f"{names}; the other {inside - home['segment_members']:,} "
            + (
                "are outside that loop of mutual reach — attention between the parts runs one "
                "way only."
                if strong
                else "are reached by no attention from there — approach them directly."
            )
        )
    if result.get("components", 0) == 1:
        return (
            f"All {plural(nodes, 'person')} are in one {unit}{held}: anyone can be reached "
            f"through someone, starting from {around}."
        )
    others = result["components"] - 1
    flows = (
        "ones between which attention flows one way only"
        if strong
        else "islands no attention crosses: reach them directly"
    )
    return (
        f"The largest {unit} holds {_share(largest['size'], nodes)} of the "
        f"{plural(nodes, 'person')}{held}, around {around}; the other {others:,} are {flows}."
    )


def topics(result: Mapping[str, Any]) -> str:
    """What people talk about, from :func:`salon.topics`."""
    rows = result.get("topics") or []
    if not rows:
        return "No post carries a tag yet: import posts to see what people talk about."
    top = rows[0]
    return (
        f"{top['topic']} is the most discussed topic ({plural(top['posts'], 'post')} of "
        f"{result.get('posts', 0):,}): check 'salon where' for where it is discussed."
    )


def ties(result: Mapping[str, Any]) -> str:
    """What your ties say, from :func:`salon.ties`."""
    rows = result.get("ties") or []
    if not rows:
        return "No ties yet: import an export with your messages or meetings."
    top = rows[0]
    name = who(top) if "person" in top else f"{top.get('a_name')} – {top.get('b_name')}"
    quiet = [r for r in rows if (r.get("recency_days") or 0) > 90]
    rest = (
        f"; {len(quiet)} of the {len(rows)} shown {'has' if len(quiet) == 1 else 'have'} been "
        "quiet for over 90 days"
        if quiet
        else ""
    )
    return f"Your strongest tie is {name} (strength {top['strength']:.2f}){rest}."


def funnel(result: Mapping[str, Any]) -> str:
    """Where relationships stall, from :func:`salon.funnel`."""
    stages = {s["stage"]: s for s in result.get("stages") or []}
    n = result.get("people", 0)
    if not n:
        return "No relationships to count yet."
    conversed = stages.get("conversed", {}).get("reached", 0)
    met = stages.get("met", {}).get("reached", 0)
    if not conversed:
        return (
            f"All {plural(n, 'relationship')} are online only: start one conversation a week "
            "with the people who matter most."
        )
    return (
        f"{_share(conversed, n)} of your {plural(n, 'relationship')} reached a conversation "
        f"and {_share(met, n)} a meeting: invite the {conversed - met:,} who talk with you but "
        "have never met you for a call or a coffee."
    )


def nudges(result: Mapping[str, Any]) -> str:
    """Whom to call back first, from :func:`salon.nudges`."""
    rows = result.get("nudges") or []
    if not rows:
        return (
            f"Nobody to get back to: none of {plural(result.get('considered', 0), 'tie')} has "
            "gone cold."
        )
    return f"Get back in touch with {who(rows[0])} first: {rows[0]['reason']}"


def meet(result: Mapping[str, Any]) -> str:
    """Whom to meet first, from :func:`salon.meet`."""
    for one in result.get("plans") or []:
        if one.get("suggestions"):
            top = one["suggestions"][0]
            return (
                f"Invite {who(top)} for {top['form']} in {one['city']['label']}: "
                f"{'; '.join(top.get('why') or [])}."
            )
    for one in result.get("plans") or []:
        if one.get("unplaced"):
            return (
                f"Nobody with a known place near {one['city']['label']}: ask "
                f"{join(who(r) for r in one['unplaced'][:2])} where they are."
            )
    return "No one to meet yet: import your contacts' places or your calendar."


#: The questions with a sentence of advice, by the name of their public function.
_ADVICE = {
    "adoption": adoption,
    "components": components,
    "experts": experts,
    "forecast": forecast,
    "funnel": funnel,
    "influencers": influencers,
    "innovators": innovators,
    "lead_lag": lead_lag,
    "meet": meet,
    "nudges": nudges,
    "ties": ties,
    "topics": topics,
    "where": where,
    "win": win,
}


def advice(question: str, result: Mapping[str, Any]) -> str:
    """The sentence of advice that leads an answer: what it means and what to do next.

    Parameters
    ----------
    question
        The public function that gave the answer: ``"influencers"``, ``"experts"``,
        ``"win"``, ``"where"``, ``"forecast"``, ``"adoption"``, ``"innovators"``,
        ``"lead_lag"``, ``"topics"``, ``"ties"``, ``"funnel"``, ``"nudges"``, ``"meet"`` or
        ``"components"``.
    result
        The answer's ``to_dict()``.

    Examples
    --------
    >>> import salon
    >>> store = salon.demo.sample_store()
    >>> found = salon.influencers(store, "tag:quantum-algorithms", top=3)
    >>> salon.advice("influencers", found.to_dict()).startswith("Get known by ")
    True
    """
    try:
        sentence = _ADVICE[question]
    except KeyError:
        raise ValueError(
            f"No advice for {question!r}: one of {', '.join(sorted(_ADVICE))}."
        ) from None
    return sentence(result)
