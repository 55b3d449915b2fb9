"""Round trips: generated records are written in each format's real layout, imported through
salon.import_paths into a fresh store and read back equal, as far as the format holds them.
(Posts CSV/JSON Lines have theirs in test_posts.py.)"""

from __future__ import annotations

import csv
import html
import json
import mailbox
from collections import defaultdict
from datetime import UTC, datetime, timedelta, timezone
from email.message import EmailMessage
from email.utils import format_datetime, formataddr
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

import salon
from salon.store.schema import (
    affiliations,
    identities,
    interactions,
    meeting_attendees,
    meetings,
    organizations,
    people,
    posts,
    ties,
)

ROUND_TRIP = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


class Stored:
    """What a store holds, people named by their identities instead of row ids."""

    def __init__(self, store: salon.Store) -> None:
        with store.engine.connect() as c:
            self.keys: dict[int, set[tuple[str, str, str]]] = defaultdict(set)
            for person, platform, kind, value in c.execute(
                select(
                    identities.c.person_id,
                    identities.c.platform,
                    identities.c.kind,
                    identities.c.value,
                )
            ):
                self.keys[person].add((platform, kind, value))
            rows = c.execute(select(people.c.id, people.c.name, people.c.is_self)).all()
            self.names = {p: name for p, name, _ in rows}
            self.me = {p for p, _, is_self in rows if is_self}
            self.ties = c.execute(
                select(ties.c.src_id, ties.c.dst_id, ties.c.kind, ties.c.weight, ties.c.since)
            ).all()
            self.interactions = c.execute(
                select(
                    interactions.c.src_id,
                    interactions.c.dst_id,
                    interactions.c.kind,
                    interactions.c.at,
                    interactions.c.channel,
                    interactions.c.subject,
                    interactions.c.weight,
                )
            ).all()
            self.posts = c.execute(
                select(
                    posts.c.platform,
                    posts.c.post_key,
                    posts.c.author_id,
                    posts.c.at,
                    posts.c.text,
                    posts.c.reply_to,
                    posts.c.repost_of,
                    posts.c.tags,
                )
            ).all()
            self.meetings = c.execute(
                select(
                    meetings.c.id,
                    meetings.c.title,
                    meetings.c.start_at,
                    meetings.c.end_at,
                    meetings.c.organizer_id,
                )
            ).all()
            self.attendees = c.execute(
                select(meeting_attendees.c.meeting_id, meeting_attendees.c.person_id)
            ).all()
            self.affiliations = c.execute(
                select(affiliations.c.person_id, organizations.c.name, affiliations.c.title).join(
                    organizations, organizations.c.id == affiliations.c.organization_id
                )
            ).all()

    def value(self, person: int | None, platform: str, kind: str) -> str | None:
        """The person's one identity of this platform and kind (None: the person is None)."""
        if person is None:
            return None
        (found,) = [v for p, k, v in self.keys[person] if (p, k) == (platform, kind)]
        return found


def _import(folder: Path, paths: list[Path], **options: Any) -> Stored:
    with salon.open_store(str(folder / "s.db")) as store:
        report = salon.import_paths(store, paths, options=salon.ImportOptions(**options))
        assert report.warnings == [], report.warnings
        return Stored(store)


# Edge lists -------------------------------------------------------------------------------
_node = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789_.-", min_size=1, max_size=6)
_edge = st.tuples(
    _node,
    _node,
    st.floats(min_value=0.001, max_value=1e9, allow_nan=False, allow_infinity=False),
    st.integers(10**8, 4 * 10**9),
).filter(lambda e: e[0] != e[1])


