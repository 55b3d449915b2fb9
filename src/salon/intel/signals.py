"""First-insight signals: what just happened that touches an account, and what to do first.

"Over 70% of B2B buyers choose the provider who first provided insight." A signal is a post,
a job change (an affiliation that started), a meeting or a message in the window that
touches an account:

- a **post** by a stakeholder or someone at the account, or any post using the account's terms;
- a **job change** of a stakeholder (a new role, maybe elsewhere) or of anyone joining the
  account's organisation;
- a **meeting** a stakeholder attends, or whose title uses the account's terms;
- a **message** from or to a stakeholder (or someone at the account) that uses its terms.

The account's terms are the phrases (two or three words in a row) and the names (capitalised
words, acronyms) of its ``issues`` and ``projects`` notes (English stop words left out,
scikit-learn's tokeniser) that are distinctive in the store: used by at most :data:`MAX_SHARE`
of its posts, meeting titles and message subjects (a single name: :data:`MAX_SHARE_WORD`; at
least :data:`MIN_DF` allowed), so words every message uses match nothing. A signal's score
adds each matched term's IDF and the weight of the stakeholders' buying roles
(:data:`ROLE_WEIGHTS`); each comes with the matched terms, the notes they come from, the
people and a suggested next step. Pure: plain data in and out.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np

from salon.dates import iso

#: How much a stakeholder's buying role adds to a signal's score.
ROLE_WEIGHTS = {
    "decision_maker": 3.0,
    "champion": 2.0,
    "blocker": 2.0,
    "evaluator": 1.5,
    "procurement": 1.0,
    "influencer": 1.0,
    None: 0.5,
}
#: A term used by more than this share of the window's texts is not distinctive.
MAX_SHARE = 0.05
#: A single word is a sign only when rarer still (a name like Questar, not New or Project).
MAX_SHARE_WORD = 0.01
MIN_DF = 2
TERM_FIELDS = ("issues", "projects")
_TOKENS = r"(?u)\b[^\W\d_][\w&]{2,}\b"


def _analyser() -> Any:
    from sklearn.feature_extraction.text import CountVectorizer

    return CountVectorizer(
        stop_words="english", token_pattern=_TOKENS, ngram_range=(1, 3)
    ).build_analyzer()


def _names(text: str) -> set[str]:
    """Words written with a capital where a sentence does not start (Gallup, Mexico), and
    acronyms anywhere (FERC, PG&E).

    >>> sorted(_names("Moving the ledger to Postgres. FERC asks: Why?"))
    ['ferc', 'postgres']
    """
    out = set()
    for match in re.finditer(_TOKENS, text):
        word = match.group()
        before = text[: match.start()].rstrip()
        starts = not before or before[-1] in ".!?:;\n\"'(-"
        if word.isupper() or (word[0].isupper() and not starts):
            out.add(word.lower())
    return out


def account_terms(notes: Iterable[Mapping[str, Any]]) -> dict[str, list[int]]:
    """``{term: [note ids]}``: the phrases (two or three words in a row, stop words left out)
    and the names (:func:`_names`: Gallup, FERC, PG&E) of the issues and projects notes; an
    ordinary word alone ("team", "review") is too common to be a sign.

    >>> sorted(account_terms([{"id": 1, "field": "projects", "text": "The Gallup compressor"}]))
    ['gallup', 'gallup compressor']
    """
    analyse = _analyser()
    out: dict[str, list[int]] = {}
    for note in notes:
        if note["field"] not in TERM_FIELDS:
            continue
        names = _names(note["text"])
        for term in sorted(set(analyse(note["text"]))):
            if " " in term or term in names:
                out.setdefault(term, []).append(note["id"])
    return dict(sorted(out.items()))


def distinctive(terms: Mapping[str, list[int]], texts: list[str]) -> dict[str, float]:
    """The terms used by few of ``texts`` (the store's posts, meeting titles and message
    subjects: the background), with their IDF (``ln((1 + n) / (1 + df)) + 1``); a term no
    text uses gets the highest IDF.

    >>> distinctive({"gallup": [1], "meeting": [1]}, ["Gallup", "meeting", "meeting", "meeting"])
    {'gallup': 1.916...}
    """
    if not terms:
        return {}
    from sklearn.feature_extraction.text import CountVectorizer

    vectoriser = CountVectorizer(
        vocabulary=sorted(terms),
        stop_words="english",
        token_pattern=_TOKENS,
        ngram_range=(1, 3),
        binary=True,
    )
    n = len(texts)
    df = vectoriser.transform(texts).sum(axis=0).A1 if n else np.zeros(len(terms))
    phrase, word = max(MIN_DF, MAX_SHARE * n), max(MIN_DF, MAX_SHARE_WORD * n)
    return {
        term: round(math.log((1 + n) / (1 + df[i])) + 1, 6)
        for term, i in sorted(vectoriser.vocabulary_.items())
        if df[i] <= (phrase if " " in term else word)
    }


def _matches(text: str, idf: Mapping[str, float]) -> list[str]:
    return sorted({t for t in _analyser()(text) if t in idf})


def phrases(text: str, matched: Iterable[str]) -> list[str]:
    """The runs of ``text``'s words that matched terms cover, longest first.

    >>> phrases("RE: New Mexico Power Plant Project", ["new mexico", "power plant"])
    ['new mexico power plant']
    """
    from sklearn.feature_extraction.text import CountVectorizer

    words = {w for term in matched for w in term.split()}
    runs: list[list[str]] = [[]]
    analyse = CountVectorizer(stop_words="english", token_pattern=_TOKENS).build_analyzer()
    for token in analyse(text):
        if token in words:
            runs[-1].append(token)
        elif runs[-1]:
            runs.append([])
    return sorted((" ".join(r) for r in runs if r), key=lambda r: -len(r.split()))


def _messages(items: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Messages by thread (subject without Re:/Fw:): the latest subject and time, how many
    messages, and everyone who wrote or was written to."""
    from salon.store.facts import thread_subject

    grouped: dict[str, dict[str, Any]] = {}
    for m in sorted(items, key=lambda m: m["at"] or 0):
        key = thread_subject(m["subject"])
        entry = grouped.setdefault(key, {"people": [], "messages": set(), "first": m["at"]})
        entry.update(subject=m["subject"], at=m["at"], person=m["person"])
        entry["messages"].add((m["person"], m["at"]))
        entry["people"] += [p for p in (m["person"], m["to"]) if p is not None]
    return [
        {**e, "messages": len(e["messages"]), "people": list(dict.fromkeys(e["people"]))}
        for e in grouped.values()
    ]


