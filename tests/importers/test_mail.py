import gzip

import pytest
from sqlalchemy import func, select

import salon
from salon.store.schema import identities, interactions, people, posts
from tests.conftest import ROOT

MBOX = ROOT / "tests" / "data" / "sample.mbox"


def test_headers_only_by_default(fresh_store):
    report = salon.import_paths(fresh_store, [MBOX])
    assert report.added["interactions"] == 2 + 1 + 2 + 1  # one per recipient
    with fresh_store.engine.connect() as c:
        assert c.execute(select(func.count()).where(interactions.c.body.is_not(None))).scalar() == 0
        subjects = set(c.execute(select(interactions.c.subject)).scalars())
        me = c.execute(select(people.c.id).where(people.c.is_self)).scalar_one()
        # the owner (Delivered-To) was first seen as a recipient: merged into you
        mine = c.execute(select(func.count()).where(people.c.merged_into == me)).scalar()
    assert "Dinner in Lisbon next week?" in subjects  # folded header unfolded
    assert mine == 1


def test_bodies_on_request(fresh_store):
    salon.import_paths(fresh_store, [MBOX], options=salon.ImportOptions(bodies=True))
    with fresh_store.engine.connect() as c:
        bodies = {b.strip() for b in c.execute(select(interactions.c.body)).scalars()}
    assert "Yes, Thursday works." in bodies


def test_malformed_date_keeps_the_message(fresh_store):
    salon.import_paths(fresh_store, [MBOX])
    with fresh_store.engine.connect() as c:
        undated = c.execute(select(func.count()).where(interactions.c.at.is_(None))).scalar()
    assert undated == 2  # "Intro: Ana <> Chen" has "Date: sometime next week", two recipients


def test_gzipped_mbox(fresh_store, tmp_path):
    packed = tmp_path / "All mail.mbox.gz"
    packed.write_bytes(gzip.compress(MBOX.read_bytes()))
    assert salon.import_paths(fresh_store, [packed]).added["interactions"] == 6


GMAIL = ROOT / "tests" / "data" / "gmail_takeout.mbox"
ARCHIVE = ROOT / "tests" / "data" / "salon-users" / "2024-January.txt"
EDGES = ROOT / "tests" / "data" / "edges_from_to.txt"


def _names(store) -> dict[str, str | None]:
    with store.engine.connect() as c:
        rows = c.execute(
            select(identities.c.value, people.c.name).join(
                people, people.c.id == identities.c.person_id
            )
        )
        return dict(rows.all())


def test_gmail_takeout_layout(fresh_store):
    report = salon.import_paths(fresh_store, [GMAIL])
    # 4 messages, one labelled Spam left out: 2 + 2 + 1 recipients, 3 addresses
    assert report.added["interactions"] == 5
    assert report.added["identities"] == 3
    with fresh_store.engine.connect() as c:
        subjects = sorted(set(c.execute(select(interactions.c.subject)).scalars()))
        me = c.execute(select(people.c.id).where(people.c.is_self)).scalar_one()
        kira = c.execute(
            select(people.c.id, people.c.merged_into)
            .join(identities, identities.c.person_id == people.c.id)
            .where(identities.c.value == "kira@example.com")
        ).one()
    assert subjects == ["Fika på torsdag?", "Re: Fika på torsdag?", "Slides"]
    assert me in kira  # Delivered-To kira@example.com is you
    assert salon.import_paths(fresh_store, [GMAIL]).import_id is None


def test_encoded_and_junk_names(fresh_store):
    salon.import_paths(fresh_store, [GMAIL])
    names = _names(fresh_store)
    # RFC 2047 decoded; "asa" (the local part) never beats it
    assert names["asa@example.org"] == "Åsa Ström"
    # the address as display name is no name; the real one from the Cc wins
    assert names["ben.okafor@acme.example"] == "Ben Okafor"
    assert "winner@prizes.example" not in names  # Spam


def test_last_first_names_and_clean_name():
    from salon.importers.mail import clean_name

    assert clean_name("Ruiz, Ana", "ana@acme.example") == "Ana Ruiz"
    assert clean_name("Smith, Jr.", "js@acme.example") == "Smith, Jr."
    assert clean_name("'ana@acme.example'", "ana@acme.example") is None
    assert clean_name("ana.ruiz", "ana.ruiz@acme.example") is None
    assert clean_name("Ana Ruiz", "ana.ruiz@acme.example") == "Ana Ruiz"
    assert clean_name("", "ana@acme.example") is None