@ROUND_TRIP
@given(
    st.lists(_edge, min_size=1, max_size=12, unique_by=lambda e: (e[0], e[1], e[3])),
    st.booleans(),
)
def test_edge_list_round_trip(tmp_path_factory, edges, timed):
    """With times: one interaction an edge; without: one tie a pair, directed, weight kept."""
    folder = tmp_path_factory.mktemp("edges")
    if not timed:  # one tie a directed pair
        edges = list({(s, d): (s, d, w, t) for s, d, w, t in edges}.values())
    path = folder / "edges.csv"
    header = ["source", "target", "weight"] + (["timestamp"] if timed else [])
    lines = [",".join(header)]
    lines += [",".join([s, d, repr(w)] + ([str(t)] if timed else [])) for s, d, w, t in edges]
    path.write_text("\n".join(lines) + "\n")
    got = _import(folder, [path], namespace="gen")
    node = {p: got.value(p, "gen", "id") for p in got.keys}
    assert set(node.values()) == {n for e in edges for n in e[:2]}
    if timed:
        assert not got.ties
        assert sorted(
            (node[s], node[d], w, at) for s, d, kind, at, channel, _, w in got.interactions
        ) == sorted((s, d, w, t) for s, d, w, t in edges)
        assert {(k, ch) for _, _, k, _, ch, _, _ in got.interactions} == {("edge", "gen")}
    else:
        assert not got.interactions
        assert sorted(
            (node[s], node[d], kind, w, since) for s, d, kind, w, since in got.ties
        ) == sorted((s, d, "edge", w, None) for s, d, w, _ in edges)


# Address books: vCard and Google Contacts CSV ---------------------------------------------
_word = st.text(alphabet=st.characters(categories=["Lu", "Ll"]), min_size=1, max_size=8)
_local = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789_-", min_size=1, max_size=8)
_contact = st.fixed_dictionaries(
    {
        "given": _word,
        "family": _word,
        "locals": st.lists(_local, min_size=1, max_size=3),
        "phone": st.one_of(st.none(), st.integers(10**7, 10**12)),
        "org": st.one_of(st.none(), st.tuples(_word, st.one_of(st.none(), _word))),
    }
)


def _people(generated: list[dict]) -> list[dict]:
    """Each contact's addresses made unique to it (so no two contacts merge)."""
    out = []
    for i, contact in enumerate(generated):
        emails = list(dict.fromkeys(f"{x}.{i}@mail{i}.example" for x in contact["locals"]))
        phone = f"+{i + 1}{contact['phone']}" if contact["phone"] else None
        out.append({**contact, "emails": emails, "phone": phone})
    return out


def _contacts_back(got: Stored) -> list[tuple]:
    """(name, identities, affiliation) of each contact, and that each is a contact of yours."""
    (me,) = got.me
    assert sorted(
        d for s, d, kind, w, since in got.ties if s == me and kind == "contact"
    ) == sorted(p for p in got.keys if p != me)
    works = {p: (org, title) for p, org, title in got.affiliations}
    return sorted((got.names[p], frozenset(got.keys[p]), works.get(p)) for p in got.keys if p != me)


def _contacts_expected(contacts: list[dict]) -> list[tuple]:
    return sorted(
        (
            f"{c['given']} {c['family']}",
            frozenset(
                {("", "email", e) for e in c["emails"]}
                | ({("", "phone", c["phone"])} if c["phone"] else set())
            ),
            c["org"],
        )
        for c in contacts
    )


def _vcard_text(value: str) -> str:
    return value.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;")


@ROUND_TRIP
@given(st.lists(_contact, min_size=1, max_size=6), st.sampled_from(["3.0", "4.0"]))
def test_vcard_round_trip(tmp_path_factory, generated, version):
    folder = tmp_path_factory.mktemp("vcard")
    contacts = _people(generated)
    cards = []
    for c in contacts:
        lines = [
            "BEGIN:VCARD",
            f"VERSION:{version}",
            f"FN:{_vcard_text(c['given'])} {_vcard_text(c['family'])}",
            f"N:{_vcard_text(c['family'])};{_vcard_text(c['given'])};;;",
        ]
        lines += [f"EMAIL;TYPE=work:{e}" for e in c["emails"]]
        if c["phone"]:
            lines.append(f"TEL;TYPE=cell:{c['phone']}")
        if c["org"]:
            lines.append(f"ORG:{_vcard_text(c['org'][0])}")
            if c["org"][1]:
                lines.append(f"TITLE:{_vcard_text(c['org'][1])}")
        cards.append("\r\n".join([*lines, "END:VCARD"]) + "\r\n")
    path = folder / "contacts.vcf"
    path.write_bytes("".join(cards).encode("utf-8"))
    assert _contacts_back(_import(folder, [path])) == _contacts_expected(contacts)


