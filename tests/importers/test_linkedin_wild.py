"""LinkedIn exports as they are in the wild (2023–2026 layouts): namesakes stay apart, files
LinkedIn adds are listed as not used, departed members are kept, your profile's brackets go.

The fixtures are written here, small, in the layouts of real exports (the ``Notes:`` preamble
of ``Connections.csv``, the 10-column ``messages.csv`` with profile URLs and no DIRECTION,
``coach_messages.csv`` with the same header, ``Profile Summary.csv``).
"""

import zipfile
from pathlib import Path

from sqlalchemy import func, select

import salon
from salon.store.merges import find_duplicates
from salon.store.schema import identities, interactions, people, ties

PREAMBLE = (
    "Notes:\n"
    '"When exporting your connection data, you may notice that some of the email addresses are '
    'missing."\n\n'
)
FIRST = ["Anna", "Ben", "Chen", "Dana", "Eli", "Femi", "Gita", "Hugo", "Ines", "Jon", "Kai"]
LAST = ["Berg", "Cole", "Diaz", "Ek", "Fox", "Gray", "Hahn", "Ito", "Jung", "Kerr", "Lund"]
MESSAGES_HEADER = (
    "CONVERSATION ID,CONVERSATION TITLE,FROM,SENDER PROFILE URL,TO,RECIPIENT PROFILE URLS,"
    "DATE,SUBJECT,CONTENT,FOLDER"
)
ME_URL = "https://www.linkedin.com/in/mara-lindqvist-1a2b3c"


def _connections() -> list[tuple[str, str, str, str, str]]:
    """37 connections, 21 distinct names: one name held by three people, 14 by two (at
    different companies, some with e-mails), six by one."""
    rows = []
    for i in range(21):
        name = f"{FIRST[i % 11]} {LAST[(i // 11 + i * 3) % 11]}"
        holders = 3 if i == 0 else 2 if i < 15 else 1
        for j in range(holders):
            slug = name.lower().replace(" ", "-")
            email = f"{slug.replace('-', '.')}{j}@mail{j}.example" if j == 1 else ""
            rows.append((name, f"https://www.linkedin.com/in/{slug}-{j}", email, f"Co{i}{j}", "PM"))
    return rows


def _export(folder: Path) -> Path:
    folder.mkdir()
    connections = _connections()
    assert len(connections) == 37
    lines = ["First Name,Last Name,URL,Email Address,Company,Position,Connected On"]
    for name, url, email, company, title in connections:
        first, last = name.split()
        lines.append(f"{first},{last},{url},{email},{company},{title},12 Mar 2024")
    (folder / "Connections.csv").write_text(PREAMBLE + "\n".join(lines) + "\n")
    (folder / "Profile.csv").write_text(
        "First Name,Last Name,Maiden Name,Address,Birth Date,Headline,Summary,Industry,"
        "Zip Code,Geo Location,Twitter Handles,Websites,Instant Messengers\n"
        'Mara,Lindqvist,,,,Engineer,,,,"Malmö, Sweden",[maralq],'
        '"[PERSONAL:https://mara.example/], [COMPANY:https://northwind.example]",\n'
    )
    (folder / "Email Addresses.csv").write_text(
        "Email Address,Confirmed,Primary,Updated On\nmara@lindqvist.example,Yes,Yes,Not Available\n"
    )
    a_name, a_url = connections[0][0], connections[0][1]  # a namesake, known by URL
    lone_name, lone_url = connections[-1][0], connections[-1][1]
    msgs = [
        f"c1,,{a_name},{a_url},Mara Lindqvist,{ME_URL},2024-04-01 10:00:00 UTC,Hi,Hello,INBOX",
        f"c1,,Mara Lindqvist,{ME_URL},{a_name},{a_url},2024-04-01 11:00:00 UTC,Re: Hi,Hey,SENT",
        f"c2,,{lone_name},{lone_url},Mara Lindqvist,{ME_URL},2024-04-02 09:00:00 UTC,,Yo,INBOX",
        # A member who left LinkedIn: no name, no profile URL.
        f"c3,,,,Mara Lindqvist,{ME_URL},2024-04-03 09:00:00 UTC,,Bye,INBOX",
    ]
    (folder / "messages.csv").write_text(MESSAGES_HEADER + "\n" + "\n".join(msgs) + "\n")
    # LinkedIn Learning's coach: the messages header, 10 columns a row. Not a network.
    (folder / "coach_messages.csv").write_text(
        MESSAGES_HEADER + "\n"
        "k1,Coach,LinkedIn Coach,,Mara Lindqvist,,2024-05-01 10:00:00 UTC,,"
        '"Here are three courses, for you",INBOX\n'
    )
    (folder / "Profile Summary.csv").write_text("Profile Summary\nI build grids.\n")
    return folder


def _canonical_people(store) -> int:
    with store.engine.connect() as c:
        query = select(func.count()).select_from(people).where(people.c.merged_into.is_(None))
        return c.execute(query).scalar_one()