def test_mailman_archive(fresh_store, tmp_path):
    report = salon.import_paths(fresh_store, [ARCHIVE])
    assert [(f.importer, f.records) for f in report.files] == [("mail", 4 + 3)]
    assert report.added["posts"] == 4
    assert report.added["people"] == 3
    assert report.added["interactions"] == 0
    with fresh_store.engine.connect() as c:
        rows = c.execute(
            select(posts.c.post_key, posts.c.channel, posts.c.reply_to).order_by(posts.c.at)
        ).all()
    assert rows[1] == ("CAB=chen1@globex.example", "salon-users", "20240102091403.A1@acme.example")
    assert {channel for _, channel, _ in rows} == {"salon-users"}
    assert _names(fresh_store) == {
        "ana.ruiz@acme.example": "Ana Ruiz",
        "chen.wei@globex.example": "Chen Wei",
        "asa@example.org": "Åsa Ström",
    }
    assert salon.import_paths(fresh_store, [ARCHIVE]).import_id is None
    packed = tmp_path / "salon-users" / "2024-January.txt.gz"
    packed.parent.mkdir()
    packed.write_bytes(gzip.compress(ARCHIVE.read_bytes()))
    assert salon.import_paths(fresh_store, [packed]).import_id is None  # the same posts


def test_archive_and_edge_lists_are_told_apart():
    from salon.importers import edges, mail, plan

    chosen, _, _ = plan([ARCHIVE, EDGES])
    assert [(row[0].basename, row[1].NAME) for row in chosen] == [
        ("2024-January.txt", "mail"),
        ("edges_from_to.txt", "edges"),
    ]
    edge_file = chosen[1][0]
    assert not mail.detect(edge_file)
    assert edges.detect(edge_file)


def test_bodies_in_charsets_that_cannot_decode_are_read_as_utf8(fresh_store, tmp_path):
    """An unknown charset, and codecs Python knows but that cannot decode leniently (idna,
    undefined), keep the message: its body is read as UTF-8."""
    path = tmp_path / "odd.mbox"
    messages = [
        f"From a@x.org Mon Jan  1 00:00:00 2024\nFrom: Ana <a@x.org>\nTo: b@x.org\n"
        f"Subject: {charset}\nMessage-ID: <{n}@x.org>\n"
        f'Content-Type: text/plain; charset="{charset}"\n\nbody in {charset}\n\n'
        for n, charset in enumerate(("x-unknown", "idna", "undefined"))
    ]
    path.write_text("".join(messages))
    salon.import_paths(fresh_store, [path], options=salon.ImportOptions(bodies=True))
    with fresh_store.engine.connect() as c:
        bodies = {b.strip() for b in c.execute(select(interactions.c.body)).scalars()}
    assert bodies == {"body in x-unknown", "body in idna", "body in undefined"}


def test_forced_mail_source_says_why(fresh_store, tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("Dear Ana,\n")
    with pytest.raises(salon.SalonError) as error:
        salon.import_paths(fresh_store, [path], source="mail")
    assert str(error.value) == (
        f"The 'mail' importer cannot read '{path}': it does not start with 'From ' as every "
        "mbox file does. Run 'salon sources' to see which importer reads which files, or "
        "import without --source to detect the format."
    )


def test_bcc_recipients_of_sent_mail_are_written_to(fresh_store, tmp_path):
    """Gmail Takeout keeps a Bcc header in the sender's copy (label Sent), with CRLF line ends
    and a ``From <id>@xxx <date>`` separator; a message sent only to Bcc recipients has no To."""
    sent = (
        "From 1790000000000000001@xxx Mon Mar 04 10:00:00 +0000 2024\r\n"
        "X-Gmail-Labels: Sent\r\n"
        "From: =?UTF-8?Q?J=C3=BCrgen_M=C3=BCller?= <me@gmail.example>\r\n"
        "Bcc: ana@y.example, =?ISO-8859-1?Q?Bj=F6rn?= <bjorn@z.example>\r\n"
        "Subject: News\r\nDate: Mon, 4 Mar 2024 10:00:00 +0100\r\nMessage-ID: <a1@x>\r\n\r\n"
        "hi\r\n\r\n"
    )
    path = tmp_path / "Sent.mbox"
    path.write_bytes(sent.encode())
    report = salon.import_paths(fresh_store, [path])
    assert report.added["interactions"] == 2
    with fresh_store.engine.connect() as c:
        assert "Björn" in set(c.execute(select(people.c.name)).scalars())


@pytest.mark.parametrize("blank", [b"\n", b"\r\n\r\n", b" \n\t\n"])
def test_an_mbox_that_starts_with_blank_lines_is_read(fresh_store, tmp_path, blank):
    """Some tools write a blank line before the first 'From ' line: the file is still mbox."""
    path = tmp_path / "Inbox.mbox"
    path.write_bytes(blank + MBOX.read_bytes())
    report = salon.import_paths(fresh_store, [path])
    assert [f.importer for f in report.files] == ["mail"]
    assert report.added["interactions"] == 6
    packed = tmp_path / "mbox.gz"
    packed.write_bytes(gzip.compress(blank + MBOX.read_bytes()))
    assert salon.import_paths(fresh_store, [packed], source="mail").files[0].importer == "mail"
