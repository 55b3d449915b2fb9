"""The secrets of a store and salon.check_post: account intelligence written with Salon's own
functions, contacts' notes, private messages and meetings imported by its importers."""

import pytest

import salon
from salon.intel.secrets import gather, project_names
from tests.conftest import ROOT

DATA = ROOT / "tests" / "data"
SAMPLE = ROOT / "src" / "salon" / "data" / "enron_ets.mbox.gz"
ACCOUNT = "Enron Transportation Services"


@pytest.fixture(scope="module")
def ets(tmp_path_factory):
    """The leak guard's example account, loaded as a user would."""
    store = salon.open_store(str(tmp_path_factory.mktemp("ets") / "s.db"))
    salon.import_paths(store, [SAMPLE])
    salon.import_account(store, DATA / "leak" / "account.toml")
    yield store
    store.close()


def test_gather_reads_notes_names_and_projects(ets):
    secrets = gather(ets)
    names = {(s.what, s.text) for s in secrets if s.kind == "name"}
    assert ("account", ACCOUNT) in names and ("domain", "enron.com") in names
    assert ("stakeholder", "Rod Hayslett") in names and ("stakeholder", "Lynn Blair") in names
    projects = {text for what, text in names if what == "project"}
    assert projects == {
        "Project Pueblo",
        "Red Cedar",
        "Sun Devil",
        "Redfield Deliverability Project",
        "Mavrix",
    }
    notes = [s for s in secrets if s.kind == "note"]
    assert len(notes) == 24  # the 2 public notes are left out
    assert {s.level for s in notes} == {"private", "team"}
    hyatt = next(s for s in notes if "1.2 million" in s.text)
    assert hyatt.person == "Kevin Hyatt" and hyatt.account == ACCOUNT
    assert hyatt.source.startswith("note ") and "(note)" in hyatt.source


def test_check_post_flags_a_paraphrase_with_its_note(ets):
    draft = (
        "Loved the energy at the conference this week.\n\n"
        "Word is that a big pipeline's budget for its scheduling replacement is 1.2 million "
        "dollars, and Pipeline Solutions bid 1.5 million."
    )
    report = salon.check_post(ets, draft)
    assert report.leaks
    (flag,) = report.flags
    assert flag.passage.startswith("Word is that") and draft[flag.start : flag.end] == flag.passage
    assert flag.secret.person == "Kevin Hyatt" and flag.secret.level == "private"
    assert "Pipeline Solutions bid 1.5 million" in flag.matched


def test_check_post_passes_an_innocent_post_and_public_facts(ets):
    innocent = (
        "Transwestern Pipeline serves markets in California, Arizona and New Mexico from the "
        "San Juan and Permian basins. Pipelines are the quiet backbone of the West."
    )
    report = salon.check_post(ets, innocent)
    assert not report.leaks and report.secrets == len(gather(ets))


VCARD = """BEGIN:VCARD
VERSION:3.0
FN:Marta Silva
EMAIL:marta@globex.example
ORG:Globex
NOTE:Met at the Lisbon fintech summit. She wants to leave Globex after the merger\\, and
  is after a CTO role in Berlin.
END:VCARD
"""


def test_a_contacts_note_is_a_private_secret(fresh_store, tmp_path):
    salon.import_paths(fresh_store, [DATA / "contacts_ios_v30.vcf"])
    (note,) = [s for s in gather(fresh_store) if s.person == "Johnny Appleseed"]
    assert note.kind == "note" and note.level == "private" and note.what == "note"
    assert "allergic to apples" in note.text and note.source.endswith("contact note")
    path = tmp_path / "marta.vcf"
    path.write_text(VCARD, encoding="utf-8")
    salon.import_paths(fresh_store, [path])
    # Saying it in other words leaks; naming the contact alone does not.
    draft = "Hearing that a Globex leader wants to leave after the merger for a CTO role in Berlin."
    leak = salon.check_post(fresh_store, draft)
    assert [f.secret.person for f in leak.flags] == ["Marta Silva"]
    assert not salon.check_post(fresh_store, "Great coffee with Marta Silva in Lisbon.").leaks