GOOGLE_2024 = [
    "First Name",
    "Middle Name",
    "Last Name",
    "Organization Name",
    "Organization Title",
    "Labels",
    "E-mail 1 - Label",
    "E-mail 1 - Value",
    "Phone 1 - Label",
    "Phone 1 - Value",
]


@ROUND_TRIP
@given(st.lists(_contact, min_size=1, max_size=6))
def test_google_contacts_csv_round_trip(tmp_path_factory, generated):
    folder = tmp_path_factory.mktemp("google")
    contacts = _people(generated)
    path = folder / "contacts.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(GOOGLE_2024)
        for c in contacts:
            org, title = c["org"] or ("", "")
            writer.writerow(
                [
                    c["given"],
                    "",
                    c["family"],
                    org,
                    title or "",
                    "* myContacts",
                    "Work",
                    " ::: ".join(c["emails"]),  # several values in one cell
                    "Mobile" if c["phone"] else "",
                    c["phone"] or "",
                ]
            )
    assert _contacts_back(_import(folder, [path])) == _contacts_expected(contacts)


# iCalendar --------------------------------------------------------------------------------
def _ics_text(value: str) -> str:
    return value.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;").replace("\n", "\\n")


def _fold(line: str) -> str:
    """RFC 5545 folding: lines of at most 75 octets, continued after CRLF and a space."""
    out, chunk = [], ""
    for ch in line:
        if len((chunk + ch).encode("utf-8")) > (75 if not out else 74):
            out.append(chunk)
            chunk = ""
        chunk += ch
    return "\r\n ".join([*out, chunk])


def _ics_time(epoch: int) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y%m%dT%H%M%SZ")


_guest = st.tuples(_local, st.one_of(st.none(), st.tuples(_word, _word)))
_event = st.fixed_dictionaries(
    {
        "title": st.text(
            alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\x7f")
            | st.just("\n"),
            max_size=90,
        ),
        "start": st.integers(946684800, 4102444800),  # 2000 to 2100
        "minutes": st.integers(0, 600),
        "guests": st.lists(st.integers(0, 5), max_size=4, unique=True),
    }
)