def test_namesakes_stay_one_person_per_profile(fresh_store, tmp_path):
    report = salon.import_paths(fresh_store, [_export(tmp_path / "export")])
    assert report.added["ties"] == 37
    assert _canonical_people(fresh_store) == 37 + 1 + 1  # connections, you, a departed member
    with fresh_store.engine.connect() as c:
        profiles = c.execute(
            select(identities.c.person_id, func.count())
            .where(identities.c.value.like("linkedin.com/in/%"))
            .group_by(identities.c.person_id)
        ).all()
        names = c.execute(select(func.count(func.distinct(people.c.name)))).scalar_one()
    assert len(profiles) == 37 + 1 and all(n == 1 for _, n in profiles)  # and yours
    assert names == 21 + 2  # connections' names, yours, "LinkedIn Member"
    # Nobody is merged: different profile URLs are different people, whatever the name.
    assert report.added["merges"] == 0
    assert not [d for d in find_duplicates(fresh_store) if d.score >= 0.93]


def test_messages_link_by_url_and_the_departed_are_kept(fresh_store, tmp_path):
    report = salon.import_paths(fresh_store, [_export(tmp_path / "export")])
    assert report.added["interactions"] == 4
    with fresh_store.engine.connect() as c:
        me = c.execute(select(people.c.id).where(people.c.is_self)).scalar_one()
        rows = c.execute(select(interactions.c.src_id, interactions.c.dst_id)).all()
        departed = c.execute(select(people.c.id).where(people.c.name == "LinkedIn Member")).one()
        my_keys = set(
            c.execute(
                select(identities.c.platform, identities.c.kind, identities.c.value).where(
                    identities.c.person_id == me
                )
            ).all()
        )
    # Every message has you at one end (your URL is found from the conversations).
    assert all(me in pair for pair in rows)
    assert (departed.id, me) in rows
    assert ("", "url", "linkedin.com/in/mara-lindqvist-1a2b3c") in my_keys
    # Brackets removed from the handle and sites; your e-mail from Email Addresses.csv.
    assert {
        ("x", "handle", "maralq"),
        ("", "url", "mara.example"),
        ("", "url", "northwind.example"),
    } <= my_keys
    assert ("", "email", "mara@lindqvist.example") in my_keys


def test_files_linkedin_adds_are_not_handed_to_generic_importers(fresh_store, tmp_path):
    folder = _export(tmp_path / "export")
    archive = tmp_path / "Complete_LinkedInDataExport_05-01-2024.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for f in folder.iterdir():
            z.write(f, f.name)
    report = salon.import_paths(fresh_store, [archive])
    unused = sorted(Path(u.rsplit(":", 1)[-1]).name for u in report.unused)
    assert unused == ["Profile Summary.csv", "coach_messages.csv"]
    assert sorted(f.importer for f in report.files) == ["linkedin"] * 4
    with fresh_store.engine.connect() as c:
        assert c.execute(select(func.count()).select_from(ties)).scalar_one() == 37
        bogus = c.execute(select(people.c.id).where(people.c.name.in_(["profile", "summary"])))
        assert bogus.first() is None
    assert salon.import_paths(fresh_store, [archive]).import_id is None


def test_reimport_adds_nothing(fresh_store, tmp_path):
    folder = _export(tmp_path / "export")
    salon.import_paths(fresh_store, [folder])
    again = salon.import_paths(fresh_store, [folder])
    assert again.import_id is None
    assert not any(again.added.values())


def test_a_name_links_only_when_one_person_carries_it(fresh_store, tmp_path):
    """2018 layout: messages name people only by name."""
    folder = tmp_path / "export2018"
    folder.mkdir()
    (folder / "Connections.csv").write_text(
        "First Name,Last Name,Email Address,Company,Position,Connected On\n"
        'Ana,Ruiz,ana@acme.example,Acme,CTO,"1/8/18, 6:14 PM"\n'
        'Ana,Ruiz,ana.ruiz@globex.example,Globex,CFO,"2/8/18, 6:14 PM"\n'
        'Bo,Lind,bo@initech.example,Initech,CEO,"3/8/18, 6:14 PM"\n'
    )
    (folder / "Messages.csv").write_text(
        "From,To,Date,Subject,Content,Direction,Folder\n"
        'Bo Lind,Me Myself,"10/16/18, 8:36 AM",Hi,Hello,INCOMING,INBOX\n'
        'Ana Ruiz,Me Myself,"10/17/18, 8:36 AM",Hi,Hello,INCOMING,INBOX\n'
    )
    salon.import_paths(fresh_store, [folder])
    with fresh_store.engine.connect() as c:
        bo = c.execute(
            select(people.c.id)
            .join(identities, identities.c.person_id == people.c.id)
            .where(identities.c.value == "bo@initech.example")
        ).scalar_one()
        senders = c.execute(
            select(interactions.c.src_id, people.c.merged_into).join(
                people, people.c.id == interactions.c.src_id
            )
        ).all()
    linked = {merged or src for src, merged in senders}
    assert bo in linked  # one Bo Lind: the message is his
    assert _canonical_people(fresh_store) == 3 + 1 + 1  # the Ana of the message stays apart
    pairs = [d for d in find_duplicates(fresh_store) if {d.name_a, d.name_b} == {"Ana Ruiz"}]
    assert sorted(d.score for d in pairs) == [0.85, 0.85]  # the message's Ana against each
    assert all(
        d.evidence["reason"] == "known only by the name, which 2 people carry" for d in pairs
    )
