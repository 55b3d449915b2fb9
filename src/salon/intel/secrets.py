"""What a store knows that a public post must not reveal, and :func:`check_post`.

:func:`gather` reads the secrets (:class:`~salon.intel.leak.Secret`) of a store:

- **notes** of level private or team (account-plan entries, notes about people, a contact's
  vCard ``NOTE`` or Google ``Notes``, which the importer stores as a private note): each a
  passage, the most recent ``max_notes`` (by when observed, else written);
- **names**: each private or team account's name and web domain, its stakeholders' names
  (stakeholders of level private or team), and the **project names** in its notes: the
  head of a ``projects`` entry before a colon or dash ("Sun Devil: …", "Red Cedar – …") when
  it is at most 6 words, and "Project X" anywhere in a private note;
- **private messages**: the bodies of messages and e-mails (interactions of kind
  ``message``, ``email`` or ``invitation`` that have a body: ``salon import --bodies``),
  quoted replies cut, each at most ``max_chars`` characters, the most recent
  ``max_messages``;
- **meetings**: the titles of meetings of at least 3 words (the store keeps no meeting
  notes), the most recent ``max_meetings``.

The bounds keep a large store fast: with the defaults a check reads at most 2,000 notes,
500 messages and 500 meetings, so a draft is checked in well under a second.

Example
-------
>>> import salon
>>> store = salon.open_store(":memory:")
>>> check_post(store, "Nothing private here.").leaks
False
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from salon.intel.leak import LeakReport, Secret, Thresholds, check_draft

if TYPE_CHECKING:
    from salon.store import Store

MAX_NOTES = 2000
MAX_MESSAGES = 500
MAX_MEETINGS = 500
MAX_CHARS = 2000
#: Interaction kinds whose body is a private message.
MESSAGE_KINDS = ("message", "email", "invitation")

_HEAD = re.compile(r"^\s*([^:;\n–—]{2,80}?)\s*(?::|\s[–—-]\s)")
_PROJECT = re.compile(r"\bProject\s+((?:[A-Z][\w'-]*)(?:\s+[A-Z][\w'-]*){0,3})")
_QUOTED = re.compile(
    r"^\s*>|^-{2,}\s*Original Message|^On .{5,200} wrote:\s*$|^From: .+$", re.MULTILINE
)


def project_names(text: str, field: str | None) -> list[str]:
    """The project names a note gives (see the module's docstring).

    >>> project_names("Sun Devil: a Transwestern expansion into Phoenix.", "projects")
    ['Sun Devil']
    >>> project_names("They talk about Project Pueblo a lot.", "politics")
    ['Project Pueblo']
    """
    found: list[str] = []
    head = _HEAD.match(text)
    if field == "projects" and head and len(head.group(1).split()) <= 6:
        found.append(head.group(1).strip())
    found += [f"Project {m.group(1)}" for m in _PROJECT.finditer(text)]
    return list(dict.fromkeys(found))


def _message_text(body: str, limit: int) -> str:
    """A message's own words: quoted replies and forwarded headers cut, at most ``limit``."""
    match = _QUOTED.search(body)
    text = body[: match.start()] if match else body
    return text.strip()[:limit]


def gather(
    store: Store,
    *,
    max_notes: int = MAX_NOTES,
    max_messages: int = MAX_MESSAGES,
    max_meetings: int = MAX_MEETINGS,
    max_chars: int = MAX_CHARS,
) -> list[Secret]:
    """The store's secrets: notes, names, private messages and meeting titles (see the
    module's docstring for what each is and the bounds), for :func:`check_post`.

    Examples
    --------
    >>> import salon
    >>> store = salon.open_store(":memory:")
    >>> _ = salon.add_account(store, "Globex", domain="globex.example")
    >>> _ = salon.add_note(store, "Project Falcon: a new billing system.", field="projects",
    ...                    account="Globex")
    >>> sorted((s.what, s.text) for s in salon.leak_secrets(store) if s.kind == "name")
    [('account', 'Globex'), ('domain', 'globex.example'), ('project', 'Project Falcon')]
    """
    from sqlalchemy import func, select

    from salon.store.account_reads import intelligence
    from salon.store.merges import canonical_map
    from salon.store.schema import interactions, meetings, people

    found = intelligence(store, levels=("private", "team"))
    secrets: list[Secret] = []
    notes = sorted(
        found["notes"], key=lambda n: (n.get("observed_at") or n.get("created_at") or 0, n["id"])
    )[-max_notes:]
    for note in notes:
        where = f"note {note['id']} ({note['field']})"
        if note.get("source"):
            where += f", {note['source']}"
        common = {
            "level": note["level"],
            "source": where,
            "account": note.get("account"),
            "person": note.get("person"),
        }
        secrets.append(Secret(note["text"], kind="note", what=note["field"], **common))
        for name in project_names(note["text"], note["field"]):
            secrets.append(Secret(name, kind="name", what="project", **common))
    for account in found["accounts"]:
        source = f"account {account['name']}"
        secrets.append(
            Secret(
                account["name"], kind="name", what="account", source=source, account=account["name"]
            )
        )
        if account.get("domain"):
            secrets.append(
                Secret(
                    account["domain"],
                    kind="name",
                    what="domain",
                    source=source,
                    account=account["name"],
                )
            )
    for person in found["stakeholders"]:
        if person.get("name"):
            secrets.append(
                Secret(
                    person["name"],
                    kind="name",
                    what="stakeholder",
                    source=f"stakeholder of {person['account']}"
                    + (f" ({person['title']})" if person.get("title") else ""),
                    account=person.get("account"),
                    person=person["name"],
                )
            )
    with store.engine.connect() as c:
        mapping = canonical_map(c)
        rows = c.execute(
            select(
                interactions.c.id,
                interactions.c.src_id,
                interactions.c.kind,
                interactions.c.subject,
                func.substr(interactions.c.body, 1, max_chars * 4),
            )
            .where(interactions.c.kind.in_(MESSAGE_KINDS), interactions.c.body.is_not(None))
            .order_by(interactions.c.at.desc().nulls_last(), interactions.c.id.desc())
            .limit(max_messages)
        ).all()
        senders = {mapping.get(r[1], r[1]) for r in rows}
        names = dict(
            c.execute(select(people.c.id, people.c.name).where(people.c.id.in_(senders))).all()
        )
        for mid, src, kind, subject, body in rows:
            text = _message_text(body or "", max_chars)
            if len(text.split()) < 3:
                continue
            who = names.get(mapping.get(src, src))
            what = f"{kind} {mid}" + (f" from {who}" if who else "")
            if subject:
                what += f": {subject[:80]}"
            secrets.append(Secret(text, kind="message", source=what, person=who, what=kind))
        for mid, title in c.execute(
            select(meetings.c.id, meetings.c.title)
            .where(meetings.c.title.is_not(None))
            .order_by(meetings.c.start_at.desc().nulls_last(), meetings.c.id.desc())
            .limit(max_meetings)
        ):
            if len(title.split()) >= 3:
                secrets.append(
                    Secret(title[:max_chars], kind="meeting", source=f"meeting {mid}", what="title")
                )
    return secrets


def check_post(
    store: Store,
    text: str,
    *,
    thresholds: Thresholds | None = None,
    secrets: Sequence[Secret] | None = None,
) -> LeakReport:
    """Check a draft post against everything private or team-only the store keeps.

    Parameters
    ----------
    store
        The store whose notes, accounts, stakeholders, messages and meetings must not leak.
    text
        The draft, as it would be published.
    thresholds
        When a name or passage counts as revealing a secret (default: the tuned ones, see
        :mod:`salon.intel.leak`).
    secrets
        The secrets to check against, when already gathered (:func:`gather`): checking many
        drafts then reads the store once.

    Returns
    -------
    LeakReport
        Each flagged passage with the secret it reveals; ``report.leaks`` is true when
        something private or team-only would leak (``salon check-post`` exits with 3).

    Examples
    --------
    >>> import salon
    >>> store = salon.open_store(":memory:")
    >>> _ = salon.add_account(store, "Globex")
    >>> _ = salon.add_note(store, "Globex will move its support team from Lisbon to Porto in "
    ...                    "June.", field="issues", account="Globex")
    >>> draft = "Big news: their support team moves from Lisbon to Porto in June. Go Globex!"
    >>> report = salon.check_post(store, draft)
    >>> [(f.passage[:23], f.secret.what, f.secret.level) for f in report.flags]
    [('Big news: their support', 'issues', 'private'), ('Globex', 'account', 'private')]
    >>> salon.check_post(store, "Porto in June is lovely.").leaks
    False
    """
    known = gather(store) if secrets is None else secrets
    report = check_draft(text, known, thresholds=thresholds)
    if not known:
        report.notes.append(
            "The store keeps no private notes, accounts, messages or meetings yet: "
            "nothing could leak."
        )
    return report