@ROUND_TRIP
@given(st.lists(_guest, min_size=6, max_size=6), st.lists(_event, min_size=1, max_size=6))
def test_icalendar_round_trip(tmp_path_factory, pool, events):
    folder = tmp_path_factory.mktemp("ics")
    guests = [(f"{local}.{i}@guests.example", name) for i, (local, name) in enumerate(pool)]
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//salon//tests//EN"]
    lines.append("X-WR-CALNAME:me@example.com")
    for i, e in enumerate(events):
        lines += [
            "BEGIN:VEVENT",
            f"UID:event-{i}@salon.example",
            f"DTSTART:{_ics_time(e['start'])}",
            f"DTEND:{_ics_time(e['start'] + 60 * e['minutes'])}",
            f"SUMMARY:{_ics_text(e['title'])}",
            "ORGANIZER:mailto:me@example.com",
        ]
        for g in e["guests"]:
            address, name = guests[g]
            cn = f";CN={name[0]} {name[1]}" if name else ""
            lines.append(f"ATTENDEE{cn};PARTSTAT=ACCEPTED:mailto:{address}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    path = folder / "calendar.ics"
    path.write_bytes("".join(_fold(x) + "\r\n" for x in lines).encode("utf-8"))
    got = _import(folder, [path])
    email = {p: got.value(p, "", "email") for p in got.keys}
    present = defaultdict(set)
    for meeting, person in got.attendees:
        present[meeting].add(email[person])
    back = [
        (title, start, end, email[organizer], sorted(present[m]))
        for m, title, start, end, organizer in got.meetings
    ]
    written = [
        (
            e["title"].strip() or None,
            e["start"],
            e["start"] + 60 * e["minutes"],
            "me@example.com",
            sorted(guests[g][0] for g in e["guests"]),
        )
        for e in events
    ]
    assert sorted(back, key=repr) == sorted(written, key=repr)
    (me,) = got.me
    assert email[me] == "me@example.com"
    invited = {g for e in events for g in e["guests"]}
    assert {email[p]: got.names[p] for p in got.keys if p != me} == {
        guests[g][0]: " ".join(guests[g][1]) if guests[g][1] else None for g in invited
    }


# Mail: mbox -------------------------------------------------------------------------------
_message = st.fixed_dictionaries(
    {
        "sender": st.integers(0, 4),
        "to": st.lists(st.integers(0, 4), min_size=1, max_size=3, unique=True),
        "cc": st.lists(st.integers(0, 4), max_size=2, unique=True),
        "at": st.integers(946684800, 4102444800),
        "offset": st.integers(-48, 56),  # quarter hours east of UTC
        "subject": st.text(
            alphabet=st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from(" \t"),
            max_size=60,
        ),
    }
).filter(lambda m: set(m["to"] + m["cc"]) - {m["sender"]})  # someone else receives it


@ROUND_TRIP
@given(st.lists(_guest, min_size=5, max_size=5), st.lists(_message, min_size=1, max_size=6))
def test_mbox_round_trip(tmp_path_factory, pool, messages):
    """Each message: an e-mail interaction from its sender to each other recipient (To, Cc),
    at its Date, with its Subject (white space collapsed) and Message-ID; names kept."""
    folder = tmp_path_factory.mktemp("mbox")
    who = [(f"{local}.{i}@mail.example", name) for i, (local, name) in enumerate(pool)]

    def address(i: int) -> str:
        mail, name = who[i]
        return formataddr((" ".join(name), mail)) if name else mail

    path = folder / "mail.mbox"
    box = mailbox.mbox(path)
    for n, m in enumerate(messages):
        message = EmailMessage()
        message["From"] = address(m["sender"])
        message["To"] = ", ".join(address(i) for i in m["to"])
        if m["cc"]:
            message["Cc"] = ", ".join(address(i) for i in m["cc"])
        zone = timezone(timedelta(minutes=15 * m["offset"]))
        message["Date"] = format_datetime(datetime.fromtimestamp(m["at"], zone))
        message["Subject"] = m["subject"]
        message["Message-ID"] = f"<m{n}@mail.example>"
        message.set_content("Hello.\n")
        box.add(message)
    box.close()
    got = _import(folder, [path])
    email = {p: got.value(p, "", "email") for p in got.keys}
    back = [
        (email[s], email[d], kind, at, channel, subject)
        for s, d, kind, at, channel, subject, _ in got.interactions
    ]
    written = [
        (
            who[m["sender"]][0],
            who[r][0],
            "email",
            m["at"],
            "email",
            " ".join(m["subject"].split()) or None,
        )
        for m in messages
        for r in dict.fromkeys(m["to"] + m["cc"])
        if r != m["sender"]
    ]
    assert sorted(back, key=repr) == sorted(written, key=repr)
    seen = {i for m in messages for i in [m["sender"], *m["to"], *m["cc"]]}
    seen = {i for i in seen if who[i][0] in {a for w in written for a in w[:2]}}
    named = {email[p]: got.names[p] for p in got.keys}
    assert named == {who[i][0]: " ".join(who[i][1]) if who[i][1] else None for i in seen}


# LinkedIn Connections.csv -----------------------------------------------------------------
_connection = st.fixed_dictionaries(
    {
        "given": _word,
        "family": _word,
        "slug": _local,
        "email": st.one_of(st.none(), _local),
        "org": st.one_of(st.none(), st.tuples(_word, st.one_of(st.none(), _word))),
        "day": st.dates(datetime(2003, 5, 5).date(), datetime(2030, 12, 31).date()),
    }
)


@ROUND_TRIP
@given(st.lists(_connection, min_size=1, max_size=6), st.booleans())
def test_linkedin_connections_round_trip(tmp_path_factory, generated, preamble):
    """Each row: a person by profile URL (and e-mail), a connection tie from you since the day
    connected, and an affiliation with the company and position."""
    folder = tmp_path_factory.mktemp("linkedin")
    rows = [
        {
            **c,
            "url": f"https://www.linkedin.com/in/{c['slug']}-{i}",
            "email": f"{c['email']}.{i}@mail.example" if c["email"] else None,
        }
        for i, c in enumerate(generated)
    ]
    path = folder / "Connections.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        if preamble:  # today's layout starts with LinkedIn's notes and a blank line
            f.write('Notes:\n"When exporting your connection data, you may notice that..."\n\n')
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(
            [
                "First Name",
                "Last Name",
                "URL",
                "Email Address",
                "Company",
                "Position",
                "Connected On",
            ]
        )
        for r in rows:
            company, position = r["org"] or ("", "")
            writer.writerow(
                [
                    r["given"],
                    r["family"],
                    r["url"],
                    r["email"] or "",
                    company,
                    position or "",
                    r["day"].strftime("%d %b %Y"),
                ]
            )
    got = _import(folder, [path])
    (me,) = got.me
    since = {d: at for s, d, kind, w, at in got.ties if s == me and kind == "connection"}
    works = {p: (org, title) for p, org, title in got.affiliations}
    back = [
        (got.names[p], frozenset(got.keys[p]), since[p], works.get(p)) for p in got.keys if p != me
    ]
    written = [
        (
            f"{r['given']} {r['family']}",
            frozenset(
                {("", "url", r["url"].removeprefix("https://www."))}
                | ({("", "email", r["email"])} if r["email"] else set())
            ),
            int(datetime.combine(r["day"], datetime.min.time(), UTC).timestamp()),
            r["org"],
        )
        for r in rows
    ]
    assert sorted(back, key=repr) == sorted(written, key=repr)
    assert len(got.ties) == len(rows)


# X archive: data/tweets.js ----------------------------------------------------------------
_handle = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789_", min_size=1, max_size=8)
_tweet = st.fixed_dictionaries(
    {
        "at": st.integers(1262304000, 4102444800),  # 2010 to 2100
        "text": st.text(
            alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="&<>"),
            max_size=60,
        ).filter(lambda t: not t.startswith("RT @")),
        "tags": st.lists(_handle, max_size=3, unique=True),
        "reply_to": st.one_of(st.none(), st.integers(0, 3)),
        "mentions": st.lists(st.integers(0, 3), max_size=3, unique=True),
    }
)
OWNER = {"accountId": "1000000001", "userName": "me_x", "displayName": "Me"}