def find_signals(
    account: Mapping[str, Any],
    activity: Mapping[str, list[dict[str, Any]]],
    *,
    at_account: Mapping[int, list[dict[str, Any]]],
    names: Mapping[int, str],
    you: int | None,
    background: list[str],
) -> tuple[list[dict[str, Any]], dict[str, float]]:
    """The account's signals in ``activity`` (:func:`salon.store.signals.activity`), best
    first, and the distinctive terms. ``at_account``: people affiliated with the account's
    organisation; ``names``: display names; ``background``: every text of the store (posts,
    meeting titles, message subjects) that terms are weighed against."""
    roles = {s["person"]: s.get("role") for s in account["stakeholders"]}
    people = set(roles) | set(at_account)
    terms = account_terms(account["notes"])
    messages = _messages(activity.get("messages", []))
    idf = distinctive(terms, background)
    notes = {n["id"]: n for n in account["notes"]}
    out: list[dict[str, Any]] = []

    def add(kind: str, at: int | None, text: str, who: list[int], step: str, **more: Any) -> None:
        matched = _matches(text, idf) if text else []
        involved = [p for p in dict.fromkeys(who) if p in people]
        score = sum(idf[t] for t in matched) + sum(
            ROLE_WEIGHTS.get(roles.get(p), 0.5) for p in involved
        )
        out.append(
            {
                "kind": kind,
                "at": iso(at),
                "score": round(score, 3),
                "text": text,
                "people": [{"id": p, "name": names.get(p), "role": roles.get(p)} for p in involved],
                "terms": matched,
                "notes": [
                    {"id": i, "field": notes[i]["field"], "text": notes[i]["text"]}
                    for i in sorted({i for t in matched for i in terms[t]})
                ],
                "next_step": step,
                **more,
            }
        )

    def about(text: str) -> str:
        return ", ".join(phrases(text, _matches(text, idf))[:2]) or account["name"]

    for post in activity.get("posts", []):
        who = post["person"]
        if who in people or _matches(post["text"], idf):
            name = names.get(who, "Someone")
            add(
                "post",
                post["at"],
                post["text"],
                [who],
                f"{name} posted about {about(post['text'])}: answer with a point of your own "
                "before others do (run 'salon check-post' on your draft first).",
                platform=post["platform"],
                url=post["url"],
            )
    for job in activity.get("affiliations", []):
        who = job["person"]
        name = names.get(who, "Someone")
        if who in roles:
            role = roles[who] or "stakeholder"
            step = (
                f"{name} is now {job['title'] or 'in a new role'} at {job['organization']}: "
                f"congratulate them, and check who holds their part ({role}) at "
                f"{account['name']} now."
            )
        elif who in at_account:
            step = (
                f"{name} joined {account['name']} as {job['title'] or 'a new hire'}: introduce "
                "yourself early; a newcomer revisits decisions and needs allies."
            )
        else:
            continue
        add(
            "job_change",
            job["at"],
            f"{job['title'] or ''} at {job['organization']}".strip(),
            [who],
            step,
        )
    for meeting in activity.get("meetings", []):
        who = [p for p in meeting["attendees"] if p != you]
        if not (set(who) & people or _matches(meeting["title"], idf)):
            continue
        with_whom = ", ".join(names.get(p, str(p)) for p in who if p in people) or "them"
        add(
            "meeting",
            meeting["at"],
            meeting["title"],
            who,
            f"Before '{meeting['title']}', prepare one insight on {about(meeting['title'])} "
            f"that {with_whom} have not heard yet, and note what you learn.",
            place=meeting["place"],
        )
    for thread in messages:
        who = [p for p in thread["people"] if p != you]
        if not set(who) & people or not _matches(thread["subject"], idf):
            continue
        sender = names.get(thread["person"], "Someone")
        add(
            "message",
            thread["at"],
            thread["subject"],
            who,
            f"{sender} and others are working on '{thread['subject']}': send an insight on "
            f"{about(thread['subject'])} to the stakeholders before anyone else does.",
            messages=thread["messages"],
            first=iso(thread["first"]),
        )
    out.sort(key=lambda s: s["at"] or "", reverse=True)  # the newest first on equal scores
    out.sort(key=lambda s: -s["score"])
    return out, dict(sorted(idf.items(), key=lambda kv: -kv[1]))