MBOX = """From ana@acme.example Mon Mar  4 09:12:00 2024
From: "Ana Ruiz" <ana@acme.example>
To: Kira Hale <kira@example.com>
Date: Mon, 4 Mar 2024 10:11:00 +0100
Subject: Between us
Message-ID: <leak1@acme.example>

Between us: Acme is closing the Lisbon office in June and moving the support team to Porto.

On Sun, 3 Mar 2024, Kira Hale wrote:
> Quoted text from me that should not count as Ana's words about anything at all.

From ana@acme.example Tue Mar  5 09:12:00 2024
From: "Ana Ruiz" <ana@acme.example>
To: Kira Hale <kira@example.com>
Date: Tue, 5 Mar 2024 10:11:00 +0100
Subject: Lunch
Message-ID: <leak2@acme.example>

See you at noon for lunch, my treat this time.
"""


def test_private_message_bodies_are_secrets(fresh_store, tmp_path):
    path = tmp_path / "mail.mbox"
    path.write_text(MBOX, encoding="utf-8")
    salon.import_paths(fresh_store, [path], options=salon.ImportOptions(bodies=True))
    messages = [s for s in gather(fresh_store) if s.kind == "message"]
    assert len(messages) == 2
    closing = next(s for s in messages if "Lisbon" in s.text)
    assert "Quoted text" not in closing.text  # the quoted reply is cut
    assert closing.person == "Ana Ruiz" and "Between us" in closing.source
    report = salon.check_post(
        fresh_store,
        "Hearing that Acme will close its Lisbon office in June and move support to Porto.",
    )
    assert [f.secret.kind for f in report.flags] == ["message"]
    assert not salon.check_post(fresh_store, "Lisbon in June is lovely. Porto too.").leaks
    assert len([s for s in gather(fresh_store, max_messages=1) if s.kind == "message"]) == 1


ICS = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//test//EN
BEGIN:VEVENT
UID:leak-1@test
DTSTAMP:20240301T000000Z
DTSTART:20240312T090000Z
DTEND:20240312T100000Z
SUMMARY:Globex acquisition due diligence review
END:VEVENT
BEGIN:VEVENT
UID:leak-2@test
DTSTAMP:20240301T000000Z
DTSTART:20240313T090000Z
DTEND:20240313T100000Z
SUMMARY:Lunch
END:VEVENT
END:VCALENDAR
"""


def test_meeting_titles_are_secrets(fresh_store, tmp_path):
    path = tmp_path / "calendar.ics"
    path.write_text(ICS, encoding="utf-8")
    salon.import_paths(fresh_store, [path])
    meetings = [s for s in gather(fresh_store) if s.kind == "meeting"]
    assert [s.text for s in meetings] == ["Globex acquisition due diligence review"]
    report = salon.check_post(
        fresh_store, "Busy week: the Globex acquisition due diligence review!"
    )
    assert report.leaks and report.flags[0].secret.source.startswith("meeting ")


def test_an_empty_store_has_nothing_to_leak(fresh_store):
    report = salon.check_post(fresh_store, "Anything at all about Acme.")
    assert not report.leaks and report.secrets == 0 and "nothing could leak" in report.notes[0]


def test_project_names():
    assert project_names("Red Cedar – a gathering joint venture.", "projects") == ["Red Cedar"]
    assert project_names("A long sentence that has no head at all: really.", "projects") == []
    assert project_names("Red Cedar: a venture.", "issues") == []


def test_gather_and_check_post_on_sqlite_and_postgresql(any_store, tmp_path):
    (tmp_path / "marta.vcf").write_text(VCARD, encoding="utf-8")
    (tmp_path / "mail.mbox").write_text(MBOX, encoding="utf-8")
    (tmp_path / "calendar.ics").write_text(ICS, encoding="utf-8")
    salon.import_paths(
        any_store,
        [tmp_path / n for n in ("marta.vcf", "mail.mbox", "calendar.ics")],
        options=salon.ImportOptions(bodies=True),
    )
    kinds = sorted(s.kind for s in gather(any_store))
    assert kinds == ["meeting", "message", "message", "note"]
    report = salon.check_post(
        any_store, "Globex acquisition due diligence review, and Acme closing Lisbon in June."
    )
    assert {f.secret.kind for f in report.flags} == {"meeting", "message"}


def test_a_contacts_note_goes_with_its_import(fresh_store):
    first = salon.import_paths(fresh_store, [DATA / "contacts_ios_v30.vcf"])
    assert len([s for s in gather(fresh_store) if s.kind == "note"]) == 2
    salon.remove_import(fresh_store, first.import_id)
    assert gather(fresh_store) == []