def _x_time(epoch: int) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%a %b %d %H:%M:%S +0000 %Y")


def _x_archive(folder: Path, tweets: list[dict]) -> Path:
    """An X archive's data folder: manifest.js naming the owner, tweets.js holding ``tweets``
    (full_text HTML-escaped, as X writes it)."""
    data = folder / "archive" / "data"
    data.mkdir(parents=True)
    manifest = {"userInfo": OWNER, "dataTypes": {"tweets": {"files": []}}}
    (data / "manifest.js").write_text(f"window.__THAR_CONFIG = {json.dumps(manifest)}")
    items = json.dumps([{"tweet": t} for t in tweets], indent=2)
    (data / "tweets.js").write_text(f"window.YTD.tweets.part0 = {items}", encoding="utf-8")
    return folder / "archive"


@ROUND_TRIP
@given(
    st.lists(st.tuples(_handle, _word), min_size=4, max_size=4),
    st.lists(_tweet, min_size=1, max_size=6),
)
def test_x_tweets_round_trip(tmp_path_factory, pool, generated):
    """Each tweet: the owner's post (time, text, reply_to, hashtags lower-cased), a reply to
    the account it answers and a mention of each other account it names."""
    folder = tmp_path_factory.mktemp("x")
    users = [(str(2000 + i), f"{h}{i}", name) for i, (h, name) in enumerate(pool)]
    tweets = []
    for n, t in enumerate(generated):
        tweet = {
            "id_str": str(1_100_000_000_000_000_000 + n),
            "created_at": _x_time(t["at"]),
            "full_text": html.escape(t["text"], quote=False),  # as X writes it
            "entities": {
                "hashtags": [{"text": tag, "indices": ["0", "1"]} for tag in t["tags"]],
                "user_mentions": [
                    {"id_str": users[u][0], "screen_name": users[u][1], "name": users[u][2]}
                    for u in t["mentions"]
                ],
            },
        }
        if t["reply_to"] is not None:
            user = users[t["reply_to"]]
            tweet["in_reply_to_status_id_str"] = str(900 + n)
            tweet["in_reply_to_user_id_str"] = user[0]
            tweet["in_reply_to_screen_name"] = user[1]
        tweets.append(tweet)
    got = _import(folder, [_x_archive(folder, tweets)])
    (me,) = got.me
    assert got.value(me, "x", "id") == OWNER["accountId"]
    back = sorted(
        (key, at, text, reply_to, repost_of, json.loads(tags) if tags else [])
        for platform, key, author, at, text, reply_to, repost_of, tags in got.posts
        if platform == "x" and author == me
    )
    assert back == [
        (
            str(1_100_000_000_000_000_000 + n),
            t["at"],
            t["text"],  # an empty full_text is kept empty
            str(900 + n) if t["reply_to"] is not None else None,
            None,
            [tag.lower() for tag in t["tags"]],
        )
        for n, t in enumerate(generated)
    ]
    account = {p: (got.value(p, "x", "id"), got.value(p, "x", "handle")) for p in got.keys}
    acts = [
        (account[d], kind, at, channel)
        for s, d, kind, at, channel, _, _ in got.interactions
        if s == me
    ]
    written = []
    for t in generated:
        named = []
        if t["reply_to"] is not None:
            named.append(t["reply_to"])
            written.append((users[t["reply_to"]][:2], "reply", t["at"], "x"))
        for u in t["mentions"]:
            if u not in named:
                written.append((users[u][:2], "mention", t["at"], "x"))
    assert sorted(acts) == sorted(written) and len(got.interactions) == len(written)


def test_x_tweet_text_is_unescaped(tmp_path):
    tweet = {
        "id_str": "1100000000000000001",
        "created_at": _x_time(1546336800),
        "full_text": "CTSS -&gt; Multics &amp; Unix &lt;3",
        "entities": {"hashtags": [], "user_mentions": []},
    }
    got = _import(tmp_path, [_x_archive(tmp_path, [tweet])])
    assert [text for *_, text, _, _, _ in got.posts] == ["CTSS -> Multics & Unix <3"]


# Mastodon archive: outbox.json ------------------------------------------------------------
_toot = st.fixed_dictionaries(
    {
        "at": st.integers(1262304000, 4102444800),
        "text": st.text(
            alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), max_size=60
        ),
        "tags": st.lists(_handle, max_size=3, unique=True),
        "reply_to": st.one_of(st.none(), st.integers(0, 3)),
        "mentions": st.lists(st.integers(0, 3), max_size=3, unique=True),
        "boost": st.one_of(st.none(), st.integers(0, 3)),  # else a boost of this account
    }
)
ME = "https://social.example/users/me"


def _iso(epoch: int) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@ROUND_TRIP
@given(st.lists(_handle, min_size=4, max_size=4), st.lists(_toot, min_size=1, max_size=6))
def test_mastodon_outbox_round_trip(tmp_path_factory, names, generated):
    """A Create of a Note: the owner's post (time, text, reply_to, hashtags), a reply to the
    account it answers and a mention of each other account it names; an Announce: the boost
    (a post reposting the status) and a repost of the status's author."""
    folder = tmp_path_factory.mktemp("mastodon") / "archive"
    folder.mkdir()
    users = [(f"{name}{i}", f"host{i}.example") for i, name in enumerate(names)]
    actor = lambda u: f"https://{users[u][1]}/users/{users[u][0]}"  # noqa: E731
    handle = lambda u: f"{users[u][0]}@{users[u][1]}"  # noqa: E731
    context = "https://www.w3.org/ns/activitystreams"
    actor_json = {"@context": context, "id": ME, "type": "Person", "preferredUsername": "me"}
    (folder / "actor.json").write_text(json.dumps(actor_json))
    items = []
    for n, t in enumerate(generated):
        if t["boost"] is not None:
            items.append(
                {
                    "id": f"{ME}/statuses/{n}/activity",
                    "type": "Announce",
                    "actor": ME,
                    "published": _iso(t["at"]),
                    "object": f"{actor(t['boost'])}/statuses/{n}",
                }
            )
            continue
        tags = [
            {"type": "Mention", "href": actor(u), "name": f"@{handle(u)}"} for u in t["mentions"]
        ]
        tags += [
            {"type": "Hashtag", "href": f"https://social.example/tags/{x}", "name": f"#{x}"}
            for x in t["tags"]
        ]
        note = {
            "id": f"{ME}/statuses/{n}",
            "type": "Note",
            "inReplyTo": None if t["reply_to"] is None else f"{actor(t['reply_to'])}/statuses/9",
            "published": _iso(t["at"]),
            "content": f"<p>{html.escape(t['text'])}</p>",
            "tag": tags,
        }
        items.append(
            {
                "id": f"{ME}/statuses/{n}/activity",
                "type": "Create",
                "actor": ME,
                "published": _iso(t["at"]),
                "object": note,
            }
        )
    outbox = {"@context": context, "type": "OrderedCollection", "orderedItems": items}
    (folder / "outbox.json").write_text(json.dumps(outbox))
    got = _import(folder.parent, [folder])
    (me,) = got.me
    back = sorted(
        (key, at, text, reply_to, repost_of, json.loads(tags) if tags else [])
        for platform, key, author, at, text, reply_to, repost_of, tags in got.posts
        if author == me
    )
    written, acts = [], []
    for n, t in enumerate(generated):
        if t["boost"] is not None:
            status = f"{actor(t['boost'])}/statuses/{n}"
            written.append((f"{ME}/statuses/{n}/activity", t["at"], None, None, status, []))
            acts.append((handle(t["boost"]), "repost", t["at"]))
            continue
        reply_to = None if t["reply_to"] is None else f"{actor(t['reply_to'])}/statuses/9"
        written.append(
            (f"{ME}/statuses/{n}", t["at"], t["text"].strip(), reply_to, None, t["tags"])
        )
        if t["reply_to"] is not None:
            acts.append((handle(t["reply_to"]), "reply", t["at"]))
        acts += [(handle(u), "mention", t["at"]) for u in t["mentions"] if u != t["reply_to"]]
    assert back == sorted(written)
    got_acts = [
        (got.value(d, "mastodon", "handle"), kind, at) for s, d, kind, at, *_ in got.interactions
    ]
    assert sorted(got_acts) == sorted(acts)
    # each boosted status is also a post, by its author, of unknown time
    boosted = {
        (f"{actor(t['boost'])}/statuses/{n}", handle(t["boost"]))
        for n, t in enumerate(generated)
        if t["boost"] is not None
    }
    assert {
        (key, got.value(author, "mastodon", "handle"))
        for _, key, author, at, *_ in got.posts
        if author != me
    } == boosted
